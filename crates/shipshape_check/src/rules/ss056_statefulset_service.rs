use serde_json::Value;

use crate::{CheckContext, Emitter, Object, Selector, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// StatefulSets of several pods (`replicas` above 1, or an autoscaler that may scale
    /// them past one) whose governing Service (`spec.serviceName`) cannot give their pods
    /// stable DNS names: `serviceName` is missing or empty; it names a Service of the
    /// input that is not headless (`clusterIP: None`) or does not select the set's pods;
    /// or it names no Service of the input while another Service of the input does
    /// select the set's pods (the set ships with its Services, so the governing one is
    /// misnamed). A name that matches no Service when no Service of the input selects
    /// the pods is left alone: the input is partial and the Service lives elsewhere.
    /// A set of one pod is left alone too: it has no peers to find, and its clients
    /// reach it through a Service's address.
    ///
    /// ## Why it matters
    /// A StatefulSet's pods are reachable as `<pod>.<serviceName>` only through a
    /// headless Service that selects them. Without one, members of a cluster (databases,
    /// brokers, quorum stores) cannot find each other, and clients that address a
    /// member by name (the primary, `db-0`) fail to resolve it. A Service with a cluster
    /// IP publishes no per-pod records at all.
    ///
    /// ## How to fix
    /// Add a headless Service (`clusterIP: None`) that selects the set's pods and name
    /// it in `serviceName`. A Service with a cluster IP for clients can sit beside it.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: db
    /// spec:
    ///   selector: { app: db }
    ///   ports:
    ///     - { port: 5432 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db
    /// spec:
    ///   serviceName: db
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: { app: db }
    ///   template:
    ///     metadata:
    ///       labels: { app: db }
    ///     spec:
    ///       containers:
    ///         - name: db
    ///           image: example/db:16.2
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: db
    /// spec:
    ///   clusterIP: None
    ///   selector: { app: db }
    ///   ports:
    ///     - { port: 5432 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: db
    /// spec:
    ///   serviceName: db
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: { app: db }
    ///   template:
    ///     metadata:
    ///       labels: { app: db }
    ///     spec:
    ///       containers:
    ///         - name: db
    ///           image: example/db:16.2
    /// ```
    pub struct StatefulSetService {
        id: "SS056",
        name: "statefulset-service",
        severity: Warning,
        theme: Correctness,
        summary: "StatefulSet has no headless governing Service that selects its pods",
    }
}

/// Whether `service` selects the pods of `set`.
fn selects(cx: &CheckContext<'_>, service: &Object, set: &Object) -> bool {
    Selector::of_service(service.value()).is_some_and(|selector| {
        cx.selected(service.namespace(), selector)
            .any(|pod| pod.object.index() == set.index())
    })
}

/// Whether `service` is headless.
fn is_headless(service: &Object) -> bool {
    service.str_at("/spec/clusterIP") == Some("None")
}

impl SetRule for StatefulSetService {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for set in cx.of_kind(&kinds::STATEFUL_SET) {
            let several = set.get("/spec/replicas").and_then(Value::as_i64) > Some(1)
                || cx
                    .autoscalers_of(set)
                    .any(|hpa| hpa.max_replicas().is_some_and(|n| n > 1));
            if !several {
                continue;
            }
            let namespace = set.namespace();
            let Some(name) = set.str_at("/spec/serviceName").filter(|n| !n.is_empty()) else {
                out.report(
                    set,
                    "/spec/serviceName",
                    "has no serviceName: its pods get no stable DNS names, so members cannot find each other; name a headless Service that selects them",
                );
                continue;
            };
            let at = "/spec/serviceName";
            if let Some(service) = cx.find(&kinds::SERVICE, namespace, name) {
                let problem = match (is_headless(service), selects(cx, service, set)) {
                    (true, true) => continue,
                    (false, true) => {
                        "is not headless (no `clusterIP: None`), so it publishes no per-pod DNS records"
                    }
                    (true, false) => {
                        "does not select the set's pods, so it publishes no DNS records for them"
                    }
                    (false, false) => {
                        "is not headless (no `clusterIP: None`) and does not select the set's pods, so it publishes no DNS records for them"
                    }
                };
                out.report(
                    set,
                    at,
                    format!("its governing {} {problem}", service.display_name()),
                );
                continue;
            }
            let mut selecting = cx
                .of_kind(&kinds::SERVICE)
                .filter(|s| s.namespace() == namespace && selects(cx, s, set));
            let Some(first) = selecting.next() else {
                continue;
            };
            let headless = std::iter::once(first)
                .chain(selecting)
                .find(|s| is_headless(s));
            let message = match headless {
                Some(s) => format!(
                    "serviceName `{name}` names no Service of the input, while the headless {} selects the set's pods: did you mean `{}`?",
                    s.display_name(),
                    s.name()
                ),
                None => format!(
                    "serviceName `{name}` names no Service of the input, while {} (with a cluster IP) selects the set's pods: add a headless Service named `{name}`",
                    first.display_name()
                ),
            };
            out.report(set, at, message);
        }
    }
}
