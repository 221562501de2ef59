//! GFP flags in plain words: whether an allocation could sleep, reclaim, start I/O or call
//! into filesystems, and which zone it came from. Reads the symbolic flags the kernel printed
//! (`mode:0x140c0c0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)`), or, for kernels before 4.4 that
//! printed only hex (`mode:0x20`), the bits of that era.

use serde::Serialize;

/// What a GFP mask says about an allocation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct GfpInfo {
    /// The allocation could not sleep (atomic context, no direct reclaim or compaction).
    pub atomic: bool,
    /// It could enter direct reclaim (and compaction).
    pub may_reclaim: bool,
    /// It could start I/O.
    pub may_io: bool,
    /// It could call into filesystems.
    pub may_fs: bool,
    /// It could dip into the reserves below the min watermark (`__GFP_HIGH`, `__GFP_MEMALLOC`).
    pub may_use_reserves: bool,
    /// The highest zone it could use (`DMA`, `DMA32`, `Normal`, `HighMem`, `Movable`).
    pub zone: &'static str,
    /// A compound (huge or multi-page kernel) page.
    pub compound: bool,
    /// The caller asked for no warning, retry or failure handling worth noting.
    pub notes: Vec<&'static str>,
    /// Whether the flags were read from names (`true`) or decoded from hex.
    pub from_names: bool,
}

impl GfpInfo {
    /// One sentence: "may sleep, reclaim and compact, start I/O and call filesystems; from
    /// zone Normal or below".
    pub fn words(&self) -> String {
        let mut s = if self.atomic {
            "atomic: could not sleep, so no direct reclaim or compaction".to_string()
        } else if self.may_reclaim {
            let mut what = vec!["could sleep, reclaim and compact"];
            if self.may_io {
                what.push("start I/O");
            }
            if self.may_fs {
                what.push("call into filesystems");
            } else {
                what.push("but not call into filesystems (NOFS)");
            }
            what.join(", ")
        } else {
            "could not enter direct reclaim (only kswapd could help)".to_string()
        };
        if self.may_use_reserves {
            s.push_str("; allowed into the reserves below the min watermark");
        }
        s.push_str(&format!("; zone {} or below", self.zone));
        if self.compound {
            s.push_str("; compound page");
        }
        for n in &self.notes {
            s.push_str("; ");
            s.push_str(n);
        }
        s
    }
}

/// Decodes the printed flags, or the hex mask on kernels older than 4.4 (`kernel` is
/// `(major, minor)` when known). `None` when neither is possible.
pub fn decode(flags: &[String], mask: &str, kernel: Option<(u32, u32)>) -> Option<GfpInfo> {
    if !flags.is_empty() {
        return Some(from_names(flags));
    }
    let old_layout = kernel.is_some_and(|k| k < (4, 4));
    if !old_layout {
        return None;
    }
    let hex = mask.trim().trim_start_matches("0x");
    let bits = u64::from_str_radix(hex, 16).ok()?;
    Some(from_old_bits(bits))
}

fn from_names(flags: &[String]) -> GfpInfo {
    let mut info = GfpInfo { zone: "Normal", from_names: true, ..GfpInfo::default() };
    let has = |name: &str| flags.iter().any(|f| f == name);
    // Composite names first.
    let mut reclaim = false;
    let mut kswapd = false;
    let mut io = false;
    let mut fs = false;
    for f in flags {
        match f.as_str() {
            "GFP_KERNEL"
            | "GFP_KERNEL_ACCOUNT"
            | "GFP_USER"
            | "GFP_HIGHUSER"
            | "GFP_HIGHUSER_MOVABLE"
            | "GFP_TRANSHUGE" => {
                reclaim = true;
                kswapd = true;
                io = true;
                fs = true;
            }
            "GFP_TRANSHUGE_LIGHT" => {
                reclaim = true;
            }
            "GFP_NOFS" => {
                reclaim = true;
                kswapd = true;
                io = true;
            }
            "GFP_NOIO" => {
                reclaim = true;
                kswapd = true;
            }
            "GFP_ATOMIC" => {
                info.may_use_reserves = true;
                kswapd = true;
            }
            "GFP_NOWAIT" => {
                kswapd = true;
            }
            "__GFP_RECLAIM" => {
                reclaim = true;
                kswapd = true;
            }
            "__GFP_DIRECT_RECLAIM" | "__GFP_WAIT" => reclaim = true,
            "__GFP_KSWAPD_RECLAIM" => kswapd = true,
            "__GFP_IO" => io = true,
            "__GFP_FS" => fs = true,
            "__GFP_HIGH" | "__GFP_MEMALLOC" | "__GFP_ATOMIC" => info.may_use_reserves = true,
            _ => {}
        }
    }
    let _ = kswapd;
    info.may_reclaim = reclaim;
    info.atomic = !reclaim;
    info.may_io = io;
    info.may_fs = fs;
    info.zone = if has("__GFP_DMA") || has("GFP_DMA") {
        "DMA"
    } else if has("__GFP_DMA32") || has("GFP_DMA32") {
        "DMA32"
    } else if has("__GFP_MOVABLE") || has("GFP_HIGHUSER_MOVABLE") {
        "Movable"
    } else if has("__GFP_HIGHMEM") || has("GFP_HIGHUSER") {
        "HighMem"
    } else {
        "Normal"
    };
    info.compound = has("__GFP_COMP") || has("GFP_TRANSHUGE") || has("GFP_TRANSHUGE_LIGHT");
    if has("__GFP_NORETRY") {
        info.notes.push("no retry (the caller has a fallback)");
    }
    if has("__GFP_RETRY_MAYFAIL") || has("__GFP_REPEAT") {
        info.notes.push("retried hard before failing");
    }
    if has("__GFP_NOFAIL") {
        info.notes.push("must not fail (loops until it succeeds)");
    }
    if has("__GFP_THISNODE") {
        info.notes.push("only from the local node");
    }
    info
}

/// The bit layout of kernels before 4.4 (`include/linux/gfp.h` in 2.6.32–4.3).
fn from_old_bits(bits: u64) -> GfpInfo {
    const DMA: u64 = 0x01;
    const HIGHMEM: u64 = 0x02;
    const DMA32: u64 = 0x04;
    const MOVABLE: u64 = 0x08;
    const WAIT: u64 = 0x10;
    const HIGH: u64 = 0x20;
    const IO: u64 = 0x40;
    const FS: u64 = 0x80;
    const REPEAT: u64 = 0x400;
    const NOFAIL: u64 = 0x800;
    const NORETRY: u64 = 0x1000;
    const MEMALLOC: u64 = 0x2000;
    const COMP: u64 = 0x4000;
    let mut info = GfpInfo {
        atomic: bits & WAIT == 0,
        may_reclaim: bits & WAIT != 0,
        may_io: bits & IO != 0,
        may_fs: bits & FS != 0,
        may_use_reserves: bits & (HIGH | MEMALLOC) != 0,
        compound: bits & COMP != 0,
        from_names: false,
        ..GfpInfo::default()
    };
    info.zone = if bits & DMA != 0 {
        "DMA"
    } else if bits & DMA32 != 0 {
        "DMA32"
    } else if bits & MOVABLE != 0 {
        "Movable"
    } else if bits & HIGHMEM != 0 {
        "HighMem"
    } else {
        "Normal"
    };
    if bits & NORETRY != 0 {
        info.notes.push("no retry (the caller has a fallback)");
    }
    if bits & REPEAT != 0 {
        info.notes.push("retried hard before failing");
    }
    if bits & NOFAIL != 0 {
        info.notes.push("must not fail (loops until it succeeds)");
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<String> {
        s.split('|').map(str::to_string).collect()
    }

    #[test]
    fn gfp_kernel_from_seed_case_3() {
        // qemu-system-x86: page allocation failure: order:6, mode:0x140c0c0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)
        let info = decode(&names("GFP_KERNEL|__GFP_COMP|__GFP_ZERO"), "0x140c0c0", Some((4, 15)));
        let info = info.expect("names decode");
        assert!(!info.atomic && info.may_reclaim && info.may_io && info.may_fs && info.compound);
        assert_eq!(info.zone, "Normal");
        assert_eq!(
            info.words(),
            "could sleep, reclaim and compact, start I/O, call into filesystems; zone Normal or below; compound page"
        );
    }

    #[test]
    fn atomic_hex_on_3_10() {
        // swapper/0: page allocation failure: order:2, mode:0x20   (3.10: 0x20 = GFP_ATOMIC)
        let info = decode(&[], "0x20", Some((3, 10))).expect("old layout");
        assert!(info.atomic && info.may_use_reserves && !info.may_reclaim);
        assert!(info.words().starts_with("atomic: could not sleep"));
    }

    #[test]
    fn hex_only_on_new_kernels_is_not_guessed() {
        assert_eq!(decode(&[], "0x14040c0", Some((4, 9))), None);
        assert_eq!(decode(&[], "0x20", None), None);
    }

    #[test]
    fn nofs_and_dma32() {
        let info = decode(&names("GFP_NOFS|__GFP_DMA32|__GFP_NOWARN"), "0x0", None).expect("names");
        assert!(info.may_reclaim && info.may_io && !info.may_fs);
        assert_eq!(info.zone, "DMA32");
        assert!(info.words().contains("not call into filesystems"));
    }

    #[test]
    fn gfp_atomic_names() {
        let info = decode(&names("GFP_ATOMIC|__GFP_COMP"), "0x0", None).expect("names");
        assert!(info.atomic && info.may_use_reserves);
    }
}
