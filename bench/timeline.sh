#!/bin/sh
# Times `sosalyzer timeline` (release build, one core) on generated syslogs of 100 and 500 MB
# with a few hundred events injected, and reports MB/s and peak RSS.
# Usage: bench/timeline.sh [WORKDIR]   (default: a temporary folder, removed afterwards)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
cargo build --release -q --manifest-path "$root/Cargo.toml" -p analyzer-cli
bin="$root/target/release/sosalyzer"
for mb in 100 500; do
    log="$work/messages-$mb"
    [ -f "$log" ] || python3 "$root/bench/gen_syslog.py" "$log" "$mb" 300
    bytes=$(wc -c < "$log")
    # Warm the page cache so the disk is not measured.
    cat "$log" > /dev/null
    /usr/bin/time -f "%e %M" -o "$work/time" taskset -c 0 "$bin" timeline "$log" -f json > "$work/out.json"
    read -r secs rss_kb < "$work/time"
    events=$(grep -c '"id": "e' "$work/out.json" || true)
    echo "$mb MB syslog: $events events, ${secs}s, $(echo "$bytes / $secs / 1000000" | bc) MB/s, peak RSS $((rss_kb / 1024)) MiB"
done
[ -n "${1:-}" ] || rm -rf "$work"
