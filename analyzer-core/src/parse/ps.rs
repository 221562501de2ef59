//! `ps auxwww` / `ps auxwwwm` output, columns taken from the header:
//! `root  1  0.0  0.1 193936  6908 ?  Ss  Nov21  0:10 /usr/lib/systemd/systemd --system`.
//! Thread rows of `m` (PID `-`) are skipped.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, numbered_lines};

/// One process row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Process {
    /// `USER`.
    pub user: String,
    /// `PID`.
    pub pid: u32,
    /// `RSS`, kB.
    pub rss_kb: u64,
    /// `VSZ`, kB.
    pub vsz_kb: u64,
    /// `STAT`.
    pub stat: String,
    /// `COMMAND` with its arguments.
    pub command: String,
    /// 1-based line.
    pub line: u64,
}

impl Process {
    /// The command name: the first word of `COMMAND` without its path (`/usr/bin/java -Xmx` →
    /// `java`, `postgres: writer` → `postgres`); kernel threads keep their brackets
    /// (`[kworker/0:1]`).
    pub fn command_name(&self) -> &str {
        let first = self.command.split_whitespace().next().unwrap_or("");
        if first.starts_with('[') {
            return first;
        }
        let base = first.rsplit('/').next().unwrap_or(first);
        base.strip_suffix(':').unwrap_or(base)
    }
}

/// Memory held by all processes of one command name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommandRss {
    /// Command name (first word of `COMMAND`, path and arguments dropped).
    pub command: String,
    /// Number of processes.
    pub processes: u64,
    /// Summed RSS, kB.
    pub rss_kb: u64,
}

/// Parsed `ps` output.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PsTable {
    /// Every process row.
    pub processes: Vec<Process>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl PsTable {
    /// RSS summed per command name, largest first (ties by name).
    pub fn by_command(&self) -> Vec<CommandRss> {
        let mut sums: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for p in &self.processes {
            let entry = sums.entry(p.command_name()).or_default();
            entry.0 = entry.0.saturating_add(1);
            entry.1 = entry.1.saturating_add(p.rss_kb);
        }
        let mut out: Vec<CommandRss> = sums
            .into_iter()
            .map(|(command, (processes, rss_kb))| CommandRss {
                command: command.to_string(),
                processes,
                rss_kb,
            })
            .collect();
        out.sort_by(|a, b| b.rss_kb.cmp(&a.rss_kb).then_with(|| a.command.cmp(&b.command)));
        out
    }

    /// RSS of all processes, kB.
    pub fn total_rss_kb(&self) -> u64 {
        self.processes.iter().map(|p| p.rss_kb).fold(0, u64::saturating_add)
    }
}

impl ParsedFile for PsTable {
    fn record_count(&self) -> usize {
        self.processes.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `ps` output with a header naming at least `PID`, `RSS` and a last `COMMAND`/`CMD`
/// column (`ps aux`, `ps alx`, `ps -eo pid,rss,comm`…).
pub fn parse(text: &str) -> PsTable {
    let mut out = PsTable::default();
    let mut columns: Vec<&str> = Vec::new();
    for (no, raw) in numbered_lines(text) {
        if raw.trim().is_empty() {
            continue;
        }
        let words: Vec<&str> = raw.split_whitespace().collect();
        if is_header(&words) {
            columns = words;
            continue;
        }
        match row(&columns, raw, no) {
            Some(Some(process)) => out.processes.push(process),
            Some(None) => {}
            None => out.unparsed.push(Unparsed::new(no, raw)),
        }
    }
    out
}

fn is_header(words: &[&str]) -> bool {
    words.contains(&"PID")
        && words.contains(&"RSS")
        && matches!(words.last(), Some(&("COMMAND" | "CMD" | "COMM")))
}

/// One row: `Some(Some(p))` a process, `Some(None)` a thread row of `ps m`, `None` not a row.
fn row(columns: &[&str], raw: &str, line: u64) -> Option<Option<Process>> {
    let fields = columns.len().checked_sub(1).filter(|&n| n > 0)?;
    let mut rest = raw.trim_start();
    let mut values = Vec::with_capacity(fields);
    for _ in 0..fields {
        let end = rest.find(char::is_whitespace)?;
        values.push(rest.get(..end)?);
        rest = rest.get(end..)?.trim_start();
    }
    let value = |name: &str| columns.iter().position(|c| *c == name).and_then(|i| values.get(i));
    let pid = value("PID")?;
    if *pid == "-" {
        return Some(None);
    }
    let number = |name: &str| value(name).and_then(|v| v.parse::<u64>().ok());
    Some(Some(Process {
        user: value("USER").or_else(|| value("UID")).map(|s| s.to_string()).unwrap_or_default(),
        pid: pid.parse().ok()?,
        rss_kb: number("RSS")?,
        vsz_kb: number("VSZ").or_else(|| number("VSS")).unwrap_or(0),
        stat: value("STAT").or_else(|| value("S")).map(|s| s.to_string()).unwrap_or_default(),
        command: rest.trim_end().to_string(),
        line,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PS: &str = "\
USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root           1  0.0  0.1 193936  6908 ?        Ss   Nov21   0:10 /usr/lib/systemd/systemd --switched-root --system
root           -  0.0    -      -     - -        Ss   Nov21   0:10 -
root           2  0.0  0.0      0     0 ?        S    Nov21   0:00 [kthreadd]
mysql       1201  1.2 30.5 9912345 2500000 ?     Sl   Nov21  10:00 /usr/sbin/mysqld --basedir=/usr
mysql       1202  0.0  0.1 12345  1000 ?         S    Nov21   0:00 /usr/sbin/mysqld --helper
postgres    1300  0.0  0.2 22222  3000 ?         Ss   Nov21   0:00 postgres: writer process
garbage line
";

    #[test]
    fn rows_and_rss_by_command() {
        let ps = parse(PS);
        assert_eq!(ps.processes.len(), 5);
        assert_eq!(ps.unparsed, vec![Unparsed::new(8, "garbage line")]);
        let first = &ps.processes[0];
        assert_eq!((first.pid, first.rss_kb, first.vsz_kb), (1, 6908, 193_936));
        assert_eq!(first.command, "/usr/lib/systemd/systemd --switched-root --system");
        assert_eq!(ps.processes[1].command_name(), "[kthreadd]");
        let by = ps.by_command();
        assert_eq!(by[0], CommandRss { command: "mysqld".into(), processes: 2, rss_kb: 2_501_000 });
        assert_eq!(by[1].command, "systemd");
        assert_eq!(by[2].command, "postgres");
        assert_eq!(ps.total_rss_kb(), 2_510_908);
    }
}
