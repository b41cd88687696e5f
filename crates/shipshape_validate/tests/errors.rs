//! Every kind of error, with its exact message and the line and column it points at.

use shipshape_validate::{Catalog, KubeVersion, Target, Verdict};

/// Validates every object of `yaml` against `version`; one line per problem:
/// `line:column: path: message`, or the verdict for objects that are not invalid.
fn validate_at(version: &str, yaml: &str) -> Vec<String> {
    let objects = shipshape_manifest::load("t.yaml", yaml, "default").expect("loads");
    let target = Target {
        version: version.parse::<KubeVersion>().expect("supported"),
        ..Target::default()
    };
    let catalog = Catalog::new(&target, objects.iter().map(|m| &m.value));
    let mut out = Vec::new();
    for object in &objects {
        match catalog.validate(&object.value) {
            Verdict::Invalid(problems) => {
                for p in problems {
                    let at = object.locate(&p.pointer).expect("read from a file");
                    out.push(format!("{}:{}: {p}", at.line, at.column));
                }
            }
            other => out.push(format!("{other:?}")),
        }
    }
    out
}

fn validate(yaml: &str) -> Vec<String> {
    validate_at("1.37", yaml)
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 8080
              name: http
          resources:
            requests: { cpu: 250m, memory: 256Mi }
";

#[test]
fn a_valid_object_is_valid() {
    assert_eq!(validate(DEPLOYMENT), ["Valid"]);
}

#[test]
fn unknown_fields_suggest_the_nearest_name() {
    let yaml = DEPLOYMENT.replace(
        "          image:",
        "          imagePullPolcy: Always\n          image:",
    );
    assert_eq!(
        validate(&yaml),
        [
            "16:11: spec.template.spec.containers[0].imagePullPolcy: unknown field; did you mean `imagePullPolicy`?"
        ]
    );
    let yaml = DEPLOYMENT.replace("  replicas: 2", "  Replicas: 2");
    assert_eq!(
        validate(&yaml),
        ["7:3: spec.Replicas: unknown field; did you mean `replicas`?"]
    );
}

#[test]
fn wrong_types_name_both_types() {
    let yaml = DEPLOYMENT.replace("replicas: 2", "replicas: \"2\"");
    assert_eq!(
        validate(&yaml),
        ["7:3: spec.replicas: must be an integer, not the string `2`"]
    );
    let yaml = DEPLOYMENT.replace("      containers:\n", "      containers: web\n      x:\n");
    assert!(
        validate(&yaml)[0].starts_with(
            "14:7: spec.template.spec.containers: must be a list, not the string `web`"
        )
    );
}

#[test]
fn missing_required_fields_point_at_their_parent() {
    let yaml = DEPLOYMENT
        .replace("          image: nginx:1.27\n", "")
        .replace("        - name: web\n", "        - image: nginx:1.27\n");
    assert_eq!(
        validate(&yaml),
        ["15:11: spec.template.spec.containers[0].name: required field is missing"]
    );
}

#[test]
fn enums_quantities_and_ports() {
    let yaml = DEPLOYMENT
        .replace("memory: 256Mi", "memory: 256MB")
        .replace(
            "containerPort: 8080",
            "containerPort: 80800\n              protocol: tcp",
        );
    assert_eq!(
        validate(&yaml),
        [
            "18:15: spec.template.spec.containers[0].ports[0].containerPort: 80800 is not a port number: it must be between 1 and 65535",
            "19:15: spec.template.spec.containers[0].ports[0].protocol: `tcp` is not one of TCP, UDP, SCTP; did you mean `TCP`?",
            "22:36: spec.template.spec.containers[0].resources.requests.memory: `256MB` is not a quantity: write a number with an optional unit, such as `250m`, `1.5`, `512Mi` or `2Gi`",
        ]
    );
}
