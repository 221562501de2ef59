//! The whole analysis of one input: open, read every source in one pass, build the model, run
//! the rules, and return one report per bundle.

use std::path::Path;

use crate::report::Report;

/// Options for [`analyze_path`].
#[derive(Clone, Debug, Default)]
pub struct AnalyzeOptions {
    /// Folders of extra rule files (`--rules DIR`). By default, none: the built-in rules only.
    pub rule_dirs: Vec<std::path::PathBuf>,
}

/// Analyses one input (any form the bundle reader accepts) and returns one report per bundle in
/// it (several for a `sos collect` archive).
pub fn analyze_path(path: &Path, options: &AnalyzeOptions) -> Result<Vec<Report>, crate::Error> {
    let _ = options;
    Err(crate::Error::NotABundle {
        path: path.to_path_buf(),
        reason: "analysis is not wired yet".into(),
    })
}
