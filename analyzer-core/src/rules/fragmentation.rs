//! Fragmentation per zone: free memory by order from `/proc/buddyinfo`, the orders with no free
//! block, the share of free memory too small for costly (order ≥ 4) requests, and compaction
//! stalls and failures from `/proc/vmstat`.
//! (`Node 0, zone   Normal  17  203  102  17  21  4  7  10  8  0  0`)

use super::buddy::{BuddyStats, order_size};
use super::util::{self, percent};
use super::{NotChecked, Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{Evidence, Finding, Model, Severity};
use crate::parse::buddyinfo::BuddyZone;
use crate::source::SourceKind;

/// The built-in fragmentation report.
pub(crate) struct Fragmentation;

const ID: &str = "memory.fragmentation";

/// First order above `PAGE_ALLOC_COSTLY_ORDER`: these requests depend on compaction.
const COSTLY: usize = 4;
/// Zones with less free memory than this (pages, 64 MiB) are not judged.
const MIN_FREE_PAGES: u64 = 16_384;
/// A zone is fragmented when this share (thousandths) of its free memory is in blocks below
/// order 4.
const UNUSABLE_LIMIT: u64 = 900;

impl Rule for Fragmentation {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "Memory fragmentation".into(),
            description: "Free memory by order per zone (buddyinfo), the orders with no free \
                block, how much free memory is too fragmented for order-4+ requests, and \
                compaction stalls and failures (vmstat)."
                .into(),
            severity: Severity::Warning,
            origin: RuleOrigin::Builtin,
            reads: vec!["/proc/buddyinfo".into(), "/proc/vmstat compact_*".into()],
            remediation: vec![],
            references: vec![
                "https://docs.kernel.org/admin-guide/sysctl/vm.html#extfrag-threshold".into(),
            ],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let Some(bi) = &model.snapshot.buddyinfo else {
            return RuleOutcome {
                findings: Vec::new(),
                not_checked: vec![NotChecked {
                    source: SourceKind::Buddyinfo,
                    path: util::missing_path(model, SourceKind::Buddyinfo),
                    what: "fragmentation (free blocks per order)".into(),
                }],
            };
        };
        if bi.zones.is_empty() {
            return RuleOutcome::default();
        }
        RuleOutcome::findings(vec![finding(model, &bi.zones)])
    }
}

/// One zone's line of the summary, and whether it is fragmented.
fn describe_zone(z: &BuddyZone) -> (String, bool) {
    let b = BuddyStats { blocks: &z.free_blocks };
    let free = b.free_pages();
    let by_order: Vec<String> = z
        .free_blocks
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(i, n)| {
            let pages =
                n.saturating_mul(1u64.checked_shl(u32::try_from(i).unwrap_or(63)).unwrap_or(0));
            format!("{i}: {}", util::pages(pages))
        })
        .collect();
    let unusable = b.unusable_index(COSTLY);
    let fragmented = free >= MIN_FREE_PAGES && unusable >= UNUSABLE_LIMIT;
    let empty = match b.first_empty_order() {
        Some(o) => format!(
            "no free block at order {o} ({}) or higher",
            order_size(u32::try_from(o).unwrap_or(0))
        ),
        None => format!(
            "free blocks up to the highest order ({})",
            z.free_blocks.len().saturating_sub(1)
        ),
    };
    let text = format!(
        "Node {} {}: {} free; by order {}; {empty}; {:.0} % of the free memory is in blocks below order {COSTLY} ({})",
        z.node,
        z.zone,
        util::pages(free),
        if by_order.is_empty() { "none".to_string() } else { by_order.join(", ") },
        unusable as f64 / 10.0,
        order_size(u32::try_from(COSTLY).unwrap_or(4)),
    );
    (text, fragmented)
}

fn finding(model: &Model, zones: &[BuddyZone]) -> Finding {
    let mut lines = Vec::new();
    let mut fragmented = Vec::new();
    for z in zones {
        let (text, frag) = describe_zone(z);
        lines.push(text);
        if frag {
            fragmented.push(z);
        }
    }
    let mut summary = format!("{}. ", lines.join(". "));
    let vm = model.snapshot.vmstat.as_ref();
    let stall = vm.and_then(|v| v.get("compact_stall"));
    let fail = vm.and_then(|v| v.get("compact_fail"));
    let success = vm.and_then(|v| v.get("compact_success"));
    let mut compaction_struggles = false;
    match (stall, fail) {
        (Some(st), Some(fa)) => {
            summary.push_str(&format!(
                "Since boot: compact_stall {st} (allocations that waited for compaction), compact_fail {fa} ({:.0} % of stalls), compact_success {}.",
                percent(fa, st),
                success.map_or("unknown".to_string(), |v| v.to_string())
            ));
            compaction_struggles = st >= 1000 && fa.saturating_mul(2) >= st;
        }
        _ if vm.is_none() => summary
            .push_str("/proc/vmstat is not in the bundle, so compaction counters are unknown."),
        _ => summary.push_str("/proc/vmstat has no compaction counters."),
    }

    let severity = if !fragmented.is_empty() || compaction_struggles {
        Severity::Warning
    } else {
        Severity::Info
    };
    let title = if fragmented.is_empty() {
        if compaction_struggles {
            "Compaction fails often".to_string()
        } else {
            "Free memory by order".to_string()
        }
    } else {
        let names: Vec<String> =
            fragmented.iter().map(|z| format!("Node {} {}", z.node, z.zone)).collect();
        format!(
            "Memory fragmented in {}: few free blocks of order {COSTLY} or higher",
            names.join(", ")
        )
    };
    let mut remediation = Vec::new();
    if severity > Severity::Info {
        remediation.push(format!(
            "Compact earlier: lower vm.extfrag_threshold (now {}, e.g. 200) and raise \
             vm.watermark_scale_factor (now {}) so kcompactd and kswapd work ahead of demand.",
            model
                .snapshot
                .sysctl_u64("vm.extfrag_threshold")
                .map_or("unknown".to_string(), |v| v.to_string()),
            model
                .snapshot
                .sysctl_u64("vm.watermark_scale_factor")
                .map_or("unknown".to_string(), |v| v.to_string()),
        ));
        remediation.push("Stop-gap: `echo 1 > /proc/sys/vm/compact_memory`.".into());
    }
    let path = util::source_path(model, SourceKind::Buddyinfo);
    let evidence = zones
        .iter()
        .filter(|z| z.line > 0)
        .map(|z| {
            let mut text = util::zone_header(z.node, &z.zone);
            for n in &z.free_blocks {
                text.push_str(&format!(" {n:>6}"));
            }
            Evidence { path: path.clone(), line: z.line, text }
        })
        .collect();
    Finding {
        rule_id: ID.into(),
        severity,
        title,
        summary: summary.trim_end().to_string(),
        event_ids: Vec::new(),
        evidence,
        remediation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::buddyinfo::Buddyinfo;
    use crate::parse::vmstat::Vmstat;
    use crate::rules::testutil::model_with;

    fn zone(node: u32, name: &str, blocks: &[u64], line: u64) -> BuddyZone {
        BuddyZone { node, zone: name.into(), free_blocks: blocks.to_vec(), line }
    }

    #[test]
    fn fragmented_zone_is_a_warning() {
        let mut m = model_with(vec![]);
        m.snapshot.buddyinfo = Some(Buddyinfo {
            zones: vec![
                zone(0, "DMA", &[0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2], 1),
                zone(0, "Normal", &[200_000, 150_000, 20_000, 100, 0, 0, 0, 0, 0, 0, 0], 3),
            ],
            unparsed: vec![],
        });
        m.snapshot.vmstat = Some(Vmstat {
            values: [
                ("compact_stall".to_string(), 5000),
                ("compact_fail".to_string(), 4500),
                ("compact_success".to_string(), 500),
            ]
            .into_iter()
            .collect(),
            unparsed: vec![],
        });
        let f = Fragmentation.evaluate(&m).findings;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(
            f[0].title,
            "Memory fragmented in Node 0 Normal: few free blocks of order 4 or higher"
        );
        assert!(f[0].summary.contains("Node 0 Normal: 2.2 GiB free"), "{}", f[0].summary);
        assert!(f[0].summary.contains("no free block at order 4 (64 KiB) or higher"));
        assert!(f[0].summary.contains("compact_fail 4500 (90 % of stalls)"));
        assert_eq!(f[0].evidence[1].line, 3);
        assert_eq!(
            f[0].evidence[1].text,
            "Node 0, zone   Normal 200000 150000  20000    100      0      0      0      0      0      0      0"
        );
    }

    #[test]
    fn healthy_zone_is_info() {
        let mut m = model_with(vec![]);
        m.snapshot.buddyinfo = Some(Buddyinfo {
            zones: vec![zone(
                0,
                "Normal",
                &[460, 485, 375, 1611, 3201, 2187, 1437, 844, 487, 247, 6120],
                1,
            )],
            unparsed: vec![],
        });
        let f = Fragmentation.evaluate(&m).findings;
        assert_eq!(f[0].severity, Severity::Info);
        assert!(
            f[0].summary.contains("free blocks up to the highest order (10)"),
            "{}",
            f[0].summary
        );
    }

    #[test]
    fn missing_buddyinfo_is_said() {
        let m = model_with(vec![]);
        let out = Fragmentation.evaluate(&m);
        assert!(out.findings.is_empty());
        assert_eq!(out.not_checked[0].source, SourceKind::Buddyinfo);
    }
}
