//! The timeline chart of a report: kernel events across boots, one lane per kind, as geometry
//! for an inline SVG (`templates/report.html.j2` draws it; nothing here writes markup).
//!
//! With wall-clock times the x axis is UTC and boot boundaries are drawn where each boot
//! started; without any (a loose `dmesg`), each boot gets an equal share of the axis and
//! events sit at their time since boot.

use std::collections::BTreeMap;

use super::view::{
    ChartBoot, ChartLane, ChartMark, ChartTick, ChartView, clean, format_event_time, kind_color,
    kind_count_noun, kind_label,
};
use crate::model::{Event, EventKind};

const WIDTH: u32 = 1000;
const LEFT: f64 = 170.0;
const RIGHT: f64 = 980.0;
const TOP: f64 = 34.0;
const LANE: f64 = 30.0;
const AXIS: f64 = 40.0;
/// Marks closer than this in one lane are merged.
const BIN: f64 = 4.0;
/// Longest tooltip, in characters.
const TITLE_CHARS: usize = 300;

/// Builds the chart, or `None` without events.
pub(crate) fn chart(events: &[Event]) -> Option<ChartView> {
    if events.is_empty() {
        return None;
    }
    let kinds: Vec<EventKind> =
        EventKind::ALL.into_iter().filter(|k| events.iter().any(|e| e.kind() == *k)).collect();
    let lanes: Vec<ChartLane> = kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            let top = TOP + LANE * i as f64;
            ChartLane {
                kind: kind.as_str().to_string(),
                label: kind_label(*kind).to_string(),
                color: kind_color(*kind).to_string(),
                y: round1(top + LANE / 2.0),
                top: round1(top),
                height: LANE,
                count: events.iter().filter(|e| e.kind() == *kind).count(),
            }
        })
        .collect();
    let plot_bottom = TOP + LANE * lanes.len() as f64;
    let wall = events.iter().any(|e| e.time.wall.is_some());
    let placed = if wall { place_by_wall(events) } else { place_by_boot(events) };

    // Merge marks that land on the same spot of a lane.
    let mut bins: BTreeMap<(usize, i64), Vec<(&Event, f64)>> = BTreeMap::new();
    let mut undrawn = 0usize;
    for (event, x) in events.iter().zip(&placed.xs) {
        let (Some(x), Some(lane)) = (x, kinds.iter().position(|k| *k == event.kind())) else {
            undrawn = undrawn.saturating_add(1);
            continue;
        };
        bins.entry((lane, (x / BIN).round() as i64)).or_default().push((event, *x));
    }
    let marks = bins
        .into_iter()
        .filter_map(|((lane_index, _), members)| {
            let lane = lanes.get(lane_index)?;
            let (first, _) = members.first()?;
            let count = members.len();
            let x = members.iter().map(|(_, x)| x).sum::<f64>() / count as f64;
            let title = if count == 1 {
                format!(
                    "{} · {} · {}",
                    clean(&first.id),
                    format_event_time(first),
                    clean(&first.raw)
                )
            } else {
                let last = members.last().map_or(*first, |(e, _)| *e);
                format!(
                    "{count} {}, {} to {}; first: {}",
                    kinds.get(lane_index).map_or(String::new(), |k| kind_count_noun(*k, count)),
                    format_event_time(first),
                    format_event_time(last),
                    clean(&first.raw)
                )
            };
            Some(ChartMark {
                x: round1(x.clamp(LEFT, RIGHT)),
                y: lane.y,
                r: round1(5.0 + (count as f64).log2().min(5.0)),
                color: lane.color.clone(),
                kind: lane.kind.clone(),
                count,
                title: truncate(&title, TITLE_CHARS),
            })
        })
        .collect();
    let description = format!(
        "{} kernel events across {} boot{}: {}",
        events.len(),
        placed.boot_count,
        if placed.boot_count == 1 { "" } else { "s" },
        kinds
            .iter()
            .zip(&lanes)
            .map(|(k, l)| format!("{} {}", l.count, kind_count_noun(*k, l.count)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Some(ChartView {
        width: WIDTH,
        height: (plot_bottom + AXIS).round() as u32,
        plot_left: LEFT,
        plot_right: RIGHT,
        plot_top: TOP,
        plot_bottom: round1(plot_bottom),
        axis_label: placed.axis_label,
        lanes,
        marks,
        ticks: placed.ticks,
        boots: placed.boots,
        undrawn,
        description,
    })
}

struct Placed {
    /// x of each event, in input order (`None`: not drawn).
    xs: Vec<Option<f64>>,
    ticks: Vec<ChartTick>,
    boots: Vec<ChartBoot>,
    axis_label: String,
    boot_count: usize,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

fn scale(value: f64, lo: f64, hi: f64) -> f64 {
    if hi <= lo {
        return (LEFT + RIGHT) / 2.0;
    }
    LEFT + (value - lo) / (hi - lo) * (RIGHT - LEFT)
}

/// Wall-clock axis: events without a wall time are not drawn.
fn place_by_wall(events: &[Event]) -> Placed {
    let secs: Vec<Option<f64>> =
        events.iter().map(|e| e.time.wall.map(|w| w.as_millisecond() as f64 / 1000.0)).collect();
    // Where each boot started: wall − since_boot of its events, or its first wall time.
    let mut boot_start: BTreeMap<u32, f64> = BTreeMap::new();
    for (event, wall) in events.iter().zip(&secs) {
        let Some(wall) = wall else { continue };
        let start = match event.time.since_boot {
            Some(sb) => wall - sb.as_micros() as f64 / 1e6,
            None => *wall,
        };
        let slot = boot_start.entry(event.time.boot).or_insert(start);
        if start < *slot {
            *slot = start;
        }
    }
    let first_boot = boot_start.keys().next().copied();
    let mut lo = secs.iter().flatten().copied().fold(f64::INFINITY, f64::min);
    let mut hi = secs.iter().flatten().copied().fold(f64::NEG_INFINITY, f64::max);
    for (boot, start) in &boot_start {
        if Some(*boot) != first_boot {
            lo = lo.min(*start);
        }
    }
    if !lo.is_finite() || !hi.is_finite() {
        return Placed {
            xs: vec![None; events.len()],
            ticks: Vec::new(),
            boots: Vec::new(),
            axis_label: "UTC".to_string(),
            boot_count: boot_start.len(),
        };
    }
    let span = hi - lo;
    let pad = if span < 60.0 { 1800.0 } else { span * 0.03 };
    lo -= pad;
    hi += pad;
    let xs = secs.iter().map(|s| s.map(|s| round1(scale(s, lo, hi)))).collect();
    let boots = boot_start
        .iter()
        .filter(|(boot, _)| Some(**boot) != first_boot)
        .map(|(boot, start)| ChartBoot {
            x: round1(scale(*start, lo, hi)),
            label: format!("boot {boot}"),
        })
        .collect();
    Placed {
        xs,
        ticks: wall_ticks(lo, hi),
        boots,
        axis_label: "UTC".to_string(),
        boot_count: events
            .iter()
            .map(|e| e.time.boot)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
    }
}

/// Ticks at round times between `lo` and `hi` (seconds since the epoch).
fn wall_ticks(lo: f64, hi: f64) -> Vec<ChartTick> {
    const STEPS: [i64; 18] = [
        1,
        5,
        15,
        30,
        60,
        300,
        900,
        1800,
        3600,
        3 * 3600,
        6 * 3600,
        12 * 3600,
        86_400,
        2 * 86_400,
        7 * 86_400,
        14 * 86_400,
        30 * 86_400,
        365 * 86_400,
    ];
    let span = hi - lo;
    const YEAR: i64 = 365 * 86_400;
    let step = STEPS.iter().copied().find(|s| span / (*s as f64) <= 7.0).unwrap_or_else(|| {
        // Decades (a clock set wrong): whole years, at most seven ticks.
        let years = (span / 7.0 / YEAR as f64).ceil() as i64;
        years.max(1).saturating_mul(YEAR)
    });
    let first = ((lo / step as f64).ceil() as i64).saturating_mul(step);
    let crosses_days = (lo / 86_400.0).floor() != (hi / 86_400.0).floor();
    let pattern = if step >= 86_400 {
        "%Y-%m-%d"
    } else if crosses_days {
        "%m-%d %H:%M"
    } else if step >= 60 {
        "%H:%M"
    } else {
        "%H:%M:%S"
    };
    let mut ticks = Vec::new();
    let mut t = first;
    while (t as f64) <= hi && ticks.len() < 12 {
        if let Ok(ts) = jiff::Timestamp::from_second(t) {
            ticks.push(ChartTick {
                x: round1(scale(t as f64, lo, hi)),
                label: ts.strftime(pattern).to_string(),
            });
        }
        t = t.saturating_add(step);
    }
    ticks
}

/// No wall clock at all: each boot gets an equal share of the axis.
fn place_by_boot(events: &[Event]) -> Placed {
    let boots: Vec<u32> = events
        .iter()
        .map(|e| e.time.boot)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let share = (RIGHT - LEFT) / boots.len().max(1) as f64;
    let max_in_boot = |boot: u32| {
        events
            .iter()
            .filter(|e| e.time.boot == boot)
            .filter_map(|e| e.time.since_boot)
            .map(|s| s.as_micros())
            .max()
            .unwrap_or(0) as f64
            / 1e6
    };
    let mut ticks = Vec::new();
    let mut markers = Vec::new();
    let mut spans = BTreeMap::new();
    for (i, boot) in boots.iter().enumerate() {
        let start = LEFT + share * i as f64;
        let max = max_in_boot(*boot).max(1.0) * 1.05;
        spans.insert(*boot, (start, max));
        markers.push(ChartBoot { x: round1(start), label: format!("boot {boot}") });
        for fraction in [0.0, 0.5, 1.0] {
            if i > 0 && fraction == 0.0 {
                continue;
            }
            ticks.push(ChartTick {
                x: round1(start + share * fraction * 0.98),
                label: seconds_label(max * fraction),
            });
        }
    }
    let xs = events
        .iter()
        .map(|e| {
            let (start, max) = spans.get(&e.time.boot)?;
            let since = e.time.since_boot?.as_micros() as f64 / 1e6;
            Some(round1(start + share * 0.98 * (since / max)))
        })
        .collect();
    Placed {
        xs,
        ticks,
        boots: markers,
        axis_label: "time since boot".to_string(),
        boot_count: boots.len(),
    }
}

/// `+0 s`, `+42 s`, `+3.5 h`, `+289.0 d`.
fn seconds_label(secs: f64) -> String {
    if secs < 120.0 {
        format!("+{secs:.0} s")
    } else if secs < 7200.0 {
        format!("+{:.0} min", secs / 60.0)
    } else if secs < 172_800.0 {
        format!("+{:.1} h", secs / 3600.0)
    } else {
        format!("+{:.1} d", secs / 86_400.0)
    }
}

#[cfg(test)]
// Struct updates keep the test compiling when event fields are added.
#[allow(clippy::needless_update)]
mod tests {
    use super::*;
    use crate::model::{EventFields, EventTime, HungTask, KernelPanic, SinceBoot};

    fn event(id: &str, boot: u32, wall: Option<i64>, since: Option<u64>, panic: bool) -> Event {
        Event {
            id: id.into(),
            time: EventTime {
                wall: wall.and_then(|s| jiff::Timestamp::from_second(s).ok()),
                since_boot: since.map(SinceBoot),
                boot,
                raw: String::new(),
            },
            sources: Vec::new(),
            raw: format!("line of {id}"),
            fields: if panic {
                EventFields::KernelPanic(KernelPanic {
                    reason: "hung_task: blocked tasks".into(),
                    ..KernelPanic::default()
                })
            } else {
                EventFields::HungTask(HungTask::default())
            },
            lines: Vec::new(),
        }
    }

    #[test]
    fn wall_clock_chart_has_lanes_ticks_and_boot_boundary() {
        // 2019-10-22 19:00:00 UTC and a day later, second boot started at 20:00 on the 23rd.
        let t0 = 1_571_770_800;
        let events = vec![
            event("e1", 0, Some(t0), Some(5_000_000), false),
            event("e2", 0, Some(t0 + 86_400), Some(86_405_000_000), true),
            event("e3", 1, Some(t0 + 90_000), Some(3_600_000_000), false),
            event("e4", 1, None, None, false),
        ];
        let chart = chart(&events).unwrap();
        assert_eq!(chart.lanes.len(), 2);
        assert_eq!(chart.lanes[0].kind, "hung_task");
        assert_eq!(chart.lanes[0].count, 3);
        assert_eq!(chart.lanes[1].kind, "kernel_panic");
        assert_eq!(chart.marks.len(), 3);
        assert_eq!(chart.undrawn, 1);
        assert_eq!(chart.boots.len(), 1);
        assert_eq!(chart.boots[0].label, "boot 1");
        // Boot 1 started at e3 − 3600 s = t0 + 86400 s, the time of e2.
        let e2 = chart.marks.iter().find(|m| m.kind == "kernel_panic").unwrap();
        assert!((chart.boots[0].x - e2.x).abs() < 0.2, "{} vs {}", chart.boots[0].x, e2.x);
        assert!(chart.ticks.len() >= 2);
        assert!(chart.ticks.iter().all(|t| t.x >= LEFT && t.x <= RIGHT));
        assert!(chart.marks.iter().all(|m| m.x >= LEFT && m.x <= RIGHT));
        assert_eq!(chart.axis_label, "UTC");
    }

    #[test]
    fn since_boot_chart_splits_boots_evenly() {
        let events = vec![
            event("e1", 0, None, Some(10_000_000), false),
            event("e2", 0, None, Some(20_000_000), false),
            event("e3", 1, None, Some(5_000_000), false),
        ];
        let chart = chart(&events).unwrap();
        assert_eq!(chart.axis_label, "time since boot");
        assert_eq!(chart.boots.len(), 2);
        assert_eq!(chart.boots[0].x, LEFT);
        assert_eq!(chart.boots[1].label, "boot 1");
        assert_eq!(chart.boots[1].x, round1(LEFT + (RIGHT - LEFT) / 2.0));
        assert_eq!(chart.undrawn, 0);
        assert_eq!(chart.marks.len(), 3);
    }

    #[test]
    fn close_events_merge_into_one_mark() {
        let t0 = 1_571_770_800;
        let mut events: Vec<Event> =
            (0..50).map(|i| event(&format!("e{i}"), 0, Some(t0 + i), None, false)).collect();
        events.push(event("e99", 0, Some(t0 + 86_400), None, false));
        let chart = chart(&events).unwrap();
        assert_eq!(chart.marks.len(), 2);
        assert_eq!(chart.marks[0].count, 50);
        assert!(chart.marks[0].title.starts_with("50 hung tasks, "));
        assert!(chart.marks[0].r > chart.marks[1].r);
    }

    #[test]
    fn ticks_stay_few_over_decades() {
        // An event stamped 1970 (clock not set) and one in 2019.
        let events = vec![
            event("e1", 0, Some(0), None, false),
            event("e2", 0, Some(1_571_770_800), None, false),
        ];
        let chart = chart(&events).unwrap();
        assert!((2..=8).contains(&chart.ticks.len()), "{} ticks", chart.ticks.len());
        assert!(chart.ticks.iter().all(|t| t.x >= LEFT && t.x <= RIGHT));
    }

    #[test]
    fn no_events_no_chart() {
        assert!(chart(&[]).is_none());
    }
}
