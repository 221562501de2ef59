//! Hung task reports of khungtaskd (`kernel/hung_task.c`, docs/FORMATS.md 3.2):
//! `INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.`, then the taint line, the
//! `"echo 0 > …" disables this message.` hint, the `sched_show_task()` line in every era's
//! format, an optional `Workqueue:` line and the call trace.

use std::sync::LazyLock;

use regex::Regex;

use super::call_trace::{self, TraceLine};
use super::{NoiseRun, Step};
use crate::model::HungTask;

/// Unrelated lines in a row inside a report before it is considered over.
const NOISE_LIMIT: u8 = 3;

static HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^INFO: task (.+):(\d+) blocked for more than (\d+)(?:\.\d+)? seconds")
        .expect("hung task headline regex")
});

/// `task:jbd2/sda1-8     state:D stack:    0 pid:  161 ppid:     2 flags:0x00004000` (5.9+,
/// left-aligned from 6.0, `tgid:` from 6.6, `task_flags:` from 6.15).
static TASK_NEW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^task:(.{1,15}?)\s+state:(\S)(?:\s+running task)?\s+stack:\s*\d+\s+pid:\s*(\d+)(?:\s+tgid:\s*\d+)?\s+ppid:\s*(\d+)(?:\s+task_flags:0x[0-9a-f]+)?\s+flags:0x[0-9a-f]+")
        .expect("task line regex")
});

/// `xfsaild/dm-0    D ffff88003fc14780     0   500      2 0x00000000` (2.6.32 – 5.8; the PC
/// column went away around 4.8).
static TASK_OLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.{1,15}?)\s+([RSDTtXZPIWK?])(?:\s+(?:[0-9a-f]{8}|[0-9a-f]{16})|\s+running(?: task)?)?\s+\d+\s+(\d+)\s+(\d+)\s+0x[0-9a-f]{8}\s*$")
        .expect("old task line regex")
});

/// `Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings` (6.3+).
pub(crate) fn is_suppression_notice(msg: &str) -> bool {
    msg.trim_start().starts_with("Future hung task reports are suppressed")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Taint, hint, task and workqueue lines.
    Header,
    /// Inside the call trace.
    Trace,
    /// After `</TASK>`: only a blocker line may follow.
    AfterTrace,
    /// After a 6.14+ blocker line: the owner's task line and trace, kept as lines only.
    Blocker,
}

/// Assembles one hung-task report.
#[derive(Debug)]
pub(crate) struct Builder {
    fields: HungTask,
    phase: Phase,
    run: NoiseRun,
    seen_task_line: bool,
}

impl Builder {
    /// Opens on `INFO: task NAME:PID blocked for more than N seconds.`; the 6.14+ blocker lines
    /// (`INFO: task X:1 is blocked on a mutex…`) are not headlines.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        if !msg.starts_with("INFO: task ") {
            return None;
        }
        let c = HEAD.captures(msg)?;
        let fields = HungTask {
            task: c.get(1)?.as_str().to_string(),
            pid: c.get(2)?.as_str().parse().ok()?,
            blocked_secs: c.get(3)?.as_str().parse().ok()?,
            ..HungTask::default()
        };
        Some(Builder {
            fields,
            phase: Phase::Header,
            run: NoiseRun::new(NOISE_LIMIT),
            seen_task_line: false,
        })
    }

    pub(crate) fn step(&mut self, msg: &str) -> Step {
        let s = msg.trim();
        if is_suppression_notice(s) {
            self.fields.reports_suppressed = true;
            return Step::Done;
        }
        if s.starts_with("INFO: task ") {
            if HEAD.is_match(s) {
                return Step::End;
            }
            if let Some(rest) = blocker(s) {
                if self.fields.blocked_on.is_none() {
                    self.fields.blocked_on = Some(rest.to_string());
                }
                self.phase = Phase::Blocker;
                return self.run.take();
            }
        }
        if is_stop_line(s) {
            return Step::End;
        }
        match self.phase {
            Phase::Header => self.header(msg, s),
            Phase::Trace => self.trace(s),
            Phase::AfterTrace => Step::End,
            Phase::Blocker => {
                if call_trace::trace_line(s).is_some()
                    || TASK_NEW.is_match(s)
                    || TASK_OLD.is_match(s)
                    || call_trace::is_register_line(s)
                    || call_trace::is_stack_words(s)
                {
                    self.run.take()
                } else {
                    self.run.noise()
                }
            }
        }
    }

    fn header(&mut self, msg: &str, s: &str) -> Step {
        if self.fields.tainted.is_none()
            && let Some((line, release)) = call_trace::taint_line(s)
        {
            self.fields.tainted = Some(line);
            self.fields.kernel_release = release;
            return self.run.take();
        }
        if s.starts_with("\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\"")
            || s == "Blocked by coredump."
        {
            return self.run.take();
        }
        if !self.seen_task_line && self.task_line(s) {
            self.seen_task_line = true;
            return self.run.take();
        }
        if let Some(wq) = s.strip_prefix("Workqueue: ") {
            self.fields.workqueue = Some(wq.trim().to_string());
            return self.run.take();
        }
        match call_trace::trace_line(msg) {
            Some(TraceLine::Start) | Some(TraceLine::Marker) => {
                self.phase = Phase::Trace;
                return self.run.take();
            }
            Some(TraceLine::Frame(f)) => {
                self.phase = Phase::Trace;
                call_trace::push_frame(&mut self.fields.call_trace, f);
                return self.run.take();
            }
            Some(TraceLine::End) => {
                self.phase = Phase::AfterTrace;
                return self.run.take();
            }
            None => {}
        }
        if call_trace::is_stack_words(s) || call_trace::is_register_line(s) {
            return self.run.take();
        }
        self.run.noise()
    }

    fn trace(&mut self, s: &str) -> Step {
        match call_trace::trace_line(s) {
            Some(TraceLine::Frame(f)) => {
                call_trace::push_frame(&mut self.fields.call_trace, f);
                self.run.take()
            }
            Some(TraceLine::Start) | Some(TraceLine::Marker) => self.run.take(),
            Some(TraceLine::End) => {
                self.phase = Phase::AfterTrace;
                self.run.take()
            }
            None if call_trace::is_register_line(s) || call_trace::is_stack_words(s) => {
                self.run.take()
            }
            None => self.run.noise(),
        }
    }

    /// The `sched_show_task()` line, any era; fills state and ppid.
    fn task_line(&mut self, s: &str) -> bool {
        let Some(c) = TASK_NEW.captures(s).or_else(|| TASK_OLD.captures(s)) else {
            return false;
        };
        let comm = c.get(1).map(|m| m.as_str().trim()).unwrap_or_default();
        self.fields.state = c.get(2).map(|m| m.as_str().to_string());
        self.fields.ppid = c.get(4).and_then(|m| m.as_str().parse().ok());
        // The task line truncates the name to 15 bytes.
        if !comm.is_empty() && !self.fields.task.starts_with(comm) {
            self.fields.task_line_comm = Some(comm.to_string());
        }
        true
    }

    pub(crate) fn finish(self) -> HungTask {
        self.fields
    }
}

/// The text after the task of a 6.14+ blocker line: `is blocked on a mutex likely owned by task
/// foo:12.`, `blocked on a semaphore likely last held by task foo:12`, `<writer> blocked on an
/// rw-semaphore likely owned by task …`.
fn blocker(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("INFO: task ")?;
    let at = rest.find(" is blocked on ").or_else(|| rest.find(" blocked on "))?;
    rest.get(at + 1..)
}

/// Lines that begin another block of output and so end a report even mid-trace.
fn is_stop_line(s: &str) -> bool {
    s.starts_with("CPU: ")
        || s.starts_with("NMI backtrace for cpu")
        || s.starts_with("Sending NMI from CPU")
        || s.starts_with("Showing all locks held")
        || s.starts_with("Kernel panic")
        || s.starts_with("Mem-Info:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> (HungTask, Vec<Step>) {
        let mut b = Builder::start(lines[0]).expect("headline");
        let steps = lines[1..].iter().map(|l| b.step(l)).collect();
        (b.finish(), steps)
    }

    #[test]
    fn headline_with_colons_and_spaces_in_comm() {
        let b = Builder::start("INFO: task kworker/u48:7:1511 blocked for more than 122 seconds.")
            .unwrap();
        assert_eq!(
            (b.fields.task.as_str(), b.fields.pid, b.fields.blocked_secs),
            ("kworker/u48:7", 1511, 122)
        );
        let b = Builder::start("INFO: task Web Content:4242 blocked for more than 245 seconds.")
            .unwrap();
        assert_eq!((b.fields.task.as_str(), b.fields.pid), ("Web Content", 4242));
        assert!(
            Builder::start("INFO: task a:1 is blocked on a mutex likely owned by task b:2.")
                .is_none()
        );
        assert!(
            Builder::start("INFO: task jbd2/[34315.188943]  __rq_qos_throttle+0x23/0x30").is_none()
        );
    }

    #[test]
    fn debian_5_10_report() {
        let (t, steps) = run(&[
            "INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.",
            "      Not tainted 5.10.0-8-cloud-amd64 #1 Debian 5.10.46-4",
            "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
            "task:jbd2/sda1-8     state:D stack:    0 pid:  161 ppid:     2 flags:0x00004000",
            "Call Trace:",
            " __schedule+0x282/0x870",
            " ? wbt_rqw_done+0xe0/0xe0",
            "systemd[1]: unrelated",
            " schedule+0x46/0xb0",
        ]);
        assert_eq!(t.state.as_deref(), Some("D"));
        assert_eq!(t.ppid, Some(2));
        assert_eq!(t.kernel_release.as_deref(), Some("5.10.0-8-cloud-amd64"));
        assert_eq!(
            t.call_trace,
            ["__schedule+0x282/0x870", "? wbt_rqw_done+0xe0/0xe0", "schedule+0x46/0xb0"]
        );
        assert_eq!(steps[6], Step::Noise);
    }

    #[test]
    fn task_line_formats_of_every_era() {
        let lines = [
            ("rm            D ffff88107f472c40     0 16705  22512 0x00000000", 22512),
            ("xfsaild/dm-0    D ffff88003fc14780     0   500      2 0x00000000", 2),
            ("kworker/u8:0    D    0     5      2 0x80000000", 2),
            ("task:kworker/1:2    state:D stack:0     pid:123   ppid:2      flags:0x00004000", 2),
            (
                "task:syz-executor    state:D stack:27552 pid:7768  tgid:7768  ppid:1      flags:0x00000004",
                1,
            ),
            (
                "task:syz.0.17         state:D stack:0     pid:5456  tgid:5456  ppid:5455   task_flags:0x400140 flags:0x00000002",
                5455,
            ),
        ];
        for (line, ppid) in lines {
            let mut b =
                Builder::start("INFO: task x:1 blocked for more than 120 seconds.").unwrap();
            assert_eq!(b.step(line), Step::Take, "{line}");
            let t = b.finish();
            assert_eq!((t.state.as_deref(), t.ppid), (Some("D"), Some(ppid)), "{line}");
        }
    }

    #[test]
    fn suppression_and_blocker() {
        let (t, steps) = run(&[
            "INFO: task a:10 blocked for more than 122 seconds.",
            "task:a               state:D stack:0     pid:10    tgid:10    ppid:2      flags:0x00004000",
            "Call Trace:",
            " <TASK>",
            " __schedule+0x1/0x2",
            " </TASK>",
            "INFO: task a:10 is blocked on a mutex likely owned by task b:11.",
            "task:b               state:S stack:0     pid:11    tgid:11    ppid:2      flags:0x00004000",
            "Call Trace:",
            " schedule+0x1/0x2",
            "Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings",
        ]);
        assert_eq!(t.call_trace, ["__schedule+0x1/0x2"]);
        assert_eq!(
            t.blocked_on.as_deref(),
            Some("is blocked on a mutex likely owned by task b:11.")
        );
        assert!(t.reports_suppressed);
        assert_eq!(steps.last(), Some(&Step::Done));
    }
}
