//! Label selectors: which pods a Service, a PodDisruptionBudget, a NetworkPolicy or a
//! workload means. Every consumer of the model matches labels through this one module.

use serde_json::{Map, Value};

/// A label selector of either form Kubernetes uses.
#[derive(Debug, Clone, Copy)]
pub enum Selector<'a> {
    /// A Service's `spec.selector`: every label must match.
    Labels(&'a Map<String, Value>),
    /// A `LabelSelector` (`matchLabels` and `matchExpressions`), as in PDBs, network
    /// policies and workloads. An empty one selects every pod of its namespace.
    LabelSelector(&'a Value),
}

impl<'a> Selector<'a> {
    /// A Service's selector; `None` for a Service without one (its endpoints are managed
    /// by hand or it is an `ExternalName`), which selects no pods on purpose.
    #[must_use]
    pub fn of_service(service: &'a Value) -> Option<Selector<'a>> {
        let labels = service.pointer("/spec/selector")?.as_object()?;
        (!labels.is_empty()).then_some(Selector::Labels(labels))
    }

    /// One `key: value` pair every selected pod must carry, if the selector has one: the
    /// key to an index of pods by label.
    #[must_use]
    pub fn first_label(&self) -> Option<(&'a str, &'a str)> {
        let labels = match self {
            Selector::Labels(labels) => Some(*labels),
            Selector::LabelSelector(selector) => {
                selector.get("matchLabels").and_then(Value::as_object)
            }
        };
        labels?
            .iter()
            .find_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
    }

    /// Whether pods with `labels` are selected.
    #[must_use]
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        match self {
            Selector::Labels(wanted) => match_labels(wanted, labels),
            Selector::LabelSelector(selector) => {
                let wanted = selector.get("matchLabels").and_then(Value::as_object);
                wanted.is_none_or(|w| match_labels(w, labels))
                    && selector
                        .get("matchExpressions")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .all(|e| match_expression(e, labels))
            }
        }
    }
}

fn match_labels(wanted: &Map<String, Value>, labels: Option<&Map<String, Value>>) -> bool {
    wanted
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

fn match_expression(expression: &Value, labels: Option<&Map<String, Value>>) -> bool {
    let key = expression["key"].as_str().unwrap_or("");
    let value = labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    let listed = |v: &str| {
        expression["values"]
            .as_array()
            .is_some_and(|vs| vs.iter().any(|x| x.as_str() == Some(v)))
    };
    match expression["operator"].as_str() {
        Some("In") => value.is_some_and(listed),
        Some("NotIn") => value.is_none_or(|v| !listed(v)),
        Some("Exists") => value.is_some(),
        Some("DoesNotExist") => value.is_none(),
        // The API server rejects any other operator; such a selector selects nothing.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(v: &Value) -> Option<&Map<String, Value>> {
        v.as_object()
    }

    #[test]
    fn label_selectors_match_like_the_api_server() {
        let pod = json!({"app": "web", "tier": "front"});
        let selector = json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["front", "back"]},
                {"key": "canary", "operator": "DoesNotExist"},
            ],
        });
        assert!(Selector::LabelSelector(&selector).matches(labels(&pod)));
        let other = json!({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["front"]}]});
        assert!(!Selector::LabelSelector(&other).matches(labels(&pod)));
        assert!(Selector::LabelSelector(&json!({})).matches(None));
    }

    #[test]
    fn services_without_a_selector_select_nothing() {
        let service = json!({"spec": {"selector": {}}});
        assert!(Selector::of_service(&service).is_none());
        let service = json!({"spec": {"selector": {"app": "web"}}});
        let s = Selector::of_service(&service).unwrap();
        assert!(s.matches(labels(&json!({"app": "web", "x": "y"}))));
        assert!(!s.matches(None));
    }
}
