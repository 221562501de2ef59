//! `sosalyzer scan`.

use std::process::ExitCode;

use crate::cli::ScanArgs;

/// Runs `sosalyzer scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("scan is not available in this build yet")
}
