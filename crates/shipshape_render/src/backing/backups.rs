//! Scheduled backups of the services that do not back up by themselves: PostgreSQL run
//! by `statefulset` or `external` (a `pg_dump`), and etcd (an `etcdctl snapshot save`).
//! CloudNativePG backs up by itself and maps `backup` onto its Cluster
//! (`cloudnative_pg`); Zalando's operator is configured outside the app.
//!
//! Each backup is a CronJob whose pod runs two steps, so that each runs in a small,
//! pinned, official image and only a whole dump is ever stored:
//!
//! 1. an init container makes the dump on the backup volume, as `.incoming`: `pg_dump
//!    --format=custom` in the postgres image of the server's version (pg_dump must be
//!    as new as the server), or `etcdctl snapshot save` in the server's etcd image
//!    (which has no shell). If it fails, the pod fails and nothing is stored;
//! 2. a container stores it under a UTC timestamp, then deletes the backups older than
//!    `retention` days. `to: pvc`: busybox moves it on the backup volume (a
//!    PersistentVolumeClaim that outlives the app: Helm and Argo CD are told to keep it).
//!    `to: <s3 service>`: the AWS CLI uploads it from a scratch volume claimed for the
//!    pod alone (a generic ephemeral volume, deleted with the pod) to
//!    `s3://<bucket>/<namespace>/<service>/`.
//!
//! Old backups are deleted only after a new one is stored, so a run of failures never
//! deletes the last good backup. The CronJob never runs two backups at once, keeps the
//! last run of each outcome for its logs, retries twice, and gives up after three hours.
//! Its pods meet the restricted Pod Security Standard, take no traffic, and may connect
//! only to the DNS, the database and the object store. docs/backups.md says how to
//! restore each.

use indexmap::IndexMap;
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, EnvVar, EphemeralVolumeSource, PersistentVolumeClaim,
    PersistentVolumeClaimTemplate, PersistentVolumeClaimVolumeSource, PodSpec, PodTemplateSpec,
    ServiceAccount, Volume, VolumeMount,
};
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicySpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use shipshape_manifest::Provenance;
use shipshape_manifest::connections::{DB_CONNECTIONS, format_counts};
use shipshape_spec::{BackingService, Backup, ServiceType, SizePreset, SpecPath, path};
use std::collections::BTreeMap;

use super::backup_pods::{has_job, job_labels, job_name};
use super::outputs::{Details, Outputs};
use super::{etcd, outputs, postgres_statefulset, s3, workload};
use crate::builders::{
    claim_spec, container_security, literal, pod_security, pull_policy, resource_requirements,
};
use crate::context::{Ctx, service_key, service_path};
use crate::hooks::job_selector;
use crate::network_rules::{dns_egress, reach_egress, unique};
use crate::wiring::service_env;

/// The image that moves dumps on a volume: it needs `sh`, `date`, `mv` and `find`.
const BUSYBOX_IMAGE: &str = "docker.io/library/busybox:1.37.0";
/// The image that uploads dumps: it needs `sh`, `date`, `expr` and `aws`.
const AWS_CLI_IMAGE: &str = "docker.io/amazon/aws-cli:2.32.8";

/// Where the backup volume is mounted in both steps, and the dump's name on it.
const BACKUP_DIR: &str = "/backup";
const INCOMING: &str = "/backup/.incoming";

/// The name of the volume that keeps the backups of `to: pvc`.
fn volume_name(name: &str) -> String {
    format!("{name}-backups")
}

/// Renders the backup CronJob of service `name` and what it needs, when it has one.
pub(super) fn render(ctx: &mut Ctx<'_>, name: &str, service: &BackingService) {
    let Some(backup) = service.backup.as_ref().filter(|_| has_job(service)) else {
        return;
    };
    let labels = job_labels(ctx, name, service);
    let meta = |object: &str| ObjectMeta {
        labels: Some(labels.clone()),
        ..ctx.metadata(object, None)
    };
    let path = {
        let mut p = service_path(name);
        p.push("backup".into());
        p
    };
    let account = ServiceAccount {
        metadata: meta(&job_name(name)),
        automount_service_account_token: Some(false),
        ..ServiceAccount::default()
    };
    let policy = network_policy(ctx, name, service, backup, meta(&job_name(name)));
    let cron = cron_job(ctx, name, service, backup, &labels, meta(&job_name(name)));
    let claim = backup.to_pvc().then(|| {
        let mut keep = meta(&volume_name(name));
        // Uninstalling the app must not delete its backups.
        keep.annotations = Some(BTreeMap::from([
            ("helm.sh/resource-policy".to_owned(), "keep".to_owned()),
            (
                "argocd.argoproj.io/sync-options".to_owned(),
                "Delete=false".to_owned(),
            ),
        ]));
        PersistentVolumeClaim {
            metadata: keep,
            spec: Some(claim_spec(&size(service, backup), backup.class.as_deref())),
            status: None,
        }
    });
    let key = |rest: SpecPath| [path.clone(), rest].concat();
    let size_key = if backup.size.is_some() {
        Some(key(path!["size"]))
    } else {
        service
            .storage
            .as_ref()
            .map(|_| service_key(name, path!["storage"]))
    };
    let mut volume = Provenance::new();
    if let Some(size) = &size_key {
        volume.record("/spec/resources/requests/storage", size.clone());
    }
    if backup.class.is_some() {
        volume.record("/spec/storageClassName", key(path!["class"]));
    }
    let pod = "/spec/jobTemplate/spec/template/spec";
    let mut cron_fields = Provenance::new();
    cron_fields.record("/spec/schedule", key(path!["schedule"]));
    if let Some(image) = workload::image_key(name, service) {
        cron_fields.record(&format!("{pod}/initContainers/0/image"), image);
    }
    // The storing step is what `to` chooses, and it deletes what `retention` lets go.
    cron_fields.record(&format!("{pod}/containers/0"), key(path!["to"]));
    if backup.retention.is_some() {
        cron_fields.record(
            &format!("{pod}/containers/0/command"),
            key(path!["retention"]),
        );
    }
    ctx.emit(&account, path.clone(), Provenance::new());
    ctx.emit(&policy, path.clone(), Provenance::new());
    match claim {
        Some(claim) => ctx.emit(&claim, path.clone(), volume),
        None => {
            let scratch = format!("{pod}/volumes/0/ephemeral/volumeClaimTemplate");
            cron_fields.nest(&scratch, volume);
        }
    }
    ctx.emit(&cron, path, cron_fields);
}

/// The backup volume's size: as written, or the size of the service's own volume.
fn size(service: &BackingService, backup: &Backup) -> String {
    backup
        .size
        .as_ref()
        .or(service.storage.as_ref().map(|s| &s.0.size))
        .map_or_else(String::new, |s| s.0.as_str().to_owned())
}

/// No traffic in; out only to the DNS, the server, and the object store.
fn network_policy(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
    backup: &Backup,
    metadata: ObjectMeta,
) -> NetworkPolicy {
    let server = outputs(ctx, name, service).reach;
    let store = s3::target(ctx, backup).map(|(_, s3)| s3.reach);
    let egress = std::iter::once(Some(dns_egress(ctx)))
        .chain(
            [Some(&server), store.as_ref()]
                .into_iter()
                .flatten()
                .map(reach_egress),
        )
        .flatten();
    NetworkPolicy {
        metadata,
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(job_selector(&job_labels(ctx, name, service))),
            policy_types: Some(vec!["Ingress".to_owned(), "Egress".to_owned()]),
            ingress: None,
            egress: Some(unique(egress)),
        }),
    }
}

fn cron_job(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
    backup: &Backup,
    labels: &BTreeMap<String, String>,
    metadata: ObjectMeta,
) -> CronJob {
    // A dump holds one connection to the server for its whole run: its share of the
    // server's connection budget.
    let connections = service.backup_connects().then(|| {
        let address = outputs(ctx, name, service).address(ctx, name);
        BTreeMap::from([(
            DB_CONNECTIONS.to_owned(),
            format_counts([(address.as_str(), 1)]),
        )])
    });
    let template = PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels.clone()),
            annotations: connections,
            ..ObjectMeta::default()
        }),
        spec: Some(pod_spec(ctx, name, service, backup)),
    };
    CronJob {
        metadata,
        spec: Some(CronJobSpec {
            schedule: backup.schedule.clone(),
            // The schedule means UTC whatever zone the controller runs in.
            time_zone: Some("Etc/UTC".to_owned()),
            // A backup still running when the next is due keeps going; the next is
            // skipped, rather than two dumps loading the server at once.
            concurrency_policy: Some("Forbid".to_owned()),
            // A run missed by more than an hour (the controller was down) is skipped
            // rather than started at a time nobody chose.
            starting_deadline_seconds: Some(3600),
            // Each kept run keeps its pod, and with it the scratch volume of an upload.
            successful_jobs_history_limit: Some(1),
            failed_jobs_history_limit: Some(1),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels.clone()),
                    ..ObjectMeta::default()
                }),
                spec: Some(JobSpec {
                    backoff_limit: Some(2),
                    active_deadline_seconds: Some(3 * 3600),
                    template,
                    ..JobSpec::default()
                }),
            },
            ..CronJobSpec::default()
        }),
        status: None,
    }
}

fn pod_spec(ctx: &Ctx<'_>, name: &str, service: &BackingService, backup: &Backup) -> PodSpec {
    let uid = i64::from(ctx.spec.platform.run_as_user);
    let harden = |c: Container| Container {
        image_pull_policy: c.image.as_deref().map(|i| pull_policy(i).to_owned()),
        resources: Some(resource_requirements(&SizePreset::Small.resources())),
        security_context: Some(container_security(uid)),
        volume_mounts: Some(vec![mount("backup", BACKUP_DIR), mount("tmp", "/tmp")]),
        ..c
    };
    let (store, backup_volume) = match s3::target(ctx, backup) {
        Some((_, s3)) => (
            upload(ctx, name, service, &s3, backup),
            scratch(service, backup),
        ),
        None => (
            move_on_volume(name, service, backup),
            Volume {
                name: "backup".to_owned(),
                persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                    claim_name: volume_name(name),
                    read_only: None,
                }),
                ..Volume::default()
            },
        ),
    };
    PodSpec {
        init_containers: Some(vec![harden(dump(ctx, name, service))]),
        containers: vec![harden(store)],
        // A failed step is retried in the same pod, on the same volume.
        restart_policy: Some("OnFailure".to_owned()),
        service_account_name: Some(job_name(name)),
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        security_context: Some(pod_security(uid)),
        volumes: Some(vec![
            backup_volume,
            Volume {
                name: "tmp".to_owned(),
                empty_dir: Some(EmptyDirVolumeSource {
                    medium: None,
                    size_limit: Some(Quantity("64Mi".to_owned())),
                }),
                ..Volume::default()
            },
        ]),
        ..PodSpec::default()
    }
}

fn mount(volume: &str, path: &str) -> VolumeMount {
    VolumeMount {
        name: volume.to_owned(),
        mount_path: path.to_owned(),
        ..VolumeMount::default()
    }
}

/// A volume for one dump, claimed for the pod alone and deleted with it.
fn scratch(service: &BackingService, backup: &Backup) -> Volume {
    Volume {
        name: "backup".to_owned(),
        ephemeral: Some(EphemeralVolumeSource {
            volume_claim_template: Some(PersistentVolumeClaimTemplate {
                metadata: None,
                spec: claim_spec(&size(service, backup), backup.class.as_deref()),
            }),
        }),
        ..Volume::default()
    }
}

/// The extension of a service's dumps.
fn extension(service: &BackingService) -> &'static str {
    match service.kind {
        ServiceType::Etcd => "db",
        _ => "dump",
    }
}

/// The first step: the dump, written to `.incoming` on the backup volume.
fn dump(ctx: &Ctx<'_>, name: &str, service: &BackingService) -> Container {
    let server = outputs(ctx, name, service);
    let wanted = |output: &str, var: &str| IndexMap::from([(output.to_owned(), var.to_owned())]);
    let (image, env, command) = match service.kind {
        // One endpoint: `snapshot save` refuses several. The client Service picks a
        // ready member.
        ServiceType::Etcd => (
            etcd::image(service),
            service_env(name, &server, &wanted("url", "ETCDCTL_ENDPOINTS")),
            vec!["/usr/local/bin/etcdctl", "snapshot", "save", INCOMING],
        ),
        _ => (
            postgres_statefulset::image(service),
            service_env(name, &server, &wanted("url", "DATABASE_URL")),
            vec![
                "pg_dump",
                "--format=custom",
                "--file=/backup/.incoming",
                "--dbname=$(DATABASE_URL)",
            ],
        ),
    };
    Container {
        name: "dump".to_owned(),
        image: Some(image),
        command: Some(command.into_iter().map(str::to_owned).collect()),
        env: Some(env),
        ..Container::default()
    }
}

/// The second step for `to: pvc`: name the dump by its time, delete the expired ones.
fn move_on_volume(name: &str, service: &BackingService, backup: &Backup) -> Container {
    let ext = extension(service);
    let minutes = backup.retention_or_default() * 24 * 60;
    let script = format!(
        r#"set -eu
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mv {INCOMING} "{BACKUP_DIR}/{name}-$stamp.{ext}"
echo "stored {name}-$stamp.{ext}"
find {BACKUP_DIR} -maxdepth 1 -type f -name '{name}-*.{ext}' -mmin +{minutes} -print -exec rm -f {{}} \;
"#
    );
    Container {
        name: "store".to_owned(),
        image: Some(BUSYBOX_IMAGE.to_owned()),
        command: Some(vec!["/bin/sh".to_owned(), "-c".to_owned(), script]),
        ..Container::default()
    }
}

/// The second step for `to: <s3 service>`: upload the dump under its time, delete the
/// expired ones. Keys sort by time, so "expired" is a comparison with the key of the
/// oldest time kept.
fn upload(
    ctx: &Ctx<'_>,
    name: &str,
    service: &BackingService,
    s3: &Outputs,
    backup: &Backup,
) -> Container {
    let ext = extension(service);
    let days = backup.retention_or_default();
    let namespace = ctx.namespace();
    let script = format!(
        r#"set -eu
printf '[default]\ns3 =\n  addressing_style = %s\n' "$S3_ADDRESSING" >"$AWS_CONFIG_FILE"
prefix="s3://$S3_BUCKET/{namespace}/{name}"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
aws s3 cp --only-show-errors {INCOMING} "$prefix/{name}-$stamp.{ext}"
echo "uploaded {name}-$stamp.{ext}"
oldest="{name}-$(date -u -d "@$(($(date +%s) - {days} * 86400))" +%Y%m%dT%H%M%SZ).{ext}"
aws s3 ls "$prefix/" | while read -r _ _ _ key; do
  case $key in {name}-*.{ext}) ;; *) continue ;; esac
  if expr "$key" \< "$oldest" >/dev/null; then
    aws s3 rm --only-show-errors "$prefix/$key"
    echo "removed $key"
  fi
done
"#
    );
    let wanted: IndexMap<String, String> = [
        ("endpoint", "AWS_ENDPOINT_URL"),
        ("region", "AWS_DEFAULT_REGION"),
        ("bucket", "S3_BUCKET"),
        ("access_key", "AWS_ACCESS_KEY_ID"),
        ("secret_key", "AWS_SECRET_ACCESS_KEY"),
    ]
    .into_iter()
    .map(|(o, v)| (o.to_owned(), v.to_owned()))
    .collect();
    let path_style = matches!(
        s3.details,
        Details::S3 {
            path_style: true,
            ..
        }
    );
    let mut env: Vec<EnvVar> = service_env(&backup.to, s3, &wanted);
    env.extend([
        literal("S3_ADDRESSING", if path_style { "path" } else { "virtual" }),
        // The CLI writes its configuration and caches under $HOME; the root filesystem
        // is read-only.
        literal("HOME", "/tmp"),
        literal("AWS_CONFIG_FILE", "/tmp/aws-config"),
        // Newer CLIs send checksums that many S3-compatible stores reject; checksums
        // only where the API requires them work everywhere.
        literal("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required"),
        literal("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required"),
    ]);
    Container {
        name: "store".to_owned(),
        image: Some(AWS_CLI_IMAGE.to_owned()),
        command: Some(vec!["/bin/sh".to_owned(), "-c".to_owned(), script]),
        env: Some(env),
        ..Container::default()
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use insta::assert_snapshot;

    use crate::backing::tests::BACKING;
    use crate::test_support::{find, object};

    fn backup_objects(name: &str) -> String {
        let job = format!("{name}-backup");
        let mut objects = vec![
            object(BACKING, "CronJob", &job),
            object(BACKING, "NetworkPolicy", &job),
        ];
        if name != "legacy" {
            objects.push(object(
                BACKING,
                "PersistentVolumeClaim",
                &format!("{name}-backups"),
            ));
        }
        objects.join("---\n")
    }

    #[test]
    fn a_development_postgres_is_dumped_to_a_kept_volume() {
        assert_snapshot!(backup_objects("objects"));
    }

    #[test]
    fn an_external_postgres_is_dumped_and_uploaded_to_s3() {
        assert_snapshot!(backup_objects("legacy"));
    }

    #[test]
    fn etcd_snapshots_go_to_a_volume() {
        assert_snapshot!(backup_objects("etcd"));
    }

    #[test]
    fn etcd_snapshots_go_to_s3_through_the_client_service() {
        let yaml = BACKING.replace(
            "to: pvc, size: 5Gi, retention: 3",
            "to: blobs, size: 5Gi, retention: 3",
        );
        let pod = &find(&yaml, "CronJob", "etcd-backup")["spec"]["jobTemplate"]["spec"]["template"]
            ["spec"];
        assert_eq!(
            pod["initContainers"][0]["env"][0]["value"],
            "http://etcd.backing.svc.cluster.local:2379"
        );
        assert_eq!(pod["containers"][0]["image"], super::AWS_CLI_IMAGE);
        assert_eq!(
            pod["volumes"][0]["ephemeral"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]
                ["storage"],
            "5Gi"
        );
        let policy = find(&yaml, "NetworkPolicy", "etcd-backup");
        assert_eq!(policy["spec"]["egress"][2]["ports"][0]["port"], 9000);
    }

    /// The script of the `store` step of `name`'s backup, with `to` its target.
    fn store_script(yaml: &str, name: &str) -> String {
        find(yaml, "CronJob", &format!("{name}-backup"))["spec"]["jobTemplate"]["spec"]["template"]
            ["spec"]["containers"][0]["command"][2]
            .as_str()
            .expect("a script")
            .to_owned()
    }

    /// Runs `script` with `shell` (a program and its leading arguments), the scratch
    /// directory's tools first on the PATH.
    fn run(shell: &[&str], script: &str, dir: &Path, env: &[(&str, &str)]) -> String {
        let out = Command::new(shell[0])
            .args(&shell[1..])
            .args(["-c", script])
            .envs(env.iter().copied())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    dir.join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .output()
            .expect("the shell runs");
        assert!(
            out.status.success(),
            "the script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A scratch directory, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Scratch {
            let dir = std::env::temp_dir()
                .join(format!("shipshape-backup-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(dir.join("bin")).expect("scratch directory");
            Scratch(dir)
        }

        fn tool(&self, name: &str, text: &str) {
            let path = self.0.join("bin").join(name);
            std::fs::write(&path, text).expect("a tool");
            std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
                .expect("executable");
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Scripts are valid POSIX sh, and shellcheck (where installed) finds nothing.
    #[test]
    fn store_scripts_are_valid_sh() {
        if !Path::new("/bin/sh").exists() {
            return;
        }
        for name in ["objects", "legacy", "etcd"] {
            let script = store_script(BACKING, name);
            let status = Command::new("/bin/sh")
                .args(["-n", "-c", &script])
                .status()
                .expect("sh runs");
            assert!(
                status.success(),
                "the store script of {name} is not valid sh"
            );
            if let Ok(out) = Command::new("shellcheck")
                .args(["--shell=sh", "-"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .and_then(|mut child| {
                    use std::io::Write as _;
                    child
                        .stdin
                        .take()
                        .expect("stdin")
                        .write_all(script.as_bytes())?;
                    child.wait_with_output()
                })
            {
                assert!(
                    out.status.success(),
                    "shellcheck on {name}:\n{}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
        }
    }

    /// On a volume, the dump is named by its time and dumps older than `retention` days
    /// go, newer ones and other files stay. Run with busybox, as in the image, when the
    /// machine has it.
    #[test]
    fn a_volume_keeps_the_new_dump_and_drops_expired_ones() {
        let Some(shell) = ["/usr/bin/busybox", "/bin/busybox"]
            .into_iter()
            .find(|p| Path::new(p).exists())
        else {
            return;
        };
        let scratch = Scratch::new("volume");
        let backup = scratch.0.join("backup");
        std::fs::create_dir_all(&backup).unwrap();
        let script =
            store_script(BACKING, "objects").replace("/backup", &backup.display().to_string());
        std::fs::write(backup.join(".incoming"), "dump").unwrap();
        for (file, age_days) in [
            ("objects-20000101T000000Z.dump", 30),
            ("objects-recent.dump", 1),
            ("other-20000101T000000Z.dump", 30),
        ] {
            let path = backup.join(file);
            std::fs::write(&path, "old").unwrap();
            let when =
                std::time::SystemTime::now() - std::time::Duration::from_secs(age_days * 86_400);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(when)
                .unwrap();
        }
        // Every tool the script calls is busybox's, as in the image.
        for tool in ["date", "mv", "find", "rm", "echo"] {
            std::os::unix::fs::symlink(shell, scratch.0.join("bin").join(tool)).unwrap();
        }
        let stdout = run(&[shell, "sh"], &script, &scratch.0, &[]);
        let mut left: Vec<String> = std::fs::read_dir(&backup)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left.len(), 3, "{left:?}\n{stdout}");
        assert!(
            left.iter().any(|f| f.starts_with("objects-2")
                && f.ends_with("Z.dump")
                && f != "objects-20000101T000000Z.dump"),
            "{left:?}"
        );
        assert!(left.contains(&"objects-recent.dump".to_owned()));
        assert!(left.contains(&"other-20000101T000000Z.dump".to_owned()));
        assert!(stdout.contains("objects-20000101T000000Z.dump"), "{stdout}");
    }

    /// A stand-in for the AWS CLI: `cp` records the destination, `ls` lists $FAKE_KEYS as
    /// `aws s3 ls` does, `rm` records the key.
    const FAKE_AWS: &str = r#"#!/bin/sh
case "$2" in
  cp) echo "$5" >>"$FAKE_OUT/uploaded" ;;
  ls) for key in $FAKE_KEYS; do echo "2000-01-01 00:00:00       1234 $key"; done ;;
  rm) echo "$4" >>"$FAKE_OUT/removed" ;;
  *) exit 2 ;;
esac
"#;

    /// In S3, the dump is uploaded under the namespace and service, named by its time,
    /// and only this service's keys older than `retention` days are removed.
    #[test]
    fn a_bucket_keeps_the_new_dump_and_drops_expired_ones() {
        let date_takes_epochs = Command::new("date")
            .args(["-u", "-d", "@0", "+%Y"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !Path::new("/bin/sh").exists() || !date_takes_epochs {
            return;
        }
        let scratch = Scratch::new("bucket");
        scratch.tool("aws", FAKE_AWS);
        let config = scratch.0.join("aws-config");
        let keys = "legacy-20000101T000000Z.dump legacy-29990101T000000Z.dump other-20000101T000000Z.dump legacy-notes.txt";
        run(
            &["/bin/sh"],
            &store_script(BACKING, "legacy"),
            &scratch.0,
            &[
                ("S3_ADDRESSING", "path"),
                ("S3_BUCKET", "spoke-modules"),
                ("AWS_CONFIG_FILE", &config.display().to_string()),
                ("FAKE_KEYS", keys),
                ("FAKE_OUT", &scratch.0.display().to_string()),
            ],
        );
        let read = |file: &str| std::fs::read_to_string(scratch.0.join(file)).unwrap_or_default();
        let uploaded = read("uploaded");
        assert!(
            uploaded.starts_with("s3://spoke-modules/backing/legacy/legacy-2"),
            "{uploaded}"
        );
        assert!(uploaded.trim_end().ends_with("Z.dump"), "{uploaded}");
        assert_eq!(
            read("removed"),
            "s3://spoke-modules/backing/legacy/legacy-20000101T000000Z.dump\n"
        );
        assert!(read("aws-config").contains("addressing_style = path"));
    }
}
