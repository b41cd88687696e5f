use serde_json::Value;

use crate::templates::is_ingress;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Ingresses without `spec.tls`, and hosts of an Ingress's rules that none of its
    /// `tls` entries lists (`*.example.com` covers `api.example.com`). A `tls` entry
    /// without `hosts` covers every host.
    ///
    /// ## Why it matters
    /// Without TLS the controller serves the host over plain HTTP: passwords, session
    /// cookies and API tokens cross the network readable by anyone on the path, and
    /// browsers mark the site insecure.
    ///
    /// ## How to fix
    /// Add a `tls` entry for every host, with the Secret that holds its certificate
    /// (cert-manager fills it when the Ingress is annotated with an issuer).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    /// spec:
    ///   ingressClassName: nginx
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend: { service: { name: web, port: { number: 80 } } }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: networking.k8s.io/v1
    /// kind: Ingress
    /// metadata:
    ///   name: web
    ///   annotations:
    ///     cert-manager.io/cluster-issuer: letsencrypt-prod
    /// spec:
    ///   ingressClassName: nginx
    ///   tls:
    ///     - { hosts: [shop.example.com], secretName: web-tls }
    ///   rules:
    ///     - host: shop.example.com
    ///       http:
    ///         paths:
    ///           - path: /
    ///             pathType: Prefix
    ///             backend: { service: { name: web, port: { number: 80 } } }
    /// ```
    pub struct IngressWithoutTls {
        id: "SS143",
        name: "ingress-without-tls",
        severity: Warning,
        theme: Networking,
        summary: "Ingress serves a host without TLS",
    }
}

/// Whether a certificate for `pattern` (`shop.example.com`, `*.example.com`) serves
/// `host`. A wildcard covers exactly one label.
fn covers(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(domain) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == domain),
        None => pattern == host,
    }
}

impl ObjectRule for IngressWithoutTls {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if !is_ingress(object) {
            return;
        }
        let tls = object.get("/spec/tls").and_then(Value::as_array);
        let Some(tls) = tls.filter(|t| !t.is_empty()) else {
            out.report(object, "/spec/tls", "serves plain HTTP: no tls entry");
            return;
        };
        let mut patterns = Vec::new();
        for entry in tls {
            match entry["hosts"].as_array() {
                Some(hosts) if !hosts.is_empty() => {
                    patterns.extend(hosts.iter().filter_map(Value::as_str));
                }
                // An entry without hosts serves its certificate for every host.
                _ => return,
            }
        }
        let rules = object.get("/spec/rules").and_then(Value::as_array);
        for (i, rule) in rules.into_iter().flatten().enumerate() {
            let Some(host) = rule["host"].as_str() else {
                continue;
            };
            if !patterns.iter().any(|p| covers(p, host)) {
                out.report(
                    object,
                    format!("/spec/rules/{i}/host"),
                    format!("host `{host}` is served over plain HTTP: no tls entry lists it"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("*.example.com", "api.example.com"));
        assert!(!covers("*.example.com", "example.com"));
        assert!(!covers("*.example.com", "a.b.example.com"));
        assert!(covers("example.com", "example.com"));
    }
}
