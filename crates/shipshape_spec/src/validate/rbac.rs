//! `permissions`: least privilege, enforced. A rule may not use wildcards, may not read
//! every Secret, and may not use the verbs that let a ServiceAccount grant itself more
//! than it was given; verbs and built-in resources must exist, so a typo is an error
//! here instead of a Role that silently grants nothing.

use super::names::is_dns_name;
use super::{Known, under};
use crate::component::Component;
use crate::problem::{Path, Problem};
use crate::rbac::Permission;

/// The verbs of Kubernetes resource requests that a Role may grant.
const VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
];

/// Verbs that exist but that shipshape never grants, with why: each lets the component
/// gain rights it was not given.
const REFUSED_VERBS: &[(&str, &str)] = &[
    (
        "escalate",
        "lets the component write Roles granting more than it holds",
    ),
    (
        "bind",
        "lets the component bind itself to Roles granting more than it holds",
    ),
    (
        "impersonate",
        "lets the component act as any other user or ServiceAccount",
    ),
];

/// Verbs on `secrets` that reach every Secret in the namespace whatever `names` says.
const EVERY_SECRET: &[&str] = &["list", "watch", "deletecollection"];

/// The namespaced resources of the built-in API groups a Role can grant (`""` is the
/// core group). Resources of other groups (custom resources) are taken as written.
const BUILT_IN: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "configmaps",
            "endpoints",
            "events",
            "limitranges",
            "persistentvolumeclaims",
            "pods",
            "podtemplates",
            "replicationcontrollers",
            "resourcequotas",
            "secrets",
            "serviceaccounts",
            "services",
        ],
    ),
    (
        "apps",
        &[
            "controllerrevisions",
            "daemonsets",
            "deployments",
            "replicasets",
            "statefulsets",
        ],
    ),
    ("autoscaling", &["horizontalpodautoscalers"]),
    ("batch", &["cronjobs", "jobs"]),
    ("coordination.k8s.io", &["leases"]),
    ("discovery.k8s.io", &["endpointslices"]),
    ("events.k8s.io", &["events"]),
    ("networking.k8s.io", &["ingresses", "networkpolicies"]),
    ("policy", &["poddisruptionbudgets"]),
    ("rbac.authorization.k8s.io", &["rolebindings", "roles"]),
];

/// Every check of this module for the component at `at`.
pub(super) fn check(c: &Component, at: &Path, out: &mut Vec<Problem>) {
    if c.permissions.is_empty() {
        return;
    }
    if c.api_access == Some(false) {
        out.push(
            Problem::new(
                under!(at, "api_access"),
                "`api_access: false` takes away the API token that `permissions` are granted to",
            )
            .help("remove `api_access`: `permissions` imply it"),
        );
    }
    for (i, rule) in c.permissions.iter().enumerate() {
        check_rule(rule, &under!(at, "permissions", i), out);
    }
}

fn check_rule(rule: &Permission, at: &Path, out: &mut Vec<Problem>) {
    let group_known = check_group(&rule.api_group, at, out);
    for (key, empty, example) in [
        ("resources", rule.resources.is_empty(), "[configmaps]"),
        ("verbs", rule.verbs.is_empty(), "[get, list, watch]"),
    ] {
        if empty {
            out.push(
                Problem::new(
                    under!(at, key),
                    format!("`{key}` is empty, so this rule allows nothing"),
                )
                .help(format!("list them, such as `{key}: {example}`")),
            );
        }
    }
    for (j, resource) in rule.resources.iter().enumerate() {
        let at = under!(at, "resources", j);
        if resource.contains('*') {
            out.push(
                Problem::new(
                    at,
                    format!("`{resource}` grants every resource, present and future"),
                )
                .help("list the resources the app uses, such as `[configmaps, leases]`"),
            );
        } else if group_known {
            out.extend(check_resource(&rule.api_group, resource, at));
        }
    }
    let secrets = rule.api_group.is_empty() && rule.resources.iter().any(|r| r == "secrets");
    for (k, verb) in rule.verbs.iter().enumerate() {
        out.extend(check_verb(rule, verb, secrets, under!(at, "verbs", k)));
    }
}

/// Checks the API group; true when it is one whose resources are known.
fn check_group(group: &str, at: &Path, out: &mut Vec<Problem>) -> bool {
    let at = under!(at, "api_group");
    if group.contains('*') {
        out.push(
            Problem::new(at, "`*` grants every API group, present and future")
                .help("name the group of the resources: `\"\"` for core resources such as `configmaps`, `coordination.k8s.io` for `leases`"),
        );
        return false;
    }
    if !group.is_empty() && !is_dns_name(group) {
        let help = match group.split_once('/') {
            Some((name, _)) => format!("write the group without its version: `api_group: {name}`"),
            None => "write a group such as `apps` or `coordination.k8s.io`, or `\"\"` for core resources".to_owned(),
        };
        out.push(Problem::new(at, format!("`{group}` is not an API group")).help(help));
        return false;
    }
    BUILT_IN.iter().any(|(g, _)| *g == group)
}

/// A problem when `resource` (maybe with a subresource, `pods/log`) is not a namespaced
/// resource of the built-in `group`.
fn check_resource(group: &str, resource: &str, at: Path) -> Option<Problem> {
    let base = resource.split_once('/').map_or(resource, |(base, _)| base);
    let resources_of = |g: &str| {
        BUILT_IN
            .iter()
            .find(|(name, _)| *name == g)
            .map(|(_, r)| *r)
    };
    if resources_of(group).unwrap_or_default().contains(&base) {
        return None;
    }
    let group_name = group_name(group);
    if let Some((elsewhere, _)) = BUILT_IN.iter().find(|(_, r)| r.contains(&base)) {
        return Some(
            Problem::new(
                at,
                format!("`{base}` is in API group `{elsewhere}`, not {group_name}"),
            )
            .help(format!("set `api_group: {elsewhere}` on this rule")),
        );
    }
    let what = format!("a namespaced resource of {group_name}");
    let known = Known::fixed(
        &what,
        resources_of(group).unwrap_or_default().iter().copied(),
    );
    known.check(at, base)
}

/// How messages name an API group.
fn group_name(group: &str) -> String {
    if group.is_empty() {
        "the core API group".to_owned()
    } else {
        format!("API group `{group}`")
    }
}

fn check_verb(rule: &Permission, verb: &str, secrets: bool, at: Path) -> Option<Problem> {
    if verb.contains('*') {
        return Some(
            Problem::new(
                at,
                format!(
                    "`{verb}` grants every verb, including `escalate`, `bind` and `impersonate`"
                ),
            )
            .help("list the verbs the app uses, such as `[get, list, watch]`"),
        );
    }
    if let Some((_, why)) = REFUSED_VERBS.iter().find(|(v, _)| *v == verb) {
        return Some(
            Problem::new(at, format!("shipshape never grants `{verb}`: it {why}"))
                .help("grant the component exactly the rights it needs; manage RBAC for the cluster outside the app"),
        );
    }
    if let Some(p) =
        Known::fixed("a Kubernetes verb", VERBS.iter().copied()).check(at.clone(), verb)
    {
        return Some(p);
    }
    if secrets && EVERY_SECRET.contains(&verb) {
        return Some(
            Problem::new(
                at,
                format!("`{verb}` on `secrets` reaches every Secret in the namespace"),
            )
            .help("name the secrets the app reads with `names:` and use `get`"),
        );
    }
    if secrets && verb != "create" && rule.names.is_empty() {
        return Some(
            Problem::new(
                at,
                format!(
                    "`{verb}` on `secrets` without `names` reaches every Secret in the namespace"
                ),
            )
            .help("name the secrets with `names:`"),
        );
    }
    if verb == "create" && !rule.names.is_empty() {
        return Some(
            Problem::new(
                at,
                "`create` cannot be limited by `names`: the name is in the request body, which RBAC never sees, so this rule would deny it",
            )
            .help("move `create` into a rule of its own without `names`"),
        );
    }
    None
}
