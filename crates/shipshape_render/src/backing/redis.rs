//! Redis: `external` (a managed Redis, wired only) or `statefulset` (one instance of the
//! official image in the cluster, with an append-only file on its volume).
//!
//! The in-cluster server always asks for the password from its credentials secret. At
//! start it writes it from the environment into a configuration file that only it can
//! read, on the pod's own `/tmp`, so the password is never on its command line (where
//! `ps` shows it). Probes authenticate through `REDISCLI_AUTH`, which redis-cli reads.

use k8s_openapi::api::core::v1::{
    Container, ExecAction, Probe, SecretKeySelector, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use shipshape_spec::{BackingService, Credentials};

use super::outputs::{Details, Outputs, Piece, Reach, Value};
use super::workload::{self, Server};
use crate::builders::from_secret;
use crate::context::Ctx;
use crate::secrets;

/// The port Redis listens on.
const PORT: u16 = 6379;

/// The official image at `version`, unless the spec names an image.
fn image(service: &BackingService) -> String {
    service.image.as_ref().map_or_else(
        || format!("docker.io/library/redis:{}", service.version_or_default()),
        |i| i.reference.clone(),
    )
}

/// The outputs of a Redis server at `host:port`.
fn redis(
    host: String,
    port: u16,
    tls: bool,
    password: Option<SecretKeySelector>,
    reach: Reach,
) -> Outputs {
    let scheme = if tls { "rediss" } else { "redis" };
    let mut url = vec![Piece::Text(format!("{scheme}://"))];
    if password.is_some() {
        url.extend([
            Piece::Text(":".to_owned()),
            Piece::Output("password"),
            Piece::Text("@".to_owned()),
        ]);
    }
    url.push(Piece::Text(format!("{host}:{port}")));
    Outputs {
        url: Value::template(url),
        host,
        port,
        database: None,
        user: None,
        password,
        read_hosts: Vec::new(),
        read_urls: Vec::new(),
        pool: None,
        details: Details::Redis,
        reach,
    }
}

fn password(ctx: &Ctx<'_>, c: &Credentials) -> SecretKeySelector {
    secrets::key_ref(ctx, &c.secret, c.password_key())
}

/// The outputs of an external server: what the spec says.
pub(super) fn external(ctx: &Ctx<'_>, service: &BackingService) -> Outputs {
    let port = service.port_or_default();
    redis(
        service.host.clone().unwrap_or_default(),
        port,
        service.tls.unwrap_or(false),
        service.credentials.as_ref().map(|c| password(ctx, c)),
        Reach::Network {
            cidr: service.cidr.clone(),
            ports: vec![port],
        },
    )
}

/// The outputs of the in-cluster server: its Service, no TLS.
pub(super) fn in_cluster(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Outputs {
    redis(
        ctx.service_host(name),
        PORT,
        false,
        service.credentials.as_ref().map(|c| password(ctx, c)),
        Reach::Pods {
            labels: ctx.selector_labels(name),
            ports: vec![PORT],
        },
    )
}

/// Renders the StatefulSet and what it needs.
pub(super) fn render(ctx: &mut Ctx<'_>, name: &str, service: &BackingService) {
    let server = Server {
        container: container(ctx, service),
        data_path: "/data",
        writable: &[],
        client_ports: &[("redis", PORT)],
        peer_ports: &[],
        replicas: 1,
        grace: 30,
        annotations: Default::default(),
    };
    workload::render(ctx, name, service, server);
}

/// Writes the password into a configuration file and replaces the shell with the server.
const START: &str = r#"umask 077
printf 'requirepass "%s"\n' "$REDIS_PASSWORD" >/tmp/redis.conf
exec redis-server /tmp/redis.conf --dir /data --appendonly yes --port 6379
"#;

fn container(ctx: &Ctx<'_>, service: &BackingService) -> Container {
    let env = service
        .credentials
        .as_ref()
        .map(|c| {
            ["REDIS_PASSWORD", "REDISCLI_AUTH"]
                .map(|var| from_secret(var, password(ctx, c)))
                .to_vec()
        })
        .unwrap_or_default();
    let ping = Probe {
        exec: Some(ExecAction {
            // redis-cli exits 0 on an error reply too; only PONG means it serves.
            command: Some(
                ["sh", "-c", "redis-cli -p 6379 ping | grep -q PONG"]
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
    // Loading a large append-only file takes a while and answers LOADING to PING; only
    // a server that stopped listening is restarted.
    let listening = Probe {
        exec: None,
        tcp_socket: Some(TCPSocketAction {
            port: IntOrString::String("redis".to_owned()),
            host: None,
        }),
        ..ping.clone()
    };
    Container {
        name: "redis".to_owned(),
        image: Some(image(service)),
        command: Some(vec!["sh".to_owned(), "-c".to_owned(), START.to_owned()]),
        env: Some(env),
        ports: Some(vec![workload::container_port("redis", PORT)]),
        startup_probe: Some(Probe {
            failure_threshold: Some(30),
            ..listening.clone()
        }),
        liveness_probe: Some(listening),
        readiness_probe: Some(ping),
        ..Container::default()
    }
}

#[cfg(test)]
mod tests {
    use insta::assert_snapshot;

    use crate::backing::tests::BACKING;
    use crate::test_support::object;

    #[test]
    fn an_in_cluster_redis_reads_its_password_from_the_environment() {
        let objects = [
            object(BACKING, "StatefulSet", "cache"),
            object(BACKING, "NetworkPolicy", "cache"),
        ];
        assert_snapshot!(objects.join("---\n"));
    }
}
