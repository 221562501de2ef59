//! Hung tasks (`INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.`): how many,
//! which tasks, the longest block, repeats, grouped by call-trace signature and by the
//! subsystem the tasks wait in (XFS log, jbd2, NFS, block I/O, memory reclaim…), with the
//! `kernel.hung_task_timeout_secs` of the bundle.

use std::collections::BTreeMap;

use super::util::{self, s};
use super::{Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{Event, EventFields, Finding, HungTask, Model, Severity};

/// The built-in hung-task analysis.
pub(crate) struct HungTasks;

const ID: &str = "kernel.hung_task";

/// Frames that only say "the task slept": skipped when naming what it waited for.
const SCHEDULER_FRAMES: &[&str] = &[
    "__schedule",
    "schedule",
    "schedule_timeout",
    "schedule_preempt_disabled",
    "schedule_timeout_uninterruptible",
    "schedule_timeout_killable",
    "io_schedule",
    "io_schedule_timeout",
    "bit_wait",
    "bit_wait_io",
    "__wait_on_bit",
    "__wait_on_bit_lock",
    "out_of_line_wait_on_bit",
    "out_of_line_wait_on_bit_lock",
    "wait_for_completion",
    "wait_for_common",
    "__wait_for_common",
    "do_wait_for_common",
    "wait_for_completion_io",
    "preempt_schedule_common",
    "_cond_resched",
];

/// `(frame prefix, subsystem)`; specific subsystems first.
const SUBSYSTEMS: &[(&str, &str)] = &[
    ("xlog_", "XFS log"),
    ("xfs_log_", "XFS log"),
    ("_xfs_log_force", "XFS log"),
    ("xfs_", "XFS"),
    ("xfsaild", "XFS"),
    ("jbd2_", "ext4 journal (jbd2)"),
    ("kjournald2", "ext4 journal (jbd2)"),
    ("ext4_", "ext4"),
    ("nfs", "NFS"),
    ("rpc_", "NFS"),
    ("__rpc_", "NFS"),
    ("fuse_", "FUSE"),
    ("ceph_", "Ceph"),
    ("rbd_", "Ceph"),
    ("btrfs_", "btrfs"),
    ("shrink_", "memory reclaim"),
    ("try_to_free_pages", "memory reclaim"),
    ("do_try_to_free_pages", "memory reclaim"),
    ("__alloc_pages_direct_reclaim", "memory reclaim"),
    ("__alloc_pages_direct_compact", "memory reclaim"),
    ("__alloc_pages_slowpath", "memory reclaim"),
    ("throttle_direct_reclaim", "memory reclaim"),
    ("balance_pgdat", "memory reclaim"),
    ("compact_zone", "memory reclaim"),
    ("balance_dirty_pages", "writeback"),
    ("wb_wait_for_completion", "writeback"),
    ("writeback_", "writeback"),
    ("sync_inodes_sb", "writeback"),
    ("wait_sb_inodes", "writeback"),
];

/// Block-layer waits: named as such, with the filesystem above them when there is one.
const BLOCK: &[&str] = &[
    "blk_",
    "submit_bio_wait",
    "submit_bio",
    "wait_on_page_bit",
    "__lock_page",
    "folio_wait_bit",
    "__wait_on_buffer",
    "wait_on_buffer",
    "rq_qos_wait",
    "wbt_wait",
    "__rq_qos_throttle",
    "blkdev_issue_flush",
    "get_request",
];

/// Lock waits: used only when no frame names a subsystem.
const LOCKS: &[&str] = &[
    "mutex_lock",
    "__mutex_lock",
    "rwsem_down_",
    "call_rwsem_down_",
    "down_read",
    "down_write",
    "down",
];

impl Rule for HungTasks {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "Hung tasks".into(),
            description: "Tasks stuck in uninterruptible sleep longer than \
                kernel.hung_task_timeout_secs: how many, which, the longest block and repeats, \
                grouped by call-trace signature and by the subsystem they wait in (XFS log, \
                jbd2, NFS, block I/O, memory reclaim, writeback, locks)."
                .into(),
            severity: Severity::Critical,
            origin: RuleOrigin::Builtin,
            reads: vec![
                "events: hung_task".into(),
                "sysctl kernel.hung_task_timeout_secs, kernel.hung_task_panic".into(),
            ],
            remediation: vec![],
            references: vec![
                "https://docs.kernel.org/admin-guide/sysctl/kernel.html#hung-task-timeout-secs"
                    .into(),
            ],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let hung: Vec<(&Event, &HungTask)> = model
            .events
            .iter()
            .filter_map(|e| match &e.fields {
                EventFields::HungTask(h) => Some((e, h)),
                _ => None,
            })
            .collect();
        if hung.is_empty() {
            return RuleOutcome::default();
        }
        RuleOutcome::findings(vec![finding(model, &hung)])
    }
}

/// A frame without offset, module and address: `xlog_grant_head_wait`.
pub(crate) fn frame_name(frame: &str) -> Option<&str> {
    let mut f = frame.trim();
    if let Some(rest) = f.strip_prefix("[<") {
        f = rest.split_once("] ").map_or("", |(_, r)| r).trim();
    }
    if f.starts_with('?') || f.starts_with('<') || f.is_empty() {
        return None;
    }
    let f = f.split(['+', ' ']).next().unwrap_or(f);
    let f = f.split(".isra").next().unwrap_or(f).split(".constprop").next().unwrap_or(f);
    let f = f.split(".part").next().unwrap_or(f).split(".cold").next().unwrap_or(f);
    if f.is_empty() { None } else { Some(f) }
}

/// The meaningful frames of a trace: scheduler frames and unreliable (`?`) frames dropped.
fn meaningful(trace: &[String]) -> Vec<&str> {
    trace.iter().filter_map(|f| frame_name(f)).filter(|f| !SCHEDULER_FRAMES.contains(f)).collect()
}

/// The call-trace signature: the first five meaningful frames.
pub(crate) fn signature(trace: &[String]) -> String {
    let frames = meaningful(trace);
    if frames.is_empty() {
        return "(no call trace)".to_string();
    }
    frames.iter().take(5).copied().collect::<Vec<_>>().join(" < ")
}

/// The subsystem a task waits in, from its trace (innermost frame first; the task name for
/// kernel threads), and whether it got there from direct memory reclaim.
pub(crate) fn subsystem(task: &str, trace: &[String]) -> (String, bool) {
    let frames = meaningful(trace);
    let in_reclaim = frames.iter().any(|f| lookup(SUBSYSTEMS, f) == Some("memory reclaim"));
    let mut lock = false;
    for (i, f) in frames.iter().enumerate() {
        if BLOCK.iter().any(|p| f.starts_with(p)) {
            // Which filesystem (or reclaim) issued the I/O.
            let above = frames.iter().skip(i + 1).find_map(|g| lookup(SUBSYSTEMS, g));
            let label = match above {
                Some(fs) if fs != "memory reclaim" => format!("block I/O, from {fs}"),
                _ => "block I/O".to_string(),
            };
            return (label, in_reclaim);
        }
        if let Some(sub) = lookup(SUBSYSTEMS, f) {
            return (sub.to_string(), in_reclaim && sub != "memory reclaim");
        }
        lock |= LOCKS.iter().any(|p| f.starts_with(p));
    }
    if task.starts_with("jbd2/") {
        return ("ext4 journal (jbd2)".to_string(), in_reclaim);
    }
    if task.starts_with("xfsaild/") {
        return ("XFS".to_string(), in_reclaim);
    }
    if lock {
        return ("a lock".to_string(), in_reclaim);
    }
    ("unknown".to_string(), in_reclaim)
}

fn lookup(table: &[(&str, &'static str)], frame: &str) -> Option<&'static str> {
    table.iter().find(|(prefix, _)| frame.starts_with(prefix)).map(|(_, sub)| *sub)
}

fn remedy(sub: &str) -> &'static str {
    let sub = if sub.starts_with("block I/O") { "block I/O" } else { sub };
    match sub {
        "XFS log" | "XFS" => {
            "Tasks wait on XFS (log space or metadata buffers): check the latency and errors of \
             the device under the filesystem (`iostat -x`, the array or SAN), and the XFS \
             findings of this report."
        }
        "ext4 journal (jbd2)" | "ext4" => {
            "Tasks wait on the ext4 journal: check the latency and errors of the device under it \
             (`iostat -x`); a slow commit blocks every writer."
        }
        "NFS" => {
            "Tasks wait on NFS: check the server and the network at that time; hard mounts wait \
             for ever by design."
        }
        "block I/O" => {
            "Tasks wait for block I/O to complete: check device latency and errors, multipath \
             and path state (`multipath -ll`), and the block I/O findings of this report."
        }
        "memory reclaim" => {
            "Tasks stall in direct memory reclaim or compaction: see the memory findings; raise \
             vm.min_free_kbytes so kswapd reclaims before allocations have to."
        }
        "writeback" => {
            "Tasks are throttled on dirty-page writeback: lower vm.dirty_background_ratio / \
             vm.dirty_ratio (or the *_bytes forms) so writeback starts earlier, and check the \
             device speed."
        }
        "a lock" => {
            "Tasks wait on a mutex or rw-semaphore: the holder is usually another task reported \
             at the same time; its trace shows what it waits for."
        }
        "FUSE" => "Tasks wait on a FUSE filesystem: check the user-space daemon serving it.",
        "Ceph" => "Tasks wait on Ceph (RBD/CephFS): check the cluster's health and OSD latency.",
        "btrfs" => "Tasks wait on btrfs: check the device and btrfs transaction commits.",
        _ => "Read the call traces: the frames below schedule() name what the tasks wait for.",
    }
}

/// Hung-task reports that share a call-trace signature.
struct SigGroup<'a> {
    count: u64,
    tasks: Vec<&'a str>,
    first: &'a Event,
}

fn finding(model: &Model, hung: &[(&Event, &HungTask)]) -> Finding {
    let sysctls = &model.snapshot;
    let timeout = sysctls.sysctl_u64("kernel.hung_task_timeout_secs");
    let panic = sysctls.sysctl_u64("kernel.hung_task_panic") == Some(1);

    // Per task (name, pid): reports, longest printed block.
    let mut tasks: BTreeMap<(&str, u32), (u64, u64)> = BTreeMap::new();
    for (_, h) in hung {
        let t = tasks.entry((h.task.as_str(), h.pid)).or_insert((0, 0));
        t.0 += 1;
        t.1 = t.1.max(h.blocked_secs);
    }
    let longest = hung.iter().map(|(_, h)| h.blocked_secs).max().unwrap_or(0);
    let longest_task = hung.iter().max_by_key(|(_, h)| h.blocked_secs).map(|(_, h)| h);
    let repeated: Vec<(&str, u32, u64)> =
        tasks.iter().filter(|(_, v)| v.0 > 1).map(|((t, p), v)| (*t, *p, v.0)).collect();

    // Groups by subsystem and by signature, in first-seen order of counts.
    let mut by_sub: BTreeMap<String, (u64, bool)> = BTreeMap::new();
    let mut by_sig: BTreeMap<String, SigGroup<'_>> = BTreeMap::new();
    for (e, h) in hung {
        let (sub, via_reclaim) = subsystem(&h.task, &h.call_trace);
        let entry = by_sub.entry(sub).or_insert((0, false));
        entry.0 += 1;
        entry.1 |= via_reclaim;
        let sig = signature(&h.call_trace);
        let g = by_sig.entry(sig).or_insert(SigGroup { count: 0, tasks: Vec::new(), first: e });
        g.count += 1;
        if !g.tasks.contains(&h.task.as_str()) {
            g.tasks.push(h.task.as_str());
        }
    }
    let mut subs: Vec<(String, (u64, bool))> = by_sub.into_iter().collect();
    subs.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let mut sigs: Vec<(String, SigGroup<'_>)> = by_sig.into_iter().collect();
    sigs.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));

    let n = hung.len() as u64;
    let main_sub = subs.first().map_or("unknown", |s| s.0.as_str());
    let title = format!(
        "{n} hung task report{} ({} task{}), {} waiting in {main_sub}",
        s(n),
        tasks.len(),
        s(tasks.len() as u64),
        if subs.len() == 1 { "all" } else { "mostly" },
    );

    let mut summary = String::new();
    let first = hung.first().map(|(e, _)| util::time_text(&e.time)).unwrap_or_default();
    let last = hung.last().map(|(e, _)| util::time_text(&e.time)).unwrap_or_default();
    summary.push_str(&format!(
        "{n} task{} reported blocked in uninterruptible sleep (D state) between {first} and {last}. ",
        s(n)
    ));
    match timeout {
        Some(0) => summary
            .push_str("kernel.hung_task_timeout_secs is 0 now (detection off at collection). "),
        Some(t) => summary.push_str(&format!(
            "khungtaskd reports a task after kernel.hung_task_timeout_secs = {t} s. "
        )),
        None => summary.push_str("kernel.hung_task_timeout_secs is not in the bundle. "),
    }
    if let Some(h) = longest_task {
        summary.push_str(&format!("Longest block printed: {longest} s ({}:{}). ", h.task, h.pid));
    }
    if !repeated.is_empty() {
        let list: Vec<String> = repeated
            .iter()
            .take(5)
            .map(|(task, pid, count)| match timeout {
                Some(t) if t > 0 => {
                    format!("{task}:{pid} {count} times (blocked at least {} s)", count * t)
                }
                _ => format!("{task}:{pid} {count} times"),
            })
            .collect();
        summary.push_str(&format!("Reported more than once: {}. ", list.join(", ")));
    }
    let sub_list: Vec<String> = subs
        .iter()
        .map(|(sub, (count, reclaim))| {
            format!("{sub}: {count}{}", if *reclaim { " (from direct memory reclaim)" } else { "" })
        })
        .collect();
    summary.push_str(&format!("Waiting in: {}. ", sub_list.join("; ")));
    let sig_list: Vec<String> = sigs
        .iter()
        .take(5)
        .map(|(sig, g)| {
            let names: Vec<&str> = g.tasks.iter().take(4).copied().collect();
            format!("{} × [{sig}] ({})", g.count, names.join(", "))
        })
        .collect();
    summary.push_str(&format!(
        "{} call-trace signature{}: {}.",
        sigs.len(),
        s(sigs.len() as u64),
        sig_list.join("; ")
    ));
    if panic {
        summary.push_str(" kernel.hung_task_panic = 1: the first hung task panics the host.");
    }
    if hung.iter().any(|(_, h)| h.reports_suppressed) {
        summary.push_str(
            " The kernel then stopped reporting hung tasks (kernel.hung_task_warnings spent): \
             later hangs are not in the log.",
        );
    }
    let blockers: Vec<String> = hung
        .iter()
        .filter_map(|(_, h)| {
            h.blocked_on
                .as_ref()
                .map(|b| format!("{}:{} {}", h.task, h.pid, b.trim_end_matches('.')))
        })
        .take(3)
        .collect();
    if !blockers.is_empty() {
        summary.push_str(&format!(" Lock owners named by the kernel: {}.", blockers.join("; ")));
    }

    let mut remediation: Vec<String> = Vec::new();
    for (sub, (_, via_reclaim)) in &subs {
        let mut remedies = vec![remedy(sub)];
        if *via_reclaim {
            remedies.push(remedy("memory reclaim"));
        }
        for r in remedies {
            if !remediation.iter().any(|x| x == r) {
                remediation.push(r.to_string());
            }
        }
    }
    remediation.push(
        "`echo 0 > /proc/sys/kernel/hung_task_timeout_secs` only silences the message; it \
         fixes nothing."
            .into(),
    );

    // Evidence: the whole first report of each signature (headline, task line, trace).
    let mut evidence = Vec::new();
    for (_, g) in sigs.iter().take(5) {
        evidence.extend(util::event_evidence(g.first, 16));
    }
    for (e, _) in hung.iter().skip(1).take(20) {
        let ev = util::headline_evidence(e);
        for item in ev {
            if !evidence.contains(&item) {
                evidence.push(item);
            }
        }
    }

    Finding {
        rule_id: ID.into(),
        severity: if panic { Severity::Critical } else { Severity::Error },
        title,
        summary,
        event_ids: hung.iter().map(|(e, _)| e.id.clone()).collect(),
        evidence,
        remediation,
    }
}

#[cfg(test)]
mod tests;
