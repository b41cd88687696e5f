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

use std::collections::HashSet;

mod analysis;
pub mod config;
mod context;
pub mod docs;
mod finding;
mod input;
mod merged;
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
    yield_schema_findings(&mut findings);
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

/// The rule that reports every refusal of the API server, by schema validation.
const SCHEMA_RULE: &str = "SS060";

/// Drops SS060's findings on a field of an object where another rule reported too: the
/// specific rule (SS193 for a label, SS191 for a port, SS192 for a selector) owns the
/// problem and says more about it (`quote it`), and one problem gets one finding. Where
/// no specific rule runs (`shipshape validate` runs only the `api` rules), SS060's
/// finding stands.
fn yield_schema_findings(findings: &mut Vec<Finding>) {
    let schema: HashSet<(usize, &str)> = findings
        .iter()
        .filter(|f| f.rule.id == SCHEMA_RULE)
        .map(|f| (f.object_index, f.pointer.as_str()))
        .collect();
    if schema.is_empty() {
        return;
    }
    let owned: HashSet<(usize, String)> = findings
        .iter()
        .filter(|f| f.rule.id != SCHEMA_RULE)
        .filter(|f| schema.contains(&(f.object_index, f.pointer.as_str())))
        .map(|f| (f.object_index, f.pointer.clone()))
        .collect();
    findings.retain(|f| {
        f.rule.id != SCHEMA_RULE || !owned.contains(&(f.object_index, f.pointer.clone()))
    });
}

/// Input order of objects, then position in the text, then rule: stable across runs.
fn order_key(f: &Finding) -> (usize, usize, usize, &'static str, &str) {
    let (line, column) = f.location.as_ref().map_or((0, 0), |l| (l.line, l.column));
    (f.object_index, line, column, f.rule.id, &f.message)
}
