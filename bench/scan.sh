#!/usr/bin/env bash
# Benchmark of `sosalyzer scan`: wall time with -j 1 and -j 2 and peak RSS over a generated
# fleet of sosreports (default: 20 bundles of about 50 MB of logs each, as .tar.xz).
#
#   bench/scan.sh                 # generate (once) into bench/out/fleet, then measure
#   BUNDLES=40 BUNDLE_MB=100 bench/scan.sh
#   JOBS="1 2 4" RUNS=5 bench/scan.sh
#   BIN=/opt/sosalyzer/bin/sosalyzer bench/scan.sh    # an installed binary instead of a build
#
# Each setting runs RUNS times (default 3) and the fastest run is kept: on a shared machine the
# other runs measure the neighbours.
#
# Needs: cargo, tar, xz, awk, GNU time at /usr/bin/time. Everything it writes is under
# bench/out (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

BUNDLES=${BUNDLES:-20}
BUNDLE_MB=${BUNDLE_MB:-50}
JOBS=${JOBS:-"1 2"}
RUNS=${RUNS:-3}
OUT=bench/out
FLEET=$OUT/fleet-${BUNDLES}x${BUNDLE_MB}MB

if [ -z "${BIN:-}" ]; then
    cargo build --release -q
    BIN=target/release/sosalyzer
fi

# One sosreport tree: version.txt, dmesg, meminfo, and a messages file of BUNDLE_MB MB of
# syslog lines with a hung task, an allocation failure and an XFS shutdown every few MB.
make_bundle() {
    local root=$1 name=$2
    local dir=$root/$name
    mkdir -p "$dir/sos_commands/kernel" "$dir/sos_commands/host" "$dir/proc" "$dir/var/log"
    printf 'sosreport: 4.6.1\n' >"$dir/version.txt"
    printf '%s\n' "${name#sosreport-}" >"$dir/sos_commands/host/hostname"
    printf 'MemTotal:       32603404 kB\nMemFree:          412308 kB\n' >"$dir/proc/meminfo"
    printf '[    0.000000] Linux version 4.18.0-513.el8.x86_64 (mockbuild@x86-vm-07)\n' \
        >"$dir/sos_commands/kernel/dmesg"
    awk -v bytes=$((BUNDLE_MB * 1024 * 1024)) -v host="${name#sosreport-}" 'BEGIN {
        srand(42); n = 0; size = 0; t = 0
        split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
        while (size < bytes) {
            t++; n++
            stamp = sprintf("%s %2d %02d:%02d:%02d", mon[int(t / 2678400) % 12 + 1],
                            int(t / 86400) % 28 + 1, int(t / 3600) % 24, int(t / 60) % 60, t % 60)
            if (n % 40000 == 0) {
                block = stamp " " host " kernel: INFO: task postgres:" 4000 + n % 1000 \
                    " blocked for more than 120 seconds.\n" \
                    stamp " " host " kernel:       Not tainted 4.18.0-513.el8.x86_64 #1\n" \
                    stamp " " host " kernel: \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n" \
                    stamp " " host " kernel: task:postgres        state:D stack:    0 pid:" 4000 + n % 1000 " ppid:     1 flags:0x00000080\n" \
                    stamp " " host " kernel: Call Trace:\n" \
                    stamp " " host " kernel: __schedule+0x2c4/0x700\n" \
                    stamp " " host " kernel: schedule+0x38/0xa0\n" \
                    stamp " " host " kernel: xlog_wait_on_iclog+0x11d/0x160 [xfs]\n" \
                    stamp " " host " kernel: xfs_log_force_seq+0x8a/0x180 [xfs]\n" \
                    stamp " " host " kernel: xfs_file_fsync+0x1a8/0x220 [xfs]\n" \
                    stamp " " host " kernel: do_fsync+0x38/0x70\n"
            } else if (n % 55000 == 0) {
                block = stamp " " host " kernel: kworker/u64:2: page allocation failure: order:6, mode:0x40d0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0\n"
            } else if (n % 170000 == 0) {
                block = stamp " " host " kernel: XFS (dm-3): log I/O error -5\n" \
                    stamp " " host " kernel: XFS (dm-3): Filesystem has been shut down due to log error (0x2).\n"
            } else {
                r = int(rand() * 4)
                if (r == 0) block = stamp " " host " systemd[1]: Started Session " n " of user root.\n"
                else if (r == 1) block = stamp " " host " sshd[" 1000 + n % 30000 "]: Accepted publickey for admin from 10.0." n % 256 "." int(rand() * 256) " port " 30000 + n % 30000 " ssh2\n"
                else if (r == 2) block = stamp " " host " kernel: IPv4: martian source 10.1." n % 256 ".7 from 10.1.0.1, on dev eth0\n"
                else block = stamp " " host " chronyd[812]: Selected source 192.168.1." n % 200 " (pool.ntp.org)\n"
            }
            printf "%s", block
            size += length(block)
        }
    }' >"$dir/var/log/messages"
}

if [ ! -f "$FLEET/.done" ]; then
    rm -rf "$FLEET" "$OUT/tree"
    mkdir -p "$FLEET" "$OUT/tree"
    echo "generating one bundle of ${BUNDLE_MB} MB of logs..." >&2
    make_bundle "$OUT/tree" sosreport-bench
    tar -C "$OUT/tree" -cf - sosreport-bench | xz -2 -T1 >"$OUT/template.tar.xz"
    for i in $(seq -w 1 "$BUNDLES"); do
        cp "$OUT/template.tar.xz" "$FLEET/sosreport-node$i-2026-11-23-bench$i.tar.xz"
    done
    rm -rf "$OUT/tree"
    touch "$FLEET/.done"
fi
echo "fleet: $BUNDLES bundles, $(du -sh "$FLEET" | cut -f1) compressed, ${BUNDLE_MB} MB of logs each" >&2

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2

declare -A WALL
for j in $JOBS; do
    best=
    for run in $(seq "$RUNS"); do
        log=$OUT/time-j$j-run$run.txt
        /usr/bin/time -v "$BIN" scan "$FLEET" -o "$OUT/scan-j$j" -j "$j" --force 2>"$log" >/dev/null
        secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
            for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$secs
            cp "$log" "$OUT/time-j$j.txt"
        fi
    done
    log=$OUT/time-j$j.txt
    WALL[$j]=$best
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 / 1024 }' "$log")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$log")
    summary=$(grep -o 'scanned .*failed' "$log" | tail -1)
    printf 'j=%s  wall %6.2f s (best of %s)  cpu %6.2f s  peak RSS %6.1f MB  %s\n' \
        "$j" "$best" "$RUNS" "$cpu" "$rss" "$summary"
    if echo "$summary" | grep -qE "(^|[^0-9])0 analysed, 0 current"; then
        echo "  warning: no bundle was analysed (is the analysis wired in this build?)" >&2
    fi
done
first=${JOBS%% *}
for j in $JOBS; do
    [ "$j" = "$first" ] && continue
    awk -v a="${WALL[$first]}" -v b="${WALL[$j]}" -v j="$j" -v f="$first" \
        'BEGIN { if (b > 0) printf "speed-up j=%s over j=%s: %.2fx\n", j, f, a / b }'
done
