//! XFS errors per device and mount point: metadata I/O errors, corruption, forced shutdowns
//! (critical), log errors, memory-allocation livelocks; errno in words; the kernel's
//! `xfs_repair` advice when it gave it.
//! (`XFS (sdd1): metadata I/O error: block 0x1d1c05b8 ("xfs_trans_read_buf_map") error 117 numblks 8`)

use std::collections::BTreeMap;

use super::util::{self, s};
use super::{Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{Event, EventFields, Finding, Model, Severity, XfsClass, XfsError};

/// The built-in XFS analysis.
pub(crate) struct XfsErrors;

const ID: &str = "xfs.errors";

impl Rule for XfsErrors {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "XFS errors".into(),
            description: "XFS trouble per device and mount point: metadata I/O errors, \
                corruption and CRC errors, forced shutdowns (critical), log errors, and \
                `possible memory allocation deadlock` livelocks, with error numbers in words and \
                the kernel's xfs_repair advice."
                .into(),
            severity: Severity::Critical,
            origin: RuleOrigin::Builtin,
            reads: vec!["events: xfs_error".into(), "/proc/mounts (device → mount point)".into()],
            remediation: vec![],
            references: vec!["https://docs.kernel.org/admin-guide/xfs.html".into()],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let mut by_dev: BTreeMap<Option<&str>, Vec<(&Event, &XfsError)>> = BTreeMap::new();
        for e in &model.events {
            if let EventFields::XfsError(x) = &e.fields {
                by_dev.entry(x.device.as_deref()).or_default().push((e, x));
            }
        }
        RuleOutcome::findings(by_dev.iter().map(|(dev, list)| finding(model, *dev, list)).collect())
    }
}

/// An XFS error number in words.
pub(crate) fn errno_words(errno: u32) -> &'static str {
    match errno {
        5 => "EIO, the device failed the I/O",
        117 => "EFSCORRUPTED, the metadata failed verification",
        74 => "EFSBADCRC, a metadata checksum mismatch",
        61 => "ENODATA, no data at that address (read beyond the device or a media error)",
        28 => "ENOSPC, no space left",
        12 => "ENOMEM, out of memory",
        22 => "EINVAL, an invalid value",
        11 => "EAGAIN, try again",
        19 => "ENODEV, the device is gone",
        6 => "ENXIO, no such device or address",
        _ => "see errno(3)",
    }
}

/// `xfs_do_force_shutdown(0x8)` flags in words.
fn shutdown_words(flags: &str) -> String {
    let Ok(bits) = u32::from_str_radix(flags.trim().trim_start_matches("0x"), 16) else {
        return flags.to_string();
    };
    let mut words = Vec::new();
    if bits & 0x1 != 0 {
        words.push("metadata I/O error");
    }
    if bits & 0x2 != 0 {
        words.push("log I/O error");
    }
    if bits & 0x4 != 0 {
        words.push("forced unmount");
    }
    if bits & 0x8 != 0 {
        words.push("in-memory corruption");
    }
    if words.is_empty() { flags.to_string() } else { format!("{flags}: {}", words.join(", ")) }
}

/// The mount point of an XFS device name (`sdd1`, `dm-2`), from the mount table.
fn mount_point<'a>(model: &'a Model, dev: &str) -> Option<&'a str> {
    let mounts = model.snapshot.mounts.as_ref()?;
    mounts
        .mounts
        .iter()
        .find(|m| {
            let base = m.device.rsplit('/').next().unwrap_or(&m.device);
            base == dev || m.device == format!("/dev/{dev}")
        })
        .map(|m| m.mount_point.as_str())
}

fn class_words(class: XfsClass, n: u64) -> String {
    match class {
        XfsClass::Shutdown => format!("{n} forced shutdown{}", s(n)),
        XfsClass::IoError => format!("{n} metadata I/O error{}", s(n)),
        XfsClass::Corruption => format!("{n} corruption report{}", s(n)),
        XfsClass::LogError => format!("{n} log error{}", s(n)),
        XfsClass::AllocDeadlock => format!("{n} memory allocation livelock warning{}", s(n)),
        XfsClass::Other => format!("{n} other error{}", s(n)),
    }
}

fn finding(model: &Model, dev: Option<&str>, list: &[(&Event, &XfsError)]) -> Finding {
    let mut by_class: BTreeMap<XfsClass, u64> = BTreeMap::new();
    let mut errnos: BTreeMap<u32, u64> = BTreeMap::new();
    let mut advice: Vec<&str> = Vec::new();
    let mut shutdown_flags: Vec<&str> = Vec::new();
    let mut locations: Vec<&str> = Vec::new();
    for (_, x) in list {
        *by_class.entry(x.class).or_default() += 1;
        if let Some(e) = x.errno {
            *errnos.entry(e).or_default() += 1;
        }
        if let Some(a) = x.repair_advice.as_deref() {
            if !advice.contains(&a) {
                advice.push(a);
            }
        }
        if let Some(f) = x.shutdown_flags.as_deref() {
            if !shutdown_flags.contains(&f) {
                shutdown_flags.push(f);
            }
        }
        if let Some(l) = x.location.as_deref() {
            if !locations.contains(&l) && locations.len() < 4 {
                locations.push(l);
            }
        }
    }
    // Worst class first.
    let order = [
        XfsClass::Shutdown,
        XfsClass::Corruption,
        XfsClass::IoError,
        XfsClass::LogError,
        XfsClass::AllocDeadlock,
        XfsClass::Other,
    ];
    let classes: Vec<String> =
        order.iter().filter_map(|c| by_class.get(c).map(|n| class_words(*c, *n))).collect();
    let severity = if by_class.contains_key(&XfsClass::Shutdown) {
        Severity::Critical
    } else if by_class
        .keys()
        .any(|c| matches!(c, XfsClass::Corruption | XfsClass::IoError | XfsClass::LogError))
    {
        Severity::Error
    } else {
        Severity::Warning
    };
    let place = match dev {
        Some(d) => match mount_point(model, d) {
            Some(mp) => format!("{d} ({mp})"),
            None if d.starts_with("dm-") => {
                format!("{d} (mount point unknown: map dm-N with `dmsetup ls`)")
            }
            None => format!("{d} (not in the mount table)"),
        },
        None => "no device (XFS-wide messages)".to_string(),
    };
    let dev_title = dev.map_or("XFS".to_string(), |d| {
        format!("XFS {d}{}", mount_point(model, d).map(|m| format!(" ({m})")).unwrap_or_default())
    });
    let title = format!("{dev_title}: {}", classes.join(", "));

    let n = list.len() as u64;
    let first = list.first().map(|(e, _)| util::time_text(&e.time)).unwrap_or_default();
    let last = list.last().map(|(e, _)| util::time_text(&e.time)).unwrap_or_default();
    let mut summary = format!(
        "{n} XFS error report{} on {place} between {first} and {last}: {}. ",
        s(n),
        classes.join(", ")
    );
    if !errnos.is_empty() {
        let list: Vec<String> =
            errnos.iter().map(|(e, c)| format!("error {e} ({}) ×{c}", errno_words(*e))).collect();
        summary.push_str(&format!("Error numbers: {}. ", list.join("; ")));
    }
    if !shutdown_flags.is_empty() {
        let words: Vec<String> = shutdown_flags.iter().map(|f| shutdown_words(f)).collect();
        summary.push_str(&format!("Shutdown reason: {}. ", words.join("; ")));
    }
    if !locations.is_empty() {
        summary.push_str(&format!("Reported at: {}. ", locations.join(", ")));
    }
    if !advice.is_empty() {
        summary.push_str(&format!("The kernel advised: \"{}\".", advice.join("\"; \"")));
    }
    let summary = summary.trim_end().to_string();

    let devpath = dev.map_or("<device>".to_string(), |d| format!("/dev/{d}"));
    let mut remediation = Vec::new();
    if by_class.contains_key(&XfsClass::Shutdown) {
        remediation.push(
            "The filesystem is shut down: every access fails with EIO until it is unmounted. \
             Unmount it, fix the cause, and mount it again (mounting replays the log)."
                .to_string(),
        );
    }
    if by_class.contains_key(&XfsClass::Corruption) || !advice.is_empty() {
        remediation.push(format!(
            "Unmount and check: `xfs_repair -n {devpath}` (read-only), then `xfs_repair {devpath}`. \
             Use `xfs_repair -L` (zeroes the log, loses the last transactions) only when the log \
             cannot be replayed by mounting."
        ));
    }
    // Error 117/74 on a metadata read means the block was read and failed verification: the
    // corruption is on disk, not necessarily the device's fault.
    let device_errors = list.iter().any(|(_, x)| {
        x.class == XfsClass::LogError
            || (x.class == XfsClass::IoError && !matches!(x.errno, Some(117) | Some(74)))
    });
    if device_errors {
        remediation.push(
            "Metadata and log I/O errors come from the device below: check it (block I/O \
             findings, `smartctl -a`, multipath and array logs) before repairing the filesystem."
                .to_string(),
        );
    }
    if by_class.contains_key(&XfsClass::AllocDeadlock) {
        remediation.push(
            "XFS looped waiting for memory (`possible memory allocation deadlock`): memory was \
             exhausted or too fragmented for the size asked; see the memory findings \
             (fragmentation, vm.min_free_kbytes)."
                .to_string(),
        );
    }

    let mut evidence = Vec::new();
    for (e, _) in list.iter().take(20) {
        evidence.extend(util::event_evidence(e, 4));
    }
    Finding {
        rule_id: ID.into(),
        severity,
        title,
        summary,
        event_ids: list.iter().map(|(e, _)| e.id.clone()).collect(),
        evidence,
        remediation,
    }
}

#[cfg(test)]
mod tests;
