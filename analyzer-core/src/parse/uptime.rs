//! `uptime`: ` 10:22:33 up 12 days,  3:04,  2 users,  load average: 0.00, 0.01, 0.05`.
//!
//! procps prints the time up as `N day(s), ` (when a day or more) followed by `H:MM`, or by
//! `N min` when under an hour: `up 4 min`, `up 1:02`, `up 12 days,  3:04`, `up 3 days, 10 min`.
//! Seconds are not printed, so the value is exact to the minute.

use nom::IResult;
use nom::Parser as _;
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::{char, digit1, space0, space1};
use nom::combinator::{map_res, opt};

/// Parsed `uptime` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uptime<'a> {
    /// The line as printed.
    pub raw: &'a str,
    /// The clock time printed first (`10:22:33`), local time of the host.
    pub clock: Option<(u8, u8, u8)>,
    /// Time up, in seconds (minute precision).
    pub secs: u64,
}

fn number(input: &str) -> IResult<&str, u64> {
    map_res(digit1, str::parse::<u64>).parse(input)
}

fn clock(input: &str) -> IResult<&str, (u8, u8, u8)> {
    let two = || map_res(digit1, str::parse::<u8>);
    let (input, (h, _, m, _, s)) = (two(), char(':'), two(), char(':'), two()).parse(input)?;
    Ok((input, (h, m, s)))
}

fn days(input: &str) -> IResult<&str, u64> {
    let (input, (n, _, _, _, _)) =
        (number, space1, alt((tag("days"), tag("day"))), char(','), space0).parse(input)?;
    Ok((input, n))
}

fn hours_minutes(input: &str) -> IResult<&str, u64> {
    let (input, (h, _, m)) = (number, char(':'), number).parse(input)?;
    Ok((input, h.saturating_mul(3600).saturating_add(m.saturating_mul(60))))
}

fn minutes(input: &str) -> IResult<&str, u64> {
    let (input, (m, _, _)) = (number, space1, alt((tag("mins"), tag("min")))).parse(input)?;
    Ok((input, m.saturating_mul(60)))
}

/// Hours, minutes and seconds of a clock time.
type Clock = (u8, u8, u8);

pub(crate) fn uptime_line(input: &str) -> IResult<&str, (Option<Clock>, u64)> {
    let (input, (_, clock, _, _, _, days, rest)) = (
        space0,
        opt(clock),
        space0,
        tag("up"),
        space1,
        opt(days),
        opt(alt((hours_minutes, minutes))),
    )
        .parse(input)?;
    if days.is_none() && rest.is_none() {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)));
    }
    let secs = days.unwrap_or(0).saturating_mul(86_400).saturating_add(rest.unwrap_or(0));
    Ok((input, (clock, secs)))
}

/// Parses the first line of `uptime` output that has the `up …` part.
pub fn parse(text: &str) -> Option<Uptime<'_>> {
    text.lines().find_map(|line| {
        let (_, (clock, secs)) = uptime_line(line).ok()?;
        Some(Uptime { raw: line.trim_end(), clock, secs })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(line: &str) -> Option<u64> {
        parse(line).map(|u| u.secs)
    }

    #[test]
    fn every_form_procps_prints() {
        assert_eq!(secs(" 10:22:33 up 4 min,  1 user,  load average: 0.00, 0.01, 0.05"), Some(240));
        assert_eq!(
            secs(" 10:22:33 up 12 days,  3:04,  2 users,  load average: 0.00, 0.01, 0.05"),
            Some(12 * 86_400 + 3 * 3600 + 4 * 60)
        );
        assert_eq!(secs(" 10:22:33 up  1:02,  0 users,  load average: 1.00"), Some(3720));
        assert_eq!(
            secs(" 10:22:33 up 3 days, 10 min,  1 user,  load average: 0.1"),
            Some(3 * 86_400 + 600)
        );
        assert_eq!(secs(" 10:22:33 up 1 day, 0 min,  1 user"), Some(86_400));
    }

    #[test]
    fn real_sos_4_0_output() {
        let u = parse(" 09:15:58 up  2:39,  0 user,  load average: 0.37, 0.24, 0.11\n").unwrap();
        assert_eq!(u.clock, Some((9, 15, 58)));
        assert_eq!(u.secs, 2 * 3600 + 39 * 60);
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(parse("uptime: command not found"), None);
        assert_eq!(parse(" 10:22:33 up ,  2 users"), None);
        assert_eq!(secs(" 10:22:33 up 99999999999999999999 days, 1:00"), None);
    }
}
