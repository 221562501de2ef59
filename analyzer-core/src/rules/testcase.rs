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
//! `log` lines are matched against the rule's `match.lines`. Events are given with `event`;
//! a case that has only `log` for an event rule needs the kernel-log reader to turn the text
//! into events; where that reader is not available, the rule's `fallback_lines` are matched
//! instead, and a rule without them reports the case as skipped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Rule;
use super::declarative::DeclarativeRule;
use crate::bundle::{InputFormat, InputKind};
use crate::model::{
    Event, EventFields, EventLine, EventTime, HostFacts, LogMatch, Model, Severity, SinceBoot,
    Snapshot, SourceRef,
};

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
    let mut events = events.to_vec();
    if events.is_empty() && rule.file_event_kind().is_some() && !log.trim().is_empty() {
        match events_from_log(log) {
            Some(from_log) => events = from_log,
            None if rule.has_fallback() => {}
            None => {
                return CaseStatus::Skipped(
                    "the case gives only log text and this build has no kernel-log reader to \
                     turn it into events; give `event = [...]` as well"
                        .to_string(),
                );
            }
        }
    }
    let model = case_model(rule, case, log, events);
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

/// Turns kernel-log text into events with the timeline's reader, when this build has one.
fn events_from_log(_log: &str) -> Option<Vec<Event>> {
    None
}

fn case_model(rule: &DeclarativeRule, case: &TestCase, log: &str, events: Vec<Event>) -> Model {
    let patterns: Vec<regex::Regex> =
        rule.line_patterns().iter().filter_map(|p| regex::Regex::new(p).ok()).collect();
    let mut log_matches = Vec::new();
    for (n, text) in log.lines().enumerate() {
        let line = u64::try_from(n).unwrap_or(u64::MAX).saturating_add(1);
        for (pattern, re) in patterns.iter().enumerate() {
            if re.is_match(text) {
                log_matches.push(LogMatch {
                    pattern,
                    source: SourceRef { path: TEST_LOG.into(), line },
                    text: text.to_string(),
                    time: EventTime {
                        wall: None,
                        since_boot: printk_stamp(text),
                        boot: 0,
                        raw: String::new(),
                    },
                });
            }
        }
    }
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

/// `[ 123.456789] …` → time since boot.
fn printk_stamp(line: &str) -> Option<SinceBoot> {
    let rest = line.trim_start().strip_prefix('[')?;
    let (stamp, _) = rest.split_once(']')?;
    let (secs, micros) = stamp.trim().split_once('.')?;
    Some(SinceBoot::from_parts(secs.parse().ok()?, micros.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printk_stamps() {
        assert_eq!(printk_stamp("[24965727.652627] qemu"), Some(SinceBoot(24_965_727_652_627)));
        assert_eq!(printk_stamp("[    1.000001] x"), Some(SinceBoot(1_000_001)));
        assert_eq!(printk_stamp("Mar  5 10:22:33 host kernel: x"), None);
    }
}
