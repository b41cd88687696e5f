//! The checker's side of NetworkPolicy evaluation, which the model
//! (`shipshape_manifest::network_policy`) owns: the pods of the input as endpoints, the
//! cluster DNS they resolve names at, and how messages name policies.

use shipshape_manifest::network_policy::{
    CLUSTER_DNS_NAMESPACE, Endpoint, NetworkPolicy, cluster_dns_labels,
};

use crate::{CheckContext, PodTemplate, Selector};

/// The pods of `pod` as policies see them.
pub(crate) fn endpoint<'a>(pod: &PodTemplate<'a>) -> Endpoint<'a> {
    Endpoint::of_pod(pod.object.namespace(), pod.labels(), pod.spec)
}

/// The cluster DNS pods of the input (`k8s-app: kube-dns` in `kube-system`); empty when
/// the input does not run the cluster DNS, which is then modelled.
pub(crate) fn dns_servers<'a>(cx: &CheckContext<'a>) -> Vec<Endpoint<'a>> {
    cx.selected(
        CLUSTER_DNS_NAMESPACE,
        Selector::Labels(cluster_dns_labels()),
    )
    .map(endpoint)
    .collect()
}

/// How messages name a set of policies: "NetworkPolicy shop/api" or "NetworkPolicies
/// shop/api, shop/default-deny".
pub(crate) fn describe(policies: &[&NetworkPolicy<'_>]) -> String {
    let names: Vec<String> = policies
        .iter()
        .map(|p| format!("{}/{}", p.namespace(), p.name()))
        .collect();
    match names.as_slice() {
        [one] => format!("NetworkPolicy {one}"),
        _ => format!("NetworkPolicies {}", names.join(", ")),
    }
}
