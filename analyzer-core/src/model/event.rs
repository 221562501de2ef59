//! Kernel events: one event per report of one problem (docs/CONTRACT.md, "Grouping rules").

use serde::{Deserialize, Serialize};

use super::time::EventTime;

/// Where an event was seen: a file of the bundle and the 1-based line of its headline.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SourceRef {
    /// Path relative to the bundle root.
    pub path: String,
    /// 1-based line number of the headline.
    pub line: u64,
}

/// One line that belongs to an event (headline, task line, trace frame, Mem-Info line…), kept
/// as evidence. Line numbers refer to the event's first source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventLine {
    /// 1-based line number in the first source.
    pub line: u64,
    /// The line as printed, prefix included.
    pub text: String,
}

/// The kind of an event, as named in JSON (`hung_task`, `page_alloc_failure`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// `INFO: task NAME:PID blocked for more than N seconds.`
    HungTask,
    /// `NAME: page allocation failure: order:N, mode:0x…`
    PageAllocFailure,
    /// XFS metadata I/O errors, corruption, shutdowns, log errors, allocation deadlocks.
    XfsError,
    /// `Out of memory: Killed process …` with the `invoked oom-killer` report.
    OomKill,
    /// `watchdog: BUG: soft lockup - CPU#N stuck for Ns!`
    SoftLockup,
    /// `Watchdog detected hard LOCKUP on cpu N` / `NMI watchdog: … hard LOCKUP`.
    HardLockup,
    /// `rcu: INFO: rcu_sched detected stalls on CPUs/tasks:`
    RcuStall,
    /// `BUG: …`, `Oops: …`, `general protection fault`, `kernel BUG at …`.
    KernelOops,
    /// `Kernel panic - not syncing: …`
    KernelPanic,
    /// Block-layer I/O errors (`blk_update_request: I/O error, dev sda, sector …`).
    BlockIoError,
}

impl EventKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [EventKind; 10] = [
        EventKind::HungTask,
        EventKind::PageAllocFailure,
        EventKind::XfsError,
        EventKind::OomKill,
        EventKind::SoftLockup,
        EventKind::HardLockup,
        EventKind::RcuStall,
        EventKind::KernelOops,
        EventKind::KernelPanic,
        EventKind::BlockIoError,
    ];

    /// The JSON name (`hung_task`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::HungTask => "hung_task",
            EventKind::PageAllocFailure => "page_alloc_failure",
            EventKind::XfsError => "xfs_error",
            EventKind::OomKill => "oom_kill",
            EventKind::SoftLockup => "soft_lockup",
            EventKind::HardLockup => "hard_lockup",
            EventKind::RcuStall => "rcu_stall",
            EventKind::KernelOops => "kernel_oops",
            EventKind::KernelPanic => "kernel_panic",
            EventKind::BlockIoError => "block_io_error",
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> Result<EventKind, String> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown event kind {s:?}: expected one of {}", names.join(", "))
        })
    }
}

/// One kernel event on the timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Event {
    /// Report-local id (`e1`, `e2`, … in time order).
    pub id: String,
    /// When it happened.
    pub time: EventTime,
    /// Every place the event was seen (one per log source after de-duplication).
    pub sources: Vec<SourceRef>,
    /// The headline line as printed.
    pub raw: String,
    /// `kind` and `fields` in JSON.
    #[serde(flatten)]
    pub fields: EventFields,
    /// The lines that make up the event in its first source (headline first).
    pub lines: Vec<EventLine>,
}

impl Event {
    /// The kind of this event.
    pub fn kind(&self) -> EventKind {
        self.fields.kind()
    }
}

/// Typed fields per event kind. Serialises as `"kind": "…", "fields": {…}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "fields", rename_all = "snake_case")]
pub enum EventFields {
    /// See [`HungTask`].
    HungTask(HungTask),
    /// See [`PageAllocFailure`].
    PageAllocFailure(PageAllocFailure),
    /// See [`XfsError`].
    XfsError(XfsError),
    /// See [`OomKill`].
    OomKill(OomKill),
    /// See [`Lockup`].
    SoftLockup(Lockup),
    /// See [`Lockup`].
    HardLockup(Lockup),
    /// See [`RcuStall`].
    RcuStall(RcuStall),
    /// See [`KernelOops`].
    KernelOops(KernelOops),
    /// See [`KernelPanic`].
    KernelPanic(KernelPanic),
    /// See [`BlockIoError`].
    BlockIoError(BlockIoError),
}

impl EventFields {
    /// The kind these fields belong to.
    pub fn kind(&self) -> EventKind {
        match self {
            EventFields::HungTask(_) => EventKind::HungTask,
            EventFields::PageAllocFailure(_) => EventKind::PageAllocFailure,
            EventFields::XfsError(_) => EventKind::XfsError,
            EventFields::OomKill(_) => EventKind::OomKill,
            EventFields::SoftLockup(_) => EventKind::SoftLockup,
            EventFields::HardLockup(_) => EventKind::HardLockup,
            EventFields::RcuStall(_) => EventKind::RcuStall,
            EventFields::KernelOops(_) => EventKind::KernelOops,
            EventFields::KernelPanic(_) => EventKind::KernelPanic,
            EventFields::BlockIoError(_) => EventKind::BlockIoError,
        }
    }
}

/// A task stuck in uninterruptible sleep, reported by khungtaskd.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HungTask {
    /// Task name (`comm`), e.g. `jbd2/sda1-8`.
    pub task: String,
    /// Task id.
    pub pid: u32,
    /// Seconds blocked as printed (the configured timeout before 4.19, the actual time after).
    pub blocked_secs: u64,
    /// Scheduler state letter from the task line (`D`), when the task line was seen.
    pub state: Option<String>,
    /// The taint line (`Not tainted …`, `Tainted: G W …`), when printed.
    pub tainted: Option<String>,
    /// Call trace frames as printed, without addresses (`__schedule+0x282/0x870`).
    pub call_trace: Vec<String>,
    /// Kernel release from the taint line (`5.10.0-8-cloud-amd64`), when printed.
    pub kernel_release: Option<String>,
    /// Parent pid from the task line, when printed.
    pub ppid: Option<u32>,
    /// `Workqueue: <name> <function>` of a blocked kworker, as printed after `Workqueue: `.
    pub workqueue: Option<String>,
    /// The task line names another command than the headline (hand-edited or mixed logs).
    pub task_line_comm: Option<String>,
    /// The 6.14+ blocker line that followed (`is blocked on a mutex likely owned by task
    /// foo:123.`), text after the task name.
    pub blocked_on: Option<String>,
    /// `Future hung task reports are suppressed` followed this report: later hangs are not
    /// logged (the `kernel.hung_task_warnings` budget is spent).
    pub reports_suppressed: bool,
}

/// What kind of allocation warning a [`PageAllocFailure`] is (all are printed by `warn_alloc`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum AllocKind {
    /// `page allocation failure: order:N`.
    #[default]
    Page,
    /// `vmalloc: allocation failure: N bytes` / `vmalloc error: size N`.
    Vmalloc,
    /// `page allocation stalls for Nms, order:N` (4.9–4.14).
    Stall,
}

/// A failed page allocation reported by `warn_alloc`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PageAllocFailure {
    /// Task that asked (`comm`).
    pub process: String,
    /// Task id, from the `CPU: … PID: …` line.
    pub pid: Option<u32>,
    /// Allocation order (2^order pages).
    pub order: u32,
    /// GFP mask as printed, `0x…`.
    pub gfp_mask: String,
    /// Symbolic GFP flags, empty when only hex was printed.
    pub gfp_flags: Vec<String>,
    /// `nodemask=` value, when printed.
    pub nodemask: Option<String>,
    /// The Mem-Info dump that followed, when present.
    pub mem_info: Option<MemInfoDump>,
    /// Call trace frames as printed, without addresses.
    pub call_trace: Vec<String>,
    /// Page allocation, vmalloc failure or allocation stall.
    pub kind: AllocKind,
    /// `cpuset=` of the failing task (4.12+), when printed.
    pub cpuset: Option<String>,
    /// `mems_allowed=` of the failing task (4.12+), when printed.
    pub mems_allowed: Option<String>,
    /// Requested bytes of a vmalloc failure.
    pub size_bytes: Option<u64>,
    /// Milliseconds stalled, for `page allocation stalls for Nms`.
    pub stall_ms: Option<u64>,
}

/// The `show_mem()` dump that follows an allocation failure or OOM report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemInfoDump {
    /// Per-zone lines (`Node 0 Normal free:…kB min:…kB …`) with buddy counts when printed.
    pub zones: Vec<MemInfoZone>,
    /// Global counters from the first lines, in pages (`active_anon`, `free`, `slab_reclaimable`…).
    pub counters: std::collections::BTreeMap<String, u64>,
    /// `Free swap  = NkB`.
    pub free_swap_kb: Option<u64>,
    /// `Total swap = NkB`.
    pub total_swap_kb: Option<u64>,
    /// `N pages RAM`.
    pub pages_ram: Option<u64>,
    /// `N pages reserved`.
    pub pages_reserved: Option<u64>,
    /// `N total pagecache pages`.
    pub pagecache_pages: Option<u64>,
}

/// One zone of a Mem-Info dump. Sizes in kB as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MemInfoZone {
    /// NUMA node (absent on kernels without CONFIG_NUMA).
    pub node: Option<u32>,
    /// Zone name (`DMA`, `DMA32`, `Normal`, `HighMem`, `Movable`).
    pub zone: String,
    /// Free kB.
    pub free_kb: Option<u64>,
    /// Min watermark, kB.
    pub min_kb: Option<u64>,
    /// Low watermark, kB.
    pub low_kb: Option<u64>,
    /// High watermark, kB.
    pub high_kb: Option<u64>,
    /// Managed kB (3.10+).
    pub managed_kb: Option<u64>,
    /// Present kB.
    pub present_kb: Option<u64>,
    /// Watermark boost kB (5.0+), when printed.
    pub boost_kb: Option<u64>,
    /// The `= NkB` total at the end of the buddy line, when printed.
    pub buddy_total_kb: Option<u64>,
    /// Free blocks per order from the `Node 0 Normal: 1*4kB (U) …` line, when printed.
    pub buddy: Option<Vec<u64>>,
}

/// Which kind of XFS trouble an [`XfsError`] is (docs/CONTRACT.md).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum XfsClass {
    /// Metadata I/O error, writeback error.
    IoError,
    /// Metadata corruption, CRC error, internal error, invalid inode.
    Corruption,
    /// Forced shutdown.
    Shutdown,
    /// Log I/O or log mount/recovery error.
    LogError,
    /// `possible memory allocation deadlock`.
    AllocDeadlock,
    /// Any other XFS error line.
    #[default]
    Other,
}

impl XfsClass {
    /// The JSON name (`io_error`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            XfsClass::IoError => "io_error",
            XfsClass::Corruption => "corruption",
            XfsClass::Shutdown => "shutdown",
            XfsClass::LogError => "log_error",
            XfsClass::AllocDeadlock => "alloc_deadlock",
            XfsClass::Other => "other",
        }
    }
}

/// An XFS error report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct XfsError {
    /// Device as printed (`dm-0`, `sdc1`), when printed.
    pub device: Option<String>,
    /// Class of the error.
    pub class: XfsClass,
    /// Error number, positive (`5` for EIO, `117` for EFSCORRUPTED).
    pub errno: Option<u32>,
    /// Reporting function or `file:line`.
    pub location: Option<String>,
    /// `xfs_do_force_shutdown(0x2)` flags.
    pub shutdown_flags: Option<String>,
    /// Block or daddr, `0x…`.
    pub block: Option<String>,
    /// The repair advice line that followed, when printed.
    pub repair_advice: Option<String>,
    /// Symbolic name of `errno` (`EIO`, `EFSCORRUPTED`, `EFSBADCRC`…), when known.
    pub errno_name: Option<String>,
    /// The message after the `XFS (dev): ` prefix, terminal wraps joined.
    pub message: String,
    /// For shutdowns: the line that says why (`Log I/O Error Detected.  Shutting down
    /// filesystem`, `Filesystem has been shut down due to log error (0x2).`).
    pub shutdown_reason: Option<String>,
    /// Call trace frames of the stack dump that follows internal errors, without addresses.
    pub call_trace: Vec<String>,
}

/// An OOM kill.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OomKill {
    /// Killed process name.
    pub victim: Option<String>,
    /// Killed process id.
    pub pid: Option<u32>,
    /// Task that invoked the OOM killer.
    pub invoker: Option<String>,
    /// `total-vm` of the victim, kB.
    pub total_vm_kb: Option<u64>,
    /// `anon-rss` of the victim, kB.
    pub anon_rss_kb: Option<u64>,
    /// `file-rss` of the victim, kB.
    pub file_rss_kb: Option<u64>,
    /// `shmem-rss` of the victim, kB.
    pub shmem_rss_kb: Option<u64>,
    /// `constraint=` (CONSTRAINT_NONE, CONSTRAINT_MEMCG…), when printed.
    pub constraint: Option<String>,
    /// Allocation order that triggered it, from the `invoked oom-killer` line.
    pub order: Option<u32>,
    /// GFP mask from the `invoked oom-killer` line.
    pub gfp_mask: Option<String>,
    /// Symbolic GFP flags from the `invoked oom-killer` line, empty when only hex was printed.
    pub gfp_flags: Vec<String>,
    /// Pid of the invoking task, from the `CPU: … PID: …` line.
    pub invoker_pid: Option<u32>,
    /// `oom_score_adj` of the invoking task.
    pub oom_score_adj: Option<i32>,
    /// Memory cgroup of the victim (`task_memcg=`, or the memcg of a cgroup OOM).
    pub memcg: Option<String>,
    /// Call trace frames of the invoking task.
    pub call_trace: Vec<String>,
    /// The Mem-Info dump that preceded the kill, when present.
    pub mem_info: Option<MemInfoDump>,
}

/// A soft or hard lockup.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lockup {
    /// CPU number.
    pub cpu: Option<u32>,
    /// Task running on it.
    pub task: Option<String>,
    /// Its pid.
    pub pid: Option<u32>,
    /// Seconds stuck (soft lockups).
    pub stuck_secs: Option<u64>,
    /// The `RIP:` / `pc :` location, when printed.
    pub location: Option<String>,
    /// Call trace frames.
    pub call_trace: Vec<String>,
}

/// An RCU stall warning.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RcuStall {
    /// RCU flavour (`rcu_sched`, `rcu_preempt`).
    pub flavor: Option<String>,
    /// Whether it names stalled CPUs, tasks, or both, as printed (`CPUs/tasks`).
    pub detected_on: Option<String>,
    /// `t=` jiffies, when printed.
    pub jiffies: Option<u64>,
    /// Call trace frames.
    pub call_trace: Vec<String>,
}

/// An oops, `BUG:` or general protection fault.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KernelOops {
    /// The headline message after the prefix.
    pub message: String,
    /// `Comm:` of the `CPU: … PID: … Comm: …` line.
    pub process: Option<String>,
    /// `PID:` of that line.
    pub pid: Option<u32>,
    /// Taint line.
    pub tainted: Option<String>,
    /// `RIP:` / `PC is at` location.
    pub location: Option<String>,
    /// Call trace frames.
    pub call_trace: Vec<String>,
}

/// `Kernel panic - not syncing: …`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KernelPanic {
    /// The reason after `not syncing:`.
    pub reason: String,
    /// `Comm:` of the `CPU: … PID: … Comm: …` line that follows, when printed.
    pub process: Option<String>,
    /// `PID:` of that line.
    pub pid: Option<u32>,
    /// Call trace frames.
    pub call_trace: Vec<String>,
}

/// A block-layer I/O error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockIoError {
    /// Device (`sda`, `dm-3`, `nvme0n1`).
    pub device: Option<String>,
    /// First sector, when printed.
    pub sector: Option<u64>,
    /// Operation (`READ`, `WRITE`, `0x1:(WRITE)`…), when printed.
    pub op: Option<String>,
    /// Error kind as printed (`I/O error`, `critical medium error`, `critical target error`…).
    pub error: String,
    /// The reporting function (`blk_update_request`, `print_req_error`, `end_request`), when printed.
    pub reporter: Option<String>,
}
