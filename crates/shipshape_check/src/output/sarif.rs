//! SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs).

use serde::Serialize;
use serde_json::{Value, json};

use crate::docs;
use crate::finding::Finding;
use crate::meta::Severity;
use crate::report::Report;
use crate::rule::Rule;

/// What SARIF calls each severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The report as a SARIF 2.1.0 log with one run. `rules` are the rules that ran; each
/// result points at its rule by index, at the offending field by region, and at its
/// object by logical location. Suppressed findings carry an `inSource` suppression with
/// their reason, as the standard asks, instead of being left out.
#[must_use]
pub fn sarif(report: &Report, rules: &[Rule]) -> String {
    let descriptors: Vec<Value> = rules.iter().map(|r| descriptor(*r)).collect();
    let mut driver = json!({
        "name": "shipshape",
        "version": env!("CARGO_PKG_VERSION"),
        "rules": descriptors,
    });
    // SARIF wants a real URI here or none at all.
    let home = env!("CARGO_PKG_REPOSITORY");
    if !home.is_empty() {
        driver["informationUri"] = json!(home);
    }
    let results = Results {
        findings: &report.findings,
        rules,
    };
    // What could not be read is the tool's trouble, not a result about the code: SARIF
    // says so with notifications of an unsuccessful invocation.
    let invocations = (!report.problems.is_empty()).then(|| {
        let notifications: Vec<Value> = report.problems.iter().map(notification).collect();
        json!([{
            "executionSuccessful": false,
            "toolExecutionNotifications": notifications,
        }])
    });
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: json!({ "driver": driver }),
            // Our columns count characters, as the spanned tree does.
            column_kind: "unicodeCodePoints",
            results,
            invocations,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).expect("the log serializes");
    text.push('\n');
    text
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Value,
    column_kind: &'static str,
    results: Results<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    invocations: Option<Value>,
}

/// The results, each pointing at its rule by index among the rules that ran.
struct Results<'a> {
    findings: &'a [Finding],
    rules: &'a [Rule],
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(
            self.findings
                .iter()
                .map(|f| result(f, self.rules.iter().position(|r| r.meta().id == f.rule.id))),
        )
    }
}

fn notification(d: &shipshape_yaml::Diagnostic) -> Value {
    let text = match d.help_text() {
        Some(help) => format!("{}; {help}", d.message()),
        None => d.message().to_owned(),
    };
    let mut notification = json!({
        "level": "error",
        "message": { "text": text },
    });
    if let Some(l) = d.location() {
        notification["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": artifact(&l.file),
                "region": { "startLine": l.line, "startColumn": l.column },
            }
        }]);
    }
    notification
}

fn descriptor(rule: Rule) -> Value {
    let meta = rule.meta();
    json!({
        "id": meta.id,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": docs::section(meta, "## What it checks").unwrap_or(meta.summary) },
        "help": { "text": docs::doc_text(meta), "markdown": docs::doc_text(meta) },
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": { "tags": [meta.theme.as_str()] },
    })
}

/// One result, written through serde rather than built as a `Value` tree: a log holds
/// one per finding, tens of thousands on a large input.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    level: &'static str,
    message: Text,
    locations: [ResultLocation<'a>; 1],
    properties: Pointer<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression<'a>; 1]>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Pointer<'a> {
    pointer: &'a str,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    logical_locations: [LogicalLocation<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    name: &'a str,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: Value,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

fn result(f: &Finding, rule_index: Option<usize>) -> SarifResult<'_> {
    let object = &f.object;
    SarifResult {
        rule_id: f.rule.id,
        level: level(f.severity),
        message: Text {
            text: format!("{}: {}", object.display_name(), f.message),
        },
        locations: [ResultLocation {
            logical_locations: [LogicalLocation {
                name: &object.name,
                fully_qualified_name: object.display_name(),
                kind: "object",
            }],
            physical_location: f.location.as_ref().map(|l| PhysicalLocation {
                artifact_location: artifact(&l.file),
                region: Region {
                    start_line: l.line,
                    start_column: l.column,
                },
            }),
        }],
        properties: Pointer {
            pointer: &f.pointer,
        },
        rule_index,
        suppressions: f.suppressed.as_deref().map(|justification| {
            [Suppression {
                kind: "inSource",
                justification,
            }]
        }),
    }
}

/// A file as a SARIF artifact: a relative URI, or a description for standard input,
/// which has no URI.
fn artifact(file: &str) -> Value {
    if file == "<stdin>" {
        return json!({ "description": { "text": "standard input" } });
    }
    json!({ "uri": to_uri(file) })
}

/// A path as a URI reference: forward slashes, and the few characters a URI cannot hold
/// as they are percent-encoded.
fn to_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for c in path.replace('\\', "/").chars() {
        match c {
            ' ' => uri.push_str("%20"),
            '%' => uri.push_str("%25"),
            '#' => uri.push_str("%23"),
            '?' => uri.push_str("%3F"),
            '[' => uri.push_str("%5B"),
            ']' => uri.push_str("%5D"),
            c => uri.push(c),
        }
    }
    uri
}
