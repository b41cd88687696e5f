use serde_json::Value;

use crate::analysis::annotations::{self, DRAIN_SECONDS};
use crate::analysis::shutdown::{self, prestop_sleep};
use crate::templates::describe;
use crate::{CheckContext, Emitter, PodTemplate, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pods whose `terminationGracePeriodSeconds` (30 when unset) is shorter than what
    /// they need to stop cleanly: the longest `preStop` sleep of their containers
    /// (`lifecycle.preStop.sleep.seconds`, or an `exec` hook that runs `sleep N`) plus
    /// the time the application says it needs to drain after SIGTERM: declared on the
    /// pod template with the annotation `shipshape.dev/drain-seconds`, or else found
    /// among the application's own settings, the longest of
    /// - an environment variable, or an entry of a ConfigMap of the input that a
    ///   container reads through `envFrom` or `configMapKeyRef`, whose name speaks of
    ///   a shutdown timeout or grace (`SHUTDOWN_TIMEOUT`, `GRACEFUL_SHUTDOWN_TIMEOUT`,
    ///   `SERVER_SHUTDOWN_GRACE_PERIOD`), holding a Go duration (`30s`, `1m30s`), an
    ///   ISO-8601 one (`PT30S`) or seconds;
    /// - Spring Boot's `spring.lifecycle.timeout-per-shutdown-phase` (milliseconds when
    ///   bare, as Spring reads it), as such an entry or in a mounted `application.yaml`
    ///   or `.properties` file of a ConfigMap of the input.
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

impl SetRule for GracePeriodTooShort {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for pod in cx.pod_templates() {
            check_pod(cx, pod, out);
        }
    }
}

/// The drain time `pod` declares, and how to name it: the annotation, else the
/// application's own shutdown timeout.
fn drain(
    cx: &CheckContext<'_>,
    pod: &PodTemplate<'_>,
    out: &mut Emitter<'_>,
) -> Option<(i64, String)> {
    if let Some(declared) = annotations::of_pod(pod, DRAIN_SECONDS).and_then(|d| d.number(out)) {
        let seconds = declared.value;
        return Some((
            seconds,
            format!("the declared drain time ({seconds} s, {DRAIN_SECONDS})"),
        ));
    }
    let timeout = shutdown::app_timeout(cx, pod)?;
    Some((
        timeout.seconds,
        format!(
            "the application's shutdown timeout ({} s, {})",
            timeout.seconds, timeout.source
        ),
    ))
}

fn check_pod(cx: &CheckContext<'_>, pod: &PodTemplate<'_>, out: &mut Emitter<'_>) {
    let object = pod.object;
    let drain = drain(cx, pod, out);
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
    if let Some((_, part)) = &drain {
        parts.push(part.clone());
    }
    let needed = sleep.as_ref().map_or(0, |(s, _)| *s) + drain.as_ref().map_or(0, |(d, _)| *d);
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
