//! Valid `shipshape.yaml` specs, generated at random for property tests.
//!
//! [`spec`] is a proptest strategy whose every value is a spec `shipshape render`
//! accepts: random combinations of component kinds (service, worker, stateful, job,
//! cron), ports (HTTP, gRPC, peer ports, the ones callers use), `needs` between
//! components and on backing services, every provider of every backing service
//! (external, statefulset, cloudnative-pg, zalando; postgres, etcd, redis, s3), `expose`
//! by Ingress or Gateway over HTTP or gRPC, metrics, migrations, backups to a volume or
//! to an s3 service, generated, existing and external secrets, the namespace
//! default-deny on and off, and environment overlays. Tests that must hold for every
//! spec (the output checks clean, the NetworkPolicies admit exactly the traffic the spec
//! implies) run over it.
//!
//! The spec is chosen in two steps: proptest picks raw values independently (so it can
//! shrink each one), then a plan makes them consistent (a need names only what exists
//! and can be called, a backup goes where its provider can write). Its text is written
//! as a user would write it, so the loader is part of what is tested.
//!
//! ```
//! use proptest::strategy::{Strategy, ValueTree};
//! use proptest::test_runner::TestRunner;
//!
//! let mut runner = TestRunner::deterministic();
//! let generated = shipshape_spec_strategy::spec()
//!     .new_tree(&mut runner)
//!     .expect("a spec")
//!     .current();
//! assert!(generated.text.starts_with("name: shapes\n"));
//! ```

mod plan;
mod write;

use std::fmt;

use proptest::strategy::{BoxedStrategy, Strategy};

/// One generated spec.
#[derive(Clone, PartialEq, Eq)]
pub struct GeneratedSpec {
    /// The spec's YAML text, as it would be in `shipshape.yaml`.
    pub text: String,
    /// The environments it defines under `environments:`; each renders too (`--env`).
    pub environments: Vec<String>,
}

/// Shown as the spec's text, so a failing case reads like the file a user would write.
impl fmt::Debug for GeneratedSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "GeneratedSpec, environments {:?}:", self.environments)?;
        f.write_str(&self.text)
    }
}

/// Specs that load (in every environment they define) and render.
pub fn spec() -> BoxedStrategy<GeneratedSpec> {
    plan::plan().prop_map(|plan| write::spec(&plan)).boxed()
}
