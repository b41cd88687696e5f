//! Each deploy is a revision, kept in the cluster next to the inventory: a Secret
//! `shipshape-NAME.vN` (type `shipshape.dev/revision`) with the manifests applied
//! (gzipped JSON, Secret data removed), and in annotations its status, time, who ran it,
//! and the revision it rolled back to. `shipshape history` lists them, `rollback` reads
//! one back.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

use crate::cluster::{ApiError, ApiResult, Cluster};
use crate::health::text;
use crate::inventory::{Inventory, base64, escape, unbase64};
use crate::retry::retry;

/// The label naming the deploy a revision belongs to.
pub const DEPLOY_LABEL: &str = "shipshape.dev/deploy";
const REVISION: &str = "shipshape.dev/revision";
const STATUS: &str = "shipshape.dev/status";
const TIME: &str = "shipshape.dev/time";
const WHO: &str = "shipshape.dev/who";
const ROLLBACK_OF: &str = "shipshape.dev/rollback-of";

/// Where a revision got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Being applied now (or its deploy died).
    Deploying,
    /// Applied and ready.
    Deployed,
    /// Failed.
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::Deploying => "deploying",
            Self::Deployed => "deployed",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "deployed" => Self::Deployed,
            "failed" => Self::Failed,
            _ => Self::Deploying,
        }
    }
}

/// One recorded deploy.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// Its number, from 1.
    pub number: u32,
    /// Where it got to.
    pub status: Status,
    /// When it started (RFC 3339).
    pub time: String,
    /// Who ran it.
    pub who: String,
    /// The revision it restored, for a rollback.
    pub rollback_of: Option<u32>,
    /// The objects it applied, Secret data removed.
    pub manifests: Vec<Value>,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `objects` as history keeps them: Secrets without `data` and `stringData`, so no
/// plaintext is stored twice.
#[must_use]
pub fn without_secret_data(objects: &[Value]) -> Vec<Value> {
    objects
        .iter()
        .map(|object| {
            let mut object = object.clone();
            if text(&object, "/kind") == "Secret"
                && text(&object, "/apiVersion") == "v1"
                && let Some(map) = object.as_object_mut()
            {
                map.remove("data");
                map.remove("stringData");
            }
            object
        })
        .collect()
}

fn secret_name(inventory: &Inventory, number: u32) -> String {
    format!("shipshape-{}.v{number}", inventory.name)
}

fn to_object(inventory: &Inventory, revision: &Revision) -> Value {
    let mut zipped = GzEncoder::new(Vec::new(), Compression::default());
    let json = serde_json::to_vec(&revision.manifests).unwrap_or_default();
    // Writing to a Vec cannot fail.
    let _ = zipped.write_all(&json);
    let zipped = zipped.finish().unwrap_or_default();
    let mut annotations = json!({
        STATUS: revision.status.as_str(),
        TIME: revision.time,
        WHO: revision.who,
    });
    if let Some(of) = revision.rollback_of {
        annotations[ROLLBACK_OF] = json!(of.to_string());
    }
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "shipshape.dev/revision",
        "metadata": {
            "name": secret_name(inventory, revision.number),
            "namespace": inventory.namespace,
            "labels": {DEPLOY_LABEL: inventory.name, REVISION: revision.number.to_string()},
            "annotations": annotations,
        },
        "data": {"manifests": base64(&zipped)},
    })
}

fn from_object(object: &Value) -> Option<Revision> {
    let label = |key: &str| text(object, &format!("/metadata/labels/{}", escape(key)));
    let annotation = |key: &str| text(object, &format!("/metadata/annotations/{}", escape(key)));
    let zipped = unbase64(text(object, "/data/manifests"))?;
    let mut json = Vec::new();
    GzDecoder::new(zipped.as_slice())
        .read_to_end(&mut json)
        .ok()?;
    Some(Revision {
        number: label(REVISION).parse().ok()?,
        status: Status::parse(annotation(STATUS)),
        time: annotation(TIME).to_owned(),
        who: annotation(WHO).to_owned(),
        rollback_of: annotation(ROLLBACK_OF).parse().ok(),
        manifests: serde_json::from_slice(&json).ok()?,
    })
}

/// Writes `revision` (server-side apply: a new one is created, a known one updated).
///
/// # Errors
///
/// When the server refuses or fails.
pub async fn record<C: Cluster>(
    cluster: &C,
    inventory: &Inventory,
    manager: &str,
    revision: &Revision,
) -> ApiResult<()> {
    let object = to_object(inventory, revision);
    retry(|| cluster.apply(&object, manager, false))
        .await
        .map(drop)
}

/// Every revision of the deploy, oldest first. A revision that cannot be read (edited
/// by hand) is skipped.
///
/// # Errors
///
/// When the server fails.
pub async fn list<C: Cluster>(cluster: &C, inventory: &Inventory) -> ApiResult<Vec<Revision>> {
    let selector = format!("{DEPLOY_LABEL}={}", inventory.name);
    let objects = retry(|| cluster.list("v1", "Secret", &inventory.namespace, &selector)).await?;
    let mut revisions: Vec<Revision> = objects.iter().filter_map(from_object).collect();
    revisions.sort_by_key(|r| r.number);
    Ok(revisions)
}

/// The revision numbered `number`.
///
/// # Errors
///
/// [`ApiError::NotFound`] when there is none.
pub async fn find<C: Cluster>(
    cluster: &C,
    inventory: &Inventory,
    number: u32,
) -> ApiResult<Revision> {
    list(cluster, inventory)
        .await?
        .into_iter()
        .find(|r| r.number == number)
        .ok_or_else(|| {
            ApiError::NotFound(format!(
                "deploy {} has no revision {number} (shipshape history lists them)",
                inventory.name
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_reads_back_as_written_without_secret_data() {
        let inventory = Inventory::new("shop", "shop");
        let manifests = without_secret_data(&[
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                   "data": {"password": "aHVudGVyMg=="}, "stringData": {"x": "y"}}),
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                   "data": {"mode": "fast"}}),
        ]);
        let revision = Revision {
            number: 7,
            status: Status::Failed,
            time: "2026-12-03T20:00:00Z".into(),
            who: "ada@build-1".into(),
            rollback_of: Some(5),
            manifests,
        };
        let object = to_object(&inventory, &revision);
        assert_eq!(object["metadata"]["name"], "shipshape-shop.v7");
        assert!(!object.to_string().contains("aHVudGVyMg"));
        let back = from_object(&object).expect("readable");
        assert_eq!(back, revision);
        assert_eq!(
            back.manifests[0],
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})
        );
    }
}
