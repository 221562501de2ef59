//! sos `version.txt`: `sosreport: 3.9` (3.x to 4.7, with plugin lines in 3.x to 4.1) or
//! `sos report: 4.8.0` (4.8.0+).

use nom::IResult;
use nom::Parser as _;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_till1};
use nom::character::complete::space0;

pub(crate) fn version_line(input: &str) -> IResult<&str, &str> {
    let (input, (_, _, version)) = (
        alt((tag("sosreport:"), tag("sos report:"))),
        space0,
        take_till1(|c: char| c.is_whitespace()),
    )
        .parse(input)?;
    Ok((input, version))
}

/// The sos version named in `version.txt`.
pub fn parse(text: &str) -> Option<&str> {
    text.lines().find_map(|line| version_line(line.trim()).ok().map(|(_, v)| v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        assert_eq!(parse("sosreport: 3.9\nkernel: 3.9\n"), Some("3.9"));
        assert_eq!(parse("sos report: 4.8.0\n"), Some("4.8.0"));
        assert_eq!(parse("sosreport: 4.0\ndate: unversioned\n"), Some("4.0"));
        assert_eq!(parse("kernel: 3.9\n"), None);
    }
}
