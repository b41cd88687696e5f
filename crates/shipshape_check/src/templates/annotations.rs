//! Template: the annotations of an object and of the pods it runs, each with the JSON
//! pointer a finding about it needs.

use serde_json::{Map, Value};

use shipshape_manifest::Object;
use shipshape_manifest::PodTemplate;

/// One annotation, where it was written.
#[derive(Debug, Clone)]
pub struct Annotation<'a> {
    /// The key: `kubernetes.io/ingress.class`.
    pub key: &'a str,
    /// The value; empty when it is not a string.
    pub value: &'a str,
    /// JSON pointer of the annotation in its object.
    pub pointer: String,
}

/// The annotations of `object` itself, then those of its pod template (for workloads;
/// a Pod's are its own and come once).
#[must_use]
pub fn annotations(object: &Object) -> Vec<Annotation<'_>> {
    let own = object
        .get("/metadata/annotations")
        .and_then(Value::as_object);
    let mut found = listed(own, "");
    if let Some(pod) = object.pod_template()
        && !pod.pointer.is_empty()
    {
        found.extend(pod_annotations(&pod));
    }
    found
}

/// The annotations of the pods `pod` describes.
#[must_use]
pub fn pod_annotations<'a>(pod: &PodTemplate<'a>) -> Vec<Annotation<'a>> {
    listed(pod.annotations(), pod.pointer)
}

fn listed<'a>(map: Option<&'a Map<String, Value>>, base: &str) -> Vec<Annotation<'a>> {
    map.into_iter()
        .flatten()
        .map(|(key, value)| Annotation {
            key,
            value: value.as_str().unwrap_or(""),
            pointer: format!("{base}/metadata/annotations/{}", escape(key)),
        })
        .collect()
}

/// A JSON pointer token for `key`: `/` and `~` escaped as RFC 6901 says.
#[must_use]
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}
