//! The syslog header after the time stamp: `host kernel: `, `host user.info kernel: `,
//! `host systemd[1]: `, or no host at all (`kernel: `).

use nom::bytes::complete::{take_while_m_n, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::opt;
use nom::sequence::delimited;
use nom::{IResult, Parser as _};

use super::prio::{Facility, Level};

/// What follows a syslog time stamp, before the message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Header<'a> {
    pub host: Option<&'a str>,
    pub facility: Option<Facility>,
    pub level: Option<Level>,
    pub tag: Option<&'a str>,
    pub pid: Option<&'a str>,
}

/// `kernel:`, `systemd[1]:`, `CRON[123]:` then at most one space: the identifier and its pid.
pub(crate) fn tag_colon(input: &str) -> IResult<&str, (&str, Option<&str>)> {
    let (rest, (name, pid, _, _)) =
        (word, opt(delimited(char('['), digit1, char(']'))), char(':'), opt(char(' ')))
            .parse(input)?;
    Ok((rest, (name, pid)))
}

/// A host name or identifier: the bytes up to a blank, `:`, `[` or `]` (a byte scan: these
/// are ASCII, so the cut is always on a character boundary).
fn word(input: &str) -> IResult<&str, &str> {
    let end = input
        .bytes()
        .position(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b':' | b'[' | b']'))
        .unwrap_or(input.len());
    match (input.get(..end), input.get(end..)) {
        (Some(word), Some(rest)) if end > 0 => Ok((rest, word)),
        _ => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::TakeWhile1))),
    }
}

/// `user.info ` (busybox syslogd): a known facility and level joined by a dot, then spaces.
fn facility_level(input: &str) -> IResult<&str, (Facility, Level)> {
    let (rest, (fac, _, lev, _)) = (
        take_while_m_n(3, 8, |c: char| c.is_ascii_alphanumeric()),
        char('.'),
        take_while_m_n(3, 7, |c: char| c.is_ascii_alphabetic()),
        take_while1(|c: char| c == ' '),
    )
        .parse(input)?;
    match (Facility::from_name(fac), Level::from_name(lev)) {
        (Some(f), Some(l)) => Ok((rest, (f, l))),
        _ => Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Verify))),
    }
}

/// A host name (anything up to a space), then one or more spaces.
fn host(input: &str) -> IResult<&str, &str> {
    let end = input.bytes().position(|b| b.is_ascii_whitespace()).unwrap_or(input.len());
    let (name, rest) = input.split_at_checked(end).unwrap_or((input, ""));
    if name.is_empty() {
        return Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::TakeWhile1,
        )));
    }
    let (rest, _) = take_while1(|c: char| c == ' ').parse(rest)?;
    Ok((rest, name))
}

/// Reads the header. Never fails: when nothing fits, everything is the message.
///
/// RFC 3164 allows the host to be left out, so `kernel: msg` is a tag without host, while
/// `host kernel: msg` has both. A first word that is not a tag is taken for the host; when the
/// word after it is not a tag either, the line has a host and no tag.
pub(crate) fn header(input: &str) -> (Header<'_>, &str) {
    if let Ok((rest, (tag, pid))) = tag_colon(input) {
        return (Header { tag: Some(tag), pid, ..Header::default() }, rest);
    }
    let Ok((after_host, host_name)) = host(input) else {
        return (Header::default(), input);
    };
    let mut header = Header { host: Some(host_name), ..Header::default() };
    let mut rest = after_host;
    if let Ok((r, (f, l))) = facility_level(rest) {
        header.facility = Some(f);
        header.level = Some(l);
        rest = r;
    }
    if let Ok((r, (tag, pid))) = tag_colon(rest) {
        header.tag = Some(tag);
        header.pid = pid;
        rest = r;
    }
    (header, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let (h, msg) = header("I-KNOW-YOU.torgato.de kernel: INFO: task");
        assert_eq!(
            (h.host, h.tag, msg),
            (Some("I-KNOW-YOU.torgato.de"), Some("kernel"), "INFO: task")
        );
        let (h, msg) = header("ccgx user.info kernel: [43500.179276] vedirect");
        assert_eq!(
            (h.facility, h.level, h.tag),
            (Some(Facility::User), Some(Level::Info), Some("kernel"))
        );
        assert_eq!(msg, "[43500.179276] vedirect");
        let (h, msg) = header("kernel: Linux version");
        assert_eq!((h.host, h.tag, msg), (None, Some("kernel"), "Linux version"));
        let (h, msg) = header("host systemd[1]: Started foo.");
        assert_eq!((h.tag, h.pid, msg), (Some("systemd"), Some("1"), "Started foo."));
        let (h, msg) = header("host kernel:       Tainted: P");
        assert_eq!((h.tag, msg), (Some("kernel"), "      Tainted: P"));
        let (h, msg) = header("host just words here");
        assert_eq!((h.host, h.tag, msg), (Some("host"), None, "just words here"));
    }
}
