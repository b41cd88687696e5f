//! What the engine asks of a cluster, as one small trait: the kube-rs client implements
//! it against a real API server, and [`crate::fake::FakeCluster`] in memory, so the
//! engine's logic (phases, waits, prune, rollback, lock, diagnosis) is tested without a
//! network.

use std::fmt;
use std::future::Future;

use serde_json::Value;

/// One kind of object the server serves, at one version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Served {
    /// API group, empty for the core group.
    pub group: String,
    /// Version within the group (`v1`, `v2beta2`).
    pub version: String,
    /// Kind (`Deployment`).
    pub kind: String,
    /// Plural resource name used in URLs (`deployments`).
    pub plural: String,
    /// Whether objects of the kind live in a namespace.
    pub namespaced: bool,
}

impl Served {
    /// `group/version`, or `version` for the core group: what `apiVersion` says.
    #[must_use]
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

/// The address of one object: what a get, a delete or a lease needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    /// `apiVersion` (`apps/v1`).
    pub api_version: String,
    /// Kind.
    pub kind: String,
    /// Namespace, empty for cluster-scoped objects.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl ObjectRef {
    /// The address of an object given as JSON (its `apiVersion`, `kind` and metadata).
    #[must_use]
    pub fn of(object: &Value) -> Self {
        let text = |pointer: &str| {
            object
                .pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        Self {
            api_version: text("/apiVersion"),
            kind: text("/kind"),
            namespace: text("/metadata/namespace"),
            name: text("/metadata/name"),
        }
    }

    /// The API group of its `apiVersion`.
    #[must_use]
    pub fn group(&self) -> &str {
        shipshape_manifest::api_group(&self.api_version)
    }

    /// Group and kind, as an ApplySet lists them (`Deployment.apps`, `Service`).
    #[must_use]
    pub fn group_kind(&self) -> String {
        group_kind(self.group(), &self.kind)
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{} in {}", self.kind, self.name, self.namespace)
        }
    }
}

/// `Kind.group`, or `Kind` for the core group.
#[must_use]
pub fn group_kind(group: &str, kind: &str) -> String {
    if group.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}.{group}")
    }
}

/// A refusal or failure of the API, by what the engine does about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 404: the object (or its kind) is not there.
    #[error("not found: {0}")]
    NotFound(String),
    /// 409: a conflict (another field manager owns the field, the object already
    /// exists, or a resourceVersion/UID precondition failed).
    #[error("conflict: {0}")]
    Conflict(String),
    /// 422 or 400: the server refuses the object (an immutable field, a field its schema
    /// lacks, an invalid value).
    #[error("refused: {0}")]
    Invalid(String),
    /// 429: the server asks to slow down; retried.
    #[error("too many requests: {0}")]
    TooManyRequests(String),
    /// 5xx: the server failed; retried a few times.
    #[error("server error {code}: {message}")]
    Server {
        /// HTTP status.
        code: u16,
        /// The server's message.
        message: String,
    },
    /// 401/403: not allowed.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// No answer: the connection failed, timed out, or the answer made no sense.
    #[error("cannot reach the API server: {0}")]
    Transport(String),
}

impl ApiError {
    /// The error an HTTP status and the server's message stand for.
    #[must_use]
    pub fn from_status(code: u16, message: String) -> Self {
        match code {
            404 => Self::NotFound(message),
            409 => Self::Conflict(message),
            400 | 422 => Self::Invalid(message),
            429 => Self::TooManyRequests(message),
            401 | 403 => Self::Forbidden(message),
            500..=599 => Self::Server { code, message },
            _ => Self::Transport(format!("HTTP {code}: {message}")),
        }
    }

    /// Whether trying the same request again may succeed (429 and 5xx).
    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::TooManyRequests(_) | Self::Server { .. })
    }
}

/// The result of every cluster call.
pub type ApiResult<T> = Result<T, ApiError>;

/// What the deploy engine needs from a cluster. Objects are JSON values, any kind, so
/// custom resources need nothing special; their URLs come from [`Cluster::discover`],
/// never from a list written into the code.
pub trait Cluster: Sync {
    /// Every kind and version the server serves, as discovery reports it now (after a
    /// CRD is established, asking again finds its kind).
    fn discover(&self) -> impl Future<Output = ApiResult<Vec<Served>>> + Send;

    /// Server-side apply of `object` under `manager`, forcing ownership of conflicting
    /// fields (the deploy is the source of truth for what it applies); with `dry_run`,
    /// the server answers what it would store and stores nothing.
    fn apply(
        &self,
        object: &Value,
        manager: &str,
        dry_run: bool,
    ) -> impl Future<Output = ApiResult<Value>> + Send;

    /// Creates `object`; [`ApiError::Conflict`] when it exists.
    fn create(&self, object: &Value) -> impl Future<Output = ApiResult<Value>> + Send;

    /// Replaces `object`, whose `metadata.resourceVersion` must still be the stored
    /// one, else [`ApiError::Conflict`]: the compare-and-swap a lock needs.
    fn replace(&self, object: &Value) -> impl Future<Output = ApiResult<Value>> + Send;

    /// The object, or `None` when there is none.
    fn get(&self, target: &ObjectRef) -> impl Future<Output = ApiResult<Option<Value>>> + Send;

    /// Objects of one kind (`api_version` and `kind`) whose labels match `selector`, in
    /// `namespace` (every namespace when empty).
    fn list(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        selector: &str,
    ) -> impl Future<Output = ApiResult<Vec<Value>>> + Send;

    /// Deletes the object if its UID is still `uid` (a precondition the server checks,
    /// so an object re-created under the same name in between is left alone). `Ok` when
    /// it is gone or going; [`ApiError::Conflict`] when the UID differs.
    fn delete(&self, target: &ObjectRef, uid: &str) -> impl Future<Output = ApiResult<()>> + Send;

    /// The last `lines` lines of a container's log in a pod.
    fn logs(
        &self,
        namespace: &str,
        pod: &str,
        container: &str,
        lines: u32,
    ) -> impl Future<Output = ApiResult<String>> + Send;
}
