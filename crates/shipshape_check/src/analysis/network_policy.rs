//! How messages name the NetworkPolicies that decided, whose evaluation the model
//! (`shipshape_manifest::network_policy`) owns.

use shipshape_manifest::network_policy::NetworkPolicy;

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
