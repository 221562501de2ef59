//! The memory section of a report, taken from the [`Snapshot`], and its memory panel: xsos's
//! layout (bars as percent of `MemTotal`; used, used excluding buffers and cache, dirty;
//! hugepages; slab; swap), zones with their expected watermarks (docs/FORMATS.md 5.7),
//! buddyinfo as a heat map, top slab caches and top processes.
//!
//! Input lines look like `MemTotal:       16384256 kB`, `Node 0, zone   Normal  17  203 …`.

use std::collections::BTreeMap;

use super::MemorySection;
use super::view::{
    BuddyCell, BuddyOrder, BuddyRow, BuddyView, Fact, FreeRowView, MemBar, MemGroup, MemoryView,
    ProcessRow, SlabRow, ZoneView, clean, format_bytes, format_count, format_kib, order_size,
    percent,
};
use crate::model::{Event, EventFields, Snapshot};
use crate::parse::ps::{CommandRss, PsTable};

/// Slab caches kept in a report.
pub const SLAB_TOP: usize = 20;
/// Commands kept in a report.
pub const PS_TOP: usize = 15;

impl MemorySection {
    /// The memory section of a report: meminfo, the most precise `free` block, zones, buddyinfo, the
    /// [`SLAB_TOP`] largest slab caches, the `vm.*` sysctls and the [`PS_TOP`] commands
    /// holding the most resident memory.
    pub fn from_snapshot(snapshot: &Snapshot) -> MemorySection {
        let slab_top = snapshot
            .slabinfo
            .as_ref()
            .map(|s| s.top_by_bytes(SLAB_TOP).into_iter().cloned().collect())
            .unwrap_or_default();
        MemorySection {
            meminfo: snapshot.meminfo.as_ref().map(|m| m.values.clone()).unwrap_or_default(),
            free: snapshot.free.as_ref().and_then(|f| f.most_precise().cloned()),
            zoneinfo: snapshot.zoneinfo.as_ref().map(|z| z.zones.clone()).unwrap_or_default(),
            buddyinfo: snapshot.buddyinfo.as_ref().map(|b| b.zones.clone()).unwrap_or_default(),
            slab_top,
            vm_sysctls: snapshot
                .sysctls
                .iter()
                .filter(|(k, _)| k.starts_with("vm."))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            ps_top: snapshot.ps.as_ref().map(|ps| top_commands(ps, PS_TOP)).unwrap_or_default(),
        }
    }
}

/// Groups `ps` rows by command name and returns the `limit` largest by summed RSS. Unlike
/// [`PsTable::by_command`], processes of an interpreter (`python3`, `perl`, `bash`…) are named
/// after the script they run (`/usr/bin/python3 /usr/bin/nova-api-metadata` →
/// `nova-api-metadata`), so services written in one language do not merge into one row.
pub fn top_commands(ps: &PsTable, limit: usize) -> Vec<CommandRss> {
    let mut by_command: BTreeMap<String, CommandRss> = BTreeMap::new();
    for process in &ps.processes {
        let name = command_name(&process.command);
        let entry = by_command.entry(name.clone()).or_insert_with(|| CommandRss {
            command: name,
            processes: 0,
            rss_kb: 0,
        });
        entry.processes = entry.processes.saturating_add(1);
        entry.rss_kb = entry.rss_kb.saturating_add(process.rss_kb);
    }
    let mut rows: Vec<CommandRss> = by_command.into_values().collect();
    rows.sort_by(|a, b| b.rss_kb.cmp(&a.rss_kb).then_with(|| a.command.cmp(&b.command)));
    rows.truncate(limit);
    rows
}

/// Interpreters whose processes are named after the script they run.
const INTERPRETERS: [&str; 8] =
    ["python", "python2", "python3", "perl", "ruby", "node", "sh", "bash"];

fn command_name(command: &str) -> String {
    let command = command.trim();
    if command.starts_with('[') {
        return command.split(']').next().map(|s| format!("{s}]")).unwrap_or_default();
    }
    let mut words = command.split_whitespace();
    let base =
        |word: &str| word.rsplit('/').next().unwrap_or(word).trim_end_matches(':').to_string();
    let program = base(words.next().unwrap_or(""));
    let interpreter = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if INTERPRETERS.contains(&program.as_str()) || INTERPRETERS.contains(&interpreter) {
        if let Some(script) = words.find(|w| !w.starts_with('-')) {
            return base(script);
        }
    }
    program
}

/// The memory panel of a report. `events` marks the orders of failed allocations.
pub(crate) fn memory_view(memory: &MemorySection, events: &[Event]) -> MemoryView {
    let meminfo = &memory.meminfo;
    let total = meminfo.get("MemTotal").copied().filter(|t| *t > 0);
    let zones = zone_views(memory);
    let zones_expected = zones.iter().any(|z| z.expected_low.is_some());
    let zones_basis = ["vm.min_free_kbytes", "vm.watermark_scale_factor"]
        .iter()
        .filter_map(|k| memory.vm_sysctls.get(*k).map(|v| format!("{k} = {}", clean(v.trim()))))
        .collect();
    MemoryView {
        present: !meminfo.is_empty()
            || memory.free.is_some()
            || !memory.zoneinfo.is_empty()
            || !memory.buddyinfo.is_empty()
            || !memory.slab_top.is_empty()
            || !memory.ps_top.is_empty(),
        mem_total: total.map(format_kib),
        bars: total.map(|t| bars(meminfo, t)).unwrap_or_default(),
        groups: total.map(|t| groups(meminfo, t)).unwrap_or_default(),
        free: free_rows(memory),
        zones,
        zones_expected,
        zones_basis,
        buddy: buddy_view(memory, events),
        slab: memory
            .slab_top
            .iter()
            .take(15)
            .map(|c| SlabRow {
                name: clean(&c.name),
                size: format_bytes(c.bytes),
                percent: total.and_then(|t| percent(c.bytes / 1024, t)).map(|p| format!("{p:.1}")),
                objsize: c.objsize,
                active_objs: c.active_objs,
                num_objs: c.num_objs,
            })
            .collect(),
        processes: memory
            .ps_top
            .iter()
            .map(|c| ProcessRow {
                command: clean(&c.command),
                processes: c.processes,
                rss: format_kib(c.rss_kb),
                percent: total.and_then(|t| percent(c.rss_kb, t)).map(|p| format!("{p:.1}")),
            })
            .collect(),
        sysctls: memory
            .vm_sysctls
            .iter()
            .map(|(k, v)| Fact { label: clean(k), value: clean(v.trim()) })
            .collect(),
    }
}

fn get(meminfo: &BTreeMap<String, u64>, key: &str) -> u64 {
    meminfo.get(key).copied().unwrap_or(0)
}

/// Hugepages reserved, KiB: `HugePages_Total × Hugepagesize` (or `Hugetlb` when printed).
fn hugepages_kib(meminfo: &BTreeMap<String, u64>) -> u64 {
    let pages = get(meminfo, "HugePages_Total");
    let size = get(meminfo, "Hugepagesize");
    pages.saturating_mul(size).max(get(meminfo, "Hugetlb"))
}

fn bars(meminfo: &BTreeMap<String, u64>, total: u64) -> Vec<MemBar> {
    let free = get(meminfo, "MemFree");
    let used = total.saturating_sub(free);
    let mut rows: Vec<(&str, &str, u64)> = vec![
        ("Used", "MemTotal − MemFree", used),
        ("Buffers", "block device buffers", get(meminfo, "Buffers")),
        ("Cached", "page cache (Cached)", get(meminfo, "Cached")),
        ("Slab", "kernel slab caches", get(meminfo, "Slab")),
        ("HugePages", "HugePages_Total × Hugepagesize", hugepages_kib(meminfo)),
        ("Dirty", "page cache waiting for writeback", get(meminfo, "Dirty")),
    ];
    if let Some(available) = meminfo.get("MemAvailable") {
        rows.push(("Available", "MemAvailable: the kernel's estimate", *available));
    }
    rows.into_iter()
        .map(|(label, hint, kib)| {
            let p = percent(kib, total).unwrap_or(0.0);
            MemBar {
                label: label.to_string(),
                hint: hint.to_string(),
                size: format_kib(kib),
                percent: format!("{p:.1}"),
                width: (p.clamp(0.0, 100.0) * 10.0).round() / 10.0,
            }
        })
        .collect()
}

fn with_percent(kib: u64, total: u64) -> String {
    format!("{} ({:.0}%)", format_kib(kib), percent(kib, total).unwrap_or(0.0))
}

fn groups(meminfo: &BTreeMap<String, u64>, total: u64) -> Vec<MemGroup> {
    let free = get(meminfo, "MemFree");
    let used = total.saturating_sub(free);
    let buffers_cache = get(meminfo, "Buffers").saturating_add(get(meminfo, "Cached"));
    let mut ram = vec![
        format!("{} total", format_kib(total)),
        format!("{} used", with_percent(used, total)),
        format!(
            "{} used excluding Buffers/Cached",
            with_percent(used.saturating_sub(buffers_cache), total)
        ),
        format!("{} dirty", with_percent(get(meminfo, "Dirty"), total)),
    ];
    if let Some(available) = meminfo.get("MemAvailable") {
        ram.push(format!("{} available", with_percent(*available, total)));
    }
    let mut out = vec![MemGroup { title: "RAM".to_string(), lines: ram }];

    let huge_total = get(meminfo, "HugePages_Total");
    let huge_lines = if huge_total == 0 {
        vec!["No RAM pre-allocated to HugePages".to_string()]
    } else {
        let size = get(meminfo, "Hugepagesize");
        let free_pages = get(meminfo, "HugePages_Free");
        vec![
            format!(
                "{} pre-allocated to HugePages ({} pages of {})",
                with_percent(hugepages_kib(meminfo), total),
                format_count(huge_total),
                format_kib(size)
            ),
            format!(
                "{} of HugePages free ({} pages), {} reserved, {} surplus",
                format_kib(free_pages.saturating_mul(size)),
                format_count(free_pages),
                format_count(get(meminfo, "HugePages_Rsvd")),
                format_count(get(meminfo, "HugePages_Surp"))
            ),
        ]
    };
    out.push(MemGroup { title: "HugePages".to_string(), lines: huge_lines });

    let mut kernel =
        vec![format!("{} of total RAM used for Slab", with_percent(get(meminfo, "Slab"), total))];
    if meminfo.contains_key("SReclaimable") {
        kernel.push(format!(
            "{} reclaimable, {} unreclaimable",
            format_kib(get(meminfo, "SReclaimable")),
            format_kib(get(meminfo, "SUnreclaim"))
        ));
    }
    kernel.push(format!(
        "{} of total RAM used for PageTables",
        with_percent(get(meminfo, "PageTables"), total)
    ));
    kernel.push(format!(
        "{} of total RAM used for Shmem",
        with_percent(get(meminfo, "Shmem"), total)
    ));
    if meminfo.contains_key("AnonPages") {
        kernel.push(format!(
            "{} of total RAM is anonymous memory",
            with_percent(get(meminfo, "AnonPages"), total)
        ));
    }
    out.push(MemGroup { title: "Slab/PageTables/Shmem".to_string(), lines: kernel });

    let swap_total = get(meminfo, "SwapTotal");
    let swap_used = swap_total.saturating_sub(get(meminfo, "SwapFree"));
    let swap = if swap_total == 0 {
        "No swap".to_string()
    } else {
        format!(
            "{} ({:.0}%) used of {} total",
            format_kib(swap_used),
            percent(swap_used, swap_total).unwrap_or(0.0),
            format_kib(swap_total)
        )
    };
    out.push(MemGroup { title: "Swap".to_string(), lines: vec![swap] });
    out
}

fn free_rows(memory: &MemorySection) -> Vec<FreeRowView> {
    let Some(block) = &memory.free else { return Vec::new() };
    let show = |v: Option<u64>| v.map(format_bytes).unwrap_or_else(|| "—".to_string());
    let mut rows = Vec::new();
    let mem = &block.mem;
    let buff_cache = mem.buff_cache.or_else(|| match (mem.buffers, mem.cached) {
        (Some(b), Some(c)) => Some(b.saturating_add(c)),
        (b, c) => b.or(c),
    });
    rows.push(FreeRowView {
        label: "Mem".to_string(),
        total: show(mem.total),
        used: show(mem.used),
        free: show(mem.free),
        buff_cache: show(buff_cache),
        available: show(mem.available),
    });
    if let Some((used, free)) = block.buffers_cache {
        rows.push(FreeRowView {
            label: "-/+ buffers/cache".to_string(),
            total: String::new(),
            used: format_bytes(used),
            free: format_bytes(free),
            buff_cache: String::new(),
            available: String::new(),
        });
    }
    if let Some(swap) = &block.swap {
        rows.push(FreeRowView {
            label: "Swap".to_string(),
            total: show(swap.total),
            used: show(swap.used),
            free: show(swap.free),
            buff_cache: String::new(),
            available: String::new(),
        });
    }
    rows
}

/// Expected watermarks of one zone, in pages (docs/FORMATS.md 5.7, kernels 4.6+).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ExpectedWatermarks {
    /// `pages_min × managed / lowmem_pages`, when `vm.min_free_kbytes` is known.
    pub min: Option<u64>,
    /// `max(min/4, managed × watermark_scale_factor / 10000)`.
    pub gap: u64,
    /// `min + gap`.
    pub low: u64,
    /// `min + 2 × gap`.
    pub high: u64,
}

/// Recomputes a zone's watermarks from its `managed` pages and the sysctls. `min` is the
/// zone's min watermark as found; `lowmem_pages` the managed pages of all non-highmem,
/// non-movable zones.
pub(crate) fn expected_watermarks(
    min: u64,
    managed: u64,
    lowmem_pages: u64,
    min_free_kbytes: Option<u64>,
    watermark_scale_factor: u64,
) -> ExpectedWatermarks {
    let scaled = u128::from(managed) * u128::from(watermark_scale_factor) / 10_000;
    let gap = u64::try_from(scaled).unwrap_or(u64::MAX).max(min / 4);
    let expected_min = min_free_kbytes.filter(|_| lowmem_pages > 0).map(|kb| {
        let pages_min = u128::from(kb / 4);
        u64::try_from(pages_min * u128::from(managed) / u128::from(lowmem_pages))
            .unwrap_or(u64::MAX)
    });
    ExpectedWatermarks {
        min: expected_min,
        gap,
        low: min.saturating_add(gap),
        high: min.saturating_add(gap.saturating_mul(2)),
    }
}

fn zone_views(memory: &MemorySection) -> Vec<ZoneView> {
    let sysctl =
        |name: &str| memory.vm_sysctls.get(name).and_then(|v| v.trim().parse::<u64>().ok());
    let min_free_kbytes = sysctl("vm.min_free_kbytes");
    let wsf = sysctl("vm.watermark_scale_factor");
    let lowmem_pages: u64 = memory
        .zoneinfo
        .iter()
        .filter(|z| !matches!(z.zone.as_str(), "HighMem" | "Movable" | "Device"))
        .filter_map(|z| z.managed)
        .fold(0u64, u64::saturating_add);
    let show = |v: Option<u64>| v.map(format_count).unwrap_or_else(|| "—".to_string());
    memory
        .zoneinfo
        .iter()
        .filter(|z| z.managed.unwrap_or(0) > 0 || z.present.unwrap_or(0) > 0)
        .map(|z| {
            let expected = match (z.min, z.managed, wsf) {
                (Some(min), Some(managed), Some(wsf)) => {
                    Some(expected_watermarks(min, managed, lowmem_pages, min_free_kbytes, wsf))
                }
                _ => None,
            };
            let gap = match (z.min, z.low) {
                (Some(min), Some(low)) => Some(low.saturating_sub(min)),
                _ => None,
            };
            let gap_status = match (gap, expected) {
                (Some(gap), Some(e)) if e.gap > 0 => {
                    let ratio = gap as f64 / e.gap as f64;
                    if gap.abs_diff(e.gap) <= 2 || (0.9..=1.1).contains(&ratio) {
                        "ok"
                    } else if ratio < 0.9 {
                        "below"
                    } else {
                        "above"
                    }
                }
                _ => "unknown",
            };
            let free_status = match (z.free, z.min, z.low, z.high) {
                (Some(free), Some(min), _, _) if free < min => "below_min",
                (Some(free), _, Some(low), _) if free < low => "below_low",
                (Some(free), _, _, Some(high)) if free < high => "below_high",
                (Some(_), Some(_), _, _) => "ok",
                _ => "unknown",
            };
            ZoneView {
                node: z.node,
                zone: clean(&z.zone),
                managed_size: z
                    .managed
                    .map(|m| format_kib(m.saturating_mul(4)))
                    .unwrap_or_else(|| "—".to_string()),
                managed: show(z.managed),
                free: show(z.free),
                min: show(z.min),
                low: show(z.low),
                high: show(z.high),
                expected_min: expected.and_then(|e| e.min).map(format_count),
                expected_low: expected.map(|e| format_count(e.low)),
                expected_high: expected.map(|e| format_count(e.high)),
                gap: show(gap),
                expected_gap: expected.map(|e| format_count(e.gap)),
                gap_status: gap_status.to_string(),
                free_status: free_status.to_string(),
            }
        })
        .collect()
}

fn buddy_view(memory: &MemorySection, events: &[Event]) -> Option<BuddyView> {
    if memory.buddyinfo.is_empty() {
        return None;
    }
    let columns = memory.buddyinfo.iter().map(|z| z.free_blocks.len()).max().unwrap_or(0);
    let failed: Vec<u32> = events
        .iter()
        .filter_map(|e| match &e.fields {
            EventFields::PageAllocFailure(p) => Some(p.order),
            _ => None,
        })
        .collect();
    let max_count =
        memory.buddyinfo.iter().flat_map(|z| z.free_blocks.iter()).copied().max().unwrap_or(0);
    let scale = ((max_count as f64) + 1.0).ln();
    let orders = (0..columns)
        .map(|i| {
            let order = u32::try_from(i).unwrap_or(u32::MAX);
            BuddyOrder { order, size: order_size(order), failed: failed.contains(&order) }
        })
        .collect();
    let rows = memory
        .buddyinfo
        .iter()
        .map(|z| {
            let mut free_pages = 0u64;
            let mut largest = None;
            let cells = (0..columns)
                .map(|i| {
                    let order = u32::try_from(i).unwrap_or(u32::MAX);
                    let count = z.free_blocks.get(i).copied().unwrap_or(0);
                    let pages = count.saturating_mul(1u64.checked_shl(order).unwrap_or(0));
                    free_pages = free_pages.saturating_add(pages);
                    if count > 0 {
                        largest = Some(order);
                    }
                    let level = if count == 0 || scale <= 0.0 {
                        0
                    } else {
                        (((count as f64 + 1.0).ln() / scale) * 9.0).ceil().clamp(1.0, 9.0) as u8
                    };
                    BuddyCell {
                        count,
                        level,
                        title: format!(
                            "Node {} {}: {} free block{} of order {} ({}), {}",
                            z.node,
                            clean(&z.zone),
                            format_count(count),
                            if count == 1 { "" } else { "s" },
                            order,
                            order_size(order),
                            format_kib(pages.saturating_mul(4))
                        ),
                    }
                })
                .collect();
            BuddyRow {
                node: z.node,
                zone: clean(&z.zone),
                cells,
                free_size: format_kib(free_pages.saturating_mul(4)),
                largest_order: largest,
            }
        })
        .collect();
    Some(BuddyView { orders, rows })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::ps::Process;

    #[test]
    fn seed_case_three_watermarks() {
        // docs/SEED-CASES.md 3: Node 0 Normal, min 1510, low 3079, managed 48756637, wsf 10.
        let e = expected_watermarks(1510, 48_756_637, 48_756_637 + 1_000_000, Some(16614), 10);
        assert_eq!(e.gap, 48_756);
        assert_eq!(e.low, 1510 + 48_756);
        assert_eq!(e.high, 1510 + 2 * 48_756);
        // pages_min = 4153; share of this zone = 4153 × 48756637 / 49756637.
        assert_eq!(e.min, Some(4069));
    }

    #[test]
    fn small_zone_gap_is_a_quarter_of_min() {
        // DMA: managed 3977, min 67 → max(16, 3) = 16.
        let e = expected_watermarks(67, 3977, 4_000_000, None, 10);
        assert_eq!(e.gap, 16);
        assert_eq!((e.low, e.high, e.min), (83, 99, None));
    }

    #[test]
    fn top_commands_groups_by_name() {
        let process = |command: &str, rss_kb: u64| Process {
            user: "root".into(),
            pid: 1,
            rss_kb,
            vsz_kb: 0,
            stat: "S".into(),
            command: command.into(),
            ..Process::default()
        };
        let ps = PsTable {
            processes: vec![
                process("/usr/bin/python3 /usr/bin/nova-api-metadata --config-file x", 90_000),
                process("/usr/bin/python3 /usr/bin/nova-api-metadata", 80_000),
                process("/usr/libexec/qemu-kvm -name guest=i-1", 4_000_000),
                process("[kworker/0:1]", 0),
            ],
            unparsed: Vec::new(),
        };
        let top = top_commands(&ps, 2);
        assert_eq!(top.len(), 2);
        assert_eq!(
            (top[0].command.as_str(), top[0].processes, top[0].rss_kb),
            ("qemu-kvm", 1, 4_000_000)
        );
        assert_eq!(
            (top[1].command.as_str(), top[1].processes, top[1].rss_kb),
            ("nova-api-metadata", 2, 170_000)
        );
        assert_eq!(command_name("/usr/bin/python3.6 -s /usr/bin/ceph-osd -f"), "ceph-osd");
        assert_eq!(command_name("bash"), "bash");
        assert_eq!(command_name("[kworker/0:1H]"), "[kworker/0:1H]");
    }
}
