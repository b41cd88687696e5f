use serde_json::Value;

use crate::templates::escape;
use crate::{Emitter, Object, ObjectRule, PodTemplate, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pods that schedule or spread by a deprecated node label: `beta.kubernetes.io/os`,
    /// `beta.kubernetes.io/arch`, `beta.kubernetes.io/instance-type`,
    /// `failure-domain.beta.kubernetes.io/zone` or
    /// `failure-domain.beta.kubernetes.io/region`, in `nodeSelector`, node affinity,
    /// pod (anti-)affinity `topologyKey`s or topology spread constraints.
    ///
    /// ## Why it matters
    /// These labels were replaced in Kubernetes 1.14 to 1.17 and are being dropped from
    /// nodes. On nodes without them a `nodeSelector` or required affinity leaves the
    /// pods pending, and a spread or anti-affinity over a missing key silently spreads
    /// nothing.
    ///
    /// ## How to fix
    /// Use `kubernetes.io/os`, `kubernetes.io/arch`, `node.kubernetes.io/instance-type`,
    /// `topology.kubernetes.io/zone` and `topology.kubernetes.io/region`.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   nodeSelector:
    ///     beta.kubernetes.io/os: linux
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   nodeSelector:
    ///     kubernetes.io/os: linux
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    pub struct DeprecatedNodeLabel {
        id: "SS173",
        name: "deprecated-node-label",
        severity: Warning,
        theme: Deprecation,
        summary: "pod schedules or spreads by a deprecated node label",
    }
}

/// Deprecated node labels and their replacements.
const LABELS: [(&str, &str); 5] = [
    ("beta.kubernetes.io/os", "kubernetes.io/os"),
    ("beta.kubernetes.io/arch", "kubernetes.io/arch"),
    (
        "beta.kubernetes.io/instance-type",
        "node.kubernetes.io/instance-type",
    ),
    (
        "failure-domain.beta.kubernetes.io/zone",
        "topology.kubernetes.io/zone",
    ),
    (
        "failure-domain.beta.kubernetes.io/region",
        "topology.kubernetes.io/region",
    ),
];

/// Every node label key `pod` schedules or spreads by, with its pointer.
fn label_keys(pod: &PodTemplate<'_>) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    if let Some(selector) = pod.spec_get("/nodeSelector").and_then(Value::as_object) {
        for key in selector.keys() {
            let escaped = escape(key);
            keys.push((
                key.clone(),
                pod.spec_pointer(&format!("/nodeSelector/{escaped}")),
            ));
        }
    }
    walk(pod.spec, &pod.spec_pointer(""), &mut keys);
    keys
}

/// Collects `topologyKey`s and the `key` of node selector requirements under `value`
/// (affinity terms and spread constraints nest them at several depths).
fn walk(value: &Value, pointer: &str, keys: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (field, child) in map {
                let here = format!("{pointer}/{field}");
                match (field.as_str(), child.as_str()) {
                    ("topologyKey", Some(key)) => keys.push((key.to_owned(), here)),
                    // Only node selector requirements; pod label selectors also have
                    // `key`, but pod labels are not node labels.
                    ("matchExpressions", _) if pointer.contains("nodeAffinity") => {
                        for (i, expression) in child.as_array().into_iter().flatten().enumerate() {
                            if let Some(key) = expression["key"].as_str() {
                                keys.push((key.to_owned(), format!("{here}/{i}/key")));
                            }
                        }
                    }
                    ("containers" | "initContainers" | "volumes", _) => {}
                    _ => walk(child, &here, keys),
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{i}"), keys);
            }
        }
        _ => {}
    }
}

impl ObjectRule for DeprecatedNodeLabel {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for (key, pointer) in label_keys(&pod) {
            if let Some((_, replacement)) = LABELS.iter().find(|(old, _)| *old == key) {
                out.report(
                    object,
                    pointer,
                    format!("node label `{key}` is deprecated: use `{replacement}`"),
                );
            }
        }
    }
}
