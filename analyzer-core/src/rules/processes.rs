//! The commands holding the most memory, from `ps aux` grouped by command (interpreters such
//! as `python3` are named by their script: `/usr/bin/python3 /usr/bin/nova-api-metadata` is
//! `nova-api-metadata`).
//! (`nova     4242  0.1  0.2 512340 89012 ?  S  Oct20  1:02 /usr/bin/python3 /usr/bin/nova-api-metadata`)

use std::collections::BTreeMap;

use super::util::{self, kib, percent};
use super::{NotChecked, Rule, RuleInfo, RuleOrigin, RuleOutcome};
use crate::model::{Evidence, Finding, Model, Severity};
use crate::parse::ps::CommandRss;
use crate::source::SourceKind;

/// The built-in process report.
pub(crate) struct TopProcesses;

const ID: &str = "memory.top_processes";

const INTERPRETERS: &[&str] = &["python", "perl", "ruby", "node", "php", "bash", "sh"];

impl Rule for TopProcesses {
    fn id(&self) -> &str {
        ID
    }

    fn describe(&self) -> RuleInfo {
        RuleInfo {
            id: ID.into(),
            title: "Commands holding the most memory".into(),
            description: "Resident memory from `ps` grouped by command, against the memory the \
                host keeps for itself (MemTotal minus hugepages). Many workers of one service \
                can eat the memory reserved for the host."
                .into(),
            severity: Severity::Warning,
            origin: RuleOrigin::Builtin,
            reads: vec!["ps aux".into(), "/proc/meminfo".into()],
            remediation: vec![],
            references: vec![],
            tests: 0,
        }
    }

    fn evaluate(&self, model: &Model) -> RuleOutcome {
        let Some(ps) = &model.snapshot.ps else {
            return RuleOutcome {
                findings: Vec::new(),
                not_checked: vec![NotChecked {
                    source: SourceKind::Ps,
                    path: util::missing_path(model, SourceKind::Ps),
                    what: "which processes hold memory".into(),
                }],
            };
        };
        let groups = by_command(ps.processes.iter().map(|p| (p.command.as_str(), p.rss_kb)));
        let Some(top) = groups.first() else { return RuleOutcome::default() };
        let mi = model.snapshot.meminfo.as_ref();
        let total = mi.and_then(|m| m.get("MemTotal")).unwrap_or(0);
        let hugetlb = mi
            .and_then(|m| {
                m.get("Hugetlb").filter(|h| *h > 0).or_else(|| {
                    Some(m.get("HugePages_Total")?.saturating_mul(m.get("Hugepagesize")?))
                })
            })
            .unwrap_or(0);
        let host = total.saturating_sub(hugetlb);
        let share = percent(top.rss_kb, host);
        // Many workers of one command holding a large share, or one command holding nearly all.
        let severity = if host > 0 && (share >= 75.0 || (share >= 25.0 && top.processes >= 16)) {
            Severity::Warning
        } else {
            Severity::Info
        };
        let list: Vec<String> = groups
            .iter()
            .take(5)
            .map(|g| {
                format!(
                    "{} ({} process{}, {}{})",
                    g.command,
                    g.processes,
                    if g.processes == 1 { "" } else { "es" },
                    kib(g.rss_kb),
                    if host > 0 {
                        format!(", {:.0} %", percent(g.rss_kb, host))
                    } else {
                        String::new()
                    }
                )
            })
            .collect();
        let base = if hugetlb > 0 {
            format!("of the {} the host keeps outside hugepages", kib(host))
        } else {
            format!("of {}", kib(host))
        };
        let mut summary = format!(
            "Resident memory by command ({base}; RSS summed per process, so shared pages count \
             more than once): {}.",
            list.join(", ")
        );
        let mut remediation = Vec::new();
        if severity == Severity::Warning {
            summary.push_str(&format!(
                " {} {} process{} alone hold {:.0} % of it.",
                top.processes,
                top.command,
                if top.processes == 1 { "" } else { "es" },
                share
            ));
            remediation.push(format!(
                "Reduce the number of {} workers (or its memory limit) so the host keeps memory \
                 for the kernel, page cache and its own services.",
                top.command
            ));
        }
        // Evidence: the first rows of the largest group.
        let path = util::source_path(model, SourceKind::Ps);
        let evidence = ps
            .processes
            .iter()
            .filter(|p| p.line > 0 && command_name(&p.command) == top.command)
            .take(5)
            .map(|p| Evidence { path: path.clone(), line: p.line, text: p.command.clone() })
            .collect();
        RuleOutcome::findings(vec![Finding {
            rule_id: ID.into(),
            severity,
            title: format!(
                "{} {} process{} hold {}",
                top.processes,
                top.command,
                if top.processes == 1 { "" } else { "es" },
                kib(top.rss_kb)
            ),
            summary,
            event_ids: Vec::new(),
            evidence,
            remediation,
        }])
    }
}

/// The name a command line is grouped under.
pub(crate) fn command_name(command: &str) -> String {
    let mut words = command.split_whitespace();
    let Some(first) = words.next() else { return String::new() };
    if first.starts_with('[') {
        return first.trim_matches(|c| c == '[' || c == ']').to_string();
    }
    let base = first.rsplit('/').next().unwrap_or(first).trim_end_matches(':');
    let is_interp = INTERPRETERS.iter().any(|i| {
        base.strip_prefix(i)
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    });
    if is_interp {
        if let Some(script) = words.find(|w| !w.starts_with('-')) {
            return script.rsplit('/').next().unwrap_or(script).trim_end_matches(':').to_string();
        }
    }
    base.to_string()
}

/// Processes grouped by command, largest RSS first.
pub(crate) fn by_command<'a>(rows: impl Iterator<Item = (&'a str, u64)>) -> Vec<CommandRss> {
    let mut map: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for (command, rss) in rows {
        let e = map.entry(command_name(command)).or_insert((0, 0));
        e.0 += 1;
        e.1 = e.1.saturating_add(rss);
    }
    let mut groups: Vec<CommandRss> = map
        .into_iter()
        .map(|(command, (processes, rss_kb))| CommandRss { command, processes, rss_kb })
        .collect();
    groups.sort_by(|a, b| b.rss_kb.cmp(&a.rss_kb).then(a.command.cmp(&b.command)));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names() {
        assert_eq!(
            command_name(
                "/usr/bin/python3 /usr/bin/nova-api-metadata --config-file=/etc/nova/nova.conf"
            ),
            "nova-api-metadata"
        );
        assert_eq!(command_name("/usr/bin/python2.7 -s /usr/bin/neutron-server"), "neutron-server");
        assert_eq!(command_name("/usr/bin/ceph-osd -f --cluster ceph --id 3"), "ceph-osd");
        assert_eq!(command_name("[kworker/0:1]"), "kworker/0:1");
        assert_eq!(
            command_name("qemu-system-x86_64 -name guest=instance-0001"),
            "qemu-system-x86_64"
        );
        assert_eq!(command_name("pythonista run"), "pythonista");
    }

    #[test]
    fn grouping() {
        let rows = [
            ("/usr/bin/python3 /usr/bin/nova-api-metadata", 100),
            ("/usr/bin/python3 /usr/bin/nova-api-metadata", 50),
            ("sshd: root", 10),
        ];
        let g = by_command(rows.iter().map(|(c, r)| (*c, *r)));
        assert_eq!(
            g[0],
            CommandRss { command: "nova-api-metadata".into(), processes: 2, rss_kb: 150 }
        );
        assert_eq!(g[1].command, "sshd");
    }
}
