//! OOM-killer reports (`mm/oom_kill.c`): `java invoked oom-killer: gfp_mask=0x201da, order=0,
//! oom_score_adj=0`, the cpuset and `CPU: … PID: …` lines, the call trace, the Mem-Info dump,
//! the task table, `oom-kill:constraint=CONSTRAINT_NONE,…` (5.0+) and the kill line in its forms:
//! `Out of memory: Kill process 1234 (foo) score 900 or sacrifice child` + `Killed process 1234
//! (foo) total-vm:…kB, anon-rss:…kB, file-rss:…kB, shmem-rss:…kB` (≤4.x), `Out of memory: Killed
//! process …` / `Memory cgroup out of memory: Killed process …` (5.x+), then `oom_reaper:`.

use std::sync::LazyLock;

use regex::Regex;

use super::call_trace;
use super::page_alloc::{MemInfoParser, MemStep, split_flags};
use super::{NoiseRun, Step};
use crate::model::OomKill;

/// Unrelated lines in a row before the report is considered over.
const NOISE_LIMIT: u8 = 3;

static INVOKE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?) invoked oom-killer: (.*)$").expect("oom invoke regex"));

static GFP_MASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"gfp_mask=(0x[0-9a-fA-F]+)(?:\(([^)]*)\))?").expect("gfp_mask regex")
});

static KILL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:Out of memory|Memory cgroup out of memory)(?: \(oom_kill_allocating_task\))?: )?Kill(ed)? process (\d+)(?:, UID \d+,)? \((.+?)\)((?:\s|,).*|)$")
        .expect("oom kill regex")
});

static RSS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(total-vm|anon-rss|file-rss|shmem-rss):(\d+)kB").expect("rss regex")
});

static TASK_ROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[\s*(?:\d+|pid)\s*\]").expect("task table regex"));

/// Assembles one OOM report.
#[derive(Debug)]
pub(crate) struct Builder {
    fields: OomKill,
    mem: MemInfoParser,
    killed: bool,
    run: NoiseRun,
}

fn number<T: std::str::FromStr>(text: &str, key: &str) -> Option<T> {
    let at = text.find(key)?;
    let rest = text.get(at + key.len()..)?;
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '-')).unwrap_or(rest.len());
    rest.get(..end)?.parse().ok()
}

impl Builder {
    /// Opens on `… invoked oom-killer: …`, or on a kill line printed without one.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        if msg.contains("invoked oom-killer") {
            let c = INVOKE.captures(msg)?;
            let rest = c.get(2)?.as_str();
            let (gfp_mask, gfp_flags) = GFP_MASK
                .captures(rest)
                .map(|g| {
                    (
                        g.get(1).map(|m| m.as_str().to_string()),
                        split_flags(g.get(2).map(|m| m.as_str())),
                    )
                })
                .unwrap_or_default();
            let fields = OomKill {
                invoker: c.get(1).map(|m| m.as_str().to_string()),
                order: number(rest, "order="),
                oom_score_adj: number(rest, "oom_score_adj="),
                gfp_mask,
                gfp_flags,
                ..OomKill::default()
            };
            return Some(Builder {
                fields,
                mem: MemInfoParser::default(),
                killed: false,
                run: NoiseRun::new(NOISE_LIMIT),
            });
        }
        if msg.starts_with("Out of memory") || msg.starts_with("Memory cgroup out of memory") {
            let mut b = Builder {
                fields: OomKill::default(),
                mem: MemInfoParser::default(),
                killed: false,
                run: NoiseRun::new(NOISE_LIMIT),
            };
            b.kill_line(msg);
            return Some(b);
        }
        None
    }

    /// Victim, pid and RSS from a kill line; returns whether it was one.
    fn kill_line(&mut self, s: &str) -> bool {
        let Some(c) = KILL.captures(s) else { return false };
        self.fields.pid = c.get(2).and_then(|m| m.as_str().parse().ok());
        self.fields.victim = c.get(3).map(|m| m.as_str().to_string());
        let rest = c.get(4).map(|m| m.as_str()).unwrap_or_default();
        for r in RSS.captures_iter(rest) {
            let v = r.get(2).and_then(|m| m.as_str().parse().ok());
            match r.get(1).map(|m| m.as_str()) {
                Some("total-vm") => self.fields.total_vm_kb = v,
                Some("anon-rss") => self.fields.anon_rss_kb = v,
                Some("file-rss") => self.fields.file_rss_kb = v,
                Some("shmem-rss") => self.fields.shmem_rss_kb = v,
                _ => {}
            }
        }
        // `Kill process … score N or sacrifice child` names the choice; `Killed process` is the kill.
        if c.get(1).is_some() {
            self.killed = true;
        }
        true
    }

    pub(crate) fn step(&mut self, msg: &str) -> Step {
        let s = msg.trim();
        if self.killed {
            return if s.starts_with("oom_reaper:") { Step::Done } else { Step::End };
        }
        if s.contains("invoked oom-killer") {
            return Step::End;
        }
        if (s.contains("Kill process") || s.contains("Killed process")) && self.kill_line(s) {
            return self.run.take();
        }
        if let Some(rest) = s.strip_prefix("oom-kill:") {
            self.fields.constraint = field(rest, "constraint=");
            self.fields.memcg = field(rest, "task_memcg=");
            return self.run.take();
        }
        if let Some(h) = call_trace::dump_header(s) {
            if self.fields.invoker_pid.is_some() {
                return Step::End;
            }
            self.fields.invoker_pid = h.pid;
            return self.run.take();
        }
        if call_trace::take_trace_line(s, &mut self.fields.call_trace) {
            return self.run.take();
        }
        if self.mem.line(s) != MemStep::No {
            return self.run.take();
        }
        if call_trace::is_register_line(s)
            || call_trace::is_stack_words(s)
            || TASK_ROW.is_match(s)
            || s.contains(" cpuset=")
            || s.starts_with("Tasks state")
            || s.starts_with("Unreclaimable slab info")
            || s.starts_with("Name ")
            || s.starts_with("Task in ")
            || s.starts_with("memory: usage")
            || s.starts_with("memory+swap: usage")
            || s.starts_with("swap: usage")
            || s.starts_with("kmem: usage")
            || s.starts_with("Memory cgroup stats for")
            || s.starts_with("Out of memory and no killable processes")
        {
            if let Some(memcg) = s.strip_prefix("Task in ").and_then(|r| r.split(' ').next()) {
                self.fields.memcg.get_or_insert_with(|| memcg.to_string());
            }
            return self.run.take();
        }
        self.run.noise()
    }

    pub(crate) fn finish(mut self) -> OomKill {
        self.fields.mem_info = self.mem.finish();
        self.fields
    }
}

/// `key=value` from the comma-separated `oom-kill:` line.
fn field(rest: &str, key: &str) -> Option<String> {
    rest.split(',').find_map(|kv| kv.strip_prefix(key)).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_of_a_5_x_kernel() {
        let mut b = Builder::start(
            "stress invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0",
        )
        .unwrap();
        let lines = [
            "CPU: 1 PID: 4321 Comm: stress Not tainted 5.10.0 #1",
            "Call Trace:",
            " dump_stack+0x6d/0x88",
            " out_of_memory+0x11e/0x2d0",
            "Mem-Info:",
            "active_anon:12 inactive_anon:3 isolated_anon:0",
            "Node 0 Normal free:36200kB min:43192kB low:53988kB high:64788kB present:5242880kB managed:5110124kB",
            "Tasks state (memory values in pages):",
            "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
            "[   4321]     0  4321   500000   400000  3300000        0             0 stress",
            "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=stress,pid=4321,uid=0",
            "Out of memory: Killed process 4321 (stress) total-vm:2000000kB, anon-rss:1600000kB, file-rss:4kB, shmem-rss:0kB, UID:0 pgtables:3300kB oom_score_adj:0",
        ];
        for l in lines {
            assert_eq!(b.step(l), Step::Take, "{l}");
        }
        assert_eq!(
            b.step("oom_reaper: reaped process 4321 (stress), now anon-rss:0kB"),
            Step::Done
        );
        let f = b.finish();
        assert_eq!((f.invoker.as_deref(), f.invoker_pid), (Some("stress"), Some(4321)));
        assert_eq!(
            (f.gfp_mask.as_deref(), f.gfp_flags.as_slice(), f.order),
            (Some("0x100cca"), &["GFP_HIGHUSER_MOVABLE".to_string()][..], Some(0))
        );
        assert_eq!(
            (f.victim.as_deref(), f.pid, f.anon_rss_kb),
            (Some("stress"), Some(4321), Some(1_600_000))
        );
        assert_eq!(f.constraint.as_deref(), Some("CONSTRAINT_NONE"));
        assert_eq!(f.memcg.as_deref(), Some("/user.slice"));
        let mem = f.mem_info.unwrap();
        assert_eq!(mem.counters.get("active_anon"), Some(&12));
        assert_eq!(mem.zones[0].min_kb, Some(43192));
    }

    #[test]
    fn victim_names_with_parentheses() {
        let mut b = Builder::start("Out of memory: Killed process 15925 ((resolved)) total-vm:168424kB, anon-rss:4064kB, file-rss:3584kB, shmem-rss:0kB").unwrap();
        assert_eq!(b.step("oom_reaper: reaped process 15925 ((resolved)), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB"), Step::Done);
        let f = b.finish();
        assert_eq!(
            (f.victim.as_deref(), f.pid, f.file_rss_kb),
            (Some("(resolved)"), Some(15925), Some(3584))
        );
    }

    #[test]
    fn old_two_line_kill() {
        let mut b =
            Builder::start("Out of memory: Kill process 1234 (java) score 900 or sacrifice child")
                .unwrap();
        assert_eq!(
            b.step(
                "Killed process 1234, UID 0, (java) total-vm:8000kB, anon-rss:4000kB, file-rss:12kB"
            ),
            Step::Take
        );
        assert_eq!(b.step("random later line"), Step::End);
        let f = b.finish();
        assert_eq!(
            (f.victim.as_deref(), f.pid, f.total_vm_kb),
            (Some("java"), Some(1234), Some(8000))
        );
    }
}
