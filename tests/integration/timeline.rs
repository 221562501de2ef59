//! `sosalyzer timeline` on the sample bundles and loose logs, and `sosalyzer parse` of logs.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn sosalyzer(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sosalyzer"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("sosalyzer runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn timeline_json_of_a_sosreport_archive() {
    let (code, stdout, stderr) =
        sosalyzer(&["timeline", "samples/sos4-rhel8.tar.xz", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let events: Value = serde_json::from_str(&stdout).unwrap();
    let events = events.as_array().unwrap();
    let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let want: Vec<String> = (1..=events.len()).map(|i| format!("e{i}")).collect();
    assert_eq!(ids, want);
    let xfs = events.iter().find(|e| e["kind"] == "xfs_error").unwrap();
    assert_eq!(xfs["sources"].as_array().unwrap().len(), 2);
    assert_eq!(xfs["time"]["wall"], "2026-11-23T07:30:24Z");
}

#[test]
fn timeline_filters_by_kind_and_time() {
    let (code, stdout, _) =
        sosalyzer(&["timeline", "samples/sos4-rhel8", "--kind", "hung_task", "-f", "json"]);
    assert_eq!(code, 0);
    let events: Value = serde_json::from_str(&stdout).unwrap();
    assert!(events.as_array().unwrap().iter().all(|e| e["kind"] == "hung_task"));
    assert!(!events.as_array().unwrap().is_empty());
    let (_, stdout, _) =
        sosalyzer(&["timeline", "samples/sos4-rhel8", "--since", "2030-01-01", "-f", "json"]);
    assert_eq!(stdout.trim(), "[]");
    let (code, _, stderr) = sosalyzer(&["timeline", "samples/sos4-rhel8", "--kind", "hung"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown event kind \"hung\""), "{stderr}");
}

#[test]
fn timeline_of_a_pasted_excerpt() {
    let file = root().join("../shared/corpus/C/lkml-2.6.38-kmem-alloc-deadlock-0x250-quoted.txt");
    if !file.is_file() {
        println!("skipped: ../shared/corpus not found");
        return;
    }
    let (code, stdout, stderr) = sosalyzer(&["timeline", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.matches(" xfs_error ").count(), 4, "{stdout}");
    assert!(stdout.contains("[593492.694806]"), "{stdout}");
}

#[test]
fn parse_syslog_prints_each_line() {
    let (code, stdout, stderr) =
        sosalyzer(&["parse", "syslog", "samples/sos4-rhel8/var/log/messages", "-f", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["counts"]["lines"], 608);
    let hung = summary["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["message"].as_str().unwrap().starts_with("INFO: task"))
        .unwrap();
    assert_eq!(hung["source"], "kernel");
    assert_eq!(hung["time"], "Nov 23 07:00:22");
    assert_eq!(hung["kernel"], true);
}
