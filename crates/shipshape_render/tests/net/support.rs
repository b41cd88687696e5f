//! Shared by the unit tests of the network policy, exposure and monitoring renderers
//! (included by `lib.rs` under `cfg(test)`): render a spec and pick objects out of it.

use shipshape_manifest::Manifest;
use shipshape_spec::AppSpec;

use crate::Rendered;

/// A small app that exercises exposure, needs, backing services, egress rules and metrics.
pub const SHOP: &str = include_str!("shop.yaml");

/// The spec `yaml`, loaded.
///
/// # Panics
/// When the spec does not load: the fixture is wrong.
pub fn spec(yaml: &str) -> AppSpec {
    shipshape_spec::load_str("shipshape.yaml", yaml, std::path::Path::new("."), None)
        .unwrap_or_else(|d| panic!("the spec does not load:\n{d}"))
        .spec
}

/// What rendering the spec `yaml` produced.
///
/// # Panics
/// When the spec does not load or does not render: the fixture is wrong.
pub fn rendered(yaml: &str) -> Rendered {
    crate::render(&spec(yaml)).unwrap_or_else(|p| panic!("the spec does not render: {p:?}"))
}

/// Every object rendered from `yaml`, in apply order.
pub fn render(yaml: &str) -> Vec<Manifest> {
    rendered(yaml).manifests.items().to_vec()
}

/// The objects of `kind` rendered from `yaml`.
pub fn of_kind(yaml: &str, kind: &str) -> Vec<Manifest> {
    render(yaml)
        .into_iter()
        .filter(|m| m.kind() == kind)
        .collect()
}

/// The object of `kind` named `name` rendered from `yaml`.
///
/// # Panics
/// When there is no such object.
pub fn find(yaml: &str, kind: &str, name: &str) -> serde_json::Value {
    of_kind(yaml, kind)
        .into_iter()
        .find(|m| m.name() == name)
        .unwrap_or_else(|| panic!("no {kind} `{name}` was rendered"))
        .value
}

/// The YAML text of the object of `kind` named `name` rendered from `yaml`.
pub fn object(yaml: &str, kind: &str, name: &str) -> String {
    shipshape_manifest::to_yaml(&find(yaml, kind, name))
}
