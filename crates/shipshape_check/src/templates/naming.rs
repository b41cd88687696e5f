//! How messages name the parts of a pod. A leaf, so that every template can word its
//! findings alike without importing the module that lists the templates.

use shipshape_manifest::{Container, ContainerKind};

/// How messages name a container: "container `web`", "init container `migrate`".
#[must_use]
pub fn describe(container: &Container<'_>) -> String {
    let list = match container.kind {
        ContainerKind::Init => "init container",
        ContainerKind::App => "container",
        ContainerKind::Ephemeral => "ephemeral container",
    };
    format!("{list} `{}`", container.name)
}
