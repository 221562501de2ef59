//! Arithmetic on free blocks per order (a `/proc/buddyinfo` row or a Mem-Info buddy line):
//! free pages, blocks usable for an order, and the kernel's fragmentation index
//! (docs/FORMATS.md 5.3).

/// Free-block statistics of one zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BuddyStats<'a> {
    /// Free blocks per order.
    pub(crate) blocks: &'a [u64],
}

impl BuddyStats<'_> {
    /// Total free pages `F = Σ n_i 2^i`.
    pub(crate) fn free_pages(&self) -> u64 {
        self.blocks.iter().enumerate().fold(0u64, |acc, (i, n)| acc.saturating_add(pages_at(i, *n)))
    }

    /// Free pages in blocks of order `k` or higher.
    pub(crate) fn pages_at_or_above(&self, k: usize) -> u64 {
        self.blocks
            .iter()
            .enumerate()
            .skip(k)
            .fold(0u64, |acc, (i, n)| acc.saturating_add(pages_at(i, *n)))
    }

    /// Blocks usable for an order-`k` request `B_k = Σ_{i≥k} n_i 2^{i-k}`.
    pub(crate) fn blocks_for(&self, k: usize) -> u64 {
        self.blocks.iter().enumerate().skip(k).fold(0u64, |acc, (i, n)| {
            let shift = u32::try_from(i - k).unwrap_or(u32::MAX);
            acc.saturating_add(n.saturating_mul(1u64.checked_shl(shift).unwrap_or(u64::MAX)))
        })
    }

    /// The highest order with a free block.
    pub(crate) fn largest_order(&self) -> Option<usize> {
        self.blocks.iter().rposition(|n| *n > 0)
    }

    /// The orders with no free block at all, from the lowest such order that has none at or
    /// above it: the first order an allocation would fail at.
    pub(crate) fn first_empty_order(&self) -> Option<usize> {
        match self.largest_order() {
            Some(l) if l + 1 < self.blocks.len() => Some(l + 1),
            Some(_) => None,
            None => Some(0),
        }
    }

    /// The kernel's fragmentation index for order `k`, in thousandths: `None` when the
    /// allocation would succeed (`-1000` in debugfs), else `1000 - (1000 + F*1000/2^k) / T`.
    /// Near 0: failure from lack of memory; near 1000: from fragmentation.
    pub(crate) fn fragmentation_index(&self, k: usize) -> Option<u64> {
        if self.blocks_for(k) > 0 {
            return None;
        }
        let total_blocks: u64 = self.blocks.iter().fold(0u64, |a, n| a.saturating_add(*n));
        if total_blocks == 0 {
            return Some(0);
        }
        let per_block = 1u64.checked_shl(u32::try_from(k).unwrap_or(u32::MAX)).unwrap_or(u64::MAX);
        let requested = self.free_pages().saturating_mul(1000) / per_block.max(1);
        let ratio = requested.saturating_add(1000) / total_blocks;
        Some(1000u64.saturating_sub(ratio))
    }

    /// The unusable free space index for order `k` in thousandths: the share of free memory
    /// in blocks too small for the order.
    pub(crate) fn unusable_index(&self, k: usize) -> u64 {
        let f = self.free_pages();
        if f == 0 {
            return 1000;
        }
        let usable = self.pages_at_or_above(k);
        f.saturating_sub(usable).saturating_mul(1000) / f
    }
}

fn pages_at(order: usize, blocks: u64) -> u64 {
    let shift = u32::try_from(order).unwrap_or(u32::MAX);
    blocks.saturating_mul(1u64.checked_shl(shift).unwrap_or(u64::MAX))
}

/// 4 KiB << order in words: `256 KiB`, `2 MiB`.
pub(crate) fn order_size(order: u32) -> String {
    let kb = 4u64.checked_shl(order).unwrap_or(u64::MAX);
    if kb >= 1024 { format!("{} MiB", kb / 1024) } else { format!("{kb} KiB") }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Node 0, zone   Normal     17    203    102     17     21      4      7     10      8      0      0
    const NORMAL: [u64; 11] = [17, 203, 102, 17, 21, 4, 7, 10, 8, 0, 0];

    #[test]
    fn free_pages_and_blocks() {
        let b = BuddyStats { blocks: &NORMAL };
        // 17 + 406 + 408 + 136 + 336 + 128 + 448 + 1280 + 2048 = 5207
        assert_eq!(b.free_pages(), 5207);
        assert_eq!(b.blocks_for(8), 8);
        assert_eq!(b.blocks_for(9), 0);
        assert_eq!(b.largest_order(), Some(8));
        assert_eq!(b.first_empty_order(), Some(9));
        assert_eq!(b.fragmentation_index(3), None);
    }

    #[test]
    fn fragmentation_index_matches_the_kernel_formula() {
        let b = BuddyStats { blocks: &NORMAL };
        // T = 389 blocks; 1000 - (1000 + 5207*1000/512) / 389 = 1000 - (1000 + 10169) / 389 = 972
        assert_eq!(b.fragmentation_index(9), Some(972));
        let empty = BuddyStats { blocks: &[0, 0, 0] };
        assert_eq!(empty.fragmentation_index(1), Some(0));
        assert_eq!(empty.unusable_index(1), 1000);
    }

    #[test]
    fn unusable_index() {
        let b = BuddyStats { blocks: &NORMAL };
        // pages in orders < 4: 17 + 406 + 408 + 136 = 967 of 5207
        assert_eq!(b.unusable_index(4), 967 * 1000 / 5207);
    }

    #[test]
    fn order_sizes() {
        assert_eq!(order_size(6), "256 KiB");
        assert_eq!(order_size(9), "2 MiB");
        assert_eq!(order_size(0), "4 KiB");
    }
}
