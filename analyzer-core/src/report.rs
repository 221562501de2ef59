//! The report: one serialisable value per analysed bundle (docs/CONTRACT.md, JSON
//! `schema_version` 1), rendered to JSON, Markdown, HTML and the terminal.
//!
//! # Wire format
//!
//! [`render_json`] writes the [`Report`] exactly as docs/CONTRACT.md describes it:
//!
//! ```text
//! {"schema_version": 1, "tool": {"name": "sosalyzer", "version": "0.1.0"},
//!  "input": {"path": "…", "kind": "sosreport", "format": "tar.xz"},
//!  "host": {…}, "sources": […], "events": […], "findings": […], "memory": {…}, "problems": […]}
//! ```
//!
//! Markdown and HTML come from minijinja templates (`templates/report.md.j2`,
//! `templates/report.html.j2`), embedded in the library and overridable with a folder
//! ([`Renderer::with_template_dir`]). Templates see only the view structs of [`view`], never
//! the report itself. The terminal summary is written by [`render_text`].
//!
//! ```no_run
//! use analyzer_core::analyze::{AnalyzeOptions, analyze_path};
//! use analyzer_core::report::{Format, Renderer};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let renderer = Renderer::new();
//! for report in analyze_path("sosreport-db01.tar.xz".as_ref(), &AnalyzeOptions::default())? {
//!     let page = renderer.render(&report, Format::Html)?;
//!     std::fs::write(format!("{}.html", report.file_stem()), page)?;
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bundle::{InputFormat, InputKind};
use crate::model::{Event, Finding, HostFacts, Problem, Severity};
use crate::parse::{
    buddyinfo::BuddyZone, free::FreeBlock, ps::CommandRss, slabinfo::SlabCache, zoneinfo::Zone,
};
use crate::source::SourceKind;

mod chart;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod format;
mod memory;
mod render;
#[cfg(test)]
mod tests;
mod text;
pub mod view;

pub use format::Format;
pub use memory::{PS_TOP, SLAB_TOP, top_commands};
pub use render::{
    HTML_TEMPLATE, MARKDOWN_TEMPLATE, RenderError, Renderer, environment, markdown_escape, render,
    render_html, render_json, render_markdown,
};
pub use text::{TextOptions, render_text};

/// Version of the JSON report layout. Bumped only on a breaking change.
pub const SCHEMA_VERSION: u32 = 1;

/// The analysis of one bundle.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool that wrote the report.
    pub tool: Tool,
    /// What was analysed.
    pub input: InputInfo,
    /// Host facts.
    pub host: HostFacts,
    /// Every source found, and every expected one that was missing.
    pub sources: Vec<SourceEntry>,
    /// Kernel events in time order.
    pub events: Vec<Event>,
    /// Findings, worst first.
    pub findings: Vec<Finding>,
    /// Memory state at collection.
    pub memory: MemorySection,
    /// Problems met while reading.
    pub problems: Vec<Problem>,
}

impl Report {
    /// The worst severity among the findings, or `None` when there are none.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// How many findings there are of each severity.
    pub fn severity_counts(&self) -> SeverityCounts {
        let mut counts = SeverityCounts::default();
        for finding in &self.findings {
            let slot = match finding.severity {
                Severity::Critical => &mut counts.critical,
                Severity::Error => &mut counts.error,
                Severity::Warning => &mut counts.warning,
                Severity::Info => &mut counts.info,
            };
            *slot = slot.saturating_add(1);
        }
        counts
    }
}

/// Archive suffixes dropped from an input's name by [`Report::file_stem`].
const ARCHIVE_SUFFIXES: [&str; 14] = [
    ".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst", ".tgz", ".txz", ".tbz2", ".tbz", ".tzst", ".tar",
    ".gz", ".xz", ".bz2", ".zst",
];

impl Report {
    /// A file name without extension for this report, from its input: the last component of
    /// the input path (of the inner bundle for `outer.tar!inner`), archive suffixes dropped,
    /// anything but ASCII letters, digits, `.`, `_` and `-` replaced by `_`, never empty and
    /// never hidden: `/data/sosreport-db01-2024-03-05.tar.xz` gives
    /// `sosreport-db01-2024-03-05`.
    pub fn file_stem(&self) -> String {
        let path = self.input.path.rsplit('!').next().unwrap_or("");
        let path = path.trim_end_matches(['/', '\\']);
        let mut name = path.rsplit(['/', '\\']).next().unwrap_or("").to_string();
        let lower = name.to_ascii_lowercase();
        if let Some(suffix) =
            ARCHIVE_SUFFIXES.iter().find(|s| lower.len() > s.len() && lower.ends_with(*s))
        {
            name.truncate(name.len().saturating_sub(suffix.len()));
        }
        let name: String = name
            .chars()
            .map(
                |c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' },
            )
            .collect();
        let name = name.trim_start_matches('.');
        if name.is_empty() { "report".to_string() } else { name.to_string() }
    }
}

/// Number of findings per severity (the shape of the scan index's `findings` object).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    /// Critical findings.
    pub critical: u64,
    /// Error findings.
    pub error: u64,
    /// Warning findings.
    pub warning: u64,
    /// Info findings.
    pub info: u64,
}

impl SeverityCounts {
    /// All findings.
    pub fn total(&self) -> u64 {
        self.critical
            .saturating_add(self.error)
            .saturating_add(self.warning)
            .saturating_add(self.info)
    }
}

/// Name and version of the tool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// `sosalyzer`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Default for Tool {
    fn default() -> Tool {
        Tool { name: "sosalyzer".to_string(), version: env!("CARGO_PKG_VERSION").to_string() }
    }
}

/// What was analysed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputInfo {
    /// The path as given (for an inner bundle of a `sos collect` archive: `outer.tar!inner`).
    pub path: String,
    /// What kind of bundle it is.
    pub kind: InputKind,
    /// How it was stored.
    pub format: InputFormat,
}

/// Whether a source was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceStatus {
    /// Read completely.
    Parsed,
    /// Read, but the bundle holds only part of it (tailed by sos, cut by a cap, or the archive
    /// ended inside it).
    Truncated,
    /// Present but could not be read.
    Unreadable,
    /// Expected but absent.
    Missing,
}

/// One source of the bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceEntry {
    /// Path relative to the bundle root (for a missing source, the first path it was looked
    /// for at).
    pub path: String,
    /// What it holds.
    pub kind: SourceKind,
    /// Whether it was read.
    pub status: SourceStatus,
    /// Size in bytes as stored (after decompression of `.gz` members), when known.
    pub size: Option<u64>,
    /// Lines read.
    pub lines: u64,
    /// Lines that did not parse.
    pub unparsed_lines: u64,
}

/// The memory picture of the report (the `memory` object of the JSON).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MemorySection {
    /// `/proc/meminfo` values (kB, or counts for `HugePages_*`).
    pub meminfo: BTreeMap<String, u64>,
    /// The first block of `free` output, values in bytes.
    pub free: Option<FreeBlock>,
    /// Zones of `/proc/zoneinfo`.
    pub zoneinfo: Vec<Zone>,
    /// Rows of `/proc/buddyinfo`.
    pub buddyinfo: Vec<BuddyZone>,
    /// The largest slab caches by bytes.
    pub slab_top: Vec<SlabCache>,
    /// The `vm.*` sysctls.
    pub vm_sysctls: BTreeMap<String, String>,
    /// The commands holding the most resident memory (`ps` rows grouped by command name),
    /// largest first.
    pub ps_top: Vec<CommandRss>,
}
