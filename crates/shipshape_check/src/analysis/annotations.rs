//! Numbers an application declares about itself in `shipshape.dev/` annotations, which
//! no Kubernetes field carries: how long it takes to start and to drain. Documented in
//! `docs/check.md`; the database connection annotations are the model's
//! (`shipshape_manifest::connections`).

use shipshape_manifest::Annotation;

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
    Annotation::of_pod(pod, key).map(Declared::from)
}

impl<'a> From<Annotation<'a>> for Declared<'a, &'a str> {
    fn from(annotation: Annotation<'a>) -> Self {
        Declared {
            key: annotation.key,
            value: annotation.value,
            object: annotation.object,
            pointer: annotation.pointer,
        }
    }
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
