use shipshape_manifest::connections;

use crate::{CheckContext, Emitter, SetRule, declare_rule};

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

impl SetRule for DbConnectionsExceedMax {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let budget = connections::budget(cx);
        for bad in &budget.malformed {
            let annotation = &bad.annotation;
            out.report(
                annotation.object,
                &annotation.pointer,
                format!(
                    "annotation {} is `{}`: {}, so it is ignored",
                    annotation.key, annotation.value, bad.problem
                ),
            );
        }
        for database in &budget.databases {
            let (Some((limit, declared)), Some(available)) =
                (&database.limit, database.available())
            else {
                continue;
            };
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
                declared.object,
                &declared.pointer,
                format!(
                    "database `{}` accepts {limit} connections{reserved} but its clients may open {total}: {}",
                    database.name,
                    shares.join("; "),
                ),
            );
        }
    }
}
