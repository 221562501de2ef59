//! Batch scanning: find every bundle under a folder (`sosreport-*.tar.xz`, `scc_*.txz`,
//! `sos-collector-*.tar`, extracted sosreport and supportconfig folders), analyse them in
//! parallel, one bundle per worker, write one report per bundle, and build an index that ranks
//! them and groups the hosts that share a problem signature.
//!
//! ```no_run
//! use analyzer_core::scan::{self, Index, ScanOptions};
//!
//! let options = ScanOptions { jobs: 4, ..ScanOptions::default() };
//! let mut rows = Vec::new();
//! for result in scan::scan("/srv/bundles".as_ref(), &options)? {
//!     println!("{}: {:?}", result.candidate.rel, result.outcome);
//!     rows.extend(result.rows);
//! }
//! let index = Index::from_rows(rows);
//! println!("{}", index.to_json());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! * [`discover`] finds the bundles ([`Candidate`]); [`Shard`] picks a deterministic share of
//!   them for a batch system.
//! * [`scan`] analyses them on a thread pool of [`ScanOptions::jobs`] workers and yields a
//!   [`ScanResult`] as each bundle completes; one bundle that cannot be read is a failed result
//!   with an error row, never the end of the scan.
//! * With [`ScanOptions::output`], each report is written (through a temporary name and a
//!   rename) with a small state file, so the next scan skips bundles whose reports are current.
//! * [`Index`] ranks the rows and renders `index.json`, `index.csv`, `index.md`, `index.html`.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;

use serde::{Deserialize, Serialize};

use crate::analyze::{AnalyzeOptions, analyze_with};
use crate::report::Report;

mod discover;
mod index;
pub mod output;
mod shard;
pub mod signature;
mod sniff;

pub use discover::{Candidate, CandidateKind, Stamp, discover, discover_skipping, folder_kind};
pub use index::{FindingCounts, Group, Index, IndexHost, IndexRow, RowStatus};
pub use shard::{Shard, fnv1a64};
pub use sniff::{Sniffed, is_openpgp, is_tar_header, sniff};

/// Something that stops a scan as a whole (the scanned folder cannot be read, an index cannot
/// be written). A bundle that cannot be read is not an error: it is a failed [`ScanResult`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A report could not be serialised.
    #[error("cannot serialise the report: {0}")]
    Json(#[from] serde_json::Error),
    /// A report could not be rendered.
    #[error("cannot render the report: {0}")]
    Render(#[from] crate::report::RenderError),
    /// An index template failed to render.
    #[error("cannot render the index: {0:#}")]
    Template(#[from] minijinja::Error),
    /// The rules could not be loaded.
    #[error("cannot load the rules: {0}")]
    Rules(crate::Error),
}

/// Formats a scan writes for each bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReportFormat {
    /// The JSON report (docs/CONTRACT.md).
    #[serde(rename = "json")]
    Json,
    /// Markdown.
    #[serde(rename = "md")]
    Markdown,
    /// One self-contained HTML page.
    #[serde(rename = "html")]
    Html,
}

impl ReportFormat {
    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Markdown => "md",
            ReportFormat::Html => "html",
        }
    }
}

/// How to scan.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Bundles analysed at once, one per worker thread. By default (`0`), the number of cores.
    pub jobs: usize,
    /// Options passed to every analysis. By default, the built-in rules only.
    pub analyze: AnalyzeOptions,
    /// Folder for reports, state and index. By default, none: nothing is written and nothing
    /// is skipped.
    pub output: Option<PathBuf>,
    /// Report formats written per bundle. By default JSON and HTML. Formats this build cannot
    /// render are left out; when none is left, JSON is written.
    pub formats: Vec<ReportFormat>,
    /// Analyse bundles even when their reports are current. By default, disabled.
    pub force: bool,
    /// Only this share of the bundles. By default, all of them.
    pub shard: Option<Shard>,
    /// Hand the reports themselves back in each [`ScanResult`]. By default, enabled; with it
    /// disabled, results carry only their index rows, which keeps memory flat in long scans.
    pub keep_reports: bool,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        ScanOptions {
            jobs: 0,
            analyze: AnalyzeOptions::default(),
            output: None,
            formats: vec![ReportFormat::Json, ReportFormat::Html],
            force: false,
            shard: None,
            keep_reports: true,
        }
    }
}

impl ScanOptions {
    /// The formats actually written: those asked for that this build can render, in the order
    /// asked, or JSON alone when none can be.
    pub fn written_formats(&self) -> Vec<ReportFormat> {
        let mut formats: Vec<ReportFormat> = Vec::new();
        for &f in &self.formats {
            if output::can_render(f) && !formats.contains(&f) {
                formats.push(f);
            }
        }
        if formats.is_empty() {
            formats.push(ReportFormat::Json);
        }
        formats
    }

    fn resolved_jobs(&self) -> usize {
        if self.jobs > 0 {
            self.jobs
        } else {
            thread::available_parallelism().map_or(1, usize::from)
        }
    }
}

/// What happened to one bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Analysed now (and its reports written, with an output folder).
    Analysed,
    /// Its reports were current; the rows come from the previous scan.
    Current,
    /// It could not be analysed (or its reports could not be written); the row says why.
    Failed,
}

/// The result of one bundle, handed back as soon as it is complete.
#[derive(Clone, Debug)]
pub struct ScanResult {
    /// The bundle.
    pub candidate: Candidate,
    /// What happened.
    pub outcome: Outcome,
    /// The reports (several for a `sos collect` archive); empty when the bundle was current,
    /// failed, or [`ScanOptions::keep_reports`] is off.
    pub reports: Vec<Report>,
    /// Its index rows: one per report, or one error row.
    pub rows: Vec<IndexRow>,
}

/// Scans `dir` with the built-in analysis ([`analyze_with`]). The rules are loaded once, before
/// any bundle is read, so a broken rule file stops the scan instead of failing every bundle.
pub fn scan(dir: &Path, options: &ScanOptions) -> Result<Scan, Error> {
    let rules = options.analyze.rule_set().map_err(Error::Rules)?;
    scan_with(dir, options, move |path: &Path| analyze_with(path, &rules))
}

/// Scans `dir`, analysing each bundle with `analyze` (for tools that bring their own analysis,
/// or wrap the built-in one).
pub fn scan_with<F>(dir: &Path, options: &ScanOptions, analyze: F) -> Result<Scan, Error>
where
    F: Fn(&Path) -> Result<Vec<Report>, crate::Error> + Send + Sync + 'static,
{
    let skip: Vec<PathBuf> = options.output.iter().cloned().collect();
    let mut candidates = discover_skipping(dir, &skip)?;
    if let Some(shard) = options.shard {
        candidates.retain(|c| shard.contains(&c.rel));
    }
    scan_candidates(candidates, options, analyze)
}

/// Analyses the given candidates (already discovered and filtered); see [`scan_with`].
pub fn scan_candidates<F>(
    candidates: Vec<Candidate>,
    options: &ScanOptions,
    analyze: F,
) -> Result<Scan, Error>
where
    F: Fn(&Path) -> Result<Vec<Report>, crate::Error> + Send + Sync + 'static,
{
    let total = candidates.len();
    let total_bytes = candidates.iter().fold(0u64, |sum, c| sum.saturating_add(c.stamp.size));
    let jobs = options.resolved_jobs().clamp(1, total.max(1));
    // Largest first: the long bundles start early and the short ones fill the gaps at the end.
    let mut candidates = candidates;
    candidates.sort_by(|a, b| b.stamp.size.cmp(&a.stamp.size).then_with(|| a.rel.cmp(&b.rel)));
    let worker = Worker {
        candidates,
        next: AtomicUsize::new(0),
        cancel: Arc::new(AtomicBool::new(false)),
        output: options.output.clone(),
        formats: options.written_formats(),
        force: options.force,
        keep_reports: options.keep_reports,
        analyze,
    };
    let cancel = Arc::clone(&worker.cancel);
    let (tx, rx) = mpsc::sync_channel(jobs);
    let handle = thread::Builder::new()
        .name("scan".into())
        .spawn(move || worker.run(jobs, tx))
        .map_err(|source| Error::Io { path: PathBuf::from("<scan thread>"), source })?;
    Ok(Scan { total, total_bytes, rx: Some(rx), cancel, handle: Some(handle) })
}

/// A running scan: an iterator over [`ScanResult`]s in the order bundles complete. Dropping it
/// stops the scan after the bundles in progress.
pub struct Scan {
    total: usize,
    total_bytes: u64,
    rx: Option<mpsc::Receiver<ScanResult>>,
    cancel: Arc<AtomicBool>,
    handle: Option<thread::JoinHandle<()>>,
}

impl Scan {
    /// Number of bundles this scan will yield.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Their total size in bytes (for progress).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Starts no further bundle; the iterator ends after the ones in progress.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Iterator for Scan {
    type Item = ScanResult;

    fn next(&mut self) -> Option<ScanResult> {
        self.rx.as_ref()?.recv().ok()
    }
}

impl Drop for Scan {
    fn drop(&mut self) {
        self.cancel();
        drop(self.rx.take());
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

impl std::fmt::Debug for Scan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan").field("total", &self.total).finish_non_exhaustive()
    }
}

/// What every worker thread shares.
struct Worker<F> {
    /// Largest first.
    candidates: Vec<Candidate>,
    /// Index of the next candidate to take.
    next: AtomicUsize,
    cancel: Arc<AtomicBool>,
    output: Option<PathBuf>,
    formats: Vec<ReportFormat>,
    force: bool,
    keep_reports: bool,
    analyze: F,
}

impl<F> Worker<F>
where
    F: Fn(&Path) -> Result<Vec<Report>, crate::Error> + Send + Sync,
{
    /// Runs `jobs` workers on a rayon pool; each takes the next bundle until none is left.
    fn run(&self, jobs: usize, tx: mpsc::SyncSender<ScanResult>) {
        let work = |tx: mpsc::SyncSender<ScanResult>| {
            while !self.cancel.load(Ordering::Relaxed) {
                let i = self.next.fetch_add(1, Ordering::Relaxed);
                let Some(candidate) = self.candidates.get(i) else { break };
                if tx.send(self.process(candidate)).is_err() {
                    self.cancel.store(true, Ordering::Relaxed);
                }
            }
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("scan-{i}"))
            .build();
        match pool {
            Ok(pool) => pool.scope(|s| {
                for _ in 0..jobs {
                    let tx = tx.clone();
                    s.spawn(move |_| work(tx));
                }
            }),
            Err(_) => work(tx),
        }
    }

    /// One bundle: reuse its current reports, or analyse it and write them.
    fn process(&self, candidate: &Candidate) -> ScanResult {
        // The row names the bundle already: keep only what is wrong with it.
        let prefix = format!("{}: ", candidate.path.display());
        let failed = |message: String| ScanResult {
            candidate: candidate.clone(),
            outcome: Outcome::Failed,
            reports: Vec::new(),
            rows: vec![IndexRow::error(
                candidate.rel.clone(),
                message.strip_prefix(&prefix).map_or_else(|| message.clone(), str::to_string),
            )],
        };
        match &candidate.kind {
            CandidateKind::Encrypted => {
                let decrypted = candidate.path.with_extension("");
                let err = crate::Error::Encrypted { path: candidate.path.clone(), decrypted };
                return failed(err.to_string());
            }
            CandidateKind::Unreadable(reason) => {
                return failed(format!("unreadable: {reason}"));
            }
            CandidateKind::Archive(_) | CandidateKind::Folder(_) => {}
        }
        if let Some(outdir) = &self.output {
            output::remove_partials(outdir, &candidate.rel);
        }
        let state_path =
            self.output.as_deref().map(|o| output::BundleState::path(o, &candidate.rel));
        if let (Some(outdir), Some(state_path), false) = (&self.output, &state_path, self.force) {
            if let Some(state) = output::BundleState::load(state_path) {
                if state.is_current(&candidate.stamp, &self.formats, outdir) {
                    return ScanResult {
                        candidate: candidate.clone(),
                        outcome: Outcome::Current,
                        reports: Vec::new(),
                        rows: state.rows,
                    };
                }
            }
        }
        let reports = match catch_unwind(AssertUnwindSafe(|| (self.analyze)(&candidate.path))) {
            Ok(Ok(reports)) if !reports.is_empty() => reports,
            Ok(Ok(_)) => {
                return failed("no bundle inside".to_string());
            }
            Ok(Err(err)) => return failed(err.to_string()),
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                return failed(format!("internal error while analysing: {message}"));
            }
        };
        let outer = candidate.path.display().to_string();
        let stems = output::report_stems(&candidate.rel, &outer, &reports);
        let primary = self.output.as_ref().and(output::primary_format(&self.formats));
        let rows: Vec<IndexRow> = reports
            .iter()
            .zip(&stems)
            .map(|(report, stem)| {
                let link = primary.map(|f| format!("{stem}.{}", f.extension()));
                IndexRow::from_report(
                    output::row_path(&candidate.rel, &outer, report, reports.len() > 1),
                    report,
                    link,
                )
            })
            .collect();
        if let (Some(outdir), Some(state_path)) = (&self.output, &state_path) {
            if let Err(err) = self.write(outdir, &reports, &stems) {
                let mut result = failed(format!("cannot write its report: {err}"));
                if self.keep_reports {
                    result.reports = reports;
                }
                return result;
            }
            let state = output::BundleState {
                tool_version: env!("CARGO_PKG_VERSION").to_string(),
                stamp: candidate.stamp,
                formats: self.formats.clone(),
                stems,
                rows: rows.clone(),
            };
            // Without its state file the bundle is merely analysed again next time.
            let _ = state.store(state_path);
        }
        ScanResult {
            candidate: candidate.clone(),
            outcome: Outcome::Analysed,
            reports: if self.keep_reports { reports } else { Vec::new() },
            rows,
        }
    }

    /// Writes every report in every format.
    fn write(&self, outdir: &Path, reports: &[Report], stems: &[String]) -> Result<(), Error> {
        for (report, stem) in reports.iter().zip(stems) {
            for &format in &self.formats {
                if let Some(text) = output::render_report(report, format)? {
                    let path = outdir.join(format!("{stem}.{}", format.extension()));
                    output::write_atomic(&path, |out| {
                        std::io::Write::write_all(out, text.as_bytes())
                    })?;
                }
            }
        }
        Ok(())
    }
}

/// The message of a caught panic.
fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod testutil;
