//! Backing services: what components need that they do not run themselves.
//!
//! Every service has a type (what it is) and a provider (who runs it). Whatever the
//! provider, a service offers the same typed outputs to the components that need it.

use schemars::JsonSchema;
use serde::Deserialize;

/// A backing service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackingService {
    /// What the service is.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// Who runs it. Defaults to `external`.
    #[serde(default)]
    pub provider: Provider,
    /// Host name of the primary.
    #[serde(default)]
    pub host: Option<String>,
    /// Port; defaults to the type's usual port.
    #[serde(default)]
    pub port: Option<u16>,
    /// The database name.
    #[serde(default)]
    pub database: Option<String>,
    /// PostgreSQL `sslmode`. Defaults to `require`.
    #[serde(default)]
    pub sslmode: Option<SslMode>,
    /// The Secret (declared under `secrets:`) holding the credentials.
    #[serde(default)]
    pub credentials: Option<Credentials>,
    /// Host names of read replicas.
    #[serde(default)]
    pub read_replicas: Vec<String>,
    /// Connections each pod opens at most.
    #[serde(default)]
    pub pool: Option<u32>,
    /// The server's `max_connections`, so pools can be checked against it.
    #[serde(default)]
    pub max_connections: Option<u32>,
    /// The network the service lives in (CIDR), to narrow egress; defaults to anywhere.
    #[serde(default)]
    pub cidr: Option<String>,
}

/// Types of backing service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ServiceType {
    /// PostgreSQL.
    Postgres,
}

impl ServiceType {
    /// The port the type listens on unless told otherwise.
    #[must_use]
    pub fn default_port(self) -> u16 {
        match self {
            ServiceType::Postgres => 5432,
        }
    }

    /// The outputs a component may ask for.
    #[must_use]
    pub fn outputs(self) -> &'static [&'static str] {
        match self {
            ServiceType::Postgres => &[
                "url",
                "host",
                "port",
                "database",
                "user",
                "password",
                "sslmode",
                "read_urls",
                "pool",
            ],
        }
    }
}

/// Who runs a backing service.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    /// Runs outside the cluster (a managed database); shipshape only wires it.
    #[default]
    External,
}

/// PostgreSQL TLS modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SslMode {
    /// No TLS.
    Disable,
    /// TLS if the server offers it.
    Prefer,
    /// TLS, server not verified.
    Require,
    /// TLS, server certificate checked against the CA.
    VerifyCa,
    /// TLS, certificate and host name checked.
    VerifyFull,
}

impl SslMode {
    /// The value as libpq spells it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }
}

/// Where a service's credentials are.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// A secret declared under `secrets:`.
    pub secret: String,
    /// The key holding the user name. Defaults to `username`.
    #[serde(default)]
    pub user_key: Option<String>,
    /// The key holding the password. Defaults to `password`.
    #[serde(default)]
    pub password_key: Option<String>,
    /// A key holding a whole connection URL, used for `url` instead of composing one.
    #[serde(default)]
    pub url_key: Option<String>,
}
