use serde_json::Value;

use crate::templates::{
    describe, escape, is_placeholder, names_credential, only_references, url_passwords,
};
use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Values written into the manifest under a name that says "credential": container
    /// environment variables with a literal `value`, and ConfigMap keys, whose name ends
    /// in `PASSWORD`, `PASSWD`, `PWD`, `PASSPHRASE`, `SECRET`, `TOKEN`, `API_KEY`,
    /// `APIKEY`, `PRIVATE_KEY`, `SECRET_KEY`, `ACCESS_KEY` or `CREDENTIALS` (any case,
    /// words separated by `_`, `-`, `.` or camel case: `dbPassword`). Also connection
    /// URLs with a password in them (`postgres://app:s3cret@db/app`) under any name.
    /// Names that point at a credential (`PASSWORD_FILE`, `TOKEN_PATH`, `SECRET_NAME`),
    /// values that only refer to other variables (`$(DB_PASSWORD)`, also as a URL's
    /// password) and a few well-known names that are not credentials
    /// (`ETCD_INITIAL_CLUSTER_TOKEN`, the shell's `PWD`) are left alone. A ConfigMap
    /// value that is only a placeholder (`changeme`) is SS112's finding instead.
    ///
    /// ## Why it matters
    /// A credential in a pod spec or a ConfigMap is in Git, in every rendered chart, in
    /// CI logs and readable by anyone who can read the workload or the ConfigMap;
    /// Secrets at least have RBAC of their own, encryption at rest and tooling that
    /// keeps them out of diffs.
    ///
    /// ## How to fix
    /// Put the value in a Secret (or a secret manager synced into one) and refer to it
    /// with `valueFrom.secretKeyRef`, or mount it as a file.
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
    ///         - { name: DB_PASSWORD, value: hunter2 }
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
    ///         - name: DB_PASSWORD
    ///           valueFrom:
    ///             secretKeyRef: { name: web-db, key: password }
    /// ```
    pub struct CredentialInPlainText {
        id: "SS111",
        name: "credential-in-plain-text",
        severity: Warning,
        theme: Security,
        summary: "a value named like a credential is written in the manifest",
    }
}

/// Whether `value`, written under `name`, is a credential in plain text: a chosen
/// value under a credential's name, or a connection URL with a password in it.
fn is_plain_credential(name: &str, value: &str) -> bool {
    (names_credential(name) && !value.trim().is_empty() && !only_references(value))
        || !url_passwords(value).is_empty()
}

impl CredentialInPlainText {
    fn check_env(object: &Object, out: &mut Emitter<'_>) {
        let Some(pod) = object.pod_template() else {
            return;
        };
        for container in pod.containers() {
            let env = container.get("/env").and_then(Value::as_array);
            for (i, var) in env.into_iter().flatten().enumerate() {
                let (Some(name), Some(value)) = (var["name"].as_str(), var["value"].as_str())
                else {
                    continue;
                };
                if is_plain_credential(name, value) {
                    out.report(
                        object,
                        container.pointer_to(&format!("/env/{i}/value")),
                        format!(
                            "{} gets `{name}` as a literal value: take it from a Secret",
                            describe(&container)
                        ),
                    );
                }
            }
        }
    }

    /// Placeholders are left to SS112: a ConfigMap key that only stands in for a
    /// credential is one finding, about the placeholder.
    fn check_config_map(object: &Object, out: &mut Emitter<'_>) {
        let data = object.get("/data").and_then(Value::as_object);
        for (key, value) in data.into_iter().flatten() {
            let value = value.as_str().unwrap_or("");
            let what = if names_credential(key)
                && !value.trim().is_empty()
                && !only_references(value)
                && !is_placeholder(value)
            {
                "a credential"
            } else if url_passwords(value).iter().any(|p| !is_placeholder(p)) {
                "a connection URL with its password"
            } else {
                continue;
            };
            out.report(
                object,
                format!("/data/{}", escape(key)),
                format!("key `{key}` holds {what} in a ConfigMap: move it to a Secret"),
            );
        }
    }
}

impl ObjectRule for CredentialInPlainText {
    fn check(&self, object: &Object, out: &mut Emitter<'_>) {
        if object.is(&kinds::CONFIG_MAP) {
            Self::check_config_map(object, out);
        } else {
            Self::check_env(object, out);
        }
    }
}
