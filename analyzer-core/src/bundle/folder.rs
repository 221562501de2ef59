//! Extracted bundles: a sosreport or supportconfig folder walked in name order without following
//! links (links are handled as in an archive, so a folder and its archive give the same
//! sources), and a folder of `sosreport-*.tar*` archives (an extracted `sos collect` archive).

use std::fs::File;

use walkdir::WalkDir;

use super::archive::read_nested;
use super::session::{Session, resolve_link};
use super::sniff::is_nested_report_name;
use super::{BundleInfo, BundleVisitor, Input, InputFormat};
use crate::Error;
use crate::model::Problem;

/// Reads an extracted sosreport or supportconfig.
pub(crate) fn read(input: &Input, visitor: &mut dyn BundleVisitor) -> Result<(), Error> {
    let label = input.path.display().to_string();
    let info = BundleInfo { label, kind: input.kind, format: InputFormat::Directory };
    let mut session = Session::begin(info, visitor);
    let mut buf = Vec::new();
    let walk = WalkDir::new(&input.path).follow_links(false).sort_by_file_name().min_depth(1);
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e
                    .path()
                    .and_then(|p| p.strip_prefix(&input.path).ok())
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                session.problem(Problem::file(at, format!("cannot read: {e}")));
                continue;
            }
        };
        let Ok(rel) = entry.path().strip_prefix(&input.path) else { continue };
        let rel: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let rel = rel.join("/");
        let file_type = entry.file_type();
        if file_type.is_symlink() {
            if let Ok(target) = std::fs::read_link(entry.path()) {
                let target = target.to_string_lossy().into_owned();
                session.link(&rel, &target, resolve_link(&rel, &target));
            }
        } else if file_type.is_file() {
            session.regular(&rel);
            if session.wants(&rel) {
                match File::open(entry.path()) {
                    Ok(mut file) => {
                        let size = entry.metadata().ok().map(|m| m.len());
                        session.member(&rel, size, &mut file, &mut buf, visitor);
                    }
                    Err(e) => session.unreadable_member(&rel, &e),
                }
            }
        } else if session.wants(&rel) {
            let what = if file_type.is_dir() { "a directory" } else { "a FIFO, socket or device" };
            session.not_a_file(&rel, what);
        }
    }
    session.finish(visitor);
    Ok(())
}

/// Reads a folder of `sosreport-*.tar*` archives: one bundle per archive, in name order.
pub(crate) fn read_collect(input: &Input, visitor: &mut dyn BundleVisitor) -> Result<(), Error> {
    let io_err = |source| Error::Io { path: input.path.clone(), source };
    let mut names: Vec<String> = std::fs::read_dir(&input.path)
        .map_err(io_err)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| is_nested_report_name(name))
        .collect();
    names.sort();
    let mut buf = Vec::new();
    for name in names {
        let path = input.path.join(&name);
        let label = path.display().to_string();
        // Never open a FIFO (or other special file) named like an archive: it would block.
        let regular = std::fs::metadata(&path).map(|m| m.is_file()).unwrap_or(true);
        let opened = if regular {
            File::open(&path)
        } else {
            Err(std::io::Error::other("not a regular file (a FIFO, socket or device)"))
        };
        match opened {
            Ok(mut file) => read_nested(&mut file, label, &mut buf, visitor).finish(visitor),
            Err(e) => {
                let info = BundleInfo {
                    label: label.clone(),
                    kind: super::InputKind::Sosreport,
                    format: InputFormat::Tar,
                };
                let mut session = Session::begin(info, visitor);
                session.problem(Problem::file(label, format!("cannot read: {e}")));
                session.finish(visitor);
            }
        }
    }
    Ok(())
}
