//! PostgreSQL outputs, the same for every provider, and the `external` provider: a server
//! outside the cluster (a managed database) that shipshape only wires.

use k8s_openapi::api::core::v1::SecretKeySelector;
use shipshape_spec::{BackingService, Credentials};

use super::outputs::{Details, Outputs, Piece, Reach, Value};
use crate::context::Ctx;
use crate::secrets;

/// Where a PostgreSQL server is and how to log in, as a provider knows it; the rest of
/// the outputs follow from these.
pub(super) struct Server {
    /// The primary's host name.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The database.
    pub database: String,
    /// The user clients log in as.
    pub user: Option<Value>,
    /// The password's Secret key.
    pub password: Option<SecretKeySelector>,
    /// A whole connection URL kept in a Secret, used instead of composing one.
    pub url: Option<SecretKeySelector>,
    /// Read replicas' host names.
    pub read_hosts: Vec<String>,
    /// Where the server is, for egress.
    pub reach: Reach,
}

impl Server {
    /// The outputs of `service` run by this server.
    pub fn outputs(self, service: &BackingService) -> Outputs {
        let url = match &self.url {
            Some(secret) => Value::Secret(secret.clone()),
            None => Value::template(self.url_of(service, &self.host)),
        };
        let read_urls = self
            .read_hosts
            .iter()
            .map(|h| self.url_of(service, h))
            .collect();
        Outputs {
            url,
            read_urls,
            database: Some(self.database),
            user: self.user,
            password: self.password,
            read_hosts: self.read_hosts,
            host: self.host,
            port: self.port,
            pool: service.pool,
            details: Details::Postgres {
                sslmode: service.sslmode_or_default(),
            },
            reach: self.reach,
        }
    }

    /// `postgres://USER:PASSWORD@host:port/database?sslmode=...`, with the user and
    /// password as references to their outputs when they are secrets, and no login part
    /// when there is no user.
    fn url_of(&self, service: &BackingService, host: &str) -> Vec<Piece> {
        let mut pieces = vec![Piece::Text("postgres://".to_owned())];
        if let Some(user) = &self.user {
            pieces.push(match user {
                Value::Text(name) => Piece::Text(name.clone()),
                _ => Piece::Output("user"),
            });
            if self.password.is_some() {
                pieces.push(Piece::Text(":".to_owned()));
                pieces.push(Piece::Output("password"));
            }
            pieces.push(Piece::Text("@".to_owned()));
        }
        pieces.push(Piece::Text(format!(
            "{host}:{}/{}?sslmode={}",
            self.port,
            self.database,
            service.sslmode_or_default().as_str()
        )));
        pieces
    }
}

/// The outputs of an external server: what the spec says, credentials from its secret.
pub(super) fn external(ctx: &Ctx<'_>, service: &BackingService) -> Outputs {
    let creds = service.credentials.as_ref();
    let key = |c: &Credentials, key: &str| secrets::key_ref(ctx, &c.secret, key);
    let port = service.port_or_default();
    Server {
        host: service.host.clone().unwrap_or_default(),
        port,
        database: service.database.clone().unwrap_or_default(),
        user: creds.map(|c| Value::Secret(key(c, c.user_key()))),
        password: creds.map(|c| key(c, c.password_key())),
        url: creds.and_then(|c| Some(key(c, c.url_key.as_deref()?))),
        read_hosts: service.read_replicas.clone(),
        reach: Reach::Network {
            cidr: service.cidr.clone(),
            ports: vec![port],
        },
    }
    .outputs(service)
}
