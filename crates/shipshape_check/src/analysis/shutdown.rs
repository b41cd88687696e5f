//! How long an application says it needs after SIGTERM, from its own settings: an
//! environment variable or ConfigMap entry named like a shutdown timeout
//! (`SHUTDOWN_TIMEOUT`, `GRACEFUL_SHUTDOWN_TIMEOUT`, `SERVER_SHUTDOWN_GRACE_PERIOD`), or
//! Spring Boot's `spring.lifecycle.timeout-per-shutdown-phase` in a mounted
//! `application.yaml` or `.properties` file. The annotation `shipshape.dev/drain-seconds`
//! says the same in shipshape's words (`annotations`); rules read both. Also what a
//! container's `preStop` hook does before SIGTERM: SS016 adds its sleep to the drain,
//! SS159 asks serving pods for one.

use serde_json::Value;
use shipshape_grammar::duration::{self, BareUnit};
use shipshape_manifest::{ModelIndex, PodTemplate, kinds};

use crate::Container;
use crate::templates::describe;

/// Spring Boot's setting, as a property key.
const SPRING_KEY: &str = "spring.lifecycle.timeout-per-shutdown-phase";

/// A shutdown timeout found among an application's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AppTimeout {
    /// Whole seconds, rounded up.
    pub seconds: i64,
    /// Where it was found, for messages: "env SHUTDOWN_TIMEOUT of container `web`".
    pub source: String,
}

/// What a container's `preStop` hook does before the kubelet sends SIGTERM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PreStop {
    /// Waits this many seconds: `sleep.seconds`, or an `exec` command that runs
    /// `sleep N` (directly or through a shell).
    Sleep(i64),
    /// Asks the application to drain: an `httpGet` handler.
    Request,
    /// Runs a command that is not a sleep: the application's own drain script, whose
    /// duration the manifests do not say.
    Command,
}

/// What `container`'s `preStop` hook does, when it has one the kubelet runs
/// (`tcpSocket` is accepted by the API and never run).
pub(crate) fn prestop(container: &Container<'_>) -> Option<PreStop> {
    let hook = container.get("/lifecycle/preStop")?;
    if let Some(seconds) = hook.pointer("/sleep/seconds").and_then(Value::as_i64) {
        return Some(PreStop::Sleep(seconds));
    }
    if hook.get("httpGet").is_some() {
        return Some(PreStop::Request);
    }
    let command = hook.pointer("/exec/command")?.as_array()?;
    let words: Vec<&str> = command
        .iter()
        .filter_map(Value::as_str)
        .flat_map(|arg| arg.split(|c: char| c.is_whitespace() || ";&|()".contains(c)))
        .filter(|w| !w.is_empty())
        .collect();
    let sleep = words
        .iter()
        .position(|w| w.rsplit('/').next() == Some("sleep"))
        .and_then(|at| sleep_seconds(words.get(at + 1)?));
    Some(sleep.map_or(PreStop::Command, PreStop::Sleep))
}

/// Seconds the container's `preStop` hook sleeps, when it is a sleep.
pub(crate) fn prestop_sleep(container: &Container<'_>) -> Option<i64> {
    match prestop(container)? {
        PreStop::Sleep(seconds) => Some(seconds),
        PreStop::Request | PreStop::Command => None,
    }
}

/// A `sleep` argument in whole seconds, rounded up: `5`, `5s`, `0.5`.
fn sleep_seconds(argument: &str) -> Option<i64> {
    let value: f64 = argument
        .strip_suffix('s')
        .unwrap_or(argument)
        .parse()
        .ok()?;
    // A sleep is at most hours long, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    (value.is_finite() && value >= 0.0).then(|| value.ceil() as i64)
}

/// Whether a setting named `name` is a shutdown timeout: it speaks of shutdown and of a
/// timeout or grace period, however it is cased and separated.
fn is_shutdown_timeout(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    name.contains("SHUTDOWN") && (name.contains("TIMEOUT") || name.contains("GRACE"))
}

/// The unit a bare number has for the setting `name`: Spring Boot reads milliseconds,
/// everything else here is taken as seconds.
fn bare_unit(name: &str) -> BareUnit {
    if name.to_ascii_uppercase().starts_with("SPRING") {
        BareUnit::Milliseconds
    } else {
        BareUnit::Seconds
    }
}

/// `text` as whole seconds (rounded up), if it is a duration.
fn seconds(text: &str, bare: BareUnit) -> Option<i64> {
    let duration = duration::parse(text, bare).ok()?;
    let whole = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    i64::try_from(whole).ok()
}

/// Spring Boot's timeout in a mounted configuration file's text: a line that sets
/// `timeout-per-shutdown-phase` (YAML, nested or dotted, or a properties file).
fn in_file(text: &str) -> Option<i64> {
    text.lines().find_map(|line| {
        let (_, value) = line.split_once("timeout-per-shutdown-phase")?;
        let value = value.trim_start().strip_prefix([':', '='])?;
        let value = value.split('#').next().unwrap_or(value);
        seconds(value, BareUnit::Milliseconds)
    })
}

/// The `data` of the ConfigMap `name` in `namespace`, when the input has it.
fn config_data<'a>(
    index: &ModelIndex<'a>,
    namespace: &str,
    name: Option<&str>,
) -> Option<&'a serde_json::Map<String, Value>> {
    index
        .find(&kinds::CONFIG_MAP, namespace, name?)?
        .get("/data")?
        .as_object()
}

/// The timeouts one container's environment declares.
fn from_env(index: &ModelIndex<'_>, namespace: &str, container: &Container<'_>) -> Vec<AppTimeout> {
    let mut found = Vec::new();
    let who = describe(container);
    let env = container.get("/env").and_then(Value::as_array);
    for var in env.into_iter().flatten() {
        let Some(name) = var["name"].as_str().filter(|n| is_shutdown_timeout(n)) else {
            continue;
        };
        let value = var["value"].as_str().or_else(|| {
            let key = var.pointer("/valueFrom/configMapKeyRef")?;
            let data = config_data(index, namespace, key["name"].as_str())?;
            data.get(key["key"].as_str()?)?.as_str()
        });
        if let Some(seconds) = value.and_then(|v| seconds(v, bare_unit(name))) {
            found.push(AppTimeout {
                seconds,
                source: format!("env {name} of {who}"),
            });
        }
    }
    let from = container.get("/envFrom").and_then(Value::as_array);
    for source in from.into_iter().flatten() {
        let map = source.pointer("/configMapRef/name").and_then(Value::as_str);
        let Some(data) = config_data(index, namespace, map) else {
            continue;
        };
        let prefix = source["prefix"].as_str().unwrap_or("");
        for (key, value) in data {
            let name = format!("{prefix}{key}");
            if !is_shutdown_timeout(&name) {
                continue;
            }
            if let Some(seconds) = value.as_str().and_then(|v| seconds(v, bare_unit(&name))) {
                found.push(AppTimeout {
                    seconds,
                    source: format!("{name} of ConfigMap `{}`", map.unwrap_or("")),
                });
            }
        }
    }
    found
}

/// The longest shutdown timeout `pod`'s application declares in its settings.
pub(crate) fn app_timeout(index: &ModelIndex<'_>, pod: &PodTemplate<'_>) -> Option<AppTimeout> {
    let namespace = pod.object.namespace();
    let mut found: Vec<AppTimeout> = pod
        .app_containers()
        .flat_map(|c| from_env(index, namespace, &c))
        .collect();
    let volumes = pod.spec_get("/volumes").and_then(Value::as_array);
    for volume in volumes.into_iter().flatten() {
        let map = volume.pointer("/configMap/name").and_then(Value::as_str);
        let Some(data) = config_data(index, namespace, map) else {
            continue;
        };
        for (key, text) in data {
            let file =
                key.ends_with(".yaml") || key.ends_with(".yml") || key.ends_with(".properties");
            let seconds = if file {
                text.as_str().and_then(in_file)
            } else if key == SPRING_KEY {
                text.as_str()
                    .and_then(|v| seconds(v, BareUnit::Milliseconds))
            } else {
                None
            };
            if let Some(seconds) = seconds {
                found.push(AppTimeout {
                    seconds,
                    source: format!(
                        "{SPRING_KEY} in `{key}` of ConfigMap `{}`",
                        map.unwrap_or("")
                    ),
                });
            }
        }
    }
    found.into_iter().max_by_key(|t| t.seconds)
}

#[cfg(test)]
mod tests {
    use super::{in_file, is_shutdown_timeout, seconds, sleep_seconds};
    use shipshape_grammar::duration::BareUnit;

    #[test]
    fn sleep_arguments_round_up_to_seconds() {
        assert_eq!(sleep_seconds("5"), Some(5));
        assert_eq!(sleep_seconds("5s"), Some(5));
        assert_eq!(sleep_seconds("0.5"), Some(1));
        assert_eq!(sleep_seconds("infinity"), None);
        assert_eq!(sleep_seconds("-1"), None);
    }

    #[test]
    fn names_and_values_of_shutdown_timeouts() {
        assert!(is_shutdown_timeout("SHUTDOWN_TIMEOUT"));
        assert!(is_shutdown_timeout("GRACEFUL_SHUTDOWN_TIMEOUT"));
        assert!(is_shutdown_timeout("server.shutdown-grace-period"));
        assert!(is_shutdown_timeout(
            "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE"
        ));
        assert!(!is_shutdown_timeout("READ_TIMEOUT"));
        assert!(!is_shutdown_timeout("SHUTDOWN_HOOK"));
        assert_eq!(seconds("30s", BareUnit::Seconds), Some(30));
        assert_eq!(seconds("1500ms", BareUnit::Seconds), Some(2));
        assert_eq!(seconds("45", BareUnit::Seconds), Some(45));
        assert_eq!(seconds("soon", BareUnit::Seconds), None);
    }

    #[test]
    fn spring_files_set_the_timeout_nested_dotted_or_as_properties() {
        let nested = "spring:\n  lifecycle:\n    timeout-per-shutdown-phase: 40s # drain\n";
        assert_eq!(in_file(nested), Some(40));
        assert_eq!(
            in_file("spring.lifecycle.timeout-per-shutdown-phase=20000\n"),
            Some(20)
        );
        assert_eq!(in_file("server:\n  shutdown: graceful\n"), None);
    }
}
