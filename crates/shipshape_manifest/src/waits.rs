//! What a pod waits for before its containers run, as the output declares it: the
//! objects its init containers wait for through the API (a migration Job, the database a
//! migration needs). A phase-ordered deploy applies them, and waits for them, before the
//! object whose pods wait; a test proves the waits are there.

use crate::identity::GroupKind;
use crate::pod::PodTemplate;

/// The pod template annotation that lists what its pods wait for: `Kind.group/name`
/// (`Kind/name` for the core group), comma-separated, in the pod's namespace. shipshape's
/// render writes it next to the init container that does the waiting.
pub const WAIT_FOR_ANNOTATION: &str = "shipshape.dev/wait-for";

/// An object the pods of a template wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait<'a> {
    /// Its group and kind.
    pub kind: GroupKind<'a>,
    /// Its name, in the pod's namespace.
    pub name: &'a str,
}

impl<'a> PodTemplate<'a> {
    /// The objects its pods wait for, from [`WAIT_FOR_ANNOTATION`], in the order written;
    /// an entry without a `/` names nothing and is skipped.
    #[must_use]
    pub fn waits(&self) -> Vec<Wait<'a>> {
        let list = self
            .annotations()
            .and_then(|a| a.get(WAIT_FOR_ANNOTATION))
            .and_then(serde_json::Value::as_str)
            .unwrap_or("");
        list.split(',')
            .filter_map(|entry| {
                let (kind, name) = entry.trim().split_once('/')?;
                let (kind, group) = kind.split_once('.').unwrap_or((kind, ""));
                Some(Wait {
                    kind: GroupKind::new(group, kind),
                    name,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::{ManifestSet, Model, kinds};

    #[test]
    fn reads_each_object_with_its_group() {
        let mut set = ManifestSet::new();
        set.push_value(
            json!({
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "api", "namespace": "shop"},
                "spec": {"template": {
                    "metadata": {"annotations": {WAIT_FOR_ANNOTATION:
                        "Job.batch/api-migrate-1, Cluster.postgresql.cnpg.io/db,ConfigMap/flags,nonsense"}},
                    "spec": {"containers": [{"name": "api"}]},
                }},
            }),
            None,
        );
        let mut model = Model::new();
        model.add_objects(set.into_items());
        let object = &model.objects()[0];
        let waits = object.pod_template().expect("a pod template").waits();
        assert_eq!(
            waits,
            [
                Wait {
                    kind: kinds::JOB,
                    name: "api-migrate-1"
                },
                Wait {
                    kind: kinds::CNPG_CLUSTER,
                    name: "db"
                },
                Wait {
                    kind: kinds::CONFIG_MAP,
                    name: "flags"
                },
            ]
        );
    }
}
