//! Template: a security-context setting every container must get right.

use serde_json::Value;

use crate::finding::Emitter;
use crate::templates::naming::describe;
use shipshape_manifest::Object;
use shipshape_manifest::{Container, PodTemplate};

/// A setting as a container ends up with it, and where it is (or would be) written.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    /// The value in force: the container's, else the pod's when the pod may set it.
    pub value: Option<&'a Value>,
    /// JSON pointer of the value in force, or of the container's `securityContext` field
    /// that would set it.
    pub pointer: String,
}

/// The value of `field` (a pointer inside a `securityContext`, `/runAsNonRoot`) for
/// `container`: its own, else the pod's when `pod_level` (the field exists in both).
#[must_use]
pub fn effective<'a>(
    pod: &PodTemplate<'a>,
    container: &Container<'a>,
    field: &str,
    pod_level: bool,
) -> Setting<'a> {
    let own = format!("/securityContext{field}");
    if let Some(value) = container.get(&own) {
        return Setting {
            value: Some(value),
            pointer: container.pointer_to(&own),
        };
    }
    if pod_level && let Some(value) = pod.spec_get(&own) {
        return Setting {
            value: Some(value),
            pointer: pod.spec_pointer(&own),
        };
    }
    Setting {
        value: None,
        pointer: container.pointer_to(&own),
    }
}

/// Every container (init and application) must end up with an acceptable value.
#[derive(Debug, Clone, Copy)]
pub struct SecuritySetting {
    /// Pointer inside a `securityContext`, such as `/allowPrivilegeEscalation`.
    pub field: &'static str,
    /// Whether the pod-level `securityContext` can set it for every container.
    pub pod_level: bool,
    /// Whether the value in force (`None`: set nowhere) is acceptable.
    pub accept: fn(Option<&Value>) -> bool,
    /// What is wrong, after the container's name: "allows privilege escalation".
    pub problem: &'static str,
}

impl SecuritySetting {
    /// Reports every container of `object` whose value is not acceptable.
    pub fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let setting = effective(&pod, &container, self.field, self.pod_level);
            if !(self.accept)(setting.value) {
                out.report(
                    object,
                    setting.pointer,
                    format!("{} {}", describe(&container), self.problem),
                );
            }
        }
    }
}
