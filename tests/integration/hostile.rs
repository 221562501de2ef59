//! Hostile bundles: cut archives, decompression bombs, huge lines, binary garbage, escaping
//! member names, link loops, many tiny members, unreadable and special files, empty sources.
//! Every input is built here at test time in a temporary folder; the binary runs under an
//! address-space limit and a deadline, so a leak or a hang fails the test instead of the
//! machine. Each case checks a definite outcome: a recorded problem, or one stderr line and
//! exit 2.

// Test helpers may unwrap, like the tests themselves (clippy.toml: allow-unwrap-in-tests).
#![allow(clippy::unwrap_used)]

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Address-space limit for every run (KiB). A debug `analyze` of the samples runs in 32 MiB;
/// the heaviest case here (a file at the 64 MiB non-log cap) needs about 200 MiB. 256 MiB
/// leaves room for that but not for holding a 200 MiB line, a decompressed bomb, or a capped
/// file of garbage copied with U+FFFD (which it caught).
const MEMORY_LIMIT_KIB: u64 = 256 << 10;
/// Longest any run may take in a debug build before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(60);
const MIB: usize = 1 << 20;
const ROOT: &str = "sosreport-db01-2026-11-23-abcdefg";

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples").join(name)
}

/// One finished run of the binary.
struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        assert_eq!(self.code, Some(0), "stderr: {}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        serde_json::from_slice(&self.stdout).unwrap()
    }

    /// Exit 2 and exactly one stderr line naming `path`.
    fn one_line_error(&self, path: &Path) -> String {
        assert_eq!(self.code, Some(2), "stdout: {}", String::from_utf8_lossy(&self.stdout));
        assert_eq!(self.stderr.lines().count(), 1, "{}", self.stderr);
        assert!(self.stderr.contains(&path.display().to_string()), "{}", self.stderr);
        self.stderr.clone()
    }
}

/// Runs `sosalyzer ARGS` in `cwd` under [`MEMORY_LIMIT_KIB`], killing it at [`DEADLINE`].
fn run_in(cwd: &Path, args: &[&OsStr]) -> Run {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_LIMIT_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_sosalyzer"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sosalyzer {args:?} still running after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stderr = String::from_utf8_lossy(&err.join().unwrap()).into_owned();
    Run { code: status.code(), stdout: out.join().unwrap(), stderr }
}

fn run(args: &[&OsStr]) -> Run {
    run_in(&std::env::temp_dir(), args)
}

fn inventory(path: &Path) -> Run {
    run(&["inventory".as_ref(), "-f".as_ref(), "json".as_ref(), path.as_os_str()])
}

fn analyze(path: &Path) -> Run {
    run(&["analyze".as_ref(), "-f".as_ref(), "json".as_ref(), path.as_os_str()])
}

/// `path: message` of every problem.
fn problems(report: &Value) -> Vec<String> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!("{}: {}", p["path"].as_str().unwrap_or(""), p["message"].as_str().unwrap())
        })
        .collect()
}

fn has_problem(report: &Value, path: &str, text: &str) -> bool {
    report["problems"].as_array().unwrap().iter().any(|p| {
        p["path"].as_str().is_some_and(|p| p == path)
            && p["message"].as_str().unwrap().contains(text)
    })
}

fn source<'a>(report: &'a Value, path: &str) -> Option<&'a Value> {
    report["sources"].as_array().unwrap().iter().find(|s| s["path"] == path)
}

fn status<'a>(report: &'a Value, path: &str) -> &'a str {
    source(report, path).and_then(|s| s["status"].as_str()).unwrap_or("absent")
}

fn count_status(report: &Value, status: &str) -> usize {
    report["sources"].as_array().unwrap().iter().filter(|s| s["status"] == status).count()
}

/// `(kind, headline, source path)` of every event, sorted: what a damaged copy must still find
/// (line numbers may shift).
fn event_keys(report: &Value) -> Vec<(String, String, String)> {
    let mut keys: Vec<(String, String, String)> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| {
            e["sources"].as_array().unwrap().iter().map(move |s| {
                (
                    e["kind"].as_str().unwrap().to_string(),
                    e["raw"].as_str().unwrap().to_string(),
                    s["path"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    keys.sort();
    keys
}

/// Copies a folder, keeping symlinks as symlinks.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let dest = to.join(entry.file_name());
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), dest).unwrap();
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// An extracted copy of `samples/sos4-rhel8` at `dir/name`.
fn sample_folder(dir: &Path, name: &str) -> PathBuf {
    let to = dir.join(name);
    copy_dir(&sample("sos4-rhel8"), &to);
    to
}

/// Appends `folder` (sorted, links kept as links) under `prefix/` to a tar.
fn append_folder(b: &mut tar::Builder<Vec<u8>>, folder: &Path, prefix: &str) {
    let mut entries: Vec<_> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = format!("{prefix}/{}", entry.file_name().to_string_lossy());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            h.set_mode(0o777);
            b.append_link(&mut h, &name, std::fs::read_link(entry.path()).unwrap()).unwrap();
        } else if kind.is_dir() {
            append_folder(b, &entry.path(), &name);
        } else {
            let data = std::fs::read(entry.path()).unwrap();
            append_file(b, &name, &data);
        }
    }
}

fn append_file(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    b.append_data(&mut h, name, data).unwrap();
}

/// Appends a regular member whose name is written as is (the tar crate refuses `..` names).
fn append_raw_name(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_gnu();
    let field = &mut h.as_gnu_mut().unwrap().name;
    field[..name.len()].copy_from_slice(name.as_bytes());
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

/// A plain tar of a folder laid out as `ROOT/…`.
fn tar_of(folder: &Path) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    append_folder(&mut b, folder, ROOT);
    b.into_inner().unwrap()
}

#[derive(Clone, Copy, Debug)]
enum Codec {
    Tar,
    Gz,
    Xz,
    Zst,
    Bz2,
}

impl Codec {
    const ALL: [Codec; 5] = [Codec::Tar, Codec::Gz, Codec::Xz, Codec::Zst, Codec::Bz2];

    fn ext(self) -> &'static str {
        match self {
            Codec::Tar => "tar",
            Codec::Gz => "tar.gz",
            Codec::Xz => "tar.xz",
            Codec::Zst => "tar.zst",
            Codec::Bz2 => "tar.bz2",
        }
    }

    fn compress(self, data: &[u8]) -> Vec<u8> {
        match self {
            Codec::Tar => data.to_vec(),
            Codec::Gz => gzip(data),
            Codec::Xz => {
                let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Codec::Zst => zstd::encode_all(data, 1).unwrap(),
            Codec::Bz2 => {
                // 100 kB blocks, so a cut leaves whole blocks before it.
                let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::new(1));
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
        }
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `copies` concatenated gzip members of 1 MiB of `byte` each: a stream of about 1 KiB per
/// MiB it inflates to, made without compressing it all.
fn gzip_bomb(byte: u8, copies: usize) -> Vec<u8> {
    let one = gzip(&vec![byte; MIB]);
    one.repeat(copies)
}

// 1. Truncated archives of every compression.

#[test]
fn truncated_archives_are_read_up_to_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    // The sample with a 1 MiB rotated log, so that a cut in the middle falls inside a member
    // and the block compressors (bzip2, zstd) have whole blocks before it.
    let folder = sample_folder(dir.path(), "bundle");
    // Varied lines, so the log compresses about as well as the rest of the bundle.
    let rotated: String = (0..12_000u32)
        .map(|i| {
            let noise = i.wrapping_mul(2_654_435_761) ^ 0x5bd1_e995;
            format!(
                "Nov  8 {:02}:{:02}:{:02} db01 systemd[1]: Started Session {i} of user u{noise:08x}.\n",
                i / 1000 % 24,
                i / 60 % 60,
                i % 60
            )
        })
        .collect();
    std::fs::write(folder.join("var/log/messages-20261108"), &rotated).unwrap();
    let tar = tar_of(&folder);
    for codec in Codec::ALL {
        let whole = codec.compress(&tar);
        let full = dir.path().join(format!("whole.{}", codec.ext()));
        std::fs::write(&full, &whole).unwrap();
        let baseline = inventory(&full).json();
        assert_eq!(baseline["problems"], Value::Array(vec![]), "{codec:?}: {baseline}");
        let all_parsed = count_status(&baseline, "parsed");

        // Inside the compression header (or the first tar header): nothing can be read.
        let head = if matches!(codec, Codec::Tar) { 100 } else { 8 };
        let path = dir.path().join(format!("head.{}", codec.ext()));
        std::fs::write(&path, &whole[..head]).unwrap();
        let err = inventory(&path).one_line_error(&path);
        let says = if matches!(codec, Codec::Tar) { "binary data" } else { "truncated or corrupt" };
        assert!(err.contains("not a support bundle") && err.contains(says), "{codec:?}: {err}");
        analyze(&path).one_line_error(&path);

        let mid = whole.len() / 2;
        // Just before the end: inside the last member for a plain tar (before the two zero
        // blocks), inside the compressed trailer otherwise.
        let end =
            if matches!(codec, Codec::Tar) { whole.len() - 1024 - 100 } else { whole.len() - 20 };
        for (what, at) in [("mid", mid), ("end", end)] {
            let path = dir.path().join(format!("{what}.{}", codec.ext()));
            std::fs::write(&path, &whole[..at]).unwrap();
            let label = path.display().to_string();
            for report in [inventory(&path).json(), analyze(&path).json()] {
                let parsed = count_status(&report, "parsed");
                assert!(parsed > 0 && parsed <= all_parsed, "{codec:?} {what}: {report}");
                let stop = problems(&report).into_iter().find(|p| {
                    p.starts_with(&label)
                        && (p.contains("reading stopped after member")
                            || p.contains("reading stopped before")
                            || p.contains("cut short"))
                });
                assert!(stop.is_some(), "{codec:?} {what}: {:?}", problems(&report));
                if what == "mid" {
                    // Everything before the big log was read; the log itself only in part.
                    assert_eq!(status(&report, "var/log/messages"), "parsed", "{codec:?}");
                    assert_eq!(status(&report, "var/log/messages-20261108"), "truncated");
                    assert!(
                        problems(&report).iter().any(|p| p.contains("var/log/messages-20261108")),
                        "{codec:?}: {:?}",
                        problems(&report)
                    );
                }
            }
        }
    }
}

// 2. Decompression bombs.

#[test]
fn a_gz_log_bomb_is_streamed() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = tar::Builder::new(Vec::new());
    append_folder(&mut b, &sample("sos4-rhel8"), ROOT);
    // 96 KiB inflating to 96 MiB of one line with no newline.
    let bomb = gzip_bomb(b'A', 96);
    append_file(&mut b, &format!("{ROOT}/var/log/messages-20261101.gz"), &bomb);
    let path = dir.path().join("gzbomb.tar");
    std::fs::write(&path, b.into_inner().unwrap()).unwrap();
    let inv = inventory(&path).json();
    let member = source(&inv, "var/log/messages-20261101.gz").unwrap();
    assert_eq!(member["size"], (96 * MIB) as u64, "{member}");
    assert_eq!(member["lines"], 1, "{member}");
    let report = analyze(&path).json();
    assert!(
        has_problem(&report, "var/log/messages-20261101.gz", "line longer than 64 KiB skipped"),
        "{:?}",
        problems(&report)
    );
    assert!(!report["events"].as_array().unwrap().is_empty());
}

#[test]
fn an_archive_stream_bomb_hits_the_non_log_cap() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "bundle");
    std::fs::remove_file(folder.join("sos_reports/manifest.json")).unwrap();
    let mut b = tar::Builder::new(Vec::new());
    append_folder(&mut b, &folder, ROOT);
    let mut head = b.into_inner().unwrap();
    head.truncate(head.len() - 1024); // the end-of-archive blocks come after the bomb
    // The whole stream is gzip: the sample, then a 72 MiB manifest of 0xFF bytes made of
    // concatenated members, then its padding (none: whole MiBs) and the end blocks.
    let size = 72 * MIB;
    let mut h = tar::Header::new_gnu();
    h.set_path(format!("{ROOT}/sos_reports/manifest.json")).unwrap();
    h.set_size(size as u64);
    h.set_mode(0o644);
    h.set_cksum();
    let mut stream = gzip(&head);
    stream.extend(gzip(h.as_bytes()));
    stream.extend(gzip_bomb(0xFF, 72));
    stream.extend(gzip(&[0u8; 1024]));
    let path = dir.path().join("bomb.tar.gz");
    std::fs::write(&path, &stream).unwrap();
    assert!(stream.len() < 2 * MIB);
    for report in [inventory(&path).json(), analyze(&path).json()] {
        let manifest = source(&report, "sos_reports/manifest.json").unwrap();
        assert_eq!(
            (&manifest["status"], &manifest["size"]),
            (&Value::from("truncated"), &Value::from(size))
        );
        assert!(
            has_problem(
                &report,
                "sos_reports/manifest.json",
                &format!("only the first 64 MiB of {size} bytes were read")
            ),
            "{:?}",
            problems(&report)
        );
        assert_eq!(report["host"]["hostname"], "db01");
    }
}

// 3. A 200 MiB line with no newline.

/// Inserts `extra` before line `line` (1-based) of `path`.
fn insert_before_line(path: &Path, line: usize, extra: &mut dyn FnMut(&mut std::fs::File)) {
    let text = std::fs::read(path).unwrap();
    let mut at = 0;
    for _ in 1..line {
        at += text[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
    }
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(&text[..at]).unwrap();
    extra(&mut f);
    f.write_all(&text[at..]).unwrap();
}

/// The line of the middle event seen in `path`.
fn middle_event_line(report: &Value, path: &str) -> usize {
    let mut lines: Vec<u64> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["sources"].as_array().unwrap().iter())
        .filter(|s| s["path"] == path)
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    lines.sort_unstable();
    assert!(lines.len() >= 2, "{path}: {lines:?}");
    lines[lines.len() / 2] as usize
}

#[test]
fn a_200_mib_line_is_skipped_and_the_events_around_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "bundle");
    let baseline = analyze(&folder).json();
    let chunk = vec![b'x'; MIB];
    let logs = ["var/log/messages", "sos_commands/kernel/dmesg"];
    let mut at = Vec::new();
    for log in logs {
        let line = middle_event_line(&baseline, log);
        at.push(line);
        insert_before_line(&folder.join(log), line, &mut |f| {
            for _ in 0..200 {
                f.write_all(&chunk).unwrap();
            }
            f.write_all(b"\n").unwrap();
        });
    }
    let report = analyze(&folder).json();
    assert_eq!(event_keys(&report), event_keys(&baseline));
    for (log, line) in logs.iter().zip(at) {
        let skipped = report["problems"].as_array().unwrap().iter().find(|p| {
            p["path"] == *log && p["message"].as_str().unwrap().contains("longer than 64 KiB")
        });
        assert_eq!(skipped.unwrap()["line"], line, "{:?}", problems(&report));
    }
    let inv = inventory(&folder).json();
    let dmesg = source(&inv, "sos_commands/kernel/dmesg").unwrap();
    assert_eq!(dmesg["lines"], 46, "{dmesg}");
    assert_eq!(inv["host"]["kernel"], "4.18.0-372.9.1.el8.x86_64");
}

// 4. Binary garbage and invalid UTF-8.

/// Bytes no parser expects: NULs, control bytes, invalid UTF-8, a lone CR.
fn garbage(seed: u32) -> Vec<u8> {
    let mut v: Vec<u8> = (0..300u32)
        .map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    v.retain(|&b| b != b'\n');
    v.extend_from_slice(b"\xff\xfe\xc3\x28 \xe2\x82 \xf0\x9f\x92 MemTotal: \xff kB\r");
    v.push(b'\n');
    v
}

/// Writes a garbage line after every `every` lines of `path`.
fn salt(path: &Path, every: usize) {
    let text = std::fs::read(path).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.split_inclusive(|&b| b == b'\n').enumerate() {
        if i % every == 0 {
            out.extend(garbage(i as u32));
        }
        out.extend_from_slice(line);
    }
    out.extend(garbage(7));
    std::fs::write(path, out).unwrap();
}

#[test]
fn garbage_lines_leave_the_valid_ones_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "bundle");
    let baseline = analyze(&folder).json();
    for file in [
        "var/log/messages",
        "sos_commands/kernel/dmesg",
        "proc/meminfo",
        "proc/zoneinfo",
        "proc/buddyinfo",
        "proc/slabinfo",
        "proc/vmstat",
        "sos_commands/memory/free",
    ] {
        salt(&folder.join(file), 7);
    }
    let report = analyze(&folder).json();
    assert_eq!(event_keys(&report), event_keys(&baseline));
    for part in ["meminfo", "free", "zoneinfo", "buddyinfo"] {
        assert_eq!(
            without_lines(&report["memory"][part]),
            without_lines(&baseline["memory"][part]),
            "{part}"
        );
    }
    assert_eq!(
        without_lines(&report["memory"]["slab_top"]),
        without_lines(&baseline["memory"]["slab_top"])
    );
    assert!(
        report["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["path"] == "var/log/messages" && s["unparsed_lines"].as_u64() > Some(0)),
        "{report}"
    );
    // The same through an archive, and a garbage member in it.
    let mut b = tar::Builder::new(Vec::new());
    append_folder(&mut b, &folder, ROOT);
    append_file(&mut b, &format!("{ROOT}/proc/stat"), &garbage(3).repeat(100));
    let path = dir.path().join("garbage.tar.zst");
    std::fs::write(&path, Codec::Zst.compress(&b.into_inner().unwrap())).unwrap();
    let from_tar = analyze(&path).json();
    assert_eq!(event_keys(&from_tar), event_keys(&baseline));
    assert_eq!(from_tar["memory"]["meminfo"], baseline["memory"]["meminfo"]);
}

/// `value` without its `line` fields (garbage lines shift them).
fn without_lines(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != "line")
                .map(|(k, v)| (k.clone(), without_lines(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_lines).collect()),
        other => other.clone(),
    }
}

#[test]
fn millions_of_garbage_lines_in_a_proc_file_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "bundle");
    // 16 Mi unparsable lines in 32 MiB: kept one by one they would take gigabytes.
    std::fs::write(folder.join("proc/slabinfo"), b"x\n".repeat(16 << 20)).unwrap();
    let report = analyze(&folder).json();
    assert!(
        has_problem(&report, "proc/slabinfo", "only the first 500000 lines were parsed"),
        "{:?}",
        problems(&report)
    );
    assert!(has_problem(&report, "proc/slabinfo", "500000 lines of proc/slabinfo did not parse"));
    assert_eq!(report["memory"]["meminfo"]["MemTotal"], 16_116_516);
}

// 5. Member names that climb out or are absolute.

/// Every path under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    walk_tree(dir, dir)
}

fn walk_tree(root: &Path, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        out.push(entry.path().strip_prefix(root).unwrap().display().to_string());
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk_tree(root, &entry.path()));
        }
    }
    out.sort();
    out
}

#[test]
fn escaping_member_names_are_never_written_and_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path().join("cwd/a/b");
    std::fs::create_dir_all(&cwd).unwrap();
    let absolute = dir.path().join("absolute-escape");
    let mut b = tar::Builder::new(Vec::new());
    // A climbing name first: it must not be taken for the bundle's top folder.
    append_raw_name(&mut b, "../../escape-first", b"MemTotal: 1 kB\n");
    // Nor an absolute one; absolute names outside the top folder are no part of the bundle.
    append_raw_name(&mut b, "/etc/hostname", b"evil\n");
    append_folder(&mut b, &sample("sos4-rhel8"), ROOT);
    append_raw_name(&mut b, &format!("{ROOT}/../../../escape/proc/meminfo"), b"MemTotal: 1 kB\n");
    append_raw_name(&mut b, &format!("{ROOT}/var/log/../../../hostname"), b"evil\n");
    append_raw_name(&mut b, &absolute.display().to_string(), b"evil\n");
    let path = dir.path().join("escape.tar.gz");
    std::fs::write(&path, gzip(&b.into_inner().unwrap())).unwrap();
    let before = tree(dir.path());
    let args: [&OsStr; 4] = ["analyze".as_ref(), "-f".as_ref(), "json".as_ref(), path.as_os_str()];
    let report = run_in(&cwd, &args).json();
    let inv =
        run_in(&cwd, &["inventory".as_ref(), "-f".as_ref(), "json".as_ref(), path.as_os_str()])
            .json();
    assert_eq!(tree(dir.path()), before, "nothing was written");
    assert!(!absolute.exists());
    for r in [&report, &inv] {
        assert_eq!(r["host"]["hostname"], "db01");
        assert_eq!(source(r, "proc/meminfo").unwrap()["status"], "parsed");
        for name in [
            "../../escape-first".to_string(),
            format!("{ROOT}/../../../escape/proc/meminfo"),
            format!("{ROOT}/var/log/../../../hostname"),
        ] {
            assert!(has_problem(r, &name, "climbs out of the bundle"), "{name}: {:?}", problems(r));
        }
        for name in ["/etc/hostname".to_string(), absolute.display().to_string()] {
            assert!(has_problem(r, &name, "outside the bundle's top folder"), "{name}: {r}");
        }
    }
    assert_eq!(report["memory"]["meminfo"]["MemTotal"], 16_116_516);
}

// 6. Links that loop or leave the bundle.

fn link(target: &str, at: &Path) {
    let _ = std::fs::remove_file(at);
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[test]
fn links_out_of_the_bundle_and_loops_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "bundle");
    link("/etc/passwd", &folder.join("sos_commands/host/hostname"));
    link("../../../../../../../etc/passwd", &folder.join("sos_commands/kernel/uname_-a"));
    link("zoneinfo.loop", &folder.join("proc/zoneinfo"));
    link("zoneinfo", &folder.join("proc/zoneinfo.loop"));
    link(".", &folder.join("sos_commands/loop"));
    link("../..", &folder.join("var/log/up"));
    let mut b = tar::Builder::new(Vec::new());
    append_folder(&mut b, &folder, ROOT);
    let archive = dir.path().join("links.tar");
    std::fs::write(&archive, b.into_inner().unwrap()).unwrap();
    for input in [&folder, &archive] {
        for r in [inventory(input).json(), analyze(input).json()] {
            let host = r["host"].to_string();
            assert!(!host.contains("root:") && !host.contains("/bin/"), "{host}");
            assert_eq!(status(&r, "sos_commands/host/hostname"), "missing");
            assert!(
                has_problem(&r, "sos_commands/host/hostname", "points outside the bundle"),
                "{input:?}: {:?}",
                problems(&r)
            );
            assert!(
                has_problem(&r, "sos_commands/kernel/uname_-a", "points outside the bundle"),
                "{:?}",
                problems(&r)
            );
            assert!(
                has_problem(&r, "proc/zoneinfo", "not a file in the bundle"),
                "{:?}",
                problems(&r)
            );
            assert_eq!(status(&r, "proc/zoneinfo"), "missing");
            assert_eq!(source(&r, "proc/meminfo").unwrap()["status"], "parsed");
        }
    }
}

// 7. Many tiny members.

#[test]
fn a_hundred_thousand_tiny_members() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = tar::Builder::new(Vec::new());
    append_folder(&mut b, &sample("sos4-rhel8"), ROOT);
    for i in 0..99_000 {
        append_file(&mut b, &format!("{ROOT}/sos_commands/junk/f{i}"), b"");
    }
    for i in 0..1_000 {
        append_file(&mut b, &format!("{ROOT}/proc/sys/vm/knob_{i}"), b"1\n");
    }
    let path = dir.path().join("many.tar");
    std::fs::write(&path, b.into_inner().unwrap()).unwrap();
    let started = Instant::now();
    let inv = inventory(&path).json();
    let report = analyze(&path).json();
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    for r in [&inv, &report] {
        let knobs = r["sources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["path"].as_str().unwrap().starts_with("proc/sys/vm/knob_"))
            .count();
        assert_eq!(knobs, 1_000);
        assert_eq!(r["host"]["hostname"], "db01");
    }
}

// 8. Files that cannot or must not be read.

#[test]
fn special_and_unreadable_files_are_skipped_with_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "bundle");
    let fifo = folder.join("var/log/messages");
    std::fs::remove_file(&fifo).unwrap();
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::fs::remove_file(folder.join("proc/meminfo")).unwrap();
    std::fs::create_dir(folder.join("proc/meminfo")).unwrap();
    std::fs::write(folder.join("proc/meminfo/MemTotal"), "MemTotal: 1 kB\n").unwrap();
    let locked = folder.join("proc/zoneinfo");
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    // Root (as in CI) reads it anyway; the permission case only holds for other users.
    let privileged = std::fs::read(&locked).is_ok();
    for r in [inventory(&folder).json(), analyze(&folder).json()] {
        assert!(
            has_problem(&r, "var/log/messages", "a FIFO, socket or device, not a regular file"),
            "{:?}",
            problems(&r)
        );
        assert_eq!(status(&r, "var/log/messages"), "unreadable");
        assert!(
            has_problem(&r, "proc/meminfo", "a directory, not a regular file"),
            "{:?}",
            problems(&r)
        );
        assert_eq!(status(&r, "proc/meminfo"), "unreadable");
        if !privileged {
            assert!(has_problem(&r, "proc/zoneinfo", "cannot read"), "{:?}", problems(&r));
            assert_eq!(status(&r, "proc/zoneinfo"), "unreadable");
        }
        assert_eq!(r["host"]["hostname"], "db01");
    }
}

#[test]
fn a_fifo_given_as_the_input_or_as_an_inner_archive_is_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("sosreport-db01.tar.xz");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let err = inventory(&fifo).one_line_error(&fifo);
    assert!(err.contains("not a regular file or folder"), "{err}");
    analyze(&fifo).one_line_error(&fifo);
    // An extracted `sos collect` folder whose one archive is a FIFO.
    let label = fifo.display().to_string();
    let r = inventory(dir.path()).json();
    assert!(has_problem(&r, &label, "not a regular file"), "{r}");
}

// 9. Self links.

#[test]
fn a_bundle_path_linking_to_itself_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("self");
    link("self", &path);
    let err = inventory(&path).one_line_error(&path);
    assert!(err.contains("symbolic links"), "{err}");
    analyze(&path).one_line_error(&path);
    let folder = sample_folder(dir.path(), "bundle");
    link("meminfo", &folder.join("proc/meminfo"));
    link("self", &folder.join("sos_commands/self"));
    for r in [inventory(&folder).json(), analyze(&folder).json()] {
        assert!(has_problem(&r, "proc/meminfo", "not a file in the bundle"), "{:?}", problems(&r));
        assert_eq!(status(&r, "proc/meminfo"), "missing");
    }
}

// 10. A sosreport of empty files.

fn empty_files(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            empty_files(&entry.path());
        } else if kind.is_file() {
            std::fs::write(entry.path(), b"").unwrap();
        }
    }
}

#[test]
fn empty_sources_are_said_to_be_empty() {
    let dir = tempfile::tempdir().unwrap();
    let folder = sample_folder(dir.path(), "bundle");
    empty_files(&folder);
    let report = analyze(&folder).json();
    let sources = report["sources"].as_array().unwrap();
    let read: Vec<&Value> = sources.iter().filter(|s| s["status"] != "missing").collect();
    assert!(read.len() > 20, "{report}");
    for s in read {
        let path = s["path"].as_str().unwrap();
        // A sos `.tailed` copy stays truncated; everything else was read completely, and is
        // empty.
        let tailed = path.ends_with(".tailed");
        let expected = if tailed { "truncated" } else { "parsed" };
        assert_eq!((&s["status"], &s["size"]), (&Value::from(expected), &Value::from(0)), "{s}");
        assert!(has_problem(&report, path, "empty"), "{path}: {:?}", problems(&report));
    }
    assert_eq!(report["events"], Value::Array(vec![]));
    assert_eq!(report["host"]["hostname"], Value::Null);
    let text = run(&["analyze".as_ref(), folder.as_os_str()]);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert!(String::from_utf8_lossy(&text.stdout).contains("empty"));
}
