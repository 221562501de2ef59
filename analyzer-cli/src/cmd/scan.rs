//! `sosalyzer scan DIR -o OUTDIR [-j N] [-f FORMATS] [--force] [--shard I/N] [--jsonl]`: find
//! every bundle under DIR, analyse them in parallel, write one report per bundle and an index.
//!
//! Progress goes to stderr: a bar when stderr is a terminal, one line per finished bundle
//! otherwise. The index is rewritten every [`INDEX_EVERY`] and at the end, so after Ctrl-C
//! OUTDIR holds every report finished so far (each complete: reports are written to a
//! temporary name and renamed) and an index at most that old; running the same command again
//! skips the bundles already done.

use std::io::{self, BufWriter, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use analyzer_core::analyze::AnalyzeOptions;
use analyzer_core::scan::{self, Index, IndexRow, Outcome, ScanOptions, ScanResult, Shard};
use anyhow::{Context as _, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{ReportFormat, ScanArgs};

/// How often the index is rewritten while the scan runs.
const INDEX_EVERY: Duration = Duration::from_secs(10);

/// Output folder when `-o` is not given (and `--jsonl` is not either).
const DEFAULT_OUTPUT: &str = "sosalyzer-scan";

/// Runs `sosalyzer scan`.
pub fn run(args: ScanArgs) -> anyhow::Result<ExitCode> {
    let options = options(&args)?;
    let started = Instant::now();
    let scan = scan::scan(&args.dir, &options)
        .with_context(|| format!("cannot scan {}", args.dir.display()))?;
    let outdir = options.output.clone();
    let mut progress = Progress::new(scan.total(), scan.total_bytes());
    let mut stdout = BufWriter::new(io::stdout().lock());
    let mut rows: Vec<IndexRow> = Vec::with_capacity(scan.total());
    let mut counts = [0usize; 3];
    let mut index_written = Instant::now();
    for result in scan {
        progress.finished(&result);
        counts[match result.outcome {
            Outcome::Analysed => 0,
            Outcome::Current => 1,
            Outcome::Failed => 2,
        }] += 1;
        if args.jsonl {
            emit_jsonl(&mut stdout, &result, outdir.as_deref())?;
        }
        rows.extend(result.rows);
        if let Some(outdir) = &outdir {
            if index_written.elapsed() >= INDEX_EVERY {
                let index = index_of(rows.clone(), &options);
                // A failed rewrite is retried later; only the final one must succeed.
                if let Err(err) = scan::output::write_index(outdir, &index, options.shard) {
                    progress.note(&format!("sosalyzer: cannot update the index: {err}"));
                }
                index_written = Instant::now();
            }
        }
    }
    progress.finish();
    stdout.flush()?;
    let [analysed, current, failed] = counts;
    let mut summary = format!(
        "scanned {} bundles in {:.1} s: {analysed} analysed, {current} current, {failed} failed",
        analysed + current + failed,
        started.elapsed().as_secs_f64()
    );
    if let Some(outdir) = &outdir {
        let index = index_of(rows, &options);
        let html = scan::output::write_index(outdir, &index, options.shard)?;
        let written = names(&options.written_formats());
        summary.push_str(&format!("; reports ({written}) and index: {}", html.display()));
    }
    eprintln!("{summary}");
    Ok(ExitCode::SUCCESS)
}

/// Resolves the arguments into library options.
fn options(args: &ScanArgs) -> anyhow::Result<ScanOptions> {
    let mut formats = Vec::new();
    for format in &args.formats {
        formats.push(match format {
            ReportFormat::Json => scan::ReportFormat::Json,
            ReportFormat::Md => scan::ReportFormat::Markdown,
            ReportFormat::Html => scan::ReportFormat::Html,
            ReportFormat::Text => bail!("scan writes report files: -f takes json, md or html"),
        });
    }
    if formats.is_empty() {
        formats = vec![scan::ReportFormat::Json, scan::ReportFormat::Html];
    }
    let jobs = match args.jobs {
        Some(0) => bail!("-j takes a number of bundles analysed at once, at least 1"),
        Some(n) => n,
        None => 0,
    };
    let shard =
        args.shard.as_deref().map(str::parse::<Shard>).transpose().map_err(anyhow::Error::msg)?;
    let output = match (&args.output, args.jsonl) {
        (Some(dir), _) => Some(dir.clone()),
        (None, true) => None,
        (None, false) => Some(PathBuf::from(DEFAULT_OUTPUT)),
    };
    Ok(ScanOptions {
        jobs,
        analyze: AnalyzeOptions { rule_dirs: args.rules.clone() },
        output,
        formats,
        force: args.force,
        shard,
        keep_reports: args.jsonl,
    })
}

/// The index of the rows so far, linking every report format written.
fn index_of(rows: Vec<IndexRow>, options: &ScanOptions) -> Index {
    let mut index = Index::from_rows(rows);
    index.sibling_formats = options.written_formats();
    index
}

fn names(formats: &[scan::ReportFormat]) -> String {
    formats.iter().map(|f| f.extension()).collect::<Vec<_>>().join(", ")
}

/// One JSON document per line: each report of the bundle (read back from its JSON report when
/// it was current), or `{"schema_version", "tool", "input": {"path"}, "error"}` when it failed.
fn emit_jsonl(
    out: &mut impl io::Write,
    result: &ScanResult,
    outdir: Option<&Path>,
) -> anyhow::Result<()> {
    match result.outcome {
        Outcome::Analysed => {
            for report in &result.reports {
                serde_json::to_writer(&mut *out, report)?;
                out.write_all(b"\n")?;
            }
        }
        Outcome::Current => {
            for row in &result.rows {
                let json = outdir.zip(row.report.as_deref()).and_then(|(dir, link)| {
                    let stem = link.rsplit_once('.').map_or(link, |(stem, _)| stem);
                    std::fs::read(dir.join(format!("{stem}.json"))).ok()
                });
                let value: Option<serde_json::Value> =
                    json.and_then(|bytes| serde_json::from_slice(&bytes).ok());
                match value {
                    Some(value) => {
                        serde_json::to_writer(&mut *out, &value)?;
                        out.write_all(b"\n")?;
                    }
                    None => eprintln!(
                        "sosalyzer: {}: current, but its JSON report cannot be read; \
                         rerun with --force or -f json",
                        row.path
                    ),
                }
            }
        }
        Outcome::Failed => {
            for row in &result.rows {
                let line = ErrorLine {
                    schema_version: analyzer_core::report::SCHEMA_VERSION,
                    tool: analyzer_core::report::Tool::default(),
                    input: ErrorInput { path: result.candidate.path.display().to_string() },
                    error: row.error.as_deref().unwrap_or("could not be analysed"),
                };
                serde_json::to_writer(&mut *out, &line)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The JSON Lines record of a bundle that could not be analysed.
#[derive(serde::Serialize)]
struct ErrorLine<'a> {
    schema_version: u32,
    tool: analyzer_core::report::Tool,
    input: ErrorInput,
    error: &'a str,
}

/// `input` of an [`ErrorLine`]: the path, as in a report.
#[derive(serde::Serialize)]
struct ErrorInput {
    path: String,
}

/// Progress on stderr: a bar (bundles, bytes, rate, ETA) on a terminal, else one line per
/// finished bundle.
struct Progress {
    bar: Option<ProgressBar>,
    done: usize,
    total: usize,
    started: Instant,
}

impl Progress {
    fn new(total: usize, total_bytes: u64) -> Progress {
        let bar = io::stderr().is_terminal().then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {msg} bundles  \
                 {binary_bytes}/{binary_total_bytes}  {binary_bytes_per_sec}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_message(format!("0/{total}"));
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Progress { bar, done: 0, total, started: Instant::now() }
    }

    fn finished(&mut self, result: &ScanResult) {
        self.done += 1;
        let detail = describe(result);
        match &self.bar {
            Some(bar) => {
                bar.inc(result.candidate.stamp.size);
                bar.set_message(format!("{}/{}", self.done, self.total));
                if result.outcome == Outcome::Failed {
                    bar.println(format!("{}: {detail}", result.candidate.rel));
                }
            }
            None => eprintln!(
                "[{}/{}] {:>6.1}s {} {}",
                self.done,
                self.total,
                self.started.elapsed().as_secs_f64(),
                result.candidate.rel,
                detail
            ),
        }
    }

    /// A line of its own, above the bar when there is one.
    fn note(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// `critical, 3 findings`, `current`, or the error.
fn describe(result: &ScanResult) -> String {
    match result.outcome {
        Outcome::Failed => {
            let errors: Vec<&str> = result.rows.iter().filter_map(|r| r.error.as_deref()).collect();
            format!("error: {}", errors.join("; "))
        }
        Outcome::Current | Outcome::Analysed => {
            let parts: Vec<String> = result
                .rows
                .iter()
                .map(|row| {
                    let worst = row.worst_severity.map_or("no findings", |s| s.as_str());
                    match row.findings.total() {
                        0 => worst.to_string(),
                        1 => format!("{worst}, 1 finding"),
                        n => format!("{worst}, {n} findings"),
                    }
                })
                .collect();
            let parts = parts.join("; ");
            if result.outcome == Outcome::Current { format!("{parts} (current)") } else { parts }
        }
    }
}

#[cfg(test)]
mod tests {
    use analyzer_core::bundle::InputFormat;
    use analyzer_core::report::fixtures;
    use analyzer_core::scan::{Candidate, CandidateKind, Stamp};
    use serde_json::Value;

    use super::*;

    fn result(
        outcome: Outcome,
        reports: Vec<analyzer_core::report::Report>,
        rows: Vec<IndexRow>,
    ) -> ScanResult {
        ScanResult {
            candidate: Candidate {
                path: PathBuf::from("fleet/dc1/sosreport-db01.tar.xz"),
                rel: "dc1/sosreport-db01.tar.xz".into(),
                kind: CandidateKind::Archive(InputFormat::TarXz),
                stamp: Stamp::default(),
            },
            outcome,
            reports,
            rows,
        }
    }

    fn lines(out: &[u8]) -> Vec<Value> {
        String::from_utf8_lossy(out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    #[test]
    fn jsonl_of_analysed_failed_and_current_bundles() {
        let report = fixtures::compute_node();
        let expected = serde_json::to_value(&report).unwrap();

        let mut out = Vec::new();
        emit_jsonl(&mut out, &result(Outcome::Analysed, vec![report.clone()], vec![]), None)
            .unwrap();
        assert_eq!(lines(&out), vec![expected.clone()]);

        let mut out = Vec::new();
        let row =
            IndexRow::error("dc1/sosreport-db01.tar.xz".into(), "unreadable: xz stream".into());
        emit_jsonl(&mut out, &result(Outcome::Failed, vec![], vec![row]), None).unwrap();
        let error = &lines(&out)[0];
        assert_eq!(error["schema_version"], 1);
        assert_eq!(error["input"]["path"], "fleet/dc1/sosreport-db01.tar.xz");
        assert_eq!(error["error"], "unreadable: xz stream");

        // A current bundle's report is read back from its JSON file, whatever the row links.
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("reports/dc1/sosreport-db01.tar.xz.json");
        std::fs::create_dir_all(json.parent().unwrap()).unwrap();
        std::fs::write(&json, serde_json::to_string_pretty(&report).unwrap()).unwrap();
        let link = Some("reports/dc1/sosreport-db01.tar.xz.html".to_string());
        let row = IndexRow::from_report("dc1/sosreport-db01.tar.xz".into(), &report, link);
        let mut out = Vec::new();
        emit_jsonl(&mut out, &result(Outcome::Current, vec![], vec![row]), Some(dir.path()))
            .unwrap();
        assert_eq!(lines(&out), vec![expected]);
    }

    #[test]
    fn options_from_arguments() {
        let args = |extra: &[&str]| {
            let mut argv = vec!["sosalyzer", "scan", "fleet"];
            argv.extend_from_slice(extra);
            match <crate::cli::Cli as clap::Parser>::parse_from(argv).command {
                crate::cli::Command::Scan(args) => args,
                _ => unreachable!(),
            }
        };
        let defaults = options(&args(&[])).unwrap();
        assert_eq!(defaults.formats, [scan::ReportFormat::Json, scan::ReportFormat::Html]);
        assert_eq!(defaults.output, Some(PathBuf::from(DEFAULT_OUTPUT)));
        assert_eq!(defaults.jobs, 0);
        let jsonl =
            options(&args(&["--jsonl", "--shard", "2/8", "-f", "md,json", "-j", "3"])).unwrap();
        assert_eq!(jsonl.output, None);
        assert!(jsonl.keep_reports);
        assert_eq!(jsonl.shard, Shard::new(2, 8));
        assert_eq!(jsonl.formats, [scan::ReportFormat::Markdown, scan::ReportFormat::Json]);
        assert_eq!(jsonl.jobs, 3);
    }
}
