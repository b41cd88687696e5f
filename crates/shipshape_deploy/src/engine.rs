//! The deploy itself: plan, lock, record, apply phase by phase and wait, prune, record
//! again; on failure, diagnose and (when asked) roll back to the last good revision.
//! `status` and `rollback` are built from the same pieces.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use futures::StreamExt;
use jiff::Timestamp;
use serde_json::Value;
use shipshape_manifest::{ManifestSet, Model};
use tokio::time::Instant;

use crate::cluster::{ApiError, Cluster, ObjectRef, Served};
use crate::diagnose::{Diagnosis, diagnose, hopeless};
use crate::health::{Health, health, int, observed, text};
use crate::history::{self, Revision, Status, without_secret_data};
use crate::inventory::{Contents, Inventory, PART_OF};
use crate::lock::{self, LockError};
use crate::phase::{Phase, phases};
use crate::plan::{Action, Change, Impact, PARALLEL, PlanError, check_served, place, plan};
use crate::progress::Observer;
use crate::retry::retry;

/// How a deploy runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The deploy's name: its inventory, history and lock are named after it.
    pub name: String,
    /// Where the inventory, history and lock live, and the namespace of namespaced
    /// objects that name none.
    pub namespace: String,
    /// The server-side apply field manager.
    pub manager: String,
    /// Who runs the deploy, for history and the lock.
    pub who: String,
    /// How long each phase may take to become ready.
    pub timeout: Duration,
    /// How often waits look again.
    pub poll: Duration,
    /// Whether objects that left the set are deleted.
    pub prune: bool,
    /// Whether an empty set may prune every member.
    pub prune_all: bool,
    /// Roll back to the last good revision when the deploy fails, with this deadline.
    pub rollback_on_failure: Option<Duration>,
    /// Take the lock even when another deploy holds it.
    pub break_lock: bool,
}

impl Settings {
    /// Settings with the defaults: field manager `shipshape`, 5 minutes per phase, a
    /// look every 2 seconds, prune on, no automatic rollback.
    #[must_use]
    pub fn new(name: &str, namespace: &str, who: &str) -> Self {
        Self {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            manager: "shipshape".to_owned(),
            who: who.to_owned(),
            timeout: Duration::from_secs(300),
            poll: Duration::from_secs(2),
            prune: true,
            prune_all: false,
            rollback_on_failure: None,
            break_lock: false,
        }
    }

    fn inventory(&self) -> Inventory {
        Inventory::new(&self.name, &self.namespace)
    }
}

/// What a deploy did.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployed {
    /// The revision recorded, or `None` when nothing changed (and nothing was written).
    pub revision: Option<u32>,
    /// The plan it carried out, deletes included.
    pub changes: Vec<Change>,
    /// Deletes that failed: they stay in the inventory for the next deploy.
    pub kept: Vec<(ObjectRef, String)>,
}

/// Why a deploy, rollback or status did not succeed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeployError {
    /// Refused before anything was written.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// An update would need a delete and a create.
    #[error("{}", recreate_message(.0))]
    Recreate(Vec<Change>),
    /// The set is empty and would prune every member.
    #[error(
        "the set is empty, and deploying it would delete all {0} objects of the deploy; \
         pass --prune-all if that is what you want"
    )]
    EmptySet(usize),
    /// The lock.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The server failed outside a phase.
    #[error("{0}")]
    Api(ApiError),
    /// A rollback would re-run a migration.
    #[error(
        "rolling back to revision {revision} would re-run its migration {job}, which no longer \
         exists; deploy a fixed revision instead"
    )]
    MigrationGone {
        /// The revision asked for.
        revision: u32,
        /// The Job.
        job: ObjectRef,
    },
    /// No revision to roll back to.
    #[error("{0}")]
    NoRevision(String),
    /// The deploy failed; nothing was rolled back.
    #[error("revision {revision} failed")]
    Failed {
        /// The failed revision.
        revision: u32,
        /// What is stuck and why.
        diagnoses: Vec<Diagnosis>,
    },
    /// The deploy failed and the last good revision was restored.
    #[error(
        "revision {revision} failed; rolled back to revision {restored} as revision {rollback}"
    )]
    RolledBack {
        /// The failed revision.
        revision: u32,
        /// What is stuck and why.
        diagnoses: Vec<Diagnosis>,
        /// The revision restored.
        restored: u32,
        /// The revision that recorded the rollback.
        rollback: u32,
    },
    /// The deploy failed and so did the rollback.
    #[error("revision {revision} failed, and rolling back to revision {restored} failed: {cause}")]
    RollbackFailed {
        /// The failed revision.
        revision: u32,
        /// What is stuck and why.
        diagnoses: Vec<Diagnosis>,
        /// The revision it tried to restore.
        restored: u32,
        /// Why the rollback failed.
        cause: Box<DeployError>,
    },
}

fn recreate_message(changes: &[Change]) -> String {
    let mut text = String::from(
        "the server refuses to change these objects in place; delete them (and let the \
         deploy create them again) or give them a new name:",
    );
    for change in changes {
        text.push_str(&format!(
            "\n  {} ({}): {}",
            change.target,
            change.impact,
            change.note.as_deref().unwrap_or_default()
        ));
    }
    text
}

/// One object to apply and wait for.
struct Step {
    phase: Phase,
    object: Value,
    apply: bool,
}

/// Reads the model's objects in deploy order, placed in the settings' namespace and
/// labelled as members of the inventory.
fn desired(model: &Model, served: &[Served], settings: &Settings) -> Vec<(Phase, Value)> {
    let inventory = settings.inventory();
    let (phases, objects): (Vec<Phase>, Vec<Value>) = phases(model).into_iter().unzip();
    let objects = place(objects, served, &settings.namespace);
    phases
        .into_iter()
        .zip(objects.iter().map(|o| inventory.label(o)))
        .collect()
}

/// The members of the inventory the cluster holds that `desired` no longer has.
async fn orphans<C: Cluster>(
    cluster: &C,
    inventory: &Inventory,
    contents: &Contents,
    served: &[Served],
    desired: &[Value],
) -> Result<Vec<Value>, ApiError> {
    let keep: BTreeSet<(String, String, String, String)> = desired
        .iter()
        .map(|o| {
            let t = ObjectRef::of(o);
            (
                t.group().to_owned(),
                t.kind.clone(),
                t.namespace.clone(),
                t.name.clone(),
            )
        })
        .collect();
    let selector = format!("{PART_OF}={}", inventory.id());
    let mut found = Vec::new();
    for group_kind in &contents.group_kinds {
        let (kind, group) = group_kind.split_once('.').unwrap_or((group_kind, ""));
        let Some(kind_served) = served.iter().find(|s| s.group == group && s.kind == kind) else {
            // No longer served (its CRD is gone): nothing to list, and nothing to delete.
            continue;
        };
        let namespaces: Vec<&str> = if kind_served.namespaced {
            contents.namespaces.iter().map(String::as_str).collect()
        } else {
            vec![""]
        };
        for namespace in namespaces {
            let api_version = kind_served.api_version();
            let listed = retry(|| cluster.list(&api_version, kind, namespace, &selector)).await?;
            found.extend(listed.into_iter().filter(|o| {
                let t = ObjectRef::of(o);
                !keep.contains(&(
                    group.to_owned(),
                    t.kind.clone(),
                    t.namespace.clone(),
                    t.name.clone(),
                ))
            }));
        }
    }
    Ok(found)
}

fn delete_change(object: &Value) -> Change {
    Change {
        target: ObjectRef::of(object),
        action: Action::Delete,
        impact: if crate::plan::holds_data(object) {
            Impact::DataRisk
        } else {
            Impact::InPlace
        },
        fields: Vec::new(),
        note: None,
    }
}

/// The plan of a deploy: what `shipshape diff` prints, and what `deploy` carries out.
///
/// # Errors
///
/// [`DeployError::Plan`] when the server cannot serve or refuses an object.
pub async fn diff<C: Cluster>(
    cluster: &C,
    model: &Model,
    settings: &Settings,
) -> Result<Vec<Change>, DeployError> {
    let served = retry(|| cluster.discover())
        .await
        .map_err(DeployError::Api)?;
    let staged = desired(model, &served, settings);
    let objects: Vec<Value> = staged.iter().map(|(_, o)| o.clone()).collect();
    check_served(&objects, &served)?;
    let mut changes = plan(cluster, &objects, &settings.manager, &settings.inventory()).await?;
    let inventory = settings.inventory();
    let parent_ref = inventory.parent();
    let parent = retry(|| cluster.get(&parent_ref))
        .await
        .map_err(DeployError::Api)?;
    if let Some(parent) = parent {
        let contents = inventory.contents(&parent);
        let gone = orphans(cluster, &inventory, &contents, &served, &objects)
            .await
            .map_err(DeployError::Api)?;
        changes.extend(gone.iter().map(delete_change));
    }
    Ok(changes)
}

/// Deploys the objects of `model`.
///
/// # Errors
///
/// See [`DeployError`]: refusals before any write, the lock, a failed deploy (with its
/// diagnosis), and what a rollback on failure did.
pub async fn deploy<C: Cluster>(
    cluster: &C,
    model: &Model,
    settings: &Settings,
    observer: &dyn Observer,
) -> Result<Deployed, DeployError> {
    let served = retry(|| cluster.discover())
        .await
        .map_err(DeployError::Api)?;
    let staged = desired(model, &served, settings);
    let objects: Vec<Value> = staged.iter().map(|(_, o)| o.clone()).collect();
    check_served(&objects, &served)?;
    // A first look without the lock: a deploy that changes nothing writes nothing.
    let changes = diff(cluster, model, settings).await?;
    refuse(&changes, &objects, settings)?;
    if changes.iter().all(|c| c.action == Action::Unchanged) {
        let steps = steps(&staged, &changes);
        run_phases(cluster, &steps, settings, observer, settings.timeout)
            .await
            .map_err(|diagnoses| DeployError::Failed {
                revision: 0,
                diagnoses,
            })?;
        return Ok(Deployed {
            revision: None,
            changes,
            kept: Vec::new(),
        });
    }
    ensure_namespace(cluster, &objects, settings).await?;
    let lease = lock::lease_ref(&settings.name, &settings.namespace);
    let mut held = lock::acquire(
        cluster,
        &lease,
        &settings.who,
        Timestamp::now(),
        settings.break_lock,
    )
    .await?;
    let result = tokio::select! {
        result = locked_deploy(cluster, model, settings, observer) => result,
        lost = lock::keep(cluster, &mut held) => Err(DeployError::Lock(lost)),
    };
    if !matches!(result, Err(DeployError::Lock(LockError::Lost { .. }))) {
        lock::release(cluster, &held).await;
    }
    result
}

/// Refuses a plan that needs an object re-created, or that would prune every member of
/// the deploy for an empty set without `prune_all`.
fn refuse(changes: &[Change], objects: &[Value], settings: &Settings) -> Result<(), DeployError> {
    let recreate: Vec<Change> = changes
        .iter()
        .filter(|c| c.action == Action::Update && c.impact >= Impact::Recreate)
        .cloned()
        .collect();
    if !recreate.is_empty() {
        return Err(DeployError::Recreate(recreate));
    }
    let deletes = changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .count();
    if objects.is_empty() && deletes > 0 && !settings.prune_all {
        return Err(DeployError::EmptySet(deletes));
    }
    Ok(())
}

/// Creates the namespace the lock, inventory and history live in, when the set has it
/// and the cluster does not yet: they must exist before the first object is applied.
async fn ensure_namespace<C: Cluster>(
    cluster: &C,
    objects: &[Value],
    settings: &Settings,
) -> Result<(), DeployError> {
    let target = ObjectRef {
        api_version: "v1".into(),
        kind: "Namespace".into(),
        namespace: String::new(),
        name: settings.namespace.clone(),
    };
    if retry(|| cluster.get(&target))
        .await
        .map_err(DeployError::Api)?
        .is_some()
    {
        return Ok(());
    }
    let Some(namespace) = objects.iter().find(|o| ObjectRef::of(o) == target) else {
        return Err(DeployError::NoRevision(format!(
            "namespace {} does not exist: create it, or add it to the set",
            settings.namespace
        )));
    };
    retry(|| cluster.apply(namespace, &settings.manager, false))
        .await
        .map(drop)
        .map_err(DeployError::Api)
}

fn steps(staged: &[(Phase, Value)], changes: &[Change]) -> Vec<Step> {
    staged
        .iter()
        .map(|(phase, object)| {
            let target = ObjectRef::of(object);
            let apply = changes
                .iter()
                .find(|c| c.target == target)
                .is_none_or(|c| c.action != Action::Unchanged);
            Step {
                phase: *phase,
                object: object.clone(),
                apply,
            }
        })
        .collect()
}

fn now() -> String {
    Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

async fn locked_deploy<C: Cluster>(
    cluster: &C,
    model: &Model,
    settings: &Settings,
    observer: &dyn Observer,
) -> Result<Deployed, DeployError> {
    let served = retry(|| cluster.discover())
        .await
        .map_err(DeployError::Api)?;
    let staged = desired(model, &served, settings);
    let objects: Vec<Value> = staged.iter().map(|(_, o)| o.clone()).collect();
    // Again under the lock: the cluster may have changed since the first look.
    let changes = diff(cluster, model, settings).await?;
    refuse(&changes, &objects, settings)?;
    let inventory = settings.inventory();
    let revisions = history::list(cluster, &inventory)
        .await
        .map_err(DeployError::Api)?;
    let number = revisions.last().map_or(1, |r| r.number + 1);
    let mut revision = Revision {
        number,
        status: Status::Deploying,
        time: now(),
        who: settings.who.clone(),
        rollback_of: None,
        manifests: without_secret_data(&objects),
    };
    history::record(cluster, &inventory, &settings.manager, &revision)
        .await
        .map_err(DeployError::Api)?;
    let steps = steps(&staged, &changes);
    let outcome = apply_and_prune(
        cluster,
        &steps,
        settings,
        observer,
        settings.timeout,
        &|_| true,
    )
    .await;
    match outcome {
        Ok(kept) => {
            revision.status = Status::Deployed;
            history::record(cluster, &inventory, &settings.manager, &revision)
                .await
                .map_err(DeployError::Api)?;
            Ok(Deployed {
                revision: Some(number),
                changes,
                kept,
            })
        }
        Err(diagnoses) => {
            revision.status = Status::Failed;
            // The failure is what matters; a failed record would hide it.
            let _ = history::record(cluster, &inventory, &settings.manager, &revision).await;
            let Some(deadline) = settings.rollback_on_failure else {
                return Err(DeployError::Failed {
                    revision: number,
                    diagnoses,
                });
            };
            let Some(good) = revisions
                .iter()
                .rev()
                .find(|r| r.status == Status::Deployed)
            else {
                observer.note("no earlier revision was deployed: nothing to roll back to");
                return Err(DeployError::Failed {
                    revision: number,
                    diagnoses,
                });
            };
            observer.note(&format!("rolling back to revision {}", good.number));
            match locked_rollback(cluster, settings, observer, good, deadline).await {
                Ok(rollback) => Err(DeployError::RolledBack {
                    revision: number,
                    diagnoses,
                    restored: good.number,
                    rollback,
                }),
                Err(cause) => Err(DeployError::RollbackFailed {
                    revision: number,
                    diagnoses,
                    restored: good.number,
                    cause: Box::new(cause),
                }),
            }
        }
    }
}

/// Writes the parent, applies and waits phase by phase, prunes the members that left
/// (those `prunable` allows), and writes the parent again. Returns the deletes that
/// failed, or the diagnoses of what got stuck.
async fn apply_and_prune<C: Cluster>(
    cluster: &C,
    steps: &[Step],
    settings: &Settings,
    observer: &dyn Observer,
    timeout: Duration,
    prunable: &dyn Fn(&ObjectRef) -> bool,
) -> Result<Vec<(ObjectRef, String)>, Vec<Diagnosis>> {
    let inventory = settings.inventory();
    let objects: Vec<Value> = steps.iter().map(|s| s.object.clone()).collect();
    let as_diagnosis = |error: ApiError| {
        vec![Diagnosis {
            target: inventory.parent(),
            reason: error.to_string(),
            condition: None,
            pods: Vec::new(),
        }]
    };
    let parent_ref = inventory.parent();
    let previous = retry(|| cluster.get(&parent_ref))
        .await
        .map_err(as_diagnosis)?
        .map(|p| inventory.contents(&p))
        .unwrap_or_default();
    let current = Contents::of(&objects);
    // The parent lists every kind a member may have before any member is applied, so an
    // interrupted deploy still finds them all next time (the ApplySet rule).
    let parent = inventory.parent_object(&previous.union(&current));
    retry(|| cluster.apply(&parent, &settings.manager, false))
        .await
        .map_err(as_diagnosis)?;
    run_phases(cluster, steps, settings, observer, timeout).await?;
    let served = retry(|| cluster.discover()).await.map_err(as_diagnosis)?;
    let mut kept = Vec::new();
    let mut remaining = current.clone();
    if settings.prune {
        let gone = orphans(
            cluster,
            &inventory,
            &previous.union(&current),
            &served,
            &objects,
        )
        .await
        .map_err(as_diagnosis)?;
        for object in gone {
            let target = ObjectRef::of(&object);
            // The namespace holding the inventory, history and lock stays with them.
            let home = target.kind == "Namespace" && target.name == settings.namespace;
            if home || !prunable(&target) {
                remaining = remaining.union(&Contents::of([&object]));
                continue;
            }
            let uid = text(&object, "/metadata/uid").to_owned();
            match retry(|| cluster.delete(&target, &uid)).await {
                Ok(()) => observer.note(&format!("pruned {target}")),
                Err(error) => {
                    observer.note(&format!("could not prune {target}: {error}"));
                    remaining = remaining.union(&Contents::of([&object]));
                    kept.push((target, error.to_string()));
                }
            }
        }
    } else {
        remaining = previous.union(&current);
    }
    let parent = inventory.parent_object(&remaining);
    retry(|| cluster.apply(&parent, &settings.manager, false))
        .await
        .map_err(as_diagnosis)?;
    Ok(kept)
}

/// Applies each phase's objects in parallel and waits for them, phase by phase.
async fn run_phases<C: Cluster>(
    cluster: &C,
    steps: &[Step],
    settings: &Settings,
    observer: &dyn Observer,
    timeout: Duration,
) -> Result<(), Vec<Diagnosis>> {
    for phase in Phase::ALL {
        let in_phase: Vec<&Step> = steps.iter().filter(|s| s.phase == phase).collect();
        if in_phase.is_empty() {
            continue;
        }
        observer.phase(phase, in_phase.len());
        let applied: Vec<Result<(ObjectRef, i64), Diagnosis>> = futures::stream::iter(&in_phase)
            .map(|step| async move {
                let target = ObjectRef::of(&step.object);
                if !step.apply {
                    return Ok((target, 0));
                }
                match retry(|| cluster.apply(&step.object, &settings.manager, false)).await {
                    Ok(answer) => Ok((target, int(&answer, "/metadata/generation").unwrap_or(0))),
                    Err(error) => Err(Diagnosis {
                        target,
                        reason: format!("apply failed: {error}"),
                        condition: None,
                        pods: Vec::new(),
                    }),
                }
            })
            .buffered(PARALLEL)
            .collect()
            .await;
        let (ok, failed): (Vec<_>, Vec<_>) = applied.into_iter().partition(Result::is_ok);
        if !failed.is_empty() {
            return Err(failed.into_iter().filter_map(Result::err).collect());
        }
        let pending: Vec<(ObjectRef, i64)> = ok.into_iter().filter_map(Result::ok).collect();
        wait(cluster, pending, settings.poll, timeout, observer).await?;
        if phase == Phase::Foundations {
            // The CRDs just established define kinds the next phases apply.
            retry(|| cluster.discover()).await.map_err(|error| {
                vec![Diagnosis {
                    target: ObjectRef::default(),
                    reason: format!("discovery after the CRDs: {error}"),
                    condition: None,
                    pods: Vec::new(),
                }]
            })?;
        }
    }
    Ok(())
}

/// Waits until every object of `pending` is ready at the generation its apply returned,
/// failing fast on what waiting cannot fix and at `timeout`.
async fn wait<C: Cluster>(
    cluster: &C,
    mut pending: Vec<(ObjectRef, i64)>,
    poll: Duration,
    timeout: Duration,
    observer: &dyn Observer,
) -> Result<(), Vec<Diagnosis>> {
    let deadline = Instant::now() + timeout;
    let mut last: HashMap<ObjectRef, String> = HashMap::new();
    loop {
        let looks: Vec<(ObjectRef, i64, Result<Health, String>)> =
            futures::stream::iter(pending.clone())
                .map(|(target, generation)| async move {
                    let health = match retry(|| cluster.get(&target)).await {
                        Ok(Some(live)) => match health(&live, generation) {
                            // Until the controller has seen the apply, the newest pods
                            // are the previous revision's: they say nothing about this one.
                            Health::Progressing(status) if !observed(&live, generation) => {
                                Health::Progressing(status)
                            }
                            Health::Progressing(status) => match hopeless(cluster, &live).await {
                                Some(why) => Health::Failed(why),
                                None => Health::Progressing(status),
                            },
                            other => other,
                        },
                        Ok(None) => Health::Progressing("not found".to_owned()),
                        Err(error) => return (target, generation, Err(error.to_string())),
                    };
                    (target, generation, Ok(health))
                })
                .buffered(PARALLEL)
                .collect()
                .await;
        pending.clear();
        let mut stuck = Vec::new();
        for (target, generation, look) in looks {
            match look {
                Ok(Health::Ready) => observer.ready(&target),
                Ok(Health::Progressing(status)) => {
                    observer.waiting(&target, &status);
                    last.insert(target.clone(), status);
                    pending.push((target, generation));
                }
                Ok(Health::Failed(why)) | Err(why) => stuck.push((target, why)),
            }
        }
        if !stuck.is_empty() {
            return Err(diagnose_all(cluster, stuck).await);
        }
        if pending.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let stuck = pending
                .into_iter()
                .map(|(target, _)| {
                    let status = last.get(&target).cloned().unwrap_or_default();
                    let why = format!("not ready after {}s: {status}", timeout.as_secs());
                    (target, why)
                })
                .collect();
            return Err(diagnose_all(cluster, stuck).await);
        }
        tokio::time::sleep(poll).await;
    }
}

async fn diagnose_all<C: Cluster>(cluster: &C, stuck: Vec<(ObjectRef, String)>) -> Vec<Diagnosis> {
    futures::stream::iter(stuck)
        .then(|(target, why)| async move { diagnose(cluster, &target, &why).await })
        .collect()
        .await
}

/// Rolls back to revision `to` (default: the newest deployed revision before the newest
/// one), as a new revision.
///
/// # Errors
///
/// See [`DeployError`].
pub async fn rollback<C: Cluster>(
    cluster: &C,
    settings: &Settings,
    observer: &dyn Observer,
    to: Option<u32>,
) -> Result<u32, DeployError> {
    let inventory = settings.inventory();
    let revisions = history::list(cluster, &inventory)
        .await
        .map_err(DeployError::Api)?;
    let target = match to {
        Some(number) => revisions
            .iter()
            .find(|r| r.number == number)
            .ok_or_else(|| {
                DeployError::NoRevision(format!(
                    "deploy {} has no revision {number}; `shipshape history` lists them",
                    settings.name
                ))
            })?,
        None => revisions
            .iter()
            .rev()
            .skip(1)
            .find(|r| r.status == Status::Deployed)
            .ok_or_else(|| {
                DeployError::NoRevision(format!(
                    "deploy {} has no earlier deployed revision to roll back to",
                    settings.name
                ))
            })?,
    };
    let lease = lock::lease_ref(&settings.name, &settings.namespace);
    let mut held = lock::acquire(
        cluster,
        &lease,
        &settings.who,
        Timestamp::now(),
        settings.break_lock,
    )
    .await?;
    let result = tokio::select! {
        result = locked_rollback(cluster, settings, observer, target, settings.timeout) => result,
        lost = lock::keep(cluster, &mut held) => Err(DeployError::Lock(lost)),
    };
    if !matches!(result, Err(DeployError::Lock(LockError::Lost { .. }))) {
        lock::release(cluster, &held).await;
    }
    result
}

/// Whether a rollback leaves `target` as it is: Secrets (history holds no data to restore
/// them with) and Jobs (migrations are never run again nor reverted).
fn rollback_keeps(target: &ObjectRef) -> bool {
    (target.kind == "Secret" && target.group().is_empty())
        || (target.kind == "Job" && target.group() == "batch")
}

async fn locked_rollback<C: Cluster>(
    cluster: &C,
    settings: &Settings,
    observer: &dyn Observer,
    target: &Revision,
    timeout: Duration,
) -> Result<u32, DeployError> {
    let inventory = settings.inventory();
    let mut set = ManifestSet::new();
    for object in &target.manifests {
        set.push_value(object.clone(), None);
    }
    let mut model = Model::new();
    model.add_objects(set.into_items());
    // Every migration the old pods wait for must still be there and complete: running
    // it again could undo what later ones did.
    for object in model.objects() {
        let Some(template) = object.pod_template() else {
            continue;
        };
        for wait in template.waits() {
            if wait.kind != shipshape_manifest::kinds::JOB {
                continue;
            }
            let job = ObjectRef {
                api_version: "batch/v1".into(),
                kind: "Job".into(),
                namespace: object.namespace().to_owned(),
                name: wait.name.to_owned(),
            };
            let live = retry(|| cluster.get(&job))
                .await
                .map_err(DeployError::Api)?;
            if live.is_none() {
                return Err(DeployError::MigrationGone {
                    revision: target.number,
                    job,
                });
            }
        }
    }
    let served = retry(|| cluster.discover())
        .await
        .map_err(DeployError::Api)?;
    let staged: Vec<(Phase, Value)> = desired(&model, &served, settings)
        .into_iter()
        .filter(|(_, o)| !rollback_keeps(&ObjectRef::of(o)))
        .collect();
    let objects: Vec<Value> = staged.iter().map(|(_, o)| o.clone()).collect();
    check_served(&objects, &served)?;
    let changes = plan(cluster, &objects, &settings.manager, &inventory).await?;
    refuse(&changes, &objects, settings)?;
    let number = history::list(cluster, &inventory)
        .await
        .map_err(DeployError::Api)?
        .last()
        .map_or(1, |r| r.number + 1);
    let mut revision = Revision {
        number,
        status: Status::Deploying,
        time: now(),
        who: settings.who.clone(),
        rollback_of: Some(target.number),
        manifests: objects.clone(),
    };
    history::record(cluster, &inventory, &settings.manager, &revision)
        .await
        .map_err(DeployError::Api)?;
    let steps = steps(&staged, &changes);
    let outcome = apply_and_prune(cluster, &steps, settings, observer, timeout, &|t| {
        !rollback_keeps(t)
    })
    .await;
    revision.status = if outcome.is_ok() {
        Status::Deployed
    } else {
        Status::Failed
    };
    history::record(cluster, &inventory, &settings.manager, &revision)
        .await
        .map_err(DeployError::Api)?;
    match outcome {
        Ok(_) => Ok(number),
        Err(diagnoses) => Err(DeployError::Failed {
            revision: number,
            diagnoses,
        }),
    }
}

/// The live state of one object of a deploy.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectStatus {
    /// The object.
    pub target: ObjectRef,
    /// Its health now.
    pub health: Health,
    /// Why it is not ready, when it is not.
    pub diagnosis: Option<Diagnosis>,
}

/// The live state of every object of the newest revision of a deploy.
///
/// # Errors
///
/// [`DeployError::NoRevision`] when the deploy has none; [`DeployError::Api`] when the
/// server fails.
pub async fn status<C: Cluster>(
    cluster: &C,
    settings: &Settings,
) -> Result<(Revision, Vec<ObjectStatus>), DeployError> {
    let inventory = settings.inventory();
    let revision = history::list(cluster, &inventory)
        .await
        .map_err(DeployError::Api)?
        .pop()
        .ok_or_else(|| {
            DeployError::NoRevision(format!(
                "no deploy named {} in namespace {}",
                settings.name, settings.namespace
            ))
        })?;
    let mut objects = Vec::new();
    for object in &revision.manifests {
        let target = ObjectRef::of(object);
        let live = retry(|| cluster.get(&target))
            .await
            .map_err(DeployError::Api)?;
        let health = match &live {
            None => Health::Failed("missing from the cluster".to_owned()),
            Some(live) => match health(live, int(live, "/metadata/generation").unwrap_or(0)) {
                Health::Progressing(status) => match hopeless(cluster, live).await {
                    Some(why) => Health::Failed(why),
                    None => Health::Progressing(status),
                },
                other => other,
            },
        };
        let diagnosis = match &health {
            Health::Ready => None,
            Health::Progressing(why) | Health::Failed(why) => {
                Some(diagnose(cluster, &target, why).await)
            }
        };
        objects.push(ObjectStatus {
            target,
            health,
            diagnosis,
        });
    }
    Ok((revision, objects))
}
