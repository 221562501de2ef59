//! The scan's output folder: reports, per-bundle state, and the index files.
//!
//! ```text
//! OUTDIR/index.{html,md,json,csv}                    the index (index.shard-I-of-N.* with a shard)
//! OUTDIR/reports/dc1/sosreport-tux-….tar.xz.json     one report per bundle and format
//! OUTDIR/reports/dc1/sos-collector-….tar/node1.json  one per host of a sos collect archive
//! OUTDIR/state/dc1/sosreport-tux-….tar.xz.json       what the next run needs to skip it
//! ```
//!
//! Every file is written to a hidden temporary name in its final folder
//! (`.NAME.partial`) and then renamed over the final name, so a killed scan leaves each file
//! either complete or absent (the next scan of that bundle removes its leftover `.partial`
//! files).

use std::fs;
use std::io::{self, BufWriter, Write as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::discover::Stamp;
use super::index::{Index, IndexRow};
use super::{Error, ReportFormat};
use crate::report::Report;

/// Folder of the reports inside the output folder.
pub const REPORTS_DIR: &str = "reports";
/// Folder of the per-bundle state inside the output folder.
pub const STATE_DIR: &str = "state";
/// Suffix of temporary files.
const PARTIAL: &str = ".partial";

/// Writes `path` through a temporary file in the same folder and a rename. Creates the folder.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> Result<(), Error> {
    let with_path = |source| Error::Io { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(with_path)?;
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}{PARTIAL}"));
    let result = (|| {
        let mut out = BufWriter::new(fs::File::create(&tmp)?);
        write(&mut out)?;
        out.into_inner().map_err(io::IntoInnerError::into_error)?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(with_path)
}

/// Removes the `.NAME.partial` files a killed scan may have left for the bundle at `rel`: its
/// reports, the reports of the hosts of a `sos collect` archive, and its state file. Only this
/// bundle's names are touched, so scans of other shards writing into the same folder at the
/// same time are safe.
pub fn remove_partials(outdir: &Path, rel: &str) {
    let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let reports = outdir.join(REPORTS_DIR).join(parent);
    for ext in ["json", "md", "html"] {
        let _ = fs::remove_file(reports.join(format!(".{name}.{ext}{PARTIAL}")));
    }
    let _ =
        fs::remove_file(outdir.join(STATE_DIR).join(parent).join(format!(".{name}.json{PARTIAL}")));
    if let Ok(entries) = fs::read_dir(outdir.join(REPORTS_DIR).join(rel)) {
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let file_name = file_name.to_string_lossy();
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && file_name.starts_with('.') && file_name.ends_with(PARTIAL) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Renders one report in `format` with the embedded templates. `Ok(None)` when this build has
/// no renderer for it.
pub fn render_report(report: &Report, format: ReportFormat) -> Result<Option<String>, Error> {
    let format = match format {
        ReportFormat::Json => crate::report::Format::Json,
        ReportFormat::Markdown => crate::report::Format::Markdown,
        ReportFormat::Html => crate::report::Format::Html,
    };
    Ok(Some(crate::report::render(report, format)?))
}

/// Whether [`render_report`] can produce `format` in this build.
pub fn can_render(format: ReportFormat) -> bool {
    match format {
        ReportFormat::Json | ReportFormat::Markdown | ReportFormat::Html => true,
    }
}

/// The host part of a report of a `sos collect` archive: what follows `OUTER!` in its input
/// path (`sos-collector-…/sosreport-node1-….tar.xz`). `None` for the report of a plain bundle.
/// When the analysis names the outer archive differently than `outer`, the text after the
/// last `!` is taken, and only when the bundle gave several reports.
pub fn inner_name<'a>(outer: &str, report: &'a Report, several: bool) -> Option<&'a str> {
    let path = report.input.path.as_str();
    if let Some(inner) = path.strip_prefix(outer).and_then(|rest| rest.strip_prefix('!')) {
        return Some(inner);
    }
    several.then(|| path.rsplit_once('!').map_or(path, |(_, inner)| inner))
}

/// Where the reports of one bundle go, without extension, relative to the output folder:
/// `reports/REL` for a plain bundle, `reports/REL/HOST` for each host of a `sos collect`
/// archive (`HOST` is the file name of the inner report, made safe and unique). `outer` is the
/// bundle's path as given to the analysis.
pub fn report_stems(rel: &str, outer: &str, reports: &[Report]) -> Vec<String> {
    let several = reports.len() > 1;
    let inners: Vec<Option<&str>> = reports.iter().map(|r| inner_name(outer, r, several)).collect();
    if let [None] = inners.as_slice() {
        return vec![format!("{REPORTS_DIR}/{rel}")];
    }
    let mut used: Vec<String> = Vec::with_capacity(reports.len());
    for (i, inner) in inners.iter().enumerate() {
        let file = inner.unwrap_or_default().trim_end_matches('/').rsplit('/').next();
        let base = file_safe(file.unwrap_or_default());
        let base = if base.is_empty() { format!("report-{}", i + 1) } else { base };
        let mut name = base.clone();
        let mut n = 1;
        while used.contains(&name) {
            n += 1;
            name = format!("{base}-{n}");
        }
        used.push(name);
    }
    used.into_iter().map(|name| format!("{REPORTS_DIR}/{rel}/{name}")).collect()
}

/// The index row path of one report of a bundle: the bundle's path, or `REL!INNER` for a host
/// of a `sos collect` archive.
pub fn row_path(rel: &str, outer: &str, report: &Report, several: bool) -> String {
    match inner_name(outer, report, several) {
        Some(inner) => format!("{rel}!{inner}"),
        None => rel.to_string(),
    }
}

/// A name safe as one path component: letters, digits, `.`, `-`, `_`; anything else becomes
/// `_`; no leading dot.
fn file_safe(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' })
        .collect();
    safe.trim_start_matches('.').to_string()
}

/// Which link the index row carries: HTML when written, else Markdown, else JSON.
pub fn primary_format(formats: &[ReportFormat]) -> Option<ReportFormat> {
    [ReportFormat::Html, ReportFormat::Markdown, ReportFormat::Json]
        .into_iter()
        .find(|f| formats.contains(f))
}

/// What the next scan needs to know about one bundle to skip it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleState {
    /// Version of the tool that wrote the reports.
    pub tool_version: String,
    /// Size and modification time of the bundle when it was analysed.
    pub stamp: Stamp,
    /// Formats written.
    pub formats: Vec<ReportFormat>,
    /// Report stems (relative to the output folder, without extension).
    pub stems: Vec<String>,
    /// The index rows.
    pub rows: Vec<IndexRow>,
}

impl BundleState {
    /// The state file of the bundle at `rel`.
    pub fn path(outdir: &Path, rel: &str) -> PathBuf {
        outdir.join(STATE_DIR).join(format!("{rel}.json"))
    }

    /// Reads a state file; `None` when absent or unreadable.
    pub fn load(path: &Path) -> Option<BundleState> {
        let bytes = fs::read(path).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Writes the state file.
    pub fn store(&self, path: &Path) -> Result<(), Error> {
        write_atomic(path, |out| {
            serde_json::to_writer_pretty(&mut *out, self).map_err(io::Error::other)
        })
    }

    /// Whether the reports described are still current for a bundle with `stamp`, asked for in
    /// `formats`, by this version of the tool, and all present in `outdir`.
    pub fn is_current(&self, stamp: &Stamp, formats: &[ReportFormat], outdir: &Path) -> bool {
        self.tool_version == env!("CARGO_PKG_VERSION")
            && self.stamp == *stamp
            && formats.iter().all(|f| self.formats.contains(f))
            && self.stems.iter().all(|stem| {
                formats.iter().all(|f| outdir.join(format!("{stem}.{}", f.extension())).is_file())
            })
    }
}

/// The names of the index files: `index.EXT`, or `index.shard-I-of-N.EXT` for a shard.
pub fn index_name(shard: Option<super::Shard>, ext: &str) -> String {
    match shard {
        Some(s) => format!("index.shard-{}-of-{}.{ext}", s.index(), s.count()),
        None => format!("index.{ext}"),
    }
}

/// Writes `index.json`, `index.csv`, `index.md` and `index.html` into `outdir` (each through a
/// temporary name and a rename), and returns the path of the HTML one.
pub fn write_index(
    outdir: &Path,
    index: &Index,
    shard: Option<super::Shard>,
) -> Result<PathBuf, Error> {
    let json = index.to_json();
    let csv = index.to_csv();
    let md = index.to_markdown()?;
    let html = index.to_html()?;
    for (ext, text) in [("json", &json), ("csv", &csv), ("md", &md), ("html", &html)] {
        write_atomic(&outdir.join(index_name(shard, ext)), |out| out.write_all(text.as_bytes()))?;
    }
    Ok(outdir.join(index_name(shard, "html")))
}
