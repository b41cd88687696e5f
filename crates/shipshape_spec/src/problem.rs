//! Problems found after deserialization, located by their path in the spec.

use shipshape_yaml::{Diagnostic, Node, PathSegment, SourceFile};

/// A path into the spec, such as `components.api.health.live.port`.
pub type Path = Vec<PathSegment>;

/// Builds a [`Path`] from keys and indexes: `path!["components", name, "ports"]`.
#[macro_export]
macro_rules! path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::__PathSegment::from($seg)),*]
    };
}

/// Something impossible or unsafe in a spec that parsed fine.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where in the spec.
    pub path: Path,
    /// Point at the key rather than the value (for "this key must not be here").
    pub at_key: bool,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Problem {
    /// A problem with the value at `path`.
    #[must_use]
    pub fn new(path: Path, message: impl Into<String>) -> Self {
        Problem {
            path,
            at_key: false,
            message: message.into(),
            help: None,
        }
    }

    /// Points at the key of the path's last step instead of its value.
    #[must_use]
    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    /// Adds what to do.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The dotted form of the path, for messages.
    #[must_use]
    pub fn dotted(&self) -> String {
        dotted(&self.path)
    }

    /// Locates the problem in `tree` (parsed from `source`).
    #[must_use]
    pub fn diagnostic(&self, source: &SourceFile, tree: &Node) -> Diagnostic {
        let mut d = Diagnostic::new(self.message.clone());
        if tree.span != shipshape_yaml::Span::default() || !self.path.is_empty() {
            let span = tree.span_of(&tree.written_path(&self.path), self.at_key);
            if span != shipshape_yaml::Span::default() {
                d = d.located(source, span);
            }
        }
        if let Some(h) = &self.help {
            d = d.with_help(h.clone());
        }
        d
    }
}

/// `components.api.ports[0]` style.
#[must_use]
pub fn dotted(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSegment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSegment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The closest of `candidates` to `given`, for "did you mean" hints.
#[must_use]
pub fn closest<'a, I: IntoIterator<Item = &'a str>>(given: &str, candidates: I) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
