//! Hugepages reserved versus used (`/proc/meminfo` `HugePages_Total: 360`,
//! `HugePages_Free: 8`, `Hugepagesize: 1048576 kB`), and boot-time requests
//! (`hugepages=` on the kernel command line) that were not met.

use super::util::{self, kib, percent};
use super::{Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{Evidence, Finding, Model, Severity};
use crate::source::SourceKind;

/// The built-in hugepage report.
pub(crate) struct Hugepages;

const ID: &str = "memory.hugepages";

impl Rule for Hugepages {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "Hugepages reserved versus used".into(),
            description: "How much memory hugepages reserve, how much of it is in use, what is \
                left for everything else, and whether the boot-time request on the kernel \
                command line was met."
                .into(),
            severity: Severity::Warning,
            origin: RuleOrigin::Builtin,
            reads: vec!["/proc/meminfo HugePages_*".into(), "/proc/cmdline hugepages=".into()],
            remediation: vec![],
            references: vec!["https://docs.kernel.org/admin-guide/mm/hugetlbpage.html".into()],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let Some(mi) = &model.snapshot.meminfo else { return RuleOutcome::default() };
        let total = mi.get("HugePages_Total").unwrap_or(0);
        let requested: u64 =
            model.snapshot.cmdline.as_ref().map_or(0, |c| c.hugepages.iter().sum());
        if total == 0 && requested == 0 {
            return RuleOutcome::default();
        }
        let free = mi.get("HugePages_Free").unwrap_or(0);
        let rsvd = mi.get("HugePages_Rsvd").unwrap_or(0);
        let size = mi.get("Hugepagesize").unwrap_or(2048);
        let mem_total = mi.get("MemTotal").unwrap_or(0);
        let reserved_kb =
            mi.get("Hugetlb").filter(|h| *h > 0).unwrap_or(total.saturating_mul(size));
        let used = total.saturating_sub(free);
        let idle = free.saturating_sub(rsvd);
        let left = mem_total.saturating_sub(reserved_kb);

        let mut summary = format!(
            "{total} hugepages of {} reserved: {} ({:.0} % of MemTotal {}). {used} in use, {free} \
             free ({rsvd} of them promised to mappings), so {} sit idle. {} is left for the \
             kernel, page cache and every other process.",
            kib(size),
            kib(reserved_kb),
            percent(reserved_kb, mem_total),
            kib(mem_total),
            kib(idle.saturating_mul(size)),
            kib(left),
        );
        let mut severity = Severity::Info;
        let mut remediation = Vec::new();
        let short = requested > 0
            && total < requested
            && model.snapshot.cmdline.as_ref().is_some_and(|c| c.hugepages.len() == 1);
        if short {
            severity = Severity::Warning;
            summary.push_str(&format!(
                " The kernel command line asks for {requested}, but only {total} were allocated: \
                 memory was too fragmented or too small at boot."
            ));
            remediation.push("Reserve fewer hugepages, or reserve them earlier (on the kernel command line rather than by sysctl later).".into());
        }
        let idle_kb = idle.saturating_mul(size);
        if total > 0 && idle_kb >= 1 << 20 && idle.saturating_mul(4) >= total {
            severity = Severity::Warning;
            summary.push_str(&format!(
                " {} of hugepages are reserved and unused: the rest of the host cannot use that memory.",
                kib(idle_kb)
            ));
            remediation.push(format!(
                "Lower vm.nr_hugepages (now {}) to what the workloads map, or start the workloads that should use them.",
                model.snapshot.sysctls.get("vm.nr_hugepages").map_or(total.to_string(), |v| v.trim().to_string())
            ));
        }
        let mut evidence = Vec::new();
        if let Some(c) = &model.snapshot.cmdline {
            if requested > 0 && !c.raw.is_empty() {
                evidence.push(Evidence {
                    path: util::source_path(model, SourceKind::Cmdline),
                    line: 1,
                    text: c.raw.clone(),
                });
            }
        }
        RuleOutcome::findings(vec![Finding {
            rule_id: ID.into(),
            severity,
            title: format!(
                "Hugepages: {} reserved ({:.0} % of memory), {used} of {total} in use",
                kib(reserved_kb),
                percent(reserved_kb, mem_total)
            ),
            summary,
            event_ids: Vec::new(),
            evidence,
            remediation,
        }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::cmdline::Cmdline;
    use crate::parse::meminfo::Meminfo;
    use crate::rules::testutil::model_with;

    fn meminfo(pairs: &[(&str, u64)]) -> Meminfo {
        Meminfo {
            values: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            unparsed: vec![],
        }
    }

    #[test]
    fn idle_hugepages_are_a_warning() {
        let mut m = model_with(vec![]);
        m.snapshot.meminfo = Some(meminfo(&[
            ("MemTotal", 394_726_576),
            ("HugePages_Total", 360),
            ("HugePages_Free", 120),
            ("HugePages_Rsvd", 0),
            ("Hugepagesize", 1_048_576),
        ]));
        let f = Hugepages.evaluate(&m).findings;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(f[0].title, "Hugepages: 360.0 GiB reserved (96 % of memory), 240 of 360 in use");
        assert!(
            f[0].summary.contains("120.0 GiB of hugepages are reserved and unused"),
            "{}",
            f[0].summary
        );
    }

    #[test]
    fn unmet_boot_request() {
        let mut m = model_with(vec![]);
        m.snapshot.meminfo = Some(meminfo(&[
            ("MemTotal", 16_000_000),
            ("HugePages_Total", 100),
            ("HugePages_Free", 0),
            ("Hugepagesize", 2048),
        ]));
        m.snapshot.cmdline = Some(Cmdline {
            raw: "BOOT_IMAGE=/vmlinuz hugepages=1024".into(),
            hugepages: vec![1024],
            ..Cmdline::default()
        });
        let f = Hugepages.evaluate(&m).findings;
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f[0].summary.contains("asks for 1024, but only 100 were allocated"));
        assert_eq!(f[0].evidence[0].text, "BOOT_IMAGE=/vmlinuz hugepages=1024");
    }

    #[test]
    fn nothing_configured_nothing_said() {
        let mut m = model_with(vec![]);
        m.snapshot.meminfo = Some(meminfo(&[("MemTotal", 16_000_000), ("HugePages_Total", 0)]));
        assert!(Hugepages.evaluate(&m).findings.is_empty());
    }
}
