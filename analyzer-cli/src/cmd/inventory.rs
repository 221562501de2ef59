//! `sosalyzer inventory`: what the input is, its host facts, each source found (kind, path, size,
//! lines) and each expected source that is missing.
//!
//! With `-f json` the output is the `input`, `host`, `sources` and `problems` parts of the JSON
//! report: one object for an input holding one bundle, an array of such objects (one per inner
//! sosreport) for a `sos collect` archive with several.

use std::io::Write;
use std::process::ExitCode;

use analyzer_core::inventory::{Inventory, inventory};
use analyzer_core::report::SourceStatus;

use crate::cli::{InventoryArgs, TextOrJson};

/// Runs `sosalyzer inventory`.
pub fn run(args: InventoryArgs) -> anyhow::Result<ExitCode> {
    // The core error already names the path and the cause in one line.
    let inventories = inventory(&args.path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        TextOrJson::Json => {
            match inventories.as_slice() {
                [one] => serde_json::to_writer_pretty(&mut out, one)?,
                many => serde_json::to_writer_pretty(&mut out, many)?,
            }
            writeln!(out)?;
        }
        TextOrJson::Text => {
            for (i, inv) in inventories.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                write_text(&mut out, inv)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn json_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn write_text(out: &mut dyn Write, inv: &Inventory) -> std::io::Result<()> {
    let unknown = || "unknown".to_string();
    writeln!(out, "input:     {}", inv.input.path)?;
    writeln!(out, "kind:      {} ({})", json_name(&inv.input.kind), json_name(&inv.input.format))?;
    let host = &inv.host;
    writeln!(out, "hostname:  {}", host.hostname.clone().unwrap_or_else(unknown))?;
    writeln!(out, "kernel:    {}", host.kernel.clone().unwrap_or_else(unknown))?;
    if let Some(version) = &host.sos_version {
        writeln!(out, "sos:       {version}")?;
    }
    let time = |t: Option<jiff::Timestamp>| t.map(|t| t.to_string()).unwrap_or_else(unknown);
    writeln!(out, "collected: {}", time(host.collected_at))?;
    writeln!(out, "booted:    {}", time(host.boot_time))?;
    if let Some(secs) = host.uptime_secs {
        writeln!(
            out,
            "uptime:    {}d {}h {}m",
            secs / 86_400,
            secs % 86_400 / 3600,
            secs % 3600 / 60
        )?;
    }
    let (missing, found): (Vec<_>, Vec<_>) =
        inv.sources.iter().partition(|s| s.status == SourceStatus::Missing);
    writeln!(out, "sources found ({}):", found.len())?;
    for s in &found {
        let size = s.size.map(|b| b.to_string()).unwrap_or_else(|| "-".into());
        let status = match s.status {
            SourceStatus::Parsed => String::new(),
            other => format!("  [{}]", json_name(&other)),
        };
        writeln!(
            out,
            "  {:<15} {:<60} {:>12} B {:>9} lines{status}",
            s.kind.as_str(),
            s.path,
            size,
            s.lines
        )?;
    }
    if !missing.is_empty() {
        writeln!(out, "expected but missing ({}):", missing.len())?;
        for s in &missing {
            writeln!(out, "  {:<15} {}", s.kind.as_str(), s.path)?;
        }
    }
    if !inv.problems.is_empty() {
        writeln!(out, "problems ({}):", inv.problems.len())?;
        for p in &inv.problems {
            match p.line {
                Some(line) => writeln!(out, "  {}:{line}: {}", p.path, p.message)?,
                None => writeln!(out, "  {}: {}", p.path, p.message)?,
            }
        }
    }
    Ok(())
}
