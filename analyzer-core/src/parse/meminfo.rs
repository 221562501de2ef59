//! `/proc/meminfo` of any kernel from 2.6 on: `MemTotal:       16384256 kB`,
//! `HugePages_Total:       0`. Tab-indented and mail-quoted pastes are accepted.

use std::collections::BTreeMap;

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{char, space0, space1};
use nom::combinator::{all_consuming, opt};

use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, dec_u64, numbered_lines, unquote};

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

    /// `MemTotal`, kB.
    pub fn mem_total_kb(&self) -> Option<u64> {
        self.get("MemTotal")
    }

    /// `MemFree`, kB.
    pub fn mem_free_kb(&self) -> Option<u64> {
        self.get("MemFree")
    }

    /// `MemAvailable`, kB (absent before 3.14 unless backported).
    pub fn mem_available_kb(&self) -> Option<u64> {
        self.get("MemAvailable")
    }

    /// `MemAvailable`, or on kernels without it the rough estimate
    /// `MemFree + Buffers + Cached + SReclaimable` (upper bound of what reclaim could free).
    pub fn available_or_estimate_kb(&self) -> Option<u64> {
        self.mem_available_kb().or_else(|| {
            let free = self.mem_free_kb()?;
            Some(
                [self.get("Buffers"), self.get("Cached"), self.get("SReclaimable")]
                    .into_iter()
                    .flatten()
                    .fold(free, u64::saturating_add),
            )
        })
    }

    /// `Slab`, kB.
    pub fn slab_kb(&self) -> Option<u64> {
        self.get("Slab")
    }

    /// `SUnreclaim`, kB: slab memory reclaim cannot free.
    pub fn slab_unreclaimable_kb(&self) -> Option<u64> {
        self.get("SUnreclaim")
    }

    /// `SwapTotal - SwapFree`, kB.
    pub fn swap_used_kb(&self) -> Option<u64> {
        Some(self.get("SwapTotal")?.saturating_sub(self.get("SwapFree")?))
    }

    /// Memory held by hugetlb pages, kB: `Hugetlb` (4.18+/RHEL8, all sizes) when printed, else
    /// `HugePages_Total × Hugepagesize` (default size only). Reserved at boot, so not free.
    pub fn hugetlb_kb(&self) -> Option<u64> {
        self.get("Hugetlb").filter(|&kb| kb > 0).or_else(|| {
            Some(self.get("HugePages_Total")?.saturating_mul(self.get("Hugepagesize")?))
        })
    }

    /// `Committed_AS` over `CommitLimit`, when both are printed.
    pub fn commit_kb(&self) -> Option<(u64, u64)> {
        Some((self.get("Committed_AS")?, self.get("CommitLimit")?))
    }
}

impl ParsedFile for Meminfo {
    fn record_count(&self) -> usize {
        self.values.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `/proc/meminfo`. When a key repeats (two pastes in one file) the first value wins.
pub fn parse(text: &str) -> Meminfo {
    let mut out = Meminfo::default();
    for (no, raw) in numbered_lines(text) {
        let line = unquote(raw);
        if line.trim().is_empty() {
            continue;
        }
        match entry(line) {
            Ok((_, (key, value))) => {
                out.values.entry(key.to_string()).or_insert(value);
            }
            Err(_) => out.unparsed.push(Unparsed::new(no, raw)),
        }
    }
    out
}

/// `Key:   value[ kB]`, keys such as `Active(anon)` and `NFS_Unstable`.
pub(crate) fn entry(input: &str) -> IResult<&str, (&str, u64)> {
    let key = take_while1(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '(' | ')'));
    all_consuming((key, char(':'), space0, dec_u64, opt((space1, tag("kB"))), space0))
        .map(|(key, _, _, value, _, _)| (key, value))
        .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kb_and_count_lines() {
        assert_eq!(entry("MemTotal:       16384256 kB"), Ok(("", ("MemTotal", 16_384_256))));
        assert_eq!(entry("HugePages_Total:       0"), Ok(("", ("HugePages_Total", 0))));
        assert_eq!(entry("Active(anon):      31220 kB"), Ok(("", ("Active(anon)", 31220))));
        assert!(entry("uv1-sys:~ # cat /proc/meminfo").is_err());
        assert!(entry("MemTotal: lots").is_err());
    }

    #[test]
    fn keeps_unknown_keys_and_unparsed_lines() {
        let m = parse(
            "> > > uv1-sys:~ # cat /proc/meminfo\n> > > MemTotal:       32395508 kB\n\
             > > > CommitLimit:    737869762947802600 kB\n> > > HugePages_Total:      32\n\
             > > > Hugepagesize:    1048576 kB\nNewKey2030:  5 kB\n",
        );
        assert_eq!(m.mem_total_kb(), Some(32_395_508));
        assert_eq!(m.get("CommitLimit"), Some(737_869_762_947_802_600));
        assert_eq!(m.get("NewKey2030"), Some(5));
        assert_eq!(m.hugetlb_kb(), Some(33_554_432));
        assert_eq!(m.mem_available_kb(), None);
        assert_eq!(m.unparsed, vec![Unparsed::new(1, "> > > uv1-sys:~ # cat /proc/meminfo")]);
    }

    #[test]
    fn estimates_available_on_old_kernels() {
        let m = parse(
            "MemFree: 100 kB\nBuffers: 10 kB\nCached: 20 kB\nSwapTotal: 50 kB\nSwapFree: 20 kB\n",
        );
        assert_eq!(m.available_or_estimate_kb(), Some(130));
        assert_eq!(m.swap_used_kb(), Some(30));
    }
}
