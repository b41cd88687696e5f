//! What the providers run in the cluster, and the backups of every service.

use shipshape_spec::{Provider, ServiceType};

use super::{backups, cloudnative_pg, etcd, postgres_statefulset, redis, zalando};
use crate::context::Ctx;

/// Renders what the providers run in the cluster, and the backups of every service.
pub fn render(ctx: &mut Ctx<'_>) {
    let spec = ctx.spec;
    for (name, service) in &spec.services {
        match (service.kind, service.provider()) {
            (ServiceType::Postgres, Provider::Statefulset) => {
                postgres_statefulset::render(ctx, name, service);
            }
            (ServiceType::Postgres, Provider::CloudnativePg) => {
                cloudnative_pg::render(ctx, name, service);
            }
            (ServiceType::Postgres, Provider::Zalando) => zalando::render(ctx, name, service),
            (ServiceType::Etcd, _) => etcd::render(ctx, name, service),
            (ServiceType::Redis, Provider::Statefulset) => redis::render(ctx, name, service),
            _ => {}
        }
        backups::render(ctx, name, service);
    }
}
