use serde_json::Value;

use crate::templates::describe;
use crate::{CheckContext, Container, Emitter, Object, PodTemplate, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// StatefulSets of several pods whose members become ready only together, as the
    /// members of a quorum do, and that cannot start together. A set is such a quorum
    /// when its pods are told to bootstrap with their peers (an etcd
    /// `--initial-cluster` / `ETCD_INITIAL_CLUSTER`, ZooKeeper's `ZOO_SERVERS`, Consul's
    /// `-bootstrap-expect` above 1, or any argument or variable that names two or more
    /// of the set's own pods, `db-0` and `db-1`) and a container's readiness probe asks
    /// for the quorum: etcd's `/health` or `/readyz` (or `etcdctl endpoint health`),
    /// Consul's `/v1/status/leader`, or a probe whose path or command speaks of a
    /// `leader` or a `quorum`. Two things then deadlock the first start, each reported
    /// where it is fixed:
    /// - `podManagementPolicy: OrderedReady`, the default, on the StatefulSet;
    /// - a governing Service (`serviceName`) in the input without
    ///   `publishNotReadyAddresses: true`.
    ///
    /// ## Why it matters
    /// With `OrderedReady` the controller creates pod 1 only once pod 0 is ready, and
    /// pod 0 is ready only once a quorum of members runs: pod 1 is never created and
    /// the cluster never forms. Without `publishNotReadyAddresses`, the governing
    /// Service publishes a member's DNS name only once it is ready, so members cannot
    /// resolve each other to form the quorum that would make them ready. Neither shows
    /// until the first install, which hangs.
    ///
    /// ## How to fix
    /// Set `podManagementPolicy: Parallel` on the StatefulSet and
    /// `publishNotReadyAddresses: true` on its governing (headless) Service. Clients
    /// should reach the members through a second Service that publishes ready pods only.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: etcd
    /// spec:
    ///   clusterIP: None
    ///   selector: { app: etcd }
    ///   ports:
    ///     - { name: peer, port: 2380 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: etcd
    /// spec:
    ///   serviceName: etcd
    ///   replicas: 3
    ///   selector:
    ///     matchLabels: { app: etcd }
    ///   template:
    ///     metadata:
    ///       labels: { app: etcd }
    ///     spec:
    ///       containers:
    ///         - name: etcd
    ///           image: registry.k8s.io/etcd:3.5.17-0
    ///           command:
    ///             - etcd
    ///             - --initial-cluster=etcd-0=http://etcd-0.etcd:2380,etcd-1=http://etcd-1.etcd:2380,etcd-2=http://etcd-2.etcd:2380
    ///           readinessProbe:
    ///             httpGet: { path: /readyz, port: 2381 }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Service
    /// metadata:
    ///   name: etcd
    /// spec:
    ///   clusterIP: None
    ///   publishNotReadyAddresses: true
    ///   selector: { app: etcd }
    ///   ports:
    ///     - { name: peer, port: 2380 }
    /// ---
    /// apiVersion: apps/v1
    /// kind: StatefulSet
    /// metadata:
    ///   name: etcd
    /// spec:
    ///   serviceName: etcd
    ///   replicas: 3
    ///   podManagementPolicy: Parallel
    ///   selector:
    ///     matchLabels: { app: etcd }
    ///   template:
    ///     metadata:
    ///       labels: { app: etcd }
    ///     spec:
    ///       containers:
    ///         - name: etcd
    ///           image: registry.k8s.io/etcd:3.5.17-0
    ///           command:
    ///             - etcd
    ///             - --initial-cluster=etcd-0=http://etcd-0.etcd:2380,etcd-1=http://etcd-1.etcd:2380,etcd-2=http://etcd-2.etcd:2380
    ///           readinessProbe:
    ///             httpGet: { path: /readyz, port: 2381 }
    /// ```
    pub struct StatefulSetStartDeadlock {
        id: "SS019",
        name: "statefulset-start-deadlock",
        severity: Error,
        theme: Reliability,
        summary: "StatefulSet whose members are ready only together cannot start together",
    }
}

/// Every word a container is started with: command, args, and env names and values.
fn words<'a>(container: &Container<'a>) -> Vec<&'a str> {
    let mut words = Vec::new();
    for field in ["/command", "/args"] {
        let list = container.get(field).and_then(Value::as_array);
        words.extend(list.into_iter().flatten().filter_map(Value::as_str));
    }
    let env = container.get("/env").and_then(Value::as_array);
    for var in env.into_iter().flatten() {
        words.extend(var["name"].as_str());
        words.extend(var["value"].as_str());
    }
    words
}

/// Whether `text` names a pod of `set` (`<set>-<ordinal>`) other than ordinal 0, so
/// that the member is told of its peers by name.
fn names_a_peer(text: &str, set: &str) -> bool {
    text.match_indices(set).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let rest = &text[at + set.len()..];
        let ordinal: String = rest
            .strip_prefix('-')
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let after = rest.chars().nth(1 + ordinal.len());
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
            && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
            && ordinal.parse::<u32>().is_ok_and(|n| n > 0)
    })
}

/// Whether a member of `set` is told to bootstrap with its peers: by name, or by
/// Consul's count of servers to wait for.
fn has_peer_list(container: &Container<'_>, set: &str) -> bool {
    let text = words(container).join(" ");
    let expects_peers = text.match_indices("bootstrap-expect").any(|(at, key)| {
        let count: String = text[at + key.len()..]
            .trim_start_matches(|c: char| c == '=' || c.is_whitespace())
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        count.parse::<u32>().is_ok_and(|n| n > 1)
    });
    expects_peers || names_a_peer(&text, set)
}

/// The readiness probe of `container`, when it asks for a quorum.
fn quorum_readiness(container: &Container<'_>) -> Option<String> {
    let probe = container.get("/readinessProbe")?;
    let image = container.get("/image")?.as_str()?;
    let name = image.split('@').next().unwrap_or(image);
    let repository = name.rsplit('/').next().unwrap_or(name);
    let path = probe.pointer("/httpGet/path").and_then(Value::as_str);
    let command: Vec<&str> = probe
        .pointer("/exec/command")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let command = command.join(" ");
    let generic = |text: &str| {
        let text = text.to_ascii_lowercase();
        text.contains("leader") || text.contains("quorum")
    };
    let quorum = match repository {
        r if r.starts_with("etcd") => {
            path.is_some_and(|p| p.starts_with("/health") || p.starts_with("/readyz"))
                || command.contains("endpoint health")
        }
        _ => false,
    } || path.is_some_and(generic)
        || generic(&command);
    quorum.then(|| match path {
        Some(path) => format!("readiness probe on {path}"),
        None => "readiness probe".to_owned(),
    })
}

/// The container of `pod` that is a quorum member, and how its readiness needs the
/// quorum.
fn quorum_member<'a>(pod: &PodTemplate<'a>, set: &str) -> Option<(Container<'a>, String)> {
    pod.app_containers()
        .find_map(|c| Some((quorum_readiness(&c)?, c)).filter(|(_, c)| has_peer_list(c, set)))
        .map(|(how, c)| (c, how))
}

impl SetRule for StatefulSetStartDeadlock {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for set in cx.of_kind(&kinds::STATEFUL_SET) {
            if set.get("/spec/replicas").and_then(Value::as_i64) <= Some(1) {
                continue;
            }
            let Some(pod) = set.pod_template() else {
                continue;
            };
            let Some((container, readiness)) = quorum_member(&pod, set.name()) else {
                continue;
            };
            let member = describe(&container);
            let policy = set.str_at("/spec/podManagementPolicy");
            // Any other value is refused by the API server: SS060's finding.
            let how = match policy {
                None => Some("podManagementPolicy defaults to OrderedReady"),
                Some("OrderedReady") => Some("podManagementPolicy: OrderedReady"),
                Some(_) => None,
            };
            if let Some(how) = how {
                out.report(
                    set,
                    "/spec/podManagementPolicy",
                    format!(
                        "starts its pods one at a time ({how}), but {member} is ready only with a quorum of its peers ({readiness}): {}-1 is never created and the first start deadlocks; set podManagementPolicy: Parallel",
                        set.name()
                    ),
                );
            }
            report_governing(cx, set, &member, out);
        }
    }
}

/// Reports the governing Service of `set` when it hides members that are not ready.
fn report_governing(cx: &CheckContext<'_>, set: &Object, member: &str, out: &mut Emitter<'_>) {
    let Some(service) = set
        .str_at("/spec/serviceName")
        .and_then(|name| cx.find(&kinds::SERVICE, set.namespace(), name))
    else {
        return;
    };
    if service
        .get("/spec/publishNotReadyAddresses")
        .and_then(Value::as_bool)
        == Some(true)
    {
        return;
    }
    out.report(
        service,
        "/spec/publishNotReadyAddresses",
        format!(
            "governs {}, whose {member} is ready only with a quorum, but publishes the addresses of ready pods only: members cannot resolve each other to form the quorum and the first start deadlocks; set publishNotReadyAddresses: true",
            set.display_name()
        ),
    );
}
