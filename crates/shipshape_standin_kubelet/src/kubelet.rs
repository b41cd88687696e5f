//! The loop: register the nodes, then on every pass act on each pod bound to them by its
//! UID (a StatefulSet's replacement pod has the old one's name): report the status a real
//! kubelet would, run the completion hook, finish deletions, and send the nodes'
//! heartbeats.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::jiff::Timestamp;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions};
use kube::{Api, Client};
use serde_json::{Value, json};
use shipshape_simulate::cluster::Cluster;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::failure::{FAIL_ANNOTATION, Failure};
use crate::status::{self, Life, RUN_TO_COMPLETION};
use crate::{logs, node};

/// How often the stand-in looks at its pods. Listing the bound pods of a test cluster
/// (tens to hundreds) is cheap, and a pass that recomputes every pod's state from its
/// age is simpler to get right than reacting to watch events.
pub const PASS: Duration = Duration::from_millis(250);

/// How often the nodes report they are alive; the node controller marks a node
/// unreachable after 40 s without a heartbeat.
pub const HEARTBEAT: Duration = Duration::from_secs(10);

/// The longest the completion hook may run before the pod is failed.
pub const HOOK_DEADLINE: Duration = Duration::from_secs(60);

/// The field manager the stand-in writes as, so `managedFields` tell its writes apart.
fn writer() -> PatchParams {
    PatchParams {
        field_manager: Some("shipshape-standin-kubelet".to_owned()),
        ..PatchParams::default()
    }
}

/// What the stand-in is to do.
#[derive(Clone)]
pub struct Options {
    /// The nodes to register and serve.
    pub cluster: Cluster,
    /// A program run when a pod that runs to completion would succeed, playing the part
    /// of its containers (see the crate docs); the pod fails when it exits non-zero.
    pub on_success: Option<PathBuf>,
    /// Where to serve pods' logs (on 127.0.0.1), and with which TLS identity.
    pub logs: Option<(u16, TlsAcceptor)>,
}

/// What the stand-in remembers of one pod, by UID.
struct Tracked {
    since: Instant,
    started_at: String,
    pod_ip: Ipv4Addr,
    /// The completion hook's outcome (true: it succeeded), set by its task once it
    /// exits; `None` until the hook is started. It runs beside the loop, so a slow hook
    /// holds back neither other pods nor the nodes' heartbeats.
    hook: Option<Arc<OnceLock<bool>>>,
    reported: Option<Value>,
    warned: bool,
}

/// Registers the nodes and serves their pods until `shutdown` completes.
///
/// # Errors
/// When a node cannot be registered; errors of single passes are reported on standard
/// error and retried on the next pass.
pub async fn run(
    client: Client,
    options: Options,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let nodes: Api<Node> = Api::all(client.clone());
    let mut log_server = None;
    if let Some((port, tls)) = &options.logs {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, *port))
            .await
            .with_context(|| format!("listening on 127.0.0.1:{port} for logs"))?;
        log_server = Some(AbortOnDrop(tokio::spawn(logs::serve(
            listener,
            tls.clone(),
            Api::all(client.clone()),
        ))));
    }
    let port = options.logs.as_ref().map(|(port, _)| *port);
    for entry in &options.cluster.nodes {
        register(&nodes, entry, port).await?;
    }
    eprintln!("standin-kubelet: registered {}", options.cluster.summary());
    let names: HashSet<String> = options
        .cluster
        .nodes
        .iter()
        .map(|n| n.name.clone())
        .collect();
    let mut kubelet = Kubelet {
        pods: Api::all(client),
        names,
        options,
        tracked: HashMap::new(),
        next_ip: 1,
    };
    let mut pass = tokio::time::interval(PASS);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => {
                drop(log_server);
                return Ok(());
            }
            _ = heartbeat.tick() => {
                for name in &kubelet.names {
                    let beat = Patch::Strategic(node::heartbeat(&now()));
                    if let Err(e) = nodes.patch_status(name, &writer(), &beat).await {
                        eprintln!("standin-kubelet: heartbeat of node {name}: {e}");
                    }
                }
            }
            _ = pass.tick() => {
                if let Err(e) = kubelet.pass().await {
                    eprintln!("standin-kubelet: {e:#}");
                }
            }
        }
    }
}

/// Stops the log server with the loop that started it.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Creates the node, or refreshes its status when it exists (a restarted stand-in).
async fn register(
    nodes: &Api<Node>,
    entry: &shipshape_simulate::cluster::Node,
    kubelet_port: Option<u16>,
) -> Result<()> {
    let object = node::node_object(entry, &now(), kubelet_port)?;
    match nodes.create(&PostParams::default(), &object).await {
        Ok(_) => {}
        Err(kube::Error::Api(status)) if status.code == 409 => {}
        Err(e) => return Err(e).with_context(|| format!("registering node {}", entry.name)),
    }
    // The API server may drop a status sent with the create; a status patch keeps it.
    let status = json!({"status": serde_json::to_value(&object)?["status"]});
    nodes
        .patch_status(&entry.name, &writer(), &Patch::Merge(status))
        .await
        .with_context(|| format!("reporting the status of node {}", entry.name))?;
    Ok(())
}

/// The current time as Kubernetes writes it.
fn now() -> String {
    serde_json::to_value(Time(Timestamp::now()))
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

struct Kubelet {
    pods: Api<Pod>,
    names: HashSet<String>,
    options: Options,
    tracked: HashMap<String, Tracked>,
    next_ip: u32,
}

impl Kubelet {
    async fn pass(&mut self) -> Result<()> {
        let bound = ListParams::default().fields("spec.nodeName!=");
        let list = self.pods.list(&bound).await.context("listing bound pods")?;
        let mut seen = HashSet::new();
        for pod in list.items {
            let on_ours = pod
                .spec
                .as_ref()
                .and_then(|s| s.node_name.as_ref())
                .is_some_and(|n| self.names.contains(n));
            let Some(uid) = pod.metadata.uid.clone() else {
                continue;
            };
            if !on_ours {
                continue;
            }
            seen.insert(uid.clone());
            if let Err(e) = self.act(&pod, &uid).await {
                eprintln!("standin-kubelet: pod {}: {e:#}", describe(&pod));
            }
        }
        self.tracked.retain(|uid, _| seen.contains(uid));
        Ok(())
    }

    async fn act(&mut self, pod: &Pod, uid: &str) -> Result<()> {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let namespace = pod.metadata.namespace.clone().unwrap_or_default();
        let api: Api<Pod> = Api::namespaced(self.pods.clone().into_client(), &namespace);
        if pod.metadata.deletion_timestamp.is_some() {
            // No containers to stop: the grace period is over at once.
            let delete = DeleteParams {
                grace_period_seconds: Some(0),
                preconditions: Some(Preconditions {
                    uid: Some(uid.to_owned()),
                    resource_version: None,
                }),
                ..DeleteParams::default()
            };
            return match api.delete(&name, &delete).await {
                Ok(_) => {
                    eprintln!("standin-kubelet: pod {} deleted", describe(pod));
                    Ok(())
                }
                Err(kube::Error::Api(s)) if s.code == 404 || s.code == 409 => Ok(()),
                Err(e) => Err(e).context("finishing the deletion"),
            };
        }
        let next_ip = &mut self.next_ip;
        let tracked = self.tracked.entry(uid.to_owned()).or_insert_with(|| {
            let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 244, 0, 0)) + *next_ip);
            *next_ip += 1;
            Tracked {
                since: Instant::now(),
                started_at: now(),
                pod_ip: ip,
                hook: None,
                reported: None,
                warned: false,
            }
        });
        let requested = pod
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(FAIL_ANNOTATION))
            .map(|v| Failure::parse(v));
        let mut failure = match requested {
            Some(Ok(failure)) => Some(failure),
            Some(Err(unknown)) => {
                if !tracked.warned {
                    eprintln!("standin-kubelet: pod {}: {unknown}", describe(pod));
                    tracked.warned = true;
                }
                None
            }
            None => None,
        };
        let elapsed = tracked.since.elapsed();
        let completes = status::runs_to_completion(pod) && elapsed >= RUN_TO_COMPLETION;
        let mut held = false;
        if let (None, true, Some(program)) = (failure, completes, &self.options.on_success) {
            let outcome = tracked.hook.get_or_insert_with(|| {
                let outcome = Arc::new(OnceLock::new());
                let (program, pod, done) = (program.clone(), pod.clone(), outcome.clone());
                tokio::spawn(async move {
                    let _ = done.set(run_hook(&program, &pod).await);
                });
                outcome
            });
            match outcome.get() {
                None => held = true,
                Some(false) => failure = Some(Failure::Fail),
                Some(true) => {}
            }
        }
        let life = Life {
            started_at: tracked.started_at.clone(),
            elapsed,
            held,
            pod_ip: tracked.pod_ip.to_string(),
            host_ip: node::NODE_ADDRESS.to_string(),
        };
        let desired = status::desired(pod, failure, &life);
        if tracked.reported.as_ref() == Some(&desired) {
            return Ok(());
        }
        // The UID in the patch is a precondition: the patch cannot land on a newer pod
        // of the same name.
        let patch = json!({"metadata": {"uid": uid}, "status": desired});
        api.patch_status(&name, &writer(), &Patch::Strategic(patch))
            .await
            .context("reporting its status")?;
        let line = summary(&desired);
        if tracked.reported.as_ref().map(summary) != Some(line.clone()) {
            eprintln!("standin-kubelet: pod {} {line}", describe(pod));
        }
        tracked.reported = Some(desired);
        Ok(())
    }
}

/// `phase`, readiness and the first container's waiting reason: what the log says when
/// it changes.
fn summary(status: &Value) -> String {
    let ready = status["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "Ready"))
        .is_some_and(|c| c["status"] == "True");
    let waiting = status["containerStatuses"][0]["state"]["waiting"]["reason"].as_str();
    let mut line = status["phase"].as_str().unwrap_or("?").to_owned();
    if ready {
        line.push_str(" Ready");
    }
    if let Some(reason) = waiting {
        line.push_str(" (");
        line.push_str(reason);
        line.push(')');
    }
    line
}

fn describe(pod: &Pod) -> String {
    format!(
        "{}/{}",
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        pod.metadata.name.as_deref().unwrap_or_default()
    )
}

/// Runs the completion hook with the pod as JSON on its standard input; true when it
/// exits 0 within [`HOOK_DEADLINE`].
async fn run_hook(program: &Path, pod: &Pod) -> bool {
    let input = serde_json::to_vec(pod).unwrap_or_default();
    let child = tokio::process::Command::new(program)
        .env("SHIPSHAPE_STANDIN_POD", describe(pod))
        .stdin(Stdio::piped())
        .kill_on_drop(true)
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => {
            eprintln!(
                "standin-kubelet: cannot run the hook {}: {e}",
                program.display()
            );
            return false;
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A hook that does not read its input is fine.
        let _ = stdin.write_all(&input).await;
    }
    match tokio::time::timeout(HOOK_DEADLINE, child.wait()).await {
        Ok(Ok(exit)) if exit.success() => true,
        Ok(Ok(exit)) => {
            eprintln!(
                "standin-kubelet: hook for pod {} exited with {exit}",
                describe(pod)
            );
            false
        }
        Ok(Err(e)) => {
            eprintln!("standin-kubelet: hook for pod {}: {e}", describe(pod));
            false
        }
        Err(_) => {
            eprintln!(
                "standin-kubelet: hook for pod {} ran longer than {} s",
                describe(pod),
                HOOK_DEADLINE.as_secs()
            );
            false
        }
    }
}
