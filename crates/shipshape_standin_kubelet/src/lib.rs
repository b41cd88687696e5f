//! A stand-in kubelet for the test harness (`scripts/cluster/`): it registers fake Nodes
//! on a real control plane and moves the pods the scheduler binds to them through the
//! states a real kubelet reports, without running a container.
//!
//! - **Nodes** come from a `shipshape simulate` cluster (`--cluster FILE`, or zones ×
//!   nodes), with zone label, capacity, allocatable, labels and taints, and heartbeats.
//! - **Pods** are acted on by UID, so a StatefulSet pod recreated under its old name is
//!   a new pod. A pod goes `Running` when first seen and Ready once its readiness
//!   probes' longest `initialDelaySeconds` has passed; a pod that runs to completion
//!   (`restartPolicy` `Never` or `OnFailure`, every Job's pod) goes `Succeeded` after
//!   [`status::RUN_TO_COMPLETION`].
//! - **Deletion**: a pod being deleted is removed at once, whatever its grace period,
//!   since there is no container to stop; controllers see it gone as soon as the next
//!   pass.
//! - **Failures on request**: the annotation [`failure::FAIL_ANNOTATION`] on a pod or
//!   its template (`crash-loop`, `image-pull`, `never-ready`, `fail`).
//! - **Logs**: with `--logs-port`, the nodes name one HTTPS server of the stand-in as
//!   their kubelet, so `kubectl logs` reads each pod's annotation
//!   [`logs::LOG_ANNOTATION`] and a line on how a failed container ended.
//! - **Playing a container's part**: where a test depends on what a container would have
//!   done (the secret generator Job creates a Secret), `--on-success PROGRAM` runs
//!   PROGRAM before a completing pod is reported `Succeeded`, with the pod as JSON on
//!   standard input and `SHIPSHAPE_STANDIN_POD=namespace/name`; the pod fails when it
//!   exits non-zero. A test that relies on it says so.
//!
//! It is a crate of its own, used by the harness only, so nothing the `shipshape`
//! binary links speaks to a network on its behalf.

pub mod failure;
pub mod harness;
pub mod kubelet;
pub mod logs;
pub mod node;
pub mod status;
