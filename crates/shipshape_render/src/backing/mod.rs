//! Backing services: one interface of typed outputs, whoever runs the service.
//!
//! Each type (`postgres`, `etcd`, `redis`, `s3`) has providers (`external`,
//! `statefulset`, `cloudnative-pg`, `zalando`), and every provider of a type hands out
//! the same [`Outputs`]: where the server is, how to log in (as Secret references, never
//! values), its read replicas, and how to reach it through a NetworkPolicy. Two modules
//! consume them, and neither knows which provider it talks to: `wiring` turns the
//! outputs a component asks for in `needs` into environment variables, and
//! `network_policy` turns [`Reach`] into egress rules. So moving a database from a
//! development StatefulSet to an operator changes one line of the spec and no component.
//!
//! Providers that run something in the cluster also render it (`render` calls them):
//! `postgres_statefulset`, `redis` and `etcd` a StatefulSet of their own (built by
//! `workload`), `cloudnative_pg` and `zalando` a resource for their operator and a
//! NetworkPolicy over the pods it runs (`operated`). `backups`
//! renders the scheduled backups of the providers that do not back up by themselves.
//! The outputs (`outputs`) are a leaf that every module here and the component
//! renderers read; this module only asks the right provider for them.

mod backup_pods;
mod backups;
mod cloudnative_pg;
mod etcd;
mod operated;
pub mod outputs;
mod postgres;
mod postgres_statefulset;
mod redis;
pub mod render;
mod s3;
mod workload;
mod zalando;

use shipshape_spec::{BackingService, Provider, ServiceType};

use crate::context::Ctx;
use crate::wait::{Target, Until};

pub use outputs::{Outputs, Piece, Reach, Value};

/// The outputs of the service `name`, from whichever provider runs it.
pub fn outputs(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Outputs {
    match (service.kind, service.provider()) {
        (ServiceType::Postgres, Provider::External) => postgres::external(ctx, service),
        (ServiceType::Postgres, Provider::Statefulset) => {
            postgres_statefulset::outputs(ctx, name, service)
        }
        (ServiceType::Postgres, Provider::CloudnativePg) => {
            cloudnative_pg::outputs(ctx, name, service)
        }
        (ServiceType::Postgres, Provider::Zalando) => zalando::outputs(ctx, name, service),
        (ServiceType::Etcd, _) => etcd::outputs(ctx, name, service),
        (ServiceType::Redis, Provider::External) => redis::external(ctx, service),
        (ServiceType::Redis, _) => redis::in_cluster(ctx, name, service),
        (ServiceType::S3, _) => s3::outputs(ctx, service),
    }
}

/// The object that runs the in-cluster service `name`, and when it serves: what a
/// migration that needs the service waits for. `None` for a service outside the cluster,
/// which is there before the app.
pub fn server(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Option<Target> {
    Some(match (service.kind, service.provider()) {
        (_, Provider::External) => return None,
        (ServiceType::Postgres, Provider::CloudnativePg) => Target {
            group: "postgresql.cnpg.io",
            resource: "clusters",
            kind: "Cluster",
            name: name.to_owned(),
            until: Until::Condition("Ready"),
        },
        (ServiceType::Postgres, Provider::Zalando) => Target {
            group: "acid.zalan.do",
            resource: "postgresqls",
            kind: "postgresql",
            name: zalando::cluster_name(ctx, name, service),
            until: Until::Field("PostgresClusterStatus", "Running"),
        },
        // `postgres` and `redis` on `statefulset`, and etcd: a StatefulSet of their own.
        _ => Target {
            group: "apps",
            resource: "statefulsets",
            kind: "StatefulSet",
            name: name.to_owned(),
            until: Until::AllReplicasReady,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::spec;

    /// A fixture with every type and provider, development profile.
    pub(super) const BACKING: &str = include_str!("../../tests/fixtures/backing.yaml");

    /// What the production profile takes.
    const PRODUCTION: &str = include_str!("../../tests/fixtures/backing-production.yaml");

    #[test]
    fn both_fixtures_render_the_same_bytes_twice() {
        for yaml in [BACKING, PRODUCTION] {
            let once = crate::test_support::rendered(yaml).manifests.to_yaml();
            assert_eq!(
                once,
                crate::test_support::rendered(yaml).manifests.to_yaml()
            );
        }
    }

    /// The development fixture differs from what production takes only in its
    /// development-only PostgreSQL.
    #[test]
    fn production_refuses_only_the_development_postgres() {
        let yaml = BACKING.replace("profile: development", "profile: production");
        let err = shipshape_spec::load_str("backing.yaml", &yaml, std::path::Path::new("."), None)
            .expect_err("production refuses a statefulset postgres");
        let messages: Vec<&str> = err.0.iter().map(|d| d.message()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].starts_with("`provider: statefulset`"),
            "{messages:?}"
        );
    }

    /// Every output a type lists for `needs` is one every provider of it can give, so
    /// validation and rendering agree on the vocabulary.
    #[test]
    fn every_listed_output_has_a_value() {
        let app = spec(BACKING);
        let ctx = Ctx::new(&app);
        for (name, service) in &app.services {
            let outputs = outputs(&ctx, name, service);
            for output in service.kind.outputs() {
                // Validation makes sure these are there when asked for.
                let optional = match *output {
                    "pool" => service.pool.is_none(),
                    "user" | "password" => {
                        service.provider() == Provider::External && service.credentials.is_none()
                    }
                    _ => false,
                };
                assert!(
                    optional || outputs.value(output).is_some(),
                    "`{name}` has no `{output}`"
                );
            }
            assert_eq!(outputs.value("no-such-output"), None);
        }
    }
}
