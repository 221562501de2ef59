//! The model every stage after parsing works on: host facts, the kernel-event timeline, the
//! memory snapshot, and the findings that rules derive from them.
//!
//! These types are what the JSON report serialises (docs in `report`), so field names here are
//! part of the contract: extend, never rename.

mod event;
mod finding;
mod host;
mod snapshot;
mod time;

pub use event::{
    AllocKind, BlockIoError, Event, EventFields, EventKind, EventLine, HungTask, KernelOops,
    KernelPanic, Lockup, MemInfoDump, MemInfoZone, OomKill, PageAllocFailure, RcuStall, SourceRef,
    XfsClass, XfsError,
};
pub use finding::{Evidence, Finding, Severity};
pub use host::{HostFacts, Problem};
pub use snapshot::Snapshot;
pub use time::{EventTime, SinceBoot};

use serde::Serialize;

use crate::bundle::{InputFormat, InputKind};
use crate::report::SourceEntry;

/// Everything read from one bundle, before rules run: what rules query.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// Input path as given.
    pub path: String,
    /// What kind of bundle.
    pub kind: InputKind,
    /// How it was stored.
    pub format: InputFormat,
    /// Host facts.
    pub host: HostFacts,
    /// Sources found and expected-but-missing.
    pub sources: Vec<SourceEntry>,
    /// Kernel events in time order, de-duplicated across sources.
    pub events: Vec<Event>,
    /// Log lines that matched a line pattern of a rule (see [`LogMatch`]).
    pub log_matches: Vec<LogMatch>,
    /// Memory state at collection.
    pub snapshot: Snapshot,
    /// Problems met while reading.
    pub problems: Vec<Problem>,
}

/// A log line (any source, any program) matched by a regex that a declarative rule asked the
/// reading pass to look for. Kept so rules over raw lines need no second pass over the logs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogMatch {
    /// Index of the pattern in the pattern set handed to the timeline builder.
    pub pattern: usize,
    /// Where the line is.
    pub source: SourceRef,
    /// The line as printed.
    pub text: String,
    /// When it was logged.
    pub time: EventTime,
}
