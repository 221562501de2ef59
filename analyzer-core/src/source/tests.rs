use super::*;

fn kind(path: &str) -> Option<SourceKind> {
    classify(path).map(|c| c.kind)
}

#[test]
fn sos4_paths() {
    assert_eq!(kind("sos_commands/kernel/dmesg"), Some(SourceKind::Dmesg));
    assert_eq!(kind("sos_commands/kernel/dmesg_-T"), Some(SourceKind::Dmesg));
    assert_eq!(kind("proc/meminfo"), Some(SourceKind::Meminfo));
    assert_eq!(kind("sos_commands/memory/free_-m"), Some(SourceKind::Free));
    assert_eq!(kind("sos_commands/kernel/sysctl_-a"), Some(SourceKind::Sysctl));
    assert_eq!(kind("proc/sys/vm/min_free_kbytes"), Some(SourceKind::ProcSys));
    assert_eq!(kind("proc/sys/kernel/hung_task_timeout_secs"), Some(SourceKind::ProcSys));
    assert_eq!(kind("proc/sys/fs/aio-max-nr"), Some(SourceKind::ProcSys));
    assert_eq!(kind("proc/sys/kernel/random/boot_id"), None);
    assert_eq!(kind("sos_commands/host/hostname"), Some(SourceKind::Hostname));
    assert_eq!(kind("sos_commands/host/hostname_-f"), None);
    assert_eq!(kind("sos_commands/date/date_--utc"), Some(SourceKind::Date));
    assert_eq!(kind("sos_commands/systemd/timedatectl"), Some(SourceKind::Date));
    assert_eq!(kind("sos_commands/process/ps_auxwwwm"), Some(SourceKind::Ps));
    assert_eq!(kind("sos_reports/manifest.json"), Some(SourceKind::Manifest));
    assert_eq!(kind("./version.txt"), Some(SourceKind::Version));
}

#[test]
fn sos3_paths() {
    assert_eq!(kind("sos_commands/general/hostname"), Some(SourceKind::Hostname));
    assert_eq!(kind("sos_commands/general/date"), Some(SourceKind::Date));
    assert_eq!(kind("sos_commands/general/uptime"), Some(SourceKind::Uptime));
    assert_eq!(kind("sos_commands/process/ps_auxwww"), Some(SourceKind::Ps));
    assert_eq!(kind("var/log/dmesg"), Some(SourceKind::Dmesg));
}

#[test]
fn journal_names_of_formats_1_5() {
    for name in [
        "journalctl_--no-pager",
        "journalctl_--no-pager_--boot",
        "journalctl_--no-pager_--boot_-1",
        "journalctl_--no-pager_--catalog_--boot",
        "journalctl_--no-pager_--catalog_--boot_-1",
        "journalctl_--no-pager_--since_-3days",
        "journalctl_--no-pager_--boot_--since_2024-03-01",
    ] {
        assert_eq!(kind(&format!("sos_commands/logs/{name}")), Some(SourceKind::Journal), "{name}");
    }
    assert_eq!(
        kind("sos_commands/logs/journalctl_--no-pager_--all_--boot_--output_verbose"),
        Some(SourceKind::JournalVerbose)
    );
    assert_eq!(kind("sos_commands/logs/journalctl_--disk-usage"), None);
    assert_eq!(kind("sos_commands/logs/journalctl_--list-boots"), None);
}

#[test]
fn rotated_logs() {
    assert_eq!(kind("var/log/messages"), Some(SourceKind::Syslog));
    assert_eq!(kind("var/log/messages-20261101"), Some(SourceKind::Syslog));
    assert_eq!(kind("var/log/kern.log.1"), Some(SourceKind::Syslog));
    assert_eq!(kind("var/log/syslog"), Some(SourceKind::Syslog));
    assert_eq!(kind("var/log/messages.lock"), None);
    assert_eq!(
        classify("var/log/messages-20261101.gz"),
        Some(Classification { kind: SourceKind::Syslog, gzip: true, tailed: false })
    );
    assert_eq!(
        classify("var/log/kern.log.2.gz"),
        Some(Classification { kind: SourceKind::Syslog, gzip: true, tailed: false })
    );
    // Only logs are read through gzip.
    assert_eq!(classify("proc/meminfo.gz"), None);
}

#[test]
fn tailed_files_are_demangled() {
    assert_eq!(
        classify("sos_strings/logs/var.log.messages.tailed"),
        Some(Classification { kind: SourceKind::Syslog, gzip: false, tailed: true })
    );
    assert_eq!(
        classify("sos_strings/logs/var.log.kern.log.1.tailed"),
        Some(Classification { kind: SourceKind::Syslog, gzip: false, tailed: true })
    );
    assert_eq!(
        classify("sos_strings/logs/journalctl_--no-pager.tailed"),
        Some(Classification { kind: SourceKind::Journal, gzip: false, tailed: true })
    );
    assert_eq!(
        classify("sos_strings/kernel/dmesg.tailed"),
        Some(Classification { kind: SourceKind::Dmesg, gzip: false, tailed: true })
    );
    assert_eq!(classify("sos_strings/logs/var.log.secure.tailed"), None);
    assert_eq!(classify("sos_strings/logs/var.log.messages"), None);
}

#[test]
fn root_links() {
    assert_eq!(classify_root_link("free"), Some(SourceKind::Free));
    assert_eq!(classify_root_link("date"), Some(SourceKind::Date));
    assert_eq!(classify_root_link("lsof"), None);
    // A root `free` that is a regular file is not a second copy of the source.
    assert_eq!(kind("free"), None);
}

#[test]
fn supportconfig_labels() {
    assert_eq!(classify_supportconfig_label("/proc/meminfo"), Some(SourceKind::Meminfo));
    assert_eq!(classify_supportconfig_label("/usr/bin/free -k"), Some(SourceKind::Free));
    assert_eq!(classify_supportconfig_label("/bin/dmesg -T"), Some(SourceKind::Dmesg));
    assert_eq!(classify_supportconfig_label("/usr/sbin/sysctl -a"), Some(SourceKind::Sysctl));
    assert_eq!(classify_supportconfig_label("/bin/uname -a"), Some(SourceKind::Uname));
    assert_eq!(classify_supportconfig_label("/bin/date"), Some(SourceKind::Date));
    assert_eq!(classify_supportconfig_label("/var/log/messages"), Some(SourceKind::Syslog));
    assert_eq!(
        classify_supportconfig_label("/usr/bin/journalctl --boot=0 --no-pager --output=short-iso"),
        Some(SourceKind::Journal)
    );
    assert_eq!(classify_supportconfig_label("/usr/bin/vmstat 1 4"), None);
    assert_eq!(classify_supportconfig_label("/bin/date +%s"), None);
}

#[test]
fn expected_lists() {
    assert!(expected(InputKind::Sosreport).iter().any(|e| e.path == "sos_commands/kernel/dmesg"));
    assert!(expected(InputKind::Supportconfig).iter().any(|e| e.kinds == [SourceKind::Meminfo]));
    assert!(expected(InputKind::LogFile).is_empty());
}
