//! What a deploy would change, asked of the server: each object is applied with
//! `dryRun=All` under the deploy's field manager, and the answer compared with the live
//! object, so defaults, admission and the server's own merge are all in the diff. Before
//! anything is asked, every object must be of a kind and version the server serves (or a
//! CRD of the same set defines).

use std::collections::BTreeSet;
use std::fmt;

use futures::StreamExt;
use serde_json::Value;

use crate::cluster::{ApiError, Cluster, ObjectRef, Served};
use crate::health::text;
use crate::inventory::Inventory;
use crate::retry::retry;

/// How many requests a deploy has in flight at once.
pub const PARALLEL: usize = 16;

/// What happens to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// It does not exist yet.
    Create,
    /// It exists and fields change.
    Update,
    /// It exists as applying it would leave it.
    Unchanged,
    /// It left the set and is pruned.
    Delete,
}

/// What a change does to what runs, worst first when ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Nothing restarts.
    InPlace,
    /// The pods are replaced, one batch at a time.
    RollingRestart,
    /// A field the server refuses to change differs: only deleting and creating the
    /// object applies it.
    Recreate,
    /// Stored data may be lost: a PersistentVolumeClaim, or a StatefulSet's volume claim
    /// templates, deleted or re-created.
    DataRisk,
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// JSON pointer of the field.
    pub path: String,
    /// The live value, if any (Secret data masked).
    pub before: Option<Value>,
    /// The value after the apply, if any (Secret data masked).
    pub after: Option<Value>,
}

/// The plan for one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The object.
    pub target: ObjectRef,
    /// What happens to it.
    pub action: Action,
    /// What that does to what runs.
    pub impact: Impact,
    /// The fields that differ (updates only).
    pub fields: Vec<FieldChange>,
    /// Why the server would refuse an update in place, or why it was not asked.
    pub note: Option<String>,
}

/// Why a deploy stops before it writes anything.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The server does not serve the object's kind at its version.
    #[error(
        "{object} is {} {}, which the server does not serve; {offer}",
        object.api_version,
        object.kind
    )]
    Unserved {
        /// The object.
        object: Box<ObjectRef>,
        /// What the server serves of that kind instead, in words.
        offer: String,
    },
    /// The server refuses the object in a dry run.
    #[error("the server refuses {object}: {message}")]
    Refused {
        /// The object.
        object: Box<ObjectRef>,
        /// The server's message.
        message: String,
    },
    /// The live object belongs to another ApplySet.
    #[error(
        "{object} belongs to another deploy (ApplySet {set}); remove it there first, or \
         deploy under that deploy's name"
    )]
    Foreign {
        /// The object.
        object: Box<ObjectRef>,
        /// The other set's ID.
        set: String,
    },
    /// The server could not be asked.
    #[error("planning {object}: {error}")]
    Api {
        /// The object.
        object: Box<ObjectRef>,
        /// What failed.
        error: ApiError,
    },
}

/// Refuses the first object whose kind and version the server does not serve and no
/// CRD of the set defines.
///
/// # Errors
///
/// [`PlanError::Unserved`], naming the object and what the server serves of its kind.
pub fn check_served(objects: &[Value], served: &[Served]) -> Result<(), PlanError> {
    let defined = crd_kinds(objects);
    for object in objects {
        let target = ObjectRef::of(object);
        let version = shipshape_manifest::api_version_of(&target.api_version);
        let is_served = served
            .iter()
            .any(|s| s.api_version() == target.api_version && s.kind == target.kind)
            || defined.contains(&(
                target.group().to_owned(),
                version.to_owned(),
                target.kind.clone(),
            ));
        if is_served {
            continue;
        }
        let others: Vec<String> = served
            .iter()
            .filter(|s| s.kind == target.kind)
            .map(Served::api_version)
            .collect();
        let offer = if others.is_empty() {
            format!(
                "it serves no {} at all (is its CRD installed?)",
                target.kind
            )
        } else {
            format!(
                "it serves {} as {}; render for this server's version (--kubernetes) or change apiVersion",
                target.kind,
                others.join(", ")
            )
        };
        return Err(PlanError::Unserved {
            object: Box::new(target),
            offer,
        });
    }
    Ok(())
}

/// (group, version, kind) that the CRDs of `objects` serve.
fn crd_kinds(objects: &[Value]) -> BTreeSet<(String, String, String)> {
    objects
        .iter()
        .filter(|o| text(o, "/kind") == "CustomResourceDefinition")
        .flat_map(|crd| {
            let group = text(crd, "/spec/group").to_owned();
            let kind = text(crd, "/spec/names/kind").to_owned();
            crd.pointer("/spec/versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|v| v.get("served").and_then(Value::as_bool) != Some(false))
                .map(move |v| (group.clone(), text(v, "/name").to_owned(), kind.clone()))
        })
        .collect()
}

/// Gives namespaced objects without a namespace `namespace`, by what the server says
/// is namespaced (a CRD of the set decides for its kinds).
#[must_use]
pub fn place(objects: Vec<Value>, served: &[Served], namespace: &str) -> Vec<Value> {
    let crd_scoped: Vec<(String, bool)> = objects
        .iter()
        .filter(|o| text(o, "/kind") == "CustomResourceDefinition")
        .map(|crd| {
            (
                text(crd, "/spec/names/kind").to_owned(),
                text(crd, "/spec/scope") != "Cluster",
            )
        })
        .collect();
    objects
        .into_iter()
        .map(|mut object| {
            let kind = text(&object, "/kind").to_owned();
            let namespaced = served
                .iter()
                .find(|s| s.kind == kind)
                .map(|s| s.namespaced)
                .or_else(|| crd_scoped.iter().find(|(k, _)| *k == kind).map(|(_, n)| *n))
                .unwrap_or_else(|| shipshape_manifest::is_namespaced(&kind));
            if namespaced && text(&object, "/metadata/namespace").is_empty() {
                object["metadata"]["namespace"] = Value::String(namespace.to_owned());
            }
            object
        })
        .collect()
}

/// Plans `objects` (placed and labelled) against the cluster: one dry-run apply and one
/// read per object, [`PARALLEL`] at a time.
///
/// # Errors
///
/// [`PlanError`] for the first object the server refuses, that belongs to another set,
/// or that cannot be asked about.
pub async fn plan<C: Cluster>(
    cluster: &C,
    objects: &[Value],
    manager: &str,
    inventory: &Inventory,
) -> Result<Vec<Change>, PlanError> {
    let created_namespaces: BTreeSet<&str> = objects
        .iter()
        .filter(|o| text(o, "/kind") == "Namespace")
        .map(|o| text(o, "/metadata/name"))
        .collect();
    let results: Vec<Result<Change, PlanError>> = futures::stream::iter(objects)
        .map(|object| plan_one(cluster, object, manager, inventory, &created_namespaces))
        .buffered(PARALLEL)
        .collect()
        .await;
    results.into_iter().collect()
}

async fn plan_one<C: Cluster>(
    cluster: &C,
    object: &Value,
    manager: &str,
    inventory: &Inventory,
    created_namespaces: &BTreeSet<&str>,
) -> Result<Change, PlanError> {
    let target = ObjectRef::of(object);
    let api = |error| PlanError::Api {
        object: Box::new(target.clone()),
        error,
    };
    let live = match retry(|| cluster.get(&target)).await {
        Ok(live) => live,
        // The kind is not served yet: a CRD of the set defines it (check_served said so).
        Err(ApiError::NotFound(_)) => None,
        Err(error) => return Err(api(error)),
    };
    if let Some(set) = live.as_ref().and_then(|l| inventory.foreign_set(l)) {
        return Err(PlanError::Foreign {
            object: Box::new(target),
            set: set.to_owned(),
        });
    }
    let dry_run = match retry(|| cluster.apply(object, manager, true)).await {
        Ok(answer) => answer,
        Err(ApiError::NotFound(message)) if live.is_none() => {
            // A namespace or a kind the set itself creates: the server can only judge the
            // object once they exist.
            let pending = created_namespaces.contains(target.namespace.as_str())
                || message.contains("could not find the requested resource");
            if !pending {
                return Err(PlanError::Refused {
                    object: Box::new(target),
                    message,
                });
            }
            return Ok(Change {
                impact: Impact::InPlace,
                target,
                action: Action::Create,
                fields: Vec::new(),
                note: Some(
                    "checked by the server when applied: what it needs is created first".to_owned(),
                ),
            });
        }
        Err(ApiError::Invalid(message)) if live.is_some() && message.contains("immutable") => {
            return Ok(Change {
                impact: if holds_data(object) {
                    Impact::DataRisk
                } else {
                    Impact::Recreate
                },
                fields: diff_of(live.as_ref(), Some(object), &target),
                target,
                action: Action::Update,
                note: Some(message),
            });
        }
        Err(ApiError::Invalid(message)) => {
            return Err(PlanError::Refused {
                object: Box::new(target),
                message,
            });
        }
        Err(error) => return Err(api(error)),
    };
    let Some(live) = live else {
        return Ok(Change {
            impact: Impact::InPlace,
            target,
            action: Action::Create,
            fields: Vec::new(),
            note: None,
        });
    };
    let fields = diff_of(Some(&live), Some(&dry_run), &target);
    let (action, impact) = if fields.is_empty() {
        (Action::Unchanged, Impact::InPlace)
    } else {
        (Action::Update, update_impact(&target, &fields))
    };
    Ok(Change {
        target,
        action,
        impact,
        fields,
        note: None,
    })
}

/// Whether re-creating `object` loses stored data.
#[must_use]
pub fn holds_data(object: &Value) -> bool {
    match text(object, "/kind") {
        "PersistentVolumeClaim" => true,
        "StatefulSet" => object
            .pointer("/spec/volumeClaimTemplates")
            .and_then(Value::as_array)
            .is_some_and(|t| !t.is_empty()),
        _ => false,
    }
}

fn update_impact(target: &ObjectRef, fields: &[FieldChange]) -> Impact {
    let restarts = matches!(
        target.kind.as_str(),
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet"
    ) && fields.iter().any(|f| f.path.starts_with("/spec/template/"));
    if restarts {
        Impact::RollingRestart
    } else {
        Impact::InPlace
    }
}

/// The fields that differ between two states of an object, ignoring what the server
/// keeps for itself (status, resourceVersion, managedFields, generation, UID).
fn diff_of(before: Option<&Value>, after: Option<&Value>, target: &ObjectRef) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    let before = before.map(comparable);
    let after = after.map(comparable);
    diff(before.as_ref(), after.as_ref(), String::new(), &mut fields);
    if target.kind == "Secret" && target.group().is_empty() {
        for field in &mut fields {
            if field.path.starts_with("/data/") || field.path.starts_with("/stringData/") {
                field.before = field.before.as_ref().map(|_| masked());
                field.after = field.after.as_ref().map(|_| masked());
            }
        }
    }
    fields
}

fn masked() -> Value {
    Value::String("(hidden)".to_owned())
}

/// The object without what its server keeps for itself.
#[must_use]
pub fn comparable(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(map) = object.as_object_mut() {
        map.remove("status");
    }
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        for field in [
            "managedFields",
            "resourceVersion",
            "generation",
            "uid",
            "creationTimestamp",
            "selfLink",
        ] {
            meta.remove(field);
        }
    }
    object
}

fn diff(before: Option<&Value>, after: Option<&Value>, path: String, out: &mut Vec<FieldChange>) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => {
            let keys: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
            for key in keys {
                let child = format!("{path}/{}", crate::inventory::escape(key));
                diff(b.get(key), a.get(key), child, out);
            }
        }
        (Some(Value::Array(b)), Some(Value::Array(a))) if b.len() == a.len() => {
            for (i, (b, a)) in b.iter().zip(a).enumerate() {
                diff(Some(b), Some(a), format!("{path}/{i}"), out);
            }
        }
        (b, a) if b != a => out.push(FieldChange {
            path,
            before: b.cloned(),
            after: a.cloned(),
        }),
        _ => {}
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Unchanged => "unchanged",
            Self::Delete => "delete",
        })
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InPlace => "in place",
            Self::RollingRestart => "rolling restart",
            Self::Recreate => "recreate: a field is immutable",
            Self::DataRisk => "DATA RISK: stored data may be lost",
        })
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.action {
            Action::Unchanged => write!(f, "  unchanged {}", self.target)?,
            Action::Create => write!(f, "+ create {}", self.target)?,
            Action::Delete => write!(f, "- delete {} ({})", self.target, self.impact)?,
            Action::Update => write!(f, "~ update {} ({})", self.target, self.impact)?,
        }
        if let Some(note) = &self.note {
            write!(f, "\n    {note}")?;
        }
        for field in &self.fields {
            let show = |v: &Option<Value>| {
                v.as_ref()
                    .map_or_else(|| "(none)".to_owned(), Value::to_string)
            };
            write!(
                f,
                "\n    {}: {} -> {}",
                field.path,
                show(&field.before),
                show(&field.after)
            )?;
        }
        Ok(())
    }
}
