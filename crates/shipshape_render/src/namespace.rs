//! The namespace, with Pod Security admission enforcing the restricted profile.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use shipshape_manifest::Provenance;

use crate::context::Ctx;

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
