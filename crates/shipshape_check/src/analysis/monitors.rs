//! Which namespaces a ServiceMonitor or PodMonitor looks in, read one way for every rule
//! about monitors.

use serde_json::Value;

use shipshape_manifest::Object;

/// The namespaces a ServiceMonitor looks for Services in, or a PodMonitor for pods.
pub(crate) enum Namespaces<'a> {
    /// `namespaceSelector: {any: true}`.
    Any,
    /// `matchNames`, or the monitor's own namespace.
    Named(Vec<&'a str>),
}

impl<'a> Namespaces<'a> {
    /// The namespaces `monitor`'s `namespaceSelector` names.
    pub(crate) fn of(monitor: &'a Object) -> Namespaces<'a> {
        if monitor
            .get("/spec/namespaceSelector/any")
            .and_then(Value::as_bool)
            == Some(true)
        {
            return Namespaces::Any;
        }
        let names = monitor
            .get("/spec/namespaceSelector/matchNames")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect::<Vec<_>>());
        Namespaces::Named(names.unwrap_or_else(|| vec![monitor.namespace()]))
    }

    /// Whether the monitor looks in `namespace`.
    pub(crate) fn contains(&self, namespace: &str) -> bool {
        match self {
            Namespaces::Any => true,
            Namespaces::Named(names) => names.contains(&namespace),
        }
    }

    /// "any namespace", "namespace shop, billing": how messages name them.
    pub(crate) fn describe(&self) -> String {
        match self {
            Namespaces::Any => "any namespace".to_owned(),
            Namespaces::Named(names) => format!("namespace {}", names.join(", ")),
        }
    }
}
