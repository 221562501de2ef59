//! Reader tests on archives built here and on the generated samples (`samples/`).

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use super::*;
use crate::report::SourceStatus;

/// Records everything the reader hands over.
#[derive(Default)]
struct Record {
    begun: Vec<BundleInfo>,
    /// (path, kind, truncated, text read)
    sources: Vec<(String, SourceKind, bool, String)>,
    summaries: Vec<BundleSummary>,
    /// Read only this many bytes of each source (the reader drains the rest).
    read_at_most: Option<u64>,
}

impl BundleVisitor for Record {
    fn begin_bundle(&mut self, info: &BundleInfo) {
        self.begun.push(info.clone());
    }

    fn source(&mut self, member: &Member<'_>, data: &mut dyn BufRead) -> std::io::Result<()> {
        let mut text = String::new();
        data.take(self.read_at_most.unwrap_or(u64::MAX)).read_to_string(&mut text)?;
        self.sources.push((member.path.to_string(), member.kind, member.truncated, text));
        Ok(())
    }

    fn end_bundle(&mut self, summary: BundleSummary) {
        self.summaries.push(summary);
    }
}

impl Record {
    fn text(&self, path: &str) -> Option<&str> {
        self.sources.iter().find(|s| s.0 == path).map(|s| s.3.as_str())
    }

    fn entry(&self, path: &str) -> Option<&SourceEntry> {
        self.summaries.iter().flat_map(|s| &s.sources).find(|s| s.path == path)
    }
}

fn read(path: &Path) -> Record {
    let mut record = Record::default();
    open(path).unwrap().read(&mut record).unwrap();
    record
}

const DMESG: &str = "[    0.000000] Linux version 4.18.0-372.9.1.el8.x86_64\n[ 1040000.000000] INFO: task kworker/u16:3:28751 blocked for more than 120 seconds.\n";
const MESSAGES: &str = "Nov 23 06:15:01 db01 kernel: XFS (sdb1): metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x5f00080 len 8 error 61\n";

/// A small sos 4.x tar: a root link, a `.tailed` journal with its link, a `.gz` rotation.
fn small_sos_tar() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let root = "sosreport-db01-2026-11-23-abcdefg";
    let mut dir = tar::Header::new_gnu();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_size(0);
    dir.set_mode(0o755);
    b.append_data(&mut dir, format!("{root}/"), std::io::empty()).unwrap();
    let file = |b: &mut tar::Builder<Vec<u8>>, path: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, format!("{root}/{path}"), data).unwrap();
    };
    let link = |b: &mut tar::Builder<Vec<u8>>, path: &str, target: &str| {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        b.append_link(&mut h, format!("{root}/{path}"), target).unwrap();
    };
    file(&mut b, "version.txt", b"sosreport: 4.7.0\n");
    link(&mut b, "uname", "sos_commands/kernel/uname_-a");
    link(
        &mut b,
        "sos_commands/logs/journalctl_--no-pager",
        "../../sos_strings/logs/journalctl_--no-pager.tailed",
    );
    file(&mut b, "sos_commands/kernel/dmesg", DMESG.as_bytes());
    file(
        &mut b,
        "sos_commands/kernel/uname_-a",
        b"Linux db01 4.18.0-372.9.1.el8.x86_64 #1 SMP x86_64 GNU/Linux\n",
    );
    file(
        &mut b,
        "sos_strings/logs/journalctl_--no-pager.tailed",
        b"Nov 23 09:00:01 db01 systemd[1]: Started Session 7 of user root.\n",
    );
    file(&mut b, "proc/meminfo", b"MemTotal:       16116516 kB\nMemFree:          222744 kB\n");
    file(&mut b, "sos_logs/sos.log", b"unrelated\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(MESSAGES.as_bytes()).unwrap();
    file(&mut b, "var/log/messages-20261115.gz", &gz.finish().unwrap());
    b.into_inner().unwrap()
}

fn compress(data: &[u8], how: Compression) -> Vec<u8> {
    match how {
        Compression::None => data.to_vec(),
        Compression::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Compression::Xz => {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Compression::Bzip2 => {
            let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        }
        Compression::Zstd => zstd::encode_all(data, 1).unwrap(),
    }
}

fn write_temp(dir: &tempfile::TempDir, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, data).unwrap();
    path
}

#[test]
fn every_compression_is_chosen_by_magic_not_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let tar = small_sos_tar();
    for (how, format) in [
        (Compression::None, InputFormat::Tar),
        (Compression::Gzip, InputFormat::TarGz),
        (Compression::Xz, InputFormat::TarXz),
        (Compression::Bzip2, InputFormat::TarBz2),
        (Compression::Zstd, InputFormat::TarZst),
    ] {
        // A misleading name: the magic bytes decide.
        let path = write_temp(&dir, &format!("bundle-{format:?}.zip"), &compress(&tar, how));
        let input = open(&path).unwrap();
        assert_eq!((input.kind(), input.format()), (InputKind::Sosreport, format));
        let record = read(&path);
        assert_eq!(record.text("sos_commands/kernel/dmesg"), Some(DMESG), "{format:?}");
        assert_eq!(record.summaries.len(), 1);
        assert!(record.summaries[0].problems.is_empty(), "{:?}", record.summaries[0].problems);
    }
}

#[test]
fn links_tailed_files_and_gz_rotations() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "s.tar", &small_sos_tar());
    let record = read(&path);
    let journal = record
        .sources
        .iter()
        .find(|s| s.0 == "sos_strings/logs/journalctl_--no-pager.tailed")
        .unwrap();
    assert_eq!((journal.1, journal.2), (SourceKind::Journal, true));
    assert_eq!(
        record.entry("sos_strings/logs/journalctl_--no-pager.tailed").unwrap().status,
        SourceStatus::Truncated
    );
    assert_eq!(record.text("var/log/messages-20261115.gz"), Some(MESSAGES));
    let gz = record.entry("var/log/messages-20261115.gz").unwrap();
    assert_eq!((gz.kind, gz.size, gz.lines), (SourceKind::Syslog, Some(MESSAGES.len() as u64), 1));
    // The root `uname` link is not a second source; unrelated files are not sources at all.
    assert!(record.text("uname").is_none());
    assert!(record.text("sos_logs/sos.log").is_none());
    let missing: Vec<&str> = record.summaries[0]
        .sources
        .iter()
        .filter(|s| s.status == SourceStatus::Missing)
        .map(|s| s.path.as_str())
        .collect();
    assert!(missing.contains(&"proc/zoneinfo"));
    assert!(!missing.contains(&"var/log/messages"), "the syslog rotation satisfies it");
}

#[test]
fn a_link_makes_its_target_readable_under_the_link_kind() {
    // 4.2+: root `date` → sos_commands/systemd/timedatectl; a made-up target shows the alias.
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::Symlink);
    h.set_size(0);
    b.append_link(&mut h, "sosreport-x/free", "sos_commands/memory/free_-h_custom").unwrap();
    let data = b"              total        used\nMem:        4026036      963044\n";
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    b.append_data(&mut h, "sosreport-x/sos_commands/memory/free_-h_custom", &data[..]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "x.tar", &b.into_inner().unwrap());
    let record = read(&path);
    assert_eq!(record.sources.len(), 1);
    assert_eq!(record.sources[0].0, "sos_commands/memory/free_-h_custom");
    assert_eq!(record.sources[0].1, SourceKind::Free);
}

#[test]
fn a_visitor_may_read_nothing_and_counts_still_cover_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "s.tar.xz", &compress(&small_sos_tar(), Compression::Xz));
    let mut record = Record { read_at_most: Some(0), ..Record::default() };
    open(&path).unwrap().read(&mut record).unwrap();
    let dmesg = record.entry("sos_commands/kernel/dmesg").unwrap();
    assert_eq!((dmesg.size, dmesg.lines), (Some(DMESG.len() as u64), 2));
}

#[test]
fn a_truncated_archive_keeps_what_came_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let whole = compress(&small_sos_tar(), Compression::Gzip);
    let path = write_temp(&dir, "cut.tar.gz", &whole[..whole.len() * 3 / 4]);
    let record = read(&path);
    assert_eq!(record.text("sos_commands/kernel/dmesg"), Some(DMESG));
    let problems = &record.summaries[0].problems;
    assert!(
        problems
            .iter()
            .any(|p| p.path.ends_with("cut.tar.gz") && p.message.contains("reading stopped")),
        "{problems:?}"
    );
}

#[test]
fn a_plain_tar_cut_between_members_is_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let tar = small_sos_tar();
    let path = write_temp(&dir, "cut.tar", &tar[..512 * 4]);
    let record = read(&path);
    let problems = &record.summaries[0].problems;
    assert!(problems.iter().any(|p| p.message.contains("cut short")), "{problems:?}");
}

#[test]
fn a_corrupt_gz_member_is_a_problem_of_that_member_only() {
    let mut b = tar::Builder::new(Vec::new());
    let mut add = |path: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        b.append_data(&mut h, path, data).unwrap();
    };
    add("sosreport-x/version.txt", b"sosreport: 4.7.0\n");
    add(
        "sosreport-x/var/log/messages-20261101.gz",
        &[0x1F, 0x8B, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3],
    );
    add("sosreport-x/var/log/messages", MESSAGES.as_bytes());
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "x.tar", &b.into_inner().unwrap());
    let record = read(&path);
    assert_eq!(record.text("var/log/messages"), Some(MESSAGES));
    assert_eq!(
        record.entry("var/log/messages-20261101.gz").unwrap().status,
        SourceStatus::Unreadable
    );
    assert_eq!(record.summaries[0].problems.len(), 1, "{:?}", record.summaries[0].problems);
}

#[test]
fn a_large_non_log_member_is_capped_and_logs_are_not() {
    // Not the real 64 MiB: the cap logic is tested on `Counted`; here only the flags.
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "s.tar", &small_sos_tar());
    let record = read(&path);
    assert!(record.summaries[0].problems.iter().all(|p| !p.message.contains("cap")));
    assert!(!SourceKind::Meminfo.is_log() && SourceKind::Syslog.is_log());
}

#[test]
fn bad_inputs_are_errors_that_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write_temp(&dir, "empty", b"");
    assert!(matches!(open(&empty), Err(Error::Empty { .. })));
    let jpeg = write_temp(
        &dir,
        "photo.jpg",
        &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0],
    );
    assert!(matches!(open(&jpeg), Err(Error::NotABundle { .. })));
    let random: Vec<u8> =
        (0u32..4096).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let random = write_temp(&dir, "random.bin", &random);
    assert!(matches!(open(&random), Err(Error::NotABundle { .. })));
    let gpg =
        write_temp(&dir, "secured-sosreport-db01.tar.xz.gpg", &[0x85, 0x01, 0x0C, 0x03, 0, 0]);
    match open(&gpg) {
        Err(e @ Error::Encrypted { .. }) => {
            assert!(e.to_string().contains("gpg --output"), "{e}");
            assert!(e.to_string().contains("sosreport-db01.tar.xz "), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let missing = dir.path().join("nope.tar.xz");
    assert!(matches!(open(&missing), Err(Error::Io { .. })));
    let not_bundle = dir.path().join("folder");
    std::fs::create_dir(&not_bundle).unwrap();
    assert!(matches!(open(&not_bundle), Err(Error::NotABundle { .. })));
    let prose = write_temp(&dir, "letter.txt", b"Dear customer,\nplease find attached\n");
    assert!(matches!(open(&prose), Err(Error::NotABundle { .. })));
}

#[test]
fn a_compressed_loose_log_is_read_as_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_temp(&dir, "messages.gz", &compress(MESSAGES.as_bytes(), Compression::Gzip));
    let input = open(&path).unwrap();
    assert_eq!((input.kind(), input.format()), (InputKind::LogFile, InputFormat::Text));
    let record = read(&path);
    assert_eq!(
        record.sources,
        vec![("messages.gz".to_string(), SourceKind::Syslog, false, MESSAGES.to_string())]
    );
}

// --- The generated samples ------------------------------------------------------------------

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples").join(name)
}

fn found(record: &Record) -> Vec<(String, SourceKind, SourceStatus, Option<u64>, u64)> {
    record.summaries[0]
        .sources
        .iter()
        .map(|s| (s.path.clone(), s.kind, s.status, s.size, s.lines))
        .collect()
}

#[test]
fn the_sos4_sample_folder_and_archive_give_the_same_sources() {
    let folder = read(&sample("sos4-rhel8"));
    let archive = read(&sample("sos4-rhel8.tar.xz"));
    assert_eq!(found(&folder), found(&archive));
    assert_eq!(folder.begun[0].format, InputFormat::Directory);
    assert_eq!(archive.begun[0].format, InputFormat::TarXz);
    let f = found(&archive);
    assert!(f.iter().all(|s| s.2 != SourceStatus::Missing), "{f:?}");
    assert!(f.contains(&(
        "sos_strings/logs/journalctl_--no-pager.tailed".into(),
        SourceKind::Journal,
        SourceStatus::Truncated,
        Some(8289),
        122
    )));
    assert!(f.contains(&(
        "var/log/messages-20261115.gz".into(),
        SourceKind::Syslog,
        SourceStatus::Parsed,
        Some(66351),
        800
    )));
    let dmesg = archive.text("sos_commands/kernel/dmesg").unwrap();
    assert!(dmesg.contains("INFO: task kworker/u16:3:28751 blocked for more than 120 seconds."));
    assert!(dmesg.contains("XFS (sdb1): metadata I/O error"));
}

#[test]
fn the_sos3_sample_uses_the_general_plugin_paths() {
    let record = read(&sample("sos3-rhel7.tar.gz"));
    let f = found(&record);
    for (path, kind) in [
        ("sos_commands/general/hostname", SourceKind::Hostname),
        ("sos_commands/general/date", SourceKind::Date),
        ("sos_commands/general/uptime", SourceKind::Uptime),
        ("sos_commands/process/ps_auxwww", SourceKind::Ps),
    ] {
        assert!(f.iter().any(|s| s.0 == path && s.1 == kind), "{path}");
    }
    // sos 3.5 had no manifest and this host no sysctl link: nothing else is missing.
    assert!(f.iter().all(|s| s.2 != SourceStatus::Missing), "{f:?}");
}

#[test]
fn the_supportconfig_sample_becomes_virtual_sources() {
    let record = read(&sample("scc_sles15_261101_1200.txz"));
    assert_eq!(record.begun[0].kind, InputKind::Supportconfig);
    assert!(
        record
            .text("memory.txt#/proc/meminfo")
            .unwrap()
            .starts_with("MemTotal:       16116516 kB\n")
    );
    assert!(
        record.text("boot.txt#/usr/bin/dmesg -T").unwrap().contains("INFO: task java:4711 blocked")
    );
    let messages = record.entry("messages.txt#/var/log/messages").unwrap();
    assert_eq!((messages.kind, messages.status), (SourceKind::Syslog, SourceStatus::Truncated));
    let missing: Vec<_> =
        found(&record).into_iter().filter(|s| s.2 == SourceStatus::Missing).collect();
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn the_loose_dmesg_sample() {
    let input = open(&sample("dmesg-hung-task.txt")).unwrap();
    assert_eq!(input.kind(), InputKind::LogFile);
    let record = read(&sample("dmesg-hung-task.txt"));
    assert_eq!(
        found(&record),
        vec![(
            "dmesg-hung-task.txt".into(),
            SourceKind::Dmesg,
            SourceStatus::Parsed,
            Some(3127),
            45
        )]
    );
}

#[test]
fn the_collect_sample_is_one_bundle_per_inner_report() {
    let path = sample("sos-collector-2026-11-23-kqzvb.tar");
    assert_eq!(open(&path).unwrap().kind(), InputKind::SosCollect);
    let record = read(&path);
    let labels: Vec<&str> =
        record.begun.iter().map(|b| b.label.rsplit('!').next().unwrap_or("")).collect();
    assert_eq!(
        labels,
        ["sosreport-node1-2026-11-23-hjklmnb.tar.xz", "sosreport-node2-2026-11-23-zxcvbnm.tar.xz"]
    );
    assert!(
        record
            .begun
            .iter()
            .all(|b| b.kind == InputKind::Sosreport && b.format == InputFormat::TarXz)
    );
    assert_eq!(record.summaries.len(), 2);
    for summary in &record.summaries {
        assert!(summary.problems.is_empty(), "{:?}", summary.problems);
        assert!(summary.sources.iter().any(|s| s.kind == SourceKind::Dmesg && s.lines == 45));
    }
}

// --- No panic on damaged input ---------------------------------------------------------------

#[test]
fn damaged_archives_never_panic() {
    let compressed = std::fs::read(sample("sos4-rhel8.tar.xz")).unwrap();
    let mut tar = Vec::new();
    liblzma::read::XzDecoder::new(&compressed[..]).read_to_end(&mut tar).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..60 {
        let mut bytes = tar.clone();
        for _ in 0..(1 + round % 8) {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] = next() as u8;
        }
        if round % 3 == 0 {
            bytes.truncate((next() % bytes.len() as u64) as usize + 1);
        }
        let path = write_temp(&dir, "damaged.tar", &bytes);
        if let Ok(input) = open(&path) {
            let mut record = Record::default();
            input.read(&mut record).unwrap();
            assert!(!record.summaries.is_empty());
        }
    }
}

proptest::proptest! {
    #[test]
    fn text_sniffing_never_panics(text in "\\PC{0,400}") {
        let _ = detect_text_kind(&text);
        let _ = crate::parse::uname::parse(&text);
        let _ = crate::parse::uptime::parse(&text);
        let _ = crate::parse::date::parse(&text);
        let _ = crate::parse::date::parse_timedatectl(&text);
        let _ = crate::parse::procstat::parse(&text);
        let _ = crate::parse::version::parse(&text);
        let _ = crate::parse::manifest::parse(&text);
    }

    #[test]
    fn date_like_lines_never_panic(day in 0u32..40, h in 0u32..30, m in 0u32..70, year in 0u32..100_000, zone in "[A-Z+\\-0-9:]{1,7}") {
        let _ = crate::parse::date::parse(&format!("Mon Nov {day} {h}:{m}:59 {zone} {year}"));
        let _ = crate::parse::uptime::parse(&format!(" {h}:{m}:00 up {year} days, {h}:{m},  1 user"));
    }
}

#[test]
fn an_xz_compressed_collect_archive_of_sos_4_9_and_older() {
    let tar = std::fs::read(sample("sos-collector-2026-11-23-kqzvb.tar")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path =
        write_temp(&dir, "sos-collector-2026-11-23-kqzvb.tar.xz", &compress(&tar, Compression::Xz));
    let input = open(&path).unwrap();
    assert_eq!((input.kind(), input.format()), (InputKind::SosCollect, InputFormat::TarXz));
    let record = read(&path);
    assert_eq!(record.summaries.len(), 2);
    assert!(record.summaries.iter().all(|s| s.problems.is_empty()));
    assert_eq!(record.text("sos_commands/host/hostname"), Some("node1\n"));
}
