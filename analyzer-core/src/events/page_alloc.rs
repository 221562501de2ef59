//! Allocation failures reported by `warn_alloc` (`mm/page_alloc.c`, docs/FORMATS.md 3.3), all
//! eras: `swapper: page allocation failure. order:1, mode:0x20` (2.6.32) up to
//! `ifconfig: page allocation failure: order:5, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO),
//! nodemask=(null),cpuset=/,mems_allowed=0` (5.x+), plus the vmalloc and allocation-stall
//! variants; then the 4.12–4.20 `cpuset=` line, the `CPU: … PID: …` line, the call trace and the
//! `show_mem()` dump (3.3.1), parsed here for page allocation failures and OOM reports alike.

use std::sync::LazyLock;

use regex::Regex;

use super::call_trace;
use super::{NoiseRun, Step};
use crate::model::{AllocKind, MemInfoDump, MemInfoZone, PageAllocFailure};

/// Unrelated lines in a row before the Mem-Info dump before the report is considered over.
const NOISE_LIMIT: u8 = 3;

/// Most zones kept from one dump.
const MAX_ZONES: usize = 64;

static PAGE_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:(.+?): )?page allocation (?:failure|stalls for (\d+)ms)[.:,]? ?order:(\d+)(.*)$",
    )
    .expect("page allocation headline regex")
});

static VMALLOC_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.+?): vmalloc(?:: allocation failure(?::| ?,) (?:allocated \d+ of )?(\d+) bytes| error: size (\d+))(.*)$")
        .expect("vmalloc headline regex")
});

static MODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"mode:(0x[0-9a-fA-F]+|[0-9a-fA-F]+)(?:\(([^)]*)\))?").expect("mode regex")
});

static CPUSET_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\S.*? cpuset=(\S*) mems_allowed=(\S+)\s*$").expect("cpuset line regex")
});

/// The GFP mask and symbolic flags of `mode:0x40dc0(GFP_KERNEL|__GFP_COMP)` / `gfp_mask=0x201da`.
pub(crate) fn gfp(text: &str) -> Option<(String, Vec<String>)> {
    let c = MODE.captures(text)?;
    let hex = c.get(1)?.as_str();
    let mask = if hex.starts_with("0x") { hex.to_string() } else { format!("0x{hex}") };
    Some((mask, split_flags(c.get(2).map(|m| m.as_str()))))
}

/// `GFP_KERNEL|__GFP_COMP` → `["GFP_KERNEL", "__GFP_COMP"]`; `None`/empty/`none` → `[]`.
pub(crate) fn split_flags(flags: Option<&str>) -> Vec<String> {
    flags
        .map(|f| {
            f.split('|')
                .map(str::trim)
                .filter(|f| !f.is_empty() && *f != "none")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `key=value` out of `…, nodemask=(null),cpuset=/,mems_allowed=0`.
fn field(rest: &str, key: &str) -> Option<String> {
    let at = rest.find(key)?;
    let value = rest.get(at + key.len()..)?;
    let end = value.find([',', ' ']).unwrap_or(value.len());
    value.get(..end).map(str::to_string)
}

/// Assembles one allocation failure report.
#[derive(Debug)]
pub(crate) struct Builder {
    fields: PageAllocFailure,
    mem: MemInfoParser,
    run: NoiseRun,
}

impl Builder {
    /// Opens on a `page allocation failure`, `page allocation stalls` or vmalloc failure headline.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        if !msg.contains("allocation") && !msg.contains("vmalloc error") {
            return None;
        }
        let mut fields = PageAllocFailure::default();
        let rest;
        if let Some(c) = PAGE_HEAD.captures(msg) {
            // 4.5–4.11 print the name with its own printk: a split line starts at `page`.
            fields.process = c.get(1).map(|m| m.as_str().to_string()).unwrap_or_default();
            fields.stall_ms = c.get(2).and_then(|m| m.as_str().parse().ok());
            fields.kind =
                if fields.stall_ms.is_some() { AllocKind::Stall } else { AllocKind::Page };
            fields.order = c.get(3)?.as_str().parse().ok()?;
            rest = c.get(4)?.as_str();
        } else if let Some(c) = VMALLOC_HEAD.captures(msg) {
            fields.process = c.get(1)?.as_str().to_string();
            fields.kind = AllocKind::Vmalloc;
            fields.size_bytes = c.get(2).or_else(|| c.get(3)).and_then(|m| m.as_str().parse().ok());
            rest = c.get(4)?.as_str();
        } else {
            return None;
        }
        let mut b =
            Builder { fields, mem: MemInfoParser::default(), run: NoiseRun::new(NOISE_LIMIT) };
        b.details(rest);
        Some(b)
    }

    /// Mode, nodemask, cpuset and mems_allowed from the rest of the headline (or from a
    /// continuation line when `pr_cont` output was split).
    fn details(&mut self, rest: &str) {
        if let Some((mask, flags)) = gfp(rest) {
            self.fields.gfp_mask = mask;
            self.fields.gfp_flags = flags;
        }
        if let Some(v) = field(rest, "nodemask=") {
            self.fields.nodemask = Some(v);
        }
        if let Some(v) = field(rest, "cpuset=") {
            self.fields.cpuset = Some(v);
        }
        if let Some(v) = field(rest, "mems_allowed=") {
            self.fields.mems_allowed = Some(v);
        }
    }

    pub(crate) fn step(&mut self, msg: &str) -> Step {
        let s = msg.trim();
        if self.mem.started() {
            return match self.mem.line(s) {
                MemStep::Take => Step::Take,
                MemStep::Last => Step::Done,
                MemStep::No => Step::End,
            };
        }
        if self.fields.gfp_mask.is_empty() && (s.starts_with("mode:") || s.starts_with(", mode:")) {
            self.details(s);
            return self.run.take();
        }
        if self.fields.cpuset.is_none()
            && let Some(c) = CPUSET_LINE.captures(s)
        {
            self.fields.cpuset = c.get(1).map(|m| m.as_str().to_string());
            self.fields.mems_allowed = c.get(2).map(|m| m.as_str().to_string());
            return self.run.take();
        }
        if let Some(h) = call_trace::dump_header(s) {
            if self.fields.pid.is_some() {
                return Step::End;
            }
            self.fields.pid = h.pid;
            if self.fields.process.is_empty() {
                self.fields.process = h.comm;
            }
            return self.run.take();
        }
        if call_trace::take_trace_line(s, &mut self.fields.call_trace) {
            return self.run.take();
        }
        if call_trace::is_register_line(s) || call_trace::is_stack_words(s) {
            return self.run.take();
        }
        match self.mem.line(s) {
            MemStep::Take => self.run.take(),
            MemStep::Last => Step::Done,
            MemStep::No => self.run.noise(),
        }
    }

    pub(crate) fn finish(mut self) -> PageAllocFailure {
        self.fields.mem_info = self.mem.finish();
        self.fields
    }
}

/// What a line is to a Mem-Info dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MemStep {
    /// Part of the dump.
    Take,
    /// The last line of the dump (`pages hwpoisoned`, `pages non-shared`).
    Last,
    /// Not part of it.
    No,
}

static ZONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Node (\d+) )?([A-Za-z][A-Za-z0-9]*) free:(\d+)kB(.*)$").expect("zone regex")
});

static BUDDY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Node (\d+) )?([A-Za-z][A-Za-z0-9]*): ((?:\d+\*\d+kB.*?)) = (\d+)kB\s*$")
        .expect("buddy regex")
});

static BUDDY_TERM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d+)\*\d+kB").expect("buddy term regex"));

static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([a-z_()]+):(\d+)(kB|KB)?").expect("key value token regex"));

static SUMMARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d+) (total pagecache pages|pages in swap cache|pages RAM|pages HighMem(?:/MovableOnly)?|pages reserved|pages cma reserved|pages hwpoisoned|pages shared|pages non-shared)\s*$")
        .expect("summary regex")
});

static SWAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(Free|Total) swap\s*=\s*(\d+)kB").expect("swap regex"));

/// Parses a `show_mem()` dump line by line (docs/FORMATS.md 3.3.1): key:value tokens, never by
/// position, so every kernel era's field order works.
#[derive(Debug, Default)]
pub(crate) struct MemInfoParser {
    dump: MemInfoDump,
    started: bool,
    /// Whether a zone line was the last zone-ish line, so a wrapped rest of it can be merged.
    in_zones: bool,
}

impl MemInfoParser {
    /// Whether any line of a dump was seen.
    pub(crate) fn started(&self) -> bool {
        self.started
    }

    /// Feeds one line (trimmed).
    pub(crate) fn line(&mut self, s: &str) -> MemStep {
        let step = self.classify(s);
        if step != MemStep::No {
            self.started = true;
        }
        step
    }

    fn classify(&mut self, s: &str) -> MemStep {
        if s == "Mem-Info:" || s == "Mem-info:" || s.starts_with("lowmem_reserve[]:") {
            return MemStep::Take;
        }
        if s.ends_with(" per-cpu:") || (s.starts_with("CPU") && s.contains(" hi:")) {
            return MemStep::Take;
        }
        if let Some(c) = ZONE.captures(s) {
            self.zone(&c);
            self.in_zones = true;
            return MemStep::Take;
        }
        if let Some(c) = BUDDY.captures(s) {
            self.buddy(&c);
            return MemStep::Take;
        }
        if s.starts_with("Node ")
            && (s.contains(" hugepages_total=") || s.contains(" active_anon:"))
        {
            return MemStep::Take;
        }
        if let Some(c) = SUMMARY.captures(s) {
            let n: Option<u64> = c.get(1).and_then(|m| m.as_str().parse().ok());
            let what = c.get(2).map(|m| m.as_str()).unwrap_or_default();
            match what {
                "total pagecache pages" => self.dump.pagecache_pages = n,
                "pages RAM" => self.dump.pages_ram = n,
                "pages reserved" => self.dump.pages_reserved = n,
                "pages hwpoisoned" | "pages non-shared" => return MemStep::Last,
                _ => {}
            }
            return MemStep::Take;
        }
        if let Some(c) = SWAP.captures(s) {
            let n = c.get(2).and_then(|m| m.as_str().parse().ok());
            if c.get(1).map(|m| m.as_str()) == Some("Free") {
                self.dump.free_swap_kb = n;
            } else {
                self.dump.total_swap_kb = n;
            }
            return MemStep::Take;
        }
        if s.starts_with("Swap cache stats:") {
            return MemStep::Take;
        }
        if starts_with_token(s) {
            self.tokens(s);
            return MemStep::Take;
        }
        MemStep::No
    }

    /// `Node 0 DMA free:15908kB boost:0kB min:132kB low:164kB high:196kB … present:15992kB managed:15908kB …`
    fn zone(&mut self, c: &regex::Captures<'_>) {
        if self.dump.zones.len() >= MAX_ZONES {
            return;
        }
        let mut zone = MemInfoZone {
            node: c.get(1).and_then(|m| m.as_str().parse().ok()),
            zone: c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default(),
            free_kb: c.get(3).and_then(|m| m.as_str().parse().ok()),
            ..MemInfoZone::default()
        };
        zone_tokens(&mut zone, c.get(4).map(|m| m.as_str()).unwrap_or_default());
        self.dump.zones.push(zone);
    }

    /// `Node 0 Normal: 7073*4kB (UMEH) 1922*8kB (UMEH) … 0*4096kB = 150484kB`
    fn buddy(&mut self, c: &regex::Captures<'_>) {
        let node: Option<u32> = c.get(1).and_then(|m| m.as_str().parse().ok());
        let name = c.get(2).map(|m| m.as_str()).unwrap_or_default();
        let counts: Vec<u64> = BUDDY_TERM
            .captures_iter(c.get(3).map(|m| m.as_str()).unwrap_or_default())
            .filter_map(|t| t.get(1).and_then(|m| m.as_str().parse().ok()))
            .collect();
        let total = c.get(4).and_then(|m| m.as_str().parse().ok());
        if let Some(z) = self.dump.zones.iter_mut().find(|z| z.node == node && z.zone == name) {
            z.buddy = Some(counts);
            z.buddy_total_kb = total;
        } else if self.dump.zones.len() < MAX_ZONES {
            self.dump.zones.push(MemInfoZone {
                node,
                zone: name.to_string(),
                buddy: Some(counts),
                buddy_total_kb: total,
                ..MemInfoZone::default()
            });
        }
        self.in_zones = false;
    }

    /// Global counters (`active_anon:14091 inactive_anon:3805083 …`, in pages), or the wrapped
    /// rest of a zone line (`active_anon:2643608kB … present:3129216kB managed:2869240kB`).
    fn tokens(&mut self, s: &str) {
        let has_kb = TOKEN.captures_iter(s).any(|c| c.get(3).is_some());
        if has_kb {
            if self.in_zones
                && let Some(z) = self.dump.zones.last_mut()
            {
                zone_tokens(z, s);
            }
            return;
        }
        for c in TOKEN.captures_iter(s) {
            if let (Some(k), Some(v)) = (c.get(1), c.get(2).and_then(|m| m.as_str().parse().ok())) {
                if self.dump.counters.len() < 64 {
                    self.dump.counters.insert(k.as_str().to_string(), v);
                }
            }
        }
    }

    /// The dump, when any line of it was seen.
    pub(crate) fn finish(self) -> Option<MemInfoDump> {
        self.started.then_some(self.dump)
    }
}

/// Whether a line opens with a `key:123` token (global counters, wrapped zone fields).
fn starts_with_token(s: &str) -> bool {
    let Some((key, value)) = s.split_once(':') else { return false };
    !key.is_empty()
        && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'(' || b == b')')
        && value.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

fn zone_tokens(zone: &mut MemInfoZone, text: &str) {
    for c in TOKEN.captures_iter(text) {
        let v: Option<u64> = c.get(2).and_then(|m| m.as_str().parse().ok());
        match c.get(1).map(|m| m.as_str()) {
            Some("free") if zone.free_kb.is_none() => zone.free_kb = v,
            Some("boost") => zone.boost_kb = v,
            Some("min") => zone.min_kb = v,
            Some("low") => zone.low_kb = v,
            Some("high") => zone.high_kb = v,
            Some("present") => zone.present_kb = v,
            Some("managed") => zone.managed_kb = v,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
