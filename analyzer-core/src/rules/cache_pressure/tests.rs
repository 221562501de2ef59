//! Tests of the cache-dominance check with the numbers of seed cases 1 and 2.

use super::*;
use crate::model::{EventFields, HungTask};
use crate::parse::meminfo::Meminfo;
use crate::parse::slabinfo::Slabinfo;
use crate::parse::zoneinfo::Zoneinfo;
use crate::rules::testutil::{event, model_with};

fn meminfo(pairs: &[(&str, u64)]) -> Meminfo {
    Meminfo { values: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(), unparsed: vec![] }
}

fn zone(node: u32, free: u64, wm: (u64, u64, u64), line: u64) -> Zone {
    Zone {
        node,
        zone: "Normal".into(),
        free: Some(free),
        min: Some(wm.0),
        low: Some(wm.1),
        high: Some(wm.2),
        managed: Some(48_000_000),
        line,
        ..Zone::default()
    }
}

fn slab(
    name: &str,
    objsize: u64,
    objperslab: u64,
    pagesperslab: u64,
    num_slabs: u64,
    line: u64,
) -> SlabCache {
    let num_objs = num_slabs * objperslab;
    SlabCache {
        name: name.into(),
        active_objs: num_objs,
        num_objs,
        objsize,
        objperslab,
        pagesperslab,
        active_slabs: num_slabs,
        num_slabs,
        bytes: num_slabs * pagesperslab * 4096,
        line,
    }
}

#[test]
fn seed_case_1_page_cache_near_watermarks() {
    let hung = event(
        1,
        EventFields::HungTask(HungTask {
            task: "ceph-osd".into(),
            pid: 4242,
            blocked_secs: 120,
            ..HungTask::default()
        }),
        "INFO: task ceph-osd:4242 blocked for more than 120 seconds.",
    );
    let mut m = model_with(vec![hung]);
    m.snapshot.meminfo = Some(meminfo(&[
        ("MemTotal", 396_157_596),
        ("MemFree", 2_797_636),
        ("Active(anon)", 216_689_236),
        ("Inactive(anon)", 4360),
        ("Active(file)", 77_507_164),
        ("Inactive(file)", 78_556_552),
        ("SReclaimable", 2_913_320),
    ]));
    m.snapshot.zoneinfo = Some(Zoneinfo {
        zones: vec![
            zone(0, 471_965, (11_150, 13_937, 16_725), 120),
            zone(1, 33_683, (11_269, 14_086, 16_903), 380),
        ],
        unparsed: vec![],
    });
    m.snapshot.sysctls.insert("vm.min_free_kbytes".into(), "90112".into());
    m.snapshot.sysctls.insert("vm.vfs_cache_pressure".into(), "100".into());
    let f = CachePressure.evaluate(&m).findings;
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.title,
        "Page cache holds 148.8 GiB (39 % of memory) while Node 1 Normal is near its watermarks"
    );
    assert!(f.summary.starts_with("Memory is not short, it is held by caches: of 377.8 GiB (outside hugepages), 2.7 GiB is free (0.7 %), page cache holds 148.8 GiB (39 %)"), "{}", f.summary);
    assert!(
        f.summary.contains(
            "Near the watermarks: Node 1 Normal free 33683 pages (min 11269 low 14086 high 16903)."
        ),
        "{}",
        f.summary
    );
    assert!(f.summary.contains("1 hung-task, allocation-failure or XFS allocation report"));
    assert!(
        f.remediation[0]
            .starts_with("Raise vm.min_free_kbytes (now 90112) so kswapd reclaims earlier"),
        "{:?}",
        f.remediation
    );
    assert!(f.remediation[0].contains("sysctl -w vm.min_free_kbytes=1980787"));
    assert!(f.remediation.iter().any(|r| r.contains("echo 1 > /proc/sys/vm/drop_caches")));
    assert!(!f.remediation.iter().any(|r| r.contains("vfs_cache_pressure")));
    assert_eq!(f.evidence[0].text, "Node 1, zone   Normal");
    assert_eq!(f.evidence[0].line, 380);
}

#[test]
fn seed_case_2_slab_of_xfs_inodes() {
    let mut m = model_with(vec![]);
    m.snapshot.meminfo = Some(meminfo(&[
        ("MemTotal", 131_925_000),
        ("MemFree", 1_258_291),
        ("Active(anon)", 11_000_000),
        ("Inactive(anon)", 523_438),
        ("Active(file)", 20_000_000),
        ("Inactive(file)", 11_542_969),
        ("SReclaimable", 54_001_664),
    ]));
    m.snapshot.slabinfo = Some(Slabinfo {
        version: Some("2.1".into()),
        caches: vec![
            slab("dentry", 192, 21, 1, 1_048_576, 40),
            slab("xfs_inode", 1088, 30, 8, 1_277_952, 12),
            slab("kmalloc-64", 64, 64, 1, 1000, 90),
        ],
        ..Slabinfo::default()
    });
    m.snapshot.sysctls.insert("vm.vfs_cache_pressure".into(), "100".into());
    let f = CachePressure.evaluate(&m).findings;
    let f = &f[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.title, "Reclaimable slab holds 51.5 GiB (41 % of memory) with little free");
    assert!(
        f.summary.contains("Largest slab caches: xfs_inode 39.0 GiB, dentry 4.0 GiB."),
        "{}",
        f.summary
    );
    assert!(
        f.remediation.iter().any(|r| r.contains("`sysctl -w vm.vfs_cache_pressure=200` (now 100)"))
    );
    assert!(f.remediation.iter().any(|r| r.contains("echo 2 > /proc/sys/vm/drop_caches")));
    assert_eq!(f.evidence[0].path, "proc/slabinfo");
    assert_eq!(f.evidence[0].line, 12);
    assert!(
        f.evidence[0].text.starts_with("xfs_inode         38338560 38338560   1088   30    8"),
        "{}",
        f.evidence[0].text
    );
    // The not-checked note for zoneinfo.
    assert_eq!(CachePressure.evaluate(&m).not_checked[0].source, SourceKind::Zoneinfo);
}

#[test]
fn plenty_free_is_fine() {
    let mut m = model_with(vec![]);
    m.snapshot.meminfo =
        Some(meminfo(&[("MemTotal", 16_000_000), ("MemFree", 8_000_000), ("Cached", 6_000_000)]));
    assert!(CachePressure.evaluate(&m).findings.is_empty());
}
