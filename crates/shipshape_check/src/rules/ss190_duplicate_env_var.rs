use std::collections::HashSet;

use serde_json::Value;

use crate::templates::describe;
use crate::{Emitter, Object, ObjectRule, declare_rule};

declare_rule! {
    /// ## What it checks
    /// Containers whose `env` lists the same variable name more than once.
    ///
    /// ## Why it matters
    /// The container gets only the last value, so the first entry is dead text that
    /// someone will edit in vain. Server-side apply refuses the duplicate key outright,
    /// and strategic merge patches (`kubectl apply`) merge the entries unpredictably.
    ///
    /// ## How to fix
    /// Keep one entry per name.
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
    ///       env:
    ///         - { name: LOG_LEVEL, value: info }
    ///         - { name: LOG_LEVEL, value: debug }
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
    ///       env:
    ///         - { name: LOG_LEVEL, value: debug }
    /// ```
    pub struct DuplicateEnvVar {
        id: "SS190",
        name: "duplicate-env-var",
        severity: Warning,
        theme: Correctness,
        summary: "container sets the same environment variable twice",
    }
}

impl ObjectRule for DuplicateEnvVar {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let mut seen = HashSet::new();
            let env = container.get("/env").and_then(Value::as_array);
            for (i, var) in env.into_iter().flatten().enumerate() {
                let Some(name) = var["name"].as_str() else {
                    continue;
                };
                if !seen.insert(name) {
                    out.report(
                        object,
                        container.pointer_to(&format!("/env/{i}/name")),
                        format!(
                            "{} sets `{name}` again: only the last value counts",
                            describe(&container)
                        ),
                    );
                }
            }
        }
    }
}
