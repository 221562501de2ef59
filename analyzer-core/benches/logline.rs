//! Throughput of the log-line prefix parser over generated syslog and dmesg text (every line
//! parsed, as `sosalyzer parse` does; the timeline parses only candidate lines).

use std::hint::black_box;

use analyzer_core::parse::logline::{Hint, parse_line};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Typical lines of a RHEL `/var/log/messages`, kernel and user space mixed.
const SYSLOG_LINES: &[&str] = &[
    "systemd[1]: Started Session 4711 of user root.",
    "kernel: XFS (dm-2): metadata I/O error: block 0x2f5a0a8 (\"xlog_iodone\") error 5 numblks 64",
    "sshd[23817]: Accepted publickey for root from 10.0.0.5 port 51234 ssh2: RSA SHA256:abc",
    "kernel: [34315.120624] INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.",
    "kernel:       Not tainted 5.10.0-8-cloud-amd64 #1 Debian 5.10.46-4",
    "rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.24.0\"] rsyslogd was HUPed",
    "kernel:  __schedule+0x282/0x870",
    "NetworkManager[1034]: <info>  [1709630553.1234] dhcp4 (eth0): state changed bound -> bound",
];

/// Typical dmesg lines.
const DMESG_LINES: &[&str] = &[
    "INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.",
    "      Not tainted 5.10.0-8-cloud-amd64 #1 Debian 5.10.46-4",
    "task:jbd2/sda1-8     state:D stack:    0 pid:  161 ppid:     2 flags:0x00004000",
    " __schedule+0x282/0x870",
    "usb 1-1: new high-speed USB device number 2 using ehci-pci",
    "XFS (sdc1): metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x10 len 8 error 74",
];

fn syslog_text(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 200);
    let mut i = 0usize;
    while out.len() < bytes {
        let (h, m, s) = ((i / 3600) % 24, (i / 60) % 60, i % 60);
        let line = SYSLOG_LINES[i % SYSLOG_LINES.len()];
        out.push_str(&format!("Mar  5 {h:02}:{m:02}:{s:02} host1 {line}\n"));
        i += 1;
    }
    out
}

fn dmesg_text(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 200);
    let mut i = 0u64;
    while out.len() < bytes {
        let line = DMESG_LINES[i as usize % DMESG_LINES.len()];
        out.push_str(&format!("[{:5}.{:06}] {line}\n", i / 1000, (i * 37) % 1_000_000));
        i += 1;
    }
    out
}

fn parse_all(text: &str, hint: Hint) -> usize {
    let mut kernel = 0;
    for line in memchr::memchr_iter(b'\n', text.as_bytes()).scan(0usize, |start, end| {
        let line = text.get(*start..end);
        *start = end + 1;
        line
    }) {
        if parse_line(line, hint).is_kernel() {
            kernel += 1;
        }
    }
    kernel
}

fn bench_logline(c: &mut Criterion) {
    let mut group = c.benchmark_group("logline");
    let syslog = syslog_text(16 << 20);
    group.throughput(Throughput::Bytes(syslog.len() as u64));
    group.bench_function("syslog", |b| b.iter(|| parse_all(black_box(&syslog), Hint::Syslog)));
    let dmesg = dmesg_text(16 << 20);
    group.throughput(Throughput::Bytes(dmesg.len() as u64));
    group.bench_function("dmesg", |b| b.iter(|| parse_all(black_box(&dmesg), Hint::Dmesg)));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench_logline
}
criterion_main!(benches);
