//! ServiceMonitors for components with metrics.

use shipshape_spec::Component;

use crate::context::Ctx;

/// Renders the ServiceMonitor of a component with metrics.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let _ = (ctx, name, component);
}
