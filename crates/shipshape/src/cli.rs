//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use shipshape_validate::KubeVersion;

/// Take a PostgreSQL-backed service to production on Kubernetes from one short spec.
///
/// shipshape reads a `shipshape.yaml` that says what runs and what it needs, and renders
/// the whole production deployment: Deployments, Services, probes, graceful shutdown,
/// autoscaling, disruption budgets, spreading, TLS ingress, network policies, restricted
/// Pod Security, monitoring, migrations and secrets.
///
/// Exit status: 0 success, 1 findings, 2 bad input or usage; `deploy` and its
/// companions add 3 to 6 (see their help).
#[derive(Debug, Parser)]
#[command(
    name = "shipshape",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a spec into Kubernetes manifests.
    ///
    /// Without -o, prints one multi-document stream in apply order. With -o, writes one
    /// file per object into DIR, all or nothing: on any error nothing is left behind, and a
    /// directory shipshape wrote before is replaced whole.
    #[command(
        after_help = "Examples:\n  shipshape render examples/cyoda-go\n  shipshape render shipshape.yaml --env prod -o deploy/\n  cat shipshape.yaml | shipshape render - --format json"
    )]
    Render(RenderArgs),
    /// Write a commented starter spec.
    #[command(
        after_help = "Examples:\n  shipshape init\n  shipshape init --template worker --name projections -o worker.yaml"
    )]
    Init(InitArgs),
    /// Check Kubernetes manifests for production readiness.
    ///
    /// Reads files, directories (recursively, every *.yaml and *.yml), standard input
    /// (`-`) and shipshape specs: a file named shipshape.yaml is rendered first, and
    /// findings on what it generates point back at the spec line that caused them. All
    /// inputs are checked together, so rules that relate objects (a Service and the pods
    /// it selects) see everything.
    ///
    /// Settings come from --config FILE, else ./shipshape-check.yaml when present;
    /// flags override them (--ignore and --external-refs add to them). Suppress a
    /// finding on one object with the annotation
    /// `shipshape.dev/ignore: SS012 -- why` on the object or its pod template.
    ///
    /// Exit status: 0 no finding at or above --fail-on, 1 findings, 2 bad input.
    #[command(
        after_help = "Examples:\n  shipshape check deploy/\n  helm template my-chart | shipshape check - --namespace shop\n  shipshape check examples/cyoda-go --format sarif > shipshape.sarif\n  shipshape check k8s/ --select security,SS010 --ignore SS042 --fail-on error\n  shipshape check k8s/ --external-refs secret"
    )]
    Check(CheckArgs),
    /// Tell whether the Kubernetes API server would accept each object.
    ///
    /// Validates every object strictly against the schema of its kind in the target
    /// Kubernetes version, offline: unknown fields (with the nearest valid name), wrong
    /// types, missing required fields, invalid enums, quantities and ports, malformed
    /// names and labels, and API versions that are deprecated or no longer served.
    /// Custom resources are validated against the CustomResourceDefinitions in the input,
    /// given with --crd, or shipped with shipshape; others are skipped and counted.
    ///
    /// Reads what `check` reads: files, directories, `-` and shipshape.yaml specs
    /// (rendered first). These are the `api` rules of `check` (SS060-SS062).
    ///
    /// Exit status: 0 every object valid (deprecation warnings allowed), 1 an object is
    /// invalid, 2 bad input.
    #[command(
        after_help = "Examples:\n  shipshape validate deploy/\n  helm template my-chart | shipshape validate - --kubernetes 1.34\n  shipshape validate k8s/ --crd crds/ --strict-crds\n  shipshape validate examples/cyoda-go --format sarif > validate.sarif\n  shipshape validate --versions"
    )]
    Validate(ValidateArgs),
    /// Simulate rollouts, node drains, zone and node loss on a modelled cluster.
    ///
    /// Places every workload's pods as kube-scheduler would (requests, node selectors
    /// and affinity, pod affinity and anti-affinity, topology spread, taints, priority,
    /// volume zones), then rolls out each workload, drains each node in turn through its
    /// PodDisruptionBudgets, loses each zone and each node, and reports per workload the
    /// fewest ready pods, budgets blocked or violated, quorums kept, and pods left
    /// Pending with the scheduler's reason. Requests are counted after admission
    /// (LimitRange defaults filled in, its min and max checked), and each database's
    /// connections are added up with every client at its most. It also lays out who may
    /// reach whom on which port under the NetworkPolicies, against the Services each
    /// workload's env names: a declared call the policies drop is an error, an ingress
    /// rule open to every namespace or to undeclared ports a warning. What it does not
    /// model is listed.
    ///
    /// Reads what `check` reads: files, directories, `-` and shipshape.yaml specs
    /// (rendered first). The cluster is --cluster FILE, else --zones × --nodes-per-zone
    /// nodes of --node-cpu, --node-memory and --node-pods each.
    ///
    /// Exit status: 0 no finding at or above --fail-on, 1 a promise broken, 2 bad input.
    #[command(
        after_help = "Examples:\n  shipshape simulate examples/goverse\n  shipshape simulate deploy/ --cluster cluster.yaml --format json\n  helm template my-chart | shipshape simulate - --zones 2 --nodes-per-zone 3\n  shipshape simulate k8s/ --fail-on warning\n  shipshape simulate examples/goverse --svg sim/"
    )]
    Simulate(SimulateArgs),
    /// Show what a deploy would change in the cluster, without changing anything.
    ///
    /// Asks the API server: every object is applied as a dry run (`dryRun=All`) under
    /// the deploy's field manager and compared, field by field, with the live one. Each
    /// object is a create, an update (with its fields, and whether it changes in place,
    /// restarts pods, must be re-created because a field is immutable, or puts stored
    /// data at risk), unchanged, or a delete (it left the set). Secret data is hidden.
    /// Objects the server does not serve or refuses are errors.
    ///
    /// Reads what `check` reads. See docs/deploy.md.
    ///
    /// Exit status: 0 no change, 1 changes, 2 bad input or refused, 6 cluster unreachable.
    #[command(
        after_help = "Examples:\n  shipshape diff examples/cyoda-go\n  shipshape diff deploy/ -n shop --name shop --context staging"
    )]
    Diff(DiffArgs),
    /// Deploy to a cluster: plan, apply in phases, wait, prune, record.
    ///
    /// Applies with server-side apply in phases (namespaces and CRDs; config, secrets,
    /// RBAC, services; the backing services migrations wait for; migration Jobs; workloads;
    /// ingress, autoscalers, budgets, monitoring), each waited until ready with the rules
    /// of `kubectl rollout status` and kstatus, failing fast on a failed Job, a deadline
    /// exceeded, a crash loop, an image that cannot be pulled or a pod no node can take,
    /// with a diagnosis of what is stuck. Then deletes what left the set (an ApplySet
    /// inventory; never another tool's objects) and records the deploy as a revision. A
    /// Lease keeps two deploys from running at once. A deploy that changes nothing writes
    /// nothing. See docs/deploy.md.
    ///
    /// Exit status: 0 deployed, 1 failed, 2 bad input or refused before any write, 3 the
    /// lock is held (or was lost), 4 failed and rolled back, 5 failed and the rollback
    /// failed, 6 cluster unreachable.
    #[command(
        after_help = "Examples:\n  shipshape deploy examples/cyoda-go\n  shipshape deploy deploy/ -n shop --name shop --rollback-on-failure\n  shipshape deploy shipshape.yaml --env prod --context prod --timeout 10m"
    )]
    Deploy(DeployArgs),
    /// List the recorded revisions of a deploy.
    ///
    /// Exit status: 0 listed, 2 bad input, 6 cluster unreachable.
    #[command(after_help = "Examples:\n  shipshape history --name shop -n shop")]
    History(TargetArgs),
    /// Restore an earlier revision of a deploy, recorded as a new revision.
    ///
    /// REV defaults to the newest deployed revision before the newest one. Migration
    /// Jobs are never run again nor reverted, and Secrets are left as they are; a
    /// revision whose pods wait for a migration Job that no longer exists is refused.
    ///
    /// Exit status as `deploy`.
    #[command(
        after_help = "Examples:\n  shipshape rollback --name shop -n shop\n  shipshape rollback 3 --name shop -n shop"
    )]
    Rollback(RollbackArgs),
    /// Show the live state of each object of a deploy, with a diagnosis of what is stuck.
    ///
    /// Exit status: 0 every object ready, 1 an object is not, 2 bad input, 6 cluster
    /// unreachable.
    #[command(after_help = "Examples:\n  shipshape status --name shop -n shop")]
    Status(TargetArgs),
    /// List the checker's rules.
    #[command(
        after_help = "Examples:\n  shipshape rules\n  shipshape rules --format json\n  shipshape rules --format markdown > docs/rules.md"
    )]
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
    /// Explain one rule: what it checks, why it matters, how to fix it, with examples.
    #[command(
        after_help = "Examples:\n  shipshape rule SS014\n  shipshape rule pdb-blocks-eviction"
    )]
    Rule {
        /// The rule's id (SS014) or name (pdb-blocks-eviction).
        id: String,
    },
    /// Print the JSON Schema of shipshape.yaml, for editor completion.
    ///
    /// Save it and point your editor at it with a first line such as
    /// `# yaml-language-server: $schema=./shipshape.schema.json`.
    Schema,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  shipshape completions bash > /etc/bash_completion.d/shipshape\n  shipshape completions zsh > \"${fpath[1]}/_shipshape\"\n  shipshape completions fish > ~/.config/fish/completions/shipshape.fish"
    )]
    Completions {
        /// The shell.
        shell: Shell,
    },
}

/// How to reach the cluster and which deploy, as kubectl names them.
#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// The deploy's name [default: the objects' `app.kubernetes.io/part-of` label].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Namespace of the deploy's inventory, history and lock, and of objects that name
    /// none [default: the namespace of the objects].
    #[arg(short, long, value_name = "NS")]
    pub namespace: Option<String>,
    /// The kubeconfig file [default: $KUBECONFIG, else ~/.kube/config].
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context [default: the current one].
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
    /// Who runs it, for the history and the lock [default: $USER@hostname].
    #[arg(long, value_name = "WHO")]
    pub who: Option<String>,
}

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// Files, directories, shipshape.yaml specs, or `-` for standard input.
    #[arg(default_value = ".", value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,
    /// Environment overlay for shipshape.yaml specs.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// Which cluster and deploy.
    #[command(flatten)]
    pub target: TargetArgs,
}

/// Arguments of `deploy`.
#[derive(Debug, clap::Args)]
pub struct DeployArgs {
    /// What to deploy.
    #[command(flatten)]
    pub diff: DiffArgs,
    /// How long each phase may take to become ready (`90s`, `5m`).
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// Do not delete objects that left the set.
    #[arg(long)]
    pub no_prune: bool,
    /// Allow an empty set to delete every object of the deploy.
    #[arg(long, conflicts_with = "no_prune")]
    pub prune_all: bool,
    /// On failure, restore the last deployed revision.
    #[arg(long)]
    pub rollback_on_failure: bool,
    /// How long each phase of that rollback may take.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration, requires = "rollback_on_failure")]
    pub rollback_timeout: std::time::Duration,
    /// Take the lock even if another deploy holds it (when that deploy died).
    #[arg(long)]
    pub break_lock: bool,
}

/// Arguments of `rollback`.
#[derive(Debug, clap::Args)]
pub struct RollbackArgs {
    /// The revision to restore [default: the last deployed one before the newest].
    #[arg(value_name = "REV")]
    pub revision: Option<u32>,
    /// Which cluster and deploy.
    #[command(flatten)]
    pub target: TargetArgs,
    /// How long each phase may take to become ready.
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
    /// Take the lock even if another deploy holds it.
    #[arg(long)]
    pub break_lock: bool,
}

/// A duration as kubectl's `--timeout` takes it (Go's form: `90s`, `5m`, `1h30m`); a bare
/// number is seconds.
fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    shipshape_grammar::duration::parse(text, shipshape_grammar::duration::BareUnit::Seconds)
        .map_err(|e| e.to_string())
}

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// The spec: a file, a directory holding shipshape.yaml, or `-` for standard input.
    #[arg(default_value = ".", value_name = "FILE|DIR|-")]
    pub spec: PathBuf,
    /// Apply this environment's overlay from `environments:`.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// Write one file per object into this directory instead of printing.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Output encoding.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    pub format: Format,
    /// Instead of the objects, list the spec key that produced each generated field, and
    /// the fields that hold shipshape's defaults (HPA target, resources, deadlines, grace
    /// periods...) with the key that would change them.
    #[arg(long, conflicts_with_all = ["output", "format"])]
    pub provenance: bool,
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files, directories, shipshape.yaml specs, or `-` for standard input.
    #[arg(default_value = ".", value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,
    /// Namespace of objects that name none [default: default].
    #[arg(short, long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Exit 1 when a finding at or above this severity remains [default: warning].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
    /// Run only these rules: ids (SS010), names or themes (security), or `all`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,
    /// Skip these rules: ids, names or themes.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Read settings from this file instead of ./shipshape-check.yaml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Kinds that may live outside the input, so references to them are not checked.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KINDS")]
    pub external_refs: Vec<ExternalRef>,
    /// Environment overlay for shipshape.yaml specs.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// List suppressed findings too (they are always counted).
    #[arg(long)]
    pub show_suppressed: bool,
    /// Read and parse the input, then stop: the baseline that `scripts/bench-check.sh`
    /// compares checking with. Hidden, since it checks nothing.
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// What the `api` rules validate against.
    #[command(flatten)]
    pub api: ApiArgs,
}

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files, directories, shipshape.yaml specs, or `-` for standard input.
    #[arg(default_value = ".", value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,
    /// List the Kubernetes versions shipshape has schemas for, and exit.
    #[arg(long)]
    pub versions: bool,
    /// Namespace of objects that name none.
    #[arg(short, long, value_name = "NS", default_value = "default")]
    pub namespace: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Environment overlay for shipshape.yaml specs.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// What to validate against.
    #[command(flatten)]
    pub api: ApiArgs,
}

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// Files, directories, shipshape.yaml specs, or `-` for standard input.
    #[arg(default_value = ".", value_name = "PATH|-")]
    pub paths: Vec<PathBuf>,
    /// Namespace of objects that name none.
    #[arg(short, long, value_name = "NS", default_value = "default")]
    pub namespace: String,
    /// Environment overlay for shipshape.yaml specs.
    #[arg(long = "env", value_name = "NAME")]
    pub environment: Option<String>,
    /// The cluster: a YAML file of nodes (name, zone, cpu, memory, pods, labels, taints).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["zones", "nodes_per_zone", "node_cpu", "node_memory", "node_pods"])]
    pub cluster: Option<PathBuf>,
    /// Zones of the default cluster.
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=100))]
    pub zones: u16,
    /// Nodes in each zone of the default cluster.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub nodes_per_zone: u16,
    /// Allocatable CPU of each default node.
    #[arg(long, value_name = "QUANTITY", default_value = "4")]
    pub node_cpu: String,
    /// Allocatable memory of each default node.
    #[arg(long, value_name = "QUANTITY", default_value = "16Gi")]
    pub node_memory: String,
    /// Pods each default node may run.
    #[arg(long, value_name = "N", default_value_t = 110, value_parser = clap::value_parser!(u32).range(1..))]
    pub node_pods: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SimulateFormat::Table)]
    pub format: SimulateFormat,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Also write one SVG per scenario (ready pods over time) and the traffic graph
    /// (traffic.svg) into this directory.
    #[arg(long, value_name = "DIR")]
    pub svg: Option<PathBuf>,
}

/// Output formats of `simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    /// Tables of the worst case per workload, then the findings.
    Table,
    /// Every scenario with every workload's timeline.
    Json,
}

/// When `simulate` fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// On warnings (outages the cluster cannot absorb) and errors.
    Warning,
    /// On errors only: broken promises of rollouts and drains, pods that never schedule.
    Error,
    /// Never: report only.
    Never,
}

/// What objects are validated against, for `validate` and the `api` rules of `check`.
#[derive(Debug, clap::Args)]
pub struct ApiArgs {
    /// Kubernetes version to validate against [default: the specs' `kubernetes:`, else the
    /// newest supported].
    #[arg(long = "kubernetes", value_name = "1.x", value_parser = parse_version)]
    pub kubernetes: Option<KubeVersion>,
    /// CustomResourceDefinitions (files or directories) for custom resources; repeatable.
    #[arg(long = "crd", value_name = "PATH")]
    pub crds: Vec<PathBuf>,
    /// Custom resources that no CRD defines are errors instead of skipped.
    #[arg(long)]
    pub strict_crds: bool,
}

fn parse_version(text: &str) -> Result<KubeVersion, String> {
    text.parse()
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Located findings with the offending line, for people.
    Human,
    /// Every finding with its object, place and JSON pointer.
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// Severities, as `--fail-on` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Severity {
    /// Fail on any finding.
    Info,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on errors only.
    Error,
}

/// Kinds `--external-refs` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExternalRef {
    /// ConfigMaps.
    Configmap,
    /// Secrets.
    Secret,
    /// ServiceAccounts.
    Serviceaccount,
    /// PersistentVolumeClaims.
    Persistentvolumeclaim,
    /// All four.
    All,
}

/// Output formats of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// An aligned table.
    Table,
    /// A JSON list.
    Json,
    /// The rule reference, as in docs/rules.md.
    Markdown,
}

/// Output encodings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// YAML documents.
    Yaml,
    /// JSON (a `v1 List` on standard output).
    Json,
}

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The kind of starter.
    #[arg(long, value_enum, default_value_t = Template::Service)]
    pub template: Template,
    /// The application name to put in the spec.
    #[arg(long, default_value = "myapp")]
    pub name: String,
    /// Where to write; `-` prints to standard output.
    #[arg(short, long, default_value = "shipshape.yaml", value_name = "FILE|-")]
    pub output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

/// Starter specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// An HTTP service behind TLS ingress with PostgreSQL, autoscaled.
    Service,
    /// A queue or event consumer with metrics and no inbound traffic.
    Worker,
}

/// Shells with completion scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
}
