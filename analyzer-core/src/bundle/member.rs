//! The reader a visitor gets for one source: it counts bytes and lines (memchr) as they pass
//! through a reused buffer, shows the visitor at most a cap, and drains the rest afterwards so
//! the counts cover the whole member whatever the visitor read.

use std::io::{self, BufRead, Read};

/// Size of the reused read buffer.
pub(crate) const BUFFER: usize = 1 << 16;

/// Counts of one member after it was read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Bytes read (decompressed).
    pub bytes: u64,
    /// Lines read (a last line without `\n` counts).
    pub lines: u64,
    /// The visitor was shown only the first `cap` bytes.
    pub capped: bool,
}

/// A counting, capped [`BufRead`] over one member.
pub(crate) struct Counted<'a> {
    inner: &'a mut dyn Read,
    buf: &'a mut Vec<u8>,
    start: usize,
    end: usize,
    bytes: u64,
    newlines: u64,
    last: Option<u8>,
    cap: u64,
    shown: u64,
    capped: bool,
}

impl<'a> Counted<'a> {
    /// `buf` is reused across members; `cap` bounds what [`BufRead`] hands out.
    pub(crate) fn new(inner: &'a mut dyn Read, buf: &'a mut Vec<u8>, cap: u64) -> Counted<'a> {
        if buf.len() < BUFFER {
            buf.resize(BUFFER, 0);
        }
        Counted {
            inner,
            buf,
            start: 0,
            end: 0,
            bytes: 0,
            newlines: 0,
            last: None,
            cap,
            shown: 0,
            capped: false,
        }
    }

    /// Refills the buffer from the member, counting what came in. `Ok(false)` at the end.
    fn refill(&mut self) -> io::Result<bool> {
        loop {
            match self.inner.read(self.buf.as_mut_slice()) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    let got = self.buf.get(..n).unwrap_or_default();
                    self.newlines += memchr::memchr_iter(b'\n', got).count() as u64;
                    self.last = got.last().copied();
                    self.bytes = self.bytes.saturating_add(n as u64);
                    self.start = 0;
                    self.end = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Reads what the visitor left, then returns the counts.
    pub(crate) fn drain(&mut self) -> io::Result<()> {
        if self.start < self.end && self.shown >= self.cap {
            self.capped = true;
        }
        self.start = self.end;
        while self.refill()? {
            if self.shown >= self.cap {
                self.capped = true;
            }
            self.start = self.end;
        }
        // Capped whether or not the visitor read that far: every visitor sees the same source.
        if self.bytes > self.cap {
            self.capped = true;
        }
        Ok(())
    }

    /// Counts so far (all of the member after [`Counted::drain`]).
    pub(crate) fn counts(&self) -> Counts {
        let partial = u64::from(self.bytes > 0 && self.last != Some(b'\n'));
        Counts { bytes: self.bytes, lines: self.newlines + partial, capped: self.capped }
    }
}

impl Read for Counted<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Counted<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.shown >= self.cap {
            return Ok(&[]);
        }
        if self.start >= self.end && !self.refill()? {
            return Ok(&[]);
        }
        let left = usize::try_from(self.cap - self.shown).unwrap_or(usize::MAX);
        let end = self.end.min(self.start.saturating_add(left));
        Ok(self.buf.get(self.start..end).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.end.saturating_sub(self.start));
        self.start += amt;
        self.shown = self.shown.saturating_add(amt as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_the_visitor_skipped() {
        let text = b"[    0.000000] Linux version 4.18.0\n[    1.000000] second\nlast no newline";
        let mut src: &[u8] = text;
        let mut buf = Vec::new();
        let mut counted = Counted::new(&mut src, &mut buf, u64::MAX);
        let mut first = String::new();
        counted.read_line(&mut first).unwrap();
        assert_eq!(first, "[    0.000000] Linux version 4.18.0\n");
        counted.drain().unwrap();
        assert_eq!(counted.counts(), Counts { bytes: text.len() as u64, lines: 3, capped: false });
    }

    #[test]
    fn the_cap_bounds_what_is_shown_not_what_is_counted() {
        let text = "MemTotal:       16384256 kB\n".repeat(10_000);
        let mut src = text.as_bytes();
        let mut buf = Vec::new();
        let mut counted = Counted::new(&mut src, &mut buf, 1000);
        let mut shown = Vec::new();
        counted.read_to_end(&mut shown).unwrap();
        assert_eq!(shown.len(), 1000);
        counted.drain().unwrap();
        let counts = counted.counts();
        assert_eq!((counts.bytes, counts.lines, counts.capped), (text.len() as u64, 10_000, true));
    }

    #[test]
    fn a_member_exactly_at_the_cap_is_not_capped() {
        let mut src: &[u8] = b"0123456789";
        let mut buf = Vec::new();
        let mut counted = Counted::new(&mut src, &mut buf, 10);
        let mut shown = Vec::new();
        counted.read_to_end(&mut shown).unwrap();
        counted.drain().unwrap();
        assert_eq!(counted.counts(), Counts { bytes: 10, lines: 1, capped: false });
    }
}
