//! `/proc/zoneinfo` (`mm/vmstat.c::zoneinfo_show_print`): per node and zone, free pages,
//! watermarks, managed pages, protection, counters.
//!
//! ```text
//! Node 0, zone   Normal
//!   pages free     10852
//!         min      8684
//!         protection: (0, 0, 0, 0, 0)
//!       nr_free_pages 10852
//! ```
//! Indentation is not relied on (3.x prints zone counters with 4 spaces, 4.x+ with 6), so
//! grep-filtered and mail-quoted excerpts parse too.

use std::collections::BTreeMap;

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, satisfy, space0, space1};
use nom::combinator::{all_consuming, opt, recognize};
use nom::multi::{separated_list0, separated_list1};
use nom::sequence::delimited;
use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, dec_i64, dec_u64, numbered_lines, unquote};

/// One `Node N, zone NAME` section. Page counts are pages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Zone {
    /// NUMA node.
    pub node: u32,
    /// Zone name.
    pub zone: String,
    /// `pages free`.
    pub free: Option<u64>,
    /// `min` watermark.
    pub min: Option<u64>,
    /// `low` watermark.
    pub low: Option<u64>,
    /// `high` watermark.
    pub high: Option<u64>,
    /// `boost` (6.1+).
    pub boost: Option<u64>,
    /// `promo` (6.8+).
    pub promo: Option<u64>,
    /// `spanned`.
    pub spanned: Option<u64>,
    /// `present`.
    pub present: Option<u64>,
    /// `managed` (3.10+).
    pub managed: Option<u64>,
    /// `cma` (5.15+).
    pub cma: Option<u64>,
    /// `protection: (…)`, lowmem_reserve in pages.
    pub protection: Vec<u64>,
    /// Zone counters (`nr_free_pages`, …) and the trailing `start_pfn`, `node_unreclaimable`,
    /// `all_unreclaimable` lines.
    pub stats: BTreeMap<String, i64>,
    /// Per-node counters printed in this section (4.x+, first populated zone of each node).
    pub node_stats: BTreeMap<String, i64>,
    /// 1-based line of the `Node N, zone NAME` header.
    pub line: u64,
}

impl Zone {
    /// Whether the zone has memory (`present` or `managed` above 0).
    pub fn is_populated(&self) -> bool {
        self.present.unwrap_or(0) > 0 || self.managed.unwrap_or(0) > 0
    }

    /// Whether free pages are below the `min` watermark (only atomic and `__GFP_HIGH`
    /// allocations succeed; direct reclaim runs).
    pub fn below_min(&self) -> bool {
        matches!((self.free, self.min), (Some(f), Some(m)) if f < m)
    }

    /// Whether free pages are below the `low` watermark (kswapd is woken).
    pub fn below_low(&self) -> bool {
        matches!((self.free, self.low), (Some(f), Some(l)) if f < l)
    }
}

/// Parsed `/proc/zoneinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Zoneinfo {
    /// Zones in file order.
    pub zones: Vec<Zone>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl Zoneinfo {
    /// The zone `name` of `node`.
    pub fn zone(&self, node: u32, name: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.node == node && z.zone == name)
    }

    /// Sum of the `min` watermarks over all zones, pages (× 4 KiB ≈ `vm.min_free_kbytes`).
    pub fn total_min_pages(&self) -> u64 {
        self.zones.iter().filter_map(|z| z.min).fold(0, u64::saturating_add)
    }
}

impl ParsedFile for Zoneinfo {
    fn record_count(&self) -> usize {
        self.zones.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Where in a zone section the parser is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Watermarks and zone counters.
    Zone,
    /// After `per-node stats`, before `pages free`.
    NodeStats,
    /// After `pagesets` (per-cpu `count`, `high`, `batch`).
    Pagesets,
}

/// Parses `/proc/zoneinfo`.
pub fn parse(text: &str) -> Zoneinfo {
    let mut out = Zoneinfo::default();
    let mut part = Part::Zone;
    for (no, raw) in numbered_lines(text) {
        let line = unquote(raw).trim_end();
        if line.is_empty() {
            continue;
        }
        if let Ok((_, (node, zone))) = header(line) {
            out.zones.push(Zone { node, zone: zone.to_string(), line: no, ..Zone::default() });
            part = Part::Zone;
            continue;
        }
        let Some(zone) = out.zones.last_mut() else {
            out.unparsed.push(Unparsed::new(no, raw));
            continue;
        };
        if !read_line(zone, &mut part, line) {
            out.unparsed.push(Unparsed::new(no, raw));
        }
    }
    out
}

/// Applies one line inside a zone section; false when it is not a zoneinfo line.
fn read_line(zone: &mut Zone, part: &mut Part, line: &str) -> bool {
    match line {
        "per-node stats" => {
            *part = Part::NodeStats;
            return true;
        }
        "pagesets" => {
            *part = Part::Pagesets;
            return true;
        }
        _ => {}
    }
    if *part == Part::Pagesets && line.starts_with("cpu:") {
        // `cpu: 0` (2.6.18 prints `cpu: 0 pcp: 1`).
        return true;
    }
    if let Ok((_, values)) = protection(line) {
        zone.protection = values;
        return true;
    }
    let Ok((_, (key, value))) = key_value(line) else { return false };
    if *part == Part::Pagesets
        && matches!(
            key,
            "count" | "high" | "batch" | "high_min" | "high_max" | "vm stats threshold"
        )
    {
        return true;
    }
    let watermark = match key {
        "pages free" => Some(&mut zone.free),
        "min" => Some(&mut zone.min),
        "low" => Some(&mut zone.low),
        "high" => Some(&mut zone.high),
        "boost" => Some(&mut zone.boost),
        "promo" => Some(&mut zone.promo),
        "spanned" => Some(&mut zone.spanned),
        "present" => Some(&mut zone.present),
        "managed" => Some(&mut zone.managed),
        "cma" => Some(&mut zone.cma),
        _ => None,
    };
    if let Some(slot) = watermark {
        let Ok(value) = u64::try_from(value) else { return false };
        *slot = Some(value);
        if *part == Part::NodeStats {
            *part = Part::Zone;
        }
        return true;
    }
    let map = if *part == Part::NodeStats { &mut zone.node_stats } else { &mut zone.stats };
    map.insert(key.to_string(), value);
    true
}

/// `Node 0, zone   Normal`.
fn header(input: &str) -> IResult<&str, (u32, &str)> {
    let node = nom::combinator::map_res(dec_u64, u32::try_from);
    all_consuming((
        tag("Node"),
        space1,
        node,
        char(','),
        space0,
        tag("zone"),
        space1,
        take_while1(|c: char| !c.is_whitespace()),
        space0,
    ))
    .map(|(_, _, node, _, _, _, _, zone, _)| (node, zone))
    .parse(input)
}

/// `protection: (0, 2958, 15995, 15995, 15995)`.
fn protection(input: &str) -> IResult<&str, Vec<u64>> {
    let list = separated_list0((space0, char(','), space0), dec_u64);
    all_consuming(delimited(
        (tag("protection:"), space0, char('('), space0),
        list,
        (space0, char(')'), space0),
    ))
    .parse(input)
}

/// `nr_free_pages 3962`, `pages free     3962`, `count: 0`, `vm stats threshold: 2`.
fn key_value(input: &str) -> IResult<&str, (&str, i64)> {
    let word = recognize((
        satisfy(|c| c.is_ascii_alphabetic()),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_'),
    ));
    let key = recognize(separated_list1(char(' '), word));
    all_consuming((key, opt(char(':')), space1, dec_i64, space0))
        .map(|(key, _, _, value, _)| (key, value))
        .parse(input)
}

#[cfg(test)]
mod tests;
