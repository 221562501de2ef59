use super::*;
use crate::model::{EventKind, XfsClass};

/// Feeds lines whose prefix is `[  12.345678] ` (stripped) or absent (passed as is).
fn assemble(lines: &[&str]) -> (Vec<Assembled<u64>>, Assembler<u64>) {
    let mut asm = Assembler::new();
    let mut out = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let msg = raw.split_once("] ").map_or(*raw, |(_, m)| m);
        let n = i as u64 + 1;
        asm.push(n, raw, msg, &n, &mut out);
    }
    asm.finish(&mut out);
    (out, asm)
}

fn kinds(events: &[Assembled<u64>]) -> Vec<EventKind> {
    events.iter().map(|e| e.fields.kind()).collect()
}

#[test]
fn each_headline_is_an_event_and_ends_the_one_before() {
    let (events, _) = assemble(&[
        "[  246.752114] INFO: task jbd2/vda2-8:472 blocked for more than 120 seconds.",
        "[  246.754270]       Not tainted 4.14.25 #1-NixOS",
        "[  246.755629] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
        "[  246.758203] INFO: task umount:482 blocked for more than 120 seconds.",
        "[  246.760126]       Not tainted 4.14.25 #1-NixOS",
        "[  290.136131] reboot: Power down",
    ]);
    assert_eq!(kinds(&events), [EventKind::HungTask, EventKind::HungTask]);
    assert_eq!((events[0].line, events[0].lines.len(), events[0].stamp), (1, 3, 1));
    assert_eq!((events[1].line, events[1].lines.len()), (4, 2));
    assert_eq!(
        events[1].raw,
        "[  246.758203] INFO: task umount:482 blocked for more than 120 seconds."
    );
}

#[test]
fn console_noise_inside_a_trace_does_not_end_it_but_a_run_of_it_does() {
    let (events, asm) = assemble(&[
        "[  1.0] INFO: task a:1 blocked for more than 120 seconds.",
        "[  1.0] Call Trace:",
        "[  1.0]  schedule+0x29/0x70",
        "[  1.1] e1000: eth0 link up",
        "[  1.1]  io_schedule+0x42/0x70",
        "[  2.0] systemd[1]: one",
        "[  2.0] systemd[1]: two",
        "[  2.0] systemd[1]: three",
        "[  2.0]  kthread+0x11b/0x140",
    ]);
    assert_eq!(events.len(), 1);
    let EventFields::HungTask(t) = &events[0].fields else { panic!("hung task") };
    assert_eq!(t.call_trace, ["schedule+0x29/0x70", "io_schedule+0x42/0x70"]);
    assert_eq!(events[0].lines.len(), 4);
    assert!(!asm.is_open());
}

#[test]
fn truncated_report_is_finished_at_end_of_source() {
    let mut asm = Assembler::new();
    let mut out = Vec::new();
    asm.push(
        7,
        "INFO: task a:1 blocked for more than 120 seconds.",
        "INFO: task a:1 blocked for more than 120 seconds.",
        &(),
        &mut out,
    );
    assert!(asm.is_open() && out.is_empty());
    asm.finish(&mut out);
    assert_eq!((out.len(), out[0].line), (1, 7));
    assert!(!asm.is_open());
}

#[test]
fn suppression_notice_is_recorded() {
    let (events, asm) = assemble(&[
        "[ 9.0] INFO: task a:1 blocked for more than 122 seconds.",
        "[ 9.0] Call Trace:",
        "[ 9.0]  <TASK>",
        "[ 9.0]  schedule+0x29/0x70",
        "[ 9.0]  </TASK>",
        "[ 9.0] Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings",
    ]);
    let EventFields::HungTask(t) = &events[0].fields else { panic!("hung task") };
    assert!(t.reports_suppressed && asm.hung_task_reports_suppressed());
    let (_, asm) = assemble(&[
        "Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings",
    ]);
    assert!(asm.hung_task_reports_suppressed());
}

#[test]
fn oops_then_panic_then_block_errors() {
    let (events, _) = assemble(&[
        "[ 5.0] BUG: unable to handle kernel NULL pointer dereference at 0000000000000008",
        "[ 5.0] IP: [<ffffffffa01b2c3d>] xfs_trans_cancel+0x1d/0x40 [xfs]",
        "[ 5.0] Oops: 0000 [#1] SMP",
        "[ 5.0] Pid: 812, comm: rm Not tainted 2.6.32-220.el6.x86_64 #1",
        "[ 5.0] Call Trace:",
        "[ 5.0]  [<ffffffffa01b2c3d>] ? xfs_inactive+0x9a/0x140 [xfs]",
        "[ 5.0] Kernel panic - not syncing: Fatal exception",
        "[ 6.0] blk_update_request: I/O error, dev sda, sector 2048",
        "[ 6.0] blk_update_request: I/O error, dev sda, sector 2048",
        "[ 7.0] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:1:99]",
    ]);
    assert_eq!(
        kinds(&events),
        [
            EventKind::KernelOops,
            EventKind::KernelPanic,
            EventKind::BlockIoError,
            EventKind::BlockIoError,
            EventKind::SoftLockup
        ]
    );
    let EventFields::KernelOops(o) = &events[0].fields else { panic!("oops") };
    assert_eq!((o.process.as_deref(), o.pid), (Some("rm"), Some(812)));
    assert_eq!(o.location.as_deref(), Some("xfs_trans_cancel+0x1d/0x40 [xfs]"));
    assert_eq!(events[0].lines.len(), 6);
}

#[test]
fn xfs_frames_in_a_hung_task_are_no_xfs_event() {
    let (events, _) = assemble(&[
        "[ 1.0] INFO: task kworker/15:1:181 blocked for more than 122 seconds.",
        "[ 1.0] task:kworker/15:1    state:D stack:    0 pid:  181 ppid:     2 flags:0x00004000",
        "[ 1.0] Workqueue: xfs-sync/dm-1 xfs_log_worker [xfs]",
        "[ 1.0] Call Trace:",
        "[ 1.0]  xfs_log_force+0x7a/0x1b0 [xfs]",
        "[ 2.0] XFS (dm-1): metadata I/O error in \"xlog_iodone\" at daddr 0x1 len 8 error 5",
    ]);
    assert_eq!(kinds(&events), [EventKind::HungTask, EventKind::XfsError]);
    let EventFields::HungTask(t) = &events[0].fields else { panic!("hung task") };
    assert_eq!(t.workqueue.as_deref(), Some("xfs-sync/dm-1 xfs_log_worker [xfs]"));
}

#[test]
fn a_headline_of_another_kind_is_never_swallowed() {
    let (events, _) = assemble(&[
        "[ 1.0] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
        "[ 1.0] rcu: \t1-...!: (0 ticks this GP) idle=cf8/0/0x0 softirq=20/20 fqs=0",
        "[ 2.0] INFO: task rcu_tasks_kthre:10 blocked for more than 120 seconds.",
        "[ 2.0] XFS (dm-0): metadata I/O error in \"xlog_iodone\" at daddr 0x1 len 8 error 5",
        "[ 3.0] Out of memory: Killed process 4321 (xfs_io) total-vm:2000kB, anon-rss:1600kB",
    ]);
    assert_eq!(
        kinds(&events),
        [EventKind::RcuStall, EventKind::HungTask, EventKind::XfsError, EventKind::OomKill]
    );
}

#[test]
fn triggers_cover_every_headline() {
    for headline in [
        "INFO: task a:1 blocked for more than 120 seconds.",
        "a: page allocation failure: order:0, mode:0x20",
        "a: vmalloc error: size 8192, page order 1, failed to allocate pages, mode:0xdc0(GFP_KERNEL)",
        "XFS (sda): metadata I/O error in \"x\" at daddr 0x1 len 8 error 5",
        "xfs_force_shutdown(dm-0,0x8) called from line 1 of file fs/xfs/xfs_trans.c.  Return address = 0x1",
        "I/O error in filesystem (\"dm-0\") meta-data dev dm-0 block 0x1 (\"x\") error 5 buf count 4096",
        "a invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
        "Memory cgroup out of memory: Killed process 1 (a) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB",
        "watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [a:1]",
        "NMI watchdog: Watchdog detected hard LOCKUP on cpu 5",
        "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
        "INFO: rcu_preempt self-detected stall on CPU",
        "general protection fault: 0000 [#1] SMP",
        "Unable to handle kernel NULL pointer dereference at virtual address 00000008",
        "Kernel panic - not syncing: Fatal exception",
        "blk_update_request: critical target error, dev sdb, sector 0",
    ] {
        assert!(Builder::start(headline).is_some(), "{headline}");
        assert!(TRIGGERS.iter().any(|t| headline.contains(t)), "{headline}");
    }
}

/// Pieces of real reports, recombined at random: whatever the order, truncation or junk, the
/// assembler never panics, keeps its evidence bounded and starts every event at a headline.
const PIECES: &[&str] = &[
    "INFO: task kworker/u8:2:1234 blocked for more than 120 seconds.",
    "      Tainted: G        W   E     4.19.0-6-amd64 #1",
    "task:jbd2/sda1-8     state:D stack:    0 pid:  161 ppid:     2 flags:0x00004000",
    "Call Trace:",
    " <TASK>",
    " </TASK>",
    " [<ffffffff8160a1b9>] schedule+0x29/0x70",
    " ? xfs_log_force+0x7a/0x1b0 [xfs]",
    "java: page allocation failure: order:0, mode:0x2084120(GFP_ATOMIC|__GFP_COLD|__GFP_COMP)",
    "CPU: 7 PID: 111104 Comm: java Not tainted 4.9.24-coreos #1",
    "Mem-Info:",
    "active_anon:14091 inactive_anon:3805083 isolated_anon:2336",
    "Node 0 DMA free:13308kB boost:0kB min:64kB low:80kB high:96kB present:15992kB managed:15360kB",
    "Node 0 Normal: 7073*4kB (UMEH) 1922*8kB (UMEH) 0*4096kB = 150484kB",
    "4145555 pages RAM",
    "98748 pages reserved",
    "0 pages hwpoisoned",
    "XFS (dm-1): Metadata corruption detected at xfs_attr3_leaf_read_verify+0x58",
    "/0x100, block 0x3a3a570",
    "XFS (vda1): xfs_do_force_shutdown(0x2) called from line 1203 of file fs/xfs/xfs_log.c.  Return address = 0x1",
    "XFS (vda1): Log I/O Error Detected.  Shutting down filesystem",
    "XFS (vda1): Please umount the filesystem and rectify the problem(s)",
    "00000000: 49 4e 81 a4 03 02 00 00 00 00 00 00 00 00 00 00  IN..............",
    "a invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
    "Out of memory: Killed process 4321 (stress) total-vm:2000000kB, anon-rss:1600000kB",
    "BUG: kernel NULL pointer dereference, address: 0000000000000008",
    "Oops: 0000 [#1] SMP PTI",
    "---[ end trace 5d2b1d2c0e9f1a3c ]---",
    "Kernel panic - not syncing: Fatal exception",
    "blk_update_request: I/O error, dev sda, sector 2048",
    "watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [kworker/3:1:1234]",
    "rcu: INFO: rcu_sched detected stalls on CPUs/tasks:",
    "Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings",
    "systemd[1]: Started Session 12 of user root.",
    "",
    "INFO: task a:99999999999999999999 blocked for more than 99999999999999999999999 seconds.",
    "Node 0 DMA: 99999999999999999999999*4kB = 1kB",
];

proptest::proptest! {
    #[test]
    fn any_mix_of_report_lines_is_assembled_safely(
        picks in proptest::collection::vec((0..PIECES.len(), proptest::bool::ANY, 0usize..40), 0..300)
    ) {
        let mut asm = Assembler::new();
        let mut out = Vec::new();
        let mut starts = Vec::new();
        for (i, (piece, prefixed, cut)) in picks.iter().enumerate() {
            let msg = PIECES[*piece];
            // Truncated lines, cut at any char boundary.
            let msg = msg.char_indices().nth(*cut * 3).map_or(msg, |(at, _)| &msg[..at]);
            let raw = if *prefixed { format!("[  12.345678] {msg}") } else { msg.to_string() };
            asm.push(i as u64 + 1, &raw, msg, &(), &mut out);
            starts.push(Builder::start(msg.trim()).is_some());
        }
        asm.finish(&mut out);
        for e in &out {
            proptest::prop_assert!(e.lines.len() <= MAX_LINES);
            proptest::prop_assert_eq!(e.lines[0].line, e.line);
            proptest::prop_assert!(starts[e.line as usize - 1]);
        }
        proptest::prop_assert!(!asm.is_open());
    }
}

#[test]
fn xfs_internal_error_report_then_shutdown() {
    // kubernetes/node-problem-detector#845 (RHEL 4.18).
    let (events, _) = assemble(&[
        "XFS (dm-4): Internal error xfs_iunlink_remove at line 2038 of file fs/xfs/xfs_inode.c.  Caller xfs_ifree+0x33/0x130 [xfs]",
        "XFS (dm-4): Corruption detected. Unmount and run xfs_repair",
        "XFS (dm-4): xfs_inactive_ifree: xfs_ifree returned error -117",
        "XFS (dm-4): xfs_do_force_shutdown(0x1) called from line 1788 of file fs/xfs/xfs_inode.c.  Return address = 000000009d022bf1",
        "XFS (dm-4): I/O Error Detected. Shutting down filesystem",
        "XFS (dm-4): Please umount the filesystem and rectify the problem(s)",
    ]);
    let xfs: Vec<&crate::model::XfsError> = events
        .iter()
        .filter_map(|e| match &e.fields {
            EventFields::XfsError(x) => Some(x),
            _ => None,
        })
        .collect();
    let summary: Vec<_> = xfs
        .iter()
        .map(|x| (x.class, x.errno, x.location.as_deref(), x.repair_advice.is_some()))
        .collect();
    assert_eq!(
        summary,
        [
            (XfsClass::Corruption, None, Some("fs/xfs/xfs_inode.c:2038"), true),
            (XfsClass::Other, Some(117), Some("xfs_inactive_ifree"), false),
            (XfsClass::Shutdown, None, Some("fs/xfs/xfs_inode.c:1788"), true),
        ]
    );
    assert_eq!(xfs[2].shutdown_flags.as_deref(), Some("0x1"));
    assert_eq!(events[2].lines.len(), 3);
}
