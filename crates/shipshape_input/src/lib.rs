//! What a command reads, assembled into one [`Model`].
//!
//! `check`, `validate` and every later command that works on manifests take the same
//! arguments: files, directories (every `*.yaml` and `*.yml` under them, recursively, in
//! a sorted order), `-` for standard input, and `shipshape.yaml` specs, which are rendered
//! first. A [`Reader`] turns those into one input in which every object knows where it
//! came from: the file, line and column it starts at (an item of a `List` at its own
//! line), or the spec and the spec value that generated it. Every problem on the way is
//! collected and returned together, located, rather than the first one alone.
//!
//! ```no_run
//! use std::path::PathBuf;
//!
//! let read = shipshape_input::Reader::new("default")
//!     .read(&[PathBuf::from("deploy/"), PathBuf::from("-")])?;
//! let version = read.kubernetes(None)?;
//! println!("{} objects for Kubernetes {version}", read.model.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod own_output;
mod spec;
mod target;
mod unrendered;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use own_output::OwnOutput;
use own_output::Piece;
use shipshape_grammar::KubeVersion;
use shipshape_manifest::Model;
use shipshape_yaml::{Diagnostic, Diagnostics};
pub use target::SpecTarget;

/// What the inputs held.
#[derive(Debug)]
pub struct Inputs {
    /// Every object, as one scope, in the order the paths were given.
    pub model: Model,
    /// Standard input's text, when it was read and [`Reader::keep_stdin`] asked for it.
    pub stdin: Option<String>,
    /// The version each spec was rendered for, in the order they were read.
    pub specs: Vec<SpecTarget>,
    /// For each spec whose rendered output was among the files too, what was passed over
    /// so that each object is read once (see [`OwnOutput`]); a command says so.
    pub own_output: Vec<OwnOutput>,
    /// What could not be read, located: always empty from [`Reader::read`]; from
    /// [`Reader::read_partial`], the problems beside which the rest was read.
    pub problems: Vec<Diagnostic>,
}

impl Inputs {
    /// The Kubernetes version to judge these objects against: `flag` when given, else
    /// the version the specs were rendered for, else the newest supported one.
    ///
    /// # Errors
    /// Specs rendered for different versions and no `flag` to choose; the diagnostic
    /// names both specs.
    pub fn kubernetes(&self, flag: Option<KubeVersion>) -> Result<KubeVersion, Diagnostics> {
        target::resolve(&self.specs, flag)
    }
}

/// Why the inputs could not be assembled.
#[derive(Debug)]
pub enum Error {
    /// Paths that do not exist or cannot be read, invalid YAML, documents that are not
    /// objects, specs that do not load or render: every one, located where possible.
    Invalid(Diagnostics),
    /// The paths held no YAML file at all.
    NoFiles,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(diags) => diags.fmt(f),
            Error::NoFiles => f.write_str(
                "no YAML files found: give files, directories holding *.yaml or *.yml, or `-` for standard input",
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Reads paths into [`Inputs`]; the settings say how.
pub struct Reader<'a> {
    namespace: &'a str,
    command: &'a str,
    environment: Option<&'a str>,
    keep_stdin: bool,
    skipped_names: Vec<&'a str>,
    stdin: Box<dyn Read + 'a>,
}

impl<'a> Reader<'a> {
    /// A reader that gives namespaced objects without a namespace `namespace`, as
    /// `kubectl apply` would.
    #[must_use]
    pub fn new(namespace: &'a str) -> Self {
        Reader {
            namespace,
            command: "check",
            environment: None,
            keep_stdin: false,
            skipped_names: Vec::new(),
            stdin: Box::new(std::io::stdin()),
        }
    }

    /// The `shipshape` command that reads, for messages that show how to pipe a Helm
    /// chart or a kustomization into it; `check` unless told.
    #[must_use]
    pub fn command(mut self, command: &'a str) -> Self {
        self.command = command;
        self
    }

    /// Applies this environment's overlay to every spec.
    #[must_use]
    pub fn environment(mut self, environment: Option<&'a str>) -> Self {
        self.environment = environment;
        self
    }

    /// Keeps standard input's text in [`Inputs::stdin`]: it cannot be read twice, and
    /// showing a snippet of it needs the text.
    #[must_use]
    pub fn keep_stdin(mut self, keep: bool) -> Self {
        self.keep_stdin = keep;
        self
    }

    /// Passes over files with this name: a command's own settings file sits next to the
    /// manifests without being one.
    #[must_use]
    pub fn skip_file_name(mut self, name: &'a str) -> Self {
        self.skipped_names.push(name);
        self
    }

    /// Reads `-` from `stdin` instead of the process's standard input.
    #[must_use]
    pub fn stdin(mut self, stdin: impl Read + 'a) -> Self {
        self.stdin = Box::new(stdin);
        self
    }

    /// Reads every path: a file, a directory, a spec, or `-` for standard input; for a
    /// command that needs every object (a simulation, a deployment).
    ///
    /// # Errors
    /// [`Error::Invalid`] with every problem in every path, or [`Error::NoFiles`] when
    /// the paths held no YAML file.
    pub fn read(self, paths: &[PathBuf]) -> Result<Inputs, Error> {
        let mut inputs = self.read_partial(paths)?;
        if inputs.problems.is_empty() {
            Ok(inputs)
        } else {
            Err(Error::Invalid(Diagnostics(std::mem::take(
                &mut inputs.problems,
            ))))
        }
    }

    /// Reads every path as [`Reader::read`] does, and goes on past what cannot be read: a
    /// broken document, a file that is not YAML, a Helm chart or kustomization directory
    /// (one problem that says how to render it), a spec that does not load. Each is a
    /// located problem in [`Inputs::problems`], and everything else is in the model, so a
    /// checker reports both.
    ///
    /// # Errors
    /// [`Error::NoFiles`] when the paths held no YAML file and nothing else to report.
    pub fn read_partial(self, paths: &[PathBuf]) -> Result<Inputs, Error> {
        let mut assembly = Assembly {
            reader: self,
            pieces: Vec::new(),
            stdin: None,
            specs: Vec::new(),
            files: 0,
            problems: Vec::new(),
        };
        for path in paths {
            assembly.read(path);
        }
        if assembly.files == 0 && assembly.problems.is_empty() {
            return Err(Error::NoFiles);
        }
        // Files are read before a spec beside them (`deploy/` sorts before
        // `shipshape.yaml`), so a spec's own output is known only once all are read.
        let (model, own_output) = own_output::assemble(assembly.pieces);
        Ok(Inputs {
            model,
            stdin: assembly.stdin,
            specs: assembly.specs,
            own_output,
            problems: assembly.problems,
        })
    }
}

/// The inputs read so far, and every problem met.
struct Assembly<'a> {
    reader: Reader<'a>,
    /// What each path gave, in order.
    pieces: Vec<Piece>,
    stdin: Option<String>,
    specs: Vec<SpecTarget>,
    /// Files (and standard input) read, specs included.
    files: usize,
    problems: Vec<Diagnostic>,
}

impl Assembly<'_> {
    fn read(&mut self, path: &Path) {
        if path == Path::new("-") {
            self.read_stdin();
        } else if path.is_dir() {
            let command = self.reader.command;
            let mut unrendered = Vec::new();
            let files = shipshape_manifest::yaml_files_except(path, &mut |dir| {
                let found = unrendered::directory(dir, command);
                let skip = found.is_some();
                unrendered.extend(found);
                skip
            });
            self.problems.append(&mut unrendered);
            match files {
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
        if let Err(e) = self.reader.stdin.read_to_string(&mut text) {
            return self.problem(format!("cannot read standard input: {e}"));
        }
        self.add_objects("<stdin>", &text);
        if self.reader.keep_stdin {
            self.stdin = Some(text);
        }
    }

    fn read_file(&mut self, path: &Path) {
        if spec::is_spec(path) {
            return self.add_spec(path);
        }
        let skipped = path
            .file_name()
            .is_some_and(|n| self.reader.skipped_names.iter().any(|s| n == *s));
        if skipped {
            return;
        }
        match std::fs::read_to_string(path) {
            Ok(text) => self.add_objects(&path.display().to_string(), &text),
            Err(e) => self.problem(format!("cannot read `{}`: {e}", path.display())),
        }
    }

    fn add_objects(&mut self, name: &str, text: &str) {
        self.files += 1;
        let loaded = shipshape_manifest::load_all(name, text, self.reader.namespace);
        if !loaded.problems.is_empty()
            && let Some(template) = unrendered::template(name, text, self.reader.command)
        {
            // Its objects, if any parsed, are templates' fragments, not what is deployed.
            return self.problems.push(template);
        }
        self.problems.extend(loaded.problems);
        self.pieces
            .push(Piece::Objects(name.to_owned(), loaded.objects));
    }

    fn add_spec(&mut self, path: &Path) {
        self.files += 1;
        match spec::render(path, self.reader.environment) {
            Ok(rendered) => {
                self.specs.push(rendered.target.clone());
                self.pieces.push(Piece::Spec(Box::new(rendered)));
            }
            Err(problems) => self.problems.extend(problems),
        }
    }
}
