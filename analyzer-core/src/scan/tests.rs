use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use super::testutil::{self, write, write_sos_tar_gz};
use super::*;
use crate::bundle::{InputFormat, InputKind};
use crate::model::Severity;

/// A fleet folder: five bundles, one encrypted, one corrupt, and the junk that lies beside
/// bundles in real upload folders.
fn fleet(root: &Path) {
    write_sos_tar_gz(&root.join("dc1/sosreport-web1-2024-03-05-abcdefg.tar.gz"), "sosreport-web1");
    write_sos_tar_gz(&root.join("dc1/sosreport-web2-2024-03-05-hijklmn.tar.gz"), "sosreport-web2");
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
    xz.write_all(&testutil::sos_tar("sosreport-db1")).unwrap();
    write(&root.join("dc2/sosreport-db1-2024-03-05-opqrstu.tar.xz"), &xz.finish().unwrap());
    // Extracted sosreport; the archive-looking file inside must not be found on its own.
    write(&root.join("dc2/sosreport-db2/version.txt"), b"sosreport: 3.9\n");
    write(&root.join("dc2/sosreport-db2/sos_commands/kernel/dmesg"), b"[    0.000000] Linux\n");
    write_sos_tar_gz(&root.join("dc2/sosreport-db2/var/tmp/inner.tar.gz"), "inner");
    write(&root.join("suse/scc_sles1_240305_1000/basic-environment.txt"), b"#==[ System ]==#\n");
    // Encrypted (gpg -e: old-format PKESK packet, version 3) and a broken gzip.
    write(&root.join("secured-sosreport-x-2024.tar.xz.gpg"), &[0x85, 0x01, 0x0C, 0x03, 0x11, 0x22]);
    let mut broken = vec![0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03];
    broken.extend_from_slice(&[0xFF; 64]);
    write(&root.join("dc1/sosreport-bad-2024-03-05-zzzzzzz.tar.gz"), &broken);
    // Junk.
    write(&root.join("dc1/sosreport-web1-2024-03-05-abcdefg.tar.gz.sha256"), b"0123abcd\n");
    write(&root.join("dc1/sosreport-web1-2024-03-05-abcdefg.tar.gz.md5"), b"0123abcd\n");
    write(
        &root.join("dc1/sosreport-host0-2024-03-05-obfusca-private_map"),
        b"{\"hostname_map\":{}}",
    );
    write(&root.join("notes/messages"), b"Mar  5 10:00:01 tux kernel: Linux version 4.18.0\n");
    write(&root.join("notes/screenshot.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(&root.join("notes/empty.tar.gz"), b"");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"Mar  5 10:00:01 tux kernel: INFO: task jbd2/sda1-8:411 blocked\n").unwrap();
    write(&root.join("notes/messages-20240301.gz"), &gz.finish().unwrap());
    // version.txt alone is not a sosreport folder: it is entered, not recognised.
    write(&root.join("half/version.txt"), b"sosreport: 4.0\n");
}

fn kinds(candidates: &[Candidate]) -> Vec<(&str, CandidateKind)> {
    candidates
        .iter()
        .map(|c| {
            let kind = match &c.kind {
                CandidateKind::Unreadable(_) => CandidateKind::Unreadable(String::new()),
                other => other.clone(),
            };
            (c.rel.as_str(), kind)
        })
        .collect()
}

#[test]
fn discovers_bundles_and_ignores_junk() {
    let dir = tempfile::tempdir().unwrap();
    fleet(dir.path());
    let found = discover(dir.path()).unwrap();
    assert_eq!(
        kinds(&found),
        vec![
            (
                "dc1/sosreport-bad-2024-03-05-zzzzzzz.tar.gz",
                CandidateKind::Unreadable(String::new())
            ),
            (
                "dc1/sosreport-web1-2024-03-05-abcdefg.tar.gz",
                CandidateKind::Archive(InputFormat::TarGz)
            ),
            (
                "dc1/sosreport-web2-2024-03-05-hijklmn.tar.gz",
                CandidateKind::Archive(InputFormat::TarGz)
            ),
            (
                "dc2/sosreport-db1-2024-03-05-opqrstu.tar.xz",
                CandidateKind::Archive(InputFormat::TarXz)
            ),
            ("dc2/sosreport-db2", CandidateKind::Folder(InputKind::Sosreport)),
            ("secured-sosreport-x-2024.tar.xz.gpg", CandidateKind::Encrypted),
            ("suse/scc_sles1_240305_1000", CandidateKind::Folder(InputKind::Supportconfig)),
        ]
    );
    // The folder stamp sums its files (15 + 21 bytes, plus the inner archive).
    let db2 = found.iter().find(|c| c.rel == "dc2/sosreport-db2").unwrap();
    let inner = fs::metadata(dir.path().join("dc2/sosreport-db2/var/tmp/inner.tar.gz")).unwrap();
    assert_eq!(db2.stamp.size, 15 + 21 + inner.len());
    // The scanned folder may itself be a bundle.
    let own = discover(&dir.path().join("dc2/sosreport-db2")).unwrap();
    assert_eq!(kinds(&own), vec![("sosreport-db2", CandidateKind::Folder(InputKind::Sosreport))]);
    assert!(discover(&dir.path().join("missing")).is_err());
}

/// An analysis that knows each bundle by the file name and counts its calls.
fn fake(
    calls: Arc<AtomicUsize>,
) -> impl Fn(&Path) -> Result<Vec<Report>, crate::Error> + Send + Sync {
    move |path: &Path| {
        calls.fetch_add(1, Ordering::SeqCst);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let shown = path.display().to_string();
        if name.contains("web1") {
            Ok(vec![testutil::report(
                &shown,
                "web1",
                &[Severity::Warning],
                vec![testutil::hung_xfs_log_force()],
            )])
        } else if name.contains("web2") {
            Ok(vec![testutil::report(
                &shown,
                "web2",
                &[Severity::Critical, Severity::Info],
                vec![testutil::hung_xfs_log_force(), testutil::xfs_shutdown()],
            )])
        } else if name.contains("db1") {
            panic!("parser bug on {name}");
        } else if name.contains("scc_") {
            Err(crate::Error::NotABundle { path: path.to_path_buf(), reason: "no files".into() })
        } else {
            Ok(vec![testutil::report(&shown, "db2", &[], vec![testutil::order6_failure()])])
        }
    }
}

fn by_path(results: &[ScanResult]) -> Vec<(String, Outcome)> {
    let mut rows: Vec<(String, Outcome)> = results
        .iter()
        .flat_map(|r| r.rows.iter().map(|row| (row.path.clone(), r.outcome)))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

#[test]
fn scan_writes_reports_and_turns_failures_into_rows() {
    let dir = tempfile::tempdir().unwrap();
    fleet(dir.path());
    let out = dir.path().join("out");
    let options = ScanOptions { jobs: 2, output: Some(out.clone()), ..ScanOptions::default() };
    let calls = Arc::new(AtomicUsize::new(0));
    let scan = scan_with(dir.path(), &options, fake(Arc::clone(&calls))).unwrap();
    assert_eq!(scan.total(), 7);
    let results: Vec<ScanResult> = scan.collect();
    assert_eq!(results.len(), 7);
    // Encrypted and corrupt bundles never reach the analysis.
    assert_eq!(calls.load(Ordering::SeqCst), 5);
    let index = Index::from_results(&results);
    let summary: Vec<(&str, RowStatus, Option<Severity>)> =
        index.bundles.iter().map(|r| (r.path.as_str(), r.status, r.worst_severity)).collect();
    assert_eq!(
        summary,
        vec![
            (
                "dc1/sosreport-web2-2024-03-05-hijklmn.tar.gz",
                RowStatus::Ok,
                Some(Severity::Critical)
            ),
            (
                "dc1/sosreport-web1-2024-03-05-abcdefg.tar.gz",
                RowStatus::Ok,
                Some(Severity::Warning)
            ),
            ("dc1/sosreport-bad-2024-03-05-zzzzzzz.tar.gz", RowStatus::Error, None),
            ("dc2/sosreport-db1-2024-03-05-opqrstu.tar.xz", RowStatus::Error, None),
            ("secured-sosreport-x-2024.tar.xz.gpg", RowStatus::Error, None),
            ("suse/scc_sles1_240305_1000", RowStatus::Error, None),
            ("dc2/sosreport-db2", RowStatus::Ok, None),
        ]
    );
    let error_of = |path: &str| {
        index.bundles.iter().find(|r| r.path == path).and_then(|r| r.error.clone()).unwrap()
    };
    assert!(error_of("secured-sosreport-x-2024.tar.xz.gpg").contains("encrypted"));
    assert!(error_of("dc1/sosreport-bad-2024-03-05-zzzzzzz.tar.gz").contains("unreadable: gzip"));
    assert!(error_of("dc2/sosreport-db1-2024-03-05-opqrstu.tar.xz").contains("parser bug on"));
    assert!(error_of("suse/scc_sles1_240305_1000").contains("no files"));
    assert_eq!(
        index.groups,
        vec![Group {
            signature: "hung_task:xlog_wait_on_iclog,xfs_log_force_seq,xfs_file_fsync".into(),
            bundles: vec![
                "dc1/sosreport-web2-2024-03-05-hijklmn.tar.gz".into(),
                "dc1/sosreport-web1-2024-03-05-abcdefg.tar.gz".into(),
            ],
        }]
    );
    // JSON and HTML reports, the row linking to the HTML one; no temporary files.
    let web2 = &index.bundles[0];
    let link = web2.report.as_deref().unwrap();
    assert_eq!(link, "reports/dc1/sosreport-web2-2024-03-05-hijklmn.tar.gz.html");
    let html = fs::read_to_string(out.join(link)).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("web2"));
    let json = out.join("reports/dc1/sosreport-web2-2024-03-05-hijklmn.tar.gz.json");
    let written: serde_json::Value = serde_json::from_slice(&fs::read(json).unwrap()).unwrap();
    assert_eq!(written["host"]["hostname"], "web2");
    let files: Vec<String> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&out).unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(files.iter().all(|f| !f.contains(".partial")), "{files:?}");
    assert!(files.contains(&"state/dc2/sosreport-db2.json".to_string()), "{files:?}");
    // The output folder inside the scanned one is not scanned.
    assert!(!results.iter().any(|r| r.candidate.rel.starts_with("out")));
}

#[test]
fn second_scan_reuses_current_reports_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let bundles = dir.path().join("bundles");
    write_sos_tar_gz(&bundles.join("sosreport-web1-a.tar.gz"), "sosreport-web1");
    write_sos_tar_gz(&bundles.join("sosreport-web2-b.tar.gz"), "sosreport-web2");
    let out = dir.path().join("out");
    let options = ScanOptions { jobs: 1, output: Some(out.clone()), ..ScanOptions::default() };
    let calls = Arc::new(AtomicUsize::new(0));
    let run = |options: &ScanOptions| -> Vec<ScanResult> {
        scan_with(&bundles, options, fake(Arc::clone(&calls))).unwrap().collect()
    };

    let first = run(&options);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let second = run(&options);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert!(second.iter().all(|r| r.outcome == Outcome::Current));
    // The reused rows are the rows of the first run.
    assert_eq!(Index::from_results(&first), Index::from_results(&second));

    // A changed bundle (new size and mtime) is analysed again, the other is not.
    write_sos_tar_gz(&bundles.join("sosreport-web2-b.tar.gz"), "sosreport-web2-longer-root");
    let third = run(&options);
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(
        by_path(&third),
        vec![
            ("sosreport-web1-a.tar.gz".to_string(), Outcome::Current),
            ("sosreport-web2-b.tar.gz".to_string(), Outcome::Analysed),
        ]
    );

    // A new modification time alone (same size) makes a bundle stale too.
    let file =
        fs::File::options().write(true).open(bundles.join("sosreport-web1-a.tar.gz")).unwrap();
    file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000))
        .unwrap();
    drop(file);
    let fourth = run(&options);
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    assert_eq!(
        by_path(&fourth),
        vec![
            ("sosreport-web1-a.tar.gz".to_string(), Outcome::Analysed),
            ("sosreport-web2-b.tar.gz".to_string(), Outcome::Current),
        ]
    );

    // A deleted report makes its bundle stale.
    fs::remove_file(out.join("reports/sosreport-web1-a.tar.gz.json")).unwrap();
    run(&options);
    assert_eq!(calls.load(Ordering::SeqCst), 5);

    // Asking for a format not written before makes every bundle stale.
    let with_md = ScanOptions {
        formats: vec![ReportFormat::Json, ReportFormat::Markdown],
        ..options.clone()
    };
    run(&with_md);
    assert_eq!(calls.load(Ordering::SeqCst), 7);
    assert!(out.join("reports/sosreport-web1-a.tar.gz.md").is_file());

    // --force analyses everything.
    let forced = run(&ScanOptions { force: true, ..options.clone() });
    assert_eq!(calls.load(Ordering::SeqCst), 9);
    assert!(forced.iter().all(|r| r.outcome == Outcome::Analysed));
}

#[test]
fn leftover_partial_files_are_removed_and_failed_writes_leave_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let leftovers = [
        "reports/dc1/.sosreport-a.tar.xz.json.partial",
        "reports/dc1/.sosreport-a.tar.xz.html.partial",
        "reports/dc1/sosreport-a.tar.xz/.node1.json.partial",
        "state/dc1/.sosreport-a.tar.xz.json.partial",
    ];
    // Another bundle's temporary file (perhaps being written by another shard) stays.
    let others = ["reports/dc1/.sosreport-a.tar.json.partial", "reports/dc1/kept.json"];
    for name in leftovers.iter().chain(&others) {
        write(&out.join(name), b"{\"half");
    }
    output::remove_partials(&out, "dc1/sosreport-a.tar.xz");
    for name in leftovers {
        assert!(!out.join(name).exists(), "{name}");
    }
    for name in others {
        assert!(out.join(name).exists(), "{name}");
    }

    // A writer that fails half-way leaves the previous file whole and no temporary file.
    let target = out.join("reports/dc2/kept.json");
    write(&target, b"{}");
    let err = output::write_atomic(&target, |w| {
        w.write_all(b"{\"partial\": ")?;
        Err(std::io::Error::other("disk full"))
    });
    assert!(err.unwrap_err().to_string().contains("disk full"));
    assert_eq!(fs::read(&target).unwrap(), b"{}");
    assert_eq!(fs::read_dir(out.join("reports/dc2")).unwrap().count(), 1);

    output::write_atomic(&target, |w| w.write_all(b"{\"done\": true}")).unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"{\"done\": true}");
}

#[test]
fn collect_archive_gives_one_row_and_report_per_host() {
    let dir = tempfile::tempdir().unwrap();
    let bundles = dir.path().join("bundles");
    write_sos_tar_gz(&bundles.join("sos-collector-2024-03-05-abcde.tar.gz"), "sos-collector");
    let out = dir.path().join("out");
    let options = ScanOptions { output: Some(out.clone()), ..ScanOptions::default() };
    let analyze = |path: &Path| -> Result<Vec<Report>, crate::Error> {
        let outer = path.display();
        Ok(vec![
            testutil::report(
                &format!("{outer}!sos-collector/sosreport-node1-2024-03-05-aaaaaaa.tar.xz"),
                "node1",
                &[],
                vec![],
            ),
            testutil::report(
                &format!("{outer}!sos-collector/sosreport-node2-2024-03-05-bbbbbbb.tar.xz"),
                "node2",
                &[Severity::Error],
                vec![],
            ),
        ])
    };
    let results: Vec<ScanResult> = scan_with(&bundles, &options, analyze).unwrap().collect();
    let index = Index::from_results(&results);
    let rows: Vec<(&str, Option<&str>)> =
        index.bundles.iter().map(|r| (r.path.as_str(), r.report.as_deref())).collect();
    assert_eq!(
        rows,
        vec![
            (
                "sos-collector-2024-03-05-abcde.tar.gz!sos-collector/sosreport-node2-2024-03-05-bbbbbbb.tar.xz",
                Some(
                    "reports/sos-collector-2024-03-05-abcde.tar.gz/sosreport-node2-2024-03-05-bbbbbbb.tar.xz.html"
                ),
            ),
            (
                "sos-collector-2024-03-05-abcde.tar.gz!sos-collector/sosreport-node1-2024-03-05-aaaaaaa.tar.xz",
                Some(
                    "reports/sos-collector-2024-03-05-abcde.tar.gz/sosreport-node1-2024-03-05-aaaaaaa.tar.xz.html"
                ),
            ),
        ]
    );
    for (_, report) in rows {
        assert!(out.join(report.unwrap()).is_file());
    }
}

#[test]
fn report_names_of_plain_and_collect_bundles() {
    let plain = [testutil::report("/data/a!b/sosreport-x.tar.xz", "x", &[], vec![])];
    assert_eq!(
        output::report_stems("sosreport-x.tar.xz", "/data/a!b/sosreport-x.tar.xz", &plain),
        ["reports/sosreport-x.tar.xz"]
    );
    // Hosts named alike get a suffix; an unsafe name is made safe; a missing one is numbered.
    let hosts = [
        testutil::report("c.tar!top/sosreport-n1.tar.xz", "n1", &[], vec![]),
        testutil::report("c.tar!other/sosreport-n1.tar.xz", "n1", &[], vec![]),
        testutil::report("c.tar!top/.hidden name.tar", "n2", &[], vec![]),
        testutil::report("c.tar!", "n3", &[], vec![]),
    ];
    assert_eq!(
        output::report_stems("dc/c.tar", "c.tar", &hosts),
        [
            "reports/dc/c.tar/sosreport-n1.tar.xz",
            "reports/dc/c.tar/sosreport-n1.tar.xz-2",
            "reports/dc/c.tar/hidden_name.tar",
            "reports/dc/c.tar/report-4",
        ]
    );
    assert_eq!(
        output::row_path("dc/c.tar", "c.tar", &hosts[1], true),
        "dc/c.tar!other/sosreport-n1.tar.xz"
    );
}

#[test]
fn shards_split_the_fleet_exactly() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..12 {
        write_sos_tar_gz(&dir.path().join(format!("rack{}/sosreport-h{i}-x.tar.gz", i % 3)), "s");
    }
    let all: BTreeSet<String> = discover(dir.path()).unwrap().into_iter().map(|c| c.rel).collect();
    assert_eq!(all.len(), 12);
    let mut seen = BTreeSet::new();
    for i in 0..4 {
        let options = ScanOptions { shard: Shard::new(i, 4), ..ScanOptions::default() };
        let analyze =
            |p: &Path| Ok(vec![testutil::report(&p.display().to_string(), "h", &[], vec![])]);
        let first: BTreeSet<String> =
            scan_with(dir.path(), &options, analyze).unwrap().map(|r| r.candidate.rel).collect();
        let again: BTreeSet<String> =
            scan_with(dir.path(), &options, analyze).unwrap().map(|r| r.candidate.rel).collect();
        assert_eq!(first, again, "shard {i} is not deterministic");
        for rel in first {
            assert!(seen.insert(rel.clone()), "{rel} in two shards");
        }
    }
    assert_eq!(seen, all);
}

#[test]
fn dropping_a_scan_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..20 {
        write_sos_tar_gz(&dir.path().join(format!("sosreport-h{i}-x.tar.gz")), "s");
    }
    let calls = Arc::new(AtomicUsize::new(0));
    let options = ScanOptions { jobs: 1, ..ScanOptions::default() };
    let mut scan = scan_with(dir.path(), &options, fake(Arc::clone(&calls))).unwrap();
    assert!(scan.next().is_some());
    drop(scan);
    // One taken, at most the channel's slot and the one in progress beyond it.
    assert!(calls.load(Ordering::SeqCst) <= 3, "{}", calls.load(Ordering::SeqCst));
}
