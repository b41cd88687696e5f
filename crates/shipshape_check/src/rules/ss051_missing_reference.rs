use crate::{CheckContext, Emitter, RefKind, SetRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Pod templates that refer to a ConfigMap, Secret, ServiceAccount or
    /// PersistentVolumeClaim that is not in the input: `serviceAccountName`,
    /// `configMap` / `secret` / `projected` / `persistentVolumeClaim` volumes,
    /// `imagePullSecrets`, and `env` / `envFrom` references of every container.
    /// References marked `optional: true` are skipped, as are objects every namespace
    /// has (the `default` ServiceAccount, the `kube-root-ca.crt` ConfigMap), Secrets
    /// that an ExternalSecret or SealedSecret in the input produces, and claims that a
    /// StatefulSet's `volumeClaimTemplates` produce (`data-db-0`), Secrets a
    /// CloudNativePG Cluster or a Zalando postgresql makes for its users, and Secrets
    /// the object names in its `shipshape.dev/external-secrets` annotation
    /// (comma-separated), which shipshape's render writes for the secrets a spec
    /// declares as `existing` or `generate`.
    ///
    /// One missing object gives one finding per pod template, at its first reference;
    /// the message lists the others (several env vars reading keys of one Secret are
    /// one problem).
    ///
    /// When those objects live elsewhere (created by another team, a secret manager, a
    /// storage provisioner or a separate chart), say so with `--external-refs
    /// secret,configmap,serviceaccount,persistentvolumeclaim` (or `all`), or
    /// `external-refs:` in the config file.
    ///
    /// ## Why it matters
    /// A pod that refers to a missing ConfigMap or Secret never starts
    /// (`CreateContainerConfigError`), one that refers to a missing claim stays
    /// `Pending`, and a missing ServiceAccount stops its ReplicaSet from creating pods
    /// at all. The apply itself succeeds, so the failure
    /// shows only in the rollout.
    ///
    /// ## How to fix
    /// Add the object to the manifests, fix the name, or declare the kind external.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       envFrom:
    ///         - configMapRef: { name: web-settings }
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web-settings
    /// data: { LOG_LEVEL: info }
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
    ///         - configMapRef: { name: web-settings }
    /// ```
    pub struct MissingReference {
        id: "SS051",
        name: "missing-reference",
        severity: Error,
        theme: Correctness,
        summary: "pod refers to a ConfigMap, Secret, ServiceAccount or volume claim not in the input",
    }
}

/// Where a reference sits in its pod spec, for messages: `containers/0/env/1`.
fn place(pointer: &str) -> &str {
    let start = [
        "/initContainers/",
        "/containers/",
        "/volumes/",
        "/imagePullSecrets/",
    ]
    .iter()
    .filter_map(|marker| pointer.find(marker))
    .min()
    .map_or(0, |at| at + 1);
    let rest = &pointer[start..];
    let end = [
        "/valueFrom",
        "/configMapRef",
        "/secretRef",
        "/configMap",
        "/secret",
        "/persistentVolumeClaim",
        "/name",
    ]
    .iter()
    .filter_map(|marker| rest.find(marker))
    .min()
    .unwrap_or(rest.len());
    &rest[..end]
}

impl SetRule for MissingReference {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let settings = cx.settings();
        for pod in cx.pod_templates() {
            // Each missing object with every place that names it, in the order of the
            // first.
            let mut missing: Vec<(RefKind, &str, Vec<String>)> = Vec::new();
            for reference in pod.references() {
                let Some(ref_kind) = RefKind::of(&reference.kind) else {
                    continue;
                };
                let declared_external = ref_kind == RefKind::Secret
                    && pod.object.external_secrets().any(|s| s == reference.name);
                if reference.optional
                    || settings.is_external(ref_kind)
                    || declared_external
                    || cx.provides(pod.object.namespace(), &reference)
                {
                    continue;
                }
                match missing
                    .iter_mut()
                    .find(|(k, name, _)| *k == ref_kind && *name == reference.name)
                {
                    Some((_, _, pointers)) => pointers.push(reference.pointer),
                    None => missing.push((ref_kind, reference.name, vec![reference.pointer])),
                }
            }
            for (ref_kind, name, pointers) in missing {
                let kind = ref_kind.kind();
                let also = match &pointers[1..] {
                    [] => String::new(),
                    others => {
                        let places: Vec<String> =
                            others.iter().map(|p| format!("`{}`", place(p))).collect();
                        format!(" (also named at {})", places.join(", "))
                    }
                };
                out.report(
                    pod.object,
                    &pointers[0],
                    format!(
                        "refers to {kind} `{name}`{also}, which is not in the input; add it, or pass `--external-refs {}` if it is created elsewhere",
                        kind.to_ascii_lowercase()
                    ),
                );
            }
        }
    }
}
