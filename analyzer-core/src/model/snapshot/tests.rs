use super::*;

#[test]
fn ingest_fills_parts_and_reports_unparsed_lines() {
    let mut snap = Snapshot::default();
    let problems = snap.ingest(
        SourceKind::Zoneinfo,
        "proc/zoneinfo",
        "Node 0, zone DMA\n  pages free 5\n  what is this\n  and this\n",
    );
    assert_eq!(snap.zoneinfo.as_ref().map(|z| z.zones.len()), Some(1));
    assert_eq!(
        problems,
        vec![Problem::line("proc/zoneinfo", 3, "2 lines of proc/zoneinfo did not parse")]
    );
    assert!(snap.ingest(SourceKind::Meminfo, "proc/meminfo", "MemTotal: 8 kB\n").is_empty());
    assert_eq!(snap.meminfo.as_ref().and_then(|m| m.mem_total_kb()), Some(8));
}

#[test]
fn ingest_prefers_kib_free_over_free_m() {
    let kib = "              total        used        free      shared  buff/cache   available\n\
               Mem:        8164548     5978528      850788         932     1335232     1949008\n";
    let mib = "              total        used        free      shared  buff/cache   available\n\
               Mem:           7973        5838         830           0        1303        1903\n";
    let mut snap = Snapshot::default();
    snap.ingest(SourceKind::Free, "sos_commands/memory/free", kib);
    snap.ingest(SourceKind::Free, "sos_commands/memory/free_-m", mib);
    let total =
        |s: &Snapshot| s.free.as_ref().and_then(|f| f.blocks.first()).and_then(|b| b.mem.total);
    assert_eq!(total(&snap), Some(8_164_548 * 1024));
    let mut other_order = Snapshot::default();
    other_order.ingest(SourceKind::Free, "sos_commands/memory/free_-m", mib);
    assert_eq!(total(&other_order), Some(7973 << 20));
    other_order.ingest(SourceKind::Free, "sos_commands/memory/free", kib);
    assert_eq!(total(&other_order), Some(8_164_548 * 1024));
}

#[test]
fn ingest_sysctls_from_both_sources() {
    let mut snap = Snapshot::default();
    let problems = snap.ingest(
        SourceKind::Sysctl,
        "sos_commands/kernel/sysctl_-a",
        "vm.min_free_kbytes = 67584\nsysctl: permission denied on key 'fs.protected_regular'\n",
    );
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(2));
    snap.ingest(SourceKind::ProcSys, "proc/sys/vm/watermark_scale_factor", "10\n");
    assert_eq!(snap.sysctl_u64("vm.min_free_kbytes"), Some(67_584));
    assert_eq!(snap.sysctl_u64("vm.watermark_scale_factor"), Some(10));
    assert_eq!(snap.ingest(SourceKind::ProcSys, "etc/sysctl.conf", "x").len(), 1);
}

#[test]
fn wrong_kind_says_so_and_logs_are_left_alone() {
    let mut snap = Snapshot::default();
    let problems =
        snap.ingest(SourceKind::Buddyinfo, "proc/buddyinfo", "[ 0.000000] Linux version\n");
    assert_eq!(problems.len(), 2);
    assert_eq!(problems[1].message, "proc/buddyinfo holds no buddyinfo data");
    assert!(snap.buddyinfo.as_ref().is_some_and(|b| b.zones.is_empty()));
    snap.ingest(SourceKind::Buddyinfo, "proc/buddyinfo", "Node 0, zone DMA 1 2\n");
    snap.ingest(SourceKind::Buddyinfo, "proc/buddyinfo.2", "garbage\n");
    assert_eq!(snap.buddyinfo.as_ref().map(|b| b.zones.len()), Some(1));
    assert!(snap.ingest(SourceKind::Dmesg, "sos_commands/kernel/dmesg", "x\n").is_empty());
    assert_eq!(FreeUnit::of_file_name("sos_commands/memory/free_-m"), FreeUnit::MiB);
    assert_eq!(FreeUnit::of_file_name("sos_commands/memory/free"), FreeUnit::KiB);
}
