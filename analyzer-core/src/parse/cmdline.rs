//! `/proc/cmdline`: the kernel command line, with the memory parameters picked out.

use serde::Serialize;

/// Parsed `/proc/cmdline`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cmdline {
    /// The line as found.
    pub raw: String,
    /// `(key, value)` for every parameter (`value` empty for flags), in order.
    pub params: Vec<(String, String)>,
    /// `hugepages=` values, in order (one per `hugepagesz=` group).
    pub hugepages: Vec<u64>,
    /// `hugepagesz=` values as printed (`1G`, `2M`).
    pub hugepagesz: Vec<String>,
    /// `default_hugepagesz=`.
    pub default_hugepagesz: Option<String>,
    /// `min_free_kbytes=` (not a boot parameter upstream, but some vendors set it).
    pub min_free_kbytes: Option<u64>,
}
