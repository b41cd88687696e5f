//! Backing services: what components need that they do not run themselves.
//!
//! Every service has a type (what it is: `postgres`, `etcd`, `redis`, `s3`) and a
//! provider (who runs it: `external`, `statefulset`, `cloudnative-pg`, `zalando`).
//! Whatever the provider, a service offers its type's outputs to the components that
//! need it, so switching a database from a development StatefulSet to an operator
//! changes one line and no component.
//!
//! The fields are one flat mapping, so that a typo anywhere gets "did you mean"; which
//! fields each type and provider takes is checked after loading (see
//! `validate/services.rs`), and the doc comment of each field says where it applies.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::resources::Resources;
use crate::scalars::{Image, StorageSize};

/// A backing service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackingService {
    /// What the service is.
    #[serde(rename = "type")]
    pub kind: ServiceType,
    /// Who runs it. Defaults to `external`, and to `statefulset` for etcd.
    #[serde(default)]
    pub provider: Option<Provider>,
    /// External postgres and redis: host name of the server (the primary).
    #[serde(default)]
    pub host: Option<String>,
    /// External postgres and redis: port; defaults to the type's usual port.
    #[serde(default)]
    pub port: Option<u16>,
    /// Postgres: the database name.
    #[serde(default)]
    pub database: Option<String>,
    /// In-cluster postgres: the role that owns the database and that components log in
    /// as. Defaults to `database`.
    #[serde(default)]
    pub owner: Option<String>,
    /// Postgres `sslmode`. Defaults to `require`, and to `disable` for `statefulset`
    /// (the official image serves no TLS).
    #[serde(default)]
    pub sslmode: Option<SslMode>,
    /// The Secret (declared under `secrets:`) holding the credentials.
    #[serde(default)]
    pub credentials: Option<Credentials>,
    /// External postgres: host names of read replicas.
    #[serde(default)]
    pub read_replicas: Vec<String>,
    /// Postgres: connections each client pod opens at most, unless the component says
    /// otherwise in its `pools`.
    #[serde(default)]
    pub pool: Option<u32>,
    /// Postgres: the server's `max_connections`, which every client's pool at its
    /// replica maximum (migrations, jobs and backups included) must fit in. In-cluster
    /// providers are configured with it, 100 (PostgreSQL's default) when not set; for an
    /// external server, set it to have the budget checked.
    #[serde(default)]
    pub max_connections: Option<u32>,
    /// Postgres: connections of `max_connections` kept for superusers (operators and
    /// administrators), which clients cannot use. Defaults to 3, PostgreSQL's
    /// `superuser_reserved_connections`; managed services often keep more.
    #[serde(default)]
    pub reserved_connections: Option<u32>,
    /// External services: the network the service lives in (CIDR), to narrow egress;
    /// defaults to anywhere.
    #[serde(default)]
    pub cidr: Option<String>,
    /// In-cluster services: the server version, which picks a pinned image: postgres
    /// `17.5` (major only, `17`, for zalando), etcd `3.5.25`, redis `7.4.5`.
    #[serde(default)]
    pub version: Option<String>,
    /// In-cluster services (not zalando): an image to run instead of the default for
    /// `version`, such as a mirror.
    #[serde(default)]
    pub image: Option<Image>,
    /// `cloudnative-pg`, `zalando` and etcd: how many server pods. Defaults to 3.
    #[serde(default)]
    pub instances: Option<u32>,
    /// In-cluster services: each instance's volume, `20Gi` or `{size: 20Gi, class: fast-ssd}`.
    #[serde(default)]
    pub storage: Option<Storage>,
    /// In-cluster services: CPU and memory of each instance, a preset or `{cpu, memory}`.
    /// Defaults to `small`.
    #[serde(default)]
    pub resources: Option<Resources>,
    /// `zalando`: the team that owns the cluster (its `teamId`, which prefixes the
    /// cluster's name). Defaults to the app's name.
    #[serde(default)]
    pub team: Option<String>,
    /// External redis: connect with TLS (`rediss://`).
    #[serde(default)]
    pub tls: Option<bool>,
    /// Scheduled backups: postgres (not zalando, whose operator backs up by itself) and
    /// etcd.
    #[serde(default)]
    pub backup: Option<Backup>,
    /// S3: the endpoint URL of an S3-compatible store; defaults to AWS S3 in `region`.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// S3: the bucket.
    #[serde(default)]
    pub bucket: Option<String>,
    /// S3: the region.
    #[serde(default)]
    pub region: Option<String>,
    /// S3: address the bucket in the path (`endpoint/bucket`), as MinIO and most
    /// S3-compatible stores need, rather than in the host name. Defaults to false.
    #[serde(default)]
    pub path_style: Option<bool>,
}

impl BackingService {
    /// Who runs the service: as written, or the type's default.
    #[must_use]
    pub fn provider(&self) -> Provider {
        self.provider.unwrap_or(match self.kind {
            ServiceType::Etcd => Provider::Statefulset,
            ServiceType::Postgres | ServiceType::Redis | ServiceType::S3 => Provider::External,
        })
    }

    /// Whether the service runs in the app's namespace, rendered by shipshape or by an
    /// operator from a resource shipshape renders.
    #[must_use]
    pub fn in_cluster(&self) -> bool {
        self.provider() != Provider::External
    }

    /// The port clients connect to.
    #[must_use]
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or_else(|| self.kind.default_port())
    }

    /// How many server pods an in-cluster service runs: one for `statefulset`
    /// PostgreSQL and Redis, else `instances` or 3, the smallest count that survives
    /// losing one.
    #[must_use]
    pub fn instances_or_default(&self) -> u32 {
        match (self.kind, self.provider()) {
            (ServiceType::Postgres | ServiceType::Redis, Provider::Statefulset) => 1,
            _ => self.instances.unwrap_or(DEFAULT_INSTANCES),
        }
    }

    /// The server version: as written, or the pinned default of the type.
    #[must_use]
    pub fn version_or_default(&self) -> &str {
        self.version
            .as_deref()
            .unwrap_or_else(|| self.kind.default_version())
    }

    /// The role components log in as, for in-cluster PostgreSQL.
    #[must_use]
    pub fn owner_or_default(&self) -> Option<&str> {
        self.owner.as_deref().or(self.database.as_deref())
    }

    /// The PostgreSQL `sslmode` clients use.
    #[must_use]
    pub fn sslmode_or_default(&self) -> SslMode {
        self.sslmode.unwrap_or(match self.provider() {
            Provider::Statefulset => SslMode::Disable,
            _ => SslMode::Require,
        })
    }
}

/// Server pods of a replicated in-cluster service unless `instances` says otherwise.
pub const DEFAULT_INSTANCES: u32 = 3;

/// Days a backup is kept unless `retention` says otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 7;

/// Types of backing service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ServiceType {
    /// PostgreSQL.
    Postgres,
    /// etcd, a consistent key-value store for coordination.
    Etcd,
    /// Redis.
    Redis,
    /// S3 or an S3-compatible object store.
    S3,
}

impl fmt::Display for ServiceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServiceType::Postgres => "postgres",
            ServiceType::Etcd => "etcd",
            ServiceType::Redis => "redis",
            ServiceType::S3 => "s3",
        })
    }
}

impl ServiceType {
    /// The port the type listens on unless told otherwise.
    #[must_use]
    pub fn default_port(self) -> u16 {
        match self {
            ServiceType::Postgres => 5432,
            ServiceType::Etcd => 2379,
            ServiceType::Redis => 6379,
            ServiceType::S3 => 443,
        }
    }

    /// The version run in the cluster when the spec does not say: each pinned to a
    /// release, so a render never moves a database to new code by itself.
    #[must_use]
    pub fn default_version(self) -> &'static str {
        match self {
            ServiceType::Postgres => "17.5",
            ServiceType::Etcd => "3.5.25",
            ServiceType::Redis => "7.4.5",
            ServiceType::S3 => "",
        }
    }

    /// The outputs a component may ask for in `needs`.
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
                "read_hosts",
                "pool",
            ],
            ServiceType::Etcd => &["endpoints", "url", "host", "port"],
            ServiceType::Redis => &["url", "host", "port", "password"],
            ServiceType::S3 => &[
                "endpoint",
                "bucket",
                "region",
                "access_key",
                "secret_key",
                "path_style",
            ],
        }
    }

    /// The providers that run this type.
    #[must_use]
    pub fn providers(self) -> &'static [Provider] {
        match self {
            ServiceType::Postgres => &[
                Provider::External,
                Provider::Statefulset,
                Provider::CloudnativePg,
                Provider::Zalando,
            ],
            ServiceType::Etcd => &[Provider::Statefulset],
            ServiceType::Redis => &[Provider::External, Provider::Statefulset],
            ServiceType::S3 => &[Provider::External],
        }
    }
}

/// Who runs a backing service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    /// Runs outside the cluster (a managed database); shipshape only wires it.
    External,
    /// A StatefulSet rendered by shipshape: a single instance for PostgreSQL (development
    /// only) and Redis, a quorum of members for etcd.
    Statefulset,
    /// A `postgresql.cnpg.io/v1` Cluster for the CloudNativePG operator.
    CloudnativePg,
    /// An `acid.zalan.do/v1` postgresql for Zalando's postgres-operator.
    Zalando,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::External => "external",
            Provider::Statefulset => "statefulset",
            Provider::CloudnativePg => "cloudnative-pg",
            Provider::Zalando => "zalando",
        })
    }
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
    /// External postgres: the key holding the user name. Defaults to `username`.
    #[serde(default)]
    pub user_key: Option<String>,
    /// Postgres and redis: the key holding the password. Defaults to `password`.
    #[serde(default)]
    pub password_key: Option<String>,
    /// External postgres: a key holding a whole connection URL, used for `url` instead of
    /// composing one.
    #[serde(default)]
    pub url_key: Option<String>,
    /// S3: the key holding the access key id. Defaults to `access_key`.
    #[serde(default)]
    pub access_key_key: Option<String>,
    /// S3: the key holding the secret access key. Defaults to `secret_key`.
    #[serde(default)]
    pub secret_key_key: Option<String>,
}

impl Credentials {
    /// The key of the user name.
    #[must_use]
    pub fn user_key(&self) -> &str {
        self.user_key.as_deref().unwrap_or("username")
    }

    /// The key of the password.
    #[must_use]
    pub fn password_key(&self) -> &str {
        self.password_key.as_deref().unwrap_or("password")
    }

    /// The key of the S3 access key id.
    #[must_use]
    pub fn access_key_key(&self) -> &str {
        self.access_key_key.as_deref().unwrap_or("access_key")
    }

    /// The key of the S3 secret access key.
    #[must_use]
    pub fn secret_key_key(&self) -> &str {
        self.secret_key_key.as_deref().unwrap_or("secret_key")
    }
}

/// The volume of each instance of an in-cluster service.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StorageDetail {
    /// The size, such as `20Gi`.
    pub size: StorageSize,
    /// The StorageClass; defaults to the cluster's default class.
    #[serde(default)]
    pub class: Option<String>,
}

/// A volume written as a size (`20Gi`) or as `{size, class}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Storage(pub StorageDetail);

impl<'de> Deserialize<'de> for Storage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Storage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size such as `20Gi`, or `{size: 20Gi, class: fast-ssd}`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Storage, E> {
                let size = StorageSize::deserialize(de::value::StrDeserializer::<E>::new(v))?;
                Ok(Storage(StorageDetail { size, class: None }))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Storage, A::Error> {
                StorageDetail::deserialize(de::value::MapAccessDeserializer::new(map)).map(Storage)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Storage {
    fn schema_name() -> Cow<'static, str> {
        "Storage".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let detail = generator.subschema_for::<StorageDetail>();
        json_schema!({
            "oneOf": [{"type": "string", "description": "A size such as `20Gi`."}, detail]
        })
    }
}

/// Scheduled backups of a service.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    /// When, as a five-field cron expression in UTC (`0 2 * * *`) or `@daily`-style.
    pub schedule: String,
    /// Where: the name of an `s3` service, or `pvc` for a volume in the namespace.
    pub to: String,
    /// The backup volume (`to: pvc`), or the scratch volume a dump is written to before
    /// it is uploaded (`to: <s3 service>`). Defaults to the service's `storage` size.
    #[serde(default)]
    pub size: Option<StorageSize>,
    /// The StorageClass of that volume; defaults to the cluster's default class.
    #[serde(default)]
    pub class: Option<String>,
    /// Days a backup is kept; older ones are deleted after each successful backup, so a
    /// run of failures never deletes the last good one. Defaults to 7.
    #[serde(default)]
    pub retention: Option<u32>,
}

impl Backup {
    /// The name `to` takes for a volume instead of an s3 service.
    pub const PVC: &'static str = "pvc";

    /// Whether backups go to a volume in the namespace.
    #[must_use]
    pub fn to_pvc(&self) -> bool {
        self.to == Self::PVC
    }

    /// Days a backup is kept.
    #[must_use]
    pub fn retention_or_default(&self) -> u32 {
        self.retention.unwrap_or(DEFAULT_RETENTION_DAYS)
    }
}
