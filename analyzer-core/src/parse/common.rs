//! Pieces shared by the parsers: line numbering, mail-quote stripping (`> > > MemTotal: 1 kB`),
//! and the number primitives every format uses (`16384256`, `-3`).

use nom::IResult;
use nom::Parser as _;
use nom::character::complete::{char, digit1, space0, space1};
use nom::combinator::{map_res, opt, recognize};
use nom::multi::many1;
use nom::sequence::preceded;
use serde::Serialize;

/// A line a parser could not read, kept so the report can count and show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unparsed {
    /// 1-based line number.
    pub line: u64,
    /// The line as found.
    pub raw: String,
}

/// Most bytes of an unparsed line kept: enough to show it, not a second copy of a file that
/// is one huge line of garbage.
pub const UNPARSED_KEEP: usize = 1024;

impl Unparsed {
    /// Keeps `raw` (its first [`UNPARSED_KEEP`] bytes, cut at a character) as the unreadable
    /// line number `line`.
    pub fn new(line: u64, raw: &str) -> Unparsed {
        let mut end = raw.len().min(UNPARSED_KEEP);
        while !raw.is_char_boundary(end) {
            end -= 1;
        }
        Unparsed { line, raw: raw.get(..end).unwrap_or_default().to_string() }
    }
}

/// What every parsed file can say about itself, so callers (the snapshot, the `parse` command)
/// can report "N lines did not parse" and spot a file of the wrong kind (no records at all).
pub trait ParsedFile {
    /// Records read (rows, keys, zones… whatever the format's unit is).
    fn record_count(&self) -> usize;
    /// Lines that did not parse, in file order.
    fn unparsed_lines(&self) -> &[Unparsed];
}

/// The lines of a file with their 1-based numbers; a trailing `\r` is dropped.
pub fn numbered_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.lines().zip(1u64..).map(|(line, no)| (no, line.strip_suffix('\r').unwrap_or(line)))
}

/// The line without leading whitespace and mail-quote markers: `> > > MemTotal: 1 kB` and
/// `\tMemTotal: 1 kB` both become `MemTotal: 1 kB`.
pub fn unquote(line: &str) -> &str {
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix('>') {
        rest = after.trim_start();
    }
    rest
}

/// An unsigned decimal; fails (rather than wrapping) when it does not fit a `u64`.
pub(crate) fn dec_u64(input: &str) -> IResult<&str, u64> {
    map_res(digit1, str::parse::<u64>).parse(input)
}

/// A signed decimal (`-3`, `42`); fails when it does not fit an `i64`.
pub(crate) fn dec_i64(input: &str) -> IResult<&str, i64> {
    map_res(recognize((opt(char('-')), digit1)), str::parse::<i64>).parse(input)
}

/// One or more whitespace-separated unsigned decimals, each preceded by blanks, then optional
/// trailing blanks: ` 17    203    102 `.
pub(crate) fn spaced_u64s(input: &str) -> IResult<&str, Vec<u64>> {
    let (rest, values) = many1(preceded(space1, dec_u64)).parse(input)?;
    let (rest, _) = space0(rest)?;
    Ok((rest, values))
}

/// `1 << shift` or `None` when it does not fit.
pub(crate) fn pow2(shift: usize) -> Option<u64> {
    u32::try_from(shift).ok().and_then(|s| 1u64.checked_shl(s))
}

/// `count × 2^order` pages, saturating.
pub(crate) fn pages_of_order(count: u64, order: usize) -> u64 {
    if count == 0 {
        return 0;
    }
    pow2(order).map_or(u64::MAX, |p| count.saturating_mul(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_strips_mail_quotes_and_tabs() {
        assert_eq!(unquote("> > > MemTotal:       32395508 kB"), "MemTotal:       32395508 kB");
        assert_eq!(unquote("\tMemTotal:      5931808 kB"), "MemTotal:      5931808 kB");
        assert_eq!(unquote("Mem:"), "Mem:");
    }

    #[test]
    fn numbers_reject_overflow() {
        assert_eq!(dec_u64("737869762947802600 kB"), Ok((" kB", 737_869_762_947_802_600)));
        assert!(dec_u64("99999999999999999999999").is_err());
        assert_eq!(dec_i64("-12 x"), Ok((" x", -12)));
        assert_eq!(spaced_u64s("  17  203 "), Ok(("", vec![17, 203])));
    }

    #[test]
    fn numbered_lines_are_one_based_and_drop_cr() {
        let lines: Vec<_> = numbered_lines("a\r\nb\n").collect();
        assert_eq!(lines, vec![(1, "a"), (2, "b")]);
    }

    #[test]
    fn pages_of_order_saturates() {
        assert_eq!(pages_of_order(3, 10), 3072);
        assert_eq!(pages_of_order(2, 70), u64::MAX);
        assert_eq!(pages_of_order(0, 70), 0);
    }
}
