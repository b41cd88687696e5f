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
    AppSpec, Component, Expose, ExposeProtocol, GatewayParent, IngressOptions, LONG_LIVED_TIMEOUT,
    PortDetail, SpecPath, path,
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
            let certificate = Certificate::of(ctx.spec, name, expose);
            let ingress = ingress(ctx, name, expose, &certificate);
            let fields = ingress_fields(name, expose, &certificate);
            ctx.emit(&ingress, key(path!["expose"]), fields);
        }
        Some(parent) => {
            let route = route(ctx, name, expose, &port.0, parent);
            let mut fields = Provenance::new();
            fields.record("/spec/parentRefs/0", key(path!["expose", "gateway"]));
            for (i, host_key) in host_keys(expose).into_iter().enumerate() {
                fields.record(&format!("/spec/hostnames/{i}"), key(host_key));
            }
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

/// The spec key of each of `expose`'s hosts: `host`, or each item of `hosts`.
fn host_keys(expose: &Expose) -> Vec<SpecPath> {
    match &expose.host {
        Some(_) => vec![path!["expose", "host"]],
        None => (0..expose.hosts.len())
            .map(|i| path!["expose", "hosts", i])
            .collect(),
    }
}

/// The certificate an Ingress serves: one per set of hosts that exposures share
/// (`shipshape_spec::HostSet`), issued through the Ingress of the set's first component
/// with `tls`, whose TLS entry lists every host of the set; the others list their own
/// hosts with the same Secret and issue nothing, so cert-manager makes one Certificate
/// per set.
struct Certificate {
    /// The Secret that holds it.
    secret: String,
    /// The spec key that names the Secret: the issuer's `tls.secret`, else its `tls`.
    secret_key: SpecPath,
    /// Whether this Ingress issues it.
    issues: bool,
    /// The hosts of this Ingress's TLS entry, each with the spec key that names it.
    hosts: Vec<(String, SpecPath)>,
}

impl Certificate {
    fn of(spec: &AppSpec, name: &str, expose: &Expose) -> Option<Certificate> {
        expose.tls.as_ref()?;
        let set = spec.host_set_of(name)?;
        let (issuer, issuer_tls) = set.issuer()?;
        let secret_key = if issuer_tls.secret.is_some() {
            path!["expose", "tls", "secret"]
        } else {
            path!["expose", "tls"]
        };
        let issues = issuer == name;
        let members: &[(&str, &Expose)] = if issues {
            &set.members
        } else {
            &[(name, expose)]
        };
        let mut hosts: Vec<(String, SpecPath)> = Vec::new();
        for (member, e) in members {
            for (host, key) in e.hosts().into_iter().zip(host_keys(e)) {
                if !hosts.iter().any(|(h, _)| h == host) {
                    hosts.push((host.to_owned(), component_key(member, key)));
                }
            }
        }
        Some(Certificate {
            secret: set.secret()?,
            secret_key: component_key(issuer, secret_key),
            issues,
            hosts,
        })
    }
}

/// The spec keys behind an Ingress's fields: the hosts, paths and port, the certificate,
/// the class and each annotation.
fn ingress_fields(name: &str, expose: &Expose, certificate: &Option<Certificate>) -> Provenance {
    let key = |rest: SpecPath| component_key(name, [path!["expose"], rest].concat());
    let mut fields = Provenance::new();
    let mut annotations: Vec<(String, SpecPath)> = Vec::new();
    for (j, host_key) in host_keys(expose).into_iter().enumerate() {
        let rule = format!("/spec/rules/{j}");
        fields.record(
            &format!("{rule}/host"),
            component_key(name, host_key.clone()),
        );
        for i in 0..expose.paths().len() {
            let path = format!("{rule}/http/paths/{i}");
            if !expose.paths.is_empty() {
                // The prefix only: the backend is the component's Service.
                fields.record(&format!("{path}/path"), key(path!["paths", i]));
            }
            fields.record(&format!("{path}/backend/service/port"), key(path!["port"]));
        }
    }
    if let (Some(tls), Some(certificate)) = (&expose.tls, certificate) {
        fields.record("/spec/tls", key(path!["tls"]));
        for (i, (_, host_key)) in certificate.hosts.iter().enumerate() {
            fields.record(&format!("/spec/tls/0/hosts/{i}"), host_key.clone());
        }
        if !certificate.issues || tls.secret.is_some() {
            let secret = certificate.secret_key.clone();
            fields.record("/spec/tls/0/secretName", secret);
        }
        if certificate.issues {
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
        let long_lived = options.websocket || options.streaming;
        let timeout_key = if options.timeout.is_some() {
            "timeout"
        } else if options.websocket {
            "websocket"
        } else {
            "streaming"
        };
        let nginx = [
            ("proxy-body-size", "body_size", options.body_size.is_some()),
            (
                "proxy-read-timeout",
                timeout_key,
                options.timeout.is_some() || long_lived,
            ),
            (
                "proxy-send-timeout",
                timeout_key,
                options.timeout.is_some() || long_lived,
            ),
            ("proxy-buffering", "streaming", options.streaming),
            ("proxy-request-buffering", "streaming", options.streaming),
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

/// An Ingress with a rule per host, each sending every path to the component's Service
/// on the exposed port, and the TLS entry of its certificate.
fn ingress(
    ctx: &Ctx<'_>,
    name: &str,
    expose: &Expose,
    certificate: &Option<Certificate>,
) -> Ingress {
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
    let paths: Vec<HTTPIngressPath> = expose
        .paths()
        .into_iter()
        .map(|path| HTTPIngressPath {
            path: Some(path.to_owned()),
            path_type: "Prefix".to_owned(),
            backend: backend.clone(),
        })
        .collect();
    let rules = expose
        .hosts()
        .into_iter()
        .map(|host| IngressRule {
            host: Some(host.to_owned()),
            http: Some(HTTPIngressRuleValue {
                paths: paths.clone(),
            }),
        })
        .collect();
    let tls = certificate.as_ref().map(|certificate| {
        vec![IngressTLS {
            hosts: Some(certificate.hosts.iter().map(|(h, _)| h.clone()).collect()),
            secret_name: Some(certificate.secret.clone()),
        }]
    });
    let issues = certificate.as_ref().is_some_and(|c| c.issues);
    let annotations = annotations(expose, options, issues);
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
            rules: Some(rules),
            tls,
            default_backend: None,
        }),
        status: None,
    }
}

/// The Ingress annotations: the cert-manager issuer (only on the Ingress that issues the
/// certificate), then the nginx settings, then the user's own, which win.
fn annotations(
    expose: &Expose,
    options: &IngressOptions,
    issues_certificate: bool,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(tls) = expose.tls.as_ref().filter(|_| issues_certificate) {
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
    let long_lived = (options.websocket || options.streaming).then_some(LONG_LIVED_TIMEOUT);
    if let Some(timeout) = options.timeout.map(|t| t.get()).or(long_lived) {
        nginx("proxy-read-timeout", timeout.to_string());
        nginx("proxy-send-timeout", timeout.to_string());
    }
    if options.streaming {
        // Bytes go through as they come: a buffered stream reaches the client only at
        // its end, and a buffered upload is written to the controller's disk first.
        nginx("proxy-buffering", "off".to_owned());
        nginx("proxy-request-buffering", "off".to_owned());
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
            let matches: Vec<Value> = expose
                .paths()
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
            "hostnames": expose.hosts(),
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
    fn several_hosts_and_paths_in_one_ingress_with_one_certificate() {
        let yaml = exposed(
            "{hosts: [shop.example.com, www.shop.example.com], paths: [/api, /v2], port: http, tls: {cluster_issuer: le}}",
        );
        assert_snapshot!(test_support::object(&yaml, "Ingress", "api"));
    }

    /// Two components on one host and a third on a host shared with the second: one
    /// certificate for the three hosts, issued through the first component's Ingress.
    const SHARED_HOSTS: &str = "name: shop
components:
  api:
    kind: service
    image: registry.example.com/shop/api:1.4.2
    ports: { http: 8080 }
    expose: { host: shop.example.com, paths: [/api], port: http, tls: {cluster_issuer: le} }
  web:
    kind: service
    image: registry.example.com/shop/web:2.0.1
    ports: { http: 8080 }
    expose: { hosts: [shop.example.com, www.example.com], port: http, tls: {cluster_issuer: le} }
  admin:
    kind: service
    image: registry.example.com/shop/admin:1.0.0
    ports: { http: 8080 }
    expose: { host: www.example.com, paths: [/admin], port: http, tls: {cluster_issuer: le} }
";

    #[test]
    fn components_that_share_hosts_share_one_certificate() {
        let ingresses = test_support::of_kind(SHARED_HOSTS, "Ingress");
        let tls: Vec<String> = ingresses
            .iter()
            .map(|m| {
                let value = &m.value;
                format!(
                    "{}: {} in {}, issuer {}",
                    m.name(),
                    value["spec"]["tls"][0]["hosts"],
                    value["spec"]["tls"][0]["secretName"],
                    value["metadata"]["annotations"]["cert-manager.io/cluster-issuer"],
                )
            })
            .collect();
        assert_eq!(
            tls,
            [
                r#"admin: ["www.example.com"] in "api-tls", issuer null"#,
                r#"api: ["shop.example.com","www.example.com"] in "api-tls", issuer "le""#,
                r#"web: ["shop.example.com","www.example.com"] in "api-tls", issuer null"#,
            ]
        );
        assert_snapshot!(test_support::object(SHARED_HOSTS, "Ingress", "admin"));
    }

    #[test]
    fn websocket_and_streaming_keep_connections_open_and_unbuffered() {
        let websocket = exposed("{host: api.example.com, port: http, ingress: {websocket: true}}");
        let streaming = exposed(
            "{host: api.example.com, port: http, ingress: {streaming: true, timeout: 15m}}",
        );
        let annotations = |yaml: &str| {
            test_support::of_kind(yaml, "Ingress")[0].value["metadata"]["annotations"].to_string()
        };
        assert_eq!(
            annotations(&websocket),
            r#"{"nginx.ingress.kubernetes.io/proxy-read-timeout":"3600","nginx.ingress.kubernetes.io/proxy-send-timeout":"3600"}"#
        );
        assert_eq!(
            annotations(&streaming),
            r#"{"nginx.ingress.kubernetes.io/proxy-buffering":"off","nginx.ingress.kubernetes.io/proxy-read-timeout":"900","nginx.ingress.kubernetes.io/proxy-request-buffering":"off","nginx.ingress.kubernetes.io/proxy-send-timeout":"900"}"#
        );
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
