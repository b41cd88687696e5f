//! Every object a pod refers to by name, and whether the model provides it: what a
//! missing-reference check, a deploy's ordering and an export's dependency graph all ask.

use serde_json::Value;

use crate::identity::{GroupKind, kinds};
use crate::index::ModelIndex;
use crate::pod::PodTemplate;
use crate::pointer::items;

/// A name a pod template refers to, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference<'a> {
    /// The kind of object named: ConfigMap, Secret, PersistentVolumeClaim,
    /// ServiceAccount or PriorityClass.
    pub kind: GroupKind<'static>,
    /// Its name (in the pod's namespace, but for the cluster-scoped PriorityClass).
    pub name: &'a str,
    /// JSON pointer of the name in the object that holds the template.
    pub pointer: String,
    /// Whether the pod starts without it (`optional: true`).
    pub optional: bool,
}

/// Objects every namespace (or the cluster) has without anyone applying them.
const ALWAYS_PRESENT: &[(GroupKind<'static>, &str)] = &[
    (kinds::SERVICE_ACCOUNT, "default"),
    (kinds::CONFIG_MAP, "kube-root-ca.crt"),
    (kinds::PRIORITY_CLASS, "system-cluster-critical"),
    (kinds::PRIORITY_CLASS, "system-node-critical"),
];

impl<'a> PodTemplate<'a> {
    /// Every object its pods refer to by name, in the order the pod spec names them: the
    /// ServiceAccount, image pull Secrets, volumes (ConfigMap, Secret, claim, and the
    /// ConfigMaps and Secrets of projected volumes), each container's `env` and
    /// `envFrom` (init containers first), and the PriorityClass.
    #[must_use]
    pub fn references(&self) -> Vec<Reference<'a>> {
        let mut refs = Vec::new();
        let mut add = |kind, source: &'a Value, field: &str, pointer: String| {
            if let Some(name) = source[field].as_str() {
                refs.push(Reference {
                    kind,
                    name,
                    pointer: format!("{pointer}/{field}"),
                    optional: source["optional"].as_bool() == Some(true),
                });
            }
        };
        let spec = self.spec;
        // `serviceAccount` is the deprecated name of `serviceAccountName`; the API
        // server reads the new one when both are set.
        if let Some(field) = ["serviceAccountName", "serviceAccount"]
            .into_iter()
            .find(|f| spec.get(f).is_some())
        {
            add(kinds::SERVICE_ACCOUNT, spec, field, self.spec_pointer(""));
        }
        for (i, secret) in items(spec, "/imagePullSecrets") {
            let at = self.spec_pointer(&format!("/imagePullSecrets/{i}"));
            add(kinds::SECRET, secret, "name", at);
        }
        for (i, volume) in items(spec, "/volumes") {
            let at = self.spec_pointer(&format!("/volumes/{i}"));
            add(
                kinds::CONFIG_MAP,
                &volume["configMap"],
                "name",
                format!("{at}/configMap"),
            );
            add(
                kinds::SECRET,
                &volume["secret"],
                "secretName",
                format!("{at}/secret"),
            );
            add(
                kinds::PERSISTENT_VOLUME_CLAIM,
                &volume["persistentVolumeClaim"],
                "claimName",
                format!("{at}/persistentVolumeClaim"),
            );
            for (j, source) in items(&volume["projected"], "/sources") {
                let at = format!("{at}/projected/sources/{j}");
                add(
                    kinds::CONFIG_MAP,
                    &source["configMap"],
                    "name",
                    format!("{at}/configMap"),
                );
                add(
                    kinds::SECRET,
                    &source["secret"],
                    "name",
                    format!("{at}/secret"),
                );
            }
        }
        for container in self.containers() {
            for (i, env) in items(container.value, "/env") {
                let at = container.pointer_to(&format!("/env/{i}/valueFrom"));
                let from = &env["valueFrom"];
                add(
                    kinds::CONFIG_MAP,
                    &from["configMapKeyRef"],
                    "name",
                    format!("{at}/configMapKeyRef"),
                );
                add(
                    kinds::SECRET,
                    &from["secretKeyRef"],
                    "name",
                    format!("{at}/secretKeyRef"),
                );
            }
            for (i, from) in items(container.value, "/envFrom") {
                let at = container.pointer_to(&format!("/envFrom/{i}"));
                add(
                    kinds::CONFIG_MAP,
                    &from["configMapRef"],
                    "name",
                    format!("{at}/configMapRef"),
                );
                add(
                    kinds::SECRET,
                    &from["secretRef"],
                    "name",
                    format!("{at}/secretRef"),
                );
            }
        }
        add(
            kinds::PRIORITY_CLASS,
            spec,
            "priorityClassName",
            self.spec_pointer(""),
        );
        refs
    }
}

impl ModelIndex<'_> {
    /// Whether the object `reference` names exists once the model is applied in
    /// `namespace`: it is in the model, Kubernetes makes it in every namespace
    /// (`default` ServiceAccount, `kube-root-ca.crt`) or cluster (the system
    /// PriorityClasses), or an object of the model makes it (an ExternalSecret or a
    /// SealedSecret makes its Secret, a CloudNativePG Cluster or a Zalando postgresql
    /// its users' Secrets, a StatefulSet the claims of its `volumeClaimTemplates`).
    #[must_use]
    pub fn provides(&self, namespace: &str, reference: &Reference<'_>) -> bool {
        let namespace = if reference.kind == kinds::PRIORITY_CLASS {
            ""
        } else {
            namespace
        };
        let name = reference.name;
        ALWAYS_PRESENT.contains(&(reference.kind, name))
            || self.find(&reference.kind, namespace, name).is_some()
            || (reference.kind == kinds::SECRET && self.produced_secret(namespace, name))
            || (reference.kind == kinds::PERSISTENT_VOLUME_CLAIM
                && self.produced_claim(namespace, name))
    }

    /// Whether a Secret named `name` in `namespace` is made by an object of the model
    /// (External Secrets Operator, Sealed Secrets, or a PostgreSQL operator).
    fn produced_secret(&self, namespace: &str, name: &str) -> bool {
        let external = self.of_kind(&kinds::EXTERNAL_SECRET).any(|e| {
            e.namespace() == namespace && e.str_at("/spec/target/name").unwrap_or(e.name()) == name
        });
        external
            || self.find(&kinds::SEALED_SECRET, namespace, name).is_some()
            || self.cnpg_secret(namespace, name)
            || self.zalando_secret(namespace, name)
    }

    /// CloudNativePG makes `<cluster>-app` for the application owner unless the
    /// bootstrap names a Secret of the user's, and `<cluster>-superuser` when
    /// `enableSuperuserAccess` is on.
    fn cnpg_secret(&self, namespace: &str, name: &str) -> bool {
        let (cluster, made) = if let Some(cluster) = name.strip_suffix("-app") {
            let own = |c: &crate::Object| c.get("/spec/bootstrap/initdb/secret/name").is_none();
            (
                cluster,
                self.find(&kinds::CNPG_CLUSTER, namespace, cluster)
                    .filter(|c| own(c)),
            )
        } else if let Some(cluster) = name.strip_suffix("-superuser") {
            let on = |c: &crate::Object| {
                c.get("/spec/enableSuperuserAccess")
                    .and_then(Value::as_bool)
                    == Some(true)
            };
            (
                cluster,
                self.find(&kinds::CNPG_CLUSTER, namespace, cluster)
                    .filter(|c| on(c)),
            )
        } else {
            return false;
        };
        !cluster.is_empty() && made.is_some()
    }

    /// Zalando's operator makes `<user>.<cluster>.credentials.postgresql.acid.zalan.do`
    /// for every user of `spec.users` and for its own `postgres` and `standby` users,
    /// writing underscores of user names as dashes.
    fn zalando_secret(&self, namespace: &str, name: &str) -> bool {
        let Some(rest) = name.strip_suffix(".credentials.postgresql.acid.zalan.do") else {
            return false;
        };
        let Some((user, cluster)) = rest.split_once('.') else {
            return false;
        };
        self.find(&kinds::ZALANDO_POSTGRESQL, namespace, cluster)
            .is_some_and(|db| {
                ["postgres", "standby"].contains(&user)
                    || db
                        .get("/spec/users")
                        .and_then(Value::as_object)
                        .is_some_and(|users| users.keys().any(|u| u.replace('_', "-") == user))
            })
    }

    /// Whether a claim named `name` in `namespace` is one that a StatefulSet of the model
    /// creates for a pod: `<template>-<statefulset>-<ordinal>`.
    fn produced_claim(&self, namespace: &str, name: &str) -> bool {
        self.of_kind(&kinds::STATEFUL_SET)
            .filter(|set| set.namespace() == namespace)
            .any(|set| {
                items(set.value(), "/spec/volumeClaimTemplates").any(|(_, t)| {
                    let template = t.pointer("/metadata/name").and_then(Value::as_str);
                    let prefix = format!("{}-{}-", template.unwrap_or(""), set.name());
                    name.strip_prefix(&prefix).is_some_and(|ordinal| {
                        !ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit())
                    })
                })
            })
    }
}
