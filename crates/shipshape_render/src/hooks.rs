//! What every Job that runs before a rollout shares (a component's migrations, the secret
//! generator): the Helm and Argo CD hook annotations, labels that keep the Job's pods
//! out of every component's selector, an egress-only NetworkPolicy, and a name that
//! follows what the pods run.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicySpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use crate::context::{Ctx, INSTANCE_LABEL, NAME_LABEL, content_hash};

/// The label that tells a Job's pods apart from the app's own.
const COMPONENT_LABEL: &str = "app.kubernetes.io/component";

/// The role of a migration Job's pods, in their component label.
pub const MIGRATION_ROLE: &str = "migration";

/// The name of a component's migration pods (and of their NetworkPolicy).
pub fn migration_name(component: &str) -> String {
    format!("{component}-migrate")
}

/// When a pre-rollout Job and its helpers run under Helm (hooks) and Argo CD (PreSync
/// hooks). `shipshape deploy` and plain `kubectl apply` ignore these annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hook {
    /// Helm hook weight and Argo CD sync wave: lower runs first.
    pub weight: i32,
    /// Delete the hook's objects once every hook succeeded. Without it they stay until
    /// the next run replaces them (a migration's logs stay readable).
    pub delete_on_success: bool,
}

impl Hook {
    /// The annotations that make an object this hook.
    pub fn annotations(self) -> BTreeMap<String, String> {
        let (helm_policy, argo_policy) = if self.delete_on_success {
            (
                "before-hook-creation,hook-succeeded",
                "BeforeHookCreation,HookSucceeded",
            )
        } else {
            ("before-hook-creation", "BeforeHookCreation")
        };
        let mut out = BTreeMap::from([
            (
                "helm.sh/hook".to_owned(),
                "pre-install,pre-upgrade".to_owned(),
            ),
            ("helm.sh/hook-weight".to_owned(), self.weight.to_string()),
            (
                "helm.sh/hook-delete-policy".to_owned(),
                helm_policy.to_owned(),
            ),
            ("argocd.argoproj.io/hook".to_owned(), "PreSync".to_owned()),
            (
                "argocd.argoproj.io/hook-delete-policy".to_owned(),
                argo_policy.to_owned(),
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
            ..self
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
/// may connect only through `egress`.
pub fn job_network_policy(
    ctx: &Ctx<'_>,
    name: &str,
    labels: &BTreeMap<String, String>,
    egress: Vec<NetworkPolicyEgressRule>,
    hook: Hook,
) -> NetworkPolicy {
    NetworkPolicy {
        metadata: ObjectMeta {
            labels: Some(labels.clone()),
            annotations: Some(hook.annotations()),
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
