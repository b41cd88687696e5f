//! `shipshape check`, `shipshape rules` and `shipshape rule`: settings and printing; the
//! rules live in shipshape_check and the input is assembled by shipshape_input.

use std::path::Path;
use std::process::ExitCode;

use shipshape_check::{CONFIG_FILE, Config, Options, RefKind, Severity};
use shipshape_manifest::Model;
use shipshape_spec::{Diagnostic, Diagnostics};

use crate::cli::{CheckArgs, CheckFormat, ExternalRef, RulesFormat};
use crate::report::{self, bad_input, print};
use crate::status::{BAD_INPUT, FINDINGS};
use crate::{api, format, inputs};

/// Runs `shipshape check`.
pub fn check(args: &CheckArgs) -> ExitCode {
    let config = match settings(args) {
        Ok(c) => c,
        Err(diags) => return bad_input(&diags),
    };
    let options = match Options::from_config(&config) {
        Ok(o) => o,
        Err(message) => {
            report::error(&message);
            return ExitCode::from(BAD_INPUT);
        }
    };
    let mut options = options;
    options.settings.api = match api::target(&args.api) {
        Ok(t) => t,
        Err(diags) => return bad_input(&diags),
    };
    let namespace = config.namespace.as_deref().unwrap_or("default");
    let keep_stdin = args.format == CheckFormat::Human;
    let read = match inputs::read_partial(
        "check",
        &args.paths,
        namespace,
        args.environment.as_deref(),
        keep_stdin,
    ) {
        Ok(r) => r,
        Err(status) => return status,
    };
    options.settings.api.version = match inputs::kubernetes(&read, args.api.kubernetes) {
        Ok(v) => v,
        Err(status) => return status,
    };
    if args.parse_only {
        let printed = print(&format!("{} objects parsed\n", read.model.len()));
        exit_without_freeing(read.model);
        if !read.problems.is_empty() {
            return bad_input(&Diagnostics(read.problems));
        }
        return printed;
    }
    let mut result = shipshape_check::check(&read.model, &options);
    result.problems = read.problems;
    let text = format::report(
        &result,
        args.format,
        read.stdin,
        &options.rules,
        args.show_suppressed,
    );
    let printed = print(&text);
    exit_without_freeing(read.model);
    let threshold = config.fail_on.unwrap_or(Severity::Warning);
    if printed != ExitCode::SUCCESS {
        printed
    } else if !result.problems.is_empty() {
        ExitCode::from(BAD_INPUT)
    } else if result.fails(threshold) {
        ExitCode::from(FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Leaves the input's memory to the operating system: freeing the trees of tens of
/// thousands of objects one by one took a tenth of a large run, just before exit.
fn exit_without_freeing(input: Model) {
    std::mem::forget(input);
}

/// The config file (if any) with the flags laid over it.
fn settings(args: &CheckArgs) -> Result<Config, Diagnostics> {
    let file = match &args.config {
        Some(path) => Some(path.as_path()),
        None => Some(Path::new(CONFIG_FILE)).filter(|p| p.is_file()),
    };
    let mut config = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Diagnostics::from(Diagnostic::new(format!(
                    "cannot read config `{}`: {e}",
                    path.display()
                )))
            })?;
            Config::from_yaml(&path.display().to_string(), &text)?
        }
        None => Config::default(),
    };
    if args.select.is_some() {
        config.select.clone_from(&args.select);
    }
    config.ignore.extend(args.ignore.iter().cloned());
    if let Some(severity) = args.fail_on {
        config.fail_on = Some(match severity {
            crate::cli::Severity::Info => Severity::Info,
            crate::cli::Severity::Warning => Severity::Warning,
            crate::cli::Severity::Error => Severity::Error,
        });
    }
    if args.namespace.is_some() {
        config.namespace.clone_from(&args.namespace);
    }
    config
        .external_refs
        .extend(args.external_refs.iter().map(|k| match k {
            ExternalRef::Configmap => RefKind::ConfigMap,
            ExternalRef::Secret => RefKind::Secret,
            ExternalRef::Serviceaccount => RefKind::ServiceAccount,
            ExternalRef::Persistentvolumeclaim => RefKind::PersistentVolumeClaim,
            ExternalRef::All => RefKind::All,
        }));
    Ok(config)
}

/// Runs `shipshape rules`.
pub fn rules(format: RulesFormat) -> ExitCode {
    match format {
        RulesFormat::Table => print(&shipshape_check::docs::table()),
        RulesFormat::Markdown => print(&shipshape_check::docs::markdown()),
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = shipshape_check::registry::all()
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "id": m.id,
                        "name": m.name,
                        "severity": m.severity,
                        "theme": m.theme,
                        "scope": r.scope(),
                        "summary": m.summary,
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&list).expect("JSON values serialize");
            text.push('\n');
            print(&text)
        }
    }
}

/// Runs `shipshape rule ID`.
pub fn rule(id: &str) -> ExitCode {
    match shipshape_check::registry::find(id) {
        Some(rule) => {
            let page = shipshape_check::docs::rule_page(rule);
            match shipshape_check::registry::merged_into(id) {
                Some(new) => print(&format!(
                    "{} was merged into {new}; it names {new} wherever rules are named.\n\n{page}",
                    id.to_ascii_uppercase()
                )),
                None => print(&page),
            }
        }
        None => {
            report::error(&shipshape_check::registry::unknown(id));
            ExitCode::from(BAD_INPUT)
        }
    }
}
