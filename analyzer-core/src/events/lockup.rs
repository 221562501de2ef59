//! Watchdog lockups (`kernel/watchdog.c`): `watchdog: BUG: soft lockup - CPU#3 stuck for 23s!
//! [kworker/3:1:1234]` (the `watchdog: ` / `NMI watchdog: ` prefix depends on the era) and
//! `Watchdog detected hard LOCKUP on cpu 3`, with the module list, `CPU: … PID: …` line,
//! registers and call trace that follow.

use std::sync::LazyLock;

use regex::Regex;

use super::call_trace;
use super::{NoiseRun, Step};
use crate::model::{EventFields, Lockup};

/// Unrelated lines in a row before the report is considered over.
const NOISE_LIMIT: u8 = 3;

static SOFT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"BUG: soft lockup - CPU#(\d+) stuck for (\d+)s!(?: \[(.+):(\d+)\])?")
        .expect("soft lockup regex")
});

static HARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)detected hard LOCKUP on cpu (\d+)").expect("hard lockup regex")
});

/// Assembles one lockup report.
#[derive(Debug)]
pub(crate) struct Builder {
    hard: bool,
    fields: Lockup,
    run: NoiseRun,
}

impl Builder {
    /// Opens on a soft or hard lockup headline.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        if msg.contains("soft lockup") {
            let c = SOFT.captures(msg)?;
            let fields = Lockup {
                cpu: c.get(1).and_then(|m| m.as_str().parse().ok()),
                stuck_secs: c.get(2).and_then(|m| m.as_str().parse().ok()),
                task: c.get(3).map(|m| m.as_str().to_string()),
                pid: c.get(4).and_then(|m| m.as_str().parse().ok()),
                ..Lockup::default()
            };
            return Some(Builder { hard: false, fields, run: NoiseRun::new(NOISE_LIMIT) });
        }
        if msg.contains("hard LOCKUP") && !msg.contains("Kernel panic") {
            let c = HARD.captures(msg)?;
            let fields =
                Lockup { cpu: c.get(1).and_then(|m| m.as_str().parse().ok()), ..Lockup::default() };
            return Some(Builder { hard: true, fields, run: NoiseRun::new(NOISE_LIMIT) });
        }
        None
    }

    pub(crate) fn step(&mut self, msg: &str) -> Step {
        let s = msg.trim();
        if s.starts_with("Kernel panic") {
            return Step::End;
        }
        if let Some(h) = call_trace::dump_header(s) {
            if self.fields.pid.is_some() && self.fields.task.is_some() && self.hard {
                return Step::End;
            }
            self.fields.task.get_or_insert(h.comm);
            if self.fields.pid.is_none() {
                self.fields.pid = h.pid;
            }
            return self.run.take();
        }
        if self.fields.location.is_none()
            && let Some(loc) = call_trace::location(s)
        {
            self.fields.location = Some(loc);
            return self.run.take();
        }
        if call_trace::take_trace_line(s, &mut self.fields.call_trace) {
            return self.run.take();
        }
        if call_trace::is_register_line(s)
            || call_trace::is_stack_words(s)
            || s.starts_with("irq event stamp")
            || s.starts_with("hardirqs last")
            || s.starts_with("softirqs last")
            || s.starts_with("Sending NMI")
            || s.starts_with("NMI backtrace")
        {
            return self.run.take();
        }
        self.run.noise()
    }

    pub(crate) fn finish(self) -> EventFields {
        if self.hard {
            EventFields::HardLockup(self.fields)
        } else {
            EventFields::SoftLockup(self.fields)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soft_and_hard() {
        let mut b =
            Builder::start("watchdog: BUG: soft lockup - CPU#3 stuck for 23s! [kworker/3:1:1234]")
                .unwrap();
        assert_eq!(b.step("Modules linked in: xfs libcrc32c"), Step::Take);
        assert_eq!(b.step("CPU: 3 PID: 1234 Comm: kworker/3:1 Not tainted 5.10.0 #1"), Step::Take);
        assert_eq!(b.step("RIP: 0010:native_queued_spin_lock_slowpath+0x63/0x1e0"), Step::Take);
        assert_eq!(b.step(" _raw_spin_lock+0x1a/0x20"), Step::Take);
        let EventFields::SoftLockup(f) = b.finish() else { panic!("soft lockup") };
        assert_eq!(
            (f.cpu, f.stuck_secs, f.task.as_deref(), f.pid),
            (Some(3), Some(23), Some("kworker/3:1"), Some(1234))
        );
        assert_eq!(f.location.as_deref(), Some("native_queued_spin_lock_slowpath+0x63/0x1e0"));
        assert_eq!(f.call_trace, ["_raw_spin_lock+0x1a/0x20"]);
        let b = Builder::start("NMI watchdog: Watchdog detected hard LOCKUP on cpu 5").unwrap();
        assert!(matches!(b.finish(), EventFields::HardLockup(Lockup { cpu: Some(5), .. })));
        assert!(Builder::start("Kernel panic - not syncing: Hard LOCKUP").is_none());
    }
}
