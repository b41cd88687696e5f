//! Whether the Kubernetes API server would accept an object, decided offline.
//!
//! [`Catalog`] holds the schemas of one run: every built-in kind of the target
//! [`KubeVersion`] (embedded, from schemas/kubernetes/), and the custom kinds of the
//! CustomResourceDefinitions in the input, given by the user ([`Target::crds`]) and
//! shipped with shipshape (schemas/crds/). [`Catalog::validate`] gives a [`Verdict`] per
//! object: valid, invalid with located [`Problem`]s (unknown fields with the nearest
//! valid name, wrong types, missing required fields, invalid enums, quantities, ports,
//! names and labels), removed from the target version, or skipped (a custom resource
//! that no CRD defines). Which API versions are deprecated or gone is
//! `shipshape_manifest::api_lifecycle`, shared with the checker.
//!
//! The validator is our own, over the subset of JSON Schema the Kubernetes schemas use
//! (types, properties, additionalProperties, required, items, enum, format, $ref) plus
//! the CRD keywords (bounds, pattern, allOf/anyOf/oneOf/not, int-or-string, preserved
//! fields). A generic JSON Schema crate would resolve `$ref`s by URI on every object and
//! report paths, not fields; compiling to an arena of nodes once per process makes a
//! `$ref` an index and keeps errors in Kubernetes' own terms. Nothing here uses the
//! network.

mod builtin;
mod catalog;
mod compile;
mod crd;
mod format;
mod meta;
mod problem;
mod schema;
mod walk;

pub use catalog::{Catalog, Target, Verdict};
pub use problem::Problem;
pub use shipshape_grammar::KubeVersion;

/// Whether `object` is a CustomResourceDefinition whose kinds a [`Catalog`] learns.
#[must_use]
pub fn is_crd(object: &serde_json::Value) -> bool {
    crd::is_crd(object)
}
