use serde_json::Value;

use crate::analysis::annotations::{self, DRAIN_SECONDS};
use crate::templates::describe;
use crate::{Container, Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pods whose `terminationGracePeriodSeconds` (30 when unset) is shorter than what
    /// they need to stop cleanly: the longest `preStop` sleep of their containers
    /// (`lifecycle.preStop.sleep.seconds`, or an `exec` hook that runs `sleep N`) plus
    /// the time the application says it needs to drain after SIGTERM, declared on the
    /// pod template with the annotation `shipshape.dev/drain-seconds`.
    ///
    /// ## Why it matters
    /// The grace period is a hard deadline for the whole shutdown, preStop hook
    /// included. The preStop sleep keeps the pod serving while the endpoints controller
    /// and the load balancers stop sending it requests; the drain then finishes the
    /// requests and jobs in flight. When the deadline comes first, the kubelet kills the
    /// container mid-drain, on every rollout, scale-down and node drain: requests are
    /// cut off and work is lost.
    ///
    /// ## How to fix
    /// Set `terminationGracePeriodSeconds` to at least the preStop sleep plus the drain
    /// time, with a few seconds to spare, or shorten the sleep.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///       annotations:
    ///         shipshape.dev/drain-seconds: "25"
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    ///           lifecycle:
    ///             preStop:
    ///               sleep: { seconds: 10 }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///       annotations:
    ///         shipshape.dev/drain-seconds: "25"
    ///     spec:
    ///       terminationGracePeriodSeconds: 40
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    ///           lifecycle:
    ///             preStop:
    ///               sleep: { seconds: 10 }
    /// ```
    pub struct GracePeriodTooShort {
        id: "SS016",
        name: "grace-period-too-short",
        severity: Warning,
        theme: Reliability,
        summary: "termination grace period is shorter than the preStop sleep plus the drain time",
    }
}

/// The kubelet's grace period when the pod sets none.
const DEFAULT_GRACE_SECONDS: i64 = 30;

/// Seconds the container's preStop hook sleeps: `sleep.seconds`, or an `exec` command
/// that runs `sleep N` (directly or through a shell).
fn prestop_sleep(container: &Container<'_>) -> Option<i64> {
    let hook = container.get("/lifecycle/preStop")?;
    if let Some(seconds) = hook.pointer("/sleep/seconds").and_then(Value::as_i64) {
        return Some(seconds);
    }
    let command = hook.pointer("/exec/command")?.as_array()?;
    let words: Vec<&str> = command
        .iter()
        .filter_map(Value::as_str)
        .flat_map(|arg| arg.split(|c: char| c.is_whitespace() || ";&|()".contains(c)))
        .filter(|w| !w.is_empty())
        .collect();
    let at = words
        .iter()
        .position(|w| w.rsplit('/').next() == Some("sleep"))?;
    seconds(words.get(at + 1)?)
}

/// A `sleep` argument in whole seconds, rounded up: `5`, `5s`, `0.5`.
fn seconds(argument: &str) -> Option<i64> {
    let value: f64 = argument
        .strip_suffix('s')
        .unwrap_or(argument)
        .parse()
        .ok()?;
    // A sleep is at most hours long, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    (value.is_finite() && value >= 0.0).then(|| value.ceil() as i64)
}

impl ObjectRule for GracePeriodTooShort {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        let drain = annotations::of_pod(&pod, DRAIN_SECONDS).and_then(|d| d.number(out));
        let sleep = pod
            .containers()
            .filter_map(|c| Some((prestop_sleep(&c)?, c)))
            .max_by_key(|(seconds, _)| *seconds);
        let mut parts = Vec::new();
        if let Some((seconds, container)) = &sleep {
            parts.push(format!(
                "the preStop sleep of {} ({seconds} s)",
                describe(container)
            ));
        }
        if let Some(drain) = &drain {
            parts.push(format!(
                "the declared drain time ({} s, {DRAIN_SECONDS})",
                drain.value
            ));
        }
        let needed = sleep.as_ref().map_or(0, |(s, _)| *s) + drain.map_or(0, |d| d.value);
        let set = pod
            .spec_get("/terminationGracePeriodSeconds")
            .and_then(Value::as_i64);
        let grace = set.unwrap_or(DEFAULT_GRACE_SECONDS);
        if grace < needed {
            let unset = if set.is_none() { " (the default)" } else { "" };
            let sum = if parts.len() > 1 {
                format!(" = {needed} s")
            } else {
                String::new()
            };
            out.report(
                object,
                pod.spec_pointer("/terminationGracePeriodSeconds"),
                format!(
                    "terminationGracePeriodSeconds {grace}{unset} is shorter than {}{sum}: the kubelet kills the pods mid-drain",
                    parts.join(" plus "),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn sleep_arguments_round_up_to_seconds() {
        assert_eq!(seconds("5"), Some(5));
        assert_eq!(seconds("5s"), Some(5));
        assert_eq!(seconds("0.5"), Some(1));
        assert_eq!(seconds("infinity"), None);
        assert_eq!(seconds("-1"), None);
    }
}
