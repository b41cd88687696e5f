//! What a rule is, apart from its check: its id, name, severity, theme and
//! documentation. A leaf: findings, settings and outputs use it without knowing rules.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless `--fail-on info`.
    Info,
    /// Likely to hurt in production.
    Warning,
    /// Broken: the cluster will refuse it or it cannot work as written.
    Error,
}

impl Severity {
    /// Every severity, mildest first.
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Error];

    /// The lower-case name used on the command line and in every output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule is about; `--select` and `--ignore` accept a theme for all its rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    /// Privileges, isolation and the attack surface of pods.
    Security,
    /// Surviving rollouts, restarts, drains and bad images.
    Reliability,
    /// CPU and memory requests and limits.
    Resources,
    /// Horizontal autoscaling.
    Scaling,
    /// Services and network policies.
    Networking,
    /// Objects that contradict each other or point at nothing.
    Correctness,
    /// API versions, fields, annotations and labels Kubernetes removed or is removing.
    Deprecation,
    /// Whether the API server accepts the objects: schemas, names, API versions.
    Api,
}

impl Theme {
    /// Every theme, in documentation order.
    pub const ALL: [Theme; 8] = [
        Theme::Security,
        Theme::Reliability,
        Theme::Resources,
        Theme::Scaling,
        Theme::Networking,
        Theme::Correctness,
        Theme::Deprecation,
        Theme::Api,
    ];

    /// The lower-case name used on the command line and in every output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Security => "security",
            Theme::Reliability => "reliability",
            Theme::Resources => "resources",
            Theme::Scaling => "scaling",
            Theme::Networking => "networking",
            Theme::Correctness => "correctness",
            Theme::Deprecation => "deprecation",
            Theme::Api => "api",
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a rule looks at one object or at the whole input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// One object at a time; could run while the input streams in.
    Object,
    /// The whole input at once (a Service and the pods it selects, say).
    Set,
}

/// Everything about a rule except its check: what `shipshape rules` lists and
/// `shipshape rule ID` prints.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleMeta {
    /// `SS010`: stable, never reused.
    pub id: &'static str,
    /// `missing-readiness-probe`: a readable name, stable too.
    pub name: &'static str,
    /// Default severity (a config file may change it).
    pub severity: Severity,
    /// What it is about.
    pub theme: Theme,
    /// One line, lower case, no full stop: "container has no readiness probe".
    pub summary: &'static str,
    /// The rule's doc comment: fixed `##` sections (see [`DOC_SECTIONS`]).
    pub doc: &'static str,
}

/// The sections every rule's documentation has, in this order.
pub const DOC_SECTIONS: [&str; 5] = [
    "## What it checks",
    "## Why it matters",
    "## How to fix",
    "## Example",
    "## Fixed",
];
