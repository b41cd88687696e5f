//! Backing services: one interface of typed outputs, whoever runs the service.
//!
//! Each type (`postgres`, `etcd`, `redis`, `s3`) has providers (`external`,
//! `statefulset`, `cloudnative-pg`, `zalando`), and every provider of a type hands out
//! the same [`Outputs`]: where the server is, how to log in (as Secret references, never
//! values), its read replicas, and how to reach it through a NetworkPolicy. Two modules
//! consume them, and neither knows which provider it talks to: `wiring` turns the
//! outputs a component asks for in `needs` into environment variables, and
//! `network_policy` turns [`Reach`] into egress rules. So moving a database from a
//! development StatefulSet to an operator changes one line of the spec and no component.
//!
//! Providers that run something in the cluster also render it: `postgres_statefulset`,
//! `redis` and `etcd` a StatefulSet of their own (built by `workload`), `cloudnative_pg`
//! and `zalando` a resource for their operator. `backups` renders the scheduled backups
//! of the providers that do not back up by themselves.

mod backups;
mod cloudnative_pg;
mod etcd;
mod postgres;
mod postgres_statefulset;
mod redis;
mod s3;
mod workload;
mod zalando;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::SecretKeySelector;
use shipshape_spec::{BackingService, Provider, ServiceType, SslMode};

use crate::context::Ctx;

/// What a backing service hands to the components that need it. Every provider of a type
/// fills the same fields, so consumers never ask who runs the service.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    /// The host name clients connect to: the primary, for a database.
    pub host: String,
    /// The port clients connect to.
    pub port: u16,
    /// The connection URL.
    pub url: Value,
    /// The database name, for types that have one.
    pub database: Option<String>,
    /// The user name clients log in as, when the service has users.
    pub user: Option<Value>,
    /// The Secret key holding the password, when the service has one.
    pub password: Option<SecretKeySelector>,
    /// Host names of read replicas, where the provider has them.
    pub read_hosts: Vec<String>,
    /// The connection URL of each read replica, in the order of `read_hosts`.
    pub read_urls: Vec<Vec<Piece>>,
    /// Connections each client pod opens at most.
    pub pool: Option<u32>,
    /// What only this type offers.
    pub details: Details,
    /// Where the server is, for the egress rules of its clients.
    pub reach: Reach,
}

/// Outputs that only one type of service has.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    /// PostgreSQL.
    Postgres {
        /// The `sslmode` clients use.
        sslmode: SslMode,
    },
    /// etcd.
    Etcd {
        /// The client URL of every member, for clients that balance over them.
        endpoints: Vec<String>,
    },
    /// Redis.
    Redis,
    /// An S3 bucket.
    S3 {
        /// The endpoint URL.
        endpoint: String,
        /// The bucket.
        bucket: String,
        /// The region.
        region: String,
        /// Whether the bucket is addressed in the path rather than the host name.
        path_style: bool,
        /// The Secret key holding the access key id.
        access_key: SecretKeySelector,
        /// The Secret key holding the secret access key.
        secret_key: SecretKeySelector,
    },
}

/// One output's value, as the pods will get it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Known when rendering.
    Text(String),
    /// Held in a Secret, read through a `secretKeyRef`.
    Secret(SecretKeySelector),
    /// Text around other outputs that are secrets, such as a URL with a password in it;
    /// the pods assemble it from `$(VAR)` references.
    Template(Vec<Piece>),
}

/// A part of a [`Value::Template`].
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// The value of another output of the same service, by name.
    Output(&'static str),
}

impl Value {
    /// The outputs a template refers to, in order; none for other values.
    pub fn references(&self) -> Vec<&'static str> {
        match self {
            Value::Template(pieces) => pieces
                .iter()
                .filter_map(|p| match p {
                    Piece::Output(o) => Some(*o),
                    Piece::Text(_) => None,
                })
                .collect(),
            Value::Text(_) | Value::Secret(_) => Vec::new(),
        }
    }

    /// `pieces` as a value: plain text when they refer to no other output.
    pub fn template(pieces: Vec<Piece>) -> Value {
        let mut text = String::new();
        for piece in &pieces {
            match piece {
                Piece::Text(t) => text.push_str(t),
                Piece::Output(_) => return Value::Template(pieces),
            }
        }
        Value::Text(text)
    }
}

/// Templates joined by `,` into one value, such as the URLs of all read replicas.
fn joined(templates: &[Vec<Piece>]) -> Value {
    let mut pieces = Vec::new();
    for (i, template) in templates.iter().enumerate() {
        if i > 0 {
            pieces.push(Piece::Text(",".to_owned()));
        }
        pieces.extend(template.iter().cloned());
    }
    Value::template(pieces)
}

/// Where a server is, for NetworkPolicy egress.
#[derive(Debug, Clone, PartialEq)]
pub enum Reach {
    /// Pods in the app's namespace that carry all of `labels`, on these TCP ports.
    Pods {
        /// The pods' labels.
        labels: BTreeMap<String, String>,
        /// The TCP ports.
        ports: Vec<u16>,
    },
    /// Addresses in a network (any address when `cidr` is `None`), on these TCP ports.
    Network {
        /// The network in CIDR form.
        cidr: Option<String>,
        /// The TCP ports.
        ports: Vec<u16>,
    },
}

impl Outputs {
    /// The output called `name` (as written in `needs`), or `None` when this service
    /// does not have it; spec validation reports those before rendering.
    pub fn value(&self, name: &str) -> Option<Value> {
        let text = |t: String| Some(Value::Text(t));
        match (name, &self.details) {
            ("url", _) => Some(self.url.clone()),
            ("host", _) => text(self.host.clone()),
            ("port", _) => text(self.port.to_string()),
            ("database", _) => self.database.clone().map(Value::Text),
            ("user", _) => self.user.clone(),
            ("password", _) => self.password.clone().map(Value::Secret),
            ("read_hosts", _) => text(self.read_hosts.join(",")),
            ("read_urls", _) => Some(joined(&self.read_urls)),
            ("pool", _) => self.pool.map(|p| Value::Text(p.to_string())),
            ("sslmode", Details::Postgres { sslmode }) => text(sslmode.as_str().to_owned()),
            ("endpoints", Details::Etcd { endpoints }) => text(endpoints.join(",")),
            ("endpoint", Details::S3 { endpoint, .. }) => text(endpoint.clone()),
            ("bucket", Details::S3 { bucket, .. }) => text(bucket.clone()),
            ("region", Details::S3 { region, .. }) => text(region.clone()),
            ("path_style", Details::S3 { path_style, .. }) => text(path_style.to_string()),
            ("access_key", Details::S3 { access_key, .. }) => {
                Some(Value::Secret(access_key.clone()))
            }
            ("secret_key", Details::S3 { secret_key, .. }) => {
                Some(Value::Secret(secret_key.clone()))
            }
            _ => None,
        }
    }
}

/// The outputs of the service `name`, from whichever provider runs it.
pub fn outputs(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Outputs {
    match (service.kind, service.provider()) {
        (ServiceType::Postgres, Provider::External) => postgres::external(ctx, service),
        (ServiceType::Postgres, Provider::Statefulset) => {
            postgres_statefulset::outputs(ctx, name, service)
        }
        (ServiceType::Postgres, Provider::CloudnativePg) => {
            cloudnative_pg::outputs(ctx, name, service)
        }
        (ServiceType::Postgres, Provider::Zalando) => zalando::outputs(ctx, name, service),
        (ServiceType::Etcd, _) => etcd::outputs(ctx, name, service),
        (ServiceType::Redis, Provider::External) => redis::external(ctx, service),
        (ServiceType::Redis, _) => redis::in_cluster(ctx, name, service),
        (ServiceType::S3, _) => s3::outputs(ctx, service),
    }
}

/// Renders what the providers run in the cluster, and the backups of every service.
pub fn render(ctx: &mut Ctx<'_>) {
    let spec = ctx.spec;
    for (name, service) in &spec.services {
        match (service.kind, service.provider()) {
            (ServiceType::Postgres, Provider::Statefulset) => {
                postgres_statefulset::render(ctx, name, service);
            }
            (ServiceType::Postgres, Provider::CloudnativePg) => {
                cloudnative_pg::render(ctx, name, service);
            }
            (ServiceType::Postgres, Provider::Zalando) => zalando::render(ctx, name, service),
            (ServiceType::Etcd, _) => etcd::render(ctx, name, service),
            (ServiceType::Redis, Provider::Statefulset) => redis::render(ctx, name, service),
            _ => {}
        }
        backups::render(ctx, name, service);
    }
}

/// The in-cluster DNS name of the Service `name` in the app's namespace.
pub fn service_host(ctx: &Ctx<'_>, name: &str) -> String {
    format!("{name}.{}.svc.cluster.local", ctx.namespace())
}

/// The path of a service in the spec, for origins.
fn service_path(name: &str) -> shipshape_spec::SpecPath {
    shipshape_spec::path!["services", name]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::spec;

    /// A fixture with every type and provider, development profile.
    pub(super) const BACKING: &str = include_str!("../../tests/fixtures/backing.yaml");

    /// What the production profile takes.
    const PRODUCTION: &str = include_str!("../../tests/fixtures/backing-production.yaml");

    #[test]
    fn both_fixtures_render_the_same_bytes_twice() {
        for yaml in [BACKING, PRODUCTION] {
            let once = crate::test_support::rendered(yaml).manifests.to_yaml();
            assert_eq!(
                once,
                crate::test_support::rendered(yaml).manifests.to_yaml()
            );
        }
    }

    /// The development fixture differs from what production takes only in its
    /// development-only PostgreSQL.
    #[test]
    fn production_refuses_only_the_development_postgres() {
        let yaml = BACKING.replace("profile: development", "profile: production");
        let err = shipshape_spec::load_str("backing.yaml", &yaml, std::path::Path::new("."), None)
            .expect_err("production refuses a statefulset postgres");
        let messages: Vec<&str> = err.0.iter().map(|d| d.message()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with("`provider: statefulset`"),
            "{messages:?}"
        );
    }

    /// Every output a type lists for `needs` is one every provider of it can give, so
    /// validation and rendering agree on the vocabulary.
    #[test]
    fn every_listed_output_has_a_value() {
        let app = spec(BACKING);
        let ctx = Ctx::new(&app);
        for (name, service) in &app.services {
            let outputs = outputs(&ctx, name, service);
            for output in service.kind.outputs() {
                // Validation makes sure these are there when asked for.
                let optional = match *output {
                    "pool" => service.pool.is_none(),
                    "user" | "password" => {
                        service.provider() == Provider::External && service.credentials.is_none()
                    }
                    _ => false,
                };
                assert!(
                    optional || outputs.value(output).is_some(),
                    "`{name}` has no `{output}`"
                );
            }
            assert_eq!(outputs.value("no-such-output"), None);
        }
    }

    #[test]
    fn lists_of_templates_join_into_one_template() {
        let url = |host: &str| {
            vec![
                Piece::Text("postgres://u:".to_owned()),
                Piece::Output("password"),
                Piece::Text(format!("@{host}")),
            ]
        };
        assert_eq!(
            joined(&[url("a"), url("b")]).references(),
            ["password", "password"]
        );
        let text = |t: &str| vec![Piece::Text(t.to_owned())];
        assert_eq!(joined(&[text("a"), text("b")]), Value::Text("a,b".into()));
        assert_eq!(joined(&[]), Value::Text(String::new()));
    }
}
