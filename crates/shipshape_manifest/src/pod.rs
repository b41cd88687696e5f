//! Pod templates and their containers, found once for every workload kind so that no
//! consumer re-implements where each kind keeps its pods.

use k8s_openapi::api::core::v1 as k8s;
use serde_json::{Map, Value};

use crate::identity::{GroupKind, kinds};
use crate::object::Object;
use crate::pointer::lookup;
use crate::typed::TypedError;

/// Where each kind keeps its pod template (`metadata` and `spec` of the pods it runs).
const TEMPLATE_POINTERS: &[(GroupKind<'static>, &str)] = &[
    (kinds::POD, ""),
    (kinds::DEPLOYMENT, "/spec/template"),
    (kinds::STATEFUL_SET, "/spec/template"),
    (kinds::DAEMON_SET, "/spec/template"),
    (kinds::REPLICA_SET, "/spec/template"),
    (kinds::REPLICATION_CONTROLLER, "/spec/template"),
    (kinds::JOB, "/spec/template"),
    (kinds::CRON_JOB, "/spec/jobTemplate/spec/template"),
];

/// Kinds whose `spec.replicas` says how many pods run.
const REPLICATED: &[GroupKind<'static>] = &[
    kinds::DEPLOYMENT,
    kinds::STATEFUL_SET,
    kinds::REPLICA_SET,
    kinds::REPLICATION_CONTROLLER,
];

/// The pods a workload (or a bare Pod) runs.
#[derive(Debug, Clone, Copy)]
pub struct PodTemplate<'a> {
    /// The object that holds the template.
    pub object: &'a Object,
    /// JSON pointer of the template in the object (`/spec/template`; empty for a Pod).
    pub pointer: &'static str,
    /// The template's `spec` (the pod spec).
    pub spec: &'a Value,
    metadata: Option<&'a Map<String, Value>>,
}

/// Which list of the pod spec a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    /// `initContainers` (including native sidecars).
    Init,
    /// `containers`: the application.
    App,
    /// `ephemeralContainers`, added for debugging.
    Ephemeral,
}

impl ContainerKind {
    fn list(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::App => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// One container of a pod template.
#[derive(Debug, Clone)]
pub struct Container<'a> {
    /// The object whose pod template holds it.
    pub object: &'a Object,
    /// `name`.
    pub name: &'a str,
    /// The container as JSON.
    pub value: &'a Value,
    /// Which list it is in.
    pub kind: ContainerKind,
    /// JSON pointer of the container in its object.
    pub pointer: String,
}

impl<'a> Container<'a> {
    /// The value at `relative`, a pointer inside the container (`/resources/requests/cpu`).
    #[must_use]
    pub fn get(&self, relative: &str) -> Option<&'a Value> {
        lookup(self.value, relative)
    }

    /// The JSON pointer of `relative` in the whole object.
    #[must_use]
    pub fn pointer_to(&self, relative: &str) -> String {
        format!("{}{relative}", self.pointer)
    }

    /// The container as its k8s-openapi type: probes, resources, ports, volume mounts,
    /// typed.
    ///
    /// # Errors
    /// A field that does not fit its Kubernetes type, located.
    pub fn typed(&self) -> Result<k8s::Container, TypedError> {
        self.object
            .typed_field(&self.pointer)
            .map(|c| c.unwrap_or_default())
    }

    /// The ports it declares: `(name, containerPort)`.
    pub fn ports(&self) -> impl Iterator<Item = (Option<&'a str>, Option<i64>)> + 'a {
        self.get("/ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| (p["name"].as_str(), p["containerPort"].as_i64()))
    }
}

/// Where objects of `kind` keep their pod template, if the kind runs pods.
pub(crate) fn template_pointer(kind: &GroupKind<'_>) -> Option<&'static str> {
    TEMPLATE_POINTERS
        .iter()
        .find(|(k, _)| k == kind)
        .map(|(_, pointer)| *pointer)
}

impl Object {
    /// The pod template this object runs, for Pods and the workload kinds.
    #[must_use]
    pub fn pod_template(&self) -> Option<PodTemplate<'_>> {
        let pointer = self.template?;
        let template = if pointer.is_empty() {
            self.value()
        } else {
            self.get(pointer)?
        };
        Some(PodTemplate {
            object: self,
            pointer,
            spec: template.get("spec")?,
            metadata: template.get("metadata").and_then(Value::as_object),
        })
    }
}

impl<'a> PodTemplate<'a> {
    /// The JSON pointer of `relative` inside the pod spec (`/volumes`).
    #[must_use]
    pub fn spec_pointer(&self, relative: &str) -> String {
        format!("{}/spec{relative}", self.pointer)
    }

    /// The value at `relative` inside the pod spec.
    #[must_use]
    pub fn spec_get(&self, relative: &str) -> Option<&'a Value> {
        lookup(self.spec, relative)
    }

    /// The pod spec as its k8s-openapi type: containers, volumes and everything else,
    /// typed.
    ///
    /// # Errors
    /// A field that does not fit its Kubernetes type (a container without a name, a
    /// volume that is not a mapping), located.
    pub fn typed_spec(&self) -> Result<k8s::PodSpec, TypedError> {
        self.object
            .typed_field(&self.spec_pointer(""))
            .map(|spec| spec.unwrap_or_default())
    }

    /// The labels its pods carry.
    #[must_use]
    pub fn labels(&self) -> Option<&'a Map<String, Value>> {
        self.metadata?.get("labels")?.as_object()
    }

    /// The annotations its pods carry.
    #[must_use]
    pub fn annotations(&self) -> Option<&'a Map<String, Value>> {
        self.metadata?.get("annotations")?.as_object()
    }

    /// The containers of one list.
    pub fn containers_of(&self, kind: ContainerKind) -> impl Iterator<Item = Container<'a>> + 'a {
        let list = kind.list();
        let base = self.spec_pointer(&format!("/{list}"));
        let object = self.object;
        self.spec
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, value)| Container {
                object,
                name: value["name"].as_str().unwrap_or(""),
                value,
                kind,
                pointer: format!("{base}/{i}"),
            })
    }

    /// The application containers (`containers`).
    pub fn app_containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        self.containers_of(ContainerKind::App)
    }

    /// Init and application containers: everything that runs with resources and a
    /// security context of its own. Ephemeral debug containers are left out; they are
    /// added by hand to a running pod and cannot set resources.
    pub fn containers(&self) -> impl Iterator<Item = Container<'a>> + 'a {
        self.containers_of(ContainerKind::Init)
            .chain(self.containers_of(ContainerKind::App))
    }

    /// Whether its pods are meant to run until stopped, so probes and disruption budgets
    /// matter: every workload kind except Job and CronJob, and Pods that restart.
    #[must_use]
    pub fn is_long_running(&self) -> bool {
        let kind = self.object.group_kind();
        if kind == kinds::JOB || kind == kinds::CRON_JOB {
            false
        } else if kind == kinds::POD {
            !matches!(
                self.spec["restartPolicy"].as_str(),
                Some("Never" | "OnFailure")
            )
        } else {
            true
        }
    }

    /// How many pods its object asks for, when the object says: `spec.replicas` (1 when
    /// unset) for replicated kinds, 1 for a Pod, `None` for DaemonSets and Jobs, whose
    /// count depends on the cluster or the run.
    #[must_use]
    pub fn replicas(&self) -> Option<i64> {
        let kind = self.object.group_kind();
        if kind == kinds::POD {
            return Some(1);
        }
        REPLICATED.contains(&kind).then(|| {
            self.object
                .get("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1)
        })
    }

    /// The most pods its object runs at once when no autoscaler says otherwise: its
    /// [`replicas`](Self::replicas); for a Job its `parallelism` (1 when unset); for a
    /// CronJob its Jobs' parallelism, twice over when `concurrencyPolicy: Allow` lets a
    /// run overlap the next. `None` for DaemonSets, whose count depends on the cluster.
    #[must_use]
    pub fn running_at_most(&self) -> Option<i64> {
        let kind = self.object.group_kind();
        let parallelism = |job_spec: &str| {
            self.object
                .get(&format!("{job_spec}/parallelism"))
                .and_then(Value::as_i64)
                .unwrap_or(1)
        };
        if kind == kinds::JOB {
            Some(parallelism("/spec"))
        } else if kind == kinds::CRON_JOB {
            let overlapping = self
                .object
                .get("/spec/concurrencyPolicy")
                .and_then(Value::as_str)
                == Some("Allow");
            Some(parallelism("/spec/jobTemplate/spec") * if overlapping { 2 } else { 1 })
        } else {
            self.replicas()
        }
    }
}
