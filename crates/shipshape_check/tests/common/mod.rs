//! Helpers shared by the test files.

// Each test file compiles this module on its own and uses only some of it.
#![allow(dead_code)]

use shipshape_check::{Config, Options, Report, check};
use shipshape_manifest::Model;

/// Loads `text` as the file `name` into an input.
pub fn input(name: &str, text: &str) -> Model {
    let objects = shipshape_manifest::load(name, text, "default")
        .unwrap_or_else(|d| panic!("{name} does not load:\n{}", d.render(false)));
    let mut input = Model::new();
    input.add_objects(objects);
    input
}

/// Options that run only the rules or themes in `select`.
pub fn only(select: &[&str]) -> Options {
    Options::from_config(&Config {
        select: Some(select.iter().map(|s| (*s).to_owned()).collect()),
        ..Config::default()
    })
    .expect("known rules")
}

/// Checks `text` with the rules in `select`.
pub fn run(name: &str, text: &str, select: &[&str]) -> Report {
    check(&input(name, text), &only(select))
}

/// Pairs of rules that may report on the same field of the same object, because they
/// report different problems there. Keep it short: anything else is one problem
/// reported twice, and one of the two rules should yield.
pub const SAME_FIELD_ALLOWED: &[(&str, &str, &str)] = &[
    (
        "SS015",
        "SS042",
        "pod labels: two PodDisruptionBudgets select the pods, and no NetworkPolicy does",
    ),
    (
        "SS044",
        "SS046",
        "a route's backend: it has no ready pod, and a NetworkPolicy keeps the ingress controller out",
    ),
    (
        "SS051",
        "SS171",
        "`serviceAccount`: the account it names does not exist, and the field itself is deprecated",
    ),
    (
        "SS103",
        "SS172",
        "the AppArmor annotation: its profile is unconfined, and the annotation is deprecated for a field",
    ),
];

/// Where two rules report on the same field (JSON pointer) of the same object in
/// `report` and [`SAME_FIELD_ALLOWED`] does not list the pair, and where one rule reports
/// the same thing twice on the same field (one problem, one finding), prefixed with
/// `what`.
pub fn same_field_clashes(what: &str, report: &Report) -> Vec<String> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut rules: BTreeMap<(String, &str), BTreeSet<&str>> = BTreeMap::new();
    let mut said: BTreeMap<(String, &str, &str, &str), usize> = BTreeMap::new();
    for finding in &report.findings {
        // Two objects of one identity (a duplicate, SS050's finding) are told apart
        // by where they are written.
        let place = finding
            .location
            .as_ref()
            .map_or_else(String::new, |l| format!(" {}:{}", l.file, l.line));
        let object = format!(
            "{} {}",
            finding.object.api_version,
            finding.object.display_name()
        );
        rules
            .entry((object.clone(), finding.pointer.as_str()))
            .or_default()
            .insert(finding.rule.id);
        *said
            .entry((
                format!("{object}{place}"),
                finding.pointer.as_str(),
                finding.rule.id,
                finding.message.as_str(),
            ))
            .or_default() += 1;
    }
    let allowed = |a: &str, b: &str| {
        SAME_FIELD_ALLOWED
            .iter()
            .any(|(x, y, _)| (*x, *y) == (a, b) || (*x, *y) == (b, a))
    };
    let pairs = rules
        .iter()
        .filter(|(_, ids)| {
            let ids: Vec<&&str> = ids.iter().collect();
            ids.iter()
                .enumerate()
                .any(|(i, a)| ids[i + 1..].iter().any(|b| !allowed(a, b)))
        })
        .map(|((object, pointer), ids)| format!("{what}: {object} `{pointer}`: {ids:?}"));
    let repeats = said.iter().filter(|(_, count)| **count > 1).map(
        |((object, pointer, id, message), count)| {
            format!("{what}: {object} `{pointer}`: {id} {count} times: {message}")
        },
    );
    pairs.chain(repeats).collect()
}

/// Panics, listing them, when there are `clashes`.
pub fn assert_no_clashes(clashes: &[String]) {
    assert!(
        clashes.is_empty(),
        "a field is reported by several rules, or twice by one: one problem should get one finding (or list a genuinely different pair in SAME_FIELD_ALLOWED):\n{}",
        clashes.join("\n")
    );
}
