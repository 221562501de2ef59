//! Discovery: walk a folder and recognise every bundle in it.
//!
//! * archives by magic bytes (see [`super::sniff`]), e.g. `sosreport-tux-2024-03-05-abcdefg.tar.xz`,
//!   `scc_tux_240305_1000.txz`, `sos-collector-2024-03-05-abcde.tar`;
//! * OpenPGP-encrypted files (`secured-sosreport-….tar.xz.gpg`), kept so they become an error row;
//! * extracted sosreport folders: `version.txt` plus `sos_commands/` or `sos_logs/`
//!   (docs/FORMATS.md 1.2);
//! * extracted supportconfig folders: an `scc_*` or `nts_*` folder holding
//!   `basic-environment.txt` (docs/FORMATS.md 2.1).
//!
//! A recognised folder is not descended into. An extracted `sos collect` archive (`sos_logs/`
//! and the hosts' `sosreport-*.tar.xz`, no `version.txt`) is walked into, so each host's archive
//! is a bundle of its own. Loose logs, images, checksum sidecars (`.md5`, `.sha256`) and
//! `sos clean` maps (`*-private_map`) are ignored.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Error;
use super::sniff::{self, SNIFF_LEN, Sniffed};
use crate::bundle::{InputFormat, InputKind};

/// One bundle found under the scanned folder, or one file that looked like a bundle and could
/// not be read (it becomes an error row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Full path to the bundle.
    pub path: PathBuf,
    /// Path relative to the scanned folder, `/`-separated. Used for report names, shards and
    /// the index. For the scanned folder itself, its own name.
    pub rel: String,
    /// What it is.
    pub kind: CandidateKind,
    /// Size and modification time, to tell whether an earlier report is still current.
    pub stamp: Stamp,
}

/// What discovery recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CandidateKind {
    /// A tar archive, plain or compressed: a sosreport, `sos collect` archive or supportconfig.
    Archive(InputFormat),
    /// An extracted bundle folder.
    Folder(InputKind),
    /// An OpenPGP-encrypted file: reported, never analysed.
    Encrypted,
    /// Looked like a bundle but could not be read (a broken compressed stream, a permission
    /// error): reported, never analysed.
    Unreadable(String),
}

impl CandidateKind {
    /// Whether the bundle can be handed to the analysis.
    pub fn is_analysable(&self) -> bool {
        matches!(self, CandidateKind::Archive(_) | CandidateKind::Folder(_))
    }
}

/// Size and modification time of a bundle (for a folder: the sum of its file sizes and the
/// newest modification time inside it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Bytes.
    pub size: u64,
    /// Seconds since the Unix epoch (negative before it).
    pub mtime_secs: i64,
    /// Nanoseconds within that second.
    pub mtime_nanos: u32,
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Stamp {
        let (mtime_secs, mtime_nanos) = match meta.modified() {
            Ok(t) => match t.duration_since(UNIX_EPOCH) {
                Ok(d) => (i64::try_from(d.as_secs()).unwrap_or(i64::MAX), d.subsec_nanos()),
                Err(e) => {
                    let d = e.duration();
                    (i64::try_from(d.as_secs()).map_or(i64::MIN, |s| -s), d.subsec_nanos())
                }
            },
            Err(_) => (0, 0),
        };
        Stamp { size: meta.len(), mtime_secs, mtime_nanos }
    }

    fn newest(self, other: Stamp) -> (i64, u32) {
        (self.mtime_secs, self.mtime_nanos).max((other.mtime_secs, other.mtime_nanos))
    }
}

/// Finds every bundle under `dir` (or `dir` itself when it is a bundle), sorted by relative
/// path. Fails only when `dir` itself cannot be read; anything below it that cannot be read
/// is returned as an [`CandidateKind::Unreadable`] candidate.
pub fn discover(dir: &Path) -> Result<Vec<Candidate>, Error> {
    discover_skipping(dir, &[])
}

/// [`discover`], not entering the folders in `skip` (the scan's own output folder, when it lies
/// inside the scanned one).
pub fn discover_skipping(dir: &Path, skip: &[PathBuf]) -> Result<Vec<Candidate>, Error> {
    fs::metadata(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    let skip: Vec<PathBuf> = skip.iter().filter_map(|p| fs::canonicalize(p).ok()).collect();
    let mut found = Vec::new();
    let mut walk = walkdir::WalkDir::new(dir).follow_links(false).into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                if err.depth() == 0 {
                    return Err(Error::Io { path, source: err.into() });
                }
                let message = err.io_error().map_or_else(|| err.to_string(), |e| e.to_string());
                found.push(unreadable(dir, path, message));
                continue;
            }
        };
        let path = entry.path();
        // A symlink counts as what it points at, but folders behind links are not entered
        // (no loops).
        let meta = if entry.path_is_symlink() {
            fs::metadata(path)
        } else {
            entry.metadata().map_err(std::io::Error::from)
        };
        let meta = match meta {
            Ok(meta) => meta,
            Err(err) if entry.path_is_symlink() => {
                if err.kind() != std::io::ErrorKind::NotFound {
                    found.push(unreadable(dir, path.to_path_buf(), err.to_string()));
                }
                continue;
            }
            Err(err) => {
                found.push(unreadable(dir, path.to_path_buf(), err.to_string()));
                continue;
            }
        };
        if meta.is_dir() {
            if entry.path_is_symlink() {
                continue;
            }
            if !skip.is_empty() && fs::canonicalize(path).is_ok_and(|p| skip.contains(&p)) {
                walk.skip_current_dir();
                continue;
            }
            if let Some(kind) = folder_kind(path) {
                found.push(Candidate {
                    path: path.to_path_buf(),
                    rel: relative(dir, path),
                    kind: CandidateKind::Folder(kind),
                    // The sizes inside are summed below, for all folders at once.
                    stamp: Stamp::of(&meta),
                });
                walk.skip_current_dir();
            }
            continue;
        }
        if !meta.is_file() || meta.len() == 0 || is_sidecar(path) {
            continue;
        }
        let kind = match sniff_file(path) {
            Ok(Sniffed::Archive(format)) => CandidateKind::Archive(format),
            Ok(Sniffed::Encrypted) => CandidateKind::Encrypted,
            Ok(Sniffed::Corrupt(reason)) => CandidateKind::Unreadable(reason),
            Ok(Sniffed::Other) => continue,
            Err(err) => CandidateKind::Unreadable(err.to_string()),
        };
        found.push(Candidate {
            path: path.to_path_buf(),
            rel: relative(dir, path),
            kind,
            stamp: Stamp::of(&meta),
        });
    }
    // Extracted bundles hold thousands of files: stat them on every core.
    found.par_iter_mut().filter(|c| matches!(c.kind, CandidateKind::Folder(_))).for_each(|c| {
        c.stamp = folder_stamp(&c.path, c.stamp);
    });
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(found)
}

/// A candidate for a path discovery could not read.
fn unreadable(root: &Path, path: PathBuf, message: String) -> Candidate {
    Candidate {
        rel: relative(root, &path),
        path,
        kind: CandidateKind::Unreadable(message),
        stamp: Stamp::default(),
    }
}

/// Whether `dir` is an extracted sosreport or supportconfig.
pub fn folder_kind(dir: &Path) -> Option<InputKind> {
    if dir.join("version.txt").is_file()
        && (dir.join("sos_commands").is_dir() || dir.join("sos_logs").is_dir())
    {
        return Some(InputKind::Sosreport);
    }
    let name = dir.file_name()?.to_string_lossy();
    if (name.starts_with("scc_") || name.starts_with("nts_"))
        && dir.join("basic-environment.txt").is_file()
    {
        return Some(InputKind::Supportconfig);
    }
    None
}

/// Checksum sidecars and `sos clean` maps, recognised by name without being opened.
fn is_sidecar(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    [".md5", ".sha256", ".sha1", ".sha512", "-private_map", "_private_map"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// Sniffs one file: reads its first [`SNIFF_LEN`] bytes (and, when compressed, just enough of
/// the stream to decompress that many).
fn sniff_file(path: &Path) -> std::io::Result<Sniffed> {
    let mut file = fs::File::open(path)?;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut file).take(SNIFF_LEN as u64).read_to_end(&mut head)?;
    Ok(sniff::sniff(&head, std::io::BufReader::new(file)))
}

/// Total size and newest modification time of the files in a folder bundle (links not
/// followed).
fn folder_stamp(dir: &Path, own: Stamp) -> Stamp {
    let mut stamp = Stamp { size: 0, ..own };
    for entry in walkdir::WalkDir::new(dir).follow_links(false).into_iter().flatten() {
        if let Ok(meta) = entry.metadata() {
            let this = Stamp::of(&meta);
            if meta.is_file() {
                stamp.size = stamp.size.saturating_add(this.size);
            }
            (stamp.mtime_secs, stamp.mtime_nanos) = stamp.newest(this);
        }
    }
    stamp
}

/// `path` relative to `root`, `/`-separated; the file name when `path` is `root`.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> =
        rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if parts.is_empty() {
        return path.file_name().map_or_else(
            || path.to_string_lossy().into_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
    }
    parts.join("/")
}
