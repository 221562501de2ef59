//! `sosalyzer analyze PATH... [-f text|json|md|html] [-o FILE] [--rules DIR] [--fail-on SEVERITY]
//! [--template-dir DIR]`: one report per bundle, to stdout or to files.
//!
//! * Without `-o`, reports go to stdout: the terminal summary by default (coloured when stdout
//!   is a terminal and `NO_COLOR` is unset), or the format of `-f`. Several JSON reports are
//!   written as JSON Lines (one compact report per line); several HTML pages need `-o DIR`.
//! * `-o FILE` writes one file; its format follows the extension unless `-f` is given.
//! * `-o DIR` (several inputs, an existing folder, or a path ending in `/`) writes one file per
//!   bundle, named after its input (`sosreport-db01-2024-03-05.html`); the format is `-f`, or
//!   HTML by default.
//! * While an input is analysed, a spinner on stderr names it (only when stderr is a terminal).
//! * Exit status: 2 when an input could not be read at all (one stderr line naming it; the other
//!   inputs are still analysed) or the arguments are unusable; else 1 when a finding is at or
//!   above `--fail-on`; else 0.

use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use analyzer_core::analyze::{AnalyzeOptions, analyze_path};
use analyzer_core::model::Severity;
use analyzer_core::report::{Format, Renderer, Report, TextOptions, render_text};
use anyhow::{Context as _, bail};

use crate::cli::{AnalyzeArgs, ReportFormat};

/// Runs `sosalyzer analyze`.
pub fn run(args: AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let config = Config::from_args(&args)?;
    let mut results = Vec::with_capacity(args.paths.len());
    for path in &args.paths {
        let spinner = spinner(path);
        let result = analyze_path(path, &config.options).map_err(|err| err.to_string());
        if let Some(spinner) = spinner {
            spinner.finish_and_clear();
        }
        results.push(Outcome { input: path.clone(), result });
    }
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    let stderr = std::io::stderr();
    let mut stderr = stderr.lock();
    deliver(&config, &results, &mut stdout, &mut stderr)
}

/// A spinner on stderr while one input is analysed, when stderr is a terminal.
fn spinner(path: &Path) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(format!("analysing {}", path.display()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(spinner)
}

/// Where reports go.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Destination {
    /// Standard output.
    Stdout,
    /// One file (several reports of one input: `STEM-BUNDLE.EXT` beside it).
    File(PathBuf),
    /// One file per report in this folder.
    Folder(PathBuf),
}

/// The arguments, resolved.
struct Config {
    format: Format,
    destination: Destination,
    fail_on: Option<Severity>,
    renderer: Renderer,
    options: AnalyzeOptions,
    /// Colour for the text format on stdout.
    color: bool,
}

impl Config {
    fn from_args(args: &AnalyzeArgs) -> anyhow::Result<Config> {
        let destination = match &args.output {
            None => Destination::Stdout,
            Some(path) if args.paths.len() > 1 || path.is_dir() || ends_with_separator(path) => {
                Destination::Folder(path.clone())
            }
            Some(path) => Destination::File(path.clone()),
        };
        let format = match (args.format, &destination) {
            (Some(format), _) => from_cli(format),
            (None, Destination::Stdout) => Format::Text,
            (None, Destination::Folder(_)) => Format::Html,
            (None, Destination::File(path)) => format_of(path)?,
        };
        if format == Format::Html && destination == Destination::Stdout && args.paths.len() > 1 {
            bail!(
                "{} inputs give several HTML pages: write them to a folder with -o DIR",
                args.paths.len()
            );
        }
        let fail_on = match &args.fail_on {
            Some(name) => Some(name.parse::<Severity>().map_err(anyhow::Error::msg)?),
            None => None,
        };
        let renderer = match &args.template_dir {
            Some(dir) => Renderer::with_template_dir(dir)?,
            None => Renderer::new(),
        };
        let color = destination == Destination::Stdout
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Ok(Config {
            format,
            destination,
            fail_on,
            renderer,
            options: AnalyzeOptions { rule_dirs: args.rules.clone() },
            color,
        })
    }
}

fn from_cli(format: ReportFormat) -> Format {
    match format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Html => Format::Html,
    }
}

/// The format an output file's extension names.
fn format_of(path: &Path) -> anyhow::Result<Format> {
    match path.extension().and_then(|e| e.to_str()).and_then(Format::from_extension) {
        Some(format) => Ok(format),
        None => bail!(
            "{}: cannot tell the format from the file name; use an .html, .md, .json or .txt name, or -f html|md|json|text",
            path.display()
        ),
    }
}

fn ends_with_separator(path: &Path) -> bool {
    path.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR)
        || path.as_os_str().to_string_lossy().ends_with('/')
}

/// What analysing one input gave.
struct Outcome {
    input: PathBuf,
    result: Result<Vec<Report>, String>,
}

/// Writes the reports where the configuration says, reports unreadable inputs on `err`, and
/// returns the exit code.
fn deliver(
    config: &Config,
    outcomes: &[Outcome],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let mut unreadable = false;
    let mut reports: Vec<(&Path, &Report)> = Vec::new();
    for outcome in outcomes {
        match &outcome.result {
            Ok(list) => reports.extend(list.iter().map(|r| (outcome.input.as_path(), r))),
            Err(message) => {
                unreadable = true;
                writeln!(err, "sosalyzer: {}", one_line(message))?;
            }
        }
    }
    match &config.destination {
        Destination::Stdout => write_stdout(config, &reports, out)?,
        Destination::File(path) if reports.len() <= 1 => {
            if let Some((_, report)) = reports.first() {
                write_file(config, report, path, out)?;
            }
        }
        Destination::File(path) => {
            let parent =
                path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let stem =
                path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let names =
                unique_names(reports.iter().map(|(_, r)| format!("{stem}-{}", r.file_stem())));
            for ((_, report), name) in reports.iter().zip(names) {
                let target = parent.join(format!("{name}.{}", config.format.extension()));
                write_file(config, report, &target, out)?;
            }
        }
        Destination::Folder(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create the folder", dir.display()))?;
            let names = unique_names(reports.iter().map(|(_, r)| r.file_stem()));
            for ((_, report), name) in reports.iter().zip(names) {
                let target = dir.join(format!("{name}.{}", config.format.extension()));
                write_file(config, report, &target, out)?;
            }
        }
    }
    if unreadable {
        return Ok(ExitCode::from(2));
    }
    let worst = reports.iter().filter_map(|(_, r)| r.worst_severity()).max();
    match (config.fail_on, worst) {
        (Some(threshold), Some(worst)) if worst >= threshold => Ok(ExitCode::from(1)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn write_stdout(
    config: &Config,
    reports: &[(&Path, &Report)],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match config.format {
        Format::Json if reports.len() > 1 => {
            for (_, report) in reports {
                serde_json::to_writer(&mut *out, report)?;
                out.write_all(b"\n")?;
            }
        }
        Format::Html if reports.len() > 1 => {
            bail!(
                "{} bundles give several HTML pages: write them to a folder with -o DIR",
                reports.len()
            )
        }
        Format::Text => {
            for (i, (_, report)) in reports.iter().enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                let options = TextOptions { color: config.color, evidence_lines: 0 };
                out.write_all(render_text(report, &options).as_bytes())?;
            }
        }
        format => {
            for (i, (_, report)) in reports.iter().enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                out.write_all(config.renderer.render(report, format)?.as_bytes())?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn write_file(
    config: &Config,
    report: &Report,
    path: &Path,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let text = config.renderer.render(report, config.format)?;
    std::fs::write(path, text)
        .with_context(|| format!("{}: cannot write the report", path.display()))?;
    let c = report.severity_counts();
    writeln!(
        out,
        "wrote {}: {} critical, {} error, {} warning, {} info",
        path.display(),
        c.critical,
        c.error,
        c.warning,
        c.info
    )?;
    Ok(())
}

/// Makes names unique by appending `-2`, `-3`… to repeats.
fn unique_names(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for name in names {
        let mut candidate = name.clone();
        let mut n = 2;
        while seen.iter().any(|s| s.eq_ignore_ascii_case(&candidate)) {
            candidate = format!("{name}-{n}");
            n += 1;
        }
        seen.push(candidate);
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use analyzer_core::report::fixtures::compute_node;

    fn config(format: Format, destination: Destination, fail_on: Option<Severity>) -> Config {
        Config {
            format,
            destination,
            fail_on,
            renderer: Renderer::new(),
            options: AnalyzeOptions::default(),
            color: false,
        }
    }

    fn report_at(path: &str) -> Report {
        let mut report = compute_node();
        report.input.path = path.to_string();
        report
    }

    fn run(config: &Config, outcomes: &[Outcome]) -> (ExitCode, String, String) {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = deliver(config, outcomes, &mut out, &mut err).unwrap();
        (code, String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap())
    }

    fn ok(input: &str, reports: Vec<Report>) -> Outcome {
        Outcome { input: input.into(), result: Ok(reports) }
    }

    #[test]
    fn repeated_names_get_numbers() {
        let names = unique_names(["a", "b", "a", "A", "a"].into_iter().map(String::from));
        assert_eq!(names, ["a", "b", "a-2", "A-3", "a-4"]);
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(format_of(Path::new("out/report.HTML")).unwrap(), Format::Html);
        assert_eq!(format_of(Path::new("r.md")).unwrap(), Format::Markdown);
        assert_eq!(format_of(Path::new("r.json")).unwrap(), Format::Json);
        assert_eq!(format_of(Path::new("r.txt")).unwrap(), Format::Text);
        let err = format_of(Path::new("r.pdf")).unwrap_err().to_string();
        assert!(err.starts_with("r.pdf: cannot tell the format"), "{err}");
        assert!(format_of(Path::new("report")).is_err());
    }

    #[test]
    fn exit_codes_follow_fail_on() {
        let outcomes = [ok("a.tar.xz", vec![compute_node()])];
        let (code, _, _) = run(&config(Format::Json, Destination::Stdout, None), &outcomes);
        assert_eq!(code, ExitCode::SUCCESS);
        let (code, _, _) =
            run(&config(Format::Json, Destination::Stdout, Some(Severity::Critical)), &outcomes);
        assert_eq!(code, ExitCode::from(1));
        let mut quiet = compute_node();
        quiet.findings.retain(|f| f.severity <= Severity::Warning);
        let outcomes = [ok("a.tar.xz", vec![quiet])];
        let (code, _, _) =
            run(&config(Format::Json, Destination::Stdout, Some(Severity::Error)), &outcomes);
        assert_eq!(code, ExitCode::SUCCESS);
        let (code, _, _) =
            run(&config(Format::Json, Destination::Stdout, Some(Severity::Warning)), &outcomes);
        assert_eq!(code, ExitCode::from(1));
    }

    #[test]
    fn an_unreadable_input_is_one_line_and_exit_2() {
        let outcomes = [
            Outcome {
                input: "missing.tar.xz".into(),
                result: Err("missing.tar.xz: No such file or directory (os error 2)".into()),
            },
            ok("b.tar.xz", vec![compute_node()]),
        ];
        let (code, out, err) =
            run(&config(Format::Json, Destination::Stdout, Some(Severity::Critical)), &outcomes);
        assert_eq!(code, ExitCode::from(2));
        assert_eq!(err, "sosalyzer: missing.tar.xz: No such file or directory (os error 2)\n");
        // The readable input is still reported.
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["host"]["hostname"], "compute6");
    }

    #[test]
    fn several_json_reports_are_json_lines() {
        let outcomes =
            [ok("a", vec![report_at("a")]), ok("b", vec![report_at("b"), report_at("c")])];
        let (code, out, _) = run(&config(Format::Json, Destination::Stdout, None), &outcomes);
        assert_eq!(code, ExitCode::SUCCESS);
        let paths: Vec<String> = out
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["input"]["path"].to_string()
            })
            .collect();
        assert_eq!(paths, ["\"a\"", "\"b\"", "\"c\""]);
    }

    #[test]
    fn several_html_pages_need_a_folder() {
        let outcomes = [ok("a", vec![report_at("a"), report_at("b")])];
        let mut out = Vec::new();
        let mut err = Vec::new();
        let config = config(Format::Html, Destination::Stdout, None);
        let error = deliver(&config, &outcomes, &mut out, &mut err).unwrap_err();
        assert!(error.to_string().contains("-o DIR"), "{error}");
    }

    #[test]
    fn a_folder_gets_one_file_per_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("reports");
        let outcomes = [
            ok("/in/sosreport-a.tar.xz", vec![report_at("/in/sosreport-a.tar.xz")]),
            ok(
                "/in/collect.tar",
                vec![
                    report_at("/in/collect.tar!sosreport-a.tar.xz"),
                    report_at("/in/collect.tar!sosreport-b.tar.xz"),
                ],
            ),
        ];
        let (code, out, _) =
            run(&config(Format::Markdown, Destination::Folder(target.clone()), None), &outcomes);
        assert_eq!(code, ExitCode::SUCCESS);
        let mut files: Vec<String> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, ["sosreport-a-2.md", "sosreport-a.md", "sosreport-b.md"]);
        let md = std::fs::read_to_string(target.join("sosreport-b.md")).unwrap();
        assert!(md.starts_with("# sosalyzer report: compute6\n"));
        assert_eq!(out.lines().count(), 3);
        assert!(
            out.lines().all(|l| l.starts_with("wrote ")
                && l.ends_with(": 1 critical, 2 error, 1 warning, 1 info"))
        );
    }

    #[test]
    fn a_file_with_several_bundles_gets_suffixed_names() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("case.json");
        let outcomes = [ok(
            "/in/collect.tar",
            vec![
                report_at("/in/collect.tar!sosreport-n1.tar.xz"),
                report_at("/in/collect.tar!sosreport-n2.tar.xz"),
            ],
        )];
        let (code, _, _) =
            run(&config(Format::Json, Destination::File(file.clone()), None), &outcomes);
        assert_eq!(code, ExitCode::SUCCESS);
        assert!(dir.path().join("case-sosreport-n1.json").is_file());
        assert!(dir.path().join("case-sosreport-n2.json").is_file());
        assert!(!file.exists());

        let single = [ok("/in/a.tar.xz", vec![report_at("/in/a.tar.xz")])];
        let html = dir.path().join("one.html");
        run(&config(Format::Html, Destination::File(html.clone()), None), &single);
        let text = std::fs::read_to_string(&html).unwrap();
        assert!(text.starts_with("<!DOCTYPE html>"));
    }

    #[test]
    fn text_on_stdout_has_no_colour_unless_asked() {
        let outcomes = [ok("a", vec![compute_node()])];
        let (_, out, _) = run(&config(Format::Text, Destination::Stdout, None), &outcomes);
        assert!(out.starts_with("compute6  sosalyzer 0.1.0\n"), "{out}");
        assert!(!out.contains('\x1b'));
        let mut coloured = config(Format::Text, Destination::Stdout, None);
        coloured.color = true;
        let (_, out, _) = run(&coloured, &outcomes);
        assert!(out.contains("\x1b[1m"));
    }
}
