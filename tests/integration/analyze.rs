//! `sosalyzer analyze`: exit codes, error lines, and snapshots of the reports of every bundle in
//! `samples/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The workspace root (the parent of `analyzer-cli/`).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn sosalyzer<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_sosalyzer"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the sosalyzer binary runs")
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn unreadable_input_is_one_stderr_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("sosreport-gone-2024.tar.xz");
    let output = sosalyzer(["analyze".as_ref(), missing.as_os_str()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("sosalyzer: "), "{stderr}");
    assert!(stderr.contains(&*missing.to_string_lossy()), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn unknown_output_extension_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = sosalyzer([
        "analyze".as_ref(),
        dir.path().as_os_str(),
        "-o".as_ref(),
        "report.pdf".as_ref(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("report.pdf: cannot tell the format"), "{stderr}");
}

#[test]
fn bad_usage_is_exit_2() {
    for args in [
        vec!["analyze", "x.tar.xz", "-f", "xml"],
        vec!["analyze", "x.tar.xz", "--fail-on", "fatal"],
        vec!["analyze"],
    ] {
        let output = sosalyzer(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr_of(&output));
    }
}

#[test]
fn missing_template_dir_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("no-templates");
    let output = sosalyzer([
        "analyze".as_ref(),
        dir.path().as_os_str(),
        "--template-dir".as_ref(),
        templates.as_os_str(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("not a folder of templates"), "{stderr}");
    assert!(stderr.contains("no-templates"), "{stderr}");
}

#[test]
fn several_html_pages_on_stdout_are_refused() {
    let output = sosalyzer(["analyze", "a.tar.xz", "b.tar.xz", "-f", "html"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("-o DIR"), "{}", stderr_of(&output));
}

/// What the analysis stub says until the pipeline is wired into `analyze_path`.
const NOT_WIRED: &str = "analysis is not wired yet";

/// Snapshots the JSON (input path redacted) and Markdown reports of one input, produced by the
/// binary. `name` names the snapshots. Returns `false`, snapshotting nothing, while
/// `analyze_path` is not wired.
pub fn snapshot_reports(name: &str, input: &Path) -> bool {
    let json = sosalyzer(["analyze".as_ref(), "-f".as_ref(), "json".as_ref(), input.as_os_str()]);
    if json.status.code() == Some(2) && stderr_of(&json).contains(NOT_WIRED) {
        return false;
    }
    assert_eq!(json.status.code(), Some(0), "{name}: {}", stderr_of(&json));
    let stdout = String::from_utf8(json.stdout).expect("the JSON report is UTF-8");
    // One report is pretty JSON; several (a sos collect archive) are JSON Lines.
    let reports: Vec<Value> = match serde_json::from_str::<Value>(&stdout) {
        Ok(one) => vec![one],
        Err(_) => stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON report per line"))
            .collect(),
    };
    for (i, report) in reports.iter().enumerate() {
        insta::assert_json_snapshot!(format!("{name}-{i}.json"), report, { ".input.path" => "[path]" });
    }
    let md = sosalyzer(["analyze".as_ref(), "-f".as_ref(), "md".as_ref(), input.as_os_str()]);
    assert_eq!(md.status.code(), Some(0), "{name}: {}", stderr_of(&md));
    let path = input.to_string_lossy();
    let text = String::from_utf8(md.stdout)
        .expect("the Markdown report is UTF-8")
        .replace(&analyzer_core::report::markdown_escape(&path), "[path]")
        .replace(&*path, "[path]");
    insta::assert_snapshot!(format!("{name}.md"), text);
    true
}

/// Files of `samples/` that are not inputs: notes and the scripts that generate the samples.
fn is_sample_input(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ext =
        path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    !name.starts_with('.')
        && !name.starts_with("README")
        && !matches!(ext.as_str(), "py" | "sh" | "md" | "toml" | "rs")
}

/// Every bundle in `samples/` (archives, folders and loose logs) gets its JSON and Markdown
/// reports snapshotted (`tests/integration/snapshots/`).
#[test]
fn sample_reports() {
    let samples = workspace_root().join("samples");
    let Ok(entries) = std::fs::read_dir(&samples) else {
        println!("skipped: samples/ not found");
        return;
    };
    let mut inputs: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| is_sample_input(p)).collect();
    inputs.sort();
    for input in inputs {
        let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if !snapshot_reports(&name, &input) {
            println!("skipped: {NOT_WIRED}");
            return;
        }
    }
}
