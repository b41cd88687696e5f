//! Probes.

use schemars::JsonSchema;
use serde::Deserialize;

use crate::scalars::Seconds;

/// The three probes; each is optional.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// Restarts the container when it fails.
    #[serde(default)]
    pub live: Option<Probe>,
    /// Takes the pod out of load balancing when it fails.
    #[serde(default)]
    pub ready: Option<Probe>,
    /// Holds the other probes back until the app has started.
    #[serde(default)]
    pub start: Option<Probe>,
    /// Why the pods need no readiness probe, for a component that has none: silences
    /// `render`'s warning and suppresses the checker's SS010 on the output, with this
    /// reason. checkov's CKV_K8S_9 still reports the missing probe.
    #[serde(default)]
    pub no_ready: Option<String>,
}

/// One probe: exactly one of `http`, `tcp`, `grpc` or `exec`, plus timings.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// HTTP GET of this path on `port`.
    #[serde(default)]
    pub http: Option<String>,
    /// TCP connect to this named port.
    #[serde(default)]
    pub tcp: Option<String>,
    /// gRPC health check on this named port.
    #[serde(default)]
    pub grpc: Option<String>,
    /// Run this command in the container.
    #[serde(default)]
    pub exec: Option<Vec<String>>,
    /// The named port for `http`.
    #[serde(default)]
    pub port: Option<String>,
    /// `http` (default) or `https`, for `http`.
    #[serde(default)]
    pub scheme: Option<ProbeScheme>,
    /// Wait before the first probe.
    #[serde(default)]
    pub initial_delay: Option<Seconds>,
    /// Time between probes.
    #[serde(default)]
    pub period: Option<Seconds>,
    /// Time a probe may take.
    #[serde(default)]
    pub timeout: Option<Seconds>,
    /// Failures in a row before the probe counts as failed.
    #[serde(default)]
    pub failures: Option<u32>,
    /// Successes in a row before the probe counts as passing again (readiness only).
    #[serde(default)]
    pub successes: Option<u32>,
}

/// The scheme of an HTTP probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProbeScheme {
    /// Plain HTTP.
    Http,
    /// HTTPS, certificate not verified.
    Https,
}
