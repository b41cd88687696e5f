//! One deploy at a time: a `coordination.k8s.io/v1` Lease per deploy, held by the running
//! deploy and renewed while it runs. A holder that dies stops renewing, and once its lease
//! expired (renew time + duration) the next deploy takes it over; `--break-lock` takes it
//! at once. Every change is a compare-and-swap on the Lease's resourceVersion, so of two
//! deploys that race for a lease exactly one wins.

use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::cluster::{ApiError, Cluster, ObjectRef};
use crate::health::{int, text};
use crate::retry::retry;

/// How long a lease stays valid without being renewed.
pub const LEASE_SECONDS: i64 = 30;

/// Why a lock could not be had or kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// Another deploy holds it.
    #[error(
        "another deploy holds the lock: {holder}, last renewed {renewed}, expires {expires}; \
         wait for it, or if it died pass --break-lock"
    )]
    Held {
        /// Who.
        holder: String,
        /// When it last renewed.
        renewed: String,
        /// When it expires.
        expires: String,
    },
    /// Someone took the lock over while this deploy ran.
    #[error("lost the lock to {holder} while deploying; stopped before the next change")]
    Lost {
        /// Who holds it now.
        holder: String,
    },
    /// The server could not be asked.
    #[error("lock: {0}")]
    Api(ApiError),
}

/// A held lock.
#[derive(Debug, Clone)]
pub struct Held {
    lease: Value,
    holder: String,
}

/// The Lease of a deploy.
#[must_use]
pub fn lease_ref(name: &str, namespace: &str) -> ObjectRef {
    ObjectRef {
        api_version: "coordination.k8s.io/v1".into(),
        kind: "Lease".into(),
        namespace: namespace.to_owned(),
        name: format!("shipshape-{name}"),
    }
}

/// Renew time as a Lease wants it: RFC 3339 with microseconds.
fn micro_time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn lease_object(target: &ObjectRef, holder: &str, now: Timestamp) -> Value {
    json!({
        "apiVersion": target.api_version,
        "kind": target.kind,
        "metadata": {"name": target.name, "namespace": target.namespace},
        "spec": {
            "holderIdentity": holder,
            "leaseDurationSeconds": LEASE_SECONDS,
            "acquireTime": micro_time(now),
            "renewTime": micro_time(now),
        },
    })
}

/// When `lease` expires, if it has a holder and a renew time.
fn expiry(lease: &Value) -> Option<Timestamp> {
    let renewed: Timestamp = text(lease, "/spec/renewTime").parse().ok()?;
    let seconds = int(lease, "/spec/leaseDurationSeconds").unwrap_or(LEASE_SECONDS);
    renewed
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .ok()
}

/// Takes the lock of `target` for `holder` at `now`: creates the Lease, or takes over one
/// that is free, expired, or (with `break_lock`) held by anyone.
///
/// # Errors
///
/// [`LockError::Held`] when a live holder has it, [`LockError::Api`] when the server
/// fails.
pub async fn acquire<C: Cluster>(
    cluster: &C,
    target: &ObjectRef,
    holder: &str,
    now: Timestamp,
    break_lock: bool,
) -> Result<Held, LockError> {
    let fresh = lease_object(target, holder, now);
    loop {
        let live = retry(|| cluster.get(target))
            .await
            .map_err(LockError::Api)?;
        let Some(live) = live else {
            match retry(|| cluster.create(&fresh)).await {
                Ok(lease) => {
                    return Ok(Held {
                        lease,
                        holder: holder.to_owned(),
                    });
                }
                // Someone created it first: look again.
                Err(ApiError::Conflict(_)) => continue,
                Err(error) => return Err(LockError::Api(error)),
            }
        };
        let current = text(&live, "/spec/holderIdentity");
        let expires = expiry(&live);
        let free = current.is_empty() || current == holder || expires.is_none_or(|e| e <= now);
        if !free && !break_lock {
            return Err(LockError::Held {
                holder: current.to_owned(),
                renewed: text(&live, "/spec/renewTime").to_owned(),
                expires: expires.map(micro_time).unwrap_or_default(),
            });
        }
        let mut taken = fresh.clone();
        taken["metadata"] = live["metadata"].clone();
        match retry(|| cluster.replace(&taken)).await {
            Ok(lease) => {
                return Ok(Held {
                    lease,
                    holder: holder.to_owned(),
                });
            }
            Err(ApiError::Conflict(_)) => continue,
            Err(error) => return Err(LockError::Api(error)),
        }
    }
}

/// Renews a held lock at `now`.
///
/// # Errors
///
/// [`LockError::Lost`] when another holder has it now, [`LockError::Api`] when the
/// server fails.
pub async fn renew<C: Cluster>(
    cluster: &C,
    held: &mut Held,
    now: Timestamp,
) -> Result<(), LockError> {
    let mut renewed = held.lease.clone();
    renewed["spec"]["renewTime"] = json!(micro_time(now));
    match retry(|| cluster.replace(&renewed)).await {
        Ok(lease) => {
            held.lease = lease;
            Ok(())
        }
        Err(ApiError::Conflict(_) | ApiError::NotFound(_)) => {
            let target = ObjectRef::of(&held.lease);
            let live = retry(|| cluster.get(&target))
                .await
                .map_err(LockError::Api)?;
            let holder = live
                .as_ref()
                .map(|l| text(l, "/spec/holderIdentity").to_owned())
                .unwrap_or_default();
            match live {
                Some(live) if holder == held.holder => {
                    // Changed by nobody but us (a retried write): carry on from it.
                    held.lease = live;
                    Box::pin(renew(cluster, held, now)).await
                }
                _ => Err(LockError::Lost {
                    holder: if holder.is_empty() {
                        "nobody (the lease was deleted)".to_owned()
                    } else {
                        holder
                    },
                }),
            }
        }
        Err(error) => Err(LockError::Api(error)),
    }
}

/// Renews `held` every third of the lease's duration until it fails; returns why.
pub async fn keep<C: Cluster>(cluster: &C, held: &mut Held) -> LockError {
    let period = Duration::from_secs(LEASE_SECONDS.unsigned_abs() / 3);
    loop {
        tokio::time::sleep(period).await;
        if let Err(error) = renew(cluster, held, Timestamp::now()).await {
            return error;
        }
    }
}

/// Gives the lock up, so the next deploy need not wait for it to expire. A lease that is
/// no longer ours is left alone.
pub async fn release<C: Cluster>(cluster: &C, held: &Held) {
    let mut free = held.lease.clone();
    free["spec"]["holderIdentity"] = Value::Null;
    // Best effort: if this fails the lease expires by itself.
    let _ = retry(|| cluster.replace(&free)).await;
}
