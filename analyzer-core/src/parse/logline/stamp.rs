//! Time stamps at the start of a kernel log line: printk `[ 1234.567890]` (with the optional
//! `[T123]` caller), `dmesg -T` `[Tue Mar  5 10:22:33 2024]`, RFC 3164 `Mar  5 10:22:33`,
//! RFC 3339 `2024-03-05T10:22:33.123456+01:00`, `/dev/kmsg` `6,339,5140900,-;` and the raw
//! priority `<3>`.

use jiff::civil::DateTime;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while_m_n};
use nom::character::complete::{char, digit0, digit1, one_of, satisfy, space0, space1};
use nom::combinator::{map_res, opt, recognize};
use nom::sequence::{delimited, preceded, terminated};
use nom::{IResult, Parser as _};

use super::Yearless;
use crate::model::SinceBoot;

/// A run of ASCII digits as a number; fails (instead of wrapping) when it does not fit.
fn digits<T: std::str::FromStr>(input: &str) -> IResult<&str, T> {
    map_res(digit1, str::parse).parse(input)
}

/// Exactly `n` ASCII digits as a number.
fn fixed_digits<T: std::str::FromStr>(n: usize) -> impl Fn(&str) -> IResult<&str, T> {
    move |input| {
        map_res(take_while_m_n(n, n, |c: char| c.is_ascii_digit()), str::parse).parse(input)
    }
}

/// A fraction of a second as printed (any number of digits, even none as in `[  240.]`), in
/// microseconds: digits beyond the sixth are dropped, missing ones count as zeros.
pub(crate) fn micros_of(fraction: &str) -> u32 {
    let mut micros = 0u32;
    for (i, b) in fraction.bytes().take(6).enumerate() {
        micros = micros.saturating_add(u32::from(b.saturating_sub(b'0')) * 10u32.pow(5 - i as u32));
    }
    micros
}

/// The printk time stamp `[  123.456789]`, then the optional caller `[   T30]`/`[ C3]`, then
/// the one space printk adds. Returns the time and the caller without padding (`T30`).
pub(crate) fn printk(input: &str) -> IResult<&str, (SinceBoot, Option<&str>)> {
    let (rest, (secs, fraction)) =
        delimited((char('['), space0), (digits::<u64>, preceded(char('.'), digit0)), char(']'))
            .parse(input)?;
    let (rest, caller) =
        opt(delimited((char('['), space0), recognize((one_of("TC"), digit1)), char(']')))
            .parse(rest)?;
    let (rest, _) = opt(char(' ')).parse(rest)?;
    Ok((rest, (SinceBoot::from_parts(secs, micros_of(fraction)), caller)))
}

/// A three-letter English month name (`Jan` … `Dec`, any case) as 1–12.
fn month(input: &str) -> IResult<&str, u8> {
    let (rest, name) = take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic()).parse(input)?;
    let lower = match name.as_bytes() {
        [a, b, c] => [a.to_ascii_lowercase(), b.to_ascii_lowercase(), c.to_ascii_lowercase()],
        _ => [0; 3],
    };
    let number = match &lower {
        b"jan" => 1,
        b"feb" => 2,
        b"mar" => 3,
        b"apr" => 4,
        b"may" => 5,
        b"jun" => 6,
        b"jul" => 7,
        b"aug" => 8,
        b"sep" => 9,
        b"oct" => 10,
        b"nov" => 11,
        b"dec" => 12,
        _ => {
            return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Tag)));
        }
    };
    Ok((rest, number))
}

/// `HH:MM:SS` with an optional `.ffffff`/`,ffffff` fraction: (hour, minute, second, micros).
fn clock(input: &str) -> IResult<&str, (u8, u8, u8, u32)> {
    let (rest, (h, _, m, _, s, fraction)) = (
        fixed_digits::<u8>(2),
        char(':'),
        fixed_digits::<u8>(2),
        char(':'),
        fixed_digits::<u8>(2),
        opt(preceded(one_of(".,"), digit1)),
    )
        .parse(input)?;
    Ok((rest, (h, m, s, fraction.map_or(0, micros_of))))
}

/// A one- or two-digit day of the month.
fn day(input: &str) -> IResult<&str, u8> {
    map_res(take_while_m_n(1, 2, |c: char| c.is_ascii_digit()), str::parse).parse(input)
}

/// RFC 3164 / journal `short` stamp: `Mar  5 10:22:33` (syslog, space-padded day),
/// `Mar 05 10:22:33` (journal, zero-padded), `Mar 05 10:22:33.123456` (`short-precise`).
pub(crate) fn yearless(input: &str) -> IResult<&str, Yearless> {
    let (rest, (month, _, day, _, (hour, minute, second, micros))) =
        (month, space1, day, char(' '), clock).parse(input)?;
    let stamp = Yearless { month, day, hour, minute, second, micros };
    if !stamp.is_plausible() {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify)));
    }
    Ok((rest, stamp))
}

/// `dmesg -T`: `[Tue Mar  5 10:22:33 2024]` then one space.
pub(crate) fn ctime(input: &str) -> IResult<&str, DateTime> {
    let (rest, (_, _, month, _, day, _, (h, m, s, micros), _, year, _, _)) = (
        char('['),
        take_while_m_n(3, 3, |c: char| c.is_ascii_alphabetic()),
        preceded(char(' '), month),
        space1,
        day,
        char(' '),
        clock,
        char(' '),
        fixed_digits::<i16>(4),
        char(']'),
        opt(char(' ')),
    )
        .parse(input)?;
    let civil = civil(year, month, day, h, m, s, micros).ok_or_else(|| verify_error(input))?;
    Ok((rest, civil))
}

/// A UTC offset: `Z`, `+01:00`, `+0100`, `-05:00`, in seconds east of UTC.
fn offset(input: &str) -> IResult<&str, i32> {
    alt((
        nom::combinator::value(0, char('Z')),
        nom::combinator::map(
            (one_of("+-"), fixed_digits::<i32>(2), opt(char(':')), fixed_digits::<i32>(2)),
            |(sign, h, _, m)| {
                let secs = h * 3600 + m * 60;
                if sign == '-' { -secs } else { secs }
            },
        ),
    ))
    .parse(input)
}

/// RFC 3339 / ISO 8601 stamp: `2024-03-05T10:22:33.123456+01:00` (rsyslog high precision,
/// journal `short-iso[-precise]`) or `2024-03-05T10:22:33,123456+01:00` (`dmesg --time-format
/// iso`). Returns the civil time, the offset when printed, and whether the fraction was
/// separated by a comma (the dmesg form).
pub(crate) fn iso(input: &str) -> IResult<&str, (DateTime, Option<i32>, bool)> {
    let (rest, (year, _, month, _, day, _)) = (
        fixed_digits::<i16>(4),
        char('-'),
        fixed_digits::<u8>(2),
        char('-'),
        fixed_digits::<u8>(2),
        char('T'),
    )
        .parse(input)?;
    let comma = rest.as_bytes().get(8) == Some(&b',');
    let (rest, ((h, m, s, micros), zone)) = (clock, opt(offset)).parse(rest)?;
    let civil = civil(year, month, day, h, m, s, micros).ok_or_else(|| verify_error(input))?;
    Ok((rest, (civil, zone, comma)))
}

/// A raw priority `<3>` (`dmesg -r`, or a syslog line with its PRI kept), as a number.
pub(crate) fn raw_priority(input: &str) -> IResult<&str, u16> {
    delimited(
        char('<'),
        map_res(take_while_m_n(1, 3, |c: char| c.is_ascii_digit()), str::parse),
        char('>'),
    )
    .parse(input)
}

/// A `/dev/kmsg` record header `6,339,5140900,-;` or `6,339,5140900,-,caller=T1;`: priority,
/// time since boot and caller.
pub(crate) fn kmsg(input: &str) -> IResult<&str, (u16, SinceBoot, Option<&str>)> {
    let (rest, (prio, _, _, _, usec, _, _, caller, _)) = (
        digits::<u16>,
        char(','),
        digit1,
        char(','),
        digits::<u64>,
        char(','),
        satisfy(|c| c == '-' || c == 'c' || c == '+'),
        opt(preceded(tag(",caller="), recognize((one_of("TC"), digit1)))),
        terminated(opt(preceded(char(','), nom::bytes::complete::is_not(";"))), char(';')),
    )
        .parse(input)?;
    Ok((rest, (prio, SinceBoot(usec), caller)))
}

fn verify_error(input: &str) -> nom::Err<nom::error::Error<&str>> {
    nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))
}

/// A civil date-time from printed parts, or `None` when they name no real instant (Feb 30).
pub(crate) fn civil(
    year: i16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    micros: u32,
) -> Option<DateTime> {
    let nanos = i32::try_from(micros).ok()?.checked_mul(1000)?;
    DateTime::new(
        year,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second.min(59)).ok()?,
        nanos,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printk_stamps() {
        assert_eq!(printk("[34315.120624] INFO"), Ok(("INFO", (SinceBoot(34_315_120_624), None))));
        assert_eq!(
            printk("[  290.742188][   T30] INFO"),
            Ok(("INFO", (SinceBoot(290_742_188), Some("T30"))))
        );
        assert_eq!(
            printk("[ 74.496418][ C3] I/O"),
            Ok(("I/O", (SinceBoot(74_496_418), Some("C3"))))
        );
        assert_eq!(printk("[  240.] INFO"), Ok(("INFO", (SinceBoot(240_000_000), None))));
        assert_eq!(printk("[    0.000000]   Intel"), Ok(("  Intel", (SinceBoot(0), None))));
        assert!(printk("[FAILED] Failed to mount /data.").is_err());
        assert!(printk("[99999999999999999999.000000] x").is_err());
    }

    #[test]
    fn yearless_stamps() {
        let y = yearless("Mar  5 10:22:33 host").unwrap().1;
        assert_eq!((y.month, y.day, y.hour, y.minute, y.second, y.micros), (3, 5, 10, 22, 33, 0));
        let y = yearless("Mar 05 10:22:33.123456 host").unwrap().1;
        assert_eq!((y.day, y.micros), (5, 123_456));
        assert!(yearless("Mar 35 10:22:33 host").is_err());
        assert!(yearless("Foo  5 10:22:33 host").is_err());
    }

    #[test]
    fn ctime_and_iso_stamps() {
        let (rest, dt) = ctime("[Fri Nov  5 21:04:29 2021] INFO").unwrap();
        assert_eq!((rest, dt.to_string()), ("INFO", "2021-11-05T21:04:29".to_string()));
        let (rest, (dt, off, comma)) = iso("2026-05-28T12:24:00.184239+00:00 vm").unwrap();
        assert_eq!(
            (rest, dt.to_string(), off, comma),
            (" vm", "2026-05-28T12:24:00.184239".into(), Some(0), false)
        );
        let (_, (_, off, comma)) = iso("2024-03-05T10:22:33,123456+01:00 msg").unwrap();
        assert_eq!((off, comma), (Some(3600), true));
        let (_, (_, off, _)) = iso("2024-03-05T10:22:33-0500 host").unwrap();
        assert_eq!(off, Some(-18000));
    }

    #[test]
    fn kmsg_and_priority() {
        assert_eq!(kmsg("6,339,5140900,-;NET: x"), Ok(("NET: x", (6, SinceBoot(5_140_900), None))));
        assert_eq!(kmsg("4,2,3,c,caller=T12;msg"), Ok(("msg", (4, SinceBoot(3), Some("T12")))));
        assert_eq!(raw_priority("<3>[  1.0] x"), Ok(("[  1.0] x", 3)));
    }
}
