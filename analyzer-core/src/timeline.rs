//! The timeline: kernel events from every log source of a bundle (dmesg, syslog files, journal
//! exports, or one loose log) on one clock, split by boot and de-duplicated across sources.
//!
//! Each source is streamed once: lines are split with memchr over a reused buffer, and a chunk
//! is searched with one Aho-Corasick automaton over the words that can start an event or a boot
//! (`INFO: task`, `page allocation`, `XFS`, `Linux version`, `-- Reboot --`, …). Only lines with
//! a hit are parsed ([`crate::parse::logline`]) while no event is open; while the event
//! assembler ([`crate::events::Assembler`]) is collecting continuation lines, every line is.
//! Kernel lines go to the assembler of their file; user-space lines never do.
//!
//! ```
//! use analyzer_core::model::HostFacts;
//! use analyzer_core::source::SourceKind;
//! use analyzer_core::timeline::TimelineBuilder;
//!
//! let log = "Mar  5 10:22:33 host kernel: XFS (dm-0): Mounting V5 Filesystem\n";
//! let mut builder = TimelineBuilder::new(None);
//! let stats = builder.read_log("var/log/messages", SourceKind::Syslog, &mut log.as_bytes())?;
//! assert_eq!(stats.lines, 1);
//! let timeline = builder.finish(&HostFacts::default());
//! assert_eq!(timeline.boots.len(), 1);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # One clock
//! * Stamps with an offset (RFC 3339 syslog, journal `short-iso`) are exact. Stamps without a
//!   zone (RFC 3164 syslog, journal `short`, `dmesg -T`) are the host's local time, read in
//!   [`HostFacts::utc_offset_secs`], or as UTC when it is unknown.
//! * Yearless stamps take the year of [`HostFacts::collected_at`], or the year before when that
//!   would put them more than two days after the collection (December lines in a January
//!   bundle). Without a collection date they have no wall time.
//! * dmesg printk time gets a wall time from the start of its boot ([`HostFacts::boot_time`]
//!   for the current boot); such times are estimates (suspend and clock steps shift them).
//!
//! # Boots
//! A file's boots are split where the kernel starts again: a kernel `Linux version` (or
//! `Command line:`) line, printk time going back, a journal `-- Reboot --`/`-- Boot … --`.
//! Boot starts from every file and the host's boot time are put on one list (starts within five
//! minutes are one boot) and numbered from the oldest; the current dmesg is the last boot.
//!
//! # De-duplication
//! The same message in dmesg and messages/journal (or rotated copies) is one event with several
//! `sources`: same kind, same headline text (prefix removed, whitespace collapsed), and the same
//! printk time, or wall times within 5 s (90 s when one of them is an estimate). Two sightings
//! in one file are never merged. Ids `e1`, `e2`, … follow time order.
//!
//! Line patterns (a [`regex::RegexSet`] from the rules) are matched against whole lines as
//! printed, prefix included, from any program: write them unanchored, or anchor them on the
//! prefix. Matches are kept (at most [`MAX_MATCHES_PER_PATTERN`] per pattern) with their time;
//! [`TimelineOutput::log_match_counts`] has the full counts.

mod boots;
mod clock;
mod merge;
mod prefilter;
mod source;
mod visitor;

use std::io::{BufRead, ErrorKind};

use regex::RegexSet;
use serde::Serialize;

pub use boots::Boot;
pub use visitor::{BundleTimeline, TimelineVisitor, timeline};

use crate::events::{Assembled, Assembler};
use crate::model::{Event, EventTime, HostFacts, LogMatch, Problem, SourceRef};
use crate::parse::logline::{Hint, LineFormat, LogLine, parse_line};
use crate::source::SourceKind;
use clock::Clock;
use merge::Sighting;
use prefilter::Prefilter;
use source::{BootTracker, LineStamp, SourceRecord};

/// The longest line read; a longer one is skipped and reported as a problem rather than
/// buffered whole.
pub const MAX_LINE: usize = 64 * 1024;

/// How many matches of one line pattern are kept (all are counted).
pub const MAX_MATCHES_PER_PATTERN: usize = 1000;

/// How many events one log file may contribute. A log that repeats one error a million times
/// would otherwise hold a million events in memory; the rest are counted in a problem.
pub const MAX_EVENTS_PER_SOURCE: usize = 5_000;

/// How many events all the logs of one bundle may contribute together (each event with its
/// evidence lines and parsed dump costs a few KiB, and the report carries them again), so a
/// bundle of event-dense logs stays within about 100 MB. Later logs keep what is left.
pub const MAX_EVENTS: usize = 10_000;

/// Bytes read from a source at a time.
const CHUNK: usize = 1024 * 1024;

/// What reading one log found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogStats {
    /// Lines in the file.
    pub lines: u64,
    /// Lines that were parsed (candidates of the prefilter, and every line inside an event).
    pub examined: u64,
    /// Parsed lines of a syslog or journal file with no recognised prefix (wrapped lines,
    /// garbage). Lines the prefilter skipped are not parsed, so not counted.
    pub unparsed: u64,
    /// Lines longer than [`MAX_LINE`], skipped.
    pub overlong: u64,
    /// Events assembled from this file (before de-duplication).
    pub events: u64,
}

/// The timeline of one bundle.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimelineOutput {
    /// Kernel events in time order, de-duplicated, with ids `e1`, `e2`, ….
    pub events: Vec<Event>,
    /// Lines that matched a line pattern (at most [`MAX_MATCHES_PER_PATTERN`] per pattern), in
    /// the order read.
    pub log_matches: Vec<LogMatch>,
    /// How many lines matched each pattern, by pattern index.
    pub log_match_counts: Vec<u64>,
    /// Boots seen, oldest first.
    pub boots: Vec<Boot>,
    /// Problems met while reading (over-long lines, events beyond the cap).
    pub problems: Vec<Problem>,
}

/// A line-pattern match waiting for the clock.
#[derive(Clone, Debug)]
struct PendingMatch {
    pattern: usize,
    source: usize,
    line: u64,
    text: String,
    stamp: LineStamp,
    time_raw: String,
}

/// Builds the timeline of one bundle from its log files, one streamed file at a time.
#[derive(Debug)]
pub struct TimelineBuilder {
    prefilter: Prefilter,
    patterns: Option<RegexSet>,
    /// Reused read buffer: one chunk plus the partial line carried over.
    buf: Vec<u8>,
    sources: Vec<SourceRecord>,
    sightings: Vec<(usize, Assembled<LineStamp>)>,
    matches: Vec<PendingMatch>,
    match_counts: Vec<u64>,
    problems: Vec<Problem>,
}

/// Reading state of the file being read.
struct Reading {
    index: usize,
    path: String,
    kind: SourceKind,
    hint: Hint,
    assembler: Assembler<LineStamp>,
    boots: BootTracker,
    /// Whether the last line with a prefix came from the kernel: a bare line after it (a
    /// wrapped or continued line) belongs to the same writer.
    last_kernel: bool,
    stats: LogStats,
    done: Vec<Assembled<LineStamp>>,
    /// How many events this file may keep: [`MAX_EVENTS_PER_SOURCE`], or less when earlier
    /// files have used most of [`MAX_EVENTS`].
    keep: usize,
    /// Events beyond `keep`, dropped.
    dropped: u64,
}

impl TimelineBuilder {
    /// A builder; `line_patterns` are the rules' regexes over raw log lines (none by default).
    pub fn new(line_patterns: Option<RegexSet>) -> TimelineBuilder {
        let prefilter = Prefilter::new(line_patterns.as_ref());
        let count = line_patterns.as_ref().map_or(0, RegexSet::len);
        TimelineBuilder {
            prefilter,
            patterns: line_patterns.filter(|p| !p.is_empty()),
            buf: Vec::new(),
            sources: Vec::new(),
            sightings: Vec::new(),
            matches: Vec::new(),
            match_counts: vec![0; count],
            problems: Vec::new(),
        }
    }

    /// Streams one log source (dmesg, syslog, journal) line by line; never buffers it whole.
    /// The line format is read per line, with `kind` settling ambiguous lines.
    ///
    /// On a read error the lines read so far are kept (events included) and the error is
    /// returned, so the caller can mark the source truncated and record the problem.
    pub fn read_log(
        &mut self,
        path: &str,
        kind: SourceKind,
        data: &mut dyn BufRead,
    ) -> std::io::Result<LogStats> {
        self.read_log_as(path, kind, Hint::from(kind), data)
    }

    /// [`Self::read_log`] for a loose file whose lines may mix formats: each line's format is
    /// detected on its own. `kind` is what the file mostly is (see
    /// [`crate::parse::logline::detect_kind`]).
    pub fn read_loose_log(
        &mut self,
        path: &str,
        kind: SourceKind,
        data: &mut dyn BufRead,
    ) -> std::io::Result<LogStats> {
        self.read_log_as(path, kind, Hint::Auto, data)
    }

    fn read_log_as(
        &mut self,
        path: &str,
        kind: SourceKind,
        hint: Hint,
        data: &mut dyn BufRead,
    ) -> std::io::Result<LogStats> {
        let mut reading = Reading {
            index: self.sources.len(),
            path: path.to_string(),
            kind,
            hint,
            assembler: Assembler::new(),
            boots: BootTracker::default(),
            last_kernel: true,
            stats: LogStats::default(),
            done: Vec::new(),
            keep: MAX_EVENTS_PER_SOURCE.min(MAX_EVENTS.saturating_sub(self.sightings.len())),
            dropped: 0,
        };
        let mut buf = std::mem::take(&mut self.buf);
        buf.resize(CHUNK, 0);
        let result = self.stream(&mut reading, &mut buf, data);
        self.buf = buf;
        reading.assembler.finish(&mut reading.done);
        cap_events(&mut reading);
        reading.stats.events = reading.done.len() as u64 + reading.dropped;
        if reading.dropped > 0 {
            self.problems.push(Problem::file(
                path,
                format!(
                    "{} more events than the {} kept for this file were not kept (at most \
                     {MAX_EVENTS_PER_SOURCE} a file and {MAX_EVENTS} a bundle)",
                    reading.dropped, reading.keep
                ),
            ));
        }
        let index = reading.index;
        self.sightings.extend(reading.done.into_iter().map(|a| (index, a)));
        self.sources.push(SourceRecord {
            path: reading.path,
            kind,
            segments: reading.boots.segments,
        });
        result.map(|()| reading.stats)
    }

    /// Reads `data` to its end in chunks, handing complete lines to [`Self::region`].
    fn stream(
        &mut self,
        reading: &mut Reading,
        buf: &mut [u8],
        data: &mut dyn BufRead,
    ) -> std::io::Result<()> {
        let mut filled = 0usize;
        // Inside a line longer than MAX_LINE whose start was already dropped.
        let mut skipping = false;
        loop {
            let n = match data.read(&mut buf[filled..]) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    // Keep what was complete.
                    self.region(reading, &buf[..filled]);
                    return Err(e);
                }
            };
            let eof = n == 0;
            filled += n;
            let mut start = 0usize;
            if skipping {
                match memchr::memchr(b'\n', &buf[..filled]) {
                    Some(nl) => {
                        skipping = false;
                        start = nl + 1;
                        reading.stats.lines += 1;
                    }
                    None => {
                        filled = 0;
                        if eof {
                            reading.stats.lines += 1;
                            return Ok(());
                        }
                        continue;
                    }
                }
            }
            let cut = if eof {
                filled
            } else {
                match memchr::memrchr(b'\n', &buf[start..filled]) {
                    Some(nl) => start + nl + 1,
                    None if filled - start >= MAX_LINE => {
                        let line = reading.stats.lines + 1;
                        self.overlong(reading, line);
                        skipping = true;
                        filled = 0;
                        continue;
                    }
                    None => start,
                }
            };
            self.region(reading, &buf[start..cut]);
            buf.copy_within(cut..filled, 0);
            filled -= cut;
            if eof {
                return Ok(());
            }
            if filled == buf.len() {
                // Cannot happen (a full buffer holds a newline or is an over-long line).
                filled = 0;
            }
        }
    }

    fn overlong(&mut self, reading: &mut Reading, line: u64) {
        reading.stats.overlong += 1;
        self.problems.push(Problem::line(
            reading.path.as_str(),
            line,
            format!("line longer than {} KiB skipped", MAX_LINE / 1024),
        ));
    }

    /// Handles a run of complete lines (the last one may lack its newline at end of file).
    fn region(&mut self, reading: &mut Reading, region: &[u8]) {
        let mut pos = 0usize;
        // Where the next trigger word and the next pattern match are, searched again only once
        // `pos` has reached them; `NOWHERE` when the rest of the region holds none, so it is not
        // searched again after every event (that made a region with no pattern match quadratic).
        const NOWHERE: usize = usize::MAX;
        let (mut next_word, mut next_pattern) = (0, 0);
        let every_line = self.prefilter.every_line();
        while pos < region.len() {
            if !every_line && !reading.assembler.is_open() {
                // Jump to the line of the next candidate, counting the lines skipped.
                if next_word <= pos {
                    next_word = self.prefilter.next_word(region, pos).unwrap_or(NOWHERE);
                }
                if next_pattern <= pos {
                    next_pattern = self.prefilter.next_pattern(region, pos).unwrap_or(NOWHERE);
                }
                let hit = next_word.min(next_pattern);
                if hit == NOWHERE {
                    let rest = &region[pos..];
                    reading.stats.lines += memchr::memchr_iter(b'\n', rest).count() as u64;
                    if rest.last() != Some(&b'\n') {
                        reading.stats.lines += 1;
                    }
                    return;
                }
                let line_start =
                    memchr::memrchr(b'\n', &region[pos..hit]).map_or(pos, |i| pos + i + 1);
                reading.stats.lines +=
                    memchr::memchr_iter(b'\n', &region[pos..line_start]).count() as u64;
                pos = line_start;
            }
            let end = memchr::memchr(b'\n', &region[pos..]).map_or(region.len(), |i| pos + i);
            reading.stats.lines += 1;
            let line_no = reading.stats.lines;
            self.line(reading, &region[pos..end], line_no);
            pos = end + 1;
        }
    }

    /// Handles one line: prefix, boots, assembly, line patterns.
    fn line(&mut self, reading: &mut Reading, bytes: &[u8], line_no: u64) {
        if bytes.len() > MAX_LINE {
            self.overlong(reading, line_no);
            return;
        }
        reading.stats.examined += 1;
        let text = String::from_utf8_lossy(bytes);
        let parsed = parse_line(&text, reading.hint);
        if parsed.format == LineFormat::JournalMarker {
            if parsed.is_boot_separator() {
                reading.boots.separator();
            }
            return;
        }
        let kernel = match parsed.format {
            LineFormat::Bare => {
                if reading.kind != SourceKind::Dmesg && !parsed.msg.trim().is_empty() {
                    reading.stats.unparsed += 1;
                }
                reading.kind == SourceKind::Dmesg || reading.last_kernel
            }
            _ => {
                let kernel = parsed.is_kernel();
                reading.last_kernel = kernel;
                kernel
            }
        };
        let segment = reading.boots.line(&parsed, line_no, kernel);
        let stamp = LineStamp::of(&parsed, segment);
        if kernel {
            for part in parsed.message_parts() {
                reading.assembler.push(line_no, &text, part, &stamp, &mut reading.done);
            }
            cap_events(reading);
        }
        if let Some(set) = &self.patterns {
            self.match_patterns(
                set.matches(&text).iter(),
                reading.index,
                line_no,
                &text,
                &parsed,
                stamp,
            );
        }
    }

    fn match_patterns(
        &mut self,
        hits: impl Iterator<Item = usize>,
        source: usize,
        line: u64,
        text: &str,
        parsed: &LogLine<'_>,
        stamp: LineStamp,
    ) {
        for pattern in hits {
            let Some(count) = self.match_counts.get_mut(pattern) else { continue };
            *count += 1;
            if *count <= MAX_MATCHES_PER_PATTERN as u64 {
                self.matches.push(PendingMatch {
                    pattern,
                    source,
                    line,
                    text: text.to_string(),
                    stamp,
                    time_raw: parsed.time_raw(),
                });
            }
        }
    }

    /// Puts every event on one clock, numbers boots, merges copies and orders the events.
    /// `host` gives the collection date (year of yearless stamps), the UTC offset of local
    /// stamps, and the boot time (wall clock of dmesg).
    pub fn finish(self, host: &HostFacts) -> TimelineOutput {
        let clock = Clock::new(host);
        let boot_map = boots::number(&self.sources, host, &clock);
        let resolve = |source: usize, stamp: &LineStamp, raw: String| -> (EventTime, bool) {
            let boot = boot_map.boot_of(source, stamp.segment);
            let mut estimated = stamp.estimated;
            let mut wall = clock.wall(&stamp.stamp);
            if wall.is_none() {
                if let (Some(start), Some(since)) = (boot_map.start_of(boot), stamp.since_boot) {
                    wall = clock::add_since_boot(start, since);
                    estimated = true;
                }
            }
            (EventTime { wall, since_boot: stamp.since_boot, boot, raw }, estimated)
        };
        let sightings: Vec<Sighting> = self
            .sightings
            .into_iter()
            .map(|(source, assembled)| {
                let raw = parse_line(&assembled.raw, Hint::Auto).time_raw();
                let (time, estimated) = resolve(source, &assembled.stamp, raw);
                let path = self.sources.get(source).map(|s| s.path.clone()).unwrap_or_default();
                Sighting { source, path, assembled, time, estimated }
            })
            .collect();
        let events = merge::merge(sightings);
        let log_matches = self
            .matches
            .into_iter()
            .map(|m| {
                let (time, _) = resolve(m.source, &m.stamp, m.time_raw);
                let path = self.sources.get(m.source).map(|s| s.path.clone()).unwrap_or_default();
                LogMatch {
                    pattern: m.pattern,
                    source: SourceRef { path, line: m.line },
                    text: m.text,
                    time,
                }
            })
            .collect();
        TimelineOutput {
            events,
            log_matches,
            log_match_counts: self.match_counts,
            boots: boot_map.boots,
            problems: self.problems,
        }
    }
}

/// Keeps the first `keep` events of a file and counts the rest.
fn cap_events(reading: &mut Reading) {
    if reading.done.len() > reading.keep {
        reading.dropped += (reading.done.len() - reading.keep) as u64;
        reading.done.truncate(reading.keep);
    }
}

#[cfg(test)]
mod tests;
