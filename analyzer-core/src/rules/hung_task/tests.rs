//! Tests of the hung-task analysis with traces printed by real kernels.

use super::*;
use crate::rules::testutil::{event_lines, model_with};

/// 3.10 (RHCOS corpus, A/rhcos-3.10-hyperkit-manager-xfs-fsync.txt): fsync waiting for a flush.
const RHCOS_FSYNC: &[&str] = &[
    " [<ffffffffb9948ad2>] ? blk_flush_complete_seq+0x162/0x360",
    " [<ffffffffb9d67c49>] schedule+0x29/0x70",
    " [<ffffffffb9d65721>] schedule_timeout+0x221/0x2d0",
    " [<ffffffffb9d672ed>] io_schedule_timeout+0xad/0x130",
    " [<ffffffffb9d6827d>] wait_for_completion_io+0xfd/0x140",
    " [<ffffffffb96d67b0>] ? wake_up_state+0x20/0x20",
    " [<ffffffffb9948914>] blkdev_issue_flush+0xb4/0x110",
    " [<ffffffffc03923f9>] xfs_blkdev_issue_flush+0x19/0x20 [xfs]",
    " [<ffffffffc037a289>] xfs_file_fsync+0x199/0x1c0 [xfs]",
    " [<ffffffffb9875ee7>] do_fsync+0x67/0xb0",
    " [<ffffffffb98761d0>] SyS_fsync+0x10/0x20",
];

/// 5.10 (Debian 11, FORMATS.md 3.2): jbd2 throttled by writeback throttling.
const JBD2: &[&str] = &[
    "__schedule+0x282/0x870",
    "? wbt_rqw_done+0xe0/0xe0",
    "schedule+0x46/0xb0",
    "io_schedule+0x42/0x70",
    "rq_qos_wait+0x106/0x170",
    "wbt_wait+0x9f/0x130",
    "__rq_qos_throttle+0x23/0x30",
    "blk_mq_submit_bio+0x124/0x520",
    "submit_bio_noacct+0x3a9/0x420",
    "submit_bh_wbc+0x16a/0x190",
    "jbd2_journal_commit_transaction+0x60a/0x1ad0",
    "kjournald2+0xab/0x270",
    "kthread+0x11b/0x140",
    "ret_from_fork+0x22/0x30",
];

/// 4.4 (Ubuntu 14.04 HWE): an OSD in direct reclaim, reclaiming XFS inodes, waiting on the log.
const RECLAIM_XFS_LOG: &[&str] = &[
    "[<ffffffff8183c5c5>] schedule+0x35/0x80",
    "[<ffffffff8183f6f5>] schedule_timeout+0x1b5/0x270",
    "[<ffffffff8183d1e3>] wait_for_completion+0xb3/0x140",
    "[<ffffffff8109ad6d>] flush_work+0x11d/0x1c0",
    "[<ffffffffc04e8d6b>] xlog_cil_force_lsn+0x7b/0x220 [xfs]",
    "[<ffffffffc04e72a5>] _xfs_log_force_lsn+0x75/0x2f0 [xfs]",
    "[<ffffffffc04d8e8e>] __xfs_iunpin_wait+0xae/0x150 [xfs]",
    "[<ffffffffc04cb7a6>] xfs_reclaim_inode+0x136/0x330 [xfs]",
    "[<ffffffffc04cbc18>] xfs_reclaim_inodes_ag+0x278/0x3d0 [xfs]",
    "[<ffffffffc04ccd63>] xfs_reclaim_inodes_nr+0x33/0x40 [xfs]",
    "[<ffffffffc04dd7a9>] xfs_fs_free_cached_objects+0x19/0x20 [xfs]",
    "[<ffffffff81216321>] super_cache_scan+0x171/0x180",
    "[<ffffffff811a4f15>] shrink_slab.part.40+0x1f5/0x420",
    "[<ffffffff811a9b00>] shrink_zone+0x2a0/0x2b0",
    "[<ffffffff811a9cad>] do_try_to_free_pages+0x19d/0x3d0",
    "[<ffffffff811a9fba>] try_to_free_pages+0xda/0x180",
    "[<ffffffff8119b47b>] __alloc_pages_nodemask+0x69b/0xb20",
];

fn trace(frames: &[&str]) -> Vec<String> {
    frames.iter().map(|f| f.to_string()).collect()
}

fn hung(n: u64, task: &str, pid: u32, secs: u64, frames: &[&str]) -> crate::model::Event {
    let headline = format!(
        "[{}.000000] INFO: task {task}:{pid} blocked for more than {secs} seconds.",
        n * 120
    );
    let mut lines = vec![headline.as_str()];
    lines.extend_from_slice(frames);
    event_lines(
        n,
        EventFields::HungTask(HungTask {
            task: task.into(),
            pid,
            blocked_secs: secs,
            state: Some("D".into()),
            tainted: None,
            call_trace: trace(frames),
            ..HungTask::default()
        }),
        &lines,
    )
}

#[test]
fn frame_names() {
    assert_eq!(frame_name(" [<ffffffffb9d67c49>] schedule+0x29/0x70"), Some("schedule"));
    assert_eq!(frame_name("xfs_file_fsync+0x199/0x1c0 [xfs]"), Some("xfs_file_fsync"));
    assert_eq!(frame_name("? wbt_rqw_done+0xe0/0xe0"), None);
    assert_eq!(frame_name("shrink_slab.part.40+0x1f5/0x420"), Some("shrink_slab"));
    assert_eq!(frame_name("<TASK>"), None);
}

#[test]
fn subsystems_from_real_traces() {
    assert_eq!(
        subsystem("manager", &trace(RHCOS_FSYNC)),
        ("block I/O, from XFS".to_string(), false)
    );
    assert_eq!(
        subsystem("jbd2/sda1-8", &trace(JBD2)),
        ("block I/O, from ext4 journal (jbd2)".to_string(), false)
    );
    assert_eq!(subsystem("ceph-osd", &trace(RECLAIM_XFS_LOG)), ("XFS log".to_string(), true));
    assert_eq!(subsystem("jbd2/sdb-8", &[]), ("ext4 journal (jbd2)".to_string(), false));
    let lock = trace(&[
        "schedule+0x29/0x70",
        "rwsem_down_write_failed+0x225/0x3a0",
        "call_rwsem_down_write_failed+0x17/0x30",
        "down_write+0x2d/0x3d",
        "do_mmap_pgoff+0x1/0x2",
    ]);
    assert_eq!(subsystem("java", &lock), ("a lock".to_string(), false));
}

#[test]
fn signatures_skip_scheduler_and_unreliable_frames() {
    assert_eq!(
        signature(&trace(RHCOS_FSYNC)),
        "blkdev_issue_flush < xfs_blkdev_issue_flush < xfs_file_fsync < do_fsync < SyS_fsync"
    );
    assert_eq!(signature(&[]), "(no call trace)");
}

#[test]
fn finding_counts_groups_and_repeats() {
    let mut m = model_with(vec![
        hung(1, "ceph-osd", 4242, 120, RECLAIM_XFS_LOG),
        hung(2, "ceph-osd", 4243, 120, RECLAIM_XFS_LOG),
        hung(3, "ceph-osd", 4242, 120, RECLAIM_XFS_LOG),
        hung(4, "jbd2/sda1-8", 161, 120, JBD2),
    ]);
    m.snapshot.sysctls.insert("kernel.hung_task_timeout_secs".into(), "120".into());
    m.snapshot.sysctls.insert("kernel.hung_task_panic".into(), "0".into());
    let f = HungTasks.evaluate(&m).findings;
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.title, "4 hung task reports (3 tasks), mostly waiting in XFS log");
    assert!(
        f.summary
            .contains("khungtaskd reports a task after kernel.hung_task_timeout_secs = 120 s."),
        "{}",
        f.summary
    );
    assert!(
        f.summary
            .contains("Reported more than once: ceph-osd:4242 2 times (blocked at least 240 s)."),
        "{}",
        f.summary
    );
    assert!(f.summary.contains("Waiting in: XFS log: 3 (from direct memory reclaim); block I/O, from ext4 journal (jbd2): 1."), "{}", f.summary);
    assert!(f.summary.contains("2 call-trace signatures: 3 × [flush_work < xlog_cil_force_lsn < _xfs_log_force_lsn < __xfs_iunpin_wait < xfs_reclaim_inode] (ceph-osd)"), "{}", f.summary);
    assert_eq!(f.event_ids.len(), 4);
    assert_eq!(
        f.evidence[0].text,
        "[120.000000] INFO: task ceph-osd:4242 blocked for more than 120 seconds."
    );
    assert_eq!(f.evidence[0].line, 10);
    assert!(f.remediation[0].contains("XFS"));
    assert!(f.remediation.iter().any(|r| r.contains("only silences")));
}

#[test]
fn panic_sysctl_makes_it_critical() {
    let mut m = model_with(vec![hung(1, "manager", 26933, 120, RHCOS_FSYNC)]);
    m.snapshot.sysctls.insert("kernel.hung_task_panic".into(), "1".into());
    let f = &HungTasks.evaluate(&m).findings[0];
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.title, "1 hung task report (1 task), all waiting in block I/O, from XFS");
    assert!(f.summary.contains("kernel.hung_task_timeout_secs is not in the bundle."));
}

#[test]
fn no_hung_tasks_no_finding() {
    assert!(HungTasks.evaluate(&model_with(vec![])).findings.is_empty());
}

#[test]
fn suppressed_reports_and_lock_owners_are_said() {
    let mut e = hung(1, "kworker/u8:2", 77, 122, JBD2);
    if let EventFields::HungTask(h) = &mut e.fields {
        h.reports_suppressed = true;
        h.blocked_on = Some("is blocked on a mutex likely owned by task rsync:4242.".into());
    }
    let f = &HungTasks.evaluate(&model_with(vec![e])).findings[0];
    assert!(f.summary.contains("later hangs are not in the log."), "{}", f.summary);
    assert!(f.summary.contains("Lock owners named by the kernel: kworker/u8:2:77 is blocked on a mutex likely owned by task rsync:4242."), "{}", f.summary);
}
