//! Command-line arguments, as close to what the user typed as possible; `cmd` resolves them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Offline analyzer for Linux support bundles: hung tasks, page allocation failures, XFS
/// errors, and the memory state behind them.
#[derive(Debug, Parser)]
#[command(name = "sosalyzer", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands (docs/CONTRACT.md).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse one or more inputs; one report per input.
    Analyze(AnalyzeArgs),
    /// Find every bundle under a folder, analyse them in parallel, and write an index.
    Scan(ScanArgs),
    /// The merged, de-duplicated kernel event timeline.
    Timeline(TimelineArgs),
    /// Parse one file as KIND and print the typed result.
    Parse(ParseArgs),
    /// What the input is, its host facts, and which sources were found (and which are missing).
    Inventory(InventoryArgs),
    /// The rule catalogue.
    Rules(RulesArgs),
}

/// Output formats of `analyze` and `scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Terminal summary.
    Text,
    /// JSON report (schema_version 1).
    Json,
    /// Markdown, fit to paste into a ticket.
    Md,
    /// One self-contained HTML file.
    Html,
}

/// `-f text|json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// Readable text.
    Text,
    /// JSON.
    Json,
}

/// `sosalyzer analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Inputs: sosreport folders or archives, sos collect archives, supportconfigs, loose files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output format (default: text, or the extension of `-o`).
    #[arg(short = 'f', long = "format", value_enum)]
    pub format: Option<ReportFormat>,
    /// Write the report here (a folder when there are several inputs).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Load more rule files from this folder.
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Exit 1 when a finding is at or above this severity.
    #[arg(long = "fail-on", value_parser = ["info", "warning", "error", "critical"])]
    pub fail_on: Option<String>,
    /// Render with the templates in this folder instead of the built-in ones.
    #[arg(long = "template-dir")]
    pub template_dir: Option<PathBuf>,
}

/// `sosalyzer scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folder to search for bundles.
    pub dir: PathBuf,
    /// Folder for the reports and the index.
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Bundles analysed at once (default: the number of cores).
    #[arg(short = 'j', long = "jobs")]
    pub jobs: Option<usize>,
    /// Report formats to write for each bundle (repeat or separate with commas).
    #[arg(short = 'f', long = "format", value_enum, value_delimiter = ',')]
    pub formats: Vec<ReportFormat>,
    /// Load more rule files from this folder.
    #[arg(long = "rules")]
    pub rules: Vec<PathBuf>,
    /// Analyse bundles even when their report is current.
    #[arg(long)]
    pub force: bool,
    /// Analyse only share I of N (`--shard 2/8`), for batch systems that split a fleet.
    #[arg(long)]
    pub shard: Option<String>,
    /// Print one JSON report per line on stdout, for a merge step.
    #[arg(long)]
    pub jsonl: bool,
}

/// `sosalyzer timeline`.
#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Bundle or log file.
    pub path: PathBuf,
    /// Only these event kinds (comma-separated).
    #[arg(long = "kind", value_delimiter = ',')]
    pub kinds: Vec<String>,
    /// Only events at or after this time (RFC 3339 or `YYYY-MM-DD[ HH:MM[:SS]]`).
    #[arg(long)]
    pub since: Option<String>,
    /// Only events at or before this time.
    #[arg(long)]
    pub until: Option<String>,
    /// Output format.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// `sosalyzer parse`.
#[derive(Debug, Args)]
pub struct ParseArgs {
    /// meminfo, free, zoneinfo, buddyinfo, pagetypeinfo, slabinfo, vmstat, sysctl, cmdline, ps,
    /// mounts, uname, uptime, date, dmesg, syslog, journal.
    pub kind: String,
    /// The file to parse.
    pub file: PathBuf,
    /// Output format.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = TextOrJson::Json)]
    pub format: TextOrJson,
}

/// `sosalyzer inventory`.
#[derive(Debug, Args)]
pub struct InventoryArgs {
    /// A sosreport (folder or archive), sos collect archive, supportconfig, or loose file.
    pub path: PathBuf,
    /// Output format.
    #[arg(short = 'f', long = "format", value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// `sosalyzer rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// What to do with the catalogue.
    #[command(subcommand)]
    pub action: RulesAction,
    /// Load more rule files from this folder.
    #[arg(long = "rules", global = true)]
    pub rules: Vec<PathBuf>,
}

/// `rules list|show|test`.
#[derive(Debug, Subcommand)]
pub enum RulesAction {
    /// List every rule.
    List,
    /// Show one rule.
    Show {
        /// Rule id.
        id: String,
    },
    /// Run each rule's own test cases (of the built-in rules, plus those in DIR).
    Test {
        /// A folder of rule files to test.
        dir: Option<PathBuf>,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_cli() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
