//! `sosalyzer timeline`.

use std::process::ExitCode;

use crate::cli::TimelineArgs;

/// Runs `sosalyzer timeline`.
pub fn run(args: TimelineArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("timeline is not available in this build yet")
}
