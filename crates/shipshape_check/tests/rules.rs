//! Every rule against its fixture `tests/fixtures/SSNNN.yaml`: objects named `bad-*`
//! must get a finding, objects named `ok-*` must get none, and the findings as printed
//! are pinned in `snapshots/rules__SSNNN.snap`. Every rule's documented example must
//! fire and its fixed version must not.

mod common;

use std::path::Path;

use shipshape_check::output::{Snippets, human};
use shipshape_check::{DOC_SECTIONS, Options, docs, registry};

fn fixture(id: &str) -> (String, String) {
    let name = format!("tests/fixtures/{id}.yaml");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("rule {id} has no fixture: add {name}"));
    (name, text)
}

#[test]
fn every_rule_fires_on_bad_objects_only() {
    for rule in registry::all() {
        let id = rule.meta().id;
        let (name, text) = fixture(id);
        let input = common::input(&name, &text);
        let report = shipshape_check::check(&input, &common::only(&[id]));
        let mut names: Vec<&str> = input.objects().iter().map(|o| o.name()).collect();
        names.dedup();
        assert!(
            names.iter().any(|n| n.starts_with("bad")) && names.iter().any(|n| n.starts_with("ok")),
            "{name} needs objects named bad-* (firing) and ok-* (quiet)"
        );
        for object in names {
            let found = report.findings.iter().filter(|f| f.object.name == object);
            let active = found.clone().filter(|f| f.is_active()).count();
            if object.starts_with("bad") {
                assert!(active > 0, "{id}: `{object}` in {name} should fire");
            }
            if object.starts_with("ok") {
                assert_eq!(
                    found.count(),
                    0,
                    "{id}: `{object}` in {name} should stay quiet"
                );
            }
        }
        let mut snippets = Snippets::new().with_text(&name, text.as_str());
        insta::assert_snapshot!(id, human(&report, &mut snippets, false, true));
    }
}

#[test]
fn no_two_rules_share_an_id_or_a_name() {
    let mut ids = std::collections::BTreeMap::new();
    let mut names = std::collections::BTreeMap::new();
    for rule in registry::all() {
        let meta = rule.meta();
        if let Some(other) = ids.insert(meta.id.to_ascii_uppercase(), meta.name) {
            panic!(
                "{} is the id of both `{other}` and `{}`",
                meta.id, meta.name
            );
        }
        if let Some(other) = names.insert(meta.name, meta.id) {
            panic!(
                "`{}` is the name of both {other} and {}",
                meta.name, meta.id
            );
        }
    }
    assert_eq!(ids.len(), registry::all().len());
}

#[test]
fn every_fixture_gets_one_rule_per_field_with_every_rule_on() {
    let mut clashes = Vec::new();
    for rule in registry::all() {
        let (name, text) = fixture(rule.meta().id);
        let report = shipshape_check::check(&common::input(&name, &text), &Options::default());
        clashes.extend(common::same_field_clashes(&name, &report));
    }
    common::assert_no_clashes(&clashes);
}

#[test]
fn every_documented_example_fires_and_its_fix_does_not() {
    for rule in registry::all() {
        let meta = rule.meta();
        let example = docs::yaml_block(meta, "## Example")
            .unwrap_or_else(|| panic!("{}: `## Example` needs a ```yaml block", meta.id));
        let fixed = docs::yaml_block(meta, "## Fixed")
            .unwrap_or_else(|| panic!("{}: `## Fixed` needs a ```yaml block", meta.id));
        let report = common::run("example.yaml", &example, &[meta.id]);
        assert!(
            report.active().count() > 0,
            "{}: the example does not fire",
            meta.id
        );
        let report = common::run("fixed.yaml", &fixed, &[meta.id]);
        assert_eq!(
            report.findings.len(),
            0,
            "{}: the fixed version still fires: {:?}",
            meta.id,
            report
                .findings
                .iter()
                .map(|f| &f.message)
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn every_rule_is_documented_in_the_fixed_sections() {
    let mut ids = Vec::new();
    for rule in registry::all() {
        let meta = rule.meta();
        let mut at = 0;
        for heading in DOC_SECTIONS {
            let found = meta.doc[at..].find(heading);
            assert!(
                found.is_some(),
                "{}: missing or misplaced `{heading}`",
                meta.id
            );
            at += found.unwrap_or(0);
        }
        assert!(
            meta.summary.len() <= 90 && !meta.summary.ends_with('.'),
            "{}: a summary is one short line without a full stop",
            meta.id
        );
        ids.push(meta.id);
    }
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(
        ids, sorted,
        "ids are unique and the registry is in id order"
    );
}
