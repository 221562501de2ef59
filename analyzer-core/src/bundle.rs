//! Bundles: where bytes come from. A folder, a tar archive (plain, gz, xz, bz2, zst, chosen by
//! magic bytes), a `sos collect` archive of several reports, a supportconfig, or a loose file.
//! One sequential pass; nothing is extracted or written.
//!
//! * Archive members are classified by path ([`crate::source::classify`]) as their headers are
//!   read, and either streamed to the [`BundleVisitor`] or skipped. Decompression runs on its own
//!   thread and hands ~1 MiB chunks over a bounded channel.
//! * Symlinks are resolved inside the bundle: a link whose own path is in the table (root `free`,
//!   `var/log/messages` → `sos_strings/…​.tailed`) makes its target read under the link's kind
//!   when the target comes later in the stream; a target already passed is read under its own
//!   path's kind only. Links are never sources themselves, so a folder and its archive give the
//!   same sources.
//! * `.gz` log members are decompressed on the fly; `.tailed` files are flagged truncated.
//! * Logs are streamed whole; any other member is shown to the visitor up to [`NON_LOG_CAP`].
//! * Bytes and lines are counted by the reader as they pass (memchr over a reused buffer); the
//!   visitor may read all, part or none of a source.
//! * A `sos collect` archive gives one bundle per inner `sosreport-*.tar*` member, labelled
//!   `outer!inner`; problems of the outer archive go to the last inner bundle.
//!
//! ```no_run
//! use std::io::BufRead;
//! use analyzer_core::bundle::{self, BundleInfo, BundleSummary, BundleVisitor, Member};
//!
//! struct Count(usize);
//! impl BundleVisitor for Count {
//!     fn begin_bundle(&mut self, info: &BundleInfo) { println!("{}", info.label) }
//!     fn source(&mut self, m: &Member<'_>, data: &mut dyn BufRead) -> std::io::Result<()> {
//!         self.0 += data.lines().count(); // or read nothing: the reader drains the rest
//!         Ok(())
//!     }
//!     fn end_bundle(&mut self, summary: BundleSummary) { println!("{:?}", summary.problems) }
//! }
//! let input = bundle::open("sosreport-host-2026-11-23-abcdefg.tar.xz".as_ref())?;
//! input.read(&mut Count(0))?;
//! # Ok::<(), analyzer_core::Error>(())
//! ```

use serde::Serialize;

/// What kind of input a bundle is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A sosreport (sos 3.x or 4.x), archive or folder.
    Sosreport,
    /// A `sos collect` archive holding several sosreports.
    SosCollect,
    /// A SUSE supportconfig, archive or folder.
    Supportconfig,
    /// One loose log file (dmesg, messages, kern.log, journal export).
    LogFile,
    /// One loose /proc file or command output (meminfo, zoneinfo, free, …).
    ProcFile,
}

/// How the input is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum InputFormat {
    /// A folder.
    #[serde(rename = "directory")]
    Directory,
    /// An uncompressed tar.
    #[serde(rename = "tar")]
    Tar,
    /// gzip-compressed tar.
    #[serde(rename = "tar.gz")]
    TarGz,
    /// xz-compressed tar.
    #[serde(rename = "tar.xz")]
    TarXz,
    /// bzip2-compressed tar.
    #[serde(rename = "tar.bz2")]
    TarBz2,
    /// zstd-compressed tar.
    #[serde(rename = "tar.zst")]
    TarZst,
    /// A plain text file.
    #[serde(rename = "text")]
    Text,
}

mod archive;
mod folder;
mod guard;
mod member;
mod pipeline;
mod session;
mod sniff;
mod supportconfig;

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::Error;
use crate::model::Problem;
use crate::report::{InputInfo, SourceEntry};
use crate::source::SourceKind;

pub(crate) use pipeline::decoder;
pub use sniff::detect_text_kind;
pub(crate) use sniff::{compression_of, is_tar};

/// The most one non-log member may hand to a visitor (64 MiB). Logs are streamed and never
/// capped; a larger non-log member is cut here, marked truncated, and a problem is recorded.
pub const NON_LOG_CAP: u64 = 64 << 20;

/// An opened input: its form is known (folder, archive and compression, loose file), nothing
/// has been read beyond the few bytes needed to tell.
#[derive(Debug)]
pub struct Input {
    path: PathBuf,
    kind: InputKind,
    format: InputFormat,
    form: Form,
}

/// How an input is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// An extracted bundle.
    Folder,
    /// A tar, possibly compressed.
    Archive(Compression),
    /// One text file of this kind, possibly compressed.
    Loose(SourceKind, Compression),
    /// A folder of `sosreport-*.tar*` files (an extracted `sos collect` archive).
    CollectFolder,
}

/// The compression of a file, from its magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Xz,
    Bzip2,
    Zstd,
}

impl Compression {
    /// The compression's usual name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Compression::None => "uncompressed",
            Compression::Gzip => "gzip",
            Compression::Xz => "xz",
            Compression::Bzip2 => "bzip2",
            Compression::Zstd => "zstd",
        }
    }

    /// The tar format this compression makes.
    pub(crate) fn tar_format(self) -> InputFormat {
        match self {
            Compression::None => InputFormat::Tar,
            Compression::Gzip => InputFormat::TarGz,
            Compression::Xz => InputFormat::TarXz,
            Compression::Bzip2 => InputFormat::TarBz2,
            Compression::Zstd => InputFormat::TarZst,
        }
    }
}

/// Opens an input of any form and tells what it is, reading only what is needed to tell:
/// magic bytes, the first tar headers, or the first 64 KiB of a loose file.
///
/// Errors: [`Error::Io`] when the path cannot be read, [`Error::Empty`] for an empty file,
/// [`Error::Encrypted`] for an OpenPGP-encrypted bundle, [`Error::NotABundle`] for anything
/// else this tool does not read (an image, random bytes, a folder that is no bundle).
pub fn open(path: &Path) -> Result<Input, Error> {
    sniff::open(path)
}

impl Input {
    /// The path as given to [`open`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What the input is (for an archive, from its first members; [`BundleInfo::kind`] is
    /// authoritative for each bundle read).
    pub fn kind(&self) -> InputKind {
        self.kind
    }

    /// How the input is stored.
    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// Reads the whole input in one sequential pass, handing every recognised source to
    /// `visitor` as it streams by. Each bundle (one, or one per inner sosreport of a
    /// `sos collect` archive) is announced with [`BundleVisitor::begin_bundle`] and closed with
    /// [`BundleVisitor::end_bundle`].
    ///
    /// Damage inside the input (a truncated archive, an unreadable member) is not an error: it
    /// ends up in [`BundleSummary::problems`]. An error is returned only when the input cannot
    /// be read at all (it vanished since [`open`], say).
    pub fn read(self, visitor: &mut dyn BundleVisitor) -> Result<(), Error> {
        match self.form {
            Form::Folder => folder::read(&self, visitor),
            Form::CollectFolder => folder::read_collect(&self, visitor),
            Form::Archive(compression) => archive::read(&self, compression, visitor),
            Form::Loose(kind, compression) => {
                archive::read_loose(&self, kind, compression, visitor)
            }
        }
    }
}

/// One bundle about to be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleInfo {
    /// The input path; for an inner report of a `sos collect` archive,
    /// `outer.tar.xz!sos-collector-…/sosreport-node1-….tar.xz`.
    pub label: String,
    /// What the bundle is.
    pub kind: InputKind,
    /// How it is stored.
    pub format: InputFormat,
}

impl BundleInfo {
    /// The `input` part of the JSON report.
    pub fn input_info(&self) -> InputInfo {
        InputInfo { path: self.label.clone(), kind: self.kind, format: self.format }
    }
}

/// One source of a bundle, handed to [`BundleVisitor::source`] with its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member<'a> {
    /// Path relative to the bundle root (`sos_commands/kernel/dmesg`); for a supportconfig
    /// section, `file.txt#label` (`memory.txt#/proc/meminfo`). A `.tailed` copy keeps its own
    /// path (`sos_strings/logs/var.log.messages.tailed`).
    pub path: &'a str,
    /// What it holds.
    pub kind: SourceKind,
    /// Size in bytes as stored, when known before reading (not for `.gz` members or sections).
    pub size: Option<u64>,
    /// Only part of the original is in the bundle (a sos `.tailed` file, a supportconfig
    /// `Last N Lines` log).
    pub truncated: bool,
}

/// Receives the bundles of an input and their sources, in stream order.
///
/// The reader counts bytes and lines itself as they pass and drains whatever the visitor
/// leaves unread, so a visitor may read all of a source, part of it, or nothing, and the
/// [`SourceEntry::lines`] and [`SourceEntry::size`] of the summary are right either way.
/// The visitor fills in `unparsed_lines` itself if it parses.
pub trait BundleVisitor {
    /// A bundle starts; every [`BundleVisitor::source`] call until the matching
    /// [`BundleVisitor::end_bundle`] belongs to it.
    fn begin_bundle(&mut self, info: &BundleInfo);

    /// One recognised source. `data` yields its decompressed bytes (logs in full; other
    /// sources up to [`NON_LOG_CAP`]). An error returned here (or met while reading) becomes
    /// a problem of the bundle, and reading goes on with the next member.
    fn source(&mut self, member: &Member<'_>, data: &mut dyn BufRead) -> std::io::Result<()>;

    /// The bundle is done: every source found (in path order) and every expected one that was
    /// missing, and the problems met.
    fn end_bundle(&mut self, summary: BundleSummary);
}

/// What was found in one bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleSummary {
    /// The bundle, as announced in [`BundleVisitor::begin_bundle`].
    pub info: BundleInfo,
    /// Sources found, sorted by path, then each expected source that was missing
    /// ([`crate::report::SourceStatus::Missing`]).
    pub sources: Vec<SourceEntry>,
    /// Problems met while reading: damage, caps, unreadable members.
    pub problems: Vec<Problem>,
}

#[cfg(test)]
mod tests;
