//! Boots across every log of a bundle, numbered from the oldest. Each file's boot segments are
//! placed on one list of boot start times: starts seen in syslog/journal (`Linux version` at
//! wall − printk time, the first line after `-- Reboot --`, a printk reset) and the host's boot
//! time (`proc/stat` btime, else date − uptime). Starts within [`SAME_BOOT`] of each other are
//! one boot. dmesg (the current ring buffer) maps to the last boot.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::clock::{Clock, boot_start};
use super::source::{LineStamp, Segment, SourceRecord};
use crate::model::HostFacts;
use crate::source::SourceKind;

/// Boot start estimates this close together are the same boot: rsyslog's imklog stamps the
/// kernel's first lines when it reads them, which on a slow boot is minutes after the kernel
/// printed them. Two boots less than five minutes apart count as one.
const SAME_BOOT: SignedDuration = SignedDuration::from_secs(300);

/// One boot of the host, as the logs show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Boot {
    /// 0 for the oldest boot seen.
    pub index: u32,
    /// When it started (estimated), when any source tells.
    pub start: Option<Timestamp>,
    /// Whether this is the boot the bundle was collected in (the one dmesg shows).
    pub current: bool,
}

/// Where each segment of each source landed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BootMap {
    /// `[source][segment]` → boot index.
    pub segment_boot: Vec<Vec<u32>>,
    /// Every boot, oldest first.
    pub boots: Vec<Boot>,
}

impl BootMap {
    /// The boot of a segment of a source (0 when out of range).
    pub(crate) fn boot_of(&self, source: usize, segment: u32) -> u32 {
        self.segment_boot.get(source).and_then(|s| s.get(segment as usize)).copied().unwrap_or(0)
    }

    /// The start of a boot, when known.
    pub(crate) fn start_of(&self, boot: u32) -> Option<Timestamp> {
        self.boots.get(boot as usize).and_then(|b| b.start)
    }
}

/// Where a segment goes before the final numbering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    /// The cluster with this index.
    Cluster(usize),
    /// Before the first known start.
    Before,
    /// Nothing known: the segment's own index in its file.
    Local(u32),
}

/// When a segment's boot started: the earliest of its marker line and its kernel lines that
/// carry both a logged stamp and the printk time (wall − printk).
fn segment_start(clock: &Clock, seg: &Segment) -> Option<Timestamp> {
    seg.start.iter().chain(&seg.estimates).filter_map(|s| start_wall(clock, s)).min()
}

fn start_wall(clock: &Clock, stamp: &LineStamp) -> Option<Timestamp> {
    let wall = clock.wall(&stamp.stamp)?;
    match stamp.since_boot {
        Some(since) => boot_start(wall, since),
        None => Some(wall),
    }
}

/// Numbers the boots of every source.
pub(crate) fn number(sources: &[SourceRecord], host: &HostFacts, clock: &Clock) -> BootMap {
    // Known starts, with whether each is the host's own boot time.
    let mut starts: Vec<(Timestamp, bool)> = Vec::new();
    if let Some(bt) = host.boot_time {
        starts.push((bt, true));
    }
    for source in sources {
        for seg in &source.segments {
            if let Some(s) = segment_start(clock, seg) {
                starts.push((s, false));
            }
        }
    }
    starts.sort();
    // Clusters: (representative start, is current boot).
    let mut clusters: Vec<(Timestamp, Timestamp, bool)> = Vec::new(); // (first, representative, host)
    for (t, is_host) in starts {
        match clusters.last_mut() {
            Some((first, rep, host_boot)) if t.duration_since(*first) <= SAME_BOOT => {
                if is_host {
                    *rep = t;
                    *host_boot = true;
                }
            }
            _ => clusters.push((t, t, is_host)),
        }
    }
    let find_cluster = |t: Timestamp| -> Place {
        match clusters
            .iter()
            .rposition(|(first, _, _)| first.checked_sub(SAME_BOOT).is_ok_and(|early| early <= t))
        {
            Some(i) => Place::Cluster(i),
            None => Place::Before,
        }
    };
    let current_cluster =
        clusters.iter().position(|c| c.2).or_else(|| clusters.len().checked_sub(1));

    let mut places: Vec<Vec<Place>> = Vec::with_capacity(sources.len());
    for source in sources {
        let n = source.segments.len();
        let mut row = Vec::with_capacity(n);
        for (i, seg) in source.segments.iter().enumerate() {
            let local = u32::try_from(i).unwrap_or(u32::MAX);
            let known = segment_start(clock, seg)
                .or_else(|| seg.first.as_ref().and_then(|f| clock.wall(&f.stamp)));
            let place = match known {
                Some(t) => find_cluster(t),
                None if source.kind == SourceKind::Dmesg => match current_cluster {
                    // The ring buffer holds the current boot; earlier segments of a console
                    // capture are the boots before it.
                    Some(c) => match c.checked_sub(n - 1 - i) {
                        Some(c) => Place::Cluster(c),
                        None => Place::Before,
                    },
                    None => Place::Local(local),
                },
                None => Place::Local(local),
            };
            row.push(place);
        }
        places.push(row);
    }
    let before = places.iter().flatten().any(|p| *p == Place::Before);
    let offset = u32::from(before);
    let max_local = places
        .iter()
        .flatten()
        .filter_map(|p| match p {
            Place::Local(l) => Some(*l),
            _ => None,
        })
        .max();
    let segment_boot = places
        .iter()
        .map(|row| {
            row.iter()
                .map(|p| match *p {
                    Place::Cluster(c) => {
                        offset.saturating_add(u32::try_from(c).unwrap_or(u32::MAX))
                    }
                    Place::Before => 0,
                    Place::Local(l) => l,
                })
                .collect()
        })
        .collect();
    let mut boots: Vec<Boot> = Vec::new();
    if before {
        boots.push(Boot { index: 0, start: None, current: false });
    }
    for (i, (_, rep, host_boot)) in clusters.iter().enumerate() {
        let index = offset.saturating_add(u32::try_from(i).unwrap_or(u32::MAX));
        boots.push(Boot { index, start: Some(*rep), current: *host_boot });
    }
    if clusters.is_empty() {
        // No wall-clock boot anywhere: boots are the segments of the files themselves.
        let count = max_local.map_or(1, |m| m.saturating_add(1));
        boots = (0..count).map(|index| Boot { index, start: None, current: false }).collect();
    }
    if !boots.iter().any(|b| b.current) && host.boot_time.is_none() {
        if let Some(last) = boots.last_mut() {
            last.current = sources.iter().any(|s| s.kind == SourceKind::Dmesg);
        }
    }
    BootMap { segment_boot, boots }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SinceBoot;
    use crate::parse::logline::{Stamp, Yearless};

    fn ys(month: u8, day: u8, hour: u8, minute: u8) -> Stamp {
        Stamp::Yearless(Yearless { month, day, hour, minute, second: 0, micros: 0 })
    }

    fn at(stamp: Stamp, since: Option<u64>) -> LineStamp {
        LineStamp { stamp, since_boot: since.map(SinceBoot), ..LineStamp::default() }
    }

    #[test]
    fn syslog_boots_and_dmesg_current_boot() {
        let host = HostFacts {
            collected_at: Some("2024-03-10T12:00:00Z".parse().unwrap()),
            boot_time: Some("2024-03-08T06:00:05Z".parse().unwrap()),
            ..HostFacts::default()
        };
        let clock = Clock::new(&host);
        let messages = SourceRecord {
            path: "var/log/messages".into(),
            kind: SourceKind::Syslog,
            segments: vec![
                // Starts mid-boot: the boot before the first start seen.
                Segment { first: Some(at(ys(3, 1, 0, 0), None)), used: true, ..Segment::default() },
                // Linux version at [0.0] logged 30 s late by imklog.
                Segment {
                    start: Some(at(ys(3, 5, 9, 0), Some(0))),
                    first: Some(at(ys(3, 5, 9, 0), Some(0))),
                    used: true,
                    ..Segment::default()
                },
                Segment {
                    start: Some(at(ys(3, 8, 6, 0), Some(0))),
                    first: Some(at(ys(3, 8, 6, 0), Some(0))),
                    used: true,
                    ..Segment::default()
                },
            ],
        };
        let dmesg = SourceRecord {
            path: "sos_commands/kernel/dmesg".into(),
            kind: SourceKind::Dmesg,
            segments: vec![Segment {
                first: Some(at(Stamp::None, Some(5))),
                used: true,
                ..Segment::default()
            }],
        };
        let map = number(&[messages, dmesg], &host, &clock);
        assert_eq!(map.segment_boot, vec![vec![0, 1, 2], vec![2]]);
        assert_eq!(map.boots.len(), 3);
        assert_eq!(map.boots[2].start, host.boot_time);
        assert!(map.boots[2].current);
        assert_eq!(map.boots[1].start, Some("2024-03-05T09:00:00Z".parse().unwrap()));
        assert_eq!(map.boots[0].start, None);
    }

    #[test]
    fn loose_dmesg_without_wall_time_numbers_its_own_segments() {
        let clock = Clock::new(&HostFacts::default());
        let capture = SourceRecord {
            path: "console.log".into(),
            kind: SourceKind::Dmesg,
            segments: vec![Segment::default(), Segment::default()],
        };
        let map = number(&[capture], &HostFacts::default(), &clock);
        assert_eq!(map.segment_boot, vec![vec![0, 1]]);
        assert_eq!(map.boots.len(), 2);
        assert!(map.boots[1].current);
    }
}
