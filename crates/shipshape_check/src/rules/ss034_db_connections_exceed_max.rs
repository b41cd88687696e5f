use std::collections::HashMap;

use shipshape_manifest::connections::{
    DB_CONNECTIONS, DB_MAX_CONNECTIONS, DB_RESERVED_CONNECTIONS, DbCount, parse_counts,
};

use crate::analysis::annotations::{self, Declared};
use crate::{CheckContext, Emitter, Object, PodTemplate, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Databases whose clients may open more connections than the database accepts, by
    /// what the manifests declare in annotations (`shipshape render` writes them from
    /// the spec), each a comma-separated list of `database=count`, a database named by
    /// the address its clients connect to:
    ///
    /// - `shipshape.dev/db-connections` on a pod template (or its workload): the
    ///   connections each pod opens to each database at most, its pool;
    /// - `shipshape.dev/db-max-connections` on any object (the database's own, or each
    ///   client of a database outside the manifests): the database's `max_connections`;
    /// - `shipshape.dev/db-reserved-connections` beside it: the connections of that
    ///   limit kept for superusers, which clients cannot use.
    ///
    /// Each workload may run its autoscaler's `maxReplicas` pods (else its `replicas`), a
    /// Job its `parallelism`, a CronJob its Jobs' parallelism, twice when
    /// `concurrencyPolicy: Allow` lets a run overlap the next; each pod opens its pool.
    /// The sum over a database's clients must fit in its lowest declared limit less the
    /// reserve. DaemonSets, whose pod count depends on the cluster, are left out. A value
    /// that is not such a list is reported.
    ///
    /// ## Why it matters
    /// The autoscaler adds pods exactly when load is highest, and each new pod opens its
    /// pool; a migration or a batch run due at that moment opens more. Past
    /// `max_connections` the database refuses new connections ("too many clients
    /// already"): the newest pods fail their readiness probes or serve errors at peak
    /// load, and a shared database takes every other client down with it.
    ///
    /// ## How to fix
    /// Lower `maxReplicas` or the pool sizes so that the sum fits, or raise
    /// `max_connections`; or put a connection pooler (PgBouncer) in front of the
    /// database and declare its limit instead. In a `shipshape.yaml`: `pools` of a
    /// component, `pool` and `max_connections` of the service.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: postgresql.cnpg.io/v1
    /// kind: Cluster
    /// metadata:
    ///   name: db
    ///   annotations:
    ///     shipshape.dev/db-max-connections: db-rw:5432=100
    ///     shipshape.dev/db-reserved-connections: db-rw:5432=3
    /// spec:
    ///   instances: 3
    ///   storage: { size: 10Gi }
    /// ---
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: api
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
    ///         shipshape.dev/db-connections: db-rw:5432=20
    ///     spec:
    ///       containers:
    ///         - name: api
    ///           image: example/api:3.0.1
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: postgresql.cnpg.io/v1
    /// kind: Cluster
    /// metadata:
    ///   name: db
    ///   annotations:
    ///     shipshape.dev/db-max-connections: db-rw:5432=100
    ///     shipshape.dev/db-reserved-connections: db-rw:5432=3
    /// spec:
    ///   instances: 3
    ///   storage: { size: 10Gi }
    /// ---
    /// apiVersion: autoscaling/v2
    /// kind: HorizontalPodAutoscaler
    /// metadata:
    ///   name: api
    /// spec:
    ///   scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
    ///   minReplicas: 2
    ///   maxReplicas: 9
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
    ///         shipshape.dev/db-connections: db-rw:5432=10
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
    clients: Vec<Client<'a>>,
    /// The lowest `max_connections` declared for it.
    limit: Option<Declared<'a, i64>>,
    /// The largest reserve declared for it.
    reserved: i64,
}

impl Database<'_> {
    fn connections(&self) -> i64 {
        self.clients.iter().map(|c| c.pods * c.pool).sum()
    }
}

/// The most pods `pod`'s workload runs at once: its autoscalers' highest
/// `maxReplicas`, else what the object itself says; `None` for DaemonSets.
fn max_pods(cx: &CheckContext<'_>, pod: &PodTemplate<'_>) -> Option<(i64, String)> {
    let autoscaled = cx
        .autoscalers_of(pod.object)
        .filter_map(|hpa| {
            let max = hpa.max_replicas()?;
            Some((max, format!("maxReplicas of {}", hpa.object.display_name())))
        })
        .max_by_key(|(max, _)| *max);
    autoscaled.or_else(|| {
        let counted_by = if pod.replicas().is_some() {
            "replicas"
        } else {
            "runs at once"
        };
        pod.running_at_most().map(|n| (n, counted_by.to_owned()))
    })
}

/// The entries of a connection annotation; a value that does not parse is reported
/// through `out` and counts as absent.
fn entries<'a>(declared: &Declared<'a, &'a str>, out: &mut Emitter<'_>) -> Vec<DbCount<'a>> {
    match parse_counts(declared.value) {
        Ok(entries) => entries,
        Err(problem) => {
            out.report(
                declared.object,
                &declared.pointer,
                format!(
                    "annotation {} is `{}`: {problem}, so it is ignored",
                    declared.key, declared.value
                ),
            );
            Vec::new()
        }
    }
}

/// Every database the input declares something about, by name, in input order.
fn databases<'a>(cx: &CheckContext<'a>, out: &mut Emitter<'_>) -> Vec<(&'a str, Database<'a>)> {
    let mut found: Vec<(&'a str, Database<'a>)> = Vec::new();
    let mut by_name: HashMap<&'a str, usize> = HashMap::new();
    let mut database = |name: &'a str| {
        *by_name.entry(name).or_insert_with(|| {
            found.push((name, Database::default()));
            found.len() - 1
        })
    };
    let mut limits: Vec<Declared<'a, &'a str>> = Vec::new();
    for object in cx.objects() {
        let pod = object.pod_template();
        for key in [DB_MAX_CONNECTIONS, DB_RESERVED_CONNECTIONS] {
            let own = annotations::of_object(object, key);
            let of_pod = pod.as_ref().and_then(|p| annotations::of_pod(p, key));
            // The pod template's value is the object's when the template has none.
            let of_pod = of_pod.filter(|d| own.as_ref().is_none_or(|o| o.pointer != d.pointer));
            limits.extend(own.into_iter().chain(of_pod));
        }
    }
    let mut declared: Vec<(usize, Declared<'a, &'a str>, DbCount<'a>)> = Vec::new();
    for limit in &limits {
        for entry in entries(limit, out) {
            declared.push((database(entry.database), limit.clone(), entry));
        }
    }
    let mut clients: Vec<(usize, Client<'a>)> = Vec::new();
    for pod in cx.pod_templates() {
        let Some(pools) = annotations::of_pod(pod, DB_CONNECTIONS) else {
            continue;
        };
        let Some((pods, counted_by)) = max_pods(cx, pod) else {
            continue;
        };
        for entry in entries(&pools, out) {
            let client = Client {
                object: pod.object,
                pods,
                counted_by: counted_by.clone(),
                pool: entry.count,
            };
            clients.push((database(entry.database), client));
        }
    }
    for (at, limit, entry) in declared {
        let db = &mut found[at].1;
        if limit.key == DB_RESERVED_CONNECTIONS {
            db.reserved = db.reserved.max(entry.count);
        } else if db.limit.as_ref().is_none_or(|l| entry.count < l.value) {
            db.limit = Some(Declared {
                key: limit.key,
                value: entry.count,
                object: limit.object,
                pointer: limit.pointer,
            });
        }
    }
    for (at, client) in clients {
        found[at].1.clients.push(client);
    }
    found
}

impl SetRule for DbConnectionsExceedMax {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for (name, database) in databases(cx, out) {
            let Some(limit) = &database.limit else {
                continue;
            };
            let available = limit.value - database.reserved;
            let total = database.connections();
            if total <= available {
                continue;
            }
            let shares: Vec<String> = database
                .clients
                .iter()
                .map(|c| {
                    let pods = if c.pods == 1 { "pod" } else { "pods" };
                    format!(
                        "{}: {} {pods} ({}) × {}",
                        c.object.display_name(),
                        c.pods,
                        c.counted_by,
                        c.pool
                    )
                })
                .collect();
            let reserved = if database.reserved > 0 {
                format!(", {} of them kept for superusers,", database.reserved)
            } else {
                String::new()
            };
            out.report(
                limit.object,
                &limit.pointer,
                format!(
                    "database `{name}` accepts {} connections{reserved} but its clients may open {total}: {}",
                    limit.value,
                    shares.join("; "),
                ),
            );
        }
    }
}
