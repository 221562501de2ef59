//! `/proc/slabinfo` version 2.1 (SLAB and SLUB).

use serde::Serialize;

use super::Unparsed;

/// One slab cache.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SlabCache {
    /// Cache name (`xfs_inode`, `dentry`).
    pub name: String,
    /// Active objects.
    pub active_objs: u64,
    /// Objects.
    pub num_objs: u64,
    /// Object size, bytes.
    pub objsize: u64,
    /// Objects per slab.
    pub objperslab: u64,
    /// Pages per slab.
    pub pagesperslab: u64,
    /// Active slabs.
    pub active_slabs: u64,
    /// Slabs.
    pub num_slabs: u64,
    /// Memory held: `num_slabs × pagesperslab × 4096`.
    pub bytes: u64,
    /// 1-based line.
    pub line: u64,
}

/// Parsed `/proc/slabinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Slabinfo {
    /// Version from the first line (`2.1`).
    pub version: Option<String>,
    /// Caches in file order.
    pub caches: Vec<SlabCache>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}
