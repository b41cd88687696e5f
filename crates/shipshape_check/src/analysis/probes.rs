//! Probe timings as the kubelet applies them, defaults included, for the rules that
//! compare probes with each other and with the application's declared start time.

use serde_json::Value;

/// The handlers a probe may use; two probes with equal handlers ask the same endpoint.
const HANDLERS: [&str; 4] = ["httpGet", "tcpSocket", "grpc", "exec"];

/// When a probe runs and when it gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timing {
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
    pub(crate) fn of(probe: &Value) -> Timing {
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
    pub(crate) fn failure_window(&self) -> i64 {
        self.failure_threshold * self.period
    }

    /// Seconds from the container's start until the probe acts on a container that
    /// never answers: `initialDelaySeconds + failureThreshold × periodSeconds`.
    pub(crate) fn first_action(&self) -> i64 {
        self.initial_delay + self.failure_window()
    }
}

/// Whether two probes ask the same endpoint the same way (equal handlers).
pub(crate) fn same_endpoint(a: &Value, b: &Value) -> bool {
    HANDLERS
        .iter()
        .any(|h| a.get(h).is_some_and(|handler| Some(handler) == b.get(h)))
}

/// The container's probe of `field` (`/livenessProbe`), unless absent or null.
pub(crate) fn probe<'a>(container: &crate::Container<'a>, field: &str) -> Option<&'a Value> {
    container.get(field).filter(|p| !p.is_null())
}
