//! Telling what an input is: magic bytes (xz `FD 37 7A 58 5A 00`, gzip `1F 8B`, bzip2 `BZh`,
//! zstd `28 B5 2F FD`, tar `ustar` at 257, OpenPGP packets), the first tar headers of an
//! archive, the marker files of a folder, and the first lines of a loose text file.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::pipeline::decoder;
use super::{Compression, Form, Input, InputFormat, InputKind};
use crate::Error;
use crate::source::SourceKind;

/// How much of an archive is decompressed to tell its kind.
const PEEK_BYTES: u64 = 8 << 20;
/// How many tar headers are looked at to tell an archive's kind.
const PEEK_MEMBERS: usize = 200;
/// How much of a loose file is looked at to tell its kind.
const TEXT_SNIFF: usize = 64 << 10;

pub(crate) fn open(path: &Path) -> Result<Input, Error> {
    let io_err = |source| Error::Io { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        return open_folder(path);
    }
    if !meta.is_file() {
        // Opening a FIFO for reading would wait for a writer forever.
        return Err(Error::NotABundle {
            path: path.to_path_buf(),
            reason: "not a regular file or folder (a FIFO, socket or device)".into(),
        });
    }
    let mut file = File::open(path).map_err(io_err)?;
    let mut head = Vec::with_capacity(512);
    (&mut file).take(512).read_to_end(&mut head).map_err(io_err)?;
    if head.is_empty() {
        return Err(Error::Empty { path: path.to_path_buf() });
    }
    if is_openpgp(path, &head) {
        return Err(Error::Encrypted { path: path.to_path_buf(), decrypted: decrypted_name(path) });
    }
    let compression = compression_of(&head);
    // Look at the start of the (decompressed) stream: a tar, or text?
    let file = File::open(path).map_err(io_err)?;
    let mut plain = Vec::with_capacity(TEXT_SNIFF);
    let stream = decoder(file, compression).map_err(io_err)?;
    if let Err(e) = stream.take(TEXT_SNIFF as u64).read_to_end(&mut plain) {
        if plain.len() < 512 {
            return Err(Error::NotABundle {
                path: path.to_path_buf(),
                reason: format!(
                    "{} data that breaks off before anything can be read from it: truncated or \
                     corrupt ({e})",
                    compression.name()
                ),
            });
        }
    }
    if is_tar(&plain) {
        let kind = peek_archive_kind(path, compression).map_err(io_err)?;
        return Ok(Input {
            path: path.to_path_buf(),
            kind,
            format: compression.tar_format(),
            form: Form::Archive(compression),
        });
    }
    match detect_bytes(&plain) {
        Some(kind) => Ok(Input {
            path: path.to_path_buf(),
            kind: if kind.is_log() { InputKind::LogFile } else { InputKind::ProcFile },
            format: InputFormat::Text,
            form: Form::Loose(kind, compression),
        }),
        None => Err(Error::NotABundle {
            path: path.to_path_buf(),
            reason: if compression != Compression::None {
                "compressed, but neither a tar archive nor a known log or /proc file".into()
            } else if looks_binary(&plain) {
                "binary data, neither an archive nor a text file".into()
            } else {
                "a text file of no known kind (not dmesg, syslog, journal, or a /proc file)".into()
            },
        }),
    }
}

/// The compression its magic bytes show.
pub(crate) fn compression_of(head: &[u8]) -> Compression {
    if head.starts_with(&[0xFD, b'7', b'z', b'X', b'Z', 0x00]) {
        Compression::Xz
    } else if head.starts_with(&[0x1F, 0x8B]) {
        Compression::Gzip
    } else if head.starts_with(b"BZh") {
        Compression::Bzip2
    } else if head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// `ustar` at offset 257 (POSIX and GNU tar both).
pub(crate) fn is_tar(head: &[u8]) -> bool {
    head.get(257..262) == Some(b"ustar")
}

/// An OpenPGP message: the `.gpg`/`.pgp` name, ASCII armour, or a first packet that is a
/// public-key or symmetric-key encrypted session key, or compressed/encrypted data.
fn is_openpgp(path: &Path, head: &[u8]) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("gpg") || e.eq_ignore_ascii_case("pgp"));
    if by_name || head.starts_with(b"-----BEGIN PGP MESSAGE-----") {
        return true;
    }
    let Some(&first) = head.first() else { return false };
    if first & 0x80 == 0 {
        return false;
    }
    let tag = if first & 0x40 != 0 { first & 0x3F } else { (first >> 2) & 0x0F };
    // 1 PKESK, 3 SKESK, 18 SEIPD (new format only: the old format has 4 bits of tag).
    matches!(tag, 1 | 3) || (first & 0x40 != 0 && tag == 18)
}

fn decrypted_name(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stripped = name
        .strip_suffix(".gpg")
        .or_else(|| name.strip_suffix(".pgp"))
        .map(|s| s.strip_prefix("secured-").unwrap_or(s).to_string())
        .unwrap_or_else(|| format!("{name}.decrypted"));
    path.with_file_name(stripped)
}

fn looks_binary(bytes: &[u8]) -> bool {
    bytes.contains(&0)
        || std::str::from_utf8(bytes.get(..bytes.len().min(4096)).unwrap_or_default()).is_err() && {
            let bad = bytes
                .iter()
                .take(4096)
                .filter(|b| **b < 0x09 || (**b > 0x0D && **b < 0x20))
                .count();
            bad > 8
        }
}

fn detect_bytes(bytes: &[u8]) -> Option<SourceKind> {
    if bytes.contains(&0) {
        return None;
    }
    detect_text_kind(&String::from_utf8_lossy(bytes))
}

/// Tells the kind of a loose text file from its first lines: dmesg (`[    1.234567] …`,
/// `[Tue Mar  5 10:22:33 2024] …`, `kern  :err   : …`), journal (`-- Logs begin at …`,
/// `-- Boot … --`), syslog (`Mar  5 10:22:33 host kernel: …`, RFC 3339 stamps), meminfo,
/// zoneinfo, buddyinfo, pagetypeinfo, slabinfo, free, /proc/vmstat, `sysctl -a`, uname,
/// /proc/stat, /proc/cmdline. `None` when it is none of these.
pub fn detect_text_kind(text: &str) -> Option<SourceKind> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(40).collect();
    let first = *lines.first()?;
    let count = |pred: &dyn Fn(&str) -> bool| lines.iter().filter(|l| pred(l)).count();
    let most = |pred: &dyn Fn(&str) -> bool| {
        let n = count(pred);
        n > 0 && n * 2 >= lines.len()
    };
    if first.starts_with("MemTotal:") {
        return Some(SourceKind::Meminfo);
    }
    if first.starts_with("slabinfo - version:") {
        return Some(SourceKind::Slabinfo);
    }
    if first.starts_with("Page block order:") {
        return Some(SourceKind::Pagetypeinfo);
    }
    if first.starts_with("Node ") && first.contains(", zone") {
        let numbers_follow = first
            .split_once(", zone")
            .map(|(_, rest)| rest.split_whitespace().skip(1).count() >= 5)
            .unwrap_or(false);
        return Some(if numbers_follow { SourceKind::Buddyinfo } else { SourceKind::Zoneinfo });
    }
    if first.contains("total")
        && first.contains("used")
        && first.contains("free")
        && lines.get(1).is_some_and(|l| l.starts_with("Mem:"))
    {
        return Some(SourceKind::Free);
    }
    if first.starts_with("-- Logs begin at")
        || first.starts_with("-- Journal begins at")
        || first.starts_with("-- No entries --")
        || (first.starts_with("-- Boot ") && first.ends_with("--"))
    {
        return Some(SourceKind::Journal);
    }
    if most(&is_dmesg_line) {
        return Some(SourceKind::Dmesg);
    }
    if most(&is_syslog_line) {
        // journalctl prints the day zero-padded (`Mar 05`), rsyslog space-padded (`Mar  5`).
        let zero_padded = lines.iter().any(|l| l.as_bytes().get(3..5) == Some(b" 0"));
        return Some(if zero_padded { SourceKind::Journal } else { SourceKind::Syslog });
    }
    if first.starts_with("cpu ") && count(&|l: &str| l.starts_with("btime ")) > 0 {
        return Some(SourceKind::ProcStat);
    }
    if lines.len() == 1 && (first.starts_with("BOOT_IMAGE=") || first.contains("root=")) {
        return Some(SourceKind::Cmdline);
    }
    if lines.len() == 1 && first.starts_with("Linux ") && first.split_whitespace().count() >= 3 {
        return Some(SourceKind::Uname);
    }
    if most(&|l: &str| {
        l.split_once(" = ").is_some_and(|(k, _)| k.contains('.') && !k.contains(' '))
    }) {
        return Some(SourceKind::Sysctl);
    }
    if lines.len() >= 5
        && most(&|l: &str| {
            let mut words = l.split_whitespace();
            let key = words.next().unwrap_or_default();
            let value = words.next().unwrap_or_default();
            words.next().is_none()
                && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                && !value.is_empty()
                && value.bytes().all(|b| b.is_ascii_digit())
        })
    {
        return Some(SourceKind::Vmstat);
    }
    None
}

/// `[    1.234567] …`, `[Tue Mar  5 10:22:33 2024] …`, `kern  :err   : [ …`, `<6>[ …`.
fn is_dmesg_line(line: &str) -> bool {
    let mut rest = line;
    if let Some((facility, after)) = rest.split_once(':') {
        if facility.trim_end().len() <= 6
            && facility.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        {
            if let Some((_, after_level)) = after.split_once(": ") {
                rest = after_level;
            }
        }
    }
    if let Some(after) = rest.strip_prefix('<') {
        if let Some((prio, tail)) = after.split_once('>') {
            if prio.bytes().all(|b| b.is_ascii_digit()) {
                rest = tail;
            }
        }
    }
    let Some(inner) = rest.strip_prefix('[').and_then(|r| r.split_once(']')).map(|(i, _)| i) else {
        return false;
    };
    let inner = inner.trim();
    let monotonic = inner.split_once('.').is_some_and(|(s, us)| {
        !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit())
            && us.len() == 6
            && us.bytes().all(|b| b.is_ascii_digit())
    });
    let ctime = inner.len() >= 20 && inner.split_whitespace().count() == 5 && inner.contains(':');
    monotonic || ctime
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// `Mar  5 10:22:33 host prog[pid]: …` or `2024-03-05T10:22:33.123456+01:00 host prog: …`.
fn is_syslog_line(line: &str) -> bool {
    let bytes = line.as_bytes();
    let rfc3339 = bytes.len() > 20
        && bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && bytes.get(10) == Some(&b'T')
        && bytes.get(13) == Some(&b':');
    if rfc3339 {
        return true;
    }
    let Some(month) = line.get(..3) else { return false };
    if !MONTHS.contains(&month) {
        return false;
    }
    let mut words = line.get(3..).unwrap_or_default().split_whitespace();
    let day_ok = words.next().is_some_and(|d| d.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d)));
    let time_ok = words.next().is_some_and(|t| t.len() >= 8 && t.as_bytes().get(2) == Some(&b':'));
    day_ok && time_ok
}

fn open_folder(path: &Path) -> Result<Input, Error> {
    let has = |name: &str| path.join(name).exists();
    // An extracted `sos collect` archive has `sos_logs/` too, but no `version.txt`.
    let kind = if has("version.txt") || has("sos_commands") {
        InputKind::Sosreport
    } else if has("basic-environment.txt") || has("memory.txt") && has("boot.txt") {
        InputKind::Supportconfig
    } else if folder_holds_reports(path) {
        return Ok(Input {
            path: path.to_path_buf(),
            kind: InputKind::SosCollect,
            format: InputFormat::Directory,
            form: Form::CollectFolder,
        });
    } else if has("sos_logs") {
        InputKind::Sosreport
    } else {
        return Err(Error::NotABundle {
            path: path.to_path_buf(),
            reason: "a folder without version.txt, sos_commands/, sos_logs/ (sosreport), \
                     basic-environment.txt (supportconfig) or sosreport-*.tar* archives"
                .into(),
        });
    };
    Ok(Input { path: path.to_path_buf(), kind, format: InputFormat::Directory, form: Form::Folder })
}

fn folder_holds_reports(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|entries| {
        entries.flatten().any(|e| is_nested_report_name(&e.file_name().to_string_lossy()))
    })
}

/// `sosreport-node1-2026-11-23-abcde.tar.xz` (not its `.sha256`/`.md5` sidecar or a `.gpg`).
pub(crate) fn is_nested_report_name(name: &str) -> bool {
    name.starts_with("sosreport-")
        && [".tar", ".tar.xz", ".tar.gz", ".tar.bz2", ".tar.zst", ".tgz", ".txz"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Decompresses the first members of an archive to tell a sosreport, a `sos collect` archive
/// and a supportconfig apart.
fn peek_archive_kind(path: &Path, compression: Compression) -> io::Result<InputKind> {
    let file = File::open(path)?;
    let stream = decoder(file, compression)?.take(PEEK_BYTES);
    let mut archive = tar::Archive::new(stream);
    let mut root: Option<String> = None;
    if let Ok(entries) = archive.entries() {
        for entry in entries.take(PEEK_MEMBERS) {
            let Ok(entry) = entry else { break };
            let full = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let full = full.trim_start_matches("./");
            let (top, rel) = full.split_once('/').unwrap_or((full, ""));
            root.get_or_insert_with(|| top.to_string());
            if !rel.contains('/') && is_nested_report_name(rel) {
                return Ok(InputKind::SosCollect);
            }
            if rel == "version.txt" || rel.starts_with("sos_commands/") {
                return Ok(InputKind::Sosreport);
            }
            if rel == "basic-environment.txt" || rel == "memory.txt" {
                return Ok(InputKind::Supportconfig);
            }
        }
    }
    let root = root.unwrap_or_default();
    Ok(if root.starts_with("sos-collector") {
        InputKind::SosCollect
    } else if root.starts_with("scc_") || root.starts_with("nts_") {
        InputKind::Supportconfig
    } else {
        InputKind::Sosreport
    })
}

#[cfg(test)]
mod tests;
