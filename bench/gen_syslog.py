#!/usr/bin/env python3
"""Writes a large RFC 3164 syslog (`/var/log/messages` style) for timing the timeline.

Usage: gen_syslog.py OUT MEGABYTES [EVENTS]

Ordinary user-space and kernel lines, with EVENTS kernel reports injected at even intervals
(hung tasks, page allocation failures, XFS errors; text from docs/FORMATS.md 3.2-3.4). Every
tenth ordinary line is a kernel line, some of them mentioning trigger-like words that are not
events (XFS mounts), as real logs do.
"""
import sys

ORDINARY = [
    "systemd[1]: Started Session {n} of user root.",
    "sshd[{p}]: Accepted publickey for root from 10.0.{a}.{b} port {p} ssh2: RSA SHA256:q1w2e3r4t5y6",
    "crond[{p}]: (root) CMD (/usr/lib64/sa/sa1 1 1)",
    "NetworkManager[1034]: <info>  [1709630553.{n}] dhcp4 (eth0): state changed bound -> bound",
    "rsyslogd[1201]: imjournal: {n} messages lost due to rate-limiting",
    "dbus-daemon[998]: [system] Successfully activated service 'org.freedesktop.nm_dispatcher'",
    "chronyd[{p}]: Selected source 10.0.0.{a}",
    "systemd-logind[1010]: New session {n} of user root.",
    "postgres[{p}]: [{n}-1] LOG:  checkpoint complete: wrote {a} buffers (0.1%); 0 WAL file(s) added",
    "kernel: IPv6: ADDRCONF(NETDEV_CHANGE): eth{a}: link becomes ready",
    "kernel: XFS (dm-{a}): Mounting V5 Filesystem",
    "audit[{p}]: AVC avc:  denied  {{ read }} for  pid={p} comm=\"httpd\" name=\"index.html\"",
]

EVENTS = [
    [
        "INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.",
        "      Not tainted 5.10.0-8-cloud-amd64 #1 Debian 5.10.46-4",
        "\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
        "task:jbd2/sda1-8     state:D stack:    0 pid:  161 ppid:     2 flags:0x00004000",
        "Call Trace:",
        " __schedule+0x282/0x870",
        " ? wbt_rqw_done+0xe0/0xe0",
        " schedule+0x46/0xb0",
        " io_schedule+0x42/0x70",
    ],
    [
        "kworker/0:1: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0",
        "CPU: 3 PID: 4242 Comm: kworker/0:1 Not tainted 5.10.0-8-cloud-amd64 #1",
        "Call Trace:",
        " dump_stack+0x6d/0x88",
        " warn_alloc.cold+0x7b/0xdf",
        "Mem-Info:",
        "active_anon:1813257 inactive_anon:37301 isolated_anon:0",
        " free:23900 free_pcp:0 free_cma:0",
        "Node 0 DMA free:15908kB min:132kB low:164kB high:196kB present:15992kB managed:15908kB",
        "lowmem_reserve[]: 0 2958 15995 15995 15995",
        "Node 0 DMA: 1*4kB (U) 0*8kB 0*16kB 1*32kB (U) 2*64kB (U) 1*128kB (U) 1*256kB (U) 0*512kB 1*1024kB (U) 1*2048kB (M) 3*4096kB (M) = 15908kB",
        "12345 total pagecache pages",
        "4194173 pages RAM",
        "83472 pages reserved",
    ],
    [
        "XFS (dm-2): metadata I/O error: block 0x2f5a0a8 (\"xlog_iodone\") error 5 numblks 64",
    ],
    [
        "XFS (dm-0): metadata I/O error in \"xfs_trans_read_buf_map+0x1f6/0x500 [xfs]\" at daddr 0x10 len 8 error 74",
    ],
    [
        "XFS (dm-1): Metadata corruption detected at xfs_agf_read_verify+0x77/0x100 [xfs], xfs_agf block 0x1",
        "XFS (dm-1): Unmount and run xfs_repair",
    ],
]

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def stamp(second):
    day = 1 + (second // 86400) % 28
    month = MONTHS[(second // (86400 * 28)) % 12]
    h, m, s = (second // 3600) % 24, (second // 60) % 60, second % 60
    return f"{month} {day:2d} {h:02d}:{m:02d}:{s:02d}"


def main():
    out, megabytes = sys.argv[1], int(sys.argv[2])
    events = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    target = megabytes * 1_000_000
    approx_lines = target // 110
    every = max(1, approx_lines // max(1, events))
    written, n, injected = 0, 0, 0
    with open(out, "w") as f:
        chunk = []
        while written < target:
            second = n // 20
            if n % every == every - 1 and injected < events:
                for text in EVENTS[injected % len(EVENTS)]:
                    chunk.append(f"{stamp(second)} db01 kernel: {text}\n")
                injected += 1
            line = ORDINARY[n % len(ORDINARY)].format(n=n, p=1000 + n % 30000, a=n % 7, b=n % 250)
            chunk.append(f"{stamp(second)} db01 {line}\n")
            n += 1
            if len(chunk) >= 20000:
                s = "".join(chunk)
                f.write(s)
                written += len(s)
                chunk = []
        s = "".join(chunk)
        f.write(s)
    print(f"{out}: {n} lines, {injected} events", file=sys.stderr)


if __name__ == "__main__":
    main()
