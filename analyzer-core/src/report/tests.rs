//! Rendering tests on the hand-built reports of [`super::fixtures`].

use serde_json::Value;

use super::fixtures::{compute_node, hostile};
use super::view::ReportView;
use super::*;

// ---------------------------------------------------------------------------------------------
// JSON: a structural check of docs/CONTRACT.md, key by key.

/// Walks a JSON value with a path for error messages.
struct At<'a> {
    path: String,
    value: &'a Value,
}

impl<'a> At<'a> {
    fn root(value: &'a Value) -> At<'a> {
        At { path: "$".into(), value }
    }

    fn key(&self, key: &str) -> At<'a> {
        let value = self
            .value
            .as_object()
            .unwrap_or_else(|| panic!("{} is not an object", self.path))
            .get(key)
            .unwrap_or_else(|| panic!("{} has no key {key:?}", self.path));
        At { path: format!("{}.{key}", self.path), value }
    }

    fn keys(&self, expected: &[&str]) {
        let object =
            self.value.as_object().unwrap_or_else(|| panic!("{} is not an object", self.path));
        for key in expected {
            assert!(object.contains_key(*key), "{} lacks {key:?}", self.path);
        }
    }

    fn items(&self) -> Vec<At<'a>> {
        self.value
            .as_array()
            .unwrap_or_else(|| panic!("{} is not an array", self.path))
            .iter()
            .enumerate()
            .map(|(i, value)| At { path: format!("{}[{i}]", self.path), value })
            .collect()
    }

    fn string(&self) -> &'a str {
        self.value
            .as_str()
            .unwrap_or_else(|| panic!("{} is not a string: {}", self.path, self.value))
    }

    fn string_or_null(&self) -> Option<&'a str> {
        (!self.value.is_null()).then(|| self.string())
    }

    fn uint(&self) -> u64 {
        self.value
            .as_u64()
            .unwrap_or_else(|| panic!("{} is not an unsigned int: {}", self.path, self.value))
    }

    fn uint_or_null(&self) -> Option<u64> {
        (!self.value.is_null()).then(|| self.uint())
    }

    fn one_of(&self, allowed: &[&str]) -> &'a str {
        let s = self.string();
        assert!(allowed.contains(&s), "{} = {s:?}, not one of {allowed:?}", self.path);
        s
    }

    fn rfc3339_or_null(&self) {
        if let Some(s) = self.string_or_null() {
            assert!(s.parse::<jiff::Timestamp>().is_ok(), "{} = {s:?} is not RFC 3339", self.path);
        }
    }

    fn hex_or_null(&self) {
        if let Some(s) = self.string_or_null() {
            assert!(
                s.starts_with("0x") && s.len() > 2 && s[2..].chars().all(|c| c.is_ascii_hexdigit()),
                "{} = {s:?} is not 0x…",
                self.path
            );
        }
    }

    fn strings(&self) -> Vec<&'a str> {
        self.items().iter().map(|i| i.string()).collect()
    }
}

const SOURCE_KINDS: [&str; 22] = [
    "dmesg",
    "syslog",
    "journal",
    "meminfo",
    "free",
    "zoneinfo",
    "buddyinfo",
    "pagetypeinfo",
    "slabinfo",
    "vmstat",
    "sysctl",
    "proc_sys",
    "uname",
    "hostname",
    "date",
    "uptime",
    "proc_stat",
    "cmdline",
    "ps",
    "mounts",
    "manifest",
    "version",
];

fn check_contract(report: &Report) -> Value {
    let json: Value = serde_json::from_str(&render_json(report).unwrap()).unwrap();
    let root = At::root(&json);
    root.keys(&[
        "schema_version",
        "tool",
        "input",
        "host",
        "sources",
        "events",
        "findings",
        "memory",
        "problems",
    ]);
    assert_eq!(root.key("schema_version").uint(), 1);
    assert_eq!(root.key("tool").key("name").string(), "sosalyzer");
    assert!(!root.key("tool").key("version").string().is_empty());

    let input = root.key("input");
    assert!(!input.key("path").string().is_empty());
    input.key("kind").one_of(&[
        "sosreport",
        "sos_collect",
        "supportconfig",
        "log_file",
        "proc_file",
    ]);
    input.key("format").one_of(&[
        "directory",
        "tar",
        "tar.gz",
        "tar.xz",
        "tar.bz2",
        "tar.zst",
        "text",
    ]);

    let host = root.key("host");
    host.key("hostname").string_or_null();
    host.key("kernel").string_or_null();
    host.key("sos_version").string_or_null();
    host.key("collected_at").rfc3339_or_null();
    host.key("boot_time").rfc3339_or_null();
    host.key("uptime_secs").uint_or_null();

    for source in root.key("sources").items() {
        assert!(!source.key("path").string().is_empty());
        source.key("kind").one_of(&SOURCE_KINDS);
        source.key("status").one_of(&["parsed", "truncated", "unreadable", "missing"]);
        source.key("lines").uint();
        source.key("unparsed_lines").uint();
    }

    let mut event_ids = Vec::new();
    for event in root.key("events").items() {
        event_ids.push(event.key("id").string().to_string());
        let time = event.key("time");
        time.key("wall").rfc3339_or_null();
        time.key("since_boot_us").uint_or_null();
        time.key("boot").uint();
        time.key("raw").string();
        let sources = event.key("sources").items();
        assert!(!sources.is_empty(), "{} has no source", event.path);
        for source in sources {
            source.key("path").string();
            assert!(source.key("line").uint() >= 1, "{}: lines are 1-based", source.path);
        }
        event.key("raw").string();
        check_event_fields(&event);
    }

    for finding in root.key("findings").items() {
        assert!(!finding.key("rule_id").string().is_empty());
        finding.key("severity").one_of(&["critical", "error", "warning", "info"]);
        finding.key("title").string();
        finding.key("summary").string();
        for id in finding.key("event_ids").strings() {
            assert!(event_ids.iter().any(|e| e == id), "{}: unknown event {id}", finding.path);
        }
        for evidence in finding.key("evidence").items() {
            evidence.key("path").string();
            assert!(evidence.key("line").uint() >= 1);
            evidence.key("text").string();
        }
        finding.key("remediation").strings();
    }

    let memory = root.key("memory");
    memory.keys(&["meminfo", "free", "zoneinfo", "buddyinfo", "slab_top", "vm_sysctls"]);
    for (key, value) in memory.key("meminfo").value.as_object().unwrap() {
        assert!(value.is_u64(), "meminfo.{key} = {value}");
    }
    assert!(memory.key("free").value.is_object() || memory.key("free").value.is_null());
    for zone in memory.key("zoneinfo").items() {
        zone.key("node").uint();
        zone.key("zone").string();
        for key in ["free", "min", "low", "high", "managed"] {
            zone.key(key).uint_or_null();
        }
    }
    for zone in memory.key("buddyinfo").items() {
        zone.key("node").uint();
        zone.key("zone").string();
        for count in zone.key("free_blocks").items() {
            count.uint();
        }
    }
    for cache in memory.key("slab_top").items() {
        cache.key("name").string();
        cache.key("bytes").uint();
    }
    for (key, value) in memory.key("vm_sysctls").value.as_object().unwrap() {
        assert!(value.is_string(), "vm_sysctls.{key} = {value}");
    }

    for problem in root.key("problems").items() {
        problem.key("path").string();
        problem.key("line").uint_or_null();
        problem.key("message").string();
    }
    json
}

fn check_event_fields(event: &At<'_>) {
    let kind = event.key("kind").string();
    let fields = event.key("fields");
    assert!(fields.value.is_object(), "{} is not an object", fields.path);
    match kind {
        "hung_task" => {
            assert!(!fields.key("task").string().is_empty());
            fields.key("pid").uint();
            fields.key("blocked_secs").uint();
            fields.key("state").string_or_null();
            fields.key("tainted").string_or_null();
            fields.key("call_trace").strings();
        }
        "page_alloc_failure" => {
            fields.key("process").string();
            fields.key("pid").uint_or_null();
            fields.key("order").uint();
            fields.key("gfp_mask").hex_or_null();
            fields.key("gfp_mask").string();
            fields.key("gfp_flags").strings();
            fields.key("nodemask").string_or_null();
            let mem_info = fields.key("mem_info");
            if !mem_info.value.is_null() {
                for zone in mem_info.key("zones").items() {
                    zone.key("zone").string();
                    for key in ["free_kb", "min_kb", "low_kb", "high_kb"] {
                        zone.key(key).uint_or_null();
                    }
                    if !zone.key("buddy").value.is_null() {
                        for count in zone.key("buddy").items() {
                            count.uint();
                        }
                    }
                }
            }
        }
        "xfs_error" => {
            fields.key("device").string_or_null();
            fields.key("class").one_of(&[
                "io_error",
                "corruption",
                "shutdown",
                "log_error",
                "alloc_deadlock",
                "other",
            ]);
            if let Some(errno) = fields.key("errno").uint_or_null() {
                assert!(errno > 0, "{}: errno is positive", fields.path);
            }
            fields.key("location").string_or_null();
            fields.key("shutdown_flags").hex_or_null();
            fields.key("block").hex_or_null();
        }
        other => {
            assert!(
                crate::model::EventKind::ALL.iter().any(|k| k.as_str() == other),
                "{}: unknown kind {other}",
                event.path
            );
        }
    }
}

#[test]
fn json_follows_the_contract() {
    let json = check_contract(&compute_node());
    let root = At::root(&json);
    // Spot values, so the check above is known to have walked real data.
    assert_eq!(root.key("events").items().len(), 6);
    assert_eq!(root.key("host").key("collected_at").string(), "2019-10-23T08:02:11Z");
    let first = &root.key("events").items()[0];
    assert_eq!(first.key("kind").string(), "hung_task");
    assert_eq!(first.key("time").key("since_boot_us").uint(), 192_041_223_344);
    assert_eq!(first.key("fields").key("task").string(), "jbd2/dm-0-8");
    let alloc = &root.key("events").items()[4];
    assert_eq!(alloc.key("fields").key("order").uint(), 6);
    assert_eq!(alloc.key("sources").items().len(), 2);
    let severities: Vec<&str> =
        root.key("findings").items().iter().map(|f| f.key("severity").string()).collect();
    assert_eq!(severities, ["critical", "error", "error", "warning", "info"]);
    let statuses: Vec<&str> =
        root.key("sources").items().iter().map(|s| s.key("status").string()).collect();
    for status in ["parsed", "truncated", "unreadable", "missing"] {
        assert!(statuses.contains(&status), "fixture lacks a {status} source");
    }
}

#[test]
fn json_of_an_empty_report_follows_the_contract() {
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool::default(),
        input: InputInfo {
            path: "dmesg.txt".into(),
            kind: InputKind::LogFile,
            format: InputFormat::Text,
        },
        host: HostFacts::default(),
        sources: Vec::new(),
        events: Vec::new(),
        findings: Vec::new(),
        memory: MemorySection::default(),
        problems: Vec::new(),
    };
    let json = check_contract(&report);
    assert!(json["memory"]["free"].is_null());
    assert!(json["host"]["collected_at"].is_null());

    // Every format copes with a report that holds nothing.
    let md = render_markdown(&report).unwrap();
    assert!(md.starts_with("# sosalyzer report: unknown host\n"));
    assert!(md.contains("No finding in the sources read."));
    assert!(md.contains("The bundle holds no memory information"));
    let html = render_html(&report).unwrap();
    assert!(html.contains("No kernel event (hung task"));
    assert!(!html.contains("<svg"));
    let text = render_text(&report, &TextOptions::default());
    assert!(text.contains("nothing found in the sources read"), "{text}");
    assert!(text.contains("Memory: not in the bundle"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Snapshots.

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!("compute_node_md", render_markdown(&compute_node()).unwrap());
}

#[test]
fn text_snapshot() {
    let text = render_text(&compute_node(), &TextOptions::default());
    insta::assert_snapshot!("compute_node_text", text);
}

#[test]
fn json_snapshot() {
    insta::assert_json_snapshot!("compute_node_json", compute_node(), {
        ".input.path" => "[path]",
        ".host.collected_at" => "[time]",
        ".host.boot_time" => "[time]",
        ".events[].time.wall" => "[time]",
    });
}

// ---------------------------------------------------------------------------------------------
// Escaping.

#[test]
fn html_escapes_every_bundle_string() {
    let html = render_html(&hostile()).unwrap();
    assert!(!html.contains("<script"), "raw <script> in the HTML");
    assert!(!html.contains("<img"), "raw <img> in the HTML");
    assert!(!html.contains("\"><img"), "attribute breakout in the HTML");
    assert!(!html.contains('\x1b'), "terminal escape in the HTML");
    assert!(!html.contains("javascript:alert(3))\""), "link target in the HTML");
    // The text is there, escaped: in the page title, the heading, evidence, the chart tooltip.
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    assert!(html.contains("\\x1b[31mred"));
    let title = html.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap();
    assert!(title.starts_with("sosalyzer report: &lt;script&gt;"), "{title}");
}

#[test]
fn html_is_self_contained() {
    for report in [compute_node(), hostile()] {
        let html = render_html(&report).unwrap();
        for attr in ["src=\"", "href=\"", "src='", "href='", "url("] {
            for (i, _) in html.match_indices(attr) {
                let target = &html[i + attr.len()..];
                assert!(
                    target.starts_with('#') || target.starts_with("data:"),
                    "{attr}{} points outside the page",
                    &target[..target.len().min(40)]
                );
            }
        }
        assert!(!html.contains("@import"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("<link"));
        assert!(html.contains("Content-Security-Policy"));
    }
}

#[test]
fn markdown_escapes_every_bundle_string() {
    let md = render_markdown(&hostile()).unwrap();
    assert!(!md.contains('\x1b'));
    assert!(
        md.starts_with("# sosalyzer report: \\<script\\>alert(1)\\</script\\>"),
        "{}",
        &md[..80]
    );
    // Outside code blocks no raw tag survives.
    let outside: String = outside_fences(&md);
    assert!(!has_unescaped(&outside, "<script"), "raw <script> outside code blocks");
    assert!(!has_unescaped(&outside, "<img"), "raw <img> outside code blocks");
    assert!(!has_unescaped(&outside, "](javascript"), "a link outside code blocks");
    assert!(!has_unescaped(&outside, "`rm"), "a code span outside code blocks");
    // Every table row of the findings table has exactly its six pipes.
    let row = md.lines().find(|l| l.starts_with("| **CRITICAL** |")).unwrap();
    assert_eq!(unescaped_pipes(row), 6, "{row}");
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let header_cells = unescaped_pipes(line);
        assert!(header_cells >= 3, "{line}");
    }
    // Inside the evidence code block, the line is verbatim, and the fence outlasts its backticks.
    assert!(md.contains("````text\n"));
    assert!(md.contains("var/log/\"><img src=x onerror=alert(2)>:7: Oct  3"));
}

fn outside_fences(md: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in md.lines() {
        let ticks: String = line.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(open) if ticks.len() >= open.len() && line.trim_start_matches('`').is_empty() => {
                fence = None
            }
            Some(_) => {}
            None if ticks.len() >= 3 => fence = Some(ticks),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// Whether `pattern` occurs in `text` without a backslash before its first character.
fn has_unescaped(text: &str, pattern: &str) -> bool {
    text.match_indices(pattern).any(|(i, _)| !text[..i].ends_with('\\'))
}

fn unescaped_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count
}

#[test]
fn text_escapes_terminal_sequences() {
    let text = render_text(&hostile(), &TextOptions::default());
    assert!(!text.contains('\x1b'), "a bundle string drives the terminal");
    assert!(text.contains("\\x1b[31mred"));
    let colored = render_text(&compute_node(), &TextOptions { color: true, evidence_lines: 0 });
    assert!(colored.contains("\x1b[1;37;41mCRITICAL"));
}

// ---------------------------------------------------------------------------------------------
// Views.

#[test]
fn view_groups_findings_and_counts_sources() {
    let view = ReportView::new(&compute_node());
    let groups: Vec<(&str, usize)> =
        view.groups.iter().map(|g| (g.severity.as_str(), g.findings.len())).collect();
    assert_eq!(groups, [("critical", 1), ("error", 2), ("warning", 1), ("info", 1)]);
    assert_eq!(view.worst, "critical");
    assert_eq!(view.boots, 2);
    assert_eq!(
        (
            view.source_counts.parsed,
            view.source_counts.truncated,
            view.source_counts.unreadable,
            view.source_counts.missing
        ),
        (12, 1, 1, 1)
    );
    let xfs = &view.findings[0];
    assert_eq!(xfs.first_seen.as_deref(), Some("2019-10-03 11:25:01 UTC"));
    assert_eq!(xfs.last_seen.as_deref(), Some("2019-10-03 11:25:02 UTC"));
    assert_eq!(xfs.evidence[0].location, "var/log/kern.log.1:48301");
    assert_eq!(
        view.events[0].detail,
        "jbd2/dm-0-8 pid 517, blocked 120 s, in jbd2_journal_commit_transaction+0x263/0x1780"
    );
    assert_eq!(
        view.events[4].detail,
        "qemu-system-x86 order 6 (256K), mode 0x140c0c0 (GFP_KERNEL|__GFP_COMP|__GFP_ZERO)"
    );
    assert_eq!(view.events[4].more_sources, 1);
    assert_eq!(view.events[3].detail, "shutdown on dm-3, at fs/xfs/xfs_log.c:1271");
}

#[test]
fn memory_view_of_the_compute_node() {
    let view = ReportView::new(&compute_node());
    let m = &view.memory;
    assert_eq!(m.mem_total.as_deref(), Some("378 GiB"));
    let bar = |label: &str| m.bars.iter().find(|b| b.label == label).unwrap();
    // (395919876 − 9112480) / 395919876 = 97.7 %.
    assert_eq!(bar("Used").percent, "97.7");
    // 172032 × 2048 kB = 352321536 kB = 89.0 %.
    assert_eq!(bar("HugePages").percent, "89.0");
    assert_eq!(bar("HugePages").size, "336 GiB");
    assert_eq!(m.groups[0].lines[2], "355 GiB (94%) used excluding Buffers/Cached");
    // The empty Movable zone is left out.
    assert_eq!(m.zones.len(), 4);
    let normal0 = &m.zones[2];
    assert_eq!((normal0.node, normal0.zone.as_str()), (0, "Normal"));
    assert_eq!(normal0.gap, "1,569");
    assert_eq!(normal0.expected_gap.as_deref(), Some("48,756"));
    assert_eq!(normal0.expected_low.as_deref(), Some("50,266"));
    assert_eq!(normal0.expected_high.as_deref(), Some("99,022"));
    assert_eq!(normal0.gap_status, "below");
    assert_eq!(normal0.free_status, "ok");
    let dma32 = &m.zones[1];
    assert_eq!((dma32.gap.as_str(), dma32.gap_status.as_str()), ("742", "ok"));
    let buddy = m.buddy.as_ref().unwrap();
    assert_eq!(buddy.orders.len(), 11);
    assert!(buddy.orders[6].failed);
    assert_eq!(buddy.orders.iter().filter(|o| o.failed).count(), 1);
    assert_eq!(buddy.orders[6].size, "256K");
    let row = &buddy.rows[2];
    assert_eq!(row.largest_order, Some(5));
    assert_eq!(row.cells[0].level, 9);
    assert_eq!(row.cells[6].level, 0);
    assert_eq!(row.free_size, "4.1 GiB");
    assert_eq!(m.slab[0].name, "xfs_inode");
    assert_eq!(m.slab[0].size, "1.0 GiB");
    assert_eq!(m.processes[0].percent.as_deref(), Some("3.7"));
}

#[test]
fn template_dir_overrides_and_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.md.j2"), "custom for {{ report.hostname }}\n").unwrap();
    let renderer = Renderer::with_template_dir(dir.path()).unwrap();
    let report = compute_node();
    assert_eq!(renderer.markdown(&report).unwrap(), "custom for compute6\n");
    // No report.html.j2 in the folder: the embedded one is used.
    assert!(renderer.html(&report).unwrap().contains("<h1>compute6</h1>"));
    // A partial can be replaced alone.
    std::fs::write(dir.path().join("memory.html.j2"), "<p>no memory here</p>\n").unwrap();
    let renderer = Renderer::with_template_dir(dir.path()).unwrap();
    assert!(renderer.html(&report).unwrap().contains("<p>no memory here</p>"));

    let missing = dir.path().join("nope");
    let err = Renderer::with_template_dir(&missing).unwrap_err();
    assert!(err.to_string().contains("not a folder of templates"), "{err}");
}

#[test]
fn template_errors_name_the_template() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.md.j2"), "{{ report.no_such_field }}\n").unwrap();
    let renderer = Renderer::with_template_dir(dir.path()).unwrap();
    let err = renderer.markdown(&compute_node()).unwrap_err();
    assert!(err.to_string().starts_with("template report.md.j2:"), "{err}");
}

#[test]
fn html_has_findings_chart_and_memory() {
    let html = render_html(&compute_node()).unwrap();
    assert_eq!(html.matches("<details class=\"finding ").count(), 5);
    assert!(html.contains("<svg class=\"chart\""));
    // Events minutes apart merge into one mark on a three-week axis: 3 marks of 2 events.
    assert_eq!(html.matches("<circle class=\"mark").count(), 3);
    assert_eq!(html.matches("<text class=\"mark-count\"").count(), 3);
    assert!(html.contains(">boot 1</text>"));
    assert!(html.contains("class=\"data heat\""));
    assert!(html.contains(
        "<td class=\"num gap-below\">1,569 <span class=\"flag bad\">too low</span></td>"
    ));
    assert!(html.contains("sos_commands&#x2f;logs&#x2f;journalctl_--no-pager"));
    assert!(html.contains("tailed by sos"));
}

#[test]
fn severity_counts_and_worst() {
    let report = compute_node();
    let counts = report.severity_counts();
    assert_eq!((counts.critical, counts.error, counts.warning, counts.info), (1, 2, 1, 1));
    assert_eq!(counts.total(), 5);
    assert_eq!(report.worst_severity(), Some(crate::model::Severity::Critical));
}

#[test]
fn file_stems_come_from_inputs() {
    let stem = |path: &str| {
        let mut report = compute_node();
        report.input.path = path.to_string();
        report.file_stem()
    };
    assert_eq!(stem("/data/sosreport-db01-2024-03-05-abc.tar.xz"), "sosreport-db01-2024-03-05-abc");
    assert_eq!(stem("scc_host_240305_1022.txz"), "scc_host_240305_1022");
    assert_eq!(stem("/cases/1/sosreport-db01/"), "sosreport-db01");
    assert_eq!(stem("collect.tar!sosreport-node2-2024.tar.xz"), "sosreport-node2-2024");
    assert_eq!(stem("/var/log/messages"), "messages");
    assert_eq!(stem("dmesg.txt"), "dmesg.txt");
    assert_eq!(stem("/x/a b;c.TAR.GZ"), "a_b_c");
    assert_eq!(stem("/x/дамп.tar"), "____");
    assert_eq!(stem("/"), "report");
    assert_eq!(stem("../.hidden.tar"), "hidden");
}

// ---------------------------------------------------------------------------------------------
// The memory panel of a real sosreport (corpus E: RHCOS 4.18 `sos_commands/memory/free`,
// `proc/meminfo`, `proc/zoneinfo`, `proc/buddyinfo`, `proc/slabinfo`).

fn corpus() -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    root.is_dir().then_some(root)
}

#[test]
fn memory_section_of_a_real_sosreport() {
    use crate::model::Snapshot;
    use crate::source::SourceKind;

    let Some(corpus) = corpus() else {
        println!("skipped: ../shared/corpus not found");
        return;
    };
    let mut snapshot = Snapshot::default();
    for (kind, file, path) in [
        (SourceKind::Meminfo, "E/meminfo-rhel8-coreos-sos.txt", "proc/meminfo"),
        (SourceKind::Zoneinfo, "E/zoneinfo-rhel8-coreos-sos-1node.txt", "proc/zoneinfo"),
        (SourceKind::Buddyinfo, "E/buddyinfo-rhel8-coreos-sos.txt", "proc/buddyinfo"),
        (SourceKind::Slabinfo, "E/slabinfo-rhel8-coreos-sos.txt", "proc/slabinfo"),
        (SourceKind::Free, "E/free-new-rhel8-coreos-sos-k.txt", "sos_commands/memory/free"),
    ] {
        let text = std::fs::read_to_string(corpus.join(file)).unwrap();
        snapshot.ingest(kind, path, &text);
    }
    // The 4.18 default; the bundle's sysctl -a is not in the corpus.
    snapshot.sysctls.insert("vm.watermark_scale_factor".into(), "10".into());

    let memory = MemorySection::from_snapshot(&snapshot);
    assert_eq!(memory.meminfo.get("MemTotal"), Some(&8_164_548));
    assert_eq!(memory.free.as_ref().and_then(|f| f.mem.total), Some(8_164_548 * 1024));
    assert_eq!(memory.zoneinfo.len(), 5);
    assert_eq!(memory.slab_top.len(), SLAB_TOP);
    let top: Vec<(&str, u64)> =
        memory.slab_top.iter().take(3).map(|c| (c.name.as_str(), c.bytes)).collect();
    assert_eq!(
        top,
        [("xfs_inode", 31_260_672), ("kmalloc-1024", 23_609_344), ("dentry", 22_265_856)]
    );
    assert_eq!(memory.vm_sysctls.len(), 1);

    let mut report = compute_node();
    report.memory = memory;
    report.events.clear();
    let view = ReportView::new(&report).memory;
    assert_eq!(view.mem_total.as_deref(), Some("7.8 GiB"));
    let used = view.bars.iter().find(|b| b.label == "Used").unwrap();
    // (8164548 − 851960) / 8164548.
    assert_eq!(used.percent, "89.6");
    // Movable and Device are empty and left out.
    let zones: Vec<(&str, &str, &str, &str)> = view
        .zones
        .iter()
        .map(|z| (z.zone.as_str(), z.gap.as_str(), z.gap_status.as_str(), z.free_status.as_str()))
        .collect();
    assert_eq!(
        zones,
        [
            ("DMA", "8", "ok", "ok"),
            ("DMA32", "2,044", "ok", "ok"),
            // min/4 = 2171 beats managed × 10 / 10000 = 1042; free 10852 < low 10855.
            ("Normal", "2,171", "ok", "below_low"),
        ]
    );
    // The recomputed watermarks are the kernel's own.
    let normal = &view.zones[2];
    assert_eq!(
        (normal.expected_low.as_deref(), normal.expected_high.as_deref()),
        (Some("10,855"), Some("13,026"))
    );
    let buddy = view.buddy.unwrap();
    let normal = &buddy.rows[2];
    // Σ count × 2^order = 10852 pages, zoneinfo's free count.
    assert_eq!(normal.free_size, "42.4 MiB");
    assert_eq!(normal.largest_order, Some(9));
    assert_eq!(normal.cells[10].level, 0);
    assert!(buddy.orders.iter().all(|o| !o.failed));
}

// ---------------------------------------------------------------------------------------------
// The Markdown as a GitHub-flavoured Markdown reader sees it.

/// Tables (rows of cell texts), code blocks, and every HTML fragment, link or image found.
#[derive(Default)]
struct Parsed {
    tables: Vec<Vec<Vec<String>>>,
    code_blocks: Vec<String>,
    html: Vec<String>,
    links: Vec<String>,
}

fn read_markdown(md: &str) -> Parsed {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut parsed = Parsed::default();
    let mut cell: Option<String> = None;
    let mut code: Option<String> = None;
    for event in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Table(_)) => parsed.tables.push(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                parsed.tables.last_mut().unwrap().push(Vec::new())
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => {
                let text = cell.take().unwrap();
                parsed.tables.last_mut().unwrap().last_mut().unwrap().push(text);
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => parsed.code_blocks.push(code.take().unwrap()),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                parsed.links.push(dest_url.to_string())
            }
            Event::Html(html) | Event::InlineHtml(html) => parsed.html.push(html.to_string()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(cell) = cell.as_mut() {
                    cell.push_str(&text);
                } else if let Some(code) = code.as_mut() {
                    code.push_str(&text);
                }
            }
            _ => {}
        }
    }
    parsed
}

#[test]
fn markdown_reads_back_as_tables_and_code() {
    let parsed = read_markdown(&render_markdown(&compute_node()).unwrap());
    assert!(parsed.html.is_empty(), "{:?}", parsed.html);
    assert!(parsed.links.is_empty(), "{:?}", parsed.links);
    // Host, findings, memory bars, free, zones, buddyinfo, slab, commands, sysctls, events,
    // sources.
    assert_eq!(parsed.tables.len(), 11);
    let findings = &parsed.tables[1];
    assert_eq!(findings[0], ["Severity", "Finding", "Rule", "Events", "First seen"]);
    assert_eq!(findings[3][2], "mm.page_alloc_failure");
    let buddy = &parsed.tables[5];
    assert_eq!(buddy[3][8], "0", "Node 0 Normal, order 6");
    assert_eq!(buddy[0][8], "6 (256K) ⚠");
    // One evidence block per finding, verbatim.
    assert_eq!(parsed.code_blocks.len(), 5);
    assert!(parsed.code_blocks[2].contains(
        "sos_commands/kernel/dmesg:1904: [1670961.652627] qemu-system-x86: page allocation failure: order:6,"
    ));
}

#[test]
fn markdown_of_hostile_strings_reads_back_as_text() {
    let parsed = read_markdown(&render_markdown(&hostile()).unwrap());
    assert!(parsed.html.is_empty(), "HTML got through: {:?}", parsed.html);
    assert!(parsed.links.is_empty(), "a link got through: {:?}", parsed.links);
    let findings = &parsed.tables[1];
    // The pipes and backticks of the bundle stay inside their cells.
    assert_eq!(findings[1].len(), 5);
    assert_eq!(findings[1][1], "Title <script>alert(1)</script>");
    assert_eq!(findings[1][2], "rule|`<script>alert(1)</script>`");
    assert_eq!(
        parsed.tables[0][1],
        ["Hostname", "<script>alert(1)</script>\"><img src=x onerror=alert(2)>"]
    );
    // The evidence line is in a code block, whole.
    assert!(parsed.code_blocks[0].contains("| ``` `rm -rf` [x](javascript:alert(3))"));
}
