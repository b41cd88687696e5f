//! Template: the volumes of a pod, each with its type, for rules that judge volume
//! sources.

use serde_json::Value;

use shipshape_manifest::PodTemplate;

/// One entry of a pod's `volumes`.
#[derive(Debug, Clone, Copy)]
pub struct Volume<'a> {
    /// Position in `volumes`.
    pub index: usize,
    /// `name`.
    pub name: &'a str,
    /// The volume source's key: `emptyDir`, `hostPath`, `nfs`, ...
    pub kind: &'a str,
    /// The volume source (the value under `kind`).
    pub source: &'a Value,
}

impl Volume<'_> {
    /// The JSON pointer of the volume source in `pod`'s object.
    #[must_use]
    pub fn pointer(&self, pod: &PodTemplate<'_>) -> String {
        pod.spec_pointer(&format!("/volumes/{}/{}", self.index, self.kind))
    }
}

/// The volumes of `pod`, in order. A volume has exactly one source besides its name; one
/// without any (the API server rejects it) is left out.
pub fn volumes<'a>(pod: &PodTemplate<'a>) -> impl Iterator<Item = Volume<'a>> + 'a {
    pod.spec_get("/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(index, volume)| {
            let (kind, source) = volume
                .as_object()?
                .iter()
                .find(|(key, _)| key.as_str() != "name")?;
            Some(Volume {
                index,
                name: volume["name"].as_str().unwrap_or(""),
                kind,
                source,
            })
        })
}
