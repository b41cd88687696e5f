//! Agreement with an outside oracle: shipshape's validator rejects exactly what
//! kubernetes-validate (strict, same Kubernetes version: the oldest and the newest
//! supported) rejects, on thousands of
//! objects mutated from every example's rendered output and from tests/oracle/corpus.yaml:
//! field typos, wrong types, missing fields, bad enum values and removed API versions.
//!
//! The differences that remain are listed in [`justified`], each with why shipshape is
//! right to differ; any other difference fails the test with both verdicts.
//!
//! kubernetes-validate runs from the test virtualenv `.venv-oracles` (through
//! scripts/oracles/kv_verdicts.py, which reads its schema files once instead of once
//! per object). Without the virtualenv the test says so and passes, unless
//! `SHIPSHAPE_REQUIRE_ORACLES` is set, as scripts/test.sh sets it after installing it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use shipshape_validate::{Catalog, KubeVersion, Target, Verdict};

/// The oldest and the newest supported version.
const VERSIONS: [KubeVersion; 2] = [KubeVersion::SUPPORTED[0], KubeVersion::NEWEST];
/// At most this many mutations per kind of mutation, spread evenly over the candidates.
const PER_CATEGORY: usize = 1000;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    Original,
    Typo,
    WrongType,
    Missing,
    BadEnum,
    RemovedApi,
}

struct Mutation {
    category: Category,
    /// `Deployment shop/web /spec/replicas`, for messages.
    what: String,
    object: Value,
}

/// Every built-in object of the examples' output, the renderer fixture and the corpus.
fn bases() -> Vec<Value> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .unwrap()
        .map(|e| e.unwrap().path().join("shipshape.yaml"))
        .filter(|p| p.is_file())
        .collect();
    specs.sort();
    specs.push(root().join("crates/shipshape_render/tests/fixtures/goverse.yaml"));
    let mut objects = Vec::new();
    for spec in specs {
        let loaded = shipshape_spec::load_path(&spec, None).expect("the spec loads");
        let rendered = shipshape_render::render(&loaded.spec).expect("the spec renders");
        objects.extend(rendered.manifests.into_items().into_iter().map(|m| m.value));
    }
    let corpus = root().join("crates/shipshape/tests/oracle/corpus.yaml");
    let text = std::fs::read_to_string(&corpus).unwrap();
    let loaded = shipshape_manifest::load("corpus.yaml", &text, "default").unwrap();
    objects.extend(loaded.into_iter().map(|m| m.value));
    let catalog = Catalog::new(&Target::default(), []);
    // Custom resources are out of scope: kubernetes-validate has no schema for them.
    objects.retain(|o| !is_custom_group(o) && catalog.validate(o) != Verdict::Skipped);
    objects
}

/// Every place in `value`: the JSON pointer of each field and list item, outermost first.
fn places(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(here.clone());
                places(v, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                places(v, &here, out);
            }
        }
        _ => {}
    }
}

fn split(pointer: &str) -> (&str, String) {
    let (parent, last) = pointer.rsplit_once('/').expect("pointers start with /");
    (parent, last.replace("~1", "/").replace("~0", "~"))
}

/// A misspelling: two letters swapped, or one added when swapping changes nothing.
fn typo(key: &str) -> String {
    let mut chars: Vec<char> = key.chars().collect();
    if chars.len() > 3 && chars[1] != chars[2] {
        chars.swap(1, 2);
        chars.into_iter().collect()
    } else {
        format!("{key}x")
    }
}

/// A value of another JSON type than `value`.
fn other_type(value: &Value) -> Value {
    match value {
        Value::String(_) => json!(12345),
        Value::Number(_) => json!("twelve"),
        Value::Bool(_) => json!("yes"),
        Value::Object(_) | Value::Array(_) => json!("text"),
        Value::Null => json!(1),
    }
}

/// Fields whose values the API server takes from a fixed set.
const ENUM_FIELDS: &[&str] = &[
    "imagePullPolicy",
    "protocol",
    "restartPolicy",
    "dnsPolicy",
    "pathType",
    "concurrencyPolicy",
    "podManagementPolicy",
    "whenUnsatisfiable",
    "operator",
    "effect",
    "scheme",
    "sessionAffinity",
    "externalTrafficPolicy",
    "internalTrafficPolicy",
    "terminationMessagePolicy",
    "fsGroupChangePolicy",
    "preemptionPolicy",
    "volumeMode",
    "policyTypes",
    "accessModes",
    "selectPolicy",
    "completionMode",
];

/// Removed API versions to move each kind to.
fn removed_versions(kind: &str) -> &'static [&'static str] {
    match kind {
        "Deployment" | "DaemonSet" | "ReplicaSet" => {
            &["extensions/v1beta1", "apps/v1beta1", "apps/v1beta2"]
        }
        "StatefulSet" => &["apps/v1beta1", "apps/v1beta2"],
        "PodDisruptionBudget" => &["policy/v1beta1"],
        "HorizontalPodAutoscaler" => &["autoscaling/v2beta1", "autoscaling/v2beta2"],
        "CronJob" => &["batch/v1beta1"],
        "Ingress" => &["networking.k8s.io/v1beta1", "extensions/v1beta1"],
        "NetworkPolicy" => &["extensions/v1beta1"],
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            &["rbac.authorization.k8s.io/v1beta1"]
        }
        "PriorityClass" => &["scheduling.k8s.io/v1beta1"],
        "FlowSchema" => &[
            "flowcontrol.apiserver.k8s.io/v1beta1",
            "flowcontrol.apiserver.k8s.io/v1beta2",
            "flowcontrol.apiserver.k8s.io/v1beta3",
        ],
        _ => &[],
    }
}

fn mutations_of(base: &Value) -> Vec<Mutation> {
    let name = format!(
        "{} {}",
        base["kind"].as_str().unwrap_or_default(),
        base["metadata"]["name"].as_str().unwrap_or_default()
    );
    let mut out = vec![Mutation {
        category: Category::Original,
        what: name.clone(),
        object: base.clone(),
    }];
    let mut add = |category, pointer: &str, object: Value| {
        out.push(Mutation {
            category,
            what: format!("{name} {pointer}"),
            object,
        });
    };
    let mut all = Vec::new();
    places(base, "", &mut all);
    for pointer in all.iter().filter(|p| *p != "/apiVersion" && *p != "/kind") {
        let (parent, last) = split(pointer);
        let current = base.pointer(pointer).expect("a place of base").clone();
        let mut changed = base.clone();
        *changed.pointer_mut(pointer).unwrap() = other_type(&current);
        add(Category::WrongType, pointer, changed);
        // Keys of mappings only: list items have no key to drop or misspell.
        if !matches!(base.pointer(parent), Some(Value::Object(_))) {
            continue;
        }
        let mut without = base.clone();
        if let Some(map) = without.pointer_mut(parent).and_then(Value::as_object_mut) {
            let value = map.remove(&last).expect("the key is there");
            add(Category::Missing, pointer, without.clone());
            map_insert(&mut without, parent, typo(&last), value);
            add(Category::Typo, pointer, without);
        }
        if ENUM_FIELDS.contains(&last.as_str()) {
            let mut bogus = base.clone();
            let target = bogus.pointer_mut(pointer).unwrap();
            match target {
                Value::String(_) => *target = json!("Bogus"),
                Value::Array(items) if !items.is_empty() => items[0] = json!("Bogus"),
                _ => {}
            }
            add(Category::BadEnum, pointer, bogus);
        }
    }
    for api_version in removed_versions(base["kind"].as_str().unwrap_or_default()) {
        let mut moved = base.clone();
        moved["apiVersion"] = json!(api_version);
        add(Category::RemovedApi, api_version, moved);
    }
    out
}

fn map_insert(object: &mut Value, parent: &str, key: String, value: Value) {
    let map = object.pointer_mut(parent).and_then(Value::as_object_mut);
    map.expect("the parent is a mapping").insert(key, value);
}

/// Every mutation of every base, at most [`PER_CATEGORY`] of each category, chosen
/// evenly (and so deterministically) from all candidates.
fn mutations(bases: &[Value]) -> Vec<Mutation> {
    let mut by_category: BTreeMap<Category, Vec<Mutation>> = BTreeMap::new();
    for base in bases {
        for m in mutations_of(base) {
            by_category.entry(m.category).or_default().push(m);
        }
    }
    by_category
        .into_values()
        .flat_map(|all| {
            let stride = all.len().div_ceil(PER_CATEGORY).max(1);
            all.into_iter().step_by(stride)
        })
        .collect()
}

/// kubernetes-validate's verdicts, in order: `(rejected, message)`.
fn kubernetes_validate(
    python: &Path,
    version: KubeVersion,
    objects: &[&Value],
) -> Vec<(bool, String)> {
    let script = root().join("scripts/oracles/kv_verdicts.py");
    let mut child = Command::new(python)
        .arg(script)
        .arg(version.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the oracle runs");
    let mut lines = String::new();
    for object in objects {
        lines.push_str(&object.to_string());
        lines.push('\n');
    }
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(lines.as_bytes()));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "kv_verdicts.py failed");
    let builtin_groups = Catalog::new(&Target::default(), []);
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .zip(objects)
        .map(|(line, object)| {
            let v: Value = serde_json::from_str(line).unwrap();
            let message = v["message"].as_str().unwrap_or_default().to_owned();
            let rejected = match v["verdict"].as_str() {
                Some("invalid") => true,
                // No schema for a Kubernetes group is a refusal (as in scripts/oracles/
                // run.sh); for a custom resource it is a skip, whether or not shipshape
                // knows the kind from schemas/crds/.
                Some("no-schema") => {
                    !is_custom_group(object) && builtin_groups.validate(object) != Verdict::Skipped
                }
                _ => false,
            };
            (rejected, message)
        })
        .collect()
}

/// Whether the object's API group belongs to a custom resource whose CRD shipshape ships
/// (schemas/crds/): kubernetes-validate has no schema for those by design.
fn is_custom_group(object: &Value) -> bool {
    let group = object["apiVersion"]
        .as_str()
        .and_then(|v| v.rsplit_once('/'))
        .map_or("", |(g, _)| g);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/crds");
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.filter_map(Result::ok).any(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                !group.is_empty() && name.starts_with(&format!("{group}_"))
            })
        })
        .unwrap_or(false)
}

/// Why shipshape may disagree with kubernetes-validate, when it may.
fn justified(m: &Mutation, ours: &[String], theirs_rejected: bool) -> Option<&'static str> {
    if theirs_rejected {
        return None; // shipshape never accepts what the oracle refuses
    }
    let all = |needles: &[&str]| {
        !ours.is_empty() && ours.iter().all(|p| needles.iter().any(|n| p.contains(n)))
    };
    if m.category == Category::BadEnum && all(&["is not one of"]) {
        Some(
            "enum: kubernetes-validate's schemas carry no enums; the API server checks them (schemas/kubernetes/overlay.yaml)",
        )
    } else if all(&["metadata.name: required field is missing"]) {
        Some(
            "name: the API server requires metadata.name or generateName; ObjectMeta's schema does not",
        )
    } else if all(&[
        "is not a port",
        "RFC 1123",
        "RFC 1035",
        "is not a quantity",
        "percentage",
        "key `",
        "value `",
        "base64",
        "out of range",
        "must be between",
    ]) {
        Some(
            "format: a grammar the API server checks in code (ports, names, labels, quantities) that the schema does not carry",
        )
    } else {
        None
    }
}

fn our_verdict(catalog: &Catalog, object: &Value) -> (bool, Vec<String>) {
    match catalog.validate(object) {
        Verdict::Valid | Verdict::Skipped => (false, Vec::new()),
        Verdict::Invalid(problems) => (true, problems.iter().map(ToString::to_string).collect()),
        Verdict::Removed(change) => (true, vec![change.removed_message("")]),
    }
}

#[test]
fn shipshape_rejects_what_kubernetes_validate_rejects() {
    let python = root().join(".venv-oracles/bin/python");
    if !python.is_file() {
        assert!(
            std::env::var_os("SHIPSHAPE_REQUIRE_ORACLES").is_none(),
            "SHIPSHAPE_REQUIRE_ORACLES is set but .venv-oracles is missing: run scripts/oracles/install.sh"
        );
        eprintln!(
            "SKIPPED: no .venv-oracles, so no comparison with kubernetes-validate; run scripts/oracles/install.sh (scripts/test.sh does)"
        );
        return;
    }
    let mutations = mutations(&bases());
    let objects: Vec<&Value> = mutations.iter().map(|m| &m.object).collect();
    let mut unexplained = Vec::new();
    let mut rejected_by_both = 0;
    for version in VERSIONS {
        let theirs = kubernetes_validate(&python, version, &objects);
        assert_eq!(theirs.len(), mutations.len(), "one verdict per object");
        let target = Target {
            version,
            ..Target::default()
        };
        let catalog = Catalog::new(&target, []);
        let mut tally: BTreeMap<Category, (usize, usize, usize)> = BTreeMap::new();
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for (m, (theirs_rejected, their_message)) in mutations.iter().zip(&theirs) {
            let (ours_rejected, ours) = our_verdict(&catalog, &m.object);
            let row = tally.entry(m.category).or_default();
            row.0 += 1;
            if ours_rejected == *theirs_rejected {
                row.1 += 1;
                rejected_by_both += usize::from(ours_rejected);
            } else if let Some(reason) = justified(m, &ours, *theirs_rejected) {
                row.2 += 1;
                *reasons.entry(reason).or_default() += 1;
            } else {
                unexplained.push(format!(
                    "{version} {:?} {}:\n  shipshape {}: {ours:?}\n  kubernetes-validate {}: {their_message}",
                    m.category,
                    m.what,
                    if ours_rejected { "rejects" } else { "accepts" },
                    if *theirs_rejected { "rejects" } else { "accepts" },
                ));
            }
        }
        println!("agreement with kubernetes-validate (strict, Kubernetes {version}):");
        println!(
            "{:<12} {:>9} {:>6} {:>10}",
            "mutation", "objects", "agree", "justified"
        );
        for (category, (n, agree, differ)) in &tally {
            println!(
                "{:<12} {n:>9} {agree:>6} {differ:>10}",
                format!("{category:?}")
            );
        }
        for (reason, n) in &reasons {
            println!("  {n:>5} x {reason}");
        }
    }
    assert!(
        unexplained.is_empty(),
        "{} unexplained differences:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    assert!(
        mutations.len() > 1000 && rejected_by_both > 1000,
        "too few mutations to mean much"
    );
}
