//! One module per subcommand; each turns arguments into library calls and prints the result.

use std::process::ExitCode;

use crate::cli::{Cli, Command};

mod analyze;
mod inventory;
mod parse;
mod rules;
mod scan;
mod timeline;

/// Runs the subcommand and returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Timeline(args) => timeline::run(args),
        Command::Parse(args) => parse::run(args),
        Command::Inventory(args) => inventory::run(args),
        Command::Rules(args) => rules::run(args),
    }
}
