//! `sosalyzer inventory` on every input form (the generated samples, archives re-packed here, a
//! real sosreport made with Debian's `sos`) and on bad input.

// Test helpers may unwrap, like the tests themselves (clippy.toml: allow-unwrap-in-tests).
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples").join(name)
}

fn sosalyzer(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sosalyzer")).arg("inventory").args(args).output().unwrap()
}

/// `inventory -f json PATH`: exit 0 and the parsed JSON.
fn json(path: &Path) -> Value {
    let out = sosalyzer(&["-f".as_ref(), "json".as_ref(), path.as_os_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `inventory PATH` failing: exit 2 and one stderr line.
fn fails(path: &Path) -> String {
    let out = sosalyzer(&[path.as_os_str()]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stdout));
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    err
}

fn kinds(inv: &Value, status: &str) -> Vec<String> {
    inv["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == status)
        .map(|s| s["kind"].as_str().unwrap().to_string())
        .collect()
}

fn source<'a>(inv: &'a Value, path: &str) -> &'a Value {
    inv["sources"].as_array().unwrap().iter().find(|s| s["path"] == path).unwrap()
}

#[test]
fn json_holds_exactly_the_inventory_parts_of_the_report() {
    let inv = json(&sample("sos4-rhel8.tar.xz"));
    let mut keys: Vec<&str> = inv.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["host", "input", "problems", "sources"]);
    assert_eq!(inv["input"]["kind"], "sosreport");
    assert_eq!(inv["input"]["format"], "tar.xz");
    assert_eq!(inv["host"]["hostname"], "db01");
    assert_eq!(inv["host"]["kernel"], "4.18.0-372.9.1.el8.x86_64");
    assert_eq!(inv["host"]["sos_version"], "4.7.0");
    assert_eq!(inv["host"]["collected_at"], "2026-11-23T09:05:24Z");
    assert_eq!(inv["host"]["boot_time"], "2026-11-11T06:01:24Z");
    assert_eq!(inv["host"]["uptime_secs"], 1_047_840);
    let dmesg = source(&inv, "sos_commands/kernel/dmesg");
    assert_eq!((dmesg["kind"].as_str(), dmesg["lines"].as_u64()), (Some("dmesg"), Some(45)));
    assert_eq!(inv["problems"], Value::Array(vec![]));
}

#[test]
fn sos4_folder_and_archive_agree() {
    let folder = json(&sample("sos4-rhel8"));
    let archive = json(&sample("sos4-rhel8.tar.xz"));
    assert_eq!(folder["input"]["format"], "directory");
    assert_eq!(folder["sources"], archive["sources"]);
    assert_eq!(folder["host"], archive["host"]);
}

#[test]
fn a_renamed_archive_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("bundle.dat");
    std::fs::copy(sample("sos4-rhel8.tar.xz"), &renamed).unwrap();
    let inv = json(&renamed);
    assert_eq!(inv["input"]["format"], "tar.xz");
    assert_eq!(inv["sources"], json(&sample("sos4-rhel8.tar.xz"))["sources"]);
}

#[test]
fn sos3_layout() {
    let inv = json(&sample("sos3-rhel7.tar.gz"));
    assert_eq!(inv["input"]["format"], "tar.gz");
    assert_eq!(inv["host"]["sos_version"], "3.5");
    assert_eq!(inv["host"]["hostname"], "web02");
    // `date` printed EST: read as UTC, as documented.
    assert_eq!(inv["host"]["collected_at"], "2026-11-20T10:15:00Z");
    assert_eq!(source(&inv, "sos_commands/general/uptime")["kind"], "uptime");
    assert!(kinds(&inv, "missing").is_empty(), "{inv}");
}

#[test]
fn supportconfig_archive() {
    let inv = json(&sample("scc_sles15_261101_1200.txz"));
    assert_eq!(inv["input"]["kind"], "supportconfig");
    assert_eq!(inv["host"]["hostname"], "sles15");
    assert_eq!(inv["host"]["kernel"], "5.14.21-150500.55.39-default");
    assert_eq!(inv["host"]["collected_at"], "2026-11-01T12:00:07Z");
    assert_eq!(source(&inv, "memory.txt#/proc/meminfo")["lines"], 50);
    assert_eq!(source(&inv, "boot.txt#/usr/bin/dmesg -T")["kind"], "dmesg");
}

#[test]
fn supportconfig_folder() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("tar")
        .arg("-xJf")
        .arg(sample("scc_sles15_261101_1200.txz"))
        .arg("-C")
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let folder = json(&dir.path().join("scc_sles15_261101_1200"));
    assert_eq!(folder["input"]["format"], "directory");
    assert_eq!(folder["sources"], json(&sample("scc_sles15_261101_1200.txz"))["sources"]);
}

#[test]
fn loose_dmesg() {
    let inv = json(&sample("dmesg-hung-task.txt"));
    assert_eq!(inv["input"]["kind"], "log_file");
    assert_eq!(inv["input"]["format"], "text");
    assert_eq!(kinds(&inv, "parsed"), ["dmesg"]);
}

#[test]
fn loose_proc_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("meminfo");
    std::fs::write(&path, "MemTotal:       16116516 kB\nMemFree:          222744 kB\n").unwrap();
    let inv = json(&path);
    assert_eq!(inv["input"]["kind"], "proc_file");
    assert_eq!(kinds(&inv, "parsed"), ["meminfo"]);
}

#[test]
fn sos_collect_gives_one_inventory_per_inner_report() {
    let path = sample("sos-collector-2026-11-23-kqzvb.tar");
    let all = json(&path);
    let all = all.as_array().expect("several bundles: an array");
    let hosts: Vec<&str> = all.iter().map(|i| i["host"]["hostname"].as_str().unwrap()).collect();
    assert_eq!(hosts, ["node1", "node2"]);
    assert!(
        all[0]["input"]["path"]
            .as_str()
            .unwrap()
            .ends_with(".tar!sosreport-node1-2026-11-23-hjklmnb.tar.xz")
    );
    assert_eq!(all[1]["host"]["uptime_secs"], 2400);
    let text = sosalyzer(&[path.as_os_str()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert_eq!(text.matches("input:").count(), 2, "{text}");
}

#[test]
fn an_extracted_sos_collect_folder_reads_each_inner_archive() {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("tar")
        .arg("-xf")
        .arg(sample("sos-collector-2026-11-23-kqzvb.tar"))
        .arg("-C")
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let all = json(&dir.path().join("sos-collector-2026-11-23-kqzvb"));
    let all = all.as_array().expect("several bundles: an array");
    assert_eq!(all.len(), 2);
    assert_eq!(all[1]["host"]["hostname"], "node2");
    assert_eq!(all[1]["input"]["format"], "tar.xz");
}

#[test]
fn encrypted_bundle_says_how_to_decrypt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secured-sosreport-db01-2026-11-23-abcdefg.tar.xz.gpg");
    // An old-format public-key encrypted session key packet, as `gpg --encrypt` starts.
    std::fs::write(&path, [0x85, 0x01, 0x0C, 0x03, 0x5A, 0x1B, 0x2C, 0x3D]).unwrap();
    let err = fails(&path);
    assert!(err.contains("encrypted"), "{err}");
    assert!(err.contains("gpg --output"), "{err}");
}

#[test]
fn truncated_archive_is_read_up_to_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(sample("sos4-rhel8.tar.xz")).unwrap();
    let path = dir.path().join("cut.tar.xz");
    std::fs::write(&path, &whole[..whole.len() * 2 / 3]).unwrap();
    let inv = json(&path);
    let parsed = kinds(&inv, "parsed");
    assert!(
        parsed.contains(&"version".to_string()) && parsed.contains(&"meminfo".to_string()),
        "{inv}"
    );
    let problems = inv["problems"].as_array().unwrap();
    assert!(
        problems
            .iter()
            .any(|p| p["message"].as_str().unwrap().contains("reading stopped after member")),
        "{inv}"
    );
}

#[test]
fn corrupt_archive_is_read_up_to_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(sample("sos4-rhel8.tar.xz")).unwrap();
    let at = bytes.len() * 3 / 4;
    bytes[at] ^= 0xFF;
    let path = dir.path().join("corrupt.tar.xz");
    std::fs::write(&path, &bytes).unwrap();
    let inv = json(&path);
    assert!(kinds(&inv, "parsed").contains(&"version".to_string()), "{inv}");
    let problems = inv["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["message"].as_str().unwrap().contains("damaged or truncated")),
        "{inv}"
    );
}

#[test]
fn bad_inputs_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.tar.xz");
    std::fs::write(&empty, b"").unwrap();
    assert!(fails(&empty).contains("empty"));
    let jpeg = dir.path().join("photo.jpg");
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00];
    bytes.extend((0u32..3000).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8));
    std::fs::write(&jpeg, &bytes).unwrap();
    assert!(fails(&jpeg).contains("not a support bundle"));
    let random = dir.path().join("random.bin");
    std::fs::write(
        &random,
        (0u32..8192).map(|i| (i.wrapping_mul(40_503) >> 3) as u8).collect::<Vec<_>>(),
    )
    .unwrap();
    assert!(fails(&random).contains("not a support bundle"));
    let missing = dir.path().join("does-not-exist.tar.xz");
    assert!(fails(&missing).contains("No such file"));
}

/// Makes a real sosreport with the `sos` tool and checks that the archive and its extracted
/// folder give the same inventory. Skips when `sos` is absent or cannot run (not root).
#[test]
fn real_sosreport_from_the_sos_tool() {
    let dir = tempfile::tempdir().unwrap();
    let made = Command::new("sos")
        .args(["report", "--batch", "--tmp-dir"])
        .arg(dir.path())
        .args(["-o", "kernel,memory,logs,host,date,process,filesys"])
        .output();
    let made = match made {
        Ok(out) => out,
        Err(e) => {
            println!("skipped: cannot run sos: {e}");
            return;
        }
    };
    let archive = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.path()).find(|p| {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        name.starts_with("sosreport-")
            && name.contains(".tar")
            && !name.ends_with(".md5")
            && !name.ends_with(".sha256")
    });
    let Some(archive) = archive else {
        println!(
            "skipped: sos report made no archive (exit {:?}): {}",
            made.status.code(),
            String::from_utf8_lossy(&made.stderr).lines().last().unwrap_or_default()
        );
        return;
    };
    let extracted = dir.path().join("x");
    std::fs::create_dir(&extracted).unwrap();
    let status =
        Command::new("tar").arg("-xf").arg(&archive).arg("-C").arg(&extracted).status().unwrap();
    assert!(status.success());
    let folder = std::fs::read_dir(&extracted).unwrap().flatten().next().unwrap().path();

    let from_archive = json(&archive);
    let from_folder = json(&folder);
    assert_eq!(from_archive["input"]["kind"], "sosreport");
    assert_eq!(from_folder["input"]["format"], "directory");
    assert_eq!(from_archive["sources"], from_folder["sources"]);
    assert_eq!(from_archive["host"], from_folder["host"]);
    let parsed = kinds(&from_archive, "parsed");
    for kind in [
        "dmesg",
        "meminfo",
        "free",
        "zoneinfo",
        "buddyinfo",
        "slabinfo",
        "uname",
        "hostname",
        "uptime",
    ] {
        assert!(parsed.iter().any(|k| k == kind), "{kind} not found: {from_archive}");
    }
    assert!(from_archive["host"]["kernel"].is_string(), "{from_archive}");
    assert!(from_archive["host"]["collected_at"].is_string(), "{from_archive}");
}
