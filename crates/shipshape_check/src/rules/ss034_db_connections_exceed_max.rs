use std::collections::HashMap;

use crate::analysis::annotations::{self, DATABASE, DB_MAX_CONNECTIONS, DB_POOL_SIZE, Declared};
use crate::{CheckContext, Emitter, Object, PodTemplate, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Databases whose clients may open more connections than the database accepts, by
    /// what the manifests declare in annotations:
    ///
    /// - `shipshape.dev/db-pool-size` on a workload's pod template: the connections
    ///   each pod opens at most (its pool size);
    /// - `shipshape.dev/db-max-connections` on the workload or on its
    ///   HorizontalPodAutoscaler: the database's `max_connections`;
    /// - `shipshape.dev/database` on the pod template: which database, so that every
    ///   workload naming the same one (anywhere in the input) shares its limit.
    ///
    /// Each workload may run its autoscaler's `maxReplicas` pods (else its `replicas`),
    /// each opening its pool: the sum over the database's clients must not exceed the
    /// lowest limit declared for it. DaemonSets and Jobs, whose pod count the manifests
    /// do not fix, are left out. A value that is not a whole number is reported.
    ///
    /// ## Why it matters
    /// The autoscaler adds pods exactly when load is highest, and each new pod opens its
    /// pool. Past `max_connections` the database refuses new connections ("too many
    /// clients already"): the newest pods fail their readiness probes or serve errors at
    /// peak load, and a shared database takes every other client down with it.
    ///
    /// ## How to fix
    /// Lower `maxReplicas` or the pool size so that the sum fits, with room for
    /// migrations, administrators and a rollout's surge pods; or put a connection
    /// pooler (PgBouncer) in front of the database and declare its limit instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     shipshape.dev/db-max-connections: "100"
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
    ///   minReplicas: 2
    ///   maxReplicas: 10
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: { app: api }
    ///   template:
    ///     metadata:
    ///       labels: { app: api }
    ///       annotations:
    ///         shipshape.dev/db-pool-size: "20"
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: example/api:3.0.1
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: api
    ///   annotations:
    ///     shipshape.dev/db-max-connections: "100"
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
    ///   minReplicas: 2
    ///   maxReplicas: 8
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: api
    /// spec:
    ///   selector:
    ///     matchLabels: { app: api }
    ///   template:
    ///     metadata:
    ///       labels: { app: api }
    ///       annotations:
    ///         shipshape.dev/db-pool-size: "10"
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: example/api:3.0.1
    /// ```
    pub struct DbConnectionsExceedMax {
        id: "SS034",
        name: "db-connections-exceed-max",
        severity: Error,
        theme: Scaling,
        summary: "connection pools at maximum replicas exceed the database's max_connections",
    }
}

/// One workload's share of a database's connections.
struct Client<'a> {
    object: &'a Object,
    pods: i64,
    /// Where the pod count comes from, for the message.
    counted_by: String,
    pool: i64,
}

/// A database and everything declared about it.
#[derive(Default)]
struct Database<'a> {
    /// `shipshape.dev/database`; `None` for a workload that names none (a database of
    /// its own).
    name: Option<&'a str>,
    clients: Vec<Client<'a>>,
    /// The lowest `max_connections` declared for it.
    limit: Option<Declared<'a, i64>>,
}

impl<'a> Database<'a> {
    fn lower_limit(&mut self, limit: Declared<'a, i64>) {
        if self.limit.as_ref().is_none_or(|l| limit.value < l.value) {
            self.limit = Some(limit);
        }
    }

    fn connections(&self) -> i64 {
        self.clients.iter().map(|c| c.pods * c.pool).sum()
    }
}

/// The most pods `pod`'s workload runs: its autoscalers' highest `maxReplicas`, else
/// its replica count; `None` when the manifests do not say (DaemonSets, Jobs).
fn max_pods(cx: &CheckContext<'_>, pod: &PodTemplate<'_>) -> Option<(i64, String)> {
    let autoscaled = cx
        .autoscalers_of(pod.object)
        .filter_map(|hpa| {
            let max = hpa.max_replicas()?;
            Some((max, format!("maxReplicas of {}", hpa.object.display_name())))
        })
        .max_by_key(|(max, _)| *max);
    autoscaled.or_else(|| pod.replicas().map(|n| (n, "replicas".to_owned())))
}

/// Every database the input's workloads declare, in input order.
fn databases<'a>(cx: &CheckContext<'a>, out: &mut Emitter<'_>) -> Vec<Database<'a>> {
    let mut found: Vec<Database<'a>> = Vec::new();
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for pod in cx.pod_templates() {
        let Some(pool) = annotations::of_pod(pod, DB_POOL_SIZE).and_then(|d| d.number(out)) else {
            continue;
        };
        let name = annotations::of_pod(pod, DATABASE).map(|d| d.value);
        let at = match name.and_then(|n| by_name.get(n)) {
            Some(&i) => i,
            None => {
                if let Some(name) = name {
                    by_name.insert(name, found.len());
                }
                found.push(Database {
                    name,
                    ..Database::default()
                });
                found.len() - 1
            }
        };
        let database = &mut found[at];
        let hpas = cx
            .autoscalers_of(pod.object)
            .filter_map(|hpa| annotations::of_object(hpa.object, DB_MAX_CONNECTIONS));
        let limits = annotations::of_pod(pod, DB_MAX_CONNECTIONS)
            .into_iter()
            .chain(hpas);
        for limit in limits.filter_map(|l| l.number(out)) {
            database.lower_limit(limit);
        }
        if let Some((pods, counted_by)) = max_pods(cx, pod) {
            database.clients.push(Client {
                object: pod.object,
                pods,
                counted_by,
                pool: pool.value,
            });
        }
    }
    found
}

impl SetRule for DbConnectionsExceedMax {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for database in databases(cx, out) {
            let Some(limit) = &database.limit else {
                continue;
            };
            let total = database.connections();
            if total <= limit.value {
                continue;
            }
            let shares: Vec<String> = database
                .clients
                .iter()
                .map(|c| {
                    format!(
                        "{}: {} pods ({}) × pool {}",
                        c.object.display_name(),
                        c.pods,
                        c.counted_by,
                        c.pool
                    )
                })
                .collect();
            let which = database
                .name
                .map_or_else(|| "the database".to_owned(), |n| format!("database `{n}`"));
            out.report(
                limit.object,
                &limit.pointer,
                format!(
                    "{which} accepts {} connections, but its clients may open {total}: {}",
                    limit.value,
                    shares.join("; "),
                ),
            );
        }
    }
}
