//! `ps auxwww` / `ps auxwwwm` output.

use serde::Serialize;

use super::Unparsed;

/// One process row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Process {
    /// `USER`.
    pub user: String,
    /// `PID`.
    pub pid: u32,
    /// `RSS`, kB.
    pub rss_kb: u64,
    /// `VSZ`, kB.
    pub vsz_kb: u64,
    /// `STAT`.
    pub stat: String,
    /// `COMMAND` with its arguments.
    pub command: String,
}

/// Memory held by all processes of one command name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommandRss {
    /// Command name (first word of `COMMAND`, path and arguments dropped).
    pub command: String,
    /// Number of processes.
    pub processes: u64,
    /// Summed RSS, kB.
    pub rss_kb: u64,
}

/// Parsed `ps` output.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PsTable {
    /// Every process row.
    pub processes: Vec<Process>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}
