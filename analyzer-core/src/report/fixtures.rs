//! Hand-built reports for rendering tests (feature `fixtures`, and the library's own tests).
//!
//! [`compute_node`] is modelled on docs/SEED-CASES.md case 3 (an Ubuntu 18.04 compute node,
//! kernel 4.15.0-72-generic, hugepages reserved at boot): two hung tasks, an XFS metadata I/O
//! error and the log I/O shutdown that followed, a reboot, then two order-6 page allocation
//! failures with their Mem-Info dump; one finding of each severity; a full memory section.
//! [`hostile`] carries markup and control characters in every bundle string.

// Struct updates (`..Default::default()`) keep the fixtures compiling when the model gains
// fields, even where every field of today is given.
#![allow(clippy::needless_update)]

use std::collections::BTreeMap;

use super::{InputInfo, MemorySection, Report, SourceEntry, SourceStatus, Tool};
use crate::bundle::{InputFormat, InputKind};
use crate::model::{
    Event, EventFields, EventLine, EventTime, Evidence, Finding, HostFacts, HungTask, MemInfoDump,
    MemInfoZone, PageAllocFailure, Problem, Severity, SinceBoot, SourceRef, XfsClass, XfsError,
};
use crate::parse::buddyinfo::BuddyZone;
use crate::parse::free::{FreeBlock, FreeLayout, FreeRow};
use crate::parse::ps::CommandRss;
use crate::parse::slabinfo::SlabCache;
use crate::parse::zoneinfo::Zone;
use crate::source::SourceKind;

fn ts(text: &str) -> Option<jiff::Timestamp> {
    text.parse().ok()
}

fn time(wall: &str, since_boot_secs: u64, micros: u32, boot: u32) -> EventTime {
    EventTime {
        wall: ts(wall),
        since_boot: Some(SinceBoot::from_parts(since_boot_secs, micros)),
        boot,
        raw: format!("[{since_boot_secs:>6}.{micros:06}]"),
    }
}

fn lines(first: u64, texts: &[&str]) -> Vec<EventLine> {
    texts
        .iter()
        .zip(first..)
        .map(|(text, line)| EventLine { line, text: (*text).to_string() })
        .collect()
}

fn evidence(path: &str, lines: &[EventLine]) -> Vec<Evidence> {
    lines
        .iter()
        .map(|l| Evidence { path: path.to_string(), line: l.line, text: l.text.clone() })
        .collect()
}

fn source(
    path: &str,
    kind: SourceKind,
    status: SourceStatus,
    lines: u64,
    unparsed: u64,
) -> SourceEntry {
    SourceEntry {
        path: path.to_string(),
        kind,
        status,
        size: (status != SourceStatus::Missing).then_some(lines.saturating_mul(87)),
        lines,
        unparsed_lines: unparsed,
    }
}

const KERN_LOG_1: &str = "var/log/kern.log.1";
const KERN_LOG: &str = "var/log/kern.log";
const DMESG: &str = "sos_commands/kernel/dmesg";

fn hung_task_events() -> Vec<Event> {
    let jbd2 = lines(
        48_211,
        &[
            "Oct  3 11:20:41 compute6 kernel: [192041.223344] INFO: task jbd2/dm-0-8:517 blocked for more than 120 seconds.",
            "Oct  3 11:20:41 compute6 kernel: [192041.230121]       Not tainted 4.15.0-72-generic #81-Ubuntu",
            "Oct  3 11:20:41 compute6 kernel: [192041.236903] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
            "Oct  3 11:20:41 compute6 kernel: [192041.244931] jbd2/dm-0-8     D    0   517      2 0x80000000",
            "Oct  3 11:20:41 compute6 kernel: [192041.244934] Call Trace:",
            "Oct  3 11:20:41 compute6 kernel: [192041.244944]  __schedule+0x24e/0x880",
            "Oct  3 11:20:41 compute6 kernel: [192041.244948]  schedule+0x2c/0x80",
            "Oct  3 11:20:41 compute6 kernel: [192041.244953]  jbd2_journal_commit_transaction+0x263/0x1780",
            "Oct  3 11:20:41 compute6 kernel: [192041.244961]  kjournald2+0xc8/0x270",
            "Oct  3 11:20:41 compute6 kernel: [192041.244966]  kthread+0x121/0x140",
            "Oct  3 11:20:41 compute6 kernel: [192041.244970]  ret_from_fork+0x35/0x40",
        ],
    );
    let xfsaild = lines(
        48_262,
        &[
            "Oct  3 11:22:41 compute6 kernel: [192161.301127] INFO: task xfsaild/dm-3:1290 blocked for more than 120 seconds.",
            "Oct  3 11:22:41 compute6 kernel: [192161.307884]       Not tainted 4.15.0-72-generic #81-Ubuntu",
            "Oct  3 11:22:41 compute6 kernel: [192161.314661] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
            "Oct  3 11:22:41 compute6 kernel: [192161.322690] xfsaild/dm-3    D    0  1290      2 0x80000000",
            "Oct  3 11:22:41 compute6 kernel: [192161.322693] Call Trace:",
            "Oct  3 11:22:41 compute6 kernel: [192161.322701]  __schedule+0x24e/0x880",
            "Oct  3 11:22:41 compute6 kernel: [192161.322705]  schedule+0x2c/0x80",
            "Oct  3 11:22:41 compute6 kernel: [192161.322760]  _xfs_log_force+0x1d6/0x2a0 [xfs]",
            "Oct  3 11:22:41 compute6 kernel: [192161.322814]  xfsaild+0x1a6/0x7a0 [xfs]",
            "Oct  3 11:22:41 compute6 kernel: [192161.322820]  kthread+0x121/0x140",
            "Oct  3 11:22:41 compute6 kernel: [192161.322824]  ret_from_fork+0x35/0x40",
        ],
    );
    vec![
        Event {
            id: "e1".into(),
            time: time("2019-10-03T11:20:41Z", 192_041, 223_344, 0),
            sources: vec![SourceRef { path: KERN_LOG_1.into(), line: 48_211 }],
            raw: jbd2[0].text.clone(),
            fields: EventFields::HungTask(HungTask {
                task: "jbd2/dm-0-8".into(),
                pid: 517,
                blocked_secs: 120,
                state: Some("D".into()),
                tainted: Some("Not tainted 4.15.0-72-generic #81-Ubuntu".into()),
                call_trace: vec![
                    "__schedule+0x24e/0x880".into(),
                    "schedule+0x2c/0x80".into(),
                    "jbd2_journal_commit_transaction+0x263/0x1780".into(),
                    "kjournald2+0xc8/0x270".into(),
                    "kthread+0x121/0x140".into(),
                    "ret_from_fork+0x35/0x40".into(),
                ],
                ..HungTask::default()
            }),
            lines: jbd2,
        },
        Event {
            id: "e2".into(),
            time: time("2019-10-03T11:22:41Z", 192_161, 301_127, 0),
            sources: vec![SourceRef { path: KERN_LOG_1.into(), line: 48_262 }],
            raw: xfsaild[0].text.clone(),
            fields: EventFields::HungTask(HungTask {
                task: "xfsaild/dm-3".into(),
                pid: 1290,
                blocked_secs: 120,
                state: Some("D".into()),
                tainted: Some("Not tainted 4.15.0-72-generic #81-Ubuntu".into()),
                call_trace: vec![
                    "__schedule+0x24e/0x880".into(),
                    "schedule+0x2c/0x80".into(),
                    "_xfs_log_force+0x1d6/0x2a0 [xfs]".into(),
                    "xfsaild+0x1a6/0x7a0 [xfs]".into(),
                    "kthread+0x121/0x140".into(),
                    "ret_from_fork+0x35/0x40".into(),
                ],
                ..HungTask::default()
            }),
            lines: xfsaild,
        },
    ]
}

fn xfs_events() -> Vec<Event> {
    let io = lines(
        48_301,
        &[
            "Oct  3 11:25:01 compute6 kernel: [192301.004512] XFS (dm-3): metadata I/O error in \"xlog_iodone\" at daddr 0x2f5a0a8 len 64 error 5",
        ],
    );
    let shutdown = lines(
        48_302,
        &[
            "Oct  3 11:25:02 compute6 kernel: [192302.118034] XFS (dm-3): xfs_do_force_shutdown(0x2) called from line 1271 of file fs/xfs/xfs_log.c. Return address = 000000003a5e6f0c",
            "Oct  3 11:25:02 compute6 kernel: [192302.118102] XFS (dm-3): Log I/O Error Detected. Shutting down filesystem",
            "Oct  3 11:25:02 compute6 kernel: [192302.118140] XFS (dm-3): Please unmount the filesystem and rectify the problem(s)",
        ],
    );
    vec![
        Event {
            id: "e3".into(),
            time: time("2019-10-03T11:25:01Z", 192_301, 4_512, 0),
            sources: vec![SourceRef { path: KERN_LOG_1.into(), line: 48_301 }],
            raw: io[0].text.clone(),
            fields: EventFields::XfsError(XfsError {
                device: Some("dm-3".into()),
                class: XfsClass::IoError,
                errno: Some(5),
                location: Some("xlog_iodone".into()),
                block: Some("0x2f5a0a8".into()),
                ..XfsError::default()
            }),
            lines: io,
        },
        Event {
            id: "e4".into(),
            time: time("2019-10-03T11:25:02Z", 192_302, 118_034, 0),
            sources: vec![SourceRef { path: KERN_LOG_1.into(), line: 48_302 }],
            raw: shutdown[0].text.clone(),
            fields: EventFields::XfsError(XfsError {
                device: Some("dm-3".into()),
                class: XfsClass::Shutdown,
                location: Some("fs/xfs/xfs_log.c:1271".into()),
                shutdown_flags: Some("0x2".into()),
                repair_advice: Some(
                    "Please unmount the filesystem and rectify the problem(s)".into(),
                ),
                ..XfsError::default()
            }),
            lines: shutdown,
        },
    ]
}

fn mem_info_dump() -> MemInfoDump {
    let zone = |node, zone: &str, free, min, low, high, managed, buddy: &[u64]| MemInfoZone {
        node: Some(node),
        zone: zone.to_string(),
        free_kb: Some(free),
        min_kb: Some(min),
        low_kb: Some(low),
        high_kb: Some(high),
        managed_kb: Some(managed),
        buddy: Some(buddy.to_vec()),
        ..MemInfoZone::default()
    };
    MemInfoDump {
        zones: vec![
            zone(0, "DMA", 15848, 0, 12, 24, 15908, &[0, 1, 1, 0, 2, 1, 1, 0, 1, 1, 3]),
            zone(
                0,
                "DMA32",
                1684468,
                92,
                3060,
                6028,
                2969652,
                &[1263, 1021, 856, 712, 544, 318, 96, 21, 4, 0, 0],
            ),
            zone(
                0,
                "Normal",
                4254144,
                6040,
                12316,
                18592,
                195026548,
                &[851234, 98112, 5231, 402, 37, 3, 0, 0, 0, 0, 0],
            ),
            zone(
                1,
                "Normal",
                3924816,
                6132,
                12508,
                18884,
                198081280,
                &[790112, 80123, 12011, 1201, 88, 2, 0, 0, 0, 0, 0],
            ),
        ],
        counters: [
            ("active_anon", 3_995_030),
            ("inactive_anon", 60_094),
            ("active_file", 1_247_320),
            ("inactive_file", 1_998_362),
            ("free", 2_469_819),
            ("slab_reclaimable", 455_576),
            ("slab_unreclaimable", 299_696),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        ..MemInfoDump::default()
    }
}

fn alloc_failure_events() -> Vec<Event> {
    let first = lines(
        1_904,
        &[
            "[1670961.652627] qemu-system-x86: page allocation failure: order:6, mode:0x140c0c0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null)",
            "[1670961.652631] qemu-system-x86 cpuset=/ mems_allowed=0-1",
            "[1670961.652636] CPU: 17 PID: 48213 Comm: qemu-system-x86 Not tainted 4.15.0-72-generic #81-Ubuntu",
            "[1670961.652700] Node 0 Normal free:4254144kB min:6040kB low:12316kB high:18592kB active_anon:7950600kB inactive_anon:120188kB active_file:2494640kB inactive_file:3996724kB unevictable:0kB writepending:1484kB present:198180864kB managed:195026548kB mlocked:0kB kernel_stack:28416kB pagetables:110732kB bounce:0kB free_pcp:3104kB local_pcp:124kB free_cma:0kB",
            "[1670961.652760] Node 0 Normal: 851234*4kB (UME) 98112*8kB (UME) 5231*16kB (UME) 402*32kB (UME) 37*64kB (UM) 3*128kB (M) 0*256kB 0*512kB 0*1024kB 0*2048kB 0*4096kB = 4254144kB",
        ],
    );
    let second = lines(
        2_388,
        &[
            "[1671898.103921] qemu-system-x86: page allocation failure: order:6, mode:0x140c0c0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null)",
        ],
    );
    let fields = |pid| {
        EventFields::PageAllocFailure(PageAllocFailure {
            process: "qemu-system-x86".into(),
            pid: Some(pid),
            order: 6,
            gfp_mask: "0x140c0c0".into(),
            gfp_flags: vec!["GFP_KERNEL".into(), "__GFP_COMP".into(), "__GFP_ZERO".into()],
            nodemask: Some("(null)".into()),
            mem_info: Some(mem_info_dump()),
            call_trace: vec![
                "dump_stack+0x63/0x8e".into(),
                "warn_alloc+0x102/0x1a0".into(),
                "__alloc_pages_slowpath+0xe06/0xe30".into(),
                "__alloc_pages_nodemask+0x260/0x280".into(),
                "kvm_arch_vcpu_create+0x5a/0x70 [kvm]".into(),
            ],
            ..PageAllocFailure::default()
        })
    };
    vec![
        Event {
            id: "e5".into(),
            time: time("2019-10-22T19:49:33Z", 1_670_961, 652_627, 1),
            sources: vec![
                SourceRef { path: DMESG.into(), line: 1_904 },
                SourceRef { path: KERN_LOG.into(), line: 91_337 },
            ],
            raw: first[0].text.clone(),
            fields: fields(48_213),
            lines: first,
        },
        Event {
            id: "e6".into(),
            time: time("2019-10-22T20:05:10Z", 1_671_898, 103_921, 1),
            sources: vec![
                SourceRef { path: DMESG.into(), line: 2_388 },
                SourceRef { path: KERN_LOG.into(), line: 91_821 },
            ],
            raw: second[0].text.clone(),
            fields: {
                let mut f = fields(48_377);
                if let EventFields::PageAllocFailure(p) = &mut f {
                    p.mem_info = None;
                }
                f
            },
            lines: second,
        },
    ]
}

fn findings(events: &[Event]) -> Vec<Finding> {
    let lines_of = |id: &str| -> Vec<EventLine> {
        events.iter().find(|e| e.id == id).map(|e| e.lines.clone()).unwrap_or_default()
    };
    let path_of = |id: &str| -> String {
        events
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.sources.first())
            .map(|s| s.path.clone())
            .unwrap_or_default()
    };
    let mut xfs = evidence(&path_of("e3"), &lines_of("e3"));
    xfs.extend(evidence(&path_of("e4"), &lines_of("e4")));
    let mut hung = evidence(&path_of("e1"), &lines_of("e1"));
    hung.extend(evidence(&path_of("e2"), &lines_of("e2")));
    let mut alloc = evidence(&path_of("e5"), &lines_of("e5"));
    alloc.extend(evidence(&path_of("e6"), &lines_of("e6")));
    vec![
        Finding {
            rule_id: "xfs.shutdown".into(),
            severity: Severity::Critical,
            title: "XFS filesystem dm-3 shut down after a log I/O error".into(),
            summary: "dm-3 reported a metadata I/O error (EIO) in xlog_iodone at 2019-10-03 11:25:01 UTC and XFS forced a shutdown one second later (flags 0x2, log I/O error). Everything on dm-3 failed with EIO until it was unmounted.".into(),
            event_ids: vec!["e3".into(), "e4".into()],
            evidence: xfs,
            remediation: vec![
                "Check the block device under dm-3 (multipath, SAN or disk errors in the log just before 11:25:01).".into(),
                "Unmount dm-3, run `xfs_repair -n` and then `xfs_repair` if it reports damage.".into(),
            ],
        },
        Finding {
            rule_id: "kernel.hung_task".into(),
            severity: Severity::Error,
            title: "2 tasks blocked for more than 120 seconds".into(),
            summary: "jbd2/dm-0-8 (pid 517) and xfsaild/dm-3 (pid 1290) were stuck in D state on 2019-10-03 between 11:20:41 and 11:22:41 UTC, waiting for journal and log I/O, minutes before dm-3 shut down.".into(),
            event_ids: vec!["e1".into(), "e2".into()],
            evidence: hung,
            remediation: vec![
                "Look at storage latency and errors around the first report: the traces wait on journal and log writes.".into(),
            ],
        },
        Finding {
            rule_id: "mm.page_alloc_failure".into(),
            severity: Severity::Error,
            title: "Order-6 page allocations failed with 4.1 GiB free in Node 0 Normal".into(),
            summary: "qemu-system-x86 failed 2 order-6 (256 KiB) allocations on 2019-10-22. Node 0 Normal had 4254144 kB free but no free block of order 6 or above: the failure is fragmentation, not exhaustion.".into(),
            event_ids: vec!["e5".into(), "e6".into()],
            evidence: alloc,
            remediation: vec![
                "Raise vm.watermark_scale_factor (e.g. 50) so kswapd and compaction start earlier.".into(),
                "Lower vm.extfrag_threshold (e.g. 200) to prefer compaction over reclaim.".into(),
            ],
        },
        Finding {
            rule_id: "mm.watermark_gap".into(),
            severity: Severity::Warning,
            title: "Watermarks of Node 0 Normal and Node 1 Normal are far below what their size gives".into(),
            summary: "The gap between min and low is 1569 pages in Node 0 Normal where managed × watermark_scale_factor / 10000 gives 48756: the watermarks were computed while the boot-time hugepages were still held. kswapd wakes too late.".into(),
            event_ids: Vec::new(),
            evidence: vec![
                Evidence { path: "proc/zoneinfo".into(), line: 128, text: "Node 0, zone   Normal".into() },
                Evidence { path: "proc/zoneinfo".into(), line: 159, text: "  pages free     1063536".into() },
                Evidence { path: "proc/zoneinfo".into(), line: 160, text: "        min      1510".into() },
                Evidence { path: "proc/zoneinfo".into(), line: 161, text: "        low      3079".into() },
                Evidence { path: "proc/zoneinfo".into(), line: 162, text: "        high     4648".into() },
                Evidence { path: "proc/zoneinfo".into(), line: 166, text: "        managed  48756637".into() },
            ],
            remediation: vec![
                "Write vm.watermark_scale_factor again (`sysctl -w vm.watermark_scale_factor=10`) to recompute the watermarks, or set it to 50.".into(),
            ],
        },
        Finding {
            rule_id: "mm.hugepages".into(),
            severity: Severity::Info,
            title: "336.0 GiB (89%) of RAM is reserved for 2 MiB hugepages".into(),
            summary: "172032 hugepages of 2048 kB were reserved at boot (hugepages=172032 on the kernel command line); 10240 are free.".into(),
            event_ids: Vec::new(),
            evidence: vec![
                Evidence { path: "proc/meminfo".into(), line: 37, text: "HugePages_Total:   172032".into() },
                Evidence { path: "proc/meminfo".into(), line: 38, text: "HugePages_Free:     10240".into() },
                Evidence { path: "proc/cmdline".into(), line: 1, text: "BOOT_IMAGE=/boot/vmlinuz-4.15.0-72-generic root=UUID=3f1d0e5a-6a4e-4bb2-9d7c-2a9b7f0f7c11 ro default_hugepagesz=2M hugepagesz=2M hugepages=172032 transparent_hugepage=never".into() },
            ],
            remediation: Vec::new(),
        },
    ]
}

#[allow(clippy::too_many_arguments)]
fn zone(
    node: u32,
    name: &str,
    free: u64,
    min: u64,
    low: u64,
    high: u64,
    spanned: u64,
    present: u64,
    managed: u64,
    line: u64,
) -> Zone {
    Zone {
        node,
        zone: name.to_string(),
        free: Some(free),
        min: Some(min),
        low: Some(low),
        high: Some(high),
        spanned: Some(spanned),
        present: Some(present),
        managed: Some(managed),
        line,
        ..Zone::default()
    }
}

fn slab(
    name: &str,
    num_objs: u64,
    active_objs: u64,
    objsize: u64,
    objperslab: u64,
    pagesperslab: u64,
    line: u64,
) -> SlabCache {
    let num_slabs = num_objs / objperslab.max(1);
    SlabCache {
        name: name.to_string(),
        active_objs,
        num_objs,
        objsize,
        objperslab,
        pagesperslab,
        active_slabs: num_slabs,
        num_slabs,
        bytes: num_slabs * pagesperslab * 4096,
        line,
        ..SlabCache::default()
    }
}

fn memory() -> MemorySection {
    let meminfo: BTreeMap<String, u64> = [
        ("MemTotal", 395_919_876),
        ("MemFree", 9_112_480),
        ("MemAvailable", 21_844_624),
        ("Buffers", 412_308),
        ("Cached", 14_204_440),
        ("SwapCached", 0),
        ("Active", 20_969_400),
        ("Inactive", 8_233_824),
        ("Active(anon)", 15_980_120),
        ("Inactive(anon)", 240_376),
        ("Active(file)", 4_989_280),
        ("Inactive(file)", 7_993_448),
        ("Unevictable", 0),
        ("Mlocked", 0),
        ("SwapTotal", 0),
        ("SwapFree", 0),
        ("Dirty", 1_484),
        ("Writeback", 0),
        ("AnonPages", 16_220_496),
        ("Mapped", 402_112),
        ("Shmem", 61_440),
        ("Slab", 3_021_088),
        ("SReclaimable", 1_822_304),
        ("SUnreclaim", 1_198_784),
        ("KernelStack", 48_128),
        ("PageTables", 221_460),
        ("CommitLimit", 21_799_168),
        ("Committed_AS", 39_012_888),
        ("HugePages_Total", 172_032),
        ("HugePages_Free", 10_240),
        ("HugePages_Rsvd", 0),
        ("HugePages_Surp", 0),
        ("Hugepagesize", 2048),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let kib = |v: u64| Some(v * 1024);
    MemorySection {
        meminfo,
        free: Some(FreeBlock {
            layout: FreeLayout::New,
            unit: "KiB".into(),
            mem: FreeRow {
                total: kib(395_919_876),
                used: kib(372_190_648),
                free: kib(9_112_480),
                shared: kib(61_440),
                buff_cache: kib(14_616_748),
                available: kib(21_844_624),
                ..FreeRow::default()
            },
            swap: Some(FreeRow { total: kib(0), used: kib(0), free: kib(0), ..FreeRow::default() }),
            ..FreeBlock::default()
        }),
        zoneinfo: vec![
            zone(0, "DMA", 3962, 0, 3, 6, 4095, 3998, 3977, 1),
            zone(0, "DMA32", 421_117, 23, 765, 1507, 1_044_480, 759_829, 742_413, 44),
            zone(0, "Normal", 1_063_536, 1510, 3079, 4648, 49_545_216, 49_545_216, 48_756_637, 128),
            zone(0, "Movable", 0, 0, 0, 0, 0, 0, 0, 290),
            zone(1, "Normal", 981_204, 1533, 3127, 4721, 50_331_648, 50_331_648, 49_520_320, 312),
        ],
        buddyinfo: vec![
            BuddyZone {
                node: 0,
                zone: "DMA".into(),
                free_blocks: vec![0, 1, 1, 0, 2, 1, 1, 0, 1, 1, 3],
                line: 1,
            },
            BuddyZone {
                node: 0,
                zone: "DMA32".into(),
                free_blocks: vec![1263, 1021, 856, 712, 544, 318, 96, 21, 4, 0, 0],
                line: 2,
            },
            BuddyZone {
                node: 0,
                zone: "Normal".into(),
                free_blocks: vec![851_234, 98_112, 5231, 402, 37, 3, 0, 0, 0, 0, 0],
                line: 3,
            },
            BuddyZone {
                node: 1,
                zone: "Normal".into(),
                free_blocks: vec![790_112, 80_123, 12_011, 1201, 88, 2, 0, 0, 0, 0, 0],
                line: 4,
            },
        ],
        slab_top: vec![
            slab("xfs_inode", 1_050_112, 1_049_870, 960, 32, 8, 201),
            slab("dentry", 2_688_000, 2_651_338, 192, 21, 1, 37),
            slab("radix_tree_node", 616_000, 612_454, 576, 28, 4, 44),
            slab("inode_cache", 270_000, 268_911, 592, 27, 4, 40),
            slab("kmalloc-64", 2_150_400, 2_101_229, 64, 64, 1, 131),
            slab("buffer_head", 1_170_000, 1_101_356, 104, 39, 1, 55),
        ],
        vm_sysctls: [
            ("vm.dirty_background_ratio", "10"),
            ("vm.dirty_ratio", "20"),
            ("vm.extfrag_threshold", "500"),
            ("vm.min_free_kbytes", "16614"),
            ("vm.nr_hugepages", "172032"),
            ("vm.overcommit_memory", "0"),
            ("vm.swappiness", "60"),
            ("vm.vfs_cache_pressure", "100"),
            ("vm.watermark_scale_factor", "10"),
            ("vm.zone_reclaim_mode", "0"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        ps_top: vec![
            CommandRss { command: "nova-api-metadata".into(), processes: 161, rss_kb: 14_680_064 },
            CommandRss { command: "ceph-osd".into(), processes: 4, rss_kb: 6_291_456 },
            CommandRss { command: "qemu-system-x86_64".into(), processes: 12, rss_kb: 1_610_612 },
            CommandRss {
                command: "neutron-openvswitch-agent".into(),
                processes: 1,
                rss_kb: 190_412,
            },
            CommandRss { command: "ovs-vswitchd".into(), processes: 1, rss_kb: 171_820 },
        ],
    }
}

/// The compute node of docs/SEED-CASES.md case 3, with a hung-task episode and an XFS
/// shutdown in the boot before.
pub fn compute_node() -> Report {
    let mut events = hung_task_events();
    events.extend(xfs_events());
    events.extend(alloc_failure_events());
    let findings = findings(&events);
    Report {
        schema_version: super::SCHEMA_VERSION,
        tool: Tool { name: "sosalyzer".into(), version: "0.1.0".into() },
        input: InputInfo {
            path: "/cases/01234567/sosreport-compute6-01234567-2019-10-23-xkqzjtb.tar.xz".into(),
            kind: InputKind::Sosreport,
            format: InputFormat::TarXz,
        },
        host: HostFacts {
            hostname: Some("compute6".into()),
            kernel: Some("4.15.0-72-generic".into()),
            sos_version: Some("3.9".into()),
            collected_at: ts("2019-10-23T08:02:11Z"),
            boot_time: ts("2019-10-03T11:40:12Z"),
            uptime_secs: Some(1_714_919),
            ..HostFacts::default()
        },
        sources: vec![
            source(DMESG, SourceKind::Dmesg, SourceStatus::Parsed, 4_012, 0),
            source(KERN_LOG, SourceKind::Syslog, SourceStatus::Parsed, 98_554, 0),
            source(KERN_LOG_1, SourceKind::Syslog, SourceStatus::Parsed, 120_731, 0),
            source("var/log/syslog", SourceKind::Syslog, SourceStatus::Truncated, 1_204_332, 0),
            source(
                "sos_commands/logs/journalctl_--no-pager",
                SourceKind::Journal,
                SourceStatus::Missing,
                0,
                0,
            ),
            source("proc/meminfo", SourceKind::Meminfo, SourceStatus::Parsed, 48, 0),
            source("sos_commands/memory/free", SourceKind::Free, SourceStatus::Parsed, 3, 0),
            source("proc/zoneinfo", SourceKind::Zoneinfo, SourceStatus::Parsed, 1_711, 0),
            source("proc/buddyinfo", SourceKind::Buddyinfo, SourceStatus::Parsed, 4, 0),
            source("proc/pagetypeinfo", SourceKind::Pagetypeinfo, SourceStatus::Unreadable, 0, 0),
            source("proc/slabinfo", SourceKind::Slabinfo, SourceStatus::Parsed, 212, 1),
            source("proc/vmstat", SourceKind::Vmstat, SourceStatus::Parsed, 146, 0),
            source(
                "sos_commands/kernel/sysctl_-a",
                SourceKind::Sysctl,
                SourceStatus::Parsed,
                1_032,
                0,
            ),
            source("proc/cmdline", SourceKind::Cmdline, SourceStatus::Parsed, 1, 0),
            source(
                "sos_commands/process/ps_auxwww",
                SourceKind::Ps,
                SourceStatus::Parsed,
                1_388,
                0,
            ),
        ],
        events,
        findings,
        memory: memory(),
        problems: vec![
            Problem::file(
                "var/log/syslog",
                "tailed by sos: only the last 100 MiB are in the bundle",
            ),
            Problem::file("proc/pagetypeinfo", "unreadable member: archive entry is truncated"),
            Problem::line("proc/slabinfo", 212, "unparsed line: \"# end\""),
        ],
    }
}

/// A report whose every bundle string tries to inject markup: `<script>`, an attribute
/// breakout with an `onerror` handler, Markdown pipes and backticks, a terminal escape.
pub fn hostile() -> Report {
    let mut report = compute_node();
    let script = "<script>alert(1)</script>";
    let breakout = "\"><img src=x onerror=alert(2)>";
    report.host.hostname = Some(format!("{script}{breakout}"));
    report.host.kernel = Some("4.15.0 | `uname` \x1b[31mred\x1b[0m".into());
    report.input.path = format!("/tmp/{breakout}.tar.xz");
    let line = format!(
        "Oct  3 11:20:41 h kernel: {breakout} {script} | ``` `rm -rf` [x](javascript:alert(3))"
    );
    if let Some(event) = report.events.first_mut() {
        event.raw = line.clone();
        event.id = format!("e1{breakout}");
        if let Some(source) = event.sources.first_mut() {
            source.path = format!("var/log/{script}");
        }
    }
    if let Some(finding) = report.findings.first_mut() {
        finding.title = format!("Title {script}");
        finding.summary = format!("Summary {breakout} | pipe");
        finding.rule_id = format!("rule|`{script}`");
        finding.evidence.insert(
            0,
            Evidence { path: format!("var/log/{breakout}"), line: 7, text: line.clone() },
        );
        finding.remediation.push(format!("Run {script}"));
    }
    if let Some(cache) = report.memory.slab_top.first_mut() {
        cache.name = script.to_string();
    }
    if let Some(process) = report.memory.ps_top.first_mut() {
        process.command = breakout.to_string();
    }
    report.memory.vm_sysctls.insert(format!("vm.{script}"), breakout.to_string());
    report.problems.push(Problem::line(
        format!("var/log/{script}"),
        3,
        format!("bad line {breakout}"),
    ));
    report
}
