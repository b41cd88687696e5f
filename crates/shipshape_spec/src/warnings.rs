//! What a spec may say but probably should not: a warning at `render`, located like a
//! problem, with the fix. Unlike a problem it stops nothing.

use crate::app::AppSpec;
use crate::path;
use crate::problem::{Path, Problem};

/// Every warning about `spec`, in spec order.
#[must_use]
pub fn warnings(spec: &AppSpec) -> Vec<Problem> {
    let mut out = Vec::new();
    for (name, c) in &spec.components {
        if c.kind.is_batch() || c.health.ready.is_some() || c.health.no_ready.is_some() {
            continue;
        }
        let at: Path = if c.health.live.is_some() || c.health.start.is_some() {
            path!["components", name, "health"]
        } else {
            path!["components", name]
        };
        let serves = c.kind.has_client_service() || c.expose.is_some();
        let (what, example) = match c.ports.keys().next() {
            Some(port) if serves => (
                "serves traffic but has no readiness probe: its pods get requests before they can answer, and a rollout goes on even when the new pods do not work",
                format!(
                    "`health: {{ ready: {{ http: /ready, port: {port} }} }}` (or `{{ tcp: {port} }}`)"
                ),
            ),
            _ => (
                "has no readiness probe: a rollout goes on even when the new pods do not work",
                "`health: { ready: { exec: [...] } }` or an HTTP check".to_owned(),
            ),
        };
        out.push(
            Problem::new(at, format!("`{name}` {what}"))
                .at_key()
                .help(format!(
                    "add {example}; or, if the pods need none, say why with `health: {{ no_ready: \"...\" }}`"
                )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::dotted;

    fn warned(components: &str) -> Vec<(String, String)> {
        let text = format!("name: shop\ncomponents:\n{components}");
        let loaded = crate::load_str("shipshape.yaml", &text, ".".as_ref(), None)
            .unwrap_or_else(|d| panic!("{}", d.render(false)));
        assert_eq!(loaded.warnings, warnings(&loaded.spec));
        loaded
            .warnings
            .iter()
            .map(|w| (dotted(&w.path), w.message.clone()))
            .collect()
    }

    #[test]
    fn long_running_components_without_readiness_are_warned_about() {
        let found = warned(
            "  queue:
    kind: worker
    image: example/queue:1.0.0
    health: { live: { exec: [/alive] } }
  ok:
    kind: service
    image: example/ok:1.0.0
    ports: { http: 8080 }
    health: { ready: { tcp: http } }
  quiet:
    kind: service
    image: example/quiet:1.0.0
    ports: { http: 8080 }
    health: { no_ready: answers before it listens }
  nightly:
    kind: cron
    image: example/nightly:1.0.0
    schedule: \"0 3 * * *\"
",
        );
        assert_eq!(
            found,
            [(
                "components.queue.health".to_owned(),
                "`queue` has no readiness probe: a rollout goes on even when the new pods do not work"
                    .to_owned()
            )]
        );
    }
}
