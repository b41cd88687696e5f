//! `shipshape validate`: the `api` rules of the checker, with the validator's own
//! summary (the target version, and the custom resources skipped for want of a CRD).

use std::collections::BTreeMap;
use std::process::ExitCode;

use shipshape_check::{Options, Report, Settings, Severity, Theme, registry};
use shipshape_manifest::{Model, Object};
use shipshape_validate::{Catalog, KubeVersion, Target};

use crate::cli::{CheckFormat, ValidateArgs};
use crate::report::{bad_input, print};
use crate::status::{BAD_INPUT, INVALID};
use crate::{api, format, inputs};

/// Runs `shipshape validate`.
pub fn validate(args: &ValidateArgs) -> ExitCode {
    if args.versions {
        return print(&versions());
    }
    let mut target = match api::target(&args.api) {
        Ok(t) => t,
        Err(diags) => return bad_input(&diags),
    };
    let keep_stdin = args.format == CheckFormat::Human;
    let read = match inputs::read_partial(
        "validate",
        &args.paths,
        &args.namespace,
        args.environment.as_deref(),
        keep_stdin,
    ) {
        Ok(r) => r,
        Err(status) => return status,
    };
    target.version = match inputs::kubernetes(&read, args.api.kubernetes) {
        Ok(v) => v,
        Err(status) => return status,
    };
    let skipped = skipped(&read.model, &target);
    let version = target.version;
    let options = Options {
        rules: registry::all()
            .iter()
            .copied()
            .filter(|r| r.meta().theme == Theme::Api)
            .collect(),
        settings: Settings {
            api: target,
            ..Settings::default()
        },
        ..Options::default()
    };
    let mut report = shipshape_check::check(&read.model, &options);
    report.problems = read.problems;
    let text = format::report(&report, args.format, read.stdin, &options.rules, false);
    let text = match args.format {
        CheckFormat::Human => format!("{text}{}", human_note(version, &report, &skipped)),
        CheckFormat::Json => json_with_skipped(&text, version, &skipped),
        CheckFormat::Sarif => text,
    };
    let printed = print(&text);
    if printed != ExitCode::SUCCESS {
        printed
    } else if !report.problems.is_empty() {
        ExitCode::from(BAD_INPUT)
    } else if report.fails(Severity::Error) {
        ExitCode::from(INVALID)
    } else {
        ExitCode::SUCCESS
    }
}

/// `1.33`, ..., `1.37 (default)`, one a line.
fn versions() -> String {
    KubeVersion::SUPPORTED
        .iter()
        .map(|v| {
            let default = if *v == KubeVersion::NEWEST {
                " (default)"
            } else {
                ""
            };
            format!("{v}{default}\n")
        })
        .collect()
}

/// The custom resources no CRD defines.
fn skipped<'a>(input: &'a Model, target: &Target) -> Vec<&'a Object> {
    let catalog = Catalog::new(target, input.objects().iter().map(Object::value));
    input
        .objects()
        .iter()
        .filter(|o| catalog.is_skipped(o.value()))
        .collect()
}

/// `apiVersion kind` of the skipped objects, with how many of each.
fn skipped_kinds(skipped: &[&Object]) -> BTreeMap<String, usize> {
    let mut kinds = BTreeMap::new();
    for object in skipped {
        *kinds
            .entry(format!("{} {}", object.api_version(), object.kind()))
            .or_default() += 1;
    }
    kinds
}

/// What follows the checker's summary: the target, and what was not validated.
fn human_note(version: KubeVersion, report: &Report, skipped: &[&Object]) -> String {
    let validated = report.objects - skipped.len();
    let mut note = format!("Kubernetes {version}: {validated} validated");
    if !skipped.is_empty() {
        let kinds: Vec<String> = skipped_kinds(skipped)
            .into_iter()
            .map(|(kind, n)| format!("{kind} ({n})"))
            .collect();
        note.push_str(&format!(
            ", {} skipped: no CustomResourceDefinition for {} (give one with --crd)",
            skipped.len(),
            kinds.join(", ")
        ));
    }
    note.push('\n');
    note
}

/// The checker's JSON report with `kubernetes` and `skipped` in its summary, and the
/// skipped objects listed.
fn json_with_skipped(text: &str, version: KubeVersion, skipped: &[&Object]) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).expect("the report is JSON");
    value["summary"]["kubernetes"] = version.to_string().into();
    value["summary"]["skipped"] = skipped.len().into();
    value["skipped"] = skipped
        .iter()
        .map(|o| {
            serde_json::json!({
                "apiVersion": o.api_version(),
                "kind": o.kind(),
                "namespace": o.namespace(),
                "name": o.name(),
            })
        })
        .collect();
    let mut out = serde_json::to_string_pretty(&value).expect("JSON values serialize");
    out.push('\n');
    out
}
