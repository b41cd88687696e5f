//! Numbers an application declares about itself in `shipshape.dev/` annotations, which
//! no Kubernetes field carries: how long it takes to start and to drain. Documented in
//! `docs/check.md`; the database connection annotations are the model's
//! (`shipshape_manifest::connections`).

use serde_json::Value;

use crate::{Emitter, Object, PodTemplate};

/// Seconds a container needs from start until it answers its liveness probe.
pub(crate) const START_SECONDS: &str = "shipshape.dev/start-seconds";
/// Seconds the application needs after SIGTERM to finish in-flight work.
pub(crate) const DRAIN_SECONDS: &str = "shipshape.dev/drain-seconds";

/// A value declared by annotation, and where it was written.
#[derive(Debug, Clone)]
pub(crate) struct Declared<'a, T> {
    /// The annotation.
    pub key: &'static str,
    /// The value.
    pub value: T,
    /// The object it was written in.
    pub object: &'a Object,
    /// JSON pointer of the annotation in the object.
    pub pointer: String,
}

/// The annotation `key` of `pod`'s template, else of the metadata of the object that
/// holds it: an annotation on the workload speaks for its pods.
pub(crate) fn of_pod<'a>(
    pod: &PodTemplate<'a>,
    key: &'static str,
) -> Option<Declared<'a, &'a str>> {
    let own = pod.annotations().and_then(|a| a.get(key)?.as_str());
    match own {
        Some(value) => Some(Declared {
            key,
            value,
            object: pod.object,
            pointer: format!("{}/metadata/annotations/{}", pod.pointer, escape(key)),
        }),
        None => of_object(pod.object, key),
    }
}

/// The annotation `key` of `object`'s own metadata.
pub(crate) fn of_object<'a>(
    object: &'a Object,
    key: &'static str,
) -> Option<Declared<'a, &'a str>> {
    let value = object
        .get("/metadata/annotations")?
        .get(key)
        .and_then(Value::as_str)?;
    Some(Declared {
        key,
        value,
        object,
        pointer: format!("/metadata/annotations/{}", escape(key)),
    })
}

impl<'a> Declared<'a, &'a str> {
    /// The value as a whole number, at least zero. A value that is not one is reported
    /// through `out` (the rule that needed it says so) and counts as absent.
    pub(crate) fn number(self, out: &mut Emitter<'_>) -> Option<Declared<'a, i64>> {
        match self.value.trim().parse::<i64>() {
            Ok(value) if value >= 0 => Some(Declared {
                key: self.key,
                value,
                object: self.object,
                pointer: self.pointer,
            }),
            _ => {
                out.report(
                    self.object,
                    &self.pointer,
                    format!(
                        "annotation {} is `{}`, not a whole number: it is ignored",
                        self.key, self.value
                    ),
                );
                None
            }
        }
    }
}

/// A map key as a JSON pointer token (RFC 6901).
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
