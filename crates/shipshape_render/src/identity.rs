//! A stateful pod's identity in its environment: the variables `identity` asks for, so
//! that each pod of a `stateful` component knows its own name, its DNS name under the
//! governing Service, and its peers' names. Every pod of the component gets them, the
//! StatefulSet's and its migration Job's alike, so they are part of the pod's env.

use k8s_openapi::api::core::v1::EnvVar;
use shipshape_spec::{Component, ComponentKind, SpecPath, path};

use crate::builders::{from_field, literal};
use crate::context::{Ctx, component_key};
use crate::service;

/// The variable that holds the pod's name when `identity` asks for the pod's DNS name
/// but not for its name: the DNS name is built from it with `$(...)`.
const POD_NAME_HELPER: &str = "SHIPSHAPE_POD_NAME";

/// The variables `identity` asks for, in an order that lets each refer to the one
/// before: the pod's name (from the Downward API), its DNS name (built from the name
/// with `$(...)`, since a StatefulSet pod's name is its host name), then every pod's DNS
/// name. Each comes with the `identity` key that asks for it. Empty for other kinds than
/// `stateful`.
pub fn env(ctx: &Ctx<'_>, name: &str, component: &Component) -> Vec<(EnvVar, SpecPath)> {
    let Some(identity) = component
        .identity
        .as_ref()
        .filter(|_| component.kind == ComponentKind::Stateful)
    else {
        return Vec::new();
    };
    // `POD.NAME-headless.NAMESPACE.svc.cluster.local`: the pod under its governing Service.
    let domain = ctx.service_host(&service::governing_service_name(name));
    let pod_name = identity
        .pod_name
        .as_deref()
        .or(identity.pod_dns.is_some().then_some(POD_NAME_HELPER));
    let key = |field: &str| component_key(name, path!["identity", field]);
    let mut vars = Vec::new();
    if let Some(var) = pod_name {
        // The helper exists for `pod_dns` alone.
        let asked = if identity.pod_name.is_some() {
            "pod_name"
        } else {
            "pod_dns"
        };
        vars.push((from_field(var, "metadata.name"), key(asked)));
    }
    if let (Some(var), Some(pod_name)) = (&identity.pod_dns, pod_name) {
        let dns = literal(var, format!("$({pod_name}).{domain}"));
        vars.push((dns, key("pod_dns")));
    }
    if let Some(var) = &identity.peers {
        // Every pod there may be: with a range, the HPA may add pods up to the maximum,
        // and a member must know of those before they exist.
        let peers: Vec<String> = (0..component.replicas_or_default().max())
            .map(|ordinal| format!("{name}-{ordinal}.{domain}"))
            .collect();
        vars.push((literal(var, peers.join(",")), key("peers")));
    }
    vars
}
