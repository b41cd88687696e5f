//! The built-in kinds of each supported version, from schemas/kubernetes/ (see its
//! README): embedded gzip'd, decompressed and compiled once per process, at first use.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::compile;
use crate::schema::{NodeId, Schema};
use shipshape_grammar::KubeVersion;

/// The embedded data, in the order of [`KubeVersion::SUPPORTED`].
static DATA: [&[u8]; 5] = [
    include_bytes!("../../../schemas/kubernetes/v1.33.json.gz"),
    include_bytes!("../../../schemas/kubernetes/v1.34.json.gz"),
    include_bytes!("../../../schemas/kubernetes/v1.35.json.gz"),
    include_bytes!("../../../schemas/kubernetes/v1.36.json.gz"),
    include_bytes!("../../../schemas/kubernetes/v1.37.json.gz"),
];

static COMPILED: [OnceLock<Builtin>; 5] = [const { OnceLock::new() }; 5];

/// The built-in kinds of one version.
#[derive(Debug)]
pub(crate) struct Builtin {
    pub schema: Schema,
    /// apiVersion, then kind, to the kind's schema.
    kinds: HashMap<String, HashMap<String, NodeId>>,
    /// Every built-in API group (`""` for the core group): a kind of these groups that
    /// has no schema is an error, never a custom resource.
    groups: HashSet<String>,
    /// ObjectMeta, for the `metadata` of custom resources.
    pub object_meta: NodeId,
}

#[derive(Deserialize)]
struct File {
    kinds: HashMap<String, HashMap<String, String>>,
    definitions: Map<String, Value>,
}

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

impl Builtin {
    /// The schemas of `version`, which must be supported.
    pub fn get(version: KubeVersion) -> &'static Builtin {
        let i = version
            .index()
            .expect("only supported versions parse into KubeVersion::SUPPORTED");
        COMPILED[i].get_or_init(|| Builtin::load(DATA[i]))
    }

    fn load(gzipped: &[u8]) -> Builtin {
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(gzipped)
            .read_to_end(&mut text)
            .expect("embedded schemas decompress");
        let file: File = serde_json::from_slice(&text).expect("embedded schemas are JSON");
        let mut schema = Schema::default();
        let ids = compile::definitions(&mut schema, &file.definitions);
        let kinds = file
            .kinds
            .into_iter()
            .map(|(api_version, kinds)| {
                let kinds = kinds.into_iter().map(|(k, def)| (k, ids[&def])).collect();
                (api_version, kinds)
            })
            .collect::<HashMap<_, HashMap<_, _>>>();
        let groups = kinds.keys().map(|av| group_of(av).to_owned()).collect();
        Builtin {
            schema,
            kinds,
            groups,
            object_meta: ids[OBJECT_META],
        }
    }

    /// The schema of `kind` in `api_version`.
    pub fn kind(&self, api_version: &str, kind: &str) -> Option<NodeId> {
        self.kinds.get(api_version)?.get(kind).copied()
    }

    /// The kinds of `api_version`, if it is served.
    pub fn kinds_of(&self, api_version: &str) -> Option<impl Iterator<Item = &str>> {
        self.kinds
            .get(api_version)
            .map(|k| k.keys().map(String::as_str))
    }

    /// The API versions that serve `kind`, sorted.
    pub fn versions_of(&self, kind: &str) -> Vec<&str> {
        let mut found: Vec<&str> = self
            .kinds
            .iter()
            .filter(|(_, kinds)| kinds.contains_key(kind))
            .map(|(av, _)| av.as_str())
            .collect();
        found.sort_unstable();
        found
    }

    /// Whether `group` is one of Kubernetes' own API groups.
    pub fn is_builtin_group(&self, group: &str) -> bool {
        self.groups.contains(group)
    }
}

/// The group of an apiVersion: `apps` for `apps/v1`, `""` for `v1`.
pub(crate) fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

#[cfg(test)]
mod tests {
    use shipshape_grammar::KubeVersion;
    use shipshape_manifest::api_lifecycle::API_CHANGES;

    use super::Builtin;

    /// The shared table of removed APIs and the embedded schemas agree: a removed kind
    /// has no schema from its removal on, and a kind removed within the supported range
    /// still has one before.
    #[test]
    fn removals_match_the_schemas() {
        for change in API_CHANGES {
            for version in KubeVersion::SUPPORTED {
                let builtin = Builtin::get(version);
                for kind in change.kinds {
                    let served = builtin.kind(change.api_version, kind).is_some();
                    let removed = change.removed_in.is_some_and(|r| version >= r);
                    assert_eq!(
                        served, !removed,
                        "{} {kind} in {version}: schema {served}, table says removed {removed}",
                        change.api_version
                    );
                }
            }
        }
    }
}
