//! The terminal summary of a report: host facts, findings by severity with their key evidence
//! lines, a compact memory picture, and what was read. ANSI colour on request.
//!
//! ```text
//! compute6  kernel 4.15.0-72-generic  sos 3.9  collected 2019-10-23 08:02:11 UTC
//! Findings: 1 critical, 2 error, 1 warning, 1 info
//! CRITICAL kernel.hung_task  Tasks blocked for more than 120 seconds
//! ```

use std::fmt::Write as _;

use super::Report;
use super::view::{FindingView, ReportView};

/// Options of [`render_text`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Use ANSI colours (default: no). The command line turns them on when stdout is a
    /// terminal and `NO_COLOR` is unset.
    pub color: bool,
    /// Evidence lines shown per finding (default 0 means 3).
    pub evidence_lines: usize,
}

/// ANSI styles.
#[derive(Clone, Copy)]
enum Style {
    Bold,
    Dim,
    Red,
    BoldRed,
    Yellow,
    Cyan,
    Green,
    Magenta,
}

impl Style {
    fn code(self) -> &'static str {
        match self {
            Style::Bold => "1",
            Style::Dim => "2",
            Style::Red => "31",
            Style::BoldRed => "1;37;41",
            Style::Yellow => "33",
            Style::Cyan => "36",
            Style::Green => "32",
            Style::Magenta => "35",
        }
    }
}

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color { format!("\x1b[{}m{text}\x1b[0m", style.code()) } else { text.to_string() }
    }

    fn severity(&self, severity: &str, text: &str) -> String {
        let style = match severity {
            "critical" => Style::BoldRed,
            "error" => Style::Red,
            "warning" => Style::Yellow,
            _ => Style::Cyan,
        };
        self.paint(style, text)
    }
}

/// Width of the memory bars, in characters.
const BAR: usize = 40;
/// Longest evidence line shown, in characters.
const LINE_CHARS: usize = 160;

/// Renders the terminal summary of a report. Bundle text has its control characters escaped,
/// so a log line cannot drive the terminal.
pub fn render_text(report: &Report, options: &TextOptions) -> String {
    let view = ReportView::new(report);
    let p = Painter { color: options.color };
    let evidence_lines = if options.evidence_lines == 0 { 3 } else { options.evidence_lines };
    let mut out = String::new();

    // Host.
    let _ = writeln!(
        out,
        "{}  {}",
        p.paint(Style::Bold, &view.hostname),
        p.paint(Style::Dim, &view.tool)
    );
    for fact in view.host.iter().filter(|f| f.label != "Hostname") {
        let _ = writeln!(out, "  {:<12} {}", fact.label, fact.value);
    }
    out.push('\n');

    // Findings.
    let c = view.counts;
    let _ = writeln!(
        out,
        "{} {}, {}, {}, {}",
        p.paint(Style::Bold, "Findings:"),
        p.severity("critical", &format!("{} critical", c.critical)),
        p.severity("error", &format!("{} error", c.error)),
        p.severity("warning", &format!("{} warning", c.warning)),
        p.severity("info", &format!("{} info", c.info)),
    );
    if view.findings.is_empty() {
        let _ = writeln!(out, "  {}", p.paint(Style::Green, "nothing found in the sources read"));
    }
    for finding in &view.findings {
        write_finding(&mut out, &p, finding, evidence_lines);
    }
    out.push('\n');

    // Events.
    if view.events_total > 0 {
        let kinds: Vec<String> =
            view.event_kinds.iter().map(|k| format!("{} {}", k.count, k.noun)).collect();
        let _ = writeln!(
            out,
            "{} {} across {} boot{}: {}",
            p.paint(Style::Bold, "Events:"),
            view.events_total,
            view.boots,
            if view.boots == 1 { "" } else { "s" },
            kinds.join(", ")
        );
        if let (Some(first), Some(last)) = (report.events.first(), report.events.last()) {
            let _ = writeln!(
                out,
                "  from {} to {}",
                super::view::format_event_time(first),
                super::view::format_event_time(last)
            );
        }
        out.push('\n');
    }

    write_memory(&mut out, &p, &view);

    // Sources and problems.
    let s = view.source_counts;
    let _ = write!(
        out,
        "{} {} parsed, {} truncated, {} unreadable, {} missing",
        p.paint(Style::Bold, "Sources:"),
        s.parsed,
        s.truncated,
        s.unreadable,
        s.missing
    );
    let missing: Vec<&str> =
        view.sources.iter().filter(|s| s.status == "missing").map(|s| s.kind.as_str()).collect();
    if !missing.is_empty() {
        let _ = write!(
            out,
            " ({})",
            p.paint(Style::Yellow, &format!("missing: {}", missing.join(", ")))
        );
    }
    out.push('\n');
    if !view.problems.is_empty() {
        let _ = writeln!(out, "{} {}", p.paint(Style::Bold, "Problems:"), view.problems.len());
        for problem in view.problems.iter().take(5) {
            let _ = writeln!(out, "  {}: {}", problem.location, problem.message);
        }
        if view.problems.len() > 5 {
            let _ = writeln!(out, "  … {} more in the full report", view.problems.len() - 5);
        }
    }
    out
}

fn write_finding(out: &mut String, p: &Painter, finding: &FindingView, evidence_lines: usize) {
    let label = format!("{:<8}", finding.severity_label);
    let _ = writeln!(
        out,
        "  {} {}  {}",
        p.severity(&finding.severity, &label),
        p.paint(Style::Bold, &finding.title),
        p.paint(Style::Dim, &finding.rule_id)
    );
    if !finding.summary.is_empty() {
        for line in wrap(&finding.summary, 88) {
            let _ = writeln!(out, "           {line}");
        }
    }
    if let Some(first) = &finding.first_seen {
        match &finding.last_seen {
            Some(last) => {
                let _ = writeln!(
                    out,
                    "           {}",
                    p.paint(Style::Dim, &format!("{first} … {last}"))
                );
            }
            None => {
                let _ = writeln!(out, "           {}", p.paint(Style::Dim, first));
            }
        }
    }
    for evidence in finding.key_evidence.iter().take(evidence_lines) {
        let _ = writeln!(
            out,
            "           {} {}",
            p.paint(Style::Magenta, &format!("{}:", evidence.location)),
            shorten(&evidence.text, LINE_CHARS)
        );
    }
    let more =
        finding.evidence_total.saturating_sub(evidence_lines.min(finding.key_evidence.len()));
    if more > 0 {
        let plural = if more == 1 { "" } else { "s" };
        let _ = writeln!(
            out,
            "           {}",
            p.paint(Style::Dim, &format!("… {more} more evidence line{plural}"))
        );
    }
    if let Some(first) = finding.remediation.first() {
        let _ = writeln!(out, "           {} {}", p.paint(Style::Green, "→"), first);
    }
}

fn write_memory(out: &mut String, p: &Painter, view: &ReportView) {
    let memory = &view.memory;
    if !memory.present {
        let _ = writeln!(out, "{} not in the bundle\n", p.paint(Style::Bold, "Memory:"));
        return;
    }
    match &memory.mem_total {
        Some(total) => {
            let _ = writeln!(
                out,
                "{} MemTotal {total}, as % of MemTotal",
                p.paint(Style::Bold, "Memory:")
            );
        }
        None => {
            let _ = writeln!(out, "{}", p.paint(Style::Bold, "Memory:"));
        }
    }
    for bar in &memory.bars {
        let filled = ((bar.width / 100.0) * BAR as f64).round() as usize;
        let filled = filled.min(BAR);
        let bar_text = format!("{}{}", "█".repeat(filled), "·".repeat(BAR - filled));
        let _ = writeln!(
            out,
            "  {:<10} {} {:>5}%  {}",
            bar.label,
            p.paint(Style::Cyan, &bar_text),
            bar.percent,
            bar.size
        );
    }
    for group in memory.groups.iter().filter(|g| g.title != "RAM") {
        if let Some(first) = group.lines.first() {
            let _ = writeln!(out, "  {:<10} {first}", group.title.split('/').next().unwrap_or(""));
        }
    }
    for zone in &memory.zones {
        let status = match zone.free_status.as_str() {
            "below_min" => p.paint(Style::BoldRed, "free below min"),
            "below_low" => p.paint(Style::Red, "free below low"),
            "below_high" => p.paint(Style::Yellow, "free below high"),
            _ => String::new(),
        };
        let mut line = format!(
            "  Node {} {:<8} free {:>12}  min {:>10}  low {:>10}  high {:>10} pages",
            zone.node, zone.zone, zone.free, zone.min, zone.low, zone.high
        );
        if zone.gap_status == "below" {
            if let (Some(low), Some(high)) = (&zone.expected_low, &zone.expected_high) {
                line.push_str(&format!(
                    "  {}",
                    p.paint(Style::Red, &format!("expected low {low}, high {high}"))
                ));
            }
        }
        if !status.is_empty() {
            line.push_str("  ");
            line.push_str(&status);
        }
        let _ = writeln!(out, "{line}");
    }
    if let Some(buddy) = &memory.buddy {
        for row in &buddy.rows {
            let counts: Vec<String> = row.cells.iter().map(|c| c.count.to_string()).collect();
            let largest = match row.largest_order {
                Some(order) => format!("largest free order {order}"),
                None => "no free blocks".to_string(),
            };
            let _ = writeln!(
                out,
                "  Node {} {:<8} free blocks by order: {}  ({largest})",
                row.node,
                row.zone,
                counts.join(" ")
            );
        }
    }
    if !memory.slab.is_empty() {
        let top: Vec<String> =
            memory.slab.iter().take(3).map(|s| format!("{} {}", s.name, s.size)).collect();
        let _ = writeln!(out, "  Top slab   {}", top.join(", "));
    }
    if !memory.processes.is_empty() {
        let top: Vec<String> = memory
            .processes
            .iter()
            .take(3)
            .map(|c| format!("{} ×{} {}", c.command, c.processes, c.rss))
            .collect();
        let _ = writeln!(out, "  Top RSS    {}", top.join(", "));
    }
    out.push('\n');
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Splits text into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole() {
        assert_eq!(wrap("one two three four", 9), vec!["one two", "three", "four"]);
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn shorten_marks_the_cut() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }
}
