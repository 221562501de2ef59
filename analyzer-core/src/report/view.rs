//! View structs: what the report templates (`templates/report.md.j2`,
//! `templates/report.html.j2`) and the terminal summary see. Built from a [`Report`] by
//! [`ReportView::new`]; every string from the bundle is already cleaned of control characters
//! and bounded in length, and every number is already formatted, so templates only lay out.
//!
//! A custom template (`--template-dir`) gets one variable, `report`, holding a [`ReportView`].

use serde::Serialize;

use super::{Report, SeverityCounts, SourceStatus};
use crate::model::{Event, EventFields, EventKind, Severity};

/// Longest bundle string kept in a view, in characters; longer ones end in `…`.
const MAX_TEXT_CHARS: usize = 2000;
/// Evidence lines shown per finding; the JSON report keeps them all.
pub const MAX_EVIDENCE_LINES: usize = 200;
/// Events listed in the event table; the chart and the JSON report have them all.
pub const MAX_EVENT_ROWS: usize = 500;

/// Everything a report template shows.
#[derive(Clone, Debug, Serialize)]
pub struct ReportView {
    /// Page title: `sosalyzer report: HOST`.
    pub title: String,
    /// Host name, or `unknown host`.
    pub hostname: String,
    /// `sosalyzer 0.1.0`.
    pub tool: String,
    /// JSON schema version of the report this view comes from.
    pub schema_version: u32,
    /// The input.
    pub input: InputView,
    /// Host facts as label/value pairs, in display order (only the known ones).
    pub host: Vec<Fact>,
    /// Findings per severity.
    pub counts: SeverityCounts,
    /// Worst severity (`critical`…), or `none`.
    pub worst: String,
    /// Every finding, worst first.
    pub findings: Vec<FindingView>,
    /// The findings grouped by severity, worst first; empty groups left out.
    pub groups: Vec<SeverityGroup>,
    /// Events for the event table (at most [`MAX_EVENT_ROWS`]).
    pub events: Vec<EventView>,
    /// Number of events in the report.
    pub events_total: usize,
    /// Events per kind, in [`EventKind::ALL`] order, only kinds seen.
    pub event_kinds: Vec<KindCount>,
    /// Number of boots the events span (0 without events).
    pub boots: u32,
    /// The timeline chart, when there are events.
    pub chart: Option<ChartView>,
    /// The memory panel.
    pub memory: MemoryView,
    /// Sources, in report order.
    pub sources: Vec<SourceView>,
    /// Sources per status.
    pub source_counts: SourceCounts,
    /// Problems met while reading.
    pub problems: Vec<ProblemView>,
}

/// What was analysed.
#[derive(Clone, Debug, Serialize)]
pub struct InputView {
    /// The path as given.
    pub path: String,
    /// `sosreport`, `sos_collect`, `supportconfig`, `log_file`, `proc_file`.
    pub kind: String,
    /// `directory`, `tar.xz`, …
    pub format: String,
}

/// A label and its value.
#[derive(Clone, Debug, Serialize)]
pub struct Fact {
    /// What it is (`Kernel`).
    pub label: String,
    /// Its value, formatted.
    pub value: String,
}

/// Findings of one severity.
#[derive(Clone, Debug, Serialize)]
pub struct SeverityGroup {
    /// `critical`, `error`, `warning`, `info`.
    pub severity: String,
    /// `Critical`, `Error`, `Warning`, `Info`.
    pub label: String,
    /// The findings.
    pub findings: Vec<FindingView>,
}

/// One finding.
#[derive(Clone, Debug, Serialize)]
pub struct FindingView {
    /// Anchor for links within a page (`finding-1`).
    pub anchor: String,
    /// Rule id.
    pub rule_id: String,
    /// `critical`, `error`, `warning`, `info`.
    pub severity: String,
    /// `CRITICAL`, `ERROR`, `WARNING`, `INFO`.
    pub severity_label: String,
    /// One-line title.
    pub title: String,
    /// What happened.
    pub summary: String,
    /// Events the finding is about.
    pub event_ids: Vec<String>,
    /// Time of the first of those events, formatted, when known.
    pub first_seen: Option<String>,
    /// Time of the last of those events, formatted, when known and different from the first.
    pub last_seen: Option<String>,
    /// Evidence lines (at most [`MAX_EVIDENCE_LINES`]).
    pub evidence: Vec<EvidenceView>,
    /// The evidence lines to show first when space is short (at most 10): the headlines of the
    /// finding's events, then the other lines in order.
    pub key_evidence: Vec<EvidenceView>,
    /// Evidence lines in the report.
    pub evidence_total: usize,
    /// Evidence lines left out of `evidence`.
    pub evidence_more: usize,
    /// A Markdown code fence longer than any run of backticks in the evidence.
    pub fence: String,
    /// What to do about it.
    pub remediation: Vec<String>,
}

/// One evidence line.
#[derive(Clone, Debug, Serialize)]
pub struct EvidenceView {
    /// `path:line`.
    pub location: String,
    /// Path relative to the bundle root.
    pub path: String,
    /// 1-based line.
    pub line: u64,
    /// The line.
    pub text: String,
}

/// One event of the event table.
#[derive(Clone, Debug, Serialize)]
pub struct EventView {
    /// `e1`…
    pub id: String,
    /// `hung_task`…
    pub kind: String,
    /// `Hung task`…
    pub kind_label: String,
    /// Colour of the kind in the chart (`#rrggbb`).
    pub color: String,
    /// Time, formatted (wall clock in UTC, else time since boot, else as printed).
    pub time: String,
    /// Boot index.
    pub boot: u32,
    /// The kind's key fields in a few words (`jbd2/dm-0-8 pid 517, 120 s`).
    pub detail: String,
    /// Headline line as printed.
    pub headline: String,
    /// `path:line` of the first source.
    pub location: String,
    /// Number of other sources the event was seen in.
    pub more_sources: usize,
}

/// Number of events of one kind.
#[derive(Clone, Debug, Serialize)]
pub struct KindCount {
    /// `hung_task`…
    pub kind: String,
    /// `Hung task`…
    pub label: String,
    /// `hung tasks`, `XFS error`… (to follow the count, singular or plural).
    pub noun: String,
    /// Colour in the chart.
    pub color: String,
    /// Events of this kind.
    pub count: usize,
}

/// The timeline chart: geometry for an inline SVG, in its own user units.
#[derive(Clone, Debug, Serialize)]
pub struct ChartView {
    /// SVG width.
    pub width: u32,
    /// SVG height.
    pub height: u32,
    /// Left edge of the plot area.
    pub plot_left: f64,
    /// Right edge of the plot area.
    pub plot_right: f64,
    /// Top of the plot area.
    pub plot_top: f64,
    /// Bottom of the plot area.
    pub plot_bottom: f64,
    /// What the x axis measures (`UTC` or `time since boot`).
    pub axis_label: String,
    /// One lane per event kind.
    pub lanes: Vec<ChartLane>,
    /// Event marks (events close in time in one lane are merged into one mark).
    pub marks: Vec<ChartMark>,
    /// Axis ticks.
    pub ticks: Vec<ChartTick>,
    /// Boot starts: each boot after the first on a wall-clock axis, every boot on a
    /// time-since-boot axis.
    pub boots: Vec<ChartBoot>,
    /// Events that could not be placed (no usable time).
    pub undrawn: usize,
    /// A sentence describing the chart, for screen readers.
    pub description: String,
}

/// A lane of the chart.
#[derive(Clone, Debug, Serialize)]
pub struct ChartLane {
    /// Event kind.
    pub kind: String,
    /// Label.
    pub label: String,
    /// Colour.
    pub color: String,
    /// Centre line of the lane.
    pub y: f64,
    /// Top of the lane band.
    pub top: f64,
    /// Height of the lane band.
    pub height: f64,
    /// Events in the lane.
    pub count: usize,
}

/// A mark: one event, or several close together.
#[derive(Clone, Debug, Serialize)]
pub struct ChartMark {
    /// Centre x.
    pub x: f64,
    /// Centre y.
    pub y: f64,
    /// Radius.
    pub r: f64,
    /// Colour.
    pub color: String,
    /// Event kind.
    pub kind: String,
    /// Events merged into the mark.
    pub count: usize,
    /// Tooltip text.
    pub title: String,
}

/// A tick of the time axis.
#[derive(Clone, Debug, Serialize)]
pub struct ChartTick {
    /// Position.
    pub x: f64,
    /// Label.
    pub label: String,
}

/// A boot boundary.
#[derive(Clone, Debug, Serialize)]
pub struct ChartBoot {
    /// Position.
    pub x: f64,
    /// `boot 1`…
    pub label: String,
}

/// The memory panel.
#[derive(Clone, Debug, Default, Serialize)]
pub struct MemoryView {
    /// Whether anything is known about memory.
    pub present: bool,
    /// `MemTotal`, formatted, when known.
    pub mem_total: Option<String>,
    /// Bars as percent of `MemTotal` (used, buffers, cached, slab, hugepages, dirty…).
    pub bars: Vec<MemBar>,
    /// Summary lines grouped as in xsos: RAM, HugePages, Slab/PageTables/Shmem, Swap.
    pub groups: Vec<MemGroup>,
    /// `free` output, when present.
    pub free: Vec<FreeRowView>,
    /// Populated zones with their watermarks.
    pub zones: Vec<ZoneView>,
    /// Whether any zone has expected watermarks.
    pub zones_expected: bool,
    /// The sysctls the expected watermarks were computed from (`vm.min_free_kbytes = 16614`).
    pub zones_basis: Vec<String>,
    /// Free blocks per zone and order.
    pub buddy: Option<BuddyView>,
    /// Largest slab caches.
    pub slab: Vec<SlabRow>,
    /// Commands holding the most memory.
    pub processes: Vec<ProcessRow>,
    /// `vm.*` sysctls.
    pub sysctls: Vec<Fact>,
}

/// One bar of the memory picture.
#[derive(Clone, Debug, Serialize)]
pub struct MemBar {
    /// `Used`, `Cached`…
    pub label: String,
    /// What it counts, in words.
    pub hint: String,
    /// Size, formatted.
    pub size: String,
    /// Percent of `MemTotal`, one decimal (`71.2`).
    pub percent: String,
    /// Bar width in percent, clamped to 0–100.
    pub width: f64,
}

/// A group of summary lines.
#[derive(Clone, Debug, Serialize)]
pub struct MemGroup {
    /// `RAM`, `HugePages`…
    pub title: String,
    /// The lines.
    pub lines: Vec<String>,
}

/// One row of `free`.
#[derive(Clone, Debug, Serialize)]
pub struct FreeRowView {
    /// `Mem`, `Swap`.
    pub label: String,
    /// Total.
    pub total: String,
    /// Used.
    pub used: String,
    /// Free.
    pub free: String,
    /// Buffers and cache.
    pub buff_cache: String,
    /// Available.
    pub available: String,
}

/// A zone with its watermarks (pages) and the expected ones.
#[derive(Clone, Debug, Serialize)]
pub struct ZoneView {
    /// NUMA node.
    pub node: u32,
    /// Zone name.
    pub zone: String,
    /// Managed memory, formatted.
    pub managed_size: String,
    /// Managed pages.
    pub managed: String,
    /// Free pages.
    pub free: String,
    /// Min watermark.
    pub min: String,
    /// Low watermark.
    pub low: String,
    /// High watermark.
    pub high: String,
    /// Expected min from `vm.min_free_kbytes`, when computable.
    pub expected_min: Option<String>,
    /// Expected low, when computable.
    pub expected_low: Option<String>,
    /// Expected high, when computable.
    pub expected_high: Option<String>,
    /// Gap between min and low as found.
    pub gap: String,
    /// Expected gap `max(min/4, managed × watermark_scale_factor / 10000)`.
    pub expected_gap: Option<String>,
    /// `ok`, `below` (gap under 90 % of expected), `above` (over 110 %), or `unknown`.
    pub gap_status: String,
    /// `below_min`, `below_low`, `below_high`, `ok`, or `unknown`.
    pub free_status: String,
}

/// Buddyinfo as a zone × order heat map.
#[derive(Clone, Debug, Serialize)]
pub struct BuddyView {
    /// Orders (column headers).
    pub orders: Vec<BuddyOrder>,
    /// One row per zone.
    pub rows: Vec<BuddyRow>,
}

/// A column of the heat map.
#[derive(Clone, Debug, Serialize)]
pub struct BuddyOrder {
    /// Order.
    pub order: u32,
    /// Block size with 4 KiB pages (`4K`, `8K`, … `4M`).
    pub size: String,
    /// Whether a failed allocation of the report asked for this order.
    pub failed: bool,
}

/// A row of the heat map.
#[derive(Clone, Debug, Serialize)]
pub struct BuddyRow {
    /// NUMA node.
    pub node: u32,
    /// Zone name.
    pub zone: String,
    /// One cell per order.
    pub cells: Vec<BuddyCell>,
    /// Free memory in the zone by buddyinfo, formatted.
    pub free_size: String,
    /// Largest order with a free block, when any.
    pub largest_order: Option<u32>,
}

/// A cell of the heat map.
#[derive(Clone, Debug, Serialize)]
pub struct BuddyCell {
    /// Free blocks.
    pub count: u64,
    /// Heat level 0–9 (0: no free block), on a log scale of the table's largest count.
    pub level: u8,
    /// Tooltip.
    pub title: String,
}

/// A slab cache.
#[derive(Clone, Debug, Serialize)]
pub struct SlabRow {
    /// Cache name.
    pub name: String,
    /// Memory held, formatted.
    pub size: String,
    /// Percent of `MemTotal`, when known.
    pub percent: Option<String>,
    /// Object size, bytes.
    pub objsize: u64,
    /// Active objects.
    pub active_objs: u64,
    /// Objects.
    pub num_objs: u64,
}

/// Processes of one command.
#[derive(Clone, Debug, Serialize)]
pub struct ProcessRow {
    /// Command name.
    pub command: String,
    /// Processes.
    pub processes: u64,
    /// Summed RSS, formatted.
    pub rss: String,
    /// Percent of `MemTotal`, when known.
    pub percent: Option<String>,
}

/// One source.
#[derive(Clone, Debug, Serialize)]
pub struct SourceView {
    /// Path.
    pub path: String,
    /// Kind.
    pub kind: String,
    /// `parsed`, `truncated`, `unreadable`, `missing`.
    pub status: String,
    /// Lines read.
    pub lines: u64,
    /// Lines that did not parse.
    pub unparsed_lines: u64,
    /// Size, formatted, when known.
    pub size: Option<String>,
}

/// Sources per status.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct SourceCounts {
    /// Read completely.
    pub parsed: usize,
    /// Read in part.
    pub truncated: usize,
    /// Present, not readable.
    pub unreadable: usize,
    /// Expected, absent.
    pub missing: usize,
}

/// A problem met while reading.
#[derive(Clone, Debug, Serialize)]
pub struct ProblemView {
    /// `path` or `path:line`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl ReportView {
    /// Builds the view of a report.
    pub fn new(report: &Report) -> ReportView {
        let hostname = report
            .host
            .hostname
            .as_deref()
            .map(clean)
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown host".to_string());
        let findings: Vec<FindingView> = report
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| finding_view(i, f, &report.events))
            .collect();
        let groups = [Severity::Critical, Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .filter_map(|sev| {
                let members: Vec<FindingView> =
                    findings.iter().filter(|f| f.severity == sev.as_str()).cloned().collect();
                (!members.is_empty()).then(|| SeverityGroup {
                    severity: sev.as_str().to_string(),
                    label: severity_title(sev).to_string(),
                    findings: members,
                })
            })
            .collect();
        let event_kinds = EventKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let count = report.events.iter().filter(|e| e.kind() == kind).count();
                (count > 0).then(|| KindCount {
                    kind: kind.as_str().to_string(),
                    label: kind_label(kind).to_string(),
                    noun: kind_count_noun(kind, count),
                    color: kind_color(kind).to_string(),
                    count,
                })
            })
            .collect();
        let boots =
            report.events.iter().map(|e| e.time.boot).max().map_or(0, |b| b.saturating_add(1));
        let mut source_counts = SourceCounts::default();
        for source in &report.sources {
            let slot = match source.status {
                SourceStatus::Parsed => &mut source_counts.parsed,
                SourceStatus::Truncated => &mut source_counts.truncated,
                SourceStatus::Unreadable => &mut source_counts.unreadable,
                SourceStatus::Missing => &mut source_counts.missing,
            };
            *slot = slot.saturating_add(1);
        }
        ReportView {
            title: format!("sosalyzer report: {hostname}"),
            hostname,
            tool: format!("{} {}", clean(&report.tool.name), clean(&report.tool.version)),
            schema_version: report.schema_version,
            input: InputView {
                path: clean(&report.input.path),
                kind: json_name(&report.input.kind),
                format: json_name(&report.input.format),
            },
            host: host_facts(report),
            counts: report.severity_counts(),
            worst: report.worst_severity().map_or("none", Severity::as_str).to_string(),
            findings,
            groups,
            events: report.events.iter().take(MAX_EVENT_ROWS).map(event_view).collect(),
            events_total: report.events.len(),
            event_kinds,
            boots,
            chart: super::chart::chart(&report.events),
            memory: super::memory::memory_view(&report.memory, &report.events),
            sources: report
                .sources
                .iter()
                .map(|s| SourceView {
                    path: clean(&s.path),
                    kind: s.kind.as_str().to_string(),
                    status: json_name(&s.status),
                    lines: s.lines,
                    unparsed_lines: s.unparsed_lines,
                    size: s.size.map(format_bytes),
                })
                .collect(),
            source_counts,
            problems: report
                .problems
                .iter()
                .map(|p| ProblemView {
                    location: match p.line {
                        Some(line) => format!("{}:{line}", clean(&p.path)),
                        None => clean(&p.path),
                    },
                    message: clean(&p.message),
                })
                .collect(),
        }
    }
}

fn host_facts(report: &Report) -> Vec<Fact> {
    let host = &report.host;
    let mut facts = Vec::new();
    let mut push = |label: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            facts.push(Fact { label: label.to_string(), value });
        }
    };
    push("Hostname", host.hostname.as_deref().map(clean));
    push("Kernel", host.kernel.as_deref().map(clean));
    push("sos version", host.sos_version.as_deref().map(clean));
    push("Collected", host.collected_at.map(format_timestamp));
    push("Booted", host.boot_time.map(format_timestamp));
    push("Uptime", host.uptime_secs.map(format_duration));
    push(
        "Input",
        Some(format!(
            "{} ({}, {})",
            clean(&report.input.path),
            json_name(&report.input.kind),
            json_name(&report.input.format)
        )),
    );
    facts
}

fn finding_view(index: usize, finding: &crate::model::Finding, events: &[Event]) -> FindingView {
    let times: Vec<&Event> = events.iter().filter(|e| finding.event_ids.contains(&e.id)).collect();
    let first_seen = times.first().map(|e| format_event_time(e));
    let last_seen =
        times.last().map(|e| format_event_time(e)).filter(|t| Some(t) != first_seen.as_ref());
    let evidence: Vec<EvidenceView> =
        finding.evidence.iter().take(MAX_EVIDENCE_LINES).map(evidence_view).collect();
    let headlines: Vec<&str> = times.iter().map(|e| e.raw.as_str()).collect();
    let is_headline = |ev: &&crate::model::Evidence| headlines.contains(&ev.text.as_str());
    let key_evidence: Vec<EvidenceView> = finding
        .evidence
        .iter()
        .filter(is_headline)
        .chain(finding.evidence.iter().filter(|ev| !is_headline(ev)))
        .take(10)
        .map(evidence_view)
        .collect();
    let longest_tick_run = evidence
        .iter()
        .map(|ev| longest_run(&ev.text, '`').max(longest_run(&ev.location, '`')))
        .max()
        .unwrap_or(0);
    FindingView {
        anchor: format!("finding-{}", index.saturating_add(1)),
        rule_id: clean(&finding.rule_id),
        severity: finding.severity.as_str().to_string(),
        severity_label: finding.severity.as_str().to_ascii_uppercase(),
        title: clean(&finding.title),
        summary: clean(&finding.summary),
        event_ids: finding.event_ids.iter().map(|id| clean(id)).collect(),
        first_seen,
        last_seen,
        evidence_total: finding.evidence.len(),
        evidence_more: finding.evidence.len().saturating_sub(evidence.len()),
        evidence,
        key_evidence,
        fence: "`".repeat(longest_tick_run.saturating_add(1).max(3)),
        remediation: finding.remediation.iter().map(|r| clean(r)).collect(),
    }
}

fn evidence_view(ev: &crate::model::Evidence) -> EvidenceView {
    let path = clean(&ev.path);
    EvidenceView {
        location: format!("{path}:{}", ev.line),
        path,
        line: ev.line,
        text: clean(&ev.text),
    }
}

fn event_view(event: &Event) -> EventView {
    let kind = event.kind();
    let location =
        event.sources.first().map(|s| format!("{}:{}", clean(&s.path), s.line)).unwrap_or_default();
    EventView {
        id: clean(&event.id),
        kind: kind.as_str().to_string(),
        kind_label: kind_label(kind).to_string(),
        color: kind_color(kind).to_string(),
        time: format_event_time(event),
        boot: event.time.boot,
        detail: event_detail(&event.fields),
        headline: clean(&event.raw),
        location,
        more_sources: event.sources.len().saturating_sub(1),
    }
}

/// The key fields of an event in a few words.
pub(crate) fn event_detail(fields: &EventFields) -> String {
    let opt = |v: &Option<String>| v.as_deref().map(clean);
    let text = match fields {
        EventFields::HungTask(h) => {
            let mut s = format!("{} pid {}, blocked {} s", h.task, h.pid, h.blocked_secs);
            if let Some(frame) = h.call_trace.iter().find(|f| !is_scheduler_frame(f)) {
                s.push_str(", in ");
                s.push_str(frame);
            }
            s
        }
        EventFields::PageAllocFailure(p) => {
            let mut s = format!(
                "{} order {} ({}), mode {}",
                p.process,
                p.order,
                order_size(p.order),
                p.gfp_mask
            );
            if !p.gfp_flags.is_empty() {
                s.push_str(&format!(" ({})", p.gfp_flags.join("|")));
            }
            s
        }
        EventFields::XfsError(x) => {
            let mut s = format!("{} on {}", x.class.as_str(), opt(&x.device).unwrap_or("?".into()));
            if let Some(errno) = x.errno {
                s.push_str(&format!(", error {errno}"));
            }
            if let Some(loc) = opt(&x.location) {
                s.push_str(&format!(", at {loc}"));
            }
            s
        }
        EventFields::OomKill(o) => {
            let mut s = format!("killed {}", opt(&o.victim).unwrap_or("?".into()));
            if let Some(pid) = o.pid {
                s.push_str(&format!(" pid {pid}"));
            }
            if let Some(rss) = o.anon_rss_kb {
                s.push_str(&format!(", anon-rss {}", format_kib(rss)));
            }
            s
        }
        EventFields::SoftLockup(l) | EventFields::HardLockup(l) => {
            let mut s = match l.cpu {
                Some(cpu) => format!("CPU {cpu}"),
                None => "CPU ?".to_string(),
            };
            if let Some(task) = opt(&l.task) {
                s.push_str(&format!(", {task}"));
            }
            if let Some(secs) = l.stuck_secs {
                s.push_str(&format!(", stuck {secs} s"));
            }
            s
        }
        EventFields::RcuStall(r) => opt(&r.flavor).unwrap_or_else(|| "rcu".to_string()),
        EventFields::KernelOops(k) => k.message.clone(),
        EventFields::KernelPanic(p) => p.reason.clone(),
        EventFields::BlockIoError(b) => {
            let mut s = format!("{} on {}", b.error, opt(&b.device).unwrap_or("?".into()));
            if let Some(sector) = b.sector {
                s.push_str(&format!(", sector {sector}"));
            }
            s
        }
    };
    clean(&text)
}

fn is_scheduler_frame(frame: &str) -> bool {
    let name = frame.trim_start_matches("? ");
    [
        "__schedule",
        "schedule",
        "schedule_timeout",
        "schedule_preempt_disabled",
        "io_schedule",
        "io_schedule_timeout",
        "<TASK>",
    ]
    .iter()
    .any(|s| name == *s || name.starts_with(&format!("{s}+")))
}

/// `Critical`, `Error`, `Warning`, `Info`.
pub(crate) fn severity_title(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    }
}

/// A kind's label for people.
pub(crate) fn kind_label(kind: EventKind) -> &'static str {
    match kind {
        EventKind::HungTask => "Hung task",
        EventKind::PageAllocFailure => "Page allocation failure",
        EventKind::XfsError => "XFS error",
        EventKind::OomKill => "OOM kill",
        EventKind::SoftLockup => "Soft lockup",
        EventKind::HardLockup => "Hard lockup",
        EventKind::RcuStall => "RCU stall",
        EventKind::KernelOops => "Kernel oops",
        EventKind::KernelPanic => "Kernel panic",
        EventKind::BlockIoError => "Block I/O error",
    }
}

/// A kind's name within a sentence (`2 hung task`, `1 XFS error`).
pub(crate) fn kind_noun(kind: EventKind) -> &'static str {
    match kind {
        EventKind::HungTask => "hung task",
        EventKind::PageAllocFailure => "page allocation failure",
        EventKind::XfsError => "XFS error",
        EventKind::OomKill => "OOM kill",
        EventKind::SoftLockup => "soft lockup",
        EventKind::HardLockup => "hard lockup",
        EventKind::RcuStall => "RCU stall",
        EventKind::KernelOops => "kernel oops",
        EventKind::KernelPanic => "kernel panic",
        EventKind::BlockIoError => "block I/O error",
    }
}

/// A kind's name after a count: `hung task` for 1, `hung tasks` otherwise.
pub(crate) fn kind_count_noun(kind: EventKind, count: usize) -> String {
    let noun = kind_noun(kind);
    if count == 1 || noun.ends_with("oops") { noun.to_string() } else { format!("{noun}s") }
}

/// A kind's colour in the chart (Okabe–Ito palette, distinguishable with colour-blindness).
pub(crate) fn kind_color(kind: EventKind) -> &'static str {
    match kind {
        EventKind::HungTask => "#e69f00",
        EventKind::PageAllocFailure => "#0072b2",
        EventKind::XfsError => "#d55e00",
        EventKind::OomKill => "#cc79a7",
        EventKind::SoftLockup => "#009e73",
        EventKind::HardLockup => "#56b4e9",
        EventKind::RcuStall => "#8c564b",
        EventKind::KernelOops => "#7f7f7f",
        EventKind::KernelPanic => "#1a1a1a",
        EventKind::BlockIoError => "#f0e442",
    }
}

/// The JSON name of a serialisable unit enum (`tar.xz`, `sos_collect`).
fn json_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Bundle text made safe to show anywhere: tabs and newlines become spaces, carriage returns
/// go, other control characters become visible `\xNN` escapes (a log line must not drive a
/// terminal), and the length is bounded.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_CHARS));
    for (count, c) in text.chars().enumerate() {
        if count >= MAX_TEXT_CHARS {
            out.push('…');
            break;
        }
        match c {
            '\t' | '\n' => out.push(' '),
            '\r' => {}
            c if c.is_control() => {
                out.push_str(&format!("\\x{:02x}", u32::from(c)));
            }
            // Bidirectional overrides can make a line read differently from what it holds.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:04x}}}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out
}

fn longest_run(text: &str, wanted: char) -> usize {
    let mut best = 0usize;
    let mut run = 0usize;
    for c in text.chars() {
        if c == wanted {
            run = run.saturating_add(1);
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// `2019-10-22 19:49:33 UTC`.
pub(crate) fn format_timestamp(ts: jiff::Timestamp) -> String {
    format!("{} UTC", ts.strftime("%Y-%m-%d %H:%M:%S"))
}

/// An event's time for people: the wall clock when known, else time since boot, else the
/// stamp as printed.
pub(crate) fn format_event_time(event: &Event) -> String {
    if let Some(wall) = event.time.wall {
        return format_timestamp(wall);
    }
    if let Some(since) = event.time.since_boot {
        let micros = since.as_micros();
        return format!(
            "boot {} +{}.{:06} s",
            event.time.boot,
            micros / 1_000_000,
            micros % 1_000_000
        );
    }
    let raw = clean(event.time.raw.trim());
    if raw.is_empty() { "unknown time".to_string() } else { raw }
}

/// `9 d 3 h`, `3 h 12 min`, `42 s`.
pub(crate) fn format_duration(secs: u64) -> String {
    let days = secs / 86_400;
    let hours = (secs % 86_400) / 3600;
    let minutes = (secs % 3600) / 60;
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else if minutes > 0 {
        format!("{minutes} min {} s", secs % 60)
    } else {
        format!("{secs} s")
    }
}

/// A size in KiB for people, in binary units: `512 KiB`, `14.3 GiB`.
pub(crate) fn format_kib(kib: u64) -> String {
    format_bytes(kib.saturating_mul(1024))
}

/// A size in bytes for people, in binary units: `812 B`, `3.1 MiB`.
pub(crate) fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0usize;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let name = UNITS.get(unit).copied().unwrap_or("B");
    if unit == 0 {
        format!("{bytes} B")
    } else if value >= 100.0 {
        format!("{value:.0} {name}")
    } else {
        format!("{value:.1} {name}")
    }
}

/// A count with thousands separators: `48,756,637`.
pub(crate) fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The block size of an allocation order with 4 KiB pages: `4K`, `256K`, `4M`.
pub(crate) fn order_size(order: u32) -> String {
    let kib = 4u64.checked_shl(order).unwrap_or(u64::MAX);
    if kib >= 1024 * 1024 && kib % (1024 * 1024) == 0 {
        format!("{}G", kib / (1024 * 1024))
    } else if kib >= 1024 && kib % 1024 == 0 {
        format!("{}M", kib / 1024)
    } else {
        format!("{kib}K")
    }
}

/// `part` as a percentage of `whole`, one decimal; `None` when `whole` is 0.
pub(crate) fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64) * 100.0 / (whole as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_controls_and_bounds_length() {
        assert_eq!(clean("a\tb\r\nc"), "a b c");
        assert_eq!(clean("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
        assert_eq!(clean("x\u{202e}y"), "x\\u{202e}y");
        let long = "é".repeat(MAX_TEXT_CHARS + 5);
        let cleaned = clean(&long);
        assert_eq!(cleaned.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(cleaned.ends_with('…'));
    }

    #[test]
    fn formats_for_people() {
        assert_eq!(format_count(48_756_637), "48,756,637");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_kib(16_384_256), "15.6 GiB");
        assert_eq!(format_bytes(812), "812 B");
        assert_eq!(format_duration(1_714_919), "19 d 20 h");
        assert_eq!(format_duration(42), "42 s");
        assert_eq!(
            (order_size(0), order_size(6), order_size(10), order_size(18)),
            ("4K".into(), "256K".into(), "4M".into(), "1G".into())
        );
        assert_eq!(percent(1, 0), None);
    }
}
