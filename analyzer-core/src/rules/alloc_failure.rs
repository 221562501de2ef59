//! Page allocation failures (`qemu-system-x86: page allocation failure: order:6,
//! mode:0x140c0c0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)`): the order, the GFP flags in plain
//! words, the process, and from the Mem-Info dump (or, failing that, buddyinfo at collection)
//! whether the zone had free blocks of that order or higher: fragmentation or exhaustion.

use std::collections::BTreeMap;

use super::buddy::{BuddyStats, order_size};
use super::gfp::{self, GfpInfo};
use super::util::{self, s};
use super::{Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{
    AllocKind, Event, EventFields, Evidence, Finding, Model, PageAllocFailure, Severity,
};
use crate::source::SourceKind;

/// The built-in allocation-failure analysis.
pub(crate) struct AllocFailures;

const ID: &str = "memory.page_alloc_failure";

/// The kernel's default `vm.extfrag_threshold`.
const DEFAULT_EXTFRAG: u64 = 500;

impl Rule for AllocFailures {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "Page allocation failures".into(),
            description: "Failed page allocations, one finding per order: the size asked for, \
                the GFP flags in words (atomic or may sleep, which zone), the processes, and \
                whether the zone had free blocks of that order or higher at the failure \
                (Mem-Info dump) or at collection (buddyinfo): fragmentation versus exhaustion."
                .into(),
            severity: Severity::Error,
            origin: RuleOrigin::Builtin,
            reads: vec![
                "events: page_alloc_failure (with their Mem-Info dump)".into(),
                "/proc/buddyinfo, /proc/zoneinfo".into(),
                "sysctl vm.extfrag_threshold, vm.min_free_kbytes".into(),
            ],
            remediation: vec![],
            references: vec![
                "https://docs.kernel.org/admin-guide/sysctl/vm.html#extfrag-threshold".into(),
            ],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let mut by_order: BTreeMap<u32, Vec<(&Event, &PageAllocFailure)>> = BTreeMap::new();
        for e in &model.events {
            // vmalloc failures and allocation stalls are not buddy-allocator failures.
            if let EventFields::PageAllocFailure(p) = &e.fields {
                if p.kind == AllocKind::Page {
                    by_order.entry(p.order).or_default().push((e, p));
                }
            }
        }
        let findings =
            by_order.iter().rev().map(|(order, list)| finding(model, *order, list)).collect();
        RuleOutcome::findings(findings)
    }
}

/// Zones an allocation that may use `zone` can fall back to (highest first). The DMA zone is
/// left out for allocations above it: its lowmem reserve keeps them out in practice.
fn eligible(zone: &str) -> &'static [&'static str] {
    match zone {
        "DMA" => &["DMA"],
        "DMA32" => &["DMA32"],
        "HighMem" => &["HighMem", "Normal", "DMA32"],
        "Movable" => &["Movable", "HighMem", "Normal", "DMA32"],
        _ => &["Normal", "DMA32"],
    }
}

/// One zone's free blocks as seen at the failure or at collection.
struct ZoneView {
    name: String,
    blocks: Vec<u64>,
    min_kb: Option<u64>,
    line: Option<Evidence>,
}

/// What the free blocks say about an order-k failure.
pub(crate) enum Verdict {
    /// Blocks of the order existed in an eligible zone.
    BlocksExisted,
    /// Free memory was there but in smaller blocks (index ≥ threshold).
    Fragmentation,
    /// Free memory itself was short.
    Exhaustion,
}

fn finding(model: &Model, order: u32, list: &[(&Event, &PageAllocFailure)]) -> Finding {
    let kernel = model.host.kernel.as_deref().and_then(util::kernel_version);
    let threshold = model.snapshot.sysctl_u64("vm.extfrag_threshold").unwrap_or(DEFAULT_EXTFRAG);
    let n = list.len() as u64;
    let k = usize::try_from(order).unwrap_or(usize::MAX);

    // Processes.
    let mut procs: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, p) in list {
        *procs.entry(p.process.as_str()).or_default() += 1;
    }
    let mut procs: Vec<(&str, u64)> = procs.into_iter().collect();
    procs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let proc_list: Vec<String> = procs
        .iter()
        .take(5)
        .map(|(p, c)| if *c > 1 { format!("{p} ({c}×)") } else { p.to_string() })
        .collect();

    // GFP of the first failure with a decodable mask.
    let first = list.first().map(|(_, p)| *p);
    let gfp_info: Option<(GfpInfo, &PageAllocFailure)> = list
        .iter()
        .find_map(|(_, p)| gfp::decode(&p.gfp_flags, &p.gfp_mask, kernel).map(|g| (g, *p)));
    let zone = gfp_info.as_ref().map_or("Normal", |(g, _)| g.zone);

    let first_event = list.first().map(|(e, _)| *e);
    let mut summary = format!(
        "{n} order-{order} allocation{} ({} contiguous) failed{}, by {}. ",
        s(n),
        order_size(order),
        first_event.map(|e| format!(", first at {}", util::time_text(&e.time))).unwrap_or_default(),
        proc_list.join(", ")
    );
    match (&gfp_info, first) {
        (Some((g, p)), _) => {
            let flags = if p.gfp_flags.is_empty() {
                format!("mode {} (decoded with the pre-4.4 bit layout)", p.gfp_mask)
            } else {
                format!("{} ({})", p.gfp_mask, p.gfp_flags.join("|"))
            };
            summary.push_str(&format!("GFP {flags}: {}. ", g.words()));
        }
        (None, Some(p)) => summary.push_str(&format!(
            "GFP mode {} (only hex printed; its bits depend on the kernel version). ",
            p.gfp_mask
        )),
        (None, None) => {}
    }
    if order > 3 {
        summary.push_str(&format!(
            "Order {order} is above PAGE_ALLOC_COSTLY_ORDER (3): it depends on compaction. "
        ));
    }

    // Free blocks: the Mem-Info dump of the failure, else buddyinfo at collection.
    let mut evidence: Vec<Evidence> = Vec::new();
    let (views, when) = match mem_info_views(list, zone) {
        Some(v) => (v, "At the failure (Mem-Info)"),
        None => (buddyinfo_views(model, zone), "At collection (buddyinfo)"),
    };
    let verdict = if views.is_empty() {
        summary.push_str("Neither a Mem-Info dump nor /proc/buddyinfo shows the free blocks, so fragmentation and exhaustion cannot be told apart.");
        None
    } else {
        let (verdict, text) = judge(&views, k, threshold, when);
        summary.push_str(&text);
        for v in &views {
            if let Some(l) = &v.line {
                evidence.push(l.clone());
            }
        }
        Some(verdict)
    };

    // Remediation.
    let mut remediation = Vec::new();
    match verdict {
        Some(Verdict::Fragmentation) => {
            remediation.push(format!(
                "Free memory is there but fragmented: make compaction start earlier with a lower \
                 vm.extfrag_threshold (e.g. `sysctl -w vm.extfrag_threshold=200`, now {threshold}) \
                 and wake kswapd/kcompactd sooner with a higher vm.watermark_scale_factor (e.g. 50); \
                 see the watermark finding."
            ));
            remediation.push(
                "Stop-gap: `echo 1 > /proc/sys/vm/compact_memory` to compact now.".to_string(),
            );
        }
        Some(Verdict::Exhaustion) => remediation.push(
            "Memory itself ran short: see what holds it (page cache, slab, processes, \
             hugepages findings) and reduce it or add memory."
                .to_string(),
        ),
        Some(Verdict::BlocksExisted) => remediation.push(
            "Blocks of the order existed: the request failed the watermark check for its order \
             or could not reclaim in its context; raise vm.min_free_kbytes or \
             vm.watermark_scale_factor so more is kept free."
                .to_string(),
        ),
        None => {}
    }
    if gfp_info.as_ref().is_some_and(|(g, _)| g.atomic) {
        remediation.push(
            "Atomic allocations cannot reclaim or compact: raise vm.min_free_kbytes so the \
             reserve they draw from is larger."
                .to_string(),
        );
    }

    // Evidence: headlines (and the whole first report).
    let mut ev = Vec::new();
    if let Some((e, _)) = list.first() {
        ev.extend(util::event_evidence(e, 6));
    }
    for (e, _) in list.iter().skip(1).take(10) {
        ev.extend(util::headline_evidence(e));
    }
    ev.extend(evidence);

    let verdict_word = match verdict {
        Some(Verdict::Fragmentation) => " — fragmentation",
        Some(Verdict::Exhaustion) => " — exhaustion",
        Some(Verdict::BlocksExisted) => " — free blocks existed",
        None => "",
    };
    Finding {
        rule_id: ID.into(),
        severity: Severity::Error,
        title: format!(
            "{n} order-{order} page allocation failure{} ({}){verdict_word}",
            s(n),
            procs.first().map_or("unknown process", |p| p.0)
        ),
        summary,
        event_ids: list.iter().map(|(e, _)| e.id.clone()).collect(),
        evidence: ev,
        remediation,
    }
}

fn mem_info_views(list: &[(&Event, &PageAllocFailure)], zone: &str) -> Option<Vec<ZoneView>> {
    let zones = eligible(zone);
    for (e, p) in list {
        let Some(mi) = &p.mem_info else { continue };
        let views: Vec<ZoneView> =
            mi.zones
                .iter()
                .filter(|z| zones.contains(&z.zone.as_str()))
                .filter_map(|z| {
                    let blocks = z.buddy.clone()?;
                    let name = match z.node {
                        Some(n) => format!("Node {n} {}", z.zone),
                        None => z.zone.clone(),
                    };
                    let prefix = format!("{name}: ");
                    let path = e.sources.first().map(|s| s.path.clone()).unwrap_or_default();
                    let line = e.lines.iter().find(|l| l.text.contains(&prefix)).map(|l| {
                        Evidence { path: path.clone(), line: l.line, text: l.text.clone() }
                    });
                    Some(ZoneView { name, blocks, min_kb: z.min_kb, line })
                })
                .collect();
        if !views.is_empty() {
            return Some(views);
        }
    }
    None
}

fn buddyinfo_views(model: &Model, zone: &str) -> Vec<ZoneView> {
    let zones = eligible(zone);
    let Some(bi) = &model.snapshot.buddyinfo else { return Vec::new() };
    let path = util::source_path(model, SourceKind::Buddyinfo);
    let zi = model.snapshot.zoneinfo.as_ref();
    bi.zones
        .iter()
        .filter(|z| zones.contains(&z.zone.as_str()))
        .map(|z| {
            let min_kb = zi
                .and_then(|zi| zi.zones.iter().find(|x| x.node == z.node && x.zone == z.zone))
                .and_then(|x| x.min)
                .map(|m| m.saturating_mul(4));
            let mut text = util::zone_header(z.node, &z.zone);
            for n in &z.free_blocks {
                text.push_str(&format!(" {n:>6}"));
            }
            ZoneView {
                name: format!("Node {} {}", z.node, z.zone),
                blocks: z.free_blocks.clone(),
                min_kb,
                line: Some(Evidence { path: path.clone(), line: z.line, text }),
            }
        })
        .collect()
}

/// The verdict and a sentence that explains it.
fn judge(views: &[ZoneView], k: usize, threshold: u64, when: &str) -> (Verdict, String) {
    let with_blocks: Vec<(&ZoneView, u64)> = views
        .iter()
        .map(|v| (v, BuddyStats { blocks: &v.blocks }.blocks_for(k)))
        .filter(|(_, b)| *b > 0)
        .collect();
    if !with_blocks.is_empty() {
        let list: Vec<String> = with_blocks
            .iter()
            .map(|(v, b)| format!("{} had {b} block{} of order {k} or higher", v.name, s(*b)))
            .collect();
        return (
            Verdict::BlocksExisted,
            format!(
                "{when}: {}. The request failed the watermark check for its order or could not \
                 reclaim in its context; free pages were available.",
                list.join("; ")
            ),
        );
    }
    // No block anywhere: judge on the zone with the most free memory.
    let Some(best) = views.iter().max_by_key(|v| BuddyStats { blocks: &v.blocks }.free_pages())
    else {
        return (Verdict::Exhaustion, String::new());
    };
    let stats = BuddyStats { blocks: &best.blocks };
    let free = stats.free_pages();
    let index = stats.fragmentation_index(k).unwrap_or(0);
    let largest = stats.largest_order().map_or("none".to_string(), |o| format!("order {o}"));
    let min = best.min_kb.map(|m| format!(" (min watermark {})", util::kib(m))).unwrap_or_default();
    let base = format!(
        "{when}: {} had {} free{min} but no free block of order {k} or higher (largest free block: \
         {largest}); fragmentation index {}.{:03}",
        best.name,
        util::pages(free),
        index / 1000,
        index % 1000
    );
    let free_kb = free.saturating_mul(4);
    if let Some(min_kb) = best.min_kb.filter(|m| free_kb <= m.saturating_add(m / 4)) {
        return (
            Verdict::Exhaustion,
            format!(
                "{when}: {} had only {} free, at its min watermark ({}): the zone was exhausted, \
                 not merely fragmented.",
                best.name,
                util::kib(free_kb),
                util::kib(min_kb)
            ),
        );
    }
    if index >= threshold {
        (
            Verdict::Fragmentation,
            format!(
                "{base} ≥ vm.extfrag_threshold {}.{:03}: fragmentation, not exhaustion — free pages \
                 were available, only not contiguous.",
                threshold / 1000,
                threshold % 1000
            ),
        )
    } else {
        (
            Verdict::Exhaustion,
            format!(
                "{base} < vm.extfrag_threshold {}.{:03}: the zone was short of free memory \
                 (exhaustion), not merely fragmented.",
                threshold / 1000,
                threshold % 1000
            ),
        )
    }
}

#[cfg(test)]
mod tests;
