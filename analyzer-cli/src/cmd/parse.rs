//! `sosalyzer parse`.

use std::process::ExitCode;

use crate::cli::ParseArgs;

/// Runs `sosalyzer parse`.
pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("parse is not available in this build yet")
}
