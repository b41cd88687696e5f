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
