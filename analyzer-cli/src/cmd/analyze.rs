//! `sosalyzer analyze`.

use std::process::ExitCode;

use crate::cli::AnalyzeArgs;

/// Runs `sosalyzer analyze`.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("analyze is not available in this build yet")
}
