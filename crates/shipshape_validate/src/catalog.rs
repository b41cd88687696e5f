//! Every schema one run validates against, and the verdict on each object.

use std::sync::Arc;

use serde_json::Value;
use shipshape_grammar::KubeVersion;
use shipshape_manifest::api_lifecycle::{self, ApiChange, ApiStatus};

use crate::builtin::{Builtin, group_of};
use crate::crd::{self, CustomKinds, Lookup};
use crate::meta;
use crate::problem::{Problem, Step};
use crate::schema::{NodeId, Schema};
use crate::walk::{Walk, nearest};

/// What a run validates against.
#[derive(Debug, Clone)]
pub struct Target {
    /// The Kubernetes version (default: the newest supported).
    pub version: KubeVersion,
    /// CustomResourceDefinitions given by the user (`--crd`), besides those in the input
    /// and those shipshape ships.
    pub crds: Arc<[Value]>,
    /// Whether a custom resource without a schema is an error rather than skipped.
    pub strict_crds: bool,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            version: KubeVersion::NEWEST,
            crds: Arc::from([]),
            strict_crds: false,
        }
    }
}

/// What an object is validated against, or why it is not.
enum Resolved<'a> {
    Schema {
        schema: &'a Schema,
        root: NodeId,
        custom: bool,
    },
    Removed(&'static ApiChange),
    /// Refused before any schema: an unknown built-in kind or version.
    Refused(Problem),
    /// A custom resource no CRD defines.
    Unknown,
}

/// `apiVersion` and `kind`; the loader makes sure both are strings.
fn type_of(object: &Value) -> (&str, &str) {
    let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or_default();
    (text("apiVersion"), text("kind"))
}

/// The error for a custom resource without a schema under `--strict-crds`.
fn no_schema(object: &Value) -> Problem {
    let (api_version, kind) = type_of(object);
    Problem::at(
        &[Step::Key("kind")],
        None,
        format!(
            "no schema for {kind} in {api_version}: give its CustomResourceDefinition with --crd or in the input"
        ),
    )
}

/// The verdict on one object.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The API server would accept it.
    Valid,
    /// It would be refused, for these reasons.
    Invalid(Vec<Problem>),
    /// Its API version is no longer served (see [`api_lifecycle`]).
    Removed(&'static ApiChange),
    /// A custom resource no known CRD defines: not validated (an error instead with
    /// [`Target::strict_crds`]).
    Skipped,
}

/// The schemas of one run: the built-in kinds of the target version, and the custom
/// kinds of the CRDs in the input, given by the user, and shipped with shipshape.
#[derive(Debug)]
pub struct Catalog {
    version: KubeVersion,
    strict_crds: bool,
    builtin: &'static Builtin,
    user: CustomKinds,
}

impl Catalog {
    /// The catalog for `target`, with the CRDs among `input` (later ones win).
    pub fn new<'a>(target: &Target, input: impl IntoIterator<Item = &'a Value>) -> Catalog {
        let mut user = CustomKinds::default();
        let given = target.crds.iter();
        for crd in given.filter(|v| crd::is_crd(v)) {
            user.add(crd);
        }
        for crd in input.into_iter().filter(|v| crd::is_crd(v)) {
            user.add(crd);
        }
        Catalog {
            version: target.version,
            strict_crds: target.strict_crds,
            builtin: Builtin::get(target.version),
            user,
        }
    }

    /// The target version.
    #[must_use]
    pub fn version(&self) -> KubeVersion {
        self.version
    }

    /// Whether the API server of the target version would accept `object`.
    #[must_use]
    pub fn validate(&self, object: &Value) -> Verdict {
        match self.resolve(object) {
            Resolved::Schema {
                schema,
                root,
                custom,
            } => self.verdict(schema, root, custom, object),
            Resolved::Removed(change) => Verdict::Removed(change),
            Resolved::Refused(problem) => Verdict::Invalid(vec![problem]),
            Resolved::Unknown if self.strict_crds => Verdict::Invalid(vec![no_schema(object)]),
            Resolved::Unknown => Verdict::Skipped,
        }
    }

    /// Whether `object` is a custom resource that no CRD defines, and so is skipped
    /// (never, with [`Target::strict_crds`]). Cheaper than [`Catalog::validate`].
    #[must_use]
    pub fn is_skipped(&self, object: &Value) -> bool {
        !self.strict_crds && matches!(self.resolve(object), Resolved::Unknown)
    }

    /// What `object` is validated against.
    fn resolve(&self, object: &Value) -> Resolved<'_> {
        let (api_version, kind) = type_of(object);
        if let Some(ApiStatus::Removed(change)) =
            api_lifecycle::status(api_version, kind, self.version)
        {
            return Resolved::Removed(change);
        }
        if let Some(root) = self.builtin.kind(api_version, kind) {
            let schema = &self.builtin.schema;
            return Resolved::Schema {
                schema,
                root,
                custom: false,
            };
        }
        let group = group_of(api_version);
        if self.builtin.is_builtin_group(group) {
            return Resolved::Refused(self.unknown_builtin(api_version, kind));
        }
        let version = api_version.rsplit('/').next().unwrap_or_default();
        let lookup = match self.user.lookup(group, version, kind) {
            Lookup::Unknown => CustomKinds::shipped().lookup(group, version, kind),
            found => found,
        };
        match lookup {
            Lookup::Found(schema, root) => Resolved::Schema {
                schema,
                root,
                custom: true,
            },
            Lookup::OtherVersions { crd, versions } => Resolved::Refused(Problem::at(
                &[Step::Key("apiVersion")],
                None,
                format!(
                    "the CustomResourceDefinition {crd} serves {kind} as {}, not {version}",
                    versions.join(", ")
                ),
            )),
            Lookup::Unknown => Resolved::Unknown,
        }
    }

    fn verdict(&self, schema: &Schema, root: NodeId, custom: bool, object: &Value) -> Verdict {
        let (_, kind) = type_of(object);
        let mut walk = Walk::new(schema, Vec::new());
        walk.value(root, object);
        let mut problems = walk.finish();
        if custom && let Some(metadata) = object.get("metadata") {
            let mut walk = Walk::new(&self.builtin.schema, vec![Step::Key("metadata")]);
            walk.value(self.builtin.object_meta, metadata);
            problems.extend(walk.finish());
        }
        problems.extend(meta::check(kind, object));
        if problems.is_empty() {
            Verdict::Valid
        } else {
            Verdict::Invalid(problems)
        }
    }

    /// The problem with a kind of a built-in group that has no schema: an unknown kind
    /// (a typo) or a version the target does not serve.
    fn unknown_builtin(&self, api_version: &str, kind: &str) -> Problem {
        if let Some(kinds) = self.builtin.kinds_of(api_version) {
            let hint = nearest(kind, kinds)
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_default();
            return Problem::at(
                &[Step::Key("kind")],
                None,
                format!("{api_version} has no kind `{kind}`{hint}"),
            );
        }
        let served = self.builtin.versions_of(kind);
        let hint = if served.is_empty() {
            String::new()
        } else {
            format!("; {kind} is served as {}", served.join(", "))
        };
        Problem::at(
            &[Step::Key("apiVersion")],
            None,
            format!(
                "`{api_version}` is not served by Kubernetes {}{hint}",
                self.version
            ),
        )
    }
}
