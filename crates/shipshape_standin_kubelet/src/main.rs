//! `shipshape-standin-kubelet`: the test harness's kubelet (see the library's docs).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use kube::config::{KubeConfigOptions, Kubeconfig};
use shipshape_simulate::cluster::{Cluster, NodeSize};
use shipshape_standin_kubelet::kubelet::{self, Options};
use shipshape_standin_kubelet::logs;

/// Registers fake Nodes on a Kubernetes API server and reports the pods bound to them
/// as a kubelet would, without running containers. For tests only.
#[derive(Debug, Parser)]
#[command(name = "shipshape-standin-kubelet", version)]
struct Args {
    /// The kubeconfig to reach the API server with (default: `$KUBECONFIG`).
    #[arg(long, value_name = "FILE")]
    kubeconfig: Option<PathBuf>,
    /// The nodes, as a `shipshape simulate --cluster` file; default: `--zones` zones of
    /// `--nodes-per-zone` nodes of 4 CPU, 16Gi and 110 pods, as `shipshape simulate`.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["zones", "nodes_per_zone"])]
    cluster: Option<PathBuf>,
    /// Zones of the default cluster.
    #[arg(long, default_value_t = 3)]
    zones: usize,
    /// Nodes in each zone of the default cluster.
    #[arg(long, default_value_t = 2)]
    nodes_per_zone: usize,
    /// Run PROGRAM (the pod as JSON on standard input) before a pod that runs to
    /// completion succeeds; the pod fails when PROGRAM exits non-zero.
    #[arg(long, value_name = "PROGRAM")]
    on_success: Option<PathBuf>,
    /// Serve pods' logs (`kubectl logs`) on 127.0.0.1:PORT, over TLS with `--tls-cert`
    /// and `--tls-key`; every node names this port as its kubelet's.
    #[arg(long, value_name = "PORT", requires_all = ["tls_cert", "tls_key"])]
    logs_port: Option<u16>,
    /// The log server's certificate (PEM).
    #[arg(long, value_name = "FILE", requires = "logs_port")]
    tls_cert: Option<PathBuf>,
    /// The log server's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "logs_port")]
    tls_key: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let cluster = match load_cluster(&args) {
        Ok(cluster) => cluster,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("standin-kubelet: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(kubeconfig) = args
        .kubeconfig
        .or_else(|| std::env::var_os("KUBECONFIG").map(PathBuf::from))
    else {
        eprintln!(
            "standin-kubelet: error: no kubeconfig: pass --kubeconfig FILE or set KUBECONFIG"
        );
        return ExitCode::from(2);
    };
    let logs = match (args.logs_port, &args.tls_cert, &args.tls_key) {
        (Some(port), Some(cert), Some(key)) => match logs::acceptor(cert, key) {
            Ok(tls) => Some((port, tls)),
            Err(e) => {
                eprintln!("standin-kubelet: error: the log server's TLS identity: {e:#}");
                return ExitCode::from(2);
            }
        },
        _ => None,
    };
    let options = Options {
        cluster,
        on_success: args.on_success,
        logs,
    };
    match runtime.block_on(serve(kubeconfig, options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("standin-kubelet: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_cluster(args: &Args) -> Result<Cluster, String> {
    let Some(path) = &args.cluster else {
        if args.zones == 0 || args.nodes_per_zone == 0 {
            return Err(
                "standin-kubelet: error: --zones and --nodes-per-zone must be at least 1"
                    .to_owned(),
            );
        }
        return Ok(Cluster::uniform(
            args.zones,
            args.nodes_per_zone,
            NodeSize::default(),
        ));
    };
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("standin-kubelet: error: cannot read the cluster file {name}: {e}"))?;
    Cluster::from_yaml(&name, &text).map_err(|d| d.render(false))
}

async fn serve(kubeconfig: PathBuf, options: Options) -> Result<()> {
    let file = Kubeconfig::read_from(&kubeconfig)
        .with_context(|| format!("reading the kubeconfig {}", kubeconfig.display()))?;
    let config = kube::Config::from_custom_kubeconfig(file, &KubeConfigOptions::default())
        .await
        .with_context(|| format!("using the kubeconfig {}", kubeconfig.display()))?;
    let client = kube::Client::try_from(config).context("building the API client")?;
    kubelet::run(client, options, shutdown()).await
}

/// Completes on SIGTERM (the harness's teardown) or Ctrl-C.
async fn shutdown() {
    let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    else {
        // Without a SIGTERM handler the default action still ends the process.
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
