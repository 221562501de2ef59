//! `/proc/zoneinfo`: per node and zone, free pages, watermarks, managed pages, protection.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Unparsed;

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
    /// Zone counters (`nr_free_pages`, …).
    pub stats: BTreeMap<String, i64>,
    /// Per-node counters printed in this section (4.x+, first populated zone of each node).
    pub node_stats: BTreeMap<String, i64>,
    /// 1-based line of the `Node N, zone NAME` header.
    pub line: u64,
}

/// Parsed `/proc/zoneinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Zoneinfo {
    /// Zones in file order.
    pub zones: Vec<Zone>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}
