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

# Runs alternate between the two commands so both see the same machine load.
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A wall cpu rss
labels=("xz -dc" "sosalyzer inventory")
commands=("xz -dc $out/bench.tar.xz" "$bin inventory $out/bench.tar.xz")
for _ in $(seq "$runs"); do
    for i in 0 1; do
        # shellcheck disable=SC2086
        /usr/bin/time -f '%e %M %U %S' -o "$out/time.txt" ${commands[$i]} > /dev/null
        read -r t m u s < "$out/time.txt"
        wall[$i]+="$t "; rss[$i]+="$m "; cpu[$i]+="$(echo "$u + $s" | bc -l) "
    done
done
for i in 0 1; do
    # shellcheck disable=SC2086
    printf '%-22s wall median %6.2f s  cpu median %6.2f s  peak RSS %6.1f MB  (wall: %s)\n' \
        "${labels[$i]}" "$(median ${wall[$i]})" "$(median ${cpu[$i]})" \
        "$(echo "$(median ${rss[$i]})/1024" | bc -l)" "${wall[$i]}"
done
