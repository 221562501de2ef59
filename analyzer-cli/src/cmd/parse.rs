//! `sosalyzer parse KIND FILE [-f json|text]`: parses one file as KIND and prints the typed
//! result.
//!
//! A file that yields no record at all (a JPEG or a dmesg given as `zoneinfo`, an empty file)
//! is not KIND: one line on stderr and exit code 2. Lines that did not parse in an otherwise
//! good file are listed in the result (`unparsed`) and counted in a note on stderr; the exit
//! code stays 0.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

use analyzer_core::parse::{
    ParsedFile, buddyinfo, cmdline, free, meminfo, mounts, pagetypeinfo, ps, slabinfo, sysctl,
    vmstat, zoneinfo,
};
use anyhow::Context as _;
use serde::Serialize;

use crate::cli::{ParseArgs, TextOrJson};

/// Every KIND `parse` knows, in the order `--help` lists them.
const KINDS: &[&str] = &[
    "meminfo",
    "free",
    "zoneinfo",
    "buddyinfo",
    "pagetypeinfo",
    "slabinfo",
    "vmstat",
    "sysctl",
    "cmdline",
    "ps",
    "mounts",
    "uname",
    "uptime",
    "date",
    "dmesg",
    "syslog",
    "journal",
];

/// Files larger than this are refused rather than buffered (a /proc file is far smaller).
const MAX_FILE_BYTES: u64 = 256 << 20;

/// Runs `sosalyzer parse`.
pub fn run(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let file = args.file.as_path();
    match args.kind.as_str() {
        "meminfo" => show(&args, meminfo::parse(&read_text(file)?)),
        "free" => {
            let unit = free::FreeUnit::of_file_name(&file.to_string_lossy());
            show(&args, free::parse_with_unit(&read_text(file)?, unit))
        }
        "zoneinfo" => show(&args, zoneinfo::parse(&read_text(file)?)),
        "buddyinfo" => show(&args, buddyinfo::parse(&read_text(file)?)),
        "pagetypeinfo" => show(&args, pagetypeinfo::parse(&read_text(file)?)),
        "slabinfo" => show(&args, slabinfo::parse(&read_text(file)?)),
        "vmstat" => show(&args, vmstat::parse(&read_text(file)?)),
        "sysctl" => show(&args, sysctl::parse_file(&file.to_string_lossy(), &read_text(file)?)),
        "cmdline" => show(&args, cmdline::parse(&read_text(file)?)),
        "ps" => show(&args, ps::parse(&read_text(file)?)),
        "mounts" => show(&args, mounts::parse(&read_text(file)?)),
        kind @ ("uname" | "uptime" | "date" | "dmesg" | "syslog" | "journal") => {
            anyhow::bail!("parse {kind}: not supported yet")
        }
        other => {
            eprintln!("sosalyzer: unknown kind {other:?}; kinds: {}", KINDS.join(", "));
            Ok(ExitCode::from(2))
        }
    }
}

/// The file as text (invalid UTF-8 replaced), refusing files over [`MAX_FILE_BYTES`].
fn read_text(path: &Path) -> anyhow::Result<String> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        anyhow::bail!("{} is larger than {} MiB", path.display(), MAX_FILE_BYTES >> 20);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Prints `parsed` as JSON or text, or says the file is not of the kind asked for.
fn show<T: Serialize + ParsedFile + TextForm>(
    args: &ParseArgs,
    parsed: T,
) -> anyhow::Result<ExitCode> {
    let file = args.file.display();
    let kind = &args.kind;
    let unparsed = parsed.unparsed_lines();
    if parsed.record_count() == 0 {
        match unparsed.len() {
            0 => eprintln!("sosalyzer: {file} holds no {kind} data"),
            n => eprintln!(
                "sosalyzer: {file} does not look like {kind}: none of its {n} lines parsed"
            ),
        }
        return Ok(ExitCode::from(2));
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        TextOrJson::Json => {
            serde_json::to_writer_pretty(&mut out, &parsed)?;
            writeln!(out)?;
        }
        TextOrJson::Text => out.write_all(parsed.text().as_bytes())?,
    }
    out.flush()?;
    if let Some(first) = unparsed.first() {
        let n = unparsed.len();
        let lines = if n == 1 { "line" } else { "lines" };
        eprintln!(
            "sosalyzer: note: {n} {lines} of {file} did not parse (first at line {})",
            first.line
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Bytes as a short readable size (`7.7 GiB`).
fn size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} B"),
        _ => format!("{value:.1} {}", UNITS.get(unit).unwrap_or(&"?")),
    }
}

fn opt(value: Option<u64>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The readable form of a parsed file.
trait TextForm {
    /// The text printed by `-f text`.
    fn text(&self) -> String;
}

impl TextForm for meminfo::Meminfo {
    fn text(&self) -> String {
        let mut s = String::new();
        for (key, value) in &self.values {
            let _ = writeln!(s, "{:<20} {value}", format!("{key}:"));
        }
        s
    }
}

impl TextForm for free::Free {
    fn text(&self) -> String {
        let mut s = String::new();
        for b in &self.blocks {
            let _ = writeln!(
                s,
                "free at line {} ({:?} layout, printed in {})",
                b.line, b.layout, b.unit
            );
            let row = |s: &mut String, label: &str, r: &free::FreeRow| {
                let cols = [
                    ("total", r.total),
                    ("used", r.used),
                    ("free", r.free),
                    ("shared", r.shared),
                    ("cache", r.cache_total()),
                    ("available", r.available),
                ];
                let cells: Vec<String> = cols
                    .iter()
                    .filter_map(|(name, v)| v.map(|v| format!("{name} {}", size(v))))
                    .collect();
                let _ = writeln!(s, "  {label:<6} {}", cells.join(", "));
            };
            row(&mut s, "Mem:", &b.mem);
            if let Some((used, free)) = b.buffers_cache {
                let _ =
                    writeln!(s, "  -/+ buffers/cache: used {}, free {}", size(used), size(free));
            }
            if let Some(swap) = &b.swap {
                row(&mut s, "Swap:", swap);
            }
            for (label, r) in &b.other_rows {
                row(&mut s, &format!("{label}:"), r);
            }
        }
        s
    }
}

impl TextForm for zoneinfo::Zoneinfo {
    fn text(&self) -> String {
        let mut s =
            String::from("node zone         free        min        low       high    managed\n");
        for z in &self.zones {
            let flag = if z.below_min() {
                "  below min"
            } else if z.below_low() {
                "  below low"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "{:>4} {:<8} {:>10} {:>10} {:>10} {:>10} {:>10}{flag}",
                z.node,
                z.zone,
                opt(z.free),
                opt(z.min),
                opt(z.low),
                opt(z.high),
                opt(z.managed),
            );
        }
        s
    }
}

impl TextForm for buddyinfo::Buddyinfo {
    fn text(&self) -> String {
        let mut s = String::new();
        for z in &self.zones {
            let blocks: Vec<String> = z.free_blocks.iter().map(u64::to_string).collect();
            let largest = z.free_blocks.iter().rposition(|&n| n > 0);
            let _ = writeln!(
                s,
                "Node {} {:<8} free pages {:>9}  largest free order {:>2}  blocks per order: {}",
                z.node,
                z.zone,
                z.total_free_pages(),
                largest.map_or_else(|| "-".to_string(), |o| o.to_string()),
                blocks.join(" "),
            );
        }
        s
    }
}

impl TextForm for pagetypeinfo::Pagetypeinfo {
    fn text(&self) -> String {
        let mut s = format!(
            "page block order {}, pages per block {}\n",
            self.page_block_order.map_or_else(|| "-".to_string(), |o| o.to_string()),
            opt(self.pages_per_block),
        );
        for f in &self.free {
            let counts: Vec<String> = f.free_blocks.iter().map(u64::to_string).collect();
            let capped = if f.capped { " (capped)" } else { "" };
            let _ = writeln!(
                s,
                "Node {} {:<8} {:<12} {}{capped}",
                f.node,
                f.zone,
                f.migrate_type,
                counts.join(" ")
            );
        }
        for b in &self.blocks {
            let cells: Vec<String> = b.blocks.iter().map(|(t, n)| format!("{t} {n}")).collect();
            let _ = writeln!(s, "Node {} {:<8} pageblocks: {}", b.node, b.zone, cells.join(", "));
        }
        s
    }
}

impl TextForm for slabinfo::Slabinfo {
    fn text(&self) -> String {
        let mut s = format!(
            "slabinfo {}: {} caches, {} in slabs\nlargest caches:\n",
            self.version.as_deref().unwrap_or("?"),
            self.caches.len(),
            size(self.total_bytes()),
        );
        for c in self.top_by_bytes(20) {
            let _ = writeln!(
                s,
                "  {:<28} {:>10}  {} objects of {} B",
                c.name,
                size(c.bytes),
                c.num_objs,
                c.objsize
            );
        }
        s
    }
}

impl TextForm for vmstat::Vmstat {
    fn text(&self) -> String {
        self.values.iter().fold(String::new(), |mut s, (k, v)| {
            let _ = writeln!(s, "{k} {v}");
            s
        })
    }
}

impl TextForm for sysctl::Sysctl {
    fn text(&self) -> String {
        self.values.iter().fold(String::new(), |mut s, (k, v)| {
            let _ = writeln!(s, "{k} = {v}");
            s
        })
    }
}

impl TextForm for cmdline::Cmdline {
    fn text(&self) -> String {
        let mut s = format!("{}\n", self.raw);
        let sizes = self.hugepagesz.join(", ");
        let counts: Vec<String> = self.hugepages.iter().map(u64::to_string).collect();
        let _ = writeln!(s, "hugepagesz: {}", if sizes.is_empty() { "-" } else { &sizes });
        let _ = writeln!(
            s,
            "hugepages: {}",
            if counts.is_empty() { "-".into() } else { counts.join(", ") }
        );
        let _ = writeln!(
            s,
            "default_hugepagesz: {}",
            self.default_hugepagesz.as_deref().unwrap_or("-")
        );
        let _ = writeln!(s, "min_free_kbytes: {}", opt(self.min_free_kbytes));
        s
    }
}

impl TextForm for ps::PsTable {
    fn text(&self) -> String {
        let mut s = format!(
            "{} processes, {} resident\nRSS by command:\n",
            self.processes.len(),
            size(self.total_rss_kb().saturating_mul(1024)),
        );
        for c in self.by_command().iter().take(20) {
            let _ = writeln!(
                s,
                "  {:<28} {:>10}  {} processes",
                c.command,
                size(c.rss_kb.saturating_mul(1024)),
                c.processes
            );
        }
        s
    }
}

impl TextForm for mounts::Mounts {
    fn text(&self) -> String {
        self.mounts.iter().fold(String::new(), |mut s, m| {
            let _ =
                writeln!(s, "{} on {} type {} ({})", m.device, m.mount_point, m.fstype, m.options);
            s
        })
    }
}
