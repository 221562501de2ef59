//! Findings: what rules conclude, with the evidence that proves it.

use serde::{Deserialize, Serialize};

/// How bad a finding is. Ordered: `Info < Warning < Error < Critical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; not a problem by itself.
    Info,
    /// Likely to cause trouble or a sign of it.
    Warning,
    /// Something failed.
    Error,
    /// Data loss, a hang, a panic, a filesystem shut down.
    Critical,
}

impl Severity {
    /// The lower-case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
            Severity::Critical => "critical",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Severity, String> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity {other:?}: expected info, warning, error or critical"
            )),
        }
    }
}

/// One line of a bundle file that supports a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Path relative to the bundle root.
    pub path: String,
    /// 1-based line number.
    pub line: u64,
    /// The line as printed.
    pub text: String,
}

/// A conclusion drawn by a rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule identifier, e.g. `kernel.hung_task`.
    pub rule_id: String,
    /// How bad it is.
    pub severity: Severity,
    /// One-line title.
    pub title: String,
    /// A few sentences: what happened, how often, when, why.
    pub summary: String,
    /// Ids of the timeline events this finding is about.
    pub event_ids: Vec<String>,
    /// The lines that prove it.
    pub evidence: Vec<Evidence>,
    /// What to do about it.
    pub remediation: Vec<String>,
}
