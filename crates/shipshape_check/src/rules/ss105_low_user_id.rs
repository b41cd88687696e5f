use serde_json::Value;

use crate::templates::{describe, effective};
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers that run with a `runAsUser` from 1 to 9999 or a `runAsGroup` below
    /// 10000 (set on the container or the pod). UID 0 is SS003's; a container that sets
    /// neither runs as its image says and is not judged here.
    ///
    /// ## Why it matters
    /// Low IDs belong to users and groups of the node (system accounts from 1, people
    /// from 1000). Without user namespaces a container that escapes, or writes to a
    /// mounted node path, acts as that node user. IDs of 10000 and up belong to nobody.
    ///
    /// ## How to fix
    /// Run as a UID and GID of 10000 or more, in the pod's `securityContext`, and build
    /// the image to work with them.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 1000
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: v1
    /// kind: Pod
    /// metadata:
    ///   name: web
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    ///     runAsGroup: 10001
    ///   containers:
    ///     - name: web
    ///       image: example/web:2.1.0
    /// ```
    pub struct LowUserId {
        id: "SS105",
        name: "low-user-id",
        severity: Info,
        theme: Security,
        summary: "container runs with a UID or GID that may belong to the node",
    }
}

/// IDs below this are handed out by distributions to system and human accounts.
const FIRST_FREE_ID: i64 = 10_000;

impl ObjectRule for LowUserId {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let user = effective(&pod, &container, "/runAsUser", true);
            if let Some(uid) = user.value.and_then(Value::as_i64)
                && (1..FIRST_FREE_ID).contains(&uid)
            {
                out.report(
                    object,
                    user.pointer,
                    format!("{} runs as UID {uid}, below 10000", describe(&container)),
                );
            }
            let group = effective(&pod, &container, "/runAsGroup", true);
            if let Some(gid) = group.value.and_then(Value::as_i64)
                && gid < FIRST_FREE_ID
            {
                out.report(
                    object,
                    group.pointer,
                    format!("{} runs with GID {gid}, below 10000", describe(&container)),
                );
            }
        }
    }
}
