//! RCU CPU stall warnings (`kernel/rcu/tree_stall.h`): `rcu: INFO: rcu_sched detected stalls on
//! CPUs/tasks:` and `INFO: rcu_preempt self-detected stall on CPU`, with the per-CPU lines,
//! `(detected by 2, t=60002 jiffies, g=…, q=…)`, task dumps and call traces that follow.

use std::sync::LazyLock;

use regex::Regex;

use super::call_trace;
use super::{NoiseRun, Step};
use crate::model::RcuStall;

/// Unrelated lines in a row before the report is considered over.
const NOISE_LIMIT: u8 = 3;

static HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"INFO: (\S+) (self-)?detected (?:expedited )?stalls? on (CPUs/tasks|CPU|tasks)")
        .expect("rcu stall regex")
});

static JIFFIES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bt=(\d+) jiffies").expect("jiffies regex"));

static CPU_ROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:rcu:\s*)?\d+-\S*:? ").expect("rcu cpu row regex"));

/// Assembles one stall report.
#[derive(Debug)]
pub(crate) struct Builder {
    fields: RcuStall,
    run: NoiseRun,
}

impl Builder {
    /// Opens on a stall headline.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        if !msg.contains("detected stall") && !msg.contains("detected expedited stall") {
            return None;
        }
        let c = HEAD.captures(msg)?;
        // Older kernels print everything on the headline: `INFO: rcu_sched_state detected stall
        // on CPU 0 (t=105060 jiffies)`, `… stalls on CPUs/tasks: { 2} (detected by 7, t=15002 jiffies)`.
        let fields = RcuStall {
            flavor: c.get(1).map(|m| m.as_str().to_string()),
            detected_on: c.get(3).map(|m| m.as_str().to_string()),
            jiffies: JIFFIES
                .captures(msg)
                .and_then(|j| j.get(1))
                .and_then(|j| j.as_str().parse().ok()),
            ..RcuStall::default()
        };
        Some(Builder { fields, run: NoiseRun::new(NOISE_LIMIT) })
    }

    pub(crate) fn step(&mut self, msg: &str) -> Step {
        let s = msg.trim();
        if s.starts_with("Kernel panic") {
            return Step::End;
        }
        if HEAD.is_match(s) {
            return Step::End;
        }
        if self.fields.jiffies.is_none()
            && let Some(j) = JIFFIES.captures(s).and_then(|c| c.get(1))
        {
            self.fields.jiffies = j.as_str().parse().ok();
            return self.run.take();
        }
        if call_trace::take_trace_line(s, &mut self.fields.call_trace) {
            return self.run.take();
        }
        if s.starts_with("rcu:")
            || s.contains("rcu_")
            || CPU_ROW.is_match(s)
            || s.starts_with("Task dump for CPU")
            || s.starts_with("NMI backtrace")
            || s.starts_with("Sending NMI")
            || s.starts_with("task:")
            || s.starts_with("(detected by")
            || s.starts_with("blocking rcu_node")
            || call_trace::dump_header(s).is_some()
            || call_trace::is_register_line(s)
            || call_trace::is_stack_words(s)
        {
            return self.run.take();
        }
        self.run.noise()
    }

    pub(crate) fn finish(self) -> RcuStall {
        self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stall_report() {
        let mut b = Builder::start("rcu: INFO: rcu_sched detected stalls on CPUs/tasks:").unwrap();
        assert_eq!(
            b.step("rcu: \t3-...!: (1 GPs behind) idle=a8e/0/0x1 softirq=1/1 fqs=0"),
            Step::Take
        );
        assert_eq!(b.step("\t(detected by 2, t=60002 jiffies, g=14429, q=91)"), Step::Take);
        assert_eq!(b.step("Sending NMI from CPU 2 to CPUs 3:"), Step::Take);
        assert_eq!(b.step(" schedule+0x46/0xb0"), Step::Take);
        let f = b.finish();
        assert_eq!(
            (f.flavor.as_deref(), f.detected_on.as_deref(), f.jiffies),
            (Some("rcu_sched"), Some("CPUs/tasks"), Some(60002))
        );
        let b = Builder::start("INFO: rcu_preempt self-detected stall on CPU").unwrap();
        assert_eq!(b.finish().detected_on.as_deref(), Some("CPU"));
        let f = Builder::start("INFO: rcu_sched_state detected stall on CPU 0 (t=105060 jiffies)")
            .unwrap()
            .finish();
        assert_eq!((f.flavor.as_deref(), f.jiffies), (Some("rcu_sched_state"), Some(105060)));
        let mut b = Builder::start("rcu: INFO: rcu_sched self-detected stall on CPU").unwrap();
        assert_eq!(b.step("rcu:     1-....: (8382 ticks this GP) idle=3a04/1/0x40000002 softirq=118/122 fqs=1344"), Step::Take);
        assert_eq!(b.step("rcu:     (t=8403 jiffies g=-1055 q=60 ncpus=2)"), Step::Take);
        assert_eq!(b.step(" __schedule from schedule+0x20/0xac"), Step::Take);
        let f = b.finish();
        assert_eq!(
            (f.jiffies, f.call_trace.as_slice()),
            (Some(8403), &["__schedule".to_string()][..])
        );
    }
}
