//! `/proc/slabinfo` version 2.1 (SLAB and SLUB, with or without the `# name` header, which
//! supportconfig strips, and the `(statistics)` variant):
//! `kmalloc-64        125446 126656     64   64    1 : tunables    0    0    0 : slabdata   1979   1979      0`.

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{space0, space1};
use nom::combinator::rest;
use nom::multi::count;
use nom::sequence::preceded;
use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, dec_u64, numbered_lines, unquote};

/// Page size the byte counts assume.
const PAGE_SIZE: u64 = 4096;

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

impl SlabCache {
    /// Bytes of the objects themselves: `num_objs × objsize`.
    pub fn object_bytes(&self) -> u64 {
        self.num_objs.saturating_mul(self.objsize)
    }
}

/// Parsed `/proc/slabinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Slabinfo {
    /// Version from the first line (`2.1`).
    pub version: Option<String>,
    /// Whether the version line says `(statistics)` (SLAB with debugging).
    pub statistics: bool,
    /// Caches in file order.
    pub caches: Vec<SlabCache>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl Slabinfo {
    /// The `n` caches holding the most memory, largest first (ties by name).
    pub fn top_by_bytes(&self, n: usize) -> Vec<&SlabCache> {
        let mut caches: Vec<&SlabCache> = self.caches.iter().collect();
        caches.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
        caches.truncate(n);
        caches
    }

    /// Memory held by all caches, bytes.
    pub fn total_bytes(&self) -> u64 {
        self.caches.iter().map(|c| c.bytes).fold(0, u64::saturating_add)
    }

    /// A cache by name.
    pub fn cache(&self, name: &str) -> Option<&SlabCache> {
        self.caches.iter().find(|c| c.name == name)
    }
}

impl ParsedFile for Slabinfo {
    fn record_count(&self) -> usize {
        self.caches.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `/proc/slabinfo`.
pub fn parse(text: &str) -> Slabinfo {
    let mut out = Slabinfo::default();
    for (no, raw) in numbered_lines(text) {
        let line = unquote(raw).trim_end();
        if line.is_empty() || line.starts_with("# name") {
            continue;
        }
        if let Some(version) = line.strip_prefix("slabinfo - version:") {
            let mut words = version.split_whitespace();
            if let Some(v) = words.next() {
                out.version = Some(v.to_string());
                out.statistics = words.next() == Some("(statistics)");
                continue;
            }
        }
        match cache(line) {
            Ok((_, mut cache)) => {
                cache.line = no;
                out.caches.push(cache);
            }
            Err(_) => out.unparsed.push(Unparsed::new(no, raw)),
        }
    }
    out
}

/// One cache row; the `: globalstat … : cpustat …` tail of the statistics variant is ignored.
fn cache(input: &str) -> IResult<&str, SlabCache> {
    let nums = |n| count(preceded(space1, dec_u64), n);
    let (input, (name, head, _, tunables, _, slabdata, tail)) = (
        take_while1(|c: char| !c.is_whitespace()),
        nums(5),
        (space1, tag(":"), space1, tag("tunables")),
        nums(3),
        (space1, tag(":"), space1, tag("slabdata")),
        nums(3),
        (space0, rest),
    )
        .parse(input)?;
    let _ = tunables;
    let (_, tail) = tail;
    if !(tail.is_empty() || tail.starts_with(':')) {
        return Err(nom::Err::Error(nom::error::Error::new(tail, nom::error::ErrorKind::Eof)));
    }
    let [active_objs, num_objs, objsize, objperslab, pagesperslab] = head[..] else {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Count)));
    };
    let [active_slabs, num_slabs, _] = slabdata[..] else {
        return Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Count)));
    };
    let bytes = num_slabs.saturating_mul(pagesperslab).saturating_mul(PAGE_SIZE);
    Ok((
        input,
        SlabCache {
            name: name.to_string(),
            active_objs,
            num_objs,
            objsize,
            objperslab,
            pagesperslab,
            active_slabs,
            num_slabs,
            bytes,
            line: 0,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slub_rows_with_header() {
        let info = parse(
            "slabinfo - version: 2.1
# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>
kmalloc-64        125446 126656     64   64    1 : tunables    0    0    0 : slabdata   1979   1979      0
xfs_inode          30039  30528   1024   16    4 : tunables    0    0    0 : slabdata   1908   1908      0
",
        );
        assert_eq!(info.version.as_deref(), Some("2.1"));
        assert!(info.unparsed.is_empty());
        let xfs = info.cache("xfs_inode").unwrap();
        assert_eq!(xfs.bytes, 31_260_672);
        assert_eq!(xfs.object_bytes(), 31_260_672);
        assert_eq!(xfs.line, 4);
        assert_eq!(info.cache("kmalloc-64").unwrap().bytes, 1979 * 4096);
        let top: Vec<_> = info.top_by_bytes(1).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(top, ["xfs_inode"]);
        assert_eq!(info.total_bytes(), 31_260_672 + 1979 * 4096);
    }

    #[test]
    fn slab_statistics_without_header() {
        let info = parse(
            "slabinfo - version: 2.1 (statistics)
dentry            100892 103284    208   19    1 : tunables  120   60    8 : slabdata   5436   5436      0 : globalstat  1234  987  55   0    0    0    0    0    0 : cpustat  10  20  30  40
bogus line
",
        );
        assert!(info.statistics);
        assert_eq!(info.caches[0].num_slabs, 5436);
        assert_eq!(info.caches[0].bytes, 22_265_856);
        assert_eq!(info.unparsed.len(), 1);
    }
}
