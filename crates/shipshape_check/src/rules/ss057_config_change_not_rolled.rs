use serde_json::{Map, Value};

use crate::{CheckContext, Emitter, Object, PodTemplate, SetRule, declare_rule};
use shipshape_manifest::{GroupKind, Reference, kinds};

declare_rule! {
    /// ## What it checks
    /// Deployments, StatefulSets and DaemonSets whose containers read a ConfigMap or
    /// Secret of the input as environment (`env[].valueFrom`, `envFrom`) or as files
    /// mounted with `subPath`, with nothing that rolls the pods when it changes. Any of
    /// these counts as rolling them:
    /// - an annotation on the pod template whose key speaks of a checksum, hash or
    ///   config and whose value is a hex digest (Helm's `checksum/config`, which
    ///   shipshape's render writes too);
    /// - a name with a content-hash suffix, as kustomize's generators make
    ///   (`app-config-7h2k9m5dtb`), or a hex one;
    /// - `immutable: true` on the ConfigMap or Secret (a change is a new object, so a
    ///   new name);
    /// - Reloader (`reloader.stakater.com/auto`, `reloader.stakater.com/search`,
    ///   `configmap.reloader.stakater.com/reload` and `secret.reloader.stakater.com/reload`
    ///   naming it, or their `auto` forms) or Wave
    ///   (`wave.pusher.com/update-on-config-change`) on the workload or its pods.
    ///
    /// Files mounted without `subPath` are left alone: the kubelet updates them in
    /// place, and many programs watch them. ConfigMaps and Secrets outside the input are
    /// not judged, nor are Jobs and CronJobs, whose every run reads the current values.
    /// shipshape's generated Secrets are created in the cluster, never in the output,
    /// and are named after their rotation (docs/secrets.md), so a new value is a new
    /// name in the pod template.
    ///
    /// ## Why it matters
    /// Environment variables and `subPath` files are read once, when the container
    /// starts. Editing the ConfigMap or Secret changes nothing in the running pods, and
    /// `kubectl apply` sees an unchanged pod template, so no rollout happens: the new
    /// setting appears pod by pod whenever something else restarts them, and a bad
    /// setting surfaces days later, far from the change that made it.
    ///
    /// ## How to fix
    /// Put a checksum of the data into a pod template annotation (Helm:
    /// `checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}`),
    /// generate the object with a content-hashed name (kustomize `configMapGenerator`),
    /// or let Reloader roll the workload.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: ConfigMap
    /// metadata:
    ///   name: web-settings
    /// data: { LOG_LEVEL: info }
    /// ---
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    ///           envFrom:
    ///             - configMapRef: { name: web-settings }
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
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: web
    /// spec:
    ///   selector:
    ///     matchLabels: { app: web }
    ///   template:
    ///     metadata:
    ///       labels: { app: web }
    ///       annotations:
    ///         checksum/config: 5d41402abc4b2a76b9719d911017c592
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: example/web:2.1.0
    ///           envFrom:
    ///             - configMapRef: { name: web-settings }
    /// ```
    pub struct ConfigChangeNotRolled {
        id: "SS057",
        name: "config-change-not-rolled",
        severity: Warning,
        theme: Reliability,
        summary: "pods read a ConfigMap or Secret at start and nothing rolls them when it changes",
    }
}

/// The kinds of workload that roll their pods when the pod template changes.
const ROLLING: [GroupKind<'static>; 3] =
    [kinds::DEPLOYMENT, kinds::STATEFUL_SET, kinds::DAEMON_SET];

/// The letters kustomize writes its content hashes with: hexadecimal digits with the
/// vowels and lookalikes (`0`, `1`, `3`, `a`, `e`) swapped out.
const KUSTOMIZE_HASH: &str = "2456789bcdfghkmt";

/// Whether `value` is a hex digest (`sha256:` prefix allowed), at least 8 digits long.
fn is_digest(value: &str) -> bool {
    let digits = value.rsplit(':').next().unwrap_or(value);
    digits.len() >= 8 && digits.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether the pod template carries a checksum of what it reads.
fn has_checksum(pod: &PodTemplate<'_>) -> bool {
    pod.annotations().is_some_and(|annotations| {
        annotations.iter().any(|(key, value)| {
            let key = key.to_ascii_lowercase();
            ["checksum", "hash", "config"]
                .iter()
                .any(|w| key.contains(w))
                && value.as_str().is_some_and(is_digest)
        })
    })
}

/// Whether `name` ends in a content hash: kustomize's ten letters, or hex digits.
fn has_hashed_name(name: &str) -> bool {
    name.rsplit_once('-').is_some_and(|(_, suffix)| {
        (suffix.len() == 10 && suffix.chars().all(|c| KUSTOMIZE_HASH.contains(c)))
            || (suffix.len() >= 8
                && suffix.bytes().all(|b| b.is_ascii_hexdigit())
                && suffix.bytes().any(|b| b.is_ascii_digit()))
    })
}

/// Whether Reloader or Wave, by the annotations `maps`, rolls the workload when the
/// object named `name` of kind `kind` changes.
fn reloaded(maps: &[&Map<String, Value>], kind: &GroupKind<'_>, name: &str) -> bool {
    let prefix = if *kind == kinds::SECRET {
        "secret"
    } else {
        "configmap"
    };
    let on = |key: &str| {
        maps.iter()
            .any(|m| m.get(key).and_then(Value::as_str) == Some("true"))
    };
    let lists = |key: &str| {
        maps.iter().any(|m| {
            m.get(key)
                .and_then(Value::as_str)
                .is_some_and(|list| list.split(',').any(|n| n.trim() == name))
        })
    };
    on("reloader.stakater.com/auto")
        || on("reloader.stakater.com/search")
        || on(&format!("{prefix}.reloader.stakater.com/auto"))
        || lists(&format!("{prefix}.reloader.stakater.com/reload"))
        || on("wave.pusher.com/update-on-config-change")
}

/// Whether the containers read what `reference` names only at start: through
/// environment, or from a volume some container mounts with `subPath`.
fn read_at_start(pod: &PodTemplate<'_>, reference: &Reference<'_>) -> bool {
    let Some(volume) = reference.pointer.split("/volumes/").nth(1) else {
        return true;
    };
    let index: Option<usize> = volume.split('/').next().and_then(|i| i.parse().ok());
    let name = index.and_then(|i| {
        pod.spec_get(&format!("/volumes/{i}/name"))
            .and_then(Value::as_str)
    });
    name.is_some_and(|name| {
        pod.containers().any(|c| {
            c.get("/volumeMounts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|m| m["name"].as_str() == Some(name) && m.get("subPath").is_some())
        })
    })
}

impl SetRule for ConfigChangeNotRolled {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        for pod in cx.pod_templates() {
            let object: &Object = pod.object;
            if !ROLLING.contains(&object.group_kind()) || has_checksum(pod) {
                continue;
            }
            let maps: Vec<&Map<String, Value>> = [
                object
                    .get("/metadata/annotations")
                    .and_then(Value::as_object),
                pod.annotations(),
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut stale: Vec<Reference<'_>> = Vec::new();
            for reference in pod.references() {
                let (kind, name) = (reference.kind, reference.name);
                if (kind != kinds::CONFIG_MAP && kind != kinds::SECRET)
                    || stale.iter().any(|r| r.kind == kind && r.name == name)
                    || has_hashed_name(name)
                    || reloaded(&maps, &kind, name)
                    || !read_at_start(pod, &reference)
                {
                    continue;
                }
                let Some(target) = cx.find(&kind, object.namespace(), name) else {
                    continue;
                };
                if target.get("/immutable").and_then(Value::as_bool) == Some(true) {
                    continue;
                }
                stale.push(reference);
            }
            let Some(first) = stale.first() else {
                continue;
            };
            let named: Vec<String> = stale
                .iter()
                .map(|r| format!("{} `{}`", r.kind.kind, r.name))
                .collect();
            out.report(
                object,
                &first.pointer,
                format!(
                    "reads {} at start, and nothing on the pod template changes when {} changes: edits reach no running pod until something else restarts it; add a checksum annotation of the data, a content-hashed name, or a Reloader annotation",
                    named.join(" and "),
                    if stale.len() > 1 { "any of them" } else { "it" },
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{has_hashed_name, is_digest};

    #[test]
    fn content_hashes_are_recognised_in_names_and_values() {
        assert!(has_hashed_name("api-config-7h2k9m5dtb"));
        assert!(has_hashed_name("api-config-3f9a1c2e"));
        assert!(!has_hashed_name("api-config"));
        assert!(!has_hashed_name("payments-api"));
        assert!(!has_hashed_name("cafe-deadbeef"));
        assert!(is_digest("sha256:3c5fa1b2d0e4c6f8"));
        assert!(is_digest("5d41402abc4b2a76b9719d911017c592"));
        assert!(!is_digest("v1"));
        assert!(!is_digest("enabled"));
    }
}
