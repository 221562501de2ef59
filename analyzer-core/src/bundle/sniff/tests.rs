use super::*;

#[test]
fn magic_bytes() {
    assert_eq!(compression_of(&[0xFD, b'7', b'z', b'X', b'Z', 0x00, 0x00]), Compression::Xz);
    assert_eq!(compression_of(&[0x1F, 0x8B, 0x08]), Compression::Gzip);
    assert_eq!(compression_of(b"BZh91AY&SY"), Compression::Bzip2);
    assert_eq!(compression_of(&[0x28, 0xB5, 0x2F, 0xFD, 0x00]), Compression::Zstd);
    assert_eq!(compression_of(b"[    0.000000] Linux version"), Compression::None);
}

#[test]
fn openpgp_packets() {
    let p = Path::new("x.tar.xz");
    // Old-format PKESK (tag 1) as gpg --encrypt writes it, new-format SKESK (tag 3).
    assert!(is_openpgp(p, &[0x85, 0x01, 0x0C]));
    assert!(is_openpgp(p, &[0xC3, 0x0D, 0x04]));
    assert!(is_openpgp(Path::new("secured-sosreport-a.tar.xz.gpg"), b"anything"));
    // A JPEG is not.
    assert!(!is_openpgp(p, &[0xFF, 0xD8, 0xFF, 0xE0]));
    assert_eq!(
        decrypted_name(Path::new("/tmp/secured-sosreport-a.tar.xz.gpg")),
        PathBuf::from("/tmp/sosreport-a.tar.xz")
    );
}

#[test]
fn loose_text_kinds() {
    let k = |t: &str| detect_text_kind(t);
    assert_eq!(
        k("[    0.000000] Linux version 4.18.0-80.el8.x86_64\n[    0.000000] Command line: ro\n"),
        Some(SourceKind::Dmesg)
    );
    assert_eq!(k("[Tue Mar  5 10:22:33 2024] Linux version 5.14\n"), Some(SourceKind::Dmesg));
    assert_eq!(k("kern  :err   : [   12.345678] sd 0:0:0:0: error\n"), Some(SourceKind::Dmesg));
    assert_eq!(
        k("Mar  5 10:22:33 host kernel: INFO: task kworker/1:2:123 blocked\n"),
        Some(SourceKind::Syslog)
    );
    assert_eq!(
        k("2019-04-07T20:23:42.123456+02:00 host kernel: [  123.456789] msg\n"),
        Some(SourceKind::Syslog)
    );
    assert_eq!(
        k(
            "-- Logs begin at Mon 2026-11-02 10:00:00 UTC, end at Mon 2026-11-23 09:00:00 UTC. --\nNov 02 10:00:01 host kernel: x\n"
        ),
        Some(SourceKind::Journal)
    );
    assert_eq!(
        k("MemTotal:       16384256 kB\nMemFree:          204800 kB\n"),
        Some(SourceKind::Meminfo)
    );
    assert_eq!(
        k(
            "Node 0, zone      DMA      1      1      0      0      2      1      1      0      1      1      3 \n"
        ),
        Some(SourceKind::Buddyinfo)
    );
    assert_eq!(k("Node 0, zone      DMA\n  per-node stats\n"), Some(SourceKind::Zoneinfo));
    assert_eq!(k("slabinfo - version: 2.1\n"), Some(SourceKind::Slabinfo));
    assert_eq!(
        k(
            "              total        used        free      shared  buff/cache   available\nMem:        4026036      963044      127976        1256     2935016     2775572\n"
        ),
        Some(SourceKind::Free)
    );
    assert_eq!(
        k(
            "nr_free_pages 51234\nnr_zone_inactive_anon 1\nnr_zone_active_anon 2\nnr_zone_inactive_file 3\nnr_zone_active_file 4\n"
        ),
        Some(SourceKind::Vmstat)
    );
    assert_eq!(k("vm.min_free_kbytes = 67584\nvm.swappiness = 30\n"), Some(SourceKind::Sysctl));
    assert_eq!(k("Dear customer,\nplease find attached\n"), None);
}
