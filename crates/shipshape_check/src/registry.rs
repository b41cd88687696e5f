//! The registry: every rule, looked up by id, name or theme.

use crate::merged::canonical;
pub use crate::merged::merged_into;
use crate::meta::Theme;
use crate::rule::Rule;
use crate::rules::*;

/// The registry, in id order. SS000 gets [`unknown_code`] from here rather than
/// importing the registry it is listed in.
pub(crate) static RULES: &[Rule] = &[
    Rule::Object(&ss000_invalid_suppression::InvalidSuppression(unknown_code)),
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
    Rule::Set(&ss016_grace_period_too_short::GracePeriodTooShort),
    Rule::Object(&ss017_liveness_kills_slow_start::LivenessKillsSlowStart),
    Rule::Object(&ss018_liveness_stricter_than_readiness::LivenessStricterThanReadiness),
    Rule::Set(&ss019_statefulset_start_deadlock::StatefulSetStartDeadlock),
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
    Rule::Set(&ss048_network_policy_blocks_scrape::NetworkPolicyBlocksScrape),
    Rule::Set(&ss049_network_policy_blocks_dependency::NetworkPolicyBlocksDependency),
    Rule::Set(&ss050_duplicate_object::DuplicateObject),
    Rule::Set(&ss051_missing_reference::MissingReference),
    Rule::Set(&ss052_service_monitor_target_missing::ServiceMonitorTargetMissing),
    Rule::Set(&ss056_statefulset_service::StatefulSetService),
    Rule::Set(&ss057_config_change_not_rolled::ConfigChangeNotRolled),
    Rule::Set(&ss058_hook_needed_after_release::HookNeededAfterRelease),
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
    Rule::Set(&ss112_placeholder_credential::PlaceholderCredential),
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
    Rule::Object(&ss145_ingress_rewrite_drops_path::IngressRewriteDropsPath),
    Rule::Set(&ss150_single_replica::SingleReplica),
    Rule::Set(&ss151_replicas_not_spread::ReplicasNotSpread),
    Rule::Object(&ss152_rollout_takes_all_down::RolloutTakesAllDown),
    Rule::Object(&ss153_recreate_strategy::RecreateStrategy),
    Rule::Object(&ss154_pdb_unhealthy_eviction::PdbUnhealthyEviction),
    Rule::Object(&ss155_pdb_without_budget::PdbWithoutBudget),
    Rule::Set(&ss156_replicas_without_pdb::ReplicasWithoutPdb),
    Rule::Set(&ss158_rwo_claim_blocks_rollout::RwoClaimBlocksRollout),
    Rule::Set(&ss159_serving_pod_without_drain::ServingPodWithoutDrain),
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

/// Every rule, in id order.
#[must_use]
pub fn all() -> &'static [Rule] {
    RULES
}

/// The rule with this id (`SS010`, any case) or name (`missing-readiness-probe`), or
/// that an old id was merged into (`SS170` finds SS062).
#[must_use]
pub fn find(code: &str) -> Option<Rule> {
    let code = canonical(code);
    RULES.iter().copied().find(|r| {
        let meta = r.meta();
        meta.id.eq_ignore_ascii_case(code) || meta.name == code
    })
}

fn theme(code: &str) -> Option<Theme> {
    Theme::ALL
        .into_iter()
        .find(|t| t.as_str().eq_ignore_ascii_case(code))
}

/// Whether `code` names a rule, a theme, or `all`.
#[must_use]
pub fn is_known(code: &str) -> bool {
    code.eq_ignore_ascii_case("all") || find(code).is_some() || theme(code).is_some()
}

/// Why `code` names nothing ([`unknown`]), or `None` when it names a rule, a theme or
/// `all`.
fn unknown_code(code: &str) -> Option<String> {
    (!is_known(code)).then(|| unknown(code))
}

/// Whether `code` (a rule id or name, a theme, or `all`) covers `rule`.
fn covers(code: &str, rule: Rule) -> bool {
    let meta = rule.meta();
    let code = canonical(code);
    code.eq_ignore_ascii_case("all")
        || meta.id.eq_ignore_ascii_case(code)
        || meta.name == code
        || meta.theme.as_str().eq_ignore_ascii_case(code)
}

/// The rules `select` picks (all when `None`), less those `ignore` names.
///
/// # Errors
/// A code that names no rule or theme.
pub fn select(select: Option<&[String]>, ignore: &[String]) -> Result<Vec<Rule>, String> {
    let all = ["all".to_owned()];
    let select = select.unwrap_or(&all);
    if let Some(bad) = select.iter().chain(ignore).find(|c| !is_known(c)) {
        return Err(unknown(bad));
    }
    Ok(RULES
        .iter()
        .copied()
        .filter(|&r| select.iter().any(|c| covers(c, r)) && !ignore.iter().any(|c| covers(c, r)))
        .collect())
}

/// The message for a code that names nothing, with the closest id, name or theme.
#[must_use]
pub fn unknown(code: &str) -> String {
    let candidates = RULES
        .iter()
        .flat_map(|r| [r.meta().id, r.meta().name])
        .chain(Theme::ALL.iter().map(|t| t.as_str()));
    let hint = candidates
        .map(|c| {
            (
                strsim::jaro_winkler(&code.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!("; did you mean `{c}`?"))
        .unwrap_or_default();
    format!("`{code}` is not a rule id, rule name or theme{hint} (`shipshape rules` lists them)")
}
