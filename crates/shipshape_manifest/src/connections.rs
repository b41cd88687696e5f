//! Database connections declared in annotations: what each pod of a workload opens, and
//! what a database accepts. No Kubernetes field says either, so `shipshape render`
//! writes them and `shipshape check` reads them (rule SS034); anyone may write them by
//! hand. Documented in `docs/check.md`.
//!
//! Each value lists `database=count` entries, comma-separated. A database is named by
//! the address its clients connect to (`host:port`), so the clients of one server agree
//! on its name whichever app they belong to.
//!
//! [`budget`] adds the connections up, every client at its most, once for the checker
//! and the simulator.

use std::collections::HashMap;

use crate::annotation::Annotation;
use crate::index::ModelIndex;
use crate::object::Object;
use crate::pod::PodTemplate;

/// On a pod template (or its workload): the connections each pod opens to each database
/// at most, its pool: `db.example.com:5432=20`.
pub const DB_CONNECTIONS: &str = "shipshape.dev/db-connections";
/// On any object (the database's own, or each client of a database outside the
/// manifests): the database's `max_connections`.
pub const DB_MAX_CONNECTIONS: &str = "shipshape.dev/db-max-connections";
/// Beside `DB_MAX_CONNECTIONS`: the connections of it kept for superusers, which
/// clients cannot use (PostgreSQL's `superuser_reserved_connections`). None when absent.
pub const DB_RESERVED_CONNECTIONS: &str = "shipshape.dev/db-reserved-connections";

/// One entry of a connection annotation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbCount<'a> {
    /// The database, as its clients address it.
    pub database: &'a str,
    /// The number of connections.
    pub count: i64,
}

/// The entries of a connection annotation's value.
///
/// # Errors
/// The first entry that is not `database=count` with a whole number of zero or more, as
/// text to show.
pub fn parse_counts(value: &str) -> Result<Vec<DbCount<'_>>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let parsed = entry.rsplit_once('=').and_then(|(database, count)| {
                let count = count.trim().parse::<i64>().ok().filter(|c| *c >= 0)?;
                let database = database.trim();
                (!database.is_empty()).then_some(DbCount { database, count })
            });
            parsed.ok_or_else(|| format!("`{entry}` is not `database=count`"))
        })
        .collect()
}

/// The value of a connection annotation with these entries, in the order given.
#[must_use]
pub fn format_counts<'a>(entries: impl IntoIterator<Item = (&'a str, u32)>) -> String {
    entries
        .into_iter()
        .map(|(database, count)| format!("{database}={count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One workload's share of a database's connections, at its most.
#[derive(Debug, Clone)]
pub struct Client<'a> {
    /// The workload (or Job, CronJob, Pod).
    pub object: &'a Object,
    /// The most pods it runs at once.
    pub pods: i64,
    /// Where that count comes from: `maxReplicas of HorizontalPodAutoscaler shop/api`,
    /// `replicas`, `runs at once`.
    pub counted_by: String,
    /// The connections each pod opens.
    pub pool: i64,
}

/// A database and everything the set declares about it.
#[derive(Debug, Clone)]
pub struct Database<'a> {
    /// Its name, the address its clients connect to.
    pub name: &'a str,
    /// Its clients, in input order.
    pub clients: Vec<Client<'a>>,
    /// The lowest `max_connections` declared for it, and where (the first of equals).
    pub limit: Option<(i64, Annotation<'a>)>,
    /// The largest reserve declared for it; 0 when none is.
    pub reserved: i64,
}

impl Database<'_> {
    /// The connections its clients open with every one at its most.
    #[must_use]
    pub fn connections(&self) -> i64 {
        self.clients.iter().map(|c| c.pods * c.pool).sum()
    }

    /// The connections clients may use: the limit less the reserve; `None` without a
    /// declared limit.
    #[must_use]
    pub fn available(&self) -> Option<i64> {
        self.limit.as_ref().map(|(limit, _)| limit - self.reserved)
    }
}

/// A connection annotation whose value is not a list of `database=count`; it counts as
/// absent.
#[derive(Debug, Clone)]
pub struct Malformed<'a> {
    /// The annotation.
    pub annotation: Annotation<'a>,
    /// What is wrong, as text to show.
    pub problem: String,
}

/// The connection budget of a manifest set: every database something declares, with
/// every client at its most, and the annotations that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Budget<'a> {
    /// Every database named by a limit, a reserve or a pool, in the order first named
    /// (limits and reserves of the objects in input order, then pools).
    pub databases: Vec<Database<'a>>,
    /// The annotations that could not be read, in the same order.
    pub malformed: Vec<Malformed<'a>>,
}

/// The most pods `pod`'s workload runs at once and why: its autoscalers' highest
/// `maxReplicas`, else its `replicas`, a Job's parallelism, a CronJob's twice over when
/// runs may overlap; `None` for a DaemonSet, whose count is the cluster's.
#[must_use]
pub fn max_pods(index: &ModelIndex<'_>, pod: &PodTemplate<'_>) -> Option<(i64, String)> {
    let autoscaled = index
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

/// Every database of `index` with its clients at their most: each pod template with a
/// `DB_CONNECTIONS` annotation runs [`max_pods`] pods, each opening its pool; each
/// database's limit is the lowest `DB_MAX_CONNECTIONS` declared for it, its reserve the
/// largest `DB_RESERVED_CONNECTIONS`. The one adding-up that `shipshape check` (SS034)
/// and `shipshape simulate` report.
#[must_use]
pub fn budget<'a>(index: &ModelIndex<'a>) -> Budget<'a> {
    let mut out = Budget::default();
    let mut by_name: HashMap<&'a str, usize> = HashMap::new();
    let mut at = |databases: &mut Vec<Database<'a>>, name: &'a str| {
        *by_name.entry(name).or_insert_with(|| {
            databases.push(Database {
                name,
                clients: Vec::new(),
                limit: None,
                reserved: 0,
            });
            databases.len() - 1
        })
    };
    let mut limits: Vec<Annotation<'a>> = Vec::new();
    for object in index.objects() {
        let pod = object.pod_template();
        for key in [DB_MAX_CONNECTIONS, DB_RESERVED_CONNECTIONS] {
            let own = Annotation::of_object(object, key);
            let of_pod = pod.as_ref().and_then(|p| Annotation::of_pod(p, key));
            // The pod template's value is the object's when the template has none.
            let of_pod = of_pod.filter(|d| own.as_ref().is_none_or(|o| o.pointer != d.pointer));
            limits.extend(own.into_iter().chain(of_pod));
        }
    }
    let mut declared: Vec<(usize, Annotation<'a>, i64)> = Vec::new();
    for limit in limits {
        for entry in entries(&limit, &mut out.malformed) {
            declared.push((
                at(&mut out.databases, entry.database),
                limit.clone(),
                entry.count,
            ));
        }
    }
    let mut clients: Vec<(usize, Client<'a>)> = Vec::new();
    for pod in index.pod_templates() {
        let Some(pools) = Annotation::of_pod(pod, DB_CONNECTIONS) else {
            continue;
        };
        let Some((pods, counted_by)) = max_pods(index, pod) else {
            continue;
        };
        for entry in entries(&pools, &mut out.malformed) {
            let client = Client {
                object: pod.object,
                pods,
                counted_by: counted_by.clone(),
                pool: entry.count,
            };
            clients.push((at(&mut out.databases, entry.database), client));
        }
    }
    for (i, annotation, count) in declared {
        let db = &mut out.databases[i];
        if annotation.key == DB_RESERVED_CONNECTIONS {
            db.reserved = db.reserved.max(count);
        } else if db.limit.as_ref().is_none_or(|(limit, _)| count < *limit) {
            db.limit = Some((count, annotation));
        }
    }
    for (i, client) in clients {
        out.databases[i].clients.push(client);
    }
    out
}

/// The entries of a connection annotation; one that does not parse goes to `malformed`
/// and counts as absent.
fn entries<'a>(
    annotation: &Annotation<'a>,
    malformed: &mut Vec<Malformed<'a>>,
) -> Vec<DbCount<'a>> {
    match parse_counts(annotation.value) {
        Ok(entries) => entries,
        Err(problem) => {
            malformed.push(Malformed {
                annotation: annotation.clone(),
                problem,
            });
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_bad_ones_are_named() {
        let value = format_counts([("db.internal:5432", 20), ("shop-db-rw:5432", 5)]);
        assert_eq!(value, "db.internal:5432=20, shop-db-rw:5432=5");
        assert_eq!(
            parse_counts(&value),
            Ok(vec![
                DbCount {
                    database: "db.internal:5432",
                    count: 20
                },
                DbCount {
                    database: "shop-db-rw:5432",
                    count: 5
                },
            ])
        );
        assert_eq!(parse_counts(""), Ok(vec![]));
        assert_eq!(
            parse_counts("a=1, b"),
            Err("`b` is not `database=count`".to_owned())
        );
        assert_eq!(
            parse_counts("a=-1"),
            Err("`a=-1` is not `database=count`".to_owned())
        );
        assert_eq!(
            parse_counts("=3"),
            Err("`=3` is not `database=count`".to_owned())
        );
    }
}
