//! `provider: zalando`: an `acid.zalan.do/v1` postgresql for Zalando's postgres-operator,
//! which runs Spilo (PostgreSQL with Patroni) pods, fails over, and serves the primary
//! through the Service named after the cluster and the replicas through `<cluster>-repl`.
//!
//! The operator wants a cluster's name to start with its team (`teamId`), so the
//! cluster of service `db` of team `shop` is `shop-db`. It creates each user's password
//! in a Secret named `<user>.<cluster>.credentials.postgresql.acid.zalan.do` (with `_`
//! in the user's name turned into `-`); the outputs point there. It backs clusters up
//! by itself (WAL-G, configured in the operator), so `backup` does not apply.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::SecretKeySelector;
use serde_json::json;
use shipshape_manifest::Provenance;
use shipshape_spec::BackingService;

use super::operated::{self, Operated};
use super::outputs::{Outputs, Reach, Value};
use super::postgres::Server as Postgres;
use super::workload;
use crate::builders::resource_requirements;
use crate::context::{Ctx, record_written, service_key, service_path};

/// The port of the instances.
const PORT: u16 = 5432;

/// Patroni's REST API: members check each other there before a failover, and the
/// operator switches over and restarts through it.
const PATRONI_PORT: u16 = 8008;

/// The labels the operator gives the Spilo pods of `cluster`.
fn pod_labels(cluster: &str) -> BTreeMap<String, String> {
    [
        ("application".to_owned(), "spilo".to_owned()),
        ("cluster-name".to_owned(), cluster.to_owned()),
    ]
    .into()
}

/// The team, the app's name unless the spec says.
fn team<'a>(ctx: &'a Ctx<'_>, service: &'a BackingService) -> &'a str {
    service.team.as_deref().unwrap_or(&ctx.spec.name)
}

/// The cluster's name: the service's, prefixed by its team.
pub(super) fn cluster_name(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> String {
    format!("{}-{name}", team(ctx, service))
}

/// The outputs: the cluster's Service for the primary, `-repl` for the replicas, the
/// owner's password from the operator's Secret.
pub(super) fn outputs(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Outputs {
    let cluster = cluster_name(ctx, name, service);
    let owner = service.owner_or_default().unwrap_or_default();
    let replicas = service.instances_or_default() > 1;
    Postgres {
        host: ctx.service_host(&cluster),
        port: PORT,
        database: service.database.clone().unwrap_or_default(),
        user: Some(Value::Text(owner.to_owned())),
        password: Some(SecretKeySelector {
            name: format!(
                "{}.{cluster}.credentials.postgresql.acid.zalan.do",
                owner.replace('_', "-")
            ),
            key: "password".to_owned(),
            optional: None,
        }),
        url: None,
        read_hosts: replicas
            .then(|| ctx.service_host(&format!("{cluster}-repl")))
            .into_iter()
            .collect(),
        reach: Reach::Pods {
            labels: pod_labels(&cluster),
            ports: vec![PORT],
        },
    }
    .outputs(service)
}

/// Renders the postgresql resource and the NetworkPolicy of its pods.
pub(super) fn render(ctx: &mut Ctx<'_>, name: &str, service: &BackingService) {
    let cluster = cluster_name(ctx, name, service);
    let pods = Operated {
        name: cluster.clone(),
        labels: pod_labels(&cluster),
        client_port: PORT,
        member_ports: &[PORT, PATRONI_PORT],
        operator: &ctx.spec.platform.zalando,
        // The operator creates users and databases over SQL, and manages Patroni.
        operator_ports: &[PORT, PATRONI_PORT],
        metrics_port: None,
        // WAL archiving is configured in the operator, not in the app.
        store: None,
    };
    let policy = operated::network_policy(ctx, name, service, &pods);
    ctx.emit(&policy, service_path(name), Provenance::new());
    let mut metadata = serde_json::to_value(ctx.service_metadata(&cluster, name, service))
        .expect("metadata serializes");
    let (limits, limit_fields) = outputs(ctx, name, service).limit_annotations(ctx, name, service);
    metadata["annotations"] = json!(limits);
    let owner = service.owner_or_default().unwrap_or_default();
    let storage = service.storage.as_ref().map(|s| &s.0);
    // The operator takes the major version only; Spilo picks the release.
    let version = service.version_or_default();
    let major = version.split('.').next().unwrap_or(version);
    let object = json!({
        "apiVersion": "acid.zalan.do/v1",
        "kind": "postgresql",
        "metadata": metadata,
        "spec": {
            "teamId": team(ctx, service),
            "numberOfInstances": service.instances_or_default(),
            "volume": {
                "size": storage.map(|s| s.size.0.as_str()),
                "storageClass": storage.and_then(|s| s.class.as_deref()),
            },
            // The owner gets no role flags: owning its database is all it needs.
            "users": {owner: []},
            "databases": {service.database.as_deref().unwrap_or_default(): owner},
            "postgresql": {
                "version": major,
                "parameters": service.max_connections_or_default().map(|n| json!({"max_connections": n.to_string()})),
            },
            "resources": resource_requirements(&workload::resources(service)),
        },
    });
    let mut fields = Provenance::new();
    let key = |rest| service_key(name, rest);
    let optional = [
        ("/spec/teamId", "team", service.team.is_some()),
        (
            "/spec/numberOfInstances",
            "instances",
            service.instances.is_some(),
        ),
        ("/spec/volume", "storage", service.storage.is_some()),
        ("/spec/resources", "resources", service.resources.is_some()),
        ("/spec/users", "owner", service.owner.is_some()),
        ("/spec/databases", "database", service.database.is_some()),
        (
            "/spec/postgresql/version",
            "version",
            service.version.is_some(),
        ),
        (
            "/spec/postgresql/parameters",
            "max_connections",
            service.max_connections.is_some(),
        ),
    ];
    record_written(&mut fields, key, &optional);
    workload::record_resources_default(&mut fields, "/spec/resources", name, service);
    fields.nest("", limit_fields);
    ctx.emit(&object, service_path(name), fields);
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use crate::backing::tests::BACKING;
    use crate::test_support::object;

    #[test]
    fn a_team_cluster_with_its_owner_and_database() {
        assert_snapshot!(object(BACKING, "postgresql", "spoke-audit"));
    }

    /// The Spilo pods admit their clients, each other and the operator on PostgreSQL
    /// and Patroni, and reach the DNS, each other and the API.
    #[test]
    fn the_spilo_pods_have_a_policy_of_their_own() {
        assert_snapshot!(object(BACKING, "NetworkPolicy", "spoke-audit"));
    }
}
