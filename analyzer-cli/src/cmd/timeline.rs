//! `sosalyzer timeline`.

use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::ExitCode;

use analyzer_core::model::{Event, EventKind, HostFacts};
use analyzer_core::parse::logline;
use analyzer_core::timeline::{self, TimelineBuilder, TimelineOutput};
use anyhow::Context as _;
use jiff::Timestamp;

use crate::cli::{TextOrJson, TimelineArgs};

/// Runs `sosalyzer timeline`.
pub fn run(args: TimelineArgs) -> anyhow::Result<ExitCode> {
    let kinds = args
        .kinds
        .iter()
        .map(|k| k.parse::<EventKind>().map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let since = args.since.as_deref().map(parse_time).transpose().context("--since")?;
    let until = args.until.as_deref().map(parse_time).transpose().context("--until")?;
    let output = read_timeline(&args.path)?;
    let events: Vec<&Event> = output
        .events
        .iter()
        .filter(|e| kinds.is_empty() || kinds.contains(&e.kind()))
        .filter(|e| in_window(e, since, until))
        .collect();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match args.format {
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut out, &events)?;
            writeln!(out)?;
        }
        TextOrJson::Text => write_text(&mut out, &events, &output)?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The timeline of a bundle (folder or archive) or of one loose log file. A `sos collect`
/// archive holds one bundle per node: their timelines are shown one after the other, ids
/// prefixed with the node's bundle.
fn read_timeline(path: &Path) -> anyhow::Result<TimelineOutput> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let loose_date = modified.and_then(|m| Timestamp::try_from(m).ok());
    match timeline::timeline(path, None, loose_date) {
        Ok(mut bundles) if bundles.len() == 1 => Ok(bundles.remove(0).timeline),
        Ok(bundles) => {
            // A `sos collect` archive: one timeline per node, shown in turn.
            let mut all = TimelineOutput::default();
            for b in bundles {
                let label = b.input.path;
                for mut e in b.timeline.events {
                    e.id = format!("{label}#{}", e.id);
                    all.events.push(e);
                }
                // Boot numbers are per node: they are not listed for the archive as a whole.
                all.problems.extend(b.timeline.problems);
            }
            Ok(all)
        }
        // Pasted excerpts (quoted, bare, mixed) are no recognised bundle or log: read the file
        // as a loose log anyway, each line's format detected on its own.
        Err(analyzer_core::Error::NotABundle { .. }) if path.is_file() => loose_file_timeline(path),
        Err(err) => Err(err.into()),
    }
}

/// The timeline of one loose log file (dmesg, messages, kern.log, journal export), its format
/// detected from its first lines. The file's modification time stands in for the collection
/// date, which gives yearless syslog stamps their year.
fn loose_file_timeline(path: &Path) -> anyhow::Result<TimelineOutput> {
    let file = std::fs::File::open(path).with_context(|| path.display().to_string())?;
    let modified = file.metadata().and_then(|m| m.modified()).ok();
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let head = reader.fill_buf().with_context(|| path.display().to_string())?;
    if head.is_empty() {
        anyhow::bail!("{}: the file is empty", path.display());
    }
    let kind = logline::detect_kind(&String::from_utf8_lossy(head));
    let host = HostFacts {
        collected_at: modified.and_then(|m| Timestamp::try_from(m).ok()),
        ..HostFacts::default()
    };
    let mut builder = TimelineBuilder::new(None);
    let name = path.display().to_string();
    builder.read_loose_log(&name, kind, &mut reader).with_context(|| name.clone())?;
    Ok(builder.finish(&host))
}

/// `--since`/`--until`: RFC 3339, or `YYYY-MM-DD[ HH:MM[:SS]]` in UTC.
fn parse_time(text: &str) -> anyhow::Result<Timestamp> {
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    let civil: jiff::civil::DateTime = text
        .replace(' ', "T")
        .parse()
        .with_context(|| format!("{text:?} is not RFC 3339 or YYYY-MM-DD[ HH:MM[:SS]]"))?;
    Ok(jiff::tz::TimeZone::UTC.to_timestamp(civil)?)
}

/// Whether an event is inside the window. Events without a wall-clock time cannot be placed,
/// so any window leaves them out.
fn in_window(event: &Event, since: Option<Timestamp>, until: Option<Timestamp>) -> bool {
    if since.is_none() && until.is_none() {
        return true;
    }
    let Some(wall) = event.time.wall else { return false };
    since.is_none_or(|s| wall >= s) && until.is_none_or(|u| wall <= u)
}

/// One event per entry: id, time, boot, kind, headline, then where it was seen.
fn write_text(
    out: &mut impl std::io::Write,
    events: &[&Event],
    all: &TimelineOutput,
) -> std::io::Result<()> {
    for e in events {
        let wall = e
            .time
            .wall
            .map_or_else(|| "-".to_string(), |w| w.strftime("%Y-%m-%d %H:%M:%S").to_string());
        let printk = e.time.since_boot.map_or_else(String::new, |s| {
            format!(" [{}.{:06}]", s.as_micros() / 1_000_000, s.as_micros() % 1_000_000)
        });
        let headline = logline::parse_line(&e.raw, logline::Hint::Auto).msg.trim();
        writeln!(
            out,
            "{:<5} {wall}{printk}  boot {}  {:<18} {headline}",
            e.id,
            e.time.boot,
            e.kind()
        )?;
        let sources: Vec<String> =
            e.sources.iter().map(|s| format!("{}:{}", s.path, s.line)).collect();
        writeln!(out, "      {}", sources.join(", "))?;
    }
    writeln!(out, "{} events shown ({} in all)", events.len(), all.events.len())?;
    for b in &all.boots {
        let start = b.start.map_or_else(
            || "start unknown".to_string(),
            |s| format!("started {}", s.strftime("%Y-%m-%d %H:%M:%S")),
        );
        let current = if b.current { " (current)" } else { "" };
        writeln!(out, "boot {}: {start}{current}", b.index)?;
    }
    for p in &all.problems {
        match p.line {
            Some(line) => writeln!(out, "problem: {}:{line}: {}", p.path, p.message)?,
            None => writeln!(out, "problem: {}: {}", p.path, p.message)?,
        }
    }
    Ok(())
}
