//! The engine against the in-memory cluster: phases, waits, prune, history, rollback,
//! lock, diagnosis and the API's failure modes. Time is tokio's paused clock, so waits and
//! deadlines run instantly and exactly.

use std::time::Duration;

use serde_json::{Value, json};
use shipshape_deploy::fake::{FakeCluster, Op, Settle};
use shipshape_deploy::health::Health;
use shipshape_deploy::history;
use shipshape_deploy::inventory::{GROUP_KINDS, Inventory};
use shipshape_deploy::lock::{LockError, lease_ref};
use shipshape_deploy::plan::{Action, Impact, PlanError};
use shipshape_deploy::progress::{Lines, Silent};
use shipshape_deploy::{
    ApiError, DeployError, ObjectRef, Settings, deploy, diff, rollback, status,
};
use shipshape_manifest::{ManifestSet, Model, WAIT_FOR_ANNOTATION};

fn model(objects: &[Value]) -> Model {
    let mut set = ManifestSet::new();
    for object in objects {
        set.push_value(object.clone(), None);
    }
    let mut model = Model::new();
    model.add_objects(set.into_items());
    model
}

fn settings() -> Settings {
    let mut settings = Settings::new("shop", "shop", "ada@laptop");
    settings.poll = Duration::from_secs(1);
    settings.timeout = Duration::from_secs(60);
    settings
}

fn namespace() -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
}

fn config(name: &str, mode: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name},
           "data": {"mode": mode}})
}

fn deployment(image: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "api"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "api"}},
            "template": {
                "metadata": {"labels": {"app": "api"},
                    "annotations": {WAIT_FOR_ANNOTATION: format!("Job.batch/migrate-{image}")}},
                "spec": {"containers": [{"name": "api", "image": image}]}}}})
}

fn migration(image: &str) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": format!("migrate-{image}")},
        "spec": {"template": {"spec": {"restartPolicy": "Never",
            "containers": [{"name": "migrate", "image": image}]}}}})
}

fn hpa(api_version: &str) -> Value {
    json!({"apiVersion": api_version, "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "api"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
                 "minReplicas": 2, "maxReplicas": 4}})
}

fn app(image: &str) -> Vec<Value> {
    vec![
        namespace(),
        config("flags", "fast"),
        migration(image),
        deployment(image),
        hpa("autoscaling/v2"),
    ]
}

fn at(kind: &str, api_version: &str, name: &str) -> ObjectRef {
    ObjectRef {
        api_version: api_version.into(),
        kind: kind.into(),
        namespace: if kind == "Namespace" {
            String::new()
        } else {
            "shop".into()
        },
        name: name.into(),
    }
}

fn applies(fake: &FakeCluster) -> Vec<String> {
    fake.writes()
        .into_iter()
        .filter(|w| !w.contains("shipshape-shop"))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_first_deploy_applies_phase_by_phase_and_records_revision_one() {
    let fake = FakeCluster::new();
    let lines = Lines::new(Vec::new());
    let done = deploy(&fake, &model(&app("v1")), &settings(), &lines)
        .await
        .expect("deployed");
    assert_eq!(done.revision, Some(1));
    assert_eq!(
        applies(&fake),
        [
            "apply Namespace/shop",
            "apply ConfigMap/flags",
            "apply Job/migrate-v1",
            "apply Deployment/api",
            "apply HorizontalPodAutoscaler/api",
        ]
    );
    let out = String::from_utf8(lines.into_inner()).unwrap();
    assert_eq!(
        out,
        "phase namespaces and CRDs: 1 objects\n  Namespace/shop: ready\n\
         phase config, secrets, RBAC, services: 1 objects\n  ConfigMap/flags in shop: ready\n\
         phase migrations: 1 objects\n  Job/migrate-v1 in shop: ready\n\
         phase workloads: 1 objects\n  Deployment/api in shop: ready\n\
         phase ingress, autoscaling, budgets, monitoring: 1 objects\n  \
         HorizontalPodAutoscaler/api in shop: ready\n"
    );
    let revisions = history::list(&fake, &Inventory::new("shop", "shop"))
        .await
        .unwrap();
    assert_eq!(revisions.len(), 1);
    assert_eq!(revisions[0].status, history::Status::Deployed);
    assert_eq!(revisions[0].who, "ada@laptop");
    let parent = fake
        .stored(&Inventory::new("shop", "shop").parent())
        .unwrap();
    assert_eq!(
        parent["metadata"]["annotations"][GROUP_KINDS],
        "ConfigMap,Deployment.apps,HorizontalPodAutoscaler.autoscaling,Job.batch,Namespace"
    );
    // The lock is free again.
    let lease = fake.stored(&lease_ref("shop", "shop")).unwrap();
    assert_eq!(lease["spec"]["holderIdentity"], Value::Null);
}

#[tokio::test(start_paused = true)]
async fn a_redeploy_of_the_same_set_writes_nothing() {
    let fake = FakeCluster::new();
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    fake.clear_writes();
    let again = deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    assert_eq!(again.revision, None);
    assert!(again.changes.iter().all(|c| c.action == Action::Unchanged));
    assert_eq!(fake.writes(), Vec::<String>::new());
}

#[tokio::test(start_paused = true)]
async fn an_update_shows_in_the_diff_and_restarts_the_pods() {
    let fake = FakeCluster::new();
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    let mut next = app("v2");
    next[1] = config("flags", "safe");
    let changes = diff(&fake, &model(&next), &settings()).await.unwrap();
    let summary: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {} {}", c.action, c.target, c.impact))
        .collect();
    assert_eq!(
        summary,
        [
            "unchanged Namespace/shop in place",
            "update ConfigMap/flags in shop in place",
            "create Job/migrate-v2 in shop in place",
            "update Deployment/api in shop rolling restart",
            "unchanged HorizontalPodAutoscaler/api in shop in place",
            "delete Job/migrate-v1 in shop in place",
        ]
    );
    assert_eq!(
        changes[1].to_string(),
        "~ update ConfigMap/flags in shop (in place)\n    /data/mode: \"fast\" -> \"safe\""
    );
    let done = deploy(&fake, &model(&next), &settings(), &Silent)
        .await
        .unwrap();
    assert_eq!(done.revision, Some(2));
    assert!(fake.stored(&at("Job", "batch/v1", "migrate-v1")).is_none());
}

#[tokio::test(start_paused = true)]
async fn secret_data_is_masked_in_the_diff_and_kept_out_of_history() {
    let fake = FakeCluster::new();
    let secret = |value: &str| {
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "api-key"},
               "data": {"key": value}})
    };
    deploy(
        &fake,
        &model(&[namespace(), secret("b2xk")]),
        &settings(),
        &Silent,
    )
    .await
    .unwrap();
    let changes = diff(&fake, &model(&[namespace(), secret("bmV3")]), &settings())
        .await
        .unwrap();
    assert_eq!(
        changes[1].to_string(),
        "~ update Secret/api-key in shop (in place)\n    /data/key: \"(hidden)\" -> \"(hidden)\""
    );
    let revisions = history::list(&fake, &Inventory::new("shop", "shop"))
        .await
        .unwrap();
    assert_eq!(revisions[0].manifests[1].get("data"), None);
}

#[tokio::test(start_paused = true)]
async fn a_kind_the_server_does_not_serve_is_refused_before_any_write() {
    let fake = FakeCluster::new();
    fake.unserve("autoscaling", "v2", "HorizontalPodAutoscaler");
    let error = deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "HorizontalPodAutoscaler/api in shop is autoscaling/v2 HorizontalPodAutoscaler, which \
         the server does not serve; it serves HorizontalPodAutoscaler as autoscaling/v1; render \
         for this server's version (--kubernetes) or change apiVersion"
    );
    assert_eq!(fake.writes(), Vec::<String>::new());
}

#[tokio::test(start_paused = true)]
async fn a_field_the_server_refuses_stops_the_deploy_before_any_write() {
    let fake = FakeCluster::new();
    fake.put(namespace());
    fake.fail(
        Op::DryRun,
        Some("api"),
        ApiError::Invalid(".spec.template.spec.containers[0].lifecycle.preStop.sleep: field not declared in schema".into()),
        1,
    );
    let error = deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        DeployError::Plan(PlanError::Refused { .. })
    ));
    assert_eq!(
        error.to_string(),
        "the server refuses Deployment/api in shop: .spec.template.spec.containers[0].lifecycle.preStop.sleep: field not declared in schema"
    );
    assert_eq!(fake.writes(), Vec::<String>::new());
}

#[tokio::test(start_paused = true)]
async fn a_failed_migration_stops_the_deploy_before_the_workloads() {
    let fake = FakeCluster::new();
    fake.settle(
        "Job",
        "migrate-v1",
        Settle::Status(json!({"failed": 4, "conditions": [{"type": "Failed", "status": "True",
            "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]})),
    );
    let error = deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap_err();
    let DeployError::Failed {
        revision,
        diagnoses,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(*revision, 1);
    assert_eq!(
        diagnoses[0].to_string(),
        "Job/migrate-v1 in shop: the Job failed (BackoffLimitExceeded): Job has reached the \
         specified backoff limit\n  condition Failed=True (BackoffLimitExceeded): Job has \
         reached the specified backoff limit"
    );
    assert!(!applies(&fake).contains(&"apply Deployment/api".to_owned()));
    let revisions = history::list(&fake, &Inventory::new("shop", "shop"))
        .await
        .unwrap();
    assert_eq!(revisions[0].status, history::Status::Failed);
}

#[tokio::test(start_paused = true)]
async fn a_wait_never_reads_the_status_of_the_previous_generation() {
    let fake = FakeCluster::new();
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    // The controller takes three looks to see generation 2; until then the status is
    // v1's, complete and ready.
    fake.settle("Deployment", "api", Settle::After(3));
    let lines = Lines::new(Vec::new());
    let mut next = app("v1");
    next[3]["spec"]["template"]["metadata"]["labels"]["tier"] = json!("web");
    deploy(&fake, &model(&next), &settings(), &lines)
        .await
        .unwrap();
    let out = String::from_utf8(lines.into_inner()).unwrap();
    assert!(
        out.contains(
            "phase workloads: 1 objects\n  Deployment/api in shop: waiting for the controller to \
         observe generation 2\n  Deployment/api in shop: ready\n"
        ),
        "{out}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_deploy_past_its_deadline_fails_and_rolls_back_to_the_last_good_revision() {
    let fake = FakeCluster::new();
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    fake.settle(
        "Deployment",
        "api",
        Settle::Once(Box::new(Settle::Status(
            json!({"replicas": 3, "updatedReplicas": 1, "conditions": [
            {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
             "message": "ReplicaSet \"api-7c\" has timed out progressing."}]}),
        ))),
    );
    let mut settings = settings();
    settings.rollback_on_failure = Some(Duration::from_secs(30));
    let error = deploy(&fake, &model(&app("v2")), &settings, &Silent)
        .await
        .unwrap_err();
    let DeployError::RolledBack {
        revision,
        restored,
        rollback,
        diagnoses,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!((*revision, *restored, *rollback), (2, 1, 3));
    assert_eq!(
        diagnoses[0].reason,
        "ProgressDeadlineExceeded: ReplicaSet \"api-7c\" has timed out progressing."
    );
    let live = fake.stored(&at("Deployment", "apps/v1", "api")).unwrap();
    assert_eq!(
        live["spec"]["template"]["spec"]["containers"][0]["image"],
        "v1"
    );
    let revisions = history::list(&fake, &Inventory::new("shop", "shop"))
        .await
        .unwrap();
    let summary: Vec<(u32, String, Option<u32>)> = revisions
        .iter()
        .map(|r| (r.number, r.status.to_string(), r.rollback_of))
        .collect();
    assert_eq!(
        summary,
        [
            (1, "deployed".into(), None),
            (2, "failed".into(), None),
            (3, "deployed".into(), Some(1)),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_rollback_restores_the_workloads_and_never_reruns_a_migration() {
    let fake = FakeCluster::new();
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    // v2 deploys fine, but its migration is kept (v1's is pruned).
    deploy(&fake, &model(&app("v2")), &settings(), &Silent)
        .await
        .unwrap();
    let error = rollback(&fake, &settings(), &Silent, None)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "rolling back to revision 1 would re-run its migration Job/migrate-v1 in shop, which \
         no longer exists; deploy a fixed revision instead"
    );
    // With v1's Job still there (an expand-contract migration kept), the rollback runs
    // and applies no Job.
    fake.put(json!({"apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "migrate-v1", "namespace": "shop"}, "spec": {},
        "status": {"conditions": [{"type": "Complete", "status": "True"}]}}));
    fake.clear_writes();
    let number = rollback(&fake, &settings(), &Silent, None).await.unwrap();
    assert_eq!(number, 3);
    let writes: Vec<String> = applies(&fake)
        .into_iter()
        .filter(|w| !w.contains("Lease"))
        .collect();
    assert_eq!(writes, ["apply Deployment/api"]);
    assert!(fake.stored(&at("Job", "batch/v1", "migrate-v2")).is_some());
}

#[tokio::test(start_paused = true)]
async fn prune_deletes_what_left_the_set_and_nothing_else() {
    let fake = FakeCluster::new();
    let first = vec![namespace(), config("flags", "fast"), config("old", "x")];
    deploy(&fake, &model(&first), &settings(), &Silent)
        .await
        .unwrap();
    // Another tool's ConfigMap in the same namespace, without the set's label.
    fake.put(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "theirs", "namespace": "shop"}}));
    let done = deploy(&fake, &model(&first[..2]), &settings(), &Silent)
        .await
        .unwrap();
    assert_eq!(done.kept, []);
    assert!(fake.stored(&at("ConfigMap", "v1", "old")).is_none());
    assert!(fake.stored(&at("ConfigMap", "v1", "theirs")).is_some());
    assert!(fake.writes().contains(&"delete ConfigMap/old".to_owned()));
}

#[tokio::test(start_paused = true)]
async fn a_failed_delete_stays_in_the_inventory_and_is_retried_next_time() {
    let fake = FakeCluster::new();
    let first = vec![
        namespace(),
        config("flags", "fast"),
        json!({"apiVersion": "v1",
        "kind": "Service", "metadata": {"name": "old"}, "spec": {"ports": [{"port": 80}]}}),
    ];
    deploy(&fake, &model(&first), &settings(), &Silent)
        .await
        .unwrap();
    fake.fail(Op::Delete, Some("old"), ApiError::Forbidden("no".into()), 1);
    let done = deploy(&fake, &model(&first[..2]), &settings(), &Silent)
        .await
        .unwrap();
    assert_eq!(
        done.kept,
        [(at("Service", "v1", "old"), "forbidden: no".to_owned())]
    );
    let parent = fake
        .stored(&Inventory::new("shop", "shop").parent())
        .unwrap();
    assert_eq!(
        parent["metadata"]["annotations"][GROUP_KINDS],
        "ConfigMap,Namespace,Service"
    );
    let again = diff(&fake, &model(&first[..2]), &settings()).await.unwrap();
    assert_eq!(
        again.last().unwrap().to_string(),
        "- delete Service/old in shop (in place)"
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_set_never_deletes_everything_without_prune_all() {
    let fake = FakeCluster::new();
    deploy(
        &fake,
        &model(&[namespace(), config("flags", "fast")]),
        &settings(),
        &Silent,
    )
    .await
    .unwrap();
    let error = deploy(&fake, &model(&[]), &settings(), &Silent)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the set is empty, and deploying it would delete all 2 objects of the deploy; pass \
         --prune-all if that is what you want"
    );
    let mut all = settings();
    all.prune_all = true;
    deploy(&fake, &model(&[]), &all, &Silent).await.unwrap();
    assert!(fake.stored(&at("ConfigMap", "v1", "flags")).is_none());
}

#[tokio::test(start_paused = true)]
async fn an_object_of_another_deploy_is_not_taken_over() {
    let fake = FakeCluster::new();
    fake.put(namespace());
    fake.put(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "flags", "namespace": "shop",
            "labels": {"applyset.kubernetes.io/part-of": "applyset-other-v1"}}}));
    let error = deploy(
        &fake,
        &model(&[namespace(), config("flags", "fast")]),
        &settings(),
        &Silent,
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "ConfigMap/flags in shop belongs to another deploy (ApplySet applyset-other-v1); \
         remove it there first, or deploy under that deploy's name"
    );
}

#[tokio::test(start_paused = true)]
async fn an_immutable_change_is_refused_with_what_to_do() {
    let fake = FakeCluster::new();
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    let mut next = app("v1");
    next[2]["spec"]["template"]["spec"]["containers"][0]["args"] = json!(["--fast"]);
    let error = deploy(&fake, &model(&next), &settings(), &Silent)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "the server refuses to change these objects in place; delete them (and let the deploy \
         create them again) or give them a new name:\n  Job/migrate-v1 in shop (recreate: a \
         field is immutable): Job \"migrate-v1\" is invalid: spec.template: Invalid value: \
         field is immutable"
    );
}

#[tokio::test(start_paused = true)]
async fn transient_api_errors_are_retried_and_lasting_ones_reported() {
    let fake = FakeCluster::new();
    fake.fail(
        Op::Apply,
        None,
        ApiError::TooManyRequests("slow down".into()),
        2,
    );
    fake.fail(
        Op::Get,
        None,
        ApiError::Server {
            code: 500,
            message: "etcd".into(),
        },
        3,
    );
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    fake.fail(
        Op::Apply,
        Some("flags"),
        ApiError::Server {
            code: 503,
            message: "unavailable".into(),
        },
        10,
    );
    let mut next = app("v1");
    next[1] = config("flags", "safe");
    let error = deploy(&fake, &model(&next), &settings(), &Silent)
        .await
        .unwrap_err();
    let DeployError::Failed { diagnoses, .. } = error else {
        panic!()
    };
    assert_eq!(
        diagnoses[0].to_string(),
        "ConfigMap/flags in shop: apply failed: server error 503: unavailable"
    );
}

#[tokio::test(start_paused = true)]
async fn a_lock_held_by_a_live_deploy_stops_another() {
    let fake = FakeCluster::new();
    fake.put(namespace());
    let renewed = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string();
    fake.put(
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "shipshape-shop", "namespace": "shop"},
        "spec": {"holderIdentity": "bob@ci", "leaseDurationSeconds": 30, "renewTime": renewed}}),
    );
    let error = deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap_err();
    let DeployError::Lock(LockError::Held { holder, .. }) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(holder, "bob@ci");
    assert!(
        error
            .to_string()
            .ends_with("wait for it, or if it died pass --break-lock")
    );
    let mut breaking = settings();
    breaking.break_lock = true;
    deploy(&fake, &model(&app("v1")), &breaking, &Silent)
        .await
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_lock_whose_holder_died_is_taken_over() {
    let fake = FakeCluster::new();
    fake.put(namespace());
    fake.put(
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "shipshape-shop", "namespace": "shop"},
        "spec": {"holderIdentity": "bob@ci", "leaseDurationSeconds": 30,
                 "renewTime": "2020-01-01T00:00:00.000000Z"}}),
    );
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_deploy_that_loses_its_lock_stops() {
    let fake = FakeCluster::new();
    fake.settle("Deployment", "api", Settle::Never);
    let takeover = async {
        // 25 s in, while the deploy waits for its Deployment, someone breaks the lock.
        tokio::time::sleep(Duration::from_secs(25)).await;
        let mut lease = fake.stored(&lease_ref("shop", "shop")).unwrap();
        lease["spec"]["holderIdentity"] = json!("eve@ci");
        fake.put(lease);
    };
    let set = model(&app("v1"));
    let settings = settings();
    let (result, ()) = tokio::join!(deploy(&fake, &set, &settings, &Silent), takeover);
    assert_eq!(
        result.unwrap_err().to_string(),
        "lost the lock to eve@ci while deploying; stopped before the next change"
    );
}

#[tokio::test(start_paused = true)]
async fn a_crash_loop_is_diagnosed_with_the_pods_state_and_log() {
    let fake = FakeCluster::new();
    fake.settle("Deployment", "api", Settle::Never);
    fake.put(namespace());
    fake.put(json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "api-1", "namespace": "shop", "labels": {"app": "api"}},
        "status": {"phase": "Running", "containerStatuses": [{"name": "api",
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}},
            "lastState": {"terminated": {"reason": "Error", "exitCode": 2}}}]}}));
    fake.set_log(
        "api-1",
        "api",
        "starting\nconfig: DATABASE_URL is not set\n",
    );
    let error = deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap_err();
    let DeployError::Failed { diagnoses, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        diagnoses[0].to_string(),
        "Deployment/api in shop: pod api-1, container api: CrashLoopBackOff\n  pod api-1\n    \
         container api waiting: CrashLoopBackOff back-off 40s restarting failed container\n    \
         container api last terminated: Error (exit code 2)\n    last log lines:\n      \
         starting\n      config: DATABASE_URL is not set"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wait_that_never_ends_fails_at_its_deadline_with_what_it_waited_for() {
    let fake = FakeCluster::new();
    fake.settle("Deployment", "api", Settle::Never);
    fake.put(namespace());
    fake.put(json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "api-1", "namespace": "shop", "labels": {"app": "api"}},
        "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
            "reason": "Unschedulable", "message": "0/3 nodes are available: 3 Insufficient cpu."}]}}));
    let error = deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap_err();
    let DeployError::Failed { diagnoses, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        diagnoses[0].to_string(),
        "Deployment/api in shop: pod api-1 cannot be scheduled: 0/3 nodes are available: 3 \
         Insufficient cpu.\n  pod api-1\n    not scheduled: 0/3 nodes are available: 3 \
         Insufficient cpu."
    );
    // Without a hopeless pod, the deadline ends it.
    let fake = FakeCluster::new();
    fake.settle("Deployment", "api", Settle::Never);
    let error = deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap_err();
    let DeployError::Failed { diagnoses, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        diagnoses[0].reason,
        "not ready after 60s: 0 of 2 new replicas have been updated"
    );
}

#[tokio::test(start_paused = true)]
async fn a_crd_is_established_before_its_resources_are_applied() {
    let fake = FakeCluster::new();
    let crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"kind": "Widget", "plural": "widgets"},
                 "versions": [{"name": "v1", "served": true, "storage": true}]}});
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w"}, "spec": {"size": 1}});
    deploy(
        &fake,
        &model(&[namespace(), crd, widget]),
        &settings(),
        &Silent,
    )
    .await
    .unwrap();
    assert_eq!(
        applies(&fake),
        [
            "apply Namespace/shop",
            "apply CustomResourceDefinition/widgets.example.com",
            "apply Widget/w",
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn status_reports_each_object_with_the_same_diagnosis() {
    let fake = FakeCluster::new();
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    fake.settle(
        "Deployment",
        "api",
        Settle::Status(json!({"replicas": 2, "updatedReplicas": 2, "availableReplicas": 1,
            "conditions": [{"type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
                            "message": "Deployment does not have minimum availability."}]})),
    );
    let (revision, objects) = status(&fake, &settings()).await.unwrap();
    assert_eq!(revision.number, 1);
    let summary: Vec<(String, Health)> = objects
        .iter()
        .map(|o| (o.target.to_string(), o.health.clone()))
        .collect();
    assert_eq!(
        summary[3],
        (
            "Deployment/api in shop".to_owned(),
            Health::Progressing("1 of 2 updated replicas are available".into())
        )
    );
    assert_eq!(
        objects[3].diagnosis.as_ref().unwrap().condition.as_deref(),
        Some(
            "Available=False (MinimumReplicasUnavailable): Deployment does not have minimum availability."
        )
    );
    assert!(objects.iter().filter(|o| o.health == Health::Ready).count() == 4);
}

#[tokio::test(start_paused = true)]
async fn data_risk_is_flagged_when_a_volume_claim_leaves_the_set() {
    let fake = FakeCluster::new();
    let claim = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}}}});
    deploy(&fake, &model(&[namespace(), claim]), &settings(), &Silent)
        .await
        .unwrap();
    let changes = diff(&fake, &model(&[namespace()]), &settings())
        .await
        .unwrap();
    assert_eq!(changes[1].action, Action::Delete);
    assert_eq!(changes[1].impact, Impact::DataRisk);
    assert_eq!(
        changes[1].to_string(),
        "- delete PersistentVolumeClaim/data in shop (DATA RISK: stored data may be lost)"
    );
}

#[tokio::test(start_paused = true)]
async fn pods_of_the_previous_revision_say_nothing_until_the_controller_saw_the_apply() {
    let fake = FakeCluster::new();
    deploy(&fake, &model(&app("v1")), &settings(), &Silent)
        .await
        .unwrap();
    // A crash-looping pod left by a failed release, and a controller that takes two
    // looks to see the new generation: the pod is not this apply's.
    fake.put(json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "api-old", "namespace": "shop", "labels": {"app": "api"}},
        "status": {"containerStatuses": [{"name": "api",
            "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}}));
    fake.settle("Deployment", "api", Settle::After(2));
    let mut next = app("v1");
    next[3]["spec"]["replicas"] = json!(3);
    let done = deploy(&fake, &model(&next), &settings(), &Silent)
        .await
        .unwrap();
    assert_eq!(done.revision, Some(2));
}
