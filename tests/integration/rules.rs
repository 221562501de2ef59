//! `sosalyzer rules list|show|test`: the catalogue, one rule, the rule files' own test cases,
//! and load errors that name the file, the key and the closest valid name.

use std::process::{Command, Output};

fn sosalyzer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sosalyzer")).args(args).output().expect("sosalyzer runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn list_shows_built_in_and_file_rules() {
    let out = sosalyzer(&["rules", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("ID ") && lines[0].ends_with("TITLE"));
    assert!(text.contains("memory.watermarks          error     built-in"), "{text}");
    assert!(text.contains("fs.aio_max_nr              error     rules/aio_max_nr.toml"), "{text}");
    assert_eq!(lines.last().copied(), Some("17 rules"));
}

#[test]
fn show_one_rule_and_suggest_on_a_typo() {
    let out = sosalyzer(&["rules", "show", "fs.aio_max_nr"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("fs.aio_max_nr  (Asynchronous I/O contexts exhausted)\n"), "{text}");
    assert!(text.contains("tests:    4"));
    assert!(text.contains("  - sysctl fs.aio-nr"));

    let out = sosalyzer(&["rules", "show", "memory.watermark"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "sosalyzer: no rule `memory.watermark`; did you mean `memory.watermarks`? (see `sosalyzer rules list`)"
    );
}

#[test]
fn test_runs_every_case_of_the_built_in_files() {
    let out = sosalyzer(&["rules", "test"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("ok    fs.aio_max_nr: ceph OSD message and a full table"));
    assert!(
        text.trim_end().ends_with("19 cases in 8 rule files: 19 passed, 0 failed, 0 skipped"),
        "{text}"
    );
}

#[test]
fn test_a_folder_reports_failures_with_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("oom_java.toml"),
        r#"
id = "site.oom_java"
title = "Java killed by the OOM killer"
severity = "error"
[match]
event = "oom_kill"
fields = [{ field = "victim", equals = "java" }]
[message]
title = "java OOM-killed {{ count }} times"
summary = "first at {{ first.time }}"
[[test]]
name = "a java kill"
log = """
[ 1234.000000] Out of memory: Kill process 4242 (java) score 912 or sacrifice child
[ 1234.000100] Killed process 4242 (java) total-vm:9000000kB, anon-rss:8000000kB, file-rss:1000kB, shmem-rss:0kB
"""
expect = { count = 1, title_contains = ["java OOM-killed 1 times"] }
[[test]]
name = "deliberately wrong"
event = [{ kind = "oom_kill", fields = { victim = "java" } }]
expect = { count = 2 }
"#,
    )
    .expect("write rule");
    let out = sosalyzer(&["rules", "test", dir.path().to_str().expect("UTF-8")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("ok    site.oom_java: a java kill"), "{text}");
    assert!(text.contains("FAIL  site.oom_java: deliberately wrong"), "{text}");
    assert!(text.contains("expected 2 finding(s), got 1"), "{text}");
    assert!(text.trim_end().ends_with("2 cases in 1 rule file: 1 passed, 1 failed, 0 skipped"));
}

#[test]
fn a_bad_rule_file_names_file_key_and_closest_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "id = \"site.bad\"\ntitle = \"Bad\"\nseverity = \"error\"\n[match]\nevent = \"hung_tsk\"\n\
         [message]\ntitle = \"t\"\nsummary = \"s\"\n",
    )
    .expect("write rule");
    let out = sosalyzer(&["rules", "--rules", dir.path().to_str().expect("UTF-8"), "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}: key `match.event`: unknown event kind \"hung_tsk\"",
            path.display()
        )),
        "{err}"
    );
    assert!(err.trim_end().ends_with("did you mean `hung_task`?"), "{err}");
}
