//! Bundles: where bytes come from. A folder, a tar archive (plain, gz, xz, bz2, zst, chosen by
//! magic bytes), a `sos collect` archive of several reports, a supportconfig, or a loose file.
//! One sequential pass; nothing is extracted or written.

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
