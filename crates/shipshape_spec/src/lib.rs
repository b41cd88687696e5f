//! The `shipshape.yaml` application spec.
//!
//! [`load_path`] and [`load_str`] read a spec, apply the selected environment overlay,
//! deserialize it into an [`AppSpec`] and check it for impossible values. Every problem
//! comes back as a [`Diagnostic`] that names file, line and column, shows the snippet and
//! says what to do. Overlays of the environments that were not selected are checked too,
//! so a typo in `prod` fails a `dev` render instead of a production rollout.

mod app;
mod batch;
mod budget;
mod component;
mod config;
mod defaults;
mod env;
mod environments;
mod expose;
mod health;
mod hosts;
mod patches;
mod problem;
mod rbac;
mod resources;
mod scalars;
mod schema;
mod secrets;
mod services;
mod stateful;
mod validate;
mod warnings;

use std::path::{Path, PathBuf};

pub use app::{
    AppSpec, ClusterDns, IngressController, Monitoring, OperatorPods, Platform, Profile,
};
pub use batch::{Concurrency, History, Schedule, TimeZone};
pub use budget::{Budget, PodsOf, Share};
pub use component::{
    Autoscale, BehaviorPreset, Component, ComponentKind, Disruption, EgressRule, IntOrPercent,
    MetricTarget, Metrics, Migrations, Needs, PortDetail, PortSpec, Protocol, Rollout,
    RolloutStrategy, ScalingBehavior, Security, Shutdown, Spread, SpreadMode, TaintEffect,
    Toleration, TolerationOperator,
};
pub use config::ConfigSpec;
pub use defaults::{
    DEFAULT_BACKOFF, DEFAULT_DRAIN, DEFAULT_MAX_CONNECTIONS, DEFAULT_PROBE_PERIOD,
    DEFAULT_PROBE_TIMEOUT, DEFAULT_PROGRESS_DEADLINE, DEFAULT_REPLICAS,
    DEFAULT_RESERVED_CONNECTIONS, DEFAULT_REVISION_HISTORY, DEFAULT_RUN_DEADLINE,
    DEFAULT_STARTING_DEADLINE, DEFAULT_TIME_ZONE, GRACE_MARGIN, LONG_LIVED_TIMEOUT, ShutdownTimes,
};
pub use env::{EnvSource, EnvValue, FileSource, POD_FIELDS, RESOURCE_FIELDS};
pub use expose::{Expose, ExposeProtocol, GatewayParent, IngressOptions, Tls};
pub use health::{Health, Probe, ProbeScheme};
pub use hosts::{HostSet, tls_secret};
pub use patches::{Patch, PatchTarget};
pub use problem::{Path as SpecPath, Problem, closest, dotted};
pub use rbac::Permission;
pub use resources::{Resources, SizePreset};
pub use scalars::{
    Bounds, CpuBounds, Image, MemoryBounds, Percent, Quantity, QuantityKind, Replicas, Seconds,
    StorageSize,
};
pub use schema::json_schema;
pub use secrets::{Existing, External, Generate, GenerateFormat, SecretSpec, StoreKind};
pub use services::{
    BackingService, Backup, Credentials, DEFAULT_INSTANCES, DEFAULT_RETENTION_DAYS, Provider,
    ServiceType, SslMode, Storage, StorageDetail,
};
#[doc(hidden)]
pub use shipshape_yaml::PathSegment as __PathSegment;
pub use shipshape_yaml::{Diagnostic, Diagnostics, Location, Node, SourceFile};
pub use stateful::{AccessMode, HEADLESS_SUFFIX, Identity, PodManagement, Volume};

/// The file name looked for when a directory is given.
pub const SPEC_FILE_NAME: &str = "shipshape.yaml";

/// A spec that loaded and passed every check, with what is needed to point back into it.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The spec with the selected environment applied.
    pub spec: AppSpec,
    /// The environment applied, if any.
    pub environment: Option<String>,
    /// The text it came from.
    pub source: SourceFile,
    /// The spanned tree after the overlay, for locating later problems.
    pub tree: Node,
    /// The directory `from:` paths are relative to.
    pub base_dir: PathBuf,
    /// What the spec may say but probably should not (a serving component without a
    /// readiness probe), located; `render` prints them and goes on.
    pub warnings: Vec<Problem>,
}

impl LoadedSpec {
    /// A diagnostic for a problem found after loading (say, by the renderer).
    #[must_use]
    pub fn diagnostic(&self, problem: &Problem) -> Diagnostic {
        problem.diagnostic(&self.source, &self.tree)
    }
}

/// Loads a spec from a file, or from `shipshape.yaml` in a directory.
///
/// # Errors
/// Every problem found, located.
pub fn load_path(path: &Path, environment: Option<&str>) -> Result<LoadedSpec, Diagnostics> {
    let file = if path.is_dir() {
        path.join(SPEC_FILE_NAME)
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(&file).map_err(|e| {
        let what = if path.is_dir() {
            format!(
                "no `{SPEC_FILE_NAME}` in `{}` ({e}); run `shipshape init` to write one",
                path.display()
            )
        } else {
            format!("cannot read `{}`: {e}", file.display())
        };
        Diagnostics::from(Diagnostic::new(what))
    })?;
    let base_dir = file
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    load_str(&file.display().to_string(), &text, &base_dir, environment)
}

/// Loads a spec from text; `name` is what diagnostics call the file.
///
/// # Errors
/// Every problem found, located.
pub fn load_str(
    name: &str,
    text: &str,
    base_dir: &Path,
    environment: Option<&str>,
) -> Result<LoadedSpec, Diagnostics> {
    let source = SourceFile::new(name, text);
    let tree =
        shipshape_yaml::parse_single(text).map_err(|e| Diagnostics::from(source.diagnostic(&e)))?;
    let (base, overlays) = environments::split(tree.clone())
        .map_err(|p| Diagnostics::from(p.diagnostic(&source, &tree)))?;
    if let Some(wanted) = environment
        && !overlays.iter().any(|(n, _)| n == wanted)
    {
        return Err(Diagnostics::from(environments::unknown(
            wanted, &overlays, &source,
        )));
    }
    // Check the selected environment (or the base) first, so a problem it shares with
    // the others is reported as the user asked for it, then every other overlay.
    let mut order: Vec<Option<&str>> = vec![environment];
    order.extend(
        overlays
            .iter()
            .map(|(n, _)| Some(n.as_str()))
            .filter(|n| *n != environment),
    );
    let mut all = Vec::new();
    let mut kept = None;
    for env_name in order {
        let merged = match env_name {
            None => base.clone(),
            Some(n) => {
                let overlay = &overlays.iter().find(|(o, _)| o == n).expect("listed").1;
                environments::apply(&base, overlay)
            }
        };
        match check(&merged, &source, base_dir, env_name) {
            Ok(spec) if env_name == environment => kept = Some((spec, merged, env_name)),
            Ok(_) => {}
            Err(diags) => {
                for d in diags {
                    let seen = all.iter().any(|s: &Diagnostic| {
                        s.location() == d.location() && s.message() == d.message()
                    });
                    if !seen {
                        all.push(d);
                    }
                }
            }
        }
    }
    if !all.is_empty() {
        return Err(Diagnostics(all));
    }
    let (spec, tree, env_name) = kept.expect("the selected environment passed");
    Ok(LoadedSpec {
        warnings: warnings::warnings(&spec),
        spec,
        environment: env_name.map(str::to_owned),
        source,
        tree,
        base_dir: base_dir.to_path_buf(),
    })
}

fn check(
    tree: &Node,
    source: &SourceFile,
    base_dir: &Path,
    environment: Option<&str>,
) -> Result<AppSpec, Vec<Diagnostic>> {
    let mut spec: AppSpec = shipshape_yaml::from_node(tree)
        .map_err(|e| vec![with_environment(source.diagnostic(&e), environment)])?;
    let problems = validate::validate(&mut spec, base_dir);
    if problems.is_empty() {
        return Ok(spec);
    }
    let mut diagnostics: Vec<Diagnostic> = problems
        .iter()
        .map(|p| with_environment(p.diagnostic(source, tree), environment))
        .collect();
    // Checks run concept by concept; show the problems in the order of the text.
    diagnostics.sort_by_key(|d| d.location().map(|l| (l.line, l.column)));
    Err(diagnostics)
}

fn with_environment(d: Diagnostic, environment: Option<&str>) -> Diagnostic {
    match environment {
        None => d,
        Some(env) => d.with_context(format!("with environment `{env}`")),
    }
}
