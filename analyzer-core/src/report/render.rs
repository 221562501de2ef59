//! Rendering a [`Report`] to JSON (serde), Markdown and HTML (minijinja templates from the
//! top-level `templates/` folder, embedded at build time and overridable from a folder).
//!
//! Template names pick the escaping: `report.html.j2` (and any `*.html.j2`, `*.svg.j2`,
//! `*.xml.j2`) escape every value for HTML; `report.md.j2` escapes nothing by itself and uses
//! the `md` filter for text from the bundle.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, context};

use super::Report;
use super::format::Format;
use super::text::{TextOptions, render_text};
use super::view::ReportView;

/// The Markdown report template.
pub const MARKDOWN_TEMPLATE: &str = "report.md.j2";
/// The HTML report template.
pub const HTML_TEMPLATE: &str = "report.html.j2";

/// The templates built into the library: `(name, source)`.
const EMBEDDED: [(&str, &str); 5] = [
    ("report.md.j2", include_str!("../../../templates/report.md.j2")),
    ("report.html.j2", include_str!("../../../templates/report.html.j2")),
    ("report.css.j2", include_str!("../../../templates/report.css.j2")),
    ("chart.svg.j2", include_str!("../../../templates/chart.svg.j2")),
    ("memory.html.j2", include_str!("../../../templates/memory.html.j2")),
];

/// A report could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// A template failed to load or render.
    #[error("template {name}: {source}")]
    Template {
        /// The template that failed.
        name: String,
        /// What minijinja said (with the template line).
        source: minijinja::Error,
    },
    /// The JSON serialiser failed.
    #[error("JSON report: {0}")]
    Json(#[from] serde_json::Error),
    /// `--template-dir` is not a readable folder.
    #[error("{}: not a folder of templates: {source}", path.display())]
    TemplateDir {
        /// The folder given.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

/// The minijinja environment the reports are rendered with: `trim_blocks` and `lstrip_blocks`
/// on, strict undefined values, the `md` filter, and the templates of `templates/`. With
/// `template_dir`, a template found in that folder replaces the embedded one of the same name;
/// any other falls back to the embedded one.
pub fn environment(template_dir: Option<&Path>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(auto_escape);
    env.add_filter("md", |text: &str| markdown_escape(text));
    env.add_filter("bar", |percent: f64| text_bar(percent, 20));
    env.add_filter("thousands", |n: u64| super::view::format_count(n));
    let dir = template_dir.map(Path::to_path_buf);
    env.set_loader(move |name| {
        if let Some(dir) = &dir {
            if is_plain_name(name) {
                let path = dir.join(name);
                match std::fs::read_to_string(&path) {
                    Ok(source) => return Ok(Some(source)),
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(err) => {
                        return Err(minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read {}", path.display()),
                        )
                        .with_source(err));
                    }
                }
            }
        }
        Ok(EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, source)| (*source).to_string()))
    });
    env
}

/// HTML escaping for `.html`, `.htm`, `.xml` and `.svg` templates (a trailing `.j2`, `.jinja`
/// or `.jinja2` is ignored); none for the rest.
fn auto_escape(name: &str) -> AutoEscape {
    let name = name
        .strip_suffix(".j2")
        .or_else(|| name.strip_suffix(".jinja2"))
        .or_else(|| name.strip_suffix(".jinja"))
        .unwrap_or(name);
    match name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()) {
        Some(ext) if matches!(ext.as_str(), "html" | "htm" | "xml" | "svg") => AutoEscape::Html,
        _ => AutoEscape::None,
    }
}

/// A template name that stays inside the template folder.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Escapes text for Markdown (GitHub, GitLab, Jira): every character that could start
/// formatting, a link, an HTML tag or a table cell boundary gets a backslash.
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~' | '&' | '!' | '{'
            | '}' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A bar of `width` characters filled to `percent` (0–100): `█████···············`.
pub fn text_bar(percent: f64, width: usize) -> String {
    let filled = ((percent.clamp(0.0, 100.0) / 100.0) * width as f64).round() as usize;
    let filled = filled.min(width);
    format!("{}{}", "█".repeat(filled), "·".repeat(width - filled))
}

/// Renders reports; holds the template environment so many reports (a scan) share it.
pub struct Renderer {
    env: Environment<'static>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").finish_non_exhaustive()
    }
}

impl Default for Renderer {
    fn default() -> Renderer {
        Renderer::new()
    }
}

impl Renderer {
    /// A renderer with the embedded templates.
    pub fn new() -> Renderer {
        Renderer { env: environment(None) }
    }

    /// A renderer that prefers the templates of `dir` (`report.md.j2`, `report.html.j2`, and
    /// the partials they include) and falls back to the embedded ones.
    pub fn with_template_dir(dir: &Path) -> Result<Renderer, RenderError> {
        match std::fs::read_dir(dir) {
            Ok(_) => Ok(Renderer { env: environment(Some(dir)) }),
            Err(source) => Err(RenderError::TemplateDir { path: dir.to_path_buf(), source }),
        }
    }

    /// Renders a report in one format (the text format without colour).
    pub fn render(&self, report: &Report, format: Format) -> Result<String, RenderError> {
        match format {
            Format::Text => Ok(render_text(report, &TextOptions::default())),
            Format::Json => render_json(report),
            Format::Markdown => self.template(MARKDOWN_TEMPLATE, report),
            Format::Html => self.template(HTML_TEMPLATE, report),
        }
    }

    /// Markdown fit to paste into a ticket.
    pub fn markdown(&self, report: &Report) -> Result<String, RenderError> {
        self.template(MARKDOWN_TEMPLATE, report)
    }

    /// One self-contained HTML page.
    pub fn html(&self, report: &Report) -> Result<String, RenderError> {
        self.template(HTML_TEMPLATE, report)
    }

    fn template(&self, name: &str, report: &Report) -> Result<String, RenderError> {
        let error = |source| RenderError::Template { name: name.to_string(), source };
        let template = self.env.get_template(name).map_err(error)?;
        template.render(context! { report => ReportView::new(report) }).map_err(error)
    }
}

static DEFAULT: LazyLock<Renderer> = LazyLock::new(Renderer::new);

/// Renders a report in one format with the embedded templates.
pub fn render(report: &Report, format: Format) -> Result<String, RenderError> {
    DEFAULT.render(report, format)
}

/// The JSON report (docs/CONTRACT.md, `schema_version` 1), pretty-printed, ending in a newline.
pub fn render_json(report: &Report) -> Result<String, RenderError> {
    let mut text = serde_json::to_string_pretty(report)?;
    text.push('\n');
    Ok(text)
}

/// Markdown with the embedded templates.
pub fn render_markdown(report: &Report) -> Result<String, RenderError> {
    DEFAULT.markdown(report)
}

/// One self-contained HTML page with the embedded templates: CSS and SVG inline, no script,
/// no request to anything outside the file (a Content-Security-Policy forbids it).
pub fn render_html(report: &Report) -> Result<String, RenderError> {
    DEFAULT.html(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_neutralises_markup() {
        assert_eq!(markdown_escape("a|b"), "a\\|b");
        assert_eq!(markdown_escape("`x`"), "\\`x\\`");
        assert_eq!(markdown_escape("<script>"), "\\<script\\>");
        assert_eq!(markdown_escape("![x](http://e/)"), "\\!\\[x\\](http://e/)");
        assert_eq!(markdown_escape("kworker/u8:2"), "kworker/u8:2");
        assert_eq!(markdown_escape("a\nb"), "a b");
    }

    #[test]
    fn escaping_follows_the_template_name() {
        assert_eq!(auto_escape("report.html.j2"), AutoEscape::Html);
        assert_eq!(auto_escape("chart.svg.j2"), AutoEscape::Html);
        assert_eq!(auto_escape("memory.html.j2"), AutoEscape::Html);
        assert_eq!(auto_escape("report.md.j2"), AutoEscape::None);
        assert_eq!(auto_escape("report.css.j2"), AutoEscape::None);
    }

    #[test]
    fn template_names_stay_in_the_folder() {
        assert!(is_plain_name("report.html.j2"));
        assert!(!is_plain_name("../report.html.j2"));
        assert!(!is_plain_name("sub/report.html.j2"));
        assert!(!is_plain_name(""));
    }
}
