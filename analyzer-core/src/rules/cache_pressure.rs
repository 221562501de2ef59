//! Page cache or reclaimable slab holding memory while free pages sit near the watermarks:
//! "memory is not short, it is held by caches, and reclaim comes too late". Names the caches
//! by size (`xfs_inode`, `dentry`…) and the sysctls to consider (`vm.min_free_kbytes`,
//! `vm.vfs_cache_pressure`).
//! (`/proc/meminfo`: `Inactive(file):  78556552 kB`; `/proc/slabinfo`: `xfs_inode  …`)

use super::util::{self, kib, percent};
use super::{NotChecked, Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{EventKind, Evidence, Finding, Model, Severity};
use crate::parse::slabinfo::SlabCache;
use crate::parse::zoneinfo::Zone;
use crate::source::SourceKind;

/// The built-in cache-dominance check.
pub(crate) struct CachePressure;

const ID: &str = "memory.cache_pressure";

/// Free memory below this share of RAM (percent) counts as "little free".
const LOW_FREE_PERCENT: f64 = 5.0;
/// Caches at or above this share of RAM (percent) count as "holding memory".
const CACHE_PERCENT: f64 = 30.0;
/// A zone whose free pages are below this multiple of its high watermark is "near" them.
const NEAR_HIGH_FACTOR: u64 = 3;

impl Rule for CachePressure {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "Page cache or slab holding memory near the watermarks".into(),
            description: "Little free memory, most of the rest held by page cache or reclaimable \
                slab, and zones near their watermarks: memory is not short, but reclaim starts \
                too late, so allocations fall into direct reclaim and tasks stall. Names the \
                largest slab caches and the sysctls to consider."
                .into(),
            severity: Severity::Error,
            origin: RuleOrigin::Builtin,
            reads: vec![
                "/proc/meminfo".into(),
                "/proc/zoneinfo".into(),
                "/proc/slabinfo".into(),
                "sysctl vm.min_free_kbytes, vm.vfs_cache_pressure".into(),
            ],
            remediation: vec![],
            references: vec![
                "https://docs.kernel.org/admin-guide/sysctl/vm.html#min-free-kbytes".into(),
            ],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let Some(mi) = &model.snapshot.meminfo else {
            return RuleOutcome {
                findings: Vec::new(),
                not_checked: vec![NotChecked {
                    source: SourceKind::Meminfo,
                    path: util::missing_path(model, SourceKind::Meminfo),
                    what: "what holds memory (page cache, slab)".into(),
                }],
            };
        };
        let get = |k: &str| mi.get(k);
        let Some(total) = get("MemTotal").filter(|t| *t > 0) else { return RuleOutcome::default() };
        let hugetlb = get("Hugetlb").filter(|h| *h > 0).unwrap_or_else(|| {
            get("HugePages_Total").unwrap_or(0).saturating_mul(get("Hugepagesize").unwrap_or(0))
        });
        let usable = total.saturating_sub(hugetlb).max(1);
        let free = get("MemFree").unwrap_or(0);
        let file = match (get("Active(file)"), get("Inactive(file)")) {
            (Some(a), Some(i)) => a.saturating_add(i),
            _ => get("Cached").unwrap_or(0),
        };
        let anon = match (get("Active(anon)"), get("Inactive(anon)")) {
            (Some(a), Some(i)) => a.saturating_add(i),
            _ => get("AnonPages").unwrap_or(0),
        };
        let slab_reclaimable = get("SReclaimable").or_else(|| get("Slab")).unwrap_or(0);
        let caches = file.saturating_add(slab_reclaimable);
        if percent(free, usable) >= LOW_FREE_PERCENT || percent(caches, usable) < CACHE_PERCENT {
            return RuleOutcome::default();
        }

        let mut outcome = RuleOutcome::default();
        let near: Vec<&Zone> = match &model.snapshot.zoneinfo {
            Some(zi) => zi
                .zones
                .iter()
                .filter(|z| z.managed.unwrap_or(1) > 0)
                .filter(|z| match (z.free, z.high) {
                    (Some(f), Some(h)) if h > 0 => f < h.saturating_mul(NEAR_HIGH_FACTOR),
                    _ => false,
                })
                .collect(),
            None => {
                outcome.not_checked.push(NotChecked {
                    source: SourceKind::Zoneinfo,
                    path: util::missing_path(model, SourceKind::Zoneinfo),
                    what: "how close each zone is to its watermarks".into(),
                });
                Vec::new()
            }
        };
        let top_slab = top_slab(model);
        let slab_dominates = slab_reclaimable > file;
        let symptoms = model
            .events
            .iter()
            .filter(|e| {
                matches!(e.kind(), EventKind::HungTask | EventKind::PageAllocFailure)
                    || matches!(&e.fields, crate::model::EventFields::XfsError(x) if x.class == crate::model::XfsClass::AllocDeadlock)
            })
            .count();

        let what = if slab_dominates { "Reclaimable slab" } else { "Page cache" };
        let held = if slab_dominates { slab_reclaimable } else { file };
        let near_names: Vec<String> =
            near.iter().map(|z| format!("Node {} {}", z.node, z.zone)).collect();
        let title = if near_names.is_empty() {
            format!(
                "{what} holds {} ({:.0} % of memory) with little free",
                kib(held),
                percent(held, usable)
            )
        } else {
            format!(
                "{what} holds {} ({:.0} % of memory) while {} {} near {} watermarks",
                kib(held),
                percent(held, usable),
                near_names.join(", "),
                if near.len() == 1 { "is" } else { "are" },
                if near.len() == 1 { "its" } else { "their" },
            )
        };

        let mut summary = format!(
            "Memory is not short, it is held by caches: of {} (outside hugepages), {} is free \
             ({:.1} %), page cache holds {} ({:.0} %), reclaimable slab {} ({:.0} %), anonymous \
             memory {} ({:.0} %). ",
            kib(usable),
            kib(free),
            percent(free, usable),
            kib(file),
            percent(file, usable),
            kib(slab_reclaimable),
            percent(slab_reclaimable, usable),
            kib(anon),
            percent(anon, usable),
        );
        if !top_slab.is_empty() {
            let list: Vec<String> =
                top_slab.iter().map(|c| format!("{} {}", c.name, util::bytes(c.bytes))).collect();
            summary.push_str(&format!("Largest slab caches: {}. ", list.join(", ")));
        }
        if !near.is_empty() {
            let list: Vec<String> = near
                .iter()
                .map(|z| {
                    format!(
                        "Node {} {} free {} pages (min {} low {} high {})",
                        z.node,
                        z.zone,
                        z.free.unwrap_or(0),
                        z.min.unwrap_or(0),
                        z.low.unwrap_or(0),
                        z.high.unwrap_or(0)
                    )
                })
                .collect();
            summary.push_str(&format!(
                "Near the watermarks: {}. Clean cache lingers until kswapd reclaims it, and kswapd \
                 wakes only at the low watermark, so allocations there fall into direct reclaim at \
                 bad moments and tasks stall. ",
                list.join("; ")
            ));
        }
        if symptoms > 0 {
            summary.push_str(&format!(
                "The kernel log has {symptoms} hung-task, allocation-failure or XFS allocation \
                 report{} consistent with this.",
                util::s(symptoms as u64)
            ));
        }

        let snap = &model.snapshot;
        let mfk = snap.sysctl_u64("vm.min_free_kbytes");
        let vcp = snap.sysctl_u64("vm.vfs_cache_pressure");
        // A suggestion: 0.5 % of memory outside hugepages, at least twice today's value.
        let suggest = (usable / 200).max(mfk.unwrap_or(0).saturating_mul(2));
        let mut remediation = vec![format!(
            "Raise vm.min_free_kbytes (now {}) so kswapd reclaims earlier — the watermarks scale \
             with it — e.g. `sysctl -w vm.min_free_kbytes={suggest}` (about 0.5 % of memory), \
             persisted in /etc/sysctl.d/.",
            mfk.map_or("unknown".to_string(), |v| v.to_string())
        )];
        let vfs_kb = model.snapshot.slabinfo.as_ref().map_or(0, |s| {
            s.caches
                .iter()
                .filter(|c| is_vfs_cache(&c.name))
                .fold(0u64, |a, c| a.saturating_add(c.bytes / 1024))
        });
        if slab_dominates || percent(vfs_kb, usable) >= 10.0 {
            remediation.push(format!(
                "Prefer dropping dentries and inodes: `sysctl -w vm.vfs_cache_pressure=200` (now \
                 {}).",
                vcp.map_or("unknown".to_string(), |v| v.to_string())
            ));
        }
        let drop = if slab_dominates { 2 } else { 1 };
        remediation.push(format!(
            "Stop-gap: `echo {drop} > /proc/sys/vm/drop_caches` ({}), then `echo 1 > \
             /proc/sys/vm/compact_memory`.",
            if slab_dominates { "frees dentries and inodes" } else { "frees clean page cache" }
        ));

        let mut evidence = Vec::new();
        let zpath = util::source_path(model, SourceKind::Zoneinfo);
        for z in &near {
            if z.line > 0 {
                evidence.push(Evidence {
                    path: zpath.clone(),
                    line: z.line,
                    text: util::zone_header(z.node, &z.zone),
                });
            }
        }
        let spath = util::source_path(model, SourceKind::Slabinfo);
        for c in &top_slab {
            if c.line > 0 {
                evidence.push(Evidence { path: spath.clone(), line: c.line, text: slab_line(c) });
            }
        }
        let severity = if symptoms > 0 && !near.is_empty() {
            Severity::Error
        } else if !near.is_empty() || slab_dominates {
            Severity::Warning
        } else {
            Severity::Info
        };
        outcome.findings.push(Finding {
            rule_id: ID.into(),
            severity,
            title,
            summary: summary.trim_end().to_string(),
            event_ids: Vec::new(),
            evidence,
            remediation,
        });
        outcome
    }
}

fn is_vfs_cache(name: &str) -> bool {
    matches!(
        name,
        "dentry"
            | "xfs_inode"
            | "ext4_inode_cache"
            | "inode_cache"
            | "nfs_inode_cache"
            | "btrfs_inode"
            | "proc_inode_cache"
    )
}

/// The five largest slab caches (over 1 % of memory or 64 MiB).
fn top_slab(model: &Model) -> Vec<&SlabCache> {
    let Some(si) = &model.snapshot.slabinfo else { return Vec::new() };
    let mut caches: Vec<&SlabCache> = si.caches.iter().filter(|c| c.bytes >= 64 << 20).collect();
    caches.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.name.cmp(&b.name)));
    caches.truncate(5);
    caches
}

/// A slabinfo row as the kernel prints it.
pub(crate) fn slab_line(c: &SlabCache) -> String {
    format!(
        "{:<17} {:>6} {:>6} {:>6} {:>4} {:>4} : tunables    0    0    0 : slabdata {:>6} {:>6}      0",
        c.name,
        c.active_objs,
        c.num_objs,
        c.objsize,
        c.objperslab,
        c.pagesperslab,
        c.active_slabs,
        c.num_slabs
    )
}

#[cfg(test)]
mod tests;
