//! Findings: what a rule reports, and where.

use serde::Serialize;
use shipshape_yaml::Location;

use crate::meta::{RuleMeta, Severity};
use shipshape_manifest::Object;

/// The object a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`; empty for cluster-scoped kinds.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
}

impl ObjectRef {
    fn of(object: &Object) -> Self {
        ObjectRef {
            api_version: object.api_version().to_owned(),
            kind: object.kind().to_owned(),
            namespace: object.namespace().to_owned(),
            name: object.name().to_owned(),
        }
    }

    /// `Kind namespace/name`, or `Kind name` when cluster-scoped.
    #[must_use]
    pub fn display_name(&self) -> String {
        shipshape_manifest::display_name(&self.kind, &self.namespace, &self.name)
    }
}

/// One problem found by one rule in one object.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that found it.
    pub rule: &'static RuleMeta,
    /// Its severity in this run (the rule's, unless the config changed it).
    pub severity: Severity,
    /// What is wrong, specifically.
    pub message: String,
    /// The object it is about.
    pub object: ObjectRef,
    /// JSON pointer of the offending field in the object (`/spec/replicas`); the field
    /// may be absent (a missing probe points at where it belongs).
    pub pointer: String,
    /// Where it was written: the field, else the object, else nothing (rendered objects
    /// point into their spec).
    pub location: Option<Location>,
    /// Why it is accepted, when an annotation suppresses it. Suppressed findings are kept
    /// and counted, never dropped.
    pub suppressed: Option<String>,
    /// Position of the object in the input, to order findings without a location.
    pub(crate) object_index: usize,
}

impl Finding {
    /// Whether it counts against the run (it is not suppressed).
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.suppressed.is_none()
    }
}

/// Collects the findings of one rule.
#[derive(Debug)]
pub struct Emitter<'a> {
    rule: &'static RuleMeta,
    findings: &'a mut Vec<Finding>,
}

impl<'a> Emitter<'a> {
    pub(crate) fn new(rule: &'static RuleMeta, findings: &'a mut Vec<Finding>) -> Self {
        Emitter { rule, findings }
    }

    /// Reports `message` about the field at `pointer` of `object`.
    pub fn report(
        &mut self,
        object: &Object,
        pointer: impl Into<String>,
        message: impl Into<String>,
    ) {
        let pointer = pointer.into();
        self.findings.push(Finding {
            rule: self.rule,
            severity: self.rule.severity,
            message: message.into(),
            object: ObjectRef::of(object),
            location: object.locate(&pointer),
            pointer,
            suppressed: None,
            object_index: object.index(),
        });
    }
}
