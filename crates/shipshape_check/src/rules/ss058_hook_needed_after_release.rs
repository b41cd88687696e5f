use std::collections::HashMap;

use serde_json::Value;

use crate::templates::{escape, is_ingress};
use crate::{CheckContext, Emitter, Object, SetRule, declare_rule};
use shipshape_manifest::{GroupKind, items, kinds};

declare_rule! {
    /// ## What it checks
    /// ConfigMaps, Secrets, ServiceAccounts, PersistentVolumeClaims, Roles,
    /// ClusterRoles, RoleBindings and ClusterRoleBindings annotated as a Helm hook
    /// (`helm.sh/hook`) or an Argo CD hook (`argocd.argoproj.io/hook`) that an ordinary
    /// object of the input needs: a pod template that is not a hook refers to it (its
    /// ServiceAccount, image pull Secrets, volumes, `env` and `envFrom`), an Ingress
    /// names it for TLS, a binding that is not a hook grants the role, or a hooked
    /// binding grants a role to a ServiceAccount such pods run as.
    ///
    /// Objects that only hooks use are the normal pattern (a migration Job's
    /// ServiceAccount and RBAC, made in the same phase) and are left alone, as are hooked
    /// objects nothing in the input refers to.
    ///
    /// ## Why it matters
    /// Hooks fall outside the release: Helm does not upgrade them with it, does not
    /// delete them on uninstall, and with the default `before-hook-creation` policy
    /// deletes and recreates them at every upgrade (a `randAlphaNum` password changes,
    /// a claim loses its data). With `hook-succeeded` (Argo CD's `HookSucceeded`) the
    /// object is deleted as soon as the hook has run, and the next pod that needs it
    /// cannot start. Argo CD treats its hooks the same way: they are not pruned with
    /// the application and are recreated at each sync.
    ///
    /// ## How to fix
    /// Drop the hook annotations so the object is an ordinary part of the release. If
    /// it must exist before a hook Job runs, give the Job its own hooked copy, or order
    /// the Job by a wait in its pod instead of a hook. To keep a generated value across
    /// upgrades, use `lookup` or an `existingSecret` rather than a hook.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: web-db
    ///   annotations:
    ///     helm.sh/hook: pre-install
    /// stringData:
    ///   password: Xk29sQ7vLp
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       envFrom:
    ///         - secretRef: { name: web-db }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: web-db
    /// stringData:
    ///   password: Xk29sQ7vLp
    /// ---
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       envFrom:
    ///         - secretRef: { name: web-db }
    /// ```
    pub struct HookNeededAfterRelease {
        id: "SS058",
        name: "hook-needed-after-release",
        severity: Warning,
        theme: Correctness,
        summary: "an object the release needs afterwards is a Helm or Argo CD hook",
    }
}

/// The hook annotations, each with the delete policy annotation of its tool and the
/// policy value that deletes the object as soon as the hook has run.
const HOOKS: [(&str, &str, &str); 2] = [
    (
        "helm.sh/hook",
        "helm.sh/hook-delete-policy",
        "hook-succeeded",
    ),
    (
        "argocd.argoproj.io/hook",
        "argocd.argoproj.io/hook-delete-policy",
        "HookSucceeded",
    ),
];

/// The kinds a release needs after its hooks have run when ordinary objects use them.
const KINDS: [GroupKind<'static>; 8] = [
    kinds::CONFIG_MAP,
    kinds::SECRET,
    kinds::SERVICE_ACCOUNT,
    kinds::PERSISTENT_VOLUME_CLAIM,
    kinds::ROLE,
    kinds::CLUSTER_ROLE,
    kinds::ROLE_BINDING,
    kinds::CLUSTER_ROLE_BINDING,
];

/// An object's hook: its annotation key and phases, and whether it is deleted once it
/// has run.
struct Hook<'a> {
    key: &'static str,
    phases: &'a str,
    deleted_after_run: bool,
}

fn annotation<'a>(object: &'a Object, key: &str) -> Option<&'a str> {
    object.str_at(&format!("/metadata/annotations/{}", escape(key)))
}

/// The hook `object` is, if any. Argo CD's `Skip` is not a hook: it keeps the object
/// out of the sync altogether.
fn hook(object: &Object) -> Option<Hook<'_>> {
    HOOKS.iter().find_map(|&(key, policy, succeeded)| {
        let phases = annotation(object, key)?.trim();
        (!phases.is_empty() && phases != "Skip").then(|| Hook {
            key,
            phases,
            deleted_after_run: annotation(object, policy)
                .is_some_and(|p| p.split(',').any(|p| p.trim() == succeeded)),
        })
    })
}

/// An object the release needs: kind, namespace (empty for cluster-scoped kinds),
/// name.
type Needed<'a> = (GroupKind<'static>, &'a str, &'a str);

/// Every object that ordinary (not hooked) objects need, with the first that needs it.
fn needed_by_ordinary<'a>(cx: &CheckContext<'a>) -> HashMap<Needed<'a>, &'a Object> {
    let mut needed: HashMap<Needed<'a>, &'a Object> = HashMap::new();
    for pod in cx.pod_templates() {
        if hook(pod.object).is_some() {
            continue;
        }
        let namespace = pod.object.namespace();
        for reference in pod.references() {
            if KINDS.contains(&reference.kind) {
                needed
                    .entry((reference.kind, namespace, reference.name))
                    .or_insert(pod.object);
            }
        }
    }
    for ingress in cx.objects().iter().filter(|o| is_ingress(o)) {
        if hook(ingress).is_some() {
            continue;
        }
        for (_, tls) in items(ingress.value(), "/spec/tls") {
            if let Some(name) = tls["secretName"].as_str() {
                needed
                    .entry((kinds::SECRET, ingress.namespace(), name))
                    .or_insert(ingress);
            }
        }
    }
    for binding in bindings(cx) {
        if hook(binding).is_some() {
            continue;
        }
        if let Some(role) = granted_role(binding) {
            needed.entry(role).or_insert(binding);
        }
    }
    needed
}

fn bindings<'a>(cx: &CheckContext<'a>) -> impl Iterator<Item = &'a Object> {
    cx.of_kind(&kinds::ROLE_BINDING)
        .chain(cx.of_kind(&kinds::CLUSTER_ROLE_BINDING))
}

/// The role a binding grants.
fn granted_role(binding: &Object) -> Option<Needed<'_>> {
    let name = binding.str_at("/roleRef/name")?;
    match binding.str_at("/roleRef/kind")? {
        "Role" => Some((kinds::ROLE, binding.namespace(), name)),
        "ClusterRole" => Some((kinds::CLUSTER_ROLE, "", name)),
        _ => None,
    }
}

/// The ServiceAccounts a binding grants its role to.
fn subjects(binding: &Object) -> impl Iterator<Item = Needed<'_>> {
    let subjects = binding.get("/subjects").and_then(Value::as_array);
    subjects.into_iter().flatten().filter_map(move |subject| {
        (subject["kind"].as_str() == Some("ServiceAccount")).then_some(())?;
        let namespace = subject["namespace"].as_str().unwrap_or(binding.namespace());
        Some((kinds::SERVICE_ACCOUNT, namespace, subject["name"].as_str()?))
    })
}

impl SetRule for HookNeededAfterRelease {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let needed = needed_by_ordinary(cx);
        if needed.is_empty() {
            return;
        }
        for kind in &KINDS {
            for object in cx.of_kind(kind) {
                let Some(hook) = hook(object) else { continue };
                let namespace = if kind.kind.starts_with("Cluster") {
                    ""
                } else {
                    object.namespace()
                };
                let user = needed.get(&(*kind, namespace, object.name())).or_else(|| {
                    // A hooked binding is needed by the pods its role is granted to.
                    let is_binding =
                        *kind == kinds::ROLE_BINDING || *kind == kinds::CLUSTER_ROLE_BINDING;
                    is_binding
                        .then(|| subjects(object).find_map(|account| needed.get(&account)))
                        .flatten()
                });
                let Some(user) = user else { continue };
                let deleted = if hook.deleted_after_run {
                    ", and it is deleted as soon as the hook has run"
                } else {
                    ""
                };
                out.report(
                    object,
                    format!("/metadata/annotations/{}", escape(hook.key)),
                    format!(
                        "it is a `{}` hook, yet {} needs it afterwards: hooks are neither upgraded nor deleted with the release{deleted}",
                        hook.phases,
                        user.display_name(),
                    ),
                );
            }
        }
    }
}
