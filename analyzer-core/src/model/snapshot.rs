//! Memory state at collection time, as read from the /proc files and `free` of the bundle.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::parse::{
    buddyinfo::Buddyinfo, cmdline::Cmdline, free::Free, meminfo::Meminfo, mounts::Mounts,
    pagetypeinfo::Pagetypeinfo, ps::PsTable, slabinfo::Slabinfo, vmstat::Vmstat,
    zoneinfo::Zoneinfo,
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
    /// Where each part was read from (path relative to the bundle root), so findings can cite
    /// the file and line of their evidence.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub paths: BTreeMap<SourceKind, String>,
}

impl Snapshot {
    /// A sysctl parsed as an integer (`vm.min_free_kbytes`).
    pub fn sysctl_u64(&self, name: &str) -> Option<u64> {
        self.sysctls.get(name).and_then(|v| v.trim().parse().ok())
    }

    /// The path a part was read from (`proc/zoneinfo`), when recorded.
    pub fn path(&self, kind: SourceKind) -> Option<&str> {
        self.paths.get(&kind).map(String::as_str)
    }
}
