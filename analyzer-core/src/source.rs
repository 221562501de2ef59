//! Sources: what each file of a bundle is. The path table maps sos 3.x and 4.x and supportconfig
//! paths to a [`SourceKind`] (docs/FORMATS.md, 1.5 and 2.3).

use serde::Serialize;

/// What a file of a bundle holds. Names match the `parse` KINDs of the command line and the
/// `sources[].kind` values of the JSON report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Kernel ring buffer as printed by `dmesg` (`[ sec.usec] msg`, or `dmesg -T`).
    Dmesg,
    /// A syslog file (`messages*`, `kern.log*`, `syslog*`).
    Syslog,
    /// A journal export (`journalctl --no-pager …`).
    Journal,
    /// `/proc/meminfo`.
    Meminfo,
    /// `free` output.
    Free,
    /// `/proc/zoneinfo`.
    Zoneinfo,
    /// `/proc/buddyinfo`.
    Buddyinfo,
    /// `/proc/pagetypeinfo`.
    Pagetypeinfo,
    /// `/proc/slabinfo`.
    Slabinfo,
    /// `/proc/vmstat`.
    Vmstat,
    /// `sysctl -a` output.
    Sysctl,
    /// One `/proc/sys/**` file (one value).
    ProcSys,
    /// `uname -a`.
    Uname,
    /// `hostname`.
    Hostname,
    /// `date` or `date --utc`.
    Date,
    /// `uptime`.
    Uptime,
    /// `/proc/stat` (for `btime`).
    ProcStat,
    /// `/proc/cmdline`.
    Cmdline,
    /// `ps` output.
    Ps,
    /// `/proc/mounts` or `mount` output.
    Mounts,
    /// `sos_reports/manifest.json`.
    Manifest,
    /// `version.txt`.
    Version,
}

impl SourceKind {
    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Dmesg => "dmesg",
            SourceKind::Syslog => "syslog",
            SourceKind::Journal => "journal",
            SourceKind::Meminfo => "meminfo",
            SourceKind::Free => "free",
            SourceKind::Zoneinfo => "zoneinfo",
            SourceKind::Buddyinfo => "buddyinfo",
            SourceKind::Pagetypeinfo => "pagetypeinfo",
            SourceKind::Slabinfo => "slabinfo",
            SourceKind::Vmstat => "vmstat",
            SourceKind::Sysctl => "sysctl",
            SourceKind::ProcSys => "proc_sys",
            SourceKind::Uname => "uname",
            SourceKind::Hostname => "hostname",
            SourceKind::Date => "date",
            SourceKind::Uptime => "uptime",
            SourceKind::ProcStat => "proc_stat",
            SourceKind::Cmdline => "cmdline",
            SourceKind::Ps => "ps",
            SourceKind::Mounts => "mounts",
            SourceKind::Manifest => "manifest",
            SourceKind::Version => "version",
        }
    }

    /// Whether the source is a kernel/system log, streamed line by line into the timeline
    /// rather than buffered.
    pub fn is_log(self) -> bool {
        matches!(self, SourceKind::Dmesg | SourceKind::Syslog | SourceKind::Journal)
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
