//! A pass-through reader under the tar parser that follows the tar structure (512-byte headers,
//! data rounded up to 512) and refuses metadata members bigger than [`META_CAP`]: the tar parser
//! buffers GNU long names (`L`, `K`) and pax headers (`x`, `g`) whole, so a crafted archive could
//! otherwise make it hold gigabytes. Regular members pass untouched. When the structure is not
//! one it follows (a sparse member, a bad checksum, the end-of-archive block), it stops checking
//! and lets the parser decide.

use std::io::{self, Read};

/// Largest long-name or pax member let through.
pub(crate) const META_CAP: u64 = 1 << 20;

const BLOCK: usize = 512;

pub(crate) struct TarGuard<R> {
    inner: R,
    header: [u8; BLOCK],
    filled: usize,
    /// Bytes of data (with padding) before the next header.
    skip: u64,
    /// A pax member being collected, to learn a `size` it sets for the next member.
    pax: Option<Vec<u8>>,
    pax_left: u64,
    next_size: Option<u64>,
    /// Checking stopped.
    opaque: bool,
}

impl<R> TarGuard<R> {
    pub(crate) fn new(inner: R) -> TarGuard<R> {
        TarGuard {
            inner,
            header: [0; BLOCK],
            filled: 0,
            skip: 0,
            pax: None,
            pax_left: 0,
            next_size: None,
            opaque: false,
        }
    }

    pub(crate) fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Follows the bytes that just went by.
    fn track(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() && !self.opaque {
            if self.skip > 0 {
                let n = usize::try_from(self.skip).unwrap_or(usize::MAX).min(bytes.len());
                let (data, rest) = bytes.split_at(n);
                if let Some(pax) = &mut self.pax {
                    let keep = usize::try_from(self.pax_left).unwrap_or(usize::MAX).min(data.len());
                    pax.extend_from_slice(data.get(..keep).unwrap_or_default());
                    self.pax_left -= keep as u64;
                }
                self.skip -= n as u64;
                bytes = rest;
                if self.skip == 0 {
                    if let Some(pax) = self.pax.take() {
                        self.next_size = pax_size(&pax);
                    }
                }
                continue;
            }
            let n = (BLOCK - self.filled).min(bytes.len());
            let (part, rest) = bytes.split_at(n);
            if let Some(dst) = self.header.get_mut(self.filled..self.filled + n) {
                dst.copy_from_slice(part);
            }
            self.filled += n;
            bytes = rest;
            if self.filled == BLOCK {
                self.filled = 0;
                self.on_header()?;
            }
        }
        Ok(())
    }

    fn on_header(&mut self) -> io::Result<()> {
        let h = &self.header;
        if h.iter().all(|&b| b == 0) || !checksum_ok(h) {
            self.opaque = true;
            return Ok(());
        }
        let kind = h.get(156).copied().unwrap_or(0);
        let Some(header_size) = field_size(h.get(124..136).unwrap_or_default()) else {
            self.opaque = true;
            return Ok(());
        };
        let size = self.next_size.take().unwrap_or(header_size);
        match kind {
            b'L' | b'K' | b'x' | b'g' if size > META_CAP => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a tar metadata member of {size} bytes (more than {META_CAP}) was refused"
                    ),
                ));
            }
            b'x' => {
                self.pax = Some(Vec::new());
                self.pax_left = size;
            }
            b'S' => {
                self.opaque = true;
                return Ok(());
            }
            _ => {}
        }
        // Links and folders carry no data whatever their size field says.
        let data = if matches!(kind, b'1' | b'2' | b'5') { 0 } else { size };
        self.skip = data.div_ceil(BLOCK as u64).saturating_mul(BLOCK as u64);
        if self.skip == 0 {
            if let Some(pax) = self.pax.take() {
                self.next_size = pax_size(&pax);
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for TarGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.track(buf.get(..n).unwrap_or_default())?;
        Ok(n)
    }
}

fn checksum_ok(h: &[u8; BLOCK]) -> bool {
    let Some(stored) = h.get(148..156).and_then(octal) else { return false };
    let sum: u64 = h
        .iter()
        .enumerate()
        .map(|(i, &b)| if (148..156).contains(&i) { u64::from(b' ') } else { u64::from(b) })
        .sum();
    sum == stored
}

/// An octal field (NUL/space padded), or GNU base-256 (high bit set).
fn field_size(field: &[u8]) -> Option<u64> {
    match field.first() {
        Some(&b) if b & 0x80 != 0 => {
            let mut v: u64 = u64::from(b & 0x7F);
            for &b in field.get(1..)? {
                v = v.checked_mul(256)?.checked_add(u64::from(b))?;
            }
            Some(v)
        }
        _ => octal(field),
    }
}

fn octal(field: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(field).ok()?;
    let text = text.trim_matches(|c: char| c == '\0' || c == ' ');
    if text.is_empty() {
        return Some(0);
    }
    u64::from_str_radix(text, 8).ok()
}

/// The `size` record of a pax header (`"<len> size=<n>\n"`).
fn pax_size(pax: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(pax);
    text.lines().find_map(|record| {
        let (_, kv) = record.split_once(' ')?;
        let value = kv.strip_prefix("size=")?;
        value.trim().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(long_name_len: usize) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let name = format!("sosreport-x/{}", "a".repeat(long_name_len));
        let data = b"MemTotal:       16116516 kB\n";
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        b.append_data(&mut h, &name, &data[..]).unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_size(3);
        b.append_data(&mut h, "sosreport-x/version.txt", &b"4.0"[..]).unwrap();
        b.into_inner().unwrap()
    }

    #[test]
    fn ordinary_archives_pass_untouched() {
        let bytes = archive(300);
        let mut out = Vec::new();
        TarGuard::new(&bytes[..]).read_to_end(&mut out).unwrap();
        assert_eq!(out, bytes);
        let mut a = tar::Archive::new(TarGuard::new(&bytes[..]));
        let names: Vec<String> = a
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2);
        assert!(names[0].ends_with(&"a".repeat(300)));
    }

    #[test]
    fn a_huge_long_name_is_refused() {
        let bytes = archive(META_CAP as usize + 10);
        let mut a = tar::Archive::new(TarGuard::new(&bytes[..]));
        let first = a.entries().unwrap().next().unwrap();
        let err = first.err().unwrap();
        assert!(err.to_string().contains("refused"), "{err}");
    }

    #[test]
    fn the_python_pax_sample_passes() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/sos4-rhel8.tar.xz");
        let compressed = std::fs::read(path).unwrap();
        let mut tar = Vec::new();
        liblzma::read::XzDecoder::new(&compressed[..]).read_to_end(&mut tar).unwrap();
        let mut guard = TarGuard::new(&tar[..]);
        let mut out = Vec::new();
        guard.read_to_end(&mut out).unwrap();
        assert_eq!(out.len(), tar.len());
        assert!(guard.opaque, "the end-of-archive block was reached in step");
    }
}
