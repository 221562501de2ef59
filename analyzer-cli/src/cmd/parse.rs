//! `sosalyzer parse`.

use std::io::Write as _;
use std::process::ExitCode;

use analyzer_core::parse::logline::{self, Hint};
use anyhow::Context as _;

use crate::cli::{ParseArgs, TextOrJson};

/// Runs `sosalyzer parse`.
pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    if let Some(hint) = log_hint(&args.kind) {
        return run_log(hint, &args);
    }
    anyhow::bail!("parse is not available in this build yet")
}

/// The prefix-parser hint for the log KINDs (`dmesg`, `syslog`, `journal`).
fn log_hint(kind: &str) -> Option<Hint> {
    match kind {
        "dmesg" => Some(Hint::Dmesg),
        "syslog" => Some(Hint::Syslog),
        "journal" => Some(Hint::Journal),
        _ => None,
    }
}

/// `parse dmesg|syslog|journal FILE`: every line's prefix read, plus counts.
fn run_log(hint: Hint, args: &ParseArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.file).with_context(|| format!("{}", args.file.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let summary = logline::summarize(&text, hint);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut out, &summary)?;
            writeln!(out)?;
        }
        TextOrJson::Text => {
            for line in &summary.lines {
                let prio = match (&line.facility, line.level) {
                    (Some(f), Some(l)) => format!("{f}.{l}"),
                    (None, Some(l)) => l.to_string(),
                    (Some(f), None) => f.clone(),
                    (None, None) => "-".to_string(),
                };
                writeln!(
                    out,
                    "{:>6}  {:<17}  {:<32}  {:<11}  {:<10}  {}",
                    line.line,
                    line.format,
                    if line.time.is_empty() { "-" } else { &line.time },
                    prio,
                    line.source.unwrap_or(if line.kernel { "(kernel)" } else { "-" }),
                    line.message
                )?;
            }
            let c = &summary.counts;
            writeln!(
                out,
                "{} lines: {} kernel, {} other programs, {} without prefix, {} empty",
                c.lines, c.kernel, c.other, c.bare, c.empty
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
