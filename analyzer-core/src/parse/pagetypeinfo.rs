//! `/proc/pagetypeinfo` (`pagetypeinfo_show*`): free pages per migrate type and order, and
//! pageblocks per type.
//!
//! ```text
//! Page block order: 9
//! Free pages count per migrate type at order       0      1 …
//! Node    0, zone      DMA, type    Unmovable      1      0 …   (">100000" when capped)
//! Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic
//! Node 0, zone      DMA            3            5            0            0
//! ```
//! Block columns come from the `Number of blocks type` header (3.10 has `Reserve`, 4.4+
//! `HighAtomic`, optional `CMA` and `Isolate`).

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{char, space0, space1};
use nom::combinator::{all_consuming, map_res, opt};
use nom::multi::many1;
use nom::sequence::preceded;
use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, dec_u64, numbered_lines, spaced_u64s, unquote};

/// Free blocks per order of one migrate type in one zone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FreeByType {
    /// NUMA node.
    pub node: u32,
    /// Zone name.
    pub zone: String,
    /// Migrate type (`Unmovable`, `Movable`, …).
    pub migrate_type: String,
    /// Free blocks per order (index = order). A capped `>100000` reads as 100000.
    pub free_blocks: Vec<u64>,
    /// Whether some count was capped (`>100000`, newer kernels stop counting there).
    pub capped: bool,
    /// 1-based line.
    pub line: u64,
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
    /// 1-based line.
    pub line: u64,
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

impl Pagetypeinfo {
    /// Free blocks of one migrate type in one zone.
    pub fn free_of(&self, node: u32, zone: &str, migrate_type: &str) -> Option<&FreeByType> {
        self.free
            .iter()
            .find(|f| f.node == node && f.zone == zone && f.migrate_type == migrate_type)
    }
}

impl ParsedFile for Pagetypeinfo {
    fn record_count(&self) -> usize {
        self.free.len() + self.blocks.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `/proc/pagetypeinfo`.
pub fn parse(text: &str) -> Pagetypeinfo {
    let mut out = Pagetypeinfo::default();
    let mut block_types: Vec<String> = Vec::new();
    for (no, raw) in numbered_lines(text) {
        let line = unquote(raw).trim_end();
        if line.is_empty() || line.starts_with("Free pages count per migrate type at order") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("Page block order:") {
            if let Ok(v) = rest.trim().parse() {
                out.page_block_order = Some(v);
                continue;
            }
        } else if let Some(rest) = line.strip_prefix("Pages per block:") {
            if let Ok(v) = rest.trim().parse() {
                out.pages_per_block = Some(v);
                continue;
            }
        } else if let Some(rest) = line.strip_prefix("Number of blocks type") {
            block_types = rest.split_whitespace().map(str::to_string).collect();
            if !block_types.is_empty() {
                continue;
            }
        } else if let Ok((_, (node, zone, migrate_type, counts))) = free_row(line) {
            out.free.push(FreeByType {
                node,
                zone: zone.to_string(),
                migrate_type: migrate_type.to_string(),
                capped: counts.iter().any(|(capped, _)| *capped),
                free_blocks: counts.into_iter().map(|(_, n)| n).collect(),
                line: no,
            });
            continue;
        } else if let Ok((_, (node, zone, counts))) = blocks_row(line) {
            if !block_types.is_empty() && counts.len() <= block_types.len() {
                out.blocks.push(BlocksByType {
                    node,
                    zone: zone.to_string(),
                    blocks: block_types.iter().cloned().zip(counts).collect(),
                    line: no,
                });
                continue;
            }
        }
        out.unparsed.push(Unparsed::new(no, raw));
    }
    out
}

/// `Node    0, zone      DMA` (shared by both row kinds).
fn node_zone(input: &str) -> IResult<&str, (u32, &str)> {
    (
        tag("Node"),
        space1,
        map_res(dec_u64, u32::try_from),
        char(','),
        space0,
        tag("zone"),
        space1,
        take_while1(|c: char| !c.is_whitespace() && c != ','),
    )
        .map(|(_, _, node, _, _, _, _, zone)| (node, zone))
        .parse(input)
}

/// A free-pages row: node, zone, migrate type, and `(capped, count)` per order.
type FreeRow<'a> = (u32, &'a str, &'a str, Vec<(bool, u64)>);

/// `Node    0, zone      DMA, type    Unmovable      1      0 >100000`.
fn free_row(input: &str) -> IResult<&str, FreeRow<'_>> {
    let count = preceded(space1, (opt(char('>')).map(|c| c.is_some()), dec_u64));
    all_consuming((
        node_zone,
        (char(','), space0, tag("type"), space1),
        take_while1(|c: char| !c.is_whitespace()),
        many1(count),
        space0,
    ))
    .map(|((node, zone), _, ty, counts, _)| (node, zone, ty, counts))
    .parse(input)
}

/// `Node 0, zone      DMA            3            5            0`.
fn blocks_row(input: &str) -> IResult<&str, (u32, &str, Vec<u64>)> {
    all_consuming((node_zone, spaced_u64s))
        .map(|((node, zone), counts)| (node, zone, counts))
        .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
Page block order: 9
Pages per block:  512

Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 
Node    0, zone      DMA, type    Unmovable      1      0      0      1      2      1      1      0      1      0      0 
Node    0, zone   Normal, type      Movable >100000  51233   8123   1200    300     50     10      4      1      0      0 

Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate 
Node 0, zone      DMA            3            5            0            0            0 
Node 0, zone   Normal          120         7020           52            0            0 
";

    #[test]
    fn reads_header_free_and_block_rows() {
        let info = parse(TEXT);
        assert!(info.unparsed.is_empty(), "{:?}", info.unparsed);
        assert_eq!((info.page_block_order, info.pages_per_block), (Some(9), Some(512)));
        assert_eq!(info.free.len(), 2);
        let movable = info.free_of(0, "Normal", "Movable").unwrap();
        assert!(movable.capped);
        assert_eq!(movable.free_blocks[..3], [100_000, 51_233, 8_123]);
        assert_eq!(info.free[0].free_blocks.len(), 11);
        assert!(!info.free[0].capped);
        let normal = &info.blocks[1];
        assert_eq!(normal.zone, "Normal");
        assert_eq!(normal.blocks[1], ("Movable".to_string(), 7020));
        assert_eq!(normal.blocks.len(), 5);
    }

    #[test]
    fn block_rows_need_a_header() {
        let info = parse("Node 0, zone DMA 3 5\n");
        assert!(info.blocks.is_empty());
        assert_eq!(info.unparsed.len(), 1);
    }
}
