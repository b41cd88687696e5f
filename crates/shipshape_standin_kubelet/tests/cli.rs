//! The stand-in's own errors: bad arguments and a bad cluster file stop it before it
//! reaches any API server, with exit code 2 and a message saying what to fix.

use std::process::{Command, Output};

fn standin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape-standin-kubelet"))
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .expect("the stand-in runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn without_a_kubeconfig_it_says_how_to_give_one() {
    let output = standin(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "standin-kubelet: error: no kubeconfig: pass --kubeconfig FILE or set KUBECONFIG\n"
    );
}

#[test]
fn a_cluster_without_zones_is_refused() {
    let output = standin(&["--kubeconfig", "unused", "--zones", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "standin-kubelet: error: --zones and --nodes-per-zone must be at least 1\n"
    );
}

#[test]
fn a_bad_cluster_file_is_reported_at_its_line_and_column() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        dir.path().join("cluster.yaml"),
        "nodes:\n- name: a\n  zone: z\n  cpu: lots\n",
    )
    .expect("written");
    let output = Command::new(env!("CARGO_BIN_EXE_shipshape-standin-kubelet"))
        .args(["--kubeconfig", "unused", "--cluster", "cluster.yaml"])
        .current_dir(dir.path())
        .output()
        .expect("the stand-in runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).lines().next(),
        Some(
            "cluster.yaml:4:8:   × `lots` is not a quantity: write a number with an optional \
             unit, such as `250m`, `1.5`, `512Mi`"
        )
    );
}

#[test]
fn a_missing_cluster_file_is_named() {
    let output = standin(&[
        "--kubeconfig",
        "unused",
        "--cluster",
        "no-such-cluster.yaml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(
            "standin-kubelet: error: cannot read the cluster file no-such-cluster.yaml: "
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unreadable_kubeconfig_is_named() {
    let output = standin(&["--kubeconfig", "no-such-kubeconfig"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output)
            .starts_with("standin-kubelet: error: reading the kubeconfig no-such-kubeconfig: "),
        "{}",
        stderr(&output)
    );
}
