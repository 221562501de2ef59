//! The three seed cases (docs/SEED-CASES.md): the sample bundles in `samples/` are read the way
//! the pipeline reads a bundle (bundle reader, host facts, memory parsers, timeline with the
//! rules' line patterns), the rules run, and the findings must state what the engineer
//! concluded.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use analyzer_core::bundle::{self, BundleInfo, BundleSummary, BundleVisitor, Member};
use analyzer_core::facts::HostFactsBuilder;
use analyzer_core::model::{Finding, Model, Severity, Snapshot};
use analyzer_core::rules::RuleSet;
use analyzer_core::timeline::TimelineBuilder;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples").join(name)
}

/// A visitor that builds the model of one bundle.
struct ModelBuilder {
    timeline: Option<TimelineBuilder>,
    facts: HostFactsBuilder,
    snapshot: Snapshot,
    model: Option<Model>,
}

impl BundleVisitor for ModelBuilder {
    fn begin_bundle(&mut self, _info: &BundleInfo) {}

    fn source(&mut self, member: &Member<'_>, data: &mut dyn BufRead) -> std::io::Result<()> {
        if member.kind.is_log() {
            if let Some(t) = self.timeline.as_mut() {
                t.read_log(member.path, member.kind, data)?;
            }
            return Ok(());
        }
        let mut text = String::new();
        data.read_to_string(&mut text)?;
        if HostFactsBuilder::wants(member.kind) {
            self.facts.add(member.kind, member.path, &text);
        }
        let problems = self.snapshot.ingest(member.kind, member.path, &text);
        assert!(problems.is_empty(), "{}: {problems:?}", member.path);
        Ok(())
    }

    fn end_bundle(&mut self, summary: BundleSummary) {
        let host = std::mem::take(&mut self.facts).finish();
        let timeline = self.timeline.take().map(|t| t.finish(&host)).unwrap_or_default();
        let info = summary.info.input_info();
        let mut problems = summary.problems;
        problems.extend(timeline.problems);
        self.model = Some(Model {
            path: info.path,
            kind: info.kind,
            format: info.format,
            host,
            sources: summary.sources,
            events: timeline.events,
            log_matches: timeline.log_matches,
            snapshot: std::mem::take(&mut self.snapshot),
            problems,
        });
    }
}

fn model(name: &str, rules: &RuleSet) -> Model {
    let input = bundle::open(&sample(name)).expect("sample opens");
    let mut builder = ModelBuilder {
        timeline: Some(TimelineBuilder::new(Some(rules.line_patterns()))),
        facts: HostFactsBuilder::new(),
        snapshot: Snapshot::default(),
        model: None,
    };
    input.read(&mut builder).expect("sample reads");
    let model = builder.model.expect("one bundle");
    assert!(model.problems.is_empty(), "{name}: {:?}", model.problems);
    model
}

fn find<'a>(findings: &'a [Finding], rule: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.rule_id == rule && !f.title.starts_with("Not checked"))
        .unwrap_or_else(|| {
            let ids: Vec<(&str, &str)> =
                findings.iter().map(|f| (f.rule_id.as_str(), f.title.as_str())).collect();
            panic!("no {rule} finding in {ids:#?}")
        })
}

fn rules() -> RuleSet {
    RuleSet::builtin().expect("built-in rules load")
}

#[test]
fn seed_case_1_page_cache_holds_memory_and_tasks_hang() {
    let rules = rules();
    let m = model("seed-case-1-ceph-filestore", &rules);
    let findings = rules.evaluate(&m);

    let cache = find(&findings, "memory.cache_pressure");
    assert_eq!(cache.severity, Severity::Error);
    assert_eq!(
        cache.title,
        "Page cache holds 148.8 GiB (39 % of memory) while Node 1 Normal is near its watermarks"
    );
    assert!(
        cache.summary.starts_with("Memory is not short, it is held by caches"),
        "{}",
        cache.summary
    );
    assert!(
        cache.summary.contains("Node 1 Normal free 33683 pages (min 11269 low 14086 high 16903)"),
        "{}",
        cache.summary
    );
    assert!(
        cache.remediation[0]
            .starts_with("Raise vm.min_free_kbytes (now 90112) so kswapd reclaims earlier")
    );
    assert!(cache.remediation.iter().any(|r| r.contains("echo 1 > /proc/sys/vm/drop_caches")
        && r.contains("echo 1 > /proc/sys/vm/compact_memory")));
    assert!(
        cache
            .evidence
            .iter()
            .any(|e| e.path == "proc/zoneinfo" && e.text == "Node 1, zone   Normal")
    );

    // The slab is small here: no vfs_cache_pressure advice.
    assert!(!cache.remediation.iter().any(|r| r.contains("vfs_cache_pressure")));

    let hung = find(&findings, "kernel.hung_task");
    // The tasks reached the XFS log from direct reclaim: the memory remedy is offered too.
    assert!(
        hung.remediation.iter().any(|r| r.contains("raise vm.min_free_kbytes")),
        "{:?}",
        hung.remediation
    );
    assert_eq!(hung.title, "6 hung task reports (4 tasks), mostly waiting in XFS log");
    assert!(hung.summary.contains("XFS log: 5 (from direct memory reclaim)"), "{}", hung.summary);
    assert!(
        hung.summary.contains("ceph-osd:3107 3 times (blocked at least 360 s)"),
        "{}",
        hung.summary
    );
    assert_eq!(hung.evidence[0].path, "sos_commands/kernel/dmesg");
    assert_eq!(hung.evidence[0].line, 5);

    // Twelve OSDs holding their memory is not a finding of its own.
    assert_eq!(find(&findings, "memory.top_processes").severity, Severity::Info);

    // 4.4 computes low = min + min/4: the watermarks are what the kernel would compute.
    assert!(!findings.iter().any(|f| f.rule_id == "memory.watermarks"));
    // Worst first.
    assert!(findings.windows(2).all(|w| w[0].severity >= w[1].severity));
}

#[test]
fn seed_case_2_xfs_inodes_fill_slab_and_xfs_reports_corruption() {
    let rules = rules();
    let m = model("seed-case-2-swift-xfs-slab", &rules);
    let findings = rules.evaluate(&m);

    let cache = find(&findings, "memory.cache_pressure");
    assert_eq!(cache.severity, Severity::Error);
    assert_eq!(
        cache.title,
        "Reclaimable slab holds 52.0 GiB (41 % of memory) while Node 0 Normal, Node 1 Normal are near their watermarks"
    );
    assert!(
        cache.summary.contains("Largest slab caches: xfs_inode 39.0 GiB, dentry 4.0 GiB"),
        "{}",
        cache.summary
    );
    assert!(
        cache
            .remediation
            .iter()
            .any(|r| r.contains("`sysctl -w vm.vfs_cache_pressure=200` (now 100)"))
    );
    assert!(
        cache.remediation.iter().any(
            |r| r.contains("echo 2 > /proc/sys/vm/drop_caches") && r.contains("compact_memory")
        )
    );
    assert!(
        cache
            .evidence
            .iter()
            .any(|e| e.path == "proc/slabinfo" && e.line == 3 && e.text.starts_with("xfs_inode"))
    );

    let xfs = find(&findings, "xfs.errors");
    assert_eq!(xfs.severity, Severity::Critical);
    assert_eq!(
        xfs.title,
        "XFS sdd1 (/srv/node/d3): 1 forced shutdown, 1 corruption report, 3 metadata I/O errors"
    );
    assert!(
        xfs.summary.contains("error 117 (EFSCORRUPTED, the metadata failed verification)"),
        "{}",
        xfs.summary
    );
    assert!(xfs.summary.contains("Unmount and run xfs_repair"), "{}", xfs.summary);
    assert!(xfs.remediation.iter().any(|r| r.contains("xfs_repair -n /dev/sdd1")));
    let livelock =
        findings.iter().find(|f| f.rule_id == "xfs.errors" && f.title.starts_with("XFS:"));
    assert!(livelock.is_some_and(|f| f.title == "XFS: 2 memory allocation livelock warnings"));

    let frag = find(&findings, "memory.fragmentation");
    assert_eq!(frag.severity, Severity::Warning);
    assert!(frag.title.contains("few free blocks of order 4 or higher"), "{}", frag.title);
    assert!(frag.summary.contains("compact_fail 398765 (97 % of stalls)"), "{}", frag.summary);
}

#[test]
fn seed_case_3_order_6_failure_low_watermarks_and_hugepages() {
    let rules = rules();
    let m = model("seed-case-3-hugepages-watermarks", &rules);
    // The failure is in dmesg and kern.log: one event with two sources.
    assert_eq!(m.events.len(), 1);
    assert_eq!(m.events[0].sources.len(), 2);
    let findings = rules.evaluate(&m);
    // Every source the rules need is in the bundle: nothing is reported as not checked.
    let notes: Vec<&str> = findings
        .iter()
        .filter(|f| f.title.starts_with("Not checked"))
        .map(|f| f.title.as_str())
        .collect();
    assert!(notes.is_empty(), "{notes:?}");

    let alloc = find(&findings, "memory.page_alloc_failure");
    assert_eq!(alloc.title, "1 order-6 page allocation failure (qemu-system-x86) — fragmentation");
    assert!(alloc.summary.contains("Node 0 Normal had 4.1 GiB free"), "{}", alloc.summary);
    assert!(alloc.summary.contains("no free block of order 6 or higher"), "{}", alloc.summary);
    assert!(alloc.summary.contains("free pages were available"), "{}", alloc.summary);
    assert!(
        alloc.summary.contains("GFP_KERNEL|__GFP_COMP|__GFP_ZERO): could sleep"),
        "{}",
        alloc.summary
    );

    let wm = find(&findings, "memory.watermarks");
    assert_eq!(wm.severity, Severity::Error);
    assert!(wm.title.ends_with("(boot-time hugepages)"), "{}", wm.title);
    assert!(wm.summary.contains("a min→low gap of 1569 pages"), "{}", wm.summary);
    assert!(
        wm.summary.contains("≈48757 pages (managed 48756637 × watermark_scale_factor 10 / 10000)"),
        "{}",
        wm.summary
    );
    assert!(wm.summary.contains("boot-time hugepages were still held by the boot allocator"));
    assert!(wm.summary.contains("hugepages=360"), "{}", wm.summary);
    assert!(
        wm.remediation.iter().any(|r| r.contains("vm.watermark_scale_factor=50")
            && r.contains("vm.extfrag_threshold=200"))
    );
    assert!(wm.evidence.iter().any(|e| e.path == "proc/zoneinfo" && e.line == 58));

    let procs = find(&findings, "memory.top_processes");
    assert_eq!(procs.severity, Severity::Warning);
    assert_eq!(procs.title, "161 nova-api-metadata processes hold 13.0 GiB");
    assert!(procs.remediation[0].contains("Reduce the number of nova-api-metadata workers"));

    let huge = find(&findings, "memory.hugepages");
    assert!(huge.title.starts_with("Hugepages: 360.0 GiB reserved"), "{}", huge.title);
}

#[test]
fn generator_output_is_committed_unchanged() {
    // The samples are generated; a hand edit would drift from the script. Regenerating into a
    // temporary copy must give the same bytes.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/generate_seed_cases.py");
    let Ok(status) = std::process::Command::new("python3").arg("--version").output() else {
        println!("skipped: python3 not found");
        return;
    };
    assert!(status.status.success());
    let tmp = tempfile::tempdir().expect("tempdir");
    let copy = tmp.path().join("generate_seed_cases.py");
    std::fs::copy(&script, &copy).expect("copy script");
    let out = std::process::Command::new("python3").arg(&copy).output().expect("run generator");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for case in [
        "seed-case-1-ceph-filestore",
        "seed-case-2-swift-xfs-slab",
        "seed-case-3-hugepages-watermarks",
    ] {
        for entry in walk(&tmp.path().join(case)) {
            let rel = entry.strip_prefix(tmp.path()).expect("relative");
            let committed = std::fs::read(sample("").join(rel)).expect("committed file");
            let fresh = std::fs::read(&entry).expect("fresh file");
            assert!(committed == fresh, "{} differs from the generator's output", rel.display());
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
