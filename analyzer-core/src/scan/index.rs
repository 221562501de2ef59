//! The scan index: one row per bundle, worst first, and the signatures several bundles share
//! (docs/CONTRACT.md, "The scan index"), written as `index.json`, `index.csv`, `index.md` and a
//! self-contained `index.html`.
//!
//! ```json
//! {"schema_version": 1, "tool": {"name": "sosalyzer", "version": "0.1.0"},
//!  "bundles": [{"path": "dc1/sosreport-tux-2024-03-05-abcdefg.tar.xz", "status": "ok",
//!               "error": null, "host": {"hostname": "tux", …}, "worst_severity": "critical",
//!               "findings": {"critical": 1, "error": 0, "warning": 2, "info": 0},
//!               "signatures": ["xfs_error:shutdown:5"],
//!               "report": "reports/dc1/sosreport-tux-2024-03-05-abcdefg.tar.xz.html"}],
//!  "groups": [{"signature": "xfs_error:shutdown:5", "bundles": ["…", "…"]}]}
//! ```
//!
//! Ranking: worst severity (critical > error > warning > info > unreadable > no findings),
//! then the number of findings (more first), then the path. `worst_severity` is `null` when a
//! bundle has no findings or could not be read (`status: "error"`). A group lists a signature
//! seen in two bundles or more, largest group first.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Error;
use super::signature;
use crate::model::{HostFacts, Severity};
use crate::report::{Report, SCHEMA_VERSION, Tool};

/// Whether a bundle was analysed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Analysed; the row links to its report.
    Ok,
    /// Could not be analysed; `error` says why.
    Error,
}

/// Host facts as the index shows them (the `host` object of the report, as strings).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexHost {
    /// Host name.
    pub hostname: Option<String>,
    /// Kernel release.
    pub kernel: Option<String>,
    /// sos version.
    pub sos_version: Option<String>,
    /// Collection time, RFC 3339.
    pub collected_at: Option<String>,
    /// Boot time, RFC 3339.
    pub boot_time: Option<String>,
    /// Uptime at collection, seconds.
    pub uptime_secs: Option<u64>,
}

impl From<&HostFacts> for IndexHost {
    fn from(host: &HostFacts) -> IndexHost {
        IndexHost {
            hostname: host.hostname.clone(),
            kernel: host.kernel.clone(),
            sos_version: host.sos_version.clone(),
            collected_at: host.collected_at.map(|t| t.to_string()),
            boot_time: host.boot_time.map(|t| t.to_string()),
            uptime_secs: host.uptime_secs,
        }
    }
}

/// Number of findings per severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingCounts {
    /// Critical findings.
    pub critical: u32,
    /// Error findings.
    pub error: u32,
    /// Warning findings.
    pub warning: u32,
    /// Info findings.
    pub info: u32,
}

impl FindingCounts {
    /// All findings.
    pub fn total(&self) -> u32 {
        self.critical
            .saturating_add(self.error)
            .saturating_add(self.warning)
            .saturating_add(self.info)
    }
}

/// One bundle of the index (for a `sos collect` archive, one row per host inside it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexRow {
    /// Path relative to the scanned folder; `outer.tar!inner` for a host of a `sos collect`
    /// archive.
    pub path: String,
    /// `ok` or `error`.
    pub status: RowStatus,
    /// Why the bundle could not be analysed.
    pub error: Option<String>,
    /// Host facts (all `null` for an error row).
    pub host: IndexHost,
    /// The worst severity among the findings; `null` when there are none.
    pub worst_severity: Option<Severity>,
    /// Findings per severity.
    pub findings: FindingCounts,
    /// Problem signatures of the bundle's events (see [`signature`]).
    pub signatures: Vec<String>,
    /// The report, relative to the index; `null` when none was written.
    pub report: Option<String>,
}

impl IndexRow {
    /// The row of an analysed bundle.
    pub fn from_report(path: String, report: &Report, link: Option<String>) -> IndexRow {
        let mut findings = FindingCounts::default();
        for finding in &report.findings {
            let slot = match finding.severity {
                Severity::Critical => &mut findings.critical,
                Severity::Error => &mut findings.error,
                Severity::Warning => &mut findings.warning,
                Severity::Info => &mut findings.info,
            };
            *slot = slot.saturating_add(1);
        }
        IndexRow {
            path,
            status: RowStatus::Ok,
            error: None,
            host: IndexHost::from(&report.host),
            worst_severity: report.worst_severity(),
            findings,
            signatures: signature::signatures(report),
            report: link,
        }
    }

    /// The row of a bundle that could not be analysed.
    pub fn error(path: String, message: String) -> IndexRow {
        IndexRow {
            path,
            status: RowStatus::Error,
            error: Some(message),
            host: IndexHost::default(),
            worst_severity: None,
            findings: FindingCounts::default(),
            signatures: Vec::new(),
            report: None,
        }
    }

    /// Rank of the row's worst finding: 5 critical, 4 error, 3 warning, 2 info, 1 unreadable,
    /// 0 no findings.
    pub fn severity_rank(&self) -> u8 {
        match (self.status, self.worst_severity) {
            (_, Some(Severity::Critical)) => 5,
            (_, Some(Severity::Error)) => 4,
            (_, Some(Severity::Warning)) => 3,
            (_, Some(Severity::Info)) => 2,
            (RowStatus::Error, None) => 1,
            (RowStatus::Ok, None) => 0,
        }
    }

    /// Index order: worst first, then more findings first, then by path.
    pub fn rank_cmp(&self, other: &IndexRow) -> Ordering {
        other
            .severity_rank()
            .cmp(&self.severity_rank())
            .then_with(|| other.findings.total().cmp(&self.findings.total()))
            .then_with(|| self.path.cmp(&other.path))
    }
}

/// Bundles that share a signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The shared signature.
    pub signature: String,
    /// Paths of the bundles (index rows) that have it, in index order.
    pub bundles: Vec<String>,
}

/// The whole index (`index.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Index {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool that wrote the index.
    pub tool: Tool,
    /// One row per bundle, worst first.
    pub bundles: Vec<IndexRow>,
    /// Signatures shared by two bundles or more, largest group first.
    pub groups: Vec<Group>,
    /// Report formats written beside each row's own report (same stem, other extension), so
    /// the HTML and Markdown pages link them all. Not part of `index.json`. By default, none:
    /// only the row's own report is linked.
    #[serde(skip)]
    pub sibling_formats: Vec<super::ReportFormat>,
}

impl Index {
    /// Ranks the rows and groups them by signature.
    pub fn from_rows(rows: impl IntoIterator<Item = IndexRow>) -> Index {
        let mut bundles: Vec<IndexRow> = rows.into_iter().collect();
        bundles.sort_by(IndexRow::rank_cmp);
        let mut by_signature: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for row in &bundles {
            for sig in &row.signatures {
                let paths = by_signature.entry(sig.as_str()).or_default();
                if paths.last() != Some(&row.path) {
                    paths.push(row.path.clone());
                }
            }
        }
        let mut groups: Vec<Group> = by_signature
            .into_iter()
            .filter(|(_, paths)| paths.len() >= 2)
            .map(|(signature, bundles)| Group { signature: signature.to_string(), bundles })
            .collect();
        groups.sort_by(|a, b| {
            b.bundles.len().cmp(&a.bundles.len()).then_with(|| a.signature.cmp(&b.signature))
        });
        Index {
            schema_version: SCHEMA_VERSION,
            tool: Tool::default(),
            bundles,
            groups,
            sibling_formats: Vec::new(),
        }
    }

    /// The rows of every result, ranked and grouped.
    pub fn from_results<'a>(results: impl IntoIterator<Item = &'a super::ScanResult>) -> Index {
        Index::from_rows(results.into_iter().flat_map(|r| r.rows.iter().cloned()))
    }

    /// `index.json`, pretty-printed.
    pub fn to_json(&self) -> String {
        // Serialising plain strings, numbers and enums cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// `index.csv`: one line per bundle, RFC 4180 quoting. Cells that a spreadsheet would run
    /// as a formula (starting with `=`, `+`, `-`, `@`) get a leading `'`.
    pub fn to_csv(&self) -> String {
        let mut out = String::from(
            "rank,path,status,worst_severity,critical,error,warning,info,hostname,kernel,\
             collected_at,signatures,report,error_message\r\n",
        );
        for (i, row) in self.bundles.iter().enumerate() {
            let cells = [
                (i + 1).to_string(),
                row.path.clone(),
                status_name(row.status).to_string(),
                row.worst_severity.map_or("none", Severity::as_str).to_string(),
                row.findings.critical.to_string(),
                row.findings.error.to_string(),
                row.findings.warning.to_string(),
                row.findings.info.to_string(),
                row.host.hostname.clone().unwrap_or_default(),
                row.host.kernel.clone().unwrap_or_default(),
                row.host.collected_at.clone().unwrap_or_default(),
                row.signatures.join(" "),
                row.report.clone().unwrap_or_default(),
                row.error.clone().unwrap_or_default(),
            ];
            let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// `index.md`: Markdown fit to paste into a ticket.
    pub fn to_markdown(&self) -> Result<String, Error> {
        self.render("index.md.j2")
    }

    /// `index.html`: one self-contained page (inline style, no script, no external assets);
    /// every value from a bundle is HTML-escaped.
    pub fn to_html(&self) -> Result<String, Error> {
        self.render("index.html.j2")
    }

    fn render(&self, name: &str) -> Result<String, Error> {
        let env = environment()?;
        let view = IndexView::new(self);
        Ok(env.get_template(name)?.render(&view)?)
    }
}

fn status_name(status: RowStatus) -> &'static str {
    match status {
        RowStatus::Ok => "ok",
        RowStatus::Error => "error",
    }
}

/// The template environment of the index pages.
fn environment() -> Result<minijinja::Environment<'static>, Error> {
    let mut env = minijinja::Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_filter("md", md_escape);
    env.add_template("index.html.j2", include_str!("../../../templates/index.html.j2"))?;
    env.add_template("index.md.j2", include_str!("../../../templates/index.md.j2"))?;
    Ok(env)
}

/// What the index templates see.
#[derive(Serialize)]
struct IndexView<'a> {
    tool: &'a Tool,
    total: usize,
    errors: usize,
    by_severity: [(&'static str, usize); 6],
    rows: Vec<RowView<'a>>,
    groups: Vec<GroupView<'a>>,
}

/// A group with the rank of each of its bundles, for in-page links (`#b3`).
#[derive(Serialize)]
struct GroupView<'a> {
    signature: &'a str,
    bundles: Vec<(&'a str, usize)>,
}

#[derive(Serialize)]
struct RowView<'a> {
    rank: usize,
    row: &'a IndexRow,
    /// `critical`, …, `none`, or `unreadable`: the CSS class and the label.
    level: &'static str,
    /// Every report written for the bundle: (format, percent-encoded relative link).
    links: Vec<(&'static str, String)>,
}

impl<'a> IndexView<'a> {
    fn new(index: &'a Index) -> IndexView<'a> {
        let mut by_severity = [
            ("critical", 0),
            ("error", 0),
            ("warning", 0),
            ("info", 0),
            ("unreadable", 0),
            ("none", 0),
        ];
        let mut errors = 0;
        let rows = index
            .bundles
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let level = match (row.status, row.worst_severity) {
                    (_, Some(sev)) => sev.as_str(),
                    (RowStatus::Error, None) => "unreadable",
                    (RowStatus::Ok, None) => "none",
                };
                if let Some(slot) = by_severity.iter_mut().find(|(name, _)| *name == level) {
                    slot.1 += 1;
                }
                if row.status == RowStatus::Error {
                    errors += 1;
                }
                let links = report_links(row.report.as_deref(), &index.sibling_formats);
                RowView { rank: i + 1, row, level, links }
            })
            .collect();
        let rank_of =
            |path: &str| index.bundles.iter().position(|r| r.path == path).map_or(0, |i| i + 1);
        let groups = index
            .groups
            .iter()
            .map(|g| GroupView {
                signature: &g.signature,
                bundles: g.bundles.iter().map(|p| (p.as_str(), rank_of(p))).collect(),
            })
            .collect();
        IndexView {
            tool: &index.tool,
            total: index.bundles.len(),
            errors,
            by_severity,
            rows,
            groups,
        }
    }
}

/// The links to a bundle's reports: the one named in the row, then its siblings in the
/// `siblings` formats (same stem, other extension).
fn report_links(
    report: Option<&str>,
    siblings: &[super::ReportFormat],
) -> Vec<(&'static str, String)> {
    let Some(report) = report else {
        return Vec::new();
    };
    let (stem, ext) = report.rsplit_once('.').unwrap_or((report, ""));
    use super::ReportFormat::{Html, Json, Markdown};
    let own = [Html, Markdown, Json].into_iter().find(|f| f.extension() == ext);
    let own = own.map_or("report", |f| f.extension());
    let mut links = vec![(own, percent_encode_path(report))];
    for format in siblings {
        if format.extension() != ext {
            let sibling = format!("{stem}.{}", format.extension());
            links.push((format.extension(), percent_encode_path(&sibling)));
        }
    }
    links
}

/// Percent-encodes a relative path for an `href`, keeping `/` and unreserved characters.
pub(crate) fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes text for a Markdown table cell (the report's own escaping: table pipes, emphasis,
/// link syntax, raw HTML, line breaks).
fn md_escape(value: String) -> String {
    crate::report::markdown_escape(&value)
}

/// One CSV cell, quoted when needed.
fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests;
