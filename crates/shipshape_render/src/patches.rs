//! The escape hatch: the spec's patches, applied to the rendered objects last.
//!
//! A patch finds one generated object by kind and name and changes it with a JSON merge
//! patch (RFC 7386) or a JSON patch (RFC 6902). It may change anything but the object's
//! identity. Spec validation has already checked the patches' shape (one of `merge` and
//! `json`, well-formed operations); the renderer checks again what it relies on, since an
//! `AppSpec` can be built without the loader.

use json_patch::PatchOperation;
use serde_json::Value;
use shipshape_manifest::{Manifest, ManifestSet, Provenance, pointer_token};
use shipshape_spec::{AppSpec, Patch, PatchTarget, Problem, SpecPath, path};

/// Applies every patch in order; each sees the changes of the ones before.
///
/// # Errors
/// A patch whose target does not exist, that cannot be applied, or that would change
/// its object's identity. Every patch is tried, so all such problems come back at once.
pub fn apply(spec: &AppSpec, set: &mut ManifestSet) -> Result<(), Vec<Problem>> {
    let problems: Vec<Problem> = spec
        .patches
        .iter()
        .enumerate()
        .filter_map(|(index, patch)| apply_one(index, patch, set).err())
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Applies one patch; the object is left as it was when the patch fails.
fn apply_one(index: usize, patch: &Patch, set: &mut ManifestSet) -> Result<(), Problem> {
    let target = &patch.target;
    let Some(manifest) = set.find_mut(&target.kind, &target.name) else {
        return Err(missing_target(index, target, set));
    };
    let mut value = manifest.value.clone();
    let mut fields = manifest.provenance.clone();
    if let Some(merge) = &patch.merge {
        let at = path!["patches", index, "merge"];
        merge_fields(&mut fields, Some(&value), "", merge, &at);
        json_patch::merge(&mut value, merge);
        keeps_identity(&manifest.value, &value, at)?;
    }
    if let Some(operations) = &patch.json {
        let at = |op: usize| path!["patches", index, "json", op];
        let operations = parse_operations(operations, at)?;
        json_patch::patch(&mut value, &operations).map_err(|e| {
            Problem::new(
                at(e.operation),
                format!("cannot apply this operation at `{}`: {}", e.path, e.kind),
            )
            .help(format!(
                "paths are JSON pointers into the generated {} `{}`; `shipshape render` shows it",
                target.kind, target.name
            ))
        })?;
        keeps_identity(&manifest.value, &value, path!["patches", index, "json"])?;
        for (op, operation) in operations.iter().enumerate() {
            json_fields(&mut fields, operation, at(op));
        }
    }
    fields.keep_fields_of(&value);
    manifest.value = value;
    manifest.provenance = fields;
    Ok(())
}

/// What a merge patch sets comes from the patch's key that sets it, and what it removes
/// comes from nothing: `fields` follows `merge` (applied at `pointer`, where the object
/// holds `target`), and `at` is the patch key of `merge`.
fn merge_fields(
    fields: &mut Provenance,
    target: Option<&Value>,
    pointer: &str,
    merge: &Value,
    at: &SpecPath,
) {
    let Value::Object(changes) = merge else {
        // A value that is not an object replaces the field whole.
        fields.forget(pointer);
        fields.record(pointer, at.clone());
        return;
    };
    if !target.is_some_and(Value::is_object) {
        fields.forget(pointer);
    }
    for (key, change) in changes {
        let inner = format!("{pointer}/{}", pointer_token(key));
        if change.is_null() {
            fields.forget(&inner);
            continue;
        }
        let mut at = at.clone();
        at.push(key.as_str().into());
        merge_fields(fields, target.and_then(|t| t.get(key)), &inner, change, &at);
    }
}

/// The field a JSON patch operation (the patch key `at`) writes comes from it; what it
/// removes or moves away comes from nothing. An operation on a list item shifts the
/// items after it, so what was recorded inside the list is forgotten.
fn json_fields(fields: &mut Provenance, operation: &PatchOperation, at: SpecPath) {
    let written = match operation {
        PatchOperation::Test(_) => return,
        PatchOperation::Remove(op) => {
            forget_item(fields, op.path.as_str());
            return;
        }
        PatchOperation::Move(op) => {
            forget_item(fields, op.from.as_str());
            op.path.as_str()
        }
        PatchOperation::Add(op) => op.path.as_str(),
        PatchOperation::Copy(op) => op.path.as_str(),
        PatchOperation::Replace(op) => op.path.as_str(),
    };
    forget_item(fields, written);
    fields.record(written, at);
}

/// Forgets the field at `pointer`; for a list item (`.../ports/1`, `.../ports/-`), what
/// was recorded inside its list too, but not for the list itself.
fn forget_item(fields: &mut Provenance, pointer: &str) {
    fields.forget(pointer);
    let Some((list, last)) = pointer.rsplit_once('/') else {
        return;
    };
    if last == "-" || last.parse::<usize>().is_ok() {
        let own = fields
            .entries()
            .find(|(recorded, _)| *recorded == list)
            .map(|(_, path)| path.to_vec());
        fields.forget(list);
        if let Some(path) = own {
            fields.record(list, path);
        }
    }
}

/// The operations of a JSON patch, each checked on its own so a malformed one is
/// pointed at.
fn parse_operations(
    operations: &[serde_json::Value],
    at: impl Fn(usize) -> SpecPath,
) -> Result<Vec<PatchOperation>, Problem> {
    operations
        .iter()
        .enumerate()
        .map(|(i, op)| {
            serde_json::from_value(op.clone()).map_err(|e| {
                Problem::new(at(i), format!("not a JSON patch operation: {e}")).help(
                    "write `{op: add, path: /spec/replicas, value: 3}`; `op` is one of add, \
                     remove, replace, move, copy, test",
                )
            })
        })
        .collect()
}

/// The fields that make an object what it is, with their JSON pointers.
const IDENTITY: [(&str, &str); 4] = [
    ("kind", "/kind"),
    ("apiVersion", "/apiVersion"),
    ("metadata.name", "/metadata/name"),
    ("metadata.namespace", "/metadata/namespace"),
];

/// Refuses a patch that changes kind, apiVersion, name or namespace. Other generated
/// objects refer to this one by them (a RoleBinding to its Role, an HPA to its
/// Deployment, pods to their ServiceAccount and Secrets), later patches and
/// `shipshape deploy` find it by them, and the checks the renderer's output is built to
/// pass were made for this kind in this namespace. A renamed object would break those
/// references silently; a different name belongs in the spec.
fn keeps_identity(
    before: &serde_json::Value,
    after: &serde_json::Value,
    at: SpecPath,
) -> Result<(), Problem> {
    for (field, pointer) in IDENTITY {
        let old = before.pointer(pointer);
        let new = after.pointer(pointer);
        if old != new {
            let shown =
                |v: Option<&serde_json::Value>| v.map_or("nothing".to_owned(), ToString::to_string);
            return Err(Problem::new(
                at,
                format!(
                    "a patch must not change `{field}` (from {} to {})",
                    shown(old),
                    shown(new)
                ),
            )
            .help(
                "other objects refer to this one by kind, apiVersion, name and namespace; \
                 change names in the spec instead",
            ));
        }
    }
    Ok(())
}

/// The problem for a target that matches nothing, with the names (or kinds) that exist.
fn missing_target(index: usize, target: &PatchTarget, set: &ManifestSet) -> Problem {
    let message = format!(
        "no generated object is a {} named `{}`",
        target.kind, target.name
    );
    let same_kind: Vec<&str> = set
        .items()
        .iter()
        .filter(|m| m.kind() == target.kind)
        .map(Manifest::name)
        .collect();
    if same_kind.is_empty() {
        let mut kinds: Vec<&str> = set.items().iter().map(Manifest::kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let help = match shipshape_spec::closest(&target.kind, kinds.iter().copied()) {
            Some(kind) => format!("did you mean `{kind}`?"),
            None => format!("the generated kinds are {}", listing(&kinds)),
        };
        return Problem::new(path!["patches", index, "target", "kind"], message).help(help);
    }
    let help = match shipshape_spec::closest(&target.name, same_kind.iter().copied()) {
        Some(name) => format!("did you mean `{name}`?"),
        None => format!(
            "the generated {} objects are {}",
            target.kind,
            listing(&same_kind)
        ),
    };
    Problem::new(path!["patches", index, "target", "name"], message).help(help)
}

fn listing(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use shipshape_spec::{Problem, path};

    use crate::Rendered;
    use crate::test_support;

    /// A one-component app with `patches` (YAML list items) appended.
    fn app(patches: &str) -> String {
        format!(
            "name: shop
components:
  api:
    kind: service
    image: example/api:1.0.0
    ports: {{ http: 8080 }}
patches:
{patches}"
        )
    }

    fn render(patches: &str) -> Result<Rendered, Vec<Problem>> {
        crate::render(&test_support::spec(&app(patches)))
    }

    fn deployment(rendered: &Rendered) -> &serde_json::Value {
        rendered
            .manifests
            .items()
            .iter()
            .find(|m| m.kind() == "Deployment")
            .map(|m| &m.value)
            .expect("a Deployment")
    }

    fn problems(patches: &str) -> Vec<Problem> {
        render(patches).expect_err("the patch is refused")
    }

    /// The spec keys recorded for the Deployment's fields, dotted, by pointer.
    fn deployment_fields(rendered: &Rendered) -> Vec<(String, String)> {
        rendered
            .manifests
            .items()
            .iter()
            .find(|m| m.kind() == "Deployment")
            .expect("a Deployment")
            .provenance
            .entries()
            .map(|(pointer, path)| (pointer.to_owned(), shipshape_spec::dotted(path)))
            .collect()
    }

    #[test]
    fn patched_fields_come_from_the_patch_and_removed_ones_from_nothing() {
        let rendered = render(
            "  - target: { kind: Deployment, name: api }
    merge:
      spec:
        replicas: 4
        template: { metadata: { annotations: { team: payments } } }
  - target: { kind: Deployment, name: api }
    json:
      - { op: remove, path: /spec/template/spec/containers/0/ports/0 }
      - { op: replace, path: /spec/template/spec/containers/0/image, value: example/api:2.0.0 }
",
        )
        .expect("the patches apply");
        let pair = |p: &str, k: &str| (p.to_owned(), k.to_owned());
        let container = "/spec/template/spec/containers/0";
        assert_eq!(
            deployment_fields(&rendered),
            [
                pair("/spec/replicas", "patches[0].merge.spec.replicas"),
                pair(
                    "/spec/template/metadata/annotations/team",
                    "patches[0].merge.spec.template.metadata.annotations.team"
                ),
                pair(
                    "/spec/template/metadata/labels/app.kubernetes.io~1version",
                    "components.api.image"
                ),
                pair(&format!("{container}/image"), "patches[1].json[1]"),
                // The list is still the one `ports` made; only its item is gone.
                pair(&format!("{container}/ports"), "components.api.ports"),
            ]
        );
    }

    #[test]
    fn a_merge_patch_merges_into_the_target() {
        let rendered = render(
            "  - target: { kind: Deployment, name: api }
    merge:
      spec:
        revisionHistoryLimit: 2
        strategy: null
        template: { metadata: { annotations: { team: payments } } }
",
        )
        .expect("the patch applies");
        let spec = &deployment(&rendered)["spec"];
        assert_eq!(spec["revisionHistoryLimit"], 2);
        assert!(spec.get("strategy").is_none(), "null deletes");
        assert_eq!(
            spec["template"]["metadata"]["annotations"]["team"],
            "payments"
        );
        assert_eq!(spec["replicas"], 2, "untouched fields stay");
    }

    #[test]
    fn patches_apply_in_order() {
        let rendered = render(
            "  - target: { kind: Deployment, name: api }
    merge: { spec: { replicas: 4 } }
  - target: { kind: Deployment, name: api }
    json:
      - { op: test, path: /spec/replicas, value: 4 }
      - { op: replace, path: /spec/replicas, value: 5 }
      - { op: add, path: /metadata/annotations, value: { owner: payments } }
",
        )
        .expect("the patch applies");
        let object = deployment(&rendered);
        assert_eq!(object["spec"]["replicas"], 5);
        assert_eq!(object["metadata"]["annotations"]["owner"], "payments");
    }

    #[test]
    fn a_missing_target_suggests_the_closest_name() {
        let found = problems("  - target: { kind: Deployment, name: apii }\n    merge: {}\n");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, path!["patches", 0, "target", "name"]);
        assert_eq!(
            found[0].message,
            "no generated object is a Deployment named `apii`"
        );
        assert_eq!(found[0].help.as_deref(), Some("did you mean `api`?"));
    }

    #[test]
    fn a_missing_target_lists_the_names_of_its_kind() {
        let found = problems("  - target: { kind: Service, name: web }\n    merge: {}\n");
        assert_eq!(found[0].path, path!["patches", 0, "target", "name"]);
        assert_eq!(
            found[0].help.as_deref(),
            Some("the generated Service objects are `api`")
        );
    }

    #[test]
    fn a_kind_that_is_never_generated_is_pointed_at() {
        let found = problems("  - target: { kind: deployment, name: api }\n    merge: {}\n");
        assert_eq!(found[0].path, path!["patches", 0, "target", "kind"]);
        assert_eq!(found[0].help.as_deref(), Some("did you mean `Deployment`?"));
    }

    #[test]
    fn a_patch_may_not_rename_or_move_its_object() {
        let found = problems(
            "  - target: { kind: Deployment, name: api }
    merge: { metadata: { name: web } }
  - target: { kind: Service, name: api }
    json: [{ op: replace, path: /metadata/namespace, value: other }]
  - target: { kind: ServiceAccount, name: api }
    json: [{ op: replace, path: /kind, value: Secret }]
",
        );
        let paths: Vec<_> = found.iter().map(|p| p.path.clone()).collect();
        assert_eq!(
            paths,
            [
                path!["patches", 0, "merge"],
                path!["patches", 1, "json"],
                path!["patches", 2, "json"],
            ]
        );
        assert_eq!(
            found[0].message,
            "a patch must not change `metadata.name` (from \"api\" to \"web\")"
        );
        assert!(found[1].message.contains("`metadata.namespace`"));
        assert!(found[2].message.contains("`kind`"));
    }

    #[test]
    fn a_failing_operation_is_pointed_at_with_the_reason() {
        let found = problems(
            "  - target: { kind: Deployment, name: api }
    json:
      - { op: add, path: /metadata/annotations, value: {} }
      - { op: remove, path: /spec/nothing }
",
        );
        assert_eq!(found[0].path, path!["patches", 0, "json", 1]);
        assert_eq!(
            found[0].message,
            "cannot apply this operation at `/spec/nothing`: path is invalid"
        );
    }

    #[test]
    fn a_malformed_operation_is_pointed_at() {
        // Spec validation refuses this one at load; a spec built in code still reaches
        // the renderer, which must say the same rather than skip it.
        let mut spec = test_support::spec(&app(
            "  - target: { kind: Deployment, name: api }\n    json: [{ op: remove, path: /spec/paused }]\n",
        ));
        spec.patches[0].json = Some(vec![
            serde_json::json!({"op": "replace", "path": "/spec/replicas", "value": 3}),
            serde_json::json!({"op": "frobnicate", "path": "/spec"}),
        ]);
        let found = crate::render(&spec).expect_err("the patch is refused");
        assert_eq!(found[0].path, path!["patches", 0, "json", 1]);
        assert!(
            found[0]
                .message
                .starts_with("not a JSON patch operation: unknown variant `frobnicate`"),
            "{}",
            found[0].message
        );
    }
}
