//! Reusable check logic ("templates", after kube-linter), kept apart from the configured
//! rules built on them: a rule file says *what* to require, a template knows *how* to
//! look for it in every pod template of every workload kind.

mod container_fields;
mod pod_fields;
mod security_context;

pub use container_fields::{ContainerFields, Containers};
pub use pod_fields::ForbiddenPodFields;
pub use security_context::{SecuritySetting, Setting, effective};

use crate::pod::{Container, ContainerKind};

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
