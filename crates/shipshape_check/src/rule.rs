//! What a rule is: its metadata, its documentation, and the check it runs.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::context::CheckContext;
use crate::finding::Emitter;
use crate::input::Object;

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

/// A rule's metadata; implemented by [`declare_rule!`](crate::declare_rule).
pub trait Documented {
    /// The rule's id, severity, theme and documentation.
    fn meta(&self) -> &'static RuleMeta;
}

/// A rule that looks at one object at a time.
pub trait ObjectRule: Documented + Sync {
    /// Reports what is wrong with `object`.
    fn check(&self, object: &Object, out: &mut Emitter<'_>);
}

/// A rule that needs the whole input: objects that refer to or contradict each other.
pub trait SetRule: Documented + Sync {
    /// Reports what is wrong across the objects of `cx`.
    fn check(&self, cx: &CheckContext<'_>, out: &mut Emitter<'_>);
}

/// A rule as the registry holds it.
#[derive(Clone, Copy)]
pub enum Rule {
    /// A single-object rule.
    Object(&'static dyn ObjectRule),
    /// A cross-object rule.
    Set(&'static dyn SetRule),
}

impl Rule {
    /// The rule's metadata.
    #[must_use]
    pub fn meta(self) -> &'static RuleMeta {
        match self {
            Rule::Object(r) => r.meta(),
            Rule::Set(r) => r.meta(),
        }
    }

    /// Whether it looks at one object or the whole input.
    #[must_use]
    pub fn scope(self) -> Scope {
        match self {
            Rule::Object(_) => Scope::Object,
            Rule::Set(_) => Scope::Set,
        }
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.meta().id)
    }
}

/// Declares a rule: a unit struct whose doc comment becomes the rule's documentation,
/// with its id, name, severity, theme and one-line summary. The rule file then implements
/// [`ObjectRule`] or [`SetRule`] for it and lists it in `rules/mod.rs`.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it checks
///     /// ...
///     pub struct MissingReadinessProbe {
///         id: "SS010",
///         name: "missing-readiness-probe",
///         severity: Warning,
///         theme: Reliability,
///         summary: "container of a long-running workload has no readiness probe",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            id: $id:literal,
            name: $slug:literal,
            severity: $severity:ident,
            theme: $theme:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $name;

        impl $crate::Documented for $name {
            fn meta(&self) -> &'static $crate::RuleMeta {
                static META: $crate::RuleMeta = $crate::RuleMeta {
                    id: $id,
                    name: $slug,
                    severity: $crate::Severity::$severity,
                    theme: $crate::Theme::$theme,
                    summary: $summary,
                    doc: concat!($($doc, "\n"),*),
                };
                &META
            }
        }
    };
}
