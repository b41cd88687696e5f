//! Production-readiness checks over Kubernetes objects.
//!
//! The checker reads a [`Model`] (objects loaded from any YAML, and objects rendered from
//! `shipshape.yaml` files), runs the selected rules over it as one scope, and returns a
//! [`Report`] of located [`Finding`]s that [`output`] prints as text, JSON or SARIF.
//!
//! Rules live one per file in `src/rules/`, each declared with [`declare_rule!`] (its doc
//! comment is its documentation), and listed once in `src/rules/mod.rs`. Single-object
//! rules implement [`ObjectRule`]; rules that relate objects implement [`SetRule`] and
//! get a [`CheckContext`]: the model's index (every pod template, objects by group-kind
//! and label) and the run's settings. Reusable check logic (a
//! required container field, a security-context setting) lives in [`templates`], apart
//! from the configured rules built on it.

mod analysis;
pub mod config;
mod context;
pub mod docs;
mod engine;
mod finding;
mod merged;
mod meta;
pub mod output;
pub mod registry;
mod report;
mod rule;
mod rules;
mod settings;
pub mod suppress;
pub mod templates;

pub use config::{CONFIG_FILE, Config, Options};
pub use context::CheckContext;
pub use engine::check;
pub use finding::{Emitter, Finding, ObjectRef};
pub use meta::{DOC_SECTIONS, RuleMeta, Scope, Severity, Theme};
pub use report::Report;
pub use rule::{Documented, ObjectRule, Rule, SetRule};
pub use settings::{RefKind, Settings};
pub use shipshape_manifest::{Container, ContainerKind, Model, Object, PodTemplate, Selector};
