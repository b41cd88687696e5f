use serde_json::Value;

use crate::{CheckContext, Emitter, Object, PodTemplate, RefKind, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Pod templates that refer to a ConfigMap, Secret, ServiceAccount or
    /// PersistentVolumeClaim that is not in the input: `serviceAccountName`,
    /// `configMap` / `secret` / `projected` / `persistentVolumeClaim` volumes,
    /// `imagePullSecrets`, and `env` / `envFrom` references of every container.
    /// References marked `optional: true` are skipped, as are objects every namespace
    /// has (the `default` ServiceAccount, the `kube-root-ca.crt` ConfigMap), Secrets
    /// that an ExternalSecret or SealedSecret in the input produces, and claims that a
    /// StatefulSet's `volumeClaimTemplates` produce (`data-db-0`). Secrets that a
    /// `shipshape.yaml` declares are created in the cluster by design and are not
    /// reported for its rendered objects.
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

/// A name a pod template refers to, and where.
struct Reference<'a> {
    kind: RefKind,
    name: &'a str,
    pointer: String,
}

/// Objects every namespace has.
const ALWAYS_PRESENT: &[(&str, &str)] = &[
    ("ServiceAccount", "default"),
    ("ConfigMap", "kube-root-ca.crt"),
];

/// Every reference of `pod` to a ConfigMap, Secret, ServiceAccount or claim.
fn references<'a>(pod: &PodTemplate<'a>) -> Vec<Reference<'a>> {
    let mut refs = Vec::new();
    let mut add = |kind, source: &'a Value, field: &str, pointer: String| {
        let optional = source["optional"].as_bool() == Some(true);
        if let Some(name) = source[field].as_str().filter(|_| !optional) {
            refs.push(Reference {
                kind,
                name,
                pointer: format!("{pointer}/{field}"),
            });
        }
    };
    for field in ["serviceAccountName", "serviceAccount"] {
        if pod.spec.get(field).is_some() {
            add(
                RefKind::ServiceAccount,
                pod.spec,
                field,
                pod.spec_pointer(""),
            );
            break;
        }
    }
    for (i, secret) in items(pod.spec, "imagePullSecrets") {
        add(
            RefKind::Secret,
            secret,
            "name",
            pod.spec_pointer(&format!("/imagePullSecrets/{i}")),
        );
    }
    for (i, volume) in items(pod.spec, "volumes") {
        let at = pod.spec_pointer(&format!("/volumes/{i}"));
        add(
            RefKind::ConfigMap,
            &volume["configMap"],
            "name",
            format!("{at}/configMap"),
        );
        add(
            RefKind::Secret,
            &volume["secret"],
            "secretName",
            format!("{at}/secret"),
        );
        add(
            RefKind::PersistentVolumeClaim,
            &volume["persistentVolumeClaim"],
            "claimName",
            format!("{at}/persistentVolumeClaim"),
        );
        for (j, source) in items(&volume["projected"], "sources") {
            let at = format!("{at}/projected/sources/{j}");
            add(
                RefKind::ConfigMap,
                &source["configMap"],
                "name",
                format!("{at}/configMap"),
            );
            add(
                RefKind::Secret,
                &source["secret"],
                "name",
                format!("{at}/secret"),
            );
        }
    }
    for container in pod.containers() {
        for (i, env) in items(container.value, "env") {
            let at = container.pointer_to(&format!("/env/{i}/valueFrom"));
            let from = &env["valueFrom"];
            add(
                RefKind::ConfigMap,
                &from["configMapKeyRef"],
                "name",
                format!("{at}/configMapKeyRef"),
            );
            add(
                RefKind::Secret,
                &from["secretKeyRef"],
                "name",
                format!("{at}/secretKeyRef"),
            );
        }
        for (i, from) in items(container.value, "envFrom") {
            let at = container.pointer_to(&format!("/envFrom/{i}"));
            add(
                RefKind::ConfigMap,
                &from["configMapRef"],
                "name",
                format!("{at}/configMapRef"),
            );
            add(
                RefKind::Secret,
                &from["secretRef"],
                "name",
                format!("{at}/secretRef"),
            );
        }
    }
    refs
}

fn items<'a>(value: &'a Value, field: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    value
        .get(field)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// Whether a Secret named `name` in `namespace` is produced by an object of the input
/// that makes Secrets (External Secrets Operator, Sealed Secrets).
fn produced_secret(cx: &CheckContext<'_>, namespace: &str, name: &str) -> bool {
    let external = cx.of_kind(&kinds::EXTERNAL_SECRET).any(|e| {
        e.namespace() == namespace && e.str_at("/spec/target/name").unwrap_or(e.name()) == name
    });
    external || cx.find(&kinds::SEALED_SECRET, namespace, name).is_some()
}

/// Whether a claim named `name` in `namespace` is one that a StatefulSet of the input
/// creates for a pod: `<template>-<statefulset>-<ordinal>`.
fn produced_claim(cx: &CheckContext<'_>, namespace: &str, name: &str) -> bool {
    cx.of_kind(&kinds::STATEFUL_SET)
        .filter(|set| set.namespace() == namespace)
        .any(|set| {
            let templates = set
                .get("/spec/volumeClaimTemplates")
                .and_then(Value::as_array);
            templates.into_iter().flatten().any(|t| {
                let prefix = format!(
                    "{}-{}-",
                    t.pointer("/metadata/name")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                    set.name()
                );
                name.strip_prefix(&prefix).is_some_and(|ordinal| {
                    !ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit())
                })
            })
        })
}

fn exists(cx: &CheckContext<'_>, pod_object: &Object, reference: &Reference<'_>) -> bool {
    let kind = reference.kind.kind();
    let namespace = pod_object.namespace();
    ALWAYS_PRESENT.contains(&(kind, reference.name))
        || reference
            .kind
            .group_kind()
            .is_some_and(|k| cx.find(&k, namespace, reference.name).is_some())
        || match reference.kind {
            RefKind::Secret => produced_secret(cx, namespace, reference.name),
            RefKind::PersistentVolumeClaim => produced_claim(cx, namespace, reference.name),
            _ => false,
        }
}

impl SetRule for MissingReference {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let settings = cx.settings();
        for pod in cx.pod_templates() {
            for reference in references(pod) {
                let declared_by_spec =
                    reference.kind == RefKind::Secret && pod.object.is_rendered();
                if settings.is_external(reference.kind)
                    || declared_by_spec
                    || exists(cx, pod.object, &reference)
                {
                    continue;
                }
                let kind = reference.kind.kind();
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
