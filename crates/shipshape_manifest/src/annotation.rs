//! Annotations as declarations: a value an object declares about itself under a
//! `shipshape.dev/` key, and where it was written, so that whoever reads it can point
//! at it.

use serde_json::Value;

use crate::object::Object;
use crate::pod::PodTemplate;
use crate::provenance::pointer_token;

/// An annotation's value and where it was written.
#[derive(Debug, Clone)]
pub struct Annotation<'a> {
    /// The key.
    pub key: &'static str,
    /// The value.
    pub value: &'a str,
    /// The object it was written in.
    pub object: &'a Object,
    /// JSON pointer of the annotation in the object.
    pub pointer: String,
}

impl<'a> Annotation<'a> {
    /// The annotation `key` of `object`'s own metadata, when it is a string.
    #[must_use]
    pub fn of_object(object: &'a Object, key: &'static str) -> Option<Annotation<'a>> {
        let value = object
            .get("/metadata/annotations")?
            .get(key)
            .and_then(Value::as_str)?;
        Some(Annotation {
            key,
            value,
            object,
            pointer: format!("/metadata/annotations/{}", pointer_token(key)),
        })
    }

    /// The annotation `key` of `pod`'s template, else of the metadata of the object that
    /// holds it: an annotation on the workload speaks for its pods.
    #[must_use]
    pub fn of_pod(pod: &PodTemplate<'a>, key: &'static str) -> Option<Annotation<'a>> {
        match pod.annotations().and_then(|a| a.get(key)?.as_str()) {
            Some(value) => Some(Annotation {
                key,
                value,
                object: pod.object,
                pointer: format!(
                    "{}/metadata/annotations/{}",
                    pod.pointer,
                    pointer_token(key)
                ),
            }),
            None => Annotation::of_object(pod.object, key),
        }
    }
}
