#!/usr/bin/env python3
"""Writes the sample bundles of samples/ (python3 standard library only, deterministic).

Run from anywhere: python3 samples/generate.py

Output (each well under 1 MB, shaped like the real thing; docs/FORMATS.md):
  sos4-rhel8/                          extracted sos 4.x report (root symlinks, a .tailed journal)
  sos4-rhel8.tar.xz                    the same, as sos 4.x archives it
  sos3-rhel7.tar.gz                    sos 3.5-style layout (sos_commands/general/…)
  scc_sles15_261101_1200.txz           SUSE supportconfig
  dmesg-hung-task.txt                  a loose dmesg
  sos-collector-2026-11-23-kqzvb.tar   sos collect archive of two small reports (4.10+: plain tar)
"""

import datetime as dt
import gzip
import io
import json
import lzma
import os
import shutil
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
MTIME = 1795424724  # 2026-11-23 09:05:24 UTC, the collection time of the sos 4 sample
UTC = dt.timezone.utc


# --------------------------------------------------------------------------------------------
# Writing trees: a bundle is an ordered list of (path, bytes) and (path, "->", target) entries.


class Tree:
    def __init__(self, root):
        self.root = root
        self.entries = []  # (path, data or None, link target or None)

    def file(self, path, text):
        data = text.encode() if isinstance(text, str) else text
        self.entries.append((path, data, None))

    def link(self, path, target):
        self.entries.append((path, None, target))

    def ordered(self, first=()):
        """Entries with the `first` paths (and folders) up front, as sos 4.5.2+ writes them."""

        def rank(entry):
            path = entry[0]
            for i, prefix in enumerate(first):
                if path == prefix or path.startswith(prefix + "/"):
                    return (i, path)
            return (len(first), path)

        return sorted(self.entries, key=rank)

    def to_tar(self, first=()):
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
            made = set()

            def folder(path):
                parts = path.split("/")
                for i in range(1, len(parts) + 1):
                    sub = "/".join(parts[:i])
                    if sub in made:
                        continue
                    made.add(sub)
                    info = tarfile.TarInfo(sub)
                    info.type = tarfile.DIRTYPE
                    info.mode = 0o755
                    self._fix(info)
                    tar.addfile(info)

            folder(self.root)
            for path, data, target in self.ordered(first):
                full = f"{self.root}/{path}"
                if "/" in path:
                    folder(full.rsplit("/", 1)[0])
                info = tarfile.TarInfo(full)
                self._fix(info)
                if target is not None:
                    info.type = tarfile.SYMTYPE
                    info.linkname = target
                    info.mode = 0o777
                    tar.addfile(info)
                else:
                    info.size = len(data)
                    info.mode = 0o644
                    tar.addfile(info, io.BytesIO(data))
        return out.getvalue()

    @staticmethod
    def _fix(info):
        info.mtime = MTIME
        info.uid = info.gid = 0
        info.uname = info.gname = "root"

    def to_folder(self, dest):
        if os.path.lexists(dest):
            shutil.rmtree(dest)
        os.makedirs(dest)
        for path, data, target in self.entries:
            full = os.path.join(dest, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            if target is not None:
                os.symlink(target, full)
            else:
                with open(full, "wb") as f:
                    f.write(data)


def xz(data):
    return lzma.compress(data, format=lzma.FORMAT_XZ, preset=3)


def gz(data):
    out = io.BytesIO()
    with gzip.GzipFile(filename="", fileobj=out, mode="wb", mtime=0) as f:
        f.write(data)
    return out.getvalue()


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# --------------------------------------------------------------------------------------------
# Content.


def stamp(secs):
    return f"[{secs:12.6f}]"


def dmesg_rhel8(kernel, host, uptime):
    """dmesg of a 4.18 (RHEL 8) kernel: boot, a hung task, an XFS metadata I/O error."""
    lines = [
        (0.0, f"Linux version {kernel} (mockbuild@x86-vm-07.build.eng.bos.redhat.com) (gcc version 8.3.1 20191121 (Red Hat 8.3.1-5) (GCC)) #1 SMP Thu Oct 15 16:28:25 EDT 2026"),
        (0.0, f"Command line: BOOT_IMAGE=(hd0,msdos1)/vmlinuz-{kernel} root=/dev/mapper/rhel-root ro crashkernel=auto resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap rhgb quiet"),
        (0.0, "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'"),
        (0.0, "BIOS-provided physical RAM map:"),
        (0.0, "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable"),
        (0.0, "BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable"),
        (0.0, "BIOS-e820: [mem 0x0000000100000000-0x000000043fffffff] usable"),
        (0.0, "Memory: 16116516K/16776696K available (12293K kernel code, 2157K rwdata, 7872K rodata, 2344K init, 3328K bss, 660180K reserved, 0K cma-reserved)"),
        (0.012345, "Hierarchical SRCU implementation."),
        (0.456789, "smpboot: CPU0: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz (family: 0x6, model: 0x55, stepping: 0x7)"),
        (1.234567, "Freeing unused kernel memory: 2344K"),
        (2.345678, "SGI XFS with ACLs, security attributes, quota, no debug enabled"),
        (2.401234, "XFS (dm-0): Mounting V5 Filesystem"),
        (2.512345, "XFS (dm-0): Ending clean mount"),
        (5.678901, "XFS (sdb1): Mounting V5 Filesystem"),
        (5.789012, "XFS (sdb1): Ending clean mount"),
        (6.123456, "IPv6: ADDRCONF(NETDEV_UP): ens192: link is not ready"),
        (8.234567, "vmxnet3 0000:0b:00.0 ens192: NIC Link is Up 10000 Mbps"),
    ]
    t = float(uptime - 7000)
    hung = [
        "INFO: task kworker/u16:3:28751 blocked for more than 120 seconds.",
        f"      Not tainted {kernel} #1",
        '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
        "kworker/u16:3   D    0 28751      2 0x80000080",
        "Workqueue: writeback wb_workfn (flush-253:2)",
        "Call Trace:",
        " __schedule+0x2c4/0x700",
        " schedule+0x38/0xa0",
        " io_schedule+0x12/0x40",
        " __lock_page+0x13d/0x230",
        " ? file_fdatawait_range+0x20/0x20",
        " write_cache_pages+0x35f/0x400",
        " ? xfs_vm_writepages+0x40/0x80 [xfs]",
        " xfs_vm_writepages+0x64/0x80 [xfs]",
        " do_writepages+0x41/0xd0",
        " __writeback_single_inode+0x3d/0x350",
        " writeback_sb_inodes+0x1e3/0x450",
        " wb_writeback+0xfb/0x2f0",
        " wb_workfn+0xfd/0x4a0",
        " process_one_work+0x1a7/0x360",
        " worker_thread+0x30/0x390",
        " kthread+0x112/0x130",
        " ret_from_fork+0x35/0x40",
    ]
    for i, msg in enumerate(hung):
        lines.append((t + i * 0.000011, msg))
    t += 1800.0
    xfs = [
        "sd 2:0:1:0: [sdb] tag#18 FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_SENSE",
        "sd 2:0:1:0: [sdb] tag#18 Sense Key : Medium Error [current]",
        "blk_update_request: critical medium error, dev sdb, sector 99614592 op 0x0:(READ) flags 0x1000 phys_seg 1 prio class 0",
        'XFS (sdb1): metadata I/O error in "xfs_trans_read_buf_map" at daddr 0x5f00080 len 8 error 61',
    ]
    for i, msg in enumerate(xfs):
        lines.append((t + i * 0.000107, msg))
    return "".join(f"{stamp(s)} {m}\n" for s, m in lines)


def dmesg_rhel7(kernel):
    """dmesg of a 3.10 (RHEL 7) kernel: no tainted line, the old sched_show_task line."""
    lines = [
        (0.0, f"Initializing cgroup subsys cpuset"),
        (0.0, f"Linux version {kernel} (mockbuild@x86-017.build.eng.bos.redhat.com) (gcc version 4.8.5 20150623 (Red Hat 4.8.5-44) (GCC) ) #1 SMP Wed Sep 2 12:00:00 EDT 2026"),
        (0.0, f"Command line: BOOT_IMAGE=/vmlinuz-{kernel} root=/dev/mapper/centos-root ro crashkernel=auto rhgb quiet LANG=en_US.UTF-8"),
        (1.5, "SGI XFS with ACLs, security attributes, no debug enabled"),
        (1.6, "XFS (dm-0): Mounting V5 Filesystem"),
        (1.7, "XFS (dm-0): Ending clean mount"),
        (86400.123456, "INFO: task xfsaild/dm-2:512 blocked for more than 120 seconds."),
        (86400.123470, '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.'),
        (86400.123480, "xfsaild/dm-2    D ffff88003fc14780     0   512      2 0x00000000"),
        (86400.123490, " ffff8800b8d3bd50 0000000000000046 ffff8800b9a34f10 ffff8800b8d3bfd8"),
        (86400.123500, "Call Trace:"),
        (86400.123510, " [<ffffffff8160a1b9>] schedule+0x29/0x70"),
        (86400.123520, " [<ffffffffa02c4f1d>] _xfs_log_force+0x1bd/0x2b0 [xfs]"),
        (86400.123530, " [<ffffffffa02c5036>] xfs_log_force+0x26/0x80 [xfs]"),
        (86400.123540, " [<ffffffffa02d1f0a>] xfsaild+0x15a/0x660 [xfs]"),
        (86400.123550, " [<ffffffff810a5b8f>] kthread+0xcf/0xe0"),
        (86400.123560, " [<ffffffff81614d58>] ret_from_fork+0x58/0x90"),
        (90000.000001, "XFS (dm-2): metadata I/O error: block 0x2f5a0a8 (\"xlog_iodone\") error 5 numblks 64"),
        (90000.000101, "XFS (dm-2): xfs_do_force_shutdown(0x2) called from line 1221 of file fs/xfs/xfs_log.c.  Return address = 0xffffffffa02c3f4e"),
        (90000.000201, "XFS (dm-2): Log I/O Error Detected.  Shutting down filesystem"),
        (90000.000301, "XFS (dm-2): Please umount the filesystem and rectify the problem(s)"),
    ]
    return "".join(f"{stamp(s)} {m}\n" for s, m in lines)


def syslog_lines(host, start, count, step, kernel_blocks=None):
    """Traditional rsyslog lines (`Mar  5 10:22:33 host prog[pid]: msg`), one every `step` s;
    `kernel_blocks` maps a line index to kernel messages logged right after that line."""
    progs = [
        ("systemd[1]", "Started Session {n} of user root."),
        ("sshd[{p}]", "Accepted publickey for root from 10.20.30.{h} port {port} ssh2: RSA SHA256:k3Yq"),
        ("systemd-logind[1024]", "New session {n} of user root."),
        ("chronyd[998]", "Selected source 10.20.0.1"),
        ("crond[{p}]", "(root) CMD (/usr/lib64/sa/sa1 1 1)"),
        ("dbus-daemon[1001]", "[system] Successfully activated service 'org.freedesktop.nm_dispatcher'"),
    ]
    out = []
    for i in range(count):
        when = start + dt.timedelta(seconds=i * step)
        prog, msg = progs[i % len(progs)]
        p = 20000 + (i * 37) % 9000
        text = msg.format(n=1000 + i, p=p, h=i % 250 + 1, port=40000 + i % 20000)
        out.append(f"{when:%b} {when.day:2d} {when:%H:%M:%S} {host} {prog.format(p=p)}: {text}")
        for line in (kernel_blocks or {}).get(i, ()):
            out.append(f"{when:%b} {when.day:2d} {when:%H:%M:%S} {host} kernel: {line}")
    return "\n".join(out) + "\n"


def journal_lines(host, start, count, step, boot_id):
    out = [f"-- Logs begin at {start:%a %Y-%m-%d %H:%M:%S} UTC, end at {start + dt.timedelta(seconds=count * step):%a %Y-%m-%d %H:%M:%S} UTC. --"]
    for i in range(count):
        when = start + dt.timedelta(seconds=i * step)
        if i == count // 2:
            out.append(f"-- Boot {boot_id} --")
        out.append(f"{when:%b %d %H:%M:%S} {host} systemd[1]: Started Session {2000 + i} of user root.")
    return "\n".join(out) + "\n"


def meminfo(total_kb, free_kb, cached_kb, slab_kb):
    fields = [
        ("MemTotal", total_kb), ("MemFree", free_kb), ("MemAvailable", free_kb + cached_kb // 2),
        ("Buffers", 2108), ("Cached", cached_kb), ("SwapCached", 0), ("Active", cached_kb // 2 + 812344),
        ("Inactive", cached_kb // 2 + 102400), ("Active(anon)", 812344), ("Inactive(anon)", 102400),
        ("Active(file)", cached_kb // 2), ("Inactive(file)", cached_kb // 2), ("Unevictable", 0),
        ("Mlocked", 0), ("SwapTotal", 8388604), ("SwapFree", 8388604), ("Dirty", 1245184),
        ("Writeback", 20480), ("AnonPages", 914744), ("Mapped", 104412), ("Shmem", 17820),
        ("KReclaimable", slab_kb * 3 // 4), ("Slab", slab_kb), ("SReclaimable", slab_kb * 3 // 4),
        ("SUnreclaim", slab_kb // 4), ("KernelStack", 10368), ("PageTables", 14916),
        ("NFS_Unstable", 0), ("Bounce", 0), ("WritebackTmp", 0), ("CommitLimit", 16446860),
        ("Committed_AS", 3081296), ("VmallocTotal", 34359738367), ("VmallocUsed", 0),
        ("VmallocChunk", 0), ("Percpu", 12544), ("HardwareCorrupted", 0), ("AnonHugePages", 440320),
        ("ShmemHugePages", 0), ("ShmemPmdMapped", 0), ("HugePages_Total", 0), ("HugePages_Free", 0),
        ("HugePages_Rsvd", 0), ("HugePages_Surp", 0), ("Hugepagesize", 2048), ("Hugetlb", 0),
        ("DirectMap4k", 247616), ("DirectMap2M", 9189376), ("DirectMap1G", 8388608),
    ]
    out = []
    for k, v in fields:
        if k.startswith("HugePages_"):
            out.append(f"{k + ':':<16}{v:>8}")
        else:
            out.append(f"{k + ':':<16}{v:>8} kB")
    return "\n".join(out) + "\n"


def free_out(total_kb, free_kb, cached_kb, shift=0):
    d = lambda v: v >> shift
    used = total_kb - free_kb - cached_kb
    return (
        "              total        used        free      shared  buff/cache   available\n"
        f"Mem:    {d(total_kb):>11} {d(used):>11} {d(free_kb):>11} {d(17820):>11} {d(cached_kb):>11} {d(free_kb + cached_kb // 2):>11}\n"
        f"Swap:   {d(8388604):>11} {d(0):>11} {d(8388604):>11}\n"
    )


def zoneinfo():
    zones = [("DMA", 3977, 3998, 4095, 11, 13, 15), ("DMA32", 714452, 731847, 1044480, 2007, 2508, 3009),
             ("Normal", 3137380, 3211264, 3211264, 8823, 11028, 13233)]
    out = []
    for i, (name, managed, present, spanned, wmin, wlow, whigh) in enumerate(zones):
        out.append(f"Node 0, zone {name:>8}")
        if i == 0:
            out += ["  per-node stats", "      nr_inactive_anon 25600", "      nr_active_anon 203086",
                    "      nr_inactive_file 1150000", "      nr_active_file 1150000", "      nr_dirty     311296"]
        free = [3962, 20513, 31211][i]
        out += [f"  pages free     {free}", f"        min      {wmin}", f"        low      {wlow}",
                f"        high     {whigh}", f"        spanned  {spanned}", f"        present  {present}",
                f"        managed  {managed}", "        protection: (0, 2759, 15019, 15019, 15019)",
                f"      nr_free_pages {free}", "  pagesets", "    cpu: 0", "              count: 0",
                "              high:  0", "              batch: 1", "  vm stats threshold: 4",
                "  node_unreclaimable:  0", f"  start_pfn:           {[1, 4096, 1048576][i]}"]
    return "\n".join(out) + "\n"


BUDDYINFO = (
    "Node 0, zone      DMA      2      0      0      1      3      2      2      1      2      0      3 \n"
    "Node 0, zone    DMA32     97    830    372    119     72     30     12     13      4      4      9 \n"
    "Node 0, zone   Normal   9817   5203    802     17      1      0      0      0      0      0      0 \n"
)

PAGETYPEINFO = (
    "Page block order: 9\nPages per block:  512\n\n"
    "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
    "Node    0, zone   Normal, type    Unmovable    812    402     93      5      0      0      0      0      0      0      0 \n"
    "Node    0, zone   Normal, type      Movable   8961   4781    709     12      1      0      0      0      0      0      0 \n\n"
    "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n"
    "Node 0, zone   Normal          402         5636          234            0            0            0 \n"
)


def slabinfo(header=True):
    caches = [("xfs_inode", 811840, 812000, 960, 34, 8), ("dentry", 1402344, 1402599, 192, 21, 1),
              ("radix_tree_node", 220531, 221032, 584, 28, 4), ("kmalloc-64", 125446, 126656, 64, 64, 1),
              ("buffer_head", 402831, 405327, 104, 39, 1), ("xfs_ili", 400120, 400196, 184, 22, 1)]
    out = ["slabinfo - version: 2.1"]
    if header:
        out.append("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>")
    for name, active, num, size, per, pages in caches:
        slabs = num // per
        out.append(f"{name:<17} {active:>6} {num:>6} {size:>6} {per:>4} {pages:>4} : tunables {0:>4} {0:>4} {0:>4} : slabdata {slabs:>6} {slabs:>6} {0:>6}")
    return "\n".join(out) + "\n"


VMSTAT = "".join(f"{k} {v}\n" for k, v in [
    ("nr_free_pages", 55686), ("nr_zone_inactive_anon", 25600), ("nr_zone_active_anon", 203086),
    ("nr_zone_inactive_file", 1150000), ("nr_zone_active_file", 1150000), ("nr_dirty", 311296),
    ("nr_writeback", 5120), ("nr_slab_reclaimable", 300000), ("nr_slab_unreclaimable", 100000),
    ("pgscan_kswapd", 91827364), ("pgscan_direct", 1827364), ("pgsteal_kswapd", 90182736),
    ("pgsteal_direct", 1726354), ("allocstall_normal", 4821), ("allocstall_movable", 9921),
    ("compact_stall", 1822), ("compact_fail", 1611), ("compact_success", 211),
])

SYSCTL = "".join(f"{k} = {v}\n" for k, v in [
    ("kernel.hung_task_panic", 0), ("kernel.hung_task_timeout_secs", 120), ("kernel.hung_task_warnings", 9),
    ("kernel.panic", 0), ("kernel.tainted", 0), ("vm.dirty_background_ratio", 10), ("vm.dirty_ratio", 30),
    ("vm.extfrag_threshold", 500), ("vm.min_free_kbytes", 45056), ("vm.swappiness", 30),
    ("vm.vfs_cache_pressure", 100), ("vm.watermark_scale_factor", 10),
]) + "sysctl: permission denied on key 'fs.protected_regular'\n"


def proc_stat(btime):
    return (
        "cpu  2255934 3412 2290377 226255632 62901 0 45621 0 0 0\n"
        "cpu0 282001 431 286297 28281954 7862 0 5702 0 0 0\n"
        "intr 1149305484 0 9 0 0 0 0 3 0 1 0 0 36 15 0 0 0\n"
        f"ctxt 19904731022\nbtime {btime}\nprocesses 29154212\nprocs_running 2\nprocs_blocked 3\n"
        "softirq 384745627 0 98177463 142 31802838 9227133 0 1264 143021528 0 101515239\n"
    )


def ps_out(host_procs):
    head = "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"
    return head + "".join(
        f"{u:<10} {pid:>5} {cpu:>4} {mem:>4} {vsz:>6} {rss:>5} ?        {st:<4} Nov11   {tm} {cmd}\n"
        for u, pid, cpu, mem, vsz, rss, st, tm, cmd in host_procs
    )


PROCS = [
    ("root", 1, "0.0", "0.1", 244908, 13644, "Ss", "0:41", "/usr/lib/systemd/systemd --switched-root --system --deserialize 18"),
    ("root", 2, "0.0", "0.0", 0, 0, "S", "0:00", "[kthreadd]"),
    ("root", 512, "0.0", "0.0", 0, 0, "D", "3:12", "[xfsaild/dm-2]"),
    ("postgres", 2811, "2.1", "9.8", 4392112, 1612344, "Ss", "312:44", "/usr/pgsql-13/bin/postmaster -D /var/lib/pgsql/13/data/"),
    ("root", 28751, "0.0", "0.0", 0, 0, "D", "0:02", "[kworker/u16:3]"),
]


def uptime_line(now, secs):
    days, rest = divmod(secs, 86400)
    hours, rest = divmod(rest, 3600)
    mins = rest // 60
    up = (f"{days} days, " if days > 1 else f"{days} day, " if days == 1 else "") + (f"{hours:2d}:{mins:02d}" if hours else f"{mins} min")
    return f" {now:%H:%M:%S} up {up},  2 users,  load average: 3.12, 2.98, 2.71\n"


def date_line(when, zone="UTC"):
    return f"{when:%a %b} {when.day:2d} {when:%H:%M:%S} {zone} {when.year}\n"


# --------------------------------------------------------------------------------------------
# Bundles.


def sos4(host, kernel, collected, uptime_secs, version="4.7.0", name_rand="abcdefg"):
    root = f"sosreport-{host}-{collected:%Y-%m-%d}-{name_rand}"
    t = Tree(root)
    btime = int(collected.timestamp()) - uptime_secs
    boot = dt.datetime.fromtimestamp(btime, UTC)
    t.file("version.txt", f"sosreport: {version}\n")
    t.file("environment", "LC_ALL=C.UTF-8\nPATH=/usr/sbin:/usr/bin\n")
    manifest = {
        "version": version, "cmdline": "report --batch --case-id 04123456", "start_time": f"{collected - dt.timedelta(seconds=83):%Y-%m-%d %H:%M:%S}.259812",
        "end_time": f"{collected:%Y-%m-%d %H:%M:%S}.528784", "run_time": "0:01:23.268972", "compression": "auto",
        "policy": "Red Hat Enterprise Linux", "components": {"report": {"sysroot": "/", "preset": "none", "plugins": {
            "kernel": {"commands": [{"command": "uname", "parameters": ["-a"], "exec": "uname -a", "filepath": "sos_commands/kernel/uname_-a", "truncated": False, "return_code": 0, "tags": ["uname"]}]},
            "logs": {"commands": [{"command": "journalctl", "exec": "journalctl --no-pager", "filepath": "sos_commands/logs/journalctl_--no-pager", "truncated": True, "return_code": 0}]},
        }, "tag_summary": {"dmesg": ["sos_commands/kernel/dmesg"], "journal_full": ["sos_commands/logs/journalctl_--no-pager"], "uname": ["sos_commands/kernel/uname_-a"]}}},
    }
    t.file("sos_reports/manifest.json", json.dumps(manifest, indent=4) + "\n")
    t.file("sos_logs/sos.log", f"{collected:%Y-%m-%d %H:%M:%S},341 INFO: [archive:TarFileArchive] initialised empty FileCacheArchive at '/var/tmp/sos.q1w2e3r4/{root}'\n")
    t.file("sos_logs/ui.log", f"{collected:%Y-%m-%d %H:%M:%S},342 INFO: sos report (version {version})\n")
    t.file("sos_commands/kernel/dmesg", dmesg_rhel8(kernel, host, uptime_secs))
    t.file("sos_commands/kernel/uname_-a", f"Linux {host} {kernel} #1 SMP Thu Oct 15 16:28:25 EDT 2026 x86_64 x86_64 x86_64 GNU/Linux\n")
    t.file("sos_commands/kernel/sysctl_-a", SYSCTL)
    t.file("sos_commands/memory/free", free_out(16116516, 222744, 9624576))
    t.file("sos_commands/memory/free_-m", free_out(16116516, 222744, 9624576, shift=10))
    t.file("sos_commands/host/hostname", f"{host}\n")
    t.file("sos_commands/host/hostname_-f", f"{host}.prod.example.com\n")
    t.file("sos_commands/host/uptime", uptime_line(collected, uptime_secs))
    t.file("sos_commands/date/date", date_line(collected))
    t.file("sos_commands/date/date_--utc", date_line(collected))
    t.file("sos_commands/systemd/timedatectl",
           f"               Local time: {collected:%a %Y-%m-%d %H:%M:%S} UTC\n"
           f"           Universal time: {collected:%a %Y-%m-%d %H:%M:%S} UTC\n"
           f"                 RTC time: {collected:%a %Y-%m-%d %H:%M:%S}\n"
           "                Time zone: UTC (UTC, +0000)\n"
           "System clock synchronized: yes\n              NTP service: active\n          RTC in local TZ: no\n")
    t.file("sos_commands/process/ps_auxwwwm", ps_out(PROCS))
    t.file("sos_commands/filesys/mount_-l", "/dev/mapper/rhel-root on / type xfs (rw,relatime,seclabel,attr2,inode64,logbufs=8,logbsize=32k,noquota)\n/dev/sdb1 on /var/lib/pgsql type xfs (rw,relatime,seclabel,attr2,inode64,noquota)\n")
    t.file("sos_commands/logs/journalctl_--disk-usage", "Archived and active journals take up 4.0G in the file system.\n")
    # The journal went over --journal-size: sos kept its tail in sos_strings and linked it.
    t.file("sos_strings/logs/journalctl_--no-pager.tailed",
           journal_lines(host, collected - dt.timedelta(hours=2), 120, 60, "1b2c3d4e5f60718293a4b5c6d7e8f901"))
    t.link("sos_commands/logs/journalctl_--no-pager", "../../sos_strings/logs/journalctl_--no-pager.tailed")
    kernel_block = [
        "INFO: task kworker/u16:3:28751 blocked for more than 120 seconds.",
        f"      Not tainted {kernel} #1",
        '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
        "kworker/u16:3   D    0 28751      2 0x80000080",
        "Call Trace:",
        " __schedule+0x2c4/0x700",
        " schedule+0x38/0xa0",
    ]
    xfs_block = ['XFS (sdb1): metadata I/O error in "xfs_trans_read_buf_map" at daddr 0x5f00080 len 8 error 61']
    # dmesg has the XFS error 1800 s after the hung task: 106 lines of 17 s apart here.
    t.file("var/log/messages", syslog_lines(host, collected - dt.timedelta(hours=3), 600, 17,
                                            {194: kernel_block, 300: xfs_block}))
    t.file("var/log/messages-20261115.gz", gz(syslog_lines(host, collected - dt.timedelta(days=9), 800, 53).encode()))
    t.file("proc/meminfo", meminfo(16116516, 222744, 9624576, 1600000))
    t.file("proc/zoneinfo", zoneinfo())
    t.file("proc/buddyinfo", BUDDYINFO)
    t.file("proc/pagetypeinfo", PAGETYPEINFO)
    t.file("proc/slabinfo", slabinfo())
    t.file("proc/vmstat", VMSTAT)
    t.file("proc/stat", proc_stat(btime))
    t.file("proc/cmdline", f"BOOT_IMAGE=(hd0,msdos1)/vmlinuz-{kernel} root=/dev/mapper/rhel-root ro crashkernel=auto rhgb quiet\n")
    t.file("proc/mounts", "/dev/mapper/rhel-root / xfs rw,seclabel,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota 0 0\n/dev/sdb1 /var/lib/pgsql xfs rw,seclabel,relatime,attr2,inode64,noquota 0 0\n")
    for name, value in [("min_free_kbytes", 45056), ("watermark_scale_factor", 10), ("vfs_cache_pressure", 100), ("extfrag_threshold", 500)]:
        t.file(f"proc/sys/vm/{name}", f"{value}\n")
    t.file("proc/sys/kernel/hung_task_timeout_secs", "120\n")
    t.file("proc/sys/kernel/random/boot_id", "1b2c3d4e-5f60-7182-93a4-b5c6d7e8f901\n")
    for link, target in [("free", "sos_commands/memory/free"), ("uname", "sos_commands/kernel/uname_-a"),
                         ("hostname", "sos_commands/host/hostname"), ("uptime", "sos_commands/host/uptime"),
                         ("date", "sos_commands/systemd/timedatectl"), ("ps", "sos_commands/process/ps_auxwwwm"),
                         ("mount", "sos_commands/filesys/mount_-l")]:
        t.link(link, target)
    _ = boot
    return t


def sos3(host, kernel, collected, uptime_secs):
    root = f"sosreport-{host}-04123456-{collected:%Y-%m-%d}-qwertyu"
    t = Tree(root)
    btime = int(collected.timestamp()) - uptime_secs
    t.file("version.txt", "sosreport: 3.5\ngeneral: 3.5\nkernel: 3.5\nmemory: 3.5\nlogs: 3.5\nprocess: 3.5\n")
    t.file("sos_logs/sos.log", f"{collected:%Y-%m-%d %H:%M:%S},101 INFO: sosreport (version 3.5)\n")
    t.file("sos_reports/sos.txt", "sosreport (version 3.5)\n")
    t.file("sos_commands/kernel/dmesg", dmesg_rhel7(kernel))
    t.file("sos_commands/kernel/uname_-a", f"Linux {host} {kernel} #1 SMP Wed Sep 2 12:00:00 EDT 2026 x86_64 x86_64 x86_64 GNU/Linux\n")
    t.file("sos_commands/kernel/sysctl_-a", SYSCTL)
    t.file("sos_commands/memory/free",
           "             total       used       free     shared    buffers     cached\n"
           "Mem:       7990140    7754532     235608      17820     309724    5216044\n"
           "-/+ buffers/cache:    2228764    5761376\nSwap:      8191992      10820    8181172\n")
    t.file("sos_commands/general/hostname", f"{host}\n")
    t.file("sos_commands/general/date", date_line(collected, "EST"))
    t.file("sos_commands/general/uptime", uptime_line(collected, uptime_secs))
    t.file("sos_commands/process/ps_auxwww", ps_out(PROCS))
    t.file("var/log/messages", syslog_lines(host, collected - dt.timedelta(hours=5), 500, 31))
    t.file("var/log/messages-20261115", syslog_lines(host, collected - dt.timedelta(days=6), 300, 97))
    t.file("proc/meminfo", meminfo(7990140, 235608, 5216044, 800000))
    t.file("proc/zoneinfo", zoneinfo())
    t.file("proc/buddyinfo", BUDDYINFO)
    t.file("proc/pagetypeinfo", PAGETYPEINFO)
    t.file("proc/slabinfo", slabinfo())
    t.file("proc/vmstat", VMSTAT)
    t.file("proc/stat", proc_stat(btime))
    t.file("proc/sys/vm/min_free_kbytes", "67584\n")
    for link, target in [("free", "sos_commands/memory/free"), ("uname", "sos_commands/kernel/uname_-a"),
                         ("hostname", "sos_commands/general/hostname"), ("uptime", "sos_commands/general/uptime"),
                         ("date", "sos_commands/general/date"), ("ps", "sos_commands/process/ps_auxwww")]:
        t.link(link, target)
    return t


MARK = {
    "Command": "#==[ Command ]======================================#",
    "Configuration File": "#==[ Configuration File ]===========================#",
    "Log File": "#==[ Log File ]=====================================#",
    "System": "#==[ System ]=======================================#",
}


def scc_file(entries):
    out = ["============================================================================",
           "                     Support Utilities - Supportconfig",
           "                          Script Version: 3.2.12",
           "                          Library Version: 3.2.12",
           "                          Script Date: 2025 12 01",
           "============================================================================", ""]
    for kind, label, body in entries:
        out.append(MARK[kind])
        out.append(f"# {label}")
        out.append(body.rstrip("\n"))
        out.append("")
    return "\n".join(out) + "\n"


def supportconfig(host, kernel, collected, uptime_secs):
    base = f"scc_{host}_{collected:%y%m%d_%H%M}"
    t = Tree(base)
    boot = collected - dt.timedelta(seconds=uptime_secs)

    def ctime(s):
        w = boot + dt.timedelta(seconds=s)
        return f"[{w:%a %b} {w.day:2d} {w:%H:%M:%S %Y}]"

    dmesg_t = "".join(f"{ctime(s)} {m}\n" for s, m in [
        (0, f"Linux version {kernel} (geeko@buildhost) (gcc (SUSE Linux) 7.5.0, GNU ld (GNU Binutils; SUSE Linux Enterprise 15) 2.41.0.20230908-150100.7.46) #1 SMP PREEMPT_DYNAMIC Tue Oct 7 10:00:00 UTC 2026 (e8c2f3b)"),
        (0, f"Command line: BOOT_IMAGE=/boot/vmlinuz-{kernel} root=UUID=8d5c1c3e-5f0e-4f51-9a8a-1a2b3c4d5e6f splash=silent mitigations=auto quiet"),
        (3, "XFS (sda3): Mounting V5 Filesystem"),
        (3, "XFS (sda3): Ending clean mount"),
        (uptime_secs - 3600, "INFO: task java:4711 blocked for more than 245 seconds."),
        (uptime_secs - 3600, f"      Tainted: G               X  N {kernel} #1"),
        (uptime_secs - 3600, '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.'),
        (uptime_secs - 3600, "task:java            state:D stack:0     pid:4711  ppid:1      flags:0x00000002"),
        (uptime_secs - 3600, "Call Trace:"),
        (uptime_secs - 3600, " <TASK>"),
        (uptime_secs - 3600, " __schedule+0x3a0/0x12c0"),
        (uptime_secs - 3600, " schedule+0x5a/0xd0"),
        (uptime_secs - 3600, " </TASK>"),
    ])
    msgs = []
    for i in range(300):
        w = collected - dt.timedelta(seconds=(300 - i) * 41)
        msgs.append(f"{w:%Y-%m-%dT%H:%M:%S}.{(i * 7919) % 1000000:06d}+00:00 {host} systemd[1]: Started Session {3000 + i} of User root.")
    w = collected - dt.timedelta(seconds=3600)
    msgs.insert(150, f"{w:%Y-%m-%dT%H:%M:%S}.123456+00:00 {host} kernel: [{uptime_secs - 3600:>5}.123456] INFO: task java:4711 blocked for more than 245 seconds.")
    t.file("basic-environment.txt", scc_file([
        ("Command", "/bin/date", date_line(collected)),
        ("Command", "/bin/uname -a", f"Linux {host} {kernel} #1 SMP PREEMPT_DYNAMIC Tue Oct 7 10:00:00 UTC 2026 (e8c2f3b) x86_64 x86_64 x86_64 GNU/Linux"),
        ("Configuration File", "/etc/os-release", 'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"'),
        ("System", "Virtualization", "Manufacturer:  VMware, Inc.\nHardware:      VMware Virtual Platform\nHypervisor:    VMware (hardware platform)"),
    ]))
    t.file("basic-health-check.txt", scc_file([
        ("Command", "/usr/bin/uptime", uptime_line(collected, uptime_secs)),
        ("Command", "/usr/bin/vmstat 1 4", "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----\n r  b   swpd   free   buff  cache   si   so    bi    bo   in   cs us sy id wa st\n 2  3      0 222744   2108 9624576    0    0    12   480  310  620  5  3 80 12  0"),
        ("Command", "/usr/bin/free -k", free_out(16116516, 222744, 9624576)),
    ]))
    t.file("memory.txt", scc_file([
        ("Command", "/usr/bin/free -k", free_out(16116516, 222744, 9624576)),
        ("Configuration File", "/proc/meminfo", meminfo(16116516, 222744, 9624576, 1600000)),
        ("Configuration File", "/proc/zoneinfo", zoneinfo()),
        ("Configuration File", "/proc/buddyinfo", BUDDYINFO),
        ("Configuration File", "/proc/slabinfo", slabinfo(header=False)),
        ("Configuration File", "/proc/vmstat", VMSTAT),
        ("Command", "/sbin/sysctl -a | grep ^vm", "".join(l + "\n" for l in SYSCTL.splitlines() if l.startswith("vm."))),
    ]))
    t.file("boot.txt", scc_file([
        ("Command", "/usr/bin/dmesg -T", dmesg_t),
        ("Configuration File", "/proc/cmdline", f"BOOT_IMAGE=/boot/vmlinuz-{kernel} root=UUID=8d5c1c3e-5f0e-4f51-9a8a-1a2b3c4d5e6f splash=silent mitigations=auto quiet"),
    ]))
    t.file("messages.txt", scc_file([("Log File", "/var/log/messages - Last 300 Lines", "\n".join(msgs))]))
    t.file("env.txt", scc_file([("Command", "/sbin/sysctl -a", SYSCTL)]))
    t.file("rpm.txt", scc_file([("Command", "/bin/rpm -qa --last", "kernel-default-5.14.21-150500.55.39.1.x86_64 Tue Oct  7 10:00:00 2026")]))
    return t


def collect(name, reports):
    t = Tree(name)
    for report in reports:
        data = xz(report.to_tar(first=("version.txt", "sos_reports", "sos_logs")))
        t.file(f"{report.root}.tar.xz", data)
        t.file(f"{report.root}.tar.xz.sha256", "0" * 64 + "\n")
    t.file("sos_logs/sos.log", "2026-11-23 09:10:02,001 INFO: sos collect (version 4.10.0)\n")
    t.file("sos_reports/manifest.json", json.dumps({"version": "4.10.0", "cmdline": "collect --batch", "components": {"collect": {}}}, indent=4) + "\n")
    return t


def main():
    collected = dt.datetime(2026, 11, 23, 9, 5, 24, tzinfo=UTC)
    uptime = 12 * 86400 + 3 * 3600 + 4 * 60
    rhel8 = sos4("db01", "4.18.0-372.9.1.el8.x86_64", collected, uptime)
    rhel8.to_folder(os.path.join(HERE, "sos4-rhel8"))
    write("sos4-rhel8.tar.xz", xz(rhel8.to_tar(first=("version.txt", "sos_reports", "sos_logs"))))

    rhel7 = sos3("web02", "3.10.0-1160.el7.x86_64", dt.datetime(2026, 11, 20, 10, 15, 0, tzinfo=UTC), 2 * 86400 + 600)
    write("sos3-rhel7.tar.gz", gz(rhel7.to_tar()))

    scc = supportconfig("sles15", "5.14.21-150500.55.39-default", dt.datetime(2026, 11, 1, 12, 0, 7, tzinfo=UTC), 3 * 86400 + 4 * 3600)
    write(f"{scc.root}.txz", xz(scc.to_tar()))

    write("dmesg-hung-task.txt", dmesg_rhel8("4.18.0-372.9.1.el8.x86_64", "db01", uptime).encode())

    node1 = sos4("node1", "4.18.0-477.10.1.el8_8.x86_64", collected, 3 * 86400, name_rand="hjklmnb")
    node2 = sos4("node2", "4.18.0-477.10.1.el8_8.x86_64", collected, 40 * 60, name_rand="zxcvbnm")
    write("sos-collector-2026-11-23-kqzvb.tar", collect("sos-collector-2026-11-23-kqzvb", [node1, node2]).to_tar())


if __name__ == "__main__":
    main()
