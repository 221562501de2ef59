#!/usr/bin/env bash
# Benchmarks of `sosalyzer analyze` against the physical floor, on generated sosreports with
# 100 MB, 500 MB and 1 GB of syslog (bench/gen_bundle.py, one kernel report a megabyte):
#
#   1. the .tar.xz with 500 MB of logs against `xz -dc FILE > /dev/null` on the same file
#      (median of RUNS, the two commands alternating so both see the same machine load);
#   2. log throughput on the extracted folder, pinned to one core (taskset -c 0), page cache warm;
#   3. peak RSS of every size, folder and .tar.xz.
#
#   bench/analyze.sh                     # SIZES="100 500 1000" RUNS=5
#   SIZES="100 500" RUNS=3 bench/analyze.sh
#   BIN=/opt/sosalyzer/bin/sosalyzer bench/analyze.sh
#
# Needs: cargo, python3, tar, xz, taskset, GNU time at /usr/bin/time. Everything it writes is
# under bench/out (ignored by git); generated bundles are kept for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"100 500 1000"}
RUNS=${RUNS:-5}
OUT=bench/out
if [ -z "${BIN:-}" ]; then
    cargo build --release -q -p analyzer-cli
    BIN=target/release/sosalyzer
fi

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Runs "$@" with output to /dev/null; sets `secs`, `cpu` (user + system) and `rss_mb`.
measure() {
    /usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" "$@" >/dev/null
    read -r secs rss_kb user sys <"$OUT/time.txt"
    rss_mb=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
}

bundle=sosreport-bench-2026-11-23-benchme
for mb in $SIZES; do
    dir=$OUT/analyze-$mb
    if [ ! -f "$dir/bundle.tar.xz" ]; then
        mkdir -p "$dir"
        python3 bench/gen_bundle.py "$dir" "$mb" 1
        tar -C "$dir" -cf - "$bundle" | xz -T2 -3 >"$dir/bundle.tar.xz.part"
        mv "$dir/bundle.tar.xz.part" "$dir/bundle.tar.xz"
    fi
done

printf '\n%-6s %-9s %12s %12s %10s %10s\n' "logs" "input" "wall (s)" "log MB/s" "RSS (MB)" "findings"
for mb in $SIZES; do
    dir=$OUT/analyze-$mb
    bytes=$(du -sb --apparent-size "$dir/$bundle" | cut -f1)
    cat "$dir/$bundle"/var/log/* >/dev/null # warm the page cache: the disk is not measured
    for input in folder tar.xz; do
        path=$dir/$bundle
        pin=(taskset -c 0)
        if [ "$input" = tar.xz ]; then
            path=$dir/bundle.tar.xz
            pin=()
        fi
        walls=()
        rsss=()
        for _ in $(seq "$RUNS"); do
            measure "${pin[@]}" "$BIN" analyze "$path" -f json
            walls+=("$secs")
            rsss+=("$rss_mb")
        done
        wall=$(median "${walls[@]}")
        findings=$("$BIN" analyze "$path" -f json | grep -c '"rule_id"' || true)
        printf '%-6s %-9s %12s %12.0f %10s %10s\n' "${mb}MB" "$input" "$wall" \
            "$(awk -v b="$bytes" -v s="$wall" 'BEGIN {print b / s / 1e6}')" \
            "$(median "${rsss[@]}")" "$findings"
    done
done

# The archive against plain decompression of the same file, on the middle size.
mb=$(printf '%s\n' $SIZES | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
file=$OUT/analyze-$mb/bundle.tar.xz
xz_walls=()
an_walls=()
an_cpu=()
for _ in $(seq "$RUNS"); do
    measure xz -dc "$file"
    xz_walls+=("$secs")
    measure "$BIN" analyze "$file" -f json
    an_walls+=("$secs")
    an_cpu+=("$cpu")
done
xz_wall=$(median "${xz_walls[@]}")
an_wall=$(median "${an_walls[@]}")
printf '\n%s (%s MB compressed)\n' "$file" "$(du -m "$file" | cut -f1)"
printf '  xz -dc             median %6.2f s   (runs: %s)\n' "$xz_wall" "${xz_walls[*]}"
printf '  sosalyzer analyze  median %6.2f s   (runs: %s; cpu median %s s)\n' "$an_wall" \
    "${an_walls[*]}" "$(median "${an_cpu[@]}")"
printf '  ratio              %.2fx\n' "$(awk -v a="$an_wall" -v x="$xz_wall" 'BEGIN {print a / x}')"
