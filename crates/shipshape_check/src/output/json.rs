//! JSON for scripts: every finding, suppressed ones marked, and a summary.

use serde::Serialize;
use serde_json::json;

use crate::finding::{Finding, ObjectRef};
use crate::meta::{Severity, Theme};
use crate::report::Report;

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    name: &'static str,
    severity: Severity,
    theme: Theme,
    message: &'a str,
    object: &'a ObjectRef,
    location: Option<serde_json::Value>,
    pointer: &'a str,
    suppressed: Option<serde_json::Value>,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule.id,
            name: f.rule.name,
            severity: f.severity,
            theme: f.rule.theme,
            message: &f.message,
            object: &f.object,
            location: f
                .location
                .as_ref()
                .map(|l| json!({"file": l.file, "line": l.line, "column": l.column})),
            pointer: &f.pointer,
            suppressed: f.suppressed.as_ref().map(|r| json!({"reason": r})),
        }
    }
}

/// A problem in the input: its message, the hint, and where it is when known.
fn problem(d: &shipshape_yaml::Diagnostic) -> serde_json::Value {
    json!({
        "message": d.message(),
        "help": d.help_text(),
        "location": d.location().map(|l| json!({"file": l.file, "line": l.line, "column": l.column})),
    })
}

/// The report as pretty JSON: `{"version": 1, "summary": {...}, "findings": [...]}`,
/// and `"errors": [...]` when some of the input could not be read.
#[must_use]
pub fn json(report: &Report) -> String {
    let findings: Vec<JsonFinding<'_>> = report.findings.iter().map(JsonFinding::from).collect();
    let mut value = json!({
        "version": 1,
        "summary": {
            "objects": report.objects,
            "error": report.count(Severity::Error),
            "warning": report.count(Severity::Warning),
            "info": report.count(Severity::Info),
            "suppressed": report.suppressed().count(),
        },
        "findings": findings,
    });
    // Only when there are any, so that the output of a clean read is what it always was.
    if !report.problems.is_empty() {
        let errors: Vec<serde_json::Value> = report.problems.iter().map(problem).collect();
        value["errors"] = json!(errors);
    }
    let mut text = serde_json::to_string_pretty(&value).expect("JSON values serialize");
    text.push('\n');
    text
}
