//! Lines shared by every kernel stack dump: call trace frames in all their styles
//! (` [<ffffffff8160a1b9>] schedule+0x29/0x70`, ` __schedule+0x282/0x870`, ` ? foo+0x1/0x2 [xfs]`,
//! ` <TASK>`), the `CPU: 7 PID: 111104 Comm: java Not tainted 4.9.24-coreos #1` header, the
//! taint line, register dumps and raw stack words.

use std::sync::LazyLock;

use regex::Regex;

/// Most frames kept per event: a trace deeper than this is recursion or a log mix-up.
pub(crate) const MAX_FRAMES: usize = 128;

/// What one line of a stack dump is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TraceLine {
    /// `Call Trace:`, `Call trace:`, `Backtrace:`.
    Start,
    /// A frame, without its address: `? xfs_log_force+0x7a/0x1b0 [xfs]`.
    Frame(String),
    /// `<TASK>`, `<IRQ>`, `<EOI>`, `<NMI>`, `<SOFTIRQ>` and their closing forms but `</TASK>`.
    Marker,
    /// `</TASK>`: the end of a 5.x+ trace.
    End,
}

static FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\(?(?:<(?:IRQ|EOI|NMI|TASK|SOFTIRQ)>\s*)*(?:\[<?[0-9a-fA-F]{6,16}>?\]\s*){0,2}(\?\s+)?([A-Za-z_.$][\w.$]*\+0x[0-9a-f]+/0x[0-9a-f]+(?:\s+\[[^\]\s]+(?: [0-9a-f]+)?\])?)\)?(?:\s+\((?:unreliable|P)\))?\s*$",
    )
    .expect("frame regex")
});

static ARM_FRAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\[<[0-9a-f]+>\]\s*\(([^)\s]+)\)\s+from\s+\[<|([A-Za-z_.$][\w.$]*) from [A-Za-z_.$][\w.$]*\+0x[0-9a-f]+/0x[0-9a-f]+)")
        .expect("arm frame regex")
});

/// A printk stamp in the middle of a line (console output interleaved with another copy).
static EMBEDDED_STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[\s*\d+\.\d*\](?:\[\s*[TC]\d+\])?\s+(\S.*)$").expect("embedded stamp regex")
});

static REGISTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:RIP|EIP|RSP|ESP|RAX|RBX|RCX|RDX|RSI|RDI|RBP|R\d{1,2}|EAX|EBX|ECX|EDX|ESI|EDI|EBP|FS|GS|CS|DS|ES|CR0|CR2|DR0|DR3|DR6|Code|PKRU|ORIG_RAX|pc|lr|sp|x\d{1,2}|r\d{1,2}|pstate|psr|ip|epc|ra|Stack|Status|Cause|BadVA|PrId|Modules linked in|Hardware name|Kernel Offset|Stack pointer|Registers)\s*:",
    )
    .expect("register regex")
});

static HEX_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:[0-9a-f]{8}|[0-9a-f]{16}|\.\.\.)\s*)+$").expect("hex words regex")
});

static CPU_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^CPU: ?(\d+) (?:UID: \d+ )?PID: (\d+) Comm: (.+?)(?:\s+Kdump: loaded)?(?:\s+((?:Not tainted|Tainted:).*)|\s*$)")
        .expect("cpu line regex")
});

static PID_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Pid: (\d+), comm: (.+?)(?:\s+((?:Not tainted|Tainted:).*)|\s*$)")
        .expect("pid line regex")
});

/// Classifies one line of a stack dump, `None` when it is not one.
pub(crate) fn trace_line(msg: &str) -> Option<TraceLine> {
    let s = msg.trim();
    match s {
        "Call Trace:" | "Call trace:" | "Backtrace:" | "Call Trace:  <IRQ>" => {
            return Some(TraceLine::Start);
        }
        "</TASK>" => return Some(TraceLine::End),
        "<TASK>" | "<IRQ>" | "</IRQ>" | "<EOI>" | "<NMI>" | "</NMI>" | "<SOFTIRQ>"
        | "</SOFTIRQ>" => return Some(TraceLine::Marker),
        _ => {}
    }
    if let Some(name) = frame(s) {
        return Some(TraceLine::Frame(name));
    }
    None
}

/// The frame printed on a line, without its address; also finds a frame behind a stray
/// printk stamp in interleaved console output (`uam-tv-1 kernel:[34315.166784]  io_schedule+…`).
pub(crate) fn frame(msg: &str) -> Option<String> {
    let s = msg.trim();
    if let Some(f) = plain_frame(s) {
        return Some(f);
    }
    let rest = EMBEDDED_STAMP.captures(s)?.get(1)?.as_str();
    plain_frame(rest.trim())
}

fn plain_frame(s: &str) -> Option<String> {
    if let Some(c) = FRAME.captures(s) {
        let name = c.get(2)?.as_str();
        return Some(if c.get(1).is_some() { format!("? {name}") } else { name.to_string() });
    }
    ARM_FRAME
        .captures(s)
        .and_then(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str().to_string())
}

/// Register dump, `Code:`, `Modules linked in:`, `Hardware name:` and similar lines of a dump.
pub(crate) fn is_register_line(msg: &str) -> bool {
    REGISTER.is_match(msg.trim_start())
}

/// Raw stack words (` ffff88007a2dd140 0000000000000086 …`) printed by old `show_stack`.
pub(crate) fn is_stack_words(msg: &str) -> bool {
    let s = msg.trim();
    !s.is_empty() && HEX_WORDS.is_match(s)
}

/// The task header of a stack dump.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct DumpHeader {
    /// `Comm:` / `comm:`.
    pub comm: String,
    /// `PID:` / `Pid:`.
    pub pid: Option<u32>,
    /// `Not tainted …` / `Tainted: …`, when printed.
    pub tainted: Option<String>,
}

/// `CPU: 7 PID: 111104 Comm: java Not tainted 4.9.24-coreos #1` (3.x+) or
/// `Pid: 1663, comm: z_wr_iss/0 Tainted: P        W  ----------------   2.6.32-220.2.1.el6.x86_64 #1`.
pub(crate) fn dump_header(msg: &str) -> Option<DumpHeader> {
    let s = msg.trim();
    let (comm, pid, taint) = if let Some(c) = CPU_LINE.captures(s) {
        (c.get(3), c.get(2), c.get(4))
    } else if let Some(c) = PID_LINE.captures(s) {
        (c.get(2), c.get(1), c.get(3))
    } else {
        return None;
    };
    Some(DumpHeader {
        comm: comm.map(|m| m.as_str().trim().to_string()).unwrap_or_default(),
        pid: pid.and_then(|m| m.as_str().parse().ok()),
        tainted: taint.map(|m| m.as_str().trim().to_string()),
    })
}

/// The taint line of a hung-task report: `      Tainted: G        W   E     4.19.0-6-amd64 #1` /
/// `      Not tainted 5.10.0-8-cloud-amd64 #1 Debian 5.10.46-4`. Returns (line, release).
pub(crate) fn taint_line(msg: &str) -> Option<(String, Option<String>)> {
    static TAINT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:Not tainted|Tainted: [A-Z ]*?)\s+(\d\S*)").expect("taint regex")
    });
    let s = msg.trim();
    if !(s.starts_with("Not tainted") || s.starts_with("Tainted: ")) {
        return None;
    }
    let release = TAINT.captures(s).and_then(|c| c.get(1)).map(|m| m.as_str().to_string());
    Some((s.to_string(), release))
}

/// The location of a `RIP: 0010:foo+0x12/0x40`, `RIP: 0010:[<ffffffff8104ff7c>]  [<…>] foo+0x1/0x2`,
/// `EIP: [<c01>] foo+0x1/0x2`, `pc : foo+0x1/0x2` or `PC is at foo+0x1/0x2` line.
pub(crate) fn location(msg: &str) -> Option<String> {
    static LOC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:RIP|EIP|IP|pc|PC is at|NIP|epc)\s*:?\s*(?:[0-9a-f]{4}:)?(?:\[<[0-9a-f]+>\]\s*)*(?:\[<[0-9a-f]+>\]\s*)?([A-Za-z_.$][\w.$]*\+0x[0-9a-f]+/0x[0-9a-f]+(?:\s+\[[^\]]+\])?)")
            .expect("location regex")
    });
    let s = msg.trim();
    LOC.captures(s).and_then(|c| c.get(1)).map(|m| m.as_str().to_string())
}

/// Whether `msg` belongs to a call trace (a frame, appended to `frames`, or a marker such as
/// `Call Trace:` or `<TASK>`): the trace-carrying events take such lines.
pub(crate) fn take_trace_line(msg: &str, frames: &mut Vec<String>) -> bool {
    match trace_line(msg) {
        Some(TraceLine::Frame(f)) => {
            push_frame(frames, f);
            true
        }
        Some(_) => true,
        None => false,
    }
}

/// Appends a frame, up to [`MAX_FRAMES`].
pub(crate) fn push_frame(frames: &mut Vec<String>, frame: String) {
    if frames.len() < MAX_FRAMES {
        frames.push(frame);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_in_every_style() {
        let cases = [
            (" [<ffffffff8160a1b9>] schedule+0x29/0x70", "schedule+0x29/0x70"),
            (" __schedule+0x282/0x870", "__schedule+0x282/0x870"),
            (" ? wbt_rqw_done+0xe0/0xe0", "? wbt_rqw_done+0xe0/0xe0"),
            (" xfs_log_force+0x7a/0x1b0 [xfs]", "xfs_log_force+0x7a/0x1b0 [xfs]"),
            (
                " [<ffffffff8135067c>] ? __mutex_lock_common.isra.5+0xff/0x164",
                "? __mutex_lock_common.isra.5+0xff/0x164",
            ),
            (
                "<IRQ>  [<ffffffff81123d2f>] ? __alloc_pages_nodemask+0x77f/0x940",
                "? __alloc_pages_nodemask+0x77f/0x940",
            ),
            ("[<8066c218>] __schedule+0x2b8/0x7fc", "__schedule+0x2b8/0x7fc"),
            (
                "[c0000000fe3c7a90] [c000000000015d74] __switch_to+0x104/0x170 (unreliable)",
                "__switch_to+0x104/0x170",
            ),
            (" ([<000000000011b27a>] __schedule+0x2aa/0x6a0)", "__schedule+0x2aa/0x6a0"),
            ("[<c04d1b44>] (__schedule) from [<c04d2070>] (schedule+0x50/0xb4)", "__schedule"),
            (" __schedule from schedule+0x20/0xac", "__schedule"),
            (" do_notify_resume+0x40/0x1b8 (P)", "do_notify_resume+0x40/0x1b8"),
            (
                "Aug 26 00:03:33 [34315.158202]  ? wbt_rqw_done+0xe0/0xe0",
                "? wbt_rqw_done+0xe0/0xe0",
            ),
            (
                "sda1-8:161 block[34315.198883]  submit_bio_noacct+0x3a9/0x420",
                "submit_bio_noacct+0x3a9/0x420",
            ),
        ];
        for (line, want) in cases {
            assert_eq!(frame(line).as_deref(), Some(want), "{line}");
        }
        assert_eq!(frame(" 120 seconds."), None);
        assert_eq!(frame("INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds."), None);
        assert_eq!(trace_line(" </TASK>"), Some(TraceLine::End));
        assert_eq!(trace_line("  <IRQ> "), Some(TraceLine::Marker));
        assert_eq!(trace_line("Call Trace:"), Some(TraceLine::Start));
    }

    #[test]
    fn dump_headers() {
        let h = dump_header("CPU: 7 PID: 111104 Comm: java Not tainted 4.9.24-coreos #1").unwrap();
        assert_eq!((h.comm.as_str(), h.pid), ("java", Some(111104)));
        assert_eq!(h.tainted.as_deref(), Some("Not tainted 4.9.24-coreos #1"));
        let h = dump_header(
            "Pid: 1663, comm: z_wr_iss/0 Tainted: P        W  ----------------   2.6.32-220.2.1.el6.x86_64 #1",
        )
        .unwrap();
        assert_eq!((h.comm.as_str(), h.pid), ("z_wr_iss/0", Some(1663)));
        let h = dump_header(
            "CPU: 21 PID: 0 Comm: swapper/21 Kdump: loaded Tainted: P           OE  ------------   3.10.0-1062.el7.x86_64 #1",
        )
        .unwrap();
        assert_eq!((h.comm.as_str(), h.pid), ("swapper/21", Some(0)));
        let h = dump_header("CPU: 3 UID: 0 PID: 5 Comm: kworker/3:0").unwrap();
        assert_eq!((h.comm.as_str(), h.pid, h.tainted), ("kworker/3:0", Some(5), None));
    }

    #[test]
    fn taint_and_location() {
        let (line, rel) = taint_line(
            "      Tainted: P           OE     5.4.0-0.bpo.4-amd64 #1 Debian 5.4.19-1~bpo10+1",
        )
        .unwrap();
        assert!(line.starts_with("Tainted: P"));
        assert_eq!(rel.as_deref(), Some("5.4.0-0.bpo.4-amd64"));
        assert_eq!(
            taint_line("      Not tainted 4.14.25 #1-NixOS").unwrap().1.as_deref(),
            Some("4.14.25")
        );
        assert_eq!(
            location("RIP: 0010:xfs_trans_cancel+0x12/0x40 [xfs]").as_deref(),
            Some("xfs_trans_cancel+0x12/0x40 [xfs]")
        );
        assert_eq!(
            location(
                "RIP: 0010:[<ffffffff8104ff7c>]  [<ffffffff8104ff7c>] __wake_up_common+0x2c/0x90"
            )
            .as_deref(),
            Some("__wake_up_common+0x2c/0x90")
        );
        assert_eq!(location("RIP: 0033:0x7f98499df3ab"), None);
        assert!(is_register_line("RSP: 002b:00007fffba955138 EFLAGS: 00000202"));
        assert!(is_stack_words(
            " ffff88007a2dd140 0000000000000086 0000000000000040 ffff8800081b81c0"
        ));
        assert!(!is_stack_words("ACPI: IRQ0 used by override."));
    }
}
