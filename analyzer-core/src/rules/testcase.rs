//! The test cases a rule file carries (`[[test]]`), run by `sosalyzer rules test` and by
//! `cargo test`.
//!
//! ```toml
//! [[test]]
//! name = "aio exhausted"
//! log = """
//! Mar 05 10:22:33 osd1 ceph-osd[123]: bdev _aio_start io_setup(2) failed with EAGAIN; try increasing /proc/sys/fs/aio-max-nr
//! """
//! sysctls = { "fs.aio-nr" = 65530, "fs.aio-max-nr" = 65536 }
//! event = [{ kind = "kernel_panic", fields = { reason = "…" }, at = 12.5 }]
//! expect = { count = 1, severity = "error", summary_contains = ["65530"] }
//! ```
//!
//! `log` is read by the timeline exactly as a bundle's logs are (any format: dmesg, syslog,
//! journal): its kernel events are assembled, and its lines are matched against the rule's
//! `match.lines` and `fallback_lines`. Events given with `event` replace those of the log.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Rule;
use super::declarative::DeclarativeRule;
use crate::bundle::{InputFormat, InputKind};
use crate::model::{
    Event, EventFields, EventLine, EventTime, HostFacts, LogMatch, Model, Severity, SinceBoot,
    Snapshot, SourceRef,
};
use crate::timeline::TimelineBuilder;

/// The path test-case log text is said to come from.
const TEST_LOG: &str = "test.log";

/// One `[[test]]` table.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TestCase {
    name: String,
    #[serde(default)]
    log: Option<String>,
    #[serde(default)]
    sysctls: BTreeMap<String, toml::Value>,
    #[serde(default)]
    event: Vec<TestEvent>,
    expect: Expect,
}

/// An event given directly.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TestEvent {
    kind: String,
    #[serde(default)]
    fields: toml::Table,
    #[serde(default)]
    raw: Option<String>,
    /// Seconds since boot.
    #[serde(default)]
    at: Option<f64>,
}

/// What the case expects of the rule's findings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    count: usize,
    #[serde(default)]
    severity: Option<Severity>,
    #[serde(default)]
    title_contains: Vec<String>,
    #[serde(default)]
    summary_contains: Vec<String>,
    #[serde(default)]
    remediation_contains: Vec<String>,
}

impl TestCase {
    /// Builds the case's events; on error, the key and the message.
    pub(crate) fn build_events(&self, index: usize) -> Result<Vec<Event>, (String, String)> {
        let mut events = Vec::new();
        for (i, te) in self.event.iter().enumerate() {
            let key = format!("test[{index}].event[{i}]");
            if let Ok(kind) = te.kind.parse::<crate::model::EventKind>() {
                let known = super::declarative::field_names(kind);
                for name in te.fields.keys() {
                    if !known.contains(name) {
                        let hint = super::error::closest(name, known.iter().map(String::as_str))
                            .map(|c| format!("; did you mean `{c}`?"))
                            .unwrap_or_default();
                        return Err((
                            format!("{key}.fields.{name}"),
                            format!("`{name}` is not a field of `{kind}` events{hint}"),
                        ));
                    }
                }
            }
            let mut table = toml::Table::new();
            table.insert("kind".into(), toml::Value::String(te.kind.clone()));
            table.insert("fields".into(), toml::Value::Table(te.fields.clone()));
            let fields: EventFields =
                toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| {
                    (key.clone(), super::error::suggest_in_serde_message(e.message()))
                })?;
            let line = u64::try_from(i).unwrap_or(u64::MAX).saturating_add(1);
            let raw = te.raw.clone().unwrap_or_else(|| format!("{} event", fields.kind()));
            let since_boot = te.at.filter(|a| a.is_finite() && *a >= 0.0).map(|a| {
                // Truncation is intended: whole microseconds.
                SinceBoot((a * 1_000_000.0) as u64)
            });
            events.push(Event {
                id: format!("e{}", i + 1),
                time: EventTime { wall: None, since_boot, boot: 0, raw: String::new() },
                sources: vec![SourceRef { path: TEST_LOG.into(), line }],
                raw: raw.clone(),
                fields,
                lines: vec![EventLine { line, text: raw }],
            });
        }
        Ok(events)
    }
}

/// How one test case went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reason")]
pub enum CaseStatus {
    /// The findings were as expected.
    Passed,
    /// They were not; the reason says how.
    Failed(String),
    /// The case could not run here; the reason says why.
    Skipped(String),
}

/// The result of one test case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    /// Rule id.
    pub rule_id: String,
    /// The rule file.
    pub path: String,
    /// Case name.
    pub name: String,
    /// Outcome.
    pub status: CaseStatus,
}

/// Runs every case of one rule file.
pub(crate) fn run_rule_cases(rule: &DeclarativeRule) -> Vec<CaseResult> {
    rule.file
        .tests
        .iter()
        .zip(rule.test_events.iter())
        .map(|(case, events)| CaseResult {
            rule_id: rule.id().to_string(),
            path: rule.origin_path(),
            name: case.name.clone(),
            status: run_case(rule, case, events),
        })
        .collect()
}

fn run_case(rule: &DeclarativeRule, case: &TestCase, events: &[Event]) -> CaseStatus {
    let log = case.log.as_deref().unwrap_or("");
    let (from_log, log_matches) = read_log(rule, log);
    // Events given in the case stand for themselves; otherwise the log's own events are used.
    let events = if events.is_empty() { from_log } else { events.to_vec() };
    let model = case_model(case, events, log_matches);
    let findings = rule.evaluate(&model).findings;
    let e = &case.expect;
    if findings.len() != e.count {
        let titles: Vec<&str> = findings.iter().map(|f| f.title.as_str()).collect();
        return CaseStatus::Failed(format!(
            "expected {} finding(s), got {}: {titles:?}",
            e.count,
            findings.len()
        ));
    }
    for f in &findings {
        if let Some(sev) = e.severity {
            if f.severity != sev {
                return CaseStatus::Failed(format!("expected severity {sev}, got {}", f.severity));
            }
        }
        for want in &e.title_contains {
            if !f.title.contains(want.as_str()) {
                return CaseStatus::Failed(format!("title {:?} lacks {want:?}", f.title));
            }
        }
        for want in &e.summary_contains {
            if !f.summary.contains(want.as_str()) {
                return CaseStatus::Failed(format!("summary {:?} lacks {want:?}", f.summary));
            }
        }
        for want in &e.remediation_contains {
            if !f.remediation.iter().any(|r| r.contains(want.as_str())) {
                return CaseStatus::Failed(format!("no remediation line contains {want:?}"));
            }
        }
    }
    CaseStatus::Passed
}

/// Reads the case's log text the way a bundle's logs are read: events assembled by the
/// timeline, and lines matching the rule's patterns (pattern `i` = the rule's pattern `i`).
fn read_log(rule: &DeclarativeRule, log: &str) -> (Vec<Event>, Vec<LogMatch>) {
    if log.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    let patterns = regex::RegexSet::new(rule.line_patterns()).ok();
    let mut builder = TimelineBuilder::new(patterns);
    let kind = crate::parse::logline::detect_kind(log);
    // Reading from memory cannot fail.
    let _ = builder.read_loose_log(TEST_LOG, kind, &mut log.as_bytes());
    let out = builder.finish(&HostFacts::default());
    (out.events, out.log_matches)
}

fn case_model(case: &TestCase, events: Vec<Event>, log_matches: Vec<LogMatch>) -> Model {
    let sysctls = case
        .sysctls
        .iter()
        .map(|(k, v)| {
            let text = match v {
                toml::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    Model {
        path: TEST_LOG.into(),
        kind: InputKind::LogFile,
        format: InputFormat::Text,
        host: HostFacts::default(),
        sources: Vec::new(),
        events,
        log_matches,
        snapshot: Snapshot { sysctls, ..Snapshot::default() },
        problems: Vec::new(),
    }
}
