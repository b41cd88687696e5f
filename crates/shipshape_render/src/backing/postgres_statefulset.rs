//! `provider: statefulset` PostgreSQL: one instance of the official image, for
//! development (the production profile refuses it: no failover, no point-in-time
//! recovery).
//!
//! The image creates the role `owner` with the password from the credentials secret and
//! the database on first start (`initdb` into an empty volume), and never again: changing
//! the password in the secret later does not change it in the database. That role is the
//! server's superuser, one more reason this provider is for development only. The volume is
//! mounted at `/var/lib/postgresql` and the data lives in its `data` directory, which
//! `initdb` creates with the 0700 mode PostgreSQL insists on; the volume's root, with
//! `lost+found` and the group permissions `fsGroup` gives it, is not the data directory.
//! The server writes its socket and lock file to `/var/run/postgresql`, an emptyDir.
//!
//! Kubernetes stops a container with SIGTERM, which PostgreSQL takes as a "smart"
//! shutdown that waits for every client to disconnect; the pool of any component would
//! hold it until the grace period ends in SIGKILL and crash recovery. The preStop hook
//! asks for a fast shutdown instead, which rolls back open transactions and stops cleanly.

use k8s_openapi::api::core::v1::{
    Container, EnvVar, EnvVarSource, ExecAction, Lifecycle, LifecycleHandler, Probe,
    SecretKeySelector, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_spec::BackingService;

use super::outputs::{Outputs, Reach, Value};
use super::postgres::Server as Postgres;
use super::workload::{self, Server};
use crate::context::Ctx;
use crate::secrets;

/// The port PostgreSQL listens on.
const PORT: u16 = 5432;

/// Where the volume is mounted, and where the data goes inside it.
const VOLUME: &str = "/var/lib/postgresql";
const PGDATA: &str = "/var/lib/postgresql/data";

/// The official image at `version`, unless the spec names an image.
pub(super) fn image(service: &BackingService) -> String {
    service.image.as_ref().map_or_else(
        || {
            format!(
                "docker.io/library/postgres:{}",
                service.version_or_default()
            )
        },
        |i| i.reference.clone(),
    )
}

/// The outputs: the Service's name, the owner role, the password from the credentials
/// secret.
pub(super) fn outputs(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Outputs {
    Postgres {
        host: ctx.service_host(name),
        port: PORT,
        database: service.database.clone().unwrap_or_default(),
        user: service
            .owner_or_default()
            .map(|o| Value::Text(o.to_owned())),
        password: password(ctx, service),
        url: None,
        read_hosts: Vec::new(),
        reach: Reach::Pods {
            labels: ctx.selector_labels(name),
            ports: vec![PORT],
        },
    }
    .outputs(service)
}

/// The password's key in the credentials secret.
fn password(ctx: &Ctx<'_>, service: &BackingService) -> Option<SecretKeySelector> {
    let c = service.credentials.as_ref()?;
    Some(secrets::key_ref(ctx, &c.secret, c.password_key()))
}

/// Renders the StatefulSet and what it needs.
pub(super) fn render(ctx: &mut Ctx<'_>, name: &str, service: &BackingService) {
    let container = container(ctx, service);
    let server = Server {
        container,
        data_path: VOLUME,
        writable: &["/var/run/postgresql"],
        client_ports: &[("postgres", PORT)],
        peer_ports: &[],
        replicas: 1,
        grace: 60,
        annotations: outputs(ctx, name, service).limit_annotations(ctx, name, service),
    };
    workload::render(ctx, name, service, server);
}

fn container(ctx: &Ctx<'_>, service: &BackingService) -> Container {
    let literal = |name: &str, value: &str| EnvVar {
        name: name.to_owned(),
        value: Some(value.to_owned()),
        value_from: None,
    };
    let mut env = vec![
        literal("PGDATA", PGDATA),
        literal(
            "POSTGRES_USER",
            service.owner_or_default().unwrap_or_default(),
        ),
        literal(
            "POSTGRES_DB",
            service.database.as_deref().unwrap_or_default(),
        ),
    ];
    if let Some(key) = password(ctx, service) {
        env.push(EnvVar {
            name: "POSTGRES_PASSWORD".to_owned(),
            value: None,
            value_from: Some(EnvVarSource {
                secret_key_ref: Some(key),
                ..EnvVarSource::default()
            }),
        });
    }
    // The image's entrypoint passes arguments that start with `-` to the server.
    let args = service
        .max_connections_or_default()
        .map(|n| vec!["-c".to_owned(), format!("max_connections={n}")]);
    let accepting = Probe {
        exec: Some(ExecAction {
            command: Some(
                ["pg_isready", "--host=127.0.0.1", "--port=5432", "--quiet"]
                    .map(str::to_owned)
                    .to_vec(),
            ),
        }),
        period_seconds: Some(10),
        timeout_seconds: Some(5),
        failure_threshold: Some(3),
        success_threshold: Some(1),
        ..Probe::default()
    };
    // During `initdb` on first start the server listens on its socket only, and after a
    // crash it accepts TCP connections (and turns them away) while it recovers: the
    // startup probe gives both five minutes, then liveness only asks that it listens,
    // so a long recovery is not killed halfway.
    let listening = Probe {
        exec: None,
        tcp_socket: Some(TCPSocketAction {
            port: IntOrString::String("postgres".to_owned()),
            host: None,
        }),
        ..accepting.clone()
    };
    Container {
        name: "postgres".to_owned(),
        image: Some(image(service)),
        args,
        env: Some(env),
        ports: Some(vec![workload::container_port("postgres", PORT)]),
        startup_probe: Some(Probe {
            failure_threshold: Some(30),
            ..listening.clone()
        }),
        liveness_probe: Some(listening),
        readiness_probe: Some(accepting),
        lifecycle: Some(Lifecycle {
            pre_stop: Some(LifecycleHandler {
                exec: Some(ExecAction {
                    command: Some(
                        ["pg_ctl", "stop", "--mode=fast", "--wait", "--timeout=50"]
                            .map(str::to_owned)
                            .to_vec(),
                    ),
                }),
                ..LifecycleHandler::default()
            }),
            ..Lifecycle::default()
        }),
        ..Container::default()
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use crate::backing::tests::BACKING;
    use crate::test_support::object;

    #[test]
    fn a_development_postgres_runs_restricted_with_its_data_on_a_volume() {
        let objects = [
            object(BACKING, "StatefulSet", "objects"),
            object(BACKING, "Service", "objects"),
            object(BACKING, "NetworkPolicy", "objects"),
        ];
        assert_snapshot!(objects.join("---\n"));
    }
}
