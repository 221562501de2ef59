//! Conformance of event assembly against the real-world corpus (`../shared/corpus`, categories
//! A hung tasks, B page allocation failures, C XFS errors, D near misses): every file is run
//! through line-prefix parsing (`parse::logline`) and the assembler, and the events are compared
//! with the hand-read labels of `index.jsonl`. `CORPUS_EVENTS_DUMP=1` prints every event.

use std::path::{Path, PathBuf};

use analyzer_core::events::{Assembled, Assembler};
use analyzer_core::model::{EventFields, HungTask, MemInfoDump, PageAllocFailure, XfsError};
use analyzer_core::parse::logline::{Hint, LineFormat, parse_line};
use serde_json::Value;

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    dir.join("index.jsonl").is_file().then_some(dir)
}

/// Runs a file through prefix parsing and the assembler as the timeline does: kernel lines
/// only, a line without prefix belonging to whatever the line before it was, rsyslog `#012`
/// continuations split.
fn assemble(text: &str) -> Vec<Assembled<()>> {
    let mut asm = Assembler::new();
    let mut out = Vec::new();
    let mut last_kernel = true;
    for (i, raw) in text.lines().enumerate() {
        let line = parse_line(raw, Hint::Auto);
        let kernel = match line.format {
            LineFormat::Bare => last_kernel,
            LineFormat::JournalMarker => false,
            _ => line.is_kernel(),
        };
        if line.format != LineFormat::Bare {
            last_kernel = kernel;
        }
        if kernel {
            for part in line.message_parts() {
                asm.push(i as u64 + 1, raw, part, &(), &mut out);
            }
        }
    }
    asm.finish(&mut out);
    out
}

fn hung(events: &[Assembled<()>]) -> Vec<&HungTask> {
    events
        .iter()
        .filter_map(|e| match &e.fields {
            EventFields::HungTask(h) => Some(h),
            _ => None,
        })
        .collect()
}

fn alloc(events: &[Assembled<()>]) -> Vec<&PageAllocFailure> {
    events
        .iter()
        .filter_map(|e| match &e.fields {
            EventFields::PageAllocFailure(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn xfs(events: &[Assembled<()>]) -> Vec<&XfsError> {
    events
        .iter()
        .filter_map(|e| match &e.fields {
            EventFields::XfsError(x) => Some(x),
            _ => None,
        })
        .collect()
}

fn list<'a>(expect: &'a Value, key: &str) -> &'a [Value] {
    expect.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

fn hung_matches(label: &Value, t: &HungTask) -> bool {
    label["task"].as_str() == Some(t.task.as_str())
        && label["pid"].as_u64() == Some(u64::from(t.pid))
        && label["blocked_seconds"].as_u64() == Some(t.blocked_secs)
        && label.get("ppid").and_then(Value::as_u64).is_none_or(|p| t.ppid == Some(p as u32))
        && label.get("state").and_then(Value::as_str).is_none_or(|s| t.state.as_deref() == Some(s))
}

fn alloc_matches(label: &Value, p: &PageAllocFailure) -> bool {
    let flags: Vec<&str> = label["gfp_flags"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    label["process"].as_str() == Some(p.process.as_str())
        && label["pid"].as_u64() == p.pid.map(u64::from)
        && label["order"].as_u64() == Some(u64::from(p.order))
        && label["gfp_mode"].as_str() == Some(p.gfp_mask.as_str())
        && flags == p.gfp_flags
        && label
            .get("nodemask")
            .and_then(Value::as_str)
            .is_none_or(|n| p.nodemask.as_deref() == Some(n))
        && label
            .get("cpuset")
            .and_then(Value::as_str)
            .is_none_or(|c| p.cpuset.as_deref() == Some(c))
        && label
            .get("mems_allowed")
            .and_then(Value::as_str)
            .is_none_or(|m| p.mems_allowed.as_deref() == Some(m))
}

fn xfs_matches(label: &Value, x: &XfsError) -> bool {
    let hex = |key: &str| label.get(key).and_then(Value::as_str);
    label["device"].as_str() == x.device.as_deref()
        && label["kind"].as_str() == Some(x.class.as_str())
        && label.get("error").and_then(Value::as_u64).is_none_or(|e| x.errno == Some(e as u32))
        && hex("block").or(hex("daddr")).is_none_or(|b| x.block.as_deref() == Some(b))
        && hex("flags").is_none_or(|f| x.shutdown_flags.as_deref() == Some(f))
        && hex("function").is_none_or(|f| x.location.as_deref() == Some(f))
}

/// How many labels match events in order (each event used once).
fn matched_in_order<E>(labels: &[Value], events: &[E], eq: impl Fn(&Value, &E) -> bool) -> usize {
    let mut next = 0;
    let mut matched = 0;
    for label in labels {
        if let Some(at) = events.get(next..).and_then(|rest| rest.iter().position(|e| eq(label, e)))
        {
            matched += 1;
            next += at + 1;
        }
    }
    matched
}

/// The Mem-Info summary labels of a page allocation failure: zone watermarks and buddy totals.
fn mem_info_matches(label: &Value, mem: Option<&MemInfoDump>) -> bool {
    let Some(mem) = mem else { return false };
    let zones_ok = list(label, "zones").iter().all(|z| {
        mem.zones.iter().any(|m| {
            z["node"].as_u64() == m.node.map(u64::from)
                && z["zone"].as_str() == Some(m.zone.as_str())
                && z["free_kB"].as_u64() == m.free_kb
                && z["min_kB"].as_u64() == m.min_kb
                && z["low_kB"].as_u64() == m.low_kb
                && z["high_kB"].as_u64() == m.high_kb
                && z.get("managed_kB")
                    .and_then(Value::as_u64)
                    .is_none_or(|v| m.managed_kb == Some(v))
                && z.get("present_kB")
                    .and_then(Value::as_u64)
                    .is_none_or(|v| m.present_kb == Some(v))
                && z.get("boost_kB").and_then(Value::as_u64).is_none_or(|v| m.boost_kb == Some(v))
        })
    });
    let buddy_ok = label.get("buddy_totals_kB").and_then(Value::as_object).is_none_or(|totals| {
        totals.iter().all(|(key, kb)| {
            let (node, zone) = key.split_once('/').unwrap_or_default();
            mem.zones.iter().any(|m| {
                m.node.map(|n| n.to_string()).as_deref() == Some(node)
                    && m.zone == zone
                    && m.buddy_total_kb == kb.as_u64()
                    && m.buddy.as_ref().is_some_and(|b| b.len() == 11)
            })
        })
    });
    let scalar = |key: &str, got: Option<u64>| {
        label.get(key).and_then(Value::as_u64).is_none_or(|v| got == Some(v))
    };
    zones_ok
        && buddy_ok
        && scalar("free_pages", mem.counters.get("free").copied())
        && scalar("free_swap_kB", mem.free_swap_kb)
        && scalar("total_swap_kB", mem.total_swap_kb)
        && scalar("pages_RAM", mem.pages_ram)
        && scalar("pages_reserved", mem.pages_reserved)
}

#[derive(Default)]
struct Tally {
    labelled: usize,
    matched: usize,
    extra: usize,
}

#[test]
fn corpus_events_match_labels() {
    let Some(dir) = corpus_dir() else {
        println!("skipped: ../shared/corpus not found");
        return;
    };
    let index = std::fs::read_to_string(dir.join("index.jsonl")).unwrap();
    let (mut a, mut b, mut c) = (Tally::default(), Tally::default(), Tally::default());
    let (mut mem_checked, mut mem_ok, mut d_files, mut d_events) = (0, 0, 0, 0);
    let (mut oom_checked, mut oom_ok) = (0, 0);
    let mut failures = Vec::new();
    for entry in index.lines().filter(|l| !l.trim().is_empty()) {
        let entry: Value = serde_json::from_str(entry).unwrap();
        let category = entry["category"].as_str().unwrap_or_default();
        if !matches!(category, "A" | "B" | "C" | "D") {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        let text = String::from_utf8_lossy(&std::fs::read(dir.join(file)).unwrap()).into_owned();
        let events = assemble(&text);
        let expect = &entry["expect"];
        if std::env::var_os("CORPUS_EVENTS_DUMP").is_some() {
            for e in &events {
                println!(
                    "{file}:{} {:?} {} lines\n  {:?}",
                    e.line,
                    e.fields.kind(),
                    e.lines.len(),
                    e.fields
                );
            }
        }
        let (h, p, x) = (hung(&events), alloc(&events), xfs(&events));

        // Every file: each kind's labelled list, where given, is matched exactly (A, B) or in
        // order (C, whose lists its own notes call partial).
        let hl = list(expect, "hung_tasks");
        let pl = list(expect, "page_allocation_failures");
        let xl = list(expect, "xfs_events");
        let hm = matched_in_order(hl, &h, |l, e| hung_matches(l, e));
        let pm = matched_in_order(pl, &p, |l, e| alloc_matches(l, e));
        let xm = matched_in_order(xl, &x, |l, e| xfs_matches(l, e));
        if category == "D" {
            // The OOM report a near miss holds is an `oom_kill` event, with its Mem-Info.
            if let Some(oom) = expect.get("oom_kill") {
                oom_checked += 1;
                let found = events.iter().find_map(|e| match &e.fields {
                    EventFields::OomKill(o) => Some(o),
                    _ => None,
                });
                let ok = found.is_some_and(|o| {
                    oom["process"].as_str() == o.invoker.as_deref()
                        && oom["gfp_mask"].as_str() == o.gfp_mask.as_deref()
                        && oom["order"].as_u64() == o.order.map(u64::from)
                        && expect
                            .get("mem_info")
                            .is_none_or(|m| mem_info_matches(m, o.mem_info.as_ref()))
                });
                if ok {
                    oom_ok += 1;
                } else {
                    failures.push(format!("{file}: OOM report differs: {found:#?}"));
                }
            }
            d_files += 1;
            d_events += h.len() + p.len() + x.len();
            if !(h.is_empty() && p.is_empty() && x.is_empty()) {
                failures.push(format!("{file}: near miss became an event: {events:#?}"));
            }
            continue;
        }
        if hm != hl.len() || h.len() != hl.len() {
            failures.push(format!(
                "{file}: hung tasks {hm}/{} matched, {} found: {h:#?}",
                hl.len(),
                h.len()
            ));
        }
        if pm != pl.len()
            || (expect.get("page_allocation_failures").is_some() && p.len() != pl.len())
        {
            failures.push(format!(
                "{file}: allocation failures {pm}/{} matched, {} found: {p:#?}",
                pl.len(),
                p.len()
            ));
        }
        if xm != xl.len() || (expect.get("xfs_events").is_some() && xl.is_empty() && !x.is_empty())
        {
            failures.push(format!(
                "{file}: xfs events {xm}/{} matched, {} found: {x:#?}",
                xl.len(),
                x.len()
            ));
        }
        // Normal XFS lines the labels name must never be events.
        for normal in list(expect, "not_errors").iter().filter_map(Value::as_str) {
            let stem =
                normal.split([' ', '<', '(']).take_while(|w| !w.is_empty()).collect::<Vec<_>>();
            let stem = stem.join(" ");
            if let Some(bad) = x.iter().find(|e| !stem.is_empty() && e.message.starts_with(&stem)) {
                failures.push(format!("{file}: normal line {normal:?} became an event: {bad:#?}"));
            }
        }
        // Repair advice lines belong to an event.
        let advice: Vec<&str> = x.iter().filter_map(|e| e.repair_advice.as_deref()).collect();
        for want in list(expect, "repair_advice").iter().filter_map(Value::as_str) {
            if !advice.iter().any(|a| a.trim_end_matches('.') == want.trim_end_matches('.')) {
                failures.push(format!("{file}: repair advice {want:?} not attached: {advice:?}"));
            }
        }
        if let Some(mem) = expect.get("mem_info").filter(|_| !pl.is_empty()) {
            mem_checked += 1;
            if mem_info_matches(mem, p.first().and_then(|p| p.mem_info.as_ref())) {
                mem_ok += 1;
            } else {
                failures.push(format!(
                    "{file}: mem_info differs: {:#?}",
                    p.first().map(|p| &p.mem_info)
                ));
            }
        }
        let tally = match category {
            "A" => (&mut a, hl.len(), hm, h.len()),
            "B" => (&mut b, pl.len(), pm, p.len()),
            _ => (&mut c, xl.len(), xm, x.len()),
        };
        tally.0.labelled += tally.1;
        tally.0.matched += tally.2;
        tally.0.extra += tally.3.saturating_sub(tally.2);
        if category == "C" && x.len() > xm {
            let extra: Vec<&str> = x.iter().map(|e| e.message.as_str()).collect();
            println!(
                "{file}: {} events beyond the {} labelled: {extra:#?}",
                x.len() - xm,
                xl.len()
            );
        }
    }
    println!("A: {}/{} hung tasks ({} unlabelled)", a.matched, a.labelled, a.extra);
    println!(
        "B: {}/{} page allocation failures ({} unlabelled), mem_info {mem_ok}/{mem_checked}",
        b.matched, b.labelled, b.extra
    );
    println!("C: {}/{} XFS events ({} unlabelled)", c.matched, c.labelled, c.extra);
    println!(
        "D: {d_events} hung-task, allocation-failure or XFS events in {d_files} near-miss files; \
         OOM reports {oom_ok}/{oom_checked}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(a.labelled > 0 && b.labelled > 0 && c.labelled > 0 && d_files > 0);
}
