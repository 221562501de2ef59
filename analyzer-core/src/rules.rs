//! Rules: read the [`crate::model::Model`] and return findings. Declarative rules come from
//! `rules/*.toml` (embedded at build time, more from `--rules DIR`); analyses that need
//! arithmetic are written in Rust. Both implement one trait, [`Rule`].
//!
//! A rule file looks like this (the full schema is in [`declarative`]):
//!
//! ```toml
//! id = "kernel.panic"
//! title = "Kernel panic"
//! severity = "critical"
//! [match]
//! event = "kernel_panic"
//! [message]
//! title = "Kernel panic: {{ first.fields.reason }}"
//! summary = "The kernel panicked {{ count }} time(s)."
//! ```
//!
//! The pipeline calls [`RuleSet::builtin`] (or [`RuleSet::load_dir`] for `--rules DIR`), hands
//! [`RuleSet::line_patterns`] to the reading pass so that regex rules need no second pass over
//! the logs (matches arrive in [`crate::model::Model::log_matches`]), then calls
//! [`RuleSet::evaluate`].

pub mod declarative;
mod error;
mod testcase;
mod util;

mod alloc_failure;
mod buddy;
mod cache_pressure;
mod fragmentation;
pub mod gfp;
mod hugepages;
mod hung_task;
mod oom;
mod processes;
mod watermarks;
mod xfs;

use std::path::Path;

use serde::Serialize;

pub use declarative::DeclarativeRule;
pub use error::RuleError;
pub use testcase::{CaseResult, CaseStatus};

use crate::model::{Finding, Model, Severity};
use crate::source::SourceKind;

/// A check over the model: a declarative rule file or a built-in analysis.
pub trait Rule: Send + Sync {
    /// Stable identifier (`kernel.hung_task`, `memory.watermarks`).
    fn id(&self) -> &str;
    /// What the rule is, for `sosalyzer rules list|show`.
    fn describe(&self) -> RuleInfo;
    /// Runs the rule. A rule that could not look at what it needs says so in
    /// [`RuleOutcome::not_checked`] instead of returning nothing.
    fn evaluate(&self, model: &Model) -> RuleOutcome;
}

/// What one rule concluded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleOutcome {
    /// Findings, in any order.
    pub findings: Vec<Finding>,
    /// Sources the rule needed and did not have: "checked, clean" must never be confused with
    /// "could not check". [`RuleSet::evaluate`] turns each into an `info` finding.
    pub not_checked: Vec<NotChecked>,
}

impl RuleOutcome {
    /// An outcome with these findings.
    pub fn findings(findings: Vec<Finding>) -> RuleOutcome {
        RuleOutcome { findings, not_checked: Vec::new() }
    }
}

/// A source a rule needed and could not read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotChecked {
    /// The source.
    pub source: SourceKind,
    /// Where it was looked for, when the bundle reader said.
    pub path: Option<String>,
    /// What the rule could not check without it.
    pub what: String,
}

/// Where a rule comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "path")]
pub enum RuleOrigin {
    /// Written in Rust, part of the library.
    Builtin,
    /// A rule file embedded in the library (`rules/kernel_panic.toml`).
    Embedded(String),
    /// A rule file loaded at run time (`--rules DIR`).
    File(String),
}

/// The description of a rule shown by `sosalyzer rules list|show`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Rule id.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// What it looks for and why it matters.
    pub description: String,
    /// The worst severity it reports.
    pub severity: Severity,
    /// Built-in or rule file.
    pub origin: RuleOrigin,
    /// What it reads: event kinds, log-line patterns, memory sources, sysctls.
    pub reads: Vec<String>,
    /// Default remediation text.
    pub remediation: Vec<String>,
    /// Further reading.
    pub references: Vec<String>,
    /// Number of test cases the rule file carries (0 for built-in rules: their tests are Rust).
    pub tests: usize,
}

/// Every rule that runs on a model: the built-in analyses, the embedded rule files, and any
/// loaded from folders.
pub struct RuleSet {
    builtin: Vec<Box<dyn Rule>>,
    declarative: Vec<DeclarativeRule>,
    /// `(rule index in declarative, pattern index in that rule)` for each pattern of the set.
    pattern_owner: Vec<(usize, usize)>,
    patterns: Vec<String>,
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet").field("ids", &self.ids()).finish()
    }
}

impl RuleSet {
    /// The built-in analyses plus the rule files embedded at build time.
    ///
    /// The embedded files are checked by the test suite, so a failure here is a build defect;
    /// still, it is returned as an error rather than a panic.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let mut declarative = Vec::new();
        for (path, text) in declarative::EMBEDDED {
            declarative
                .push(DeclarativeRule::parse(text, RuleOrigin::Embedded((*path).to_string()))?);
        }
        RuleSet::assemble(builtin_rules(), declarative)
    }

    /// An empty set with no rule at all (for tests of one rule file).
    pub fn empty() -> RuleSet {
        RuleSet {
            builtin: Vec::new(),
            declarative: Vec::new(),
            pattern_owner: Vec::new(),
            patterns: Vec::new(),
        }
    }

    /// The built-in rules plus every `*.toml` rule file of `dir` (not recursive). A file that
    /// does not load is an error naming the file, the key and the closest valid name.
    pub fn load_dir(dir: &Path) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::builtin()?;
        set.add_dir(dir)?;
        Ok(set)
    }

    /// Adds every `*.toml` rule file of `dir` (sorted by name) to the set.
    pub fn add_dir(&mut self, dir: &Path) -> Result<(), RuleError> {
        for rule in load_files(dir)? {
            self.declarative.push(rule);
        }
        let declarative = std::mem::take(&mut self.declarative);
        let builtin = std::mem::take(&mut self.builtin);
        *self = RuleSet::assemble(builtin, declarative)?;
        Ok(())
    }

    /// Only the rule files of `dir`, without the built-in rules (what `rules test DIR` runs).
    pub fn only_dir(dir: &Path) -> Result<RuleSet, RuleError> {
        RuleSet::assemble(Vec::new(), load_files(dir)?)
    }

    /// A set of the given rule files only.
    pub fn from_declarative(rules: Vec<DeclarativeRule>) -> Result<RuleSet, RuleError> {
        RuleSet::assemble(Vec::new(), rules)
    }

    fn assemble(
        builtin: Vec<Box<dyn Rule>>,
        declarative: Vec<DeclarativeRule>,
    ) -> Result<RuleSet, RuleError> {
        let mut seen: std::collections::BTreeMap<String, String> = Default::default();
        let names = builtin
            .iter()
            .map(|r| (r.id().to_string(), "built-in rules".to_string()))
            .chain(declarative.iter().map(|r| (r.id().to_string(), r.origin_path())));
        for (id, place) in names {
            if let Some(first) = seen.get(&id) {
                return Err(RuleError::Duplicate { id, first: first.clone(), second: place });
            }
            seen.insert(id, place);
        }
        let mut pattern_owner = Vec::new();
        let mut patterns = Vec::new();
        for (ri, rule) in declarative.iter().enumerate() {
            for (pi, pattern) in rule.line_patterns().iter().enumerate() {
                pattern_owner.push((ri, pi));
                patterns.push(pattern.clone());
            }
        }
        // Every pattern compiled alone when its file was loaded, so the set compiles too;
        // checking here keeps `line_patterns` infallible.
        if let Err(err) = regex::RegexSet::new(&patterns) {
            return Err(RuleError::Invalid {
                path: "rule set".into(),
                key: Some("match.lines".into()),
                message: format!("the line patterns do not compile together: {err}"),
            });
        }
        Ok(RuleSet { builtin, declarative, pattern_owner, patterns })
    }

    /// Every rule id, built-in first, then rule files in load order.
    pub fn ids(&self) -> Vec<String> {
        self.rules().map(|r| r.id().to_string()).collect()
    }

    /// Every rule.
    pub fn rules(&self) -> impl Iterator<Item = &dyn Rule> {
        self.builtin
            .iter()
            .map(|r| r.as_ref())
            .chain(self.declarative.iter().map(|r| r as &dyn Rule))
    }

    /// The descriptions of every rule, sorted by id.
    pub fn describe(&self) -> Vec<RuleInfo> {
        let mut infos: Vec<RuleInfo> = self.rules().map(|r| r.describe()).collect();
        infos.sort_by(|a, b| a.id.cmp(&b.id));
        infos
    }

    /// One rule by id.
    pub fn get(&self, id: &str) -> Option<&dyn Rule> {
        self.rules().find(|r| r.id() == id)
    }

    /// The rule id closest to `id`, for "did you mean" messages.
    pub fn closest_id(&self, id: &str) -> Option<String> {
        error::closest(id, self.ids().iter().map(String::as_str))
    }

    /// The regexes the reading pass must apply to every log line (any program, any source).
    /// A line matching pattern `i` becomes a [`crate::model::LogMatch`] with `pattern = i`.
    /// Patterns are unanchored: they are applied to the whole line as printed, prefix
    /// included.
    pub fn line_patterns(&self) -> regex::RegexSet {
        // `assemble` checked that the set compiles.
        regex::RegexSet::new(&self.patterns).unwrap_or_else(|_| regex::RegexSet::empty())
    }

    /// The same patterns as strings, in set order.
    pub fn line_pattern_strings(&self) -> &[String] {
        &self.patterns
    }

    /// Runs every rule. Findings come back worst first (then by rule id and title); a rule
    /// that could not check something adds an `info` finding that says which source was
    /// missing.
    pub fn evaluate(&self, model: &Model) -> Vec<Finding> {
        let mut findings = Vec::new();
        for rule in &self.builtin {
            let outcome = rule.evaluate(model);
            push_outcome(rule.as_ref(), outcome, model, &mut findings);
        }
        for (ri, rule) in self.declarative.iter().enumerate() {
            let outcome = rule.evaluate_with(model, |m| self.local_pattern(ri, m.pattern));
            push_outcome(rule, outcome, model, &mut findings);
        }
        if let Some(note) = self.no_kernel_log(model) {
            findings.push(note);
        }
        sort_findings(&mut findings);
        findings
    }

    /// One `info` finding when the bundle's source table lists no readable kernel log: every
    /// rule over kernel events then saw nothing, which must not read as "checked, clean".
    fn no_kernel_log(&self, model: &Model) -> Option<Finding> {
        if !util::is_bundle(model) || model.sources.is_empty() {
            return None;
        }
        let readable = model.sources.iter().any(|s| {
            s.kind.is_log()
                && matches!(
                    s.status,
                    crate::report::SourceStatus::Parsed | crate::report::SourceStatus::Truncated
                )
        });
        if readable {
            return None;
        }
        let ids: Vec<String> = self
            .rules()
            .filter(|r| r.describe().reads.iter().any(|x| x.starts_with("events:")))
            .map(|r| r.id().to_string())
            .collect();
        let looked: Vec<&str> =
            model.sources.iter().filter(|s| s.kind.is_log()).map(|s| s.path.as_str()).collect();
        Some(Finding {
            rule_id: "rules.kernel_log".to_string(),
            severity: Severity::Info,
            title: "Not checked: kernel-log rules (no readable kernel log)".to_string(),
            summary: format!(
                "The bundle has no readable dmesg, syslog or journal{}, so {} could not be \
                 checked.",
                if looked.is_empty() {
                    String::new()
                } else {
                    format!(" (looked for {})", looked.join(", "))
                },
                ids.join(", ")
            ),
            event_ids: Vec::new(),
            evidence: Vec::new(),
            remediation: Vec::new(),
        })
    }

    /// For a pattern index of [`RuleSet::line_patterns`], the pattern index inside rule `ri`.
    fn local_pattern(&self, ri: usize, global: usize) -> Option<usize> {
        match self.pattern_owner.get(global) {
            Some(&(owner, local)) if owner == ri => Some(local),
            _ => None,
        }
    }

    /// Runs the test cases every rule file of the set carries.
    pub fn run_tests(&self) -> Vec<CaseResult> {
        self.declarative.iter().flat_map(testcase::run_rule_cases).collect()
    }

    /// The rule files of the set.
    pub fn declarative(&self) -> &[DeclarativeRule] {
        &self.declarative
    }
}

fn load_files(dir: &Path) -> Result<Vec<DeclarativeRule>, RuleError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|source| RuleError::Io { path: dir.display().to_string(), source })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|source| RuleError::Io { path: dir.display().to_string(), source })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut rules = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|source| RuleError::Io { path: path.display().to_string(), source })?;
        rules.push(DeclarativeRule::parse(&text, RuleOrigin::File(path.display().to_string()))?);
    }
    Ok(rules)
}

/// The analyses written in Rust.
fn builtin_rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(hung_task::HungTasks),
        Box::new(alloc_failure::AllocFailures),
        Box::new(xfs::XfsErrors),
        Box::new(oom::OomKills),
        Box::new(watermarks::Watermarks),
        Box::new(fragmentation::Fragmentation),
        Box::new(cache_pressure::CachePressure),
        Box::new(hugepages::Hugepages),
        Box::new(processes::TopProcesses),
    ]
}

fn push_outcome(rule: &dyn Rule, outcome: RuleOutcome, model: &Model, out: &mut Vec<Finding>) {
    out.extend(outcome.findings);
    if outcome.not_checked.is_empty() || !util::is_bundle(model) {
        return;
    }
    let info = rule.describe();
    for nc in outcome.not_checked {
        let place = match &nc.path {
            Some(p) => format!(" (looked for at {p})"),
            None => String::new(),
        };
        out.push(Finding {
            rule_id: rule.id().to_string(),
            severity: Severity::Info,
            title: format!("Not checked: {} ({} missing)", info.title, nc.source),
            summary: format!(
                "The bundle has no readable {} source{place}, so {} could not be checked.",
                nc.source, nc.what
            ),
            event_ids: Vec::new(),
            evidence: Vec::new(),
            remediation: Vec::new(),
        });
    }
}

/// Worst first, then by rule id, then by title.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.title.cmp(&b.title))
    });
}

#[cfg(test)]
mod testutil;

#[cfg(test)]
mod tests;
