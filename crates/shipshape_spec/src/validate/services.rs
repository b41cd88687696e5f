//! Backing services: what each needs to be reachable, and whether the connection pools
//! of the components that need it fit in the server.

use super::network::check_cidr;
use super::{Declared, Known, under};
use crate::app::AppSpec;
use crate::path;
use crate::problem::{Path, Problem};
use crate::services::{BackingService, Provider, ServiceType};

/// Every service under `services:`.
pub(super) fn check(spec: &AppSpec, declared: &Declared, out: &mut Vec<Problem>) {
    for (name, s) in &spec.services {
        let at = path!["services", name];
        check_required(name, s, spec, &at, out);
        if let Some(c) = &s.credentials {
            let secrets = Known::declared(
                "secret",
                &["secrets"],
                declared.secrets.keys().map(String::as_str),
            );
            out.extend(secrets.check(under!(at, "credentials", "secret"), &c.secret));
        }
        if s.pool == Some(0) {
            out.push(
                Problem::new(under!(at, "pool"), "`pool` must be 1 or more")
                    .help("each pod needs at least one connection"),
            );
        }
        check_connection_budget(name, s, spec, &at, out);
        if let Some(cidr) = &s.cidr {
            out.extend(check_cidr(under!(at, "cidr"), cidr));
        }
    }
}

/// What a provider needs to know to hand out the service's outputs. When the whole URL
/// comes from the credentials secret (`url_key`), `host` and `database` are needed only
/// by the outputs made from them.
fn check_required(
    name: &str,
    s: &BackingService,
    spec: &AppSpec,
    at: &Path,
    out: &mut Vec<Problem>,
) {
    let required: &[(&str, bool, &[&str], &str)] = match (s.kind, s.provider) {
        (ServiceType::Postgres, Provider::External) => &[
            (
                "host",
                s.host.is_some(),
                &["host"],
                "the server's host name",
            ),
            (
                "database",
                s.database.is_some(),
                &["database", "read_urls"],
                "the database name",
            ),
        ],
    };
    let url_from_secret = s.credentials.as_ref().is_some_and(|c| c.url_key.is_some());
    for (key, _, outputs, what) in required.iter().filter(|(_, set, _, _)| !set) {
        let message = format!("external postgres service `{name}` needs `{key}`");
        let problem = if !url_from_secret {
            Problem::new(at.clone(), message).help(format!(
                "add `{key}:` with {what}, or take the whole URL from the credentials secret with `url_key`"
            ))
        } else if let Some(user) = first_user(spec, name, outputs) {
            Problem::new(
                at.clone(),
                format!("{message}, because `{user}` asks for it"),
            )
            .help(format!("add `{key}:` with {what}"))
        } else {
            continue;
        };
        out.push(problem.at_key());
    }
}

/// The first component that needs one of `outputs` of the service `name`.
fn first_user<'a>(spec: &'a AppSpec, name: &str, outputs: &[&str]) -> Option<&'a str> {
    spec.components
        .iter()
        .find(|(_, c)| {
            c.needs
                .0
                .get(name)
                .is_some_and(|wanted| outputs.iter().any(|o| wanted.contains_key(*o)))
        })
        .map(|(n, _)| n.as_str())
}

/// At full scale every pod of every component that needs the service opens its whole
/// pool; more than `max_connections` and the last pods fail to connect.
fn check_connection_budget(
    name: &str,
    s: &BackingService,
    spec: &AppSpec,
    at: &Path,
    out: &mut Vec<Problem>,
) {
    let (Some(pool), Some(max)) = (s.pool, s.max_connections) else {
        return;
    };
    let users: Vec<(&str, u32)> = spec
        .components
        .iter()
        .filter(|(_, c)| c.needs.0.contains_key(name))
        .map(|(n, c)| (n.as_str(), c.replicas_or_default().max()))
        .collect();
    let pods: u64 = users.iter().map(|(_, r)| u64::from(*r)).sum();
    let total = pods * u64::from(pool);
    if total <= u64::from(max) {
        return;
    }
    let each: Vec<String> = users.iter().map(|(n, r)| format!("`{n}` {r}")).collect();
    let fitting = u64::from(max) / pods.max(1);
    let lower = if fitting >= 1 {
        format!("lower `pool` to {fitting}, ")
    } else {
        String::new()
    };
    out.push(
        Problem::new(
            under!(at, "max_connections"),
            format!(
                "up to {pods} pods ({}) × `pool: {pool}` can open {total} connections, more than `max_connections: {max}`",
                each.join(", ")
            ),
        )
        .help(format!(
            "{lower}lower the replica maxima, or raise `max_connections`"
        )),
    );
}
