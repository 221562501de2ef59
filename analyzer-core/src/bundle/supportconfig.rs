//! SUSE supportconfig `*.txt` files: entries that start with a marker and a label line,
//!
//! ```text
//! #==[ Configuration File ]===========================#
//! # /proc/meminfo
//! MemTotal:        8048564 kB
//! ```
//!
//! become virtual sources named `<file>#<label>` (`memory.txt#/proc/meminfo`,
//! `boot.txt#/usr/bin/dmesg -T`), streamed line by line to the visitor; nothing is buffered
//! beyond one line (itself bounded to [`MAX_LINE`]).

use std::io::{self, BufRead, BufReader, Read};

use super::BundleVisitor;
use super::session::Session;
use crate::model::Problem;
use crate::source::{self, Classification};

/// Longest line kept whole; longer lines are handed on in pieces of this size.
const MAX_LINE: usize = 1 << 20;

/// The line source shared by the splitter and the section readers.
struct Lines<'a> {
    reader: BufReader<&'a mut dyn Read>,
    /// The line read last (without its end), and whether it started a line.
    line: Vec<u8>,
    /// A marker line met by a section reader, left for the splitter.
    pending_marker: bool,
}

impl Lines<'_> {
    /// Reads the next line (or piece of an over-long line) into `self.line`, keeping the `\n`.
    /// `Ok(None)` at the end; `Ok(Some(true))` when the piece starts a line.
    fn next(&mut self, at_start: bool) -> io::Result<Option<bool>> {
        self.line.clear();
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok((!self.line.is_empty()).then_some(at_start));
            }
            let room = MAX_LINE.saturating_sub(self.line.len());
            let window = available.get(..available.len().min(room)).unwrap_or_default();
            match memchr::memchr(b'\n', window) {
                Some(i) => {
                    self.line.extend_from_slice(window.get(..=i).unwrap_or_default());
                    self.reader.consume(i + 1);
                    return Ok(Some(at_start));
                }
                None => {
                    let n = window.len();
                    self.line.extend_from_slice(window);
                    self.reader.consume(n);
                    if self.line.len() >= MAX_LINE {
                        return Ok(Some(at_start));
                    }
                }
            }
        }
    }

    fn is_marker(&self) -> bool {
        let line = trim_end(&self.line);
        line.starts_with(b"#==[") && line.ends_with(b"=#") && line.contains(&b']')
    }
}

fn trim_end(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line.get(end - 1), Some(b'\n' | b'\r' | b' ' | b'\t')) {
        end -= 1;
    }
    line.get(..end).unwrap_or_default()
}

/// The body of one section, up to the next marker.
struct Section<'l, 'a> {
    lines: &'l mut Lines<'a>,
    pos: usize,
    ended: bool,
    /// Whether the next piece starts a line.
    at_start: bool,
}

impl Read for Section<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.lines.line.len() {
            if self.ended {
                return Ok(0);
            }
            let Some(started) = self.lines.next(self.at_start)? else {
                self.ended = true;
                self.lines.line.clear();
                return Ok(0);
            };
            self.at_start = self.lines.line.last() == Some(&b'\n');
            self.pos = 0;
            if started && self.lines.is_marker() {
                self.lines.pending_marker = true;
                self.ended = true;
                return Ok(0);
            }
        }
        let rest = self.lines.line.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), rest.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.pos += n;
        Ok(n)
    }
}

/// Splits one supportconfig `*.txt` member into its sections and delivers the ones the path
/// table knows.
pub(crate) fn split(
    session: &mut Session,
    file: &str,
    data: &mut dyn Read,
    buf: &mut Vec<u8>,
    visitor: &mut dyn BundleVisitor,
) {
    let mut lines = Lines {
        reader: BufReader::with_capacity(1 << 16, data),
        line: Vec::new(),
        pending_marker: false,
    };
    if let Err(e) = split_sections(session, file, &mut lines, buf, visitor) {
        session.problem(Problem::file(file, format!("read stopped: {e}")));
    }
}

fn split_sections(
    session: &mut Session,
    file: &str,
    lines: &mut Lines<'_>,
    buf: &mut Vec<u8>,
    visitor: &mut dyn BundleVisitor,
) -> io::Result<()> {
    let mut at_start = true;
    loop {
        // Find the next marker (a section reader may have met it already).
        if !std::mem::take(&mut lines.pending_marker) {
            loop {
                let Some(started) = lines.next(at_start)? else { return Ok(()) };
                at_start = lines.line.last() == Some(&b'\n');
                if started && lines.is_marker() {
                    break;
                }
            }
        }
        // The label line.
        let Some(_) = lines.next(true)? else { return Ok(()) };
        at_start = lines.line.last() == Some(&b'\n');
        if lines.is_marker() {
            lines.pending_marker = true;
            continue;
        }
        let label_line = String::from_utf8_lossy(trim_end(&lines.line)).into_owned();
        let Some(label) = label_line.strip_prefix("# ") else { continue };
        let (label, tail) = strip_last_lines(label);
        let Some(kind) = source::classify_supportconfig_label(label) else { continue };
        let path = format!("{file}#{label}");
        let class = Classification { kind, gzip: false, tailed: tail };
        let mut section = Section { lines, pos: 0, ended: false, at_start: true };
        session.deliver(&path, class, None, &mut section, buf, visitor);
        at_start = true;
    }
}

/// `/var/log/messages - Last 5000 Lines` → (`/var/log/messages`, true).
fn strip_last_lines(label: &str) -> (&str, bool) {
    match label.rsplit_once(" - Last ") {
        Some((head, tail)) if tail.ends_with("Lines") => (head, true),
        _ => (label, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_lines_suffix_marks_a_tail() {
        assert_eq!(
            strip_last_lines("/var/log/messages - Last 5000 Lines"),
            ("/var/log/messages", true)
        );
        assert_eq!(strip_last_lines("/proc/meminfo"), ("/proc/meminfo", false));
    }
}
