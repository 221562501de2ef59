//! De-duplication: the same kernel message seen in dmesg and in messages/journal (and in rotated
//! copies) is one event with several sources. Two sightings are the same event when they have
//! the same kind and the same headline text (whitespace collapsed) and
//! * both carry the printk time and it is the same (to the millisecond), or
//! * both have a wall-clock time within [`SAME_TIME`] (both logged) or [`SAME_TIME_ESTIMATED`]
//!   (one of them computed from the boot time, which drifts with suspend and clock steps).
//!
//! Two sightings in one file, or in different boots, are never merged. Ids `e1`, `e2`, …
//! follow time order.
//!
//! Computed wall times (dmesg printk time + boot time) drift from the logged ones: suspend, VM
//! pauses and clock steps are not in printk time, and a syslog written in an unknown zone is
//! off by hours. Before matching, each such source is aligned on the logged sources: the most
//! common difference between its sightings and logged sightings of the same headline (within
//! [`MAX_SHIFT`], in 2-second bins) is its shift, applied to all its wall times.

use std::collections::HashMap;

use jiff::SignedDuration;

use super::source::LineStamp;
use crate::events::Assembled;
use crate::model::{Event, EventKind, EventTime, SourceRef};
use crate::parse::logline::{Hint, parse_line};

/// Wall-clock distance within which two logged copies are one event.
const SAME_TIME: SignedDuration = SignedDuration::from_secs(5);
/// The same when one wall time is computed from the boot time plus printk time.
const SAME_TIME_ESTIMATED: SignedDuration = SignedDuration::from_secs(90);
/// printk times of the same record printed in two places differ by rounding at most.
const SAME_PRINTK_US: u64 = 1_000;

/// The largest clock difference alignment corrects (a zone mistake, a long suspend).
const MAX_SHIFT: SignedDuration = SignedDuration::from_hours(15);
/// Width of the bins the differences are counted in, in microseconds.
const SHIFT_BIN_US: i64 = 2_000_000;
/// Sightings of one headline looked at per source when estimating a shift.
const SHIFT_SAMPLE: usize = 256;
/// Groups of the same headline looked at when placing a sighting (the most recent ones).
const CANDIDATE_GROUPS: usize = 64;

/// One sighting of an event in one file, with its time resolved.
#[derive(Clone, Debug)]
pub(crate) struct Sighting {
    /// Index of the source in read order.
    pub source: usize,
    /// Its path.
    pub path: String,
    /// What the assembler made of it.
    pub assembled: Assembled<LineStamp>,
    /// Resolved time.
    pub time: EventTime,
    /// Whether `time.wall` was computed rather than logged.
    pub estimated: bool,
}

/// The headline message with its prefix removed and whitespace collapsed.
pub(crate) fn headline_key(raw: &str) -> String {
    let line = parse_line(raw, Hint::Auto);
    let msg = line.message_parts().next().unwrap_or("");
    let mut key = String::with_capacity(msg.len());
    for word in msg.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    key
}

/// How far apart two sightings are, when they can be the same event (smaller is closer).
fn distance(a: &Sighting, b: &Sighting) -> Option<u64> {
    if a.time.boot != b.time.boot {
        return None;
    }
    if let (Some(x), Some(y)) = (a.time.since_boot, b.time.since_boot) {
        let d = x.0.abs_diff(y.0);
        return (d <= SAME_PRINTK_US).then_some(d);
    }
    let (x, y) = (a.time.wall?, b.time.wall?);
    let tolerance = if a.estimated || b.estimated { SAME_TIME_ESTIMATED } else { SAME_TIME };
    let d = x.duration_since(y).abs();
    (d <= tolerance).then(|| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

type Key = (EventKind, String);

/// Shifts the computed wall times of each source onto the logged ones (see the module docs).
fn align(sightings: &mut [Sighting], keys: &[Key]) {
    let mut logged: HashMap<&Key, Vec<usize>> = HashMap::new();
    for (i, s) in sightings.iter().enumerate() {
        if !s.estimated && s.time.wall.is_some() {
            logged.entry(&keys[i]).or_default().push(i);
        }
    }
    if logged.is_empty() {
        return;
    }
    // source → bin → count, and per source how many of each headline were sampled.
    let mut bins: HashMap<usize, HashMap<i64, u32>> = HashMap::new();
    let mut sampled: HashMap<(usize, &Key), usize> = HashMap::new();
    for (i, s) in sightings.iter().enumerate() {
        let Some(wall) = s.time.wall.filter(|_| s.estimated) else { continue };
        let Some(others) = logged.get(&keys[i]) else { continue };
        let n = sampled.entry((s.source, &keys[i])).or_default();
        *n += 1;
        if *n > SHIFT_SAMPLE {
            continue;
        }
        for &o in others.iter().take(SHIFT_SAMPLE) {
            let other = &sightings[o];
            let Some(logged_wall) = other.time.wall else { continue };
            if other.source == s.source || other.time.boot != s.time.boot {
                continue;
            }
            let diff = logged_wall.duration_since(wall);
            if diff.abs() <= MAX_SHIFT {
                let micros = i64::try_from(diff.as_micros()).unwrap_or(0);
                let bin = (micros + SHIFT_BIN_US / 2).div_euclid(SHIFT_BIN_US);
                *bins.entry(s.source).or_default().entry(bin).or_default() += 1;
            }
        }
    }
    for (source, counts) in bins {
        // The most common difference; on a tie, the smallest.
        let Some((&bin, _)) =
            counts.iter().max_by_key(|(bin, n)| (**n, std::cmp::Reverse(bin.abs())))
        else {
            continue;
        };
        let shift = SignedDuration::from_micros(bin.saturating_mul(SHIFT_BIN_US));
        for s in sightings.iter_mut().filter(|s| s.source == source && s.estimated) {
            s.time.wall = s.time.wall.and_then(|w| w.checked_add(shift).ok());
        }
    }
}

/// Groups sightings into events, orders them by time and numbers them.
pub(crate) fn merge(mut sightings: Vec<Sighting>) -> Vec<Event> {
    sightings.sort_by(|a, b| {
        (a.time.boot, a.time.wall, a.time.since_boot, a.source, a.assembled.line).cmp(&(
            b.time.boot,
            b.time.wall,
            b.time.since_boot,
            b.source,
            b.assembled.line,
        ))
    });
    let keys: Vec<Key> = sightings
        .iter()
        .map(|s| (s.assembled.fields.kind(), headline_key(&s.assembled.raw)))
        .collect();
    align(&mut sightings, &keys);
    // Groups of sighting indices.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut by_key: HashMap<&Key, Vec<usize>> = HashMap::new();
    for (i, s) in sightings.iter().enumerate() {
        let candidates = by_key.entry(&keys[i]).or_default();
        let best = candidates
            .iter()
            .rev()
            .take(CANDIDATE_GROUPS)
            .filter(|&&g| groups[g].iter().all(|&m| sightings[m].source != s.source))
            .filter_map(|&g| {
                let d = groups[g].iter().filter_map(|&m| distance(&sightings[m], s)).min()?;
                Some((d, g))
            })
            .min();
        match best {
            Some((_, g)) => groups[g].push(i),
            None => {
                candidates.push(groups.len());
                groups.push(vec![i]);
            }
        }
    }
    let mut events: Vec<(Event, usize, u64)> = groups
        .into_iter()
        .filter_map(|mut group| {
            group.sort_by_key(|&m| (sightings[m].source, sightings[m].assembled.line));
            let primary = &sightings[*group.first()?];
            let mut time = primary.time.clone();
            // A logged wall time beats a computed one; fill what the primary lacks.
            let logged = group
                .iter()
                .map(|&m| &sightings[m])
                .find(|s| !s.estimated && s.time.wall.is_some());
            if let Some(s) = logged {
                time.wall = s.time.wall;
            } else if time.wall.is_none() {
                time.wall = group.iter().find_map(|&m| sightings[m].time.wall);
            }
            if time.since_boot.is_none() {
                time.since_boot = group.iter().find_map(|&m| sightings[m].time.since_boot);
            }
            let sources = group
                .iter()
                .map(|&m| SourceRef {
                    path: sightings[m].path.clone(),
                    line: sightings[m].assembled.line,
                })
                .collect();
            let event = Event {
                id: String::new(),
                time,
                sources,
                raw: primary.assembled.raw.clone(),
                fields: primary.assembled.fields.clone(),
                lines: primary.assembled.lines.clone(),
            };
            Some((event, primary.source, primary.assembled.line))
        })
        .collect();
    events.sort_by(|(a, sa, la), (b, sb, lb)| {
        (a.time.boot, a.time.wall, a.time.since_boot, *sa, *la).cmp(&(
            b.time.boot,
            b.time.wall,
            b.time.since_boot,
            *sb,
            *lb,
        ))
    });
    events
        .into_iter()
        .enumerate()
        .map(|(i, (mut e, _, _))| {
            e.id = format!("e{}", i + 1);
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventFields, HungTask, SinceBoot};

    fn sighting(
        source: usize,
        line: u64,
        raw: &str,
        wall: Option<&str>,
        since: Option<u64>,
    ) -> Sighting {
        let fields =
            EventFields::HungTask(HungTask { task: "t".into(), pid: 1, ..HungTask::default() });
        Sighting {
            source,
            path: format!("file{source}"),
            assembled: Assembled {
                stamp: LineStamp::default(),
                line,
                raw: raw.into(),
                fields,
                lines: Vec::new(),
            },
            time: EventTime {
                wall: wall.map(|w| w.parse().unwrap()),
                since_boot: since.map(SinceBoot),
                boot: 0,
                raw: String::new(),
            },
            estimated: source == 0,
        }
    }

    const DMESG: &str =
        "[34315.120624] INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.";
    const SYSLOG: &str = "Aug 26 00:03:33 uam-tv-1 kernel: INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.";
    const SYSLOG_PRINTK: &str = "Aug 26 00:03:33 uam-tv-1 kernel: [34315.120624] INFO: task jbd2/sda1-8:161 blocked for more than 120 seconds.";

    #[test]
    fn headline_keys_drop_prefixes() {
        assert_eq!(headline_key(DMESG), headline_key(SYSLOG));
        assert_eq!(headline_key("> [  1.0]   XFS  (sda):   x"), "XFS (sda): x");
    }

    #[test]
    fn dmesg_and_syslog_copies_are_one_event() {
        let events = merge(vec![
            sighting(0, 10, DMESG, Some("2021-08-26T00:03:40Z"), Some(34_315_120_624)),
            sighting(1, 500, SYSLOG, Some("2021-08-26T00:03:33Z"), None),
            sighting(2, 7, SYSLOG_PRINTK, Some("2021-08-26T00:03:33Z"), Some(34_315_120_624)),
        ]);
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(e.id, "e1");
        let lines: Vec<(String, u64)> =
            e.sources.iter().map(|s| (s.path.clone(), s.line)).collect();
        assert_eq!(lines, [("file0".into(), 10), ("file1".into(), 500), ("file2".into(), 7)]);
        // The logged wall time wins over the one computed from the boot time.
        assert_eq!(e.time.wall, Some("2021-08-26T00:03:33Z".parse().unwrap()));
        assert_eq!(e.time.since_boot, Some(SinceBoot(34_315_120_624)));
        assert_eq!(e.raw, DMESG);
    }

    #[test]
    fn repeats_in_one_file_and_distant_copies_stay_apart() {
        let events = merge(vec![
            sighting(1, 1, SYSLOG, Some("2021-08-26T00:03:33Z"), None),
            sighting(1, 9, SYSLOG, Some("2021-08-26T00:05:33Z"), None),
            sighting(2, 4, SYSLOG, Some("2021-08-26T00:05:35Z"), None),
            sighting(3, 4, SYSLOG, Some("2021-08-26T00:09:00Z"), None),
        ]);
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].sources.len(), 1);
        assert_eq!(events[1].sources.len(), 2);
        assert_eq!(events[1].sources[1].path, "file2");
        assert_eq!(events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["e1", "e2", "e3"]);
    }

    #[test]
    fn drifted_dmesg_clock_is_aligned_on_syslog() {
        const XFS: &str = "[1040840.000000] XFS (sdb1): metadata I/O error in \"xfs_trans_read_buf_map\" at daddr 0x5f00080 len 8 error 61";
        let mut dmesg_only = sighting(
            0,
            30,
            "[1040900.000000] INFO: task other:7 blocked for more than 120 seconds.",
            Some("2026-11-23T07:09:44Z"),
            Some(1_040_900_000_000),
        );
        dmesg_only.assembled.fields = EventFields::HungTask(HungTask::default());
        let events = merge(vec![
            // dmesg: boot time + printk time, 21 min 40 s behind the logged clock.
            sighting(0, 19, DMESG, Some("2026-11-23T07:08:44Z"), Some(1_040_840_000_000)),
            sighting(0, 27, XFS, Some("2026-11-23T07:08:44.5Z"), Some(1_040_840_500_000)),
            dmesg_only,
            sighting(1, 302, SYSLOG, Some("2026-11-23T07:30:24Z"), None),
            sighting(1, 310, XFS, Some("2026-11-23T07:30:25Z"), None),
        ]);
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].sources.len(), 2);
        assert_eq!(events[1].sources.len(), 2);
        assert_eq!(events[0].time.wall, Some("2026-11-23T07:30:24Z".parse().unwrap()));
        // The dmesg-only event moved by the same 21 min 40 s.
        assert_eq!(events[2].sources, [SourceRef { path: "file0".into(), line: 30 }]);
        assert_eq!(events[2].time.wall, Some("2026-11-23T07:31:24Z".parse().unwrap()));
    }

    #[test]
    fn different_printk_times_are_different_events() {
        let events = merge(vec![
            sighting(0, 1, DMESG, None, Some(240_000_000)),
            sighting(1, 1, DMESG, None, Some(360_000_000)),
        ]);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].time.since_boot, Some(SinceBoot(240_000_000)));
    }
}
