//! Declarative rules: `rules/*.toml` files that match kernel events by kind and field
//! conditions, or log lines by regex, optionally with sysctl conditions; a count and
//! time-window threshold; a severity; minijinja templates for the title and summary;
//! remediation and references; and their own test cases.
//!
//! ```toml
//! id = "block.io_error"                 # unique, dotted
//! title = "Block device I/O errors"     # for `rules list`
//! description = "What it looks for and why it matters."
//! severity = "error"                    # info | warning | error | critical
//! remediation = ["Check the disk: smartctl -a /dev/{{ group }}"]   # templates too
//! references = ["https://…"]
//!
//! [match]
//! event = "block_io_error"              # an event kind (docs/CONTRACT.md) …
//! lines = ['io_setup\(2\) failed']      # … and/or regexes over every log line
//! fallback_lines = ['I/O error, dev ']  # with `event`: matched lines stand in for the events
//!                                       # when the bundle holds none of that kind
//! fields = [{ field = "error", contains = "medium" }]   # conditions on the event fields
//! sysctls = [{ name = "fs.aio-nr", min_percent_of = "fs.aio-max-nr", percent = 90 }]
//! require = "all"                       # "all" (default) or "any" of: hits, sysctls
//! min_count = 1                         # hits needed …
//! window = "10m"                        # … within this span (s, m, h, d)
//! group_by = "device"                   # one finding per value of this event field
//!
//! [message]
//! title = "I/O errors on {{ group }}"
//! summary = "{{ count }} I/O error(s) between {{ first.time }} and {{ last.time }}."
//!
//! [[test]]                              # run by `sosalyzer rules test` and `cargo test`
//! name = "two errors on sdb"
//! log = """
//! [ 10.000000] blk_update_request: I/O error, dev sdb, sector 2048
//! """
//! event = [{ kind = "block_io_error", fields = { device = "sdb", error = "I/O error" } }]
//! expect = { count = 1, severity = "error", summary_contains = ["sdb"] }
//! ```
//!
//! Template context: `count`, `group`, `first` and `last` (`text`, `time`, `source`,
//! `fields`), `hits` (all of them), `events`, `lines`, `sysctls` (every sysctl of the bundle),
//! `sysctl_checks` (name, value), `host`, `rule`.

use std::collections::BTreeMap;

use minijinja::Environment;
use serde::{Deserialize, Serialize};

use super::error::{RuleError, closest, suggest_in_serde_message};
use super::util;
use super::{NotChecked, Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{Event, EventFields, EventKind, Evidence, Finding, LogMatch, Model, Severity};
use crate::source::SourceKind;

/// The rule files embedded in the library: `(path, text)`.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("rules/aio_max_nr.toml", include_str!("../../../rules/aio_max_nr.toml")),
    ("rules/alloc_stall.toml", include_str!("../../../rules/alloc_stall.toml")),
    ("rules/block_io_error.toml", include_str!("../../../rules/block_io_error.toml")),
    ("rules/hard_lockup.toml", include_str!("../../../rules/hard_lockup.toml")),
    ("rules/kernel_oops.toml", include_str!("../../../rules/kernel_oops.toml")),
    ("rules/kernel_panic.toml", include_str!("../../../rules/kernel_panic.toml")),
    ("rules/rcu_stall.toml", include_str!("../../../rules/rcu_stall.toml")),
    ("rules/soft_lockup.toml", include_str!("../../../rules/soft_lockup.toml")),
];

/// Most evidence lines one finding carries.
const MAX_EVIDENCE: usize = 40;

/// A rule file as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    pub(crate) id: String,
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) severity: Severity,
    #[serde(default)]
    pub(crate) remediation: Vec<String>,
    #[serde(default)]
    pub(crate) references: Vec<String>,
    #[serde(rename = "match")]
    pub(crate) matcher: MatchSpec,
    pub(crate) message: MessageSpec,
    #[serde(default, rename = "test")]
    pub(crate) tests: Vec<super::testcase::TestCase>,
}

/// `[match]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MatchSpec {
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    lines: Vec<String>,
    #[serde(default)]
    fallback_lines: Vec<String>,
    #[serde(default)]
    fields: Vec<FieldCond>,
    #[serde(default)]
    sysctls: Vec<SysctlCond>,
    #[serde(default)]
    require: Require,
    #[serde(default = "one")]
    min_count: usize,
    #[serde(default)]
    window: Option<String>,
    #[serde(default)]
    group_by: Option<String>,
}

fn one() -> usize {
    1
}

/// How hits and sysctl conditions combine.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Require {
    /// Every signal the rule names must hold.
    #[default]
    All,
    /// One is enough.
    Any,
}

/// A condition on one event field.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldCond {
    field: String,
    #[serde(default)]
    equals: Option<String>,
    #[serde(default)]
    contains: Option<String>,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    present: Option<bool>,
}

/// A condition on one sysctl.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SysctlCond {
    name: String,
    #[serde(default)]
    equals: Option<String>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    min_percent_of: Option<String>,
    #[serde(default)]
    percent: Option<f64>,
}

/// `[message]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageSpec {
    title: String,
    summary: String,
}

/// A field condition with its regex compiled.
#[derive(Debug)]
struct CompiledField {
    cond: FieldCond,
    regex: Option<regex::Regex>,
}

/// A loaded, validated rule file.
pub struct DeclarativeRule {
    pub(crate) file: RuleFile,
    origin: RuleOrigin,
    kind: Option<EventKind>,
    fields: Vec<CompiledField>,
    window_secs: Option<u64>,
    env: Environment<'static>,
    /// Each test case's events, built when the file loaded.
    pub(crate) test_events: Vec<Vec<Event>>,
}

impl std::fmt::Debug for DeclarativeRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeclarativeRule")
            .field("id", &self.file.id)
            .field("origin", &self.origin)
            .finish()
    }
}

impl DeclarativeRule {
    /// Parses and validates one rule file. Errors name the file, the key and the closest
    /// valid name.
    pub fn parse(text: &str, origin: RuleOrigin) -> Result<DeclarativeRule, RuleError> {
        let path = origin_path(&origin);
        let invalid = |key: &str, message: String| RuleError::Invalid {
            path: path.clone(),
            key: Some(key.to_string()),
            message,
        };
        let file: RuleFile = toml::from_str(text).map_err(|err| {
            let message = suggest_in_serde_message(err.message());
            let at = err
                .span()
                .map(|span| {
                    let line = text.get(..span.start).map_or(0, |t| t.matches('\n').count()) + 1;
                    format!(" (line {line})")
                })
                .unwrap_or_default();
            RuleError::Invalid { path: path.clone(), key: None, message: format!("{message}{at}") }
        })?;
        if file.id.trim().is_empty() || file.id.contains(char::is_whitespace) {
            return Err(invalid("id", format!("`{}` is not a valid rule id (no spaces)", file.id)));
        }
        let m = &file.matcher;
        let kind = match &m.event {
            None => None,
            Some(name) => Some(name.parse::<EventKind>().map_err(|msg| {
                let hint = closest(name, EventKind::ALL.iter().map(|k| k.as_str()))
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                invalid("match.event", format!("{msg}{hint}"))
            })?),
        };
        if kind.is_none() && m.lines.is_empty() && m.sysctls.is_empty() {
            return Err(invalid(
                "match",
                "a rule needs at least one of `event`, `lines` or `sysctls`".to_string(),
            ));
        }
        for (i, pattern) in m.lines.iter().enumerate() {
            regex::Regex::new(pattern)
                .map_err(|e| invalid(&format!("match.lines[{i}]"), format!("bad regex: {e}")))?;
        }
        if !m.fallback_lines.is_empty() && kind.is_none() {
            return Err(invalid(
                "match.fallback_lines",
                "fallback lines stand in for events: they need `match.event`".to_string(),
            ));
        }
        for (i, pattern) in m.fallback_lines.iter().enumerate() {
            regex::Regex::new(pattern).map_err(|e| {
                invalid(&format!("match.fallback_lines[{i}]"), format!("bad regex: {e}"))
            })?;
        }
        let mut fields = Vec::new();
        for (i, cond) in m.fields.iter().enumerate() {
            let key = format!("match.fields[{i}]");
            let Some(kind) = kind else {
                return Err(invalid(&key, "field conditions need `match.event`".to_string()));
            };
            let known = field_names(kind);
            if !known.iter().any(|k| k == &cond.field) {
                let hint = closest(&cond.field, known.iter().map(String::as_str))
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(invalid(
                    &format!("{key}.field"),
                    format!(
                        "`{}` is not a field of `{kind}` events (fields: {}){hint}",
                        cond.field,
                        known.join(", ")
                    ),
                ));
            }
            let regex = match &cond.regex {
                Some(r) => Some(
                    regex::Regex::new(r)
                        .map_err(|e| invalid(&format!("{key}.regex"), format!("bad regex: {e}")))?,
                ),
                None => None,
            };
            fields.push(CompiledField { cond: cond.clone(), regex });
        }
        if let Some(group) = &m.group_by {
            let Some(kind) = kind else {
                return Err(invalid("match.group_by", "grouping needs `match.event`".to_string()));
            };
            let known = field_names(kind);
            if !known.iter().any(|k| k == group) {
                let hint = closest(group, known.iter().map(String::as_str))
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                return Err(invalid(
                    "match.group_by",
                    format!("`{group}` is not a field of `{kind}` events{hint}"),
                ));
            }
        }
        for (i, cond) in m.sysctls.iter().enumerate() {
            if cond.min_percent_of.is_some() != cond.percent.is_some() {
                return Err(invalid(
                    &format!("match.sysctls[{i}]"),
                    "`min_percent_of` and `percent` go together".to_string(),
                ));
            }
        }
        if m.min_count == 0 {
            return Err(invalid("match.min_count", "must be at least 1".to_string()));
        }
        let window_secs = match &m.window {
            None => None,
            Some(w) => Some(parse_span(w).ok_or_else(|| {
                invalid(
                    "match.window",
                    format!("`{w}` is not a span like `90s`, `10m`, `2h`, `1d`"),
                )
            })?),
        };
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        let templates = [
            ("message.title".to_string(), file.message.title.clone()),
            ("message.summary".to_string(), file.message.summary.clone()),
        ]
        .into_iter()
        .chain(
            file.remediation
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("remediation[{i}]"), r.clone())),
        );
        for (name, source) in templates {
            env.add_template_owned(name.clone(), source)
                .map_err(|e| invalid(&name, format!("bad template: {e}")))?;
        }
        let mut test_events = Vec::new();
        for (i, case) in file.tests.iter().enumerate() {
            test_events
                .push(case.build_events(i).map_err(|(key, message)| invalid(&key, message))?);
        }
        Ok(DeclarativeRule { file, origin, kind, fields, window_secs, env, test_events })
    }

    /// The file the rule came from (or `built-in`).
    pub fn origin_path(&self) -> String {
        origin_path(&self.origin)
    }

    /// The event kind the rule matches, if any.
    pub fn file_event_kind(&self) -> Option<EventKind> {
        self.kind
    }

    /// The regexes this rule applies to log lines: `match.lines`, then `match.fallback_lines`.
    pub fn line_patterns(&self) -> Vec<String> {
        let m = &self.file.matcher;
        m.lines.iter().chain(m.fallback_lines.iter()).cloned().collect()
    }

    /// Runs the rule; `local` maps a [`LogMatch::pattern`] of the whole set to a pattern index
    /// of this rule (or `None` when it belongs to another rule).
    pub(crate) fn evaluate_with(
        &self,
        model: &Model,
        local: impl Fn(&LogMatch) -> Option<usize>,
    ) -> RuleOutcome {
        let mut outcome = RuleOutcome::default();
        let m = &self.file.matcher;

        // Hits: matching events, then matching log lines.
        let mut hits: Vec<Hit<'_>> = Vec::new();
        if let Some(kind) = self.kind {
            for event in model.events.iter().filter(|e| e.kind() == kind) {
                let fields = fields_json(&event.fields);
                if self.fields.iter().all(|f| field_matches(f, &fields)) {
                    let group = m.group_by.as_ref().map(|g| scalar_text(fields.get(g)));
                    hits.push(Hit::Event { event, fields, group });
                }
            }
        }
        let n_lines = m.lines.len();
        let use_fallback = match self.kind {
            Some(kind) => {
                !m.fallback_lines.is_empty() && !model.events.iter().any(|e| e.kind() == kind)
            }
            None => false,
        };
        let mut seen_lines = std::collections::BTreeSet::new();
        for lm in &model.log_matches {
            // A line matched by two patterns of the rule is one hit.
            if local(lm).is_some() && !seen_lines.insert((&lm.source.path, lm.source.line)) {
                continue;
            }
            match local(lm) {
                Some(i) if i < n_lines => hits.push(Hit::Line(lm)),
                Some(_) if use_fallback => hits.push(Hit::Line(lm)),
                _ => {}
            }
        }
        let has_hit_signal = self.kind.is_some() || !m.lines.is_empty();

        // Sysctl conditions.
        let sysctls = &model.snapshot.sysctls;
        let mut sysctl_checks = Vec::new();
        let sysctl_signal = if m.sysctls.is_empty() {
            None
        } else {
            let mut all = true;
            let mut any_known = false;
            for cond in &m.sysctls {
                let value = sysctls.get(&cond.name);
                any_known |= value.is_some();
                let ok = value.is_some_and(|v| sysctl_matches(cond, v, sysctls));
                sysctl_checks.push(SysctlCheck {
                    name: cond.name.clone(),
                    value: value.cloned(),
                    other: cond.min_percent_of.as_ref().and_then(|o| sysctls.get(o).cloned()),
                    holds: ok,
                });
                all &= ok;
            }
            if !any_known && util::is_bundle(model) {
                outcome.not_checked.push(NotChecked {
                    source: SourceKind::Sysctl,
                    path: util::missing_path(model, SourceKind::Sysctl),
                    what: format!("the sysctls {}", names(&m.sysctls)),
                });
            }
            Some(all)
        };

        // Groups: one finding per group value (or one for all).
        let mut groups: BTreeMap<String, Vec<Hit<'_>>> = BTreeMap::new();
        for hit in hits {
            let key = match &hit {
                Hit::Event { group: Some(g), .. } => g.clone(),
                _ => String::new(),
            };
            groups.entry(key).or_default().push(hit);
        }
        if groups.is_empty() {
            groups.insert(String::new(), Vec::new());
        }
        for (group, mut hits) in groups {
            hits.sort_by_key(Hit::sort_key);
            let hit_signal = if has_hit_signal {
                Some(enough_hits(&hits, m.min_count, self.window_secs))
            } else {
                None
            };
            let fires = match (hit_signal, sysctl_signal, m.require) {
                (Some(h), Some(s), Require::All) => h && s,
                (Some(h), Some(s), Require::Any) => h || s,
                (Some(h), None, _) => h,
                (None, Some(s), _) => s,
                (None, None, _) => false,
            };
            if !fires {
                continue;
            }
            outcome.findings.push(self.finding(model, &group, &hits, &sysctl_checks));
        }
        // A rule that fired did not need what was missing.
        if !outcome.findings.is_empty() {
            outcome.not_checked.clear();
        }
        outcome
    }

    fn finding(
        &self,
        model: &Model,
        group: &str,
        hits: &[Hit<'_>],
        sysctl_checks: &[SysctlCheck],
    ) -> Finding {
        let views: Vec<HitView> = hits.iter().map(Hit::view).collect();
        let events: Vec<&HitView> = views.iter().filter(|v| v.event_id.is_some()).collect();
        let lines: Vec<&HitView> = views.iter().filter(|v| v.event_id.is_none()).collect();
        let ctx = minijinja::context! {
            count => hits.len(),
            group => if group.is_empty() { None } else { Some(group) },
            first => views.first(),
            last => views.last(),
            hits => &views,
            events => &events,
            lines => &lines,
            sysctls => &model.snapshot.sysctls,
            sysctl_checks => sysctl_checks,
            host => &model.host,
            rule => minijinja::context! { id => &self.file.id, title => &self.file.title },
        };
        let render = |name: &str, fallback: &str| -> String {
            self.env
                .get_template(name)
                .and_then(|t| t.render(&ctx))
                .map(|s| s.trim().to_string())
                .unwrap_or_else(|e| format!("{fallback} (template {name} failed: {e})"))
        };
        let title = render("message.title", &self.file.title);
        let summary = render("message.summary", &self.file.description);
        let remediation = (0..self.file.remediation.len())
            .map(|i| render(&format!("remediation[{i}]"), ""))
            .filter(|s| !s.is_empty())
            .collect();
        let mut evidence = Vec::new();
        let mut event_ids = Vec::new();
        for hit in hits {
            match hit {
                Hit::Event { event, .. } => {
                    event_ids.push(event.id.clone());
                    evidence.extend(util::event_evidence(event, 12));
                }
                Hit::Line(lm) => evidence.push(Evidence {
                    path: lm.source.path.clone(),
                    line: lm.source.line,
                    text: lm.text.clone(),
                }),
            }
            if evidence.len() >= MAX_EVIDENCE {
                evidence.truncate(MAX_EVIDENCE);
                break;
            }
        }
        Finding {
            rule_id: self.file.id.clone(),
            severity: self.file.severity,
            title,
            summary,
            event_ids,
            evidence,
            remediation,
        }
    }
}

impl Rule for DeclarativeRule {
    fn id(&self) -> &str {
        &self.file.id
    }

    fn describe(&self) -> RuleInfo {
        let m = &self.file.matcher;
        let mut reads = Vec::new();
        if let Some(kind) = self.kind {
            let conds: Vec<String> =
                self.fields.iter().map(|f| describe_field(&f.cond.field, f)).collect();
            if conds.is_empty() {
                reads.push(format!("events: {kind}"));
            } else {
                reads.push(format!("events: {kind} where {}", conds.join(" and ")));
            }
        }
        for l in &m.lines {
            reads.push(format!("log lines matching /{l}/"));
        }
        for l in &m.fallback_lines {
            reads.push(format!(
                "log lines matching /{l}/ (when no {} event was assembled)",
                self.kind.map_or("", |k| k.as_str())
            ));
        }
        for s in &m.sysctls {
            reads.push(format!("sysctl {}", s.name));
        }
        RuleInfo {
            id: self.file.id.clone(),
            title: self.file.title.clone(),
            description: self.file.description.trim().to_string(),
            severity: self.file.severity,
            origin: self.origin.clone(),
            reads,
            remediation: self.file.remediation.clone(),
            references: self.file.references.clone(),
            tests: self.file.tests.len(),
        }
    }

    /// Evaluated on its own (outside a [`super::RuleSet`]), pattern `i` of
    /// [`crate::model::Model::log_matches`] is this rule's pattern `i`.
    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let n = self.file.matcher.lines.len() + self.file.matcher.fallback_lines.len();
        self.evaluate_with(model, |m| (m.pattern < n).then_some(m.pattern))
    }
}

fn describe_field(name: &str, f: &CompiledField) -> String {
    let c = &f.cond;
    let mut parts = Vec::new();
    if let Some(v) = &c.equals {
        parts.push(format!("{name} = {v:?}"));
    }
    if let Some(v) = &c.contains {
        parts.push(format!("{name} contains {v:?}"));
    }
    if let Some(v) = &c.regex {
        parts.push(format!("{name} =~ /{v}/"));
    }
    if let Some(v) = c.min {
        parts.push(format!("{name} >= {v}"));
    }
    if let Some(v) = c.max {
        parts.push(format!("{name} <= {v}"));
    }
    if let Some(v) = c.present {
        parts.push(format!("{name} {}", if v { "present" } else { "absent" }));
    }
    parts.join(" and ")
}

fn names(conds: &[SysctlCond]) -> String {
    conds.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
}

pub(crate) fn origin_path(origin: &RuleOrigin) -> String {
    match origin {
        RuleOrigin::Builtin => "built-in".to_string(),
        RuleOrigin::Embedded(p) | RuleOrigin::File(p) => p.clone(),
    }
}

/// A sysctl condition as evaluated, for templates.
#[derive(Debug, Serialize)]
struct SysctlCheck {
    name: String,
    value: Option<String>,
    other: Option<String>,
    holds: bool,
}

/// One matching event or log line.
enum Hit<'a> {
    Event {
        event: &'a Event,
        fields: serde_json::Map<String, serde_json::Value>,
        group: Option<String>,
    },
    Line(&'a LogMatch),
}

/// What a template sees of a hit.
#[derive(Debug, Serialize)]
struct HitView {
    text: String,
    time: String,
    source: String,
    event_id: Option<String>,
    kind: Option<String>,
    fields: serde_json::Map<String, serde_json::Value>,
}

impl Hit<'_> {
    fn time(&self) -> &crate::model::EventTime {
        match self {
            Hit::Event { event, .. } => &event.time,
            Hit::Line(lm) => &lm.time,
        }
    }

    fn sort_key(&self) -> (u32, i64, u64) {
        let t = self.time();
        let wall = t.wall.map_or(i64::MIN, |w| w.as_microsecond());
        (t.boot, wall, t.since_boot.map_or(0, |s| s.as_micros()))
    }

    fn view(&self) -> HitView {
        match self {
            Hit::Event { event, fields, .. } => HitView {
                text: event.raw.clone(),
                time: util::time_text(&event.time),
                source: event
                    .sources
                    .first()
                    .map(|s| format!("{}:{}", s.path, s.line))
                    .unwrap_or_default(),
                event_id: Some(event.id.clone()),
                kind: Some(event.kind().to_string()),
                fields: fields.clone(),
            },
            Hit::Line(lm) => HitView {
                text: lm.text.clone(),
                time: util::time_text(&lm.time),
                source: format!("{}:{}", lm.source.path, lm.source.line),
                event_id: None,
                kind: None,
                fields: Default::default(),
            },
        }
    }
}

/// Whether `min_count` hits fall within one `window` (all hits when there is no window, or
/// when the hits carry no comparable time).
fn enough_hits(hits: &[Hit<'_>], min_count: usize, window: Option<u64>) -> bool {
    if hits.len() < min_count {
        return false;
    }
    let Some(window) = window else { return true };
    let window_us = i128::from(window) * 1_000_000;
    // Wall clock when every hit has one; otherwise time since boot within one boot.
    let times: Option<Vec<i128>> = if hits.iter().all(|h| h.time().wall.is_some()) {
        hits.iter().map(|h| h.time().wall.map(|w| i128::from(w.as_microsecond()))).collect()
    } else {
        let boot = hits.first().map(|h| h.time().boot);
        hits.iter()
            .map(|h| {
                let t = h.time();
                if Some(t.boot) == boot {
                    t.since_boot.map(|s| i128::from(s.as_micros()))
                } else {
                    None
                }
            })
            .collect()
    };
    let Some(mut times) = times else { return true };
    times.sort_unstable();
    let need = min_count.max(1) - 1;
    times
        .iter()
        .enumerate()
        .any(|(i, start)| times.get(i + need).is_some_and(|end| end - start <= window_us))
}

/// The JSON object of an event's fields.
pub(crate) fn fields_json(fields: &EventFields) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(fields) {
        Ok(serde_json::Value::Object(mut o)) => match o.remove("fields") {
            Some(serde_json::Value::Object(f)) => f,
            _ => Default::default(),
        },
        _ => Default::default(),
    }
}

/// The field names of an event kind, read off its (default) serialisation.
pub(crate) fn field_names(kind: EventKind) -> Vec<String> {
    use crate::model as m;
    let fields = match kind {
        EventKind::HungTask => EventFields::HungTask(m::HungTask::default()),
        EventKind::PageAllocFailure => {
            EventFields::PageAllocFailure(m::PageAllocFailure::default())
        }
        EventKind::XfsError => EventFields::XfsError(m::XfsError::default()),
        EventKind::OomKill => EventFields::OomKill(m::OomKill::default()),
        EventKind::SoftLockup => EventFields::SoftLockup(m::Lockup::default()),
        EventKind::HardLockup => EventFields::HardLockup(m::Lockup::default()),
        EventKind::RcuStall => EventFields::RcuStall(m::RcuStall::default()),
        EventKind::KernelOops => EventFields::KernelOops(m::KernelOops::default()),
        EventKind::KernelPanic => EventFields::KernelPanic(m::KernelPanic::default()),
        EventKind::BlockIoError => EventFields::BlockIoError(m::BlockIoError::default()),
    };
    fields_json(&fields).keys().cloned().collect()
}

fn scalar_text(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => "unknown".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn field_matches(f: &CompiledField, fields: &serde_json::Map<String, serde_json::Value>) -> bool {
    let c = &f.cond;
    let value = fields.get(&c.field).filter(|v| !v.is_null());
    if let Some(want) = c.present {
        if value.is_some() != want {
            return false;
        }
    }
    let texts: Vec<String> = match value {
        None => Vec::new(),
        Some(serde_json::Value::Array(items)) => {
            items.iter().map(|i| scalar_text(Some(i))).collect()
        }
        Some(v) => vec![scalar_text(Some(v))],
    };
    let any = |pred: &dyn Fn(&str) -> bool| texts.iter().any(|t| pred(t));
    if let Some(eq) = &c.equals {
        if !any(&|t| t == eq) {
            return false;
        }
    }
    if let Some(sub) = &c.contains {
        if !any(&|t| t.contains(sub.as_str())) {
            return false;
        }
    }
    if let Some(re) = &f.regex {
        if !any(&|t| re.is_match(t)) {
            return false;
        }
    }
    let number = value.and_then(serde_json::Value::as_f64);
    if let Some(min) = c.min {
        if number.is_none_or(|n| n < min) {
            return false;
        }
    }
    if let Some(max) = c.max {
        if number.is_none_or(|n| n > max) {
            return false;
        }
    }
    true
}

fn sysctl_matches(cond: &SysctlCond, value: &str, all: &BTreeMap<String, String>) -> bool {
    let value = value.trim();
    if let Some(eq) = &cond.equals {
        if value != eq.trim() {
            return false;
        }
    }
    let number = value.parse::<f64>().ok();
    if let Some(min) = cond.min {
        if number.is_none_or(|n| n < min) {
            return false;
        }
    }
    if let Some(max) = cond.max {
        if number.is_none_or(|n| n > max) {
            return false;
        }
    }
    if let (Some(other), Some(percent)) = (&cond.min_percent_of, cond.percent) {
        let other = all.get(other).and_then(|o| o.trim().parse::<f64>().ok());
        match (number, other) {
            (Some(n), Some(o)) if o > 0.0 => {
                if n * 100.0 < o * percent {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

/// `90s`, `10m`, `2h`, `1d`, or plain seconds.
fn parse_span(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (text.get(..i)?, text.get(i..)?.trim()),
        None => (text, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(mult)
}

#[cfg(test)]
mod tests;
