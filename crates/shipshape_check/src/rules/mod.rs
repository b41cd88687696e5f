//! Every rule, one per file. To add one: write `ssNNN_name.rs` with [`declare_rule!`]
//! and an `ObjectRule` or `SetRule` impl, add it to `RULES` below, and add
//! `tests/fixtures/SSNNN.yaml` (see `tests/rules.rs`).
//!
//! Ids are grouped by theme, leaving room in each group: SS0xx security (000 is the
//! checker's own), SS01x reliability, SS02x resources, SS03x scaling, SS04x networking,
//! SS05x correctness, SS06x api (schema validation, through shipshape_validate).
//! Single-object rules from SS100 go by tens: SS10x-SS11x Pod Security Standards, SS12x
//! images, SS13x RBAC, SS14x networking, SS15x availability, SS16x Jobs and CronJobs,
//! SS17x deprecations, SS18x resources, SS19x objects the API server refuses. An id is
//! never reused.
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
mod ss060_invalid_object;
mod ss061_deprecated_api_version;
mod ss062_removed_api_version;
mod ss100_host_port;
mod ss101_unmasked_proc_mount;
mod ss102_unsafe_sysctl;
mod ss103_apparmor_unconfined;
mod ss104_selinux_custom_options;
mod ss105_low_user_id;
mod ss106_capability_added;
mod ss107_dangerous_capability;
mod ss108_windows_host_process;
mod ss109_restricted_volume_type;
mod ss110_sensitive_host_path;
mod ss111_credential_in_plain_text;
mod ss120_image_pull_policy;
mod ss130_rbac_wildcard;
mod ss131_rbac_secret_read;
mod ss132_cluster_admin_binding;
mod ss133_default_service_account_bound;
mod ss134_rbac_escalation_verbs;
mod ss135_rbac_sensitive_resource;
mod ss140_node_port_service;
mod ss141_load_balancer_source_ranges;
mod ss142_service_external_ips;
mod ss143_ingress_without_tls;
mod ss144_ingress_nginx_snippet;
mod ss150_single_replica;
mod ss151_replicas_not_spread;
mod ss152_rollout_takes_all_down;
mod ss153_recreate_strategy;
mod ss154_pdb_unhealthy_eviction;
mod ss155_pdb_without_budget;
mod ss160_job_without_deadline;
mod ss161_cronjob_concurrent_runs;
mod ss162_cronjob_without_starting_deadline;
mod ss163_job_restart_policy;
mod ss164_cronjob_schedule_invalid;
mod ss171_deprecated_service_account_field;
mod ss172_deprecated_annotation;
mod ss173_deprecated_node_label;
mod ss180_request_above_limit;
mod ss181_empty_dir_without_size_limit;
mod ss190_duplicate_env_var;
mod ss191_invalid_port;
mod ss192_selector_mismatch;
mod ss193_invalid_label;
mod ss194_probe_port_undeclared;

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
    Rule::Set(&ss060_invalid_object::InvalidObject),
    Rule::Set(&ss061_deprecated_api_version::DeprecatedApiVersion),
    Rule::Set(&ss062_removed_api_version::RemovedApiVersion),
    Rule::Object(&ss100_host_port::HostPort),
    Rule::Object(&ss101_unmasked_proc_mount::UnmaskedProcMount),
    Rule::Object(&ss102_unsafe_sysctl::UnsafeSysctl),
    Rule::Object(&ss103_apparmor_unconfined::AppArmorUnconfined),
    Rule::Object(&ss104_selinux_custom_options::SeLinuxCustomOptions),
    Rule::Object(&ss105_low_user_id::LowUserId),
    Rule::Object(&ss106_capability_added::CapabilityAdded),
    Rule::Object(&ss107_dangerous_capability::DangerousCapability),
    Rule::Object(&ss108_windows_host_process::WindowsHostProcess),
    Rule::Object(&ss109_restricted_volume_type::RestrictedVolumeType),
    Rule::Object(&ss110_sensitive_host_path::SensitiveHostPath),
    Rule::Object(&ss111_credential_in_plain_text::CredentialInPlainText),
    Rule::Object(&ss120_image_pull_policy::ImagePullPolicy),
    Rule::Object(&ss130_rbac_wildcard::RbacWildcard),
    Rule::Object(&ss131_rbac_secret_read::RbacSecretRead),
    Rule::Object(&ss132_cluster_admin_binding::ClusterAdminBinding),
    Rule::Object(&ss133_default_service_account_bound::DefaultServiceAccountBound),
    Rule::Object(&ss134_rbac_escalation_verbs::RbacEscalationVerbs),
    Rule::Object(&ss135_rbac_sensitive_resource::RbacSensitiveResource),
    Rule::Object(&ss140_node_port_service::NodePortService),
    Rule::Object(&ss141_load_balancer_source_ranges::LoadBalancerSourceRanges),
    Rule::Object(&ss142_service_external_ips::ServiceExternalIps),
    Rule::Object(&ss143_ingress_without_tls::IngressWithoutTls),
    Rule::Object(&ss144_ingress_nginx_snippet::IngressNginxSnippet),
    Rule::Set(&ss150_single_replica::SingleReplica),
    Rule::Set(&ss151_replicas_not_spread::ReplicasNotSpread),
    Rule::Object(&ss152_rollout_takes_all_down::RolloutTakesAllDown),
    Rule::Object(&ss153_recreate_strategy::RecreateStrategy),
    Rule::Object(&ss154_pdb_unhealthy_eviction::PdbUnhealthyEviction),
    Rule::Object(&ss155_pdb_without_budget::PdbWithoutBudget),
    Rule::Object(&ss160_job_without_deadline::JobWithoutDeadline),
    Rule::Object(&ss161_cronjob_concurrent_runs::CronJobConcurrentRuns),
    Rule::Object(&ss162_cronjob_without_starting_deadline::CronJobWithoutStartingDeadline),
    Rule::Object(&ss163_job_restart_policy::JobRestartPolicy),
    Rule::Object(&ss164_cronjob_schedule_invalid::CronJobScheduleInvalid),
    Rule::Object(&ss171_deprecated_service_account_field::DeprecatedServiceAccountField),
    Rule::Object(&ss172_deprecated_annotation::DeprecatedAnnotation),
    Rule::Object(&ss173_deprecated_node_label::DeprecatedNodeLabel),
    Rule::Object(&ss180_request_above_limit::RequestAboveLimit),
    Rule::Object(&ss181_empty_dir_without_size_limit::EmptyDirWithoutSizeLimit),
    Rule::Object(&ss190_duplicate_env_var::DuplicateEnvVar),
    Rule::Object(&ss191_invalid_port::InvalidPort),
    Rule::Object(&ss192_selector_mismatch::SelectorMismatch),
    Rule::Object(&ss193_invalid_label::InvalidLabel),
    Rule::Object(&ss194_probe_port_undeclared::ProbePortUndeclared),
];
