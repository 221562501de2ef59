//! `sosalyzer parse KIND FILE` on real files of the corpus (`../shared/corpus/E`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn sosalyzer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sosalyzer")).args(args).output().expect("sosalyzer runs")
}

fn parse_json(kind: &str, file: &Path) -> (Value, String) {
    let out = sosalyzer(&["parse", kind, file.to_str().expect("UTF-8 path"), "-f", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    (serde_json::from_slice(&out.stdout).expect("JSON on stdout"), stderr)
}

#[test]
fn zoneinfo_json_has_watermarks() {
    let Some(dir) = corpus() else { return };
    let (json, _) = parse_json("zoneinfo", &dir.join("E/zoneinfo-rhel8-coreos-sos-1node.txt"));
    let normal = &json["zones"][2];
    assert_eq!(normal["zone"], "Normal");
    assert_eq!(normal["free"], 10852);
    assert_eq!(normal["low"], 10855);
    assert_eq!(normal["protection"], serde_json::json!([0, 0, 0, 0, 0]));
    assert_eq!(json["zones"][0]["node_stats"]["nr_written"], 260_861);
    assert_eq!(json["unparsed"][0]["line"], 30);
    assert_eq!(json["unparsed"].as_array().map(Vec::len), Some(1));
}

#[test]
fn free_blocks_keep_their_units_and_junk_is_noted() {
    let Some(dir) = corpus() else { return };
    let (json, stderr) = parse_json("free", &dir.join("E/free-old-procps-el6-m-and-k.txt"));
    assert_eq!(json["blocks"][0]["unit"], "MiB");
    assert_eq!(json["blocks"][0]["mem"]["total"], 1877u64 << 20);
    assert_eq!(json["blocks"][1]["unit"], "KiB");
    assert_eq!(
        json["blocks"][1]["buffers_cache"],
        serde_json::json!([237_312 * 1024, 1_684_776 * 1024])
    );
    assert!(stderr.contains("did not parse (first at line 7)"), "{stderr}");
}

#[test]
fn free_b_output_without_prompt_is_read_as_bytes() {
    let Some(dir) = corpus() else { return };
    let (json, _) = parse_json("free", &dir.join("E/free-wide-bytes-haskell-comment.txt"));
    let block = &json["blocks"][0];
    assert_eq!(block["unit"], "B");
    assert_eq!(block["layout"], "wide");
    assert_eq!(block["mem"]["total"], 34_283_200_512u64);
    assert_eq!(block["mem"]["cached"], 200_007_680u64);
}

#[test]
fn text_forms_of_buddyinfo_and_slabinfo() {
    let Some(dir) = corpus() else { return };
    let buddy = dir.join("E/buddyinfo-rhel8-coreos-sos.txt");
    let out = sosalyzer(&["parse", "buddyinfo", buddy.to_str().unwrap(), "-f", "text"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Node 0 Normal   free pages     10852  largest free order  9"), "{text}");
    let slab = dir.join("E/slabinfo-rhel8-coreos-sos.txt");
    let out = sosalyzer(&["parse", "slabinfo", slab.to_str().unwrap(), "-f", "text"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().nth(2).unwrap_or_default();
    assert!(first.trim_start().starts_with("xfs_inode"), "{text}");
    assert!(text.starts_with("slabinfo 2.1: 142 caches"), "{text}");
}

#[test]
fn wrong_kind_is_one_line_and_exit_2() {
    let Some(dir) = corpus() else { return };
    let dmesg = dir.join("A/rhel7-3.10-messages-glusterfsd.txt");
    let out = sosalyzer(&["parse", "zoneinfo", dmesg.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("does not look like zoneinfo: none of its"), "{stderr}");
}

#[test]
fn binary_file_is_not_meminfo() {
    let dir = tempfile::tempdir().unwrap();
    let jpeg = dir.path().join("photo.jpg");
    std::fs::write(
        &jpeg,
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\n\xff\xdb\x00C\x00",
    )
    .unwrap();
    for kind in ["meminfo", "zoneinfo", "free", "cmdline", "sysctl"] {
        let out = sosalyzer(&["parse", kind, jpeg.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{kind}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("does not look like"), "{kind}");
    }
}

#[test]
fn unknown_and_unsupported_kinds() {
    let out = sosalyzer(&["parse", "bogus", "Cargo.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown kind \"bogus\"; kinds: meminfo, free, zoneinfo"), "{stderr}");
    let out = sosalyzer(&["parse", "dmesg", "Cargo.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("parse dmesg: not supported yet"));
}

#[test]
fn sysctl_of_a_proc_sys_file_is_named_after_its_path() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let vm = dir.path().join("proc/sys/vm");
    std::fs::create_dir_all(&vm).expect("create proc/sys/vm");
    std::fs::write(vm.join("lowmem_reserve_ratio"), "256\t256\t32\t0\t0\n").expect("write");
    let (json, _) = parse_json("sysctl", &vm.join("lowmem_reserve_ratio"));
    assert_eq!(json["values"]["vm.lowmem_reserve_ratio"], "256\t256\t32\t0\t0");
}
