#!/usr/bin/env python3
"""Writes a sosreport-shaped bundle with about 300 MB of syslog for speed measurements.

Usage: python3 bench/gen_bundle.py OUTDIR [MEGABYTES [EVENTS_PER_MB]]
Makes OUTDIR/sosreport-bench-2026-11-23-benchme/ (the small files of samples/sos4-rhel8 plus a
large var/log/messages and a rotated messages-20261115); bench/run.sh and bench/analyze.sh pack
and time it. Kernel reports (hung tasks, allocation failures, XFS errors; the texts of
gen_syslog.py) are injected at EVENTS_PER_MB per megabyte (default 0), so the analysis has real
events to assemble. Deterministic (fixed seed), python3 standard library only.
"""

import datetime as dt
import os
import random
import shutil
import sys

from gen_syslog import EVENTS

HERE = os.path.dirname(os.path.abspath(__file__))

PROGS = [
    ("kernel", ["[{up:>12.6f}] {dev}: link is up at 10000 Mbps, full duplex", "XFS ({disk}): Ending clean mount",
                "[{up:>12.6f}] nfs: server {host} OK", "audit: type=1400 audit({epoch}.{ms:03d}:{n}): avc:  denied  {{ read }} for  pid={pid} comm=\"{comm}\" name=\"{file}\" dev=\"{disk}\" ino={ino} scontext=system_u:system_r:{comm}_t:s0 tcontext=system_u:object_r:var_t:s0 tclass=file permissive=0"]),
    ("systemd[1]", ["Started Session {n} of user {user}.", "Starting Session {n} of user {user}.", "Created slice User Slice of {user}.",
                    "Started Run anacron jobs.", "{comm}.service: Succeeded.", "Starting dnf makecache...", "Finished dnf makecache."]),
    ("sshd[{pid}]", ["Accepted publickey for {user} from 10.{a}.{b}.{c} port {port} ssh2: RSA SHA256:{hash}",
                     "pam_unix(sshd:session): session opened for user {user} by (uid=0)",
                     "Received disconnect from 10.{a}.{b}.{c} port {port}:11: disconnected by user",
                     "Disconnected from user {user} 10.{a}.{b}.{c} port {port}"]),
    ("systemd-logind[1024]", ["New session {n} of user {user}.", "Removed session {n}.", "Session {n} logged out. Waiting for processes to exit."]),
    ("crond[{pid}]", ["({user}) CMD (/usr/lib64/sa/sa1 1 1)", "({user}) CMD (run-parts /etc/cron.hourly)"]),
    ("postgres[{pid}]", ["[{pid}-1] LOG:  checkpoint starting: time", "[{pid}-1] LOG:  checkpoint complete: wrote {n} buffers ({pct}.{ms:03d}%); 0 WAL file(s) added, 0 removed, {b} recycled; write={up:.3f} s, sync=0.{ms:03d} s, total={up:.3f} s",
                         "[{pid}-1] LOG:  duration: {up:.3f} ms  statement: SELECT * FROM orders WHERE id = {ino}"]),
    ("NetworkManager[1100]", ["<info>  [{epoch}.{ms:04d}] dhcp4 ({dev}): state changed bound -> bound", "<info>  [{epoch}.{ms:04d}] device ({dev}): carrier: link connected"]),
    ("chronyd[998]", ["Selected source 10.20.0.{c}", "System clock wrong by {up:.6f} seconds, adjustment started"]),
]
USERS = ["root", "postgres", "oracle", "svc_backup", "ansible", "jdoe", "asmith"]
COMMS = ["httpd", "java", "rsyslogd", "node_exporter", "splunkd", "sssd_be", "auditd"]
DISKS = ["dm-0", "dm-2", "sdb1", "nvme0n1p2"]
DEVS = ["ens192", "ens224", "bond0", "eth0"]


def lines(rng, start, count, event_every):
    t = start
    for i in range(count):
        if event_every and rng.randrange(event_every) == 0:
            for text in rng.choice(EVENTS):
                yield f"{t:%b} {t.day:2d} {t:%H:%M:%S} db01 kernel: {text}\n"
        t += dt.timedelta(milliseconds=rng.randrange(5, 90))
        prog, msgs = rng.choice(PROGS)
        pid = rng.randrange(300, 65000)
        fields = dict(
            up=rng.random() * 900000, dev=rng.choice(DEVS), disk=rng.choice(DISKS), host=f"nfs{rng.randrange(9)}",
            epoch=int(t.timestamp()), ms=rng.randrange(1000), n=rng.randrange(1, 10**6), pid=pid,
            comm=rng.choice(COMMS), file=f"{rng.randrange(16**6):06x}.log", ino=rng.randrange(10**7),
            user=rng.choice(USERS), a=rng.randrange(256), b=rng.randrange(256), c=rng.randrange(1, 255),
            port=rng.randrange(1024, 65535), hash="".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") for _ in range(43)),
            pct=rng.randrange(100),
        )
        msg = rng.choice(msgs).format(**fields)
        yield f"{t:%b} {t.day:2d} {t:%H:%M:%S} db01 {prog.format(pid=pid)}: {msg}\n"


def write_log(path, rng, start, megabytes, events_per_mb):
    target = megabytes * 1_000_000
    # About 100 bytes a line: one event every `event_every` lines gives events_per_mb a megabyte.
    event_every = int(1_000_000 / 100 / events_per_mb) if events_per_mb else 0
    written = 0
    with open(path, "w") as f:
        while written < target:
            chunk = "".join(lines(rng, start, 20000, event_every))
            start += dt.timedelta(minutes=20)
            f.write(chunk)
            written += len(chunk)


def main():
    out = sys.argv[1]
    megabytes = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    events_per_mb = float(sys.argv[3]) if len(sys.argv) > 3 else 0
    root = os.path.join(out, "sosreport-bench-2026-11-23-benchme")
    if os.path.lexists(root):
        shutil.rmtree(root)
    shutil.copytree(os.path.join(HERE, "..", "samples", "sos4-rhel8"), root, symlinks=True)
    rng = random.Random(20261123)
    start = dt.datetime(2026, 11, 16, 0, 0, 0)
    write_log(os.path.join(root, "var/log/messages-20261115"), rng, start - dt.timedelta(days=7), megabytes // 3,
              events_per_mb)
    write_log(os.path.join(root, "var/log/messages"), rng, start, megabytes - megabytes // 3, events_per_mb)
    os.remove(os.path.join(root, "var/log/messages-20261115.gz"))


if __name__ == "__main__":
    main()
