//! The whole analysis of one input: open, read every source in one pass, build the model, run
//! the rules, and return one report per bundle.
//!
//! ```text
//! bundle::open ─► ModelVisitor (logs → TimelineBuilder, host files → HostFactsBuilder,
//!                 /proc files → Snapshot) ─► Model ─► RuleSet::evaluate ─► Report
//! ```

use std::collections::BTreeMap;
use std::io::{BufRead, Read as _};
use std::path::{Path, PathBuf};

use regex::RegexSet;

use crate::bundle::{
    self, BundleInfo, BundleSummary, BundleVisitor, InputKind, Member, NON_LOG_CAP,
};
use crate::facts::HostFactsBuilder;
use crate::model::{Model, Problem, Snapshot};
use crate::report::{InputInfo, MemorySection, Report, SCHEMA_VERSION, Tool};
use crate::rules::RuleSet;
use crate::timeline::{LogStats, TimelineBuilder};

/// Options for [`analyze_path`].
#[derive(Clone, Debug, Default)]
pub struct AnalyzeOptions {
    /// Folders of extra rule files (`--rules DIR`). By default, none: the built-in rules only.
    pub rule_dirs: Vec<PathBuf>,
}

impl AnalyzeOptions {
    /// The rule set these options ask for: the built-in rules plus every `rule_dirs` folder.
    pub fn rule_set(&self) -> Result<RuleSet, crate::Error> {
        let mut rules = RuleSet::builtin().map_err(crate::Error::Rules)?;
        for dir in &self.rule_dirs {
            rules.add_dir(dir).map_err(crate::Error::Rules)?;
        }
        Ok(rules)
    }
}

/// Analyses one input (any form the bundle reader accepts) and returns one report per bundle in
/// it (several for a `sos collect` archive).
pub fn analyze_path(path: &Path, options: &AnalyzeOptions) -> Result<Vec<Report>, crate::Error> {
    let rules = options.rule_set()?;
    analyze_with(path, &rules)
}

/// [`analyze_path`] with a rule set built once by the caller (batch scans reuse one).
pub fn analyze_with(path: &Path, rules: &RuleSet) -> Result<Vec<Report>, crate::Error> {
    Ok(models(path, Some(rules.line_patterns()))?
        .into_iter()
        .map(|model| report(model, rules))
        .collect())
}

/// Reads an input and returns the model of each bundle in it, before any rule runs.
/// `line_patterns` are the raw-line regexes of the rules ([`RuleSet::line_patterns`]).
pub fn models(path: &Path, line_patterns: Option<RegexSet>) -> Result<Vec<Model>, crate::Error> {
    let input = bundle::open(path)?;
    let mut visitor = ModelVisitor::new(line_patterns);
    // A loose log has no collection date: its modification time stands in for it, so that
    // yearless syslog stamps get a year.
    visitor.loose_file_date = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok());
    input.read(&mut visitor)?;
    Ok(visitor.models)
}

/// Turns a model into its report: findings from the rules, the memory section, the JSON shape.
pub fn report(model: Model, rules: &RuleSet) -> Report {
    let findings = rules.evaluate(&model);
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        input: InputInfo { path: model.path, kind: model.kind, format: model.format },
        host: model.host,
        sources: model.sources,
        events: model.events,
        findings,
        memory: MemorySection::from_snapshot(&model.snapshot),
        problems: model.problems,
    }
}

/// The reading pass: streams each log into the timeline, buffers each small file (capped) for
/// the host facts and the memory snapshot, and closes one [`Model`] per bundle.
struct ModelVisitor {
    patterns: Option<RegexSet>,
    loose_file_date: Option<jiff::Timestamp>,
    loose: bool,
    timeline: Option<TimelineBuilder>,
    facts: HostFactsBuilder,
    snapshot: Snapshot,
    stats: BTreeMap<String, LogStats>,
    problems: Vec<Problem>,
    /// Reused for every small file.
    buf: Vec<u8>,
    models: Vec<Model>,
}

impl ModelVisitor {
    fn new(patterns: Option<RegexSet>) -> ModelVisitor {
        ModelVisitor {
            patterns,
            loose_file_date: None,
            loose: false,
            timeline: None,
            facts: HostFactsBuilder::new(),
            snapshot: Snapshot::default(),
            stats: BTreeMap::new(),
            problems: Vec::new(),
            buf: Vec::new(),
            models: Vec::new(),
        }
    }
}

impl BundleVisitor for ModelVisitor {
    fn begin_bundle(&mut self, info: &BundleInfo) {
        self.loose = info.kind == InputKind::LogFile;
        self.timeline = Some(TimelineBuilder::new(self.patterns.clone()));
        self.facts = HostFactsBuilder::new();
        self.snapshot = Snapshot::default();
        self.stats.clear();
        self.problems.clear();
    }

    fn source(&mut self, member: &Member<'_>, data: &mut dyn BufRead) -> std::io::Result<()> {
        if member.kind.is_log() {
            let timeline =
                self.timeline.get_or_insert_with(|| TimelineBuilder::new(self.patterns.clone()));
            let stats = if self.loose {
                timeline.read_loose_log(member.path, member.kind, data)?
            } else {
                timeline.read_log(member.path, member.kind, data)?
            };
            self.stats.insert(member.path.to_string(), stats);
            return Ok(());
        }
        // The reader shows at most NON_LOG_CAP and records the cap as a problem itself.
        self.buf.clear();
        data.take(NON_LOG_CAP).read_to_end(&mut self.buf)?;
        let mut text = text_in_place(&mut self.buf);
        // Parsers keep each line they cannot read; a file of millions of short garbage lines
        // would cost tens of times its size. No /proc file or command output holds this many.
        if let Some(nl) = memchr::memchr_iter(b'\n', text.as_bytes()).nth(MAX_FILE_LINES - 1)
            && nl + 1 < text.len()
        {
            text = text.get(..=nl).unwrap_or_default();
            self.problems.push(Problem::file(
                member.path,
                format!("only the first {MAX_FILE_LINES} lines were parsed"),
            ));
        }
        if HostFactsBuilder::wants(member.kind) {
            self.facts.add(member.kind, member.path, text);
        }
        self.problems.extend(self.snapshot.ingest(member.kind, member.path, text));
        Ok(())
    }

    fn end_bundle(&mut self, summary: BundleSummary) {
        let host = std::mem::take(&mut self.facts).finish();
        // The modification time of a loose log only dates its yearless stamps; the report does
        // not present it as a collection time.
        let mut clock = host.clone();
        if self.loose && clock.collected_at.is_none() {
            clock.collected_at = self.loose_file_date;
        }
        let timeline = self
            .timeline
            .take()
            .unwrap_or_else(|| TimelineBuilder::new(self.patterns.clone()))
            .finish(&clock);
        let mut sources = summary.sources;
        for entry in &mut sources {
            if let Some(stats) = self.stats.get(&entry.path) {
                entry.unparsed_lines = stats.unparsed;
            }
        }
        let mut problems = summary.problems;
        problems.append(&mut self.problems);
        problems.extend(timeline.problems);
        let info = summary.info.input_info();
        self.models.push(Model {
            path: info.path,
            kind: info.kind,
            format: info.format,
            host,
            sources,
            events: timeline.events,
            log_matches: timeline.log_matches,
            snapshot: std::mem::take(&mut self.snapshot),
            problems,
        });
    }
}

/// Most lines of one non-log file handed to its parser (a `ps auxwwwm` of 100,000 threads is a
/// fifth of it).
const MAX_FILE_LINES: usize = 500_000;

/// Makes text of `bytes` in place: each byte of an invalid UTF-8 sequence becomes `?`.
/// `String::from_utf8_lossy` would copy the whole file and write a 3-byte U+FFFD per bad byte,
/// so a capped file of binary garbage would cost four times its cap; this costs it once.
fn text_in_place(bytes: &mut [u8]) -> &str {
    let mut start = 0;
    while let Some(rest) = bytes.get(start..) {
        let Err(e) = std::str::from_utf8(rest) else { break };
        let bad = start + e.valid_up_to();
        let mut end = bad + e.error_len().unwrap_or(bytes.len() - bad);
        // Bytes that can never start a character (continuation bytes, 0xC0, 0xC1, 0xF5 and
        // up) are swept in the same pass rather than one validation call each.
        while bytes.get(end).is_some_and(|&b| matches!(b, 0x80..=0xC1 | 0xF5..=0xFF)) {
            end += 1;
        }
        for b in bytes.get_mut(bad..end).unwrap_or_default() {
            *b = b'?';
        }
        start = end;
    }
    std::str::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod text_tests {
    use super::text_in_place;

    #[test]
    fn invalid_bytes_become_question_marks_in_place() {
        let mut bytes = b"MemTotal: \xff\xfe 1 kB\n\xc3\x28 \xe2\x82\xac \xf0\x9f\x92".to_vec();
        assert_eq!(text_in_place(&mut bytes), "MemTotal: ?? 1 kB\n?( \u{20ac} ???");
    }
}
