//! `provider: cloudnative-pg`: a `postgresql.cnpg.io/v1` Cluster for the CloudNativePG
//! operator, which runs the instances, fails over, and serves the primary through the
//! `<name>-rw` Service and the replicas through `<name>-ro`.
//!
//! Credentials: without `credentials` the operator creates the `<name>-app` Secret
//! (`username`, `password`, and ready-made URIs) for the owner role; with them, `initdb`
//! takes the owner's password from the given secret, which must hold `username` (the
//! owner) and `password`, the keys the operator reads.
//!
//! Backups are the operator's own: `backup.to` an s3 service sets the Cluster's
//! `barmanObjectStore` (WAL archived continuously, compressed, kept for `retention` days
//! as a recovery window) and a ScheduledBackup takes a base backup on the schedule, the
//! first one at once, since archived WAL is useless until a base backup precedes it.
//! The in-tree `barmanObjectStore` is deprecated since CloudNativePG 1.26 in favour of
//! the Barman Cloud plugin, and still supported; `patches` can move a Cluster to the
//! plugin until shipshape renders it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::SecretKeySelector;
use serde_json::{Value as Json, json};
use shipshape_manifest::Provenance;
use shipshape_spec::{BackingService, Backup, path};

use super::operated::{self, Operated};
use super::outputs::{Details, Outputs, Reach, Value};
use super::postgres::Server as Postgres;
use super::{s3, workload};
use crate::builders::resource_requirements;
use crate::context::{Ctx, record_written, service_key, service_path};
use crate::secrets;

/// The port of the instances.
const PORT: u16 = 5432;

/// The label the operator puts on the pods of a cluster.
const CLUSTER_LABEL: &str = "cnpg.io/cluster";

/// The instance manager's status port: the operator asks each instance for its state
/// there, and replicas ask the primary.
const STATUS_PORT: u16 = 8000;

/// The port the instance manager serves PostgreSQL metrics on.
const METRICS_PORT: u16 = 9187;

/// The labels of the pods of cluster `name`.
fn pod_labels(name: &str) -> BTreeMap<String, String> {
    [(CLUSTER_LABEL.to_owned(), name.to_owned())].into()
}

/// The operator's PostgreSQL image at `version`, unless the spec names an image.
fn image(service: &BackingService) -> String {
    service.image.as_ref().map_or_else(
        || {
            format!(
                "ghcr.io/cloudnative-pg/postgresql:{}",
                service.version_or_default()
            )
        },
        |i| i.reference.clone(),
    )
}

/// The Secret with the owner's password: the given one, or the one the operator makes.
fn password(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> SecretKeySelector {
    SecretKeySelector {
        name: service.credentials.as_ref().map_or_else(
            || format!("{name}-app"),
            |c| secrets::secret_name(ctx, &c.secret),
        ),
        // The operator reads these keys whatever the secret is.
        key: "password".to_owned(),
        optional: None,
    }
}

/// The outputs: the `-rw` Service for the primary, `-ro` for the replicas.
pub(super) fn outputs(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Outputs {
    let replicas = service.instances_or_default() > 1;
    Postgres {
        host: ctx.service_host(&format!("{name}-rw")),
        port: PORT,
        database: service.database.clone().unwrap_or_default(),
        user: service
            .owner_or_default()
            .map(|o| Value::Text(o.to_owned())),
        password: Some(password(ctx, name, service)),
        url: None,
        read_hosts: replicas
            .then(|| ctx.service_host(&format!("{name}-ro")))
            .into_iter()
            .collect(),
        reach: Reach::Pods {
            labels: pod_labels(name),
            ports: vec![PORT],
        },
    }
    .outputs(service)
}

/// Renders the Cluster, the NetworkPolicy of its instances, and the ScheduledBackup of
/// its backups.
pub(super) fn render(ctx: &mut Ctx<'_>, name: &str, service: &BackingService) {
    let pods = Operated {
        name: name.to_owned(),
        labels: pod_labels(name),
        client_port: PORT,
        member_ports: &[PORT, STATUS_PORT],
        operator: &ctx.spec.platform.cloudnative_pg,
        operator_ports: &[PORT, STATUS_PORT],
        metrics_port: Some(METRICS_PORT),
        // The instances archive WAL and upload base backups themselves.
        store: service
            .backup
            .as_ref()
            .and_then(|b| s3::target(ctx, b))
            .map(|(_, store)| store.reach),
    };
    let policy = operated::network_policy(ctx, name, service, &pods);
    ctx.emit(&policy, service_path(name), Provenance::new());
    let metadata = serde_json::to_value(ctx.service_metadata(name, name, service))
        .expect("metadata serializes");
    let storage = service.storage.as_ref().map(|s| &s.0);
    let backup = service.backup.as_ref().and_then(|b| object_store(ctx, b));
    let instances = service.instances_or_default();
    if instances < 2 {
        ctx.notes.push(format!(
            "service `{name}` runs a single PostgreSQL instance: nothing to fail over to; set `instances: 3`"
        ));
    }
    let (limits, limit_fields) = outputs(ctx, name, service).limit_annotations(ctx, name, service);
    let mut cluster_metadata = metadata.clone();
    cluster_metadata["annotations"] = json!(limits);
    let cluster = json!({
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": cluster_metadata,
        "spec": {
            "instances": instances,
            "imageName": image(service),
            // The operator switches over to an updated replica by itself.
            "primaryUpdateStrategy": "unsupervised",
            "storage": {
                "size": storage.map(|s| s.size.0.as_str()),
                "storageClass": storage.and_then(|s| s.class.as_deref()),
            },
            "resources": resource_requirements(&workload::resources(service)),
            "bootstrap": {"initdb": {
                "database": service.database,
                "owner": service.owner_or_default(),
                "secret": service.credentials.as_ref().map(|_| json!({"name": password(ctx, name, service).name})),
            }},
            "postgresql": service.max_connections_or_default().map(|n| json!({"parameters": {"max_connections": n.to_string()}})),
            "backup": backup,
        },
    });
    let mut fields = cluster_fields(ctx, name, service);
    fields.nest("", limit_fields);
    ctx.emit(&cluster, service_path(name), fields);
    if let (Some(b), Some(_)) = (&service.backup, &backup) {
        let scheduled = json!({
            "apiVersion": "postgresql.cnpg.io/v1",
            "kind": "ScheduledBackup",
            "metadata": metadata,
            "spec": {
                "cluster": {"name": name},
                "schedule": with_seconds(&b.schedule),
                "method": "barmanObjectStore",
                "immediate": true,
                // Backups go with the ScheduledBackup, not with the Cluster: deleting
                // the Cluster keeps the record of what is in the object store.
                "backupOwnerReference": "self",
            },
        });
        let mut fields = Provenance::new();
        fields.record(
            "/spec/schedule",
            service_key(name, path!["backup", "schedule"]),
        );
        ctx.emit(&scheduled, service_path(name), fields);
    }
}

/// The spec keys behind a Cluster's fields.
fn cluster_fields(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Provenance {
    let mut fields = Provenance::new();
    let key = |rest| service_key(name, rest);
    let optional = [
        ("/spec/instances", "instances", service.instances.is_some()),
        ("/spec/storage", "storage", service.storage.is_some()),
        ("/spec/resources", "resources", service.resources.is_some()),
        (
            "/spec/bootstrap/initdb/database",
            "database",
            service.database.is_some(),
        ),
        (
            "/spec/bootstrap/initdb/owner",
            "owner",
            service.owner.is_some(),
        ),
        (
            "/spec/bootstrap/initdb/secret",
            "credentials",
            service.credentials.is_some(),
        ),
        (
            "/spec/postgresql",
            "max_connections",
            service.max_connections.is_some(),
        ),
        ("/spec/backup", "backup", service.backup.is_some()),
    ];
    record_written(&mut fields, key, &optional);
    workload::record_resources_default(&mut fields, "/spec/resources", name, service);
    if let Some(image) = workload::image_key(name, service) {
        fields.record("/spec/imageName", image);
    }
    let secret = password(ctx, name, service).name;
    if let Some(name_key) = service
        .credentials
        .as_ref()
        .and(secrets::name_key(ctx, &secret))
    {
        fields.record("/spec/bootstrap/initdb/secret/name", name_key);
    }
    if service
        .backup
        .as_ref()
        .is_some_and(|b| b.retention.is_some())
    {
        let retention = key(path!["backup", "retention"]);
        fields.record("/spec/backup/retentionPolicy", retention);
    }
    fields
}

/// The Cluster's `backup`: WAL and base backups to the s3 service `backup.to`,
/// compressed, kept for `retention` days.
fn object_store(ctx: &Ctx<'_>, backup: &Backup) -> Option<Json> {
    let (s3, outputs) = s3::target(ctx, backup)?;
    let Details::S3 {
        bucket,
        access_key,
        secret_key,
        ..
    } = outputs.details
    else {
        return None;
    };
    let key = |k: SecretKeySelector| json!({"name": k.name, "key": k.key});
    Some(json!({
        "retentionPolicy": format!("{}d", backup.retention_or_default()),
        "barmanObjectStore": {
            // The operator adds the cluster's name (its `serverName`) to the path.
            "destinationPath": format!("s3://{bucket}/{}", ctx.namespace()),
            // AWS S3 needs no endpoint, and with none barman finds the bucket's region.
            "endpointURL": s3.endpoint,
            "s3Credentials": {
                "accessKeyId": key(access_key),
                "secretAccessKey": key(secret_key),
            },
            "wal": {"compression": "gzip"},
            "data": {"compression": "gzip"},
        },
    }))
}

/// A five-field cron schedule with a seconds field in front, as the operator's
/// scheduler wants; `@daily`-style macros stay as they are.
fn with_seconds(schedule: &str) -> String {
    if schedule.starts_with('@') {
        schedule.to_owned()
    } else {
        format!("0 {schedule}")
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use super::with_seconds;
    use crate::backing::tests::BACKING;
    use crate::test_support::{find, object};

    #[test]
    fn a_cluster_archives_to_s3_and_takes_scheduled_base_backups() {
        let objects = [
            object(BACKING, "Cluster", "modules"),
            object(BACKING, "ScheduledBackup", "modules"),
        ];
        assert_snapshot!(objects.join("---\n"));
    }

    #[test]
    fn given_credentials_bootstrap_the_owner() {
        let yaml = BACKING.replace(
            "    database: spoke\n",
            "    database: spoke\n    credentials: { secret: legacy-db }\n",
        );
        let cluster = find(&yaml, "Cluster", "modules");
        assert_eq!(
            cluster["spec"]["bootstrap"]["initdb"]["secret"]["name"],
            "legacy-db-credentials"
        );
    }

    #[test]
    fn schedules_get_a_seconds_field() {
        assert_eq!(with_seconds("0 3 * * *"), "0 0 3 * * *");
        assert_eq!(with_seconds("@daily"), "@daily");
    }
}
