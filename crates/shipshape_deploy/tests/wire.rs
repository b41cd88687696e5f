//! What `KubeCluster` sends over the wire, pinned against a kube-rs client whose service
//! is a function of this test (kube-rs's mock-service pattern): the server-side apply
//! patch with its field manager and force, `dryRun=All`, discovery, the UID precondition
//! of a delete, log requests, and how the API's errors (409, 429, 500) come back.

use std::sync::{Arc, Mutex};

use http::{Request, Response};
use kube::Client;
use kube::client::Body;
use serde_json::{Value, json};
use shipshape_deploy::{ApiError, Cluster, KubeCluster, ObjectRef, Served};

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    content_type: String,
    body: Value,
}

type Answer = fn(&str, &str) -> Option<(u16, Value)>;

/// A cluster whose server answers discovery for core/v1 ConfigMaps and Pods and
/// apps/v1 Deployments, and every other request with `answer` (method, path and query).
fn cluster(answer: Answer) -> (KubeCluster, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let service = tower::service_fn(move |request: Request<Body>| {
        let log = Arc::clone(&log);
        async move {
            let method = request.method().to_string();
            let uri = request.uri().to_string();
            let content_type = request
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let bytes = request.into_body().collect_bytes().await.unwrap();
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let (code, reply) = discovery(&uri)
                .map(|r| (200, r))
                .or_else(|| answer(&method, &uri))
                .unwrap_or((404, status(404, "NotFound", "not found")));
            log.lock().unwrap().push(Seen {
                method,
                uri,
                content_type,
                body,
            });
            Ok::<_, std::convert::Infallible>(
                Response::builder()
                    .status(code)
                    .header("content-type", "application/json")
                    .body(Body::from(serde_json::to_vec(&reply).unwrap()))
                    .unwrap(),
            )
        }
    });
    (KubeCluster::new(Client::new(service, "default")), seen)
}

fn status(code: u16, reason: &str, message: &str) -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": code,
           "reason": reason, "message": message})
}

fn resource(name: &str, kind: &str, namespaced: bool) -> Value {
    json!({"name": name, "singularName": "", "namespaced": namespaced, "kind": kind,
           "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]})
}

fn discovery(uri: &str) -> Option<Value> {
    Some(match uri {
        "/api" => json!({"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": []}),
        "/apis" => json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": "apps", "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
             "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"}}]}),
        "/api/v1" => json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            resource("configmaps", "ConfigMap", true),
            resource("pods", "Pod", true),
            resource("pods/log", "Pod", true),
            resource("namespaces", "Namespace", false)]}),
        "/apis/apps/v1" => json!({"kind": "APIResourceList", "groupVersion": "apps/v1",
            "resources": [resource("deployments", "Deployment", true)]}),
        _ => return None,
    })
}

fn config_map() -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": "flags", "namespace": "shop"}, "data": {"mode": "fast"}})
}

fn echo(method: &str, uri: &str) -> Option<(u16, Value)> {
    let mut stored = config_map();
    stored["metadata"]["uid"] = json!("u-1");
    stored["metadata"]["resourceVersion"] = json!("7");
    match (method, uri) {
        ("PATCH" | "GET" | "PUT" | "POST", _) if uri.contains("/configmaps") => Some((200, stored)),
        ("DELETE", _) => Some((200, status(200, "", ""))),
        _ => None,
    }
}

fn requests(seen: &Arc<Mutex<Vec<Seen>>>) -> Vec<Seen> {
    seen.lock()
        .unwrap()
        .iter()
        .filter(|s| discovery(&s.uri).is_none())
        .cloned()
        .collect()
}

#[tokio::test]
async fn discovery_reports_every_served_kind_with_its_scope() {
    let (cluster, _) = cluster(echo);
    let mut served = cluster.discover().await.unwrap();
    served.sort();
    let entry = |group: &str, kind: &str, plural: &str, namespaced| Served {
        group: group.into(),
        version: "v1".into(),
        kind: kind.into(),
        plural: plural.into(),
        namespaced,
    };
    assert_eq!(
        served,
        [
            entry("", "ConfigMap", "configmaps", true),
            entry("", "Namespace", "namespaces", false),
            entry("", "Pod", "pods", true),
            entry("apps", "Deployment", "deployments", true),
        ]
    );
}

#[tokio::test]
async fn apply_is_a_forced_server_side_apply_patch_under_the_field_manager() {
    let (cluster, seen) = cluster(echo);
    let answer = cluster
        .apply(&config_map(), "shipshape", false)
        .await
        .unwrap();
    assert_eq!(answer["metadata"]["uid"], "u-1");
    cluster
        .apply(&config_map(), "shipshape", true)
        .await
        .unwrap();
    let seen = requests(&seen);
    assert_eq!(seen[0].method, "PATCH");
    assert_eq!(
        seen[0].uri,
        "/api/v1/namespaces/shop/configmaps/flags?&force=true&fieldManager=shipshape"
    );
    assert_eq!(seen[0].content_type, "application/apply-patch+yaml");
    assert_eq!(seen[0].body, config_map());
    assert_eq!(
        seen[1].uri,
        "/api/v1/namespaces/shop/configmaps/flags?&dryRun=All&force=true&fieldManager=shipshape"
    );
}

#[tokio::test]
async fn delete_carries_the_uid_precondition() {
    let (cluster, seen) = cluster(echo);
    let target = ObjectRef::of(&config_map());
    cluster.delete(&target, "u-1").await.unwrap();
    let seen = requests(&seen);
    assert_eq!(seen[0].method, "DELETE");
    assert_eq!(seen[0].uri, "/api/v1/namespaces/shop/configmaps/flags?");
    assert_eq!(
        seen[0].body,
        json!({"propagationPolicy": "Background", "preconditions": {"uid": "u-1"}})
    );
}

#[tokio::test]
async fn lists_select_by_label_and_logs_ask_for_the_tail() {
    fn answer(_: &str, uri: &str) -> Option<(u16, Value)> {
        if uri.starts_with("/api/v1/namespaces/shop/pods?") {
            return Some((
                200,
                json!({"kind": "PodList", "apiVersion": "v1", "metadata": {},
                "items": [{"metadata": {"name": "api-1", "namespace": "shop"}}]}),
            ));
        }
        None
    }
    let (cluster, seen) = cluster(answer);
    let pods = cluster.list("v1", "Pod", "shop", "app=api").await.unwrap();
    assert_eq!(
        pods,
        [json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "api-1", "namespace": "shop"}})]
    );
    let _ = cluster.logs("shop", "api-1", "api", 10).await;
    let seen = requests(&seen);
    assert_eq!(
        seen[0].uri,
        "/api/v1/namespaces/shop/pods?&labelSelector=app%3Dapi"
    );
    assert_eq!(
        seen[1].uri,
        "/api/v1/namespaces/shop/pods/api-1/log?&container=api&tailLines=10"
    );
}

#[tokio::test]
async fn the_apis_errors_come_back_sorted_by_what_the_engine_does() {
    fn answer(_: &str, uri: &str) -> Option<(u16, Value)> {
        let code = match uri.split('/').nth(6)? {
            n if n.starts_with("conflict") => 409,
            n if n.starts_with("busy") => 429,
            n if n.starts_with("broken") => 500,
            n if n.starts_with("invalid") => 422,
            _ => return None,
        };
        Some((code, status(code, "X", &format!("status {code}"))))
    }
    let (cluster, _) = cluster(answer);
    let named = |name: &str| ObjectRef {
        name: name.into(),
        ..ObjectRef::of(&config_map())
    };
    let get = |name: &'static str| {
        let cluster = &cluster;
        let target = named(name);
        async move { cluster.get(&target).await.unwrap_err() }
    };
    assert_eq!(
        get("conflict").await,
        ApiError::Conflict("status 409".into())
    );
    assert_eq!(
        get("busy").await,
        ApiError::TooManyRequests("status 429".into())
    );
    assert_eq!(
        get("broken").await,
        ApiError::Server {
            code: 500,
            message: "status 500".into()
        }
    );
    assert_eq!(get("invalid").await, ApiError::Invalid("status 422".into()));
    assert_eq!(cluster.get(&named("missing")).await, Ok(None));
    let unserved = ObjectRef {
        api_version: "autoscaling/v2".into(),
        kind: "HorizontalPodAutoscaler".into(),
        namespace: "shop".into(),
        name: "api".into(),
    };
    assert_eq!(
        cluster.get(&unserved).await,
        Err(ApiError::NotFound(
            "the server could not find the requested resource (autoscaling/v2 HorizontalPodAutoscaler)"
                .into()
        ))
    );
}
