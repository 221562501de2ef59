//! No input panics a parser or `Snapshot::ingest`: arbitrary strings, arbitrary bytes (read
//! lossily, as the bundle reader does), and "line soup" built from real format fragments and
//! extreme numbers, which reaches the deeper branches random text never gets to.

use std::collections::BTreeMap;

use analyzer_core::model::Snapshot;
use analyzer_core::parse::{
    buddyinfo, cmdline, free, meminfo, mounts, pagetypeinfo, ps, slabinfo, sysctl, vmstat, zoneinfo,
};
use analyzer_core::source::SourceKind;
use proptest::prelude::*;

const KINDS: &[SourceKind] = &[
    SourceKind::Dmesg,
    SourceKind::Syslog,
    SourceKind::Journal,
    SourceKind::Meminfo,
    SourceKind::Free,
    SourceKind::Zoneinfo,
    SourceKind::Buddyinfo,
    SourceKind::Pagetypeinfo,
    SourceKind::Slabinfo,
    SourceKind::Vmstat,
    SourceKind::Sysctl,
    SourceKind::ProcSys,
    SourceKind::Uname,
    SourceKind::Hostname,
    SourceKind::Date,
    SourceKind::Uptime,
    SourceKind::ProcStat,
    SourceKind::Cmdline,
    SourceKind::Ps,
    SourceKind::Mounts,
    SourceKind::Manifest,
    SourceKind::Version,
];

const UNITS: &[free::FreeUnit] = &[
    free::FreeUnit::Bytes,
    free::FreeUnit::KiB,
    free::FreeUnit::MiB,
    free::FreeUnit::GiB,
    free::FreeUnit::TiB,
    free::FreeUnit::Kilo,
    free::FreeUnit::Mega,
    free::FreeUnit::Giga,
    free::FreeUnit::Human,
];

/// Runs every parser and helper on `text`.
fn parse_everything(text: &str) {
    let _ = meminfo::parse(text).available_or_estimate_kb();
    let m = meminfo::parse(text);
    let _ = (m.hugetlb_kb(), m.swap_used_kb(), m.commit_kb());
    for unit in UNITS {
        let f = free::parse_with_unit(text, *unit);
        let _ = f.most_precise().map(|b| (b.available_bytes(), b.mem.cache_total()));
    }
    let z = zoneinfo::parse(text);
    let _ = z.total_min_pages();
    let b = buddyinfo::parse(text);
    for zone in &b.zones {
        for order in [0, 1, 9, 10, 13, 63, 64, 65, 200, usize::MAX] {
            let _ = (
                zone.pages_usable_for(order),
                zone.blocks_usable_for(order),
                zone.unusable_free_index(order),
                zone.fragmentation_index(order),
            );
        }
        let _ = zone.free_bytes(u64::MAX);
    }
    let _ = pagetypeinfo::parse(text);
    let s = slabinfo::parse(text);
    let _ = (s.top_by_bytes(5), s.total_bytes());
    let _ = vmstat::parse(text).sum_prefix("a");
    let sc = sysctl::parse(text);
    let _ = sysctl::name_from_proc_path(text);
    for k in sc.values.keys() {
        let _ = sc.get_u64s(k);
    }
    let _ = cmdline::parse(text).get("hugepages");
    let _ = ps::parse(text).by_command();
    let mt = mounts::parse(text);
    let _ = mt.mount_point_for(text, &BTreeMap::new());
    let mut snapshot = Snapshot::default();
    for kind in KINDS {
        let _ = snapshot.ingest(*kind, "proc/sys/vm/x", text);
        let _ = snapshot.ingest(*kind, text, text);
    }
}

/// A token from the formats, or an extreme number.
fn token() -> impl Strategy<Value = String> {
    let fragments = prop::sample::select(vec![
        "Node",
        "0,",
        "zone",
        "DMA",
        "Normal",
        "pages",
        "free",
        "min",
        "low",
        "high",
        "managed",
        "protection:",
        "(0,",
        "1)",
        ")",
        "per-node",
        "stats",
        "pagesets",
        "cpu:",
        "count:",
        "Mem:",
        "Swap:",
        "Total:",
        "-/+",
        "buffers/cache:",
        "total",
        "used",
        "shared",
        "buff/cache",
        "buffers",
        "cache",
        "cached",
        "available",
        "#",
        "free",
        "-m",
        "-h",
        "-b",
        "-hw",
        "kB",
        "slabinfo",
        "-",
        "version:",
        "2.1",
        "(statistics)",
        ":",
        "tunables",
        "slabdata",
        "type",
        "Unmovable",
        ">100000",
        "Number",
        "of",
        "blocks",
        "Page",
        "block",
        "order:",
        "USER",
        "PID",
        "RSS",
        "VSZ",
        "STAT",
        "COMMAND",
        "on",
        "=",
        "\\040",
        "\\",
        "\"",
        ">",
        "\t",
        "0",
        "MemTotal:",
        "HugePages_Total:",
        "Hugepagesize:",
        "1.5Gi",
        "0B",
        "512M",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999999999",
        "-9223372036854775809",
        "1.99999999999999999999999Ei",
        "proc/sys/vm/x",
    ])
    .prop_map(str::to_string);
    prop_oneof![3 => fragments, 1 => "[0-9]{1,30}", 1 => "\\PC{0,6}"]
}

fn line_soup() -> impl Strategy<Value = String> {
    let line = prop::collection::vec(token(), 0..14).prop_map(|t| t.join(" "));
    prop::collection::vec(line, 0..30).prop_map(|l| l.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        parse_everything(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        parse_everything(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn format_fragments_never_panic(text in line_soup()) {
        parse_everything(&text);
    }
}
