//! The state of one bundle while it streams by: classification of members (with the aliases
//! symlinks create), delivery to the visitor, the sources found, and the problems met.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{self, Read};

use super::member::Counted;
use super::{BundleInfo, BundleSummary, BundleVisitor, InputKind, Member, NON_LOG_CAP};
use crate::model::Problem;
use crate::report::{SourceEntry, SourceStatus};
use crate::source::{self, Classification, SourceKind};

/// Most link aliases kept per bundle (a real sosreport has a few dozen).
const MAX_ALIASES: usize = 10_000;
/// Most regular member paths remembered (as 8-byte hashes) to check link targets against;
/// past it the check is left out rather than memory spent.
const MAX_REGULAR: usize = 1_000_000;

/// One bundle being read.
pub(crate) struct Session {
    info: BundleInfo,
    sources: Vec<SourceEntry>,
    problems: Vec<Problem>,
    /// Targets of links whose own path is in the table: the target is read under that kind.
    aliases: HashMap<String, Classification>,
    /// A sosreport marker (`version.txt`, `sos_commands/`, `sos_logs/`) was seen.
    sos_marker: bool,
    /// Links whose own path is a source, with their resolved targets: checked at the end,
    /// so a link to nothing (dangling, a loop, a special file) is a problem, not a silent gap.
    links: Vec<(String, String)>,
    /// Hashes of the regular members' paths, for that check; `None` once too many to keep.
    regular: Option<HashSet<u64>>,
}

impl Session {
    /// Starts a bundle and announces it.
    pub(crate) fn begin(info: BundleInfo, visitor: &mut dyn BundleVisitor) -> Session {
        visitor.begin_bundle(&info);
        Session {
            info,
            sources: Vec::new(),
            problems: Vec::new(),
            aliases: HashMap::new(),
            sos_marker: false,
            links: Vec::new(),
            regular: Some(HashSet::new()),
        }
    }

    /// Notes a regular member (read or not), so links pointing at it are known to resolve.
    pub(crate) fn regular(&mut self, path: &str) {
        if let Some(seen) = &mut self.regular {
            if seen.len() >= MAX_REGULAR {
                self.regular = None;
            } else {
                seen.insert(path_hash(path));
            }
        }
    }

    /// A member at `path` that is not a regular file (a FIFO, socket, device, or a folder
    /// where the table expects a file): never opened, since opening a FIFO would block.
    pub(crate) fn not_a_file(&mut self, path: &str, what: &str) {
        let error = io::Error::other(format!("{what}, not a regular file: skipped unopened"));
        match self.classify(path) {
            Some(class) => self.unreadable(path, class.kind, &error),
            None => self.problems.push(Problem::file(path, format!("cannot read: {error}"))),
        }
    }

    /// Records a problem.
    pub(crate) fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// A symlink (or hard link) at `link` (relative to the root) pointing at `raw` as stored,
    /// `target` once resolved relative to the root (`None` when it leaves the bundle). A link
    /// whose own path is a source and that leaves the bundle is a problem: it is never
    /// followed, so what it names is not read (a link to `/etc/passwd` is not the host name).
    pub(crate) fn link(&mut self, link: &str, raw: &str, target: Option<String>) {
        if self.aliases.len() >= MAX_ALIASES {
            return;
        }
        let own = source::classify(link);
        let via_link = own
            .filter(|c| !c.gzip && !c.tailed)
            .or_else(|| source::classify_root_link(link).map(plain));
        let names_a_source = own.is_some() || via_link.is_some();
        let Some(target) = target else {
            if names_a_source {
                self.problems.push(Problem::file(
                    link,
                    format!("a link that points outside the bundle ({raw}): not followed"),
                ));
            }
            return;
        };
        if names_a_source && self.links.len() < MAX_ALIASES {
            self.links.push((link.to_string(), target.clone()));
        }
        let Some(via_link) = via_link else { return };
        match source::classify(&target) {
            // A `.tailed` target replaced this very file: read it as what the link names.
            Some(own) if own.tailed => {
                self.aliases.insert(target, Classification { tailed: true, ..via_link });
            }
            Some(_) => {}
            None => {
                self.aliases.insert(target, via_link);
            }
        }
    }

    /// One regular member at `path` (relative to the root): classified and streamed to the
    /// visitor, split into sections (a supportconfig `*.txt`), or skipped unread.
    pub(crate) fn member(
        &mut self,
        path: &str,
        size: Option<u64>,
        data: &mut dyn Read,
        buf: &mut Vec<u8>,
        visitor: &mut dyn BundleVisitor,
    ) {
        if self.info.kind == InputKind::Supportconfig {
            if !path.contains('/') && path.ends_with(".txt") {
                super::supportconfig::split(self, path, data, buf, visitor);
            }
            return;
        }
        if let Some(class) = self.classify(path) {
            self.deliver(path, class, size, data, buf, visitor);
        }
    }

    /// Whether [`Session::member`] would read the member at `path` (so a folder opens only
    /// those files).
    pub(crate) fn wants(&mut self, path: &str) -> bool {
        if self.info.kind == InputKind::Supportconfig {
            return !path.contains('/') && path.ends_with(".txt");
        }
        self.classify(path).is_some()
    }

    /// A member [`Session::wants`] that could not be opened.
    pub(crate) fn unreadable_member(&mut self, path: &str, error: &io::Error) {
        match self.classify(path) {
            Some(class) => self.unreadable(path, class.kind, error),
            None => self.problems.push(Problem::file(path, format!("cannot read: {error}"))),
        }
    }

    /// What a member at `path` is, if anything the analysis reads.
    pub(crate) fn classify(&mut self, path: &str) -> Option<Classification> {
        if !self.sos_marker
            && (path == "version.txt"
                || path.starts_with("sos_commands/")
                || path.starts_with("sos_logs/"))
        {
            self.sos_marker = true;
        }
        self.aliases.get(path).copied().or_else(|| source::classify(path))
    }

    /// Streams one classified member to the visitor and records it. `size` is the stored size
    /// when known. An error of the member itself becomes a problem; the caller learns about a
    /// failure of the stream underneath from its own next read.
    pub(crate) fn deliver(
        &mut self,
        path: &str,
        class: Classification,
        size: Option<u64>,
        data: &mut dyn Read,
        buf: &mut Vec<u8>,
        visitor: &mut dyn BundleVisitor,
    ) {
        // A stored empty `.gz` is no gzip stream: say it is empty, not that it is damaged.
        let class = if size == Some(0) { Classification { gzip: false, ..class } } else { class };
        let mut gz;
        let data: &mut dyn Read = if class.gzip {
            gz = flate2::read::MultiGzDecoder::new(data);
            &mut gz
        } else {
            data
        };
        let cap = if class.kind.is_log() { u64::MAX } else { NON_LOG_CAP };
        let mut counted = Counted::new(data, buf, cap);
        let member = Member {
            path,
            kind: class.kind,
            size: if class.gzip { None } else { size },
            truncated: class.tailed,
        };
        let result = visitor.source(&member, &mut counted).and_then(|()| counted.drain());
        let counts = counted.counts();
        let mut status = if class.tailed { SourceStatus::Truncated } else { SourceStatus::Parsed };
        if counts.capped {
            status = SourceStatus::Truncated;
            self.problems.push(Problem::file(
                path,
                format!(
                    "only the first {} MiB of {} bytes were read (cap for one non-log file)",
                    NON_LOG_CAP >> 20,
                    counts.bytes
                ),
            ));
        }
        let short = size.filter(|&s| !class.gzip && counts.bytes < s);
        if let (Some(expected), Ok(())) = (short, &result) {
            status = SourceStatus::Truncated;
            self.problems.push(Problem::file(
                path,
                format!("only {} of its {expected} bytes are in the archive", counts.bytes),
            ));
        }
        if let Err(e) = result {
            status =
                if counts.bytes == 0 { SourceStatus::Unreadable } else { SourceStatus::Truncated };
            self.problems.push(read_error(path, counts.bytes, counts.lines, &e));
        } else if counts.bytes == 0 {
            // Read completely, but there was nothing: say so, so no one takes the absence of
            // data in the report for a healthy system.
            self.problems.push(Problem::file(path, "empty: it holds no data"));
        }
        self.sources.push(SourceEntry {
            path: path.to_string(),
            kind: class.kind,
            status,
            size: Some(counts.bytes),
            lines: counts.lines,
            unparsed_lines: 0,
        });
    }

    /// A classified member that could not be opened at all.
    pub(crate) fn unreadable(&mut self, path: &str, kind: SourceKind, error: &io::Error) {
        self.problems.push(Problem::file(path, format!("cannot read: {error}")));
        self.sources.push(SourceEntry {
            path: path.to_string(),
            kind,
            status: SourceStatus::Unreadable,
            size: None,
            lines: 0,
            unparsed_lines: 0,
        });
    }

    /// Ends the bundle: adds the missing expected sources and hands the summary over.
    pub(crate) fn finish(mut self, visitor: &mut dyn BundleVisitor) {
        if self.info.kind == InputKind::Sosreport && !self.sos_marker {
            self.problems.push(Problem::file(
                self.info.label.clone(),
                "no version.txt, sos_commands/ or sos_logs/ found: this may not be a sosreport",
            ));
        }
        if let Some(seen) = &self.regular {
            for (link, target) in &self.links {
                if !seen.contains(&path_hash(target)) {
                    self.problems.push(Problem::file(
                        link.as_str(),
                        format!(
                            "a link to {target}, which is not a file in the bundle (absent, a \
                             link loop, or not a regular file): not read"
                        ),
                    ));
                }
            }
        }
        self.sources.sort_by(|a, b| a.path.cmp(&b.path));
        for expected in source::expected(self.info.kind) {
            let found = self
                .sources
                .iter()
                .any(|s| expected.kinds.contains(&s.kind) && s.status != SourceStatus::Unreadable);
            if !found {
                if let Some(&kind) = expected.kinds.first() {
                    self.sources.push(SourceEntry {
                        path: expected.path.to_string(),
                        kind,
                        status: SourceStatus::Missing,
                        size: None,
                        lines: 0,
                        unparsed_lines: 0,
                    });
                }
            }
        }
        visitor.end_bundle(BundleSummary {
            info: self.info,
            sources: self.sources,
            problems: self.problems,
        });
    }
}

fn path_hash(path: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish()
}

fn plain(kind: SourceKind) -> Classification {
    Classification { kind, gzip: false, tailed: false }
}

fn read_error(path: &str, bytes: u64, lines: u64, error: &io::Error) -> Problem {
    Problem::file(path, format!("read stopped after {bytes} bytes ({lines} lines): {error}"))
}

/// Resolves a symlink target relative to the link's folder, both relative to the bundle root.
/// `None` for absolute targets and targets that climb out of the bundle.
pub(crate) fn resolve_link(link: &str, target: &str) -> Option<String> {
    if target.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = link.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_inside_the_bundle_only() {
        assert_eq!(
            resolve_link("free", "sos_commands/memory/free").as_deref(),
            Some("sos_commands/memory/free")
        );
        assert_eq!(
            resolve_link("var/log/messages", "../../sos_strings/logs/var.log.messages.tailed")
                .as_deref(),
            Some("sos_strings/logs/var.log.messages.tailed")
        );
        assert_eq!(resolve_link("etc/localtime", "/usr/share/zoneinfo/UTC"), None);
        assert_eq!(resolve_link("a", "../../etc/passwd"), None);
    }
}
