//! Tar archives, read in one pass: decompressed on a second thread ([`Pipeline`]), each member
//! classified by its path as its header is read and streamed to the visitor or skipped. Inner
//! `sosreport-*.tar*` members of a `sos collect` archive are decompressed and read as archives of
//! their own in the same pass. Loose (possibly compressed) text files are read here too.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

use tar::EntryType;

use super::guard::TarGuard;
use super::pipeline::{Pipeline, decoder, decoder_send};
use super::session::{Session, resolve_link};
use super::sniff::{compression_of, is_nested_report_name};
use super::{BundleInfo, BundleVisitor, Compression, Input, InputFormat, InputKind};
use crate::Error;
use crate::model::Problem;
use crate::source::{Classification, SourceKind};

/// Where and why a tar stream stopped early.
struct Stop {
    /// The last member whose header was read.
    last: Option<String>,
    error: io::Error,
}

/// How a walk over a tar ended.
struct WalkEnd {
    /// The last member whose header was read.
    last: Option<String>,
    /// Set when the stream failed.
    stop: Option<Stop>,
}

fn io_error(input: &Input) -> impl Fn(io::Error) -> Error + '_ {
    |source| Error::Io { path: input.path.clone(), source }
}

fn label_of(input: &Input) -> String {
    input.path.display().to_string()
}

/// Reads a sosreport or supportconfig archive, or a `sos collect` archive of sosreports.
pub(crate) fn read(
    input: &Input,
    compression: Compression,
    visitor: &mut dyn BundleVisitor,
) -> Result<(), Error> {
    let file = File::open(&input.path).map_err(io_error(input))?;
    let stream = decoder_send(file, compression).map_err(io_error(input))?;
    let pipeline = Pipeline::spawn(stream).map_err(io_error(input))?;
    let mut archive = tar::Archive::new(TarGuard::new(pipeline));
    let mut buf = Vec::new();
    let label = label_of(input);
    let format = compression.tar_format();
    if input.kind == InputKind::SosCollect {
        read_collect(&mut archive, &label, format, &mut buf, visitor);
        return Ok(());
    }
    let info = BundleInfo { label: label.clone(), kind: input.kind, format };
    let mut session = Session::begin(info, visitor);
    let end = walk(&mut archive, &mut session, &mut buf, visitor);
    let mut rest = archive.into_inner();
    finish_stream(&mut session, &label, end, &mut rest, |g| Some(g.get_ref().offset()));
    session.finish(visitor);
    Ok(())
}

/// Records where a stream stopped, or checks that it ended properly: a tar ends with zero
/// blocks, so nothing left after the last header means the archive was cut.
fn finish_stream<R: Read>(
    session: &mut Session,
    label: &str,
    end: WalkEnd,
    rest: &mut R,
    offset: impl Fn(&R) -> Option<u64>,
) {
    match end.stop {
        Some(stop) => session.problem(stop_problem(label, &stop, offset(rest))),
        None => match io::copy(rest, &mut io::sink()) {
            Ok(0) => {
                let after = match &end.last {
                    Some(last) => format!(" after member {last}"),
                    None => String::new(),
                };
                let at = offset(rest)
                    .map(|o| format!(" at byte {o} of the decompressed stream"))
                    .unwrap_or_default();
                session.problem(Problem::file(
                    label,
                    format!(
                        "the archive ends{after}{at} without its end-of-archive blocks: \
                         it was probably cut short"
                    ),
                ));
            }
            Ok(_) => {}
            Err(error) => {
                let stop = Stop { last: end.last, error };
                session.problem(stop_problem(label, &stop, offset(rest)));
            }
        },
    }
}

fn stop_problem(label: &str, stop: &Stop, offset: Option<u64>) -> Problem {
    let after = match &stop.last {
        Some(last) => format!("after member {last}"),
        None => "before its first member".to_string(),
    };
    let at =
        offset.map(|o| format!(", at byte {o} of the decompressed stream")).unwrap_or_default();
    Problem::file(
        label,
        format!("the archive is damaged or truncated; reading stopped {after}{at}: {}", stop.error),
    )
}

/// Turns archive paths into paths relative to the bundle root. The root is the archive's top
/// folder (`sosreport-host-…/`), learnt from the first member with a relative name; an archive
/// made from inside the bundle (`./version.txt`, `./sos_commands/…`) has none. sos writes
/// everything under the top folder, so a member outside it (or an absolute name before it is
/// known) is no part of the bundle: it must neither hide the top folder nor pose as one of the
/// bundle's files.
#[derive(Default)]
struct Roots {
    root: Option<Option<String>>,
}

/// Where a member name lies relative to the bundle root.
#[derive(Debug, PartialEq)]
enum Place<'p> {
    /// The top folder itself.
    Top,
    /// A path inside the bundle, relative to its root.
    Inside(&'p str),
    /// Outside the top folder.
    Outside,
}

impl Roots {
    fn place<'p>(&mut self, full: &'p str, is_dir: bool) -> Place<'p> {
        let absolute = full.starts_with('/');
        let full = clean(full);
        if self.root.is_none() {
            if absolute {
                return Place::Outside;
            }
            self.root = Some(match full.split_once('/') {
                Some((top, _)) => Some(top.to_string()),
                None if is_dir && !full.is_empty() => Some(full.to_string()),
                None => None,
            });
        }
        let rel = match self.root.as_ref().and_then(Option::as_ref) {
            Some(top) if full == top.as_str() => "",
            Some(top) => match full.strip_prefix(top.as_str()).and_then(|r| r.strip_prefix('/')) {
                Some(rel) => rel,
                None => return Place::Outside,
            },
            None => full,
        };
        if rel.is_empty() { Place::Top } else { Place::Inside(rel) }
    }

    /// The path of an archive member inside the bundle: `Ok(None)` for the top folder, and the
    /// problem to record for a member that is no part of the bundle (a name with `..`, or one
    /// outside the top folder).
    fn member<R: Read>(&mut self, entry: &tar::Entry<'_, R>) -> Result<Option<String>, Problem> {
        let full = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if climbs_out(&full) {
            return Err(Problem::file(
                &full,
                "the member name climbs out of the bundle (`..`): skipped",
            ));
        }
        let is_dir = entry.header().entry_type() == EntryType::Directory;
        match self.place(&full, is_dir) {
            Place::Inside(rel) => Ok(Some(rel.to_string())),
            Place::Top => Ok(None),
            Place::Outside => Err(Problem::file(
                &full,
                "the member lies outside the bundle's top folder: skipped",
            )),
        }
    }

    /// The path relative to the bundle root of a file named by its archive path (a hard link's
    /// target), when it lies inside the bundle.
    fn inside(&mut self, full: &str) -> Option<String> {
        if climbs_out(full) {
            return None;
        }
        match self.place(full, false) {
            Place::Inside(rel) => Some(rel.to_string()),
            Place::Top | Place::Outside => None,
        }
    }
}

/// Without a leading `./` or `/`, nor a trailing `/`.
fn clean(path: &str) -> &str {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./").or_else(|| p.strip_prefix('/')) {
        p = rest;
    }
    let p = p.trim_end_matches('/');
    if p == "." { "" } else { p }
}

/// A member name with a `..` component: it names something outside the archive's tree (tar
/// refuses to extract it), so it is no part of the bundle, and as a first member it would
/// otherwise be taken for the bundle's top folder.
fn climbs_out(name: &str) -> bool {
    name.split('/').any(|part| part == "..")
}

/// Streams every member of one bundle's tar to the session.
fn walk<R: Read>(
    archive: &mut tar::Archive<R>,
    session: &mut Session,
    buf: &mut Vec<u8>,
    visitor: &mut dyn BundleVisitor,
) -> WalkEnd {
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(error) => return WalkEnd { last: None, stop: Some(Stop { last: None, error }) },
    };
    let mut last = None;
    let mut roots = Roots::default();
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(error) => return WalkEnd { last: last.clone(), stop: Some(Stop { last, error }) },
        };
        let rel = match roots.member(&entry) {
            Ok(Some(rel)) => rel,
            Ok(None) => continue,
            Err(problem) => {
                session.problem(problem);
                continue;
            }
        };
        match entry.header().entry_type() {
            kind @ (EntryType::Symlink | EntryType::Link) => {
                let raw = entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default();
                // A symlink points relative to itself; a hard link names an archive path.
                let target = if kind == EntryType::Symlink {
                    resolve_link(&rel, &raw)
                } else {
                    roots.inside(&raw)
                };
                session.link(&rel, &raw, target);
            }
            EntryType::Regular | EntryType::Continuous => {
                session.regular(&rel);
                let size = entry.size();
                session.member(&rel, Some(size), &mut entry, buf, visitor);
            }
            _ => {}
        }
        last = Some(rel);
    }
    WalkEnd { last, stop: None }
}

/// A `sos collect` archive: each inner `sosreport-*.tar*` member is its own bundle, read from
/// the stream as it passes. Problems of the outer archive go to the last inner bundle, or to a
/// bundle of their own when there is none.
fn read_collect<R: Read>(
    archive: &mut tar::Archive<R>,
    label: &str,
    format: InputFormat,
    buf: &mut Vec<u8>,
    visitor: &mut dyn BundleVisitor,
) {
    let mut pending: Option<Session> = None;
    let mut outer = Vec::new();
    let mut stop = None;
    match archive.entries() {
        Err(error) => stop = Some(Stop { last: None, error }),
        Ok(entries) => {
            let mut last = None;
            let mut roots = Roots::default();
            for entry in entries {
                let mut entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        stop = Some(Stop { last, error });
                        break;
                    }
                };
                let rel = match roots.member(&entry) {
                    Ok(Some(rel)) => rel,
                    Ok(None) => continue,
                    Err(problem) => {
                        outer.push(problem);
                        continue;
                    }
                };
                let regular = matches!(
                    entry.header().entry_type(),
                    EntryType::Regular | EntryType::Continuous
                );
                if regular && !rel.contains('/') && is_nested_report_name(&rel) {
                    if let Some(done) = pending.take() {
                        done.finish(visitor);
                    }
                    let inner_label = format!("{label}!{rel}");
                    pending = Some(read_nested(&mut entry, inner_label, buf, visitor));
                } else if rel.starts_with("sosreport-") && rel.ends_with(".gpg") {
                    outer.push(Problem::file(
                        format!("{label}!{rel}"),
                        "this inner report is encrypted (OpenPGP); decrypt it with gpg --decrypt to read it",
                    ));
                }
                last = Some(rel);
            }
        }
    }
    let mut session = match pending {
        Some(session) => session,
        None => {
            let info = BundleInfo { label: label.to_string(), kind: InputKind::SosCollect, format };
            let mut session = Session::begin(info, visitor);
            session.problem(Problem::file(label, "no sosreport archive found inside"));
            session
        }
    };
    for problem in outer {
        session.problem(problem);
    }
    if let Some(stop) = stop {
        session.problem(stop_problem(label, &stop, None));
    }
    session.finish(visitor);
}

/// Reads one inner report (an archive inside the stream) as a bundle; returns its session
/// unfinished so problems of the outer stream can still be added.
pub(crate) fn read_nested(
    data: &mut dyn Read,
    label: String,
    buf: &mut Vec<u8>,
    visitor: &mut dyn BundleVisitor,
) -> Session {
    let mut peek = BufReader::with_capacity(1 << 16, data);
    let compression = match peek.fill_buf() {
        Ok(head) => compression_of(head),
        Err(_) => Compression::None,
    };
    let info = BundleInfo {
        label: label.clone(),
        kind: InputKind::Sosreport,
        format: compression.tar_format(),
    };
    let mut session = Session::begin(info, visitor);
    match decoder(peek, compression) {
        Ok(stream) => {
            let mut archive = tar::Archive::new(TarGuard::new(stream));
            let end = walk(&mut archive, &mut session, buf, visitor);
            let mut rest = archive.into_inner();
            finish_stream(&mut session, &label, end, &mut rest, |_| None);
        }
        Err(error) => session.problem(stop_problem(&label, &Stop { last: None, error }, None)),
    }
    session
}

/// Reads one loose text file (possibly compressed) as a bundle of one source.
pub(crate) fn read_loose(
    input: &Input,
    kind: SourceKind,
    compression: Compression,
    visitor: &mut dyn BundleVisitor,
) -> Result<(), Error> {
    let file = File::open(&input.path).map_err(io_error(input))?;
    let size = match compression {
        Compression::None => file.metadata().ok().map(|m| m.len()),
        _ => None,
    };
    let stream = decoder_send(file, compression).map_err(io_error(input))?;
    let mut pipeline = Pipeline::spawn(stream).map_err(io_error(input))?;
    let label = label_of(input);
    let info = BundleInfo { label: label.clone(), kind: input.kind, format: InputFormat::Text };
    let mut session = Session::begin(info, visitor);
    let name = input
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| label.clone());
    let class = Classification { kind, gzip: false, tailed: false };
    let mut buf = Vec::new();
    session.deliver(&name, class, size, &mut pipeline, &mut buf, visitor);
    session.finish(visitor);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_drop_the_top_folder() {
        let mut roots = Roots::default();
        assert_eq!(roots.place("sosreport-vm-2026/", true), Place::Top);
        assert_eq!(
            roots.place("sosreport-vm-2026/sos_commands/kernel/dmesg", false),
            Place::Inside("sos_commands/kernel/dmesg")
        );
        assert_eq!(
            roots.place("./sosreport-vm-2026/version.txt", false),
            Place::Inside("version.txt")
        );
        assert_eq!(roots.place("/sosreport-vm-2026/proc/", true), Place::Inside("proc"));
        assert_eq!(roots.place("etc/hostname", false), Place::Outside);
        assert_eq!(roots.place("/etc/hostname", false), Place::Outside);
        assert_eq!(roots.place("sosreport-vm-2026x/etc/hostname", false), Place::Outside);
    }

    #[test]
    fn an_absolute_name_first_does_not_become_the_top_folder() {
        let mut roots = Roots::default();
        assert_eq!(roots.place("/etc/passwd", false), Place::Outside);
        assert_eq!(
            roots.place("sosreport-vm-2026/version.txt", false),
            Place::Inside("version.txt")
        );
    }

    #[test]
    fn only_dot_dot_components_climb_out() {
        assert!(climbs_out("../../etc/cron.d/x"));
        assert!(climbs_out("sosreport-x/var/log/../../../hostname"));
        assert!(!climbs_out("sosreport-x/proc/..meminfo"));
        assert!(!climbs_out("/etc/passwd"));
    }

    #[test]
    fn an_archive_made_inside_the_bundle_has_no_root() {
        let mut roots = Roots::default();
        assert_eq!(roots.place("./", true), Place::Top);
        assert_eq!(roots.place("./version.txt", false), Place::Inside("version.txt"));
        assert_eq!(
            roots.place("./sos_commands/kernel/dmesg", false),
            Place::Inside("sos_commands/kernel/dmesg")
        );
        // Without a top folder, an absolute name is read relative to the archive, as GNU tar
        // extracts it.
        assert_eq!(roots.place("/proc/meminfo", false), Place::Inside("proc/meminfo"));
    }
}
