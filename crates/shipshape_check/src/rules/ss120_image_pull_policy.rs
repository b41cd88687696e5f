use serde_json::Value;

use crate::templates::{ImageRef, describe};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers whose image is not pinned by digest and whose pull policy (as set, or
    /// as Kubernetes defaults it for a tagged image) is `IfNotPresent` or `Never`.
    ///
    /// ## Why it matters
    /// Tags can be pushed again. With `IfNotPresent` each node keeps whatever it pulled
    /// first, so pods of one Deployment run different builds depending on their node,
    /// and a fixed image never reaches nodes that cached the broken one. A node's cache
    /// is also not checked against `imagePullSecrets`: any pod on that node can start a
    /// private image it could not pull itself.
    ///
    /// ## How to fix
    /// Set `imagePullPolicy: Always` (the registry answers with the digest; unchanged
    /// layers are not downloaded again), or pin the image by digest
    /// (`repo:tag@sha256:...`).
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
    ///       imagePullPolicy: IfNotPresent
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    ///       imagePullPolicy: Always
    /// ```
    pub struct ImagePullPolicy {
        id: "SS120",
        name: "image-pull-policy-not-always",
        severity: Info,
        theme: Reliability,
        summary: "tagged image is pulled only when the node does not have it",
    }
}

impl ObjectRule for ImagePullPolicy {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let Some(image) = container.get("/image").and_then(Value::as_str) else {
                continue;
            };
            let reference = ImageRef::parse(image);
            if reference.pinned {
                continue;
            }
            let set = container.get("/imagePullPolicy").and_then(Value::as_str);
            let policy = set.unwrap_or_else(|| reference.default_pull_policy());
            if policy != "Always" {
                let how = if set.is_some() {
                    ""
                } else {
                    ", the default for a tagged image"
                };
                out.report(
                    object,
                    container.pointer_to("/imagePullPolicy"),
                    format!(
                        "{} pulls `{image}` with {policy}{how}: nodes keep whatever the tag meant when they first pulled it",
                        describe(&container)
                    ),
                );
            }
        }
    }
}
