//! The output formats of a report (`text`, `json`, `md`, `html`) and the file extensions that
//! name them (`report.html`, `db01.md`).

use serde::Serialize;

/// One way to write a [`super::Report`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// The terminal summary ([`super::render_text`]).
    Text,
    /// The JSON report of docs/CONTRACT.md ([`super::render_json`]).
    Json,
    /// Markdown fit to paste into a ticket ([`super::render_markdown`]).
    Markdown,
    /// One self-contained HTML page ([`super::render_html`]).
    Html,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 4] = [Format::Text, Format::Json, Format::Markdown, Format::Html];

    /// The name used on the command line (`text`, `json`, `md`, `html`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }

    /// The file extension a report of this format gets, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Text => "txt",
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }

    /// The format a file extension names (case-insensitive, without the dot): `txt`/`text`,
    /// `json`, `md`/`markdown`, `html`/`htm`. `None` for anything else.
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_extension(format.extension()), Some(format));
        }
        assert_eq!(Format::from_extension("HTM"), Some(Format::Html));
        assert_eq!(Format::from_extension("markdown"), Some(Format::Markdown));
        assert_eq!(Format::from_extension("pdf"), None);
        assert_eq!(Format::from_extension(""), None);
    }
}
