//! What a pod asks of its node: CPU and memory requests added up as the scheduler adds
//! them, for whoever fits pods onto nodes or prices them (the simulator, budgets).

use serde_json::Value;
use shipshape_grammar::Quantity;

use crate::pod::{ContainerKind, PodTemplate};

/// A pod's requests, as the scheduler counts them against a node's allocatable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requests {
    /// CPU, in millicores (rounded up, as apimachinery's `MilliValue`).
    pub cpu: i64,
    /// Memory, in bytes.
    pub memory: i64,
    /// Other resources some container requests (`nvidia.com/gpu`, `ephemeral-storage`),
    /// by name, each once.
    pub other: Vec<String>,
    /// `(container, resource, text)` of each CPU or memory value that is not a
    /// quantity, counted as 0 (the validator reports them).
    pub malformed: Vec<(String, String, String)>,
}

impl PodTemplate<'_> {
    /// Its pods' requests: the application containers and native sidecars (init
    /// containers with `restartPolicy: Always`) together, or the largest other init
    /// container when that is more, resource by resource, as the scheduler's
    /// `computePodResourceRequest` does. A container without `requests` asks for its
    /// `limits`, which the API server copies into requests.
    #[must_use]
    pub fn requests(&self) -> Requests {
        let mut out = Requests::default();
        let mut running = (0_i64, 0_i64);
        let mut init = (0_i64, 0_i64);
        for container in self.containers() {
            let asked = container
                .get("/resources/requests")
                .and_then(Value::as_object)
                .or_else(|| {
                    container
                        .get("/resources/limits")
                        .and_then(Value::as_object)
                });
            let Some(asked) = asked else { continue };
            let mut amount = |resource: &str, exponent: i32| -> i64 {
                let Some(value) = asked.get(resource) else {
                    return 0;
                };
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                match Quantity::parse(&text)
                    .ok()
                    .and_then(|q| q.ceil_scaled(exponent))
                {
                    Some(n) => n.max(0),
                    None => {
                        out.malformed
                            .push((container.name.to_owned(), resource.to_owned(), text));
                        0
                    }
                }
            };
            let pair = (amount("cpu", -3), amount("memory", 0));
            for resource in asked.keys() {
                if resource != "cpu" && resource != "memory" && !out.other.contains(resource) {
                    out.other.push(resource.clone());
                }
            }
            let sidecar = container.get("/restartPolicy").and_then(Value::as_str) == Some("Always");
            if container.kind == ContainerKind::App || sidecar {
                running = (running.0 + pair.0, running.1 + pair.1);
            } else {
                init = (init.0.max(pair.0), init.1.max(pair.1));
            }
        }
        out.cpu = running.0.max(init.0);
        out.memory = running.1.max(init.1);
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{ManifestSet, Model};

    fn requests(spec: serde_json::Value) -> super::Requests {
        let mut set = ManifestSet::new();
        set.push_value(
            json!({
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "p", "namespace": "ns"},
                "spec": spec,
            }),
            None,
        );
        let mut model = Model::new();
        model.add_objects(set.into_items());
        model.objects()[0].pod_template().expect("a pod").requests()
    }

    #[test]
    fn app_containers_and_sidecars_add_up_and_init_containers_take_the_largest() {
        let found = requests(json!({
            "initContainers": [
                {"name": "migrate", "resources": {"requests": {"cpu": "2", "memory": "64Mi"}}},
                {"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m", "memory": "32Mi"}}},
            ],
            "containers": [
                {"name": "app", "resources": {"requests": {"cpu": "250m", "memory": "256Mi", "nvidia.com/gpu": 1}}},
                {"name": "limited", "resources": {"limits": {"cpu": 0.5, "memory": "1Gi"}}},
                {"name": "bad", "resources": {"requests": {"cpu": "lots"}}},
            ],
        }));
        assert_eq!(found.cpu, 2000);
        assert_eq!(found.memory, (256 + 32 + 1024) << 20);
        assert_eq!(found.other, ["nvidia.com/gpu"]);
        assert_eq!(
            found.malformed,
            [("bad".to_owned(), "cpu".to_owned(), "lots".to_owned())]
        );
    }
}
