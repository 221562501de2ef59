use super::*;

/// Runs lines (messages, prefix already stripped) through one builder; `wrapped` marks lines
/// that had no prefix in a prefixed source.
fn run(head: &str, rest: &[(&str, bool)]) -> (XfsError, Vec<Step>) {
    let mut b = Builder::start(head).expect("headline");
    let steps = rest.iter().map(|(l, w)| b.step(l, *w)).collect();
    (b.finish(), steps)
}

#[test]
fn metadata_io_error_of_every_era() {
    let (f, _) = run(
        "XFS (dm-2): metadata I/O error: block 0x2f5a0a8 (\"xlog_iodone\") error 5 numblks 64",
        &[],
    );
    assert_eq!(
        (f.device.as_deref(), f.class, f.errno, f.location.as_deref(), f.block.as_deref()),
        (Some("dm-2"), XfsClass::IoError, Some(5), Some("xlog_iodone"), Some("0x2f5a0a8"))
    );
    assert_eq!(f.errno_name.as_deref(), Some("EIO"));
    let (f, _) = run(
        "XFS (sdb1): metadata I/O error in \"xfs_trans_read_buf_map+0x1f6/0x500 [xfs]\" at daddr 0x3001c7630 len 32 error 117",
        &[],
    );
    assert_eq!(
        (f.errno, f.location.as_deref(), f.block.as_deref(), f.errno_name.as_deref()),
        (Some(117), Some("xfs_trans_read_buf_map"), Some("0x3001c7630"), Some("EFSCORRUPTED"))
    );
    let (f, _) = run(
        "I/O error in filesystem (\"dm-0\") meta-data dev dm-0 block 0x1a2b       (\"xfs_trans_read_buf\") error 5 buf count 4096",
        &[],
    );
    assert_eq!((f.device.as_deref(), f.class, f.errno), (Some("dm-0"), XfsClass::IoError, Some(5)));
}

#[test]
fn two_line_shutdown_is_one_event_with_its_advice() {
    let (f, steps) = run(
        "XFS (vda1): xfs_do_force_shutdown(0x2) called from line 1203 of file fs/xfs/xfs_log.c.  Return address = 0xffffffffa0179b20",
        &[
            ("XFS (vda1): Log I/O Error Detected.  Shutting down filesystem", false),
            ("XFS (vda1): Please umount the filesystem and rectify the problem(s)", false),
            ("XFS (vda1): xfs_log_force: error -5 returned.", false),
        ],
    );
    assert_eq!(steps, [Step::Take, Step::Take, Step::End]);
    assert_eq!(
        (f.class, f.shutdown_flags.as_deref(), f.location.as_deref()),
        (XfsClass::Shutdown, Some("0x2"), Some("fs/xfs/xfs_log.c:1203"))
    );
    assert_eq!(
        f.shutdown_reason.as_deref(),
        Some("Log I/O Error Detected.  Shutting down filesystem")
    );
    assert_eq!(
        f.repair_advice.as_deref(),
        Some("Please umount the filesystem and rectify the problem(s)")
    );
}

#[test]
fn shutdown_of_2_6_32() {
    let (f, steps) = run(
        "xfs_force_shutdown(dm-0,0x8) called from line 1139 of file fs/xfs/xfs_trans.c.  Return address = 0xffffffff8818b3b4",
        &[
            (
                "Filesystem \"dm-0\": Corruption of in-memory data detected.  Shutting down filesystem: dm-0",
                false,
            ),
            ("Please umount the filesystem, and rectify the problem(s)", false),
        ],
    );
    assert_eq!(steps, [Step::Take, Step::Take]);
    assert_eq!(
        (f.device.as_deref(), f.shutdown_flags.as_deref(), f.location.as_deref()),
        (Some("dm-0"), Some("0x8"), Some("fs/xfs/xfs_trans.c:1139"))
    );
    assert!(f.repair_advice.is_some());
}

#[test]
fn one_line_shutdown_of_5_14_and_later() {
    let (f, steps) = run(
        "XFS (sda4): Log I/O Error (0x2) detected at xlog_write+0x5ee/0x660 [xfs] (fs/xfs/xfs_log.c:2499).  Shutting down filesystem.",
        &[
            ("XFS (sda4): Please unmount the filesystem and rectify the problem(s)", false),
            (
                "XFS (sda4): Log I/O Error (0x2) detected at xlog_write+0x5ee/0x660 [xfs] (fs/xfs/xfs_log.c:2499).  Shutting down filesystem.",
                false,
            ),
        ],
    );
    // A second shutdown line once the first has its reason is another event.
    assert_eq!(steps, [Step::Take, Step::End]);
    assert_eq!(
        (f.shutdown_flags.as_deref(), f.location.as_deref()),
        (Some("0x2"), Some("fs/xfs/xfs_log.c:2499"))
    );
}

#[test]
fn corruption_reports_and_their_follow_up_lines() {
    let (f, steps) = run(
        "XFS (dm-3): Internal error XFS_WANT_CORRUPTED_GOTO at line 1423 of file fs/xfs/libxfs/xfs_alloc.c.  Caller xfs_free_ag_extent+0x3f6/0x870 [xfs]",
        &[
            ("CPU: 2 PID: 1234 Comm: rm Not tainted 4.18.0-147.el8.x86_64 #1", false),
            ("Call Trace:", false),
            (" dump_stack+0x5c/0x80", false),
            (" xfs_corruption_error+0x81/0x90 [xfs]", false),
            ("XFS (dm-3): Corruption detected. Unmount and run xfs_repair", false),
        ],
    );
    assert_eq!(steps[..4], [Step::Take; 4]);
    assert_eq!(
        (f.class, f.location.as_deref()),
        (XfsClass::Corruption, Some("fs/xfs/libxfs/xfs_alloc.c:1423"))
    );
    assert_eq!(f.call_trace, ["dump_stack+0x5c/0x80", "xfs_corruption_error+0x81/0x90 [xfs]"]);
    // `Corruption detected. Unmount and run xfs_repair` closes the same report.
    assert_eq!(steps[4], Step::Take);
    assert_eq!(f.repair_advice.as_deref(), Some("Unmount and run xfs_repair"));
    let (f, _) = run(
        "XFS (sdb): Corruption warning: Metadata has LSN (1:2) ahead of current LSN (1:1). Please unmount and run xfs_repair (>= v4.3) to resolve.",
        &[],
    );
    assert_eq!(f.class, XfsClass::Corruption);
    assert_eq!(
        f.repair_advice.as_deref(),
        Some("Please unmount and run xfs_repair (>= v4.3) to resolve.")
    );

    let (f, steps) = run(
        "XFS (dm-1): Metadata CRC error detected at xfs_agf_read_verify+0x77/0x100 [xfs], xfs_agf block 0x1",
        &[
            ("XFS (dm-1): Unmount and run xfs_repair", false),
            ("XFS (dm-1): First 128 bytes of corrupted metadata buffer:", false),
            ("00000000: 58 41 47 46 00 00 00 01 00 00 00 00 00 0f ff f0  XAGF............", false),
        ],
    );
    assert_eq!(steps, [Step::Take; 3]);
    assert_eq!(
        (f.class, f.location.as_deref(), f.block.as_deref()),
        (XfsClass::Corruption, Some("xfs_agf_read_verify"), Some("0x1"))
    );
    assert_eq!(f.repair_advice.as_deref(), Some("Unmount and run xfs_repair"));
}

#[test]
fn terminal_wraps_are_joined_but_console_lines_are_not() {
    let (f, steps) = run(
        "XFS (dm-1): metadata I/O error: block 0x3a3a570 (\"xfs_trans_read_buf_map\")",
        &[("error 117 numblks 8", true)],
    );
    assert_eq!(steps, [Step::Take]);
    assert_eq!(f.errno, Some(117));
    let (f, steps) = run(
        "XFS (sdc1): xfs_imap_lookup: xfs_ialloc_read_agi() returned error -117, agno 0",
        &[("[FAILED] Failed to mount /data.", true)],
    );
    assert_eq!(steps, [Step::End]);
    assert_eq!(f.message, "xfs_imap_lookup: xfs_ialloc_read_agi() returned error -117, agno 0");
}

#[test]
fn classes() {
    let class = |m: &str| Builder::start(m).map(|b| b.finish().class);
    assert_eq!(
        class("XFS: possible memory allocation deadlock in kmem_alloc (mode:0x250)"),
        Some(XfsClass::AllocDeadlock)
    );
    assert_eq!(
        class(
            "XFS: kworker/u8:2(1234) possible memory allocation deadlock size 65552 in kmem_alloc (mode:0x2400240)"
        ),
        Some(XfsClass::AllocDeadlock)
    );
    assert_eq!(class("XFS (dm-7): log mount/recovery failed: error -5"), Some(XfsClass::LogError));
    assert_eq!(class("XFS (vdc2): xfs_log_force: error -5 returned."), Some(XfsClass::LogError));
    assert_eq!(class("XFS (sda): writeback error on sector 12345"), Some(XfsClass::IoError));
    assert_eq!(
        class("XFS (sda): Failing async write on buffer block 0x1234. Retrying async write."),
        Some(XfsClass::IoError)
    );
    assert_eq!(
        class("XFS (sda): Filesystem has been shut down due to log error (0x2)."),
        Some(XfsClass::Shutdown)
    );
    assert_eq!(
        class("XFS (sda): Quotacheck: Unsuccessful (Error -5): Disabling quotas."),
        Some(XfsClass::Other)
    );
    assert_eq!(
        class("XFS: Assertion failed: 0, file: fs/xfs/xfs_inode.c, line: 1234"),
        Some(XfsClass::Other)
    );
    assert_eq!(
        class("XFS (sdb): Filesystem has duplicate UUID 5d5b4c66-0b5e - can't mount"),
        Some(XfsClass::Other)
    );
    assert_eq!(
        class("XFS (dm-0): page discard on page 00000000a1b2c3d4, inode 0x83, offset 0."),
        Some(XfsClass::IoError)
    );
    assert_eq!(
        class(
            "XFS (sda): Corruption of on-disk metadata (0x10) detected at xfs_btree_check+0x1/0x2 [xfs] (fs/xfs/libxfs/xfs_btree.c:123).  Shutting down filesystem."
        ),
        Some(XfsClass::Shutdown)
    );
    let f = Builder::start("XFS: Invalid device [/dev/sdb], error=-15").unwrap().finish();
    assert_eq!((f.device, f.class, f.errno), (None, XfsClass::Other, Some(15)));
    assert_eq!(
        class("XFS (dm-3): log recovery write I/O error at daddr 0x1 len 4096 error -5"),
        Some(XfsClass::LogError)
    );
    for normal in [
        "XFS (dm-2): Torn write (CRC failure) detected at log block 0x3c0. Truncating head block from 0x3c8.",
        "XFS (dm-0): Mounting V5 Filesystem",
        "XFS (loop5): Mounting V5 Filesystem 216ac556-4f80-48ce-a0aa-a5307d37371e",
        "XFS (loop5): Ending clean mount",
        "XFS (loop5): Quotacheck needed: Please wait.",
        "XFS (loop5): Quotacheck: Done.",
        "XFS (sde1): Starting recovery (logdev: internal)",
        "XFS (sde1): Ending recovery (logdev: internal)",
        "XFS (loop5): Unmounting Filesystem 7c161a2e-e85a-4f29-91c3-5ef1bbd92f14",
        "XFS (loop5): EXPERIMENTAL online shrink feature in use. Use at your own risk!",
        "XFS (dm-1): Unmount and run xfs_repair",
        "XFS (nbd0): First 128 bytes of corrupted metadata buffer:",
        "xfs filesystem being mounted at /data supports timestamps until 2038 (0x7fffffff)",
        "Possible memory allocation deadlock: size=73728 lflags=0x1000",
        "Large kmem_alloc(73728, 0x1000), please file an issue at:",
        "dm-0: writeback error on inode 131, offset 53279154176, sector 78688",
        "xfs_io[1234]: segfault at 0 ip 000055d0 sp 00007ffd error 4 in xfs_io[55d0+1000]",
    ] {
        assert_eq!(class(normal), None, "{normal}");
    }
}

#[test]
fn every_error_phrase_passes_the_error_word_check() {
    use XfsClass::*;
    for (text, class) in [
        ("xfs_do_force_shutdown(0x2) called from line 1271 of file fs/xfs/xfs_log.c", Shutdown),
        ("Shutting down filesystem", Shutdown),
        ("Log I/O error detected.  Shutting down filesystem", Shutdown),
        ("User initiated shutdown received.", Shutdown),
        ("xfs_force_shutdown(sda1,0x8) called from line 3224", Shutdown),
        (
            "possible memory allocation deadlock size 65552 in kmem_alloc (mode:0x2400240)",
            AllocDeadlock,
        ),
        ("log mount/recovery failed: error -117", LogError),
        ("empty log check failed", LogError),
        ("Failed to recover intents", LogError),
        ("ctx ticket reservation ran out. Need to up reservation", LogError),
        ("Log inconsistent (didn't find previous header)", LogError),
        ("xlog_verify_head: failed", LogError),
        ("metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x10 len 8 error 74", IoError),
        ("Failing async write on buffer block 0x2f5a0a8. Retrying async write.", IoError),
        ("page discard on page 00000000ab12cd34, inode 0x83, offset 0.", IoError),
        ("Metadata corruption detected at xfs_agf_read_verify+0x77/0x100 [xfs]", Corruption),
        ("Metadata CRC error detected at xfs_agi_read_verify+0x5e/0x110 [xfs]", Corruption),
        ("Invalid inode number 0x2000000", Corruption),
        ("Internal error XFS_WANT_CORRUPTED_GOTO at line 1423", Corruption),
        ("Failed to read root inode 0x80, error 117", Other),
        ("cannot allocate memory for the log", Other),
    ] {
        assert!(may_be_error(text), "{text}");
        assert_eq!(classify(text), Some(class), "{text}");
    }
    for text in [
        "Mounting V5 Filesystem",
        "Ending clean mount",
        "Quotacheck: Done.",
        "Starting recovery (logdev: internal)",
    ] {
        assert!(!may_be_error(text), "{text}");
        assert_eq!(classify(text), None, "{text}");
    }
}
