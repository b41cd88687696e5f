//! Exposure: each component's hosts, paths, port and route kind, and what exposures
//! share: one certificate per set of hosts, and no path claimed twice on a host.

use super::names::is_dns_name;
use super::network::check_url_path;
use super::{Known, exactly_one, under};
use crate::app::AppSpec;
use crate::component::Component;
use crate::expose::Expose;
use crate::hosts::tls_secret;
use crate::path;
use crate::problem::{Path, Problem};

/// The exposure of the component at `at`, on its own.
pub(super) fn check(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    let Some(e) = &c.expose else {
        return;
    };
    let at = under!(at, "expose");
    if !c.kind.has_client_service() {
        out.push(
            Problem::new(
                at.clone(),
                format!(
                    "a `{}` takes no inbound traffic, so it cannot be exposed",
                    c.kind
                ),
            )
            .at_key()
            .help("make it `kind: service`, or remove `expose`"),
        );
        return;
    }
    let ports = Known::declared("port", &["ports"], c.ports.keys().map(String::as_str));
    out.extend(ports.check(under!(at, "port"), &e.port));
    check_route_kind(e, &at, out);
    check_hosts(e, &at, out);
    let mut seen: Vec<&str> = Vec::new();
    for (i, path) in e.paths.iter().enumerate() {
        check_url_path(under!(at, "paths", i), path, out);
        let prefix = prefix(path);
        if seen.contains(&prefix) {
            out.push(
                Problem::new(
                    under!(at, "paths", i),
                    format!("the path `{path}` is listed twice"),
                )
                .help("remove one: a trailing `/` makes no difference to a prefix"),
            );
        }
        seen.push(prefix);
    }
    if let Some(tls) = &e.tls {
        exactly_one(
            &under!(at, "tls"),
            "`tls`",
            &[
                ("cluster_issuer", tls.cluster_issuer.is_some()),
                ("issuer", tls.issuer.is_some()),
            ],
            out,
        );
    }
}

/// Ingress or Gateway, not both; and the Ingress settings a route has no field for.
fn check_route_kind(e: &Expose, at: &Path, out: &mut Vec<Problem>) {
    let (Some(ingress), Some(_)) = (&e.ingress, &e.gateway) else {
        return;
    };
    let unsupported = [
        ("websocket", ingress.websocket),
        ("streaming", ingress.streaming),
    ];
    let mut specific = false;
    for (key, set) in unsupported {
        if set {
            specific = true;
            out.push(
                Problem::new(
                    under!(at, "ingress", key),
                    format!(
                        "`{key}` is not supported on a Gateway route: Gateway API routes have no field for connection timeouts or buffering, which the Gateway's implementation decides"
                    ),
                )
                .at_key()
                .help("remove `gateway` to route through an Ingress, or remove `ingress` and set the timeouts on the Gateway"),
            );
        }
    }
    if !specific {
        out.push(
            Problem::new(
                under!(at, "gateway"),
                "`expose` sets both `ingress` and `gateway`",
            )
            .at_key()
            .help("route through an Ingress or a Gateway, not both: remove one"),
        );
    }
}

fn check_hosts(e: &Expose, at: &Path, out: &mut Vec<Problem>) {
    let one_of = exactly_one(
        at,
        "`expose`",
        &[("host", e.host.is_some()), ("hosts", !e.hosts.is_empty())],
        out,
    );
    if !one_of {
        return;
    }
    let located: Vec<(Path, &str)> = match &e.host {
        Some(host) => vec![(under!(at, "host"), host.as_str())],
        None => e
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (under!(at, "hosts", i), h.as_str()))
            .collect(),
    };
    let mut seen: Vec<&str> = Vec::new();
    for (path, host) in located {
        if !is_dns_name(host) {
            out.push(
                Problem::new(path.clone(), format!("`{host}` is not a valid host name")).help(
                    "use a DNS name such as `shop.example.com`: lowercase letters, digits, `-` and `.`",
                ),
            );
        }
        if seen.contains(&host) {
            out.push(
                Problem::new(path, format!("the host `{host}` is listed twice")).help("remove one"),
            );
        }
        seen.push(host);
    }
}

/// A path prefix as Ingress and Gateway match it: element by element, so a trailing
/// `/` changes nothing.
fn prefix(path: &str) -> &str {
    match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    }
}

/// What exposures share: no two components route the same path on a host, and the
/// components whose hosts share one certificate agree on it.
pub(super) fn check_shared(spec: &AppSpec, out: &mut Vec<Problem>) {
    check_paths_claimed_once(spec, out);
    for set in spec.host_sets() {
        let Some((issuer, tls)) = set.issuer() else {
            continue;
        };
        let secret = tls_secret(issuer, tls);
        for (name, e) in &set.members {
            if *name == issuer {
                continue;
            }
            let at = path!["components", *name, "expose"];
            let shared = e
                .hosts()
                .into_iter()
                .find(|h| set.hosts.contains(h))
                .unwrap_or_default();
            let Some(own) = &e.tls else {
                out.push(
                    Problem::new(
                        at,
                        format!(
                            "`{name}` serves `{shared}` without TLS, but `{issuer}` serves the same host set with a certificate"
                        ),
                    )
                    .at_key()
                    .help(format!(
                        "add the `tls` of `{issuer}` to `{name}`'s `expose`: they share one certificate"
                    )),
                );
                continue;
            };
            if own.cluster_issuer != tls.cluster_issuer || own.issuer != tls.issuer {
                out.push(
                    Problem::new(
                        under!(at, "tls"),
                        format!(
                            "`{name}` and `{issuer}` share hosts, so they share one certificate, but name different issuers"
                        ),
                    )
                    .help(format!("use the issuer of `{issuer}`")),
                );
            }
            if own.secret.as_ref().is_some_and(|s| *s != secret) {
                out.push(
                    Problem::new(
                        under!(at, "tls", "secret"),
                        format!(
                            "`{name}` and `{issuer}` share hosts, so they share one certificate, kept in Secret `{secret}`"
                        ),
                    )
                    .help(format!("remove `secret`, or set it to `{secret}`")),
                );
            }
        }
    }
}

/// Each (host, path prefix) goes to one component. Longer prefixes under a shorter one
/// are fine: the longest match wins.
fn check_paths_claimed_once(spec: &AppSpec, out: &mut Vec<Problem>) {
    let mut claimed: Vec<(&str, &str, &str)> = Vec::new();
    for (name, c) in &spec.components {
        let Some(e) = &c.expose else {
            continue;
        };
        let at = path!["components", name, "expose"];
        let hosts = e.hosts();
        for (i, path) in e.paths().into_iter().enumerate() {
            for (j, host) in hosts.iter().enumerate() {
                let taken = claimed
                    .iter()
                    .find(|(h, p, owner)| h == host && *p == prefix(path) && owner != name);
                if let Some((_, _, owner)) = taken {
                    let where_ = if e.paths.is_empty() {
                        match &e.host {
                            Some(_) => under!(at, "host"),
                            None => under!(at, "hosts", j),
                        }
                    } else {
                        under!(at, "paths", i)
                    };
                    out.push(
                        Problem::new(
                            where_,
                            format!(
                                "`{name}` routes `{path}` on `{host}`, which `{owner}` routes already"
                            ),
                        )
                        .help(format!(
                            "give each component its own path prefixes on `{host}`, such as `/{name}`"
                        )),
                    );
                    continue;
                }
                claimed.push((host, prefix(path), name));
            }
        }
    }
}
