//! Exposure: an Ingress by default, or a Gateway API HTTPRoute / GRPCRoute when `expose`
//! names a `gateway`.
//!
//! Both send the public host (and path prefixes) to the component's Service on the exposed
//! port. An Ingress carries the certificate itself (`tls` plus the cert-manager annotation
//! that issues it) and the controller's knobs as nginx annotations. A route carries
//! neither: with a Gateway the certificate belongs to the Gateway's listener, which the
//! platform owns, so `tls` renders nothing extra, and there are no annotations to tune.
//! A Gateway in another namespace must admit this one's routes (its listeners'
//! `allowedRoutes`); that too is the platform's side.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{Map, Value, json};
use shipshape_manifest::{Provenance, pointer_token};
use shipshape_spec::{
    Component, Expose, ExposeProtocol, GatewayParent, IngressOptions, PortDetail, SpecPath, path,
};

use crate::context::{Ctx, component_key};

/// The prefix of the ingress-nginx annotations.
const NGINX: &str = "nginx.ingress.kubernetes.io";

/// Renders the Ingress or route of an exposed component.
pub fn render(ctx: &mut Ctx<'_>, name: &str, component: &Component) {
    let Some(expose) = &component.expose else {
        return;
    };
    // An undeclared port (spec validation reports it) is on no Service: nothing to route to.
    let Some(port) = component.ports.get(&expose.port) else {
        return;
    };
    let key = |rest| component_key(name, rest);
    match &expose.gateway {
        None => {
            let ingress = ingress(ctx, name, expose);
            ctx.emit(&ingress, key(path!["expose"]), ingress_fields(name, expose));
        }
        Some(parent) => {
            let route = route(ctx, name, expose, &port.0, parent);
            let mut fields = Provenance::new();
            fields.record("/spec/parentRefs/0", key(path!["expose", "gateway"]));
            fields.record("/spec/hostnames/0", key(path!["expose", "host"]));
            let port = key(path!["expose", "port"]);
            fields.record("/spec/rules/0/backendRefs/0/port", port);
            if expose.protocol == ExposeProtocol::Http {
                for i in 0..expose.paths.len() {
                    let path = key(path!["expose", "paths", i]);
                    fields.record(&format!("/spec/rules/0/matches/{i}"), path);
                }
            }
            ctx.emit(&route, key(path!["expose"]), fields);
        }
    }
}

/// The spec keys behind an Ingress's fields: the host, paths and port, the certificate,
/// the class and each annotation.
fn ingress_fields(name: &str, expose: &Expose) -> Provenance {
    let key = |rest: SpecPath| component_key(name, [path!["expose"], rest].concat());
    let mut fields = Provenance::new();
    let mut annotations: Vec<(String, SpecPath)> = Vec::new();
    fields.record("/spec/rules/0/host", key(path!["host"]));
    for i in 0..paths(expose).len() {
        let path = format!("/spec/rules/0/http/paths/{i}");
        if !expose.paths.is_empty() {
            // The prefix only: the backend is the component's Service.
            fields.record(&format!("{path}/path"), key(path!["paths", i]));
        }
        fields.record(&format!("{path}/backend/service/port"), key(path!["port"]));
    }
    if let Some(tls) = &expose.tls {
        fields.record("/spec/tls", key(path!["tls"]));
        fields.record("/spec/tls/0/hosts/0", key(path!["host"]));
        if tls.secret.is_some() {
            fields.record("/spec/tls/0/secretName", key(path!["tls", "secret"]));
        }
        let issuers = [
            (
                "cert-manager.io/cluster-issuer",
                "cluster_issuer",
                &tls.cluster_issuer,
            ),
            ("cert-manager.io/issuer", "issuer", &tls.issuer),
        ];
        for (annotation, spec_key, issuer) in issuers {
            if issuer.is_some() {
                annotations.push((annotation.to_owned(), path!["tls", spec_key]));
            }
        }
        for redirect in ["ssl-redirect", "force-ssl-redirect"] {
            annotations.push((format!("{NGINX}/{redirect}"), path!["tls"]));
        }
    }
    if expose.protocol == ExposeProtocol::Grpc {
        annotations.push((format!("{NGINX}/backend-protocol"), path!["protocol"]));
    }
    if let Some(options) = &expose.ingress {
        if options.class.is_some() {
            fields.record("/spec/ingressClassName", key(path!["ingress", "class"]));
        }
        let redirect_written = options
            .ssl_redirect
            .is_some_and(|r| r || expose.tls.is_some());
        let nginx = [
            ("proxy-body-size", "body_size", options.body_size.is_some()),
            ("proxy-read-timeout", "timeout", options.timeout.is_some()),
            ("proxy-send-timeout", "timeout", options.timeout.is_some()),
            ("limit-rps", "rate_limit", options.rate_limit.is_some()),
            // Written only when redirecting or on TLS (see `annotations`).
            ("ssl-redirect", "ssl_redirect", redirect_written),
            ("force-ssl-redirect", "ssl_redirect", redirect_written),
        ];
        for (annotation, spec_key, set) in nginx {
            if set {
                annotations.push((format!("{NGINX}/{annotation}"), path!["ingress", spec_key]));
            }
        }
        for annotation in options.annotations.keys() {
            annotations.push((
                annotation.clone(),
                path!["ingress", "annotations", annotation],
            ));
        }
    }
    // In the order the annotations are written, so the user's own win, as in the output.
    for (annotation, spec_key) in annotations {
        let pointer = format!("/metadata/annotations/{}", pointer_token(&annotation));
        fields.record(&pointer, key(spec_key));
    }
    fields
}

/// The URL path prefixes routed to the component: `/` unless the spec lists some.
fn paths(expose: &Expose) -> Vec<&str> {
    if expose.paths.is_empty() {
        vec!["/"]
    } else {
        expose.paths.iter().map(String::as_str).collect()
    }
}

/// An Ingress for `host`, each path to the component's Service on the exposed port.
fn ingress(ctx: &Ctx<'_>, name: &str, expose: &Expose) -> Ingress {
    let default_options = IngressOptions::default();
    let options = expose.ingress.as_ref().unwrap_or(&default_options);
    // The Service names its ports after the component's, so the port is referred to by
    // name and follows any change of number.
    let backend = IngressBackend {
        service: Some(IngressServiceBackend {
            name: name.to_owned(),
            port: Some(ServiceBackendPort {
                name: Some(expose.port.clone()),
                number: None,
            }),
        }),
        resource: None,
    };
    let paths = paths(expose)
        .into_iter()
        .map(|path| HTTPIngressPath {
            path: Some(path.to_owned()),
            path_type: "Prefix".to_owned(),
            backend: backend.clone(),
        })
        .collect();
    let tls = expose.tls.as_ref().map(|tls| {
        vec![IngressTLS {
            hosts: Some(vec![expose.host.clone()]),
            secret_name: Some(tls.secret.clone().unwrap_or_else(|| format!("{name}-tls"))),
        }]
    });
    let annotations = annotations(expose, options);
    Ingress {
        metadata: ObjectMeta {
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ctx.metadata(name, Some(name))
        },
        spec: Some(IngressSpec {
            ingress_class_name: Some(
                options
                    .class
                    .clone()
                    .unwrap_or_else(|| ctx.spec.platform.ingress.class.clone()),
            ),
            rules: Some(vec![IngressRule {
                host: Some(expose.host.clone()),
                http: Some(HTTPIngressRuleValue { paths }),
            }]),
            tls,
            default_backend: None,
        }),
        status: None,
    }
}

/// The Ingress annotations: the cert-manager issuer, then the nginx settings, then the
/// user's own, which win.
fn annotations(expose: &Expose, options: &IngressOptions) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(tls) = &expose.tls {
        let issuers = [
            ("cert-manager.io/cluster-issuer", &tls.cluster_issuer),
            ("cert-manager.io/issuer", &tls.issuer),
        ];
        for (key, issuer) in issuers {
            if let Some(issuer) = issuer {
                out.insert(key.to_owned(), issuer.clone());
            }
        }
    }
    let mut nginx = |key: &str, value: String| out.insert(format!("{NGINX}/{key}"), value);
    if let Some(size) = &options.body_size {
        nginx("proxy-body-size", size.clone());
    }
    if let Some(timeout) = options.timeout {
        nginx("proxy-read-timeout", timeout.get().to_string());
        nginx("proxy-send-timeout", timeout.get().to_string());
    }
    if let Some(rps) = options.rate_limit {
        nginx("limit-rps", rps.to_string());
    }
    let tls = expose.tls.is_some();
    let redirect = options.ssl_redirect.unwrap_or(tls);
    // With TLS on, nginx redirects unless told not to, so `false` must be written out.
    if redirect || tls {
        nginx("ssl-redirect", redirect.to_string());
        nginx("force-ssl-redirect", redirect.to_string());
    }
    if expose.protocol == ExposeProtocol::Grpc {
        nginx("backend-protocol", "GRPC".to_owned());
    }
    out.extend(
        options
            .annotations
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    out
}

/// An HTTPRoute (or GRPCRoute for gRPC) attached to the Gateway, sending `host` to the
/// component's Service on the exposed `port`.
fn route(
    ctx: &Ctx<'_>,
    name: &str,
    expose: &Expose,
    port: &PortDetail,
    parent: &GatewayParent,
) -> Value {
    // Routes name a Service port by number only.
    let backend_refs = json!([{
        "name": name,
        "port": port.service_port.unwrap_or(port.port),
    }]);
    let (kind, rule) = match expose.protocol {
        ExposeProtocol::Http => {
            let matches: Vec<Value> = paths(expose)
                .into_iter()
                .map(|path| json!({"path": {"type": "PathPrefix", "value": path}}))
                .collect();
            (
                "HTTPRoute",
                json!({"matches": matches, "backendRefs": backend_refs}),
            )
        }
        // gRPC routes match on service and method, not on URL paths: everything for the
        // host goes to the component.
        ExposeProtocol::Grpc => ("GRPCRoute", json!({"backendRefs": backend_refs})),
    };
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": kind,
        "metadata": ctx.metadata(name, Some(name)),
        "spec": {
            "parentRefs": [parent_ref(parent)],
            "hostnames": [expose.host],
            "rules": [rule],
        },
    })
}

/// The reference to the Gateway, with only the fields the spec sets.
fn parent_ref(parent: &GatewayParent) -> Value {
    let mut out = Map::new();
    out.insert("name".to_owned(), json!(parent.name));
    if let Some(namespace) = &parent.namespace {
        out.insert("namespace".to_owned(), json!(namespace));
    }
    if let Some(section) = &parent.section {
        out.insert("sectionName".to_owned(), json!(section));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use crate::test_support::{self, SHOP};

    /// An app with one component exposed as `expose` (YAML flow mapping).
    fn exposed(expose: &str) -> String {
        format!(
            "name: shop
components:
  api:
    kind: service
    image: registry.example.com/shop/api:1.4.2
    ports:
      grpc: 50051
      http: {{port: 8080, service_port: 80}}
    expose: {expose}
"
        )
    }

    #[test]
    fn an_ingress_with_tls_and_nginx_options() {
        assert_snapshot!(test_support::object(SHOP, "Ingress", "web"));
    }

    #[test]
    fn a_grpc_ingress_with_an_issuer_and_its_own_secret() {
        assert_snapshot!(test_support::object(SHOP, "Ingress", "api"));
    }

    #[test]
    fn a_plain_ingress_on_the_platform_class_without_annotations() {
        let yaml = exposed("{host: api.example.com, port: http}");
        assert_snapshot!(test_support::object(&yaml, "Ingress", "api"));
    }

    #[test]
    fn an_ingress_class_and_a_redirect_turned_off() {
        let yaml = exposed(
            "{host: api.example.com, port: http, tls: {cluster_issuer: le}, ingress: {class: internal, ssl_redirect: false}}",
        );
        assert_snapshot!(test_support::object(&yaml, "Ingress", "api"));
    }

    #[test]
    fn an_http_route_on_a_gateway_listener() {
        let yaml = exposed(
            "{host: api.example.com, port: http, paths: [/v1, /v2], tls: {cluster_issuer: le}, gateway: {name: public, namespace: gateways, section: https}}",
        );
        assert_snapshot!(test_support::object(&yaml, "HTTPRoute", "api"));
        assert!(test_support::of_kind(&yaml, "Ingress").is_empty());
    }

    #[test]
    fn a_grpc_route_on_a_gateway() {
        let yaml =
            exposed("{host: api.example.com, port: grpc, protocol: grpc, gateway: {name: public}}");
        assert_snapshot!(test_support::object(&yaml, "GRPCRoute", "api"));
        assert!(test_support::of_kind(&yaml, "Ingress").is_empty());
    }

    #[test]
    fn nothing_without_expose() {
        let exposed_kinds = ["Ingress", "HTTPRoute", "GRPCRoute"];
        let names: Vec<String> = test_support::render(SHOP)
            .into_iter()
            .filter(|m| exposed_kinds.contains(&m.kind()))
            .map(|m| format!("{} {}", m.kind(), m.name()))
            .collect();
        assert_eq!(names, ["Ingress api", "Ingress web"]);
    }
}
