//! Oopses and `BUG:` reports: `BUG: unable to handle kernel NULL pointer dereference at …`,
//! `BUG: kernel NULL pointer dereference, address: 0000000000000008` (5.x), `Oops: 0000 [#1] SMP`,
//! `general protection fault: 0000 [#1] SMP`, `kernel BUG at mm/slub.c:3901!`,
//! `BUG: scheduling while atomic: swapper/0/0/0x00010000`, arm's `Unable to handle kernel …` and
//! `Internal error: Oops: …`, with the `CPU: … PID: … Comm: …` line, `RIP:`, registers, call
//! trace and `---[ end trace … ]---`. `BUG: soft lockup` is a lockup, not an oops.

use std::sync::LazyLock;

use regex::Regex;

use super::call_trace;
use super::{NoiseRun, Step};
use crate::model::KernelOops;

/// Unrelated lines in a row before the report is considered over.
const NOISE_LIMIT: u8 = 3;

static PROCESS_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Process (.+?) \(pid: (\d+),").expect("process line regex"));

/// The second headline-like line of one oops (`Oops: …` after `BUG: unable to handle …`,
/// `invalid opcode: …` after `kernel BUG at …`).
fn is_oops_line(s: &str) -> bool {
    s.starts_with("Oops")
        || s.starts_with("Internal error: Oops")
        || s.starts_with("invalid opcode:")
        || s.starts_with("general protection fault")
}

/// Assembles one oops.
#[derive(Debug)]
pub(crate) struct Builder {
    fields: KernelOops,
    seen_oops_line: bool,
    run: NoiseRun,
}

impl Builder {
    /// Opens on an oops headline.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        let is_head = msg.starts_with("BUG: ")
            || msg.starts_with("BUG ")
                && (msg.contains("unable to handle") || msg.contains("NULL pointer"))
            || is_oops_line(msg) && !msg.starts_with("invalid opcode:")
            || msg.starts_with("kernel BUG at ")
            || msg.starts_with("Unable to handle kernel ");
        if !is_head || msg.starts_with("BUG: soft lockup") {
            return None;
        }
        let fields = KernelOops { message: msg.to_string(), ..KernelOops::default() };
        Some(Builder { fields, seen_oops_line: is_oops_line(msg), run: NoiseRun::new(NOISE_LIMIT) })
    }

    pub(crate) fn step(&mut self, msg: &str) -> Step {
        let s = msg.trim();
        if s.starts_with("---[ end trace") {
            return Step::Done;
        }
        if s.starts_with("Kernel panic")
            || s.starts_with("BUG: ")
            || s.starts_with("kernel BUG at ")
        {
            return Step::End;
        }
        if is_oops_line(s) {
            if self.seen_oops_line {
                return Step::End;
            }
            self.seen_oops_line = true;
            return self.run.take();
        }
        if let Some(h) = call_trace::dump_header(s) {
            if self.fields.pid.is_some() {
                return Step::End;
            }
            self.fields.process = Some(h.comm);
            self.fields.pid = h.pid;
            self.fields.tainted = h.tainted;
            return self.run.take();
        }
        if self.fields.pid.is_none()
            && let Some(c) = PROCESS_LINE.captures(s)
        {
            self.fields.process = c.get(1).map(|m| m.as_str().to_string());
            self.fields.pid = c.get(2).and_then(|m| m.as_str().parse().ok());
            return self.run.take();
        }
        if let Some(loc) = call_trace::location(s) {
            self.fields.location.get_or_insert(loc);
            return self.run.take();
        }
        if call_trace::take_trace_line(s, &mut self.fields.call_trace) {
            return self.run.take();
        }
        if call_trace::is_register_line(s)
            || call_trace::is_stack_words(s)
            || s.starts_with("#PF:")
            || s.starts_with("PGD ")
            || s.starts_with("IP:")
            || s.starts_with("Workqueue:")
            || s.starts_with("in_atomic():")
            || s.starts_with("Preemption disabled at")
            || s.starts_with("Thread overran stack")
            || s.starts_with("task: ")
            || s.starts_with("Read of size")
            || s.starts_with("Write of size")
        {
            return self.run.take();
        }
        self.run.noise()
    }

    pub(crate) fn finish(self) -> KernelOops {
        self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_pointer_oops() {
        let mut b =
            Builder::start("BUG: kernel NULL pointer dereference, address: 0000000000000008")
                .unwrap();
        for l in [
            "#PF: supervisor read access in kernel mode",
            "PGD 0 P4D 0 ",
            "Oops: 0000 [#1] SMP PTI",
            "CPU: 2 PID: 812 Comm: kworker/2:3 Tainted: G           OE     5.4.0-97-generic #110-Ubuntu",
            "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.10.2-1ubuntu1 04/01/2014",
            "RIP: 0010:xfs_trans_cancel+0x12/0x40 [xfs]",
            "Call Trace:",
            " xfs_inactive+0x9a/0x140 [xfs]",
        ] {
            assert_eq!(b.step(l), Step::Take, "{l}");
        }
        assert_eq!(b.step("---[ end trace 5d2b1d2c0e9f1a3c ]---"), Step::Done);
        let f = b.finish();
        assert_eq!((f.process.as_deref(), f.pid), (Some("kworker/2:3"), Some(812)));
        assert_eq!(f.location.as_deref(), Some("xfs_trans_cancel+0x12/0x40 [xfs]"));
        assert_eq!(f.call_trace, ["xfs_inactive+0x9a/0x140 [xfs]"]);
        assert!(f.tainted.unwrap().starts_with("Tainted: G"));
    }

    #[test]
    fn headlines() {
        assert!(Builder::start("BUG: scheduling while atomic: swapper/0/0/0x00010000").is_some());
        assert!(Builder::start("kernel BUG at mm/slub.c:3901!").is_some());
        assert!(Builder::start("general protection fault: 0000 [#1] SMP").is_some());
        assert!(Builder::start("BUG: soft lockup - CPU#0 stuck for 22s! [a:1]").is_none());
        assert!(Builder::start("invalid opcode: 0000 [#1] SMP").is_none());
        let mut b = Builder::start("kernel BUG at fs/xfs/xfs_message.c:102!").unwrap();
        assert_eq!(b.step("invalid opcode: 0000 [#1] SMP"), Step::Take);
        assert_eq!(b.step("Oops: 0000 [#2] SMP"), Step::End);
    }
}
