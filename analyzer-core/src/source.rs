//! Sources: what each file of a bundle is. The path table maps sos 3.x and 4.x and supportconfig
//! paths to a [`SourceKind`] (docs/FORMATS.md, 1.5 and 2.3), e.g. `sos_commands/kernel/dmesg`
//! → [`SourceKind::Dmesg`], `var/log/messages-20261101.gz` → [`SourceKind::Syslog`] (gzip).
//!
//! Paths are relative to the bundle root, `/`-separated, without a leading `./` or `/`.
//! Supportconfig sections are virtual sources named `<file>.txt#<label>`, where the label is the
//! `# …` line after the section marker: `memory.txt#/proc/meminfo`,
//! `basic-environment.txt#/bin/uname -a`.

use serde::Serialize;

use crate::bundle::InputKind;

/// What a file of a bundle holds. Names match the `parse` KINDs of the command line and the
/// `sources[].kind` values of the JSON report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Kernel ring buffer as printed by `dmesg` (`[ sec.usec] msg`, or `dmesg -T`).
    Dmesg,
    /// A syslog file (`messages*`, `kern.log*`, `syslog*`).
    Syslog,
    /// A journal export (`journalctl --no-pager …`, `short` output).
    Journal,
    /// A journal export in `--output verbose` form (one `KEY=value` block per record).
    JournalVerbose,
    /// `/proc/meminfo`.
    Meminfo,
    /// `free` output.
    Free,
    /// `/proc/zoneinfo`.
    Zoneinfo,
    /// `/proc/buddyinfo`.
    Buddyinfo,
    /// `/proc/pagetypeinfo`.
    Pagetypeinfo,
    /// `/proc/slabinfo`.
    Slabinfo,
    /// `/proc/vmstat`.
    Vmstat,
    /// `sysctl -a` output.
    Sysctl,
    /// One `/proc/sys/**` file (one value).
    ProcSys,
    /// `uname -a`.
    Uname,
    /// `hostname`.
    Hostname,
    /// `date` or `date --utc`.
    Date,
    /// `uptime`.
    Uptime,
    /// `/proc/stat` (for `btime`).
    ProcStat,
    /// `/proc/cmdline`.
    Cmdline,
    /// `ps` output.
    Ps,
    /// `/proc/mounts` or `mount` output.
    Mounts,
    /// `sos_reports/manifest.json`.
    Manifest,
    /// `version.txt`.
    Version,
}

impl SourceKind {
    /// The name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Dmesg => "dmesg",
            SourceKind::Syslog => "syslog",
            SourceKind::Journal => "journal",
            SourceKind::JournalVerbose => "journal_verbose",
            SourceKind::Meminfo => "meminfo",
            SourceKind::Free => "free",
            SourceKind::Zoneinfo => "zoneinfo",
            SourceKind::Buddyinfo => "buddyinfo",
            SourceKind::Pagetypeinfo => "pagetypeinfo",
            SourceKind::Slabinfo => "slabinfo",
            SourceKind::Vmstat => "vmstat",
            SourceKind::Sysctl => "sysctl",
            SourceKind::ProcSys => "proc_sys",
            SourceKind::Uname => "uname",
            SourceKind::Hostname => "hostname",
            SourceKind::Date => "date",
            SourceKind::Uptime => "uptime",
            SourceKind::ProcStat => "proc_stat",
            SourceKind::Cmdline => "cmdline",
            SourceKind::Ps => "ps",
            SourceKind::Mounts => "mounts",
            SourceKind::Manifest => "manifest",
            SourceKind::Version => "version",
        }
    }

    /// Whether the source is a kernel/system log, streamed line by line into the timeline
    /// rather than buffered.
    pub fn is_log(self) -> bool {
        matches!(
            self,
            SourceKind::Dmesg
                | SourceKind::Syslog
                | SourceKind::Journal
                | SourceKind::JournalVerbose
        )
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the path table says about one file of a bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Classification {
    /// What the file holds.
    pub kind: SourceKind,
    /// The file is gzip-compressed (a rotated `messages-20261101.gz`) and is read through a
    /// decompressor.
    pub gzip: bool,
    /// The file is a `sos_strings/<plugin>/<name>.tailed` copy: sos kept only its tail.
    pub tailed: bool,
}

impl Classification {
    fn plain(kind: SourceKind) -> Classification {
        Classification { kind, gzip: false, tailed: false }
    }
}

/// Classifies a path of a sosreport (3.x or 4.x) by the path table. `None` for files the
/// analysis does not read. Root convenience links (`free`, `uname`, …) are not classified here:
/// they are links, see [`classify_root_link`].
pub fn classify(path: &str) -> Option<Classification> {
    let path = normalize(path);
    if let Some(rest) = path.strip_prefix("sos_strings/") {
        return classify_tailed(rest);
    }
    if let Some(stem) = path.strip_suffix(".gz") {
        let kind = classify_plain(stem)?;
        return kind.is_log().then_some(Classification { kind, gzip: true, tailed: false });
    }
    classify_plain(path).map(Classification::plain)
}

/// Classifies a root convenience symlink of a sosreport (`free`, `uname`, `hostname`, `uptime`,
/// `date`, `ps`, `mount`). Its target is read under the link's kind when the target's own path
/// is not in the table (4.2+ root `date` → `sos_commands/systemd/timedatectl`, say).
pub fn classify_root_link(name: &str) -> Option<SourceKind> {
    Some(match normalize(name) {
        "free" => SourceKind::Free,
        "uname" => SourceKind::Uname,
        "hostname" => SourceKind::Hostname,
        "uptime" => SourceKind::Uptime,
        "date" => SourceKind::Date,
        "ps" => SourceKind::Ps,
        "mount" => SourceKind::Mounts,
        _ => return None,
    })
}

fn normalize(path: &str) -> &str {
    let mut p = path;
    loop {
        if let Some(rest) = p.strip_prefix("./") {
            p = rest;
        } else if let Some(rest) = p.strip_prefix('/') {
            p = rest;
        } else {
            return p;
        }
    }
}

/// `sos_strings/<plugin>/<mangled>.tailed`: de-mangles the name back to the path it replaces.
/// Command outputs become `sos_commands/<plugin>/<mangled>`; copied files had `/` replaced by
/// `.`, so the known directory prefixes (`var.log.`, `proc.sys.vm.`, `proc.`, …) are turned back
/// into folders and the rest is kept as the file name.
fn classify_tailed(rest: &str) -> Option<Classification> {
    let (plugin, name) = rest.split_once('/')?;
    let name = name.strip_suffix(".tailed")?;
    let tailed = |class: Classification| Classification { tailed: true, ..class };
    if let Some(class) = classify(&format!("sos_commands/{plugin}/{name}")) {
        return Some(tailed(class));
    }
    const PREFIXES: [(&str, &str); 6] = [
        ("var.log.", "var/log/"),
        ("proc.sys.vm.", "proc/sys/vm/"),
        ("proc.sys.kernel.", "proc/sys/kernel/"),
        ("proc.sys.fs.", "proc/sys/fs/"),
        ("proc.", "proc/"),
        ("run.log.", "run/log/"),
    ];
    let (mangled, dir) = PREFIXES.iter().find(|(mangled, _)| name.starts_with(mangled))?;
    let file = name.get(mangled.len()..)?;
    let class = classify(&format!("{dir}{file}"))?;
    (!class.tailed).then(|| tailed(class))
}

/// The table proper, for an uncompressed, non-tailed path.
fn classify_plain(path: &str) -> Option<SourceKind> {
    use SourceKind as K;
    let kind = match path {
        "version.txt" => K::Version,
        "sos_reports/manifest.json" => K::Manifest,
        "sos_commands/kernel/dmesg" | "sos_commands/kernel/dmesg_-T" => K::Dmesg,
        "proc/meminfo" => K::Meminfo,
        "sos_commands/memory/free" | "sos_commands/memory/free_-m" => K::Free,
        "proc/zoneinfo" => K::Zoneinfo,
        "proc/buddyinfo" => K::Buddyinfo,
        "proc/pagetypeinfo" => K::Pagetypeinfo,
        "proc/slabinfo" => K::Slabinfo,
        "proc/vmstat" => K::Vmstat,
        "sos_commands/kernel/sysctl_-a" => K::Sysctl,
        "sos_commands/kernel/uname_-a" | "sos_commands/general/uname_-a" => K::Uname,
        "sos_commands/host/hostname" | "sos_commands/general/hostname" => K::Hostname,
        "sos_commands/date/date"
        | "sos_commands/date/date_--utc"
        | "sos_commands/general/date"
        | "sos_commands/systemd/timedatectl" => K::Date,
        "sos_commands/host/uptime" | "sos_commands/general/uptime" => K::Uptime,
        "proc/stat" => K::ProcStat,
        "proc/cmdline" => K::Cmdline,
        "proc/mounts" | "sos_commands/filesys/mount_-l" | "sos_commands/filesys/mount" => K::Mounts,
        "sos_commands/process/ps_auxwww"
        | "sos_commands/process/ps_auxwwwm"
        | "sos_commands/process/ps_auxfwww"
        | "sos_commands/process/ps_aux" => K::Ps,
        "proc/sys/kernel/tainted" => K::ProcSys,
        _ => return classify_pattern(path),
    };
    Some(kind)
}

fn classify_pattern(path: &str) -> Option<SourceKind> {
    use SourceKind as K;
    if let Some(name) = path.strip_prefix("var/log/") {
        if is_rotation_of(name, "messages")
            || is_rotation_of(name, "kern.log")
            || is_rotation_of(name, "syslog")
        {
            return Some(K::Syslog);
        }
        if is_rotation_of(name, "dmesg") || name == "dmesg.old" {
            return Some(K::Dmesg);
        }
        return None;
    }
    if let Some(name) = path.strip_prefix("sos_commands/logs/") {
        if name.starts_with("journalctl_") && name.contains("--no-pager") {
            return Some(if name.contains("_--output_verbose") || name.contains("_-o_verbose") {
                K::JournalVerbose
            } else {
                K::Journal
            });
        }
        return None;
    }
    if let Some(name) = path.strip_prefix("proc/sys/vm/") {
        return (!name.is_empty() && !name.contains('/')).then_some(K::ProcSys);
    }
    if let Some(name) = path.strip_prefix("proc/sys/kernel/") {
        return name.starts_with("hung_task_").then_some(K::ProcSys);
    }
    if let Some(name) = path.strip_prefix("proc/sys/fs/") {
        return name.starts_with("aio-").then_some(K::ProcSys);
    }
    None
}

/// `messages`, `messages-20261101`, `messages.1` (not `messages.lock` or `messages_old`).
fn is_rotation_of(name: &str, base: &str) -> bool {
    match name.strip_prefix(base) {
        Some("") => true,
        Some(rest) => {
            let suffix = rest.strip_prefix('-').or_else(|| rest.strip_prefix('.'));
            suffix.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        }
        None => false,
    }
}

/// Classifies a supportconfig section by the `# …` label that follows its marker: a file path
/// (`/proc/meminfo`, `/var/log/messages`) goes through the sosreport table, a command
/// (`/usr/bin/free -k`, `/bin/dmesg -T`, `/usr/sbin/sysctl -a`) by its program name.
pub fn classify_supportconfig_label(label: &str) -> Option<SourceKind> {
    use SourceKind as K;
    let label = label.trim();
    let mut words = label.split_whitespace();
    let first = words.next()?;
    let args: Vec<&str> = words.collect();
    if args.is_empty() && first.starts_with('/') {
        if let Some(class) = classify(first).filter(|c| !c.gzip) {
            return Some(class.kind);
        }
    }
    let program = first.rsplit('/').next().unwrap_or(first);
    let kind = match program {
        "dmesg" => K::Dmesg,
        "journalctl" => {
            if args.iter().any(|a| a.contains("verbose")) {
                K::JournalVerbose
            } else {
                K::Journal
            }
        }
        "uname" if args.first() == Some(&"-a") => K::Uname,
        "date" if args.iter().all(|a| matches!(*a, "-u" | "--utc" | "--universal")) => K::Date,
        "uptime" if args.is_empty() => K::Uptime,
        "free" => K::Free,
        "sysctl" if args.first() == Some(&"-a") => K::Sysctl,
        "hostname" if args.is_empty() => K::Hostname,
        "cat" if args.len() == 1 => return classify(args.first()?).map(|c| c.kind),
        _ => return None,
    };
    Some(kind)
}

/// A source every bundle of a kind should have; when none of `kinds` is found, the report lists
/// it as missing at `path`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    /// Any of these satisfies the expectation (`syslog` or `journal`, say).
    pub kinds: &'static [SourceKind],
    /// Where it is normally found, reported for a missing source.
    pub path: &'static str,
}

const fn expect(kinds: &'static [SourceKind], path: &'static str) -> Expected {
    Expected { kinds, path }
}

const SOSREPORT_EXPECTED: [Expected; 16] = [
    expect(&[SourceKind::Version], "version.txt"),
    expect(&[SourceKind::Dmesg], "sos_commands/kernel/dmesg"),
    expect(&[SourceKind::Syslog, SourceKind::Journal], "var/log/messages"),
    expect(&[SourceKind::Meminfo], "proc/meminfo"),
    expect(&[SourceKind::Free], "sos_commands/memory/free"),
    expect(&[SourceKind::Zoneinfo], "proc/zoneinfo"),
    expect(&[SourceKind::Buddyinfo], "proc/buddyinfo"),
    expect(&[SourceKind::Pagetypeinfo], "proc/pagetypeinfo"),
    expect(&[SourceKind::Slabinfo], "proc/slabinfo"),
    expect(&[SourceKind::Vmstat], "proc/vmstat"),
    expect(&[SourceKind::Sysctl], "sos_commands/kernel/sysctl_-a"),
    expect(&[SourceKind::Uname], "sos_commands/kernel/uname_-a"),
    expect(&[SourceKind::Hostname], "sos_commands/host/hostname"),
    expect(&[SourceKind::Date], "sos_commands/date/date"),
    expect(&[SourceKind::Uptime], "sos_commands/host/uptime"),
    expect(&[SourceKind::ProcStat], "proc/stat"),
];

const SUPPORTCONFIG_EXPECTED: [Expected; 11] = [
    expect(&[SourceKind::Dmesg], "boot.txt#/usr/bin/dmesg -T"),
    expect(&[SourceKind::Syslog, SourceKind::Journal], "messages.txt#/var/log/messages"),
    expect(&[SourceKind::Meminfo], "memory.txt#/proc/meminfo"),
    expect(&[SourceKind::Free], "memory.txt#/usr/bin/free -k"),
    expect(&[SourceKind::Zoneinfo], "memory.txt#/proc/zoneinfo"),
    expect(&[SourceKind::Buddyinfo], "memory.txt#/proc/buddyinfo"),
    expect(&[SourceKind::Slabinfo], "memory.txt#/proc/slabinfo"),
    expect(&[SourceKind::Vmstat], "memory.txt#/proc/vmstat"),
    expect(&[SourceKind::Uname], "basic-environment.txt#/bin/uname -a"),
    expect(&[SourceKind::Date], "basic-environment.txt#/bin/date"),
    expect(&[SourceKind::Uptime], "basic-health-check.txt#/usr/bin/uptime"),
];

/// The sources a bundle of this kind is expected to hold. Empty for loose files and for the
/// outer level of a `sos collect` archive (each inner sosreport has its own list).
pub fn expected(kind: InputKind) -> &'static [Expected] {
    match kind {
        InputKind::Sosreport => &SOSREPORT_EXPECTED,
        InputKind::Supportconfig => &SUPPORTCONFIG_EXPECTED,
        InputKind::SosCollect | InputKind::LogFile | InputKind::ProcFile => &[],
    }
}

#[cfg(test)]
mod tests;
