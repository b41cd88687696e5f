//! What a rule is: the check it runs, over one object or the whole input, and the
//! macro that declares one with its metadata.

use std::fmt;

use shipshape_manifest::Object;

use crate::context::CheckContext;
use crate::finding::Emitter;
use crate::meta::{RuleMeta, Scope};

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
/// [`ObjectRule`] or [`SetRule`] for it, and the rule is listed in `registry.rs`. A rule
/// that needs what only the registry knows takes it as a tuple field
/// (`pub struct InvalidSuppression(pub fn(&str) -> Option<String>) { ... }`), which the
/// registry fills in.
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
        $vis:vis struct $name:ident $(( $($field_vis:vis $field:ty),* $(,)? ))? {
            id: $id:literal,
            name: $slug:literal,
            severity: $severity:ident,
            theme: $theme:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy)]
        $vis struct $name $(( $($field_vis $field),* ))?;

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
