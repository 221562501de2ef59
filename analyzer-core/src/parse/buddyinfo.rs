//! `/proc/buddyinfo` (`frag_show_print`): `Node 0, zone   Normal     17    203    102 …`, free
//! blocks per order, any number of orders (11 on x86_64, 14 on arm64 with 64 KiB pages).
//!
//! The derived values follow docs/FORMATS.md 5.3 and the kernel's `mm/vmstat.c`.

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::{tag, take_while1};
use nom::character::complete::{char, space0, space1};
use nom::combinator::{all_consuming, map_res};
use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, dec_u64, numbered_lines, pages_of_order, spaced_u64s, unquote};

/// One row: free blocks of each order in one zone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BuddyZone {
    /// NUMA node.
    pub node: u32,
    /// Zone name.
    pub zone: String,
    /// Free blocks per order (index = order).
    pub free_blocks: Vec<u64>,
    /// 1-based line.
    pub line: u64,
}

impl BuddyZone {
    /// Free pages held in blocks of each order: `n_i × 2^i`.
    pub fn free_pages_by_order(&self) -> Vec<u64> {
        self.free_blocks.iter().enumerate().map(|(i, &n)| pages_of_order(n, i)).collect()
    }

    /// Total free pages `F = Σ n_i 2^i` (zoneinfo `nr_free_pages` apart from per-cpu lists).
    pub fn total_free_pages(&self) -> u64 {
        self.free_pages_by_order().into_iter().fold(0, u64::saturating_add)
    }

    /// Free pages in blocks large enough for an order-`k` request: `S_k = Σ_{i≥k} n_i 2^i`.
    pub fn pages_usable_for(&self, order: usize) -> u64 {
        self.free_pages_by_order().into_iter().skip(order).fold(0, u64::saturating_add)
    }

    /// Order-`k` blocks that could be handed out: `B_k = Σ_{i≥k} n_i 2^{i-k}`. An order-`k`
    /// allocation fails (without compaction) when this is 0.
    pub fn blocks_usable_for(&self, order: usize) -> u64 {
        self.free_blocks
            .iter()
            .enumerate()
            .skip(order)
            .map(|(i, &n)| pages_of_order(n, i.saturating_sub(order)))
            .fold(0, u64::saturating_add)
    }

    /// Unusable free space index for order `k` in thousandths (kernel `unusable_free_index`,
    /// debugfs `extfrag/unusable_index`): `1000 × (F - S_k) / F`, 1000 when nothing is free.
    /// 0 means no fragmentation; 1000 means no free memory is usable for the order.
    pub fn unusable_free_index(&self, order: usize) -> u64 {
        let total = u128::from(self.total_free_pages());
        if total == 0 {
            return 1000;
        }
        let usable = u128::from(self.pages_usable_for(order));
        let index = total.saturating_sub(usable).saturating_mul(1000) / total;
        u64::try_from(index).unwrap_or(1000)
    }

    /// Fragmentation index for order `k` in thousandths, as the kernel computes it
    /// (`__fragmentation_index`, debugfs `extfrag/extfrag_index`): -1000 when an order-`k`
    /// block is free (the request would succeed), 0 when nothing is free, otherwise
    /// `1000 - (1000 + F×1000/2^k) / T` with `T` the free blocks of all orders. Near 0 means a
    /// failure would come from lack of memory, near 1000 from fragmentation (compaction
    /// runs above `vm.extfrag_threshold`, default 500).
    pub fn fragmentation_index(&self, order: usize) -> i64 {
        if self.blocks_usable_for(order) > 0 {
            return -1000;
        }
        let blocks = self.free_blocks.iter().map(|&n| u128::from(n)).sum::<u128>();
        if blocks == 0 {
            return 0;
        }
        let free = u128::from(self.total_free_pages());
        let requested =
            u32::try_from(order).ok().and_then(|k| 1u128.checked_shl(k)).unwrap_or(u128::MAX);
        let ratio = free.saturating_mul(1000) / requested;
        let index = 1000i128 - i128::try_from((1000 + ratio) / blocks).unwrap_or(i128::MAX);
        i64::try_from(index).unwrap_or(i64::MIN)
    }

    /// Free bytes for a page size (4096 on x86_64).
    pub fn free_bytes(&self, page_size: u64) -> u64 {
        self.total_free_pages().saturating_mul(page_size)
    }
}

/// Parsed `/proc/buddyinfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Buddyinfo {
    /// Rows in file order.
    pub zones: Vec<BuddyZone>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl Buddyinfo {
    /// The row of zone `name` on `node`.
    pub fn zone(&self, node: u32, name: &str) -> Option<&BuddyZone> {
        self.zones.iter().find(|z| z.node == node && z.zone == name)
    }

    /// NUMA nodes present, ascending.
    pub fn nodes(&self) -> Vec<u32> {
        let mut nodes: Vec<u32> = self.zones.iter().map(|z| z.node).collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }

    /// Number of orders (columns) of the widest row.
    pub fn orders(&self) -> usize {
        self.zones.iter().map(|z| z.free_blocks.len()).max().unwrap_or(0)
    }
}

impl ParsedFile for Buddyinfo {
    fn record_count(&self) -> usize {
        self.zones.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `/proc/buddyinfo`.
pub fn parse(text: &str) -> Buddyinfo {
    let mut out = Buddyinfo::default();
    for (no, raw) in numbered_lines(text) {
        let line = unquote(raw);
        if line.trim().is_empty() {
            continue;
        }
        match row(line) {
            Ok((_, (node, zone, free_blocks))) => {
                out.zones.push(BuddyZone { node, zone: zone.to_string(), free_blocks, line: no })
            }
            Err(_) => out.unparsed.push(Unparsed::new(no, raw)),
        }
    }
    out
}

/// `Node 0, zone      DMA      2      0      1 `.
fn row(input: &str) -> IResult<&str, (u32, &str, Vec<u64>)> {
    all_consuming((
        tag("Node"),
        space1,
        map_res(dec_u64, u32::try_from),
        char(','),
        space0,
        tag("zone"),
        space1,
        take_while1(|c: char| !c.is_whitespace()),
        spaced_u64s,
    ))
    .map(|(_, _, node, _, _, _, _, zone, counts)| (node, zone, counts))
    .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
Node 0, zone      DMA      1      1      1      0      2      1      1      0      1      1      3 
Node 0, zone    DMA32    170     66     58     60     26     17     10     12      7      7    111 
Node 0, zone   Normal    356    154    571    302    143     14      7      4      3      2      0 
";

    #[test]
    fn reads_rows_with_trailing_space() {
        let info = parse(TEXT);
        assert!(info.unparsed.is_empty());
        assert_eq!(info.nodes(), vec![0]);
        assert_eq!(info.orders(), 11);
        let normal = info.zone(0, "Normal").unwrap();
        assert_eq!(normal.free_blocks, vec![356, 154, 571, 302, 143, 14, 7, 4, 3, 2, 0]);
        assert_eq!(normal.line, 3);
    }

    #[test]
    fn derived_values_of_the_normal_zone() {
        let info = parse(TEXT);
        let normal = info.zone(0, "Normal").unwrap();
        // 356 + 308 + 2284 + 2416 + 2288 + 448 + 448 + 512 + 768 + 1024 + 0
        assert_eq!(normal.total_free_pages(), 10_852);
        assert_eq!(normal.free_pages_by_order()[3], 2416);
        assert_eq!(normal.pages_usable_for(9), 1024);
        assert_eq!(normal.blocks_usable_for(9), 2);
        assert_eq!(normal.blocks_usable_for(10), 0);
        // (10852 - 1024) × 1000 / 10852
        assert_eq!(normal.unusable_free_index(9), 905);
        assert_eq!(normal.unusable_free_index(0), 0);
        assert_eq!(normal.fragmentation_index(9), -1000);
        // T = 1556; 1000 - (1000 + 10852000/1024) / 1556 = 1000 - 11597/1556 = 1000 - 7
        assert_eq!(normal.fragmentation_index(10), 993);
        assert_eq!(normal.free_bytes(4096), 10_852 * 4096);
    }

    #[test]
    fn empty_zone_and_bad_lines() {
        let info = parse("Node 0, zone DMA 0 0 0\nNode 0, zone DMA\nhello\n");
        let dma = &info.zones[0];
        assert_eq!(dma.unusable_free_index(1), 1000);
        assert_eq!(dma.fragmentation_index(1), 0);
        assert_eq!(info.unparsed.iter().map(|u| u.line).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(parse("Node 0, zone N 1 1\n").zones[0].pages_usable_for(99), 0);
    }
}
