use super::*;
use crate::scan::ReportFormat;
use crate::scan::testutil::{hung_xfs_log_force, order6_failure, report, xfs_shutdown};

fn row(
    path: &str,
    host: &str,
    severities: &[Severity],
    events: Vec<crate::model::Event>,
) -> IndexRow {
    let link = format!("reports/{path}.html");
    IndexRow::from_report(path.to_string(), &report(path, host, severities, events), Some(link))
}

fn fleet_index() -> Index {
    use Severity::*;
    Index::from_rows(vec![
        row("b/clean.tar.xz", "clean", &[], vec![]),
        row("a/info.tar.xz", "info", &[Info, Info, Info], vec![]),
        row("z/crit-one.tar.xz", "c1", &[Critical], vec![xfs_shutdown()]),
        row(
            "y/crit-two.tar.xz",
            "c2",
            &[Critical, Warning],
            vec![xfs_shutdown(), order6_failure()],
        ),
        row(
            "x/crit-two-b.tar.xz",
            "c3",
            &[Warning, Critical],
            vec![xfs_shutdown(), hung_xfs_log_force()],
        ),
        row("w/warn.tar.xz", "w", &[Warning], vec![order6_failure(), hung_xfs_log_force()]),
        IndexRow::error("e/secured.tar.xz.gpg".into(), "encrypted".into()),
        row("v/err.tar.xz", "e", &[Error, Info], vec![hung_xfs_log_force()]),
    ])
}

#[test]
fn ranks_worst_first_then_count_then_path() {
    let index = fleet_index();
    let order: Vec<&str> = index.bundles.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        order,
        vec![
            "x/crit-two-b.tar.xz",
            "y/crit-two.tar.xz",
            "z/crit-one.tar.xz",
            "v/err.tar.xz",
            "w/warn.tar.xz",
            "a/info.tar.xz",
            "e/secured.tar.xz.gpg",
            "b/clean.tar.xz",
        ]
    );
    let top = &index.bundles[0];
    assert_eq!(top.worst_severity, Some(Severity::Critical));
    assert_eq!(top.findings, FindingCounts { critical: 1, error: 0, warning: 1, info: 0 });
    assert_eq!(index.bundles[5].findings.total(), 3);
}

#[test]
fn groups_bundles_sharing_a_signature() {
    let index = fleet_index();
    let groups: Vec<(&str, Vec<&str>)> = index
        .groups
        .iter()
        .map(|g| (g.signature.as_str(), g.bundles.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(
        groups,
        vec![
            (
                "hung_task:xlog_wait_on_iclog,xfs_log_force_seq,xfs_file_fsync",
                vec!["x/crit-two-b.tar.xz", "v/err.tar.xz", "w/warn.tar.xz"],
            ),
            (
                "xfs_error:shutdown:5",
                vec!["x/crit-two-b.tar.xz", "y/crit-two.tar.xz", "z/crit-one.tar.xz"],
            ),
            (
                "page_alloc_failure:order6:GFP_KERNEL|__GFP_COMP",
                vec!["y/crit-two.tar.xz", "w/warn.tar.xz"],
            ),
        ]
    );
}

#[test]
fn html_groups_link_to_their_rows() {
    let html = fleet_index().to_html().unwrap();
    assert!(html.contains("<tr id=\"b1\">"));
    assert!(html.contains("<li><a href=\"#b1\">x&#x2f;crit-two-b.tar.xz</a></li>"), "{html}");
    assert!(html.contains("<li><a href=\"#b4\">v&#x2f;err.tar.xz</a></li>"));
}

#[test]
fn json_layout_matches_the_contract() {
    let index = fleet_index();
    let json: serde_json::Value = serde_json::from_str(&index.to_json()).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["bundles", "groups", "schema_version", "tool"]);
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["tool"]["name"], "sosalyzer");
    let first = &json["bundles"][0];
    assert_eq!(
        keys(first),
        ["error", "findings", "host", "path", "report", "signatures", "status", "worst_severity"]
    );
    assert_eq!(first["status"], "ok");
    assert_eq!(first["error"], serde_json::Value::Null);
    assert_eq!(first["worst_severity"], "critical");
    assert_eq!(
        first["findings"],
        serde_json::json!({"critical": 1, "error": 0, "warning": 1, "info": 0})
    );
    assert_eq!(first["host"]["hostname"], "c3");
    assert_eq!(first["host"]["collected_at"], "2024-03-05T10:00:00Z");
    assert_eq!(first["report"], "reports/x/crit-two-b.tar.xz.html");
    let failed = &json["bundles"][6];
    assert_eq!(failed["status"], "error");
    assert_eq!(failed["error"], "encrypted");
    assert_eq!(failed["worst_severity"], serde_json::Value::Null);
    assert_eq!(failed["report"], serde_json::Value::Null);
    assert_eq!(keys(&json["groups"][0]), ["bundles", "signature"]);
    // Rows read back from a state file equal the rows written.
    let back: IndexRow = serde_json::from_value(first.clone()).unwrap();
    assert_eq!(back, index.bundles[0]);
}

#[test]
fn html_escapes_bundle_data_and_links_the_formats_written() {
    let mut evil = row("up/<b>&.tar.xz", "<script>alert(1)</script>", &[Severity::Error], vec![]);
    evil.report = Some("reports/up/a b#1.tar.xz.html".into());
    let mut index =
        Index::from_rows(vec![evil, IndexRow::error("x\"y.tar".into(), "bad <gzip>".into())]);
    index.sibling_formats = vec![ReportFormat::Json];
    let html = index.to_html().unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "{html}");
    assert!(html.contains("up&#x2f;&lt;b&gt;&amp;.tar.xz"));
    assert!(html.contains("bad &lt;gzip&gt;"));
    assert!(
        html.contains("<a href=\"reports&#x2f;up&#x2f;a%20b%231.tar.xz.html\">html</a>"),
        "{html}"
    );
    assert!(html.contains("a%20b%231.tar.xz.json\">json</a>"));
    // Only the formats written are linked.
    assert!(!html.contains("a%20b%231.tar.xz.md"));
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
}

#[test]
fn markdown_cells_cannot_break_the_table() {
    let mut index =
        Index::from_rows(vec![row("a|b.tar.xz", "host|<img src=x>", &[Severity::Info], vec![])]);
    index.sibling_formats = vec![ReportFormat::Html, ReportFormat::Markdown, ReportFormat::Json];
    let md = index.to_markdown().unwrap();
    let line = md.lines().find(|l| l.starts_with("| 1 |")).unwrap();
    assert_eq!(
        line,
        "| 1 | info | a\\|b.tar.xz | host\\|\\<img src=x\\> | 4.18.0-513.el8.x86\\_64 | 0 | 0 | 0 | 1 | \
         [html](reports/a%7Cb.tar.xz.html) [md](reports/a%7Cb.tar.xz.md) [json](reports/a%7Cb.tar.xz.json) |"
    );
}

#[test]
fn csv_quotes_and_defuses_formulas() {
    let mut r = row(
        "dc1/sosreport-a,b.tar.xz",
        "=HYPERLINK(\"x\")",
        &[Severity::Warning],
        vec![xfs_shutdown()],
    );
    r.host.kernel = None;
    let csv = Index::from_rows(vec![r]).to_csv();
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "rank,path,status,worst_severity,critical,error,warning,info,hostname,kernel,collected_at,\
         signatures,report,error_message"
    );
    assert_eq!(
        lines[1],
        "1,\"dc1/sosreport-a,b.tar.xz\",ok,warning,0,0,1,0,\"'=HYPERLINK(\"\"x\"\")\",,\
         2024-03-05T10:00:00Z,xfs_error:shutdown:5,\"reports/dc1/sosreport-a,b.tar.xz.html\","
    );
    assert_eq!(lines[2], "");
}
