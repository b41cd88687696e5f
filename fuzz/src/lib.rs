//! What each fuzz target does with its input: the same calls the commands make, from
//! the text to the printed result, so that a panic, a hang or runaway memory anywhere on
//! the way is found. Each function takes the fuzzer's bytes; text that is not UTF-8 is
//! refused by the commands before any of this runs, so it is passed over here.
//!
//! Results are rendered (diagnostics with their snippets, reports in every format) and
//! then dropped: whether an input is accepted is not the question, only that every
//! input ends in a result.

use std::path::{Path, PathBuf};

use shipshape_check::output::{Snippets, human, json, sarif};
use shipshape_check::{Options, Report, Theme};
use shipshape_manifest::{Model, SpecSource};
use shipshape_spec::{Diagnostics, LoadedSpec};

/// Where a fuzzed spec's relative `files:` are looked up: nowhere, so a spec reads no
/// file of the machine it is fuzzed on.
const NO_BASE_DIR: &str = "fuzz-no-files-here";

/// `shipshape.yaml` through the spec loader: parsing, environments, semantic validation.
pub fn spec_load(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = load_spec(text);
    }
}

/// A YAML or JSON stream through the manifest loader, into a model.
pub fn manifest_load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match shipshape_manifest::load("input.yaml", text, "default") {
        Ok(objects) => Model::new().add_objects(objects),
        Err(diags) => drop(diags.render(false)),
    }
}

/// A spec loaded, rendered to a YAML and a JSON stream, and its output checked.
pub fn render(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(loaded) = load_spec(text) else {
        return;
    };
    let rendered = match shipshape_render::render(&loaded.spec) {
        Ok(rendered) => rendered,
        Err(problems) => {
            let diags = Diagnostics(problems.iter().map(|p| loaded.diagnostic(p)).collect());
            drop(diags.render(false));
            return;
        }
    };
    let set = rendered.manifests;
    drop((set.to_yaml(), set.to_json()));
    let mut model = Model::new();
    let version = loaded.spec.kubernetes_version();
    model.add_rendered(
        set,
        SpecSource {
            source: loaded.source,
            tree: loaded.tree,
        },
    );
    let mut options = Options::default();
    options.settings.api.version = version;
    let report = shipshape_check::check(&model, &options);
    print(&report, text, &options);
}

/// A manifest stream read as `shipshape check -` reads it, checked by every rule.
pub fn check(data: &[u8]) {
    read_and_check(data, Options::default());
}

/// A manifest stream read as `shipshape validate -` reads it, checked by the `api` rules.
pub fn validate(data: &[u8]) {
    let mut options = Options::default();
    options.rules.retain(|r| r.meta().theme == Theme::Api);
    read_and_check(data, options);
}

fn load_spec(text: &str) -> Option<LoadedSpec> {
    match shipshape_spec::load_str("shipshape.yaml", text, Path::new(NO_BASE_DIR), None) {
        Ok(loaded) => Some(loaded),
        Err(diags) => {
            drop(diags.render(false));
            None
        }
    }
}

fn read_and_check(data: &[u8], mut options: Options) {
    if std::str::from_utf8(data).is_err() {
        return;
    }
    let read = shipshape_input::Reader::new("default")
        .stdin(data)
        .keep_stdin(true)
        .read(&[PathBuf::from("-")]);
    let read = match read {
        Ok(read) => read,
        Err(shipshape_input::Error::Invalid(diags)) => return drop(diags.render(false)),
        Err(shipshape_input::Error::NoFiles) => return,
    };
    match read.kubernetes(None) {
        Ok(version) => options.settings.api.version = version,
        Err(diags) => return drop(diags.render(false)),
    }
    let report = shipshape_check::check(&read.model, &options);
    print(&report, read.stdin.as_deref().unwrap_or_default(), &options);
}

/// The report in every format the commands print.
fn print(report: &Report, text: &str, options: &Options) {
    let mut snippets = Snippets::new()
        .with_text("<stdin>", text)
        .with_text("shipshape.yaml", text);
    drop(human(report, &mut snippets, false, true));
    drop(json(report));
    drop(sarif(report, &options.rules));
}
