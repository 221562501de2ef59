//! XFS error reports (`fs/xfs/*`, docs/FORMATS.md 3.4): `XFS (dm-2): metadata I/O error: block
//! 0x2f5a0a8 ("xlog_iodone") error 5 numblks 64`, forced shutdowns (the two-line
//! `xfs_do_force_shutdown(0x2) called from line …` + `Log I/O Error Detected.  Shutting down
//! filesystem` form and the one-line 5.14+ form), corruption and verifier reports, log errors,
//! `XFS: possible memory allocation deadlock in kmem_alloc (mode:0x250)`, and the 2.6.32
//! `Filesystem "dm-0": …` style. Normal mount, recovery and quotacheck messages are no events.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::Step;
use super::call_trace::{self, TraceLine};
use crate::model::{XfsClass, XfsError};

/// Longest message kept when terminal wraps are joined.
const MAX_MESSAGE: usize = 1024;

/// `XFS (dev): text`, `XFS: text`, `Filesystem "dev": text` (2.6.32), and the prefix-less
/// 2.6.32 `xfs_force_shutdown(dev,0x8) …` and `I/O error in filesystem ("dev") …` lines.
/// Returns the device and the text after the prefix.
fn split_prefix(msg: &str) -> Option<(Option<&str>, &str)> {
    let s = msg.trim_start();
    if let Some(rest) = s.strip_prefix("XFS (") {
        let (dev, text) = rest.split_once("): ")?;
        return Some((Some(dev), text));
    }
    if let Some(text) = s.strip_prefix("XFS: ") {
        return Some((None, text));
    }
    if let Some(rest) = s.strip_prefix("Filesystem \"") {
        let (dev, text) = rest.split_once("\": ")?;
        return Some((Some(dev), text));
    }
    if let Some(rest) = s.strip_prefix("xfs_force_shutdown(") {
        let dev = rest.split_once(',').map(|(d, _)| d);
        return Some((dev, s));
    }
    if let Some(rest) = s.strip_prefix("I/O error in filesystem (\"") {
        let dev = rest.split_once('"').map(|(d, _)| d);
        return Some((dev, s));
    }
    None
}

/// `Unmount and run xfs_repair`, `Please umount the filesystem and rectify the problem(s)`,
/// `Please unmount the filesystem and rectify the problem(s).`
fn is_repair_advice(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("Unmount and run xfs_repair")
        || t.starts_with("Please umount the filesystem")
        || t.starts_with("Please unmount the filesystem")
}

/// The repair advice inside a longer line (`Corruption detected. Unmount and run xfs_repair`,
/// `… Please unmount and run xfs_repair (>= v4.3) to resolve.`).
fn advice_within(text: &str) -> Option<&str> {
    ["Unmount and run xfs_repair", "Please unmount and run xfs_repair"]
        .iter()
        .find_map(|a| text.find(a))
        .and_then(|at| text.get(at..))
        .map(str::trim)
}

/// Follow-up lines of a report that are never events of their own.
fn is_follow_up(text: &str) -> bool {
    text.starts_with(' ')
        || is_repair_advice(text)
        || (text.starts_with("First ") && text.contains("bytes of corrupted metadata buffer"))
        || text.starts_with("ticket reservation summary")
}

/// `00000000: 49 4e 81 a4 03 02 …  IN…` / `ffff880c4941b000: 00 00 …` from `print_hex_dump`.
fn is_hex_dump(s: &str) -> bool {
    static HEX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[0-9a-f]{8,16}: (?:[0-9a-f]{2} ?){1,16}").expect("hex dump regex")
    });
    HEX.is_match(s.trim_start())
}

fn contains_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

/// Words of which every error class below needs one: most XFS lines (`Mounting V5 Filesystem`,
/// `Ending clean mount`, quota and recovery notes) have none, and are let go after one scan
/// instead of a score of substring searches.
const ERROR_WORDS: &[&str] = &[
    "error",
    "Error",
    "ERROR",
    "fail",
    "Fail",
    "can't",
    "cannot",
    "shutdown",
    "Shutting down",
    "shut down",
    "deadlock",
    "ran out",
    "inconsistent",
    "page discard",
    "orrupt",
    "nvalid inode",
];

fn may_be_error(text: &str) -> bool {
    static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::new(ERROR_WORDS).expect("the XFS error words form a valid automaton")
    });
    WORDS.is_match(text)
}

/// The class of an XFS message, `None` for normal messages and follow-up lines.
fn classify(text: &str) -> Option<XfsClass> {
    if is_follow_up(text) || !may_be_error(text) {
        return None;
    }
    let t = text.trim();
    if t.contains("xfs_do_force_shutdown(")
        || t.starts_with("xfs_force_shutdown(")
        || t.contains("Shutting down filesystem")
        || t.contains("shut down due to log error")
        || t.starts_with("User initiated shutdown received")
    {
        return Some(XfsClass::Shutdown);
    }
    if t.contains("possible memory allocation deadlock") {
        return Some(XfsClass::AllocDeadlock);
    }
    if (t.starts_with("log ") && contains_any(t, &["error", "failed"]))
        || t.starts_with("xfs_log_force: error")
        || t.starts_with("empty log check failed")
        || t.starts_with("Failed to recover intents")
        || t.starts_with("ctx ticket reservation ran out")
        || t.starts_with("Log inconsistent")
        || t.starts_with("failed to locate log tail")
        || t.starts_with("failed to find log head")
        || (t.starts_with("xlog_") && contains_any(t, &["error", "failed"]))
    {
        return Some(XfsClass::LogError);
    }
    if t.contains("metadata I/O error")
        || t.starts_with("I/O error in filesystem")
        || t.starts_with("Failing async write")
        || t.starts_with("writeback error on sector")
        || t.starts_with("page discard on page")
    {
        return Some(XfsClass::IoError);
    }
    if contains_any(t, &["corrupt", "Corrupt", "CRC error", "Internal error", "internal error"])
        || t.starts_with("Invalid inode")
        || t.starts_with("invalid inode")
    {
        return Some(XfsClass::Corruption);
    }
    if contains_any(t, &["error", "Error", "ERROR", "failed", "Failed", "can't", "cannot"]) {
        return Some(XfsClass::Other);
    }
    None
}

/// Assembles one XFS error report and its follow-up lines.
#[derive(Debug)]
pub(crate) struct Builder {
    fields: XfsError,
    /// Texts the fields are read from: the headline (wraps joined) and a merged shutdown line.
    texts: Vec<String>,
    /// Only the line right after the headline (or after a wrap of it) may be a wrap of it.
    wrap_ok: bool,
}

impl Builder {
    /// Opens on an XFS error line.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        let (device, text) = split_prefix(msg)?;
        let class = classify(text)?;
        let text = text.trim();
        let mut fields = XfsError {
            device: device.map(str::to_string),
            class,
            message: text.to_string(),
            ..XfsError::default()
        };
        if class == XfsClass::Shutdown && is_reason_line(text) {
            fields.shutdown_reason = Some(text.to_string());
        }
        fields.repair_advice = advice_within(text).map(str::to_string);
        Some(Builder { fields, texts: vec![text.to_string()], wrap_ok: true })
    }

    pub(crate) fn step(&mut self, msg: &str, wrapped: bool) -> Step {
        if wrapped && looks_like_wrap(msg) {
            if self.wrap_ok && self.fields.message.len() < MAX_MESSAGE {
                let part = msg.trim_end();
                self.fields.message.push_str(part);
                if let Some(t) = self.texts.first_mut() {
                    t.push_str(part);
                }
            }
            return Step::Take;
        }
        self.wrap_ok = false;
        let s = msg.trim();
        if is_hex_dump(s) {
            return Step::Take;
        }
        if let Some((device, text)) = split_prefix(msg) {
            if device != self.fields.device.as_deref() {
                return Step::End;
            }
            if is_repair_advice(text) {
                if self.fields.repair_advice.is_none() {
                    self.fields.repair_advice = Some(text.trim().to_string());
                }
                return Step::Take;
            }
            if is_follow_up(text) {
                return Step::Take;
            }
            // `xfs_corruption_error` ends its report with `Corruption detected. Unmount and run
            // xfs_repair`, after the `Internal error` line, stack dump and hex dump.
            if self.fields.class == XfsClass::Corruption
                && text.starts_with("Corruption detected")
                && let Some(advice) = advice_within(text)
            {
                self.fields.repair_advice.get_or_insert_with(|| advice.to_string());
                return Step::Take;
            }
            if self.fields.class == XfsClass::Shutdown
                && self.fields.shutdown_reason.is_none()
                && is_reason_line(text)
            {
                self.fields.shutdown_reason = Some(text.trim().to_string());
                self.texts.push(text.trim().to_string());
                return Step::Take;
            }
            return Step::End;
        }
        // 2.6.32 prints the advice without prefix.
        if is_repair_advice(s) {
            if self.fields.repair_advice.is_none() {
                self.fields.repair_advice = Some(s.to_string());
            }
            return Step::Take;
        }
        // The stack dump after an internal error or verifier failure.
        if call_trace::dump_header(s).is_some()
            || call_trace::is_register_line(s)
            || call_trace::is_stack_words(s)
        {
            return Step::Take;
        }
        match call_trace::trace_line(s) {
            Some(TraceLine::Frame(f)) => {
                call_trace::push_frame(&mut self.fields.call_trace, f);
                Step::Take
            }
            Some(_) => Step::Take,
            None => Step::End,
        }
    }

    pub(crate) fn finish(mut self) -> XfsError {
        for text in &self.texts {
            extract(&mut self.fields, text);
        }
        self.fields.errno_name = self.fields.errno.and_then(errno_name).map(str::to_string);
        self.fields
    }
}

/// Whether a line without the source's prefix can be the rest of a line the terminal wrapped
/// (`error 117 numblks 8`, `/0x100, block 0x3a3a570`) rather than other console output
/// (`[FAILED] Failed to mount /data.`, `See 'systemctl status data.mount' for details.`).
fn looks_like_wrap(msg: &str) -> bool {
    msg.chars().next().is_some_and(|c| c != '[' && !c.is_ascii_uppercase())
}

/// A shutdown line that names the cause.
fn is_reason_line(text: &str) -> bool {
    text.contains("Shutting down filesystem") || text.contains("shut down due to log error")
}

static ERRNO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:error|err)\s*[=:]?\s*(-?\d+)\b").expect("errno regex"));

static LOCATIONS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // file:line forms first: shutdowns, internal errors, error injection.
        r"called from line (\d+) of file (\S+?)\.?(?:\s|$)",
        r"at line (\d+) of file (\S+?)\.?(?:\s|$)",
        r"\((\S+\.c):(\d+)\)",
        r"at file (\S+?), line (\d+)",
        // function forms.
        r#"in "([A-Za-z_][\w.]*)"#,
        r#"\("([A-Za-z_][\w.]*)"\)"#,
        r"detected at ([A-Za-z_][\w.]*)",
        r"deadlock(?: size \d+)? in ([A-Za-z_][\w.]*)",
        r"^([a-z_][a-z0-9_]*): ",
    ]
    .iter()
    .map(|p| Regex::new(p).expect("location regex"))
    .collect()
});

static FLAGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:xfs_do_force_shutdown\(|xfs_force_shutdown\([^,]*,|log error \(|\()(0x[0-9a-f]+)\)(?: detected at| called from|\.|$)")
        .expect("shutdown flags regex")
});

static BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:daddr|block) (0x[0-9a-f]+)").expect("block regex"));

/// Fills the fields a message carries, keeping what an earlier text gave.
fn extract(f: &mut XfsError, text: &str) {
    if f.errno.is_none() && f.class != XfsClass::AllocDeadlock {
        f.errno = ERRNO
            .captures(text)
            .and_then(|c| c.get(1))
            .and_then(|m| m.as_str().trim_start_matches('-').parse().ok());
    }
    if f.location.is_none() {
        for (i, re) in LOCATIONS.iter().enumerate() {
            let Some(c) = re.captures(text) else { continue };
            f.location = match i {
                0 | 1 => c
                    .get(2)
                    .zip(c.get(1))
                    .map(|(file, line)| format!("{}:{}", file.as_str(), line.as_str())),
                2 | 3 => c
                    .get(1)
                    .zip(c.get(2))
                    .map(|(file, line)| format!("{}:{}", file.as_str(), line.as_str())),
                _ => c.get(1).map(|m| m.as_str().to_string()),
            };
            break;
        }
    }
    if f.shutdown_flags.is_none() && f.class == XfsClass::Shutdown {
        f.shutdown_flags =
            FLAGS.captures(text).and_then(|c| c.get(1)).map(|m| m.as_str().to_string());
    }
    if f.block.is_none() {
        f.block = BLOCK.captures(text).and_then(|c| c.get(1)).map(|m| m.as_str().to_string());
    }
}

/// Names of the error numbers XFS reports (positive), with XFS's own aliases.
fn errno_name(errno: u32) -> Option<&'static str> {
    Some(match errno {
        1 => "EPERM",
        2 => "ENOENT",
        5 => "EIO",
        6 => "ENXIO",
        11 => "EAGAIN",
        12 => "ENOMEM",
        16 => "EBUSY",
        19 => "ENODEV",
        22 => "EINVAL",
        28 => "ENOSPC",
        30 => "EROFS",
        61 => "ENODATA",
        74 => "EFSBADCRC",
        95 => "EOPNOTSUPP",
        117 => "EFSCORRUPTED",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
