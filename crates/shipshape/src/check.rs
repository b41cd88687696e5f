//! `shipshape check`, `shipshape rules` and `shipshape rule`: reading the input, settings
//! and printing; the rules themselves live in shipshape_check.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use shipshape_check::output::{Snippets, human, json, sarif};
use shipshape_check::{
    CONFIG_FILE, Config, Input, Options, RefKind, Report, Rule, Severity, SpecSource,
};
use shipshape_manifest::{Manifest, Origin};
use shipshape_spec::{Diagnostic, Diagnostics, SPEC_FILE_NAME};
use shipshape_validate::{KubeVersion, Target};

use crate::cli::{ApiArgs, CheckArgs, CheckFormat, ExternalRef, RulesFormat};
use crate::commands::{BAD_INPUT, print};
use crate::report;

/// Exit status when findings at or above the threshold remain.
const FINDINGS: u8 = 1;

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
    options.settings.api = match api_target(&args.api) {
        Ok(t) => t,
        Err(diags) => return bad_input(&diags),
    };
    let namespace = config.namespace.as_deref().unwrap_or("default");
    let keep_stdin = args.format == CheckFormat::Human;
    let read = match read_inputs(
        &args.paths,
        namespace,
        args.environment.as_deref(),
        keep_stdin,
    ) {
        Ok(r) => r,
        Err(status) => return status,
    };
    if args.parse_only {
        let printed = print(&format!("{} objects parsed\n", read.input.len()));
        exit_without_freeing(read.input);
        return printed;
    }
    let result = shipshape_check::check(&read.input, &options);
    let text = format_report(
        &result,
        args.format,
        read.stdin,
        &options.rules,
        args.show_suppressed,
    );
    let printed = print(&text);
    exit_without_freeing(read.input);
    let threshold = config.fail_on.unwrap_or(Severity::Warning);
    if printed != ExitCode::SUCCESS {
        printed
    } else if result.fails(threshold) {
        ExitCode::from(FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Leaves the input's memory to the operating system: freeing the trees of tens of
/// thousands of objects one by one took a tenth of a large run, just before exit.
fn exit_without_freeing(input: Input) {
    std::mem::forget(input);
}

pub(crate) fn bad_input(diags: &Diagnostics) -> ExitCode {
    report::diagnostics_only(diags);
    ExitCode::from(BAD_INPUT)
}

/// What the inputs held.
pub(crate) struct Inputs {
    /// Every object, as one scope.
    pub input: Input,
    /// Standard input's text, kept for snippets when asked to.
    pub stdin: Option<String>,
}

/// Reads files, directories, standard input and specs into one [`Input`]; on any
/// problem, reports every one and returns the exit status.
pub(crate) fn read_inputs(
    paths: &[PathBuf],
    namespace: &str,
    environment: Option<&str>,
    keep_stdin: bool,
) -> Result<Inputs, ExitCode> {
    let mut reader = Reader {
        input: Input::new(),
        namespace,
        environment,
        keep_stdin,
        stdin: None,
        files: 0,
        problems: Vec::new(),
    };
    for path in paths {
        reader.read(path);
    }
    if !reader.problems.is_empty() {
        return Err(bad_input(&Diagnostics(reader.problems)));
    }
    if reader.files == 0 {
        report::error(
            "no YAML files found: give files, directories holding *.yaml or *.yml, or `-` for standard input",
        );
        return Err(ExitCode::from(BAD_INPUT));
    }
    Ok(Inputs {
        input: reader.input,
        stdin: reader.stdin,
    })
}

/// The report as `format` prints it; `stdin` is standard input's text, for snippets.
pub(crate) fn format_report(
    result: &Report,
    format: CheckFormat,
    stdin: Option<String>,
    rules: &[Rule],
    show_suppressed: bool,
) -> String {
    match format {
        CheckFormat::Human => {
            let mut snippets = Snippets::new();
            if let Some(text) = stdin {
                snippets = snippets.with_text("<stdin>", text);
            }
            human(result, &mut snippets, stdout_color(), show_suppressed)
        }
        CheckFormat::Json => json(result),
        CheckFormat::Sarif => sarif(result, rules),
    }
}

/// The validation target the flags ask for, with the CRDs of every `--crd` path.
pub(crate) fn api_target(args: &ApiArgs) -> Result<Target, Diagnostics> {
    let mut crds = Vec::new();
    let mut problems = Vec::new();
    for path in &args.crds {
        for object in read_crd_path(path, &mut problems) {
            if shipshape_validate::is_crd(&object.value) {
                crds.push(object.value);
            } else {
                problems.push(not_a_crd(&object));
            }
        }
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    Ok(Target {
        version: args.kubernetes.unwrap_or(KubeVersion::NEWEST),
        crds: crds.into(),
        strict_crds: args.strict_crds,
    })
}

/// The objects of a `--crd` file, or of every YAML file under a `--crd` directory.
fn read_crd_path(path: &Path, problems: &mut Vec<Diagnostic>) -> Vec<Manifest> {
    let files = if path.is_dir() {
        shipshape_manifest::yaml_files(path)
    } else {
        Ok(vec![path.to_path_buf()])
    };
    let files = files.unwrap_or_else(|e| {
        problems.push(Diagnostic::new(format!(
            "--crd: cannot read `{}`: {e}",
            path.display()
        )));
        Vec::new()
    });
    let mut objects = Vec::new();
    for file in files {
        let name = file.display().to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => match shipshape_manifest::load(&name, &text, "default") {
                Ok(loaded) => objects.extend(loaded),
                Err(diags) => problems.extend(diags.0),
            },
            Err(e) => problems.push(Diagnostic::new(format!("--crd: cannot read `{name}`: {e}"))),
        }
    }
    objects
}

fn not_a_crd(object: &Manifest) -> Diagnostic {
    let place = match &object.origin {
        Some(Origin::File(at)) => format!("{at}: "),
        _ => String::new(),
    };
    Diagnostic::new(format!(
        "{place}--crd takes CustomResourceDefinitions (apiextensions.k8s.io/v1), not {} {}",
        object.api_version(),
        object.kind()
    ))
}

/// Whether to colour standard output: a terminal, and `NO_COLOR` unset.
pub(crate) fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
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

/// Reads every input into one [`Input`], collecting every problem before giving up.
struct Reader<'a> {
    input: Input,
    namespace: &'a str,
    environment: Option<&'a str>,
    /// Whether to keep standard input's text: only human output shows snippets.
    keep_stdin: bool,
    /// Standard input's text, kept for snippets because it cannot be read again.
    stdin: Option<String>,
    files: usize,
    problems: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn read(&mut self, path: &Path) {
        if path == Path::new("-") {
            self.read_stdin();
        } else if path.is_dir() {
            match shipshape_manifest::yaml_files(path) {
                Ok(files) => files.iter().for_each(|f| self.read_file(f)),
                Err(e) => self.problem(format!("cannot read `{}`: {e}", path.display())),
            }
        } else if path.exists() {
            self.read_file(path);
        } else {
            self.problem(format!("`{}` does not exist", path.display()));
        }
    }

    fn problem(&mut self, message: String) {
        self.problems.push(Diagnostic::new(message));
    }

    fn read_stdin(&mut self) {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            return self.problem(format!("cannot read standard input: {e}"));
        }
        self.add_objects("<stdin>", &text);
        if self.keep_stdin {
            self.stdin = Some(text);
        }
    }

    fn read_file(&mut self, path: &Path) {
        let name = path.file_name();
        if name.is_some_and(|n| n == SPEC_FILE_NAME) {
            return self.add_spec(path);
        }
        // The checker's own settings sit next to the manifests; they are not one.
        if name.is_some_and(|n| n == CONFIG_FILE) {
            return;
        }
        match std::fs::read_to_string(path) {
            Ok(text) => self.add_objects(&path.display().to_string(), &text),
            Err(e) => self.problem(format!("cannot read `{}`: {e}", path.display())),
        }
    }

    fn add_objects(&mut self, name: &str, text: &str) {
        self.files += 1;
        match shipshape_manifest::load(name, text, self.namespace) {
            Ok(objects) => self.input.add_objects(objects),
            Err(diags) => self.problems.extend(diags.0),
        }
    }

    /// Renders a spec; its objects point back into it.
    fn add_spec(&mut self, path: &Path) {
        self.files += 1;
        let loaded = match shipshape_spec::load_path(path, self.environment) {
            Ok(l) => l,
            Err(diags) => return self.problems.extend(diags.0),
        };
        match shipshape_render::render(&loaded.spec) {
            Ok(rendered) => self.input.add_rendered(
                rendered.manifests,
                SpecSource {
                    source: loaded.source,
                    tree: loaded.tree,
                },
            ),
            Err(problems) => self
                .problems
                .extend(problems.iter().map(|p| loaded.diagnostic(p))),
        }
    }
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
