//! The Services a pod names in its environment: `http://orders:8080`,
//! `orders.shop.svc.cluster.local:5432`, `DATABASE_URL=postgres://u:p@db/app`,
//! `ORDERS_HOST=orders` beside `ORDERS_PORT=8080`. These are the calls the manifests
//! declare, which a NetworkPolicy check, a traffic proof or a deploy order can hold
//! against what the policies admit.

use crate::identity::kinds;
use crate::index::ModelIndex;
use crate::object::Object;
use crate::pod::PodTemplate;
use crate::pointer::items;
use crate::service::{PortRef, ServicePort};

/// One Service port a container names in an environment variable.
#[derive(Debug, Clone)]
pub struct Dependency<'a> {
    /// The Service port called.
    pub port: ServicePort<'a>,
    /// The variable's name.
    pub variable: &'a str,
    /// JSON pointer of the variable's `value` in the object that holds the template.
    pub pointer: String,
}

/// Variable name endings that say a bare value is a host name (`ORDERS_HOST=orders`).
const HOST_ENDINGS: [&str; 7] = [
    "_HOST",
    "_HOSTNAME",
    "_ADDR",
    "_ADDRESS",
    "_SERVER",
    "_SERVICE",
    "_ENDPOINT",
];

/// The port a URL scheme means when the URL names none.
fn default_port(scheme: &str) -> Option<i64> {
    Some(match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => 80,
        "https" | "wss" => 443,
        "postgres" | "postgresql" => 5432,
        "mysql" | "mariadb" => 3306,
        "redis" => 6379,
        "amqp" => 5672,
        "mongodb" => 27017,
        "nats" => 4222,
        _ => return None,
    })
}

/// A host and the port a value gives it, if it gives one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Address<'v> {
    host: &'v str,
    port: Option<i64>,
}

/// The addresses in `value`: a URL's authority (`scheme://user:pass@host:port/...`),
/// a comma-separated list of `host:port`, or, when `bare_host` says the variable holds
/// a host, a name alone.
fn addresses(value: &str, bare_host: bool) -> Vec<Address<'_>> {
    let value = value.trim();
    if let Some((scheme, rest)) = value.split_once("://") {
        let authority = rest
            .split(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .next()
            .unwrap_or("");
        let hosts = authority
            .rsplit_once('@')
            .map_or(authority, |(_, hosts)| hosts);
        return hosts
            .split(',')
            .filter_map(|host| address(host, default_port(scheme)))
            .collect();
    }
    if value.contains(char::is_whitespace) {
        return Vec::new();
    }
    value
        .split(',')
        .filter_map(|part| match part.rsplit_once(':') {
            Some(_) => address(part, None).filter(|a| a.port.is_some()),
            None if bare_host => address(part, None),
            None => None,
        })
        .collect()
}

/// `host` or `host:port`, with a host that can name a Service.
fn address(text: &str, default: Option<i64>) -> Option<Address<'_>> {
    let (host, port) = match text.rsplit_once(':') {
        Some((host, port)) => (host, Some(port.parse::<i64>().ok()?)),
        None => (text, default),
    };
    let name_like = |label: &str| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    (host.split('.').all(name_like) && !host.starts_with(|c: char| c.is_ascii_digit()))
        .then_some(Address { host, port })
}

/// The Service (namespace, name) a host name means for a pod in `namespace`: `name`,
/// `name.ns`, `name.ns.svc[.<cluster domain>]`, or a pod's own name under a headless
/// Service, `pod.name.ns.svc[...]`.
fn service_of<'v>(host: &'v str, namespace: &'v str) -> Option<(&'v str, &'v str)> {
    let labels: Vec<&str> = host.split('.').collect();
    match labels.iter().position(|l| *l == "svc") {
        Some(2) => Some((labels[1], labels[0])),
        Some(3) => Some((labels[2], labels[1])),
        Some(_) => None,
        None => match labels.as_slice() {
            [name] => Some((namespace, name)),
            [name, ns] => Some((ns, name)),
            _ => None,
        },
    }
}

/// The port of `service` that `port` names, or its only port when `port` is not given.
fn service_port<'a>(service: &'a Object, port: Option<i64>) -> Option<ServicePort<'a>> {
    match port {
        Some(number) => ServicePort::find(service, PortRef::Number(number)),
        None => {
            let mut all = ServicePort::all(service);
            let only = all.next()?;
            all.next().is_none().then_some(only)
        }
    }
}

impl<'a> PodTemplate<'a> {
    /// The Service ports of `index` its containers name in literal `env` values, in the
    /// order they name them, each once per container. A host variable's port comes from
    /// the variable of the same stem ending in `_PORT` (`DB_HOST`, `DB_PORT`; libpq's
    /// `PGHOST`, `PGPORT`).
    #[must_use]
    pub fn dependencies(&self, index: &ModelIndex<'a>) -> Vec<Dependency<'a>> {
        let namespace = self.object.namespace();
        let mut found: Vec<Dependency<'a>> = Vec::new();
        for container in self.containers() {
            let Some(env) = container.get("/env") else {
                continue;
            };
            let literal = |name: &str| {
                items(env, "")
                    .find(|(_, var)| var["name"].as_str() == Some(name))
                    .and_then(|(_, var)| var["value"].as_str())
            };
            let first = found.len();
            for (i, var) in items(env, "") {
                let (Some(variable), Some(value)) = (var["name"].as_str(), var["value"].as_str())
                else {
                    continue;
                };
                let upper = variable.to_ascii_uppercase();
                // libpq's `PGHOST` and `PGPORT` are the one common pair without a `_`.
                let port_variable = if upper == "PGHOST" {
                    Some(format!("{}PORT", &variable[..2]))
                } else {
                    HOST_ENDINGS
                        .iter()
                        .find_map(|e| upper.strip_suffix(e))
                        .map(|stem| format!("{}_PORT", &variable[..stem.len()]))
                };
                for mut address in addresses(value, port_variable.is_some()) {
                    if address.port.is_none()
                        && let Some(port_variable) = &port_variable
                    {
                        address.port = literal(port_variable).and_then(|p| p.trim().parse().ok());
                    }
                    let Some((ns, name)) = service_of(address.host, namespace) else {
                        continue;
                    };
                    let Some(service) = index.find(&kinds::SERVICE, ns, name) else {
                        continue;
                    };
                    let Some(port) = service_port(service, address.port) else {
                        continue;
                    };
                    let seen = found[first..]
                        .iter()
                        .any(|d| std::ptr::eq(d.port.value, port.value));
                    if !seen {
                        found.push(Dependency {
                            port,
                            variable,
                            pointer: container.pointer_to(&format!("/env/{i}/value")),
                        });
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::{Address, addresses, service_of};

    fn at(host: &str, port: Option<i64>) -> Address<'_> {
        Address { host, port }
    }

    #[test]
    fn addresses_in_values() {
        assert_eq!(
            addresses("http://orders:8080/api", false),
            [at("orders", Some(8080))]
        );
        assert_eq!(
            addresses("postgres://app:s3cret@db.data.svc.cluster.local/app", false),
            [at("db.data.svc.cluster.local", Some(5432))]
        );
        assert_eq!(
            addresses("kafka-0.kafka:9092,kafka-1.kafka:9092", false),
            [
                at("kafka-0.kafka", Some(9092)),
                at("kafka-1.kafka", Some(9092))
            ]
        );
        assert_eq!(addresses("orders", true), [at("orders", None)]);
        assert_eq!(addresses("orders", false), []);
        assert_eq!(addresses("info", false), []);
        assert_eq!(addresses("10.0.0.1:5432", false), []);
        assert_eq!(addresses("a b:80", false), []);
        assert_eq!(addresses("Orders:80", false), []);
        assert_eq!(addresses("s3://bucket/key", false), [at("bucket", None)]);
    }

    #[test]
    fn services_that_host_names_mean() {
        assert_eq!(service_of("orders", "shop"), Some(("shop", "orders")));
        assert_eq!(
            service_of("orders.billing", "shop"),
            Some(("billing", "orders"))
        );
        assert_eq!(
            service_of("db.data.svc.cluster.local", "shop"),
            Some(("data", "db"))
        );
        assert_eq!(service_of("db-0.db.data.svc", "shop"), Some(("data", "db")));
        assert_eq!(service_of("api.example.com", "shop"), None);
    }
}
