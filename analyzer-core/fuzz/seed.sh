#!/usr/bin/env bash
# Fills the git-ignored corpus/<target>/ folders from samples/: small files for `parsers`, logs
# for `logline` and `events`, archives (and a few made from the sample folders, one per
# compression) for `bundle`. The real-world corpus is not copied: pass it on the command line.
set -euo pipefail
cd "$(dirname "$0")"
S=../../samples
mkdir -p corpus/parsers corpus/logline corpus/events corpus/bundle

for dir in "$S"/sos4-rhel8 "$S"/seed-case-*; do
    find "$dir" -type f ! -name '*.gz' | while read -r f; do
        name=$(echo "${f#"$S"/}" | tr / _)
        case "$f" in
            *log* | *dmesg* | *messages* | *journal*)
                cp "$f" "corpus/logline/$name"
                cp "$f" "corpus/events/$name"
                ;;
            *) cp "$f" "corpus/parsers/$name" ;;
        esac
    done
done
cp "$S"/dmesg-hung-task.txt corpus/logline/
cp "$S"/dmesg-hung-task.txt corpus/events/

cp "$S"/*.tar "$S"/*.tar.gz "$S"/*.tar.xz "$S"/*.txz "$S"/dmesg-hung-task.txt corpus/bundle/
gzip -c "$S"/dmesg-hung-task.txt > corpus/bundle/dmesg.gz
cp "$S"/sos4-rhel8/proc/meminfo corpus/bundle/meminfo
tar -C "$S" -cjf corpus/bundle/sos4.tar.bz2 sos4-rhel8
if command -v zstd > /dev/null; then
    for c in "$S"/seed-case-*; do
        tar -C "$S" -cf - "$(basename "$c")" | zstd -q -c > "corpus/bundle/$(basename "$c").tar.zst"
    done
fi
# A small plain tar, so mutations reach the tar reader without a decompressor in the way.
tar -C "$S" -cf corpus/bundle/sos4-small.tar sos4-rhel8/proc/meminfo sos4-rhel8/proc/buddyinfo \
    sos4-rhel8/sos_commands/kernel/dmesg sos4-rhel8/version.txt \
    sos4-rhel8/sos_commands/kernel/uname_-a sos4-rhel8/sos_reports/manifest.json \
    sos4-rhel8/var/log/messages-20261115.gz
for t in parsers logline events bundle; do echo "$t: $(ls corpus/$t | wc -l) seeds"; done
