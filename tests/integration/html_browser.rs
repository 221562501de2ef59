//! The HTML report in a real browser: headless Chromium loads it with networking disabled,
//! the findings and the chart must be in the DOM, the page must make no network request, and a
//! screenshot is written to `target/report-screenshot.png`. Without `chromium` on the PATH the
//! tests print `skipped: chromium not found`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use analyzer_core::report::{fixtures, render_html};
use serde_json::Value;

use super::analyze::workspace_root;

/// Longest a Chromium run may take.
const TIMEOUT: Duration = Duration::from_secs(120);

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join("chromium")).find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with networking off and returns its stdout.
fn run_chromium(chromium: &Path, page: &Path, extra: &[String]) -> String {
    let profile = tempfile::tempdir().expect("a temporary profile folder");
    let mut command = Command::new(chromium);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().expect("chromium starts");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("chromium can be waited for").is_some() {
            break;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {TIMEOUT:?} on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("chromium output");
    assert!(output.status.success(), "chromium failed on {}: {:?}", page.display(), output.status);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// URLs the page itself asked for, from a Chromium net log (`--log-net-log`). Requests the
/// browser makes on its own (update checks, time queries) have no origin and are left out.
fn page_requests(net_log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(net_log).expect("chromium wrote its net log");
    let log: Value = serde_json::from_str(&text).expect("the net log is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the net log names URL_REQUEST_START_JOB");
    log["events"]
        .as_array()
        .expect("the net log has events")
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| e["params"]["initiator"].as_str() != Some("not an origin"))
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect()
}

fn write_page(dir: &Path, name: &str, html: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, html).expect("the page can be written");
    path
}

#[test]
fn net_log_check_sees_page_requests() {
    // The detector must see a request when a page makes one, or its silence proves nothing.
    let Some(chromium) = chromium() else {
        println!("skipped: chromium not found");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = write_page(
        dir.path(),
        "canary.html",
        "<!DOCTYPE html><html><head><title>canary</title></head>\
         <body><img src=\"http://127.0.0.1:9/canary.png\" alt=\"\"></body></html>",
    );
    let net_log = dir.path().join("net-log.json");
    run_chromium(
        &chromium,
        &page,
        &[format!("--log-net-log={}", net_log.display()), "--dump-dom".into()],
    );
    assert_eq!(page_requests(&net_log), ["http://127.0.0.1:9/canary.png"]);
}

#[test]
fn html_report_renders_offline_in_chromium() {
    let Some(chromium) = chromium() else {
        println!("skipped: chromium not found");
        return;
    };
    let target = workspace_root().join("target");
    std::fs::create_dir_all(&target).unwrap();
    let html = render_html(&fixtures::compute_node()).unwrap();
    let page = write_page(&target, "report-fixture.html", &html);
    let dir = tempfile::tempdir().unwrap();
    let net_log = dir.path().join("net-log.json");

    let dom = run_chromium(
        &chromium,
        &page,
        &[format!("--log-net-log={}", net_log.display()), "--dump-dom".into()],
    );
    // Findings, each in its own <details>, worst first.
    assert_eq!(dom.matches("<details class=\"finding ").count(), 5, "findings in the DOM");
    let critical =
        dom.find("XFS filesystem dm-3 shut down after a log I/O error").expect("critical finding");
    let info = dom.find("336.0 GiB (89%) of RAM is reserved").expect("info finding");
    assert!(critical < info);
    assert!(dom.contains("INFO: task jbd2/dm-0-8:517 blocked for more than 120 seconds."));
    // The chart, its lanes and marks, and the legend.
    assert!(dom.contains("<svg class=\"chart\""), "chart in the DOM");
    assert_eq!(dom.matches("<circle class=\"mark").count(), 3);
    assert!(dom.contains(">Page allocation failure <tspan"));
    assert!(dom.contains("<ul class=\"legend\">"));
    // The memory panel; entities were decoded by the browser.
    assert!(dom.contains("<table class=\"data heat\">"));
    assert!(dom.contains("sos_commands/logs/journalctl_--no-pager"));
    // Nothing fetched, nothing to fetch.
    assert_eq!(page_requests(&net_log), Vec::<String>::new(), "the page made network requests");
    for attr in [" src=\"", " href=\""] {
        for (i, _) in dom.match_indices(attr) {
            let value = &dom[i + attr.len()..];
            assert!(
                value.starts_with('#') || value.starts_with("data:"),
                "{attr}{}",
                &value[..value.len().min(60)]
            );
        }
    }

    let screenshot = target.join("report-screenshot.png");
    let _ = std::fs::remove_file(&screenshot);
    run_chromium(
        &chromium,
        &page,
        &[format!("--screenshot={}", screenshot.display()), "--window-size=1280,2000".into()],
    );
    let png = std::fs::read(&screenshot).expect("a screenshot was written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "the screenshot is a PNG");
    assert!(png.len() > 20_000, "the screenshot has content ({} bytes)", png.len());
}

#[test]
fn hostile_strings_stay_text_in_chromium() {
    let Some(chromium) = chromium() else {
        println!("skipped: chromium not found");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = render_html(&fixtures::hostile()).unwrap();
    let page = write_page(dir.path(), "hostile.html", &html);
    let net_log = dir.path().join("net-log.json");
    let dom = run_chromium(
        &chromium,
        &page,
        &[format!("--log-net-log={}", net_log.display()), "--dump-dom".into()],
    );
    assert!(!dom.contains("<script"), "a <script> element in the DOM");
    assert!(!dom.contains("<img"), "an <img> element in the DOM");
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the hostname shows as text");
    assert!(dom.contains("\"&gt;&lt;img src=x onerror=alert(2)&gt;"), "the log line shows as text");
    assert_eq!(page_requests(&net_log), Vec::<String>::new());
}
