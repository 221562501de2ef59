//! `/proc/buddyinfo`: `Node 0, zone   Normal     17    203    102 …` (free blocks per order).

use serde::Serialize;

use super::Unparsed;

/// One row: free blocks of each order in one zone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BuddyZone {
    /// NUMA node.
    pub node: u32,
    /// Zone name.
    pub zone: String,
    /// Free blocks per order (index = order).
    pub free_blocks: Vec<u64>,
    /// 1-based line.
    pub line: u64,
}

/// Parsed `/proc/buddyinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Buddyinfo {
    /// Rows in file order.
    pub zones: Vec<BuddyZone>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}
