//! `/proc/vmstat`: `name value` per line.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Unparsed;

/// Parsed `/proc/vmstat`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Vmstat {
    /// Every counter.
    pub values: BTreeMap<String, u64>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl Vmstat {
    /// A counter by name.
    pub fn get(&self, key: &str) -> Option<u64> {
        self.values.get(key).copied()
    }
}
