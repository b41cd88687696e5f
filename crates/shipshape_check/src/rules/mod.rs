//! Every rule, one per file. To add one: write `ssNNN_name.rs` with [`declare_rule!`]
//! and an `ObjectRule` or `SetRule` impl, add it to `RULES` in `registry.rs`, and add
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

pub(crate) mod ss000_invalid_suppression;
pub(crate) mod ss001_privileged_container;
pub(crate) mod ss002_privilege_escalation;
pub(crate) mod ss003_run_as_root;
pub(crate) mod ss004_capabilities_not_dropped;
pub(crate) mod ss005_host_namespaces;
pub(crate) mod ss006_writable_root_filesystem;
pub(crate) mod ss007_seccomp_profile;
pub(crate) mod ss008_host_path_volume;
pub(crate) mod ss009_service_account_token;
pub(crate) mod ss010_missing_readiness_probe;
pub(crate) mod ss011_missing_liveness_probe;
pub(crate) mod ss012_mutable_image_tag;
pub(crate) mod ss013_pdb_selects_no_pods;
pub(crate) mod ss014_pdb_blocks_eviction;
pub(crate) mod ss015_overlapping_pdbs;
pub(crate) mod ss016_grace_period_too_short;
pub(crate) mod ss017_liveness_kills_slow_start;
pub(crate) mod ss018_liveness_stricter_than_readiness;
pub(crate) mod ss019_statefulset_start_deadlock;
pub(crate) mod ss020_missing_requests;
pub(crate) mod ss021_missing_memory_limit;
pub(crate) mod ss030_hpa_target_missing;
pub(crate) mod ss031_hpa_min_above_max;
pub(crate) mod ss032_replicas_with_hpa;
pub(crate) mod ss033_hpa_utilization_without_request;
pub(crate) mod ss034_db_connections_exceed_max;
pub(crate) mod ss040_service_selects_no_pods;
pub(crate) mod ss041_service_target_port;
pub(crate) mod ss042_pod_without_network_policy;
pub(crate) mod ss043_route_backend_missing;
pub(crate) mod ss044_route_backend_not_ready;
pub(crate) mod ss045_network_policy_blocks_dns;
pub(crate) mod ss046_network_policy_blocks_ingress_controller;
pub(crate) mod ss047_network_policy_selects_no_pods;
pub(crate) mod ss048_network_policy_blocks_scrape;
pub(crate) mod ss049_network_policy_blocks_dependency;
pub(crate) mod ss050_duplicate_object;
pub(crate) mod ss051_missing_reference;
pub(crate) mod ss052_service_monitor_target_missing;
pub(crate) mod ss056_statefulset_service;
pub(crate) mod ss057_config_change_not_rolled;
pub(crate) mod ss058_hook_needed_after_release;
pub(crate) mod ss060_invalid_object;
pub(crate) mod ss061_deprecated_api_version;
pub(crate) mod ss062_removed_api_version;
pub(crate) mod ss100_host_port;
pub(crate) mod ss101_unmasked_proc_mount;
pub(crate) mod ss102_unsafe_sysctl;
pub(crate) mod ss103_apparmor_unconfined;
pub(crate) mod ss104_selinux_custom_options;
pub(crate) mod ss105_low_user_id;
pub(crate) mod ss106_capability_added;
pub(crate) mod ss107_dangerous_capability;
pub(crate) mod ss108_windows_host_process;
pub(crate) mod ss109_restricted_volume_type;
pub(crate) mod ss110_sensitive_host_path;
pub(crate) mod ss111_credential_in_plain_text;
pub(crate) mod ss112_placeholder_credential;
pub(crate) mod ss120_image_pull_policy;
pub(crate) mod ss130_rbac_wildcard;
pub(crate) mod ss131_rbac_secret_read;
pub(crate) mod ss132_cluster_admin_binding;
pub(crate) mod ss133_default_service_account_bound;
pub(crate) mod ss134_rbac_escalation_verbs;
pub(crate) mod ss135_rbac_sensitive_resource;
pub(crate) mod ss140_node_port_service;
pub(crate) mod ss141_load_balancer_source_ranges;
pub(crate) mod ss142_service_external_ips;
pub(crate) mod ss143_ingress_without_tls;
pub(crate) mod ss144_ingress_nginx_snippet;
pub(crate) mod ss145_ingress_rewrite_drops_path;
pub(crate) mod ss150_single_replica;
pub(crate) mod ss151_replicas_not_spread;
pub(crate) mod ss152_rollout_takes_all_down;
pub(crate) mod ss153_recreate_strategy;
pub(crate) mod ss154_pdb_unhealthy_eviction;
pub(crate) mod ss155_pdb_without_budget;
pub(crate) mod ss156_replicas_without_pdb;
pub(crate) mod ss158_rwo_claim_blocks_rollout;
pub(crate) mod ss159_serving_pod_without_drain;
pub(crate) mod ss160_job_without_deadline;
pub(crate) mod ss161_cronjob_concurrent_runs;
pub(crate) mod ss162_cronjob_without_starting_deadline;
pub(crate) mod ss163_job_restart_policy;
pub(crate) mod ss164_cronjob_schedule_invalid;
pub(crate) mod ss171_deprecated_service_account_field;
pub(crate) mod ss172_deprecated_annotation;
pub(crate) mod ss173_deprecated_node_label;
pub(crate) mod ss180_request_above_limit;
pub(crate) mod ss181_empty_dir_without_size_limit;
pub(crate) mod ss190_duplicate_env_var;
pub(crate) mod ss191_invalid_port;
pub(crate) mod ss192_selector_mismatch;
pub(crate) mod ss193_invalid_label;
pub(crate) mod ss194_probe_port_undeclared;
