//! sos `sos_reports/manifest.json` (4.0+): only `version`, `start_time` and `end_time`
//! (`"2022-02-11 19:24:38.528784"`, the collecting host's local time, no zone).

use serde::Deserialize;

/// The fields of the manifest the analysis uses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Manifest {
    /// sos version (`"4.2"`).
    #[serde(default)]
    pub version: Option<String>,
    /// When collection started, as printed.
    #[serde(default)]
    pub start_time: Option<String>,
    /// When collection ended, as printed.
    #[serde(default)]
    pub end_time: Option<String>,
}

impl Manifest {
    /// `end_time` as a civil (zone-less) date and time.
    pub fn end_time_civil(&self) -> Option<jiff::civil::DateTime> {
        civil(self.end_time.as_deref()?)
    }
}

/// `2022-02-11 19:24:38.528784` → civil date-time.
fn civil(text: &str) -> Option<jiff::civil::DateTime> {
    text.trim().replacen(' ', "T", 1).parse().ok()
}

/// Parses the manifest; `None` when it is not JSON of the expected shape.
pub fn parse(text: &str) -> Option<Manifest> {
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_4_0_manifest_head() {
        let text = r#"{"version": "4.0", "cmdline": "report --batch", "start_time": "2026-11-23 09:15:57.845047", "end_time": "2026-11-23 09:15:59.848486", "run_time": "0:00:02.003439", "compression": "auto", "policy": "Debian", "components": {"report": {}}}"#;
        let m = parse(text).unwrap();
        assert_eq!(m.version.as_deref(), Some("4.0"));
        let end = m.end_time_civil().unwrap();
        assert_eq!(end.to_string(), "2026-11-23T09:15:59.848486");
    }

    #[test]
    fn not_json() {
        assert_eq!(parse("<html>"), None);
    }
}
