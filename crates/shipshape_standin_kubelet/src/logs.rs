//! The kubelet's log endpoint, so `kubectl logs` (and a deploy's diagnosis) reads
//! something from a pod that runs no container: the API server proxies
//! `pods/NAME/log` to `https://NODE:PORT/containerLogs/NAMESPACE/POD/CONTAINER`, and every
//! fake node names this one server's port.
//!
//! What a container "printed" is the pod's annotation [`LOG_ANNOTATION`] (lines of text,
//! the same for every container), followed, when the pod was asked to fail, by a line
//! saying how the container ended.

use std::convert::Infallible;
use std::sync::Arc;

use anyhow::{Context, Result};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::failure::{FAIL_ANNOTATION, Failure};

/// The annotation whose text a pod's containers "print".
pub const LOG_ANNOTATION: &str = "standin.shipshape.dev/log";

/// What `containerLogs` returns for `container` of `pod`: the annotation's lines, then
/// the failure's, the last `tail` of them when the request asks for `tailLines`.
#[must_use]
pub fn log_text(pod: &Pod, container: &str, tail: Option<usize>) -> String {
    let annotations = pod.metadata.annotations.as_ref();
    let mut lines: Vec<String> = annotations
        .and_then(|a| a.get(LOG_ANNOTATION))
        .map(|text| text.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    let requested = annotations.and_then(|a| a.get(FAIL_ANNOTATION));
    let ending = match requested.map(|v| (v, Failure::parse(v))) {
        Some((value, Ok(Failure::CrashLoop | Failure::Fail))) => Some(format!(
            "stand-in kubelet: container {container} exited with code 1 ({FAIL_ANNOTATION}: {value})"
        )),
        _ => None,
    };
    lines.extend(ending);
    let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
    lines
        .iter()
        .skip(skip)
        .map(|line| format!("{line}\n"))
        .collect()
}

/// The TLS side of the server, from PEM files (up.sh makes them with its CA; the API
/// server does not verify a kubelet's certificate unless told to).
///
/// # Errors
/// A file that cannot be read or holds no certificate or key.
pub fn acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<TlsAcceptor> {
    let certs = std::fs::read(cert).with_context(|| format!("reading {}", cert.display()))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&certs)
        .collect::<Result<_, _>>()
        .with_context(|| format!("reading the certificates of {}", cert.display()))?;
    let key_pem = std::fs::read(key).with_context(|| format!("reading {}", key.display()))?;
    let key_der = PrivateKeyDer::from_pem_slice(&key_pem)
        .with_context(|| format!("reading the private key of {}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("choosing TLS versions")?
        .with_no_client_auth()
        .with_single_cert(certs, key_der)
        .context("pairing the certificate with its key")?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Serves `containerLogs` on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, tls: TlsAcceptor, pods: Api<Pod>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let tls = tls.clone();
        let pods = pods.clone();
        tokio::spawn(async move {
            let Ok(stream) = tls.accept(stream).await else {
                return;
            };
            let service = hyper::service::service_fn(move |request| answer(request, pods.clone()));
            // A connection the API server drops mid-way is its business.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn answer(
    request: Request<Incoming>,
    pods: Api<Pod>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let respond = |status: StatusCode, text: String| {
        let mut response = Response::new(Full::new(Bytes::from(text)));
        *response.status_mut() = status;
        Ok(response)
    };
    let parts: Vec<&str> = request.uri().path().trim_matches('/').split('/').collect();
    let ["containerLogs", namespace, name, container] = parts.as_slice() else {
        return respond(
            StatusCode::NOT_FOUND,
            "the stand-in kubelet serves containerLogs only\n".to_owned(),
        );
    };
    let tail = request.uri().query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("tailLines="))
            .and_then(|n| n.parse().ok())
    });
    let api: Api<Pod> = Api::namespaced(pods.into_client(), namespace);
    match api.get_opt(name).await {
        Ok(Some(pod)) => respond(StatusCode::OK, log_text(&pod, container, tail)),
        Ok(None) => respond(
            StatusCode::NOT_FOUND,
            format!("pod {namespace}/{name} not found\n"),
        ),
        Err(e) => respond(
            StatusCode::BAD_GATEWAY,
            format!("reading pod {namespace}/{name}: {e}\n"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(annotations: serde_json::Value) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "p", "annotations": annotations}}))
            .expect("a pod")
    }

    #[test]
    fn a_pod_prints_its_annotation_then_how_it_failed() {
        let crashing = pod(json!({
            LOG_ANNOTATION: "starting\nconnecting to db:5432\nconnection refused",
            FAIL_ANNOTATION: "crash-loop",
        }));
        assert_eq!(
            log_text(&crashing, "api", None),
            "starting\nconnecting to db:5432\nconnection refused\n\
             stand-in kubelet: container api exited with code 1 (standin.shipshape.dev/fail: crash-loop)\n"
        );
        assert_eq!(
            log_text(&crashing, "api", Some(2)),
            "connection refused\n\
             stand-in kubelet: container api exited with code 1 (standin.shipshape.dev/fail: crash-loop)\n"
        );
    }

    #[test]
    fn a_healthy_pod_prints_only_its_annotation_and_a_silent_one_nothing() {
        let healthy = pod(json!({LOG_ANNOTATION: "listening on :8080"}));
        assert_eq!(log_text(&healthy, "web", Some(10)), "listening on :8080\n");
        let never_ready = pod(json!({FAIL_ANNOTATION: "never-ready"}));
        assert_eq!(log_text(&never_ready, "web", None), "");
    }
}
