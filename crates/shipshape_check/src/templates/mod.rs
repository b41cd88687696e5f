//! Reusable check logic ("templates", after kube-linter), kept apart from the configured
//! rules built on them: a rule file says *what* to require, a template knows *how* to
//! look for it in every pod template of every workload kind.

mod annotations;
mod capabilities;
mod container_fields;
mod credentials;
mod image;
mod naming;
mod pod_fields;
pub mod rbac;
mod security_context;
mod volumes;

pub use annotations::{Annotation, annotations, escape, pod_annotations};
pub use capabilities::{AddedCapabilities, in_baseline};
pub use container_fields::{ContainerFields, Containers};
pub use credentials::{is_placeholder, names_credential, only_references, url_passwords};
pub use image::ImageRef;
pub use naming::describe;
pub use pod_fields::ForbiddenPodFields;
pub use security_context::{SecuritySetting, Setting, effective};
pub use volumes::{Volume, volumes};

use shipshape_grammar::IntOrPercent;
use shipshape_manifest::{Object, kinds};

/// An `IntOrString` count or percentage as the API server reads it from JSON (`1`,
/// `"25%"`); `None` for anything it would refuse, which SS060 reports.
#[must_use]
pub fn int_or_percent(value: &serde_json::Value) -> Option<IntOrPercent> {
    match value {
        serde_json::Value::Number(n) => n.as_i64().map(IntOrPercent::Int),
        serde_json::Value::String(s) => IntOrPercent::parse_percent(s).ok(),
        _ => None,
    }
}

/// Whether `object` is an Ingress, of the current API group or the removed
/// `extensions` one (still found in old charts).
#[must_use]
pub fn is_ingress(object: &Object) -> bool {
    object.is(&kinds::INGRESS) || object.is(&kinds::EXTENSIONS_INGRESS)
}

/// `a`, `a and b`, `a, b and c`: a list in a message.
#[must_use]
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_owned(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::and_list;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["verbs"]), "verbs");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
