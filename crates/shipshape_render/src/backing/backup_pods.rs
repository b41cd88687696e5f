//! Which pods run a service's backup: the name and labels of its backup Job, so that the
//! server's NetworkPolicy admits them (`workload`) and `backups` labels them alike.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::NetworkPolicyPeer;
use shipshape_spec::{BackingService, Provider, ServiceType};

use crate::context::Ctx;
use crate::hooks;

/// The name of a service's backup CronJob, its ServiceAccount and its NetworkPolicy.
pub(super) fn job_name(name: &str) -> String {
    format!("{name}-backup")
}

/// Whether shipshape renders a backup Job for `service`: providers that do not back up
/// by themselves, when the spec asks for backups.
pub(super) fn has_job(service: &BackingService) -> bool {
    service.backup.is_some()
        && matches!(
            (service.kind, service.provider()),
            (
                ServiceType::Postgres,
                Provider::External | Provider::Statefulset
            ) | (ServiceType::Etcd, _)
        )
}

/// The labels of a service's backup objects and pods: the service's, named after the
/// Job, so that no selector of the service picks the Job's pods.
pub(super) fn job_labels(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
) -> BTreeMap<String, String> {
    hooks::job_labels(ctx.service_labels(name, service), &job_name(name), "backup")
}

/// The backup pods of service `name`, for the NetworkPolicy of its server to admit.
pub(super) fn pods(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
) -> Option<NetworkPolicyPeer> {
    has_job(service).then(|| NetworkPolicyPeer {
        pod_selector: Some(hooks::job_selector(&job_labels(ctx, name, service))),
        ..NetworkPolicyPeer::default()
    })
}
