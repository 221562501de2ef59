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
        if self.ended {
            return Ok(0);
        }
        while self.pos >= self.lines.line.len() {
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
        let pos = lines.line.len();
        let mut section = Section { lines, pos, ended: false, at_start: true };
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

    /// Splits `text` as a supportconfig file and returns (path, text) per delivered section.
    fn sections(text: &str) -> Vec<(String, String)> {
        use crate::bundle::{BundleInfo, BundleSummary, InputFormat, InputKind, Member};
        #[derive(Default)]
        struct Collect(Vec<(String, String)>);
        impl BundleVisitor for Collect {
            fn begin_bundle(&mut self, _: &BundleInfo) {}
            fn source(&mut self, m: &Member<'_>, data: &mut dyn BufRead) -> io::Result<()> {
                let mut s = String::new();
                data.read_to_string(&mut s)?;
                self.0.push((m.path.to_string(), s));
                Ok(())
            }
            fn end_bundle(&mut self, _: BundleSummary) {}
        }
        let mut visitor = Collect::default();
        let info = BundleInfo {
            label: "scc".into(),
            kind: InputKind::Supportconfig,
            format: InputFormat::Directory,
        };
        let mut session = Session::begin(info, &mut visitor);
        let mut src = text.as_bytes();
        split(&mut session, "basic-environment.txt", &mut src, &mut Vec::new(), &mut visitor);
        visitor.0
    }

    #[test]
    fn sections_end_at_the_next_marker() {
        let text = "Support Utilities - Supportconfig

#==[ Command ]======================================#
# /bin/date
Sun Nov  1 12:00:07 UTC 2026

#==[ Command ]======================================#
# /bin/uname -a
Linux sles15 5.14.21-150500.55.39-default #1 SMP x86_64 GNU/Linux

#==[ Configuration File ]===========================#
# /etc/os-release
NAME=\"SLES\"
";
        assert_eq!(
            sections(text),
            vec![
                (
                    "basic-environment.txt#/bin/date".to_string(),
                    "Sun Nov  1 12:00:07 UTC 2026

"
                    .to_string()
                ),
                (
                    "basic-environment.txt#/bin/uname -a".to_string(),
                    "Linux sles15 5.14.21-150500.55.39-default #1 SMP x86_64 GNU/Linux

"
                    .to_string()
                ),
            ]
        );
    }

    #[test]
    fn an_empty_section_and_a_marker_without_label() {
        let text = "#==[ Command ]======================================#
# /bin/date
#==[ Note ]=========================================#
#==[ Configuration File ]===========================#
# /proc/meminfo
MemTotal:        8048564 kB";
        let got = sections(text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], ("basic-environment.txt#/bin/date".to_string(), String::new()));
        assert_eq!(
            got[1],
            (
                "basic-environment.txt#/proc/meminfo".to_string(),
                "MemTotal:        8048564 kB".to_string()
            )
        );
    }

    #[test]
    fn last_lines_suffix_marks_a_tail() {
        assert_eq!(
            strip_last_lines("/var/log/messages - Last 5000 Lines"),
            ("/var/log/messages", true)
        );
        assert_eq!(strip_last_lines("/proc/meminfo"), ("/proc/meminfo", false));
    }
}
