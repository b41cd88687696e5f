//! `shipshape diff`, `deploy`, `history`, `rollback` and `status` as a user runs them,
//! where no cluster is needed to see the answer: how the deploy is named, bad flags, and
//! a cluster that cannot be reached. The engine itself is tested in shipshape_deploy
//! (against the in-memory cluster, the wire format, and the real control plane).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

fn shipshape(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shipshape"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A kubeconfig naming a server on a port of 127.0.0.1 where nothing listens.
fn unreachable_kubeconfig() -> tempfile::NamedTempFile {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut file = tempfile::NamedTempFile::new().unwrap();
    write!(
        file,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {{server: \"http://127.0.0.1:{port}\"}}\n\
         users:\n- name: u\n  user: {{token: t}}\ncontexts:\n- name: x\n  context: {{cluster: c, user: u}}\n\
         current-context: x\n"
    )
    .unwrap();
    file
}

#[test]
fn a_cluster_that_cannot_be_reached_is_exit_six() {
    let kubeconfig = unreachable_kubeconfig();
    let path = kubeconfig.path().to_str().unwrap();
    for command in ["diff", "deploy"] {
        let out = shipshape(&[command, "examples/projections", "--kubeconfig", path]);
        assert_eq!(out.status.code(), Some(6), "{command}: {}", stderr(&out));
        assert!(
            stderr(&out).starts_with("error: cannot reach the API server: "),
            "{command}: {}",
            stderr(&out)
        );
    }
    let out = shipshape(&[
        "status",
        "--name",
        "projections",
        "-n",
        "projections",
        "--kubeconfig",
        path,
    ]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
}

#[test]
fn a_missing_kubeconfig_is_named() {
    let out = shipshape(&[
        "diff",
        "examples/projections",
        "--kubeconfig",
        "no/such/kubeconfig",
    ]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).starts_with(
            "error: cannot reach the API server: reading kubeconfig no/such/kubeconfig: "
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_deploy_is_named_by_its_objects_or_by_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("two.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x, labels: {app.kubernetes.io/part-of: one}}\n\
         ---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: y, labels: {app.kubernetes.io/part-of: two}}\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let out = shipshape(&["deploy", path]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the objects are part of several apps (one, two); name the deploy with --name\n"
    );
    let out = shipshape(&["deploy", path, "--name", "one"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the objects are in several namespaces (x, y); say where the deploy's inventory lives with -n\n"
    );
    let out = shipshape(&["history", "--name", "one"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: give the deploy's namespace with -n\n");
    let out = shipshape(&["rollback", "-n", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: name the deploy with --name (no object has the label app.kubernetes.io/part-of)\n"
    );
}

#[test]
fn a_timeout_that_is_not_a_duration_is_a_usage_error() {
    let out = shipshape(&["deploy", "examples/projections", "--timeout", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "error: invalid value 'soon' for '--timeout <DURATION>': `soon` is not a duration"
        ),
        "{}",
        stderr(&out)
    );
}
