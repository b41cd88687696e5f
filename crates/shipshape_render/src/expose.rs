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
use shipshape_spec::{
    Component, Expose, ExposeProtocol, GatewayParent, IngressOptions, PortDetail,
};

use crate::context::{Ctx, component_path};

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
    let mut path = component_path(name);
    path.push("expose".into());
    match &expose.gateway {
        None => {
            let ingress = ingress(ctx, name, expose);
            ctx.emit(&ingress, path);
        }
        Some(parent) => {
            let route = route(ctx, name, expose, &port.0, parent);
            ctx.emit_value(route, path);
        }
    }
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
