//! `sosalyzer parse dmesg|syslog|journal FILE`: every line of a log with its prefix read
//! (`Mar  5 10:22:33 host kernel: msg` → time, facility, source, message), plus counts.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Hint, LineFormat, parse_line};

/// One line of a log as the prefix parser read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineSummary<'a> {
    /// 1-based line number.
    pub line: u64,
    /// Format the prefix was read as (`syslog`, `dmesg`, `bare`…).
    pub format: &'static str,
    /// The time stamp(s) as printed, or "".
    pub time: String,
    /// Facility name, when printed.
    pub facility: Option<String>,
    /// Level name, when printed.
    pub level: Option<&'static str>,
    /// Host name, when printed.
    pub host: Option<&'a str>,
    /// Syslog/journal identifier (`kernel`, `systemd`), when printed.
    pub source: Option<&'a str>,
    /// Whether the line came from the kernel.
    pub kernel: bool,
    /// The message after every prefix.
    pub message: &'a str,
}

/// Counts over a whole log.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogCounts {
    /// Lines read.
    pub lines: u64,
    /// Lines from the kernel.
    pub kernel: u64,
    /// Lines written by other programs.
    pub other: u64,
    /// Non-empty lines with no recognised prefix.
    pub bare: u64,
    /// Empty lines.
    pub empty: u64,
    /// Lines per format.
    pub formats: BTreeMap<&'static str, u64>,
}

/// Every line of a log with its prefix read, and the counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogSummary<'a> {
    /// Counts.
    pub counts: LogCounts,
    /// One entry per non-empty line.
    pub lines: Vec<LineSummary<'a>>,
}

/// Reads every line of `text` with [`parse_line`].
pub fn summarize(text: &str, hint: Hint) -> LogSummary<'_> {
    let mut summary = LogSummary::default();
    for (index, raw) in text.lines().enumerate() {
        let counts = &mut summary.counts;
        counts.lines += 1;
        if raw.trim().is_empty() {
            counts.empty += 1;
            continue;
        }
        let line = parse_line(raw, hint);
        *counts.formats.entry(line.format.as_str()).or_default() += 1;
        let kernel = line.is_kernel();
        if line.format == LineFormat::Bare {
            counts.bare += 1;
        } else if kernel {
            counts.kernel += 1;
        } else if line.format != LineFormat::JournalMarker {
            counts.other += 1;
        }
        summary.lines.push(LineSummary {
            line: index as u64 + 1,
            format: line.format.as_str(),
            time: line.time_raw(),
            facility: line.facility.map(|f| f.name()),
            level: line.level.map(|l| l.name()),
            host: line.host,
            source: line.tag,
            kernel,
            message: line.msg,
        });
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_kernel_and_other_lines() {
        let text = "Mar  5 10:22:33 host kernel: INFO: task x:1 blocked for more than 120 seconds.\n\
                    Mar  5 10:22:34 host sshd[77]: Accepted publickey for root\n\
                    \n\
                    -- Reboot --\n\
                    continuation without prefix\n";
        let s = summarize(text, Hint::Syslog);
        assert_eq!((s.counts.lines, s.counts.kernel, s.counts.other, s.counts.bare), (5, 1, 1, 1));
        assert_eq!(s.counts.empty, 1);
        assert_eq!(s.lines[0].time, "Mar  5 10:22:33");
        assert_eq!(s.lines[1].source, Some("sshd"));
        assert!(!s.lines[1].kernel);
        assert_eq!(s.lines[2].format, "journal_marker");
        assert_eq!(s.lines[3].line, 5);
    }
}
