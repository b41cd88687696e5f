//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Take a PostgreSQL-backed service to production on Kubernetes from one short spec.
///
/// shipshape reads a `shipshape.yaml` that says what runs and what it needs, and renders
/// the whole production deployment: Deployments, Services, probes, graceful shutdown,
/// autoscaling, disruption budgets, spreading, TLS ingress, network policies, restricted
/// Pod Security, monitoring, migrations and secrets.
///
/// Exit status: 0 success, 1 findings, 2 bad input or usage.
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
