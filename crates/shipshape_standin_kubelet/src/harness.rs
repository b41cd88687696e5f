//! The harness from a Rust test: start a fresh control plane with `scripts/cluster/up.sh`,
//! run Debian's kubectl 1.20 against it, and tear it down when the [`Harness`] is dropped
//! (or, if the test process dies first, when the cluster's supervisor sees it gone).
//!
//! Tests that need a cluster call [`Harness::start`]. Under the test command
//! (`scripts/test.sh`), which sets [`REQUIRE`], a cluster that cannot start fails the
//! test; a developer's plain `cargo nextest run` without the built binaries skips it
//! with a message saying how to run it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Set (to anything) by the test command: tests that need the cluster must run.
pub const REQUIRE: &str = "SHIPSHAPE_REQUIRE_CLUSTER";

/// One running control plane with the stand-in kubelet.
#[derive(Debug)]
pub struct Harness {
    run: PathBuf,
    kubectl: PathBuf,
}

/// `scripts/cluster/` of this repository.
#[must_use]
pub fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/cluster")
}

/// Where build.sh caches the binaries, as it computes it.
fn cache() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SHIPSHAPE_KUBE_CACHE") {
        return Some(PathBuf::from(dir));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("shipshape/kube-1.20.2"))
}

/// Whether build.sh has made everything up.sh runs, so starting costs seconds, not a
/// build.
#[must_use]
pub fn built() -> bool {
    let Some(bin) = cache().map(|c| c.join("bin")) else {
        return false;
    };
    [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kubectl",
    ]
    .iter()
    .all(|b| bin.join(b).is_file())
}

/// What a test asks of its cluster; `Settings::default()` is up.sh's defaults.
#[derive(Debug, Clone, Default)]
pub struct Settings<'a> {
    /// The stand-in kubelet's binary. A test of this crate passes
    /// `env!("CARGO_BIN_EXE_shipshape-standin-kubelet")`; others leave it `None`, and
    /// up.sh takes `SHIPSHAPE_STANDIN_KUBELET` (the test command sets it) or builds it.
    pub standin: Option<&'a Path>,
    /// The program that plays a completing pod's containers (`--on-success`).
    pub on_success: Option<&'a Path>,
    /// The nodes, as a `shipshape simulate --cluster` file.
    pub cluster_file: Option<&'a Path>,
}

impl Harness {
    /// Starts a fresh cluster. `None` when the harness is not built and [`REQUIRE`] is
    /// not set: the test should return, as the message on standard error says.
    ///
    /// # Panics
    /// When [`REQUIRE`] is set and the cluster does not start, with up.sh's report (the
    /// daemons' last log lines).
    #[must_use]
    pub fn start(settings: &Settings<'_>) -> Option<Harness> {
        let required = std::env::var_os(REQUIRE).is_some();
        if !required && !built() {
            eprintln!(
                "SKIPPED: the control-plane harness is not built; run scripts/cluster/build.sh \
                 once (scripts/test.sh does, and sets {REQUIRE} so these tests always run)"
            );
            return None;
        }
        let mut up = Command::new(scripts().join("up.sh"));
        let inputs = [
            ("SHIPSHAPE_STANDIN_KUBELET", settings.standin),
            ("SHIPSHAPE_STANDIN_ON_SUCCESS", settings.on_success),
            ("SHIPSHAPE_CLUSTER_FILE", settings.cluster_file),
        ];
        for (name, value) in inputs {
            if let Some(value) = value {
                up.env(name, value);
            }
        }
        // The test process owns the cluster: if it dies, the cluster goes with it.
        up.env("SHIPSHAPE_CLUSTER_OWNER", std::process::id().to_string());
        let output = up
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| panic!("cannot run scripts/cluster/up.sh: {e}"));
        assert!(
            output.status.success(),
            "scripts/cluster/up.sh failed ({})",
            output.status
        );
        let run = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        let kubectl = cache()
            .map(|c| c.join("bin/kubectl"))
            .unwrap_or_else(|| PathBuf::from("kubectl"));
        Some(Harness { run, kubectl })
    }

    /// The administrator's kubeconfig.
    #[must_use]
    pub fn kubeconfig(&self) -> PathBuf {
        self.run.join("kubeconfig")
    }

    /// The run directory (logs under `logs/`).
    #[must_use]
    pub fn run_dir(&self) -> &Path {
        &self.run
    }

    /// Runs Debian's kubectl 1.20 against the cluster with `stdin` as its input.
    ///
    /// # Panics
    /// When kubectl cannot be started.
    #[must_use]
    pub fn kubectl(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(&self.kubectl)
            .arg("--kubeconfig")
            .arg(self.kubeconfig())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.kubectl.display()));
        if let Some(mut input) = child.stdin.take() {
            input
                .write_all(stdin.as_bytes())
                .unwrap_or_else(|e| panic!("cannot write to kubectl: {e}"));
        }
        child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("kubectl did not finish: {e}"))
    }

    /// Runs kubectl and returns its standard output.
    ///
    /// # Panics
    /// When kubectl fails, with its standard error.
    pub fn kubectl_ok(&self, args: &[&str], stdin: &str) -> String {
        let output = self.kubectl(args, stdin);
        assert!(
            output.status.success(),
            "kubectl {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Polls `probe` every 250 ms until it returns `Some`, for at most `deadline`.
    ///
    /// # Panics
    /// At the deadline, naming `what` and the last lines of the stand-in's log.
    pub fn eventually<T>(
        &self,
        what: &str,
        deadline: Duration,
        mut probe: impl FnMut() -> Option<T>,
    ) -> T {
        let start = Instant::now();
        loop {
            if let Some(value) = probe() {
                return value;
            }
            if start.elapsed() > deadline {
                let log = std::fs::read_to_string(self.run.join("logs/standin-kubelet.log"))
                    .unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(20).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                panic!(
                    "{what}: not within {} s; the stand-in kubelet's last lines:\n{}",
                    deadline.as_secs(),
                    tail.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let down = Command::new(scripts().join("down.sh"))
            .arg(&self.run)
            .status();
        if let Err(e) = down {
            eprintln!(
                "cannot run scripts/cluster/down.sh {}: {e}",
                self.run.display()
            );
        }
    }
}
