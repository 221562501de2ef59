//! Host facts from a bundle's small sources: host name (`hostname`, else the node name of
//! `uname -a`), kernel release (`uname -a`), sos version (`version.txt`, else `manifest.json`),
//! collection time (`date`, `date --utc`, `timedatectl`, `manifest.json`), uptime (`uptime`)
//! and boot time (`proc/stat` btime). Used by `inventory` and by the analysis alike.
//!
//! Collection time, best first:
//! 1. an exact instant: `date --utc`, `timedatectl`'s `Universal time`, or `date` printed with
//!    `UTC`/`GMT` or a numeric offset;
//! 2. `date` printed with another zone abbreviation (`CET`, `EST`: no single offset), read as
//!    if it were UTC, so it may be off by the host's offset;
//! 3. the manifest's `end_time`, the host's local time without a zone, also read as UTC.
//!
//! Boot time is `btime` when present, else collection time − uptime.

use jiff::{SignedDuration, Timestamp};

use crate::model::HostFacts;
use crate::parse;
use crate::source::SourceKind;

/// Collects host facts as sources stream by; [`HostFactsBuilder::finish`] settles them.
#[derive(Clone, Debug, Default)]
pub struct HostFactsBuilder {
    hostname: Option<String>,
    nodename: Option<String>,
    kernel: Option<String>,
    sos_version: Option<String>,
    manifest_version: Option<String>,
    exact_time: Option<Timestamp>,
    guessed_time: Option<Timestamp>,
    manifest_time: Option<Timestamp>,
    uptime_secs: Option<u64>,
    btime: Option<i64>,
    /// The host's UTC offset when `date`/`timedatectl` printed one (`UTC`, `+0100`,
    /// `Time zone: Europe/Berlin (CET, +0100)`).
    utc_offset: Option<i32>,
    /// Local time printed with a zone abbreviation only (`CET`): against an exact UTC time it
    /// gives the offset.
    local_civil: Option<jiff::civil::DateTime>,
}

impl HostFactsBuilder {
    /// A builder with no facts yet.
    pub fn new() -> HostFactsBuilder {
        HostFactsBuilder::default()
    }

    /// Whether [`HostFactsBuilder::add`] reads sources of this kind (so a visitor buffers the
    /// text of only those).
    pub fn wants(kind: SourceKind) -> bool {
        matches!(
            kind,
            SourceKind::Hostname
                | SourceKind::Uname
                | SourceKind::Version
                | SourceKind::Manifest
                | SourceKind::Date
                | SourceKind::Uptime
                | SourceKind::ProcStat
        )
    }

    /// Reads one source's text. Other kinds, and text that does not parse, are ignored; the
    /// first value found for a fact wins.
    pub fn add(&mut self, kind: SourceKind, path: &str, text: &str) {
        let _ = path;
        match kind {
            SourceKind::Hostname => {
                let name = text.lines().map(str::trim).find(|l| !l.is_empty());
                if let Some(name) = name.filter(|n| !n.contains(char::is_whitespace)) {
                    self.hostname.get_or_insert_with(|| name.to_string());
                }
            }
            SourceKind::Uname => {
                if let Some(uname) = parse::uname::parse(text) {
                    self.kernel.get_or_insert_with(|| uname.release.to_string());
                    self.nodename.get_or_insert_with(|| uname.nodename.to_string());
                }
            }
            SourceKind::Version => {
                if let Some(version) = parse::version::parse(text) {
                    self.sos_version.get_or_insert_with(|| version.to_string());
                }
            }
            SourceKind::Manifest => {
                if let Some(manifest) = parse::manifest::parse(text) {
                    if let Some(version) = manifest.version.clone() {
                        self.manifest_version.get_or_insert(version);
                    }
                    let end = manifest.end_time_civil();
                    if let Some(ts) = end.and_then(|c| c.to_zoned(jiff::tz::TimeZone::UTC).ok()) {
                        self.manifest_time.get_or_insert(ts.timestamp());
                    }
                }
            }
            SourceKind::Date => self.add_date(path, text),
            SourceKind::Uptime => {
                if let Some(uptime) = parse::uptime::parse(text) {
                    self.uptime_secs.get_or_insert(uptime.secs);
                }
            }
            SourceKind::ProcStat => {
                if let Some(btime) = parse::procstat::parse(text).btime {
                    self.btime.get_or_insert(btime);
                }
            }
            _ => {}
        }
    }

    fn add_date(&mut self, path: &str, text: &str) {
        if parse::date::is_timedatectl(text) {
            let t = parse::date::parse_timedatectl(text);
            if let Some(local) = &t.local {
                self.note_zone(local);
            }
            if self.utc_offset.is_none() {
                self.utc_offset = timedatectl_offset(text);
            }
            let exact = t.universal.as_ref().and_then(|d| d.timestamp());
            let exact = exact.or_else(|| t.local.as_ref().and_then(|d| d.timestamp()));
            if let Some(ts) = exact {
                self.exact_time.get_or_insert(ts);
            } else if let Some(ts) = t.local.as_ref().and_then(|d| d.assume_utc()) {
                self.guessed_time.get_or_insert(ts);
            }
            return;
        }
        if let Some(date) = parse::date::parse(text) {
            // `date --utc` prints UTC whatever the host's zone.
            if !path.contains("utc") {
                self.note_zone(&date);
            }
            match date.timestamp() {
                Some(ts) => {
                    self.exact_time.get_or_insert(ts);
                }
                None => {
                    if let Some(ts) = date.assume_utc() {
                        self.guessed_time.get_or_insert(ts);
                    }
                }
            }
        }
    }

    /// Remembers the host's offset, or its local time when only an abbreviation was printed.
    fn note_zone(&mut self, local: &parse::date::DateOutput) {
        match local.zone {
            parse::date::Zone::Utc => {
                self.utc_offset.get_or_insert(0);
            }
            parse::date::Zone::Offset(secs) => {
                self.utc_offset.get_or_insert(secs);
            }
            parse::date::Zone::Abbrev(_) => {
                self.local_civil.get_or_insert(local.civil);
            }
        }
    }

    /// Settles the facts (see the module documentation for the order of preference).
    pub fn finish(self) -> HostFacts {
        let collected_at = self.exact_time.or(self.guessed_time).or(self.manifest_time);
        let boot_from_btime = self.btime.and_then(|secs| Timestamp::from_second(secs).ok());
        let boot_time = boot_from_btime.or_else(|| {
            let uptime = i64::try_from(self.uptime_secs?).ok()?;
            collected_at?.checked_sub(SignedDuration::from_secs(uptime)).ok()
        });
        let uptime_secs = self.uptime_secs.or_else(|| {
            let secs = collected_at?.as_second().checked_sub(boot_from_btime?.as_second())?;
            u64::try_from(secs).ok()
        });
        // `date` and `date --utc` run seconds apart: their difference, to the quarter hour, is
        // the offset.
        let utc_offset_secs = self.utc_offset.or_else(|| {
            let utc = jiff::tz::TimeZone::UTC.to_datetime(self.exact_time?);
            let secs = self.local_civil?.duration_since(utc).as_secs();
            let quarters = (secs as f64 / 900.0).round() as i32;
            (quarters.abs() <= 14 * 4).then_some(quarters * 900)
        });
        HostFacts {
            utc_offset_secs,
            hostname: self.hostname.or(self.nodename),
            kernel: self.kernel,
            sos_version: self.sos_version.or(self.manifest_version),
            collected_at,
            boot_time,
            uptime_secs,
        }
    }
}

/// `Time zone: Europe/Berlin (CET, +0100)` of `timedatectl`: the offset in seconds.
fn timedatectl_offset(text: &str) -> Option<i32> {
    let line = text.lines().find(|l| l.trim_start().starts_with("Time zone:"))?;
    let inner = line.rsplit_once('(')?.1.trim_end().trim_end_matches(')');
    let offset = inner.rsplit_once(", ")?.1.trim();
    let (sign, digits) = match offset.split_at_checked(1)? {
        ("+", d) => (1, d),
        ("-", d) => (-1, d),
        _ => return None,
    };
    let hours: i32 = digits.get(..2)?.parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .map(|m| m.trim_start_matches(':'))
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    Some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_offset_from_date_and_date_utc() {
        let mut b = HostFactsBuilder::new();
        b.add(SourceKind::Date, "sos_commands/date/date", "Tue Mar  5 10:22:33 CET 2024\n");
        b.add(SourceKind::Date, "sos_commands/date/date_--utc", "Tue Mar  5 09:22:34 UTC 2024\n");
        assert_eq!(b.finish().utc_offset_secs, Some(3600));
        let mut b = HostFactsBuilder::new();
        b.add(
            SourceKind::Date,
            "sos_commands/systemd/timedatectl",
            "      Local time: Tue 2024-03-05 10:22:33 CET\n  Universal time: Tue 2024-03-05 09:22:33 UTC\n       Time zone: Europe/Berlin (CET, +0100)\n",
        );
        assert_eq!(b.finish().utc_offset_secs, Some(3600));
        let mut b = HostFactsBuilder::new();
        b.add(SourceKind::Date, "sos_commands/date/date", "Mon Nov 23 09:15:58 UTC 2026\n");
        assert_eq!(b.finish().utc_offset_secs, Some(0));
    }

    #[test]
    fn facts_of_the_real_sos_4_0_run() {
        let mut b = HostFactsBuilder::new();
        b.add(SourceKind::Hostname, "sos_commands/host/hostname", "vm\n");
        b.add(
            SourceKind::Uname,
            "sos_commands/kernel/uname_-a",
            "Linux vm 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 x86_64 GNU/Linux\n",
        );
        b.add(SourceKind::Version, "version.txt", "sosreport: 4.0\ndate: unversioned\n");
        b.add(SourceKind::Date, "sos_commands/date/date", "Mon Nov 23 09:15:58 UTC 2026\n");
        b.add(
            SourceKind::Uptime,
            "sos_commands/host/uptime",
            " 09:15:58 up  2:39,  0 user,  load average: 0.37, 0.24, 0.11\n",
        );
        b.add(SourceKind::ProcStat, "proc/stat", "cpu  1 2 3\nbtime 1795415774\n");
        let facts = b.finish();
        assert_eq!(facts.hostname.as_deref(), Some("vm"));
        assert_eq!(facts.kernel.as_deref(), Some("6.18.44-fc-v669"));
        assert_eq!(facts.sos_version.as_deref(), Some("4.0"));
        assert_eq!(facts.collected_at.unwrap().to_string(), "2026-11-23T09:15:58Z");
        assert_eq!(facts.boot_time.unwrap().as_second(), 1_795_415_774);
        assert_eq!(facts.uptime_secs, Some(9540));
    }

    #[test]
    fn boot_time_from_uptime_without_btime() {
        let mut b = HostFactsBuilder::new();
        b.add(SourceKind::Date, "sos_commands/date/date_--utc", "Mon Nov 23 09:05:24 UTC 2026\n");
        b.add(
            SourceKind::Uptime,
            "sos_commands/host/uptime",
            " 09:05:24 up 12 days,  3:04,  2 users,  load average: 0.00, 0.01, 0.05\n",
        );
        let facts = b.finish();
        assert_eq!(facts.boot_time.unwrap().to_string(), "2026-11-11T06:01:24Z");
    }

    #[test]
    fn utc_beats_an_abbreviation_and_the_manifest() {
        let mut b = HostFactsBuilder::new();
        b.add(
            SourceKind::Manifest,
            "sos_reports/manifest.json",
            r#"{"version": "4.8.0", "end_time": "2024-03-05 10:22:40.000001"}"#,
        );
        b.add(SourceKind::Date, "sos_commands/date/date", "Tue Mar  5 10:22:33 CET 2024\n");
        assert_eq!(b.clone().finish().collected_at.unwrap().to_string(), "2024-03-05T10:22:33Z");
        b.add(SourceKind::Date, "sos_commands/date/date_--utc", "Tue Mar  5 09:22:33 UTC 2024\n");
        let facts = b.finish();
        assert_eq!(facts.collected_at.unwrap().to_string(), "2024-03-05T09:22:33Z");
        assert_eq!(facts.sos_version.as_deref(), Some("4.8.0"));
    }

    #[test]
    fn hostname_falls_back_to_the_uname_node_name() {
        let mut b = HostFactsBuilder::new();
        b.add(
            SourceKind::Uname,
            "basic-environment.txt#/bin/uname -a",
            "Linux sles15 5.14.21-150500.55.39-default #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n",
        );
        assert_eq!(b.finish().hostname.as_deref(), Some("sles15"));
    }
}
