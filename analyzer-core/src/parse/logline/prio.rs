//! Syslog facilities and levels, as `dmesg -x` prints them (`kern  :err   : `), as a busybox
//! syslogd prints them (`user.info kernel:`), and as a raw priority encodes them (`<3>`).

use serde::Serialize;

/// A syslog facility. Unknown numbers are kept rather than rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Facility {
    /// `kern` (0): the kernel.
    Kern,
    /// `user` (1).
    User,
    /// `mail` (2).
    Mail,
    /// `daemon` (3).
    Daemon,
    /// `auth` (4).
    Auth,
    /// `syslog` (5).
    Syslog,
    /// `lpr` (6).
    Lpr,
    /// `news` (7).
    News,
    /// `uucp` (8).
    Uucp,
    /// `cron` (9).
    Cron,
    /// `authpriv` (10).
    Authpriv,
    /// `ftp` (11).
    Ftp,
    /// `local0` … `local7` (16–23).
    Local(u8),
    /// Any other number (12–15 `res0`–`res3`, or out of range).
    Unknown(u8),
}

impl Facility {
    /// The facility for a number (`priority >> 3`).
    pub fn from_code(code: u8) -> Facility {
        match code {
            0 => Facility::Kern,
            1 => Facility::User,
            2 => Facility::Mail,
            3 => Facility::Daemon,
            4 => Facility::Auth,
            5 => Facility::Syslog,
            6 => Facility::Lpr,
            7 => Facility::News,
            8 => Facility::Uucp,
            9 => Facility::Cron,
            10 => Facility::Authpriv,
            11 => Facility::Ftp,
            16..=23 => Facility::Local(code - 16),
            other => Facility::Unknown(other),
        }
    }

    /// The facility for a name as `dmesg -x` and syslogd print it (`kern`, `local3`, `res0`).
    pub fn from_name(name: &str) -> Option<Facility> {
        Some(match name {
            "kern" => Facility::Kern,
            "user" => Facility::User,
            "mail" => Facility::Mail,
            "daemon" => Facility::Daemon,
            "auth" | "security" => Facility::Auth,
            "syslog" => Facility::Syslog,
            "lpr" => Facility::Lpr,
            "news" => Facility::News,
            "uucp" => Facility::Uucp,
            "cron" => Facility::Cron,
            "authpriv" => Facility::Authpriv,
            "ftp" => Facility::Ftp,
            "res0" => Facility::Unknown(12),
            "res1" => Facility::Unknown(13),
            "res2" => Facility::Unknown(14),
            "res3" => Facility::Unknown(15),
            _ => {
                let n = name.strip_prefix("local")?;
                match n.as_bytes() {
                    [d @ b'0'..=b'7'] => Facility::Local(d - b'0'),
                    _ => return None,
                }
            }
        })
    }

    /// The name as syslog prints it.
    pub fn name(self) -> String {
        match self {
            Facility::Kern => "kern".into(),
            Facility::User => "user".into(),
            Facility::Mail => "mail".into(),
            Facility::Daemon => "daemon".into(),
            Facility::Auth => "auth".into(),
            Facility::Syslog => "syslog".into(),
            Facility::Lpr => "lpr".into(),
            Facility::News => "news".into(),
            Facility::Uucp => "uucp".into(),
            Facility::Cron => "cron".into(),
            Facility::Authpriv => "authpriv".into(),
            Facility::Ftp => "ftp".into(),
            Facility::Local(n) => format!("local{n}"),
            Facility::Unknown(n) => format!("facility{n}"),
        }
    }
}

/// A syslog level (severity). Unknown numbers are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 0.
    Emerg,
    /// 1.
    Alert,
    /// 2.
    Crit,
    /// 3.
    Err,
    /// 4.
    Warn,
    /// 5.
    Notice,
    /// 6.
    Info,
    /// 7.
    Debug,
}

impl Level {
    /// The level for a number (`priority & 7`).
    pub fn from_code(code: u8) -> Level {
        match code & 7 {
            0 => Level::Emerg,
            1 => Level::Alert,
            2 => Level::Crit,
            3 => Level::Err,
            4 => Level::Warn,
            5 => Level::Notice,
            6 => Level::Info,
            _ => Level::Debug,
        }
    }

    /// The level for a name (`err`, `warn`, `warning`, `info`…).
    pub fn from_name(name: &str) -> Option<Level> {
        Some(match name {
            "emerg" | "panic" => Level::Emerg,
            "alert" => Level::Alert,
            "crit" => Level::Crit,
            "err" | "error" => Level::Err,
            "warn" | "warning" => Level::Warn,
            "notice" => Level::Notice,
            "info" => Level::Info,
            "debug" => Level::Debug,
            _ => return None,
        })
    }

    /// The name as `dmesg -x` prints it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Emerg => "emerg",
            Level::Alert => "alert",
            Level::Crit => "crit",
            Level::Err => "err",
            Level::Warn => "warn",
            Level::Notice => "notice",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

/// Splits a raw priority (`facility << 3 | level`) into its parts.
pub fn split_priority(prio: u16) -> (Facility, Level) {
    let facility = u8::try_from(prio >> 3).unwrap_or(u8::MAX);
    (Facility::from_code(facility), Level::from_code((prio & 7) as u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_split_into_facility_and_level() {
        assert_eq!(split_priority(3), (Facility::Kern, Level::Err));
        assert_eq!(split_priority(14), (Facility::User, Level::Info));
        assert_eq!(split_priority(134), (Facility::Local(0), Level::Info));
        assert_eq!(Facility::from_name("local7"), Some(Facility::Local(7)));
        assert_eq!(Facility::from_name("local8"), None);
        assert_eq!(Level::from_name("warning"), Some(Level::Warn));
        assert_eq!(Facility::Local(3).name(), "local3");
    }
}
