//! Cost of the rules: loading the built-in set (TOML parsing, regex and template compilation),
//! evaluating it on a model with many events, and what the rules' line patterns add to the
//! timeline's pass over a log of mostly uninteresting lines.

use std::hint::black_box;

use analyzer_core::bundle::{InputFormat, InputKind};
use analyzer_core::model::{HostFacts, Model, Snapshot};
use analyzer_core::rules::RuleSet;
use analyzer_core::source::SourceKind;
use analyzer_core::timeline::TimelineBuilder;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// A syslog file: user-space noise with a hung task, an XFS error and an aio failure now and
/// then (one interesting line in 50).
fn messages(bytes: usize) -> String {
    const NOISE: &[&str] = &[
        "systemd[1]: Started Session 4711 of user root.",
        "sshd[23817]: Accepted publickey for root from 10.0.0.5 port 51234 ssh2: RSA SHA256:abc",
        "NetworkManager[1034]: <info>  [1709630553.1234] dhcp4 (eth0): state changed bound -> bound",
        "rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.24.0\"] rsyslogd was HUPed",
    ];
    const RARE: &[&str] = &[
        "kernel: INFO: task ceph-osd:4242 blocked for more than 120 seconds.",
        "kernel: XFS (dm-2): metadata I/O error: block 0x2f5a0a8 (\"xlog_iodone\") error 5 numblks 64",
        "ceph-osd[2211]: bdev _aio_start io_setup(2) failed with EAGAIN; try increasing /proc/sys/fs/aio-max-nr",
        "kernel: blk_update_request: I/O error, dev sdb, sector 2048",
    ];
    let mut out = String::with_capacity(bytes + 200);
    let mut i = 0usize;
    while out.len() < bytes {
        let (h, m, s) = ((i / 3600) % 24, (i / 60) % 60, i % 60);
        let line = if i % 50 == 49 { RARE[(i / 50) % RARE.len()] } else { NOISE[i % NOISE.len()] };
        out.push_str(&format!("Mar  5 {h:02}:{m:02}:{s:02} host1 {line}\n"));
        i += 1;
    }
    out
}

fn read(text: &str, patterns: Option<regex::RegexSet>) -> Model {
    let mut builder = TimelineBuilder::new(patterns);
    let _ = builder.read_log("var/log/messages", SourceKind::Syslog, &mut text.as_bytes());
    let host =
        HostFacts { collected_at: "2024-03-06T00:00:00Z".parse().ok(), ..HostFacts::default() };
    let out = builder.finish(&host);
    Model {
        path: "bench".into(),
        kind: InputKind::Sosreport,
        format: InputFormat::Directory,
        host,
        sources: Vec::new(),
        events: out.events,
        log_matches: out.log_matches,
        snapshot: Snapshot::default(),
        problems: out.problems,
    }
}

fn bench(c: &mut Criterion) {
    let Ok(set) = RuleSet::builtin() else { return };
    c.bench_function("rules/load_builtin", |b| b.iter(|| black_box(RuleSet::builtin().is_ok())));

    let text = messages(32 << 20);
    let mut group = c.benchmark_group("rules/timeline_32MiB");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("without_line_patterns", |b| {
        b.iter(|| black_box(read(&text, None).events.len()))
    });
    group.bench_function("with_line_patterns", |b| {
        b.iter(|| black_box(read(&text, Some(set.line_patterns())).log_matches.len()))
    });
    group.finish();

    let model = read(&text, Some(set.line_patterns()));
    let mut group = c.benchmark_group("rules/evaluate");
    group.sample_size(10);
    group.bench_function(
        format!("{}_events_{}_matches", model.events.len(), model.log_matches.len()),
        |b| b.iter(|| black_box(set.evaluate(&model).len())),
    );
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
