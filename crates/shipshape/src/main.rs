//! The `shipshape` command line.

mod api;
mod check;
mod cli;
mod commands;
mod deploy;
mod format;
mod inputs;
mod report;
mod simulate;
mod status;
mod validate;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    commands::run(cli)
}
