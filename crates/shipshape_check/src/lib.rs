//! Production-readiness checks over Kubernetes objects.
//!
//! The checker reads an [`Input`] (objects loaded from any YAML, and objects rendered from
//! `shipshape.yaml` files), runs the selected rules over it as one scope, and returns a
//! [`Report`] of located [`Finding`]s that [`output`] prints as text, JSON or SARIF.
//!
//! Rules live one per file in `src/rules/`, each declared with [`declare_rule!`] (its doc
//! comment is its documentation), and listed once in `src/rules/mod.rs`. Single-object
//! rules implement [`ObjectRule`]; rules that relate objects implement [`SetRule`] and
//! get a [`CheckContext`] with indexes and every pod template. Reusable check logic (a
//! required container field, a security-context setting) lives in [`templates`], apart
//! from the configured rules built on it.

mod analysis;
pub mod config;
mod context;
pub mod docs;
mod finding;
mod input;
pub mod output;
mod pod;
pub mod registry;
mod report;
mod rule;
mod rules;
pub mod suppress;
pub mod templates;

pub use config::{CONFIG_FILE, Config, Options, RefKind, Settings};
pub use context::CheckContext;
pub use finding::{Emitter, Finding, ObjectRef};
pub use input::{Input, Object, SpecSource};
pub use pod::{Container, ContainerKind, PodTemplate};
pub use report::Report;
pub use rule::{
    DOC_SECTIONS, Documented, ObjectRule, Rule, RuleMeta, Scope, SetRule, Severity, Theme,
};
pub use shipshape_manifest::Selector;

/// Runs the rules `options` selects over `input`.
#[must_use]
pub fn check(input: &Input, options: &Options) -> Report {
    let cx = CheckContext::new(input, &options.settings);
    let mut findings = Vec::new();
    for rule in &options.rules {
        let mut out = Emitter::new(rule.meta(), &mut findings);
        match rule {
            Rule::Object(r) => {
                for object in input.objects() {
                    r.check(object, &mut out);
                }
            }
            Rule::Set(r) => r.check(&cx, &mut out),
        }
    }
    for finding in &mut findings {
        finding.severity = options.severity_of(finding.rule);
        let object = &input.objects()[finding.object_index];
        finding.suppressed = suppress::reason_for(object, finding.rule);
    }
    findings.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    Report {
        findings,
        objects: input.len(),
    }
}

/// Input order of objects, then position in the text, then rule: stable across runs.
fn order_key(f: &Finding) -> (usize, usize, usize, &'static str, &str) {
    let (line, column) = f.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
    (f.object_index, line, column, f.rule.id, &f.message)
}
