//! `shipshape deploy` and its companions end to end, on a real control plane: Kubernetes
//! 1.20.2 built from Debian's source with the stand-in kubelet (docs/harness.md). Each
//! test starts its own cluster and walks through several deploys of one app, asserting
//! on the exit status, what the command printed, and what the cluster then holds (read
//! with Debian's kubectl 1.20). Skips, saying so, when the harness is not built, unless
//! `SHIPSHAPE_REQUIRE_CLUSTER` is set (scripts/test.sh sets it).
//!
//! The manifests are written at the API levels 1.20 serves (HPA autoscaling/v2beta2, PDB
//! policy/v1beta1, CronJob batch/v1beta1, Service ports with `protocol`); see
//! docs/deploy.md, "Kubernetes 1.20 in the tests".

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;
use shipshape_standin_kubelet::harness::{Harness, Settings};

const WAIT: Duration = Duration::from_secs(90);

/// Runs shipshape against the harness's cluster with `yaml` as the set to deploy.
fn shipshape(harness: &Harness, dir: &Path, args: &[&str], yaml: Option<&str>) -> Output {
    if let Some(yaml) = yaml {
        std::fs::write(dir.join("app.yaml"), yaml).unwrap();
    }
    let kubeconfig = harness.kubeconfig();
    let mut all: Vec<&str> = args.to_vec();
    if yaml.is_some() {
        all.push(dir.to_str().unwrap());
    }
    all.extend([
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--who",
        "e2e@test",
    ]);
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(&all)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(harness: &Harness, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    serde_json::from_str(&harness.kubectl_ok(&all, "")).expect("kubectl prints JSON")
}

/// The resourceVersion of each object the app has, to prove a run wrote nothing.
fn versions(harness: &Harness, namespace: &str) -> Vec<(String, String)> {
    let list = json(
        harness,
        &[
            "get",
            "configmaps,services,deployments,jobs,cronjobs,hpa,pdb,leases,secrets",
            "-n",
            namespace,
        ],
    );
    let mut versions: Vec<(String, String)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap(),
                    o["metadata"]["name"].as_str().unwrap()
                ),
                o["metadata"]["resourceVersion"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    versions.sort();
    versions
}

/// The app: a namespace, config, a Service, a migration Job its pods wait for, a
/// Deployment of 3 with a budget and an autoscaler, and a CronJob.
fn app(version: &str, migration: &str, pod_annotations: &str, extra: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Namespace
metadata: {{name: shop, labels: {{app.kubernetes.io/part-of: shop}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: flags, namespace: shop, labels: {{app.kubernetes.io/part-of: shop}}}}
data: {{mode: fast}}
---
apiVersion: v1
kind: Service
metadata: {{name: api, namespace: shop, labels: {{app.kubernetes.io/part-of: shop}}}}
spec:
  selector: {{app: api}}
  ports: [{{name: http, port: 80, targetPort: 8080, protocol: TCP}}]
---
apiVersion: batch/v1
kind: Job
metadata: {{name: migrate-{migration}, namespace: shop, labels: {{app.kubernetes.io/part-of: shop}}}}
spec:
  backoffLimit: 0
  template:
    metadata: {{annotations: {{{pod_annotations_job}}}}}
    spec:
      restartPolicy: Never
      containers: [{{name: migrate, image: "example.invalid/api:{version}", args: [migrate]}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop, labels: {{app.kubernetes.io/part-of: shop}}}}
spec:
  replicas: 3
  progressDeadlineSeconds: 15
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata:
      labels: {{app: api}}
      annotations: {{shipshape.dev/wait-for: "Job.batch/migrate-{migration}"{pod_annotations}}}
    spec:
      containers:
      - name: api
        image: "example.invalid/api:{version}"
        resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {{name: api, namespace: shop, labels: {{app.kubernetes.io/part-of: shop}}}}
spec:
  minAvailable: 2
  selector: {{matchLabels: {{app: api}}}}
---
apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {{name: api, namespace: shop, labels: {{app.kubernetes.io/part-of: shop}}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: api}}
  minReplicas: 3
  maxReplicas: 6
  metrics: [{{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 80}}}}}}]
---
apiVersion: batch/v1beta1
kind: CronJob
metadata: {{name: report, namespace: shop, labels: {{app.kubernetes.io/part-of: shop}}}}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{{name: report, image: "example.invalid/api:{version}"}}]
{extra}"#,
        pod_annotations_job = if migration.ends_with("-fails") {
            "standin.shipshape.dev/fail: fail"
        } else {
            ""
        },
    )
}

fn image(harness: &Harness) -> String {
    let d = json(harness, &["get", "deployment", "api", "-n", "shop"]);
    d["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn an_app_deploys_updates_prunes_fails_and_rolls_back_on_a_real_control_plane() {
    let Some(harness) = Harness::start(&Settings::default()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // First deploy: every phase in order, revision 1.
    let out = shipshape(&harness, dir, &["deploy"], Some(&app("1", "1", "", "")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log = stderr(&out);
    let phases: Vec<&str> = log.lines().filter(|l| l.starts_with("phase ")).collect();
    assert_eq!(
        phases,
        [
            "phase namespaces and CRDs: 1 objects",
            "phase config, secrets, RBAC, services: 2 objects",
            "phase migrations: 1 objects",
            "phase workloads: 2 objects",
            "phase ingress, autoscaling, budgets, monitoring: 2 objects",
        ]
    );
    assert!(
        log.ends_with("deployed shop revision 1: 7 of 8 objects changed\n"),
        "{log}"
    );
    let d = json(&harness, &["get", "deployment", "api", "-n", "shop"]);
    assert_eq!(d["status"]["availableReplicas"], 3);

    // The same set again: nothing written, not even the lock.
    let before = versions(&harness, "shop");
    let out = shipshape(&harness, dir, &["deploy"], Some(&app("1", "1", "", "")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).ends_with("shop is up to date: nothing changed, everything is ready\n"));
    assert_eq!(versions(&harness, "shop"), before);

    // A rolling update with a new migration: the diff says what changes, the deploy
    // rolls every pod and prunes the old migration.
    let out = shipshape(&harness, dir, &["diff"], Some(&app("2", "2", "", "")));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(plan.contains("+ create Job/migrate-2 in shop\n"), "{plan}");
    assert!(plan.contains(
        "~ update Deployment/api in shop (rolling restart)\n    /spec/template/metadata/annotations/shipshape.dev~1wait-for: \"Job.batch/migrate-1\" -> \"Job.batch/migrate-2\"\n    /spec/template/spec/containers/0/image: \"example.invalid/api:1\" -> \"example.invalid/api:2\"\n"
    ), "{plan}");
    assert!(
        plan.contains("- delete Job/migrate-1 in shop (in place)\n"),
        "{plan}"
    );
    let out = shipshape(&harness, dir, &["deploy"], Some(&app("2", "2", "", "")));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("pruned Job/migrate-1 in shop\n"));
    let d = json(&harness, &["get", "deployment", "api", "-n", "shop"]);
    assert_eq!(d["status"]["updatedReplicas"], 3);
    assert_eq!(d["status"]["availableReplicas"], 3);
    assert!(
        harness
            .kubectl(&["get", "job", "migrate-1", "-n", "shop"], "")
            .status
            .code()
            != Some(0)
    );

    // An immutable field: refused before anything is written.
    let before = versions(&harness, "shop");
    let changed = app("2", "2", "", "").replace("args: [migrate]", "args: [migrate, --fast]");
    let out = shipshape(&harness, dir, &["deploy"], Some(&changed));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "error: the server refuses to change these objects in place; delete them (and let the \
         deploy create them again) or give them a new name:\n  Job/migrate-2 in shop (recreate: \
         a field is immutable): Job.batch \"migrate-2\" is invalid: spec.template: Invalid value:"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(versions(&harness, "shop"), before);

    // A failed migration stops the deploy before the workloads.
    let out = shipshape(
        &harness,
        dir,
        &["deploy"],
        Some(&app("3", "3-fails", "", "")),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(
        "error: revision 3 failed\nJob/migrate-3-fails in shop: the Job failed (BackoffLimitExceeded): Job has reached the specified backoff limit\n"
    ), "{}", stderr(&out));
    assert_eq!(image(&harness), "example.invalid/api:2");

    // A crash loop, with a rollback on failure: diagnosed, then restored.
    let crash = ", standin.shipshape.dev/fail: crash-loop";
    let out = shipshape(
        &harness,
        dir,
        &["deploy", "--rollback-on-failure", "--timeout", "60s"],
        Some(&app("4", "4", crash, "")),
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(log.contains("rolling back to revision 2\n"), "{log}");
    assert!(log.contains(
        "error: revision 4 failed; rolled back to revision 2 as revision 5\nDeployment/api in shop: pod api-"
    ), "{log}");
    assert!(log.contains(", container api: CrashLoopBackOff\n"), "{log}");
    assert!(
        log.contains("container api last terminated: Error (exit code 1)"),
        "{log}"
    );
    assert_eq!(image(&harness), "example.invalid/api:2");
    harness.eventually("the rollback's pods available", WAIT, || {
        let d = json(&harness, &["get", "deployment", "api", "-n", "shop"]);
        (d["status"]["availableReplicas"] == 3 && d["status"]["replicas"] == 3).then_some(())
    });

    // An image that cannot be pulled: diagnosed; then `rollback` restores revision 2.
    let pull = ", standin.shipshape.dev/fail: image-pull";
    let out = shipshape(&harness, dir, &["deploy"], Some(&app("6", "6", pull, "")));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(", container api: ImagePullBackOff\n"),
        "{}",
        stderr(&out)
    );
    let out = shipshape(
        &harness,
        dir,
        &["rollback", "2", "--name", "shop", "-n", "shop"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with("rolled shop back as revision 7\n"),
        "{}",
        stderr(&out)
    );
    assert_eq!(image(&harness), "example.invalid/api:2");

    // Pods that never become ready: the Deployment's own deadline ends the wait.
    let never = ", standin.shipshape.dev/fail: never-ready";
    let out = shipshape(&harness, dir, &["deploy"], Some(&app("8", "8", never, "")));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("Deployment/api in shop: ProgressDeadlineExceeded: ReplicaSet \"api-"),
        "{}",
        stderr(&out)
    );

    // Back to a good state, then prune: the ConfigMap that left the set goes, another
    // tool's ConfigMap stays.
    harness.kubectl_ok(&["create", "configmap", "theirs", "-n", "shop"], "");
    let without_flags = app("2", "2", "", "").replace(
        "kind: ConfigMap\nmetadata: {name: flags, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}\ndata: {mode: fast}",
        "kind: ConfigMap\nmetadata: {name: flags2, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}\ndata: {mode: fast}",
    );
    let out = shipshape(&harness, dir, &["deploy"], Some(&without_flags));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("pruned ConfigMap/flags in shop\n"),
        "{}",
        stderr(&out)
    );
    assert!(
        harness
            .kubectl(&["get", "configmap", "flags", "-n", "shop"], "")
            .status
            .code()
            != Some(0)
    );
    harness.kubectl_ok(&["get", "configmap", "theirs", "-n", "shop"], "");

    // History lists every revision with who ran it; status reads every object ready.
    let out = shipshape(
        &harness,
        dir,
        &["history", "--name", "shop", "-n", "shop"],
        None,
    );
    let statuses: Vec<String> = stdout(&out)
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        statuses,
        [
            "1 deployed",
            "2 deployed",
            "3 failed",
            "4 failed",
            "5 deployed",
            "6 failed",
            "7 deployed",
            "8 failed",
            "9 deployed"
        ]
    );
    assert!(stdout(&out).contains("e2e@test"));
    let out = shipshape(
        &harness,
        dir,
        &["status", "--name", "shop", "-n", "shop"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("ready    Deployment/api in shop\n"));

    // A lock held by a live deploy stops another; one whose holder died is taken over.
    let lease = |holder: &str, renewed: &str| {
        format!(
            "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {{name: shipshape-shop, namespace: shop}}\n\
             spec: {{holderIdentity: {holder}, leaseDurationSeconds: 30, renewTime: \"{renewed}\"}}\n"
        )
    };
    let live = now();
    harness.kubectl_ok(&["apply", "-f", "-"], &lease("bob@ci", &live));
    let next = app("2", "2", "", "").replace("mode: fast", "mode: safe");
    let out = shipshape(&harness, dir, &["deploy"], Some(&next));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: another deploy holds the lock: bob@ci, last renewed ")
    );
    harness.kubectl_ok(
        &["apply", "-f", "-"],
        &lease("ghost@ci", "2020-01-01T00:00:00.000000Z"),
    );
    let out = shipshape(&harness, dir, &["deploy"], Some(&next));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A rendered example targets a newer Kubernetes: refused before any write, naming
    // the object and what this server serves instead.
    let out = Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args([
            "deploy",
            "examples/projections",
            "--kubeconfig",
            harness.kubeconfig().to_str().unwrap(),
        ])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: PodDisruptionBudget/projections in projections is policy/v1 PodDisruptionBudget, \
         which the server does not serve; it serves PodDisruptionBudget as policy/v1beta1; render \
         for this server's version (--kubernetes) or change apiVersion\n"
    );
    assert!(
        harness
            .kubectl(&["get", "namespace", "projections"], "")
            .status
            .code()
            != Some(0)
    );
}

/// Now, as a Lease's renewTime.
fn now() -> String {
    let out = Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%S.000000Z"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}
