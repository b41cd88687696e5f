//! Renders an [`AppSpec`] into a [`ManifestSet`].
//!
//! One module per concern. Each reads the spec and adds objects to the shared [`Ctx`];
//! naming, labels and selectors come from `context`, so objects that refer to each other
//! always agree. Shared pieces are leaves that the specific renderers build on, never
//! the reverse: `context`, then `builders`, `network_rules`, `hooks`, `wait`, `config`
//! and `secrets` (names), then `pod` and the servers of `backing`, then the controllers. The result is sorted into apply order and is byte-identical for the same
//! spec.

mod autoscaling;
mod backing;
mod builders;
mod config;
mod connections;
mod context;
mod disruption;
mod expose;
mod external_secrets;
mod hooks;
mod identity;
mod jobs;
mod migrations;
mod monitoring;
mod namespace;
mod network_policy;
mod network_rules;
mod patches;
mod pod;
mod rbac;
mod secret_generator;
mod secrets;
mod service;
mod statefulset;
#[cfg(test)]
#[path = "../tests/net/support.rs"]
mod test_support;
mod wait;
mod wiring;
mod workload;

use shipshape_manifest::ManifestSet;
use shipshape_spec::{AppSpec, ComponentKind, Problem};

pub use context::{INSTANCE_LABEL, NAME_LABEL};

/// What rendering produced: the objects, and notes worth telling the user.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The objects, in apply order.
    pub manifests: ManifestSet,
    /// Things that are allowed but deserve attention (a single replica, say).
    pub notes: Vec<String>,
}

/// Renders every object of `spec`.
///
/// # Errors
/// Problems only the renderer can see (a patch whose target does not exist), located by
/// their path in the spec.
pub fn render(spec: &AppSpec) -> Result<Rendered, Vec<Problem>> {
    let mut ctx = context::Ctx::new(spec);
    namespace::render(&mut ctx);
    namespace::render_default_deny(&mut ctx);
    config::render(&mut ctx);
    secrets::render(&mut ctx);
    secret_generator::render(&mut ctx);
    backing::render::render(&mut ctx);
    for (name, component) in &spec.components {
        match component.kind {
            ComponentKind::Service | ComponentKind::Worker => {
                workload::render(&mut ctx, name, component);
            }
            ComponentKind::Stateful => statefulset::render(&mut ctx, name, component),
            ComponentKind::Job | ComponentKind::Cron => jobs::render(&mut ctx, name, component),
        }
        rbac::render(&mut ctx, name, component);
        service::render(&mut ctx, name, component);
        service::render_headless(&mut ctx, name, component);
        autoscaling::render(&mut ctx, name, component);
        disruption::render(&mut ctx, name, component);
        network_policy::render(&mut ctx, name, component);
        expose::render(&mut ctx, name, component);
        monitoring::render(&mut ctx, name, component);
        migrations::render(&mut ctx, name, component);
    }
    let context::Ctx {
        mut out,
        mut problems,
        notes,
        ..
    } = ctx;
    if let Err(p) = patches::apply(spec, &mut out) {
        problems.extend(p);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    external_secrets::annotate(&mut out);
    out.sort();
    Ok(Rendered {
        manifests: out,
        notes,
    })
}
