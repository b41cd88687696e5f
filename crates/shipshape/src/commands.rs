//! What each command does; the work itself lives in the library crates.

use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;
use shipshape_grammar::names;
use shipshape_manifest::{Format as ManifestFormat, ManifestSet};
use shipshape_spec::{Diagnostic, Diagnostics, LoadedSpec, dotted};

use crate::cli::{Cli, Command, Format, InitArgs, RenderArgs, Shell, Template};
use crate::report::{self, print};
use crate::status::BAD_INPUT;
use crate::{check, deploy, simulate, validate};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Render(args) => render(&args),
        Command::Check(args) => check::check(&args),
        Command::Validate(args) => validate::validate(&args),
        Command::Simulate(args) => simulate::simulate(&args),
        Command::Diff(args) => deploy::diff(&args),
        Command::Deploy(args) => deploy::deploy(&args),
        Command::History(target) => deploy::history(&target),
        Command::Rollback(args) => deploy::rollback(&args),
        Command::Status(target) => deploy::status(&target),
        Command::Rules { format } => check::rules(format),
        Command::Rule { id } => check::rule(&id),
        Command::Init(args) => init(&args),
        Command::Schema => print(&shipshape_spec::json_schema()),
        Command::Completions { shell } => completions(shell),
    }
}

fn load(spec: &Path, environment: Option<&str>) -> Result<LoadedSpec, Diagnostics> {
    if spec == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Diagnostics::from(Diagnostic::new(format!("cannot read standard input: {e}")))
        })?;
        shipshape_spec::load_str("<stdin>", &text, Path::new("."), environment)
    } else {
        shipshape_spec::load_path(spec, environment)
    }
}

fn render(args: &RenderArgs) -> ExitCode {
    let loaded = match load(&args.spec, args.environment.as_deref()) {
        Ok(l) => l,
        Err(diags) => {
            report::diagnostics(&diags);
            return ExitCode::from(BAD_INPUT);
        }
    };
    let rendered = match shipshape_render::render(&loaded.spec) {
        Ok(r) => r,
        Err(problems) => {
            let diags = Diagnostics(problems.iter().map(|p| loaded.diagnostic(p)).collect());
            report::diagnostics(&diags);
            return ExitCode::from(BAD_INPUT);
        }
    };
    for warning in &loaded.warnings {
        report::warning(&loaded.diagnostic(warning));
    }
    for note in &rendered.notes {
        report::note(note);
    }
    let set = &rendered.manifests;
    if args.provenance {
        return print(&provenance_table(set));
    }
    match &args.output {
        None => print(&match args.format {
            Format::Yaml => set.to_yaml(),
            Format::Json => set.to_json(),
        }),
        Some(dir) => {
            let format = match args.format {
                Format::Yaml => ManifestFormat::Yaml,
                Format::Json => ManifestFormat::Json,
            };
            match set.write_dir(dir, format) {
                Ok(()) => {
                    eprintln!("wrote {} objects to {}", set.len(), dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    report::error(&e.to_string());
                    ExitCode::from(BAD_INPUT)
                }
            }
        }
    }
}

/// One line per generated field that a spec key produced or that holds one of
/// shipshape's defaults: the object, the field's JSON pointer, the key (that would set
/// it), and where the value came from, in columns, objects in apply order.
fn provenance_table(set: &ManifestSet) -> String {
    let mut rows = vec![[
        "OBJECT".to_owned(),
        "FIELD".to_owned(),
        "SPEC KEY".to_owned(),
        "VALUE".to_owned(),
    ]];
    for object in set.items() {
        let name = format!("{}/{}", object.kind(), object.name());
        for (pointer, path, default) in object.provenance.listing() {
            let value =
                default.map_or_else(|| "from the spec".to_owned(), |d| format!("default: {d}"));
            rows.push([name.clone(), pointer.to_owned(), dotted(path), value]);
        }
    }
    let width = |column: usize| rows.iter().map(|r| r[column].len()).max().unwrap_or(0);
    let (object, field, key) = (width(0), width(1), width(2));
    rows.iter()
        .map(|[o, f, k, v]| format!("{o:object$}  {f:field$}  {k:key$}  {v}\n"))
        .collect()
}

/// The starter spec for a template, with the application name filled in.
pub fn starter(template: Template, name: &str) -> String {
    let text = match template {
        Template::Service => include_str!("../templates/service.yaml"),
        Template::Worker => include_str!("../templates/worker.yaml"),
    };
    text.replace("myapp", name)
}

fn init(args: &InitArgs) -> ExitCode {
    // A DNS-1123 label, short enough for the names derived from it.
    let valid_name = args.name.len() <= 40 && names::dns1123_label_fault(&args.name).is_none();
    if !valid_name {
        report::error(&format!(
            "`{}` is not a usable name: use up to 40 lower-case letters, digits and '-', starting and ending with a letter or digit",
            args.name
        ));
        return ExitCode::from(BAD_INPUT);
    }
    let text = starter(args.template, &args.name);
    if args.output == Path::new("-") {
        return print(&text);
    }
    let written = write_whole(&args.output, &text, args.force);
    match written {
        Ok(()) => {
            eprintln!(
                "wrote {}; render it with `shipshape render {}`",
                args.output.display(),
                args.output.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !args.force => {
            report::error(&format!(
                "`{}` exists already; pass --force to overwrite it or -o to write elsewhere",
                args.output.display()
            ));
            ExitCode::from(BAD_INPUT)
        }
        Err(e) => {
            report::error(&format!("cannot write `{}`: {e}", args.output.display()));
            ExitCode::from(BAD_INPUT)
        }
    }
}

/// Writes `text` to `path` through a temporary file in the same directory, so a reader
/// never sees half a file and a failure leaves nothing behind.
fn write_whole(path: &Path, text: &str, overwrite: bool) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(text.as_bytes())?;
    if overwrite {
        file.persist(path).map(drop).map_err(|e| e.error)
    } else {
        file.persist_noclobber(path).map(drop).map_err(|e| e.error)
    }
}

fn completions(shell: Shell) -> ExitCode {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "shipshape", &mut buf);
    print(&String::from_utf8_lossy(&buf))
}
