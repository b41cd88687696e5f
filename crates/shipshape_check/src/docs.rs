//! Rule documentation, from each rule's doc comment: `shipshape rules`, `shipshape rule
//! ID` and `docs/rules.md` all come from here.

use std::fmt::Write;

use crate::meta::{RuleMeta, Scope};
use crate::registry;
use crate::rule::Rule;

/// The rule's doc comment as written (without rustdoc's leading space on each line).
#[must_use]
pub fn doc_text(meta: &RuleMeta) -> String {
    let mut text: String = meta
        .doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    text.truncate(text.trim_end().len());
    text.push('\n');
    text
}

/// The text of one `## ` section of a rule's doc, trimmed.
#[must_use]
pub fn section<'a>(meta: &'a RuleMeta, heading: &str) -> Option<&'a str> {
    let start = meta.doc.find(heading)? + heading.len();
    let rest = &meta.doc[start..];
    let end = rest
        .find("\n ## ")
        .or_else(|| rest.find("\n## "))
        .unwrap_or(rest.len());
    Some(rest[..end].trim())
}

/// The YAML of the first fenced block in a section (the `## Example` and `## Fixed`
/// manifests), without rustdoc's leading spaces.
#[must_use]
pub fn yaml_block(meta: &RuleMeta, heading: &str) -> Option<String> {
    let text = section(meta, heading)?;
    let start = text.find("```yaml")? + "```yaml".len();
    let end = text[start..].find("```")? + start;
    Some(
        text[start..end]
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim_start_matches('\n')
            .to_owned(),
    )
}

/// `shipshape rule ID`: a header line, then the documentation.
#[must_use]
pub fn rule_page(rule: Rule) -> String {
    let meta = rule.meta();
    format!(
        "# {} {}\n\nseverity: {} · theme: {} · scope: {}\n\n{}\n\n{}",
        meta.id,
        meta.name,
        meta.severity,
        meta.theme,
        scope_name(rule),
        capitalized(meta.summary),
        doc_text(meta)
    )
}

fn scope_name(rule: Rule) -> &'static str {
    match rule.scope() {
        Scope::Object => "one object",
        Scope::Set => "cross-object",
    }
}

fn capitalized(summary: &str) -> String {
    let mut chars = summary.chars();
    chars.next().map_or_else(String::new, |c| {
        format!("{}{}.", c.to_uppercase(), chars.as_str())
    })
}

/// `shipshape rules`: one aligned line per rule.
#[must_use]
pub fn table() -> String {
    let rows: Vec<[String; 5]> = registry::all()
        .iter()
        .map(|r| {
            let m = r.meta();
            [
                m.id.to_owned(),
                m.severity.to_string(),
                m.theme.to_string(),
                m.name.to_owned(),
                m.summary.to_owned(),
            ]
        })
        .collect();
    let header = ["ID", "SEVERITY", "THEME", "NAME", "SUMMARY"].map(str::to_owned);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| r[i].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (cell, width) in row.iter().zip(&widths) {
            let _ = write!(out, "{cell:width$}  ");
        }
        let _ = writeln!(out, "{}", row[4]);
    }
    out
}

/// `docs/rules.md`: the table and every rule's documentation.
#[must_use]
pub fn markdown() -> String {
    let mut out = String::from(MARKDOWN_HEAD);
    out.push_str("| id | name | theme | severity | scope | summary |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for rule in registry::all() {
        let m = rule.meta();
        let _ = writeln!(
            out,
            "| [{id}](#{anchor}) | `{name}` | {theme} | {severity} | {scope} | {summary} |",
            id = m.id,
            anchor = anchor(m),
            name = m.name,
            theme = m.theme,
            severity = m.severity,
            scope = scope_name(*rule),
            summary = m.summary,
        );
    }
    for rule in registry::all() {
        let m = rule.meta();
        let _ = write!(
            out,
            "\n## {} {}\n\n{} · {} · {}. {}\n\n",
            m.id,
            m.name,
            m.severity,
            m.theme,
            scope_name(*rule),
            capitalized(m.summary),
        );
        // The rule's own `##` sections sit one level down in this page.
        for line in doc_text(m).lines() {
            if line.starts_with("## ") {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// GitHub's heading anchor for a rule's section.
fn anchor(meta: &RuleMeta) -> String {
    format!("{}-{}", meta.id.to_ascii_lowercase(), meta.name)
}

const MARKDOWN_HEAD: &str = "\
# Checker rules

<!-- Generated from the rules' doc comments by `cargo run -q -p shipshape -- rules --format markdown > docs/rules.md`; a test fails when this file is stale. -->

`shipshape check` runs these rules over any set of Kubernetes objects; see
[check.md](check.md) for the command, the config file and suppressions. `shipshape rules`
lists them and `shipshape rule ID` prints one rule's documentation.
[rule-coverage.md](rule-coverage.md) maps every kube-score, kube-linter, Polaris and
checkov Kubernetes check to the rule that covers it, or says why none does.

";
