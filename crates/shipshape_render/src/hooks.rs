//! What the Jobs that prepare a rollout share (a component's migrations, the secret
//! generator): labels that keep the Job's pods out of every component's selector, an
//! egress-only NetworkPolicy, a name that follows what the pods run, and the Helm and
//! Argo CD hook annotations of the generator (a migration is an ordinary object that the
//! app's pods wait for: see `migrations`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicySpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::context::{Ctx, INSTANCE_LABEL, NAME_LABEL, content_hash};

/// The label that tells a Job's pods apart from the app's own.
const COMPONENT_LABEL: &str = "app.kubernetes.io/component";

/// The role of a migration Job's pods, in their component label.
pub const MIGRATION_ROLE: &str = "migration";

/// The name of a component's migration pods (and of their NetworkPolicy, and of the Role
/// of the waits around them).
pub fn migration_name(component: &str) -> String {
    format!("{component}-migrate")
}

/// When a hooked Job and its helpers run under Helm (pre-install and pre-upgrade hooks)
/// and Argo CD (PreSync hooks); they are deleted once they succeeded. `shipshape deploy`
/// and plain `kubectl apply` ignore these annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hook {
    /// Helm hook weight and Argo CD sync wave: lower runs first.
    pub weight: i32,
}

impl Hook {
    /// The annotations that make an object this hook.
    pub fn annotations(self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::from([
            (
                "helm.sh/hook".to_owned(),
                "pre-install,pre-upgrade".to_owned(),
            ),
            ("helm.sh/hook-weight".to_owned(), self.weight.to_string()),
            (
                "helm.sh/hook-delete-policy".to_owned(),
                "before-hook-creation,hook-succeeded".to_owned(),
            ),
            ("argocd.argoproj.io/hook".to_owned(), "PreSync".to_owned()),
            (
                "argocd.argoproj.io/hook-delete-policy".to_owned(),
                "BeforeHookCreation,HookSucceeded".to_owned(),
            ),
        ]);
        if self.weight != 0 {
            out.insert(
                "argocd.argoproj.io/sync-wave".to_owned(),
                self.weight.to_string(),
            );
        }
        out
    }

    /// The same hook one step earlier, for what only the Job uses (its NetworkPolicy,
    /// ServiceAccount, RBAC). Hooks run before a chart's ordinary objects exist, so
    /// these must be hooks too, created first.
    pub fn before(self) -> Hook {
        Hook {
            weight: self.weight - 1,
        }
    }
}

/// `labels` for the objects of a pre-rollout Job called `name`: the name label becomes
/// `name` and the component label `role`, so no Service, PDB or spread constraint of a
/// component selects the Job's pods.
pub fn job_labels(
    mut labels: BTreeMap<String, String>,
    name: &str,
    role: &str,
) -> BTreeMap<String, String> {
    labels.insert(NAME_LABEL.to_owned(), name.to_owned());
    labels.insert(COMPONENT_LABEL.to_owned(), role.to_owned());
    labels
}

/// Selects the pods labelled by [`job_labels`]: name, instance and role, so that a
/// component that happens to share the name is not selected.
pub fn job_selector(labels: &BTreeMap<String, String>) -> LabelSelector {
    let keys = [NAME_LABEL, INSTANCE_LABEL, COMPONENT_LABEL];
    LabelSelector {
        match_labels: Some(
            labels
                .iter()
                .filter(|(k, _)| keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        ..LabelSelector::default()
    }
}

/// The NetworkPolicy of a pre-rollout Job's pods: nothing may connect to them, and they
/// may connect only through `egress`. A hooked Job's policy is a hook too (`hook`).
pub fn job_network_policy(
    ctx: &Ctx<'_>,
    name: &str,
    labels: &BTreeMap<String, String>,
    egress: Vec<NetworkPolicyEgressRule>,
    hook: Option<Hook>,
) -> NetworkPolicy {
    NetworkPolicy {
        metadata: ObjectMeta {
            labels: Some(labels.clone()),
            annotations: hook.map(Hook::annotations),
            ..ctx.metadata(name, None)
        },
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(job_selector(labels)),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            egress: Some(egress),
            ingress: None,
        }),
    }
}

/// `base` and a hash of everything a Job's pods run (image, command, args, env, files,
/// the config and secret checksums...): a Job's template cannot change, so a Job that
/// runs something else needs a new name, and one that runs the same keeps its own.
pub fn hashed_name(base: &str, template: &PodTemplateSpec) -> String {
    let text = serde_json::to_string(template).expect("pod templates serialize to JSON");
    format!("{base}-{}", content_hash([text.as_str()], 8))
}
