//! The outcome of a run.

use shipshape_yaml::Diagnostic;

use crate::finding::Finding;
use crate::meta::Severity;

/// Every finding of a run, suppressed ones included, in a stable order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The findings, ordered by object (input order), then position, then rule.
    pub findings: Vec<Finding>,
    /// How many objects were checked.
    pub objects: usize,
    /// What in the input could not be read (a document that is not YAML, a Helm chart
    /// given as a directory), located; the rest was checked beside it. The command that
    /// read the input puts them here, so every output format reports them, and a run
    /// with any is a run on bad input.
    pub problems: Vec<Diagnostic>,
}

impl Report {
    /// The findings that count (not suppressed).
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_active())
    }

    /// The findings an annotation suppressed.
    pub fn suppressed(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.is_active())
    }

    /// How many active findings have `severity`.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.active().filter(|f| f.severity == severity).count()
    }

    /// Whether an active finding is at or above `threshold`: the run fails.
    #[must_use]
    pub fn fails(&self, threshold: Severity) -> bool {
        self.active().any(|f| f.severity >= threshold)
    }

    /// How the input's problems are counted after the summary: `1 problem in the input:
    /// what it holds was not checked`; `None` without any.
    #[must_use]
    pub fn problems_line(&self) -> Option<String> {
        match self.problems.len() {
            0 => None,
            1 => Some("1 problem in the input: what it holds was not checked".to_owned()),
            n => Some(format!(
                "{n} problems in the input: what they hold was not checked"
            )),
        }
    }

    /// One line: `2 errors, 1 warning, 0 info in 14 objects; 1 suppressed`.
    #[must_use]
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 || word == "info" {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        format!(
            "{}, {}, {} in {}; {} suppressed",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Info), "info"),
            plural(self.objects, "object"),
            self.suppressed().count(),
        )
    }
}
