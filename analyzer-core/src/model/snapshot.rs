//! Memory state at collection time, as read from the /proc files and `free` of the bundle.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::Problem;
use crate::parse::{
    self, ParsedFile, buddyinfo::Buddyinfo, cmdline::Cmdline, free::Free, free::FreeUnit,
    meminfo::Meminfo, mounts::Mounts, pagetypeinfo::Pagetypeinfo, ps::PsTable, slabinfo::Slabinfo,
    vmstat::Vmstat, zoneinfo::Zoneinfo,
};
use crate::source::SourceKind;

/// Everything the bundle says about memory when it was collected. Each part is `None` when its
/// source was missing or could not be read (the report's `sources` and `problems` say which).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// `/proc/meminfo`.
    pub meminfo: Option<Meminfo>,
    /// `free` (KiB) output, or `free -m` when that is all there is.
    pub free: Option<Free>,
    /// `/proc/zoneinfo`.
    pub zoneinfo: Option<Zoneinfo>,
    /// `/proc/buddyinfo`.
    pub buddyinfo: Option<Buddyinfo>,
    /// `/proc/pagetypeinfo`.
    pub pagetypeinfo: Option<Pagetypeinfo>,
    /// `/proc/slabinfo`.
    pub slabinfo: Option<Slabinfo>,
    /// `/proc/vmstat`.
    pub vmstat: Option<Vmstat>,
    /// Every sysctl seen (`sysctl -a`, `proc/sys/**` files), by dotted name (`vm.min_free_kbytes`).
    pub sysctls: BTreeMap<String, String>,
    /// `/proc/cmdline`.
    pub cmdline: Option<Cmdline>,
    /// `ps` output.
    pub ps: Option<PsTable>,
    /// `/proc/mounts` (or `mount` output).
    pub mounts: Option<Mounts>,
}

impl Snapshot {
    /// Reads one small source into the snapshot: `kind` picks the parser, `path` (relative
    /// to the bundle root) names it in problems and, for `free`, tells the unit (`free_-m`
    /// is MiB, anything else KiB unless a prompt line says otherwise). Returns what went wrong
    /// ("12 lines of proc/zoneinfo did not parse", with the line of the first), never fails.
    ///
    /// * A later source of the same kind replaces an earlier one (unless nothing could be read
    ///   from it), except `free`, where the finer unit wins (the KiB
    ///   `sos_commands/memory/free` over `free_-m`).
    /// * `sysctl -a` output and `proc/sys/**` files ([`SourceKind::ProcSys`]) both add to
    ///   [`Snapshot::sysctls`] by dotted name.
    /// * Kinds that are not part of the memory snapshot (logs, host facts) are left alone and
    ///   return no problems.
    pub fn ingest(&mut self, kind: SourceKind, path: &str, text: &str) -> Vec<Problem> {
        match kind {
            SourceKind::Meminfo => {
                store(&mut self.meminfo, parse::meminfo::parse(text), path, kind)
            }
            SourceKind::Zoneinfo => {
                store(&mut self.zoneinfo, parse::zoneinfo::parse(text), path, kind)
            }
            SourceKind::Buddyinfo => {
                store(&mut self.buddyinfo, parse::buddyinfo::parse(text), path, kind)
            }
            SourceKind::Pagetypeinfo => {
                store(&mut self.pagetypeinfo, parse::pagetypeinfo::parse(text), path, kind)
            }
            SourceKind::Slabinfo => {
                store(&mut self.slabinfo, parse::slabinfo::parse(text), path, kind)
            }
            SourceKind::Vmstat => store(&mut self.vmstat, parse::vmstat::parse(text), path, kind),
            SourceKind::Cmdline => {
                store(&mut self.cmdline, parse::cmdline::parse(text), path, kind)
            }
            SourceKind::Ps => store(&mut self.ps, parse::ps::parse(text), path, kind),
            SourceKind::Mounts => store(&mut self.mounts, parse::mounts::parse(text), path, kind),
            SourceKind::Free => {
                let free = parse::free::parse_with_unit(text, FreeUnit::of_file_name(path));
                let problems = problems_of(&free, path, kind);
                let finer =
                    self.free.as_ref().is_none_or(|old| free.coarseness() < old.coarseness());
                if (finer && free.record_count() > 0) || self.free.is_none() {
                    self.free = Some(free);
                }
                problems
            }
            SourceKind::Sysctl => {
                let sysctl = parse::sysctl::parse_file(path, text);
                let problems = problems_of(&sysctl, path, kind);
                self.sysctls.extend(sysctl.values);
                problems
            }
            SourceKind::ProcSys => match parse::sysctl::name_from_proc_path(path) {
                Some(name) => {
                    self.sysctls.insert(name, parse::sysctl::proc_sys_value(text));
                    Vec::new()
                }
                None => {
                    vec![Problem::file(path, format!("{path} is not under proc/sys/; ignored"))]
                }
            },
            SourceKind::Dmesg
            | SourceKind::Syslog
            | SourceKind::Journal
            | SourceKind::Uname
            | SourceKind::Hostname
            | SourceKind::Date
            | SourceKind::Uptime
            | SourceKind::ProcStat
            | SourceKind::Manifest
            | SourceKind::Version => Vec::new(),
        }
    }

    /// A sysctl parsed as an integer (`vm.min_free_kbytes`).
    pub fn sysctl_u64(&self, name: &str) -> Option<u64> {
        self.sysctls.get(name).and_then(|v| v.trim().parse().ok())
    }
}

/// Keeps `parsed` in `slot` (unless it read nothing and the slot already holds something) and
/// returns its problems.
fn store<T: ParsedFile>(
    slot: &mut Option<T>,
    parsed: T,
    path: &str,
    kind: SourceKind,
) -> Vec<Problem> {
    let problems = problems_of(&parsed, path, kind);
    if parsed.record_count() > 0 || slot.is_none() {
        *slot = Some(parsed);
    }
    problems
}

/// "N lines of PATH did not parse" (at the first such line), and "PATH holds no KIND data"
/// when nothing at all was read from a non-empty file.
pub(crate) fn problems_of(parsed: &impl ParsedFile, path: &str, kind: SourceKind) -> Vec<Problem> {
    let mut problems = Vec::new();
    let unparsed = parsed.unparsed_lines();
    if let Some(first) = unparsed.first() {
        let n = unparsed.len();
        let lines = if n == 1 { "line" } else { "lines" };
        problems.push(Problem::line(
            path,
            first.line,
            format!("{n} {lines} of {path} did not parse"),
        ));
    }
    if parsed.record_count() == 0 && !unparsed.is_empty() {
        problems.push(Problem::file(path, format!("{path} holds no {kind} data")));
    }
    problems
}

#[cfg(test)]
mod tests;
