//! Tests of the allocation-failure analysis: seed case 3 and an exhausted zone.

use super::*;
use crate::model::{MemInfoDump, MemInfoZone};
use crate::parse::buddyinfo::{BuddyZone, Buddyinfo};
use crate::rules::testutil::{event_lines, model_with};

const HEADLINE: &str = "Oct 22 19:49:33 compute6 kernel: [24965727.652627] qemu-system-x86: page allocation failure: order:6, mode:0x140c0c0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null)";
const BUDDY_LINE: &str = "Oct 22 19:49:33 compute6 kernel: [24965727.653301] Node 0 Normal: 152336*4kB (UME) 150000*8kB (UME) 100000*16kB (UME) 20000*32kB (UME) 3000*64kB (UM) 100*128kB (U) 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 4254144kB";

fn seed3(mem_info: Option<MemInfoDump>) -> crate::model::Event {
    event_lines(
        1,
        EventFields::PageAllocFailure(PageAllocFailure {
            process: "qemu-system-x86".into(),
            pid: Some(31337),
            order: 6,
            gfp_mask: "0x140c0c0".into(),
            gfp_flags: vec!["GFP_KERNEL".into(), "__GFP_COMP".into(), "__GFP_ZERO".into()],
            nodemask: Some("(null)".into()),
            mem_info,
            call_trace: vec![],
            ..PageAllocFailure::default()
        }),
        &[HEADLINE, BUDDY_LINE],
    )
}

fn seed3_dump() -> MemInfoDump {
    MemInfoDump {
        zones: vec![MemInfoZone {
            node: Some(0),
            zone: "Normal".into(),
            free_kb: Some(4_254_144),
            min_kb: Some(6040),
            low_kb: Some(12_316),
            high_kb: Some(18_592),
            managed_kb: Some(195_026_548),
            buddy: Some(vec![152_336, 150_000, 100_000, 20_000, 3000, 100, 0, 0, 0, 0, 0]),
            ..MemInfoZone::default()
        }],
        ..MemInfoDump::default()
    }
}

#[test]
fn seed_case_3_is_fragmentation_with_free_pages() {
    let mut m = model_with(vec![seed3(Some(seed3_dump()))]);
    m.host.kernel = Some("4.15.0-72-generic".into());
    let f = AllocFailures.evaluate(&m).findings;
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.title, "1 order-6 page allocation failure (qemu-system-x86) — fragmentation");
    assert!(f.summary.starts_with("1 order-6 allocation (256 KiB contiguous) failed, first at 10.000000 s after boot, by qemu-system-x86."), "{}", f.summary);
    assert!(f.summary.contains("GFP 0x140c0c0 (GFP_KERNEL|__GFP_COMP|__GFP_ZERO): could sleep, reclaim and compact, start I/O, call into filesystems; zone Normal or below; compound page."), "{}", f.summary);
    assert!(f.summary.contains("At the failure (Mem-Info): Node 0 Normal had 4.1 GiB free (min watermark 5.9 MiB) but no free block of order 6 or higher (largest free block: order 5); fragmentation index 0.961 ≥ vm.extfrag_threshold 0.500: fragmentation, not exhaustion — free pages were available"), "{}", f.summary);
    assert!(f.remediation[0].contains("vm.extfrag_threshold=200"));
    // Evidence: the headline and the zone's buddy line of the dump.
    assert_eq!(f.evidence.first().map(|e| e.text.as_str()), Some(HEADLINE));
    assert!(f.evidence.iter().any(|e| e.text == BUDDY_LINE && e.line == 11), "{:?}", f.evidence);
}

#[test]
fn buddyinfo_at_collection_when_no_dump() {
    let mut m = model_with(vec![seed3(None)]);
    m.snapshot.buddyinfo = Some(Buddyinfo {
        zones: vec![
            BuddyZone {
                node: 0,
                zone: "DMA".into(),
                free_blocks: vec![0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2],
                line: 1,
            },
            BuddyZone {
                node: 0,
                zone: "Normal".into(),
                free_blocks: vec![152_336, 150_000, 100_000, 20_000, 3000, 100, 0, 0, 0, 0, 0],
                line: 3,
            },
        ],
        unparsed: vec![],
    });
    let f = &AllocFailures.evaluate(&m).findings[0];
    // The DMA zone's order-8+ blocks do not count: its lowmem reserve keeps GFP_KERNEL out.
    assert!(f.summary.contains("At collection (buddyinfo): Node 0 Normal had 4.1 GiB free but no free block of order 6 or higher"), "{}", f.summary);
    assert!(f.title.ends_with("— fragmentation"));
    assert!(f.evidence.iter().any(|e| e.path == "proc/buddyinfo" && e.line == 3));
}

#[test]
fn exhausted_zone() {
    let dump = MemInfoDump {
        zones: vec![MemInfoZone {
            node: Some(0),
            zone: "Normal".into(),
            free_kb: Some(608),
            min_kb: Some(6040),
            buddy: Some(vec![100, 20, 3, 0, 0, 0, 0, 0, 0, 0, 0]),
            ..MemInfoZone::default()
        }],
        ..MemInfoDump::default()
    };
    let m = model_with(vec![seed3(Some(dump))]);
    let f = &AllocFailures.evaluate(&m).findings[0];
    assert!(f.title.ends_with("— exhaustion"), "{}", f.title);
    assert!(
        f.summary.contains("Node 0 Normal had only 608 kB free, at its min watermark (5.9 MiB)"),
        "{}",
        f.summary
    );
}

#[test]
fn hex_only_atomic_on_3_10() {
    let e = event_lines(
        1,
        EventFields::PageAllocFailure(PageAllocFailure {
            process: "swapper/0".into(),
            order: 2,
            gfp_mask: "0x20".into(),
            ..PageAllocFailure::default()
        }),
        &["swapper/0: page allocation failure: order:2, mode:0x20"],
    );
    let mut m = model_with(vec![e]);
    m.host.kernel = Some("3.10.0-1160.el7.x86_64".into());
    let f = &AllocFailures.evaluate(&m).findings[0];
    assert!(
        f.summary.contains(
            "GFP mode 0x20 (decoded with the pre-4.4 bit layout): atomic: could not sleep"
        ),
        "{}",
        f.summary
    );
    assert!(f.summary.contains("Neither a Mem-Info dump nor /proc/buddyinfo"));
    assert!(f.remediation.iter().any(|r| r.starts_with("Atomic allocations cannot reclaim")));
}
