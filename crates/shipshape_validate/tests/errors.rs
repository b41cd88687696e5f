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

#[test]
fn names_namespaces_labels_and_annotations() {
    let yaml = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: Bad_Name
  namespace: team.a
  labels:
    app.kubernetes.io/name: ok
    Example.com/x: ok
    tier: -front
  annotations:
    MyTeam/Owner: ok
    a/b/c: x
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:controller:x
---
apiVersion: v1
kind: Service
metadata:
  name: 1web
---
apiVersion: v1
kind: Secret
metadata:
  generateName: creds-
data:
  password: not base64!
";
    assert_eq!(
        validate(yaml),
        [
            "8:5: metadata.labels[Example.com/x]: key `Example.com/x`: prefix `Example.com` is not a lowercase RFC 1123 subdomain: use lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')",
            "9:5: metadata.labels.tier: value `-front` must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')",
            "12:5: metadata.annotations[a/b/c]: key `a/b/c`: the name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name' or '123-abc')",
            "4:3: metadata.name: `Bad_Name` is not a lowercase RFC 1123 subdomain: use lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')",
            "5:3: metadata.namespace: `team.a` is not a lowercase RFC 1123 label: use lower case alphanumeric characters or '-', starting and ending with an alphanumeric character (e.g. 'my-name', or '123-abc')",
            "Valid",
            "22:3: metadata.name: `1web` is not an RFC 1035 label: it must start with a lower-case letter (e.g. 'my-name', or 'abc-123')",
            "29:3: data.password: is not base64: Secret `data` holds base64-encoded values; put plain text under `stringData`",
        ]
    );
}

#[test]
fn percentages_ranges_and_nulls() {
    let yaml = "\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: \"1\"
  selector: null
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3000000000
  selector: { matchLabels: { app: web } }
  strategy: { rollingUpdate: { maxSurge: 25%, maxUnavailable: -1 } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: Web, image: nginx }]
";
    assert_eq!(
        validate(yaml),
        [
            "6:3: spec.maxUnavailable: `1` must be an integer or a percentage (such as `25%`)",
            "14:3: spec.replicas: 3000000000 is out of range for a 32-bit integer",
            "16:47: spec.strategy.rollingUpdate.maxUnavailable: -1 must be between 0 and 2147483647",
            "20:22: spec.template.spec.containers[0].name: `Web` is not a lowercase RFC 1123 label: use lower case alphanumeric characters or '-', starting and ending with an alphanumeric character (e.g. 'my-name', or '123-abc')",
        ]
    );
}

#[test]
fn kinds_and_versions_the_target_does_not_serve() {
    let yaml = "\
apiVersion: apps/v2
kind: Deployment
metadata: { name: a }
---
apiVersion: apps/v1
kind: deployment
metadata: { name: b }
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: { name: c }
---
apiVersion: widgets.example.com/v1
kind: Widget
metadata: { name: d }
";
    let out = validate(yaml);
    assert_eq!(
        out[..2],
        [
            "1:1: apiVersion: `apps/v2` is not served by Kubernetes 1.37; Deployment is served as apps/v1",
            "6:1: kind: apps/v1 has no kind `deployment`; did you mean `Deployment`?",
        ]
    );
    assert!(
        out[2].starts_with("Removed(ApiChange { api_version: \"policy/v1beta1\""),
        "{}",
        out[2]
    );
    assert_eq!(out[3], "Skipped");
}

const CRD: &str = "\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: backups.example.com
spec:
  group: example.com
  names: { kind: Backup, plural: backups }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              oneOf:
                - required: [schedule]
                - required: [once]
              properties:
                schedule: { type: string }
                once: { type: boolean }
                retention: { type: string, pattern: '^[0-9]+d$' }
                targets:
                  type: array
                  maxItems: 2
                  items: { type: string, minLength: 3 }
    - name: v0
      served: false
      storage: false
      schema: { openAPIV3Schema: { type: object } }
";

#[test]
fn custom_resources_follow_their_crd() {
    let yaml = format!(
        "{CRD}---
apiVersion: example.com/v1
kind: Backup
metadata: {{ name: nightly, labels: {{ bad key: x }} }}
spec:
  schedule: daily
  once: true
  retention: 7 days
  targets: [db, cache, logs]
---
apiVersion: example.com/v0
kind: Backup
metadata: {{ name: old }}
"
    );
    assert_eq!(
        validate(&yaml),
        [
            "Valid",
            "41:3: spec.retention: `7 days` does not match the pattern `^[0-9]+d$`",
            "42:13: spec.targets[0]: has fewer than 3 characters",
            "42:3: spec.targets: has more than 2 items",
            "38:1: spec: must match exactly one of the schemas under `oneOf`, matches 2",
            "37:38: metadata.labels[bad key]: key `bad key`: the name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name' or '123-abc')",
            "44:1: apiVersion: the CustomResourceDefinition backups.example.com serves Backup as v1, not v0",
        ]
    );
}
