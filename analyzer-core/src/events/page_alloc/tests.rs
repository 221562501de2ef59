use super::*;

fn head(msg: &str) -> PageAllocFailure {
    Builder::start(msg).expect("headline").finish()
}

#[test]
fn headlines_of_every_era() {
    let f = head("swapper: page allocation failure. order:1, mode:0x20");
    assert_eq!((f.process.as_str(), f.order, f.gfp_mask.as_str()), ("swapper", 1, "0x20"));
    assert!(f.gfp_flags.is_empty());
    let f = head("swapper/0: page allocation failure: order:2, mode:0x20");
    assert_eq!((f.process.as_str(), f.order), ("swapper/0", 2));
    let f = head(
        "kworker/0:1: page allocation failure: order:4, mode:0x14040c0(GFP_KERNEL|__GFP_COMP), nodemask=(null)",
    );
    assert_eq!(
        (
            f.process.as_str(),
            f.gfp_mask.as_str(),
            f.gfp_flags.as_slice(),
            f.nodemask.as_deref(),
            f.cpuset
        ),
        (
            "kworker/0:1",
            "0x14040c0",
            &["GFP_KERNEL".to_string(), "__GFP_COMP".to_string()][..],
            Some("(null)"),
            None
        )
    );
    let f = head(
        "kworker/0:1: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0",
    );
    assert_eq!((f.cpuset.as_deref(), f.mems_allowed.as_deref()), (Some("/"), Some("0")));
    assert_eq!(f.gfp_flags.len(), 3);
    let f = head(
        "java: page allocation stalls for 10496ms, order:0, mode:0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD)",
    );
    assert_eq!((f.kind, f.stall_ms, f.order), (AllocKind::Stall, Some(10496), 0));
    let f = head(
        "insmod: vmalloc: allocation failure: 17179869184 bytes, mode:0x24000c2(GFP_KERNEL|__GFP_HIGHMEM)",
    );
    assert_eq!((f.kind, f.size_bytes), (AllocKind::Vmalloc, Some(17_179_869_184)));
    let f = head(
        "modprobe: vmalloc error: size 8192, page order 1, failed to allocate pages, mode:0xdc0(GFP_KERNEL|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0",
    );
    assert_eq!(
        (f.kind, f.size_bytes, f.gfp_mask.as_str()),
        (AllocKind::Vmalloc, Some(8192), "0xdc0")
    );
    let f = head("insmod: vmalloc: allocation failure, allocated 4096 of 8192 bytes, mode:0xd0");
    assert_eq!(
        (f.kind, f.size_bytes, f.gfp_mask.as_str()),
        (AllocKind::Vmalloc, Some(8192), "0xd0")
    );
    for not in [
        "allocation failed: out of vmalloc space - use vmalloc=<size> to increase",
        "Dentry cache hash table entries: 2097152 (order: 12, 16777216 bytes, linear)",
        "AliYunDun invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
    ] {
        assert!(Builder::start(not).is_none(), "{not}");
    }
}

#[test]
fn separate_cpuset_line_and_pid_of_4_x() {
    let mut b = Builder::start(
        "kworker/0:1: page allocation failure: order:4, mode:0x14040c0(GFP_KERNEL|__GFP_COMP), nodemask=(null)",
    )
    .unwrap();
    assert_eq!(b.step("kworker/0:1 cpuset=/ mems_allowed=0"), Step::Take);
    assert_eq!(b.step("CPU: 0 PID: 42 Comm: kworker/0:1 Not tainted 4.15.18 #1"), Step::Take);
    let f = b.finish();
    assert_eq!(
        (f.cpuset.as_deref(), f.mems_allowed.as_deref(), f.pid),
        (Some("/"), Some("0"), Some(42))
    );
}

#[test]
fn mem_info_dump_ends_at_its_last_line() {
    let mut b = Builder::start("a.out: page allocation failure: order:4, mode:0x2080d0").unwrap();
    let lines = [
        "Pid: 2609, comm: a.out Not tainted 3.10.0 #1",
        "Call Trace:",
        " [<ffffffff82c2de0e>] dump_stack+0x46/0x58",
        "Mem-Info:",
        "Node 0 DMA per-cpu:",
        "CPU    0: hi:    0, btch:   1 usd:   0",
        "active_anon:1813257 inactive_anon:37301 isolated_anon:0",
        " free:23900 free_pcp:0 free_cma:0",
        "Node 0 DMA free:15900kB min:132kB low:164kB high:196kB active_anon:0kB present:15992kB managed:15908kB",
        "lowmem_reserve[]: 0 2801 7792 7792",
        "Node 0 DMA: 1*4kB (U) 1*8kB (U) 1*16kB (U) 0*32kB 2*64kB (U) 1*128kB (U) 1*256kB (U) 0*512kB 1*1024kB (U) 1*2048kB (R) 3*4096kB (M) = 15900kB",
        "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
        "100592 total pagecache pages",
        "0 pages in swap cache",
        "Swap cache stats: add 0, delete 0, find 0/0",
        "Free swap  = 0kB",
        "Total swap = 8003580kB",
        "2097151 pages RAM",
        "0 pages HighMem/MovableOnly",
        "94167 pages reserved",
    ];
    for l in lines {
        assert_eq!(b.step(l), Step::Take, "{l}");
    }
    assert_eq!(b.step("0 pages hwpoisoned"), Step::Done);
    let f = b.finish();
    assert_eq!(f.pid, Some(2609));
    let mem = f.mem_info.unwrap();
    assert_eq!(
        (mem.counters.get("active_anon"), mem.counters.get("free")),
        (Some(&1_813_257), Some(&23_900))
    );
    assert_eq!(mem.zones.len(), 1);
    let z = &mem.zones[0];
    assert_eq!(
        (z.node, z.zone.as_str(), z.free_kb, z.min_kb, z.low_kb, z.high_kb),
        (Some(0), "DMA", Some(15900), Some(132), Some(164), Some(196))
    );
    assert_eq!(
        (z.present_kb, z.managed_kb, z.buddy_total_kb),
        (Some(15992), Some(15908), Some(15900))
    );
    assert_eq!(z.buddy.as_deref(), Some(&[1, 1, 1, 0, 2, 1, 1, 0, 1, 1, 3][..]));
    assert_eq!(
        (mem.total_swap_kb, mem.pages_ram, mem.pages_reserved, mem.pagecache_pages),
        (Some(8_003_580), Some(2_097_151), Some(94_167), Some(100_592))
    );
}

#[test]
fn unrelated_line_ends_the_dump_and_zone_without_numa() {
    let mut p = MemInfoParser::default();
    assert_eq!(p.line("Mem-Info:"), MemStep::Take);
    assert_eq!(
        p.line("DMA free:3512kB min:64kB low:80kB high:96kB present:15992kB managed:15908kB"),
        MemStep::Take
    );
    assert_eq!(p.line("DMA: 2*4kB 1*8kB 0*16kB 1*32kB 0*64kB 1*128kB 1*256kB 0*512kB 1*1024kB 1*2048kB 0*4096kB 0*8192kB 0*16384kB 0*32768kB = 3512kB"), MemStep::Take);
    assert_eq!(p.line("atlantic 0000:01:00.0 enp1s0: device open failure"), MemStep::No);
    let mem = p.finish().unwrap();
    assert_eq!((mem.zones[0].node, mem.zones[0].buddy.as_ref().map(Vec::len)), (None, Some(14)));
}

#[test]
fn headline_split_from_its_task_name() {
    let mut b = Builder::start(
        "page allocation failure: order:0, mode:0x2084120(GFP_ATOMIC|__GFP_COLD|__GFP_COMP)",
    )
    .unwrap();
    assert_eq!(b.step("CPU: 7 PID: 111104 Comm: java Not tainted 4.9.24-coreos #1"), Step::Take);
    let f = b.finish();
    assert_eq!((f.process.as_str(), f.pid, f.order), ("java", Some(111104), 0));
}
