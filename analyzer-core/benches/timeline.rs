//! Throughput of the timeline builder over a generated syslog with a few hundred kernel reports
//! injected (text from docs/FORMATS.md), with and without rule line patterns. The release
//! binary on 100/500 MB files is timed by `bench/timeline.sh` (MB/s and peak RSS).

use std::hint::black_box;

use analyzer_core::model::HostFacts;
use analyzer_core::source::SourceKind;
use analyzer_core::timeline::TimelineBuilder;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use regex::RegexSet;

const ORDINARY: &[&str] = &[
    "systemd[1]: Started Session 4711 of user root.",
    "sshd[23817]: Accepted publickey for root from 10.0.0.5 port 51234 ssh2: RSA SHA256:abc",
    "crond[2210]: (root) CMD (/usr/lib64/sa/sa1 1 1)",
    "NetworkManager[1034]: <info>  [1709630553.1234] dhcp4 (eth0): state changed bound -> bound",
    "dbus-daemon[998]: [system] Successfully activated service 'org.freedesktop.nm_dispatcher'",
    "chronyd[811]: Selected source 10.0.0.3",
    "kernel: IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
    "postgres[4242]: [77-1] LOG:  checkpoint complete: wrote 312 buffers (0.1%)",
];

const EVENT: &[&str] = &[
    "INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.",
    "      Not tainted 5.10.0-8-cloud-amd64 #1 Debian 5.10.46-4",
    "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
    "task:jbd2/sda1-8     state:D stack:    0 pid:  161 ppid:     2 flags:0x00004000",
    "Call Trace:",
    " __schedule+0x282/0x870",
    " schedule+0x46/0xb0",
    "XFS (dm-2): metadata I/O error: block 0x2f5a0a8 (\"xlog_iodone\") error 5 numblks 64",
];

/// Line patterns of the built-in rules.
const PATTERNS: &[&str] = &[
    r"io_setup\(2\) failed with EAGAIN",
    r"(?:blk_update_request|print_req_error|end_request): (?:I/O|critical \w+) error, dev \w+",
    r"Watchdog detected hard LOCKUP on cpu \d+",
    r"Kernel panic - not syncing",
    r"INFO: rcu_\w+ (?:detected stalls? on CPU|self-detected stall on CPU)",
    r"BUG: soft lockup - CPU#\d+ stuck for \d+s!",
];

fn syslog(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    let mut i = 0usize;
    while out.len() < bytes {
        let (h, m, s) = ((i / 72_000) % 24, (i / 1200) % 60, (i / 20) % 60);
        let stamp = format!("Mar  5 {h:02}:{m:02}:{s:02} db01");
        if i % 5000 == 4999 {
            for line in EVENT {
                out.push_str(&format!("{stamp} kernel: {line}\n"));
            }
        }
        out.push_str(&format!("{stamp} {}\n", ORDINARY[i % ORDINARY.len()]));
        i += 1;
    }
    out
}

fn read(text: &str, patterns: Option<RegexSet>) -> usize {
    let mut builder = TimelineBuilder::new(patterns);
    let _ = builder.read_log("var/log/messages", SourceKind::Syslog, &mut text.as_bytes());
    builder.finish(&HostFacts::default()).events.len()
}

fn bench_timeline(c: &mut Criterion) {
    let text = syslog(32 << 20);
    let mut group = c.benchmark_group("timeline");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("syslog", |b| b.iter(|| read(black_box(&text), None)));
    let set = RegexSet::new(PATTERNS).ok();
    group.bench_function("syslog_with_line_patterns", |b| {
        b.iter(|| read(black_box(&text), set.clone()))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_timeline
}
criterion_main!(benches);
