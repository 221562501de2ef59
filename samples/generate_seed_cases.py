#!/usr/bin/env python3
"""Writes the three seed-case sample bundles (docs/SEED-CASES.md) as extracted sos 4.x folders.

    python3 samples/generate_seed_cases.py            # writes samples/seed-case-{1,2,3}-*/

Every number the seed cases report (free, meminfo, zoneinfo watermarks, the order-6 failure,
slab sizes, the 161 metadata workers) is reproduced; the rest of each file is filled in so the
whole is self-consistent (MemTotal = sum of managed pages, MemFree = sum of zone free pages,
SReclaimable = sum of the reclaimable slab caches, watermarks from the kernel's formulas).
Standard library only. The output is deterministic: running it twice gives the same files.
"""

import datetime as dt
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
PAGE_KB = 4


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def epoch(t):
    return int(t.replace(tzinfo=dt.timezone.utc).timestamp())


# --------------------------------------------------------------------------------------------
# Host files


def host_files(root, host, kernel, version, collected, uptime_secs, cmdline):
    write(root, "version.txt", "sos report: 4.8.0\n")
    write(root, "sos_commands/host/hostname", host + "\n")
    write(
        root,
        "sos_commands/kernel/uname_-a",
        f"Linux {host} {kernel} {version} x86_64 x86_64 x86_64 GNU/Linux\n",
    )
    write(root, "sos_commands/date/date", collected.strftime("%a %b %d %H:%M:%S UTC %Y") + "\n")
    days, rest = divmod(uptime_secs, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    write(
        root,
        "sos_commands/host/uptime",
        f" {collected.strftime('%H:%M:%S')} up {days} days, {hours:2d}:{minutes:02d},  2 users,  "
        "load average: 14.21, 13.87, 13.02\n",
    )
    btime = epoch(collected) - uptime_secs
    write(
        root,
        "proc/stat",
        "cpu  912345678 1234 345678901 9876543210 2345678 0 345678 0 0 0\n"
        f"intr 123456789012\nctxt 987654321098\nbtime {btime}\n"
        "processes 98765432\nprocs_running 14\nprocs_blocked 9\n",
    )
    write(root, "proc/cmdline", cmdline + "\n")


def sysctl_file(root, values):
    lines = [f"{k} = {v}" for k, v in sorted(values.items())]
    write(root, "sos_commands/kernel/sysctl_-a", "\n".join(lines) + "\n")


def base_sysctls(min_free_kbytes):
    return {
        "fs.aio-max-nr": 65536,
        "fs.aio-nr": 2048,
        "fs.file-max": 39599624,
        "kernel.hung_task_check_count": 4194304,
        "kernel.hung_task_panic": 0,
        "kernel.hung_task_timeout_secs": 120,
        "kernel.hung_task_warnings": 0,
        "kernel.panic": 0,
        "kernel.panic_on_oops": 0,
        "kernel.softlockup_panic": 0,
        "kernel.watchdog_thresh": 10,
        "vm.dirty_background_ratio": 10,
        "vm.dirty_ratio": 20,
        "vm.drop_caches": 0,
        "vm.extfrag_threshold": 500,
        "vm.min_free_kbytes": min_free_kbytes,
        "vm.nr_hugepages": 0,
        "vm.overcommit_memory": 0,
        "vm.swappiness": 60,
        "vm.vfs_cache_pressure": 100,
        "vm.zone_reclaim_mode": 0,
    }


# --------------------------------------------------------------------------------------------
# Memory files


def meminfo(root, values):
    lines = []
    for key, value in values:
        if key.startswith("HugePages_"):
            lines.append(f"{key + ':':<16}{value:>8}")
        else:
            lines.append(f"{key + ':':<16}{value:>8} kB")
    write(root, "proc/meminfo", "\n".join(lines) + "\n")


def buddy_free_pages(blocks):
    return sum(n << i for i, n in enumerate(blocks))


def buddyinfo(root, zones):
    """zones: list of (node, name, blocks)."""
    lines = []
    for node, name, blocks in zones:
        lines.append(f"Node {node}, zone {name:>8} " + "".join(f"{n:6d} " for n in blocks))
    write(root, "proc/buddyinfo", "\n".join(lines) + "\n")


def zoneinfo(root, zones, style):
    """zones: dicts with node, name, free, min, low, high, spanned, present, managed,
    protection. style '4.4' (3.x layout: stats, then protection) or '4.15' (per-node stats in
    the first zone of a node, protection before the 6-space zone stats)."""
    out = []
    seen_nodes = set()
    for z in zones:
        out.append(f"Node {z['node']}, zone {z['name']:>8}")
        if style == "4.15" and z["node"] not in seen_nodes:
            seen_nodes.add(z["node"])
            out.append("  per-node stats")
            for k, v in z.get("node_stats", []):
                out.append(f"      {k:<12} {v}")
        out.append(f"  pages free     {z['free']}")
        out.append(f"        min      {z['min']}")
        out.append(f"        low      {z['low']}")
        out.append(f"        high     {z['high']}")
        if style == "4.4":
            out.append("        scanned  0")
        out.append(f"        spanned  {z['spanned']}")
        out.append(f"        present  {z['present']}")
        out.append(f"        managed  {z['managed']}")
        prot = "(" + ", ".join(str(p) for p in z["protection"]) + ")"
        stats = [("nr_free_pages", z["free"])] + z.get("stats", [])
        if style == "4.15":
            out.append(f"        protection: {prot}")
            for k, v in stats:
                out.append(f"      {k:<12} {v}")
        else:
            for k, v in stats:
                out.append(f"    {k:<12} {v}")
            out.append(f"        protection: {prot}")
        out.append("  pagesets")
        for cpu in range(2):
            out.append(f"    cpu: {cpu}")
            out.append("              count: 0")
            out.append("              high:  0")
            out.append("              batch: 1")
            out.append("  vm stats threshold: 8")
        if style == "4.4":
            out.append("  all_unreclaimable: 0")
            out.append(f"  start_pfn:           {z['start_pfn']}")
            out.append("  inactive_ratio:    1")
        else:
            out.append("  node_unreclaimable:  0")
            out.append(f"  start_pfn:           {z['start_pfn']}")
    write(root, "proc/zoneinfo", "\n".join(out) + "\n")


def slabinfo(root, caches):
    """caches: (name, objsize, objperslab, pagesperslab, num_slabs)."""
    out = [
        "slabinfo - version: 2.1",
        "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>"
        " : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs>"
        " <sharedavail>",
    ]
    for name, objsize, per, pages, slabs in caches:
        objs = slabs * per
        out.append(
            f"{name:<17} {objs:6d} {objs:6d} {objsize:6d} {per:4d} {pages:4d} : tunables"
            f" {0:4d} {0:4d} {0:4d} : slabdata {slabs:6d} {slabs:6d} {0:6d}"
        )
    write(root, "proc/slabinfo", "\n".join(out) + "\n")


def slab_kb(caches, names):
    return sum(slabs * pages * 4 for name, _, _, pages, slabs in caches if name in names)


RECLAIMABLE = {
    "xfs_inode", "dentry", "radix_tree_node", "xfs_ili", "buffer_head", "inode_cache",
    "proc_inode_cache", "ext4_inode_cache", "xfs_buf",
}


def vmstat(root, values):
    write(root, "proc/vmstat", "".join(f"{k} {v}\n" for k, v in values))


def free_old(root, total, used, free, shared, buffers, cached):
    head = "             total       used       free     shared    buffers     cached\n"
    mem = f"{'Mem:':<7} {total:10d} {used:10d} {free:10d} {shared:10d} {buffers:10d} {cached:10d}\n"
    bc_used = used - buffers - cached
    bc_free = free + buffers + cached
    bc = f"-/+ buffers/cache: {bc_used:10d} {bc_free:10d}\n"
    swap = f"{'Swap:':<7} {0:10d} {0:10d} {0:10d}\n"
    write(root, "sos_commands/memory/free", head + mem + bc + swap)


def free_new(root, total, used, free, shared, buff_cache, available):
    head = "              total        used        free      shared  buff/cache   available\n"
    mem = f"{'Mem:':<7} {total:11d} {used:11d} {free:11d} {shared:11d} {buff_cache:11d} {available:11d}\n"
    swap = f"{'Swap:':<7} {0:11d} {0:11d} {0:11d}\n"
    write(root, "sos_commands/memory/free", head + mem + swap)


def ps(root, rows):
    """rows: (user, pid, cpu, mem, vsz, rss, stat, start, time, command)."""
    out = ["USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND"]
    for user, pid, cpu, mem, vsz, rss, stat, start, time, command in rows:
        out.append(
            f"{user:<8} {pid:5d} {cpu:4.1f} {mem:4.1f} {vsz:6d} {rss:5d} ?        {stat:<4} {start:>5} {time:>6} {command}"
        )
    write(root, "sos_commands/process/ps_auxwww", "\n".join(out) + "\n")


def mounts(root, rows):
    write(root, "proc/mounts", "".join(f"{d} {m} {t} {o} 0 0\n" for d, m, t, o in rows))


def stamp(secs):
    return f"[{secs:12.6f}]"


def kernel_mounts(extra):
    return [
        ("sysfs", "/sys", "sysfs", "rw,nosuid,nodev,noexec,relatime"),
        ("proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime"),
        ("udev", "/dev", "devtmpfs", "rw,relatime,size=10240k,nr_inodes=49478912,mode=755"),
        ("/dev/sda1", "/", "ext4", "rw,relatime,errors=remount-ro,data=ordered"),
    ] + extra


# --------------------------------------------------------------------------------------------
# Seed case 1: Ceph Filestore, hung tasks with plenty of "free" memory (4.4.0-201-generic)

RECLAIM_XFS_LOG_TRACE = [
    "[<ffffffff8183c5c5>] schedule+0x35/0x80",
    "[<ffffffff8183f6f5>] schedule_timeout+0x1b5/0x270",
    "[<ffffffff8183d1e3>] wait_for_completion+0xb3/0x140",
    "[<ffffffff8109ad6d>] flush_work+0x11d/0x1c0",
    "[<ffffffffc04e8d6b>] xlog_cil_force_lsn+0x7b/0x220 [xfs]",
    "[<ffffffffc04e72a5>] _xfs_log_force_lsn+0x75/0x2f0 [xfs]",
    "[<ffffffffc04d8e8e>] __xfs_iunpin_wait+0xae/0x150 [xfs]",
    "[<ffffffffc04cb7a6>] xfs_reclaim_inode+0x136/0x330 [xfs]",
    "[<ffffffffc04cbc18>] xfs_reclaim_inodes_ag+0x278/0x3d0 [xfs]",
    "[<ffffffffc04ccd63>] xfs_reclaim_inodes_nr+0x33/0x40 [xfs]",
    "[<ffffffffc04dd7a9>] xfs_fs_free_cached_objects+0x19/0x20 [xfs]",
    "[<ffffffff81216321>] super_cache_scan+0x171/0x180",
    "[<ffffffff811a4f15>] shrink_slab.part.40+0x1f5/0x420",
    "[<ffffffff811a9b00>] shrink_zone+0x2a0/0x2b0",
    "[<ffffffff811a9cad>] do_try_to_free_pages+0x19d/0x3d0",
    "[<ffffffff811a9fba>] try_to_free_pages+0xda/0x180",
    "[<ffffffff8119b47b>] __alloc_pages_nodemask+0x69b/0xb20",
    "[<ffffffff811e5a4c>] alloc_pages_current+0x8c/0x110",
    "[<ffffffff81190a9e>] __page_cache_alloc+0xae/0xc0",
    "[<ffffffff81192b8c>] pagecache_get_page+0x8c/0x220",
    "[<ffffffff81192d41>] grab_cache_page_write_begin+0x21/0x40",
    "[<ffffffffc04c3d9b>] xfs_vm_write_begin+0x3b/0xe0 [xfs]",
    "[<ffffffff811921c7>] generic_perform_write+0xd7/0x1c0",
    "[<ffffffffc04cf2d9>] xfs_file_buffered_aio_write+0x139/0x310 [xfs]",
    "[<ffffffffc04cf58a>] xfs_file_write_iter+0xda/0x150 [xfs]",
    "[<ffffffff81212c7b>] __vfs_write+0xeb/0x160",
    "[<ffffffff81213412>] vfs_write+0xb2/0x1b0",
    "[<ffffffff81214565>] SyS_pwrite64+0x95/0xb0",
    "[<ffffffff81840c32>] entry_SYSCALL_64_fastpath+0x16/0x71",
]

XFSAILD_TRACE = [
    "[<ffffffff8183c5c5>] schedule+0x35/0x80",
    "[<ffffffffc04f0bd8>] xfsaild+0x5a8/0x5e0 [xfs]",
    "[<ffffffff810a0c08>] kthread+0xd8/0xf0",
    "[<ffffffff81840f8f>] ret_from_fork+0x3f/0x70",
]


def hung_task_block(t, task, pid, ppid, trace, kernel, version):
    lines = [
        (t, f"INFO: task {task}:{pid} blocked for more than 120 seconds."),
        (t, f"      Not tainted {kernel} {version.split()[0]}"),
        (t, '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.'),
        (t, f"{task[:15]:<15} D ffff88203f2d7b28     0 {pid:5d} {ppid:6d} 0x00000000"),
        (t, " ffff88203f2d7b28 0000000000000082 ffff882034bb1c00 ffff881ff2b3aa00"),
        (t, "Call Trace:"),
    ]
    lines += [(t, " " + frame) for frame in trace]
    return lines


def render_dmesg(lines):
    return "".join(f"{stamp(t)} {text}\n" for t, text in lines)


def boot_lines(kernel, version, cmdline):
    return [
        (0.0, f"Linux version {kernel} (buildd@lgw01-amd64-041) (gcc version 4.8.4 (Ubuntu 4.8.4-2ubuntu1~14.04.4) ) {version} (Ubuntu {kernel.split('-')[0]}-{kernel.split('-')[1]}.233~14.04.1-generic 4.4.248)"),
        (0.0, f"Command line: {cmdline}"),
        (0.0, "KERNEL supported cpus:"),
        (0.0, "  Intel GenuineIntel"),
    ]


def seed_case_1(root):
    host, kernel, version = "ceph-osd-07", "4.4.0-201-generic", "#233~14.04.1-Ubuntu SMP Wed Jan 20 12:35:01 UTC 2021"
    collected = dt.datetime(2021, 3, 15, 14, 2, 11)
    uptime = 41 * 86400 + 3 * 3600 + 17 * 60
    cmdline = f"BOOT_IMAGE=/boot/vmlinuz-{kernel} root=UUID=5a1c7f8e-3b1d-4c2e-9f0a-7d6e5c4b3a21 ro console=tty0 console=ttyS1,115200n8"
    host_files(root, host, kernel, version, collected, uptime, cmdline)

    # Zones: the Normal watermarks are the seed case's; 4.4 computes low = min + min/4,
    # high = min + min/2 from each zone's share of min_free_kbytes.
    min_free_kbytes = 90112
    pages_min = min_free_kbytes // 4
    total_pages = 396157596 // PAGE_KB
    dma = 3977
    n0 = (11150 * total_pages + total_pages // 2) // pages_min + 1
    n1 = (11269 * total_pages + total_pages // 2) // pages_min + 1
    dma32 = total_pages - dma - n0 - n1
    assert dma32 > 0
    def wm(managed):
        tmp = pages_min * managed // total_pages
        return tmp, tmp + tmp // 4, tmp + tmp // 2
    zones = []
    frees = {"DMA": 3977, "DMA32": 189784, "N0": 471965, "N1": 33683}
    for key, node, name, managed, start in [
        ("DMA", 0, "DMA", dma, 1),
        ("DMA32", 0, "DMA32", dma32, 4096),
        ("N0", 0, "Normal", n0, 1048576),
        ("N1", 1, "Normal", n1, 50331648),
    ]:
        mn, lo, hi = wm(managed)
        if key == "N0":
            mn, lo, hi = 11150, 13937, 16725
        if key == "N1":
            mn, lo, hi = 11269, 14086, 16903
        zones.append(dict(node=node, name=name, free=frees[key], min=mn, low=lo, high=hi,
                          spanned=managed + 1024, present=managed + 512, managed=managed,
                          protection=[0, 0, 0, 0], start_pfn=start,
                          stats=[("nr_alloc_batch", lo - mn), ("nr_inactive_anon", 1090),
                                 ("nr_active_anon", 27086154), ("nr_inactive_file", 9819569),
                                 ("nr_active_file", 9688395)]))
    zoneinfo(root, zones, "4.4")
    mem_free = sum(frees.values()) * PAGE_KB
    assert mem_free == 2797636
    buddyinfo(root, [
        (0, "DMA", [1, 1, 1, 0, 2, 1, 1, 0, 1, 1, 3]),
        (0, "DMA32", [5012, 4011, 3120, 2301, 1500, 845, 400, 120, 31, 4, 0]),
        (0, "Normal", [60123, 41011, 30120, 13001, 4123, 1021, 201, 40, 9, 2, 0]),
        (1, "Normal", [15003, 5120, 1010, 301, 80, 6, 0, 0, 0, 0, 0]),
    ])

    caches = [
        ("xfs_inode", 960, 34, 8, 52000),
        ("dentry", 192, 21, 1, 254000),
        ("radix_tree_node", 576, 28, 4, 36000),
        ("xfs_ili", 152, 26, 1, 101000),
        ("buffer_head", 104, 39, 1, 61000),
        ("kmalloc-256", 256, 32, 2, 20000),
        ("kmalloc-64", 64, 64, 1, 40000),
        ("task_struct", 3456, 9, 8, 1200),
    ]
    slabinfo(root, caches)
    s_recl = slab_kb(caches, RECLAIMABLE)
    s_unrecl = slab_kb(caches, set(c[0] for c in caches) - RECLAIMABLE)
    meminfo(root, [
        ("MemTotal", 396157596), ("MemFree", 2797636), ("MemAvailable", 160112544),
        ("Buffers", 16752), ("Cached", 156053980), ("SwapCached", 0),
        ("Active", 294196400), ("Inactive", 78560912),
        ("Active(anon)", 216689236), ("Inactive(anon)", 4360),
        ("Active(file)", 77507164), ("Inactive(file)", 78556552),
        ("Unevictable", 0), ("Mlocked", 0), ("SwapTotal", 0), ("SwapFree", 0),
        ("Dirty", 412312), ("Writeback", 1024), ("AnonPages", 216693596), ("Mapped", 101232),
        ("Shmem", 5956), ("Slab", s_recl + s_unrecl), ("SReclaimable", s_recl),
        ("SUnreclaim", s_unrecl), ("KernelStack", 98304), ("PageTables", 612340),
        ("CommitLimit", 198078796), ("Committed_AS", 260012345),
        ("VmallocTotal", 34359738367), ("VmallocUsed", 0), ("VmallocChunk", 0),
        ("HugePages_Total", 0), ("HugePages_Free", 0), ("HugePages_Rsvd", 0),
        ("HugePages_Surp", 0), ("Hugepagesize", 2048), ("DirectMap4k", 612345),
        ("DirectMap2M", 24512512), ("DirectMap1G", 379584512),
    ])
    free_old(root, 396157596, 393359960, 2797636, 5956, 16752, 156053980)
    vmstat(root, [
        ("nr_free_pages", mem_free // PAGE_KB), ("nr_inactive_file", 19639138),
        ("nr_active_file", 19376791), ("nr_slab_reclaimable", s_recl // 4),
        ("nr_slab_unreclaimable", s_unrecl // 4), ("allocstall", 1893211),
        ("pgscan_kswapd_normal", 912345678), ("pgscan_direct_normal", 123456789),
        ("pgsteal_direct_normal", 98765432), ("compact_stall", 4123),
        ("compact_fail", 2011), ("compact_success", 2112),
        ("kswapd_low_wmark_hit_quickly", 812345), ("kswapd_high_wmark_hit_quickly", 23456),
        ("drop_pagecache", 0),
    ])
    sysctls = base_sysctls(min_free_kbytes)
    sysctl_file(root, sysctls)

    rows = [("root", 1, 0.0, 0.0, 185344, 6012, "Ss", "Feb01", "2:31", "/sbin/init")]
    pid = 3100
    for i in range(12):
        rows.append(("ceph", pid, 35.2, 4.5, 19812340, 18012345, "Ssl", "Feb01", "9876:12",
                     f"/usr/bin/ceph-osd --cluster=ceph -i {i + 24} -f --setuser ceph --setgroup ceph"))
        pid += 7
    rows.append(("ceph", 2987, 3.1, 0.3, 1612340, 1012345, "Ssl", "Feb01", "812:03",
                 "/usr/bin/ceph-mon --cluster=ceph -i ceph-osd-07 -f --setuser ceph --setgroup ceph"))
    rows.append(("root", 812, 0.0, 0.0, 0, 0, "S", "Feb01", "31:02", "[kswapd0]"))
    rows.append(("root", 813, 0.0, 0.0, 0, 0, "S", "Feb01", "28:44", "[kswapd1]"))
    ps(root, rows)
    mounts(root, kernel_mounts([
        (f"/dev/sd{chr(ord('b') + i)}1", f"/var/lib/ceph/osd/ceph-{i + 24}", "xfs",
         "rw,noatime,attr2,inode64,logbsize=256k,sunit=512,swidth=512,noquota")
        for i in range(12)
    ]))

    lines = boot_lines(kernel, version, cmdline)
    t = 3541234.512345
    blocks = [("ceph-osd", 3107), ("ceph-osd", 3121), ("ceph-osd", 3107), ("ceph-osd", 3142),
              ("ceph-osd", 3107)]
    for i, (task, tpid) in enumerate(blocks):
        lines += hung_task_block(t + i * 120.004, task, tpid, 1, RECLAIM_XFS_LOG_TRACE, kernel, version)
    lines += hung_task_block(t + 2 * 120.004 + 0.5, "xfsaild/sdd1", 2211, 2, XFSAILD_TRACE, kernel, version)
    lines.sort(key=lambda x: x[0])
    write(root, "sos_commands/kernel/dmesg", render_dmesg(lines))


# --------------------------------------------------------------------------------------------
# Seed case 2: Swift on XFS, slab full of inodes (4.4.0-148-generic)


def seed_case_2(root):
    host, kernel, version = "swift-storage-03", "4.4.0-148-generic", "#174~14.04.1-Ubuntu SMP Thu May 9 08:17:37 UTC 2019"
    collected = dt.datetime(2019, 8, 7, 10, 30, 0)
    uptime = 63 * 86400 + 5 * 3600 + 2 * 60
    cmdline = f"BOOT_IMAGE=/boot/vmlinuz-{kernel} root=UUID=0b9e3c1d-6a2f-4e8b-9c7d-1f2e3a4b5c6d ro"
    host_files(root, host, kernel, version, collected, uptime, cmdline)

    gib = 1024 * 1024  # kB
    caches = [
        # xfs_inode: 1277952 slabs x 8 pages = 39.0 GiB; dentry: 1048576 slabs x 1 page = 4.0 GiB.
        ("xfs_inode", 1088, 30, 8, 1277952),
        ("dentry", 192, 21, 1, 1048576),
        ("xfs_ili", 152, 26, 1, 786432),
        ("radix_tree_node", 576, 28, 4, 262144),
        ("buffer_head", 104, 39, 1, 524288),
        ("kmalloc-256", 256, 32, 2, 40000),
        ("kmalloc-64", 64, 64, 1, 60000),
        ("task_struct", 3456, 9, 8, 600),
    ]
    slabinfo(root, caches)
    s_recl = slab_kb(caches, RECLAIMABLE)
    s_unrecl = slab_kb(caches, set(c[0] for c in caches) - RECLAIMABLE)
    total = 131925000
    anon = int(11.8 * 1e9 / 1024)      # 11.8 GB anonymous
    file_kb = int(32.3 * 1e9 / 1024)   # 32.3 GB page cache
    mem_free = 1258280
    pages_total = total // PAGE_KB
    min_free_kbytes = 45056
    pages_min = min_free_kbytes // 4
    dma, dma32 = 3977, 743000
    n0 = (pages_total - dma - dma32) // 2
    n1 = pages_total - dma - dma32 - n0

    def wm(managed):
        tmp = pages_min * managed // pages_total
        return tmp, tmp + tmp // 4, tmp + tmp // 2
    # Both Normal zones sit near their watermarks; what is free is mostly in DMA32.
    frees = {"DMA": 3977, "DMA32": 270000, "N0": 20000, "N1": 0}
    frees["N1"] = mem_free // PAGE_KB - frees["DMA"] - frees["DMA32"] - frees["N0"]
    zones = []
    for key, node, name, managed, start in [
        ("DMA", 0, "DMA", dma, 1), ("DMA32", 0, "DMA32", dma32, 4096),
        ("N0", 0, "Normal", n0, 1048576), ("N1", 1, "Normal", n1, 17825792),
    ]:
        mn, lo, hi = wm(managed)
        zones.append(dict(node=node, name=name, free=frees[key], min=mn, low=lo, high=hi,
                          spanned=managed + 1024, present=managed + 512, managed=managed,
                          protection=[0, 0, 0, 0], start_pfn=start, stats=[]))
    zoneinfo(root, zones, "4.4")
    # Few higher-order free pages: nothing at order 4 and above in the Normal zones.
    def fill(free_pages):
        b = [0] * 11
        b[3] = free_pages // 40
        b[2] = free_pages // 20
        b[1] = free_pages // 8
        b[0] = free_pages - 8 * b[3] - 4 * b[2] - 2 * b[1]
        return b
    buddyinfo(root, [
        (0, "DMA", [1, 1, 1, 0, 2, 1, 1, 0, 1, 1, 3]),
        (0, "DMA32", fill(frees["DMA32"])),
        (0, "Normal", fill(frees["N0"])),
        (1, "Normal", fill(frees["N1"])),
    ])
    cached = file_kb + 41212
    meminfo(root, [
        ("MemTotal", total), ("MemFree", mem_free), ("MemAvailable", mem_free + file_kb + s_recl // 2),
        ("Buffers", 212340), ("Cached", cached), ("SwapCached", 0),
        ("Active", anon // 2 + file_kb // 2), ("Inactive", anon - anon // 2 + file_kb - file_kb // 2),
        ("Active(anon)", anon // 2), ("Inactive(anon)", anon - anon // 2),
        ("Active(file)", file_kb // 2), ("Inactive(file)", file_kb - file_kb // 2),
        ("Unevictable", 0), ("Mlocked", 0), ("SwapTotal", 0), ("SwapFree", 0),
        ("Dirty", 81232), ("Writeback", 0), ("AnonPages", anon), ("Mapped", 91232),
        ("Shmem", 41212), ("Slab", s_recl + s_unrecl), ("SReclaimable", s_recl),
        ("SUnreclaim", s_unrecl), ("KernelStack", 21232), ("PageTables", 81232),
        ("HugePages_Total", 0), ("HugePages_Free", 0), ("HugePages_Rsvd", 0),
        ("HugePages_Surp", 0), ("Hugepagesize", 2048),
    ])
    used = total - mem_free
    free_old(root, total, used, mem_free, 41212, 212340, cached)
    vmstat(root, [
        ("nr_free_pages", mem_free // PAGE_KB), ("nr_slab_reclaimable", s_recl // 4),
        ("nr_slab_unreclaimable", s_unrecl // 4), ("allocstall", 5123456),
        ("pgscan_direct_normal", 812345678), ("slabs_scanned", 9123456789),
        ("compact_stall", 412345), ("compact_fail", 398765), ("compact_success", 13580),
        ("drop_pagecache", 0), ("drop_slab", 0),
    ])
    sysctls = base_sysctls(min_free_kbytes)
    sysctl_file(root, sysctls)

    rows = [("root", 1, 0.0, 0.0, 33636, 4012, "Ss", "Jun04", "1:02", "/sbin/init")]
    pid = 2000
    for _ in range(24):
        rows.append(("swift", pid, 12.1, 0.3, 612340, 401234, "S", "Jun04", "812:02",
                     "/usr/bin/python /usr/bin/swift-object-server /etc/swift/object-server.conf"))
        pid += 3
    for _ in range(8):
        rows.append(("swift", pid, 30.2, 0.2, 512340, 301234, "S", "Jun04", "2012:44",
                     "/usr/bin/python /usr/bin/swift-object-replicator /etc/swift/object-server.conf"))
        pid += 3
    rows.append(("swift", pid, 5.0, 0.1, 312340, 101234, "S", "Jun04", "312:01",
                 "/usr/bin/python /usr/bin/swift-container-server /etc/swift/container-server.conf"))
    ps(root, rows)
    mounts(root, kernel_mounts([
        (f"/dev/sd{chr(ord('b') + i)}1", f"/srv/node/d{i + 1}", "xfs",
         "rw,noatime,nodiratime,attr2,inode64,logbufs=8,noquota")
        for i in range(6)
    ]))

    lines = boot_lines(kernel, version, cmdline)
    t = 5301234.112233
    dev = "sdd1"
    lines += [
        (t, f'XFS ({dev}): metadata I/O error: block 0x1d1c05b8 ("xfs_trans_read_buf_map") error 117 numblks 8'),
        (t + 0.000120, f"XFS ({dev}): Metadata corruption detected at xfs_dir3_data_read_verify+0x5e/0x100 [xfs], xfs_dir3_data block 0x1d1c05b8"),
        (t + 0.000130, f"XFS ({dev}): Unmount and run xfs_repair"),
        (t + 0.000140, f"XFS ({dev}): First 64 bytes of corrupted metadata buffer:"),
        (t + 0.000150, "ffff8810a2f3c000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................"),
        (t + 0.000160, "ffff8810a2f3c010: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................"),
        (t + 0.000170, "ffff8810a2f3c020: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................"),
        (t + 0.000180, "ffff8810a2f3c030: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................"),
        (t + 31.5, f'XFS ({dev}): metadata I/O error: block 0x1d1c05b8 ("xfs_trans_read_buf_map") error 117 numblks 8'),
        (t + 63.2, f'XFS ({dev}): metadata I/O error: block 0x2a1f3c40 ("xfs_trans_read_buf_map") error 117 numblks 8'),
        (t + 63.3, f"XFS ({dev}): xfs_do_force_shutdown(0x8) called from line 985 of file /build/linux-lts-xenial-pvZ6mB/linux-lts-xenial-4.4.0/fs/xfs/xfs_trans.c.  Return address = 0xffffffffc04d2a9c"),
        (t + 63.31, f"XFS ({dev}): Corruption of in-memory data detected.  Shutting down filesystem"),
        (t + 63.32, f"XFS ({dev}): Please umount the filesystem and rectify the problem(s)"),
        (t + 400.0, "XFS: swift-object-(2201) possible memory allocation deadlock size 65552 in kmem_alloc (mode:0x2400240)"),
        (t + 402.0, "XFS: swift-object-(2201) possible memory allocation deadlock size 65552 in kmem_alloc (mode:0x2400240)"),
    ]
    write(root, "sos_commands/kernel/dmesg", render_dmesg(lines))


# --------------------------------------------------------------------------------------------
# Seed case 3: hugepages at boot, order-6 failures with free memory (4.15.0-72-generic)


def buddy_line(prefix, blocks):
    parts = []
    letters = ["UME", "UME", "UME", "UME", "UM", "U", "U", "M", "M", "M", "M"]
    for i, n in enumerate(blocks):
        kb = 4 << i
        parts.append(f"{n}*{kb}kB" + (f" ({letters[i]})" if n else ""))
    return f"{prefix}: " + " ".join(parts) + f" = {buddy_free_pages(blocks) * 4}kB"


def seed_case_3(root):
    host, kernel, version = "compute6", "4.15.0-72-generic", "#81-Ubuntu SMP Tue Nov 26 12:20:02 UTC 2019"
    fail_at = dt.datetime(2020, 10, 22, 19, 49, 33)
    fail_since_boot = 24965727.652627
    collected = dt.datetime(2020, 10, 23, 9, 12, 44)
    uptime = int(fail_since_boot) + int((collected - fail_at).total_seconds())
    cmdline = (f"BOOT_IMAGE=/boot/vmlinuz-{kernel} root=/dev/mapper/vg0-root ro "
               "default_hugepagesz=1G hugepagesz=1G hugepages=360 intel_iommu=on iommu=pt "
               "isolcpus=4-27,32-55")
    host_files(root, host, kernel, version, collected, uptime, cmdline)

    # Boot time: the 1 GiB hugepages were held by the boot allocator, so each Normal zone
    # managed only what was left; the watermarks (4.6+ formula) were computed then.
    min_free_kbytes = 16614
    pages_min = min_free_kbytes // 4
    wsf = 10
    boot = {"DMA": 3977, "DMA32": 743000, "N0": 1569500, "N1": 1998523}
    lowmem_boot = sum(boot.values())

    def wm(managed):
        tmp = pages_min * managed // lowmem_boot
        gap = max(tmp // 4, managed * wsf // 10000)
        return tmp, tmp + gap, tmp + 2 * gap
    huge_per_node = 180 * 262144
    now = dict(boot)
    now["N0"] = 48756637            # the seed case's managed; 180 GiB of it hugepages
    now["N1"] = boot["N1"] + huge_per_node
    frees = {"DMA": 3977, "DMA32": 150000, "N0": 1063536, "N1": 120000}
    mn0, lo0, hi0 = wm(boot["N0"])
    assert (mn0, lo0, hi0) == (1510, 3079, 4648), (mn0, lo0, hi0)

    node_stats = [("nr_inactive_anon", 812345), ("nr_active_anon", 2412345),
                  ("nr_inactive_file", 212345), ("nr_active_file", 198765),
                  ("nr_slab_reclaimable", 98765), ("nr_slab_unreclaimable", 87654)]
    zones = []
    for key, node, name, start in [("DMA", 0, "DMA", 1), ("DMA32", 0, "DMA32", 4096),
                                   ("N0", 0, "Normal", 1048576), ("N1", 1, "Normal", 50331648)]:
        mn, lo, hi = wm(boot[key])
        zones.append(dict(node=node, name=name, free=frees[key], min=mn, low=lo, high=hi,
                          spanned=now[key] + 262144, present=now[key] + 131072,
                          managed=now[key], protection=[0, 0, 0, 0, 0], start_pfn=start,
                          node_stats=node_stats,
                          stats=[("nr_zone_inactive_anon", 1), ("nr_zone_active_anon", 2)]))
    zoneinfo(root, zones, "4.15")
    mem_total = sum(now.values()) * PAGE_KB
    mem_free = sum(frees.values()) * PAGE_KB

    n0_blocks = [152336, 150000, 100000, 20000, 3000, 100, 0, 0, 0, 0, 0]
    assert buddy_free_pages(n0_blocks) == frees["N0"]
    dma_blocks = [1, 0, 0, 1, 2, 1, 1, 0, 1, 1, 3]
    dma32_blocks = [30000, 20000, 10000, 5000, 1250, 0, 0, 0, 0, 0, 0]
    dma32_blocks[0] = frees["DMA32"] - buddy_free_pages(dma32_blocks) + dma32_blocks[0]
    n1_blocks = [40000, 20000, 6000, 2000, 500, 0, 0, 0, 0, 0, 0]
    n1_blocks[0] = frees["N1"] - buddy_free_pages(n1_blocks) + n1_blocks[0]
    dma_free = buddy_free_pages(dma_blocks)
    frees["DMA"] = dma_free
    buddyinfo(root, [(0, "DMA", dma_blocks), (0, "DMA32", dma32_blocks),
                     (0, "Normal", n0_blocks), (1, "Normal", n1_blocks)])
    mem_free = sum(frees.values()) * PAGE_KB
    # zoneinfo was written with the DMA free count from the table above; rewrite it exact.
    for z in zones:
        if z["name"] == "DMA":
            z["free"] = dma_free
    zoneinfo(root, zones, "4.15")

    caches = [("kmalloc-256", 256, 32, 2, 30000), ("dentry", 192, 21, 1, 60000),
              ("radix_tree_node", 576, 28, 4, 9000), ("kmalloc-64", 64, 64, 1, 20000),
              ("task_struct", 5888, 5, 8, 900)]
    slabinfo(root, caches)
    s_recl = slab_kb(caches, RECLAIMABLE)
    s_unrecl = slab_kb(caches, set(c[0] for c in caches) - RECLAIMABLE)
    huge_total, huge_free = 360, 8
    hugetlb_kb = huge_total * 1048576
    meminfo(root, [
        ("MemTotal", mem_total), ("MemFree", mem_free), ("MemAvailable", mem_free + 1512345),
        ("Buffers", 81234), ("Cached", 1612345), ("SwapCached", 0),
        ("Active", 9649380 + 795060), ("Inactive", 3249380 + 849380),
        ("Active(anon)", 9649380), ("Inactive(anon)", 3249380),
        ("Active(file)", 795060), ("Inactive(file)", 849380),
        ("Unevictable", 0), ("Mlocked", 0), ("SwapTotal", 0), ("SwapFree", 0),
        ("Dirty", 1232), ("Writeback", 0), ("AnonPages", 12898760), ("Mapped", 312340),
        ("Shmem", 51234), ("KReclaimable", s_recl), ("Slab", s_recl + s_unrecl),
        ("SReclaimable", s_recl), ("SUnreclaim", s_unrecl), ("KernelStack", 61232),
        ("PageTables", 212340), ("AnonHugePages", 0),
        ("HugePages_Total", huge_total), ("HugePages_Free", huge_free),
        ("HugePages_Rsvd", 0), ("HugePages_Surp", 0), ("Hugepagesize", 1048576),
        ("Hugetlb", hugetlb_kb), ("DirectMap4k", 812340), ("DirectMap2M", 12345678),
        ("DirectMap1G", 390070272),
    ])
    used = mem_total - mem_free - 81234 - 1612345 - s_recl
    free_new(root, mem_total, used, mem_free, 51234, 81234 + 1612345 + s_recl, mem_free + 1512345)
    vmstat(root, [
        ("nr_free_pages", mem_free // PAGE_KB), ("allocstall_normal", 812345),
        ("allocstall_movable", 912345), ("pgscan_kswapd", 812345678), ("pgscan_direct", 91234567),
        ("compact_stall", 88123), ("compact_fail", 80321), ("compact_success", 7802),
        ("kswapd_low_wmark_hit_quickly", 12), ("kswapd_high_wmark_hit_quickly", 3),
    ])
    sysctls = base_sysctls(min_free_kbytes)
    sysctls["vm.watermark_scale_factor"] = wsf
    sysctls["vm.watermark_boost_factor"] = 0
    sysctls["vm.nr_hugepages"] = huge_total
    sysctl_file(root, sysctls)

    # 161 nova-api-metadata workers, 84,900 kB each: 13,668,900 kB, about 14 GB together.
    rows = [("root", 1, 0.0, 0.0, 225432, 9812, "Ss", "Jan07", "41:02", "/sbin/init")]
    pid = 4100
    rows.append(("nova", 4099, 0.1, 0.0, 412340, 112340, "Ss", "Jan07", "12:02",
                 "/usr/bin/python3 /usr/bin/nova-api-metadata --config-file=/etc/nova/nova.conf"))
    for _ in range(160):
        rows.append(("nova", pid, 0.2, 0.0, 398765, 84500, "S", "Jan07", "3:12",
                     "/usr/bin/python3 /usr/bin/nova-api-metadata --config-file=/etc/nova/nova.conf"))
        pid += 1
    for i in range(8):
        rows.append(("libvirt+", 7000 + i, 312.0, 0.1, 45612340, 312340, "Sl", "Sep01", "99812:01",
                     f"/usr/bin/qemu-system-x86_64 -name guest=instance-0000{i:04x},debug-threads=on -S -m 40960 -mem-prealloc -mem-path /dev/hugepages/libvirt/qemu"))
    for i in range(3):
        rows.append(("ceph", 9000 + i, 20.1, 0.2, 2612340, 612340, "Ssl", "Jan07", "9912:02",
                     f"/usr/bin/ceph-osd -f --cluster ceph --id {i + 12} --setuser ceph --setgroup ceph"))
    ps(root, rows)
    mounts(root, kernel_mounts([
        ("hugetlbfs", "/dev/hugepages", "hugetlbfs", "rw,relatime,pagesize=1024M"),
        ("/dev/mapper/vg0-nova", "/var/lib/nova", "xfs", "rw,relatime,attr2,inode64,noquota"),
    ]))

    # dmesg (monotonic stamps) and kern.log (syslog prefix) carry the same failure report.
    t = fail_since_boot
    report = [
        "qemu-system-x86: page allocation failure: order:6, mode:0x140c0c0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null)",
        "qemu-system-x86 cpuset=emulator mems_allowed=0-1",
        f"CPU: 30 PID: 7003 Comm: qemu-system-x86 Tainted: G           OE    {kernel} {version.split()[0]}",
        "Hardware name: Dell Inc. PowerEdge R740/0923K0, BIOS 2.4.8 11/27/2019",
        "Call Trace:",
        " dump_stack+0x63/0x8b",
        " warn_alloc+0xff/0x1a0",
        " __alloc_pages_slowpath+0xdc5/0xe00",
        " __alloc_pages_nodemask+0x29a/0x2c0",
        " alloc_pages_current+0x6a/0xe0",
        " kmalloc_order+0x18/0x40",
        " kmalloc_order_trace+0x24/0xb0",
        " __kmalloc+0x1fe/0x210",
        " kvm_vcpu_ioctl_set_cpuid2+0x4e/0xc0 [kvm]",
        " kvm_arch_vcpu_ioctl+0x5a1/0x1170 [kvm]",
        " kvm_vcpu_ioctl+0x33a/0x610 [kvm]",
        " do_vfs_ioctl+0xa8/0x630",
        " SyS_ioctl+0x79/0x90",
        " do_syscall_64+0x73/0x130",
        " entry_SYSCALL_64_after_hwframe+0x3d/0xa2",
        "Mem-Info:",
        "active_anon:2412345 inactive_anon:812345 isolated_anon:0",
        " active_file:198765 inactive_file:212345 isolated_file:0",
        " unevictable:0 dirty:308 writeback:0 unstable:0",
        " slab_reclaimable:98765 slab_unreclaimable:87654",
        " mapped:78085 shmem:12808 pagetables:53085 bounce:0",
        f" free:{mem_free // 4} free_pcp:1234 free_cma:0",
    ]
    for key, node, name in [("DMA", 0, "DMA"), ("DMA32", 0, "DMA32"), ("N0", 0, "Normal"), ("N1", 1, "Normal")]:
        mn, lo, hi = wm(boot[key])
        report.append(
            f"Node {node} {name} free:{frees[key] * 4}kB min:{mn * 4}kB low:{lo * 4}kB high:{hi * 4}kB "
            f"active_anon:0kB inactive_anon:0kB active_file:0kB inactive_file:0kB unevictable:0kB "
            f"writepending:0kB present:{(now[key] + 131072) * 4}kB managed:{now[key] * 4}kB mlocked:0kB "
            f"kernel_stack:0kB pagetables:0kB bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB"
        )
        report.append("lowmem_reserve[]: 0 0 0 0 0")
    for blocks, prefix in [(dma_blocks, "Node 0 DMA"), (dma32_blocks, "Node 0 DMA32"),
                           (n0_blocks, "Node 0 Normal"), (n1_blocks, "Node 1 Normal")]:
        report.append(buddy_line(prefix, blocks))
    report += [
        "Node 0 hugepages_total=180 hugepages_free=4 hugepages_surp=0 hugepages_size=1048576kB",
        "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
        "Node 1 hugepages_total=180 hugepages_free=4 hugepages_surp=0 hugepages_size=1048576kB",
        "Node 1 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB",
        "423456 total pagecache pages",
        "0 pages in swap cache",
        "Swap cache stats: add 0, delete 0, find 0/0",
        "Free swap  = 0kB",
        "Total swap = 0kB",
        f"{sum(now.values()) + 524288} pages RAM",
        "0 pages HighMem/MovableOnly",
        "524288 pages reserved",
        "0 pages cma reserved",
        "0 pages hwpoisoned",
    ]
    lines = [(0.0, f"Linux version {kernel} (buildd@lgw01-amd64-038) (gcc version 7.4.0 (Ubuntu 7.4.0-1ubuntu1~18.04.1)) {version} (Ubuntu 4.15.0-72.81-generic 4.15.18)"),
             (0.0, f"Command line: {cmdline}")]
    lines += [(t + i * 0.000007, text) for i, text in enumerate(report)]
    write(root, "sos_commands/kernel/dmesg", render_dmesg(lines))
    prefix = fail_at.strftime("%b %d %H:%M:%S").replace(" 0", "  ", 1) if fail_at.day < 10 else fail_at.strftime("%b %d %H:%M:%S")
    kern = "".join(f"{prefix} {host} kernel: {stamp(t + i * 0.000007)} {text}\n" for i, text in enumerate(report))
    write(root, "var/log/kern.log", kern)


def main():
    cases = [
        ("seed-case-1-ceph-filestore", seed_case_1),
        ("seed-case-2-swift-xfs-slab", seed_case_2),
        ("seed-case-3-hugepages-watermarks", seed_case_3),
    ]
    for name, build in cases:
        root = os.path.join(HERE, name)
        if os.path.isdir(root):
            shutil.rmtree(root)
        build(root)
        print(f"wrote {os.path.relpath(root)}")


if __name__ == "__main__":
    main()
