//! `sosalyzer rules list|show ID|test [DIR]`: the rule catalogue, and the test cases each rule
//! file carries.
//!
//! `test` exits 1 when a case fails, 2 when a rule file does not load (the message names the
//! file, the key and the closest valid name).

use std::io::Write as _;
use std::process::ExitCode;

use analyzer_core::rules::{CaseStatus, RuleInfo, RuleOrigin, RuleSet};
use anyhow::Context as _;

use crate::cli::{RulesAction, RulesArgs};

/// Runs `sosalyzer rules`.
pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    match &args.action {
        RulesAction::List => list(&load(&args)?),
        RulesAction::Show { id } => show(&load(&args)?, id),
        RulesAction::Test { dir } => {
            let set = match dir {
                Some(dir) => RuleSet::only_dir(dir)
                    .with_context(|| format!("cannot load the rules of {}", dir.display()))?,
                None => load(&args)?,
            };
            test(&set)
        }
    }
}

/// The built-in rules plus those of every `--rules DIR`.
fn load(args: &RulesArgs) -> anyhow::Result<RuleSet> {
    let mut set = RuleSet::builtin().context("the built-in rules do not load")?;
    for dir in &args.rules {
        set.add_dir(dir).with_context(|| format!("cannot load the rules of {}", dir.display()))?;
    }
    Ok(set)
}

fn origin(info: &RuleInfo) -> String {
    match &info.origin {
        RuleOrigin::Builtin => "built-in".to_string(),
        RuleOrigin::Embedded(p) | RuleOrigin::File(p) => p.clone(),
    }
}

fn list(set: &RuleSet) -> anyhow::Result<ExitCode> {
    let infos = set.describe();
    let width = infos.iter().map(|i| i.id.len()).max().unwrap_or(2).max(2);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{:<width$}  {:<8}  {:<26}  TITLE", "ID", "SEVERITY", "ORIGIN")?;
    for info in &infos {
        writeln!(
            out,
            "{:<width$}  {:<8}  {:<26}  {}",
            info.id,
            info.severity.as_str(),
            origin(info),
            info.title
        )?;
    }
    writeln!(out, "{} rules", infos.len())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn show(set: &RuleSet, id: &str) -> anyhow::Result<ExitCode> {
    let Some(rule) = set.get(id) else {
        let hint = set.closest_id(id).map(|c| format!("; did you mean `{c}`?")).unwrap_or_default();
        eprintln!("sosalyzer: no rule `{id}`{hint} (see `sosalyzer rules list`)");
        return Ok(ExitCode::from(2));
    };
    let info = rule.describe();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}  ({})", info.id, info.title)?;
    writeln!(out, "severity: {} (at most)", info.severity)?;
    writeln!(out, "origin:   {}", origin(&info))?;
    if info.tests > 0 {
        writeln!(out, "tests:    {} (run with `sosalyzer rules test`)", info.tests)?;
    }
    writeln!(out)?;
    for line in wrap(&info.description, 96) {
        writeln!(out, "{line}")?;
    }
    if !info.reads.is_empty() {
        writeln!(out, "\nreads:")?;
        for r in &info.reads {
            writeln!(out, "  - {r}")?;
        }
    }
    if !info.remediation.is_empty() {
        writeln!(out, "\nremediation (templates):")?;
        for r in &info.remediation {
            writeln!(out, "  - {r}")?;
        }
    }
    if !info.references.is_empty() {
        writeln!(out, "\nreferences:")?;
        for r in &info.references {
            writeln!(out, "  - {r}")?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn test(set: &RuleSet) -> anyhow::Result<ExitCode> {
    let results = set.run_tests();
    let mut out = std::io::stdout().lock();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for r in &results {
        match &r.status {
            CaseStatus::Passed => {
                passed += 1;
                writeln!(out, "ok    {}: {}", r.rule_id, r.name)?;
            }
            CaseStatus::Failed(why) => {
                failed += 1;
                writeln!(out, "FAIL  {}: {} ({})\n      {why}", r.rule_id, r.name, r.path)?;
            }
            CaseStatus::Skipped(why) => {
                skipped += 1;
                writeln!(out, "skip  {}: {} ({why})", r.rule_id, r.name)?;
            }
        }
    }
    let files = set.declarative().len();
    writeln!(
        out,
        "{} case{} in {files} rule file{}: {passed} passed, {failed} failed, {skipped} skipped",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" },
    )?;
    out.flush()?;
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Words joined into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
