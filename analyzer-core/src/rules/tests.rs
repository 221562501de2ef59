//! Tests of the rule set: loading, catalogue, patterns, evaluation order, missing sources.

use super::*;
use crate::model::{EventFields, KernelPanic, LogMatch, SourceRef};
use crate::rules::testutil::{event, model_with};

#[test]
fn every_embedded_rule_file_loads_and_every_file_is_embedded() {
    let set = RuleSet::builtin().expect("embedded rules load");
    let ids = set.ids();
    for id in
        ["kernel.hung_task", "memory.watermarks", "kernel.panic", "fs.aio_max_nr", "block.io_error"]
    {
        assert!(ids.iter().any(|i| i == id), "{id} missing from {ids:?}");
    }
    // Every rules/*.toml file of the repository is in EMBEDDED.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .map(|n| format!("rules/{n}"))
        .collect();
    on_disk.sort();
    let embedded: Vec<String> = declarative::EMBEDDED.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn every_rule_file_test_case_passes() {
    let set = RuleSet::builtin().expect("embedded rules load");
    let results = set.run_tests();
    assert!(results.len() >= 14, "only {} cases", results.len());
    let failed: Vec<&CaseResult> =
        results.iter().filter(|r| matches!(r.status, CaseStatus::Failed(_))).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let skipped: Vec<&CaseResult> =
        results.iter().filter(|r| matches!(r.status, CaseStatus::Skipped(_))).collect();
    assert!(skipped.is_empty(), "{skipped:#?}");
}

#[test]
fn describe_is_sorted_and_complete() {
    let set = RuleSet::builtin().expect("embedded rules load");
    let infos = set.describe();
    let ids: Vec<&str> = infos.iter().map(|i| i.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(ids, sorted);
    assert_eq!(infos.len(), 17);
    let aio = infos.iter().find(|i| i.id == "fs.aio_max_nr").expect("aio rule");
    assert_eq!(aio.origin, RuleOrigin::Embedded("rules/aio_max_nr.toml".into()));
    assert_eq!(aio.tests, 4);
    assert!(aio.reads.iter().any(|r| r == "sysctl fs.aio-nr"), "{:?}", aio.reads);
}

#[test]
fn line_patterns_map_back_to_their_rule() {
    let set = RuleSet::builtin().expect("embedded rules load");
    let patterns = set.line_patterns();
    let line = "Mar 05 10:22:33 osd1 ceph-osd[2211]: bdev _aio_start io_setup(2) failed with EAGAIN; \
                try increasing /proc/sys/fs/aio-max-nr";
    let hits: Vec<usize> = patterns.matches(line).into_iter().collect();
    assert_eq!(hits.len(), 2, "both aio patterns match");
    let mut model = model_with(vec![]);
    for pattern in hits {
        model.log_matches.push(LogMatch {
            pattern,
            source: SourceRef { path: "sos_commands/logs/journalctl_--no-pager".into(), line: 42 },
            text: line.into(),
            time: Default::default(),
        });
    }
    let findings = set.evaluate(&model);
    let aio: Vec<&Finding> = findings.iter().filter(|f| f.rule_id == "fs.aio_max_nr").collect();
    assert_eq!(aio.len(), 1);
    assert_eq!(aio[0].title, "Async I/O contexts exhausted (1 failed io_setup)");
    assert_eq!(aio[0].evidence.len(), 1);
    assert_eq!(aio[0].evidence[0].line, 42);
    // The panic rule's fallback pattern does not claim the line.
    assert!(!findings.iter().any(|f| f.rule_id == "kernel.panic"));
}

#[test]
fn findings_come_worst_first_with_not_checked_notes() {
    let set = RuleSet::builtin().expect("embedded rules load");
    let panic = event(
        1,
        EventFields::KernelPanic(KernelPanic {
            reason: "Fatal exception".into(),
            ..KernelPanic::default()
        }),
        "[   10.000000] Kernel panic - not syncing: Fatal exception",
    );
    let model = model_with(vec![panic]);
    let findings = set.evaluate(&model);
    assert_eq!(findings[0].rule_id, "kernel.panic");
    assert_eq!(findings[0].severity, Severity::Critical);
    assert_eq!(findings[0].title, "Kernel panic: Fatal exception");
    assert_eq!(findings[0].event_ids, vec!["e1".to_string()]);
    assert_eq!(findings[0].evidence[0].path, "sos_commands/kernel/dmesg");
    // The snapshot is empty: memory rules say what they could not check.
    let notes: Vec<&str> = findings
        .iter()
        .filter(|f| f.title.starts_with("Not checked"))
        .map(|f| f.title.as_str())
        .collect();
    assert!(
        notes.contains(
            &"Not checked: Watermarks far below what the kernel would compute (zoneinfo missing)"
        ),
        "{notes:?}"
    );
    assert!(notes.contains(&"Not checked: Memory fragmentation (buddyinfo missing)"), "{notes:?}");
    assert!(findings.windows(2).all(|w| w[0].severity >= w[1].severity));
}

#[test]
fn loose_log_files_get_no_not_checked_notes() {
    let set = RuleSet::builtin().expect("embedded rules load");
    let mut model = model_with(vec![]);
    model.kind = crate::bundle::InputKind::LogFile;
    assert!(set.evaluate(&model).is_empty());
}

#[test]
fn load_dir_adds_rules_and_rejects_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("ntp.toml"),
        r#"
id = "time.ntp_step"
title = "Clock stepped"
severity = "warning"
[match]
lines = ['time has been stepped|clock step']
[message]
title = "Clock stepped {{ count }} times"
summary = "First: {{ first.text }}"
[[test]]
name = "one step"
log = "Mar 05 10:22:33 h chronyd[1]: System clock wrong by 3.2 seconds, clock step"
expect = { count = 1, title_contains = ["1 times"] }
"#,
    )
    .expect("write");
    let set = RuleSet::load_dir(dir.path()).expect("loads");
    assert!(set.get("time.ntp_step").is_some());
    let only = RuleSet::only_dir(dir.path()).expect("loads");
    assert_eq!(only.ids(), vec!["time.ntp_step".to_string()]);
    assert_eq!(only.run_tests()[0].status, CaseStatus::Passed);

    std::fs::write(dir.path().join("dup.toml"), include_str!("../../../rules/kernel_panic.toml"))
        .expect("write");
    let err = RuleSet::load_dir(dir.path()).expect_err("duplicate id");
    assert!(
        err.to_string().starts_with(
            "rule id `kernel.panic` is defined twice: in rules/kernel_panic.toml and in"
        ),
        "{err}"
    );
}

#[test]
fn closest_id_suggests() {
    let set = RuleSet::builtin().expect("embedded rules load");
    assert_eq!(set.closest_id("kernel.hung_tsk").as_deref(), Some("kernel.hung_task"));
}

#[test]
fn a_bundle_without_kernel_logs_says_so() {
    use crate::report::{SourceEntry, SourceStatus};
    let set = RuleSet::builtin().expect("embedded rules load");
    let mut model = model_with(vec![]);
    model.sources.push(SourceEntry {
        path: "sos_commands/kernel/dmesg".into(),
        kind: crate::source::SourceKind::Dmesg,
        status: SourceStatus::Missing,
        size: None,
        lines: 0,
        unparsed_lines: 0,
    });
    let findings = set.evaluate(&model);
    let note = findings.iter().find(|f| f.rule_id == "rules.kernel_log").expect("note");
    assert_eq!(note.severity, Severity::Info);
    assert!(note.summary.starts_with("The bundle has no readable dmesg, syslog or journal (looked for sos_commands/kernel/dmesg), so "), "{}", note.summary);
    assert!(note.summary.contains("kernel.hung_task") && note.summary.contains("kernel.panic"));
    // With the dmesg read, no note.
    model.sources[0].status = SourceStatus::Parsed;
    assert!(!set.evaluate(&model).iter().any(|f| f.rule_id == "rules.kernel_log"));
}
