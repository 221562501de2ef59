//! Pieces shared by the parsers.

use serde::Serialize;

/// A line a parser could not read, kept so the report can count and show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unparsed {
    /// 1-based line number.
    pub line: u64,
    /// The line as found.
    pub raw: String,
}
