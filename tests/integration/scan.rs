//! `sosalyzer scan` end to end, on a temp folder of tiny generated bundles and junk files.
// Fixture helpers fail the test the moment they cannot build the fleet.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn sosalyzer(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sosalyzer")).args(args).current_dir(cwd).output().unwrap()
}

fn write(path: &Path, data: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, data).unwrap();
}

/// A gzip-compressed sosreport whose root is `root`, with a few real files.
fn sos_tar_gz(path: &Path, root: &str) {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in [
        ("version.txt", "sosreport: 4.6.1\n"),
        ("sos_commands/host/hostname", "tux\n"),
        (
            "sos_commands/kernel/dmesg",
            "[    0.000000] Linux version 4.18.0-513.el8.x86_64 (mockbuild@x86-vm-07) \
             (gcc version 8.5.0 20210514 (Red Hat 8.5.0-20) (GCC)) #1 SMP Wed Aug 16 2023\n",
        ),
    ] {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, format!("{root}/{name}"), data.as_bytes()).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&builder.into_inner().unwrap()).unwrap();
    write(path, &gz.finish().unwrap());
}

const GOOD: [&str; 3] = [
    "dc1/sosreport-web1-2024-03-05-abcdefg.tar.gz",
    "dc1/sosreport-web2-2024-03-05-hijklmn.tar.gz",
    "dc2/sosreport-db1-2024-03-05-opqrstu.tar.gz",
];
const ENCRYPTED: &str = "secured-sosreport-x-2024-03-05-vwxyzab.tar.xz.gpg";
const CORRUPT: &str = "dc2/sosreport-bad-2024-03-05-zzzzzzz.tar.gz";

/// Three bundles, an encrypted one, a corrupt one, and junk.
fn fleet(root: &Path) {
    for rel in GOOD {
        let stem = rel.rsplit('/').next().unwrap().trim_end_matches(".tar.gz");
        sos_tar_gz(&root.join(rel), stem);
        write(&root.join(format!("{rel}.sha256")), b"9f86d081884c7d659a2feaa0c55ad015\n");
    }
    // gpg -e output starts with a public-key encrypted session key packet (version 3).
    write(&root.join(ENCRYPTED), &[0x85, 0x01, 0x0C, 0x03, 0x5A, 0x1B, 0x2C, 0x3D]);
    let mut corrupt = vec![0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03];
    corrupt.extend_from_slice(&[0xFF; 200]);
    write(&root.join(CORRUPT), &corrupt);
    write(&root.join("dc1/messages"), b"Mar  5 10:00:01 tux kernel: Linux version 4.18.0\n");
    write(&root.join("dc1/photo.jpg"), b"\xFF\xD8\xFF\xE0\0\x10JFIF\0");
    write(&root.join("dc1/sosreport-host0-2024-03-05-abcdefg-private_map"), b"{}");
}

fn all_paths() -> BTreeSet<String> {
    GOOD.iter().chain([&ENCRYPTED, &CORRUPT]).map(|s| s.to_string()).collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn scan_writes_an_index_with_a_row_per_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    fleet(&tmp.path().join("fleet"));
    let out = sosalyzer(&["scan", "fleet", "-o", "out", "-j", "2"], tmp.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Not a terminal: one plain line per bundle, then the summary.
    assert_eq!(stderr.lines().filter(|l| l.starts_with('[')).count(), 5, "{stderr}");
    assert!(stderr.contains("scanned 5 bundles"), "{stderr}");

    let outdir = tmp.path().join("out");
    for name in ["index.json", "index.csv", "index.md", "index.html"] {
        assert!(outdir.join(name).is_file(), "{name}");
    }
    let index = read_json(&outdir.join("index.json"));
    assert_eq!(index["schema_version"], 1);
    let rows = index["bundles"].as_array().unwrap();
    let paths: BTreeSet<String> =
        rows.iter().map(|r| r["path"].as_str().unwrap().to_string()).collect();
    assert_eq!(paths, all_paths());
    let row = |path: &str| rows.iter().find(|r| r["path"] == path).unwrap();
    assert_eq!(row(ENCRYPTED)["status"], "error");
    assert!(row(ENCRYPTED)["error"].as_str().unwrap().contains("encrypted"));
    assert_eq!(row(CORRUPT)["status"], "error");
    assert!(row(CORRUPT)["error"].as_str().unwrap().starts_with("unreadable: gzip"));
    // Every report a row links to exists, relative to the index.
    for r in rows {
        if let Some(link) = r["report"].as_str() {
            assert!(outdir.join(link).is_file(), "{link}");
        }
    }
    // The CSV has a header and one line per bundle; no temporary file is left.
    let csv = fs::read_to_string(outdir.join("index.csv")).unwrap();
    assert_eq!(csv.lines().count(), 6);
    let leftovers: Vec<_> = walk(&outdir).into_iter().filter(|p| p.contains(".partial")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let html = fs::read_to_string(outdir.join("index.html")).unwrap();
    assert!(html.contains("secured-sosreport-x-2024-03-05-vwxyzab.tar.xz.gpg"));

    // A second run gives the same index.
    let again = sosalyzer(&["scan", "fleet", "-o", "out"], tmp.path());
    assert!(again.status.success());
    assert_eq!(read_json(&outdir.join("index.json")), index);
}

fn walk(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path.display().to_string());
        }
    }
    files
}

/// The `input.path` of each JSON line on stdout, relative to the scanned folder.
fn jsonl_paths(stdout: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| {
            let value: Value = serde_json::from_str(line).unwrap();
            assert_eq!(value["schema_version"], 1);
            let path = value["input"]["path"].as_str().unwrap();
            // Whether the analysis keeps the path as given or makes it absolute.
            let rel = path.rsplit_once("fleet/").map_or(path, |(_, rel)| rel);
            rel.split('!').next().unwrap().to_string()
        })
        .collect()
}

#[test]
fn jsonl_prints_one_line_per_bundle_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    fleet(&tmp.path().join("fleet"));
    let out = sosalyzer(&["scan", "fleet", "--jsonl"], tmp.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let paths = jsonl_paths(&out.stdout);
    assert_eq!(paths.iter().cloned().collect::<BTreeSet<_>>(), all_paths());
    let names: Vec<_> =
        fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(names, vec!["fleet"]);
}

#[test]
fn shards_cover_the_fleet_once() {
    let tmp = tempfile::tempdir().unwrap();
    fleet(&tmp.path().join("fleet"));
    let mut seen: Vec<String> = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let first = sosalyzer(&["scan", "fleet", "--jsonl", "--shard", &shard], tmp.path());
        let second =
            sosalyzer(&["scan", "fleet", "--jsonl", "--shard", &shard, "-j", "1"], tmp.path());
        let mut a = jsonl_paths(&first.stdout);
        let mut b = jsonl_paths(&second.stdout);
        a.sort();
        b.sort();
        assert_eq!(a, b, "shard {shard} differs between runs");
        seen.extend(a);
    }
    seen.sort();
    assert_eq!(seen, all_paths().into_iter().collect::<Vec<_>>());

    // A shard's index carries the shard in its name.
    let out = sosalyzer(&["scan", "fleet", "-o", "out", "--shard", "1/3"], tmp.path());
    assert!(out.status.success());
    assert!(tmp.path().join("out/index.shard-1-of-3.json").is_file());
    assert!(!tmp.path().join("out/index.json").exists());
}

#[test]
fn bad_usage_exits_2_with_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    fleet(&tmp.path().join("fleet"));
    write(&tmp.path().join("broken/oops.toml"), b"[rule\nid = 1\n");
    for (args, says) in [
        (vec!["scan", "fleet", "--rules", "broken", "-o", "out"], "oops.toml"),
        (vec!["scan", "fleet", "--shard", "3/3"], "bad shard"),
        (vec!["scan", "fleet", "-j", "0"], "-j"),
        (vec!["scan", "fleet", "-f", "text"], "json, md or html"),
        (vec!["scan", "no-such-folder", "-o", "out"], "no-such-folder"),
    ] {
        let out = sosalyzer(&args, tmp.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert!(!tmp.path().join("out").exists());
}
