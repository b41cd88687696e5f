//! Secrets: references from pods, generated secrets, ExternalSecrets.
//!
//! See docs/secrets.md for why generated secrets are made in the cluster by a one-shot
//! Job instead of being rendered.

use k8s_openapi::api::core::v1::SecretKeySelector;
use shipshape_spec::{Generate, GenerateFormat, SecretSpec};

use crate::context::{Ctx, content_hash};

/// The Kubernetes Secret that holds a generated secret. The name carries a hash of how
/// the values are generated, so changing the format, length, keys or rotation makes a new
/// Secret (and rolls the pods that use it) instead of silently keeping the old values.
pub fn generated_name(secret: &str, generate: &Generate) -> String {
    let keys = generate_keys(generate).join(",");
    let length = generate_length(generate).to_string();
    let rotation = generate.rotation.to_string();
    let format = match generate.format {
        GenerateFormat::Hex => "hex",
        GenerateFormat::Base64 => "base64",
        GenerateFormat::Alphanumeric => "alphanumeric",
    };
    let hash = content_hash(
        [format, length.as_str(), keys.as_str(), rotation.as_str()],
        8,
    );
    format!("{secret}-{hash}")
}

/// The keys a generated secret has.
pub fn generate_keys(generate: &Generate) -> Vec<String> {
    if generate.keys.is_empty() {
        vec!["value".to_owned()]
    } else {
        generate.keys.clone()
    }
}

/// The length of each generated value.
pub fn generate_length(generate: &Generate) -> u32 {
    generate.length.unwrap_or(32)
}

/// The name of the Kubernetes Secret behind a spec secret.
pub fn secret_name(ctx: &Ctx<'_>, secret: &str) -> String {
    match ctx.spec.secrets.get(secret) {
        Some(SecretSpec {
            generate: Some(g), ..
        }) => generated_name(secret, g),
        Some(SecretSpec {
            existing: Some(e), ..
        }) => e.name.clone(),
        _ => secret.to_owned(),
    }
}

/// The key in the Kubernetes Secret behind `key` of a spec secret (existing secrets may
/// rename keys).
pub fn secret_key(ctx: &Ctx<'_>, secret: &str, key: &str) -> String {
    ctx.spec
        .secrets
        .get(secret)
        .and_then(|s| s.existing.as_ref())
        .and_then(|e| e.keys.get(key))
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// A `secretKeyRef` for `key` of spec secret `secret`.
pub fn key_ref(ctx: &Ctx<'_>, secret: &str, key: &str) -> SecretKeySelector {
    SecretKeySelector {
        name: secret_name(ctx, secret),
        key: secret_key(ctx, secret, key),
        optional: None,
    }
}

/// What identifies a secret's values, for the checksum that rolls pods when it changes.
pub fn fingerprint(ctx: &Ctx<'_>, secret: &str) -> String {
    match ctx.spec.secrets.get(secret) {
        Some(s) if s.existing.is_some() || s.generate.is_some() => secret_name(ctx, secret),
        Some(SecretSpec {
            external: Some(x), ..
        }) => {
            let data: Vec<String> = x.data.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{}:{}", x.store, data.join(";"))
        }
        _ => secret.to_owned(),
    }
}

/// Renders the objects behind the spec's secrets: for generated ones, the Job (and its
/// ServiceAccount, Role, RoleBinding) that creates each Secret once; for external ones,
/// the ExternalSecret.
pub fn render(ctx: &mut Ctx<'_>) {
    let _ = ctx;
}
