//! The harness end to end, before any engine uses it: a real kube-apiserver,
//! controller-manager and scheduler 1.20 with the stand-in kubelet, driven through
//! Debian's kubectl 1.20. Skips (saying so) when the harness is not built, unless
//! `SHIPSHAPE_REQUIRE_CLUSTER` is set, as scripts/test.sh sets it.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;
use shipshape_standin_kubelet::harness::{Harness, Settings};

const WAIT: Duration = Duration::from_secs(90);

fn standin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_shipshape-standin-kubelet"))
}

fn start() -> Option<Harness> {
    Harness::start(&Settings {
        standin: Some(standin()),
        ..Settings::default()
    })
}

fn json(harness: &Harness, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["-o", "json"]);
    serde_json::from_str(&harness.kubectl_ok(&all, "")).expect("kubectl prints JSON")
}

const WEB: &str = r"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule,
         labelSelector: {matchLabels: {app: web}}}
      containers:
      - name: web
        image: example.invalid/web:1
        resources: {requests: {cpu: 100m, memory: 64Mi}}
        readinessProbe: {httpGet: {path: /ready, port: 8080}, initialDelaySeconds: 1}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec:
  minAvailable: 2
  selector: {matchLabels: {app: web}}
";

/// The scheduler spreads the replicas over the three zones, the stand-in makes them
/// Ready, the Deployment becomes available and the budget allows one disruption.
#[test]
fn a_deployment_spreads_over_zones_and_becomes_available_under_its_budget() {
    let Some(harness) = start() else { return };
    harness.kubectl_ok(&["apply", "-f", "-"], WEB);
    let deployment = harness.eventually("deployment web available", WAIT, || {
        let d = json(&harness, &["get", "deployment", "web"]);
        (d["status"]["availableReplicas"] == 3).then_some(d)
    });
    assert_eq!(deployment["status"]["readyReplicas"], 3);
    assert_eq!(deployment["status"]["updatedReplicas"], 3);

    let pods = json(&harness, &["get", "pods", "-l", "app=web"]);
    let pods = pods["items"].as_array().expect("a pod list");
    assert_eq!(pods.len(), 3);
    let nodes = json(&harness, &["get", "nodes"]);
    let zone_of = |node: &str| -> String {
        nodes["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|n| n["metadata"]["name"] == node)
            .and_then(|n| n["metadata"]["labels"]["topology.kubernetes.io/zone"].as_str())
            .unwrap_or("?")
            .to_owned()
    };
    let zones: BTreeSet<String> = pods
        .iter()
        .map(|p| zone_of(p["spec"]["nodeName"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        zones,
        BTreeSet::from([
            "zone-a".to_owned(),
            "zone-b".to_owned(),
            "zone-c".to_owned()
        ])
    );
    for pod in pods {
        assert_eq!(pod["status"]["phase"], "Running");
        let ready = pod["status"]["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["type"] == "Ready");
        assert_eq!(
            ready.map(|c| c["status"].clone()),
            Some(Value::from("True"))
        );
    }

    let budget = harness.eventually("the budget counts the pods", WAIT, || {
        let b = json(&harness, &["get", "poddisruptionbudget", "web"]);
        (b["status"]["currentHealthy"] == 3).then_some(b)
    });
    assert_eq!(budget["status"]["desiredHealthy"], 2);
    assert_eq!(budget["status"]["disruptionsAllowed"], 1);
}

const JOB_AND_FAILURES: &str = r"
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: default}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: run, image: example.invalid/job:1}]
---
apiVersion: v1
kind: Pod
metadata:
  name: crasher
  namespace: default
  annotations:
    standin.shipshape.dev/fail: crash-loop
    standin.shipshape.dev/log: |
      starting
      cannot reach db:5432
spec:
  containers: [{name: app, image: example.invalid/app:1}]
---
apiVersion: v1
kind: Pod
metadata:
  name: unpullable
  namespace: default
  annotations: {standin.shipshape.dev/fail: image-pull}
spec:
  containers: [{name: app, image: example.invalid/missing:1}]
";

/// The Job's condition of type `kind` when it is True.
fn job_condition(harness: &Harness, name: &str, kind: &str) -> Option<Value> {
    let job = json(harness, &["get", "job", name]);
    job["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == kind && c["status"] == "True")
        .cloned()
}

fn container_state(pod: &Value) -> &Value {
    &pod["status"]["containerStatuses"][0]
}

/// A Job completes; pods asked to fail show a crash loop with a rising restart count
/// (and a log, through the API server) and an image pull back-off, as the real kubelet
/// reports them.
#[test]
fn a_job_completes_and_pods_fail_on_request() {
    let Some(harness) = start() else { return };
    harness.kubectl_ok(&["apply", "-f", "-"], JOB_AND_FAILURES);

    harness.eventually("job once complete", WAIT, || {
        job_condition(&harness, "once", "Complete")
    });
    let job = json(&harness, &["get", "job", "once"]);
    assert_eq!(job["status"]["succeeded"], 1);

    let first = harness.eventually("crasher in CrashLoopBackOff", WAIT, || {
        let p = json(&harness, &["get", "pod", "crasher"]);
        let state = container_state(&p);
        (state["state"]["waiting"]["reason"] == "CrashLoopBackOff").then(|| state.clone())
    });
    assert_eq!(first["ready"], false);
    assert_eq!(first["lastState"]["terminated"]["exitCode"], 1);
    let restarts = first["restartCount"].as_i64().expect("a restart count");
    harness.eventually("crasher restarts again", WAIT, || {
        let p = json(&harness, &["get", "pod", "crasher"]);
        (container_state(&p)["restartCount"].as_i64() > Some(restarts)).then_some(())
    });

    // The API server proxies the log request to the stand-in's log server.
    assert_eq!(
        harness.kubectl_ok(&["logs", "crasher", "--tail", "2"], ""),
        "cannot reach db:5432\n\
         stand-in kubelet: container app exited with code 1 (standin.shipshape.dev/fail: crash-loop)\n"
    );

    let pulled = harness.eventually("unpullable in ImagePullBackOff", WAIT, || {
        let p = json(&harness, &["get", "pod", "unpullable"]);
        (container_state(&p)["state"]["waiting"]["reason"] == "ImagePullBackOff").then_some(p)
    });
    assert_eq!(pulled["status"]["phase"], "Pending");
}

const DATABASE: &str = r"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 30
      containers: [{name: db, image: example.invalid/db:1}]
";

/// A StatefulSet's pod deleted comes back under its old name as a new pod (a new UID),
/// and the stand-in makes that one Ready too: it acts by UID, and it finishes the
/// deletion at once instead of after the 30 s grace.
#[test]
fn a_statefulset_pod_deleted_comes_back_ready_under_its_name() {
    let Some(harness) = start() else { return };
    harness.kubectl_ok(&["apply", "-f", "-"], DATABASE);
    let ready_uid = |harness: &Harness| {
        let p = json(harness, &["get", "pod", "db-0", "--ignore-not-found"]);
        let ready = container_state(&p)["ready"] == true;
        ready.then(|| p["metadata"]["uid"].as_str().unwrap_or_default().to_owned())
    };
    let first = harness.eventually("db-0 ready", WAIT, || ready_uid(&harness));
    harness.kubectl_ok(&["delete", "pod", "db-0", "--wait=false"], "");
    let second = harness.eventually("a new db-0 ready", WAIT, || {
        ready_uid(&harness).filter(|uid| *uid != first)
    });
    assert_ne!(first, second);
    let set = harness.eventually("the StatefulSet ready again", WAIT, || {
        let s = json(&harness, &["get", "statefulset", "db"]);
        (s["status"]["readyReplicas"] == 1).then_some(s)
    });
    assert_eq!(set["status"]["replicas"], 1);
}

const JOBS: &str = r"
apiVersion: batch/v1
kind: Job
metadata: {name: good, namespace: default}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: run, image: example.invalid/job:1}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: bad, namespace: default}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers: [{name: run, image: example.invalid/job:1}]
";

/// The completion hook plays the containers' part: here it creates the Secret a secret
/// generator Job would (with the harness's kubectl and kubeconfig), and its failure
/// fails the pod, so the Job fails.
#[test]
fn the_completion_hook_plays_the_containers_part() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let hook = dir.path().join("hook.sh");
    std::fs::write(
        &hook,
        "#!/bin/sh\n\
         case $SHIPSHAPE_STANDIN_POD in default/bad-*) exit 1;; esac\n\
         exec \"$SHIPSHAPE_KUBECTL\" create secret generic made --from-literal=by=\"$SHIPSHAPE_STANDIN_POD\"\n",
    )
    .expect("written");
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("executable");
    let settings = Settings {
        standin: Some(standin()),
        on_success: Some(&hook),
        ..Settings::default()
    };
    let Some(harness) = Harness::start(&settings) else {
        return;
    };
    harness.kubectl_ok(&["apply", "-f", "-"], JOBS);

    let condition = |name: &str, kind: &str| job_condition(&harness, name, kind);
    harness.eventually("job good complete", WAIT, || condition("good", "Complete"));
    let pod = harness.kubectl_ok(
        &[
            "get",
            "pods",
            "-l",
            "job-name=good",
            "-o",
            "jsonpath={.items[0].metadata.name}",
        ],
        "",
    );
    let by = harness.kubectl_ok(
        &[
            "get",
            "secret",
            "made",
            "-o",
            "go-template={{.data.by | base64decode}}",
        ],
        "",
    );
    assert_eq!(by, format!("default/{pod}"));

    let failed = harness.eventually("job bad failed", WAIT, || condition("bad", "Failed"));
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
}

const SHELL_JOBS: &str = r#"
apiVersion: batch/v1
kind: Job
metadata: {name: generate, namespace: default}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: generate
        image: example.invalid/kubectl:1
        env: [{name: SECRET, value: made}]
        command:
        - /bin/sh
        - -c
        - |
          set -eu
          if kubectl get secret "$SECRET" >/dev/null 2>&1; then exit 0; fi
          dir=$(mktemp -d)
          printf v1 >"$dir/value"
          kubectl create secret generic "$SECRET" --from-file=key="$dir/value"
---
apiVersion: batch/v1
kind: Job
metadata: {name: broken, namespace: default}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - {name: broken, image: example.invalid/kubectl:1, command: [/bin/sh, -c, "kubectl get secret no-such-secret"]}
"#;

/// scripts/cluster/shell-containers.py as the hook: a Job whose container is a kubectl
/// shell script (as shipshape's secret generator is) has its script run against the
/// cluster, so the Secret is made by the script itself; a failing script fails its Job.
#[test]
fn the_shell_container_hook_runs_kubectl_scripts_against_the_cluster() {
    let hook = shipshape_standin_kubelet::harness::scripts().join("shell-containers.py");
    let settings = Settings {
        standin: Some(standin()),
        on_success: Some(&hook),
        ..Settings::default()
    };
    let Some(harness) = Harness::start(&settings) else {
        return;
    };
    harness.kubectl_ok(&["apply", "-f", "-"], SHELL_JOBS);
    let condition = |name: &str, kind: &str| job_condition(&harness, name, kind);
    harness.eventually("job generate complete", WAIT, || {
        condition("generate", "Complete")
    });
    let key = harness.kubectl_ok(
        &[
            "get",
            "secret",
            "made",
            "-o",
            "go-template={{.data.key | base64decode}}",
        ],
        "",
    );
    assert_eq!(key, "v1");
    let failed = harness.eventually("job broken failed", WAIT, || condition("broken", "Failed"));
    assert_eq!(failed["reason"], "BackoffLimitExceeded");
}
