#!/usr/bin/env bash
# Times `sosalyzer inventory` against plain `xz -dc` on a bundle with ~300 MB of syslog.
# Usage: bench/run.sh [RUNS]   (output and the generated bundle go to bench/out/, ignored by git)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
out=bench/out
mkdir -p "$out"
if [ ! -f "$out/bench.tar.xz" ]; then
    python3 bench/gen_bundle.py "$out" 300
    tar -C "$out" -cf - sosreport-bench-2026-11-23-benchme | xz -T2 -3 > "$out/bench.tar.xz"
fi
cargo build --release -q -p analyzer-cli
bin=target/release/sosalyzer
ls -l "$out/bench.tar.xz"
xz -dc "$out/bench.tar.xz" | wc -c | awk '{printf "decompressed: %.1f MB\n", $1/1e6}'

measure() { # label, command...
    local label=$1; shift
    local times=() rss=() cpus=()
    for _ in $(seq "$runs"); do
        /usr/bin/time -f '%e %M %U %S' -o "$out/time.txt" "$@" > /dev/null
        read -r t m u s < "$out/time.txt"
        times+=("$t"); rss+=("$m"); cpus+=("$(echo "$u + $s" | bc -l)")
    done
    median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    printf '%-22s wall median %6.2f s  cpu median %6.2f s  peak RSS %6.1f MB  (wall: %s)\n' \
        "$label" "$(median "${times[@]}")" "$(median "${cpus[@]}")" \
        "$(echo "$(median "${rss[@]}")/1024" | bc -l)" "${times[*]}"
}
measure "xz -dc" xz -dc "$out/bench.tar.xz"
measure "sosalyzer inventory" "$bin" inventory "$out/bench.tar.xz"
