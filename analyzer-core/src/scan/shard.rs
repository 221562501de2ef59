//! Shards: `--shard I/N` picks a deterministic share of the bundles, so that a batch system
//! (Kubernetes indexed Jobs, Slurm arrays) can split a fleet over N workers, e.g. `--shard 2/8`.
//!
//! A bundle belongs to shard `fnv1a64(relative path) % N`. FNV-1a is fixed by its definition, so
//! every worker, on every machine and with every build, agrees on the split (std's
//! `DefaultHasher` gives no such promise).

use std::fmt;
use std::str::FromStr;

/// Share `index` of `count` (`index` counts from 0, as `JOB_COMPLETION_INDEX` does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

impl Shard {
    /// Shard `index` of `count`; `None` unless `index < count`.
    pub fn new(index: u64, count: u64) -> Option<Shard> {
        (index < count).then_some(Shard { index, count })
    }

    /// Which share this is, from 0.
    pub fn index(self) -> u64 {
        self.index
    }

    /// How many shares there are.
    pub fn count(self) -> u64 {
        self.count
    }

    /// Whether the bundle at `rel` (its path relative to the scanned folder) is in this shard.
    pub fn contains(self, rel: &str) -> bool {
        fnv1a64(rel.as_bytes()) % self.count == self.index
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `I/N`, e.g. `2/8`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("bad shard {s:?}: expected I/N with 0 <= I < N, e.g. 0/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let i: u64 = i.trim().parse().map_err(|_| bad())?;
        let n: u64 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(i, n).ok_or_else(bad)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// 64-bit FNV-1a (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_reference_values() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
    }

    #[test]
    fn parse_shard() {
        assert_eq!("2/8".parse::<Shard>(), Ok(Shard { index: 2, count: 8 }));
        assert_eq!("0/1".parse::<Shard>().map(|s| s.to_string()), Ok("0/1".to_string()));
        for bad in ["8/8", "1/0", "x/2", "3", "-1/4", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_path_in_exactly_one_shard() {
        let paths: Vec<String> = (0..500)
            .map(|i| format!("dc{}/sosreport-host{i}-2024-03-05-abcdefg.tar.xz", i % 7))
            .collect();
        let n = 6;
        let mut sizes = vec![0usize; n];
        for path in &paths {
            let owners: Vec<u64> = (0..n as u64)
                .filter(|&i| Shard::new(i, n as u64).unwrap().contains(path))
                .collect();
            assert_eq!(owners.len(), 1, "{path}");
            sizes[owners[0] as usize] += 1;
        }
        // The split is roughly even: no share below half or above double its fair part.
        assert!(sizes.iter().all(|&s| (42..=166).contains(&s)), "{sizes:?}");
    }
}
