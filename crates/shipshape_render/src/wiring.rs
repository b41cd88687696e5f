//! Needs: what a component calls, and the environment variables that carry each
//! dependency's outputs (URL, host, credentials...) into its pods, under the names the
//! component chose in `needs`.
//!
//! A backing service's outputs come from its provider as [`Outputs`], the same for
//! every provider of a type, so nothing here knows who runs a service. An output that is
//! a secret becomes a `secretKeyRef`; one that embeds secrets, such as a URL with a
//! password, becomes text with `$(VAR)` references to variables that hold them.

use indexmap::IndexMap;
use k8s_openapi::api::core::v1::EnvVar;
use shipshape_spec::{BackingService, Component, SpecPath, path};

use crate::backing::{self, Outputs, Piece, Value};
use crate::builders::{from_secret, literal};
use crate::context::{Ctx, component_key};

/// Something a component needs, resolved.
pub enum Dependency<'a> {
    /// Another component of the app.
    Component {
        /// Its name.
        name: &'a str,
        /// Its spec.
        spec: &'a Component,
    },
    /// A backing service.
    Service {
        /// Its name.
        name: &'a str,
        /// Its spec.
        spec: &'a BackingService,
    },
}

/// The dependencies of a component, in the order the spec lists them. Names that resolve
/// to nothing were already reported by spec validation and are skipped.
pub fn dependencies<'a>(ctx: &Ctx<'a>, component: &Component) -> Vec<Dependency<'a>> {
    component
        .needs
        .0
        .keys()
        .filter_map(|n| match ctx.spec.components.get_key_value(n.as_str()) {
            Some((name, spec)) => Some(Dependency::Component { name, spec }),
            None => {
                let (name, spec) = ctx.spec.services.get_key_value(n.as_str())?;
                Some(Dependency::Service { name, spec })
            }
        })
        .collect()
}

/// The environment variables that wire the needs of the component `name`, in dependency
/// order, each with the key in `needs` it comes from: the output that asked for it, or
/// the dependency for a helper variable that a template refers to.
pub fn env(ctx: &Ctx<'_>, name: &str, component: &Component) -> Vec<(EnvVar, SpecPath)> {
    let mut vars = Vec::new();
    for (dep_name, wanted) in &component.needs.0 {
        let made = if let Some(target) = ctx.spec.components.get(dep_name.as_str()) {
            component_env(ctx, dep_name, target, wanted)
        } else if let Some(service) = ctx.spec.services.get(dep_name.as_str()) {
            let mut outputs = backing::outputs(ctx, dep_name, service);
            // The pool is the component's own when it sets one in `pools`.
            outputs.pool = component.pool_for(dep_name, service);
            service_env(dep_name, &outputs, wanted)
        } else {
            continue;
        };
        vars.extend(made.into_iter().map(|var| {
            let mut key = component_key(name, path!["needs", dep_name]);
            if let Some((output, _)) = wanted.iter().find(|(_, v)| **v == var.name) {
                key.push(output.into());
            }
            (var, key)
        }));
    }
    vars
}

/// A needed component offers its Service's host, the first port it serves its callers,
/// and an HTTP URL of both.
fn component_env(
    ctx: &Ctx<'_>,
    name: &str,
    target: &Component,
    wanted: &IndexMap<String, String>,
) -> Vec<EnvVar> {
    let host = ctx.service_host(name);
    let port = target
        .served_ports()
        .first()
        .and_then(|served| target.ports.get(*served))
        .map(|p| p.0.service_port.unwrap_or(p.0.port));
    wanted
        .iter()
        .filter_map(|(output, var)| {
            let value = match (output.as_str(), port) {
                ("host", _) => host.clone(),
                ("port", Some(p)) => p.to_string(),
                ("url", Some(p)) => format!("http://{host}:{p}"),
                _ => return None,
            };
            Some(literal(var, value))
        })
        .collect()
}

/// The variables that carry the `wanted` outputs (output → variable name) of the
/// service `name`. Outputs that a wanted template refers to come first, under the
/// variable the component chose for them or a helper `SHIPSHAPE_<SERVICE>_<OUTPUT>`,
/// since Kubernetes only expands `$(VAR)` references to variables defined earlier.
pub fn service_env(
    name: &str,
    outputs: &Outputs,
    wanted: &IndexMap<String, String>,
) -> Vec<EnvVar> {
    let var_of = |output: &str| {
        wanted
            .get(output)
            .cloned()
            .unwrap_or_else(|| helper_var(name, output))
    };
    let values: Vec<(&str, Value)> = wanted
        .iter()
        .filter_map(|(output, var)| Some((var.as_str(), outputs.value(output)?)))
        .collect();
    let mut referenced: Vec<&str> = Vec::new();
    for output in values.iter().flat_map(|(_, v)| v.references()) {
        if !referenced.contains(&output) {
            referenced.push(output);
        }
    }
    let first = referenced
        .into_iter()
        .filter_map(|output| Some((var_of(output), outputs.value(output)?)));
    let mut vars: Vec<EnvVar> = Vec::new();
    for (var, value) in first.chain(values.into_iter().map(|(v, value)| (v.to_owned(), value))) {
        if !vars.iter().any(|v| v.name == var) {
            vars.push(env_var(&var, value, &var_of));
        }
    }
    vars
}

/// The variable that holds a service's output for a template when the component did not
/// ask for the output itself.
fn helper_var(service: &str, output: &str) -> String {
    format!(
        "SHIPSHAPE_{}_{}",
        service.to_ascii_uppercase().replace('-', "_"),
        output.to_ascii_uppercase()
    )
}

fn env_var(name: &str, value: Value, var_of: &impl Fn(&str) -> String) -> EnvVar {
    match value {
        Value::Text(text) => literal(name, text),
        Value::Secret(key) => from_secret(name, key),
        Value::Template(pieces) => literal(
            name,
            pieces
                .iter()
                .map(|piece| match piece {
                    Piece::Text(text) => text.clone(),
                    Piece::Output(output) => format!("$({})", var_of(output)),
                })
                .collect::<String>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use crate::test_support::find;

    const BACKING: &str = include_str!("../tests/fixtures/backing.yaml");

    /// The variables of the first container of a Deployment, as YAML.
    fn env_of(yaml: &str, deployment: &str) -> String {
        shipshape_manifest::to_yaml(
            &find(yaml, "Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]["env"],
        )
    }

    /// Every type and provider wires through the same outputs: secrets by reference,
    /// URLs assembled from them, replicas where the provider has them.
    #[test]
    fn every_provider_wires_its_outputs_under_the_names_needs_chose() {
        assert_snapshot!(env_of(BACKING, "spoke"));
    }

    /// A component that asks for a credential and a URL made from it gets the credential
    /// once, under its own name, before the URL.
    #[test]
    fn a_requested_credential_is_what_the_url_refers_to() {
        assert_snapshot!(env_of(BACKING, "node"));
    }

    /// A needed component's `port` and `url` are those of the first port it serves its
    /// callers, whatever order `ports` lists them in.
    #[test]
    fn a_component_offers_the_first_port_it_serves() {
        let yaml = "name: shop
components:
  web:
    kind: service
    image: shop/web:1.0.0
    ports: { http: 8080 }
    needs: { node: { url: NODE_URL, port: NODE_PORT } }
  node:
    kind: stateful
    image: shop/node:1.0.0
    ports: { http: 8080, grpc: { port: 50051, service_port: 5000 } }
    peers: [grpc]
    serves: [grpc]
";
        assert_eq!(
            find(yaml, "Deployment", "web")["spec"]["template"]["spec"]["containers"][0]["env"],
            serde_json::json!([
                {"name": "NODE_URL", "value": "http://node.shop.svc.cluster.local:5000"},
                {"name": "NODE_PORT", "value": "5000"},
            ])
        );
    }

    /// Moving a database from a StatefulSet to an operator changes its outputs' values,
    /// not the variables the component reads.
    #[test]
    fn switching_providers_keeps_the_variables() {
        let names = |yaml: &str| -> Vec<String> {
            find(yaml, "Deployment", "node")["spec"]["template"]["spec"]["containers"][0]["env"]
                .as_array()
                .expect("variables")
                .iter()
                .map(|v| v["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let operator = BACKING
            .replace(
                "    provider: statefulset\n    database: goverse",
                "    provider: cloudnative-pg\n    database: goverse",
            )
            .replace(
                "    backup: { schedule: \"0 2 * * *\", to: pvc, size: 50Gi, retention: 7 }\n",
                "",
            )
            .replace("    credentials: { secret: objects-db }\n", "");
        assert_eq!(names(BACKING), names(&operator));
        let url = |yaml: &str| {
            find(yaml, "Deployment", "node")["spec"]["template"]["spec"]["containers"][0]["env"]
                .as_array()
                .expect("variables")
                .iter()
                .find(|v| v["name"] == "GOVERSE_POSTGRES_URL")
                .expect("the URL")["value"]
                .clone()
        };
        assert_eq!(
            url(&operator),
            "postgres://goverse:$(POSTGRES_PASSWORD)@objects-rw.backing.svc.cluster.local:5432/goverse?sslmode=require"
        );
    }

    /// The `pool` output is the component's own pool when it sets one, else the
    /// service's.
    #[test]
    fn the_pool_output_is_the_components_own() {
        let yaml = "name: shop
components:
  api:
    kind: service
    image: example/api:1.0.0
    needs: { db: { pool: DB_POOL } }
    pools: { db: 7 }
  worker:
    kind: worker
    image: example/worker:1.0.0
    needs: { db: { pool: DB_POOL } }
services:
  db: { type: postgres, host: db.internal, database: shop, pool: 4 }
";
        let pool = |deployment: &str| {
            find(yaml, "Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]["env"]
                [0]
            .to_string()
        };
        assert_eq!(pool("api"), r#"{"name":"DB_POOL","value":"7"}"#);
        assert_eq!(pool("worker"), r#"{"name":"DB_POOL","value":"4"}"#);
    }
}
