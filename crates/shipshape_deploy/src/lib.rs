//! Deploys a manifest set to a Kubernetes cluster: plans it with server-side dry runs,
//! applies it with server-side apply in phases (namespaces and CRDs, config, the backing
//! services migrations need, migrations, workloads, the edge), waits for each phase with
//! rules that cannot read a stale success, explains what is stuck, prunes what left the
//! set through an ApplySet inventory, records each deploy as a revision, rolls back, and
//! holds a Lease so two deploys never run at once. See docs/deploy.md.
//!
//! The engine talks to the cluster through [`Cluster`]: [`KubeCluster`] is the real API
//! server through kube-rs, [`fake::FakeCluster`] an in-memory one for tests.

pub mod cluster;
pub mod diagnose;
mod engine;
pub mod fake;
pub mod health;
pub mod history;
pub mod inventory;
mod kube_cluster;
pub mod lock;
pub mod phase;
pub mod plan;
pub mod progress;
mod retry;

pub use cluster::{ApiError, ApiResult, Cluster, ObjectRef, Served};
pub use engine::{DeployError, Deployed, ObjectStatus, Settings, deploy, diff, rollback, status};
pub use kube_cluster::KubeCluster;
