//! `free` output in every procps layout (old with `-/+ buffers/cache:`, new with `buff/cache`,
//! wide `-w`) and unit (`-b`, `-k`, `-m`, `-g`, `-h`).

use serde::Serialize;

use super::Unparsed;

/// Which header layout the output used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeLayout {
    /// procps 3.2 / procps-ng ≤3.3.9: `buffers cached` and a `-/+ buffers/cache:` row.
    #[default]
    Old,
    /// procps-ng ≥3.3.10: `buff/cache available`.
    New,
    /// `free -w`: `buffers cache available`.
    Wide,
}

/// One row (`Mem:`, `Swap:`…), every value in bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FreeRow {
    /// Total.
    pub total: Option<u64>,
    /// Used, as `free` computed it.
    pub used: Option<u64>,
    /// Free.
    pub free: Option<u64>,
    /// Shared.
    pub shared: Option<u64>,
    /// Buffers (old and wide layouts).
    pub buffers: Option<u64>,
    /// Cached (old layout) or cache (wide).
    pub cached: Option<u64>,
    /// buff/cache (new layout).
    pub buff_cache: Option<u64>,
    /// Available (new and wide layouts).
    pub available: Option<u64>,
}

/// One invocation of `free`: a header and its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FreeBlock {
    /// Header layout.
    pub layout: FreeLayout,
    /// The unit values were printed in (`B`, `KiB`, `MiB`, `GiB`, or `human` for `-h`).
    pub unit: String,
    /// `Mem:` row.
    pub mem: FreeRow,
    /// `-/+ buffers/cache:` row (old layout): used and free, bytes.
    pub buffers_cache: Option<(u64, u64)>,
    /// `Swap:` row.
    pub swap: Option<FreeRow>,
}

/// Parsed `free` output: a file may hold several invocations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Free {
    /// Each header with its rows, in file order.
    pub blocks: Vec<FreeBlock>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}
