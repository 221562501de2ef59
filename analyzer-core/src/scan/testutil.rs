//! Fixtures for the scan tests: hand-built reports and tiny bundles written into a temp folder.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use crate::bundle::{InputFormat, InputKind};
use crate::model::{
    Event, EventFields, EventTime, Finding, HostFacts, HungTask, PageAllocFailure, Severity,
    XfsClass, XfsError,
};
use crate::report::{InputInfo, MemorySection, Report, SCHEMA_VERSION, Tool};

/// A report of `path` for `hostname` with one finding per severity given and these events.
pub fn report(path: &str, hostname: &str, severities: &[Severity], events: Vec<Event>) -> Report {
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        input: InputInfo {
            path: path.to_string(),
            kind: InputKind::Sosreport,
            format: InputFormat::TarGz,
        },
        host: HostFacts {
            hostname: Some(hostname.to_string()),
            kernel: Some("4.18.0-513.el8.x86_64".to_string()),
            sos_version: Some("4.6.1".to_string()),
            collected_at: "2024-03-05T10:00:00Z".parse().ok(),
            ..HostFacts::default()
        },
        sources: Vec::new(),
        events,
        findings: severities
            .iter()
            .map(|&severity| Finding {
                rule_id: format!("test.{severity}"),
                severity,
                title: format!("a {severity} finding"),
                summary: String::new(),
                event_ids: Vec::new(),
                evidence: Vec::new(),
                remediation: Vec::new(),
            })
            .collect(),
        memory: MemorySection::default(),
        problems: Vec::new(),
    }
}

fn event(fields: EventFields) -> Event {
    Event {
        id: "e1".into(),
        time: EventTime::default(),
        sources: Vec::new(),
        raw: String::new(),
        fields,
        lines: Vec::new(),
    }
}

/// A hung task blocked in the XFS log force (a RHEL 8 trace).
pub fn hung_xfs_log_force() -> Event {
    let trace = [
        "__schedule+0x2c4/0x700",
        "schedule+0x38/0xa0",
        "xlog_wait_on_iclog+0x11d/0x160 [xfs]",
        "xfs_log_force_seq+0x8a/0x180 [xfs]",
        "xfs_file_fsync+0x1a8/0x220 [xfs]",
        "do_fsync+0x38/0x70",
    ];
    event(EventFields::HungTask(HungTask {
        task: "postgres".into(),
        pid: 4242,
        blocked_secs: 120,
        call_trace: trace.iter().map(|s| s.to_string()).collect(),
        ..HungTask::default()
    }))
}

/// An XFS forced shutdown with EIO.
pub fn xfs_shutdown() -> Event {
    event(EventFields::XfsError(XfsError {
        device: Some("dm-3".into()),
        class: XfsClass::Shutdown,
        errno: Some(5),
        ..XfsError::default()
    }))
}

/// An order-6 GFP_KERNEL|__GFP_COMP allocation failure.
pub fn order6_failure() -> Event {
    event(EventFields::PageAllocFailure(PageAllocFailure {
        process: "kworker/u64:2".into(),
        order: 6,
        gfp_mask: "0x40d0".into(),
        gfp_flags: vec!["GFP_KERNEL".into(), "__GFP_COMP".into()],
        ..PageAllocFailure::default()
    }))
}

/// The bytes of a tiny sosreport tar whose root is `root`.
pub fn sos_tar(root: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, data) in [
        ("version.txt", "sosreport: 4.6.1\n"),
        ("sos_commands/kernel/dmesg", "[    0.000000] Linux version 4.18.0-513.el8.x86_64\n"),
        ("sos_commands/host/hostname", "tux\n"),
    ] {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, format!("{root}/{name}"), data.as_bytes()).unwrap();
    }
    builder.into_inner().unwrap()
}

/// Writes a gzip-compressed tiny sosreport at `path`.
pub fn write_sos_tar_gz(path: &Path, root: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&sos_tar(root)).unwrap();
    fs::write(path, gz.finish().unwrap()).unwrap();
}

/// Writes `data` at `path`, creating folders.
pub fn write(path: &Path, data: &[u8]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, data).unwrap();
}
