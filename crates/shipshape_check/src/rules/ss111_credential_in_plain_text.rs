use serde_json::Value;

use crate::templates::{describe, escape};
use crate::{Emitter, Object, ObjectRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Values written into the manifest under a name that says "credential": container
    /// environment variables with a literal `value`, and ConfigMap keys, whose name ends
    /// in `PASSWORD`, `PASSWD`, `PASSPHRASE`, `SECRET`, `TOKEN`, `API_KEY`, `APIKEY`,
    /// `PRIVATE_KEY`, `SECRET_KEY`, `ACCESS_KEY` or `CREDENTIALS` (any case, separated
    /// by `_`, `-` or `.`). Names that point at a credential (`PASSWORD_FILE`,
    /// `TOKEN_PATH`, `SECRET_NAME`), values that only refer to other variables
    /// (`$(DB_PASSWORD)`) and a few well-known names that are not credentials
    /// (`ETCD_INITIAL_CLUSTER_TOKEN`) are left alone.
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

/// Name endings that mean the value is a credential, after separators become `_`.
const CREDENTIAL_ENDINGS: [&str; 11] = [
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "SECRET_KEY",
    "ACCESS_KEY",
    "CREDENTIALS",
];

/// Well-known names that end like a credential and are not one.
const NOT_CREDENTIALS: [&str; 1] = [
    // etcd's initial cluster token only tells clusters apart during bootstrap; its
    // documentation has it in plain configuration.
    "ETCD_INITIAL_CLUSTER_TOKEN",
];

/// Whether a variable or key called `name` holds a credential. Only the last words
/// count, so `PASSWORD_FILE` and `SECRET_NAME`, which point at one, do not.
fn names_credential(name: &str) -> bool {
    let name = name.to_ascii_uppercase().replace(['-', '.'], "_");
    !NOT_CREDENTIALS.contains(&name.as_str())
        && CREDENTIAL_ENDINGS.iter().any(|ending| {
            name.strip_suffix(ending)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('_'))
        })
}

/// Whether `value` is nothing but references to other variables (`$(A)$(B)`), which
/// Kubernetes expands from elsewhere.
fn only_references(value: &str) -> bool {
    let mut rest = value.trim();
    while let Some(after) = rest.strip_prefix("$(") {
        let Some(end) = after.find(')') else {
            return false;
        };
        rest = after[end + 1..].trim_start();
    }
    rest.is_empty()
}

fn is_plain_credential(name: &str, value: &str) -> bool {
    names_credential(name) && !value.trim().is_empty() && !only_references(value)
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

    fn check_config_map(object: &Object, out: &mut Emitter<'_>) {
        let data = object.get("/data").and_then(Value::as_object);
        for (key, value) in data.into_iter().flatten() {
            if is_plain_credential(key, value.as_str().unwrap_or("")) {
                out.report(
                    object,
                    format!("/data/{}", escape(key)),
                    format!("key `{key}` holds a credential in a ConfigMap: move it to a Secret"),
                );
            }
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

#[cfg(test)]
mod tests {
    use super::{names_credential, only_references};

    #[test]
    fn names_that_hold_a_credential_and_names_that_point_at_one() {
        for name in [
            "DB_PASSWORD",
            "github-token",
            "aws.secret_access_key",
            "apiKey",
            "SECRET",
        ] {
            assert!(names_credential(name), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "SECRET_NAME",
            "TOKEN_TTL",
            "MONKEY",
            "PASSWORDLESS",
        ] {
            assert!(!names_credential(name), "{name}");
        }
    }

    #[test]
    fn references_to_other_variables_are_not_literals() {
        assert!(only_references("$(DB_PASSWORD)"));
        assert!(only_references("$(A) $(B)"));
        assert!(!only_references("$(A)x"));
        assert!(!only_references("hunter2"));
    }
}
