use crate::analysis::annotations::{self, START_SECONDS};
use crate::templates::describe;
use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::probes::{self, Timing};

declare_rule! {
    /// ## What it checks
    /// Containers of long-running workloads with a liveness probe and no startup probe,
    /// whose liveness probe gives up before the application is up: `initialDelaySeconds
    /// + periodSeconds × failureThreshold` (with the kubelet's defaults 0, 10 and 3) is
    /// below the start time the pod template declares with the annotation
    /// `shipshape.dev/start-seconds`.
    ///
    /// ## Why it matters
    /// The kubelet restarts a container whose liveness probe fails `failureThreshold`
    /// times in a row. A container that needs longer than that to start is killed
    /// before it ever answers, and again after every restart: a CrashLoopBackOff that
    /// looks like a bug in the application. It shows up when start-up slows down (a
    /// bigger cache to warm, a slower node, a cold JVM), often first in production.
    ///
    /// ## How to fix
    /// Add a `startupProbe` (liveness waits until it succeeds) whose `failureThreshold ×
    /// periodSeconds` covers the start time with room to spare, or raise the liveness
    /// probe's `initialDelaySeconds`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: search
    /// spec:
    ///   selector:
    ///     matchLabels: { app: search }
    ///   template:
    ///     metadata:
    ///       labels: { app: search }
    ///       annotations:
    ///         shipshape.dev/start-seconds: "90"
    ///     spec:
    ///       containers:
    ///         - name: search
    ///           image: example/search:4.2.0
    ///           livenessProbe:
    ///             httpGet: { path: /live, port: 8080 }
    ///             periodSeconds: 10
    ///             failureThreshold: 3
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: search
    /// spec:
    ///   selector:
    ///     matchLabels: { app: search }
    ///   template:
    ///     metadata:
    ///       labels: { app: search }
    ///       annotations:
    ///         shipshape.dev/start-seconds: "90"
    ///     spec:
    ///       containers:
    ///         - name: search
    ///           image: example/search:4.2.0
    ///           startupProbe:
    ///             httpGet: { path: /live, port: 8080 }
    ///             periodSeconds: 5
    ///             failureThreshold: 30
    ///           livenessProbe:
    ///             httpGet: { path: /live, port: 8080 }
    ///             periodSeconds: 10
    ///             failureThreshold: 3
    /// ```
    pub struct LivenessKillsSlowStart {
        id: "SS017",
        name: "liveness-kills-slow-start",
        severity: Warning,
        theme: Reliability,
        summary: "liveness probe gives up before the container's declared start time",
    }
}

impl ObjectRule for LivenessKillsSlowStart {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template().filter(|p| p.is_long_running()) else {
            return;
        };
        let Some(start) = annotations::of_pod(&pod, START_SECONDS).and_then(|d| d.number(out))
        else {
            return;
        };
        for container in pod.app_containers() {
            let Some(liveness) = probes::probe(&container, "/livenessProbe") else {
                continue;
            };
            if probes::probe(&container, "/startupProbe").is_some() {
                continue;
            }
            let timing = Timing::of(liveness);
            if timing.first_action() < start.value {
                out.report(
                    object,
                    container.pointer_to("/livenessProbe"),
                    format!(
                        "{}'s liveness probe restarts it after {} s ({} + {} × {} s) and it has no startup probe, but it takes {} s to start ({START_SECONDS}): it is killed before it is up, again and again",
                        describe(&container),
                        timing.first_action(),
                        timing.initial_delay,
                        timing.failure_threshold,
                        timing.period,
                        start.value,
                    ),
                );
            }
        }
    }
}
