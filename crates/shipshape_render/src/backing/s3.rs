//! S3: a bucket in AWS S3 or an S3-compatible store (MinIO, Ceph, R2...), always
//! external; components and backups read its endpoint, bucket, region and keys.

use shipshape_spec::{BackingService, Backup, Credentials, ServiceType};

use super::outputs::{Details, Outputs, Reach, Value};
use crate::context::Ctx;
use crate::secrets;

/// The endpoint: as written, or AWS S3's in the service's region.
pub(super) fn endpoint(service: &BackingService) -> String {
    service.endpoint.clone().unwrap_or_else(|| {
        format!(
            "https://s3.{}.amazonaws.com",
            service.region.as_deref().unwrap_or_default()
        )
    })
}

/// The host and port of an `http(s)://host[:port]/...` URL; the scheme's port when it
/// has none.
fn host_and_port(url: &str) -> (String, u16) {
    let (rest, default) = match url.strip_prefix("http://") {
        Some(rest) => (rest, 80),
        None => (url.trim_start_matches("https://"), 443),
    };
    let authority = rest.split('/').next().unwrap_or_default();
    match authority.rsplit_once(':') {
        Some((host, port)) => (host.to_owned(), port.parse().unwrap_or(default)),
        None => (authority.to_owned(), default),
    }
}

/// The outputs: what the spec says, keys from the credentials secret.
pub(super) fn outputs(ctx: &Ctx<'_>, service: &BackingService) -> Outputs {
    let endpoint = endpoint(service);
    let (host, port) = host_and_port(&endpoint);
    let key = |pick: fn(&Credentials) -> &str| {
        let c = service.credentials.as_ref();
        secrets::key_ref(ctx, c.map_or("", |c| c.secret.as_str()), c.map_or("", pick))
    };
    Outputs {
        url: Value::Text(endpoint.clone()),
        host,
        port,
        database: None,
        user: None,
        password: None,
        read_hosts: Vec::new(),
        read_urls: Vec::new(),
        pool: None,
        details: Details::S3 {
            endpoint,
            bucket: service.bucket.clone().unwrap_or_default(),
            region: service.region.clone().unwrap_or_default(),
            path_style: service.path_style.unwrap_or(false),
            access_key: key(Credentials::access_key_key),
            secret_key: key(Credentials::secret_key_key),
        },
        reach: Reach::Network {
            cidr: service.cidr.clone(),
            ports: vec![port],
        },
    }
}

/// The s3 service a backup goes to and its outputs, unless it goes to a volume.
pub(super) fn target<'a>(ctx: &Ctx<'a>, backup: &Backup) -> Option<(&'a BackingService, Outputs)> {
    let s3 = ctx.spec.services.get(backup.to.as_str())?;
    (s3.kind == ServiceType::S3).then(|| (s3, outputs(ctx, s3)))
}

#[cfg(test)]
mod tests {
    use super::host_and_port;

    #[test]
    fn endpoints_give_host_and_port() {
        assert_eq!(
            host_and_port("https://s3.eu-west-1.amazonaws.com"),
            ("s3.eu-west-1.amazonaws.com".to_owned(), 443)
        );
        assert_eq!(
            host_and_port("http://minio.storage:9000/"),
            ("minio.storage".to_owned(), 9000)
        );
    }
}
