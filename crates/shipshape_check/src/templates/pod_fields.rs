//! Template: pod spec switches that must stay off.

use serde_json::Value;

use crate::finding::Emitter;
use shipshape_manifest::Object;

/// Boolean pod spec fields that must not be `true`; one finding per field set.
#[derive(Debug, Clone, Copy)]
pub struct ForbiddenPodFields {
    /// `(field of the pod spec, what turning it on does, for the message)`.
    pub fields: &'static [(&'static str, &'static str)],
}

impl ForbiddenPodFields {
    /// Reports every forbidden field `object`'s pods turn on.
    pub fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for (field, effect) in self.fields {
            if pod.spec.get(*field).and_then(Value::as_bool) == Some(true) {
                out.report(
                    object,
                    pod.spec_pointer(&format!("/{field}")),
                    format!("`{field}: true` {effect}"),
                );
            }
        }
    }
}
