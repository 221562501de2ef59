//! Real lines of every format (docs/FORMATS.md 3.1 and the corpus).

use super::*;

fn p(line: &str) -> LogLine<'_> {
    parse_line(line, Hint::Auto)
}

#[test]
fn dmesg_default_keeps_message_indentation() {
    let l = p("[34315.127680]       Not tainted 5.10.0-8-cloud-amd64 #1 Debian 5.10.46-4");
    assert_eq!(l.format, LineFormat::Dmesg);
    assert_eq!(l.printk, Some(SinceBoot(34_315_127_680)));
    assert_eq!(l.printk_raw, "[34315.127680]");
    assert_eq!(l.msg, "      Not tainted 5.10.0-8-cloud-amd64 #1 Debian 5.10.46-4");
    assert!(l.is_kernel());
    let l = p("[34315.154331]  __schedule+0x282/0x870");
    assert_eq!(l.msg, " __schedule+0x282/0x870");
    let l = p("[2313169.749777] tcpdump: page allocation failure: order:9, mode:0x20");
    assert_eq!(l.printk, Some(SinceBoot(2_313_169_749_777)));
    assert_eq!(l.msg, "tcpdump: page allocation failure: order:9, mode:0x20");
}

#[test]
fn dmesg_caller_ids() {
    let l = p("[ 74.521346][ T144] XFS (loop0): log I/O error -5");
    assert_eq!((l.caller, l.msg), (Some("T144"), "XFS (loop0): log I/O error -5"));
    assert_eq!(l.printk_raw, "[ 74.521346][ T144]");
    let l =
        p("[  290.742188][   T30] INFO: task kworker/u8:2:123 blocked for more than 143 seconds.");
    assert_eq!((l.printk, l.caller), (Some(SinceBoot(290_742_188)), Some("T30")));
}

#[test]
fn dmesg_truncated_and_collapsed_stamps() {
    let l = p("[  240.] INFO: task kinteractiveup:64 blocked for more than 120 seconds.");
    assert_eq!(l.printk, Some(SinceBoot(240_000_000)));
    assert_eq!(l.msg, "INFO: task kinteractiveup:64 blocked for more than 120 seconds.");
    let l = p("[ 142.218849] intel_rapl_common: Found RAPL domain package");
    assert_eq!(
        (l.format, l.msg),
        (LineFormat::Dmesg, "intel_rapl_common: Found RAPL domain package")
    );
}

#[test]
fn systemd_status_tags_are_not_stamps() {
    let l = p("[FAILED] Failed to mount /data.");
    assert_eq!((l.format, l.msg), (LineFormat::Bare, "[FAILED] Failed to mount /data."));
}

#[test]
fn dmesg_ctime() {
    let l = p(
        "[Fri Nov  5 21:04:29 2021] INFO: task kworker/15:1:181 blocked for more than 122 seconds.",
    );
    assert_eq!(l.format, LineFormat::DmesgCtime);
    assert_eq!(l.stamp, Stamp::Local(jiff::civil::date(2021, 11, 5).at(21, 4, 29, 0)));
    assert_eq!(l.stamp_raw, "[Fri Nov  5 21:04:29 2021]");
    assert_eq!(l.msg, "INFO: task kworker/15:1:181 blocked for more than 122 seconds.");
    let l = p("[Tue Oct 22 19:49:33 2019]  schedule+0x29/0x70");
    assert_eq!(l.msg, " schedule+0x29/0x70");
}

#[test]
fn dmesg_decoded_raw_and_iso() {
    let l = p("kern  :err   : [   12.345678] XFS (dm-0): metadata I/O error");
    assert_eq!(l.format, LineFormat::DmesgDecoded);
    assert_eq!((l.facility, l.level), (Some(Facility::Kern), Some(Level::Err)));
    assert_eq!((l.printk, l.msg), (Some(SinceBoot(12_345_678)), "XFS (dm-0): metadata I/O error"));
    assert!(l.is_kernel());
    let l = p("user  :notice: [    9.000001] systemd[1]: Started Journal Service.");
    assert_eq!((l.facility, l.level), (Some(Facility::User), Some(Level::Notice)));
    assert!(!l.is_kernel());
    let l = p("<3>[   12.345678] XFS (dm-0): Log I/O Error Detected.");
    assert_eq!(l.format, LineFormat::DmesgRaw);
    assert_eq!(
        (l.facility, l.level, l.printk),
        (Some(Facility::Kern), Some(Level::Err), Some(SinceBoot(12_345_678)))
    );
    assert_eq!(l.msg, "XFS (dm-0): Log I/O Error Detected.");
    let l = p("2024-03-05T10:22:33,123456+01:00 INFO: task a:1 blocked for more than 120 seconds.");
    assert_eq!(l.format, LineFormat::DmesgIso);
    let civil = jiff::civil::date(2024, 3, 5).at(10, 22, 33, 123_456_000);
    assert_eq!(l.stamp, Stamp::Zoned { civil, offset_secs: 3600 });
    assert_eq!(l.msg, "INFO: task a:1 blocked for more than 120 seconds.");
    assert!(l.is_kernel());
}

#[test]
fn kmsg_records() {
    let l = p("3,1234,5140900,-;XFS (sda1): Corruption detected. Unmount and run xfs_repair");
    assert_eq!(l.format, LineFormat::Kmsg);
    assert_eq!((l.printk, l.level), (Some(SinceBoot(5_140_900)), Some(Level::Err)));
    assert_eq!(l.msg, "XFS (sda1): Corruption detected. Unmount and run xfs_repair");
}

#[test]
fn syslog_rfc3164_with_host_and_printk() {
    let l = p(
        "Jul 22 01:14:03 expo-office-node3 kernel: [46125.920351] XFS (dm-1): Unmount and run xfs_repair",
    );
    assert_eq!(l.format, LineFormat::Syslog);
    let y = Yearless { month: 7, day: 22, hour: 1, minute: 14, second: 3, micros: 0 };
    assert_eq!(l.stamp, Stamp::Yearless(y));
    assert_eq!((l.host, l.tag), (Some("expo-office-node3"), Some("kernel")));
    assert_eq!(l.printk, Some(SinceBoot(46_125_920_351)));
    assert_eq!(l.msg, "XFS (dm-1): Unmount and run xfs_repair");
    assert_eq!(l.time_raw(), "Jul 22 01:14:03 [46125.920351]");
    assert!(l.is_kernel());
}

#[test]
fn syslog_rfc3164_without_printk_keeps_indentation() {
    let l = p(
        "Jan 14 21:57:15 I-KNOW-YOU.torgato.de kernel:       Tainted: P           OE     5.10.2-2-MANJARO #1",
    );
    assert_eq!((l.host, l.tag, l.printk), (Some("I-KNOW-YOU.torgato.de"), Some("kernel"), None));
    assert_eq!(l.msg, "      Tainted: P           OE     5.10.2-2-MANJARO #1");
    let l = p(
        "Jun  4 17:19:10 iZ23tpcto8eZ kernel: AliYunDun invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
    );
    assert_eq!(l.stamp_raw, "Jun  4 17:19:10");
    assert_eq!(l.msg, "AliYunDun invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0");
}

#[test]
fn syslog_without_host_and_with_facility_level() {
    let l = p("Mar  5 10:22:33 kernel: Linux version 5.4.0");
    assert_eq!((l.host, l.tag, l.msg), (None, Some("kernel"), "Linux version 5.4.0"));
    let l = p(
        "Sep 13 14:34:10 ccgx user.info kernel: [43500.179276] vedirect-dbus   D    0  1339   1336 0x00000000",
    );
    assert_eq!(
        (l.host, l.facility, l.level),
        (Some("ccgx"), Some(Facility::User), Some(Level::Info))
    );
    assert_eq!((l.tag, l.printk), (Some("kernel"), Some(SinceBoot(43_500_179_276))));
    assert_eq!(l.msg, "vedirect-dbus   D    0  1339   1336 0x00000000");
    assert!(l.is_kernel());
}

#[test]
fn user_space_lines_are_not_kernel() {
    let l =
        p("Mar  5 10:22:34 host sshd[77]: XFS page allocation INFO: task words in a user message");
    assert_eq!((l.tag, l.pid), (Some("sshd"), Some("77")));
    assert!(!l.is_kernel());
    let l = p("2024-03-05T10:22:33.123456+01:00 host systemd[1]: Started kernel: something.");
    assert!(!l.is_kernel());
}

#[test]
fn syslog_rfc3339() {
    let l = p(
        "2026-05-28T12:24:00.184239+00:00 vm-1779970054023451471 kernel: INFO: task kworker/u48:7:1511 blocked for more than 122 seconds.",
    );
    assert_eq!(l.format, LineFormat::SyslogIso);
    let civil = jiff::civil::date(2026, 5, 28).at(12, 24, 0, 184_239_000);
    assert_eq!(l.stamp, Stamp::Zoned { civil, offset_secs: 0 });
    assert_eq!(l.stamp_raw, "2026-05-28T12:24:00.184239+00:00");
    assert_eq!(l.host, Some("vm-1779970054023451471"));
    assert_eq!(l.msg, "INFO: task kworker/u48:7:1511 blocked for more than 122 seconds.");
    let l = p("2024-03-05T10:22:33.123456+01:00 host kernel: [  123.456789] msg");
    assert_eq!((l.printk, l.msg), (Some(SinceBoot(123_456_789)), "msg"));
}

#[test]
fn journal_formats() {
    let l = parse_line("Mar 05 10:22:33 host kernel: INFO: task …", Hint::Journal);
    assert_eq!((l.format, l.tag, l.msg), (LineFormat::Syslog, Some("kernel"), "INFO: task …"));
    let l = p("Mar 05 10:22:33.123456 host kernel: x");
    assert_eq!(
        l.stamp,
        Stamp::Yearless(Yearless {
            month: 3,
            day: 5,
            hour: 10,
            minute: 22,
            second: 33,
            micros: 123_456
        })
    );
    let l = p("2024-03-05T10:22:33+0100 host kernel: x");
    assert_eq!(
        l.stamp,
        Stamp::Zoned { civil: jiff::civil::date(2024, 3, 5).at(10, 22, 33, 0), offset_secs: 3600 }
    );
    let l = parse_line("[  123.456789] host kernel: INFO: task", Hint::Journal);
    assert_eq!(l.format, LineFormat::JournalMonotonic);
    assert_eq!((l.host, l.tag, l.msg), (Some("host"), Some("kernel"), "INFO: task"));
    let l = parse_line("[  123.456789] host systemd[1]: Started", Hint::Journal);
    assert!(!l.is_kernel());
    // The same line read as dmesg keeps everything after the stamp.
    let l = parse_line("[    5.1] usb 1-1: new high-speed USB device", Hint::Dmesg);
    assert_eq!((l.format, l.msg), (LineFormat::Dmesg, "usb 1-1: new high-speed USB device"));
    let l = p("[    5.1] usb 1-1: new high-speed USB device");
    assert_eq!(l.format, LineFormat::Dmesg);
}

#[test]
fn journal_markers() {
    for marker in ["-- Reboot --", "-- Boot 5d8c9f1e2a3b4c5d6e7f8091a2b3c4d5 --"] {
        let l = p(marker);
        assert_eq!(l.format, LineFormat::JournalMarker);
        assert!(l.is_boot_separator());
        assert!(!l.is_kernel());
    }
    let l =
        p("-- Logs begin at Tue 2024-03-05 10:00:00 CET, end at Tue 2024-03-05 11:00:00 CET. --");
    assert_eq!(l.format, LineFormat::JournalMarker);
    assert!(!l.is_boot_separator());
    assert_eq!(p("-- No entries --").format, LineFormat::JournalMarker);
}

#[test]
fn quote_markers_and_indentation_are_stripped() {
    let l =
        p("> [593492.694806] XFS: possible memory allocation deadlock in kmem_alloc (mode:0x250)");
    assert!(l.quoted);
    assert_eq!(l.printk, Some(SinceBoot(593_492_694_806)));
    assert_eq!(l.msg, "XFS: possible memory allocation deadlock in kmem_alloc (mode:0x250)");
    let l = p(">> > [   77.691772] XFS (dm-1): xfs_do_force_shutdown(0x8)");
    assert_eq!(l.msg, "XFS (dm-1): xfs_do_force_shutdown(0x8)");
    let l = p("  [11221.309697] XFS (loop5): log I/O error -5");
    assert_eq!(
        (l.printk, l.msg),
        (Some(SinceBoot(11_221_309_697)), "XFS (loop5): log I/O error -5")
    );
    let l = p("> > > >  XFS (sda4): Mounting V5 Filesystem");
    assert_eq!(
        (l.format, l.msg, l.quoted),
        (LineFormat::Bare, " XFS (sda4): Mounting V5 Filesystem", true)
    );
    let l = p("> XFS (vdb): Corruption of in-memory data detected.  Shutting down filesystem");
    assert_eq!(
        l.msg,
        "XFS (vdb): Corruption of in-memory data detected.  Shutting down filesystem"
    );
}

#[test]
fn bare_lines_keep_indentation() {
    let l = p(" [<ffffffff8135067c>] ? __mutex_lock_common.isra.5+0xff/0x164");
    assert_eq!(l.format, LineFormat::Bare);
    assert_eq!(l.msg, " [<ffffffff8135067c>] ? __mutex_lock_common.isra.5+0xff/0x164");
    assert!(l.is_kernel());
    assert_eq!(p("").format, LineFormat::Bare);
    assert_eq!(
        p("INFO: task DDRace64-Server:27090 blocked for more than 120 seconds.").msg,
        "INFO: task DDRace64-Server:27090 blocked for more than 120 seconds."
    );
}

#[test]
fn console_echo_fragments() {
    // GCE serial console: a syslog stamp glued to a printk stamp, with no host or tag.
    let l = p("Aug 26 00:03:33 [34315.158202]  ? wbt_rqw_done+0xe0/0xe0");
    assert_eq!((l.format, l.host, l.tag), (LineFormat::Syslog, None, None));
    assert_eq!((l.printk, l.msg), (Some(SinceBoot(34_315_158_202)), " ? wbt_rqw_done+0xe0/0xe0"));
    assert!(l.is_kernel());
}

#[test]
fn rsyslog_escaped_newlines_split_into_parts() {
    let l = p(
        "Mar  5 10:22:33 host kernel: XFS (sda1): Corruption detected.#012Unmount and run xfs_repair",
    );
    let parts: Vec<&str> = l.message_parts().collect();
    assert_eq!(parts, ["XFS (sda1): Corruption detected.", "Unmount and run xfs_repair"]);
}

#[test]
fn crlf_and_invalid_dates() {
    let l = p("[   1.000000] msg\r");
    assert_eq!(l.msg, "msg");
    // Feb 30 is no date: the line stays bare rather than failing.
    assert_eq!(p("[Mon Feb 30 10:00:00 2021] msg").format, LineFormat::Bare);
    assert_eq!(p("2021-02-30T10:00:00+00:00 host kernel: x").format, LineFormat::Bare);
}

#[test]
fn kinds_are_detected_from_the_first_lines() {
    assert_eq!(detect_kind("[    0.000000] Linux version 5.4.0\n[    0.1] x\n"), SourceKind::Dmesg);
    assert_eq!(
        detect_kind("Feb  4 09:34:10 compute4 kernel: [    0.000000] Linux version\n"),
        SourceKind::Syslog
    );
    assert_eq!(
        detect_kind(
            "-- Logs begin at Tue 2024-03-05 10:00:00 CET. --\nMar 05 10:00:01 h kernel: x\n"
        ),
        SourceKind::Journal
    );
    assert_eq!(
        detect_kind("INFO: task a:1 blocked for more than 120 seconds.\n"),
        SourceKind::Dmesg
    );
}

proptest::proptest! {
    /// Any text, however broken, parses without panicking, and the message is part of the
    /// line (nothing is invented).
    #[test]
    fn any_line_parses(line in "(> ?)?[ \\[\\]<>0-9A-Za-z:.,+\\-#T ]{0,80}") {
        for hint in [Hint::Auto, Hint::Dmesg, Hint::Syslog, Hint::Journal] {
            let parsed = parse_line(&line, hint);
            let line = line.trim_end_matches('\r');
            proptest::prop_assert!(line.ends_with(parsed.msg) || line.contains(parsed.msg));
        }
    }

    /// The same for arbitrary Unicode.
    #[test]
    fn any_unicode_line_parses(line in "\\PC{0,60}") {
        let parsed = parse_line(&line, Hint::Auto);
        proptest::prop_assert!(line.trim_end_matches('\r').ends_with(parsed.msg) || parsed.format == LineFormat::JournalMarker);
    }
}
