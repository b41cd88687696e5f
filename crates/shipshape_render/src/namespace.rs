//! The namespace, with Pod Security admission enforcing the restricted profile, and the
//! NetworkPolicy that denies by default whatever no other policy admits.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use shipshape_manifest::Provenance;

use crate::context::Ctx;
use crate::network_rules::policy;

/// The name of the namespace's default-deny NetworkPolicy.
const DEFAULT_DENY: &str = "default-deny";

/// Renders the namespace. `enforce` rejects any pod that breaks the restricted profile;
/// `audit` and `warn` make the same judgement visible in logs and to `kubectl`.
pub fn render(ctx: &mut Ctx<'_>) {
    let version = format!("v{}", ctx.spec.kubernetes_version());
    let mut labels: BTreeMap<String, String> = ctx.labels(None);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(
            format!("pod-security.kubernetes.io/{mode}"),
            "restricted".to_owned(),
        );
        labels.insert(
            format!("pod-security.kubernetes.io/{mode}-version"),
            version.clone(),
        );
    }
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some(ctx.namespace().to_owned()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    let mut fields = Provenance::new();
    if ctx.spec.namespace.is_some() {
        fields.record("/metadata/name", shipshape_spec::path!["namespace"]);
    }
    ctx.emit(&ns, Vec::new(), fields);
}

/// Renders, unless `default_deny: false`, a policy that selects every pod of the
/// namespace and admits nothing either way. Every pod shipshape renders or has an
/// operator run has a policy of its own that admits its declared traffic, and policies
/// add up, so this one changes nothing for them: it covers the pods that nobody
/// declared (added by hand, by another tool, by an operator shipshape does not know).
pub fn render_default_deny(ctx: &mut Ctx<'_>) {
    if !ctx.spec.default_deny {
        return;
    }
    let deny = policy(
        ctx.metadata(DEFAULT_DENY, None),
        LabelSelector::default(),
        Vec::new(),
        Vec::new(),
    );
    ctx.emit(&deny, Vec::new(), Provenance::new());
}

#[cfg(test)]
mod tests {
    use crate::test_support::{SHOP, find, of_kind};

    #[test]
    fn the_default_deny_selects_every_pod_and_admits_nothing() {
        assert_eq!(
            find(SHOP, "NetworkPolicy", "default-deny")["spec"],
            serde_json::json!({
                "podSelector": {},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [],
                "egress": [],
            })
        );
    }

    #[test]
    fn default_deny_false_renders_none() {
        let spec = SHOP.replacen("name: shop\n", "name: shop\ndefault_deny: false\n", 1);
        let names: Vec<String> = of_kind(&spec, "NetworkPolicy")
            .iter()
            .map(|p| p.name().to_owned())
            .collect();
        assert_eq!(names, ["api", "lonely", "projector", "web"]);
    }
}
