//! Tests of the XFS analysis with lines printed by real kernels.

use super::*;
use crate::parse::mounts::{Mount, Mounts};
use crate::rules::testutil::{event_lines, model_with};

fn xfs(n: u64, x: XfsError, lines: &[&str]) -> crate::model::Event {
    event_lines(n, EventFields::XfsError(x), lines)
}

/// RHEL 7.3 (corpus C/rhel73-3.10-514-xlog-iodone-log-io-shutdown.txt).
fn rhel73() -> Vec<crate::model::Event> {
    vec![
        xfs(
            1,
            XfsError {
                device: Some("vda1".into()),
                class: XfsClass::IoError,
                errno: Some(5),
                location: Some("xlog_iodone".into()),
                block: Some("0x7d37c3".into()),
                ..XfsError::default()
            },
            &[
                r#"[  335.786506] XFS (vda1): metadata I/O error: block 0x7d37c3 ("xlog_iodone") error 5 numblks 64"#,
            ],
        ),
        xfs(
            2,
            XfsError {
                device: Some("vda1".into()),
                class: XfsClass::Shutdown,
                location: Some("fs/xfs/xfs_log.c:1203".into()),
                shutdown_flags: Some("0x2".into()),
                repair_advice: Some(
                    "Please umount the filesystem and rectify the problem(s)".into(),
                ),
                ..XfsError::default()
            },
            &[
                "[  335.789187] XFS (vda1): xfs_do_force_shutdown(0x2) called from line 1203 of file fs/xfs/xfs_log.c.  Return address = 0xffffffffa0179b20",
                "[  335.792898] XFS (vda1): Log I/O Error Detected.  Shutting down filesystem",
                "[  335.795010] XFS (vda1): Please umount the filesystem and rectify the problem(s)",
            ],
        ),
        xfs(
            3,
            XfsError {
                device: Some("vda1".into()),
                class: XfsClass::LogError,
                errno: Some(5),
                ..XfsError::default()
            },
            &["[  365.848319] XFS (vda1): xfs_log_force: error -5 returned."],
        ),
    ]
}

#[test]
fn shutdown_is_critical_with_mount_point_and_advice() {
    let mut m = model_with(rhel73());
    m.snapshot.mounts = Some(Mounts {
        mounts: vec![Mount {
            device: "/dev/vda1".into(),
            mount_point: "/".into(),
            fstype: "xfs".into(),
            options: "rw,relatime".into(),
            ..Mount::default()
        }],
        unparsed: vec![],
    });
    let f = XfsErrors.evaluate(&m).findings;
    assert_eq!(f.len(), 1);
    let f = &f[0];
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.title, "XFS vda1 (/): 1 forced shutdown, 1 metadata I/O error, 1 log error");
    assert!(
        f.summary.contains("Error numbers: error 5 (EIO, the device failed the I/O) ×2."),
        "{}",
        f.summary
    );
    assert!(f.summary.contains("Shutdown reason: 0x2: log I/O error."), "{}", f.summary);
    assert!(f.summary.contains(
        "The kernel advised: \"Please umount the filesystem and rectify the problem(s)\"."
    ));
    assert!(f.remediation.iter().any(|r| r.contains("xfs_repair -n /dev/vda1")));
    assert_eq!(f.event_ids, vec!["e1", "e2", "e3"]);
    assert_eq!(f.evidence.len(), 5);
    assert_eq!(
        f.evidence[2].text,
        "[  335.792898] XFS (vda1): Log I/O Error Detected.  Shutting down filesystem"
    );
}

#[test]
fn corruption_per_device_and_deadlock_without_device() {
    let events = vec![
        xfs(
            1,
            XfsError {
                device: Some("sdd1".into()),
                class: XfsClass::Corruption,
                errno: Some(117),
                location: Some("xfs_dir3_data_read_verify+0x5e/0x100 [xfs]".into()),
                repair_advice: Some("Unmount and run xfs_repair".into()),
                ..XfsError::default()
            },
            &[
                "XFS (sdd1): Metadata corruption detected at xfs_dir3_data_read_verify+0x5e/0x100 [xfs], xfs_dir3_data block 0x1d1c05b8",
            ],
        ),
        xfs(
            2,
            XfsError {
                device: None,
                class: XfsClass::AllocDeadlock,
                location: Some("kmem_alloc".into()),
                ..XfsError::default()
            },
            &[
                "XFS: swift-object-(2201) possible memory allocation deadlock size 65552 in kmem_alloc (mode:0x2400240)",
            ],
        ),
    ];
    let f = XfsErrors.evaluate(&model_with(events)).findings;
    assert_eq!(f.len(), 2);
    let dead = f.iter().find(|x| x.title.starts_with("XFS:")).expect("deadlock finding");
    assert_eq!(dead.title, "XFS: 1 memory allocation livelock warning");
    assert_eq!(dead.severity, Severity::Warning);
    let sdd = f.iter().find(|x| x.title.starts_with("XFS sdd1")).expect("sdd1 finding");
    assert_eq!(sdd.severity, Severity::Error);
    assert!(sdd.summary.contains("on sdd1 (not in the mount table)"), "{}", sdd.summary);
    assert!(sdd.summary.contains("error 117 (EFSCORRUPTED, the metadata failed verification)"));
}

#[test]
fn errno_words_cover_the_usual_ones() {
    assert!(errno_words(74).starts_with("EFSBADCRC"));
    assert!(errno_words(61).starts_with("ENODATA"));
    assert!(errno_words(28).starts_with("ENOSPC"));
}
