//! `date` output (`Mon Nov 23 09:05:24 UTC 2026`, `Tue Mar  5 10:22:33 CET 2024`, the C-locale
//! `%a %b %e %H:%M:%S %Z %Y`) and `timedatectl` (`   Universal time: Mon 2026-11-23 09:05:24 UTC`).
//!
//! A zone abbreviation other than UTC/GMT does not name an offset (`CST` is three different
//! zones), so such a time is kept with its abbreviation and [`DateOutput::timestamp`] gives
//! `None`; [`DateOutput::assume_utc`] reads it as UTC for callers with nothing better.

use jiff::civil::{Date, DateTime, Time};
use jiff::{Timestamp, tz::Offset};
use nom::IResult;
use nom::Parser as _;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while_m_n, take_while1};
use nom::character::complete::{char, digit1, space0, space1};
use nom::combinator::{map_res, opt};

/// The zone a time was printed in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zone {
    /// `UTC`, `GMT`, `UCT`, `Z`.
    Utc,
    /// A numeric offset (`+0100`, `-05`, `+05:30`), in seconds east of UTC.
    Offset(i32),
    /// An abbreviation that does not name one offset (`CET`, `EST`, `IST`).
    Abbrev(String),
}

/// One time as printed by `date` or `timedatectl`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateOutput {
    /// The wall-clock date and time as printed.
    pub civil: DateTime,
    /// The zone printed after it.
    pub zone: Zone,
}

impl DateOutput {
    /// The instant, when the zone is UTC or a numeric offset.
    pub fn timestamp(&self) -> Option<Timestamp> {
        let offset = match &self.zone {
            Zone::Utc => Offset::UTC,
            Zone::Offset(secs) => Offset::from_seconds(*secs).ok()?,
            Zone::Abbrev(_) => return None,
        };
        offset.to_timestamp(self.civil).ok()
    }

    /// The instant, reading an unknown abbreviation as UTC (off by the zone's offset).
    pub fn assume_utc(&self) -> Option<Timestamp> {
        self.timestamp().or_else(|| Offset::UTC.to_timestamp(self.civil).ok())
    }
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn month(input: &str) -> IResult<&str, i8> {
    let (rest, name) = take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic()).parse(input)?;
    match MONTHS.iter().position(|m| *m == name) {
        Some(i) => Ok((rest, i8::try_from(i + 1).unwrap_or(1))),
        None => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Tag))),
    }
}

fn num<T: std::str::FromStr>(input: &str) -> IResult<&str, T> {
    map_res(digit1, str::parse::<T>).parse(input)
}

fn time(input: &str) -> IResult<&str, Time> {
    map_res((num::<i8>, char(':'), num::<i8>, char(':'), num::<i8>), |(h, _, m, _, s)| {
        Time::new(h, m, s, 0)
    })
    .parse(input)
}

fn zone(input: &str) -> IResult<&str, Zone> {
    let (rest, word) =
        take_while1(|c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | ':'))
            .parse(input)?;
    let zone = match word {
        "UTC" | "GMT" | "UCT" | "Z" => Zone::Utc,
        _ if word.starts_with(['+', '-']) => match numeric_offset(word) {
            Some(secs) => Zone::Offset(secs),
            None => {
                return Err(nom::Err::Error(nom::error::Error::new(
                    input,
                    nom::error::ErrorKind::Verify,
                )));
            }
        },
        _ => Zone::Abbrev(word.to_string()),
    };
    Ok((rest, zone))
}

fn verify_error(input: &str) -> nom::Err<nom::error::Error<&str>> {
    nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))
}

/// `+01`, `+0100`, `+01:00`, `-0530` → seconds east of UTC.
fn numeric_offset(word: &str) -> Option<i32> {
    let sign = if word.starts_with('-') { -1 } else { 1 };
    let digits: String = word.get(1..)?.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits.get(..2)?.parse::<i32>().ok()?, digits.get(2..)?.parse::<i32>().ok()?),
        _ => return None,
    };
    (h <= 18 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// `AM`/`PM` after the time, as an `en_US` locale prints it.
fn meridiem(input: &str) -> IResult<&str, bool> {
    let (input, (_, pm)) = (space1, alt((tag("AM"), tag("PM")))).parse(input)?;
    Ok((input, pm == "PM"))
}

/// `Mon Nov 23 09:05:24 UTC 2026` (also `Mon Nov 23 09:05:24 AM UTC 2026`).
pub(crate) fn date_line(input: &str) -> IResult<&str, DateOutput> {
    let (input, (_, _weekday, _, month, _, day, _, time, meridiem, _, zone, _, year)) = (
        space0,
        take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic()),
        space1,
        month,
        space1,
        num::<i8>,
        space1,
        time,
        opt(meridiem),
        space1,
        zone,
        space1,
        num::<i16>,
    )
        .parse(input)?;
    let time = match meridiem {
        Some(pm) if (1..=12).contains(&time.hour()) => {
            let hour = time.hour() % 12 + if pm { 12 } else { 0 };
            match Time::new(hour, time.minute(), time.second(), 0) {
                Ok(time) => time,
                Err(_) => return Err(verify_error(input)),
            }
        }
        Some(_) => return Err(verify_error(input)),
        None => time,
    };
    match Date::new(year, month, day) {
        Ok(date) => Ok((input, DateOutput { civil: date.to_datetime(time), zone })),
        Err(_) => {
            Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)))
        }
    }
}

/// `Mon 2026-11-23 09:05:24 UTC` (the part after `Local time:` / `Universal time:`).
fn timedatectl_value(input: &str) -> IResult<&str, DateOutput> {
    let (input, (_, _, _, year, _, month, _, day, _, time, _, zone)) = (
        space0,
        opt(take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic())),
        space0,
        num::<i16>,
        char('-'),
        num::<i8>,
        char('-'),
        num::<i8>,
        space1,
        time,
        space1,
        zone,
    )
        .parse(input)?;
    match Date::new(year, month, day) {
        Ok(date) => Ok((input, DateOutput { civil: date.to_datetime(time), zone })),
        Err(_) => {
            Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)))
        }
    }
}

/// Parses the first line of `date` output that reads as a date.
pub fn parse(text: &str) -> Option<DateOutput> {
    text.lines().find_map(|line| date_line(line).ok().map(|(_, d)| d))
}

/// The times of `timedatectl` (status) output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timedatectl {
    /// `Local time: …`.
    pub local: Option<DateOutput>,
    /// `Universal time: …`, always UTC.
    pub universal: Option<DateOutput>,
}

/// Parses `timedatectl` output.
pub fn parse_timedatectl(text: &str) -> Timedatectl {
    let mut out = Timedatectl::default();
    for line in text.lines() {
        let (label, value) = match line.split_once(':') {
            Some(parts) => parts,
            None => continue,
        };
        let which = match label.trim() {
            "Local time" => &mut out.local,
            "Universal time" => &mut out.universal,
            _ => continue,
        };
        let parsed: IResult<&str, DateOutput> = alt((timedatectl_value, date_line)).parse(value);
        if let Ok((_, date)) = parsed {
            *which = Some(date);
        }
    }
    out
}

/// Whether `text` is `timedatectl` output rather than `date` output.
pub fn is_timedatectl(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("Local time:") || l.starts_with("Universal time:")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_date() {
        let d = parse("Mon Nov 23 09:05:24 UTC 2026\n").unwrap();
        assert_eq!(d.zone, Zone::Utc);
        assert_eq!(d.timestamp().unwrap().to_string(), "2026-11-23T09:05:24Z");
    }

    #[test]
    fn space_padded_day_and_abbreviation() {
        let d = parse("Tue Mar  5 10:22:33 CET 2024\n").unwrap();
        assert_eq!(d.zone, Zone::Abbrev("CET".into()));
        assert_eq!(d.timestamp(), None);
        assert_eq!(d.assume_utc().unwrap().to_string(), "2024-03-05T10:22:33Z");
    }

    #[test]
    fn numeric_zone() {
        let d = parse("Tue Mar  5 10:22:33 +03 2024\n").unwrap();
        assert_eq!(d.timestamp().unwrap().to_string(), "2024-03-05T07:22:33Z");
        let d = parse("Tue Mar  5 10:22:33 -0530 2024\n").unwrap();
        assert_eq!(d.timestamp().unwrap().to_string(), "2024-03-05T15:52:33Z");
    }

    #[test]
    fn twelve_hour_clock() {
        let d = parse("Mon Nov 23 09:05:24 PM UTC 2026\n").unwrap();
        assert_eq!(d.timestamp().unwrap().to_string(), "2026-11-23T21:05:24Z");
        let d = parse("Mon Nov 23 12:05:24 AM UTC 2026\n").unwrap();
        assert_eq!(d.timestamp().unwrap().to_string(), "2026-11-23T00:05:24Z");
        assert_eq!(parse("Mon Nov 23 13:05:24 PM UTC 2026\n"), None);
    }

    #[test]
    fn bad_dates_are_none() {
        assert_eq!(parse("Mon Feb 30 09:05:24 UTC 2026\n"), None);
        assert_eq!(parse("date: cannot read clock\n"), None);
        assert_eq!(parse("Mon Nov 23 29:05:24 UTC 2026\n"), None);
    }

    #[test]
    fn timedatectl_status() {
        let text = "               Local time: Mon 2026-11-23 10:05:24 CET\n           Universal time: Mon 2026-11-23 09:05:24 UTC\n                 RTC time: Mon 2026-11-23 09:05:23\n                Time zone: Europe/Berlin (CET, +0100)\n";
        let t = parse_timedatectl(text);
        assert_eq!(t.universal.unwrap().timestamp().unwrap().to_string(), "2026-11-23T09:05:24Z");
        assert_eq!(t.local.unwrap().zone, Zone::Abbrev("CET".into()));
        assert!(is_timedatectl(text));
        assert!(!is_timedatectl("Mon Nov 23 09:05:24 UTC 2026\n"));
    }
}
