//! The cheap first look at each chunk of a log: one Aho-Corasick automaton over the words that
//! can start an event or a boot (`INFO: task`, `page allocation`, `XFS`, `Linux version`,
//! `-- Reboot --`, …), and one combined regex over the rules' line patterns. Lines with no hit
//! are skipped without being parsed while no event is open.

use aho_corasick::{AhoCorasick, MatchKind};
use regex::RegexSet;

use crate::events::TRIGGERS;

/// Words that mark a new boot: the kernel's first lines, and journal separators.
pub(crate) const BOOT_WORDS: &[&str] =
    &["Linux version ", "Command line:", "-- Reboot --", "-- Boot "];

/// Finds candidate positions in a chunk of log bytes.
#[derive(Clone, Debug)]
pub(crate) struct Prefilter {
    words: AhoCorasick,
    /// The line patterns as one multi-line regex, so that its literal prefilter scans the chunk
    /// once; `None` when there are no patterns, or when they could not be combined (then every
    /// line is a candidate).
    patterns: Option<regex::bytes::Regex>,
    /// Whether every line must be looked at (patterns given but not combinable).
    every_line: bool,
}

impl Prefilter {
    /// The prefilter for the event triggers, the boot words, and the given line patterns.
    pub(crate) fn new(patterns: Option<&RegexSet>) -> Prefilter {
        let words = TRIGGERS.iter().chain(BOOT_WORDS).copied();
        // Built-in words only: the build cannot fail for so few short patterns.
        #[allow(clippy::expect_used)]
        let words = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(words)
            .expect("the trigger words form a valid automaton");
        let (patterns, every_line) = match patterns {
            None => (None, false),
            Some(set) if set.is_empty() => (None, false),
            Some(set) => {
                let alternation: Vec<String> =
                    set.patterns().iter().map(|p| format!("(?:{p})")).collect();
                let combined = format!("(?m){}", alternation.join("|"));
                match regex::bytes::Regex::new(&combined) {
                    Ok(re) => (Some(re), false),
                    Err(_) => (None, true),
                }
            }
        };
        Prefilter { words, patterns, every_line }
    }

    /// Whether every line must be parsed (no skipping possible).
    pub(crate) fn every_line(&self) -> bool {
        self.every_line
    }

    /// Position of the next trigger or boot word at or after `from`.
    pub(crate) fn next_word(&self, haystack: &[u8], from: usize) -> Option<usize> {
        let input = aho_corasick::Input::new(haystack).range(from..);
        self.words.find(input).map(|m| m.start())
    }

    /// Position of the next line-pattern match at or after `from` (`None` when there are no
    /// patterns or no match).
    pub(crate) fn next_pattern(&self, haystack: &[u8], from: usize) -> Option<usize> {
        self.patterns.as_ref()?.find_at(haystack, from).map(|m| m.start())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_and_patterns() {
        let set =
            RegexSet::new([r"Out of memory: Killed process \d+", r"^Mar  5 .* sshd"]).unwrap();
        let p = Prefilter::new(Some(&set));
        let text = b"Mar  5 10:00:00 h sshd[1]: x\nMar  5 h kernel: XFS (sda): y\nOut of memory: Killed process 12\n";
        assert_eq!(p.next_word(text, 0), Some(text.iter().position(|&b| b == b'X').unwrap()));
        assert_eq!(p.next_pattern(text, 0), Some(0));
        let second_line = 29;
        assert_eq!(p.next_pattern(text, 1), Some(59));
        assert!(p.next_pattern(text, second_line).is_some());
        assert!(!p.every_line());
        let none = Prefilter::new(None);
        assert_eq!(none.next_pattern(text, 0), None);
        assert_eq!(none.next_word(b"nothing here\n", 0), None);
    }
}
