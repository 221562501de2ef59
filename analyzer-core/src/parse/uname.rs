//! `uname -a`: `Linux host 4.18.0-80.11.2.el8_0.x86_64 #1 SMP Sun Jun 16 10:04:02 UTC 2019 x86_64 GNU/Linux`.

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::take_till1;
use nom::character::complete::{space0, space1};
use nom::combinator::rest;

/// The fields of `uname -a` the analysis uses; the rest is kept as printed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uname<'a> {
    /// The line as printed.
    pub raw: &'a str,
    /// Kernel name (`Linux`).
    pub kernel_name: &'a str,
    /// Node name (the host name at the time).
    pub nodename: &'a str,
    /// Kernel release (`4.18.0-80.11.2.el8_0.x86_64`).
    pub release: &'a str,
    /// Version, machine and OS as printed (`#1 SMP … x86_64 GNU/Linux`).
    pub rest: &'a str,
}

fn word(input: &str) -> IResult<&str, &str> {
    take_till1(|c: char| c.is_whitespace()).parse(input)
}

pub(crate) fn uname_line(input: &str) -> IResult<&str, (&str, &str, &str, &str)> {
    let (input, (_, kernel_name, _, nodename, _, release, _, rest)) =
        (space0, word, space1, word, space1, word, space0, rest).parse(input)?;
    Ok((input, (kernel_name, nodename, release, rest.trim_end())))
}

/// Parses the first non-empty line of `uname -a` output. `None` when it has fewer than three
/// words or the third is no release number (an error message, say).
pub fn parse(text: &str) -> Option<Uname<'_>> {
    let raw = text.lines().find(|l| !l.trim().is_empty())?.trim_end();
    let (_, (kernel_name, nodename, release, rest)) = uname_line(raw).ok()?;
    // A release starts with its version number (`4.18.0-…`); anything else is not uname output.
    if !release.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(Uname { raw, kernel_name, nodename, release, rest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rhel8_line() {
        let u = parse("Linux db01 4.18.0-80.11.2.el8_0.x86_64 #1 SMP Sun Jun 16 10:04:02 UTC 2019 x86_64 x86_64 x86_64 GNU/Linux\n").unwrap();
        assert_eq!(u.kernel_name, "Linux");
        assert_eq!(u.nodename, "db01");
        assert_eq!(u.release, "4.18.0-80.11.2.el8_0.x86_64");
        assert_eq!(u.rest, "#1 SMP Sun Jun 16 10:04:02 UTC 2019 x86_64 x86_64 x86_64 GNU/Linux");
    }

    #[test]
    fn debian_sos_line() {
        let u =
            parse("Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux\n").unwrap();
        assert_eq!((u.nodename, u.release), ("vm", "6.18.44-fc-v669"));
    }

    #[test]
    fn too_short_is_none() {
        assert_eq!(parse("uname: not found\n"), None);
        assert_eq!(parse("\n\n"), None);
    }
}
