//! `free` output in every procps layout (old with `-/+ buffers/cache:`, new with `buff/cache`,
//! wide `-w`) and unit (`-b`, `-k`, `-m`, `-g`, `-h`):
//! `Mem:        4026036      963044      127976        1256     2935016     2775572`.
//!
//! A file may hold several invocations with prompt lines (`# free -m`) and other text between
//! them; a prompt line above a header sets the unit of suffix-less numbers in that block.
//! Without a prompt, a block assumed to be in KiB whose `Mem:` numbers are all multiples of
//! 1024 (at least three of them non-zero) is read as `free -b` output: procps reads
//! `/proc/meminfo` in kB, so every number it prints in bytes is such a multiple, while KiB
//! numbers almost never all are.

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::take_while_m_n;
use nom::character::complete::{char, digit1, one_of};
use nom::combinator::{all_consuming, opt, recognize};
use nom::sequence::preceded;
use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, numbered_lines, unquote};

/// Which header layout the output used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FreeLayout {
    /// procps 3.2 / procps-ng ≤3.3.9: `buffers cached` and a `-/+ buffers/cache:` row.
    #[default]
    Old,
    /// procps-ng ≥3.3.10: `buff/cache available`.
    New,
    /// `free -w`: `buffers cache available`.
    Wide,
    /// procps-ng 4.x `free -L`, one line with no header:
    /// `SwapUse           0 CachUse     5318704  MemUse     6201700 MemFree      532648`.
    Line,
}

/// The unit suffix-less numbers are printed in, set by the flag `free` ran with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum FreeUnit {
    /// `-b`.
    Bytes,
    /// `-k` (the default).
    #[default]
    KiB,
    /// `-m`.
    MiB,
    /// `-g`.
    GiB,
    /// `--tebi`.
    TiB,
    /// `--kilo` (10^3).
    Kilo,
    /// `--mega` (10^6).
    Mega,
    /// `--giga` (10^9).
    Giga,
    /// `-h`: every number carries its own suffix (`1.5Gi`, `512M`, `0B`), powers of 1024.
    Human,
    /// `-h --si`: suffixes are powers of 1000 (`1.6G`).
    HumanSi,
}

impl FreeUnit {
    /// The name stored in [`FreeBlock::unit`]: `B`, `KiB`, `MiB`, `GiB`, `TiB`, `kB`, `MB`,
    /// `GB`, or `human`.
    pub fn as_str(self) -> &'static str {
        match self {
            FreeUnit::Bytes => "B",
            FreeUnit::KiB => "KiB",
            FreeUnit::MiB => "MiB",
            FreeUnit::GiB => "GiB",
            FreeUnit::TiB => "TiB",
            FreeUnit::Kilo => "kB",
            FreeUnit::Mega => "MB",
            FreeUnit::Giga => "GB",
            FreeUnit::Human => "human",
            FreeUnit::HumanSi => "human-si",
        }
    }

    /// Bytes in one unit of a suffix-less number (`human` prints bytes when it has no suffix).
    pub fn bytes(self) -> u64 {
        match self {
            FreeUnit::Bytes | FreeUnit::Human | FreeUnit::HumanSi => 1,
            FreeUnit::KiB => 1 << 10,
            FreeUnit::MiB => 1 << 20,
            FreeUnit::GiB => 1 << 30,
            FreeUnit::TiB => 1 << 40,
            FreeUnit::Kilo => 1_000,
            FreeUnit::Mega => 1_000_000,
            FreeUnit::Giga => 1_000_000_000,
        }
    }

    /// How precise the numbers are: lower is better (bytes and KiB before MiB before `-h`).
    pub fn coarseness(self) -> u64 {
        match self {
            FreeUnit::Human | FreeUnit::HumanSi => u64::MAX,
            other => other.bytes(),
        }
    }

    /// The unit of suffix-less numbers in a file named after its command, as sos names them
    /// (`sos_commands/memory/free_-m` → MiB, `free` → KiB); KiB when the name says nothing.
    pub fn of_file_name(path: &str) -> FreeUnit {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        match name.strip_prefix("free_") {
            Some(flags) => {
                FreeUnit::from_command_line(&format!("free {}", flags.replace('_', " ")))
                    .unwrap_or(FreeUnit::KiB)
            }
            None => FreeUnit::KiB,
        }
    }

    /// The unit a `free` command line selects (`free -m`, `/usr/bin/free -k`, `free -hw`), or
    /// `None` when `line` is not a `free` command line (every word after `free` must be one of
    /// its flags). Prompts before the command are allowed.
    pub fn from_command_line(line: &str) -> Option<FreeUnit> {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let at = tokens.iter().position(|t| *t == "free" || t.ends_with("/free"))?;
        if at > 0 && tokens.get(at - 1).is_some_and(|t| matches!(*t, "man" | "info" | "which")) {
            return None;
        }
        let flags = tokens.get(at + 1..).unwrap_or_default();
        let is_flag = |f: &&str| match f.strip_prefix("--") {
            Some(long) => {
                !long.is_empty() && long.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            }
            None => f.strip_prefix('-').is_some_and(|short| {
                !short.is_empty() && short.chars().all(|c| "bkmghwltvL".contains(c))
            }),
        };
        if !flags.iter().all(is_flag) {
            return None;
        }
        let mut unit = FreeUnit::KiB;
        let si = flags.contains(&"--si");
        for flag in flags {
            unit = match *flag {
                "--bytes" => FreeUnit::Bytes,
                "--kibi" | "--kilobytes" => FreeUnit::KiB,
                "--mebi" | "--megabytes" => FreeUnit::MiB,
                "--gibi" | "--gigabytes" => FreeUnit::GiB,
                "--tebi" | "--terabytes" => FreeUnit::TiB,
                "--kilo" => FreeUnit::Kilo,
                "--mega" => FreeUnit::Mega,
                "--giga" => FreeUnit::Giga,
                "--human" => FreeUnit::Human,
                long if long.starts_with("--") => unit,
                short => short.chars().skip(1).fold(unit, |u, c| match c {
                    'b' => FreeUnit::Bytes,
                    'k' => FreeUnit::KiB,
                    'm' => FreeUnit::MiB,
                    'g' => FreeUnit::GiB,
                    'h' => FreeUnit::Human,
                    _ => u,
                }),
            };
        }
        Some(if si && unit == FreeUnit::Human { FreeUnit::HumanSi } else { unit })
    }
}

/// One row (`Mem:`, `Swap:`…), every value in bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FreeRow {
    /// Total.
    pub total: Option<u64>,
    /// Used, as `free` computed it.
    pub used: Option<u64>,
    /// Free.
    pub free: Option<u64>,
    /// Shared.
    pub shared: Option<u64>,
    /// Buffers (old and wide layouts).
    pub buffers: Option<u64>,
    /// Cached (old layout) or cache (wide).
    pub cached: Option<u64>,
    /// buff/cache (new layout).
    pub buff_cache: Option<u64>,
    /// Available (new and wide layouts).
    pub available: Option<u64>,
}

impl FreeRow {
    /// Page cache plus buffers, bytes, whatever the layout (`buff/cache`, or `buffers + cache`).
    pub fn cache_total(&self) -> Option<u64> {
        self.buff_cache.or_else(|| match (self.buffers, self.cached) {
            (Some(b), Some(c)) => Some(b.saturating_add(c)),
            (b, c) => b.or(c),
        })
    }

    /// The value of one column by its header name (`total`, `buff/cache`, `cache`…).
    pub fn column(&self, name: &str) -> Option<u64> {
        match name {
            "total" => self.total,
            "used" => self.used,
            "free" => self.free,
            "shared" => self.shared,
            "buffers" => self.buffers,
            "cached" | "cache" => self.cached,
            "buff/cache" => self.buff_cache,
            "available" => self.available,
            _ => None,
        }
    }

    fn set(&mut self, column: &str, value: u64) {
        let slot = match column {
            "total" => &mut self.total,
            "used" => &mut self.used,
            "free" => &mut self.free,
            "shared" => &mut self.shared,
            "buffers" => &mut self.buffers,
            "cached" | "cache" => &mut self.cached,
            "buff/cache" => &mut self.buff_cache,
            "available" => &mut self.available,
            _ => return,
        };
        *slot = Some(value);
    }
}

/// One invocation of `free`: a header and its rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FreeBlock {
    /// Header layout.
    pub layout: FreeLayout,
    /// The unit values were printed in (`B`, `KiB`, `MiB`, `GiB`, or `human` for `-h`; see
    /// [`FreeUnit::as_str`]).
    pub unit: String,
    /// `Mem:` row.
    pub mem: FreeRow,
    /// `-/+ buffers/cache:` row (old layout): used and free, bytes.
    pub buffers_cache: Option<(u64, u64)>,
    /// `Swap:` row.
    pub swap: Option<FreeRow>,
    /// Other rows (`Low:`, `High:` with `-l`, `Total:` with `-t`), by label without the colon.
    pub other_rows: Vec<(String, FreeRow)>,
    /// 1-based line of the header.
    pub line: u64,
}

impl FreeBlock {
    /// Memory available for new work, bytes: `available` (new and wide layouts), else the
    /// `-/+ buffers/cache` free column (old layout).
    pub fn available_bytes(&self) -> Option<u64> {
        self.mem.available.or(self.buffers_cache.map(|(_, free)| free))
    }

    /// Swap in use, bytes.
    pub fn swap_used_bytes(&self) -> Option<u64> {
        self.swap.as_ref().and_then(|s| s.used)
    }

    fn coarseness(&self) -> u64 {
        match self.unit.as_str() {
            "B" => 1,
            "KiB" => 1 << 10,
            "kB" => 1_000,
            "MB" => 1_000_000,
            "MiB" => 1 << 20,
            "GB" => 1_000_000_000,
            "GiB" => 1 << 30,
            "TiB" => 1 << 40,
            _ => u64::MAX,
        }
    }
}

/// Parsed `free` output: a file may hold several invocations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Free {
    /// Each header with its rows, in file order.
    pub blocks: Vec<FreeBlock>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl Free {
    /// The block printed in the finest unit (bytes or KiB before MiB before `-h`); the first
    /// such block when several tie.
    pub fn most_precise(&self) -> Option<&FreeBlock> {
        self.blocks.iter().min_by_key(|b| b.coarseness())
    }

    /// How precise [`Free::most_precise`] is (lower is better), `u64::MAX` when empty.
    pub fn coarseness(&self) -> u64 {
        self.most_precise().map_or(u64::MAX, FreeBlock::coarseness)
    }
}

impl ParsedFile for Free {
    fn record_count(&self) -> usize {
        self.blocks.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `free` output printed with no unit flag (KiB), or whatever a prompt line says.
pub fn parse(text: &str) -> Free {
    parse_with_unit(text, FreeUnit::KiB)
}

/// Parses `free` output whose suffix-less numbers are in `default_unit` (sos `free` = KiB,
/// `free_-m` = MiB) unless a prompt line (`# free -m`) just above a header says otherwise.
pub fn parse_with_unit(text: &str, default_unit: FreeUnit) -> Free {
    let mut out = Free::default();
    let mut columns: Vec<String> = Vec::new();
    let mut unit = default_unit;
    let mut unit_is_known = false;
    let mut prompt_unit: Option<FreeUnit> = None;
    for (no, raw) in numbered_lines(text) {
        let line = unquote(raw);
        if line.is_empty() {
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        if let Some(layout) = header_layout(&tokens) {
            unit_is_known = prompt_unit.is_some();
            unit = prompt_unit.take().unwrap_or(default_unit);
            columns = tokens.iter().map(|t| t.to_string()).collect();
            out.blocks.push(FreeBlock {
                layout,
                unit: unit.as_str().to_string(),
                line: no,
                ..FreeBlock::default()
            });
            continue;
        }
        if let Some(mem) = one_line_form(&tokens, prompt_unit.unwrap_or(default_unit)) {
            let unit = prompt_unit.take().unwrap_or(default_unit);
            out.blocks.push(FreeBlock {
                layout: FreeLayout::Line,
                unit: unit.as_str().to_string(),
                swap: Some(FreeRow { used: mem.1, ..FreeRow::default() }),
                mem: mem.0,
                line: no,
                ..FreeBlock::default()
            });
            columns.clear();
            continue;
        }
        if let Some(u) = FreeUnit::from_command_line(line) {
            prompt_unit = Some(u);
            continue;
        }
        let Some(block) = out.blocks.last_mut() else {
            out.unparsed.push(Unparsed::new(no, raw));
            continue;
        };
        if !unit_is_known && unit == FreeUnit::KiB && tokens.first() == Some(&"Mem:") {
            if looks_like_bytes(tokens.get(1..).unwrap_or_default()) {
                unit = FreeUnit::Bytes;
                block.unit = unit.as_str().to_string();
            }
            unit_is_known = true;
        }
        if !read_row(block, &columns, unit, &tokens) {
            out.unparsed.push(Unparsed::new(no, raw));
        }
    }
    out
}

/// The `free -L` line: the Mem row (used, free, buff/cache) and swap used.
fn one_line_form(tokens: &[&str], unit: FreeUnit) -> Option<(FreeRow, Option<u64>)> {
    let [swap_l, swap, cache_l, cache, used_l, used, free_l, free] = tokens else {
        return None;
    };
    if (*swap_l, *cache_l, *used_l, *free_l) != ("SwapUse", "CachUse", "MemUse", "MemFree") {
        return None;
    }
    let mem = FreeRow {
        used: Some(value_bytes(used, unit)?),
        free: Some(value_bytes(free, unit)?),
        buff_cache: Some(value_bytes(cache, unit)?),
        ..FreeRow::default()
    };
    Some((mem, Some(value_bytes(swap, unit)?)))
}

/// Whether suffix-less numbers are all multiples of 1024, at least three of them non-zero
/// (`free -b` output; see the module documentation).
fn looks_like_bytes(values: &[&str]) -> bool {
    let numbers: Option<Vec<u64>> = values.iter().map(|v| v.parse().ok()).collect();
    numbers.is_some_and(|n| {
        n.iter().all(|v| v % 1024 == 0) && n.iter().filter(|&&v| v > 0).count() >= 3
    })
}

/// The layout when the tokens are a `free` header (`total used free …`).
fn header_layout(tokens: &[&str]) -> Option<FreeLayout> {
    let starts = tokens.first() == Some(&"total") && tokens.get(1) == Some(&"used");
    let known = tokens.iter().all(|t| {
        matches!(
            *t,
            "total"
                | "used"
                | "free"
                | "shared"
                | "buffers"
                | "cached"
                | "cache"
                | "buff/cache"
                | "available"
        )
    });
    if !starts || !known {
        return None;
    }
    Some(if tokens.contains(&"buff/cache") {
        FreeLayout::New
    } else if tokens.contains(&"available") || tokens.contains(&"cache") {
        FreeLayout::Wide
    } else {
        FreeLayout::Old
    })
}

/// Fills the block from one row; false when the row is not a `free` row.
fn read_row(block: &mut FreeBlock, columns: &[String], unit: FreeUnit, tokens: &[&str]) -> bool {
    if tokens.first() == Some(&"-/+") && tokens.get(1) == Some(&"buffers/cache:") {
        let values: Option<Vec<u64>> =
            tokens.get(2..).unwrap_or_default().iter().map(|t| value_bytes(t, unit)).collect();
        return match values.as_deref() {
            Some([used, free]) => {
                block.buffers_cache = Some((*used, *free));
                true
            }
            _ => false,
        };
    }
    let Some(label) = tokens.first().and_then(|t| t.strip_suffix(':')) else {
        return false;
    };
    if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let values: Option<Vec<u64>> =
        tokens.get(1..).unwrap_or_default().iter().map(|t| value_bytes(t, unit)).collect();
    let Some(values) = values else { return false };
    if values.is_empty() || values.len() > columns.len() {
        return false;
    }
    let mut row = FreeRow::default();
    for (column, value) in columns.iter().zip(values) {
        row.set(column, value);
    }
    match label {
        "Mem" => block.mem = row,
        "Swap" => block.swap = Some(row),
        other => block.other_rows.push((other.to_string(), row)),
    }
    true
}

/// One printed number in bytes: `8061028` (in `unit`), `1.5Gi`, `512M`, `0B`.
/// Suffixes are powers of 1024 (`K` without `i` too, as procps 3.3.9–3.3.12 printed them),
/// except that `-h --si` output ([`FreeUnit::HumanSi`]) uses powers of 1000 for suffixes
/// without `i`.
pub fn value_bytes(token: &str, unit: FreeUnit) -> Option<u64> {
    let (_, (int, frac, suffix)) = number(token).ok()?;
    let multiplier: u128 = match suffix {
        None => u128::from(unit.bytes()),
        Some(s) => {
            let power = match s.chars().next()? {
                'B' => 0,
                'K' | 'k' => 1,
                'M' => 2,
                'G' => 3,
                'T' => 4,
                'P' => 5,
                'E' => 6,
                _ => return None,
            };
            if unit == FreeUnit::HumanSi && !s.ends_with('i') {
                10u128.pow(3 * power)
            } else {
                1u128 << (10 * power)
            }
        }
    };
    let int: u128 = int.parse().ok()?;
    let mut bytes = int.checked_mul(multiplier)?;
    if let Some(frac) = frac {
        let digits = u32::try_from(frac.len()).ok().filter(|&d| d <= 18)?;
        let frac: u128 = frac.parse().ok()?;
        let scale = 10u128.checked_pow(digits)?;
        let part = frac.checked_mul(multiplier)?;
        bytes = bytes.checked_add((part + scale / 2) / scale)?;
    }
    u64::try_from(bytes).ok()
}

/// `digits[.digits][suffix]`, suffix one of `B K M G T P E` optionally followed by `i`.
fn number(input: &str) -> IResult<&str, (&str, Option<&str>, Option<&str>)> {
    let digits = take_while_m_n(1, 30, |c: char| c.is_ascii_digit());
    let suffix = recognize((one_of("BKkMGTPE"), opt(char('i'))));
    all_consuming((digits, opt(preceded(char('.'), digit1)), opt(suffix))).parse(input)
}

#[cfg(test)]
mod tests;
