//! Names that become Kubernetes object names, and the target Kubernetes version.

use shipshape_grammar::KubeVersion;
use shipshape_grammar::names::{self, LABEL_MAX as MAX_LABEL, LabelFault};

use super::Known;
use crate::app::AppSpec;
use crate::path;
use crate::problem::{Path, Problem};

/// The migration Job is named `<component>-migrate-<8 hex digits>` and must itself be a
/// label, so a component name may use at most what is left.
const MAX_COMPONENT: usize = MAX_LABEL - "-migrate-".len() - 8;

/// A generated secret is created by a Job named `<secret>-<8 hex digits>-create`, which
/// must itself be a label.
const MAX_GENERATED_SECRET: usize = MAX_LABEL - "-create".len() - 9;

/// The name of the NetworkPolicy that denies what no other policy admits.
const DEFAULT_DENY: &str = "default-deny";

/// The app's name, namespace, Kubernetes version, the namespaces of the platform, and the names of secrets, configs and
/// services (component names are checked with their component).
pub(super) fn check_app(spec: &AppSpec, out: &mut Vec<Problem>) {
    out.extend(label(path!["name"], &spec.name, "app name"));
    if let Some(ns) = &spec.namespace {
        out.extend(label(path!["namespace"], ns, "namespace"));
    }
    if let Some(version) = &spec.kubernetes {
        let supported: Vec<String> = KubeVersion::SUPPORTED
            .iter()
            .map(ToString::to_string)
            .collect();
        let known = Known::fixed(
            "a supported Kubernetes version",
            supported.iter().map(String::as_str),
        );
        out.extend(known.check(path!["kubernetes"], version));
    }
    for (name, secret) in &spec.secrets {
        let at = path!["secrets", name];
        if let Some(p) = label(at.clone(), name, "secret name") {
            out.push(p.at_key());
        } else if secret.generate.is_some() && name.len() > MAX_GENERATED_SECRET {
            out.push(
                Problem::new(
                    at,
                    format!(
                        "secret name `{name}` is {} characters long, too long for the Job that generates it (`{name}-<hash>-create`)",
                        name.len()
                    ),
                )
                .at_key()
                .help(format!("shorten it to {MAX_GENERATED_SECRET} characters or fewer")),
            );
        }
    }
    // Policies admit the cluster's pieces by the name of the namespace they run in.
    let platform = &spec.platform;
    for (key, namespace) in [
        ("ingress", &platform.ingress.namespace),
        ("monitoring", &platform.monitoring.namespace),
        ("dns", &platform.dns.namespace),
        ("cloudnative_pg", &platform.cloudnative_pg.namespace),
        ("zalando", &platform.zalando.namespace),
    ] {
        out.extend(label(
            path!["platform", key, "namespace"],
            namespace,
            "namespace",
        ));
    }
    if spec.default_deny {
        let taken = spec
            .components
            .keys()
            .map(|n| ("components", n))
            .chain(spec.services.keys().map(|n| ("services", n)))
            .find(|(_, n)| *n == DEFAULT_DENY);
        if let Some((section, name)) = taken {
            out.push(
                Problem::new(
                    path![section, name],
                    format!("`{name}` is the name of the namespace's default-deny NetworkPolicy"),
                )
                .at_key()
                .help("rename it, or set `default_deny: false` to render no such policy"),
            );
        }
    }
    for name in spec.configs.keys() {
        out.extend(label(path!["configs", name], name, "config name").map(Problem::at_key));
    }
    for name in spec.services.keys() {
        let at = path!["services", name];
        out.extend(label(at.clone(), name, "service name").map(Problem::at_key));
        if spec.components.contains_key(name) {
            out.push(
                Problem::new(at, format!("`{name}` is both a component and a service"))
                    .at_key()
                    .help("components and services share the namespace's Service names: rename one of them"),
            );
        }
    }
}

/// A component's name: a label short enough for the objects derived from it.
pub(super) fn check_component(name: &str, at: &Path, out: &mut Vec<Problem>) {
    if let Some(p) = label(at.clone(), name, "component name") {
        out.push(p.at_key());
    } else if name.len() > MAX_COMPONENT {
        out.push(
            Problem::new(
                at.clone(),
                format!(
                    "component name `{name}` is {} characters long, too long for its migration Job `{name}-migrate-<hash>`",
                    name.len()
                ),
            )
            .at_key()
            .help(format!("shorten it to {MAX_COMPONENT} characters or fewer")),
        );
    }
}

/// A problem when `name` is not a DNS-1123 label (what most Kubernetes object names must
/// be), with a corrected name when one is easy to derive.
pub(super) fn label(path: Path, name: &str, what: &str) -> Option<Problem> {
    let reason = label_error(name)?;
    let fixed = names::to_dns1123_label(name);
    let help = if fixed.is_empty() || fixed == name {
        "use lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters".to_owned()
    } else {
        format!("use lowercase letters, digits and `-`, such as `{fixed}`")
    };
    Some(Problem::new(path, format!("{what} `{name}` {reason}")).help(help))
}

/// Why `name` is not a DNS-1123 label, if it is not, in the spec's words.
pub(super) fn label_error(name: &str) -> Option<&'static str> {
    names::dns1123_label_fault(name).map(|fault| match fault {
        LabelFault::Empty => "is empty",
        LabelFault::TooLong => "is longer than 63 characters",
        LabelFault::Characters => "may only contain lowercase letters, digits and `-`",
        LabelFault::Edges => "must start and end with a letter or digit",
    })
}

/// Whether `host` is a DNS name (labels joined by dots), optionally a `*.` wildcard, as
/// the API server checks an Ingress host.
pub(super) fn is_dns_name(host: &str) -> bool {
    names::dns1123_host(host).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(label_error("api-2"), None);
        assert!(label_error("Api").is_some());
        assert!(label_error("-api").is_some());
        assert!(label_error(&"a".repeat(64)).is_some());
        assert!(is_dns_name("*.example.com"));
        assert!(!is_dns_name("example..com"));
        assert!(!is_dns_name("Example.com"));
    }
}
