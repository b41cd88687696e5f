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

impl SetRule for MissingReference {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let settings = cx.settings();
        for pod in cx.pod_templates() {
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
                let kind = ref_kind.kind();
                out.report(
                    pod.object,
                    reference.pointer,
                    format!(
                        "refers to {kind} `{}`, which is not in the input; add it, or pass `--external-refs {}` if it is created elsewhere",
                        reference.name,
                        kind.to_ascii_lowercase()
                    ),
                );
            }
        }
    }
}
