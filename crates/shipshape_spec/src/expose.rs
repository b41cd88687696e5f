//! Exposure outside the cluster: Ingress or Gateway API routes.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::scalars::Seconds;

/// Makes a component reachable from outside: by Ingress (the default) or by a Gateway
/// API route, never both.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expose {
    /// The public host name; `hosts` lists several. Exactly one of the two.
    #[serde(default)]
    pub host: Option<String>,
    /// Several public host names, each routed the same `paths`; they share one
    /// certificate. Components that share a host share its certificate too, and may not
    /// claim the same path on it.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// The named port to send traffic to.
    pub port: String,
    /// URL path prefixes. Defaults to `/`.
    #[serde(default)]
    pub paths: Vec<String>,
    /// `http` (default) or `grpc`.
    #[serde(default)]
    pub protocol: ExposeProtocol,
    /// TLS certificates from cert-manager; set `tls: false` only behind another TLS end.
    #[serde(default)]
    pub tls: Option<Tls>,
    /// Ingress settings; the default route kind.
    #[serde(default)]
    pub ingress: Option<IngressOptions>,
    /// A Gateway API parent to attach an HTTPRoute or GRPCRoute to, instead of an Ingress.
    #[serde(default)]
    pub gateway: Option<GatewayParent>,
}

impl Expose {
    /// The public host names, in the order written: `host`, or each of `hosts`.
    #[must_use]
    pub fn hosts(&self) -> Vec<&str> {
        self.host
            .iter()
            .chain(&self.hosts)
            .map(String::as_str)
            .collect()
    }

    /// The URL path prefixes routed to the component: `/` unless the spec lists some.
    #[must_use]
    pub fn paths(&self) -> Vec<&str> {
        if self.paths.is_empty() {
            vec!["/"]
        } else {
            self.paths.iter().map(String::as_str).collect()
        }
    }
}

/// Protocols a route can carry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExposeProtocol {
    /// HTTP/1.1 or HTTP/2.
    #[default]
    Http,
    /// gRPC (HTTP/2 end to end).
    Grpc,
}

/// Where certificates come from.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// A cert-manager ClusterIssuer, such as `letsencrypt-prod`.
    #[serde(default)]
    pub cluster_issuer: Option<String>,
    /// A cert-manager Issuer in the app's namespace.
    #[serde(default)]
    pub issuer: Option<String>,
    /// The Secret that holds (or will hold) the certificate. Defaults to `<component>-tls`.
    #[serde(default)]
    pub secret: Option<String>,
}

/// Ingress-specific settings.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressOptions {
    /// The IngressClass; defaults to the platform's.
    #[serde(default)]
    pub class: Option<String>,
    /// Largest request body, such as `10m` (nginx `proxy-body-size`).
    #[serde(default)]
    pub body_size: Option<String>,
    /// Upstream read and send timeout. Defaults to the controller's (60 s with
    /// ingress-nginx), or to an hour with `websocket` or `streaming`.
    #[serde(default)]
    pub timeout: Option<Seconds>,
    /// The component serves WebSocket connections, which stay open for as long as the
    /// client stays: read and send timeouts of an hour unless `timeout` says otherwise,
    /// so idle sockets are not cut after the controller's 60 s.
    #[serde(default)]
    pub websocket: bool,
    /// The component streams long responses or uploads (server-sent events, large
    /// downloads, gRPC streams): the controller passes bytes on as they come instead of
    /// buffering whole requests and responses, with the timeouts of `websocket`.
    #[serde(default)]
    pub streaming: bool,
    /// Requests per second allowed per client address (nginx `limit-rps`).
    #[serde(default)]
    pub rate_limit: Option<u32>,
    /// Redirect HTTP to HTTPS. Defaults to true when TLS is on.
    #[serde(default)]
    pub ssl_redirect: Option<bool>,
    /// Extra annotations, merged over the generated ones.
    #[serde(default)]
    pub annotations: IndexMap<String, String>,
}

/// The Gateway a route attaches to.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GatewayParent {
    /// The Gateway's name.
    pub name: String,
    /// The Gateway's namespace; defaults to the app's.
    #[serde(default)]
    pub namespace: Option<String>,
    /// The listener to attach to.
    #[serde(default)]
    pub section: Option<String>,
}
