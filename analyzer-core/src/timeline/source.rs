//! Per-file reading state: boot segments of one log file, the stamp handed to the assembler with
//! each kernel line, and the boot markers that split a file (`Linux version …`, `Command
//! line: …`, printk time going back, journal `-- Reboot --`).

use crate::model::SinceBoot;
use crate::parse::logline::{LineFormat, LogLine, Stamp};
use crate::source::SourceKind;

/// printk time may step back this much between lines of one boot (CPUs print concurrently,
/// console captures interleave) before it counts as a new boot.
const PRINTK_JITTER_US: u64 = 1_000_000;

/// A `Command line:` this many lines after `Linux version` belongs to the same boot.
const COMMAND_LINE_WINDOW: u64 = 50;

/// Boot start estimates kept per segment.
pub(crate) const MAX_ESTIMATES: usize = 256;

/// The time of one kernel line as printed, kept unresolved until the host facts are known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct LineStamp {
    /// Wall-clock stamp as printed.
    pub stamp: Stamp,
    /// Whether the wall-clock stamp was computed by dmesg from the boot time (`dmesg -T`,
    /// `--time-format iso`) rather than logged when the line was written.
    pub estimated: bool,
    /// printk time since boot.
    pub since_boot: Option<SinceBoot>,
    /// Boot segment of the file the line is in.
    pub segment: u32,
}

impl LineStamp {
    /// The stamp of a parsed line in the given segment.
    pub(crate) fn of(line: &LogLine<'_>, segment: u32) -> LineStamp {
        LineStamp {
            stamp: line.stamp,
            estimated: line.format.is_dmesg(),
            since_boot: line.printk,
            segment,
        }
    }
}

/// A stretch of one file that belongs to one boot.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Segment {
    /// The stamp of the line that started the boot (`Linux version`, the first line after
    /// `-- Reboot --`, or the line whose printk time went back), when seen.
    pub start: Option<LineStamp>,
    /// Whether the start is only the first line after a journal separator (not a kernel line
    /// at printk time 0), so the boot began a little before it.
    pub start_after_separator: bool,
    /// The first stamped line of the segment.
    pub first: Option<LineStamp>,
    /// Kernel lines with both a logged stamp and the printk time (at most
    /// [`MAX_ESTIMATES`]): each gives the boot start as wall − printk. Lines read from the
    /// kernel's backlog when the logger started are stamped late, so the smallest is best.
    pub estimates: Vec<LineStamp>,
    /// Whether any line was looked at in this segment.
    pub used: bool,
}

/// What the timeline keeps of one log file once read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SourceRecord {
    /// Path relative to the bundle root.
    pub path: String,
    /// dmesg, syslog or journal.
    pub kind: SourceKind,
    /// Boot segments in file order (at least one).
    pub segments: Vec<Segment>,
}

/// Boot tracking while a file is read.
#[derive(Debug)]
pub(crate) struct BootTracker {
    pub segments: Vec<Segment>,
    last_printk: Option<SinceBoot>,
    linux_version_line: Option<u64>,
    /// A journal separator was seen: the next stamped line starts the segment.
    after_separator: bool,
}

impl Default for BootTracker {
    fn default() -> Self {
        BootTracker {
            segments: vec![Segment::default()],
            last_printk: None,
            linux_version_line: None,
            after_separator: false,
        }
    }
}

impl BootTracker {
    /// Index of the current segment.
    pub(crate) fn current(&self) -> u32 {
        u32::try_from(self.segments.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }

    fn current_mut(&mut self) -> &mut Segment {
        if self.segments.is_empty() {
            self.segments.push(Segment::default());
        }
        let last = self.segments.len() - 1;
        &mut self.segments[last]
    }

    /// Starts a new segment unless the current one has seen nothing yet.
    fn new_segment(&mut self) {
        if self.current_mut().used {
            self.segments.push(Segment::default());
        }
        self.last_printk = None;
    }

    /// A journal `-- Reboot --` / `-- Boot … --` separator.
    pub(crate) fn separator(&mut self) {
        self.new_segment();
        self.linux_version_line = None;
        self.after_separator = true;
    }

    /// Looks at one line (kernel or not) and returns the segment it belongs to. Only kernel lines
    /// can start a boot.
    pub(crate) fn line(&mut self, line: &LogLine<'_>, line_no: u64, kernel: bool) -> u32 {
        if kernel {
            let msg = line.msg.trim_start();
            let went_back = match (line.printk, self.last_printk) {
                (Some(now), Some(before)) => now.0.saturating_add(PRINTK_JITTER_US) < before.0,
                _ => false,
            };
            let command_line = msg.starts_with("Command line:")
                && self
                    .linux_version_line
                    .is_none_or(|at| line_no.saturating_sub(at) > COMMAND_LINE_WINDOW);
            let linux_version = msg.starts_with("Linux version ");
            if linux_version || command_line || went_back {
                self.new_segment();
                self.after_separator = false;
                let segment = self.current();
                self.current_mut().start = Some(LineStamp::of(line, segment));
                if linux_version {
                    self.linux_version_line = Some(line_no);
                }
            }
            if line.printk.is_some() {
                self.last_printk = line.printk;
            }
        }
        let segment = self.current();
        let has_stamp = line.stamp != Stamp::None || line.printk.is_some();
        let after_separator = self.after_separator && has_stamp;
        let seg = self.current_mut();
        seg.used = true;
        if kernel
            && line.printk.is_some()
            && line.stamp != Stamp::None
            && !line.format.is_dmesg()
            && seg.estimates.len() < MAX_ESTIMATES
        {
            seg.estimates.push(LineStamp::of(line, segment));
        }
        if has_stamp && seg.first.is_none() {
            seg.first = Some(LineStamp::of(line, segment));
        }
        if after_separator && seg.start.is_none() && line.format != LineFormat::JournalMarker {
            seg.start = Some(LineStamp::of(line, segment));
            seg.start_after_separator = true;
        }
        if has_stamp {
            self.after_separator = false;
        }
        segment
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::logline::{Hint, parse_line};

    fn feed(tracker: &mut BootTracker, lines: &[&str]) -> Vec<u32> {
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let line = parse_line(l, Hint::Auto);
                if line.format == LineFormat::JournalMarker {
                    if line.is_boot_separator() {
                        tracker.separator();
                    }
                    return tracker.current();
                }
                tracker.line(&line, i as u64 + 1, line.is_kernel())
            })
            .collect()
    }

    #[test]
    fn linux_version_and_printk_reset_split_boots() {
        let mut t = BootTracker::default();
        let segs = feed(
            &mut t,
            &[
                "[ 9000.000000] INFO: task a:1 blocked for more than 120 seconds.",
                "[    0.000000] Linux version 5.10.0-8-cloud-amd64 (debian-kernel@lists.debian.org)",
                "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1",
                "[  500.000000] XFS (sda1): Mounting V5 Filesystem",
                "[   12.000000] XFS (sda1): Mounting V5 Filesystem",
            ],
        );
        assert_eq!(segs, [0, 1, 1, 1, 2]);
        assert_eq!(t.segments.len(), 3);
        assert_eq!(t.segments[1].start.unwrap().since_boot, Some(SinceBoot(0)));
        assert_eq!(t.segments[2].start.unwrap().since_boot, Some(SinceBoot(12_000_000)));
    }

    #[test]
    fn journal_separators_split_boots_and_user_space_does_not() {
        let mut t = BootTracker::default();
        let segs = feed(
            &mut t,
            &[
                "-- Logs begin at Tue 2024-03-05 10:00:00 CET. --",
                "Mar 05 10:00:01 host kernel: Linux version 5.14.0",
                "Mar 05 11:00:00 host myapp[9]: Linux version 1.2 of my app",
                "-- Reboot --",
                "Mar 05 12:00:03 host kernel: XFS (dm-0): Mounting V5 Filesystem",
            ],
        );
        assert_eq!(segs, [0, 0, 0, 1, 1]);
        assert!(t.segments[1].start_after_separator);
        assert_eq!(t.segments[1].start.unwrap().stamp, t.segments[1].first.unwrap().stamp);
    }

    #[test]
    fn small_printk_jitter_is_not_a_reboot() {
        let mut t = BootTracker::default();
        let segs = feed(&mut t, &["[34315.180090] a", "[34315.120624] b", "[34316.0] c"]);
        assert_eq!(segs, [0, 0, 0]);
    }
}
