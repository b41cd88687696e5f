//! Needs: what a component calls, and the environment variables that carry each
//! dependency's outputs (URL, host, credentials...) into its pods.

use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource};
use shipshape_spec::{BackingService, Component, ServiceType, SslMode};

use crate::context::Ctx;
use crate::secrets;

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

/// The in-cluster DNS name of a component's Service.
pub fn component_host(ctx: &Ctx<'_>, name: &str) -> String {
    format!("{name}.{}.svc.cluster.local", ctx.namespace())
}

/// The port of a backing service.
pub fn service_port(service: &BackingService) -> u16 {
    service.port.unwrap_or_else(|| service.kind.default_port())
}

fn literal(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: Some(value.into()),
        value_from: None,
    }
}

fn from_secret(ctx: &Ctx<'_>, name: &str, secret: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: None,
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(secrets::key_ref(ctx, secret, key)),
            ..EnvVarSource::default()
        }),
    }
}

/// The environment variables that wire `component`'s needs, in dependency order. Helper
/// variables that a composed URL refers to come first, since Kubernetes only expands
/// `$(VAR)` references to variables defined earlier.
pub fn env(ctx: &Ctx<'_>, component: &Component) -> Vec<EnvVar> {
    let mut vars = Vec::new();
    for (dep_name, outputs) in &component.needs.0 {
        if let Some(target) = ctx.spec.components.get(dep_name.as_str()) {
            let host = component_host(ctx, dep_name);
            let port = target
                .ports
                .values()
                .next()
                .map(|p| p.0.service_port.unwrap_or(p.0.port));
            for (output, var) in outputs {
                let value = match (output.as_str(), port) {
                    ("host", _) => host.clone(),
                    ("port", Some(p)) => p.to_string(),
                    ("url", Some(p)) => format!("http://{host}:{p}"),
                    _ => continue,
                };
                vars.push(literal(var, value));
            }
        } else if let Some(service) = ctx.spec.services.get(dep_name.as_str()) {
            vars.extend(service_env(ctx, dep_name, service, outputs));
        }
    }
    vars
}

fn service_env(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
    outputs: &indexmap::IndexMap<String, String>,
) -> Vec<EnvVar> {
    let ServiceType::Postgres = service.kind;
    let host = service.host.clone().unwrap_or_default();
    let port = service_port(service);
    let database = service.database.clone().unwrap_or_default();
    let sslmode = service.sslmode.unwrap_or(SslMode::Require).as_str();
    let creds = service.credentials.as_ref();
    let user_key = creds
        .and_then(|c| c.user_key.clone())
        .unwrap_or_else(|| "username".to_owned());
    let password_key = creds
        .and_then(|c| c.password_key.clone())
        .unwrap_or_else(|| "password".to_owned());
    let helper = |what: &str| {
        format!(
            "SHIPSHAPE_{}_{what}",
            name.to_ascii_uppercase().replace('-', "_")
        )
    };
    let mut vars = Vec::new();
    let credential_var = |output: &str, key: &str, vars: &mut Vec<EnvVar>| -> Option<String> {
        let creds = creds?;
        let var = outputs
            .get(output)
            .cloned()
            .unwrap_or_else(|| helper(&output.to_ascii_uppercase()));
        if !vars.iter().any(|v: &EnvVar| v.name == var) {
            vars.push(from_secret(ctx, &var, &creds.secret, key));
        }
        Some(var)
    };
    let wants_composed_url = outputs.contains_key("url")
        && creds.is_none_or(|c| c.url_key.is_none())
        || outputs.contains_key("read_urls");
    if wants_composed_url || outputs.contains_key("user") {
        credential_var("user", &user_key, &mut vars);
    }
    if wants_composed_url || outputs.contains_key("password") {
        credential_var("password", &password_key, &mut vars);
    }
    let auth = match creds {
        Some(_) => format!(
            "$({}):$({})@",
            outputs
                .get("user")
                .cloned()
                .unwrap_or_else(|| helper("USER")),
            outputs
                .get("password")
                .cloned()
                .unwrap_or_else(|| helper("PASSWORD"))
        ),
        None => String::new(),
    };
    let url_for = |h: &str| format!("postgres://{auth}{h}:{port}/{database}?sslmode={sslmode}");
    for (output, var) in outputs {
        let value = match output.as_str() {
            "user" | "password" => continue,
            "url" => match creds.and_then(|c| c.url_key.as_deref()) {
                Some(url_key) => {
                    vars.push(from_secret(
                        ctx,
                        var,
                        &creds.expect("checked").secret,
                        url_key,
                    ));
                    continue;
                }
                None => url_for(&host),
            },
            "host" => host.clone(),
            "port" => port.to_string(),
            "database" => database.clone(),
            "sslmode" => sslmode.to_owned(),
            "read_urls" => service
                .read_replicas
                .iter()
                .map(|h| url_for(h))
                .collect::<Vec<_>>()
                .join(","),
            "pool" => service.pool.map(|p| p.to_string()).unwrap_or_default(),
            _ => continue,
        };
        vars.push(literal(var, value));
    }
    vars
}
