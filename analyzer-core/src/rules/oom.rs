//! OOM kills (`Out of memory: Killed process 4242 (java) total-vm:… anon-rss:…`): the victims,
//! the largest of them, who invoked the killer, and whether it was a cgroup limit.

use std::collections::BTreeMap;

use super::util::{self, s};
use super::{Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{Event, EventFields, Finding, Model, OomKill, Severity};

/// The built-in OOM-kill analysis.
pub(crate) struct OomKills;

const ID: &str = "memory.oom_kill";

impl Rule for OomKills {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "OOM kills".into(),
            description: "Processes killed by the out-of-memory killer: victims by name with \
                their resident memory, the largest consumers, the tasks that invoked it, and \
                whether a cgroup (memcg) limit or the whole host ran out."
                .into(),
            severity: Severity::Error,
            origin: RuleOrigin::Builtin,
            reads: vec!["events: oom_kill".into()],
            remediation: vec![],
            references: vec![
                "https://docs.kernel.org/admin-guide/mm/concepts.html#oom-killer".into(),
            ],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let kills: Vec<(&Event, &OomKill)> = model
            .events
            .iter()
            .filter_map(|e| match &e.fields {
                EventFields::OomKill(o) => Some((e, o)),
                _ => None,
            })
            .collect();
        if kills.is_empty() {
            return RuleOutcome::default();
        }
        RuleOutcome::findings(vec![finding(&kills)])
    }
}

fn rss(o: &OomKill) -> u64 {
    o.anon_rss_kb
        .unwrap_or(0)
        .saturating_add(o.file_rss_kb.unwrap_or(0))
        .saturating_add(o.shmem_rss_kb.unwrap_or(0))
}

fn finding(kills: &[(&Event, &OomKill)]) -> Finding {
    let n = kills.len() as u64;
    let mut victims: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut invokers: BTreeMap<&str, u64> = BTreeMap::new();
    let mut memcg = 0u64;
    for (_, o) in kills {
        let v = victims.entry(o.victim.as_deref().unwrap_or("unknown")).or_insert((0, 0));
        v.0 += 1;
        v.1 = v.1.max(rss(o));
        if let Some(i) = o.invoker.as_deref() {
            *invokers.entry(i).or_default() += 1;
        }
        if o.constraint.as_deref().is_some_and(|c| c.contains("MEMCG")) {
            memcg += 1;
        }
    }
    let mut victim_list: Vec<(&str, (u64, u64))> = victims.into_iter().collect();
    victim_list.sort_by(|a, b| b.1.1.cmp(&a.1.1).then(a.0.cmp(b.0)));
    let names: Vec<String> = victim_list
        .iter()
        .take(6)
        .map(|(name, (count, rss))| {
            let times = if *count > 1 { format!(" ×{count}") } else { String::new() };
            format!("{name}{times} (up to {} resident)", util::kib(*rss))
        })
        .collect();
    let mut invoker_list: Vec<(&str, u64)> = invokers.into_iter().collect();
    invoker_list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let first = kills.first().map(|(e, _)| util::time_text(&e.time)).unwrap_or_default();
    let last = kills.last().map(|(e, _)| util::time_text(&e.time)).unwrap_or_default();
    let mut summary = format!(
        "The OOM killer killed {n} process{} between {first} and {last}. Victims, largest first: {}. ",
        if n == 1 { "" } else { "es" },
        names.join(", ")
    );
    if !invoker_list.is_empty() {
        let inv: Vec<String> =
            invoker_list.iter().take(4).map(|(i, c)| format!("{i} ({c})")).collect();
        summary.push_str(&format!("Invoked by: {}. ", inv.join(", ")));
    }
    if memcg == n {
        summary.push_str(
            "Every kill was a cgroup memory limit (CONSTRAINT_MEMCG), not the host running out.",
        );
    } else if memcg > 0 {
        summary.push_str(&format!("{memcg} of them were cgroup memory limits (CONSTRAINT_MEMCG)."));
    } else {
        summary.push_str("The host as a whole ran out of memory.");
    }
    let largest = victim_list.first().map_or("unknown", |v| v.0);
    let mut remediation = vec![format!(
        "Find why {largest} grew (its own limits, a leak, more workers than the host can hold) and \
         size it, or the host, accordingly."
    )];
    if memcg > 0 {
        remediation.push("Raise the container or service memory limit (memory.max / MemoryMax=) if the workload needs it.".into());
    }
    let mut evidence = Vec::new();
    for (e, _) in kills.iter().take(20) {
        evidence.extend(util::headline_evidence(e));
    }
    Finding {
        rule_id: ID.into(),
        severity: Severity::Error,
        title: format!(
            "{n} OOM kill{}: {}",
            s(n),
            victim_list.iter().take(3).map(|v| v.0).collect::<Vec<_>>().join(", ")
        ),
        summary: summary.trim_end().to_string(),
        event_ids: kills.iter().map(|(e, _)| e.id.clone()).collect(),
        evidence,
        remediation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::{event, model_with};

    #[test]
    fn victims_sorted_by_size() {
        let e1 = event(
            1,
            EventFields::OomKill(OomKill {
                victim: Some("java".into()),
                pid: Some(4242),
                invoker: Some("kworker/1:2".into()),
                anon_rss_kb: Some(8_000_000),
                file_rss_kb: Some(1000),
                constraint: Some("CONSTRAINT_NONE".into()),
                ..OomKill::default()
            }),
            "Out of memory: Killed process 4242 (java) total-vm:9000000kB, anon-rss:8000000kB, file-rss:1000kB, shmem-rss:0kB",
        );
        let e2 = event(
            2,
            EventFields::OomKill(OomKill {
                victim: Some("ceph-osd".into()),
                pid: Some(77),
                anon_rss_kb: Some(12_000_000),
                ..OomKill::default()
            }),
            "Out of memory: Killed process 77 (ceph-osd) anon-rss:12000000kB",
        );
        let m = model_with(vec![e1, e2]);
        let f = OomKills.evaluate(&m).findings;
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].title, "2 OOM kills: ceph-osd, java");
        assert!(
            f[0].summary
                .contains("ceph-osd (up to 11.4 GiB resident), java (up to 7.6 GiB resident)"),
            "{}",
            f[0].summary
        );
        assert!(f[0].summary.contains("The host as a whole ran out of memory."));
        assert_eq!(f[0].evidence.len(), 2);
    }
}
