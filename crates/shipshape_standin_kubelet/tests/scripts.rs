//! The scripts' own errors: what up.sh and down.sh say when they cannot do their job,
//! and that a failed start leaves nothing running. Skipped like the smoke tests when
//! the harness is not built (up.sh would otherwise build it).

use std::path::Path;
use std::process::{Command, Output};

use shipshape_standin_kubelet::harness::{REQUIRE, built, scripts};

fn runnable() -> bool {
    let ok = built() || std::env::var_os(REQUIRE).is_some();
    if !ok {
        eprintln!("SKIPPED: the control-plane harness is not built; run scripts/cluster/build.sh");
    }
    ok
}

fn run(script: &str, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(scripts().join(script));
    command.args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the script runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const STANDIN: &str = env!("CARGO_BIN_EXE_shipshape-standin-kubelet");

#[test]
fn up_names_a_stand_in_that_is_not_an_executable() {
    if !runnable() {
        return;
    }
    let output = run(
        "up.sh",
        &[],
        &[("SHIPSHAPE_STANDIN_KUBELET", Path::new("no-such-standin"))],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "cluster/up.sh: error: the stand-in kubelet no-such-standin is not an executable \
         (SHIPSHAPE_STANDIN_KUBELET)\n"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn up_names_a_cluster_file_it_cannot_read() {
    if !runnable() {
        return;
    }
    let output = run(
        "up.sh",
        &[],
        &[
            ("SHIPSHAPE_STANDIN_KUBELET", Path::new(STANDIN)),
            ("SHIPSHAPE_CLUSTER_FILE", Path::new("no-such-cluster.yaml")),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "cluster/up.sh: error: SHIPSHAPE_CLUSTER_FILE=no-such-cluster.yaml cannot be read\n"
    );
}

/// The stand-in refuses the cluster file: the supervisor sees it exit, up.sh says which
/// daemon died, shows its log, and stops the others.
#[test]
fn up_fails_fast_naming_a_daemon_that_died_and_leaves_nothing_running() {
    if !runnable() {
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("cluster.yaml");
    std::fs::write(&file, "nodes: []\n").expect("written");
    let output = run(
        "up.sh",
        &[],
        &[
            ("SHIPSHAPE_STANDIN_KUBELET", Path::new(STANDIN)),
            ("SHIPSHAPE_CLUSTER_FILE", &file),
            ("TMPDIR", dir.path()),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    let first = message.lines().next();
    assert_eq!(
        first,
        Some("cluster/up.sh: error: standin-kubelet exited (see logs/standin-kubelet.log)")
    );
    assert!(message.contains("the cluster has no nodes"), "{message}");
    // down.sh ran: the run directory is gone, so no daemon of it can be left.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("readable")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["cluster.yaml".to_owned()]);
}

#[test]
fn down_refuses_a_directory_that_is_not_a_run() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().to_str().expect("UTF-8");
    let output = run("down.sh", &[path], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        format!("cluster/down.sh: error: {path} is not a run directory of scripts/cluster/up.sh\n")
    );
    assert!(
        dir.path().is_dir(),
        "down.sh must not delete what it did not make"
    );
}

#[test]
fn down_of_a_run_already_gone_succeeds() {
    let output = run("down.sh", &["no-such-run-directory"], &[]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
}
