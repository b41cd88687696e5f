//! Every rule, one per file. To add one: write `ssNNN_name.rs` with [`declare_rule!`]
//! and an `ObjectRule` or `SetRule` impl, add it to `RULES` below, and add
//! `tests/fixtures/SSNNN.yaml` (see `tests/rules.rs`).
//!
//! Ids are grouped by theme, leaving room in each group: SS0xx security (000 is the
//! checker's own), SS01x reliability, SS02x resources, SS03x scaling, SS04x networking,
//! SS05x correctness. An id is never reused.
//!
//! [`declare_rule!`]: crate::declare_rule

mod ss000_invalid_suppression;
mod ss001_privileged_container;
mod ss002_privilege_escalation;
mod ss003_run_as_root;
mod ss004_capabilities_not_dropped;
mod ss005_host_namespaces;
mod ss006_writable_root_filesystem;
mod ss007_seccomp_profile;
mod ss008_host_path_volume;
mod ss009_service_account_token;
mod ss010_missing_readiness_probe;
mod ss011_missing_liveness_probe;
mod ss012_mutable_image_tag;
mod ss013_pdb_selects_no_pods;
mod ss014_pdb_blocks_eviction;
mod ss015_overlapping_pdbs;
mod ss016_grace_period_too_short;
mod ss017_liveness_kills_slow_start;
mod ss018_liveness_stricter_than_readiness;
mod ss020_missing_requests;
mod ss021_missing_memory_limit;
mod ss030_hpa_target_missing;
mod ss031_hpa_min_above_max;
mod ss032_replicas_with_hpa;
mod ss033_hpa_utilization_without_request;
mod ss034_db_connections_exceed_max;
mod ss040_service_selects_no_pods;
mod ss041_service_target_port;
mod ss042_pod_without_network_policy;
mod ss043_route_backend_missing;
mod ss044_route_backend_not_ready;
mod ss045_network_policy_blocks_dns;
mod ss046_network_policy_blocks_ingress_controller;
mod ss047_network_policy_selects_no_pods;
mod ss050_duplicate_object;
mod ss051_missing_reference;
mod ss052_service_monitor_target_missing;

use crate::rule::Rule;

/// The registry, in id order.
pub(crate) static RULES: &[Rule] = &[
    Rule::Object(&ss000_invalid_suppression::InvalidSuppression),
    Rule::Object(&ss001_privileged_container::PrivilegedContainer),
    Rule::Object(&ss002_privilege_escalation::PrivilegeEscalation),
    Rule::Object(&ss003_run_as_root::RunAsRoot),
    Rule::Object(&ss004_capabilities_not_dropped::CapabilitiesNotDropped),
    Rule::Object(&ss005_host_namespaces::HostNamespaces),
    Rule::Object(&ss006_writable_root_filesystem::WritableRootFilesystem),
    Rule::Object(&ss007_seccomp_profile::SeccompProfile),
    Rule::Object(&ss008_host_path_volume::HostPathVolume),
    Rule::Set(&ss009_service_account_token::ServiceAccountToken),
    Rule::Object(&ss010_missing_readiness_probe::MissingReadinessProbe),
    Rule::Object(&ss011_missing_liveness_probe::MissingLivenessProbe),
    Rule::Object(&ss012_mutable_image_tag::MutableImageTag),
    Rule::Set(&ss013_pdb_selects_no_pods::PdbSelectsNoPods),
    Rule::Set(&ss014_pdb_blocks_eviction::PdbBlocksEviction),
    Rule::Set(&ss015_overlapping_pdbs::OverlappingPdbs),
    Rule::Object(&ss016_grace_period_too_short::GracePeriodTooShort),
    Rule::Object(&ss017_liveness_kills_slow_start::LivenessKillsSlowStart),
    Rule::Object(&ss018_liveness_stricter_than_readiness::LivenessStricterThanReadiness),
    Rule::Object(&ss020_missing_requests::MissingRequests),
    Rule::Object(&ss021_missing_memory_limit::MissingMemoryLimit),
    Rule::Set(&ss030_hpa_target_missing::HpaTargetMissing),
    Rule::Object(&ss031_hpa_min_above_max::HpaMinAboveMax),
    Rule::Set(&ss032_replicas_with_hpa::ReplicasWithHpa),
    Rule::Set(&ss033_hpa_utilization_without_request::HpaUtilizationWithoutRequest),
    Rule::Set(&ss034_db_connections_exceed_max::DbConnectionsExceedMax),
    Rule::Set(&ss040_service_selects_no_pods::ServiceSelectsNoPods),
    Rule::Set(&ss041_service_target_port::ServiceTargetPort),
    Rule::Set(&ss042_pod_without_network_policy::PodWithoutNetworkPolicy),
    Rule::Set(&ss043_route_backend_missing::RouteBackendMissing),
    Rule::Set(&ss044_route_backend_not_ready::RouteBackendNotReady),
    Rule::Set(&ss045_network_policy_blocks_dns::NetworkPolicyBlocksDns),
    Rule::Set(
        &ss046_network_policy_blocks_ingress_controller::NetworkPolicyBlocksIngressController,
    ),
    Rule::Set(&ss047_network_policy_selects_no_pods::NetworkPolicySelectsNoPods),
    Rule::Set(&ss050_duplicate_object::DuplicateObject),
    Rule::Set(&ss051_missing_reference::MissingReference),
    Rule::Set(&ss052_service_monitor_target_missing::ServiceMonitorTargetMissing),
];
