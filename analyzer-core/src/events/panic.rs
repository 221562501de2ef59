//! `Kernel panic - not syncing: Fatal exception`, with the `CPU: … PID: … Comm: …` line, call
//! trace, `Kernel Offset:` and `---[ end Kernel panic - not syncing: … ]---` that follow.

use super::call_trace;
use super::{NoiseRun, Step};
use crate::model::KernelPanic;

/// Unrelated lines in a row before the panic report is considered over.
const NOISE_LIMIT: u8 = 2;

/// Assembles one panic report.
#[derive(Debug)]
pub(crate) struct Builder {
    fields: KernelPanic,
    run: NoiseRun,
}

impl Builder {
    /// Opens on `Kernel panic - not syncing: …`.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        if msg.starts_with("---[") {
            return None;
        }
        let at = msg.find("Kernel panic - not syncing")?;
        let rest = msg.get(at + "Kernel panic - not syncing".len()..)?;
        let reason = rest.trim_start_matches(':').trim();
        Some(Builder {
            fields: KernelPanic { reason: reason.to_string(), ..KernelPanic::default() },
            run: NoiseRun::new(NOISE_LIMIT),
        })
    }

    pub(crate) fn step(&mut self, msg: &str) -> Step {
        let s = msg.trim();
        if s.starts_with("---[ end Kernel panic") {
            return Step::Done;
        }
        if let Some(h) = call_trace::dump_header(s) {
            if self.fields.pid.is_some() {
                return Step::End;
            }
            self.fields.process = Some(h.comm);
            self.fields.pid = h.pid;
            return self.run.take();
        }
        if call_trace::take_trace_line(s, &mut self.fields.call_trace) {
            return self.run.take();
        }
        if call_trace::is_register_line(s)
            || call_trace::is_stack_words(s)
            || s.starts_with("Rebooting in")
            || s.starts_with("Shutting down cpus")
            || s.starts_with("Dumping ftrace buffer")
        {
            return self.run.take();
        }
        self.run.noise()
    }

    pub(crate) fn finish(self) -> KernelPanic {
        self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_with_trace() {
        let mut b = Builder::start("Kernel panic - not syncing: hung_task: blocked tasks").unwrap();
        assert_eq!(
            b.step("CPU: 1 PID: 35 Comm: khungtaskd Not tainted 4.18.0-147.el8.x86_64 #1"),
            Step::Take
        );
        assert_eq!(b.step("Call Trace:"), Step::Take);
        assert_eq!(b.step(" dump_stack+0x5c/0x80"), Step::Take);
        assert_eq!(b.step("Kernel Offset: 0x1e000000 from 0xffffffff81000000"), Step::Take);
        assert_eq!(
            b.step("---[ end Kernel panic - not syncing: hung_task: blocked tasks ]---"),
            Step::Done
        );
        let f = b.finish();
        assert_eq!(f.reason, "hung_task: blocked tasks");
        assert_eq!((f.process.as_deref(), f.pid), (Some("khungtaskd"), Some(35)));
        assert_eq!(f.call_trace, ["dump_stack+0x5c/0x80"]);
        assert!(
            Builder::start("---[ end Kernel panic - not syncing: Fatal exception ]---").is_none()
        );
    }
}
