//! Backing services: which fields each type and provider takes and needs, whether a
//! provider may run in the chosen profile, whether the outputs components ask for exist,
//! and whether the connection pools of the components that need a database fit in it.

use super::names::label;
use super::network::check_cidr;
use super::{Declared, Known, alternatives, backups, list, under};
use crate::app::{AppSpec, Profile};
use crate::budget::PodsOf;
use crate::path;
use crate::problem::{Path, Problem};
use crate::services::{BackingService, Credentials, Provider, ServiceType};

/// StatefulSet names must leave room for the `-<10 hex digits>` of the
/// `controller-revision-hash` label the controller puts on each pod.
const MAX_STATEFULSET_NAME: usize = 52;

/// Every service under `services:`, and the outputs components ask of them.
pub(super) fn check(spec: &AppSpec, declared: &Declared, out: &mut Vec<Problem>) {
    for (name, s) in &spec.services {
        let at = path!["services", name];
        if !check_provider(s, spec.profile, &at, out) {
            continue;
        }
        check_fields(s, &at, out);
        check_required(name, s, spec, &at, out);
        if let Some(c) = &s.credentials {
            let generated = spec
                .secrets
                .get(&c.secret)
                .is_some_and(|x| x.generate.is_some());
            check_credentials(
                name,
                s,
                c,
                declared,
                generated,
                &under!(at, "credentials"),
                out,
            );
        }
        check_values(name, s, spec.profile, &at, out);
        check_connection_budget(name, s, spec, &at, out);
        if let Some(b) = &s.backup {
            backups::check(name, s, b, spec, &under!(at, "backup"), out);
        }
    }
    check_outputs(spec, out);
    check_pools(spec, out);
}

/// Whether the provider runs the type, and may in this profile. Nothing else about the
/// service is checked when it may not: every other rule depends on the provider.
fn check_provider(s: &BackingService, profile: Profile, at: &Path, out: &mut Vec<Problem>) -> bool {
    let provider = s.provider();
    let at = under!(at, "provider");
    if !s.kind.providers().contains(&provider) {
        let names: Vec<String> = s.kind.providers().iter().map(ToString::to_string).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        out.push(
            Problem::new(at, format!("`{provider}` is not a provider of {}", s.kind))
                .help(format!("use {}", alternatives(&names))),
        );
        return false;
    }
    if s.kind == ServiceType::Postgres
        && provider == Provider::Statefulset
        && profile == Profile::Production
    {
        out.push(
            Problem::new(
                at,
                "`provider: statefulset` runs a single PostgreSQL instance with no failover and no point-in-time recovery, which the production profile refuses",
            )
            .help("use `cloudnative-pg` (or `zalando`) to run it in the cluster, or `external` for a managed database; or set `profile: development`"),
        );
        return false;
    }
    true
}

/// Whether each field the spec sets is set, by name, in the order of the struct.
fn fields_set(s: &BackingService) -> [(&'static str, bool); 23] {
    [
        ("host", s.host.is_some()),
        ("port", s.port.is_some()),
        ("database", s.database.is_some()),
        ("owner", s.owner.is_some()),
        ("sslmode", s.sslmode.is_some()),
        ("credentials", s.credentials.is_some()),
        ("read_replicas", !s.read_replicas.is_empty()),
        ("pool", s.pool.is_some()),
        ("max_connections", s.max_connections.is_some()),
        ("reserved_connections", s.reserved_connections.is_some()),
        ("cidr", s.cidr.is_some()),
        ("version", s.version.is_some()),
        ("image", s.image.is_some()),
        ("instances", s.instances.is_some()),
        ("storage", s.storage.is_some()),
        ("resources", s.resources.is_some()),
        ("team", s.team.is_some()),
        ("tls", s.tls.is_some()),
        ("backup", s.backup.is_some()),
        ("endpoint", s.endpoint.is_some()),
        ("bucket", s.bucket.is_some()),
        ("region", s.region.is_some()),
        ("path_style", s.path_style.is_some()),
    ]
}

fn is_set(s: &BackingService, key: &str) -> bool {
    fields_set(s).iter().any(|(k, set)| *k == key && *set)
}

/// The fields a type and provider take, besides `type` and `provider`.
fn accepted(kind: ServiceType, provider: Provider) -> &'static [&'static str] {
    use Provider::{CloudnativePg, External, Statefulset, Zalando};
    use ServiceType::{Etcd, Postgres, Redis, S3};
    match (kind, provider) {
        (Postgres, External) => &[
            "host",
            "port",
            "database",
            "sslmode",
            "credentials",
            "read_replicas",
            "pool",
            "max_connections",
            "reserved_connections",
            "cidr",
            "version",
            "backup",
        ],
        (Postgres, Statefulset) => &[
            "database",
            "owner",
            "sslmode",
            "credentials",
            "pool",
            "max_connections",
            "reserved_connections",
            "version",
            "image",
            "storage",
            "resources",
            "backup",
        ],
        (Postgres, CloudnativePg) => &[
            "database",
            "owner",
            "sslmode",
            "credentials",
            "pool",
            "max_connections",
            "reserved_connections",
            "version",
            "image",
            "instances",
            "storage",
            "resources",
            "backup",
        ],
        (Postgres, Zalando) => &[
            "database",
            "owner",
            "sslmode",
            "pool",
            "max_connections",
            "reserved_connections",
            "version",
            "instances",
            "storage",
            "resources",
            "team",
        ],
        (Etcd, _) => &[
            "version",
            "image",
            "instances",
            "storage",
            "resources",
            "backup",
        ],
        (Redis, External) => &["host", "port", "credentials", "tls", "cidr"],
        (Redis, _) => &["credentials", "version", "image", "storage", "resources"],
        (S3, _) => &[
            "endpoint",
            "bucket",
            "region",
            "path_style",
            "credentials",
            "cidr",
        ],
    }
}

/// Why a field a service cannot take is not there, where a plain "remove it" would
/// leave the reader wondering what to do instead.
fn reason(kind: ServiceType, provider: Provider, field: &str) -> Option<&'static str> {
    Some(match (kind, provider, field) {
        (ServiceType::Postgres, Provider::Zalando, "backup") => {
            "Zalando's operator backs clusters up itself (WAL-G, set in its OperatorConfiguration): remove `backup`, or use `cloudnative-pg`"
        }
        (ServiceType::Postgres, Provider::Zalando, "credentials") => {
            "the operator creates the owner's credentials Secret: remove `credentials`"
        }
        (_, Provider::Statefulset, "instances") => {
            "this provider runs a single instance: remove `instances`, or use `cloudnative-pg` for replicas"
        }
        (_, Provider::External, "storage" | "instances" | "version" | "image" | "resources") => {
            "the server runs outside the cluster, so shipshape does not size or run it: remove it"
        }
        (_, p, "host" | "port" | "cidr") if p != Provider::External => {
            "the service runs in the cluster, so shipshape knows where: remove it"
        }
        (ServiceType::Redis | ServiceType::S3, _, "backup") => {
            "shipshape backs up postgres and etcd only: remove `backup`"
        }
        _ => return None,
    })
}

/// "an external postgres service", "a statefulset redis service".
fn described(s: &BackingService) -> String {
    let provider = s.provider().to_string();
    let article = if provider.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {provider} {} service", s.kind)
}

/// Fields that the service's type and provider do not take.
fn check_fields(s: &BackingService, at: &Path, out: &mut Vec<Problem>) {
    let provider = s.provider();
    let accepted = accepted(s.kind, provider);
    let set = fields_set(s).into_iter().filter(|(_, set)| *set);
    for (field, _) in set.filter(|(f, _)| !accepted.contains(f)) {
        let help = reason(s.kind, provider, field).map_or_else(
            || format!("remove it; {} takes {}", described(s), list(accepted)),
            str::to_owned,
        );
        out.push(
            Problem::new(
                under!(at, field),
                format!("`{field}` does not apply to {}", described(s)),
            )
            .at_key()
            .help(help),
        );
    }
}

/// A field a provider cannot do without: its key, what it holds (for the help), and,
/// for external PostgreSQL whose whole URL comes from the credentials secret, the
/// outputs that still need it.
struct Required {
    key: &'static str,
    what: &'static str,
    outputs: &'static [&'static str],
}

const fn required(key: &'static str, what: &'static str) -> Required {
    Required {
        key,
        what,
        outputs: &[],
    }
}

const DATABASE: Required = required("database", "the database name");
const STORAGE: Required = required(
    "storage",
    "the size of each instance's volume, such as `20Gi`",
);
const HOST: Required = required("host", "the server's host name");
const PASSWORD: Required = required(
    "credentials",
    "a secret holding the password, such as one with `generate: { keys: [password] }`",
);
const BUCKET: Required = required("bucket", "the bucket's name");
const REGION: Required = required("region", "the bucket's region, such as `eu-west-1`");
const S3_KEYS: Required = required(
    "credentials",
    "a secret holding the access key id and secret access key",
);
/// With the whole URL in the credentials secret, only these outputs need the host and
/// the database.
const EXTERNAL_HOST: Required = Required {
    outputs: &["host", "read_urls"],
    ..HOST
};
const EXTERNAL_DATABASE: Required = Required {
    outputs: &["database", "read_urls"],
    ..DATABASE
};

fn requirements(kind: ServiceType, provider: Provider) -> &'static [Required] {
    use Provider::{External, Statefulset};
    use ServiceType::{Etcd, Postgres, Redis, S3};
    match (kind, provider) {
        (Postgres, External) => &[EXTERNAL_HOST, EXTERNAL_DATABASE],
        (Postgres, Statefulset) => &[DATABASE, STORAGE, PASSWORD],
        (Postgres, _) => &[DATABASE, STORAGE],
        (Etcd, _) => &[STORAGE],
        (Redis, External) => &[HOST],
        (Redis, _) => &[STORAGE, PASSWORD],
        (S3, _) => &[BUCKET, REGION, S3_KEYS],
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
    let provider = s.provider();
    let url_from_secret = s.credentials.as_ref().is_some_and(|c| c.url_key.is_some());
    for r in requirements(s.kind, provider) {
        if is_set(s, r.key) {
            continue;
        }
        let message = format!("{provider} {} service `{name}` needs `{}`", s.kind, r.key);
        let problem = if !url_from_secret {
            let or_url = if r.outputs.is_empty() {
                String::new()
            } else {
                ", or take the whole URL from the credentials secret with `url_key`".to_owned()
            };
            Problem::new(at.clone(), message)
                .help(format!("add `{}:` with {}{or_url}", r.key, r.what))
        } else if let Some(user) = first_user(spec, name, r.outputs) {
            Problem::new(
                at.clone(),
                format!("{message}, because `{user}` asks for it"),
            )
            .help(format!("add `{}:` with {}", r.key, r.what))
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

/// The keys of a credentials secret a provider reads, by field, and the secret keys
/// they name by default.
fn credential_keys(kind: ServiceType, provider: Provider) -> &'static [&'static str] {
    match (kind, provider) {
        (ServiceType::Postgres, Provider::External) => &["user_key", "password_key", "url_key"],
        // CloudNativePG reads fixed keys: `username` and `password`.
        (ServiceType::Postgres, Provider::CloudnativePg | Provider::Zalando) => &[],
        (ServiceType::Postgres | ServiceType::Redis | ServiceType::Etcd, _) => &["password_key"],
        (ServiceType::S3, _) => &["access_key_key", "secret_key_key"],
    }
}

/// The secret is declared, its key fields apply to the provider, and the keys a server
/// in the cluster reads exist.
fn check_credentials(
    name: &str,
    s: &BackingService,
    c: &Credentials,
    declared: &Declared,
    generated: bool,
    at: &Path,
    out: &mut Vec<Problem>,
) {
    let secrets = Known::declared(
        "secret",
        &["secrets"],
        declared.secrets.keys().map(String::as_str),
    );
    if let Some(p) = secrets.check(under!(at, "secret"), &c.secret) {
        out.push(p);
        return;
    }
    let provider = s.provider();
    let taken = credential_keys(s.kind, provider);
    let set = [
        ("user_key", c.user_key.is_some()),
        ("password_key", c.password_key.is_some()),
        ("url_key", c.url_key.is_some()),
        ("access_key_key", c.access_key_key.is_some()),
        ("secret_key_key", c.secret_key_key.is_some()),
    ];
    for (field, _) in set.iter().filter(|(f, set)| *set && !taken.contains(f)) {
        let help = if taken.is_empty() {
            "CloudNativePG reads the keys `username` and `password`: remove it".to_owned()
        } else {
            format!("remove it; these credentials take {}", list(taken))
        };
        out.push(
            Problem::new(
                under!(at, *field),
                format!(
                    "`{field}` does not apply to the credentials of {}",
                    described(s)
                ),
            )
            .at_key()
            .help(help),
        );
    }
    if provider == Provider::CloudnativePg && generated {
        out.push(
            Problem::new(
                under!(at, "secret"),
                format!(
                    "CloudNativePG reads the owner's name from the secret's `username` key, which generated secret `{}` cannot hold",
                    c.secret
                ),
            )
            .help(format!(
                "leave out `credentials` and CloudNativePG creates `{name}-app` itself, or use an `existing` or `external` secret with `username` and `password`"
            )),
        );
    }
    check_read_keys(s, c, declared, at, out);
}

/// In-cluster servers and S3 clients read their keys on every start: a key missing from
/// a secret whose keys are known fails them at once.
fn check_read_keys(
    s: &BackingService,
    c: &Credentials,
    declared: &Declared,
    at: &Path,
    out: &mut Vec<Problem>,
) {
    // Each key read: the field naming it, the key, and whether the spec wrote it.
    let read: Vec<(&str, &str, bool)> = match (s.kind, s.provider()) {
        (ServiceType::S3, _) => vec![
            (
                "access_key_key",
                c.access_key_key(),
                c.access_key_key.is_some(),
            ),
            (
                "secret_key_key",
                c.secret_key_key(),
                c.secret_key_key.is_some(),
            ),
        ],
        (_, Provider::Statefulset) => {
            vec![("password_key", c.password_key(), c.password_key.is_some())]
        }
        _ => return,
    };
    let Some(Some(keys)) = declared.secrets.get(&c.secret) else {
        return;
    };
    let what = format!("a key of secret `{}`", c.secret);
    let known = Known::fixed(&what, keys.iter().map(String::as_str));
    for (field, key, written) in read {
        // At the field when written; at the secret when its default key is missing.
        let Some(p) = known.check(under!(at, if written { field } else { "secret" }), key) else {
            continue;
        };
        out.push(if written {
            p
        } else {
            let help = p.help.clone().unwrap_or_default();
            p.help(format!("{help} (`{field}` defaults to `{key}`)"))
        });
    }
}

/// Values that must make sense on their own or together.
fn check_values(
    name: &str,
    s: &BackingService,
    profile: Profile,
    at: &Path,
    out: &mut Vec<Problem>,
) {
    if s.pool == Some(0) {
        out.push(
            Problem::new(under!(at, "pool"), "`pool` must be 1 or more")
                .help("each pod needs at least one connection"),
        );
    }
    if let Some(cidr) = &s.cidr {
        out.extend(check_cidr(under!(at, "cidr"), cidr));
    }
    if let Some(endpoint) = &s.endpoint {
        out.extend(check_endpoint(under!(at, "endpoint"), endpoint));
    }
    if let Some(team) = &s.team {
        out.extend(label(under!(at, "team"), team, "team"));
    }
    check_instances(s, profile, at, out);
    check_image(s, at, out);
    if s.in_cluster() {
        check_in_cluster_name(name, s, at, out);
        for (field, value) in [("database", &s.database), ("owner", &s.owner)] {
            if let Some(v) = value {
                out.extend(check_identifier(under!(at, field), v));
            }
        }
    }
}

/// How many server pods: at least one, and for etcd in production a quorum that
/// survives losing a member.
fn check_instances(s: &BackingService, profile: Profile, at: &Path, out: &mut Vec<Problem>) {
    let Some(n) = s.instances else { return };
    let at = under!(at, "instances");
    if n == 0 {
        out.push(
            Problem::new(at, "`instances` must be 1 or more")
                .help("use 3 for a server that survives losing one instance"),
        );
        return;
    }
    if s.kind != ServiceType::Etcd || profile != Profile::Production {
        return;
    }
    let why = if n == 1 {
        "a single etcd member has no fault tolerance: losing it, or its volume, loses the cluster"
            .to_owned()
    } else if n % 2 == 0 {
        format!(
            "{n} etcd members need {} for quorum and so survive losing {}, no more than {} members do: the extra member is one more way to lose quorum",
            n / 2 + 1,
            (n - 1) / 2,
            n - 1
        )
    } else if n > 7 {
        format!(
            "every write waits for a majority of members, so {n} members make each write slower: etcd recommends at most 7"
        )
    } else {
        return;
    };
    out.push(
        Problem::new(at, why)
            .help("use 3 members (survives losing one) or 5 (survives losing two); set `profile: development` for a single member"),
    );
}

/// A version the image tag is made of, of the form the type's images use; `image` and
/// `version` both set is ambiguous; an image must not move.
fn check_image(s: &BackingService, at: &Path, out: &mut Vec<Problem>) {
    if let Some(version) = &s.version {
        let parts = match (s.kind, s.provider()) {
            (ServiceType::Postgres, Provider::Zalando) => 1..=2,
            (ServiceType::Postgres, _) => 2..=2,
            _ => 3..=3,
        };
        let count = version.split('.').count();
        let numeric = version
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if !numeric || !parts.contains(&count) {
            let example = match s.kind {
                ServiceType::Postgres if parts.start() == &1 => "`17`".to_owned(),
                _ => format!("`{}`", s.kind.default_version()),
            };
            let why = if numeric && count < *parts.start() {
                ": a shorter tag moves to new releases under a running server"
            } else {
                ""
            };
            out.push(
                Problem::new(
                    under!(at, "version"),
                    format!(
                        "`{version}` is not a full {} version such as {example}",
                        s.kind
                    ),
                )
                .help(format!("write the full release, such as {example}{why}")),
            );
        }
    }
    let Some(image) = &s.image else { return };
    if s.version.is_some() {
        out.push(
            Problem::new(under!(at, "image"), "the service sets both `version` and `image`")
                .at_key()
                .help("keep only one: `image` runs exactly that image, `version` picks the pinned default image of that release"),
        );
    }
    if image.digest.is_none() && matches!(image.tag.as_deref(), None | Some("latest")) {
        out.push(
            Problem::new(
                under!(at, "image"),
                format!(
                    "image `{}` has no fixed tag: a restarted server may run different code on the same data",
                    image.reference
                ),
            )
            .help("pin a release tag or a digest, or leave out `image` to run the pinned default of `version`"),
        );
    }
}

/// A StatefulSet's name must be shorter than other names (the backup CronJob's is checked
/// with the backup).
fn check_in_cluster_name(name: &str, s: &BackingService, at: &Path, out: &mut Vec<Problem>) {
    let renders_statefulset = s.provider() == Provider::Statefulset;
    if renders_statefulset && name.len() > MAX_STATEFULSET_NAME {
        out.push(
            Problem::new(
                at.clone(),
                format!(
                    "service name `{name}` is {} characters long, too long for its StatefulSet",
                    name.len()
                ),
            )
            .at_key()
            .help(format!(
                "shorten it to {MAX_STATEFULSET_NAME} characters or fewer"
            )),
        );
    }
}

/// In-cluster servers create the database and role from these names without quoting, as
/// their images and operators do, so they must be plain lowercase SQL identifiers.
fn check_identifier(path: Path, value: &str) -> Option<Problem> {
    let valid = value.len() <= 63
        && value.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    (!valid).then(|| {
        let fixed: String = value
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        Problem::new(path, format!("`{value}` is not a plain PostgreSQL name")).help(format!(
            "use lowercase letters, digits and `_`, starting with a letter, such as `{fixed}`"
        ))
    })
}

/// A problem when `text` is not an `http://` or `https://` URL with a host.
fn check_endpoint(path: Path, text: &str) -> Option<Problem> {
    let host = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
        .map(|rest| rest.split(['/', ':']).next().unwrap_or_default());
    match host {
        Some(h) if !h.is_empty() => None,
        Some(_) => Some(
            Problem::new(path, format!("`{text}` has no host"))
                .help("write the store's address, such as `https://minio.example.com:9000`"),
        ),
        None => Some(
            Problem::new(path, format!("`{text}` is not an endpoint URL")).help(format!(
                "start it with `https://` (or `http://`), such as `https://{text}`"
            )),
        ),
    }
}

/// At full scale every pod of every client opens its whole pool, beside the migration
/// Jobs, the runs of jobs and crons, and the backups; more than `max_connections` less
/// the superuser reserve, and the last pods fail to connect.
fn check_connection_budget(
    name: &str,
    s: &BackingService,
    spec: &AppSpec,
    at: &Path,
    out: &mut Vec<Problem>,
) {
    let Some(budget) = spec.connection_budget(name) else {
        return;
    };
    let total = budget.total();
    let available = budget.available();
    if total <= u64::from(available) {
        return;
    }
    let each: Vec<String> = budget
        .shares
        .iter()
        .map(|share| {
            let who = match share.pods_of {
                PodsOf::Component => format!("`{}`", share.name),
                PodsOf::Migration => format!("`{}` migration", share.name),
                PodsOf::Backup => "backup".to_owned(),
            };
            format!("{who} {} × {}", share.pods, share.pool)
        })
        .collect();
    let max = budget.max_connections;
    let limit = match s.max_connections {
        Some(_) => format!("`max_connections: {max}`"),
        None => format!("the default `max_connections` of {max}"),
    };
    let message = format!(
        "the clients of `{name}` may open {total} connections ({}), more than the {available} that {limit} leaves after {} reserved for superusers",
        each.join(", "),
        budget.reserved,
    );
    let pods: u64 = budget.shares.iter().map(|s| u64::from(s.pods)).sum();
    let fitting = u64::from(available) / pods.max(1);
    let lower = if fitting >= 1 {
        format!(
            "lower each pool to {fitting} or less (`pools.{name}` of a component, or `pool` here)"
        )
    } else {
        "lower the pools".to_owned()
    };
    let problem = if s.max_connections.is_some() {
        Problem::new(under!(at, "max_connections"), message)
    } else {
        Problem::new(at.clone(), message).at_key()
    };
    out.push(problem.help(format!(
        "{lower} or the replica maxima, or raise `max_connections`"
    )));
}

/// Each entry of a component's `pools` names a postgres service it needs, with one
/// connection or more.
fn check_pools(spec: &AppSpec, out: &mut Vec<Problem>) {
    for (component, c) in &spec.components {
        for (target, pool) in &c.pools {
            let at = path!["components", component, "pools", target];
            let postgres = spec
                .services
                .get(target)
                .is_some_and(|s| s.kind == ServiceType::Postgres);
            if !postgres || !c.needs.0.contains_key(target) {
                let needed: Vec<&str> = c
                    .needs
                    .0
                    .keys()
                    .filter(|n| {
                        spec.services
                            .get(n.as_str())
                            .is_some_and(|s| s.kind == ServiceType::Postgres)
                    })
                    .map(String::as_str)
                    .collect();
                let known = Known::fixed("a postgres service this component needs", needed);
                out.extend(known.check(at.clone(), target).map(Problem::at_key));
                continue;
            }
            if *pool == 0 {
                out.push(
                    Problem::new(at, "a pool must be 1 or more")
                        .help("each pod needs at least one connection"),
                );
            }
        }
    }
}

/// Outputs of its type that a service cannot give as configured: read replicas where
/// there are none, credentials it has not got, a pool it does not set. Outputs the type
/// does not have at all are reported with the component's `needs`.
fn check_outputs(spec: &AppSpec, out: &mut Vec<Problem>) {
    for (component, c) in &spec.components {
        for (target, outputs) in &c.needs.0 {
            let Some(s) = spec.services.get(target) else {
                continue;
            };
            if !s.kind.providers().contains(&s.provider()) {
                continue;
            }
            let own_pool = c.pools.contains_key(target);
            for output in outputs.keys() {
                if let Some((message, help)) = missing_output(target, s, output, own_pool) {
                    let at = path!["components", component, "needs", target, output];
                    out.push(Problem::new(at, message).at_key().help(help));
                }
            }
        }
    }
}

/// Why service `name` cannot give `output`, and what to do, if it cannot.
fn missing_output(
    name: &str,
    s: &BackingService,
    output: &str,
    own_pool: bool,
) -> Option<(String, String)> {
    let provider = s.provider();
    match output {
        "read_urls" | "read_hosts" => {
            let help = match provider {
                Provider::External if s.read_replicas.is_empty() => format!(
                    "list their host names under `services.{name}.read_replicas`, or remove `{output}`"
                ),
                Provider::Statefulset => format!(
                    "a statefulset postgres is a single instance: use `cloudnative-pg` with `instances: 2` or more, or remove `{output}`"
                ),
                Provider::CloudnativePg | Provider::Zalando if s.instances_or_default() < 2 => {
                    format!("raise `services.{name}.instances` to 2 or more, or remove `{output}`")
                }
                _ => return None,
            };
            Some((format!("service `{name}` has no read replicas"), help))
        }
        "user" | "password" if provider == Provider::External && s.credentials.is_none() => Some((
            format!("service `{name}` has no `credentials` to take the {output} from"),
            format!(
                "add `credentials: {{ secret: ... }}` to service `{name}`, or remove `{output}`"
            ),
        )),
        "pool" if s.pool.is_none() && !own_pool => Some((
            format!("service `{name}` sets no `pool`"),
            format!(
                "add `pools: {{{name}: N}}` to this component or `pool:` to service `{name}`, or remove `pool` here"
            ),
        )),
        _ => None,
    }
}
