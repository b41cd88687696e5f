//! Exposure: Ingress, or Gateway API HTTPRoute / GRPCRoute.

use shipshape_spec::Component;

use crate::context::Ctx;

/// Renders the route of an exposed component.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let _ = (ctx, name, component);
}
