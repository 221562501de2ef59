//! Facts about the host the bundle was collected on, and problems met while reading it.

use serde::Serialize;

/// Host facts read from the bundle (`hostname`, `uname -a`, `version.txt`, `date`, `uptime`,
/// `proc/stat`). Every field is optional: bundles lack files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HostFacts {
    /// Host name as the host reported it.
    pub hostname: Option<String>,
    /// Kernel release (`uname -r`, e.g. `4.18.0-80.11.2.el8_0.x86_64`).
    pub kernel: Option<String>,
    /// sos version from `version.txt` or `manifest.json` (`None` for supportconfig).
    pub sos_version: Option<String>,
    /// When the bundle was collected.
    pub collected_at: Option<jiff::Timestamp>,
    /// When the host last booted (`proc/stat` btime, else collection time − uptime).
    pub boot_time: Option<jiff::Timestamp>,
    /// Uptime at collection, in seconds.
    pub uptime_secs: Option<u64>,
    /// The host's UTC offset at collection, in seconds east of UTC (from `date` against
    /// `date --utc`, or a zoned stamp). Log stamps printed without a zone (RFC 3164 syslog,
    /// journal `short`, `dmesg -T`) are read in this offset; when unknown, as UTC.
    pub utc_offset_secs: Option<i32>,
}

/// Something that went wrong while reading the bundle that did not stop the analysis: a
/// truncated archive, an unreadable member, a capped file, a line that did not parse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Path relative to the bundle root (or the input path for input-level problems).
    pub path: String,
    /// 1-based line number, when the problem is tied to one line.
    pub line: Option<u64>,
    /// What is wrong, in words.
    pub message: String,
}

impl Problem {
    /// A problem with a file as a whole.
    pub fn file(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { path: path.into(), line: None, message: message.into() }
    }

    /// A problem on one line of a file.
    pub fn line(path: impl Into<String>, line: u64, message: impl Into<String>) -> Problem {
        Problem { path: path.into(), line: Some(line), message: message.into() }
    }
}
