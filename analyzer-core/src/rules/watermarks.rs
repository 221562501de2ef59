//! Watermarks against what the kernel would compute today: recomputes each zone's min→low gap
//! from `managed`, `vm.min_free_kbytes` and `vm.watermark_scale_factor` with the formula of the
//! bundle's kernel (docs/FORMATS.md 5.7: up to 4.5 `gap = tmp/4`; from 4.6
//! `gap = max(tmp/4, managed × wsf / 10000)`) and flags zones whose gap is far below it, as
//! when boot-time hugepages kept `managed` small while the watermarks were set.
//! (`/proc/zoneinfo`: `        min      1510` / `low      3079` / `managed  48756637`)

use super::util::{self, s};
use super::{NotChecked, Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{EventKind, Evidence, Finding, Model, Severity};
use crate::parse::zoneinfo::Zone;
use crate::source::SourceKind;

/// The built-in watermark check.
pub(crate) struct Watermarks;

const ID: &str = "memory.watermarks";

/// A zone is flagged when its gap is below this share of the expected one (in percent).
const FAR_BELOW_PERCENT: u64 = 50;

/// Default `vm.watermark_scale_factor` (4.6+).
const DEFAULT_WSF: u64 = 10;

impl Rule for Watermarks {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "Watermarks far below what the kernel would compute".into(),
            description: "Recomputes each zone's min/low/high gap from managed pages, \
                vm.min_free_kbytes and vm.watermark_scale_factor (formula by kernel version) and \
                flags zones whose gap is far below it: kswapd then wakes too late and compaction \
                runs too late, so high-order allocations fail with free memory about. Names the \
                boot-time hugepages cause when hugepages are configured."
                .into(),
            severity: Severity::Error,
            origin: RuleOrigin::Builtin,
            reads: vec![
                "/proc/zoneinfo".into(),
                "sysctl vm.min_free_kbytes, vm.watermark_scale_factor".into(),
                "/proc/cmdline hugepages=, /proc/meminfo HugePages_Total".into(),
                "uname -r (formula by kernel version)".into(),
            ],
            remediation: vec![],
            references: vec![
                "https://docs.kernel.org/admin-guide/sysctl/vm.html#watermark-scale-factor".into(),
            ],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let Some(zi) = &model.snapshot.zoneinfo else {
            return RuleOutcome {
                findings: Vec::new(),
                not_checked: vec![NotChecked {
                    source: SourceKind::Zoneinfo,
                    path: util::missing_path(model, SourceKind::Zoneinfo),
                    what: "the watermarks".into(),
                }],
            };
        };
        let calc = Calc::new(model, &zi.zones);
        let flagged: Vec<(&Zone, ZoneCheck)> = zi
            .zones
            .iter()
            .filter_map(|z| calc.check(z).map(|c| (z, c)))
            .filter(|(_, c)| c.far_below)
            .collect();
        if flagged.is_empty() {
            return RuleOutcome::default();
        }
        RuleOutcome::findings(vec![finding(model, &calc, &flagged)])
    }
}

/// The inputs of the kernel's `__setup_per_zone_wmarks()`.
pub(crate) struct Calc {
    /// `vm.min_free_kbytes`, when known.
    pub(crate) min_free_kbytes: Option<u64>,
    /// `vm.watermark_scale_factor` (the default when the sysctl is absent on a 4.6+ kernel).
    pub(crate) wsf: u64,
    /// Whether the 4.6+ formula applies.
    pub(crate) scale_factor_formula: bool,
    /// Σ managed pages of the zones below HighMem/Movable.
    pub(crate) lowmem_pages: u64,
}

/// One zone's observed and expected gap.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ZoneCheck {
    /// `low - min`, pages.
    pub(crate) observed_gap: u64,
    /// What the kernel computes from today's managed pages, pages.
    pub(crate) expected_gap: u64,
    /// `managed × wsf / 10000` rounded to the nearest page (4.6+), for display.
    pub(crate) scale_gap_rounded: Option<u64>,
    /// The zone's share of `min_free_kbytes` in pages (`tmp`).
    pub(crate) tmp: u64,
    /// Whether the observed gap is far below the expected one.
    pub(crate) far_below: bool,
}

fn is_lowmem(zone: &str) -> bool {
    !matches!(zone, "HighMem" | "Movable" | "Device")
}

impl Calc {
    pub(crate) fn new(model: &Model, zones: &[Zone]) -> Calc {
        let snap = &model.snapshot;
        let wsf_sysctl = snap.sysctl_u64("vm.watermark_scale_factor");
        let kernel = model.host.kernel.as_deref().and_then(util::kernel_version);
        let scale_factor_formula = wsf_sysctl.is_some() || kernel.is_some_and(|k| k >= (4, 6));
        let lowmem_pages = zones
            .iter()
            .filter(|z| is_lowmem(&z.zone))
            .fold(0u64, |a, z| a.saturating_add(z.managed.unwrap_or(0)));
        Calc {
            min_free_kbytes: snap
                .sysctl_u64("vm.min_free_kbytes")
                .or_else(|| snap.cmdline.as_ref().and_then(|c| c.min_free_kbytes)),
            wsf: wsf_sysctl.unwrap_or(DEFAULT_WSF),
            scale_factor_formula,
            lowmem_pages,
        }
    }

    /// The check of one zone, when it has what the formula needs.
    pub(crate) fn check(&self, z: &Zone) -> Option<ZoneCheck> {
        if !is_lowmem(&z.zone) {
            return None;
        }
        let managed = z.managed.filter(|m| *m > 0)?;
        let (min, low) = (z.min?, z.low?);
        let observed_gap = low.checked_sub(min)?;
        let tmp = match self.min_free_kbytes {
            Some(mfk) if self.lowmem_pages > 0 => {
                let pages_min = u128::from(mfk / 4);
                u64::try_from(pages_min * u128::from(managed) / u128::from(self.lowmem_pages))
                    .unwrap_or(u64::MAX)
            }
            _ => min,
        };
        let (expected_gap, scale_gap_rounded) = if self.scale_factor_formula {
            let exact = u128::from(managed) * u128::from(self.wsf);
            let floor = u64::try_from(exact / 10_000).unwrap_or(u64::MAX);
            let rounded = u64::try_from((exact + 5_000) / 10_000).unwrap_or(u64::MAX);
            ((tmp / 4).max(floor), Some(rounded))
        } else {
            (tmp / 4, None)
        };
        // Ignore differences under 1 MiB: rounding and tiny zones.
        let far_below = observed_gap.saturating_mul(100)
            < expected_gap.saturating_mul(FAR_BELOW_PERCENT)
            && expected_gap.saturating_sub(observed_gap) >= 256;
        Some(ZoneCheck { observed_gap, expected_gap, scale_gap_rounded, tmp, far_below })
    }
}

/// Hugepages reserved, in kB, and where that was seen.
fn hugepages(model: &Model) -> (u64, Vec<String>) {
    let mut kb = 0u64;
    let mut seen = Vec::new();
    if let Some(mi) = &model.snapshot.meminfo {
        let total = mi.get("HugePages_Total").unwrap_or(0);
        let size = mi.get("Hugepagesize").unwrap_or(2048);
        kb = mi.get("Hugetlb").filter(|h| *h > 0).unwrap_or(total.saturating_mul(size));
        if total > 0 {
            seen.push(format!("HugePages_Total {total} × {} in /proc/meminfo", util::kib(size)));
        }
    }
    if let Some(c) = &model.snapshot.cmdline {
        let params: Vec<String> = c
            .params
            .iter()
            .filter(|(k, _)| k == "hugepages" || k == "hugepagesz" || k == "default_hugepagesz")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !params.is_empty() {
            seen.push(format!("`{}` on the kernel command line", params.join(" ")));
        }
    }
    (kb, seen)
}

fn finding(model: &Model, calc: &Calc, flagged: &[(&Zone, ZoneCheck)]) -> Finding {
    let (huge_kb, huge_seen) = hugepages(model);
    let mut parts = Vec::new();
    for (z, c) in flagged {
        let expected = match c.scale_gap_rounded {
            Some(r) if r >= c.tmp / 4 => format!(
                "≈{r} pages (managed {} × watermark_scale_factor {} / 10000)",
                z.managed.unwrap_or(0),
                calc.wsf
            ),
            _ => format!(
                "{} pages (a quarter of the zone's min share, {} pages)",
                c.expected_gap, c.tmp
            ),
        };
        parts.push(format!(
            "Node {} {}: min {} low {} high {}, a min→low gap of {} pages ({}) where the kernel \
             computes {expected} today ({})",
            z.node,
            z.zone,
            z.min.unwrap_or(0),
            z.low.unwrap_or(0),
            z.high.unwrap_or(0),
            c.observed_gap,
            util::pages(c.observed_gap),
            util::pages(c.expected_gap),
        ));
    }
    let formula = if calc.scale_factor_formula {
        "gap = max(min/4, managed × watermark_scale_factor / 10000), kernels 4.6 and later"
    } else {
        "gap = min/4, kernels up to 4.5"
    };
    let mut summary = format!(
        "The watermarks are far below what the kernel would compute from today's managed pages \
         ({formula}; vm.min_free_kbytes = {}, vm.watermark_scale_factor = {}). {}. ",
        calc.min_free_kbytes.map_or("unknown".to_string(), |v| v.to_string()),
        if calc.scale_factor_formula { calc.wsf.to_string() } else { "n/a".to_string() },
        parts.join("; ")
    );
    summary.push_str(
        "kswapd wakes when free pages fall below low, so with so small a gap it wakes too late \
         and compaction runs too late: high-order allocations fail although free pages abound. ",
    );
    // When the gap came from the scale factor, it tells the managed count at computation time.
    if let Some((z, c)) = flagged.first() {
        if calc.scale_factor_formula && calc.wsf > 0 {
            let then = c.observed_gap.saturating_mul(10_000) / calc.wsf;
            let now = z.managed.unwrap_or(0);
            summary.push_str(&format!(
                "The gap of Node {} {} fits a zone of about {} managed pages ({}); it manages {} \
                 ({}) now. ",
                z.node,
                z.zone,
                then,
                util::pages(then),
                now,
                util::pages(now)
            ));
        }
    }
    if huge_seen.is_empty() {
        summary.push_str(
            "The zone grew after the watermarks were set (memory hot-add, a balloon returning \
             memory, or memory freed late in boot); the watermarks were never recomputed.",
        );
    } else {
        summary.push_str(&format!(
            "Cause: hugepages are reserved at boot ({}; {} in all). The watermarks were computed \
             while the boot-time hugepages were still held by the boot allocator, so `managed` \
             was much smaller then; writing a vm sysctl later recomputes them.",
            huge_seen.join(", "),
            util::kib(huge_kb)
        ));
    }
    let failures = model.events.iter().filter(|e| e.kind() == EventKind::PageAllocFailure).count();
    if failures > 0 {
        summary.push_str(&format!(
            " The bundle has {failures} page allocation failure{} that this explains.",
            s(failures as u64)
        ));
    }

    let mut remediation = Vec::new();
    if calc.scale_factor_formula {
        remediation.push(format!(
            "Recompute the watermarks now: `sysctl -w vm.watermark_scale_factor={}` (writing the \
             value back recalculates every zone from today's managed pages).",
            calc.wsf
        ));
        remediation.push(
            "Make kswapd and compaction start earlier for good: `vm.watermark_scale_factor=50` \
             and `vm.extfrag_threshold=200` in /etc/sysctl.d/ (applied after boot, when the \
             hugepages are reserved, so the watermarks are computed with the right managed \
             count)."
                .to_string(),
        );
    } else {
        remediation.push(format!(
            "Recompute the watermarks now: `sysctl -w vm.min_free_kbytes={}` (writing the value \
             recalculates every zone); raise it to keep more free.",
            calc.min_free_kbytes.unwrap_or(0)
        ));
    }
    if !huge_seen.is_empty() {
        remediation.push(
            "Keep the setting in /etc/sysctl.d/ so it is applied after every boot-time hugepage \
             reservation."
                .to_string(),
        );
    }

    let zpath = util::source_path(model, SourceKind::Zoneinfo);
    let mut evidence: Vec<Evidence> = flagged
        .iter()
        .filter(|(z, _)| z.line > 0)
        .map(|(z, _)| Evidence {
            path: zpath.clone(),
            line: z.line,
            text: util::zone_header(z.node, &z.zone),
        })
        .collect();
    if let Some(c) = &model.snapshot.cmdline {
        if !c.hugepages.is_empty() && !c.raw.is_empty() {
            evidence.push(Evidence {
                path: util::source_path(model, SourceKind::Cmdline),
                line: 1,
                text: c.raw.clone(),
            });
        }
    }
    let zones: Vec<String> =
        flagged.iter().map(|(z, _)| format!("Node {} {}", z.node, z.zone)).collect();
    Finding {
        rule_id: ID.into(),
        severity: if failures > 0 { Severity::Error } else { Severity::Warning },
        title: format!(
            "Watermark gap far below the expected value in {}{}",
            zones.join(", "),
            if huge_seen.is_empty() { "" } else { " (boot-time hugepages)" }
        ),
        summary: summary.trim_end().to_string(),
        event_ids: model
            .events
            .iter()
            .filter(|e| e.kind() == EventKind::PageAllocFailure)
            .map(|e| e.id.clone())
            .collect(),
        evidence,
        remediation,
    }
}

#[cfg(test)]
mod tests;
