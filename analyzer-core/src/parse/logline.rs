//! The prefix of one kernel log line, in every format a bundle or a pasted excerpt holds
//! (docs/FORMATS.md 3.1 and 1.10):
//!
//! | format | sample |
//! |---|---|
//! | dmesg | `[34315.120624] INFO: task …`, with caller `[  290.742188][   T30] …` |
//! | `dmesg -T` | `[Tue Oct 22 19:49:33 2019] …` |
//! | `dmesg -x` | `kern  :err   : [   12.345678] …` |
//! | `dmesg -r` | `<3>[   12.345678] …` |
//! | `dmesg --time-format iso` | `2024-03-05T10:22:33,123456+01:00 …` |
//! | `/dev/kmsg` | `6,339,5140900,-;…` |
//! | syslog RFC 3164 | `Mar  5 10:22:33 host kernel: [  123.456789] …`, `… host user.info kernel: …`, `… kernel: …` |
//! | syslog RFC 3339 | `2024-03-05T10:22:33.123456+01:00 host kernel: …` |
//! | journal `short`, `short-precise` | `Mar 05 10:22:33[.123456] host kernel: …` |
//! | journal `short-iso` | `2024-03-05T10:22:33+0100 host kernel: …` |
//! | journal `short-monotonic` | `[  123.456789] host kernel: …` |
//! | journal separators | `-- Reboot --`, `-- Boot 5d8c…  --`, `-- Logs begin at … --` |
//!
//! E-mail quote markers (`> `, `>> `, `> > `) and indentation before a stamp are stripped, since
//! excerpts pasted into tickets carry them. The message keeps its own indentation after the
//! printk stamp (`      Not tainted …`, ` __schedule+0x…`), which continuation lines need.
//!
//! Parsing borrows from the line and allocates nothing. Yearless stamps stay yearless: the
//! parser never guesses a year (the timeline resolves it from the collection date).
//!
//! rsyslog writes a newline inside a message as `#012`. The parser leaves the message as
//! printed; [`LogLine::message_parts`] splits it into the continuation messages it stands for,
//! which is what the timeline feeds the event assembler.

mod header;
pub mod prio;
mod stamp;
mod summary;

pub use prio::{Facility, Level};
pub use summary::{LineSummary, LogSummary, summarize};

use jiff::civil::DateTime;
use serde::Serialize;

use crate::model::SinceBoot;
use crate::source::SourceKind;

/// Which format a line was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineFormat {
    /// No prefix recognised: a bare message (dmesg without stamps, a wrapped line, prose).
    Bare,
    /// `[  123.456789] msg` (dmesg default, or the kernel's own syslog(2) buffer).
    Dmesg,
    /// `[Tue Mar  5 10:22:33 2024] msg` (`dmesg -T`).
    DmesgCtime,
    /// `2024-03-05T10:22:33,123456+01:00 msg` (`dmesg --time-format iso`).
    DmesgIso,
    /// `<3>[  123.456789] msg` (`dmesg -r`).
    DmesgRaw,
    /// `kern  :err   : [  123.456789] msg` (`dmesg -x`).
    DmesgDecoded,
    /// `6,339,5140900,-;msg` (`/dev/kmsg`).
    Kmsg,
    /// `Mar  5 10:22:33 host tag: msg` (RFC 3164 syslog, journal `short`/`short-precise`).
    Syslog,
    /// `2024-03-05T10:22:33.123456+01:00 host tag: msg` (RFC 3339 syslog, journal `short-iso`).
    SyslogIso,
    /// `[  123.456789] host tag: msg` (journal `short-monotonic`).
    JournalMonotonic,
    /// `-- Reboot --`, `-- Boot <id> --`, `-- Logs begin at … --`, `-- No entries --`.
    JournalMarker,
}

impl LineFormat {
    /// The name used in `sosalyzer parse` output.
    pub fn as_str(self) -> &'static str {
        match self {
            LineFormat::Bare => "bare",
            LineFormat::Dmesg => "dmesg",
            LineFormat::DmesgCtime => "dmesg_ctime",
            LineFormat::DmesgIso => "dmesg_iso",
            LineFormat::DmesgRaw => "dmesg_raw",
            LineFormat::DmesgDecoded => "dmesg_decoded",
            LineFormat::Kmsg => "kmsg",
            LineFormat::Syslog => "syslog",
            LineFormat::SyslogIso => "syslog_iso",
            LineFormat::JournalMonotonic => "journal_monotonic",
            LineFormat::JournalMarker => "journal_marker",
        }
    }

    /// Whether lines of this format come from the kernel ring buffer (dmesg in any form).
    pub fn is_dmesg(self) -> bool {
        matches!(
            self,
            LineFormat::Dmesg
                | LineFormat::DmesgCtime
                | LineFormat::DmesgIso
                | LineFormat::DmesgRaw
                | LineFormat::DmesgDecoded
                | LineFormat::Kmsg
        )
    }
}

/// Month, day and time of day without a year or zone, as RFC 3164 syslog and journal `short`
/// print them (syslog_loose's `IncompleteDate`). The year is the caller's problem.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Yearless {
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
    /// 0–23.
    pub hour: u8,
    /// 0–59.
    pub minute: u8,
    /// 0–60.
    pub second: u8,
    /// Microseconds (`short-precise`), else 0.
    pub micros: u32,
}

impl Yearless {
    /// Whether the fields are in range (a day may still not exist in a given year).
    pub fn is_plausible(&self) -> bool {
        (1..=12).contains(&self.month)
            && (1..=31).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
            && self.second <= 60
    }

    /// The civil time in `year`, or `None` when the day does not exist then (Feb 29).
    pub fn in_year(&self, year: i16) -> Option<DateTime> {
        stamp::civil(year, self.month, self.day, self.hour, self.minute, self.second, self.micros)
    }
}

/// The wall-clock part of a line's prefix, as printed (no year guessed, no zone assumed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stamp {
    /// No wall-clock stamp (plain dmesg, `/dev/kmsg`, a bare message).
    #[default]
    None,
    /// RFC 3164 syslog or journal `short`: no year, no zone.
    Yearless(Yearless),
    /// A full date and time without zone (`dmesg -T`): the host's local time.
    Local(DateTime),
    /// A full date and time with its UTC offset (RFC 3339 syslog, `short-iso`, dmesg iso).
    Zoned {
        /// Civil time as printed.
        civil: DateTime,
        /// Seconds east of UTC.
        offset_secs: i32,
    },
}

/// How the caller expects the file to look. It only settles what one line alone cannot: a
/// journal `short-monotonic` line `[  1.2] host tag: msg` and a dmesg line whose message
/// happens to start with two words and a colon look the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Hint {
    /// Detect the format from each line (loose files). A printk stamp followed by
    /// `HOST kernel: ` is still read as journal `short-monotonic`.
    #[default]
    Auto,
    /// A dmesg capture.
    Dmesg,
    /// A syslog file.
    Syslog,
    /// A journal export: `[  1.2] host tag: msg` is `short-monotonic`.
    Journal,
}

impl From<SourceKind> for Hint {
    fn from(kind: SourceKind) -> Hint {
        match kind {
            SourceKind::Dmesg => Hint::Dmesg,
            SourceKind::Syslog => Hint::Syslog,
            SourceKind::Journal => Hint::Journal,
            _ => Hint::Auto,
        }
    }
}

/// One log line split into its prefix fields and message. Borrows from the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogLine<'a> {
    /// The format the prefix was read as.
    pub format: LineFormat,
    /// Wall-clock stamp.
    pub stamp: Stamp,
    /// The wall-clock stamp as printed (`Mar  5 10:22:33`, `[Tue Mar  5 10:22:33 2024]`), or "".
    pub stamp_raw: &'a str,
    /// Host name (syslog, journal).
    pub host: Option<&'a str>,
    /// Syslog/journal identifier (`kernel`, `systemd`), without the `[pid]`.
    pub tag: Option<&'a str>,
    /// The `[pid]` after the identifier.
    pub pid: Option<&'a str>,
    /// Facility (`dmesg -x`, `dmesg -r`, `/dev/kmsg`, `user.info` syslog).
    pub facility: Option<Facility>,
    /// Level, from the same places.
    pub level: Option<Level>,
    /// printk time since boot (`[  123.456789]`), wherever it appears.
    pub printk: Option<SinceBoot>,
    /// The printk stamp as printed (`[  123.456789]`), or "".
    pub printk_raw: &'a str,
    /// printk caller (`T123` task or `C1` CPU), when `CONFIG_PRINTK_CALLER` printed one.
    pub caller: Option<&'a str>,
    /// The message after every prefix, with its own indentation kept.
    pub msg: &'a str,
    /// Whether e-mail quote markers (`> `) were stripped.
    pub quoted: bool,
}

impl<'a> LogLine<'a> {
    /// Whether the line came from the kernel. In syslog and journal lines only when the
    /// identifier is `kernel` (a user-space line that merely mentions kernel words is not), or
    /// when no identifier was printed but the kernel's own `[sec.usec]` was. dmesg lines always,
    /// except those whose decoded facility says user space wrote them to `/dev/kmsg`. A bare
    /// line has no header to tell: it counts as kernel (pasted dmesg without stamps); readers of
    /// syslog files decide bare lines from context.
    pub fn is_kernel(&self) -> bool {
        match self.format {
            LineFormat::Syslog | LineFormat::SyslogIso | LineFormat::JournalMonotonic => {
                match self.tag {
                    Some(tag) => tag == "kernel",
                    None => self.printk.is_some() && self.host.is_none(),
                }
            }
            LineFormat::JournalMarker => false,
            LineFormat::Bare => true,
            _ => self.facility.is_none_or(|f| f == Facility::Kern),
        }
    }

    /// Whether the line separates two boots in a journal export (`-- Reboot --`,
    /// `-- Boot <id> --`).
    pub fn is_boot_separator(&self) -> bool {
        self.format == LineFormat::JournalMarker
            && (self.msg.starts_with("-- Reboot") || self.msg.starts_with("-- Boot "))
    }

    /// The time stamp(s) as printed: the wall-clock stamp, the printk stamp, or both joined by
    /// a space (`Jul 22 01:14:03 [46125.918102]`).
    pub fn time_raw(&self) -> String {
        match (self.stamp_raw.is_empty(), self.printk_raw.is_empty()) {
            (false, false) => format!("{} {}", self.stamp_raw, self.printk_raw),
            (false, true) => self.stamp_raw.to_string(),
            (true, false) => self.printk_raw.to_string(),
            (true, true) => String::new(),
        }
    }

    /// The message split at rsyslog's `#012` (an escaped newline): the first part and each
    /// continuation, in order. A message without `#012` yields itself once.
    pub fn message_parts(&self) -> impl Iterator<Item = &'a str> {
        self.msg.split("#012")
    }
}

/// Strips e-mail quote markers: any number of `>` each followed by at most one space, with
/// blanks before them (`> `, `>> `, `> > > >  `). Returns the rest and whether any was found.
fn strip_quotes(line: &str) -> (&str, bool) {
    let mut rest = line;
    let mut quoted = false;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        match trimmed.strip_prefix('>') {
            Some(after) => {
                quoted = true;
                rest = after.strip_prefix(' ').unwrap_or(after);
            }
            None => return (rest, quoted),
        }
    }
}

/// Parses one line (without its newline; a trailing `\r` is ignored). Never fails: a line
/// with no recognised prefix is [`LineFormat::Bare`] with the whole text as message.
pub fn parse_line(line: &str, hint: Hint) -> LogLine<'_> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let (body, quoted) = strip_quotes(line);
    let bare = LogLine {
        format: LineFormat::Bare,
        stamp: Stamp::None,
        stamp_raw: "",
        host: None,
        tag: None,
        pid: None,
        facility: None,
        level: None,
        printk: None,
        printk_raw: "",
        caller: None,
        msg: body,
        quoted,
    };
    let text = body.trim_start_matches([' ', '\t']);
    let Some(&first) = text.as_bytes().first() else {
        return bare;
    };
    let parsed = match first {
        b'[' => bracketed(text, hint, bare),
        b'<' => raw_priority(text, hint, bare),
        b'0'..=b'9' => iso_or_kmsg(text, hint, bare),
        b'-' => journal_marker(text, bare),
        b'a'..=b'z' | b'A'..=b'Z' => yearless_or_decoded(text, bare),
        _ => None,
    };
    parsed.unwrap_or(bare)
}

/// Byte length of the part of `whole` before `rest` (which must be a suffix of `whole`).
fn consumed<'a>(whole: &'a str, rest: &'a str) -> &'a str {
    whole.get(..whole.len().saturating_sub(rest.len())).unwrap_or("")
}

/// `[  1.2] msg` (dmesg, or journal `short-monotonic` when a header follows) or
/// `[Tue Mar  5 10:22:33 2024] msg` (`dmesg -T`).
fn bracketed<'a>(text: &'a str, hint: Hint, base: LogLine<'a>) -> Option<LogLine<'a>> {
    if let Ok((rest, (since, caller))) = stamp::printk(text) {
        let printk_raw = consumed(text, rest).trim_end();
        let mut line = LogLine {
            format: LineFormat::Dmesg,
            printk: Some(since),
            printk_raw,
            caller,
            msg: rest,
            ..base
        };
        monotonic_header(&mut line, hint);
        return Some(line);
    }
    let (rest, civil) = stamp::ctime(text).ok()?;
    let stamp_raw = consumed(text, rest).trim_end();
    let line = LogLine {
        format: LineFormat::DmesgCtime,
        stamp: Stamp::Local(civil),
        stamp_raw,
        msg: rest,
        ..base
    };
    Some(line)
}

/// After a printk stamp: journal `short-monotonic` puts `host tag: ` there. Read it when the
/// caller says the file is a journal, or when the identifier is `kernel` with a host before it.
fn monotonic_header(line: &mut LogLine<'_>, hint: Hint) {
    if hint == Hint::Dmesg {
        return;
    }
    let (h, rest) = header::header(line.msg);
    let is_journal = match hint {
        Hint::Journal => h.tag.is_some() && h.host.is_some(),
        _ => h.tag == Some("kernel") && h.host.is_some(),
    };
    if is_journal {
        line.format = LineFormat::JournalMonotonic;
        line.host = h.host;
        line.tag = h.tag;
        line.pid = h.pid;
        line.msg = rest;
    }
}

/// `<3>[  1.2] msg` (`dmesg -r`), or a syslog line with its PRI kept (`<13>Mar  5 …`).
fn raw_priority<'a>(text: &'a str, hint: Hint, base: LogLine<'a>) -> Option<LogLine<'a>> {
    let (rest, prio) = stamp::raw_priority(text).ok()?;
    let (facility, level) = prio::split_priority(prio);
    let inner = parse_line(rest, hint);
    let format = if inner.format == LineFormat::Bare || inner.format == LineFormat::Dmesg {
        LineFormat::DmesgRaw
    } else {
        inner.format
    };
    Some(LogLine {
        format,
        facility: Some(facility),
        level: Some(level),
        quoted: base.quoted,
        msg: if inner.format == LineFormat::Bare { rest } else { inner.msg },
        ..inner
    })
}

/// `2024-…T…+01:00 host tag: msg` (RFC 3339 syslog, journal `short-iso`), `2024-…T…,123456+01:00
/// msg` (dmesg iso), or `6,339,5140900,-;msg` (`/dev/kmsg`).
fn iso_or_kmsg<'a>(text: &'a str, _hint: Hint, base: LogLine<'a>) -> Option<LogLine<'a>> {
    if let Ok((rest, (civil, offset, comma))) = stamp::iso(text) {
        let stamp_raw = consumed(text, rest);
        let stamp = match offset {
            Some(offset_secs) => Stamp::Zoned { civil, offset_secs },
            None => Stamp::Local(civil),
        };
        let rest = rest.strip_prefix(' ')?;
        if comma {
            return Some(LogLine {
                format: LineFormat::DmesgIso,
                stamp,
                stamp_raw,
                msg: rest,
                ..base
            });
        }
        return Some(syslog_rest(LineFormat::SyslogIso, stamp, stamp_raw, rest, base));
    }
    let (rest, (prio, since, caller)) = stamp::kmsg(text).ok()?;
    let (facility, level) = prio::split_priority(prio);
    Some(LogLine {
        format: LineFormat::Kmsg,
        printk: Some(since),
        printk_raw: consumed(text, rest),
        facility: Some(facility),
        level: Some(level),
        caller,
        msg: rest,
        ..base
    })
}

/// The header and the optional kernel printk stamp after a syslog time stamp.
fn syslog_rest<'a>(
    format: LineFormat,
    stamp: Stamp,
    stamp_raw: &'a str,
    rest: &'a str,
    base: LogLine<'a>,
) -> LogLine<'a> {
    let mut line = LogLine { format, stamp, stamp_raw, ..base };
    // A bare `[sec.usec]` right after the stamp: a console echo without host and tag.
    if rest.starts_with('[') {
        if let Ok((msg, (since, caller))) = stamp::printk(rest) {
            line.printk = Some(since);
            line.printk_raw = consumed(rest, msg).trim_end();
            line.caller = caller;
            line.msg = msg;
            return line;
        }
    }
    let (h, msg) = header::header(rest);
    line.host = h.host;
    line.tag = h.tag;
    line.pid = h.pid;
    line.facility = h.facility;
    line.level = h.level;
    line.msg = msg;
    if h.tag == Some("kernel") && msg.starts_with('[') {
        if let Ok((msg, (since, caller))) = stamp::printk(msg) {
            line.printk_raw = consumed(line.msg, msg).trim_end();
            line.printk = Some(since);
            line.caller = caller;
            line.msg = msg;
        }
    }
    line
}

/// `-- Reboot --` and the other journal separators.
fn journal_marker<'a>(text: &'a str, base: LogLine<'a>) -> Option<LogLine<'a>> {
    let trimmed = text.trim_end();
    if trimmed.len() >= 5 && trimmed.starts_with("-- ") && trimmed.ends_with(" --") {
        return Some(LogLine { format: LineFormat::JournalMarker, msg: trimmed, ..base });
    }
    None
}

/// `Mar  5 10:22:33 host tag: msg` (RFC 3164, journal `short`) or `kern  :err   : msg`
/// (`dmesg -x`).
fn yearless_or_decoded<'a>(text: &'a str, base: LogLine<'a>) -> Option<LogLine<'a>> {
    if let Ok((rest, stamp)) = stamp::yearless(text) {
        let stamp_raw = consumed(text, rest);
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        return Some(syslog_rest(
            LineFormat::Syslog,
            Stamp::Yearless(stamp),
            stamp_raw,
            rest,
            base,
        ));
    }
    decoded(text, base)
}

/// `dmesg -x`: `"%-6s:%-6s: "` facility and level, then an optional stamp.
fn decoded<'a>(text: &'a str, base: LogLine<'a>) -> Option<LogLine<'a>> {
    let (fac, rest) = text.split_once(':')?;
    let (lev, rest) = rest.split_once(':')?;
    let facility = Facility::from_name(fac.trim_end_matches(' '))?;
    let level = Level::from_name(lev.trim_end_matches(' '))?;
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let mut line = LogLine {
        format: LineFormat::DmesgDecoded,
        facility: Some(facility),
        level: Some(level),
        msg: rest,
        ..base
    };
    if rest.starts_with('[') {
        if let Some(inner) = bracketed(rest, Hint::Dmesg, base) {
            line.stamp = inner.stamp;
            line.stamp_raw = inner.stamp_raw;
            line.printk = inner.printk;
            line.printk_raw = inner.printk_raw;
            line.caller = inner.caller;
            line.msg = inner.msg;
        }
    }
    Some(line)
}

/// What kind of log a text is, from its first lines: a journal export when a journal
/// separator appears, syslog when most stamped lines carry a syslog header, dmesg otherwise.
/// For loose files, whose name says nothing.
pub fn detect_kind(head: &str) -> SourceKind {
    let (mut syslog, mut dmesg) = (0u32, 0u32);
    for raw in head.lines().take(200) {
        let line = parse_line(raw, Hint::Auto);
        match line.format {
            LineFormat::JournalMarker => return SourceKind::Journal,
            LineFormat::Syslog | LineFormat::SyslogIso | LineFormat::JournalMonotonic => {
                syslog += 1
            }
            LineFormat::Bare => {}
            _ => dmesg += 1,
        }
    }
    if syslog > dmesg { SourceKind::Syslog } else { SourceKind::Dmesg }
}

#[cfg(test)]
mod tests;
