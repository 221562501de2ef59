//! `sosalyzer rules`.

use std::process::ExitCode;

use crate::cli::RulesArgs;

/// Runs `sosalyzer rules`.
pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("rules is not available in this build yet")
}
