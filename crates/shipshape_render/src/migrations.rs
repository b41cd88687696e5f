//! Migration Jobs that run before each rollout.

use shipshape_spec::Component;

use crate::context::Ctx;

/// Renders the migration Job of a component that declares a migration command.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let _ = (ctx, name, component);
}
