//! The outputs of a backing service, the same for every provider of its type: what
//! `wiring` turns into environment variables and `network_rules` into egress.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::SecretKeySelector;
use shipshape_manifest::connections::{DB_MAX_CONNECTIONS, DB_RESERVED_CONNECTIONS, format_counts};
use shipshape_manifest::{Provenance, pointer_token};
use shipshape_spec::{BackingService, SslMode, path};

use crate::context::{Ctx, service_key};

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
    /// The name the connection annotations give the server `name`: the address its
    /// clients connect to, `host:port`; `namespace/name` when the address is known only
    /// in the cluster (a URL from a Secret).
    pub fn address(&self, ctx: &Ctx<'_>, name: &str) -> String {
        if self.host.is_empty() {
            format!("{}/{name}", ctx.namespace())
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The annotations that declare the server's connection limit and superuser reserve
    /// (see `shipshape_manifest::connections`), with the spec keys behind them; none
    /// when the limit is not known. The server's own object carries them, or for an
    /// external server each client.
    pub fn limit_annotations(
        &self,
        ctx: &Ctx<'_>,
        name: &str,
        service: &BackingService,
    ) -> (BTreeMap<String, String>, Provenance) {
        let mut annotations = BTreeMap::new();
        let mut fields = Provenance::new();
        let Some(max) = service.max_connections_or_default() else {
            return (annotations, fields);
        };
        let address = self.address(ctx, name);
        let reserved = service.reserved_connections_or_default();
        for (annotation, count, key, set) in [
            (
                DB_MAX_CONNECTIONS,
                max,
                "max_connections",
                service.max_connections.is_some(),
            ),
            (
                DB_RESERVED_CONNECTIONS,
                reserved,
                "reserved_connections",
                service.reserved_connections.is_some(),
            ),
        ] {
            annotations.insert(
                annotation.to_owned(),
                format_counts([(address.as_str(), count)]),
            );
            let pointer = format!("/metadata/annotations/{}", pointer_token(annotation));
            if set {
                fields.record(&pointer, service_key(name, path![key]));
            } else {
                let value = format!("{count}, PostgreSQL's own default, written out");
                fields.record_default(&pointer, service_key(name, path![key]), value);
            }
        }
        (annotations, fields)
    }

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

#[cfg(test)]
mod tests {
    use super::*;

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
