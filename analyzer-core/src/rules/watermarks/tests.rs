//! Tests of the watermark recomputation: seed case 3 (4.15, boot-time hugepages), seed case 1
//! (4.4, consistent watermarks), and a pre-4.6 kernel with a grown zone.

use super::*;
use crate::model::{EventFields, PageAllocFailure};
use crate::parse::cmdline::Cmdline;
use crate::parse::meminfo::Meminfo;
use crate::parse::zoneinfo::Zoneinfo;
use crate::rules::testutil::{event, model_with};

fn zone(node: u32, name: &str, free: u64, wm: (u64, u64, u64), managed: u64, line: u64) -> Zone {
    Zone {
        node,
        zone: name.into(),
        free: Some(free),
        min: Some(wm.0),
        low: Some(wm.1),
        high: Some(wm.2),
        managed: Some(managed),
        line,
        ..Zone::default()
    }
}

/// Seed case 3: 4.15.0-72-generic, min_free_kbytes 16614, 2 × 180 hugepages of 1 GiB at boot.
fn seed3() -> Model {
    let mut m = model_with(vec![event(
        1,
        EventFields::PageAllocFailure(PageAllocFailure {
            process: "qemu-system-x86".into(),
            order: 6,
            ..Default::default()
        }),
        "qemu-system-x86: page allocation failure: order:6, mode:0x140c0c0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null)",
    )]);
    m.host.kernel = Some("4.15.0-72-generic".into());
    m.snapshot.zoneinfo = Some(Zoneinfo {
        zones: vec![
            zone(0, "DMA", 3977, (3, 6, 9), 3977, 1),
            zone(0, "DMA32", 612_345, (714, 1457, 2200), 743_000, 40),
            zone(0, "Normal", 1_063_536, (1510, 3079, 4648), 48_756_637, 160),
            zone(1, "Normal", 1_201_002, (1923, 3921, 5919), 49_184_443, 420),
        ],
        unparsed: vec![],
    });
    m.snapshot.sysctls.insert("vm.min_free_kbytes".into(), "16614".into());
    m.snapshot.sysctls.insert("vm.watermark_scale_factor".into(), "10".into());
    m.snapshot.cmdline = Some(Cmdline {
        raw: "BOOT_IMAGE=/boot/vmlinuz-4.15.0-72-generic root=/dev/md0 ro default_hugepagesz=1G hugepagesz=1G hugepages=360".into(),
        params: vec![
            ("default_hugepagesz".into(), "1G".into()),
            ("hugepagesz".into(), "1G".into()),
            ("hugepages".into(), "360".into()),
        ],
        hugepages: vec![360],
        hugepagesz: vec!["1G".into()],
        default_hugepagesz: Some("1G".into()),
        min_free_kbytes: None,
        ..Cmdline::default()
    });
    m.snapshot.meminfo = Some(Meminfo {
        values: [
            ("MemTotal", 394_752_228u64),
            ("HugePages_Total", 360),
            ("Hugepagesize", 1_048_576),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        unparsed: vec![],
    });
    m
}

#[test]
fn seed_case_3_gap_against_expected() {
    let m = seed3();
    let zones = &m.snapshot.zoneinfo.as_ref().expect("zoneinfo").zones;
    let calc = Calc::new(&m, zones);
    assert!(calc.scale_factor_formula);
    assert_eq!(calc.lowmem_pages, 3977 + 743_000 + 48_756_637 + 49_184_443);
    let n0 = calc.check(&zones[2]).expect("checked");
    assert_eq!(n0.observed_gap, 1569);
    assert_eq!(n0.expected_gap, 48_756);
    assert_eq!(n0.scale_gap_rounded, Some(48_757));
    assert!(n0.far_below);
    assert!(!calc.check(&zones[1]).expect("dma32").far_below);

    let f = Watermarks.evaluate(&m).findings;
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.title,
        "Watermark gap far below the expected value in Node 0 Normal, Node 1 Normal (boot-time hugepages)"
    );
    assert!(f.summary.contains("Node 0 Normal: min 1510 low 3079 high 4648, a min→low gap of 1569 pages (6.1 MiB) where the kernel computes ≈48757 pages (managed 48756637 × watermark_scale_factor 10 / 10000) today (190.5 MiB)"), "{}", f.summary);
    assert!(f.summary.contains("The gap of Node 0 Normal fits a zone of about 1569000 managed pages (6.0 GiB); it manages 48756637 (186.0 GiB) now."), "{}", f.summary);
    assert!(f.summary.contains("Cause: hugepages are reserved at boot (HugePages_Total 360 × 1.0 GiB in /proc/meminfo, `default_hugepagesz=1G hugepagesz=1G hugepages=360` on the kernel command line; 360.0 GiB in all)."), "{}", f.summary);
    assert!(
        f.summary.contains(
            "computed while the boot-time hugepages were still held by the boot allocator"
        )
    );
    assert!(f.remediation[0].contains("sysctl -w vm.watermark_scale_factor=10"));
    assert!(
        f.remediation[1].contains("vm.watermark_scale_factor=50")
            && f.remediation[1].contains("vm.extfrag_threshold=200")
    );
    assert_eq!(f.evidence[0].text, "Node 0, zone   Normal");
    assert_eq!(f.evidence[0].line, 160);
    assert_eq!(f.evidence[0].path, "proc/zoneinfo");
    assert!(
        f.evidence
            .last()
            .is_some_and(|e| e.path == "proc/cmdline" && e.text.contains("hugepages=360"))
    );
    assert_eq!(f.event_ids, vec!["e1"]);
}

#[test]
fn seed_case_1_watermarks_are_consistent() {
    // 4.4.0-201-generic: gap = min/4. Node 0: 11150 → 13937 (2787); node 1: 11269 → 14086 (2817).
    let mut m = model_with(vec![]);
    m.host.kernel = Some("4.4.0-201-generic".into());
    m.snapshot.zoneinfo = Some(Zoneinfo {
        zones: vec![
            zone(0, "Normal", 471_965, (11_150, 13_937, 16_725), 48_900_000, 1),
            zone(1, "Normal", 33_683, (11_269, 14_086, 16_903), 49_420_000, 2),
        ],
        unparsed: vec![],
    });
    m.snapshot.sysctls.insert("vm.min_free_kbytes".into(), "90112".into());
    let calc = Calc::new(&m, &m.snapshot.zoneinfo.as_ref().expect("zi").zones);
    assert!(!calc.scale_factor_formula);
    assert!(Watermarks.evaluate(&m).findings.is_empty());
}

#[test]
fn pre_4_6_kernel_with_a_grown_zone() {
    let mut m = model_with(vec![]);
    m.host.kernel = Some("3.10.0-1160.el7.x86_64".into());
    m.snapshot.zoneinfo = Some(Zoneinfo {
        zones: vec![zone(0, "Normal", 9_000_000, (1000, 1250, 1500), 16_000_000, 1)],
        unparsed: vec![],
    });
    m.snapshot.sysctls.insert("vm.min_free_kbytes".into(), "90112".into());
    let f = Watermarks.evaluate(&m).findings;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(f[0].summary.contains("gap = min/4, kernels up to 4.5"), "{}", f[0].summary);
    assert!(
        f[0].summary.contains(
            "where the kernel computes 5632 pages (a quarter of the zone's min share, 22528 pages)"
        ),
        "{}",
        f[0].summary
    );
    assert!(f[0].summary.contains("memory hot-add"));
    assert!(f[0].remediation[0].contains("sysctl -w vm.min_free_kbytes=90112"));
}

#[test]
fn missing_zoneinfo_is_said() {
    let out = Watermarks.evaluate(&model_with(vec![]));
    assert_eq!(out.not_checked.len(), 1);
    assert_eq!(out.not_checked[0].source, SourceKind::Zoneinfo);
}
