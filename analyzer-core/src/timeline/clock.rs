//! One clock for every log: printed stamps (`Mar  5 10:22:33`, `[Tue Mar  5 10:22:33 2024]`,
//! `2024-03-05T10:22:33+01:00`) turned into UTC instants, with the year of yearless stamps taken
//! from the collection date.
//!
//! * Stamps with an offset are exact.
//! * Stamps without a zone (RFC 3164 syslog, journal `short`, `dmesg -T`) are the host's local
//!   time: they are read in [`HostFacts::utc_offset_secs`], or as UTC when it is unknown.
//! * A yearless stamp takes the collection year, unless that puts it more than two days after
//!   the collection (a December line in a bundle collected in January): then the year before.
//!   Without a collection date, yearless stamps get no wall time.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use crate::model::{HostFacts, SinceBoot};
use crate::parse::logline::{Stamp, Yearless};

/// How far after the collection time a stamp may lie and still be in the collection year:
/// logs are written while sos runs, and clocks differ a little.
const COLLECTION_SLACK: SignedDuration = SignedDuration::from_hours(48);

/// Resolves printed stamps to instants for one bundle.
#[derive(Clone, Debug)]
pub(crate) struct Clock {
    zone: TimeZone,
    collected_local: Option<DateTime>,
}

impl Clock {
    /// The clock for a host (its offset and collection date).
    pub(crate) fn new(host: &HostFacts) -> Clock {
        let offset = host.utc_offset_secs.and_then(|s| Offset::from_seconds(s).ok());
        let zone = offset.map_or(TimeZone::UTC, TimeZone::fixed);
        let collected_local = host.collected_at.map(|ts| zone.to_datetime(ts));
        Clock { zone, collected_local }
    }

    /// The instant a stamp stands for, when it can be established.
    pub(crate) fn wall(&self, stamp: &Stamp) -> Option<Timestamp> {
        match *stamp {
            Stamp::None => None,
            Stamp::Zoned { civil, offset_secs } => {
                let zone = TimeZone::fixed(Offset::from_seconds(offset_secs).ok()?);
                zone.to_timestamp(civil).ok()
            }
            Stamp::Local(civil) => self.zone.to_timestamp(civil).ok(),
            Stamp::Yearless(y) => self.zone.to_timestamp(self.with_year(&y)?).ok(),
        }
    }

    /// The civil time of a yearless stamp in the year it most likely belongs to.
    fn with_year(&self, stamp: &Yearless) -> Option<DateTime> {
        let collected = self.collected_local?;
        let latest = collected.checked_add(COLLECTION_SLACK).ok()?;
        // Feb 29 exists only in leap years: look back until a year has the day.
        (0..=8i16).find_map(|back| {
            let civil = stamp.in_year(collected.year().checked_sub(back)?)?;
            (civil <= latest).then_some(civil)
        })
    }
}

/// `start + since`, when both are known and the sum fits.
pub(crate) fn add_since_boot(start: Timestamp, since: SinceBoot) -> Option<Timestamp> {
    let micros = i64::try_from(since.as_micros()).ok()?;
    start.checked_add(SignedDuration::from_micros(micros)).ok()
}

/// `wall − since`: when the boot a line belongs to started.
pub(crate) fn boot_start(wall: Timestamp, since: SinceBoot) -> Option<Timestamp> {
    let micros = i64::try_from(since.as_micros()).ok()?;
    wall.checked_sub(SignedDuration::from_micros(micros)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(collected: &str, offset: Option<i32>) -> HostFacts {
        HostFacts {
            collected_at: Some(collected.parse().unwrap()),
            utc_offset_secs: offset,
            ..HostFacts::default()
        }
    }

    fn yearless(month: u8, day: u8, hour: u8) -> Stamp {
        Stamp::Yearless(Yearless { month, day, hour, minute: 0, second: 0, micros: 0 })
    }

    #[test]
    fn yearless_stamps_take_the_collection_year() {
        let clock = Clock::new(&host("2024-03-05T12:00:00Z", None));
        assert_eq!(clock.wall(&yearless(3, 5, 10)), Some("2024-03-05T10:00:00Z".parse().unwrap()));
        assert_eq!(clock.wall(&yearless(1, 2, 0)), Some("2024-01-02T00:00:00Z".parse().unwrap()));
        // A few hours after collection is still this year (clock skew, lines written by sos).
        assert_eq!(clock.wall(&yearless(3, 6, 9)), Some("2024-03-06T09:00:00Z".parse().unwrap()));
    }

    #[test]
    fn december_lines_in_a_january_bundle_are_last_year() {
        let clock = Clock::new(&host("2024-01-03T08:00:00Z", None));
        assert_eq!(
            clock.wall(&yearless(12, 31, 23)),
            Some("2023-12-31T23:00:00Z".parse().unwrap())
        );
        assert_eq!(clock.wall(&yearless(1, 2, 23)), Some("2024-01-02T23:00:00Z".parse().unwrap()));
        assert_eq!(clock.wall(&yearless(6, 1, 0)), Some("2023-06-01T00:00:00Z".parse().unwrap()));
    }

    #[test]
    fn feb_29_goes_back_to_a_leap_year() {
        let clock = Clock::new(&host("2025-03-01T00:00:00Z", None));
        assert_eq!(clock.wall(&yearless(2, 29, 1)), Some("2024-02-29T01:00:00Z".parse().unwrap()));
    }

    #[test]
    fn local_stamps_use_the_host_offset() {
        let clock = Clock::new(&host("2024-03-05T12:00:00Z", Some(3600)));
        assert_eq!(clock.wall(&yearless(3, 5, 10)), Some("2024-03-05T09:00:00Z".parse().unwrap()));
        let civil = jiff::civil::date(2021, 11, 5).at(21, 4, 29, 0);
        assert_eq!(clock.wall(&Stamp::Local(civil)), Some("2021-11-05T20:04:29Z".parse().unwrap()));
        let zoned = Stamp::Zoned { civil, offset_secs: -18000 };
        assert_eq!(clock.wall(&zoned), Some("2021-11-06T02:04:29Z".parse().unwrap()));
    }

    #[test]
    fn no_collection_date_no_wall_time_for_yearless() {
        let clock = Clock::new(&HostFacts::default());
        assert_eq!(clock.wall(&yearless(3, 5, 10)), None);
        let start: Timestamp = "2024-03-05T00:00:00Z".parse().unwrap();
        let at = add_since_boot(start, SinceBoot(90_500_000)).unwrap();
        assert_eq!(at, "2024-03-05T00:01:30.5Z".parse().unwrap());
        assert_eq!(boot_start(at, SinceBoot(90_500_000)), Some(start));
    }
}
