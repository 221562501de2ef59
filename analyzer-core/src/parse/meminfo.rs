//! `/proc/meminfo`: `MemTotal:       16384256 kB`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Unparsed;

/// Parsed `/proc/meminfo`. Values are kB for `kB` lines and plain counts for the others
/// (`HugePages_Total`). Every key is optional; unknown keys are kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Meminfo {
    /// Every `key: value` line.
    pub values: BTreeMap<String, u64>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl Meminfo {
    /// A value by key (`MemTotal`, `HugePages_Total`…).
    pub fn get(&self, key: &str) -> Option<u64> {
        self.values.get(key).copied()
    }
}
