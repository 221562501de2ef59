//! Event assembly: small state machines that turn a kernel headline plus its continuation lines
//! (task line, call trace, Mem-Info dump, XFS follow-up lines) into one typed event.
//!
//! The caller (the timeline) strips every prefix (syslog header, printk stamp, quoting) and
//! feeds only kernel-originated messages, in file order, with an opaque stamp of its own that
//! comes back with the finished event. A headline looks like
//! `INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.`; each kind has its module:
//! `hung_task`, `page_alloc` (with the Mem-Info dump), `xfs`, `oom`, `lockup`, `rcu`, `oops`,
//! `panic`, `block`, and `call_trace` for the lines every stack dump shares.
//!
//! Grouping follows docs/CONTRACT.md: one event per headline; the lines that follow belong to it
//! while they are the kind of line its report is made of. An unrelated line inside a call trace
//! (console output of another task) does not end the event unless several come in a row; a new
//! headline always does. Blank lines neither belong nor end an event.

mod block;
mod call_trace;
mod hung_task;
mod lockup;
mod oom;
mod oops;
mod page_alloc;
mod panic;
mod rcu;
mod xfs;

#[cfg(test)]
mod tests;

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::model::{EventFields, EventLine};

/// Words one of which every headline contains. The timeline runs one multi-pattern search over
/// each line and skips lines with none of them while no event is open.
pub const TRIGGERS: &[&str] = &[
    // hung_task, and the `Future hung task reports are suppressed` notice
    "INFO: task",
    "hung task reports",
    // page_alloc_failure: `page allocation failure`, `vmalloc: allocation failure`,
    // `vmalloc error: size`, `page allocation stalls for`
    "allocation failure",
    "vmalloc error",
    "allocation stalls",
    // xfs_error: `XFS (dev): …`, `XFS: …`, 2.6.32 `Filesystem "dev": …`, `xfs_force_shutdown(`,
    // `I/O error in filesystem ("dev")`
    "XFS",
    "Filesystem \"",
    "xfs_force_shutdown",
    "I/O error in filesystem",
    // oom_kill
    "oom-killer",
    "Out of memory",
    "out of memory",
    "Killed process",
    // soft_lockup, hard_lockup
    "soft lockup",
    "hard LOCKUP",
    // rcu_stall: `detected stalls on CPUs/tasks`, `self-detected stall on CPU`
    "detected stall",
    // kernel_oops
    "BUG:",
    "Oops",
    "general protection fault",
    "kernel BUG at",
    "Unable to handle kernel",
    // kernel_panic
    "Kernel panic",
    // block_io_error: `<kind> error, dev sda, sector N`
    "error, dev ",
];

/// Whether a message contains a [`TRIGGERS`] word: only then can it be a headline (one pass over
/// the line instead of each kind's own checks, which matters inside long traces and dumps).
fn has_trigger(msg: &str) -> bool {
    static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(TRIGGERS).expect("the trigger words form a valid automaton")
    });
    WORDS.is_match(msg)
}

/// Most lines kept as evidence per event (a Mem-Info dump of a 256-CPU host is long).
const MAX_LINES: usize = 400;

/// One finished event, before the timeline gives it an id and a resolved time.
#[derive(Clone, Debug, PartialEq)]
pub struct Assembled<T> {
    /// The stamp the caller passed with the headline line.
    pub stamp: T,
    /// 1-based line number of the headline.
    pub line: u64,
    /// The headline line as printed (prefix included).
    pub raw: String,
    /// Typed fields.
    pub fields: EventFields,
    /// The lines of the event, headline first.
    pub lines: Vec<EventLine>,
}

/// What a continuation line is to the open event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// The line belongs to the event, which stays open.
    Take,
    /// The line belongs to the event and completes it.
    Done,
    /// Not part of the event, but the event may go on (console noise inside a trace).
    Noise,
    /// Not part of the event: the event is over.
    End,
}

/// Lines in a row that an open event could not place. Console output of other CPUs interleaves
/// with a kernel report, so one stray line does not end it; a run of `limit` does.
#[derive(Debug)]
struct NoiseRun {
    run: u8,
    limit: u8,
}

impl NoiseRun {
    const fn new(limit: u8) -> Self {
        NoiseRun { run: 0, limit }
    }

    /// The line belongs to the event: the run starts again.
    fn take(&mut self) -> Step {
        self.run = 0;
        Step::Take
    }

    /// The line does not belong: the event goes on unless the run is at the limit.
    fn noise(&mut self) -> Step {
        self.run = self.run.saturating_add(1);
        if self.run >= self.limit { Step::End } else { Step::Noise }
    }
}

/// The state machine of the open event.
#[derive(Debug)]
enum Builder {
    HungTask(hung_task::Builder),
    PageAlloc(page_alloc::Builder),
    Xfs(xfs::Builder),
    Oom(oom::Builder),
    Lockup(lockup::Builder),
    Rcu(rcu::Builder),
    Oops(oops::Builder),
    Panic(panic::Builder),
    Block(block::Builder),
}

impl Builder {
    /// The state machine a headline opens, `None` when `msg` is no headline.
    fn start(msg: &str) -> Option<Builder> {
        let s = msg.trim();
        if let Some(b) = hung_task::Builder::start(s) {
            return Some(Builder::HungTask(b));
        }
        if let Some(b) = page_alloc::Builder::start(s) {
            return Some(Builder::PageAlloc(b));
        }
        if let Some(b) = xfs::Builder::start(s) {
            return Some(Builder::Xfs(b));
        }
        if let Some(b) = oom::Builder::start(s) {
            return Some(Builder::Oom(b));
        }
        if let Some(b) = lockup::Builder::start(s) {
            return Some(Builder::Lockup(b));
        }
        if let Some(b) = rcu::Builder::start(s) {
            return Some(Builder::Rcu(b));
        }
        if let Some(b) = oops::Builder::start(s) {
            return Some(Builder::Oops(b));
        }
        if let Some(b) = panic::Builder::start(s) {
            return Some(Builder::Panic(b));
        }
        block::Builder::start(s).map(Builder::Block)
    }

    /// Whether the headline alone is the whole event.
    fn is_complete(&self) -> bool {
        matches!(self, Builder::Block(_))
    }

    fn step(&mut self, msg: &str, wrapped: bool) -> Step {
        match self {
            Builder::HungTask(b) => b.step(msg),
            Builder::PageAlloc(b) => b.step(msg),
            Builder::Xfs(b) => b.step(msg, wrapped),
            Builder::Oom(b) => b.step(msg),
            Builder::Lockup(b) => b.step(msg),
            Builder::Rcu(b) => b.step(msg),
            Builder::Oops(b) => b.step(msg),
            Builder::Panic(b) => b.step(msg),
            Builder::Block(_) => Step::End,
        }
    }

    fn finish(self) -> EventFields {
        match self {
            Builder::HungTask(b) => EventFields::HungTask(b.finish()),
            Builder::PageAlloc(b) => EventFields::PageAllocFailure(b.finish()),
            Builder::Xfs(b) => EventFields::XfsError(b.finish()),
            Builder::Oom(b) => EventFields::OomKill(b.finish()),
            Builder::Lockup(b) => b.finish(),
            Builder::Rcu(b) => EventFields::RcuStall(b.finish()),
            Builder::Oops(b) => EventFields::KernelOops(b.finish()),
            Builder::Panic(b) => EventFields::KernelPanic(b.finish()),
            Builder::Block(b) => EventFields::BlockIoError(b.finish()),
        }
    }
}

/// The event being assembled.
#[derive(Debug)]
struct Open<T> {
    stamp: T,
    line: u64,
    raw: String,
    lines: Vec<EventLine>,
    /// The headline carried a prefix: a later line without one is a terminal wrap.
    prefixed: bool,
    builder: Builder,
}

impl<T> Open<T> {
    fn record(&mut self, line: u64, raw: &str) {
        if self.lines.len() < MAX_LINES {
            self.lines.push(EventLine { line, text: raw.to_string() });
        }
    }

    fn into_assembled(self) -> Assembled<T> {
        Assembled {
            stamp: self.stamp,
            line: self.line,
            raw: self.raw,
            fields: self.builder.finish(),
            lines: self.lines,
        }
    }
}

/// Turns kernel messages into events, one source file at a time.
#[derive(Debug)]
pub struct Assembler<T> {
    open: Option<Open<T>>,
    hung_task_reports_suppressed: bool,
}

impl<T: Clone> Default for Assembler<T> {
    fn default() -> Self {
        Assembler::new()
    }
}

impl<T: Clone> Assembler<T> {
    /// A new assembler with no open event.
    pub fn new() -> Self {
        Assembler { open: None, hung_task_reports_suppressed: false }
    }

    /// Whether an event is collecting continuation lines: while it is, the caller must feed
    /// every kernel line, not only those that contain a [`TRIGGERS`] word.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Whether this source printed `Future hung task reports are suppressed, see sysctl
    /// kernel.hung_task_warnings`: hangs after that point are not in the log. The notice is
    /// also set on the hung-task event it follows (`reports_suppressed`); this flag catches it
    /// when it stands apart from any report.
    pub fn hung_task_reports_suppressed(&self) -> bool {
        self.hung_task_reports_suppressed
    }

    /// Feeds one kernel message. `raw` is the whole line as printed, `msg` the text after every
    /// prefix (indentation after the printk stamp kept), `stamp` the caller's time stamp.
    /// Finished events are appended to `out`.
    pub fn push(
        &mut self,
        line: u64,
        raw: &str,
        msg: &str,
        stamp: &T,
        out: &mut Vec<Assembled<T>>,
    ) {
        let msg = msg.trim_end_matches(['\r', '\n']);
        if msg.trim().is_empty() {
            return;
        }
        let unprefixed = raw.trim_end() == msg.trim_end();
        if hung_task::is_suppression_notice(msg) {
            self.hung_task_reports_suppressed = true;
        }
        let head = if has_trigger(msg) { Builder::start(msg) } else { None };
        let mut step = None;
        if let Some(open) = self.open.as_mut() {
            // A headline of another kind always ends the open event; one of the same kind may
            // still be part of it (`Oops:` after `BUG: unable to handle…`, the kill line of an
            // OOM report, the second line of an XFS shutdown): its state machine decides.
            let other_kind = head.as_ref().is_some_and(|h| {
                std::mem::discriminant(h) != std::mem::discriminant(&open.builder)
            });
            if !other_kind {
                let wrapped = open.prefixed && unprefixed;
                let s = open.builder.step(msg, wrapped);
                match s {
                    Step::Take => {
                        open.record(line, raw);
                        return;
                    }
                    Step::Done => {
                        open.record(line, raw);
                        self.close(out);
                        return;
                    }
                    Step::Noise | Step::End => step = Some(s),
                }
            }
        }
        if let Some(builder) = head {
            self.close(out);
            let complete = builder.is_complete();
            self.open = Some(Open {
                stamp: stamp.clone(),
                line,
                raw: raw.to_string(),
                lines: vec![EventLine { line, text: raw.to_string() }],
                prefixed: !unprefixed,
                builder,
            });
            if complete {
                self.close(out);
            }
            return;
        }
        if step == Some(Step::End) {
            self.close(out);
        }
    }

    /// Ends the source: the open event, if any, is finished and appended to `out`.
    pub fn finish(&mut self, out: &mut Vec<Assembled<T>>) {
        self.close(out);
    }

    fn close(&mut self, out: &mut Vec<Assembled<T>>) {
        if let Some(open) = self.open.take() {
            out.push(open.into_assembled());
        }
    }
}
