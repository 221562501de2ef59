//! The timeline of whole inputs: a [`BundleVisitor`] that streams every log source of each
//! bundle (`sos_commands/kernel/dmesg`, `var/log/messages*`, `journalctl_--no-pager*`,
//! supportconfig `messages.txt#…`) through a [`TimelineBuilder`] and collects the host facts
//! the clock needs, in the same single pass.

use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::Path;

use jiff::Timestamp;
use regex::RegexSet;

use super::{LogStats, TimelineBuilder, TimelineOutput};
use crate::Error;
use crate::bundle::{self, BundleInfo, BundleSummary, BundleVisitor, InputKind, Member};
use crate::facts::HostFactsBuilder;
use crate::model::HostFacts;
use crate::report::{InputInfo, SourceEntry};

/// Most of one host-fact source that is read (a few lines; a manifest a few dozen KiB).
const FACT_TEXT_CAP: u64 = 4 << 20;

/// The timeline of one bundle, with what it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleTimeline {
    /// What was read.
    pub input: InputInfo,
    /// Host facts (collection date, boot time, UTC offset: the clock).
    pub host: HostFacts,
    /// Sources found, with lines and unparsed lines of the logs filled in, then the missing
    /// ones.
    pub sources: Vec<SourceEntry>,
    /// Events, boots and line matches; `problems` holds the bundle's reading problems too.
    pub timeline: TimelineOutput,
}

/// Builds one [`BundleTimeline`] per bundle read.
#[derive(Debug, Default)]
pub struct TimelineVisitor {
    patterns: Option<RegexSet>,
    /// Collection date to assume for a loose log file, which carries none (its modification
    /// time, say). By default, none: yearless stamps of a loose file then get no wall time.
    pub loose_file_date: Option<Timestamp>,
    facts: HostFactsBuilder,
    builder: Option<TimelineBuilder>,
    loose: bool,
    stats: HashMap<String, LogStats>,
    text: Vec<u8>,
    /// The timelines of the bundles finished so far.
    pub timelines: Vec<BundleTimeline>,
}

impl TimelineVisitor {
    /// A visitor; `line_patterns` as for [`TimelineBuilder::new`].
    pub fn new(line_patterns: Option<RegexSet>) -> TimelineVisitor {
        TimelineVisitor { patterns: line_patterns, ..TimelineVisitor::default() }
    }
}

impl BundleVisitor for TimelineVisitor {
    fn begin_bundle(&mut self, info: &BundleInfo) {
        self.facts = HostFactsBuilder::new();
        self.builder = Some(TimelineBuilder::new(self.patterns.clone()));
        self.loose = info.kind == InputKind::LogFile;
        self.stats.clear();
    }

    fn source(&mut self, member: &Member<'_>, data: &mut dyn BufRead) -> std::io::Result<()> {
        if HostFactsBuilder::wants(member.kind) {
            self.text.clear();
            data.take(FACT_TEXT_CAP).read_to_end(&mut self.text)?;
            self.facts.add(member.kind, member.path, &String::from_utf8_lossy(&self.text));
            return Ok(());
        }
        if !member.kind.is_log() {
            return Ok(());
        }
        let builder = self.builder.get_or_insert_with(|| TimelineBuilder::new(None));
        let stats = if self.loose {
            builder.read_loose_log(member.path, member.kind, data)?
        } else {
            builder.read_log(member.path, member.kind, data)?
        };
        self.stats.insert(member.path.to_string(), stats);
        Ok(())
    }

    fn end_bundle(&mut self, summary: BundleSummary) {
        let mut host = std::mem::take(&mut self.facts).finish();
        if self.loose && host.collected_at.is_none() {
            host.collected_at = self.loose_file_date;
        }
        let builder = self.builder.take().unwrap_or_else(|| TimelineBuilder::new(None));
        let mut timeline = builder.finish(&host);
        let mut sources = summary.sources;
        for entry in &mut sources {
            if let Some(stats) = self.stats.get(&entry.path) {
                entry.unparsed_lines = stats.unparsed;
            }
        }
        let mut problems = summary.problems;
        problems.append(&mut timeline.problems);
        timeline.problems = problems;
        self.timelines.push(BundleTimeline {
            input: summary.info.input_info(),
            host,
            sources,
            timeline,
        });
    }
}

/// Opens and reads an input of any form and returns the timeline of each bundle in it (several
/// for a `sos collect` archive). `loose_file_date` stands in for the collection date of a loose
/// log file.
pub fn timeline(
    path: &Path,
    line_patterns: Option<RegexSet>,
    loose_file_date: Option<Timestamp>,
) -> Result<Vec<BundleTimeline>, Error> {
    let input = bundle::open(path)?;
    let mut visitor = TimelineVisitor::new(line_patterns);
    visitor.loose_file_date = loose_file_date;
    input.read(&mut visitor)?;
    Ok(visitor.timelines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventKind;

    fn samples() -> Option<std::path::PathBuf> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
        dir.join("sos4-rhel8.tar.xz").is_file().then_some(dir)
    }

    #[test]
    fn sample_sosreport_folder_and_archive_agree() {
        let Some(dir) = samples() else {
            println!("skipped: samples/ not found");
            return;
        };
        let folder = timeline(&dir.join("sos4-rhel8"), None, None).unwrap();
        let archive = timeline(&dir.join("sos4-rhel8.tar.xz"), None, None).unwrap();
        assert_eq!(folder.len(), 1);
        let (f, a) = (&folder[0].timeline, &archive[0].timeline);
        assert!(!f.events.is_empty());
        assert_eq!(f.events, a.events);
        assert_eq!(f.boots, a.boots);
        // The XFS error that dmesg and messages both hold is one event with both sources.
        let xfs: Vec<_> = f.events.iter().filter(|e| e.kind() == EventKind::XfsError).collect();
        let paths: Vec<&str> = xfs[0].sources.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(paths, ["sos_commands/kernel/dmesg", "var/log/messages"]);
        assert_eq!(xfs[0].time.wall, Some("2026-11-23T07:30:24Z".parse().unwrap()));
        assert!(f.events.iter().all(|e| e.time.wall.is_some() && e.time.boot == 0));
    }
}
