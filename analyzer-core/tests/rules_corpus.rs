//! The rules over the real-world corpus (`../shared/corpus`, labels in `index.jsonl`): every
//! hung task, allocation failure and XFS error the labels list is counted in a finding (not
//! "1 report" for 170), and the negatives and near misses of folder D raise none.

use std::path::{Path, PathBuf};

use analyzer_core::bundle::{InputFormat, InputKind};
use analyzer_core::model::{EventKind, HostFacts, Model, Snapshot};
use analyzer_core::parse::logline::detect_kind;
use analyzer_core::rules::RuleSet;
use analyzer_core::timeline::TimelineBuilder;
use serde_json::Value;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared/corpus not found");
        None
    }
}

fn model(path: &Path, rules: &RuleSet) -> Model {
    let bytes = std::fs::read(path).expect("corpus file");
    let text = String::from_utf8_lossy(&bytes);
    let mut builder = TimelineBuilder::new(Some(rules.line_patterns()));
    let kind = detect_kind(&text);
    builder.read_loose_log("log", kind, &mut text.as_bytes()).expect("read from memory");
    let out = builder.finish(&HostFacts::default());
    Model {
        path: path.display().to_string(),
        kind: InputKind::LogFile,
        format: InputFormat::Text,
        host: HostFacts::default(),
        sources: Vec::new(),
        events: out.events,
        log_matches: out.log_matches,
        snapshot: Snapshot::default(),
        problems: out.problems,
    }
}

fn labels(entry: &Value, key: &str) -> usize {
    entry["expect"][key].as_array().map_or(0, Vec::len)
}

#[test]
fn findings_count_every_labelled_event() {
    let Some(dir) = corpus() else { return };
    let rules = RuleSet::builtin().expect("built-in rules load");
    let index = std::fs::read_to_string(dir.join("index.jsonl")).expect("index.jsonl");
    let mut checked = 0;
    for line in index.lines().filter(|l| !l.trim().is_empty()) {
        let entry: Value = serde_json::from_str(line).expect("index line");
        let category = entry["category"].as_str().unwrap_or("");
        if !matches!(category, "A" | "B" | "C" | "D") {
            continue;
        }
        let file = entry["file"].as_str().expect("file");
        let m = model(&dir.join(file), &rules);
        let findings = rules.evaluate(&m);
        let ids_of = |rule: &str| -> usize {
            findings.iter().filter(|f| f.rule_id == rule).map(|f| f.event_ids.len()).sum()
        };
        let hung = labels(&entry, "hung_tasks");
        let alloc = labels(&entry, "page_allocation_failures");
        let xfs = labels(&entry, "xfs_events");
        // Every finding about events cites them with file and line.
        for f in findings.iter().filter(|f| !f.event_ids.is_empty()) {
            assert!(!f.evidence.is_empty(), "{file}: {} has no evidence", f.rule_id);
        }
        assert_eq!(ids_of("kernel.hung_task"), hung, "{file}: hung tasks");
        let page_failures = m
            .events
            .iter()
            .filter(|e| e.kind() == EventKind::PageAllocFailure)
            .filter(|e| e.raw.contains("page allocation failure"))
            .count();
        assert_eq!(
            ids_of("memory.page_alloc_failure"),
            page_failures,
            "{file}: allocation failures"
        );
        assert_eq!(page_failures, alloc, "{file}: allocation failures against the labels");
        assert_eq!(ids_of("xfs.errors") > 0, xfs > 0, "{file}: XFS");
        if category == "D" {
            assert_eq!(
                ids_of("kernel.hung_task")
                    + ids_of("memory.page_alloc_failure")
                    + ids_of("xfs.errors"),
                0,
                "{file}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 35, "only {checked} corpus files checked");
}
