//! Init containers that hold a pod until an object it depends on is ready, asking the
//! Kubernetes API: a migration's pod until its in-cluster database serves, a component's
//! pods until the migration of their own revision has completed.
//!
//! The order is kept in the pods themselves because no way of applying the output
//! guarantees it: `kubectl apply -f DIR` and Flux apply everything at once, Helm creates
//! custom resources (a CloudNativePG Cluster) after its Jobs, and a pod rescheduled weeks
//! later must not start before its migration either. docs/migrations.md weighs the
//! alternatives. Each wait reads one named object with `get`, the only verb its Role
//! grants, every few seconds; it opens no database connection, so it costs nothing of
//! the connection budget however many replicas wait.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Container;
use k8s_openapi::api::rbac::v1::PolicyRule;

use shipshape_manifest::{GroupKind, WAIT_FOR_ANNOTATION};

use crate::context::Ctx;
use crate::rbac;

/// Seconds between two reads of the object: short next to a migration, and a few
/// requests per second at most even with a hundred pods waiting.
const POLL_SECONDS: u32 = 5;

/// When an object is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Every replica of a StatefulSet is ready.
    AllReplicasReady,
    /// The status condition of this type is `True` (CloudNativePG's `Ready`).
    Condition(&'static str),
    /// A status field has this value (Zalando's `PostgresClusterStatus: Running`).
    Field(&'static str, &'static str),
    /// A Job has completed; a failed Job fails the wait, so the pod shows the failure.
    Completed,
}

/// An object a pod waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its API group, empty for the core group.
    pub group: &'static str,
    /// Its resource (the plural in its URL).
    pub resource: &'static str,
    /// Its kind, for messages.
    pub kind: &'static str,
    /// Its name, in the app's namespace.
    pub name: String,
    /// When it is ready.
    pub until: Until,
}

impl Target {
    /// The migration Job named `name`.
    pub fn job(name: String) -> Target {
        Target {
            group: "batch",
            resource: "jobs",
            kind: "Job",
            name,
            until: Until::Completed,
        }
    }

    /// `Kind.group/name`, as [`WAIT_FOR_ANNOTATION`] lists it.
    fn entry(&self) -> String {
        format!("{}/{}", GroupKind::new(self.group, self.kind), self.name)
    }

    /// `resource.group/name`, as kubectl reads it.
    fn reference(&self) -> String {
        if self.group.is_empty() {
            format!("{}/{}", self.resource, self.name)
        } else {
            format!("{}.{}/{}", self.resource, self.group, self.name)
        }
    }

    /// Shell that leaves the loop once the object is ready, given its state in `$s`.
    fn ready_test(&self) -> String {
        match self.until {
            Until::AllReplicasReady => {
                r#"[ -n "${s%/*}" ] && [ "${s%/*}" = "${s#*/}" ] && break"#.to_owned()
            }
            Until::Condition(_) | Until::Field(..) => {
                let want = match self.until {
                    Until::Field(_, value) => value,
                    _ => "True",
                };
                format!(r#"[ "$s" = {want} ] && break"#)
            }
            Until::Completed => format!(
                r#"case " $s " in
    *" Complete "*) break ;;
    *" Failed "*) echo "{kind} {name} failed: see kubectl logs job/{name}; delete it and apply again to retry" >&2; exit 1 ;;
  esac"#,
                kind = self.kind,
                name = self.name,
            ),
        }
    }

    /// The kubectl JSONPath of the state [`Target::ready_test`] reads.
    fn state_path(&self) -> String {
        match self.until {
            Until::AllReplicasReady => "{.status.readyReplicas}/{.spec.replicas}".to_owned(),
            Until::Condition(kind) => {
                format!(r#"{{.status.conditions[?(@.type=="{kind}")].status}}"#)
            }
            Until::Field(field, _) => format!("{{.status.{field}}}"),
            Until::Completed => r#"{.status.conditions[?(@.status=="True")].type}"#.to_owned(),
        }
    }
}

/// The pod template annotation that names `targets` for a phase-ordered deploy (read by
/// `shipshape_manifest`'s `PodTemplate::waits`).
pub fn annotation(targets: &[Target]) -> (String, String) {
    let list: Vec<String> = targets.iter().map(Target::entry).collect();
    (WAIT_FOR_ANNOTATION.to_owned(), list.join(","))
}

/// The Role rules that let a wait read `targets`: `get`, by name.
pub fn role_rules(targets: &[Target]) -> Vec<PolicyRule> {
    let mut by_resource: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for target in targets {
        by_resource
            .entry((target.group, target.resource))
            .or_default()
            .push(target.name.clone());
    }
    by_resource
        .into_iter()
        .map(|((group, resource), names)| PolicyRule {
            api_groups: Some(vec![group.to_owned()]),
            resources: Some(vec![resource.to_owned()]),
            resource_names: Some(names),
            verbs: vec!["get".to_owned()],
            non_resource_urls: None,
        })
        .collect()
}

/// The init container called `name` that waits for each of `targets` in turn, as `uid`;
/// the pod must have the `tmp` volume and the API token of `rbac::token_volume`.
pub fn container(ctx: &Ctx<'_>, name: &str, targets: &[Target], uid: i64) -> Container {
    rbac::kubectl_container(name, &ctx.spec.platform.wait_image, script(targets), uid)
}

/// The wait: read each object until it is ready, saying what it waits for whenever that
/// changes (a missing object, a denied read, a state), so `kubectl logs` tells why a pod
/// is still initializing. An object not there yet is waited for too: Helm and Flux may
/// create it after the waiting pod.
fn script(targets: &[Target]) -> String {
    let mut out = String::from(
        r#"set -u
last=
say() { [ "$1" = "$last" ] || echo "$1"; last=$1; }
"#,
    );
    for target in targets {
        out.push_str(&format!(
            r#"while :; do
  s=$(kubectl get {reference} -o jsonpath='{path}' 2>&1) &&
  {test}
  say "waiting for {kind} {name} to {goal}: ${{s:-not yet}}"
  sleep {POLL_SECONDS}
done
echo "{kind} {name} {done}"
"#,
            reference = target.reference(),
            path = target.state_path(),
            test = target.ready_test(),
            kind = target.kind,
            name = target.name,
            goal = if target.until == Until::Completed {
                "complete"
            } else {
                "be ready"
            },
            done = if target.until == Until::Completed {
                "has completed"
            } else {
                "is ready"
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;

    use super::*;

    fn statefulset(name: &str) -> Target {
        Target {
            group: "apps",
            resource: "statefulsets",
            kind: "StatefulSet",
            name: name.to_owned(),
            until: Until::AllReplicasReady,
        }
    }

    /// Runs the wait for `targets` with a `kubectl` that answers `answers` in turn (a
    /// leading `!` makes an answer an error) and logs its arguments, and a `sleep` that
    /// returns at once. Returns the exit code, the standard output and error, and the
    /// `kubectl` calls.
    fn run(targets: &[Target], answers: &[&str]) -> (i32, String, String, Vec<String>) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path();
        std::fs::write(path.join("answers"), answers.join("\n") + "\n").expect("answers");
        let kubectl = r#"#!/bin/sh
dir=$(dirname "$0")
echo "$*" >>"$dir/calls"
n=$(($(cat "$dir/n" 2>/dev/null || echo 0) + 1))
echo "$n" >"$dir/n"
answer=$(sed -n "${n}p" "$dir/answers")
case $answer in
  !*) echo "${answer#!}" >&2; exit 1 ;;
  *) printf '%s' "$answer" ;;
esac
"#;
        for (tool, text) in [("kubectl", kubectl), ("sleep", "#!/bin/sh\n")] {
            let file = path.join(tool);
            std::fs::write(&file, text).expect("a tool");
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o755))
                .expect("executable");
        }
        let search = format!("{}:/usr/bin:/bin", path.display());
        let out = Command::new("/bin/sh")
            .args(["-c", &script(targets)])
            .env("PATH", search)
            .output()
            .expect("sh runs");
        let calls = std::fs::read_to_string(path.join("calls")).unwrap_or_default();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            calls.lines().map(str::to_owned).collect(),
        )
    }

    #[test]
    fn waits_until_every_replica_is_ready_then_for_the_next_object() {
        let (code, stdout, stderr, calls) = run(
            &[statefulset("db"), Target::job("api-migrate-1".to_owned())],
            &[
                "!Error from server (NotFound): statefulsets.apps \"db\" not found",
                "/3",
                "/3",
                "2/3",
                "3/3",
                "",
                "Complete",
            ],
        );
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(
            stdout,
            "waiting for StatefulSet db to be ready: Error from server (NotFound): statefulsets.apps \"db\" not found
waiting for StatefulSet db to be ready: /3
waiting for StatefulSet db to be ready: 2/3
StatefulSet db is ready
waiting for Job api-migrate-1 to complete: not yet
Job api-migrate-1 has completed
"
        );
        assert_eq!(stderr, "");
        let db = "get statefulsets.apps/db -o jsonpath={.status.readyReplicas}/{.spec.replicas}";
        let job = r#"get jobs.batch/api-migrate-1 -o jsonpath={.status.conditions[?(@.status=="True")].type}"#;
        assert_eq!(calls, [db, db, db, db, db, job, job]);
    }

    #[test]
    fn a_failed_migration_fails_the_wait_with_what_to_do() {
        let (code, stdout, stderr, _) = run(
            &[Target::job("api-migrate-1".to_owned())],
            &["FailureTarget Failed"],
        );
        assert_eq!(code, 1);
        assert_eq!(stdout, "");
        assert_eq!(
            stderr,
            "Job api-migrate-1 failed: see kubectl logs job/api-migrate-1; delete it and apply again to retry\n"
        );
    }

    #[test]
    fn operator_databases_are_ready_by_their_own_status() {
        let cluster = Target {
            group: "postgresql.cnpg.io",
            resource: "clusters",
            kind: "Cluster",
            name: "db".to_owned(),
            until: Until::Condition("Ready"),
        };
        let zalando = Target {
            group: "acid.zalan.do",
            resource: "postgresqls",
            kind: "postgresql",
            name: "shop-audit".to_owned(),
            until: Until::Field("PostgresClusterStatus", "Running"),
        };
        let (code, stdout, _, calls) = run(
            &[cluster, zalando],
            &["False", "True", "Creating", "Running"],
        );
        assert_eq!(code, 0);
        assert_eq!(
            stdout,
            "waiting for Cluster db to be ready: False
Cluster db is ready
waiting for postgresql shop-audit to be ready: Creating
postgresql shop-audit is ready
"
        );
        assert_eq!(
            calls,
            [
                r#"get clusters.postgresql.cnpg.io/db -o jsonpath={.status.conditions[?(@.type=="Ready")].status}"#,
                r#"get clusters.postgresql.cnpg.io/db -o jsonpath={.status.conditions[?(@.type=="Ready")].status}"#,
                "get postgresqls.acid.zalan.do/shop-audit -o jsonpath={.status.PostgresClusterStatus}",
                "get postgresqls.acid.zalan.do/shop-audit -o jsonpath={.status.PostgresClusterStatus}",
            ]
        );
    }

    #[test]
    fn the_role_reads_each_object_by_name_and_nothing_else() {
        let targets = [
            statefulset("db"),
            Target::job("api-migrate-1".to_owned()),
            statefulset("cache"),
        ];
        let rules = serde_json::to_value(role_rules(&targets)).expect("JSON");
        assert_eq!(
            rules,
            serde_json::json!([
                {"apiGroups": ["apps"], "resources": ["statefulsets"], "resourceNames": ["db", "cache"], "verbs": ["get"]},
                {"apiGroups": ["batch"], "resources": ["jobs"], "resourceNames": ["api-migrate-1"], "verbs": ["get"]},
            ])
        );
        assert_eq!(
            annotation(&targets),
            (
                WAIT_FOR_ANNOTATION.to_owned(),
                "StatefulSet.apps/db,Job.batch/api-migrate-1,StatefulSet.apps/cache".to_owned()
            )
        );
    }
}
