//! Bad input: every problem is reported with its message, its help, and the exact line
//! and column of the offending text.

use std::path::{Path, PathBuf};

use shipshape_spec::{Diagnostic, Diagnostics, load_str};

/// The directory valid fixtures live in; `from:` paths of the cases resolve against it.
fn valid_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Lets specs be written indented in Rust source: drops leading and trailing blank lines
/// and the common indentation.
fn dedent(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().skip_while(|l| l.trim().is_empty()).collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: String = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// The diagnostics for `text`, which must fail to load.
fn errors(text: &str, env: Option<&str>) -> Vec<Diagnostic> {
    match load_str("shipshape.yaml", text, &valid_dir(), env) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(Diagnostics(all)) => all,
    }
}

/// Line and column of a diagnostic.
fn at(d: &Diagnostic) -> Option<(usize, usize)> {
    d.location().map(|l| (l.line, l.column))
}

/// One bad input and the single problem it must produce.
struct Case {
    name: &'static str,
    yaml: &'static str,
    /// The whole message, or its stable prefix followed by `…`.
    message: &'static str,
    help: Option<&'static str>,
    line: usize,
    column: usize,
}

const CASES: &[Case] = &[
    // ---- what deserialization catches ----
    Case {
        name: "unknown key suggests the closest",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                replica: 3
        "#,
        message: "unknown key `replica`",
        help: Some("did you mean `replicas`?"),
        line: 6,
        column: 5,
    },
    Case {
        name: "unknown top-level key",
        yaml: r#"
            name: shop
            namespce: shop
            components: {}
        "#,
        message: "unknown key `namespce`",
        help: Some("did you mean `namespace`?"),
        line: 2,
        column: 1,
    },
    Case {
        name: "wrong type",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                allow_mutable_tag: yes
        "#,
        message: "expected `true` or `false`, found a string",
        help: None,
        line: 6,
        column: 24,
    },
    Case {
        name: "number where a string is expected",
        yaml: r#"
            name: 42
            components: {}
        "#,
        message: "expected a string, found an integer",
        help: Some("quote the value to make it a string"),
        line: 1,
        column: 7,
    },
    Case {
        name: "unknown enum value suggests",
        yaml: r#"
            name: shop
            components:
              api:
                kind: servce
                image: shop/api:1.0
        "#,
        message: "unknown value `servce`, expected one of `service`, `worker`, `stateful`, `job`, `cron`",
        help: Some("did you mean `service`?"),
        line: 4,
        column: 11,
    },
    Case {
        name: "malformed replica range",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                replicas: 5..2
        "#,
        message: "the range `5..2` has its minimum (5) above its maximum (2): write `2..5`",
        help: None,
        line: 6,
        column: 15,
    },
    Case {
        name: "missing required field",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                ports: { http: 8080 }
        "#,
        message: "missing field `image`",
        help: Some("add `image:` here"),
        line: 4,
        column: 5,
    },
    Case {
        name: "YAML syntax error",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080
        "#,
        message: "invalid YAML: …",
        help: None,
        line: 7,
        column: 1,
    },
    Case {
        name: "bad indentation",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
               image: shop/api:1.0
        "#,
        message: "invalid YAML: …",
        help: None,
        line: 5,
        column: 4,
    },
    Case {
        name: "duplicate key",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                image: shop/api:2.0
        "#,
        message: "duplicate key `image`",
        help: Some("`image` is already set on line 5; keep one of them"),
        line: 6,
        column: 5,
    },
    Case {
        name: "two documents",
        yaml: r#"
            name: shop
            components: {}
            ---
            name: other
        "#,
        message: "this file holds more than one YAML document",
        help: Some("a shipshape spec is a single document: remove the `---` separator"),
        line: 4,
        column: 1,
    },
    // ---- names ----
    Case {
        name: "app name is not a label",
        yaml: r#"
            name: Shop_1
            components: {}
        "#,
        message: "app name `Shop_1` may only contain lowercase letters, digits and `-`",
        help: Some("use lowercase letters, digits and `-`, such as `shop-1`"),
        line: 1,
        column: 7,
    },
    Case {
        name: "namespace ends with a dash",
        yaml: r#"
            name: shop
            namespace: shop-
            components: {}
        "#,
        message: "namespace `shop-` must start and end with a letter or digit",
        help: Some("use lowercase letters, digits and `-`, such as `shop`"),
        line: 2,
        column: 12,
    },
    Case {
        name: "unsupported Kubernetes version",
        yaml: r#"
            name: shop
            kubernetes: latest
            components: {}
        "#,
        message: "`latest` is not a supported Kubernetes version",
        help: Some("use one of `1.33`, `1.34`, `1.35`, `1.36`, `1.37`"),
        line: 2,
        column: 13,
    },
    Case {
        name: "component name is not a label",
        yaml: r#"
            name: shop
            components:
              Api:
                kind: service
                image: shop/api:1.0
        "#,
        message: "component name `Api` may only contain lowercase letters, digits and `-`",
        help: Some("use lowercase letters, digits and `-`, such as `api`"),
        line: 3,
        column: 3,
    },
    Case {
        name: "component name too long for its migration job",
        yaml: r#"
            name: shop
            components:
              order-fulfillment-and-inventory-reconciliations:
                kind: worker
                image: shop/api:1.0
        "#,
        message: "component name `order-fulfillment-and-inventory-reconciliations` is 47 characters long, too long for its migration Job `order-fulfillment-and-inventory-reconciliations-migrate-<hash>`",
        help: Some("shorten it to 46 characters or fewer"),
        line: 3,
        column: 3,
    },
    Case {
        name: "component and service share a name",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
            services:
              api: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "`api` is both a component and a service",
        help: Some(
            "components and services share the namespace's Service names: rename one of them",
        ),
        line: 7,
        column: 3,
    },
    Case {
        name: "secret name is not a label",
        yaml: r#"
            name: shop
            components: {}
            secrets:
              db_pass: { generate: {} }
        "#,
        message: "secret name `db_pass` may only contain lowercase letters, digits and `-`",
        help: Some("use lowercase letters, digits and `-`, such as `db-pass`"),
        line: 4,
        column: 3,
    },
    Case {
        name: "generated secret name too long for its Job",
        yaml: r#"
            name: shop
            components: {}
            secrets:
              a-very-long-secret-name-for-the-cluster-hmac-key: { generate: {} }
        "#,
        message: "secret name `a-very-long-secret-name-for-the-cluster-hmac-key` is 48 characters long, too long for the Job that generates it (`a-very-long-secret-name-for-the-cluster-hmac-key-<hash>-create`)",
        help: Some("shorten it to 47 characters or fewer"),
        line: 4,
        column: 3,
    },
    // ---- image and scaling ----
    Case {
        name: "image tagged latest",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:latest
        "#,
        message: "image `shop/api:latest` has the tag `latest`: each new pod may run different code",
        help: Some(
            "pin a version (`shop/api:1.2.3`) or a digest (`shop/api@sha256:…`), or set `allow_mutable_tag: true`",
        ),
        line: 5,
        column: 12,
    },
    Case {
        name: "image without tag",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: registry.example.com:5000/shop/api
        "#,
        message: "image `registry.example.com:5000/shop/api` has no tag, which means `latest`: …",
        help: Some(
            "pin a version (`registry.example.com:5000/shop/api:1.2.3`) or a digest (`registry.example.com:5000/shop/api@sha256:…`), or set `allow_mutable_tag: true`",
        ),
        line: 5,
        column: 12,
    },
    Case {
        name: "autoscale with a fixed replica count",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                replicas: 3
                autoscale: { cpu: 70% }
        "#,
        message: "`replicas: 3` is a fixed count, but `autoscale` needs a range: an HPA needs a range such as 2..10",
        help: Some(
            "write `replicas: MIN..MAX`, such as `2..10`, or remove `autoscale` (`autoscale: null` in an environment)",
        ),
        line: 6,
        column: 15,
    },
    Case {
        name: "autoscale without a target",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                replicas: 2..5
                autoscale: { behavior: conservative }
        "#,
        message: "`autoscale` sets no target, so the HPA has nothing to scale by",
        help: Some("add `cpu: 70%`, `memory: 80%`, or a per-pod metric under `pods:`"),
        line: 7,
        column: 5,
    },
    // ---- ports ----
    Case {
        name: "port name is not an IANA service name",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { web_api: 8080 }
        "#,
        message: "port name `web_api` may only contain lowercase letters, digits and `-`",
        help: Some(
            "port names are IANA service names: up to 15 lowercase letters, digits and `-`, with at least one letter, such as `http` or `grpc-api`",
        ),
        line: 6,
        column: 14,
    },
    Case {
        name: "port number declared twice",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080, admin: 8080 }
        "#,
        message: "TCP port 8080 is declared twice, as `http` and `admin`",
        help: Some("a container listens on a port once: remove one, or change its number"),
        line: 6,
        column: 33,
    },
    Case {
        name: "service port zero",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports:
                  http: { port: 8080, service_port: 0 }
        "#,
        message: "0 is not a port: use 1 to 65535",
        help: Some("remove `service_port` to use 8080 on the Service too"),
        line: 7,
        column: 41,
    },
    // ---- health ----
    Case {
        name: "probe with no check",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  live: { period: 5s }
        "#,
        message: "the `live` probe needs one of `http`, `tcp`, `grpc` or `exec`",
        help: Some("add exactly one of them"),
        line: 8,
        column: 13,
    },
    Case {
        name: "probe with two checks",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  ready: { http: /ready, port: http, exec: [check] }
        "#,
        message: "the `ready` probe sets both `http` and `exec`",
        help: Some("keep only one of `http`, `tcp`, `grpc` or `exec`"),
        line: 8,
        column: 42,
    },
    Case {
        name: "http probe without port",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  ready: { http: /ready }
        "#,
        message: "the `ready` probe uses `http` but sets no `port`",
        help: Some("add `port:` naming one of the component's `ports`, such as `port: http`"),
        line: 8,
        column: 14,
    },
    Case {
        name: "http probe path without slash",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  ready: { http: ready, port: http }
        "#,
        message: "the path `ready` does not start with `/`",
        help: Some("write `/ready`"),
        line: 8,
        column: 22,
    },
    Case {
        name: "probe names an undeclared port",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  ready: { http: /ready, port: htp }
        "#,
        message: "port `htp` is not declared",
        help: Some("did you mean `http`?"),
        line: 8,
        column: 36,
    },
    Case {
        name: "tcp probe with port",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  live: { tcp: http, port: http }
        "#,
        message: "`port` applies only to `http` probes",
        help: Some(
            "`tcp` and `grpc` name their port themselves (`tcp: http`) and `exec` uses none: remove `port`",
        ),
        line: 8,
        column: 26,
    },
    Case {
        name: "probe failures zero",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  live: { tcp: http, failures: 0 }
        "#,
        message: "`failures` must be 1 or more",
        help: Some("remove `failures` to use the default"),
        line: 8,
        column: 36,
    },
    Case {
        name: "successes on a startup probe",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  start: { tcp: http, successes: 3 }
        "#,
        message: "Kubernetes rejects `successes` other than 1 on a `start` probe",
        help: Some("remove `successes`: only the `ready` probe may need several successes"),
        line: 8,
        column: 38,
    },
    Case {
        name: "probe timeout not shorter than period",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                health:
                  live: { tcp: http, period: 5s, timeout: 5s }
        "#,
        message: "the timeout (5s) is not shorter than the period (5s): the next probe starts before this one times out",
        help: Some("make `timeout` shorter than `period`"),
        line: 8,
        column: 47,
    },
    Case {
        name: "peers name an undeclared port",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080, gossip: { port: 7946, protocol: udp } }
                peers: [gosip]
        "#,
        message: "port `gosip` is not declared",
        help: Some("did you mean `gossip`?"),
        line: 7,
        column: 13,
    },
    Case {
        name: "a platform namespace that is no name",
        yaml: r#"
            name: shop
            platform:
              cloudnative_pg: { namespace: CNPG_System }
            components:
              api:
                kind: service
                image: shop/api:1.0
        "#,
        message: "namespace `CNPG_System` may only contain lowercase letters, digits and `-`",
        help: Some("use lowercase letters, digits and `-`, such as `cnpg-system`"),
        line: 3,
        column: 32,
    },
    Case {
        name: "a component named like the default-deny policy",
        yaml: r#"
            name: shop
            components:
              default-deny:
                kind: service
                image: shop/api:1.0
        "#,
        message: "`default-deny` is the name of the namespace's default-deny NetworkPolicy",
        help: Some("rename it, or set `default_deny: false` to render no such policy"),
        line: 3,
        column: 3,
    },
    Case {
        name: "serves names an undeclared port",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080, grpc: 50051 }
                serves: [grcp]
        "#,
        message: "port `grcp` is not declared",
        help: Some("did you mean `grpc`?"),
        line: 7,
        column: 14,
    },
    Case {
        name: "serves lists a port twice",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080, grpc: 50051 }
                serves: [grpc, http, grpc]
        "#,
        message: "port `grpc` is listed twice",
        help: Some("list each port callers use once"),
        line: 7,
        column: 26,
    },
    Case {
        name: "a worker serves",
        yaml: r#"
            name: shop
            components:
              api:
                kind: worker
                image: shop/api:1.0
                ports: { metrics: 9090 }
                serves: [metrics]
        "#,
        message: "a `worker` has no Service for callers, so it serves no port",
        help: Some("remove `serves`, or make the component `kind: service`"),
        line: 7,
        column: 5,
    },
    Case {
        name: "needs a component that serves nothing",
        yaml: r#"
            name: shop
            components:
              web:
                kind: service
                image: shop/web:1.0
                ports: { http: 8080 }
                needs: [api]
              api:
                kind: service
                image: shop/api:1.0
                ports: { gossip: 7946 }
                peers: [gossip]
        "#,
        message: "`api` serves no port to its callers",
        help: Some(
            "list the ports callers use in `components.api.serves`, or remove `api` from `needs`",
        ),
        line: 7,
        column: 13,
    },
    Case {
        name: "metrics port undeclared",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                metrics: { port: metrics }
        "#,
        message: "port `metrics` is not declared",
        help: Some("declare it under `ports:`, or use one of `http`"),
        line: 7,
        column: 22,
    },
    // ---- expose ----
    Case {
        name: "exposed worker",
        yaml: r#"
            name: shop
            components:
              api:
                kind: worker
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, port: http }
        "#,
        message: "a `worker` takes no inbound traffic, so it cannot be exposed",
        help: Some("make it `kind: service`, or remove `expose`"),
        line: 7,
        column: 5,
    },
    Case {
        name: "expose names an undeclared port",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, port: api }
        "#,
        message: "port `api` is not declared",
        help: Some("declare it under `ports:`, or use one of `http`"),
        line: 7,
        column: 45,
    },
    Case {
        name: "expose through ingress and gateway",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose:
                  host: shop.example.com
                  port: http
                  ingress: { class: nginx }
                  gateway: { name: public }
        "#,
        message: "`expose` sets both `ingress` and `gateway`",
        help: Some("route through an Ingress or a Gateway, not both: remove one"),
        line: 11,
        column: 7,
    },
    Case {
        name: "expose host is not a DNS name",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: Shop.example.com, port: http }
        "#,
        message: "`Shop.example.com` is not a valid host name",
        help: Some(
            "use a DNS name such as `shop.example.com`: lowercase letters, digits, `-` and `.`",
        ),
        line: 7,
        column: 21,
    },
    Case {
        name: "expose path without slash",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose:
                  host: shop.example.com
                  port: http
                  paths: [/, api]
        "#,
        message: "the path `api` does not start with `/`",
        help: Some("write `/api`"),
        line: 10,
        column: 18,
    },
    Case {
        name: "tls with two issuers",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose:
                  host: shop.example.com
                  port: http
                  tls: { cluster_issuer: letsencrypt, issuer: local }
        "#,
        message: "`tls` sets both `cluster_issuer` and `issuer`",
        help: Some("keep only one of `cluster_issuer` or `issuer`"),
        line: 10,
        column: 43,
    },
    Case {
        name: "expose with host and hosts",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, hosts: [www.example.com], port: http }
        "#,
        message: "`expose` sets both `host` and `hosts`",
        help: Some("keep only one of `host` or `hosts`"),
        line: 7,
        column: 39,
    },
    Case {
        name: "expose without a host",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { port: http }
        "#,
        message: "`expose` needs one of `host` or `hosts`",
        help: Some("add exactly one of them"),
        line: 7,
        column: 13,
    },
    Case {
        name: "expose lists a host twice",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { hosts: [shop.example.com, shop.example.com], port: http }
        "#,
        message: "the host `shop.example.com` is listed twice",
        help: Some("remove one"),
        line: 7,
        column: 41,
    },
    Case {
        name: "expose lists a path twice",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, paths: [/api, /api/], port: http }
        "#,
        message: "the path `/api/` is listed twice",
        help: Some("remove one: a trailing `/` makes no difference to a prefix"),
        line: 7,
        column: 53,
    },
    Case {
        name: "two components route the same path on a host",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, paths: [/api, /], port: http }
              web:
                kind: service
                image: shop/web:1.0
                ports: { http: 8080 }
                expose: { hosts: [www.example.com, shop.example.com], port: http }
        "#,
        message: "`web` routes `/` on `shop.example.com`, which `api` routes already",
        help: Some(
            "give each component its own path prefixes on `shop.example.com`, such as `/web`",
        ),
        line: 12,
        column: 40,
    },
    Case {
        name: "a shared host served without tls",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, paths: [/api], port: http, tls: { cluster_issuer: le } }
              web:
                kind: service
                image: shop/web:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, port: http }
        "#,
        message: "`web` serves `shop.example.com` without TLS, but `api` serves the same host set with a certificate",
        help: Some("add the `tls` of `api` to `web`'s `expose`: they share one certificate"),
        line: 12,
        column: 5,
    },
    Case {
        name: "a shared host with a second certificate secret",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, paths: [/api], port: http, tls: { cluster_issuer: le } }
              web:
                kind: service
                image: shop/web:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, port: http, tls: { cluster_issuer: le, secret: web-tls } }
        "#,
        message: "`web` and `api` share hosts, so they share one certificate, kept in Secret `api-tls`",
        help: Some("remove `secret`, or set it to `api-tls`"),
        line: 12,
        column: 86,
    },
    Case {
        name: "a shared host with another issuer",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, paths: [/api], port: http, tls: { cluster_issuer: le } }
              web:
                kind: service
                image: shop/web:1.0
                ports: { http: 8080 }
                expose: { host: shop.example.com, port: http, tls: { issuer: local } }
        "#,
        message: "`web` and `api` share hosts, so they share one certificate, but name different issuers",
        help: Some("use the issuer of `api`"),
        line: 12,
        column: 56,
    },
    Case {
        name: "websocket on a gateway route",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                ports: { http: 8080 }
                expose:
                  host: shop.example.com
                  port: http
                  ingress: { websocket: true }
                  gateway: { name: public }
        "#,
        message: "`websocket` is not supported on a Gateway route: Gateway API routes have no field for connection timeouts or buffering, which the Gateway's implementation decides",
        help: Some(
            "remove `gateway` to route through an Ingress, or remove `ingress` and set the timeouts on the Gateway",
        ),
        line: 10,
        column: 18,
    },
    // ---- env ----
    Case {
        name: "env name with =",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  "MODE=fast": x
        "#,
        message: "environment variable name `MODE=fast` contains `=`",
        help: Some("the name ends where `=` starts: remove it, and put the value after the colon"),
        line: 7,
        column: 7,
    },
    Case {
        name: "env source with two origins",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  POD: { field: metadata.name, resource: limits.cpu }
        "#,
        message: "`POD` sets both `field` and `resource`",
        help: Some("keep only one of `secret`, `config`, `field` or `resource`"),
        line: 7,
        column: 36,
    },
    Case {
        name: "env secret without key",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  TOKEN: { secret: token }
            secrets:
              token: { generate: {} }
        "#,
        message: "`secret` needs `key`",
        help: Some("add `key:` naming the key of secret `token` to use"),
        line: 7,
        column: 14,
    },
    Case {
        name: "env names an undeclared secret",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  TOKEN: { secret: tokn, key: value }
            secrets:
              token: { generate: {} }
        "#,
        message: "secret `tokn` is not declared",
        help: Some("did you mean `token`?"),
        line: 7,
        column: 24,
    },
    Case {
        name: "env names a config when none is declared",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  MODE: { config: settings, key: mode }
        "#,
        message: "config `settings` is not declared",
        help: Some("declare it under `configs:`"),
        line: 7,
        column: 23,
    },
    Case {
        name: "env key not generated",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  TOKEN: { secret: token, key: val }
            secrets:
              token: { generate: {} }
        "#,
        message: "`val` is not a key of secret `token`",
        help: Some("did you mean `value`?"),
        line: 7,
        column: 36,
    },
    Case {
        name: "env key not in the external secret",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  DB_PASS: { secret: db, key: pass }
            secrets:
              db:
                external: { store: vault, data: { password: prod/db#password } }
        "#,
        message: "`pass` is not a key of secret `db`",
        help: Some("did you mean `password`?"),
        line: 7,
        column: 35,
    },
    Case {
        name: "env key not in the config",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  MODE: { config: settings, key: speed }
            configs:
              settings: { data: { mode: fast } }
        "#,
        message: "`speed` is not a key of config `settings`",
        help: Some("use one of `mode`"),
        line: 7,
        column: 38,
    },
    Case {
        name: "env unknown pod field",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  POD: { field: metadata.nme }
        "#,
        message: "`metadata.nme` is not a pod field",
        help: Some("did you mean `metadata.name`?"),
        line: 7,
        column: 21,
    },
    Case {
        name: "env unknown resource",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  CPU: { resource: limit.cpu }
        "#,
        message: "`limit.cpu` is not a container resource",
        help: Some("did you mean `limits.cpu`?"),
        line: 7,
        column: 24,
    },
    Case {
        name: "env refers to a later variable",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  URL: "http://$(HOST):8080"
                  HOST: api.example.com
        "#,
        message: "`$(HOST)` refers to a variable that is not defined before `URL`",
        help: Some("Kubernetes only expands variables defined earlier: move `HOST` above `URL`"),
        line: 7,
        column: 12,
    },
    Case {
        name: "env refers to an unknown variable",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  HOST: api.example.com
                  URL: "http://$(HOSTNAME):8080"
        "#,
        message: "`$(HOSTNAME)` refers to a variable that is not defined before `URL`",
        help: Some("did you mean `$(HOST)`?"),
        line: 8,
        column: 12,
    },
    // ---- files ----
    Case {
        name: "relative file path",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                files:
                  etc/app.conf: { content: x }
        "#,
        message: "file path `etc/app.conf` is not an absolute path",
        help: Some("start it with `/`, such as `/etc/app.conf`"),
        line: 7,
        column: 7,
    },
    Case {
        name: "file mounted over /tmp",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                files:
                  /tmp/: { content: x }
        "#,
        message: "a file cannot be mounted at `/tmp/`: it would hide the whole directory",
        help: Some("mount it at a path of its own, such as `/etc/app/config.yaml`"),
        line: 7,
        column: 7,
    },
    Case {
        name: "file with two sources",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                files:
                  /etc/app.conf: { content: x, from: app.conf }
        "#,
        message: "file `/etc/app.conf` sets both `content` and `from`",
        help: Some("keep only one of `content`, `from`, `secret` or `config`"),
        line: 7,
        column: 36,
    },
    Case {
        name: "file key without secret or config",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                files:
                  /etc/app.conf: { content: x, key: k }
        "#,
        message: "`key` applies only to `secret` and `config`",
        help: Some("remove `key`"),
        line: 7,
        column: 36,
    },
    Case {
        name: "file from a missing file",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                files:
                  /etc/app.conf: { from: config/missing.conf }
        "#,
        message: "cannot read `config/missing.conf`: no such file",
        help: Some("`from` is relative to the directory that holds the spec"),
        line: 7,
        column: 30,
    },
    Case {
        name: "file from a device",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                files:
                  /etc/app.conf: { from: /dev/zero }
        "#,
        message: "cannot read `/dev/zero`: not a regular file (a directory, device or pipe)",
        help: Some("`from` is relative to the directory that holds the spec"),
        line: 7,
        column: 30,
    },
    Case {
        name: "file from a directory",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                files:
                  /etc/app.conf: { from: config }
        "#,
        message: "cannot read `config`: not a regular file (a directory, device or pipe)",
        help: Some("`from` is relative to the directory that holds the spec"),
        line: 7,
        column: 30,
    },
    Case {
        name: "two files at the same path",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                files:
                  /etc/app/a.conf: { content: x }
                  /etc/app/./a.conf: { content: y }
        "#,
        message: "`/etc/app/./a.conf` is the same path as `/etc/app/a.conf`",
        help: Some("mount each file at a path of its own"),
        line: 8,
        column: 7,
    },
    // ---- shutdown and rollout ----
    Case {
        name: "grace shorter than pre-stop plus drain",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                shutdown: { drain: 30s, grace: 30s }
        "#,
        message: "`grace` (30s) is shorter than pre_stop (5s) + drain (30s): pods are killed before they finish",
        help: Some("set `grace: 35` or more, or remove it to get pre_stop + drain + 5s"),
        line: 6,
        column: 36,
    },
    Case {
        name: "recreate with max_surge",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                rollout: { strategy: recreate, max_surge: 1 }
        "#,
        message: "`max_surge` applies only to rolling updates, not `strategy: recreate`",
        help: Some("remove `max_surge`, or use `strategy: rolling`"),
        line: 6,
        column: 36,
    },
    Case {
        name: "rollout that cannot progress",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                rollout: { max_surge: 0, max_unavailable: 0% }
        "#,
        message: "with `max_surge: 0` and `max_unavailable: 0` the rollout could never progress: …",
        help: Some(
            "allow one extra pod (`max_surge: 1`) or one missing pod (`max_unavailable: 1`)",
        ),
        line: 6,
        column: 27,
    },
    // ---- needs ----
    Case {
        name: "needs an undeclared service",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { dbb: { url: DATABASE_URL } }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "component or service `dbb` is not declared",
        help: Some("did you mean `db`?"),
        line: 6,
        column: 14,
    },
    Case {
        name: "needs itself",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: [api]
        "#,
        message: "`api` needs itself",
        help: Some("remove it: a component does not need itself to reach its own pods"),
        line: 6,
        column: 13,
    },
    Case {
        name: "needs a worker",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: [db, jobs]
              jobs:
                kind: worker
                image: shop/jobs:1.0
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "`jobs` is a worker, so it has no Service to call",
        help: Some("make `jobs` `kind: service` with ports, or remove it from `needs`"),
        line: 6,
        column: 17,
    },
    Case {
        name: "needs an unknown service output",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { db: { uri: DATABASE_URL } }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "`uri` is not an output of `db`",
        help: Some("did you mean `url`?"),
        line: 6,
        column: 20,
    },
    Case {
        name: "needs an output a component does not offer",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { web: { database: DB } }
              web:
                kind: service
                image: shop/web:1.0
                ports: { http: 8080 }
        "#,
        message: "`database` is not an output of `web`",
        help: Some("use one of `url`, `host`, `port`"),
        line: 6,
        column: 21,
    },
    Case {
        name: "wiring clashes with env",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                env:
                  DATABASE_URL: postgres://localhost/shop
                needs: { db: { url: DATABASE_URL } }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "`DATABASE_URL` is set both here and by `env`",
        help: Some("a variable has one value: rename `needs.db.url` or the other one"),
        line: 8,
        column: 25,
    },
    Case {
        name: "two wirings set one variable",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { db: { url: DB, host: DB } }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "`DB` is set both here and by `needs.db.url`",
        help: Some("a variable has one value: rename `needs.db.host` or the other one"),
        line: 6,
        column: 35,
    },
    // ---- migrations ----
    Case {
        name: "migrations with command and on_start",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                migrations: { command: [shop, migrate], on_start: true }
        "#,
        message: "`migrations` sets both `command` and `on_start`",
        help: Some("keep only one of `command` or `on_start`"),
        line: 6,
        column: 45,
    },
    Case {
        name: "migration args without command",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                migrations: { on_start: true, args: [--wait] }
        "#,
        message: "`args` needs `command`",
        help: Some("add the migration `command`, or remove `args`"),
        line: 6,
        column: 35,
    },
    // ---- services ----
    Case {
        name: "external postgres without host",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, database: shop }
        "#,
        message: "external postgres service `db` needs `host`",
        help: Some(
            "add `host:` with the server's host name, or take the whole URL from the credentials secret with `url_key`",
        ),
        line: 4,
        column: 3,
    },
    Case {
        name: "url from the secret, but a component asks for the host",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { db: { url: DATABASE_URL, host: DATABASE_HOST } }
            services:
              db:
                type: postgres
                database: shop
                credentials: { secret: db, url_key: dsn }
            secrets:
              db: { existing: { name: shop-db } }
        "#,
        message: "external postgres service `db` needs `host`, because `api` asks for it",
        help: Some("add `host:` with the server's host name"),
        line: 8,
        column: 3,
    },
    Case {
        name: "credentials name an undeclared secret",
        yaml: r#"
            name: shop
            components: {}
            services:
              db:
                type: postgres
                host: db.internal
                database: shop
                credentials: { secret: db-credentials }
            secrets:
              db-creds: { existing: { name: db } }
        "#,
        message: "secret `db-credentials` is not declared",
        help: Some("did you mean `db-creds`?"),
        line: 8,
        column: 28,
    },
    Case {
        name: "pool zero",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, host: db.internal, database: shop, pool: 0 }
        "#,
        message: "`pool` must be 1 or more",
        help: Some("each pod needs at least one connection"),
        line: 4,
        column: 66,
    },
    Case {
        name: "pools exceed max_connections",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                replicas: 2..10
                autoscale: { cpu: 70% }
                needs: [db]
                pools: { db: 15 }
                migrations: { command: [/app/migrate] }
              jobs:
                kind: worker
                image: shop/jobs:1.0
                needs: [db]
              report:
                kind: cron
                image: shop/report:1.0
                schedule: "0 3 * * *"
                concurrency: allow
                needs: [db]
            services:
              db:
                type: postgres
                host: db.internal
                database: shop
                pool: 5
                max_connections: 180
        "#,
        message: "the clients of `db` may open 185 connections (`api` 10 × 15, `api` migration 1 × 15, `jobs` 2 × 5, `report` 2 × 5), more than the 177 that `max_connections: 180` leaves after 3 reserved for superusers",
        help: Some(
            "lower each pool to 11 or less (`pools.db` of a component, or `pool` here) or the replica maxima, or raise `max_connections`",
        ),
        line: 27,
        column: 22,
    },
    Case {
        name: "pools exceed the default max_connections of an in-cluster server",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                replicas: 3..6
                needs: [db]
                pools: { db: 20 }
            services:
              db:
                type: postgres
                provider: cloudnative-pg
                database: shop
                storage: 10Gi
        "#,
        message: "the clients of `db` may open 120 connections (`api` 6 × 20), more than the 97 that the default `max_connections` of 100 leaves after 3 reserved for superusers",
        help: Some(
            "lower each pool to 16 or less (`pools.db` of a component, or `pool` here) or the replica maxima, or raise `max_connections`",
        ),
        line: 10,
        column: 3,
    },
    Case {
        name: "a pool for a service the component does not need",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: [db]
                pools: { dbb: 20 }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "`dbb` is not a postgres service this component needs",
        help: Some("did you mean `db`?"),
        line: 7,
        column: 14,
    },
    Case {
        name: "a pool of no connections",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: [db]
                pools: { db: 0 }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "a pool must be 1 or more",
        help: Some("each pod needs at least one connection"),
        line: 7,
        column: 18,
    },
    // ---- backing services: types, providers, backups, outputs ----
    Case {
        name: "a provider the type does not have",
        yaml: r#"
            name: shop
            components: {}
            services:
              cache: { type: redis, provider: zalando, host: redis.internal }
        "#,
        message: "`zalando` is not a provider of redis",
        help: Some("use `external` or `statefulset`"),
        line: 4,
        column: 35,
    },
    Case {
        name: "an unknown provider",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, provider: cnpg, database: shop, storage: 10Gi }
        "#,
        message: "unknown value `cnpg`, expected one of `external`, `statefulset`, `cloudnative-pg`, `zalando`",
        help: None,
        line: 4,
        column: 35,
    },
    Case {
        name: "the production profile refuses a statefulset postgres",
        yaml: r#"
            name: shop
            components: {}
            services:
              db:
                type: postgres
                provider: statefulset
                database: shop
                storage: 10Gi
                credentials: { secret: db }
            secrets:
              db: { generate: { keys: [password] } }
        "#,
        message: "`provider: statefulset` runs a single PostgreSQL instance with no failover and no point-in-time recovery, which the production profile refuses",
        help: Some(
            "use `cloudnative-pg` (or `zalando`) to run it in the cluster, or `external` for a managed database; or set `profile: development`",
        ),
        line: 6,
        column: 15,
    },
    Case {
        name: "storage on an external service",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, host: db.internal, database: shop, storage: 10Gi }
        "#,
        message: "`storage` does not apply to an external postgres service",
        help: Some(
            "the server runs outside the cluster, so shipshape does not size or run it: remove it",
        ),
        line: 4,
        column: 60,
    },
    Case {
        name: "a field of another type",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, host: db.internal, database: shop, tls: true }
        "#,
        message: "`tls` does not apply to an external postgres service",
        help: Some(
            "remove it; an external postgres service takes `host`, `port`, `database`, `sslmode`, `credentials`, `read_replicas`, `pool`, `max_connections`, `reserved_connections`, `cidr`, `version`, `backup`",
        ),
        line: 4,
        column: 60,
    },
    Case {
        name: "zalando backs up by itself",
        yaml: r#"
            name: shop
            components: {}
            services:
              db:
                type: postgres
                provider: zalando
                database: shop
                storage: 10Gi
                backup: { schedule: "0 2 * * *", to: pvc }
        "#,
        message: "`backup` does not apply to a zalando postgres service",
        help: Some(
            "Zalando's operator backs clusters up itself (WAL-G, set in its OperatorConfiguration): remove `backup`, or use `cloudnative-pg`",
        ),
        line: 9,
        column: 5,
    },
    Case {
        name: "an operator cluster without storage",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, provider: cloudnative-pg, database: shop }
        "#,
        message: "cloudnative-pg postgres service `db` needs `storage`",
        help: Some("add `storage:` with the size of each instance's volume, such as `20Gi`"),
        line: 4,
        column: 3,
    },
    Case {
        name: "s3 without a bucket",
        yaml: r#"
            name: shop
            components: {}
            services:
              blobs:
                type: s3
                region: eu-west-1
                credentials: { secret: s3 }
            secrets:
              s3: { existing: { name: shop-s3 } }
        "#,
        message: "external s3 service `blobs` needs `bucket`",
        help: Some("add `bucket:` with the bucket's name"),
        line: 4,
        column: 3,
    },
    Case {
        name: "in-cluster redis without a password",
        yaml: r#"
            name: shop
            profile: development
            components: {}
            services:
              cache: { type: redis, provider: statefulset, storage: 1Gi }
        "#,
        message: "statefulset redis service `cache` needs `credentials`",
        help: Some(
            "add `credentials:` with a secret holding the password, such as one with `generate: { keys: [password] }`",
        ),
        line: 5,
        column: 3,
    },
    Case {
        name: "storage that is not a size",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd: { type: etcd, storage: { size: 8GB } }
        "#,
        message: "`8GB` is not a memory quantity: write a number with a unit such as `256Mi` or `1Gi`",
        help: None,
        line: 4,
        column: 40,
    },
    Case {
        name: "a credentials key the provider does not read",
        yaml: r#"
            name: shop
            profile: development
            components: {}
            services:
              db:
                type: postgres
                provider: statefulset
                database: shop
                storage: 10Gi
                credentials: { secret: db, user_key: user }
            secrets:
              db: { generate: { keys: [password] } }
        "#,
        message: "`user_key` does not apply to the credentials of a statefulset postgres service",
        help: Some("remove it; these credentials take `password_key`"),
        line: 10,
        column: 32,
    },
    Case {
        name: "cloudnative-pg reads fixed keys",
        yaml: r#"
            name: shop
            components: {}
            services:
              db:
                type: postgres
                provider: cloudnative-pg
                database: shop
                storage: 10Gi
                credentials: { secret: db, password_key: pass }
            secrets:
              db: { existing: { name: shop-db } }
        "#,
        message: "`password_key` does not apply to the credentials of a cloudnative-pg postgres service",
        help: Some("CloudNativePG reads the keys `username` and `password`: remove it"),
        line: 9,
        column: 32,
    },
    Case {
        name: "cloudnative-pg cannot take a generated secret",
        yaml: r#"
            name: shop
            components: {}
            services:
              db:
                type: postgres
                provider: cloudnative-pg
                database: shop
                storage: 10Gi
                credentials: { secret: db }
            secrets:
              db: { generate: { keys: [username, password] } }
        "#,
        message: "CloudNativePG reads the owner's name from the secret's `username` key, which generated secret `db` cannot hold",
        help: Some(
            "leave out `credentials` and CloudNativePG creates `db-app` itself, or use an `existing` or `external` secret with `username` and `password`",
        ),
        line: 9,
        column: 28,
    },
    Case {
        name: "a credentials key the secret does not have",
        yaml: r#"
            name: shop
            components: {}
            services:
              blobs:
                type: s3
                bucket: shop
                region: eu-west-1
                credentials: { secret: s3, access_key_key: acess_key }
            secrets:
              s3: { external: { store: vault, data: { access_key: shop/s3#id, secret_key: shop/s3#secret } } }
        "#,
        message: "`acess_key` is not a key of secret `s3`",
        help: Some("did you mean `access_key`?"),
        line: 8,
        column: 48,
    },
    Case {
        name: "a default credentials key the secret does not have",
        yaml: r#"
            name: shop
            profile: development
            components: {}
            services:
              db:
                type: postgres
                provider: statefulset
                database: shop
                storage: 10Gi
                credentials: { secret: db }
            secrets:
              db: { generate: { keys: [pass] } }
        "#,
        message: "`password` is not a key of secret `db`",
        help: Some("did you mean `pass`? (`password_key` defaults to `password`)"),
        line: 10,
        column: 28,
    },
    Case {
        name: "no instances",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, provider: cloudnative-pg, database: shop, storage: 10Gi, instances: 0 }
        "#,
        message: "`instances` must be 1 or more",
        help: Some("use 3 for a server that survives losing one instance"),
        line: 4,
        column: 93,
    },
    Case {
        name: "a single etcd member in production",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd: { type: etcd, instances: 1, storage: 8Gi }
        "#,
        message: "a single etcd member has no fault tolerance: losing it, or its volume, loses the cluster",
        help: Some(
            "use 3 members (survives losing one) or 5 (survives losing two); set `profile: development` for a single member",
        ),
        line: 4,
        column: 34,
    },
    Case {
        name: "an even etcd membership in production",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd: { type: etcd, instances: 4, storage: 8Gi }
        "#,
        message: "4 etcd members need 3 for quorum and so survive losing 1, no more than 3 members do: the extra member is one more way to lose quorum",
        help: Some(
            "use 3 members (survives losing one) or 5 (survives losing two); set `profile: development` for a single member",
        ),
        line: 4,
        column: 34,
    },
    Case {
        name: "too many etcd members",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd: { type: etcd, instances: 9, storage: 8Gi }
        "#,
        message: "every write waits for a majority of members, so 9 members make each write slower: etcd recommends at most 7",
        help: Some(
            "use 3 members (survives losing one) or 5 (survives losing two); set `profile: development` for a single member",
        ),
        line: 4,
        column: 34,
    },
    Case {
        name: "a postgres version without its minor",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, provider: cloudnative-pg, database: shop, storage: 10Gi, version: "17" }
        "#,
        message: "`17` is not a full postgres version such as `17.5`",
        help: Some(
            "write the full release, such as `17.5`: a shorter tag moves to new releases under a running server",
        ),
        line: 4,
        column: 91,
    },
    Case {
        name: "an etcd version that is not a release",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd: { type: etcd, storage: 8Gi, version: v3.5 }
        "#,
        message: "`v3.5` is not a full etcd version such as `3.5.25`",
        help: Some("write the full release, such as `3.5.25`"),
        line: 4,
        column: 46,
    },
    Case {
        name: "both image and version",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd: { type: etcd, storage: 8Gi, version: 3.5.25, image: registry.example.com/etcd:v3.5.25 }
        "#,
        message: "the service sets both `version` and `image`",
        help: Some(
            "keep only one: `image` runs exactly that image, `version` picks the pinned default image of that release",
        ),
        line: 4,
        column: 54,
    },
    Case {
        name: "a service image without a tag",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd: { type: etcd, storage: 8Gi, image: registry.example.com/etcd }
        "#,
        message: "image `registry.example.com/etcd` has no fixed tag: a restarted server may run different code on the same data",
        help: Some(
            "pin a release tag or a digest, or leave out `image` to run the pinned default of `version`",
        ),
        line: 4,
        column: 44,
    },
    Case {
        name: "a service name too long for its StatefulSet",
        yaml: r#"
            name: shop
            components: {}
            services:
              coordination-store-for-the-very-long-named-project-xy: { type: etcd, storage: 8Gi }
        "#,
        message: "service name `coordination-store-for-the-very-long-named-project-xy` is 53 characters long, too long for its StatefulSet",
        help: Some("shorten it to 52 characters or fewer"),
        line: 4,
        column: 3,
    },
    Case {
        name: "a service name too long for its backup CronJob",
        yaml: r#"
            name: shop
            components: {}
            services:
              coordination-store-for-the-long-named-project-x:
                type: etcd
                storage: 8Gi
                backup: { schedule: "@daily", to: pvc }
        "#,
        message: "service name `coordination-store-for-the-long-named-project-x` is 47 characters long, too long for its backup CronJob `coordination-store-for-the-long-named-project-x-backup`",
        help: Some("shorten it to 45 characters or fewer"),
        line: 4,
        column: 3,
    },
    Case {
        name: "a database name that is not a plain SQL name",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, provider: cloudnative-pg, database: shop-db, storage: 10Gi }
        "#,
        message: "`shop-db` is not a plain PostgreSQL name",
        help: Some(
            "use lowercase letters, digits and `_`, starting with a letter, such as `shop_db`",
        ),
        line: 4,
        column: 61,
    },
    Case {
        name: "an s3 endpoint without a scheme",
        yaml: r#"
            name: shop
            components: {}
            services:
              blobs:
                type: s3
                endpoint: minio.internal:9000
                bucket: shop
                region: us-east-1
                credentials: { secret: s3 }
            secrets:
              s3: { existing: { name: shop-s3 } }
        "#,
        message: "`minio.internal:9000` is not an endpoint URL",
        help: Some(
            "start it with `https://` (or `http://`), such as `https://minio.internal:9000`",
        ),
        line: 6,
        column: 15,
    },
    Case {
        name: "a zalando team that is not a label",
        yaml: r#"
            name: shop
            components: {}
            services:
              db: { type: postgres, provider: zalando, team: Shop_Team, database: shop, storage: 10Gi }
        "#,
        message: "team `Shop_Team` may only contain lowercase letters, digits and `-`",
        help: Some("use lowercase letters, digits and `-`, such as `shop-team`"),
        line: 4,
        column: 50,
    },
    Case {
        name: "a backup schedule out of range",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd:
                type: etcd
                storage: 8Gi
                backup: { schedule: "0 25 * * *", to: pvc }
        "#,
        message: "`0 25 * * *` is not a cron schedule: hour `25` is not in 0-23",
        help: Some(
            "write five fields in UTC, minute hour day-of-month month day-of-week, such as `0 2 * * *` for 02:00 daily, or `@daily`",
        ),
        line: 7,
        column: 25,
    },
    Case {
        name: "a backup kept for no days",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd:
                type: etcd
                storage: 8Gi
                backup: { schedule: "0 2 * * *", to: pvc, retention: 0 }
        "#,
        message: "`retention` must be 1 or more",
        help: Some("it is the number of days a backup is kept, such as 7"),
        line: 7,
        column: 58,
    },
    Case {
        name: "backups to an undeclared s3 service",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd:
                type: etcd
                storage: 8Gi
                backup: { schedule: "0 2 * * *", to: blob }
              blobs:
                type: s3
                bucket: shop
                region: eu-west-1
                credentials: { secret: s3 }
            secrets:
              s3: { existing: { name: shop-s3 } }
        "#,
        message: "s3 service `blob` is not declared",
        help: Some("did you mean `blobs`?"),
        line: 7,
        column: 42,
    },
    Case {
        name: "backups to a service that is not s3",
        yaml: r#"
            name: shop
            components: {}
            services:
              etcd:
                type: etcd
                storage: 8Gi
                backup: { schedule: "0 2 * * *", to: cache }
              cache: { type: redis, host: redis.internal }
        "#,
        message: "`cache` is a redis service, not an s3 one",
        help: Some("point `to` at an s3 service, or write `pvc` for a volume"),
        line: 7,
        column: 42,
    },
    Case {
        name: "cloudnative-pg backups to a volume",
        yaml: r#"
            name: shop
            components: {}
            services:
              db:
                type: postgres
                provider: cloudnative-pg
                database: shop
                storage: 10Gi
                backup: { schedule: "0 2 * * *", to: pvc }
        "#,
        message: "CloudNativePG backs up to an object store, not to a volume",
        help: Some(
            "point `to` at an s3 service: the operator archives WAL there continuously and takes base backups on the schedule",
        ),
        line: 9,
        column: 42,
    },
    Case {
        name: "a backup size for cloudnative-pg",
        yaml: r#"
            name: shop
            components: {}
            services:
              db:
                type: postgres
                provider: cloudnative-pg
                database: shop
                storage: 10Gi
                backup: { schedule: "0 2 * * *", to: blobs, size: 50Gi }
              blobs:
                type: s3
                bucket: shop
                region: eu-west-1
                credentials: { secret: s3 }
            secrets:
              s3: { existing: { name: shop-s3 } }
        "#,
        message: "`size` does not apply to cloudnative-pg backups",
        help: Some(
            "CloudNativePG streams base backups and WAL straight to the object store: remove it",
        ),
        line: 9,
        column: 49,
    },
    Case {
        name: "backups of an external server without a size",
        yaml: r#"
            name: shop
            components: {}
            services:
              db:
                type: postgres
                host: db.internal
                database: shop
                backup: { schedule: "0 2 * * *", to: pvc }
        "#,
        message: "`backup` needs `size`, since the service has no `storage` to size it by",
        help: Some("add `size:` with room for the dumps of `retention` days, such as `size: 50Gi`"),
        line: 8,
        column: 13,
    },
    Case {
        name: "read replicas of a statefulset postgres",
        yaml: r#"
            name: shop
            profile: development
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { db: { url: DATABASE_URL, read_urls: DATABASE_READ_URLS } }
            services:
              db:
                type: postgres
                provider: statefulset
                database: shop
                storage: 10Gi
                credentials: { secret: db }
            secrets:
              db: { generate: { keys: [password] } }
        "#,
        message: "service `db` has no read replicas",
        help: Some(
            "a statefulset postgres is a single instance: use `cloudnative-pg` with `instances: 2` or more, or remove `read_urls`",
        ),
        line: 7,
        column: 39,
    },
    Case {
        name: "read replicas of a single-instance cluster",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { db: { read_hosts: DATABASE_READ_HOSTS } }
            services:
              db: { type: postgres, provider: cloudnative-pg, instances: 1, database: shop, storage: 10Gi }
        "#,
        message: "service `db` has no read replicas",
        help: Some("raise `services.db.instances` to 2 or more, or remove `read_hosts`"),
        line: 6,
        column: 20,
    },
    Case {
        name: "read replicas of an external server that lists none",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { db: { read_urls: DATABASE_READ_URLS } }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "service `db` has no read replicas",
        help: Some(
            "list their host names under `services.db.read_replicas`, or remove `read_urls`",
        ),
        line: 6,
        column: 20,
    },
    Case {
        name: "a password from a service without credentials",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { db: { url: DATABASE_URL, password: DATABASE_PASSWORD } }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "service `db` has no `credentials` to take the password from",
        help: Some("add `credentials: { secret: ... }` to service `db`, or remove `password`"),
        line: 6,
        column: 39,
    },
    Case {
        name: "a pool the service does not set",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { db: { pool: DATABASE_POOL } }
            services:
              db: { type: postgres, host: db.internal, database: shop }
        "#,
        message: "service `db` sets no `pool`",
        help: Some(
            "add `pools: {db: N}` to this component or `pool:` to service `db`, or remove `pool` here",
        ),
        line: 6,
        column: 20,
    },
    Case {
        name: "an output of another type",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: { etcd: { endpoint: ETCD_ENDPOINTS } }
            services:
              etcd: { type: etcd, storage: 8Gi }
        "#,
        message: "`endpoint` is not an output of `etcd`",
        help: Some("did you mean `endpoints`?"),
        line: 6,
        column: 22,
    },
    // ---- secrets and configs ----
    Case {
        name: "secret with no source",
        yaml: r#"
            name: shop
            components: {}
            secrets:
              token: {}
        "#,
        message: "secret `token` needs one of `generate`, `existing` or `external`",
        help: Some("add exactly one of them"),
        line: 4,
        column: 10,
    },
    Case {
        name: "generated key with a space",
        yaml: r#"
            name: shop
            components: {}
            secrets:
              token: { generate: { keys: [api token] } }
        "#,
        message: "`api token` is not a valid secret key",
        help: Some("use letters, digits, `-`, `_` and `.`, such as `api-token`"),
        line: 4,
        column: 31,
    },
    Case {
        name: "generated key listed twice",
        yaml: r#"
            name: shop
            components: {}
            secrets:
              token: { generate: { keys: [a, b, a] } }
        "#,
        message: "key `a` is listed twice",
        help: Some("remove one of them"),
        line: 4,
        column: 37,
    },
    Case {
        name: "generated value too short",
        yaml: r#"
            name: shop
            components: {}
            secrets:
              token: { generate: { length: 8 } }
        "#,
        message: "a generated value of length 8 is outside 16 to 4096",
        help: Some("short values can be guessed: use 32 (the default) or more"),
        line: 4,
        column: 32,
    },
    Case {
        name: "external secret without data",
        yaml: r#"
            name: shop
            components: {}
            secrets:
              token: { external: { store: vault, data: {} } }
        "#,
        message: "`data` is empty, so the secret would hold nothing",
        help: Some("map each key to its place in the store, such as `password: prod/db#password`"),
        line: 4,
        column: 44,
    },
    Case {
        name: "config with neither data nor existing",
        yaml: r#"
            name: shop
            components: {}
            configs:
              settings: { data: {} }
        "#,
        message: "config `settings` needs one of `data` or `existing`",
        help: Some("add exactly one of them"),
        line: 4,
        column: 13,
    },
    // ---- patches ----
    Case {
        name: "patch with merge and json",
        yaml: r#"
            name: shop
            components: {}
            patches:
              - target: { kind: Deployment, name: api }
                merge: { spec: { paused: false } }
                json: [{ op: remove, path: /spec/paused }]
        "#,
        message: "a patch sets both `merge` and `json`",
        help: Some("keep only one of `merge` or `json`"),
        line: 6,
        column: 5,
    },
    Case {
        name: "unknown JSON patch op",
        yaml: r#"
            name: shop
            components: {}
            patches:
              - target: { kind: Deployment, name: api }
                json: [{ op: replce, path: /spec/paused, value: true }]
        "#,
        message: "`replce` is not a JSON patch operation",
        help: Some("did you mean `replace`?"),
        line: 5,
        column: 18,
    },
    Case {
        name: "JSON patch path without slash",
        yaml: r#"
            name: shop
            components: {}
            patches:
              - target: { kind: Deployment, name: api }
                json: [{ op: remove, path: spec/paused }]
        "#,
        message: "the JSON pointer `spec/paused` does not start with `/`",
        help: Some("write a JSON pointer such as `/spec/template/spec/containers/0/args`"),
        line: 5,
        column: 32,
    },
    // ---- placement, disruption, egress, security ----
    Case {
        name: "disruption budget of zero",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                disruption: { max_unavailable: 0 }
        "#,
        message: "`max_unavailable: 0` would block every node drain",
        help: Some("allow at least 1 pod to be down, so nodes can be drained for upgrades"),
        line: 6,
        column: 36,
    },
    Case {
        name: "toleration Exists with a value",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                tolerations: [{ key: spot, operator: Exists, value: "true" }]
        "#,
        message: "a toleration with `operator: Exists` matches any value, so it cannot set `value`",
        help: Some("remove `value`, or use `operator: Equal`"),
        line: 6,
        column: 50,
    },
    Case {
        name: "egress CIDR out of range",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                egress: [{ cidr: 10.0.0.0/33, ports: [443] }]
        "#,
        message: "`10.0.0.0/33` is not a network in CIDR form",
        help: Some("write an address and a prefix length, such as `10.0.0.0/8` or `2001:db8::/32`"),
        line: 6,
        column: 22,
    },
    Case {
        name: "egress without ports",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                egress: [{ cidr: 10.0.0.0/8, ports: [] }]
        "#,
        message: "`ports` is empty, so this rule allows nothing",
        help: Some("list the destination ports, such as `ports: [443]`"),
        line: 6,
        column: 41,
    },
    Case {
        name: "relative writable path",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                security: { writable: [var/cache] }
        "#,
        message: "writable path `var/cache` is not an absolute path",
        help: Some("start it with `/`, such as `/var/cache`"),
        line: 6,
        column: 28,
    },
    // ---- stateful, job and cron ----
    Case {
        name: "volumes on a service",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                volumes: { data: { mount: /data, size: 1Gi } }
        "#,
        message: "`volumes` applies only to `stateful` components, not to a `service`",
        help: Some(
            "use `kind: stateful` to give each pod a persistent volume of its own, or `security.writable` for scratch space",
        ),
        line: 6,
        column: 5,
    },
    Case {
        name: "schedule on a service",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                schedule: "0 3 * * *"
        "#,
        message: "`schedule` applies only to `cron` components, not to a `service`",
        help: Some("use `kind: cron` to run on a schedule, or remove `schedule`"),
        line: 6,
        column: 5,
    },
    Case {
        name: "replica range on a job",
        yaml: r#"
            name: shop
            components:
              report:
                kind: job
                image: shop/report:1.0
                replicas: 2..5
        "#,
        message: "`replicas` applies only to `service`, `worker` or `stateful` components, not to a `job`",
        help: Some("remove `replicas`: a run is one pod, retried up to `backoff` times"),
        line: 6,
        column: 5,
    },
    Case {
        name: "partition on a service",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                rollout: { partition: 1 }
        "#,
        message: "`partition` applies only to `stateful` components, not to a `service`",
        help: Some(
            "remove `partition`: only the numbered pods of a `stateful` component can be updated in stages",
        ),
        line: 6,
        column: 16,
    },
    Case {
        name: "deadline on a worker",
        yaml: r#"
            name: shop
            components:
              jobs:
                kind: worker
                image: shop/jobs:1.0
                deadline: 10m
        "#,
        message: "`deadline` applies only to `job` or `cron` components, not to a `worker`",
        help: Some(
            "remove `deadline`: it limits a run to completion, and these pods run until replaced",
        ),
        line: 6,
        column: 5,
    },
    Case {
        name: "probes on a cron",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "0 3 * * *"
                health: { live: { exec: [/bin/true] } }
        "#,
        message: "`health` applies only to `service`, `worker` or `stateful` components, not to a `cron`",
        help: Some(
            "remove `health`: a run is judged by its exit code, and `deadline` stops one that hangs",
        ),
        line: 7,
        column: 5,
    },
    Case {
        name: "identity on a service",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                identity: { pod_name: POD_NAME }
        "#,
        message: "`identity` applies only to `stateful` components, not to a `service`",
        help: Some(
            "only the pods of a `stateful` component have stable DNS names; for the pod's name, use `env` with `{field: metadata.name}`",
        ),
        line: 6,
        column: 5,
    },
    Case {
        name: "exposed job",
        yaml: r#"
            name: shop
            components:
              report:
                kind: job
                image: shop/report:1.0
                expose: { host: report.example.com, port: http }
        "#,
        message: "a `job` takes no inbound traffic, so it cannot be exposed",
        help: Some("make it `kind: service`, or remove `expose`"),
        line: 6,
        column: 5,
    },
    Case {
        name: "needs a cron",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                needs: [nightly]
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "@daily"
        "#,
        message: "`nightly` is a cron, so it has no Service to call",
        help: Some("make `nightly` `kind: service` with ports, or remove it from `needs`"),
        line: 6,
        column: 13,
    },
    Case {
        name: "cron without a schedule",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
        "#,
        message: "a `cron` needs a `schedule`",
        help: Some(
            "add `schedule:` with five fields (minute hour day-of-month month day-of-week), such as `schedule: \"30 2 * * *\"`",
        ),
        line: 4,
        column: 11,
    },
    Case {
        name: "schedule with six fields",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "0 0 3 * * *"
        "#,
        message: "`0 0 3 * * *` has 6 fields, but a schedule has 5: minute hour day-of-month month day-of-week, such as `30 2 * * *`",
        help: None,
        line: 6,
        column: 15,
    },
    Case {
        name: "schedule hour out of range",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "0 24 * * *"
        "#,
        message: "`24` is not an hour: use 0 to 23",
        help: None,
        line: 6,
        column: 15,
    },
    Case {
        name: "schedule with a time zone",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "CRON_TZ=Europe/Berlin 0 3 * * *"
        "#,
        message: "`CRON_TZ=Europe/Berlin 0 3 * * *` sets a time zone in the schedule, which Kubernetes rejects: write the schedule alone and the zone in `time_zone`",
        help: None,
        line: 6,
        column: 15,
    },
    Case {
        name: "time zone Local",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "0 3 * * *"
                time_zone: Local
        "#,
        message: "`Local` is whatever zone the controller manager runs in: name the zone, such as `Etc/UTC`",
        help: None,
        line: 7,
        column: 16,
    },
    Case {
        name: "time zone as an offset",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "0 3 * * *"
                time_zone: "UTC+01:00"
        "#,
        message: "`UTC+01:00` is not an IANA time zone name: write one such as `Etc/UTC` or `Europe/Berlin`",
        help: None,
        line: 7,
        column: 16,
    },
    Case {
        name: "unknown concurrency",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "0 3 * * *"
                concurrency: forbidden
        "#,
        message: "unknown value `forbidden`, expected one of `forbid`, `allow`, `replace`",
        help: Some("did you mean `forbid`?"),
        line: 7,
        column: 18,
    },
    Case {
        name: "zero deadline",
        yaml: r#"
            name: shop
            components:
              report:
                kind: job
                image: shop/report:1.0
                deadline: 0
        "#,
        message: "`deadline: 0` would stop every run as it starts",
        help: Some("give the longest a run may take, or remove `deadline` for no limit"),
        line: 6,
        column: 15,
    },
    Case {
        name: "starting deadline too short",
        yaml: r#"
            name: shop
            components:
              nightly:
                kind: cron
                image: shop/nightly:1.0
                schedule: "0 3 * * *"
                starting_deadline: 5s
        "#,
        message: "the CronJob controller looks for due runs every 10 seconds, so a `starting_deadline` of 5s may skip every run",
        help: Some("use 10s or more, or remove it"),
        line: 7,
        column: 24,
    },
    Case {
        name: "volume name not a label",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                volumes: { Data: { mount: /data, size: 1Gi } }
        "#,
        message: "volume name `Data` may only contain lowercase letters, digits and `-`",
        help: Some("use lowercase letters, digits and `-`, such as `data`"),
        line: 6,
        column: 16,
    },
    Case {
        name: "volume name taken by shipshape",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                volumes: { tmp: { mount: /scratch, size: 1Gi } }
        "#,
        message: "volume name `tmp` may clash with a volume shipshape adds to every pod",
        help: Some(
            "choose another name, such as `data`; names `tmp` or `files` and those starting with `secret-`, `config-` or `w-` are taken",
        ),
        line: 6,
        column: 16,
    },
    Case {
        name: "relative volume mount",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                volumes: { data: { mount: var/lib/db, size: 1Gi } }
        "#,
        message: "mount path `var/lib/db` is not an absolute path",
        help: Some("start it with `/`, such as `/var/lib/db`"),
        line: 6,
        column: 31,
    },
    Case {
        name: "volume over /tmp",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                volumes: { data: { mount: /tmp, size: 1Gi } }
        "#,
        message: "a volume cannot be mounted at `/tmp`: it would hide what the container needs there",
        help: Some("mount it at a directory of its own, such as `/var/lib/data`"),
        line: 6,
        column: 31,
    },
    Case {
        name: "volume where a writable path is",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                security: { writable: [/data] }
                volumes: { data: { mount: /data/, size: 1Gi } }
        "#,
        message: "`/data/` is already mounted by writable path `/data`",
        help: Some("mount each volume at a path of its own"),
        line: 7,
        column: 31,
    },
    Case {
        name: "storage class not a name",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                volumes: { data: { mount: /data, size: 1Gi, class: Fast_SSD } }
        "#,
        message: "`Fast_SSD` is not a StorageClass name",
        help: Some(
            "StorageClass names are lowercase DNS names, such as `fast-ssd`; remove `class` for the cluster's default",
        ),
        line: 6,
        column: 56,
    },
    Case {
        name: "unknown access mode",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                volumes: { data: { mount: /data, size: 1Gi, access: read-write-one } }
        "#,
        message: "unknown value `read-write-one`, expected one of `read-write-once`, `read-write-many`, `read-only-many`",
        help: Some("did you mean `read-write-once`?"),
        line: 6,
        column: 57,
    },
    Case {
        name: "volume size not a size",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                volumes: { data: { mount: /data, size: 20GB } }
        "#,
        message: "`20GB` is not a memory quantity: write a number with a unit such as `256Mi` or `1Gi`",
        help: None,
        line: 6,
        column: 44,
    },
    Case {
        name: "identity sets nothing",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                identity: {}
        "#,
        message: "`identity` sets no variable",
        help: Some(
            "name the variables you want: `pod_name`, `pod_dns` or `peers`, such as `{pod_name: POD_NAME}`",
        ),
        line: 6,
        column: 5,
    },
    Case {
        name: "unknown identity key",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                identity: { pod_nam: POD_NAME }
        "#,
        message: "unknown key `pod_nam`",
        help: Some("did you mean `pod_name`?"),
        line: 6,
        column: 17,
    },
    Case {
        name: "identity variable also in env",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                identity: { pod_name: POD_NAME }
                env: { POD_NAME: db }
        "#,
        message: "`POD_NAME` is set both here and by `env`",
        help: Some("a variable has one value: rename `identity.pod_name` or the other one"),
        line: 6,
        column: 27,
    },
    Case {
        name: "identity variable twice",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                identity: { pod_name: SELF, pod_dns: SELF }
        "#,
        message: "`SELF` is set both here and by `identity.pod_name`",
        help: Some("a variable has one value: rename `identity.pod_dns` or the other one"),
        line: 6,
        column: 42,
    },
    Case {
        name: "identity variable also from needs",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                identity: { peers: PEERS }
                needs: { search: { host: PEERS } }
              search:
                kind: service
                image: shop/search:1.0
                ports: { http: 9200 }
        "#,
        message: "`PEERS` is set both here and by `needs.search.host`",
        help: Some("a variable has one value: rename `identity.peers` or the other one"),
        line: 6,
        column: 24,
    },
    Case {
        name: "identity variable with =",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                identity: { pod_dns: "HOST=" }
        "#,
        message: "environment variable name `HOST=` contains `=`",
        help: Some("the name ends where `=` starts: remove it, and put the value after the colon"),
        line: 6,
        column: 26,
    },
    Case {
        name: "recreate on a stateful component",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                rollout: { strategy: recreate }
        "#,
        message: "a `stateful` component replaces its pods one at a time, from the highest number down; it cannot stop them all first",
        help: Some("remove `strategy`; to stop every pod for an upgrade, scale to 0 first"),
        line: 6,
        column: 26,
    },
    Case {
        name: "surge on a stateful component",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                rollout: { max_surge: 1 }
        "#,
        message: "`max_surge` does not apply to a `stateful` component: a pod's name and volume exist once, so there is never an extra pod",
        help: Some("remove `max_surge`"),
        line: 6,
        column: 16,
    },
    Case {
        name: "partition leaves no pod to update",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                replicas: 3
                rollout: { partition: 3 }
        "#,
        message: "`partition: 3` leaves no pod to update: with 3 pods the highest number that is sure to exist is 2",
        help: Some("use 2 or less: pods numbered at or above the partition get the new version"),
        line: 7,
        column: 27,
    },
    Case {
        name: "partition above an autoscaled minimum",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
                replicas: 2..5
                autoscale: { cpu: 70% }
                rollout: { partition: 2 }
        "#,
        message: "`partition: 2` leaves no pod to update: with at least 2 pods the highest number that is sure to exist is 1",
        help: Some("use 1 or less: pods numbered at or above the partition get the new version"),
        line: 8,
        column: 27,
    },
    Case {
        name: "headless Service name taken",
        yaml: r#"
            name: shop
            components:
              db:
                kind: stateful
                image: shop/db:1.0
              db-headless:
                kind: service
                image: shop/proxy:1.0
        "#,
        message: "the headless Service of `db` would be named `db-headless`, like the component `db-headless`",
        help: Some("rename `db` or the component `db-headless`"),
        line: 3,
        column: 3,
    },
    // ---- permissions (RBAC) ----
    Case {
        name: "permissions with api_access turned off",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                api_access: false
                permissions: [{ resources: [configmaps], verbs: [get] }]
        "#,
        message: "`api_access: false` takes away the API token that `permissions` are granted to",
        help: Some("remove `api_access`: `permissions` imply it"),
        line: 6,
        column: 17,
    },
    Case {
        name: "wildcard verb",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [configmaps], verbs: ["*"] }
        "#,
        message: "`*` grants every verb, including `escalate`, `bind` and `impersonate`",
        help: Some("list the verbs the app uses, such as `[get, list, watch]`"),
        line: 7,
        column: 44,
    },
    Case {
        name: "wildcard resource",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [pods, "*"], verbs: [get] }
        "#,
        message: "`*` grants every resource, present and future",
        help: Some("list the resources the app uses, such as `[configmaps, leases]`"),
        line: 7,
        column: 29,
    },
    Case {
        name: "wildcard API group",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { api_group: "*", resources: [leases], verbs: [get] }
        "#,
        message: "`*` grants every API group, present and future",
        help: Some(
            "name the group of the resources: `\"\"` for core resources such as `configmaps`, `coordination.k8s.io` for `leases`",
        ),
        line: 7,
        column: 22,
    },
    Case {
        name: "listing secrets",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [secrets], verbs: [get, list], names: [db] }
        "#,
        message: "`list` on `secrets` reaches every Secret in the namespace",
        help: Some("name the secrets the app reads with `names:` and use `get`"),
        line: 7,
        column: 46,
    },
    Case {
        name: "reading secrets without names",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [secrets], verbs: [get] }
        "#,
        message: "`get` on `secrets` without `names` reaches every Secret in the namespace",
        help: Some("name the secrets with `names:`"),
        line: 7,
        column: 41,
    },
    Case {
        name: "unknown verb suggests the closest",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [configmaps], verbs: [get, wacth] }
        "#,
        message: "`wacth` is not a Kubernetes verb",
        help: Some("did you mean `watch`?"),
        line: 7,
        column: 49,
    },
    Case {
        name: "verb that escalates",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - api_group: rbac.authorization.k8s.io
                    resources: [roles]
                    verbs: [get, escalate]
        "#,
        message: "shipshape never grants `escalate`: it lets the component write Roles granting more than it holds",
        help: Some(
            "grant the component exactly the rights it needs; manage RBAC for the cluster outside the app",
        ),
        line: 9,
        column: 22,
    },
    Case {
        name: "impersonation",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [serviceaccounts], verbs: [impersonate] }
        "#,
        message: "shipshape never grants `impersonate`: it lets the component act as any other user or ServiceAccount",
        help: Some(
            "grant the component exactly the rights it needs; manage RBAC for the cluster outside the app",
        ),
        line: 7,
        column: 49,
    },
    Case {
        name: "resource in the wrong API group",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [leases], verbs: [get, update] }
        "#,
        message: "`leases` is in API group `coordination.k8s.io`, not the core API group",
        help: Some("set `api_group: coordination.k8s.io` on this rule"),
        line: 7,
        column: 23,
    },
    Case {
        name: "unknown core resource suggests the closest",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [configmap], verbs: [get] }
        "#,
        message: "`configmap` is not a namespaced resource of the core API group",
        help: Some("did you mean `configmaps`?"),
        line: 7,
        column: 23,
    },
    Case {
        name: "API group with a version",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { api_group: apps/v1, resources: [deployments], verbs: [get] }
        "#,
        message: "`apps/v1` is not an API group",
        help: Some("write the group without its version: `api_group: apps`"),
        line: 7,
        column: 22,
    },
    Case {
        name: "create limited by names",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [configmaps], verbs: [get, create], names: [state] }
        "#,
        message: "`create` cannot be limited by `names`: the name is in the request body, which RBAC never sees, so this rule would deny it",
        help: Some("move `create` into a rule of its own without `names`"),
        line: 7,
        column: 49,
    },
    Case {
        name: "permission without verbs",
        yaml: r#"
            name: shop
            components:
              api:
                kind: service
                image: shop/api:1.0
                permissions:
                  - { resources: [configmaps], verbs: [] }
        "#,
        message: "`verbs` is empty, so this rule allows nothing",
        help: Some("list them, such as `verbs: [get, list, watch]`"),
        line: 7,
        column: 43,
    },
];

/// What is wrong with the diagnostics of `case`, if anything.
fn mismatch(case: &Case) -> Option<String> {
    let diagnostics = errors(&dedent(case.yaml), None);
    let [d] = diagnostics.as_slice() else {
        let all: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
        return Some(format!("expected one problem, got {}: {all:?}", all.len()));
    };
    let message_ok = match case.message.strip_suffix('…') {
        Some(prefix) => d.message().starts_with(prefix),
        None => d.message() == case.message,
    };
    let mut wrong = Vec::new();
    if !message_ok {
        wrong.push(format!("message {:?}", d.message()));
    }
    if d.help_text() != case.help {
        wrong.push(format!("help {:?}", d.help_text()));
    }
    if at(d) != Some((case.line, case.column)) {
        wrong.push(format!("location {:?}", at(d)));
    }
    (!wrong.is_empty()).then(|| wrong.join(", "))
}

#[test]
fn each_bad_input_is_reported_with_message_help_and_position() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| mismatch(case).map(|m| format!("{}: {m}", case.name)))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn the_table_covers_many_distinct_cases() {
    let mut names: Vec<&str> = CASES.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CASES.len(), "case names must be unique");
    assert!(CASES.len() >= 30);
}

#[test]
fn every_problem_is_reported_at_once_in_text_order() {
    let found: Vec<(usize, usize, String)> = errors(&fixture("errors/many.yaml"), None)
        .iter()
        .map(|d| {
            let (line, column) = at(d).expect("located");
            (line, column, d.message().to_owned())
        })
        .collect();
    let expected = [
        (
            1,
            7,
            "app name `Shop` may only contain lowercase letters, digits and `-`",
        ),
        (
            6,
            12,
            "image `shop/api:latest` has the tag `latest`: each new pod may run different code",
        ),
        (9, 36, "port `htp` is not declared"),
        (11, 24, "secret `tokn` is not declared"),
        (12, 21, "`metadata.nam` is not a pod field"),
        (13, 13, "component or service `dbb` is not declared"),
        (
            16,
            12,
            "image `shop/jobs` has no tag, which means `latest`: each new pod may run different code",
        ),
        (
            17,
            5,
            "a `worker` takes no inbound traffic, so it cannot be exposed",
        ),
        (
            22,
            25,
            "a generated value of length 8 is outside 16 to 4096",
        ),
    ];
    let expected: Vec<(usize, usize, String)> = expected
        .iter()
        .map(|(l, c, m)| (*l, *c, (*m).to_owned()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn an_error_in_an_overlay_is_located_in_the_overlay() {
    let text = fixture("errors/overlay.yaml");
    for env in [None, Some("dev"), Some("prod")] {
        let diagnostics = errors(&text, env);
        let [d] = diagnostics.as_slice() else {
            panic!("{env:?}: expected one problem, got {diagnostics:?}");
        };
        assert_eq!(
            d.message(),
            "`replicas: 1` is a fixed count, but `autoscale` needs a range: an HPA needs a range such as 2..10"
        );
        assert_eq!(d.context(), Some("with environment `prod`"));
        assert_eq!(at(d), Some((17, 19)));
        assert_eq!(
            d.to_string(),
            format!("{} (with environment `prod`)", d.message())
        );
    }
}

#[test]
fn an_unknown_environment_suggests_the_closest() {
    let text = fixture("valid/full.yaml");
    let err = load_str("shipshape.yaml", &text, &valid_dir(), Some("prd")).unwrap_err();
    let [d] = err.0.as_slice() else {
        panic!("expected one problem, got {err:?}");
    };
    assert_eq!(
        d.message(),
        "environment `prd` is not defined in shipshape.yaml"
    );
    assert_eq!(d.help_text(), Some("did you mean `prod`?"));
    assert_eq!(d.location(), None);

    let minimal = fixture("valid/minimal.yaml");
    let err = load_str("shipshape.yaml", &minimal, &valid_dir(), Some("prod")).unwrap_err();
    assert_eq!(
        err.0[0].help_text(),
        Some("the spec defines no `environments:`")
    );
}

#[test]
fn a_list_of_needs_points_at_the_item() {
    let text = dedent(
        r#"
        name: shop
        components:
          api:
            kind: service
            image: shop/api:1.0
            needs:
              - db
              - cache
        services:
          db: { type: postgres, host: db.internal, database: shop }
        "#,
    );
    let diagnostics = errors(&text, None);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(
        diagnostics[0].message(),
        "component or service `cache` is not declared"
    );
    assert_eq!(at(&diagnostics[0]), Some((8, 9)));
}

#[test]
fn rendered_diagnostics_show_the_snippet() {
    let text = dedent(
        r#"
        name: shop
        components:
          api:
            kind: service
            image: shop/api:1.0
            ports: { http: 8080 }
            health:
              ready: { http: /ready, port: htp }
            needs: { db: { urll: DATABASE_URL } }
        services:
          db: { type: postgres, host: db.internal, database: shop }
        "#,
    );
    let err = load_str("shipshape.yaml", &text, &valid_dir(), None).unwrap_err();
    insta::assert_snapshot!(err.render(false));
}

#[test]
fn valid_fixtures_load() {
    let full = fixture("valid/full.yaml");
    let loaded = load_str("full.yaml", &full, &valid_dir(), None).expect("full.yaml is valid");
    assert_eq!(loaded.environment, None);
    assert_eq!(
        loaded.spec.namespace(),
        "registry-prod",
        "the base, not an overlay"
    );
    let file = &loaded.spec.components["api"].files["/etc/registry/config.yaml"];
    assert_eq!(file.from.as_deref(), Some("config/registry.yaml"));
    assert_eq!(
        file.content.as_deref(),
        Some("listen: \":8080\"\nstorage: s3\n")
    );

    let indexer = &loaded.spec.components["indexer"];
    assert_eq!(indexer.permissions.len(), 2);
    assert!(indexer.uses_api(), "permissions imply API access");
    assert!(!loaded.spec.components["api"].uses_api());

    let dev = load_str("full.yaml", &full, &valid_dir(), Some("dev")).expect("dev is valid");
    assert_eq!(dev.environment.as_deref(), Some("dev"));
    assert_eq!(dev.spec.namespace(), "registry-dev");

    let staging = load_str("full.yaml", &full, &valid_dir(), Some("staging"))
        .expect("an empty overlay is valid");
    assert_eq!(staging.spec.namespace(), "registry-prod");

    let minimal = fixture("valid/minimal.yaml");
    load_str("minimal.yaml", &minimal, &valid_dir(), None).expect("minimal.yaml is valid");
}

/// Every valid spec at hand: the fixtures here, the renderer's, and the repository's
/// examples.
fn valid_specs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut specs = vec![
        valid_dir().join("full.yaml"),
        valid_dir().join("minimal.yaml"),
    ];
    if let Ok(fixtures) = std::fs::read_dir(root.join("../shipshape_render/tests/fixtures")) {
        let mut found: Vec<PathBuf> = fixtures
            .filter_map(|e| Some(e.ok()?.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        found.sort();
        specs.extend(found);
    }
    if let Ok(examples) = std::fs::read_dir(root.join("../../examples")) {
        let mut found: Vec<PathBuf> = examples
            .filter_map(|e| Some(e.ok()?.path().join("shipshape.yaml")))
            .filter(|p| p.is_file())
            .collect();
        found.sort();
        specs.extend(found);
    }
    specs
}

/// A spec cut off anywhere (an editor saving half a file) gives diagnostics, never a
/// panic.
#[test]
fn truncated_valid_specs_never_panic() {
    for path in valid_specs() {
        let text = std::fs::read_to_string(&path).unwrap();
        let dir = path.parent().unwrap();
        let ends = text.match_indices('\n').map(|(i, _)| i + 1);
        for end in std::iter::once(0).chain(ends) {
            let cut = &text[..end];
            let result = std::panic::catch_unwind(|| {
                let _ = load_str("shipshape.yaml", cut, dir, None);
                let _ = load_str("shipshape.yaml", cut, dir, Some("prod"));
            });
            assert!(
                result.is_ok(),
                "{} cut after byte {end} panicked",
                path.display()
            );
        }
    }
}
