use std::collections::HashSet;

use serde_json::Value;

use crate::templates::{escape, is_placeholder, names_credential, url_passwords};
use crate::{CheckContext, Emitter, Object, SetRule, declare_rule};
use shipshape_manifest::kinds;

declare_rule! {
    /// ## What it checks
    /// Secrets (`data`, decoded from base64, and `stringData`) and ConfigMaps whose keys
    /// name a credential (as SS111 reads names: `password`, `db-pwd`, `apiKey`,
    /// `token`, `credentials`, `private_key`) and hold a placeholder: `changeme`,
    /// `password`, `secret`, `example`, `admin`, `TODO`, `placeholder`, only `x`s or
    /// `*`s, `<your-password>`, `your-api-key`, `token-goes-here` (any case). Also a
    /// connection URL under any key whose password is such a placeholder
    /// (`postgres://app:changeme@db/app`), and a Secret key that names a credential and
    /// is empty.
    ///
    /// A Secret whose values the input says are filled in the cluster is left alone:
    /// one of type `kubernetes.io/service-account-token`, one an ExternalSecret of the
    /// input writes to (`spec.target.name`, else the ExternalSecret's name), one that
    /// an object of its namespace lists in `shipshape.dev/external-secrets`, and the
    /// keys named by `secret-generator.v1.mittwald.de/autogenerate`.
    ///
    /// ## Why it matters
    /// Placeholders come from README snippets and chart defaults and reach production
    /// because everything works with them. They are the first passwords an attacker
    /// tries, and the same in every installation of the chart. An empty credential
    /// usually means authentication is off, or a pod that fails at its first login.
    ///
    /// ## How to fix
    /// Generate the value (`openssl rand -base64 32`) and keep it out of the manifests:
    /// an ExternalSecret or Sealed Secret, a generator, or `existingSecret` in the
    /// chart's values. In a ConfigMap, move the key to a Secret.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// stringData:
    ///   username: app
    ///   password: changeme
    /// ```
    ///
    /// ## Fixed
    /// ```yaml
    /// apiVersion: external-secrets.io/v1
    /// kind: ExternalSecret
    /// metadata:
    ///   name: db
    /// spec:
    ///   secretStoreRef: { kind: ClusterSecretStore, name: vault }
    ///   target: { name: db }
    ///   data:
    ///     - secretKey: password
    ///       remoteRef: { key: prod/db, property: password }
    /// ---
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: db
    /// stringData:
    ///   username: app
    ///   password: ""
    /// ```
    pub struct PlaceholderCredential {
        id: "SS112",
        name: "placeholder-credential",
        severity: Warning,
        theme: Security,
        summary: "a credential is a placeholder such as `changeme`, or empty",
    }
}

/// The annotation of kubernetes-secret-generator (mittwald) that lists the keys it
/// fills with random values.
const AUTOGENERATE: &str = "secret-generator.v1.mittwald.de/autogenerate";

/// Why `value` under `key` is no credential, or `None` when it may be one.
fn fault(key: &str, value: &str, empty_counts: bool) -> Option<String> {
    let named = names_credential(key);
    if named && value.trim().is_empty() {
        return empty_counts.then(|| format!("key `{key}` names a credential and is empty"));
    }
    if named && is_placeholder(value) {
        return Some(format!(
            "key `{key}` holds the placeholder `{}`",
            value.trim()
        ));
    }
    url_passwords(value)
        .into_iter()
        .find(|password| is_placeholder(password))
        .map(|password| {
            format!(
                "key `{key}` holds a connection URL whose password is the placeholder `{password}`"
            )
        })
}

impl PlaceholderCredential {
    /// The Secrets (namespace, name) the input says the cluster fills: those an
    /// ExternalSecret writes to or an object lists as made outside the manifests. Read
    /// once per run, so that many Secrets do not each scan every object.
    fn filled_in_cluster<'a>(cx: &CheckContext<'a>) -> HashSet<(&'a str, &'a str)> {
        let external = cx.of_kind(&kinds::EXTERNAL_SECRET).map(|es| {
            let target = es.str_at("/spec/target/name").unwrap_or(es.name());
            (es.namespace(), target)
        });
        let listed = cx
            .objects()
            .iter()
            .flat_map(|o| o.external_secrets().map(move |name| (o.namespace(), name)));
        external.chain(listed).collect()
    }

    fn check_secret(secret: &Object, out: &mut Emitter<'_>) {
        let generated: Vec<&str> = secret
            .str_at(&format!("/metadata/annotations/{}", escape(AUTOGENERATE)))
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .collect();
        for field in ["data", "stringData"] {
            let map = secret.get(&format!("/{field}")).and_then(Value::as_object);
            for (key, value) in map.into_iter().flatten() {
                if generated.contains(&key.as_str()) {
                    continue;
                }
                let Some(text) = value.as_str() else { continue };
                // Undecodable `data` is the API server's refusal, which SS060 reports.
                let decoded;
                let text = if field == "data" {
                    let Some(bytes) = shipshape_grammar::base64::decode(text) else {
                        continue;
                    };
                    decoded = String::from_utf8_lossy(&bytes).into_owned();
                    decoded.as_str()
                } else {
                    text
                };
                if let Some(fault) = fault(key, text, true) {
                    out.report(
                        secret,
                        format!("/{field}/{}", escape(key)),
                        format!("{fault}: generate a real value and keep it out of the manifests"),
                    );
                }
            }
        }
    }

    fn check_config_map(config_map: &Object, out: &mut Emitter<'_>) {
        let data = config_map.get("/data").and_then(Value::as_object);
        for (key, value) in data.into_iter().flatten() {
            // An empty ConfigMap entry usually leaves a feature off: nothing to fill in.
            if let Some(fault) = fault(key, value.as_str().unwrap_or(""), false) {
                out.report(
                    config_map,
                    format!("/data/{}", escape(key)),
                    format!("{fault}: generate a real value and keep it in a Secret"),
                );
            }
        }
    }
}

impl SetRule for PlaceholderCredential {
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>) {
        let filled = Self::filled_in_cluster(cx);
        let service_account_token = Some("kubernetes.io/service-account-token");
        for secret in cx.of_kind(&kinds::SECRET) {
            if secret.str_at("/type") != service_account_token
                && !filled.contains(&(secret.namespace(), secret.name()))
            {
                Self::check_secret(secret, out);
            }
        }
        for config_map in cx.of_kind(&kinds::CONFIG_MAP) {
            Self::check_config_map(config_map, out);
        }
    }
}
