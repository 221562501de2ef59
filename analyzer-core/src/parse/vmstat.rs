//! `/proc/vmstat`: `name value` per line (`nr_free_pages 213021`).

use std::collections::BTreeMap;

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::take_while1;
use nom::character::complete::{space0, space1};
use nom::combinator::all_consuming;
use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, dec_u64, numbered_lines, unquote};

/// Parsed `/proc/vmstat`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Vmstat {
    /// Every counter.
    pub values: BTreeMap<String, u64>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl Vmstat {
    /// A counter by name.
    pub fn get(&self, key: &str) -> Option<u64> {
        self.values.get(key).copied()
    }

    /// Sum of every counter whose name starts with `prefix` (`allocstall` sums the 4.8+
    /// per-zone `allocstall_*` and the 3.10 single `allocstall`), `None` when there is none.
    pub fn sum_prefix(&self, prefix: &str) -> Option<u64> {
        let mut found = false;
        let sum = self
            .values
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .inspect(|_| found = true)
            .fold(0u64, |acc, (_, v)| acc.saturating_add(*v));
        found.then_some(sum)
    }
}

impl ParsedFile for Vmstat {
    fn record_count(&self) -> usize {
        self.values.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `/proc/vmstat`.
pub fn parse(text: &str) -> Vmstat {
    let mut out = Vmstat::default();
    for (no, raw) in numbered_lines(text) {
        let line = unquote(raw);
        if line.trim().is_empty() {
            continue;
        }
        match counter(line) {
            Ok((_, (name, value))) => {
                out.values.entry(name.to_string()).or_insert(value);
            }
            Err(_) => out.unparsed.push(Unparsed::new(no, raw)),
        }
    }
    out
}

/// `pgmajfault 2422`.
fn counter(input: &str) -> IResult<&str, (&str, u64)> {
    let name = take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_');
    all_consuming((name, space1, dec_u64, space0)).map(|(n, _, v, _)| (n, v)).parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_and_prefix_sums() {
        let v = parse(
            "nr_free_pages 213021\nallocstall_dma 0\nallocstall_normal 7\nallocstall_movable 1\n\
             pgmajfault 2422\nnot a counter\n",
        );
        assert_eq!(v.get("nr_free_pages"), Some(213_021));
        assert_eq!(v.sum_prefix("allocstall"), Some(8));
        assert_eq!(v.sum_prefix("compact_"), None);
        assert_eq!(v.unparsed, vec![Unparsed::new(6, "not a counter")]);
    }
}
