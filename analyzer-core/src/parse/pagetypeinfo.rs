//! `/proc/pagetypeinfo`: free pages per migrate type and order, and pageblocks per type.

use serde::Serialize;

use super::Unparsed;

/// Free blocks per order of one migrate type in one zone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FreeByType {
    /// NUMA node.
    pub node: u32,
    /// Zone name.
    pub zone: String,
    /// Migrate type (`Unmovable`, `Movable`, …).
    pub migrate_type: String,
    /// Free blocks per order (index = order).
    pub free_blocks: Vec<u64>,
}

/// Pageblock counts per migrate type in one zone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BlocksByType {
    /// NUMA node.
    pub node: u32,
    /// Zone name.
    pub zone: String,
    /// `(migrate type, pageblocks)` in header order.
    pub blocks: Vec<(String, u64)>,
}

/// Parsed `/proc/pagetypeinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pagetypeinfo {
    /// `Page block order:`.
    pub page_block_order: Option<u32>,
    /// `Pages per block:`.
    pub pages_per_block: Option<u64>,
    /// Free blocks per migrate type and order.
    pub free: Vec<FreeByType>,
    /// Pageblocks per migrate type.
    pub blocks: Vec<BlocksByType>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}
