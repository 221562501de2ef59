//! Conformance against the real-world corpus: every `E/` file (/proc memory files and `free`
//! output) is parsed and EVERY value of its hand-read `expect` label in `index.jsonl` is
//! compared with what the parser read. The label drives the test: a label key the test does
//! not know fails it, so new labels cannot be skipped silently.

use std::fmt::Debug;
use std::path::{Path, PathBuf};

use analyzer_core::parse::{buddyinfo, free, meminfo, slabinfo, vmstat, zoneinfo};
use serde_json::{Map, Value};

/// Label keys that describe the file rather than a value in it.
const NOTES: &[&str] = &["type", "note", "notes", "edge_cases"];

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    dir.join("index.jsonl").is_file().then_some(dir)
}

/// Counts compared values and collects every mismatch, so one run shows them all.
#[derive(Default)]
struct Checker {
    file: String,
    checked: usize,
    failures: Vec<String>,
}

impl Checker {
    fn eq<T: PartialEq + Debug>(&mut self, what: &str, got: T, want: T) {
        self.checked += 1;
        if got != want {
            self.failures.push(format!("{}: {what}: got {got:?}, label says {want:?}", self.file));
        }
    }

    /// Byte values printed with one decimal (`7.7Gi`) may differ by rounding.
    fn near(&mut self, what: &str, got: Option<u64>, want: u64, tolerance: u64) {
        self.checked += 1;
        match got {
            Some(g) if g.abs_diff(want) <= tolerance => {}
            _ => self
                .failures
                .push(format!("{}: {what}: got {got:?}, label says ~{want}", self.file)),
        }
    }
}

fn object<'a>(value: &'a Value, what: &str) -> &'a Map<String, Value> {
    value.as_object().unwrap_or_else(|| panic!("label {what} is not an object: {value}"))
}

/// A label number, or `None` for `null`; anything else is a label the test cannot read.
fn number(value: &Value, what: &str) -> Option<u64> {
    match value {
        Value::Null => None,
        v => Some(v.as_u64().unwrap_or_else(|| panic!("label {what} is not a number: {v}"))),
    }
}

#[test]
fn corpus_e_files_match_their_labels() {
    let Some(dir) = corpus_dir() else {
        println!("skipped: ../shared/corpus not found");
        return;
    };
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let mut checker = Checker::default();
    let mut files = 0;
    for line in index.lines().filter(|l| !l.trim().is_empty()) {
        let entry: Value = serde_json::from_str(line).unwrap();
        if entry["category"] != "E" {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        let text = String::from_utf8_lossy(&std::fs::read(dir.join(file)).unwrap()).into_owned();
        let expect = object(&entry["expect"], "expect");
        checker.file = file.to_string();
        files += 1;
        match expect["type"].as_str() {
            Some("meminfo") => check_meminfo(&mut checker, expect, &meminfo::parse(&text)),
            Some("buddyinfo") => check_buddyinfo(&mut checker, expect, &buddyinfo::parse(&text)),
            Some("free") => check_free(&mut checker, expect, &free::parse(&text)),
            Some("zoneinfo") => check_zoneinfo(&mut checker, expect, &zoneinfo::parse(&text)),
            Some("slabinfo") => check_slabinfo(&mut checker, expect, &slabinfo::parse(&text)),
            Some("vmstat") => check_vmstat(&mut checker, expect, &vmstat::parse(&text)),
            other => panic!("{file}: no check for label type {other:?}"),
        }
    }
    println!("corpus_proc: checked {} label values in {files} E files", checker.checked);
    assert!(files >= 20, "expected the 20 E files of the corpus, found {files}");
    assert!(checker.failures.is_empty(), "mismatches:\n{}", checker.failures.join("\n"));
}

fn check_meminfo(c: &mut Checker, expect: &Map<String, Value>, m: &meminfo::Meminfo) {
    for (key, value) in expect.iter().filter(|(k, _)| !NOTES.contains(&k.as_str())) {
        let want = number(value, key);
        let got = match key.as_str() {
            "hugetlb_reserved_kB" => m.hugetlb_kb(),
            k => m.get(k.strip_suffix("_kB").unwrap_or(k)),
        };
        c.eq(key, got, want);
    }
}

fn check_vmstat(c: &mut Checker, expect: &Map<String, Value>, v: &vmstat::Vmstat) {
    for (key, value) in expect.iter().filter(|(k, _)| !NOTES.contains(&k.as_str())) {
        let want = number(value, key);
        match key.as_str() {
            "lines" => c.eq("counters read (all lines)", Some(v.values.len() as u64), want),
            k => c.eq(k, v.get(k), want),
        }
    }
}

fn check_buddyinfo(c: &mut Checker, expect: &Map<String, Value>, b: &buddyinfo::Buddyinfo) {
    for (key, value) in expect.iter().filter(|(k, _)| !NOTES.contains(&k.as_str())) {
        match key.as_str() {
            "rows" => c.eq("rows", Some(b.zones.len() as u64), number(value, key)),
            "orders" => {
                let want = number(value, key);
                for z in &b.zones {
                    c.eq(
                        &format!("{}/{} orders", z.node, z.zone),
                        Some(z.free_blocks.len() as u64),
                        want,
                    );
                }
            }
            "nodes" => {
                let want: Vec<u32> = serde_json::from_value(value.clone())
                    .expect("label nodes is a list of numbers");
                c.eq("nodes", b.nodes(), want);
            }
            "zones" => {
                for (name, counts) in object(value, "zones") {
                    let (node, zone) = name.split_once('/').expect("zone label is NODE/NAME");
                    let node: u32 = node.parse().expect("zone label node is a number");
                    let want: Vec<u64> =
                        serde_json::from_value(counts.clone()).expect("zone counts are numbers");
                    let got = b.zone(node, zone).map(|z| z.free_blocks.clone());
                    c.eq(name, got, Some(want));
                }
            }
            other => panic!("{}: buddyinfo label key {other} has no check", c.file),
        }
    }
}

fn check_free(c: &mut Checker, expect: &Map<String, Value>, f: &free::Free) {
    match expect.get("blocks") {
        Some(blocks) => {
            let blocks = blocks.as_array().expect("label blocks is a list");
            c.eq("blocks", f.blocks.len(), blocks.len());
            for (i, label) in blocks.iter().enumerate() {
                match f.blocks.get(i) {
                    Some(block) => {
                        check_free_block(c, &format!("block {i}"), object(label, "block"), block)
                    }
                    None => c.failures.push(format!("{}: block {i} missing", c.file)),
                }
            }
        }
        None => {
            c.eq("blocks", f.blocks.len(), 1);
            if let Some(block) = f.blocks.first() {
                check_free_block(c, "block 0", expect, block);
            }
        }
    }
}

/// Bytes per label unit, `None` for `-h` output (each value carries its suffix).
fn label_unit(units: &str) -> (String, Option<u64>) {
    match units {
        "bytes" => ("B".into(), Some(1)),
        "KiB" => ("KiB".into(), Some(1024)),
        "MiB" => ("MiB".into(), Some(1 << 20)),
        "GiB" => ("GiB".into(), Some(1 << 30)),
        u if u.starts_with("human") => ("human".into(), None),
        u => panic!("unknown label unit {u}"),
    }
}

/// A label value in bytes: a number in the block's unit, or a `-h` string such as `7.7Gi`,
/// converted here independently of the parser.
fn label_bytes(value: &Value, unit: Option<u64>, what: &str) -> Option<u64> {
    match (value, unit) {
        (Value::Null, _) => None,
        (Value::String(s), _) => {
            let split = s.find(|ch: char| !ch.is_ascii_digit() && ch != '.').unwrap_or(s.len());
            let (num, suffix) = s.split_at(split);
            let num: f64 = num.parse().unwrap_or_else(|_| panic!("label {what}: {s}"));
            let power = match suffix.trim_end_matches('i') {
                "B" | "" => 0,
                "K" => 1,
                "M" => 2,
                "G" => 3,
                "T" => 4,
                other => panic!("label {what}: suffix {other}"),
            };
            Some((num * 1024f64.powi(power)).round() as u64)
        }
        (v, Some(unit)) => number(v, what).map(|n| n * unit),
        (v, None) => panic!("label {what}: number {v} without a unit"),
    }
}

fn check_free_block(
    c: &mut Checker,
    at: &str,
    label: &Map<String, Value>,
    block: &free::FreeBlock,
) {
    let units = label.get("units").and_then(Value::as_str).expect("free label has units");
    let (unit_name, unit) = label_unit(units);
    for (key, value) in label.iter().filter(|(k, _)| !NOTES.contains(&k.as_str())) {
        match key.as_str() {
            "units" => c.eq(&format!("{at} unit"), block.unit.as_str(), unit_name.as_str()),
            "Mem" | "Swap" => {
                let row = if key == "Mem" { Some(&block.mem) } else { block.swap.as_ref() };
                for (col, v) in object(value, key) {
                    let column = if col == "buff_cache" { "buff/cache" } else { col.as_str() };
                    let what = format!("{at} {key} {col}");
                    let want = label_bytes(v, unit, &what);
                    let got = row.and_then(|r| r.column(column));
                    match v {
                        Value::String(_) => c.near(&what, got, want.unwrap_or(0), 1),
                        _ => c.eq(&what, got, want),
                    }
                }
            }
            "buffers_cache" => {
                let o = object(value, key);
                let want = label_bytes(&o["used"], unit, "used")
                    .zip(label_bytes(&o["free"], unit, "free"));
                c.eq(&format!("{at} -/+ buffers/cache"), block.buffers_cache, want);
            }
            "available" => {
                c.eq(&format!("{at} available"), block.mem.available, label_bytes(value, unit, key))
            }
            "approx_kib" => {
                for (name, v) in object(value, key) {
                    let (row, col) = name.split_once('_').expect("approx_kib key is ROW_COLUMN");
                    let row = if row == "Mem" { Some(&block.mem) } else { block.swap.as_ref() };
                    let got = row.and_then(|r| r.column(col)).map(|b| (b + 512) / 1024);
                    c.near(&format!("{at} ~{name} KiB"), got, number(v, name).unwrap_or(0), 1);
                }
            }
            other => panic!("{}: free label key {other} has no check", c.file),
        }
    }
}

fn zone_value(z: &zoneinfo::Zone, key: &str) -> Option<u64> {
    match key {
        "free" => z.free,
        "min" => z.min,
        "low" => z.low,
        "high" => z.high,
        "spanned" => z.spanned,
        "present" => z.present,
        "managed" => z.managed,
        "boost" => z.boost,
        "promo" => z.promo,
        "cma" => z.cma,
        other => panic!("zoneinfo zone label key {other} has no check"),
    }
}

fn check_zoneinfo(c: &mut Checker, expect: &Map<String, Value>, info: &zoneinfo::Zoneinfo) {
    for (key, value) in expect.iter().filter(|(k, _)| !NOTES.contains(&k.as_str())) {
        match key.as_str() {
            // Describes the unit of the zone values below (pages), which is what the type holds.
            "units" => assert_eq!(value, "pages"),
            "partial" => {
                let no_watermarks = info.zones.iter().all(|z| z.free.is_none() && z.min.is_none());
                c.eq("partial (no free/min lines)", no_watermarks, value == true);
            }
            "zones" => {
                let zones = value.as_array().expect("label zones is a list");
                c.eq("zones", info.zones.len(), zones.len());
                for (i, label) in zones.iter().enumerate() {
                    let Some(z) = info.zones.get(i) else { continue };
                    for (k, v) in object(label, "zone") {
                        let what = format!("zone {i} {k}");
                        match k.as_str() {
                            "node" => c.eq(&what, Some(u64::from(z.node)), number(v, k)),
                            "zone" => c.eq(&what, Some(z.zone.as_str()), v.as_str()),
                            _ => c.eq(&what, zone_value(z, k), number(v, k)),
                        }
                    }
                }
            }
            other => panic!("{}: zoneinfo label key {other} has no check", c.file),
        }
    }
}

fn check_slabinfo(c: &mut Checker, expect: &Map<String, Value>, s: &slabinfo::Slabinfo) {
    for (key, value) in expect.iter().filter(|(k, _)| !NOTES.contains(&k.as_str())) {
        match key.as_str() {
            "version" => c.eq("version", s.version.as_deref(), value.as_str()),
            "caches" => c.eq("caches", Some(s.caches.len() as u64), number(value, key)),
            "top_by_slab_memory_bytes" => {
                let want = value.as_array().expect("label top list");
                let top = s.top_by_bytes(want.len());
                for (i, label) in want.iter().enumerate() {
                    let Some(cache) = top.get(i) else {
                        c.failures.push(format!("{}: top {i} missing", c.file));
                        continue;
                    };
                    for (k, v) in object(label, "cache") {
                        let what = format!("top {i} {k}");
                        let got = match k.as_str() {
                            "name" => {
                                c.eq(&what, Some(cache.name.as_str()), v.as_str());
                                continue;
                            }
                            "active_objs" => cache.active_objs,
                            "num_objs" => cache.num_objs,
                            "objsize" => cache.objsize,
                            "num_slabs" => cache.num_slabs,
                            "pagesperslab" => cache.pagesperslab,
                            "bytes" => cache.bytes,
                            other => panic!("slabinfo cache label key {other} has no check"),
                        };
                        c.eq(&what, Some(got), number(v, k));
                    }
                }
            }
            other => panic!("{}: slabinfo label key {other} has no check", c.file),
        }
    }
}
