//! Every custom resource shipshape renders matches the openAPIV3Schema of its kind's
//! CustomResourceDefinition, as its project publishes it (`schemas/crds/`), judged the
//! way the API server judges it: unknown fields are errors where the schema does not
//! preserve them, `nullable` admits null, `x-kubernetes-int-or-string` admits both.
//! CEL rules (`x-kubernetes-validations`) are not evaluated.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use shipshape_manifest::Manifest;

/// The API groups of built-in kinds; every other group is a custom resource's.
const BUILT_IN_GROUPS: &[&str] = &[
    "",
    "apps",
    "autoscaling",
    "batch",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `(apiVersion, kind)` → JSON Schema of the whole resource, for every served version of
/// every shipped CRD.
fn schemas() -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for crd in yaml_files(&root().join("schemas/crds")) {
        let spec = &crd["spec"];
        let kind = spec["names"]["kind"].as_str().expect("a kind").to_owned();
        for version in spec["versions"].as_array().expect("versions") {
            if version["served"] == true {
                let api_version = format!(
                    "{}/{}",
                    spec["group"].as_str().expect("a group"),
                    version["name"].as_str().expect("a name")
                );
                let schema = resource_schema(&version["schema"]["openAPIV3Schema"]);
                out.insert((api_version, kind.clone()), schema);
            }
        }
    }
    out
}

/// Every `*.yaml` file in `dir`, in name order, each one YAML document.
fn yaml_files(dir: &Path) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("readable");
            let tree = shipshape_yaml::parse_single(&text)
                .unwrap_or_else(|e| panic!("{}: {}", file.display(), e.message()));
            shipshape_yaml::from_node(&tree)
                .unwrap_or_else(|e| panic!("{}: {}", file.display(), e.message()))
        })
        .collect()
}

/// The schema of a whole resource: `metadata` is the API server's own ObjectMeta, which
/// the CRD leaves open.
fn resource_schema(open_api: &Value) -> Value {
    let mut schema = open_api.clone();
    schema["properties"]["metadata"] =
        json!({"type": "object", "x-kubernetes-preserve-unknown-fields": true});
    to_json_schema(&schema, true)
}

/// The JSON Schema (draft 4) admitting what the API server admits for an
/// openAPIV3Schema `node`. `structural` is false inside `anyOf`, `allOf`, `oneOf` and
/// `not`, whose branches only add value checks: the structural spine alone decides which
/// fields exist.
fn to_json_schema(node: &Value, structural: bool) -> Value {
    let Some(object) = node.as_object() else {
        return node.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        let converted = match key.as_str() {
            "properties" | "patternProperties" => Value::Object(
                value
                    .as_object()
                    .expect("a map of schemas")
                    .iter()
                    .map(|(k, v)| (k.clone(), to_json_schema(v, structural)))
                    .collect(),
            ),
            "items" | "additionalProperties" if value.is_object() => {
                to_json_schema(value, structural)
            }
            "anyOf" | "allOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .expect("a list of schemas")
                    .iter()
                    .map(|v| to_json_schema(v, false))
                    .collect(),
            ),
            "not" => to_json_schema(value, false),
            "nullable" => continue,
            k if k.starts_with("x-kubernetes-") => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    let flag = |name: &str| object.get(name) == Some(&Value::Bool(true));
    if flag("x-kubernetes-int-or-string") && !out.contains_key("anyOf") {
        out.insert(
            "anyOf".into(),
            json!([{"type": "integer"}, {"type": "string"}]),
        );
    }
    if flag("x-kubernetes-embedded-resource") {
        let props = out.entry("properties").or_insert_with(|| json!({}));
        for (field, schema) in [
            ("apiVersion", "string"),
            ("kind", "string"),
            ("metadata", "object"),
        ] {
            props
                .as_object_mut()
                .expect("properties")
                .entry(field)
                .or_insert_with(|| json!({"type": schema}));
        }
    }
    let is_object =
        object.get("type") == Some(&json!("object")) || object.contains_key("properties");
    if structural
        && is_object
        && !object.contains_key("additionalProperties")
        && !flag("x-kubernetes-preserve-unknown-fields")
    {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    if flag("nullable") {
        return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
    }
    Value::Object(out)
}

fn is_custom(object: &Value) -> bool {
    let api_version = object["apiVersion"].as_str().unwrap_or_default();
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    !BUILT_IN_GROUPS.contains(&group)
}

/// Why `object` does not match its kind's CRD: one line per problem, none when it does.
fn problems(schemas: &BTreeMap<(String, String), Value>, object: &Value) -> Vec<String> {
    let key = (
        object["apiVersion"].as_str().unwrap_or_default().to_owned(),
        object["kind"].as_str().unwrap_or_default().to_owned(),
    );
    let Some(schema) = schemas.get(&key) else {
        return vec![format!("no CRD for {} {} in schemas/crds/", key.1, key.0)];
    };
    let validator = jsonschema::draft4::new(schema).expect("the converted schema compiles");
    validator
        .iter_errors(object)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn render(spec: &shipshape_spec::AppSpec) -> Vec<Manifest> {
    shipshape_render::render(spec)
        .expect("renders")
        .manifests
        .items()
        .to_vec()
}

/// Every custom resource of the reference examples and of the renderer's fixtures
/// (`tests/fixtures/*.yaml`; `every-kind.yaml` renders every custom kind of a component).
fn custom_resources() -> Vec<Value> {
    let mut specs: Vec<shipshape_spec::AppSpec> = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.join("shipshape.yaml").is_file())
        .collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    paths.extend(
        std::fs::read_dir(fixtures)
            .expect("tests/fixtures exists")
            .map(|e| e.expect("readable").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
    );
    paths.sort();
    for path in paths {
        let loaded = shipshape_spec::load_path(&path, None)
            .unwrap_or_else(|d| panic!("{}: {}", path.display(), d.render(false)));
        specs.push(loaded.spec);
    }
    specs
        .iter()
        .flat_map(render)
        .map(|m| m.value)
        .filter(is_custom)
        .collect()
}

#[test]
fn every_rendered_custom_resource_matches_its_published_crd() {
    let schemas = schemas();
    let resources = custom_resources();
    let mut kinds: Vec<&str> = resources
        .iter()
        .filter_map(|r| r["kind"].as_str())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "Cluster",
            "ExternalSecret",
            "GRPCRoute",
            "HTTPRoute",
            "ScheduledBackup",
            "ServiceMonitor",
            "postgresql"
        ]
    );
    let failures: Vec<String> = resources
        .iter()
        .flat_map(|r| {
            let name = format!("{} {}", r["kind"], r["metadata"]["name"]);
            problems(&schemas, r)
                .into_iter()
                .map(move |p| format!("{name}: {p}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The checker is only worth something if it fails: each planted error is caught.
#[test]
fn a_planted_error_is_caught() {
    let schemas = schemas();
    let resources = custom_resources();
    let of_kind = |kind: &str| {
        resources
            .iter()
            .find(|r| r["kind"] == kind)
            .unwrap_or_else(|| panic!("a {kind}"))
            .clone()
    };
    let mut wrong_type = of_kind("ServiceMonitor");
    wrong_type["spec"]["endpoints"][0]["port"] = json!(8080);
    let mut unknown_field = of_kind("ExternalSecret");
    unknown_field["spec"]["target"]["owner"] = json!("me");
    let mut wrong_enum = of_kind("HTTPRoute");
    wrong_enum["spec"]["rules"][0]["matches"][0]["path"]["type"] = json!("Prefix");
    let mut missing = of_kind("GRPCRoute");
    missing["spec"]["parentRefs"][0]
        .as_object_mut()
        .expect("a parent")
        .remove("name");
    let mut unshipped = of_kind("ServiceMonitor");
    unshipped["apiVersion"] = json!("monitoring.coreos.com/v2");
    for (what, object, expected) in [
        (
            "wrong type",
            wrong_type,
            "/spec/endpoints/0/port: 8080 is not of type \"string\"",
        ),
        (
            "unknown field",
            unknown_field,
            "/spec/target: Additional properties are not allowed ('owner' was unexpected)",
        ),
        (
            "wrong enum value",
            wrong_enum,
            "/spec/rules/0/matches/0/path/type: \"Prefix\" is not one of",
        ),
        (
            "missing required field",
            missing,
            "/spec/parentRefs/0: \"name\" is a required property",
        ),
        (
            "kind without a CRD",
            unshipped,
            "no CRD for ServiceMonitor monitoring.coreos.com/v2 in schemas/crds/",
        ),
    ] {
        let found = problems(&schemas, &object);
        assert!(
            found.iter().any(|p| p.starts_with(expected)),
            "{what}: expected `{expected}…`, found {found:?}"
        );
    }
}

/// Hand-written custom resources (`tests/fixtures/custom-resources/`) of the shipped kinds
/// shipshape does not render, and of some it does with fields it does not use, so that
/// every shipped CRD judges something.
fn samples() -> Vec<Value> {
    yaml_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/custom-resources"))
}

/// A CRD copied wrongly could reject every object, or none; valid samples, and an unknown
/// field planted in each, show it does neither.
#[test]
fn every_shipped_kind_accepts_a_valid_sample_and_rejects_a_planted_field() {
    let schemas = schemas();
    let samples = samples();
    let rendered = custom_resources();
    let covered: BTreeSet<&str> = rendered
        .iter()
        .chain(&samples)
        .filter_map(|r| r["kind"].as_str())
        .collect();
    let shipped: BTreeSet<&str> = schemas.keys().map(|(_, kind)| kind.as_str()).collect();
    assert_eq!(
        covered, shipped,
        "every shipped kind is rendered or sampled"
    );
    for sample in &samples {
        let name = format!("{} {}", sample["kind"], sample["metadata"]["name"]);
        let found = problems(&schemas, sample);
        assert!(found.is_empty(), "{name}: {found:?}");
        let mut planted = sample.clone();
        planted["spec"]["plantedField"] = json!("planted");
        assert!(
            problems(&schemas, &planted)
                .iter()
                .any(|p| p.contains("'plantedField' was unexpected")),
            "{name}: the planted field was not caught"
        );
    }
}

#[test]
fn every_shipped_crd_compiles_and_is_documented() {
    let readme = std::fs::read_to_string(root().join("schemas/crds/README.md")).expect("a README");
    for ((api_version, kind), schema) in schemas() {
        jsonschema::draft4::new(&schema).unwrap_or_else(|e| panic!("{kind} {api_version}: {e}"));
        assert!(
            readme.contains(&format!("`{kind}`")),
            "{kind} is not in schemas/crds/README.md"
        );
    }
}
