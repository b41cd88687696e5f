//! What a pod asks of its node: CPU and memory requests added up as the scheduler adds
//! them, after the API server has filled in what containers leave out (a request from
//! its limit, a LimitRange's defaults), for whoever fits pods onto nodes or prices them
//! (the simulator, budgets).

use serde_json::Value;

use crate::limit_range::{LimitRanges, Limits, RESOURCES, Resource};
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
    /// The requests a LimitRange's `defaultRequest` filled in.
    pub defaulted: Vec<Defaulted>,
    /// What a LimitRange refuses: the API server rejects the pods, so none is created.
    pub refused: Vec<Refusal>,
}

/// A request a LimitRange filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaulted {
    /// The container.
    pub container: String,
    /// CPU or memory.
    pub resource: Resource,
    /// The request it got, in the resource's unit (millicores, bytes).
    pub amount: i64,
    /// The LimitRange, as messages name objects (`LimitRange shop/defaults`).
    pub limit_range: String,
}

/// A bound of a LimitRange that a pod's containers cross.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The container; `None` for the pod's containers together (type `Pod`).
    pub container: Option<String>,
    /// CPU or memory.
    pub resource: Resource,
    /// `request` or `limit`.
    pub what: &'static str,
    /// The request or limit, in the resource's unit; `None` when there is none and the
    /// bound needs one.
    pub amount: Option<i64>,
    /// `min` or `max`.
    pub bound: &'static str,
    /// The bound's amount.
    pub limit: i64,
    /// The LimitRange, as messages name objects.
    pub limit_range: String,
}

/// A container's request and limit of one resource, after the API server's defaults.
#[derive(Debug, Clone, Copy, Default)]
struct Asked {
    request: Option<i64>,
    limit: Option<i64>,
}

impl PodTemplate<'_> {
    /// Its pods' requests with no LimitRange: see [`PodTemplate::requests_with`].
    #[must_use]
    pub fn requests(&self) -> Requests {
        self.requests_with(&LimitRanges::default())
    }

    /// Its pods' requests after admission: the application containers and native
    /// sidecars (init containers with `restartPolicy: Always`) together, or the largest
    /// other init container when that is more, resource by resource, as the scheduler's
    /// `computePodResourceRequest` does. A container that requests no CPU or memory asks
    /// for its limit, which the API server copies into requests, else for the
    /// `defaultRequest` of the first of `ranges`' LimitRanges of its namespace that has
    /// one; the LimitRanges' `min` and `max` are checked as `LimitRanger` checks them.
    #[must_use]
    pub fn requests_with(&self, ranges: &LimitRanges<'_>) -> Requests {
        let entries = ranges.of_namespace(self.object.namespace());
        let mut out = Requests::default();
        let mut running = [Asked::default(); 2];
        let mut init = [Asked::default(); 2];
        let mut every_limit = [true; 2];
        for container in self.containers() {
            let requests = container.get("/resources/requests");
            let limits = container.get("/resources/limits");
            for list in [requests, limits].into_iter().flatten() {
                for resource in list.as_object().into_iter().flat_map(|l| l.keys()) {
                    if resource != "cpu" && resource != "memory" && !out.other.contains(resource) {
                        out.other.push(resource.clone());
                    }
                }
            }
            let sidecar = container.get("/restartPolicy").and_then(Value::as_str) == Some("Always");
            for (r, resource) in RESOURCES.into_iter().enumerate() {
                let mut amount = |list: Option<&Value>| {
                    let value = list?.get(resource.name())?;
                    match resource.amount(value) {
                        Ok(n) => Some(n),
                        Err(text) => {
                            let entry =
                                (container.name.to_owned(), resource.name().to_owned(), text);
                            if !out.malformed.contains(&entry) {
                                out.malformed.push(entry);
                            }
                            Some(0)
                        }
                    }
                };
                let limit = amount(limits);
                let mut asked = Asked {
                    request: amount(requests).or(limit),
                    limit,
                };
                for entry in entries.iter().filter(|e| !e.pod) {
                    if asked.request.is_none()
                        && let Some(default) = entry.default_request.get(resource)
                    {
                        asked.request = Some(default);
                        out.defaulted.push(Defaulted {
                            container: container.name.to_owned(),
                            resource,
                            amount: default,
                            limit_range: entry.object.display_name(),
                        });
                    }
                    asked.limit = asked.limit.or(entry.default.get(resource));
                }
                for entry in entries.iter().filter(|e| !e.pod) {
                    bounds(
                        entry,
                        resource,
                        asked,
                        Some(container.name),
                        &mut out.refused,
                    );
                }
                every_limit[r] &= asked.limit.is_some();
                let add =
                    |total: Option<i64>, n: Option<i64>| Some(total.unwrap_or(0) + n.unwrap_or(0));
                if container.kind == ContainerKind::App || sidecar {
                    running[r] = Asked {
                        request: add(running[r].request, asked.request),
                        limit: add(running[r].limit, asked.limit),
                    };
                } else {
                    init[r] = Asked {
                        request: init[r].request.max(asked.request),
                        limit: init[r].limit.max(asked.limit),
                    };
                }
            }
        }
        for (r, resource) in RESOURCES.into_iter().enumerate() {
            let pod = Asked {
                request: running[r].request.max(init[r].request),
                limit: running[r]
                    .limit
                    .max(init[r].limit)
                    .filter(|_| every_limit[r]),
            };
            for entry in entries.iter().filter(|e| e.pod) {
                bounds(entry, resource, pod, None, &mut out.refused);
            }
            let request = pod.request.unwrap_or(0);
            match resource {
                Resource::Cpu => out.cpu = request,
                Resource::Memory => out.memory = request,
            }
        }
        out
    }
}

/// The bounds of `entry` that `asked` crosses, as `LimitRanger` checks them: a request
/// or limit below `min` (or none), a request or limit above `max` (or no limit).
fn bounds(
    entry: &Limits<'_>,
    resource: Resource,
    asked: Asked,
    container: Option<&str>,
    refused: &mut Vec<Refusal>,
) {
    let mut refuse = |what, amount, bound, limit| {
        refused.push(Refusal {
            container: container.map(str::to_owned),
            resource,
            what,
            amount,
            bound,
            limit,
            limit_range: entry.object.display_name(),
        });
    };
    if let Some(min) = entry.min.get(resource) {
        match asked.request {
            Some(request) if request < min => refuse("request", Some(request), "min", min),
            None => refuse("request", None, "min", min),
            Some(_) => {}
        }
        if let Some(limit) = asked.limit.filter(|l| *l < min) {
            refuse("limit", Some(limit), "min", min);
        }
    }
    if let Some(max) = entry.max.get(resource) {
        if let Some(request) = asked.request.filter(|r| *r > max) {
            refuse("request", Some(request), "max", max);
        }
        match asked.limit {
            Some(limit) if limit > max => refuse("limit", Some(limit), "max", max),
            None => refuse("limit", None, "max", max),
            Some(_) => {}
        }
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

    #[test]
    fn limit_ranges_default_what_containers_leave_out_and_bound_the_pod() {
        use crate::ModelIndex;
        use crate::limit_range::{LimitRanges, Resource};

        let mut set = ManifestSet::new();
        set.push_value(
            json!({
                "apiVersion": "v1", "kind": "LimitRange",
                "metadata": {"name": "lr", "namespace": "ns"},
                "spec": {"limits": [
                    // No defaultRequest: it is the default, which is the max.
                    {"type": "Container", "max": {"cpu": "2"}, "default": {"memory": "512Mi"}},
                    {"type": "Pod", "max": {"cpu": "3", "memory": "1Gi"}},
                ]},
            }),
            None,
        );
        set.push_value(
            json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "p", "namespace": "ns"},
                "spec": {"containers": [
                    // memory's request is its limit, per resource; cpu is defaulted.
                    {"name": "a", "resources": {"requests": {"cpu": "1"}, "limits": {"memory": "768Mi"}}},
                    {"name": "b"},
                ]},
            }),
            None,
        );
        let mut model = Model::new();
        model.add_objects(set.into_items());
        let index = ModelIndex::new(&model);
        let ranges = LimitRanges::of_model(&index);
        let found = model.objects()[1]
            .pod_template()
            .expect("a pod")
            .requests_with(&ranges);
        assert_eq!(found.cpu, 1000 + 2000);
        assert_eq!(found.memory, (768 + 512) << 20);
        assert_eq!(
            found.defaulted,
            [
                super::Defaulted {
                    container: "b".to_owned(),
                    resource: Resource::Cpu,
                    amount: 2000,
                    limit_range: "LimitRange ns/lr".to_owned(),
                },
                super::Defaulted {
                    container: "b".to_owned(),
                    resource: Resource::Memory,
                    amount: 512 << 20,
                    limit_range: "LimitRange ns/lr".to_owned(),
                },
            ]
        );
        // Neither container sets a cpu limit: each gets the default, which is the max
        // of 2, so the pod's is 4 against the pod max of 3. Memory: 768Mi + 512Mi
        // requested and limited, against 1Gi.
        assert_eq!(
            found.refused,
            [
                super::Refusal {
                    container: None,
                    resource: Resource::Cpu,
                    what: "limit",
                    amount: Some(4000),
                    bound: "max",
                    limit: 3000,
                    limit_range: "LimitRange ns/lr".to_owned(),
                },
                super::Refusal {
                    container: None,
                    resource: Resource::Memory,
                    what: "request",
                    amount: Some((768 + 512) << 20),
                    bound: "max",
                    limit: 1 << 30,
                    limit_range: "LimitRange ns/lr".to_owned(),
                },
                super::Refusal {
                    container: None,
                    resource: Resource::Memory,
                    what: "limit",
                    amount: Some((768 + 512) << 20),
                    bound: "max",
                    limit: 1 << 30,
                    limit_range: "LimitRange ns/lr".to_owned(),
                },
            ]
        );
        // Without LimitRanges, b asks for nothing.
        let bare = model.objects()[1].pod_template().expect("a pod").requests();
        assert_eq!((bare.cpu, bare.memory), (1000, 768 << 20));
        assert!(bare.defaulted.is_empty() && bare.refused.is_empty());
    }
}
