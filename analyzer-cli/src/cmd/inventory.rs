//! `sosalyzer inventory`.

use std::process::ExitCode;

use crate::cli::InventoryArgs;

/// Runs `sosalyzer inventory`.
pub fn run(args: InventoryArgs) -> anyhow::Result<ExitCode> {
    let _ = args;
    anyhow::bail!("inventory is not available in this build yet")
}
