//! Timeline tests on real lines (docs/FORMATS.md examples and the corpus).

use std::io::{BufReader, Read};

use super::*;
use crate::model::{EventKind, SinceBoot};

/// A reader that hands out at most `step` bytes per call, to cross every chunk boundary.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(out.len()).min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

const MESSAGES: &str = "\
Mar  3 23:59:58 node1 systemd[1]: Started Session 12 of user root.
Mar  3 23:59:59 node1 kernel: XFS (dm-2): metadata I/O error: block 0x2f5a0a8 (\"xlog_iodone\") error 5 numblks 64
Mar  4 08:00:01 node1 kernel: [    0.000000] Linux version 3.10.0-1160.el7.x86_64 (mockbuild@kbuilder.bsys.centos.org)
Mar  4 08:00:01 node1 kernel: [    0.000000] Command line: BOOT_IMAGE=/vmlinuz-3.10.0-1160.el7.x86_64 root=/dev/mapper/rhel-root
Mar  4 08:00:05 node1 sshd[1022]: Server listening on 0.0.0.0 port 22.
Mar  4 10:22:33 node1 kernel: [ 8552.120624] INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.
Mar  4 10:22:34 node1 myapp[77]: Out of memory: Killed process 4242 (myapp) in my own words
";

fn host() -> HostFacts {
    HostFacts {
        collected_at: Some("2024-03-05T12:00:00Z".parse().unwrap()),
        boot_time: Some("2024-03-04T08:00:00Z".parse().unwrap()),
        ..HostFacts::default()
    }
}

#[test]
fn lines_are_counted_whatever_the_prefilter_skips() {
    let mut b = TimelineBuilder::new(None);
    let stats =
        b.read_log("var/log/messages", SourceKind::Syslog, &mut MESSAGES.as_bytes()).unwrap();
    assert_eq!(stats.lines, 7);
    // XFS, Linux version, Command line, INFO: task, Out of memory.
    assert_eq!(stats.examined, 5);
    assert_eq!(stats.unparsed, 0);
    let no_newline = MESSAGES.trim_end();
    let mut b = TimelineBuilder::new(None);
    let stats = b.read_log("m", SourceKind::Syslog, &mut no_newline.as_bytes()).unwrap();
    assert_eq!(stats.lines, 7);
}

#[test]
fn tiny_reads_give_the_same_result() {
    let patterns = RegexSet::new([r"Out of memory: Killed process \d+", r"INFO: task"]).unwrap();
    let mut whole = TimelineBuilder::new(Some(patterns.clone()));
    let s1 = whole.read_log("m", SourceKind::Syslog, &mut MESSAGES.as_bytes()).unwrap();
    let mut trickle = TimelineBuilder::new(Some(patterns));
    let mut reader = BufReader::with_capacity(5, Trickle { data: MESSAGES.as_bytes(), step: 3 });
    let s2 = trickle.read_log("m", SourceKind::Syslog, &mut reader).unwrap();
    assert_eq!(s1, s2);
    assert_eq!(whole.finish(&host()), trickle.finish(&host()));
}

#[test]
fn line_patterns_match_any_program_with_time() {
    let patterns =
        RegexSet::new([r"Out of memory: Killed process \d+", r"sshd\[\d+\]: Server listening"])
            .unwrap();
    let mut b = TimelineBuilder::new(Some(patterns));
    b.read_log("var/log/messages", SourceKind::Syslog, &mut MESSAGES.as_bytes()).unwrap();
    let out = b.finish(&host());
    assert_eq!(out.log_match_counts, [1, 1]);
    let m: Vec<(usize, u64, Option<String>, &str)> = out
        .log_matches
        .iter()
        .map(|m| {
            (m.pattern, m.source.line, m.time.wall.map(|w| w.to_string()), m.time.raw.as_str())
        })
        .collect();
    assert_eq!(
        m,
        [
            (1, 5, Some("2024-03-04T08:00:05Z".to_string()), "Mar  4 08:00:05"),
            (0, 7, Some("2024-03-04T10:22:34Z".to_string()), "Mar  4 10:22:34"),
        ]
    );
    assert_eq!(out.log_matches[1].time.boot, 1);
}

#[test]
fn boots_from_syslog_and_dmesg_share_one_numbering() {
    let dmesg = "[    0.000000] Linux version 3.10.0-1160.el7.x86_64\n[ 8552.120624] INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.\n";
    let mut b = TimelineBuilder::new(None);
    b.read_log("var/log/messages", SourceKind::Syslog, &mut MESSAGES.as_bytes()).unwrap();
    b.read_log("sos_commands/kernel/dmesg", SourceKind::Dmesg, &mut dmesg.as_bytes()).unwrap();
    let out = b.finish(&host());
    let boots: Vec<(u32, Option<String>, bool)> =
        out.boots.iter().map(|b| (b.index, b.start.map(|s| s.to_string()), b.current)).collect();
    assert_eq!(boots, [(0, None, false), (1, Some("2024-03-04T08:00:00Z".to_string()), true)]);
}

#[test]
fn journal_separators_make_boots() {
    let journal = "\
-- Logs begin at Mon 2024-03-04 07:00:00 UTC, end at Tue 2024-03-05 11:00:00 UTC. --
Mar 04 07:00:01 node1 kernel: XFS (sda1): Mounting V5 Filesystem
-- Reboot --
Mar 05 09:00:02 node1 kernel: XFS (sda1): Mounting V5 Filesystem
";
    let mut b = TimelineBuilder::new(None);
    b.read_log(
        "sos_commands/logs/journalctl_--no-pager",
        SourceKind::Journal,
        &mut journal.as_bytes(),
    )
    .unwrap();
    let out = b.finish(&HostFacts { collected_at: host().collected_at, ..HostFacts::default() });
    let starts: Vec<Option<String>> =
        out.boots.iter().map(|b| b.start.map(|s| s.to_string())).collect();
    assert_eq!(starts, [None, Some("2024-03-05T09:00:02Z".to_string())]);
}

#[test]
fn overlong_lines_are_skipped_and_reported() {
    let mut text = String::from("[    1.000000] first\n");
    text.push_str(&"x".repeat(3 * MAX_LINE));
    text.push_str(" XFS tail of the long line\n[    2.000000] XFS (sda): after\n");
    for step in [usize::MAX, 4096] {
        let mut b = TimelineBuilder::new(None);
        let mut reader = BufReader::new(Trickle { data: text.as_bytes(), step });
        let stats = b.read_log("dmesg", SourceKind::Dmesg, &mut reader).unwrap();
        assert_eq!((stats.lines, stats.overlong, stats.examined), (3, 1, 1));
        let out = b.finish(&HostFacts::default());
        assert_eq!(out.problems.len(), 1);
        assert_eq!(out.problems[0].line, Some(2));
    }
}

#[test]
fn invalid_utf8_is_read_lossily() {
    let data = b"[    3.000000] XFS (sd\xffa): metadata I/O error\n[    4.000000] ok\n";
    let mut b = TimelineBuilder::new(Some(RegexSet::new([r"XFS \(sd.a\)"]).unwrap()));
    let stats = b.read_log("dmesg", SourceKind::Dmesg, &mut &data[..]).unwrap();
    assert_eq!(stats.lines, 2);
    let out = b.finish(&HostFacts::default());
    assert_eq!(out.log_matches.len(), 1);
    assert_eq!(out.log_matches[0].text, "[    3.000000] XFS (sd\u{fffd}a): metadata I/O error");
    assert_eq!(out.log_matches[0].time.since_boot, Some(SinceBoot(3_000_000)));
}

const DMESG_HUNG: &str = "\
[    0.000000] Linux version 3.10.0-1160.el7.x86_64 (mockbuild@kbuilder.bsys.centos.org)
[ 8552.120624] INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.
[ 8552.127680] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.
[ 8552.142345] jbd2/sda1-8     D ffff88003fc14780     0   161      2 0x00000000
[ 8552.151697] Call Trace:
[ 8552.154331]  [<ffffffff8160a1b9>] schedule+0x29/0x70
";

#[test]
fn dmesg_and_messages_copies_are_one_event_on_one_clock() {
    let mut b = TimelineBuilder::new(None);
    b.read_log("sos_commands/kernel/dmesg", SourceKind::Dmesg, &mut DMESG_HUNG.as_bytes()).unwrap();
    let stats =
        b.read_log("var/log/messages", SourceKind::Syslog, &mut MESSAGES.as_bytes()).unwrap();
    // The XFS line (boot 0) and the hung task (boot 1).
    assert_eq!(stats.events, 2);
    let out = b.finish(&host());
    type Row<'a> = (&'a str, EventKind, u32, Option<String>, Vec<(&'a str, u64)>);
    let summary: Vec<Row<'_>> = out
        .events
        .iter()
        .map(|e| {
            let sources = e.sources.iter().map(|s| (s.path.as_str(), s.line)).collect();
            (e.id.as_str(), e.kind(), e.time.boot, e.time.wall.map(|w| w.to_string()), sources)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "e1",
                EventKind::XfsError,
                0,
                Some("2024-03-03T23:59:59Z".to_string()),
                vec![("var/log/messages", 2)]
            ),
            (
                "e2",
                EventKind::HungTask,
                1,
                // Logged by syslog; dmesg alone would say boot time + 8552.120624 s.
                Some("2024-03-04T10:22:33Z".to_string()),
                vec![("sos_commands/kernel/dmesg", 2), ("var/log/messages", 6)]
            ),
        ]
    );
    let hung = &out.events[1];
    assert_eq!(hung.time.since_boot, Some(SinceBoot(8_552_120_624)));
    assert_eq!(hung.time.raw, "[ 8552.120624]");
    assert_eq!(hung.lines.len(), 5);
}

#[test]
fn dmesg_alone_gets_wall_time_from_the_boot_time() {
    let mut b = TimelineBuilder::new(None);
    b.read_log("sos_commands/kernel/dmesg", SourceKind::Dmesg, &mut DMESG_HUNG.as_bytes()).unwrap();
    let out = b.finish(&host());
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].time.wall, Some("2024-03-04T10:22:32.120624Z".parse().unwrap()));
    assert_eq!(out.events[0].time.boot, 0);
}

#[test]
fn december_events_in_a_january_bundle() {
    let messages = "\
Dec 31 23:59:50 node1 kernel: INFO: task kworker/u8:2:123 blocked for more than 120 seconds.
Jan  1 00:02:01 node1 kernel: INFO: task kworker/u8:2:123 blocked for more than 241 seconds.
";
    let mut b = TimelineBuilder::new(None);
    b.read_log("var/log/messages", SourceKind::Syslog, &mut messages.as_bytes()).unwrap();
    let out = b.finish(&HostFacts {
        collected_at: Some("2024-01-02T09:00:00Z".parse().unwrap()),
        ..HostFacts::default()
    });
    let walls: Vec<String> = out.events.iter().map(|e| e.time.wall.unwrap().to_string()).collect();
    assert_eq!(walls, ["2023-12-31T23:59:50Z", "2024-01-01T00:02:01Z"]);
}

#[test]
fn user_space_lines_never_become_events() {
    let messages = "\
Mar  4 10:00:00 node1 myapp[12]: INFO: task db:1 blocked for more than 120 seconds.
Mar  4 10:00:01 node1 audit[9]: XFS (sda1): metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x10 len 8 error 74
Mar  4 10:00:02 node1 kernel: XFS (sda1): metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x10 len 8 error 74
";
    let mut b = TimelineBuilder::new(None);
    b.read_log("var/log/messages", SourceKind::Syslog, &mut messages.as_bytes()).unwrap();
    let out = b.finish(&host());
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].sources[0].line, 3);
}

#[test]
fn escaped_newlines_are_continuation_messages() {
    let messages = "Mar  4 10:00:02 node1 kernel: XFS (sda1): Metadata corruption detected at xfs_agf_read_verify+0x77/0x100 [xfs], xfs_agf block 0x1#012XFS (sda1): Unmount and run xfs_repair\n";
    let mut b = TimelineBuilder::new(None);
    b.read_log("var/log/messages", SourceKind::Syslog, &mut messages.as_bytes()).unwrap();
    let out = b.finish(&host());
    assert_eq!(out.events.len(), 1);
    match &out.events[0].fields {
        crate::model::EventFields::XfsError(x) => {
            assert_eq!(x.class, crate::model::XfsClass::Corruption);
            assert_eq!(x.repair_advice.as_deref(), Some("Unmount and run xfs_repair"));
        }
        other => panic!("not an XFS event: {other:?}"),
    }
}

#[test]
fn events_of_one_file_are_capped() {
    let line = "[   12.000000] XFS (dm-0): xfs_log_force: error -5 returned.\n";
    let text = line.repeat(MAX_EVENTS_PER_SOURCE + 7);
    let mut b = TimelineBuilder::new(None);
    let stats = b.read_log("dmesg", SourceKind::Dmesg, &mut text.as_bytes()).unwrap();
    assert_eq!(stats.events, MAX_EVENTS_PER_SOURCE as u64 + 7);
    let out = b.finish(&HostFacts::default());
    assert_eq!(out.events.len(), MAX_EVENTS_PER_SOURCE);
    assert_eq!(out.problems.len(), 1);
    assert!(out.problems[0].message.starts_with("7 more events"), "{}", out.problems[0].message);
}

#[test]
fn events_of_one_bundle_are_capped() {
    let line = "[   12.000000] XFS (dm-0): xfs_log_force: error -5 returned.\n";
    let text = line.repeat(MAX_EVENTS_PER_SOURCE);
    let mut b = TimelineBuilder::new(None);
    let files = MAX_EVENTS / MAX_EVENTS_PER_SOURCE + 1;
    for i in 0..files {
        let stats =
            b.read_log(&format!("dmesg.{i}"), SourceKind::Dmesg, &mut text.as_bytes()).unwrap();
        assert_eq!(stats.events, MAX_EVENTS_PER_SOURCE as u64, "every event is counted");
    }
    let out = b.finish(&HostFacts::default());
    // The files are copies of one another, so the merge folds them; what was kept before the
    // merge is what the problem reports.
    assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    let message = &out.problems[0].message;
    assert_eq!(out.problems[0].path, format!("dmesg.{}", files - 1));
    assert!(
        message.starts_with(&format!(
            "{MAX_EVENTS_PER_SOURCE} more events than the 0 kept for this file were not kept"
        )),
        "{message}"
    );
}

#[test]
fn journal_monotonic_matches_dmesg_by_printk_time() {
    let journal = "[ 8552.120624] node1 kernel: INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.\n\
                   [ 8552.127680] node1 kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n";
    let mut b = TimelineBuilder::new(None);
    b.read_log("sos_commands/kernel/dmesg", SourceKind::Dmesg, &mut DMESG_HUNG.as_bytes()).unwrap();
    b.read_log("journalctl_--output_short-monotonic", SourceKind::Journal, &mut journal.as_bytes())
        .unwrap();
    let out = b.finish(&host());
    assert_eq!(out.events.len(), 1);
    let lines: Vec<u64> = out.events[0].sources.iter().map(|s| s.line).collect();
    assert_eq!(lines, [2, 1]);
}

#[test]
fn dmesg_ctime_is_local_time_in_the_host_offset() {
    // `dmesg -T` on a CET host, and the same report in messages.
    let dmesg_t = "[Mon Mar  4 11:22:32 2024] INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.\n";
    let messages = "Mar  4 11:22:33 node1 kernel: INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.\n";
    let mut b = TimelineBuilder::new(None);
    b.read_log("sos_commands/kernel/dmesg_-T", SourceKind::Dmesg, &mut dmesg_t.as_bytes()).unwrap();
    b.read_log("var/log/messages", SourceKind::Syslog, &mut messages.as_bytes()).unwrap();
    let out = b.finish(&HostFacts { utc_offset_secs: Some(3600), ..host() });
    assert_eq!(out.events.len(), 1);
    assert_eq!(out.events[0].sources.len(), 2);
    assert_eq!(out.events[0].time.wall, Some("2024-03-04T10:22:33Z".parse().unwrap()));
    assert_eq!(out.events[0].time.raw, "[Mon Mar  4 11:22:32 2024]");
}

#[test]
fn late_logged_boot_lines_still_find_their_boot() {
    // imklog read the kernel's first lines three minutes late; a live line later tells the
    // real start (wall − printk).
    let kern_log = "\
Mar  4 08:03:00 node1 kernel: [    0.000000] Linux version 5.4.0-97-generic (buildd@lcy02-amd64-032)
Mar  4 08:03:00 node1 kernel: [    2.500000] XFS (sda1): Mounting V5 Filesystem
Mar  4 08:06:40 node1 kernel: [  400.000000] XFS (sdb1): Mounting V5 Filesystem
";
    // A file that starts mid-boot: its printk times place it in the boot before.
    let kern_log_1 =
        "Mar  3 12:00:00 node1 kernel: [86400.000000] XFS (sdb1): Unmounting Filesystem\n";
    let mut b = TimelineBuilder::new(None);
    b.read_log("var/log/kern.log.1", SourceKind::Syslog, &mut kern_log_1.as_bytes()).unwrap();
    b.read_log("var/log/kern.log", SourceKind::Syslog, &mut kern_log.as_bytes()).unwrap();
    let out = b.finish(&host());
    let starts: Vec<Option<String>> =
        out.boots.iter().map(|b| b.start.map(|s| s.to_string())).collect();
    assert_eq!(
        starts,
        [Some("2024-03-02T12:00:00Z".to_string()), Some("2024-03-04T08:00:00Z".to_string())]
    );
    assert!(out.boots[1].current);
}

proptest::proptest! {
    /// Random bytes in random read sizes never panic, and every line is counted.
    #[test]
    fn any_bytes_are_read(data in proptest::collection::vec(
        proptest::prop_oneof![
            proptest::strategy::Just(b'\n'),
            proptest::num::u8::ANY,
            proptest::sample::select(b"[] 0123456789.XFS:INFO task-<>".to_vec()),
        ],
        0..2000,
    ), step in 1usize..64) {
        let mut b = TimelineBuilder::new(Some(RegexSet::new([r"XF.", r"^\["]).unwrap()));
        let mut reader = BufReader::new(Trickle { data: &data, step });
        let stats = b.read_log("dmesg", SourceKind::Dmesg, &mut reader).unwrap();
        let newlines = data.iter().filter(|&&c| c == b'\n').count() as u64;
        let last = u64::from(data.last().is_some_and(|&c| c != b'\n'));
        proptest::prop_assert_eq!(stats.lines, newlines + last);
        let _ = b.finish(&host());
    }
}
