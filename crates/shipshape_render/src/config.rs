//! ConfigMaps: the spec's named configs and each component's inline files.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ConfigMap;
use shipshape_manifest::{Provenance, pointer_token};
use shipshape_spec::{Component, EnvValue, path};

use crate::context::{Ctx, component_key};

/// The ConfigMap behind a spec config (its own name, or the existing one it points to).
pub fn config_map_name(ctx: &Ctx<'_>, config: &str) -> String {
    ctx.spec
        .configs
        .get(config)
        .and_then(|c| c.existing.clone())
        .unwrap_or_else(|| config.to_owned())
}

/// The ConfigMap holding a component's inline and `from:` files.
pub fn files_config_map_name(component: &str) -> String {
    format!("{component}-files")
}

/// The ConfigMap key for a file mounted at `path`.
pub fn file_key(path: &str) -> String {
    path.trim_start_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// Everything config-like a component's pods read, as text, for the checksum annotation.
pub fn fingerprint(ctx: &Ctx<'_>, component: &Component) -> Vec<String> {
    let mut parts = Vec::new();
    for (path, file) in &component.files {
        if let Some(content) = &file.content {
            parts.push(format!("file:{path}"));
            parts.push(content.clone());
        }
    }
    let mut configs: Vec<&str> = component
        .env
        .values()
        .filter_map(|v| match v {
            EnvValue::From(s) => s.config.as_deref(),
            EnvValue::Literal(_) => None,
        })
        .chain(component.files.values().filter_map(|f| f.config.as_deref()))
        .collect();
    configs.sort_unstable();
    configs.dedup();
    for c in configs {
        if let Some(spec) = ctx.spec.configs.get(c) {
            parts.push(format!("config:{c}"));
            for (k, v) in &spec.data {
                parts.push(k.clone());
                parts.push(v.clone());
            }
        }
    }
    parts
}

/// Renders the spec's configs with data, and each component's files ConfigMap.
pub fn render(ctx: &mut Ctx<'_>) {
    for (name, config) in &ctx.spec.configs {
        if config.existing.is_some() {
            continue;
        }
        let map = ConfigMap {
            metadata: ctx.metadata(name, None),
            data: Some(
                config
                    .data
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            ..ConfigMap::default()
        };
        let mut fields = Provenance::new();
        for key in config.data.keys() {
            let pointer = format!("/data/{}", pointer_token(key));
            fields.record(&pointer, path!["configs", name, "data", key]);
        }
        ctx.emit(&map, path!["configs", name], fields);
    }
    for (name, component) in &ctx.spec.components {
        let data: BTreeMap<String, String> = component
            .files
            .iter()
            .filter_map(|(path, f)| Some((file_key(path), f.content.clone()?)))
            .collect();
        if data.is_empty() {
            continue;
        }
        let map = ConfigMap {
            metadata: ctx.metadata(&files_config_map_name(name), Some(name)),
            data: Some(data),
            ..ConfigMap::default()
        };
        let mut fields = Provenance::new();
        for (path, file) in &component.files {
            if file.content.is_some() {
                let pointer = format!("/data/{}", pointer_token(&file_key(path)));
                fields.record(&pointer, component_key(name, path!["files", path]));
            }
        }
        ctx.emit(&map, component_key(name, path!["files"]), fields);
    }
}
