//! The report: one serialisable value per analysed bundle (docs/CONTRACT.md, JSON
//! `schema_version` 1), rendered to JSON, Markdown, HTML and the terminal.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bundle::{InputFormat, InputKind};
use crate::model::{Event, Finding, HostFacts, Problem};
use crate::parse::{buddyinfo::BuddyZone, free::FreeBlock, slabinfo::SlabCache, zoneinfo::Zone};
use crate::source::SourceKind;

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
}
