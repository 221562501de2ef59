//! Tests of rule-file loading (errors name the file, the key and the closest valid name) and
//! of matching, thresholds and templates.

use super::*;
use crate::model::{BlockIoError, KernelPanic, SinceBoot};
use crate::rules::testutil::{event, model_with};

const GOOD: &str = r#"
id = "block.test"
title = "Test"
severity = "error"
[match]
event = "block_io_error"
group_by = "device"
fields = [{ field = "error", contains = "I/O" }]
min_count = 2
window = "1m"
[message]
title = "{{ group }}: {{ count }}"
summary = "first {{ first.fields.sector }} last {{ last.fields.sector }}"
"#;

fn load(text: &str) -> Result<DeclarativeRule, RuleError> {
    DeclarativeRule::parse(text, RuleOrigin::File("my/rule.toml".into()))
}

fn err(text: &str) -> String {
    load(text).expect_err("must not load").to_string()
}

#[test]
fn unknown_top_level_key_names_file_and_suggests() {
    let text = GOOD.replace("severity = ", "severty = ");
    let e = err(&text);
    assert!(e.starts_with("my/rule.toml: unknown field `severty`, expected one of"), "{e}");
    assert!(e.contains("did you mean `severity`?"), "{e}");
    assert!(e.contains("(line 4)"), "{e}");
}

#[test]
fn unknown_match_key_suggests() {
    let e = err(&GOOD.replace("min_count", "min_cuont"));
    assert!(
        e.contains("unknown field `min_cuont`") && e.contains("did you mean `min_count`?"),
        "{e}"
    );
}

#[test]
fn bad_severity_suggests() {
    let e = err(&GOOD.replace("\"error\"", "\"eror\""));
    assert!(e.contains("unknown variant `eror`") && e.contains("did you mean `error`?"), "{e}");
}

#[test]
fn bad_event_kind_names_the_key() {
    let e = err(&GOOD.replace("\"block_io_error\"", "\"block_io_eror\""));
    assert!(
        e.starts_with("my/rule.toml: key `match.event`: unknown event kind \"block_io_eror\""),
        "{e}"
    );
    assert!(e.ends_with("did you mean `block_io_error`?"), "{e}");
}

#[test]
fn bad_field_name_lists_the_fields() {
    let e = err(&GOOD.replace("field = \"error\"", "field = \"eror\""));
    assert!(e.starts_with("my/rule.toml: key `match.fields[0].field`: `eror` is not a field of `block_io_error` events"), "{e}");
    assert!(e.contains("did you mean `error`?"), "{e}");
    let e = err(&GOOD.replace("group_by = \"device\"", "group_by = \"devise\""));
    assert!(e.contains("key `match.group_by`") && e.contains("did you mean `device`?"), "{e}");
}

#[test]
fn bad_regex_window_and_template() {
    let e = err(&GOOD
        .replace("fields = [{ field = \"error\", contains = \"I/O\" }]", "lines = ['(unclosed']"));
    assert!(e.starts_with("my/rule.toml: key `match.lines[0]`: bad regex"), "{e}");
    let e = err(&GOOD.replace("\"1m\"", "\"1 fortnight\""));
    assert!(e.contains("key `match.window`"), "{e}");
    let e = err(&GOOD.replace("{{ group }}: {{ count }}", "{{ group }: {{ count }}"));
    assert!(e.starts_with("my/rule.toml: key `message.title`: bad template"), "{e}");
}

#[test]
fn a_rule_must_match_something() {
    let e = err(
        "id = \"x\"\ntitle = \"x\"\nseverity = \"info\"\n[match]\n[message]\ntitle = \"t\"\nsummary = \"s\"\n",
    );
    assert!(e.contains("key `match`: a rule needs at least one of"), "{e}");
}

#[test]
fn bad_test_event_names_the_key() {
    let text = format!(
        "{GOOD}\n[[test]]\nname = \"t\"\nevent = [{{ kind = \"block_io_error\", fields = {{ devise = \"sdb\" }} }}]\nexpect = {{ count = 0 }}\n"
    );
    let e = err(&text);
    assert!(e.starts_with("my/rule.toml: key `test[0].event[0].fields.devise`"), "{e}");
    assert!(e.contains("did you mean `device`?"), "{e}");
    let text = format!(
        "{GOOD}\n[[test]]\nname = \"t\"\nevent = [{{ kind = \"block_io_error\", fields = {{ sector = \"many\" }} }}]\nexpect = {{ count = 0 }}\n"
    );
    let e = err(&text);
    assert!(e.starts_with("my/rule.toml: key `test[0].event[0]`"), "{e}");
}

fn bio(n: u64, dev: &str, sector: u64, at_secs: u64) -> Event {
    let mut e = event(
        n,
        EventFields::BlockIoError(BlockIoError {
            device: Some(dev.into()),
            sector: Some(sector),
            op: None,
            error: "I/O error".into(),
            reporter: None,
        }),
        &format!("blk_update_request: I/O error, dev {dev}, sector {sector}"),
    );
    e.time.since_boot = Some(SinceBoot(at_secs * 1_000_000));
    e
}

#[test]
fn groups_count_and_window() {
    let rule = load(GOOD).expect("loads");
    // sdb: two errors 30 s apart (fires); sdc: two errors 10 minutes apart (window not met);
    // sdd: one error (count not met).
    let model = model_with(vec![
        bio(1, "sdb", 100, 10),
        bio(2, "sdc", 7, 20),
        bio(3, "sdb", 200, 40),
        bio(4, "sdd", 9, 50),
        bio(5, "sdc", 8, 620),
    ]);
    let out = rule.evaluate(&model);
    assert_eq!(out.findings.len(), 1);
    let f = &out.findings[0];
    assert_eq!(f.title, "sdb: 2");
    assert_eq!(f.summary, "first 100 last 200");
    assert_eq!(f.event_ids, vec!["e1".to_string(), "e3".to_string()]);
    assert_eq!(f.evidence[0].text, "blk_update_request: I/O error, dev sdb, sector 100");
    assert_eq!(f.evidence[0].line, 10);
}

#[test]
fn fallback_lines_only_without_events() {
    let text = r#"
id = "kernel.panic.test"
title = "Panic"
severity = "critical"
[match]
event = "kernel_panic"
fallback_lines = ['Kernel panic - not syncing']
[message]
title = "{{ count }}"
summary = "{{ first.text }}"
"#;
    let rule = load(text).expect("loads");
    let mut model = model_with(vec![]);
    model.log_matches.push(LogMatch {
        pattern: 0,
        source: crate::model::SourceRef { path: "var/log/messages".into(), line: 7 },
        text: "Kernel panic - not syncing: Fatal exception".into(),
        time: Default::default(),
    });
    let f = rule.evaluate(&model).findings;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].summary, "Kernel panic - not syncing: Fatal exception");
    // With an assembled event, the event is used and the line is not counted again.
    model.events.push(event(
        1,
        EventFields::KernelPanic(KernelPanic {
            reason: "Fatal exception".into(),
            ..KernelPanic::default()
        }),
        "Kernel panic - not syncing: Fatal exception",
    ));
    let f = rule.evaluate(&model).findings;
    assert_eq!(f[0].title, "1");
    assert_eq!(f[0].event_ids, vec!["e1".to_string()]);
}

#[test]
fn spans() {
    assert_eq!(parse_span("90s"), Some(90));
    assert_eq!(parse_span("10m"), Some(600));
    assert_eq!(parse_span("2h"), Some(7200));
    assert_eq!(parse_span("1d"), Some(86_400));
    assert_eq!(parse_span("45"), Some(45));
    assert_eq!(parse_span("1w"), None);
}

#[test]
fn field_names_come_from_the_model() {
    let names = field_names(EventKind::XfsError);
    for want in ["block", "class", "device", "errno", "location", "repair_advice", "shutdown_flags"]
    {
        assert!(names.iter().any(|n| n == want), "{want} missing from {names:?}");
    }
    assert!(!names.iter().any(|n| n == "kind"));
}
