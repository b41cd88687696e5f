//! An API server in memory, for the engine's tests: it stores objects, applies them the
//! way server-side apply does for what the engine reads back (generation, resourceVersion,
//! UID, immutable fields, no write when nothing changed), plays the controllers (a
//! Deployment rolls out, a Job completes, a CRD becomes established and its kind served),
//! and can be told to fail: an error for the next calls of one kind, an object that settles
//! slowly or never, a status of the test's choosing.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde_json::{Value, json};

use crate::cluster::{ApiError, ApiResult, Cluster, ObjectRef, Served};
use crate::health::{int, text};

/// A call the fake can be told to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// [`Cluster::discover`].
    Discover,
    /// [`Cluster::apply`] without dry run.
    Apply,
    /// [`Cluster::apply`] with dry run.
    DryRun,
    /// [`Cluster::create`].
    Create,
    /// [`Cluster::replace`].
    Replace,
    /// [`Cluster::get`].
    Get,
    /// [`Cluster::list`].
    List,
    /// [`Cluster::delete`].
    Delete,
}

/// How the fake's controllers bring an applied object to its status.
#[derive(Debug, Clone, PartialEq)]
pub enum Settle {
    /// Ready at the first read after the apply (the default).
    Now,
    /// Ready after this many reads; until then the controller has not observed the new
    /// generation.
    After(u32),
    /// Never: the controller observes the generation but no pod becomes ready.
    Never,
    /// The controller observes the generation and writes this status (merged over a
    /// not-ready one): failure conditions, a failed Job.
    Status(Value),
    /// As the inner rule for the next applied generation only; the apply after it settles
    /// at once again (a bad release, and the rollback that follows).
    Once(Box<Settle>),
}

/// A failure the test asked for.
#[derive(Debug, Clone)]
struct Fault {
    op: Op,
    name: Option<String>,
    error: ApiError,
    times: u32,
}

#[derive(Debug, Default)]
struct State {
    served: Vec<Served>,
    objects: BTreeMap<Key, Value>,
    settle: HashMap<(String, String), Settle>,
    /// For [`Settle::Once`] rules: the generation stored when the rule was given, and
    /// whether a later generation has been played with it.
    once: HashMap<(String, String), (i64, bool)>,
    reads: HashMap<Key, u32>,
    faults: Vec<Fault>,
    writes: Vec<String>,
    logs: HashMap<(String, String), String>,
    counter: u64,
}

/// (group, kind, namespace, name): what identifies an object whatever version it is read at.
type Key = (String, String, String, String);

fn key(target: &ObjectRef) -> Key {
    (
        target.group().to_owned(),
        target.kind.clone(),
        target.namespace.clone(),
        target.name.clone(),
    )
}

/// The in-memory API server.
#[derive(Debug, Default)]
pub struct FakeCluster {
    state: Mutex<State>,
}

/// What a recent Kubernetes serves of the kinds the tests use.
const SERVED: &[(&str, &str, &str, bool)] = &[
    ("", "v1", "Namespace", false),
    ("", "v1", "ConfigMap", true),
    ("", "v1", "Secret", true),
    ("", "v1", "Service", true),
    ("", "v1", "ServiceAccount", true),
    ("", "v1", "PersistentVolumeClaim", true),
    ("", "v1", "Pod", true),
    ("apps", "v1", "Deployment", true),
    ("apps", "v1", "StatefulSet", true),
    ("apps", "v1", "DaemonSet", true),
    ("apps", "v1", "ReplicaSet", true),
    ("batch", "v1", "Job", true),
    ("batch", "v1", "CronJob", true),
    ("autoscaling", "v2", "HorizontalPodAutoscaler", true),
    ("autoscaling", "v1", "HorizontalPodAutoscaler", true),
    ("policy", "v1", "PodDisruptionBudget", true),
    ("networking.k8s.io", "v1", "NetworkPolicy", true),
    ("networking.k8s.io", "v1", "Ingress", true),
    ("rbac.authorization.k8s.io", "v1", "Role", true),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding", true),
    ("coordination.k8s.io", "v1", "Lease", true),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        false,
    ),
];

impl FakeCluster {
    /// A fake that serves the kinds of a recent Kubernetes, and holds nothing.
    #[must_use]
    pub fn new() -> Self {
        let fake = Self::default();
        fake.lock().served = SERVED
            .iter()
            .map(|(group, version, kind, namespaced)| served(group, version, kind, *namespaced))
            .collect();
        fake
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stops serving `kind` of `group` at `version` (as an older server would).
    pub fn unserve(&self, group: &str, version: &str, kind: &str) {
        self.lock()
            .served
            .retain(|s| !(s.group == group && s.version == version && s.kind == kind));
    }

    /// How the named object of `kind` settles after each apply.
    pub fn settle(&self, kind: &str, name: &str, settle: Settle) {
        let mut state = self.lock();
        let rule = (kind.to_owned(), name.to_owned());
        if matches!(settle, Settle::Once(_)) {
            let generation = state
                .objects
                .iter()
                .find(|((_, k, _, n), _)| *k == rule.0 && *n == rule.1)
                .and_then(|(_, o)| int(o, "/metadata/generation"))
                .unwrap_or(0);
            state.once.insert(rule.clone(), (generation, false));
        }
        state.settle.insert(rule, settle);
    }

    /// The next `times` calls of `op` (on the object named `name`, or any) fail with
    /// `error`.
    pub fn fail(&self, op: Op, name: Option<&str>, error: ApiError, times: u32) {
        self.lock().faults.push(Fault {
            op,
            name: name.map(str::to_owned),
            error,
            times,
        });
    }

    /// Stores `object` as it is, as another client (or a controller) would: a pod, a
    /// lease taken by someone else, an object another tool owns.
    pub fn put(&self, mut object: Value) -> Value {
        let mut state = self.lock();
        state.counter += 1;
        let counter = state.counter;
        let meta = &mut object["metadata"];
        if meta.get("uid").is_none() {
            meta["uid"] = json!(format!("uid-{counter}"));
        }
        meta["resourceVersion"] = json!(counter.to_string());
        state
            .objects
            .insert(key(&ObjectRef::of(&object)), object.clone());
        object
    }

    /// The stored object, as the server holds it (no controller runs).
    #[must_use]
    pub fn stored(&self, target: &ObjectRef) -> Option<Value> {
        self.lock().objects.get(&key(target)).cloned()
    }

    /// The writes that changed something, in order: `apply Kind/name`, `create ...`,
    /// `replace ...`, `delete ...`. Dry runs and applies that changed nothing are not
    /// writes.
    #[must_use]
    pub fn writes(&self) -> Vec<String> {
        self.lock().writes.clone()
    }

    /// Forgets the writes recorded so far.
    pub fn clear_writes(&self) {
        self.lock().writes.clear();
    }

    /// The log a container of a pod prints.
    pub fn set_log(&self, pod: &str, container: &str, log: &str) {
        self.lock()
            .logs
            .insert((pod.to_owned(), container.to_owned()), log.to_owned());
    }
}

fn served(group: &str, version: &str, kind: &str, namespaced: bool) -> Served {
    Served {
        group: group.to_owned(),
        version: version.to_owned(),
        kind: kind.to_owned(),
        plural: format!("{}s", kind.to_lowercase()),
        namespaced,
    }
}

impl State {
    fn fault(&mut self, op: Op, name: &str) -> ApiResult<()> {
        let found = self
            .faults
            .iter_mut()
            .find(|f| f.op == op && f.times > 0 && f.name.as_deref().is_none_or(|n| n == name));
        match found {
            Some(fault) => {
                fault.times -= 1;
                Err(fault.error.clone())
            }
            None => Ok(()),
        }
    }

    fn serves(&self, target: &ObjectRef) -> ApiResult<&Served> {
        self.served
            .iter()
            .find(|s| s.api_version() == target.api_version && s.kind == target.kind)
            .ok_or_else(|| {
                ApiError::NotFound(format!(
                    "the server could not find the requested resource ({} {})",
                    target.api_version, target.kind
                ))
            })
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn apply(&mut self, object: &Value, manager: &str, dry_run: bool) -> ApiResult<Value> {
        let target = ObjectRef::of(object);
        let namespaced = self.serves(&target)?.namespaced;
        if namespaced && !target.namespace.is_empty() {
            let ns = ObjectRef {
                api_version: "v1".into(),
                kind: "Namespace".into(),
                namespace: String::new(),
                name: target.namespace.clone(),
            };
            if !self.objects.contains_key(&key(&ns)) {
                return Err(ApiError::NotFound(format!(
                    "namespaces \"{}\" not found",
                    target.namespace
                )));
            }
        }
        let existing = self.objects.get(&key(&target)).cloned();
        let mut result = match &existing {
            Some(live) => {
                check_immutable(live, object)?;
                merge(live, object)
            }
            None => {
                let mut fresh = object.clone();
                let n = self.next();
                fresh["metadata"]["uid"] = json!(format!("uid-{n}"));
                fresh["metadata"]["generation"] = json!(1);
                fresh["metadata"]["resourceVersion"] = json!(n.to_string());
                fresh
            }
        };
        result["metadata"]["managedFields"] = json!([{"manager": manager, "operation": "Apply"}]);
        if let Some(Value::Object(data)) = result.get_mut("stringData").map(Value::take) {
            // The server moves stringData into data, as base64.
            for (k, v) in data {
                result["data"][k] = json!(crate::inventory::base64(
                    v.as_str().unwrap_or_default().as_bytes()
                ));
            }
            if let Some(map) = result.as_object_mut() {
                map.remove("stringData");
            }
        }
        let changed = existing.as_ref() != Some(&result);
        if changed {
            let n = self.next();
            result["metadata"]["resourceVersion"] = json!(n.to_string());
        }
        if !dry_run && changed {
            let rule = (target.kind.clone(), target.name.clone());
            if self.once.get(&rule).is_some_and(|(_, used)| *used) {
                self.once.remove(&rule);
                self.settle.remove(&rule);
            }
            self.writes
                .push(format!("apply {}/{}", target.kind, target.name));
            self.reads.remove(&key(&target));
            self.objects.insert(key(&target), result.clone());
        }
        Ok(result)
    }

    /// Plays the controllers at each read: moves an applied object towards its status as
    /// the test set it up.
    fn control(&mut self, target: &ObjectRef) {
        let k = key(target);
        let Some(mut live) = self.objects.get(&k).cloned() else {
            return;
        };
        let reads = self.reads.entry(k.clone()).or_insert(0);
        *reads += 1;
        let reads = *reads;
        let rule = (target.kind.clone(), target.name.clone());
        let generation = int(&live, "/metadata/generation").unwrap_or(1);
        let mut settle = self.settle.get(&rule).cloned().unwrap_or(Settle::Now);
        if let Settle::Once(inner) = settle {
            settle = Settle::Now;
            if let Some((given_at, used)) = self.once.get_mut(&rule)
                && generation > *given_at
            {
                *used = true;
                settle = *inner;
            }
        }
        let status = match settle {
            Settle::Now => ready_status(&live, generation),
            Settle::After(n) if reads > n => ready_status(&live, generation),
            Settle::After(_) => return,
            Settle::Never => json!({"observedGeneration": generation, "replicas": 1,
                                    "updatedReplicas": 0}),
            Settle::Once(_) => return,
            Settle::Status(status) => {
                let mut base = json!({"observedGeneration": generation});
                if let (Some(base), Some(extra)) = (base.as_object_mut(), status.as_object()) {
                    base.extend(extra.clone());
                }
                base
            }
        };
        if live.get("status") == Some(&status) {
            return;
        }
        live["status"] = status;
        if target.kind == "CustomResourceDefinition" && health_established(&live) {
            self.serve_crd(&live);
        }
        self.objects.insert(k, live);
    }

    fn serve_crd(&mut self, crd: &Value) {
        let group = text(crd, "/spec/group");
        let kind = text(crd, "/spec/names/kind");
        let namespaced = text(crd, "/spec/scope") != "Cluster";
        let versions = crd
            .pointer("/spec/versions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for version in versions {
            let served_entry = served(group, text(&version, "/name"), kind, namespaced);
            if !self.served.contains(&served_entry) {
                self.served.push(served_entry);
            }
        }
    }
}

fn health_established(crd: &Value) -> bool {
    crate::health::condition(crd, "Established").is_some()
}

/// The status a controller writes once the applied object is fully rolled out.
fn ready_status(live: &Value, generation: i64) -> Value {
    let replicas = int(live, "/spec/replicas").unwrap_or(1);
    let group = shipshape_manifest::api_group(text(live, "/apiVersion"));
    match (group, text(live, "/kind")) {
        ("apps", "Deployment") => json!({"observedGeneration": generation, "replicas": replicas,
            "updatedReplicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}),
        ("apps", "StatefulSet") => {
            let partition = int(live, "/spec/updateStrategy/rollingUpdate/partition").unwrap_or(0);
            let revision = format!("{}-{generation}", text(live, "/metadata/name"));
            let current = if partition > 0 && generation > 1 {
                format!("{}-{}", text(live, "/metadata/name"), generation - 1)
            } else {
                revision.clone()
            };
            json!({"observedGeneration": generation, "replicas": replicas,
                "readyReplicas": replicas, "updatedReplicas": (replicas - partition).max(0),
                "currentRevision": current, "updateRevision": revision})
        }
        ("apps", "DaemonSet") => json!({"observedGeneration": generation,
            "desiredNumberScheduled": 2, "updatedNumberScheduled": 2, "numberAvailable": 2}),
        ("batch", "Job") => json!({"succeeded": 1,
            "conditions": [{"type": "Complete", "status": "True"}]}),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => json!({
            "conditions": [{"type": "Established", "status": "True"}]}),
        ("", "Namespace") => json!({"phase": "Active"}),
        _ => live.get("status").cloned().unwrap_or(Value::Null),
    }
}

/// Fields the API server refuses to change, per kind.
fn immutable(kind: &str) -> &'static [&'static str] {
    match kind {
        "Job" => &["/spec/template", "/spec/selector"],
        "StatefulSet" => &[
            "/spec/volumeClaimTemplates",
            "/spec/selector",
            "/spec/serviceName",
        ],
        "Deployment" | "DaemonSet" => &["/spec/selector"],
        _ => &[],
    }
}

fn check_immutable(live: &Value, applied: &Value) -> ApiResult<()> {
    for pointer in immutable(text(applied, "/kind")) {
        let new = applied.pointer(pointer);
        if new.is_some() && new != live.pointer(pointer) {
            return Err(ApiError::Invalid(format!(
                "{} \"{}\" is invalid: {}: Invalid value: field is immutable",
                text(applied, "/kind"),
                text(applied, "/metadata/name"),
                pointer.trim_start_matches('/').replace('/', ".")
            )));
        }
    }
    Ok(())
}

/// The live object with the applied fields in place: what this fake's apply keeps (the
/// applied object owns every field it names; system metadata and status stay).
fn merge(live: &Value, applied: &Value) -> Value {
    let mut merged = applied.clone();
    for field in ["uid", "resourceVersion", "generation", "creationTimestamp"] {
        if let Some(value) = live.pointer(&format!("/metadata/{field}")) {
            merged["metadata"][field] = value.clone();
        }
    }
    if let Some(status) = live.get("status") {
        merged["status"] = status.clone();
    }
    if live.get("spec") != applied.get("spec") && applied.get("spec").is_some() {
        let generation = int(live, "/metadata/generation").unwrap_or(1);
        merged["metadata"]["generation"] = json!(generation + 1);
    }
    merged
}

impl Cluster for FakeCluster {
    async fn discover(&self) -> ApiResult<Vec<Served>> {
        let mut state = self.lock();
        state.fault(Op::Discover, "")?;
        Ok(state.served.clone())
    }

    async fn apply(&self, object: &Value, manager: &str, dry_run: bool) -> ApiResult<Value> {
        let mut state = self.lock();
        let op = if dry_run { Op::DryRun } else { Op::Apply };
        state.fault(op, text(object, "/metadata/name"))?;
        state.apply(object, manager, dry_run)
    }

    async fn create(&self, object: &Value) -> ApiResult<Value> {
        let mut state = self.lock();
        let target = ObjectRef::of(object);
        state.fault(Op::Create, &target.name)?;
        state.serves(&target)?;
        if state.objects.contains_key(&key(&target)) {
            return Err(ApiError::Conflict(format!("{target} already exists")));
        }
        let n = state.next();
        let mut created = object.clone();
        created["metadata"]["uid"] = json!(format!("uid-{n}"));
        created["metadata"]["resourceVersion"] = json!(n.to_string());
        state
            .writes
            .push(format!("create {}/{}", target.kind, target.name));
        state.objects.insert(key(&target), created.clone());
        Ok(created)
    }

    async fn replace(&self, object: &Value) -> ApiResult<Value> {
        let mut state = self.lock();
        let target = ObjectRef::of(object);
        state.fault(Op::Replace, &target.name)?;
        let Some(live) = state.objects.get(&key(&target)) else {
            return Err(ApiError::NotFound(format!("{target} not found")));
        };
        if live.pointer("/metadata/resourceVersion") != object.pointer("/metadata/resourceVersion")
        {
            return Err(ApiError::Conflict(format!(
                "Operation cannot be fulfilled on {target}: the object has been modified"
            )));
        }
        let n = state.next();
        let mut replaced = object.clone();
        replaced["metadata"]["resourceVersion"] = json!(n.to_string());
        state
            .writes
            .push(format!("replace {}/{}", target.kind, target.name));
        state.objects.insert(key(&target), replaced.clone());
        Ok(replaced)
    }

    async fn get(&self, target: &ObjectRef) -> ApiResult<Option<Value>> {
        let mut state = self.lock();
        state.fault(Op::Get, &target.name)?;
        state.serves(target)?;
        state.control(target);
        Ok(state.objects.get(&key(target)).cloned())
    }

    async fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        selector: &str,
    ) -> ApiResult<Vec<Value>> {
        let mut state = self.lock();
        state.fault(Op::List, "")?;
        let group = shipshape_manifest::api_group(api_version);
        let wanted: Vec<(&str, &str)> = selector
            .split(',')
            .filter_map(|term| term.split_once('='))
            .collect();
        Ok(state
            .objects
            .iter()
            .filter(|((g, k, ns, _), _)| {
                g == group && k == kind && (namespace.is_empty() || ns == namespace)
            })
            .map(|(_, object)| object)
            .filter(|object| {
                wanted.iter().all(|(label, value)| {
                    object
                        .pointer("/metadata/labels")
                        .and_then(|l| l.get(*label))
                        .and_then(Value::as_str)
                        == Some(value)
                })
            })
            .cloned()
            .collect())
    }

    async fn delete(&self, target: &ObjectRef, uid: &str) -> ApiResult<()> {
        let mut state = self.lock();
        state.fault(Op::Delete, &target.name)?;
        let k = key(target);
        let Some(live) = state.objects.get(&k) else {
            return Ok(());
        };
        if text(live, "/metadata/uid") != uid {
            return Err(ApiError::Conflict(format!(
                "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                text(live, "/metadata/uid")
            )));
        }
        state.objects.remove(&k);
        state
            .writes
            .push(format!("delete {}/{}", target.kind, target.name));
        Ok(())
    }

    async fn logs(
        &self,
        _namespace: &str,
        pod: &str,
        container: &str,
        lines: u32,
    ) -> ApiResult<String> {
        let state = self.lock();
        let log = state
            .logs
            .get(&(pod.to_owned(), container.to_owned()))
            .cloned()
            .unwrap_or_default();
        let all: Vec<&str> = log.lines().collect();
        let start = all.len().saturating_sub(lines as usize);
        Ok(all[start..].join("\n"))
    }
}
