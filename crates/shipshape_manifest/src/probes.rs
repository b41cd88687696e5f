//! Probe timings as the kubelet applies them, defaults included: when a probe first
//! acts and how long it tolerates failure, for whoever compares probes with each other,
//! with an application's start time, or with a rollout's pace.

use serde_json::Value;

use crate::pod::Container;

/// The handlers a probe may use; two probes with equal handlers ask the same endpoint.
const HANDLERS: [&str; 4] = ["httpGet", "tcpSocket", "grpc", "exec"];

/// When a probe runs and when it gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// `initialDelaySeconds` (default 0).
    pub initial_delay: i64,
    /// `periodSeconds` (default 10).
    pub period: i64,
    /// `timeoutSeconds` (default 1).
    pub timeout: i64,
    /// `failureThreshold` (default 3).
    pub failure_threshold: i64,
}

impl Timing {
    /// The timings of `probe`, with the kubelet's defaults for what it leaves out.
    #[must_use]
    pub fn of(probe: &Value) -> Timing {
        let field = |name, default| probe.get(name).and_then(Value::as_i64).unwrap_or(default);
        Timing {
            initial_delay: field("initialDelaySeconds", 0),
            period: field("periodSeconds", 10),
            timeout: field("timeoutSeconds", 1),
            failure_threshold: field("failureThreshold", 3),
        }
    }

    /// Seconds of consecutive failures before the probe acts: `failureThreshold ×
    /// periodSeconds`.
    #[must_use]
    pub fn failure_window(&self) -> i64 {
        self.failure_threshold * self.period
    }

    /// Seconds from the container's start until the probe acts on a container that
    /// never answers: `initialDelaySeconds + failureThreshold × periodSeconds`.
    #[must_use]
    pub fn first_action(&self) -> i64 {
        self.initial_delay + self.failure_window()
    }
}

/// Whether two probes ask the same endpoint the same way (equal handlers).
#[must_use]
pub fn same_endpoint(a: &Value, b: &Value) -> bool {
    HANDLERS
        .iter()
        .any(|h| a.get(h).is_some_and(|handler| Some(handler) == b.get(h)))
}

/// The container's probe of `field` (`/livenessProbe`), unless absent or null.
#[must_use]
pub fn probe<'a>(container: &Container<'a>, field: &str) -> Option<&'a Value> {
    container.get(field).filter(|p| !p.is_null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timings_take_the_kubelets_defaults() {
        let timing = Timing::of(&json!({"httpGet": {"port": 80}, "periodSeconds": 5}));
        assert_eq!(
            timing,
            Timing {
                initial_delay: 0,
                period: 5,
                timeout: 1,
                failure_threshold: 3,
            }
        );
        assert_eq!(timing.failure_window(), 15);
        let late = Timing::of(&json!({"initialDelaySeconds": 20, "failureThreshold": 1}));
        assert_eq!(late.first_action(), 30);
    }

    #[test]
    fn probes_ask_the_same_endpoint_when_a_handler_is_equal() {
        let http = json!({"httpGet": {"path": "/ready", "port": 80}, "periodSeconds": 5});
        let same = json!({"httpGet": {"path": "/ready", "port": 80}, "timeoutSeconds": 3});
        let other = json!({"httpGet": {"path": "/live", "port": 80}});
        assert!(same_endpoint(&http, &same));
        assert!(!same_endpoint(&http, &other));
        assert!(!same_endpoint(&json!({}), &json!({})));
    }
}
