use crate::templates::{annotations, is_ingress};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Ingresses with an ingress-nginx snippet annotation:
    /// `nginx.ingress.kubernetes.io/configuration-snippet`, `server-snippet`,
    /// `stream-snippet`, `auth-snippet`, `modsecurity-snippet` or any other
    /// `nginx.ingress.kubernetes.io/*-snippet`.
    ///
    /// ## Why it matters
    /// A snippet is pasted into the configuration of the shared controller, which holds
    /// every Ingress's TLS keys and a token that reads Secrets cluster-wide. Whoever
    /// can edit one Ingress can read them with a crafted snippet (CVE-2021-25742, and
    /// Lua or `alias` tricks since). ingress-nginx refuses snippets by default since
    /// 1.9, so the Ingress may also simply not work.
    ///
    /// ## How to fix
    /// Use the controller's dedicated annotations (rewrites, headers, CORS, rate
    /// limits) or its ConfigMap for cluster-wide settings, managed by the platform
    /// team.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/configuration-snippet: |
    ///       more_set_headers "X-Frame-Options: DENY";
    /// spec:
    ///   ingressClassName: nginx
    ///   defaultBackend: { service: { name: web, port: { number: 80 } } }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     nginx.ingress.kubernetes.io/custom-headers: shop/web-headers
    /// spec:
    ///   ingressClassName: nginx
    ///   defaultBackend: { service: { name: web, port: { number: 80 } } }
    /// ```
    pub struct IngressNginxSnippet {
        id: "SS144",
        name: "ingress-nginx-snippet",
        severity: Warning,
        theme: Networking,
        summary: "Ingress injects raw configuration into the shared ingress-nginx controller",
    }
}

const PREFIX: &str = "nginx.ingress.kubernetes.io/";

impl ObjectRule for IngressNginxSnippet {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !is_ingress(object) {
            return;
        }
        for annotation in annotations(object) {
            let Some(name) = annotation.key.strip_prefix(PREFIX) else {
                continue;
            };
            if name.ends_with("-snippet") {
                out.report(
                    object,
                    annotation.pointer,
                    format!(
                        "`{name}` pastes raw configuration into the controller shared by every Ingress"
                    ),
                );
            }
        }
    }
}
