//! Ports and everything that names them: probes, peers, metrics; and egress rules.
//! Exposure has a module of its own (`expose`).

use std::net::IpAddr;

use indexmap::IndexMap;
use shipshape_grammar::names::{self, PortNameFault};

use super::{Known, exactly_one, under};
use crate::component::{Component, ComponentKind, EgressRule, PortSpec, Protocol};
use crate::health::Probe;
use crate::problem::{Path, Problem};

/// Every check of this module for the component at `at`.
pub(super) fn check(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    check_ports(&c.ports, at, out);
    let ports = Known::declared("port", &["ports"], c.ports.keys().map(String::as_str));
    for (kind, probe) in [
        ("live", &c.health.live),
        ("ready", &c.health.ready),
        ("start", &c.health.start),
    ] {
        if let Some(p) = probe {
            check_probe(kind, p, &under!(at, "health", kind), &ports, out);
        }
    }
    for (i, peer) in c.peers.iter().enumerate() {
        out.extend(ports.check(under!(at, "peers", i), peer));
    }
    if let Some(serves) = &c.serves {
        check_serves(serves, c.kind, &under!(at, "serves"), &ports, out);
    }
    if let Some(m) = &c.metrics {
        out.extend(ports.check(under!(at, "metrics", "port"), &m.port));
        check_url_path(under!(at, "metrics", "path"), &m.path, out);
    }
    for (i, rule) in c.egress.iter().enumerate() {
        check_egress(rule, &under!(at, "egress", i), out);
    }
}

fn check_ports(ports: &IndexMap<String, PortSpec>, at: &Path, out: &mut Vec<Problem>) {
    let mut seen: Vec<(u16, Protocol, &str)> = Vec::new();
    for (name, PortSpec(p)) in ports {
        let at = under!(at, "ports", name);
        if let Some(reason) = port_name_error(name) {
            out.push(
                Problem::new(at.clone(), format!("port name `{name}` {reason}"))
                    .at_key()
                    .help("port names are IANA service names: up to 15 lowercase letters, digits and `-`, with at least one letter, such as `http` or `grpc-api`"),
            );
        }
        if let Some((_, _, first)) = seen
            .iter()
            .find(|(n, proto, _)| *n == p.port && *proto == p.protocol)
        {
            let proto = match p.protocol {
                Protocol::Tcp => "TCP",
                Protocol::Udp => "UDP",
            };
            out.push(
                Problem::new(
                    under!(at, "port"),
                    format!(
                        "{proto} port {} is declared twice, as `{first}` and `{name}`",
                        p.port
                    ),
                )
                .help("a container listens on a port once: remove one, or change its number"),
            );
        }
        seen.push((p.port, p.protocol, name));
        if p.service_port == Some(0) {
            out.push(
                Problem::new(
                    under!(at, "service_port"),
                    "0 is not a port: use 1 to 65535",
                )
                .help(format!(
                    "remove `service_port` to use {} on the Service too",
                    p.port
                )),
            );
        }
    }
}

/// Why `name` is not an IANA service name (what Kubernetes requires of port names), in
/// the spec's words.
fn port_name_error(name: &str) -> Option<&'static str> {
    names::iana_svc_name_fault(name).map(|fault| match fault {
        PortNameFault::Length => "must be 1 to 15 characters long",
        PortNameFault::Characters => "may only contain lowercase letters, digits and `-`",
        PortNameFault::NoLetter => "needs at least one letter",
        PortNameFault::Hyphens => "must not start or end with `-` or contain `--`",
    })
}

fn check_probe(kind: &str, p: &Probe, at: &Path, ports: &Known, out: &mut Vec<Problem>) {
    let what = format!("the `{kind}` probe");
    exactly_one(
        at,
        &what,
        &[
            ("http", p.http.is_some()),
            ("tcp", p.tcp.is_some()),
            ("grpc", p.grpc.is_some()),
            ("exec", p.exec.is_some()),
        ],
        out,
    );
    if let Some(path) = &p.http {
        check_url_path(under!(at, "http"), path, out);
        match &p.port {
            Some(port) => out.extend(ports.check(under!(at, "port"), port)),
            None => out.push(
                Problem::new(at.clone(), format!("{what} uses `http` but sets no `port`")).help(
                    "add `port:` naming one of the component's `ports`, such as `port: http`",
                ),
            ),
        }
    } else if p.port.is_some() {
        out.push(
            Problem::new(under!(at, "port"), "`port` applies only to `http` probes")
                .at_key()
                .help("`tcp` and `grpc` name their port themselves (`tcp: http`) and `exec` uses none: remove `port`"),
        );
    }
    for (key, port) in [("tcp", &p.tcp), ("grpc", &p.grpc)] {
        if let Some(port) = port {
            out.extend(ports.check(under!(at, key), port));
        }
    }
    check_counts(kind, p, at, out);
    let period = p.period_or_default();
    let timeout = p.timeout_or_default();
    if timeout >= period {
        let key = if p.timeout.is_some() {
            "timeout"
        } else {
            "period"
        };
        out.push(
            Problem::new(
                under!(at, key),
                format!(
                    "the timeout ({timeout}s) is not shorter than the period ({period}s): the next probe starts before this one times out"
                ),
            )
            .help("make `timeout` shorter than `period`"),
        );
    }
}

/// Thresholds: Kubernetes needs at least one, and only readiness may ask for more than
/// one success.
fn check_counts(kind: &str, p: &Probe, at: &Path, out: &mut Vec<Problem>) {
    for (key, value) in [("failures", p.failures), ("successes", p.successes)] {
        if value == Some(0) {
            out.push(
                Problem::new(under!(at, key), format!("`{key}` must be 1 or more"))
                    .help(format!("remove `{key}` to use the default")),
            );
        }
    }
    if kind != "ready" && p.successes.is_some_and(|s| s > 1) {
        out.push(
            Problem::new(
                under!(at, "successes"),
                format!("Kubernetes rejects `successes` other than 1 on a `{kind}` probe"),
            )
            .help("remove `successes`: only the `ready` probe may need several successes"),
        );
    }
}

/// `serves` names declared ports, each once, of a kind that callers can reach.
fn check_serves(
    serves: &[String],
    kind: ComponentKind,
    at: &Path,
    ports: &Known,
    out: &mut Vec<Problem>,
) {
    if !kind.has_client_service() {
        out.push(
            Problem::new(
                at.clone(),
                format!("a `{kind}` has no Service for callers, so it serves no port"),
            )
            .at_key()
            .help("remove `serves`, or make the component `kind: service`"),
        );
        return;
    }
    for (i, port) in serves.iter().enumerate() {
        let at = under!(at, i);
        if let Some(p) = ports.check(at.clone(), port) {
            out.push(p);
        } else if serves[..i].contains(port) {
            out.push(
                Problem::new(at, format!("port `{port}` is listed twice"))
                    .help("list each port callers use once"),
            );
        }
    }
}

/// A problem when `value`, a URL path, does not start with `/`.
pub(super) fn check_url_path(path: Path, value: &str, out: &mut Vec<Problem>) {
    if !value.starts_with('/') {
        out.push(
            Problem::new(path, format!("the path `{value}` does not start with `/`"))
                .help(format!("write `/{value}`")),
        );
    }
}

fn check_egress(rule: &EgressRule, at: &Path, out: &mut Vec<Problem>) {
    if let Some(cidr) = &rule.cidr {
        out.extend(check_cidr(under!(at, "cidr"), cidr));
    }
    if rule.ports.is_empty() {
        out.push(
            Problem::new(
                under!(at, "ports"),
                "`ports` is empty, so this rule allows nothing",
            )
            .help("list the destination ports, such as `ports: [443]`"),
        );
    }
    for (i, port) in rule.ports.iter().enumerate() {
        if *port == 0 {
            out.push(Problem::new(
                under!(at, "ports", i),
                "0 is not a port: use 1 to 65535",
            ));
        }
    }
}

/// A problem when `text` is not an IPv4 or IPv6 network in CIDR form.
pub(super) fn check_cidr(path: Path, text: &str) -> Option<Problem> {
    let valid = text.split_once('/').is_some_and(|(addr, prefix)| {
        let max = match addr.parse::<IpAddr>() {
            Ok(IpAddr::V4(_)) => 32,
            Ok(IpAddr::V6(_)) => 128,
            Err(_) => return false,
        };
        prefix.parse::<u8>().is_ok_and(|p| p <= max) && !prefix.starts_with('+')
    });
    (!valid).then(|| {
        Problem::new(path, format!("`{text}` is not a network in CIDR form"))
            .help("write an address and a prefix length, such as `10.0.0.0/8` or `2001:db8::/32`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_names() {
        assert_eq!(port_name_error("http"), None);
        assert_eq!(port_name_error("grpc-api"), None);
        assert!(port_name_error("8080").is_some());
        assert!(port_name_error("a--b").is_some());
        assert!(port_name_error("averyveryverylongname").is_some());
    }

    #[test]
    fn cidrs() {
        assert!(check_cidr(vec![], "10.0.0.0/8").is_none());
        assert!(check_cidr(vec![], "2001:db8::/32").is_none());
        assert!(check_cidr(vec![], "10.0.0.0").is_some());
        assert!(check_cidr(vec![], "10.0.0.0/33").is_some());
        assert!(check_cidr(vec![], "10.0.0/8").is_some());
    }
}
