//! A plan written out as the spec a user would write.

use serde_json::{Map, Value, json};

use crate::GeneratedSpec;
use crate::plan::{
    Backing, BackupTo, Component, Expose, Hosts, Kind, Metrics, Migrations, Plan, Replicas, Route,
    SecretKind, Serves, Service, Traffic,
};

/// The environments a plan may define, in order.
const ENVIRONMENTS: [&str; 2] = ["staging", "prod"];

/// The spec's text and the environments it defines.
pub(crate) fn spec(plan: &Plan) -> GeneratedSpec {
    let mut root = Map::new();
    root.insert("name".into(), json!("shapes"));
    if plan.development {
        root.insert("profile".into(), json!("development"));
    }
    if !plan.default_deny {
        root.insert("default_deny".into(), json!(false));
    }
    let components: Map<String, Value> = plan
        .components
        .iter()
        .map(|c| (c.name.to_owned(), component(c, plan)))
        .collect();
    root.insert("components".into(), Value::Object(components));
    if !plan.services.is_empty() {
        let services = plan
            .services
            .iter()
            .map(|s| (s.name.to_owned(), service(s, plan)))
            .collect();
        root.insert("services".into(), Value::Object(services));
    }
    let secrets = secrets(plan);
    if !secrets.is_empty() {
        root.insert("secrets".into(), Value::Object(secrets));
    }
    let environments: Vec<String> = ENVIRONMENTS[..plan.environments]
        .iter()
        .map(|e| (*e).to_owned())
        .collect();
    if !environments.is_empty() {
        let overlays = environments
            .iter()
            .enumerate()
            .map(|(i, e)| (e.clone(), overlay(i, plan)))
            .collect();
        root.insert("environments".into(), Value::Object(overlays));
    }
    let text = shipshape_yaml::to_yaml_string(&Value::Object(root))
        .expect("a tree of strings, numbers and mappings is YAML");
    GeneratedSpec { text, environments }
}

fn image(name: &str, version: &str) -> String {
    format!("registry.example.com/shapes/{name}:{version}")
}

fn component(c: &Component, plan: &Plan) -> Value {
    let mut out = Map::new();
    let kind = match c.kind {
        Kind::Service => "service",
        Kind::Worker => "worker",
        Kind::Stateful => "stateful",
        Kind::Job => "job",
        Kind::Cron => "cron",
    };
    out.insert("kind".into(), json!(kind));
    out.insert("image".into(), json!(image(c.name, "1.0.0")));
    if c.kind.long_running() {
        long_running(c, &mut out);
    } else {
        batch(c, &mut out);
    }
    if !c.needs.is_empty() {
        out.insert("needs".into(), needs(c, plan));
    }
    let pools: Map<String, Value> = plan
        .services
        .iter()
        .filter(|s| c.needs.contains(&s.name))
        .filter_map(|s| Some((s.name.to_owned(), json!(own_pool(c, s)?))))
        .collect();
    if !pools.is_empty() {
        out.insert("pools".into(), Value::Object(pools));
    }
    if let Some(kind) = c.secret {
        out.insert(
            "env".into(),
            json!({ "TOKEN": { "secret": token(c), "key": token_key(kind) } }),
        );
    }
    Value::Object(out)
}

fn long_running(c: &Component, out: &mut Map<String, Value>) {
    match c.replicas {
        Replicas::Fixed(n) => {
            out.insert("replicas".into(), json!(n));
        }
        Replicas::Range(min, max) => {
            out.insert("replicas".into(), json!(format!("{min}..{max}")));
            out.insert("autoscale".into(), json!({ "cpu": "70%" }));
        }
    }
    let mut ports = Map::new();
    ports.insert("http".into(), json!(8080));
    if c.grpc {
        ports.insert(
            "grpc".into(),
            json!({ "port": 9090, "app_protocol": "grpc" }),
        );
    }
    if c.peers {
        ports.insert("gossip".into(), json!(7946));
    }
    if c.metrics == Metrics::OwnPort {
        ports.insert("metrics".into(), json!(9100));
    }
    let serves = match c.serves {
        Serves::Default => None,
        Serves::Main => Some(json!([if c.grpc { "grpc" } else { "http" }])),
        Serves::All => {
            let all: Vec<&String> = ports.keys().filter(|p| *p != "metrics").collect();
            Some(json!(all))
        }
    };
    out.insert("ports".into(), Value::Object(ports));
    if c.peers {
        out.insert("peers".into(), json!(["gossip"]));
    }
    if let Some(serves) = serves {
        out.insert("serves".into(), serves);
    }
    out.insert(
        "health".into(),
        json!({
            "live": { "http": "/healthz", "port": "http" },
            "ready": { "http": "/ready", "port": "http" },
        }),
    );
    match c.metrics {
        Metrics::None => {}
        Metrics::OnHttp => {
            out.insert("metrics".into(), json!({ "port": "http" }));
        }
        Metrics::OwnPort => {
            out.insert("metrics".into(), json!({ "port": "metrics" }));
        }
    }
    if c.kind == Kind::Stateful {
        let mount = format!("/var/lib/{}", c.name);
        out.insert(
            "volumes".into(),
            json!({ "data": { "mount": mount, "size": "1Gi" } }),
        );
    }
    match c.migrations {
        Migrations::None => {}
        Migrations::Command => {
            out.insert(
                "migrations".into(),
                json!({ "command": ["/app", "migrate"] }),
            );
        }
        Migrations::OnStart => {
            out.insert("migrations".into(), json!({ "on_start": true }));
        }
    }
    if let Some(e) = c.expose {
        out.insert("expose".into(), expose(c.name, e));
    }
}

fn expose(name: &str, e: Expose) -> Value {
    let mut out = Map::new();
    let own = format!("{name}.shapes.example.com");
    match e.hosts {
        Hosts::Own => {
            out.insert("host".into(), json!(own));
        }
        Hosts::Several => {
            let other = format!("{name}.shapes.example.org");
            out.insert("hosts".into(), json!([own, other]));
        }
        Hosts::Shared => {
            out.insert("host".into(), json!("shapes.example.com"));
            out.insert("paths".into(), json!([format!("/{name}")]));
        }
    }
    out.insert("port".into(), json!(if e.grpc { "grpc" } else { "http" }));
    if e.grpc {
        out.insert("protocol".into(), json!("grpc"));
    }
    match e.route {
        Route::Ingress => {
            out.insert(
                "tls".into(),
                json!({ "cluster_issuer": "letsencrypt-prod" }),
            );
            let options = match e.traffic {
                Traffic::Plain => None,
                Traffic::Websocket => Some(json!({ "websocket": true })),
                Traffic::Streaming => Some(json!({ "streaming": true })),
                Traffic::Uploads => Some(json!({ "body_size": "50m", "timeout": "5m" })),
            };
            if let Some(options) = options {
                out.insert("ingress".into(), options);
            }
        }
        Route::Gateway => {
            out.insert("gateway".into(), json!({ "name": "public" }));
        }
    }
    Value::Object(out)
}

fn batch(c: &Component, out: &mut Map<String, Value>) {
    if c.kind == Kind::Cron {
        out.insert("schedule".into(), json!(c.schedule));
        if c.deadlines {
            out.insert("starting_deadline".into(), json!("5m"));
        }
    } else {
        out.insert("command".into(), json!(["/app", "--once"]));
    }
    if c.deadlines {
        out.insert("deadline".into(), json!("30m"));
    }
}

/// `needs` as a list of names, or as a mapping of the outputs each target offers to
/// variables named after both.
fn needs(c: &Component, plan: &Plan) -> Value {
    if !c.needs_outputs {
        return json!(c.needs);
    }
    let outputs = c
        .needs
        .iter()
        .map(|target| {
            let offered = plan
                .services
                .iter()
                .find(|s| s.name == *target)
                .map_or(&["url"][..], |s| outputs(s, pooled(c, s)));
            let vars = offered
                .iter()
                .map(|o| {
                    let var = format!("{target}_{o}").to_uppercase();
                    ((*o).to_owned(), Value::String(var))
                })
                .collect();
            ((*target).to_owned(), Value::Object(vars))
        })
        .collect();
    Value::Object(outputs)
}

/// The outputs a component asks of a service it needs; `pool` when it has one there.
fn outputs(s: &Service, pooled: bool) -> &'static [&'static str] {
    match s.backing {
        Backing::Etcd => &["endpoints"],
        Backing::S3 => &["bucket", "access_key", "secret_key"],
        _ if pooled => &["url", "pool"],
        _ => &["url"],
    }
}

fn service(s: &Service, plan: &Plan) -> Value {
    let mut out = Map::new();
    let (kind, provider) = match s.backing {
        Backing::PostgresExternal => ("postgres", None),
        Backing::PostgresStatefulset => ("postgres", Some("statefulset")),
        Backing::PostgresCloudnativePg => ("postgres", Some("cloudnative-pg")),
        Backing::PostgresZalando => ("postgres", Some("zalando")),
        Backing::Etcd => ("etcd", None),
        Backing::RedisExternal => ("redis", None),
        Backing::RedisStatefulset => ("redis", Some("statefulset")),
        Backing::S3 => ("s3", None),
    };
    out.insert("type".into(), json!(kind));
    if let Some(provider) = provider {
        out.insert("provider".into(), json!(provider));
    }
    let host = format!("{}.shapes.example.internal", s.name);
    match s.backing {
        Backing::PostgresExternal => {
            out.insert("host".into(), json!(host));
            out.insert("database".into(), json!(s.name));
            out.insert("cidr".into(), json!("10.20.0.0/16"));
        }
        Backing::PostgresStatefulset | Backing::PostgresCloudnativePg => {
            out.insert("database".into(), json!(s.name));
            out.insert("storage".into(), json!("5Gi"));
        }
        Backing::PostgresZalando => {
            out.insert("instances".into(), json!(s.instances));
            out.insert("version".into(), json!("17"));
            out.insert("database".into(), json!(s.name));
            out.insert("storage".into(), json!("5Gi"));
        }
        Backing::Etcd => {
            out.insert("instances".into(), json!(s.instances));
            out.insert("storage".into(), json!("2Gi"));
        }
        Backing::RedisExternal => {
            out.insert("host".into(), json!(host));
            out.insert("tls".into(), json!(true));
            out.insert("cidr".into(), json!("10.30.0.0/16"));
        }
        Backing::RedisStatefulset => {
            out.insert("storage".into(), json!("1Gi"));
        }
        Backing::S3 => {
            out.insert("bucket".into(), json!(format!("shapes-{}", s.name)));
            out.insert("region".into(), json!("eu-west-1"));
        }
    }
    if s.backing == Backing::PostgresCloudnativePg {
        out.insert("instances".into(), json!(s.instances));
    }
    if credentials(s).is_some() {
        out.insert(
            "credentials".into(),
            json!({ "secret": format!("{}-credentials", s.name) }),
        );
    }
    if let Some(pool) = s.pool {
        out.insert("pool".into(), json!(pool));
    }
    let pools = plan
        .components
        .iter()
        .filter(|c| c.needs.contains(&s.name))
        .filter_map(|c| own_pool(c, s));
    if let Some(largest) = s.pool.into_iter().chain(pools).max() {
        out.insert("max_connections".into(), json!(budget(largest, plan)));
    }
    if let Some(to) = s.backup {
        let mut backup = Map::new();
        backup.insert("schedule".into(), json!("0 2 * * *"));
        match to {
            BackupTo::Pvc => {
                backup.insert("to".into(), json!("pvc"));
            }
            BackupTo::S3(target) => {
                backup.insert("to".into(), json!(target));
            }
        }
        if s.backing != Backing::PostgresCloudnativePg {
            backup.insert("size".into(), json!("5Gi"));
        }
        backup.insert("retention".into(), json!(7));
        out.insert("backup".into(), Value::Object(backup));
    }
    Value::Object(out)
}

/// The pool `c` sets of its own on service `s` (`pools`), which only PostgreSQL takes.
fn own_pool(c: &Component, s: &Service) -> Option<u32> {
    c.pool.filter(|_| s.backing.is_postgres())
}

/// Whether `c` has a pool on service `s`, its own or the service's.
fn pooled(c: &Component, s: &Service) -> bool {
    s.pool.is_some() || own_pool(c, s).is_some()
}

/// A `max_connections` that every pool fits in: each component at the top of its range,
/// one more pod each for a surge or a run, and room for the server's own connections.
fn budget(pool: u32, plan: &Plan) -> u32 {
    let pods: u32 = plan
        .components
        .iter()
        .map(|c| match c.replicas {
            Replicas::Fixed(n) | Replicas::Range(_, n) => n + 2,
        })
        .sum();
    pool * pods + 20
}

/// The secret holding a service's credentials and its keys, for the services that read
/// one: in-cluster servers generate a password, managed services use the user's.
fn credentials(s: &Service) -> Option<(SecretKind, &'static [&'static str])> {
    match s.backing {
        Backing::PostgresStatefulset | Backing::RedisStatefulset => {
            Some((SecretKind::Generated, &["password"]))
        }
        Backing::PostgresExternal => Some((s.credentials, &["username", "password"])),
        Backing::RedisExternal => Some((s.credentials, &["password"])),
        Backing::S3 => Some((s.credentials, &["access_key", "secret_key"])),
        Backing::PostgresCloudnativePg | Backing::PostgresZalando | Backing::Etcd => None,
    }
}

/// A component's own secret.
fn token(c: &Component) -> String {
    format!("{}-token", c.name)
}

/// The key a component's own secret holds: generated secrets name it `value`.
fn token_key(kind: SecretKind) -> &'static str {
    match kind {
        SecretKind::Generated => "value",
        SecretKind::Existing | SecretKind::External => "token",
    }
}

fn secrets(plan: &Plan) -> Map<String, Value> {
    let services = plan.services.iter().filter_map(|s| {
        let (kind, keys) = credentials(s)?;
        let name = format!("{}-credentials", s.name);
        Some((name.clone(), secret(&name, kind, keys)))
    });
    let components = plan.components.iter().filter_map(|c| {
        let kind = c.secret?;
        let name = token(c);
        Some((name.clone(), secret(&name, kind, &[token_key(kind)])))
    });
    services.chain(components).collect()
}

fn secret(name: &str, kind: SecretKind, keys: &[&str]) -> Value {
    match kind {
        SecretKind::Generated if keys == ["value"] => json!({ "generate": {} }),
        SecretKind::Generated => json!({ "generate": { "keys": keys } }),
        SecretKind::Existing => json!({ "existing": { "name": format!("shapes-{name}") } }),
        SecretKind::External => {
            let data: Map<String, Value> = keys
                .iter()
                .map(|k| ((*k).to_owned(), json!(format!("shapes/{name}#{k}"))))
                .collect();
            json!({ "external": { "store": "vault", "data": data } })
        }
    }
}

/// The changes environment `index` makes: `staging` runs a newer image of the first
/// component; `prod` runs one more pod of the first component with a fixed count, or
/// else a newer image too.
fn overlay(index: usize, plan: &Plan) -> Value {
    let first = &plan.components[0];
    let fixed = plan.components.iter().find_map(|c| match c.replicas {
        Replicas::Fixed(n) if c.kind.long_running() => Some((c.name, n)),
        _ => None,
    });
    let change = match (index, fixed) {
        (1, Some((name, n))) => json!({ name: { "replicas": n + 1 } }),
        _ => json!({ first.name: { "image": image(first.name, "1.1.0") } }),
    };
    json!({ "components": change })
}
