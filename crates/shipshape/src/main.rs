//! The `shipshape` command line.

mod check;
mod cli;
mod commands;
mod report;
mod validate;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    commands::run(cli)
}
