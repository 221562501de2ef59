//! Small helpers shared by the rules: evidence, sizes in words, kernel versions, sources.

use crate::bundle::InputKind;
use crate::model::{Event, EventTime, Evidence, Model};
use crate::report::SourceStatus;
use crate::source::SourceKind;

/// Whether the input is a whole bundle (a loose file lacks most sources by nature, so rules
/// do not report them as missing).
pub(crate) fn is_bundle(model: &Model) -> bool {
    matches!(model.kind, InputKind::Sosreport | InputKind::SosCollect | InputKind::Supportconfig)
}

/// Where a missing source was looked for, when the bundle reader listed it.
pub(crate) fn missing_path(model: &Model, kind: SourceKind) -> Option<String> {
    model
        .sources
        .iter()
        .find(|s| s.kind == kind && s.status != SourceStatus::Parsed)
        .map(|s| s.path.clone())
}

/// The path a snapshot part was read from: the recorded path, else the sources table, else
/// the usual sos 4.x path.
pub(crate) fn source_path(model: &Model, kind: SourceKind) -> String {
    if let Some(p) = model.snapshot.path(kind) {
        return p.to_string();
    }
    if let Some(s) =
        model.sources.iter().find(|s| s.kind == kind && s.status == SourceStatus::Parsed)
    {
        return s.path.clone();
    }
    match kind {
        SourceKind::Meminfo => "proc/meminfo",
        SourceKind::Zoneinfo => "proc/zoneinfo",
        SourceKind::Buddyinfo => "proc/buddyinfo",
        SourceKind::Slabinfo => "proc/slabinfo",
        SourceKind::Vmstat => "proc/vmstat",
        SourceKind::Cmdline => "proc/cmdline",
        SourceKind::Free => "sos_commands/memory/free",
        SourceKind::Sysctl => "sos_commands/kernel/sysctl_-a",
        SourceKind::Ps => "sos_commands/process/ps_auxwww",
        SourceKind::Mounts => "proc/mounts",
        other => other.as_str(),
    }
    .to_string()
}

/// The lines of an event as evidence (headline first), at most `max`.
pub(crate) fn event_evidence(event: &Event, max: usize) -> Vec<Evidence> {
    let Some(first) = event.sources.first() else { return Vec::new() };
    if event.lines.is_empty() {
        return vec![Evidence {
            path: first.path.clone(),
            line: first.line,
            text: event.raw.clone(),
        }];
    }
    event
        .lines
        .iter()
        .take(max)
        .map(|l| Evidence { path: first.path.clone(), line: l.line, text: l.text.clone() })
        .collect()
}

/// The headline of an event as evidence.
pub(crate) fn headline_evidence(event: &Event) -> Vec<Evidence> {
    event_evidence(event, 1)
}

/// A time for people: the wall clock when known, else seconds since boot, else as printed.
pub(crate) fn time_text(t: &EventTime) -> String {
    if let Some(w) = t.wall {
        return w.strftime("%Y-%m-%d %H:%M:%S UTC").to_string();
    }
    if let Some(s) = t.since_boot {
        let us = s.as_micros();
        return format!("{}.{:06} s after boot", us / 1_000_000, us % 1_000_000);
    }
    if t.raw.is_empty() { "unknown time".to_string() } else { t.raw.clone() }
}

/// kB in words: `38.9 GiB`, `512.0 MiB`, `900 kB`.
pub(crate) fn kib(kb: u64) -> String {
    let kb_f = kb as f64;
    if kb >= 1024 * 1024 {
        format!("{:.1} GiB", kb_f / (1024.0 * 1024.0))
    } else if kb >= 1024 {
        format!("{:.1} MiB", kb_f / 1024.0)
    } else {
        format!("{kb} kB")
    }
}

/// Bytes in words.
pub(crate) fn bytes(b: u64) -> String {
    kib(b / 1024)
}

/// 4 KiB pages in words.
pub(crate) fn pages(p: u64) -> String {
    kib(p.saturating_mul(4))
}

/// `part` as a percentage of `whole` (0 when `whole` is 0).
pub(crate) fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 * 100.0 / whole as f64 }
}

/// `(major, minor)` of a kernel release such as `4.15.0-72-generic`.
pub(crate) fn kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// `Node 0, zone   Normal`, as `/proc/zoneinfo` and `/proc/buddyinfo` print a zone header.
pub(crate) fn zone_header(node: u32, zone: &str) -> String {
    format!("Node {node}, zone {zone:>8}")
}

/// Plural `s`.
pub(crate) fn s(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_words() {
        assert_eq!(kib(396_157_596), "377.8 GiB");
        assert_eq!(kib(2048), "2.0 MiB");
        assert_eq!(kib(900), "900 kB");
        assert_eq!(pages(1569), "6.1 MiB");
    }

    #[test]
    fn kernel_versions() {
        assert_eq!(kernel_version("4.15.0-72-generic"), Some((4, 15)));
        assert_eq!(kernel_version("3.10.0-1160.el7.x86_64"), Some((3, 10)));
        assert_eq!(kernel_version("garbage"), None);
    }

    #[test]
    fn zone_headers_match_the_kernel_format() {
        assert_eq!(zone_header(0, "Normal"), "Node 0, zone   Normal");
        assert_eq!(zone_header(1, "DMA32"), "Node 1, zone    DMA32");
    }
}
