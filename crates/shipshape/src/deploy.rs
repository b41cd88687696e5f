//! The commands that talk to a cluster: `diff`, `deploy`, `history`, `rollback` and
//! `status`, on `shipshape_deploy`. They share how the cluster and the deploy are named
//! (`TargetArgs`), so they live together.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::process::ExitCode;

use shipshape_deploy::health::Health;
use shipshape_deploy::plan::Action;
use shipshape_deploy::progress::{Bars, Lines, Observer};
use shipshape_deploy::{ApiError, DeployError, KubeCluster, Settings, history, lock};
use shipshape_manifest::Model;

use crate::cli::{DeployArgs, DiffArgs, RollbackArgs, TargetArgs};
use crate::inputs;
use crate::report::{self, print};
use crate::status::{BAD_INPUT, DEPLOY_FAILED, LOCKED, ROLLBACK_FAILED, ROLLED_BACK, UNREACHABLE};

/// The label that names the app an object is part of; the deploy's default name.
const PART_OF: &str = "app.kubernetes.io/part-of";

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            report::error(&format!("cannot start the async runtime: {e}"));
            ExitCode::from(UNREACHABLE)
        })
}

fn who(target: &TargetArgs) -> String {
    if let Some(who) = &target.who {
        return who.clone();
    }
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|h| h.trim().to_owned())
        .unwrap_or_default();
    if host.is_empty() {
        user
    } else {
        format!("{user}@{host}")
    }
}

/// The deploy's name and namespace: the flags, else what the objects agree on.
fn naming(target: &TargetArgs, model: Option<&Model>) -> Result<(String, String), ExitCode> {
    let objects = model.map(Model::objects).unwrap_or_default();
    let name = match &target.name {
        Some(name) => name.clone(),
        None => {
            let names: BTreeSet<&str> = objects
                .iter()
                .filter_map(|o| {
                    o.value()
                        .pointer("/metadata/labels")
                        .and_then(|l| l.get(PART_OF))
                        .and_then(serde_json::Value::as_str)
                })
                .collect();
            match names.into_iter().collect::<Vec<_>>().as_slice() {
                [one] => (*one).to_owned(),
                [] => {
                    return Err(usage(
                        "name the deploy with --name (no object has the label app.kubernetes.io/part-of)",
                    ));
                }
                many => {
                    return Err(usage(&format!(
                        "the objects are part of several apps ({}); name the deploy with --name",
                        many.join(", ")
                    )));
                }
            }
        }
    };
    let namespace = match &target.namespace {
        Some(namespace) => namespace.clone(),
        None => {
            let namespaces: BTreeSet<&str> = objects
                .iter()
                .map(shipshape_manifest::Object::namespace)
                .filter(|ns| !ns.is_empty())
                .collect();
            match namespaces.into_iter().collect::<Vec<_>>().as_slice() {
                [one] => (*one).to_owned(),
                [] if model.is_some() => "default".to_owned(),
                [] => return Err(usage("give the deploy's namespace with -n")),
                many => {
                    return Err(usage(&format!(
                        "the objects are in several namespaces ({}); say where the deploy's inventory lives with -n",
                        many.join(", ")
                    )));
                }
            }
        }
    };
    Ok((name, namespace))
}

fn usage(message: &str) -> ExitCode {
    report::error(message);
    ExitCode::from(BAD_INPUT)
}

fn read(args: &DiffArgs) -> Result<Model, ExitCode> {
    let namespace = args.target.namespace.as_deref().unwrap_or("default");
    let read = inputs::read_partial(
        "deploy",
        &args.paths,
        namespace,
        args.environment.as_deref(),
        false,
    )?;
    if !read.problems.is_empty() {
        return Err(report::bad_input(&shipshape_spec::Diagnostics(
            read.problems,
        )));
    }
    Ok(read.model)
}

async fn connect(target: &TargetArgs) -> Result<KubeCluster, ExitCode> {
    KubeCluster::connect(target.kubeconfig.as_deref(), target.context.as_deref())
        .await
        .map_err(|e| {
            report::error(&e.to_string());
            ExitCode::from(UNREACHABLE)
        })
}

fn observer() -> Box<dyn Observer> {
    if std::io::stderr().is_terminal() {
        Box::new(Bars::new())
    } else {
        Box::new(Lines::new(std::io::stderr()))
    }
}

/// Runs `shipshape diff`.
pub fn diff(args: &DiffArgs) -> ExitCode {
    let model = match read(args) {
        Ok(m) => m,
        Err(status) => return status,
    };
    let (name, namespace) = match naming(&args.target, Some(&model)) {
        Ok(n) => n,
        Err(status) => return status,
    };
    let settings = Settings::new(&name, &namespace, &who(&args.target));
    let runtime = match runtime() {
        Ok(r) => r,
        Err(status) => return status,
    };
    runtime.block_on(async {
        let cluster = match connect(&args.target).await {
            Ok(c) => c,
            Err(status) => return status,
        };
        match shipshape_deploy::diff(&cluster, &model, &settings).await {
            Ok(changes) => {
                let text: String = changes.iter().map(|c| format!("{c}\n")).collect();
                let printed = print(&text);
                if printed != ExitCode::SUCCESS {
                    printed
                } else if changes.iter().all(|c| c.action == Action::Unchanged) {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(DEPLOY_FAILED)
                }
            }
            Err(error) => failed(&error),
        }
    })
}

/// Prints why a deploy, rollback or status did not succeed; returns its exit status.
fn failed(error: &DeployError) -> ExitCode {
    report::error(&error.to_string());
    let diagnoses = match error {
        DeployError::Failed { diagnoses, .. }
        | DeployError::RolledBack { diagnoses, .. }
        | DeployError::RollbackFailed { diagnoses, .. } => diagnoses.as_slice(),
        _ => &[],
    };
    for diagnosis in diagnoses {
        eprintln!("{diagnosis}");
    }
    if let DeployError::RollbackFailed { cause, .. } = error
        && let DeployError::Failed { diagnoses, .. } = cause.as_ref()
    {
        eprintln!("the rollback got stuck on:");
        for diagnosis in diagnoses {
            eprintln!("{diagnosis}");
        }
    }
    ExitCode::from(match error {
        DeployError::Plan(_)
        | DeployError::Recreate(_)
        | DeployError::EmptySet(_)
        | DeployError::MigrationGone { .. }
        | DeployError::NoRevision(_) => BAD_INPUT,
        DeployError::Lock(lock::LockError::Api(_)) | DeployError::Api(_) => UNREACHABLE,
        DeployError::Lock(_) => LOCKED,
        DeployError::Failed { .. } => DEPLOY_FAILED,
        DeployError::RolledBack { .. } => ROLLED_BACK,
        DeployError::RollbackFailed { .. } => ROLLBACK_FAILED,
    })
}

/// Runs `shipshape deploy`.
pub fn deploy(args: &DeployArgs) -> ExitCode {
    let model = match read(&args.diff) {
        Ok(m) => m,
        Err(status) => return status,
    };
    let (name, namespace) = match naming(&args.diff.target, Some(&model)) {
        Ok(n) => n,
        Err(status) => return status,
    };
    let mut settings = Settings::new(&name, &namespace, &who(&args.diff.target));
    settings.timeout = args.timeout;
    settings.prune = !args.no_prune;
    settings.prune_all = args.prune_all;
    settings.rollback_on_failure = args.rollback_on_failure.then_some(args.rollback_timeout);
    settings.break_lock = args.break_lock;
    let runtime = match runtime() {
        Ok(r) => r,
        Err(status) => return status,
    };
    runtime.block_on(async {
        let cluster = match connect(&args.diff.target).await {
            Ok(c) => c,
            Err(status) => return status,
        };
        let observer = observer();
        match shipshape_deploy::deploy(&cluster, &model, &settings, observer.as_ref()).await {
            Ok(done) => {
                for (target, why) in &done.kept {
                    report::note(&format!(
                        "{target} was not pruned ({why}); the next deploy tries again"
                    ));
                }
                let changed = done
                    .changes
                    .iter()
                    .filter(|c| c.action != Action::Unchanged)
                    .count();
                match done.revision {
                    Some(revision) => eprintln!(
                        "deployed {name} revision {revision}: {changed} of {} objects changed",
                        done.changes.len()
                    ),
                    None => eprintln!("{name} is up to date: nothing changed, everything is ready"),
                }
                ExitCode::SUCCESS
            }
            Err(error) => failed(&error),
        }
    })
}

/// Runs `shipshape history`.
pub fn history(target: &TargetArgs) -> ExitCode {
    let (name, namespace) = match naming(target, None) {
        Ok(n) => n,
        Err(status) => return status,
    };
    let runtime = match runtime() {
        Ok(r) => r,
        Err(status) => return status,
    };
    runtime.block_on(async {
        let cluster = match connect(target).await {
            Ok(c) => c,
            Err(status) => return status,
        };
        let inventory = shipshape_deploy::inventory::Inventory::new(&name, &namespace);
        match history::list(&cluster, &inventory).await {
            Ok(revisions) if revisions.is_empty() => {
                usage(&format!("no deploy named {name} in namespace {namespace}"))
            }
            Ok(revisions) => {
                let mut text = format!(
                    "{:<9} {:<10} {:<21} {:<24} NOTE\n",
                    "REVISION", "STATUS", "TIME", "WHO"
                );
                for r in &revisions {
                    let note = r
                        .rollback_of
                        .map(|n| format!("rollback to {n}"))
                        .unwrap_or_default();
                    text.push_str(&format!(
                        "{:<9} {:<10} {:<21} {:<24} {note}\n",
                        r.number,
                        r.status.to_string(),
                        r.time,
                        r.who
                    ));
                }
                print(&text)
            }
            Err(error) => unreachable_cluster(&error),
        }
    })
}

fn unreachable_cluster(error: &ApiError) -> ExitCode {
    report::error(&error.to_string());
    ExitCode::from(UNREACHABLE)
}

/// Runs `shipshape rollback`.
pub fn rollback(args: &RollbackArgs) -> ExitCode {
    let (name, namespace) = match naming(&args.target, None) {
        Ok(n) => n,
        Err(status) => return status,
    };
    let mut settings = Settings::new(&name, &namespace, &who(&args.target));
    settings.timeout = args.timeout;
    settings.break_lock = args.break_lock;
    let runtime = match runtime() {
        Ok(r) => r,
        Err(status) => return status,
    };
    runtime.block_on(async {
        let cluster = match connect(&args.target).await {
            Ok(c) => c,
            Err(status) => return status,
        };
        let observer = observer();
        match shipshape_deploy::rollback(&cluster, &settings, observer.as_ref(), args.revision)
            .await
        {
            Ok(revision) => {
                eprintln!("rolled {name} back as revision {revision}");
                ExitCode::SUCCESS
            }
            Err(error) => failed(&error),
        }
    })
}

/// Runs `shipshape status`.
pub fn status(target: &TargetArgs) -> ExitCode {
    let (name, namespace) = match naming(target, None) {
        Ok(n) => n,
        Err(status) => return status,
    };
    let settings = Settings::new(&name, &namespace, &who(target));
    let runtime = match runtime() {
        Ok(r) => r,
        Err(status) => return status,
    };
    runtime.block_on(async {
        let cluster = match connect(target).await {
            Ok(c) => c,
            Err(status) => return status,
        };
        match shipshape_deploy::status(&cluster, &settings).await {
            Ok((revision, objects)) => {
                let mut text = format!(
                    "{name} revision {} ({}, {} by {})\n",
                    revision.number, revision.status, revision.time, revision.who
                );
                for object in &objects {
                    let (word, why) = match &object.health {
                        Health::Ready => ("ready", String::new()),
                        Health::Progressing(why) => ("waiting", format!(": {why}")),
                        Health::Failed(why) => ("failed", format!(": {why}")),
                    };
                    text.push_str(&format!("{word:<8} {}{why}\n", object.target));
                }
                for diagnosis in objects.iter().filter_map(|o| o.diagnosis.as_ref()) {
                    if !diagnosis.pods.is_empty() || diagnosis.condition.is_some() {
                        text.push_str(&format!("\n{diagnosis}\n"));
                    }
                }
                let printed = print(&text);
                if printed != ExitCode::SUCCESS {
                    printed
                } else if objects.iter().all(|o| o.health == Health::Ready) {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(DEPLOY_FAILED)
                }
            }
            Err(error) => failed(&error),
        }
    })
}
