//! Every /proc file and command-output parser of `analyzer_core::parse`, on the same input.
//!
//! All parsers run on every input (rather than one chosen by a selector byte) so that real
//! files can seed the corpus as they are: a meminfo seed reaches the meminfo parser unchanged,
//! and the others see foreign text, which they must also survive. The memory ones also run
//! through `Snapshot::ingest`, the path a bundle takes, and the helpers the rules call on
//! parsed records are exercised, since their arithmetic sees the parsed numbers.
#![no_main]

use analyzer_core::model::Snapshot;
use analyzer_core::parse::{self, ParsedFile, free::FreeUnit};
use analyzer_core::source::SourceKind;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    let meminfo = parse::meminfo::parse(text);
    let _ = (meminfo.record_count(), meminfo.unparsed_lines().len());
    let _ = (
        meminfo.mem_total_kb(),
        meminfo.available_or_estimate_kb(),
        meminfo.slab_kb(),
        meminfo.slab_unreclaimable_kb(),
        meminfo.swap_used_kb(),
        meminfo.hugetlb_kb(),
        meminfo.commit_kb(),
    );

    let zoneinfo = parse::zoneinfo::parse(text);
    let _ = zoneinfo.total_min_pages();
    for zone in &zoneinfo.zones {
        let _ = (zone.is_populated(), zone.below_min(), zone.below_low());
    }

    let buddy = parse::buddyinfo::parse(text);
    let _ = (buddy.nodes(), buddy.orders());
    for zone in &buddy.zones {
        let _ = (zone.free_pages_by_order(), zone.total_free_pages(), zone.free_bytes(4096));
        for order in [0, 1, 3, 9, 10, 11, 64, usize::MAX] {
            let _ = (
                zone.pages_usable_for(order),
                zone.blocks_usable_for(order),
                zone.unusable_free_index(order),
                zone.fragmentation_index(order),
            );
        }
    }

    let pti = parse::pagetypeinfo::parse(text);
    let _ = pti.free_of(0, "Normal", "Movable");

    let slab = parse::slabinfo::parse(text);
    let _ = (slab.top_by_bytes(10), slab.total_bytes());
    for cache in &slab.caches {
        let _ = cache.object_bytes();
    }

    let vmstat = parse::vmstat::parse(text);
    let _ = (vmstat.get("pgscan_kswapd"), vmstat.sum_prefix("pgscan"));

    let sysctl = parse::sysctl::parse(text);
    for name in sysctl.values.keys() {
        let _ = (sysctl.get_u64(name), sysctl.get_u64s(name));
    }
    let _ = parse::sysctl::proc_sys_value(text);
    let _ = parse::sysctl::name_from_proc_path(text);

    for unit in [FreeUnit::of_file_name("free"), FreeUnit::of_file_name("free_-m")] {
        let free = parse::free::parse_with_unit(text, unit);
        let _ = (free.most_precise(), free.coarseness());
        for block in &free.blocks {
            let _ = (block.available_bytes(), block.swap_used_bytes());
            let rows = std::iter::once(&block.mem)
                .chain(block.swap.as_ref())
                .chain(block.other_rows.iter().map(|(_, row)| row));
            for row in rows {
                let _ = (row.cache_total(), row.column("used"), row.column("available"));
            }
        }
    }
    for line in text.lines().take(64) {
        let _ = FreeUnit::from_command_line(line);
    }

    let ps = parse::ps::parse(text);
    let _ = (ps.by_command(), ps.total_rss_kb());
    for p in &ps.processes {
        let _ = p.command_name();
    }

    let cmdline = parse::cmdline::parse(text);
    let _ = (cmdline.get("hugepages"), cmdline.has("quiet"));
    let _ = parse::mounts::parse(text);

    // Host facts.
    if let Some(date) = parse::date::parse(text) {
        let _ = (date.timestamp(), date.assume_utc());
    }
    let _ = (parse::date::is_timedatectl(text), parse::date::parse_timedatectl(text));
    if let Some(m) = parse::manifest::parse(text) {
        let _ = m.end_time_civil();
    }
    let _ = parse::procstat::parse(text);
    let _ = parse::uname::parse(text);
    let _ = parse::uptime::parse(text);
    let _ = parse::version::parse(text);

    // The bundle's path into the snapshot, a source of each kind in turn.
    let mut snapshot = Snapshot::default();
    for (kind, path) in [
        (SourceKind::Meminfo, "proc/meminfo"),
        (SourceKind::Zoneinfo, "proc/zoneinfo"),
        (SourceKind::Buddyinfo, "proc/buddyinfo"),
        (SourceKind::Pagetypeinfo, "proc/pagetypeinfo"),
        (SourceKind::Slabinfo, "proc/slabinfo"),
        (SourceKind::Vmstat, "proc/vmstat"),
        (SourceKind::Sysctl, "sos_commands/kernel/sysctl_-a"),
        (SourceKind::ProcSys, "proc/sys/vm/min_free_kbytes"),
        (SourceKind::Free, "sos_commands/memory/free_-m"),
        (SourceKind::Cmdline, "proc/cmdline"),
        (SourceKind::Ps, "sos_commands/process/ps_auxwwwm"),
        (SourceKind::Mounts, "proc/mounts"),
    ] {
        let _ = snapshot.ingest(kind, path, text);
    }
    let _ = snapshot.sysctl_u64("vm.min_free_kbytes");
});
