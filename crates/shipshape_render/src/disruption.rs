//! PodDisruptionBudgets derived from replicas, for Deployments and StatefulSets alike:
//! the budget selects pods by the component's selector, whatever controls them.

use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_manifest::Provenance;
use shipshape_spec::{Component, path};

use crate::context::{Ctx, component_key, component_path};

/// Renders the PDB of a component with at least two pods. It allows one pod down at a
/// time (or what the spec says), which keeps capacity during drains and can never block
/// one: with two or more pods, one may always go. A single pod gets no PDB, since any
/// budget would either block every drain or protect nothing; the renderer notes it.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    // A run of a `job` or `cron` is not kept available: a disrupted run is retried.
    if component.kind.is_batch() {
        return;
    }
    let min = component.replicas_or_default().min();
    if min < 2 {
        ctx.notes.push(format!(
            "component `{name}` runs a single pod: it has no disruption budget and is down during every node drain; set `replicas: 2` or more for availability"
        ));
        return;
    }
    let max_unavailable = component
        .disruption
        .as_ref()
        .map_or(1, |d| d.max_unavailable)
        .min(min - 1);
    let pdb = PodDisruptionBudget {
        metadata: ctx.metadata(name, Some(name)),
        spec: Some(PodDisruptionBudgetSpec {
            selector: Some(ctx.selector(name)),
            max_unavailable: Some(IntOrString::Int(
                i32::try_from(max_unavailable).unwrap_or(1),
            )),
            // Lets a drain evict pods that are not ready anyway; otherwise a crash-looping
            // pod would hold the node forever.
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".to_owned()),
            ..PodDisruptionBudgetSpec::default()
        }),
        status: None,
    };
    let mut fields = Provenance::new();
    let key = component_key(name, path!["disruption", "max_unavailable"]);
    if component.disruption.is_some() {
        fields.record("/spec/maxUnavailable", key);
    } else {
        let value = format!("{max_unavailable} pod at a time may be evicted");
        fields.record_default("/spec/maxUnavailable", key, value);
    }
    ctx.emit(&pdb, component_path(name), fields);
}
