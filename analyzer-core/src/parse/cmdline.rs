//! `/proc/cmdline`: the kernel command line, with the memory parameters picked out:
//! `BOOT_IMAGE=/vmlinuz-4.18.0 root=/dev/mapper/rhel-root ro hugepagesz=1G hugepages=16`.

use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, numbered_lines};

/// Parsed `/proc/cmdline`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cmdline {
    /// The line as found.
    pub raw: String,
    /// `(key, value)` for every parameter (`value` empty for flags), in order.
    pub params: Vec<(String, String)>,
    /// `hugepages=` values, in order (one per `hugepagesz=` group).
    pub hugepages: Vec<u64>,
    /// `hugepagesz=` values as printed (`1G`, `2M`).
    pub hugepagesz: Vec<String>,
    /// `default_hugepagesz=`.
    pub default_hugepagesz: Option<String>,
    /// `min_free_kbytes=` (not a boot parameter upstream, but some vendors set it).
    pub min_free_kbytes: Option<u64>,
    /// Lines after the first, and a first line that is not text (control characters).
    pub unparsed: Vec<Unparsed>,
}

impl Cmdline {
    /// The value of the last `key=` (the kernel honours the last one), `-` and `_` alike.
    pub fn get(&self, key: &str) -> Option<&str> {
        let key = normalise(key);
        self.params.iter().rev().find(|(k, _)| normalise(k) == key).map(|(_, v)| v.as_str())
    }

    /// Whether a flag or parameter is present at all (`quiet`, `transparent_hugepage`).
    pub fn has(&self, key: &str) -> bool {
        let key = normalise(key);
        self.params.iter().any(|(k, _)| normalise(k) == key)
    }
}

impl ParsedFile for Cmdline {
    fn record_count(&self) -> usize {
        self.params.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `/proc/cmdline`: the first non-blank line is the command line.
pub fn parse(text: &str) -> Cmdline {
    let mut out = Cmdline::default();
    let mut seen = false;
    for (no, raw) in numbered_lines(text) {
        if raw.trim().is_empty() {
            continue;
        }
        let binary = raw.chars().any(|c| (c.is_control() && c != '\t') || c == '\u{fffd}');
        if seen || binary {
            out.unparsed.push(Unparsed::new(no, raw));
        } else {
            out.raw = raw.trim().to_string();
        }
        seen = true;
    }
    out.params = split_params(&out.raw);
    for (key, value) in &out.params {
        match normalise(key).as_str() {
            "hugepages" => out.hugepages.extend(value.parse::<u64>().ok()),
            "hugepagesz" => out.hugepagesz.push(value.clone()),
            "default_hugepagesz" => out.default_hugepagesz = Some(value.clone()),
            "min_free_kbytes" => out.min_free_kbytes = value.parse().ok().or(out.min_free_kbytes),
            _ => {}
        }
    }
    out
}

/// Parameter names treat `-` and `_` alike (`kernel/params.c::parameq`).
fn normalise(key: &str) -> String {
    key.replace('-', "_")
}

/// Splits on blanks outside double quotes, then at the first `=`; quotes around a value go.
fn split_params(line: &str) -> Vec<(String, String)> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
        .into_iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (w, String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_parameters() {
        let c = parse(
            "BOOT_IMAGE=/vmlinuz-4.18.0-80.el8.x86_64 root=/dev/mapper/rhel-root ro \
             default_hugepagesz=1G hugepagesz=1G hugepages=16 hugepagesz=2M hugepages=512 \
             min_free_kbytes=262144 dyndbg=\"file x.c +p\" quiet\n",
        );
        assert_eq!(c.hugepages, vec![16, 512]);
        assert_eq!(c.hugepagesz, vec!["1G", "2M"]);
        assert_eq!(c.default_hugepagesz.as_deref(), Some("1G"));
        assert_eq!(c.min_free_kbytes, Some(262_144));
        assert_eq!(c.get("dyndbg"), Some("file x.c +p"));
        assert_eq!(c.get("root"), Some("/dev/mapper/rhel-root"));
        assert!(c.has("quiet") && c.has("default-hugepagesz"));
        assert_eq!(c.params.len(), 11);
        assert!(c.unparsed.is_empty());
    }

    #[test]
    fn binary_is_not_a_command_line() {
        let c = parse("\u{fffd}\u{fffd}JFIF\u{1}\u{1}\nsecond\n");
        assert!(c.params.is_empty());
        assert_eq!(c.unparsed.len(), 2);
    }
}
