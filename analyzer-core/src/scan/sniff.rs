//! Magic-byte sniffing of the first 512 bytes of a file: is it a bundle archive, an encrypted
//! bundle, or something else (a loose log, an image, a checksum sidecar)?
//!
//! Signatures (docs/FORMATS.md 1.3): xz `FD 37 7A 58 5A 00`, gzip `1F 8B`, bzip2 `42 5A 68`
//! (`BZh`), zstd `28 B5 2F FD`, tar `ustar` at offset 257, OpenPGP packet headers. A compressed
//! file is a bundle only when its first decompressed block is a tar header, so a rotated
//! `messages-20240101.gz` lying in the folder is not mistaken for one.

use std::io::{self, Read};

use crate::bundle::{self, Compression, InputFormat};

/// How many bytes sniffing looks at, before and after decompression.
pub const SNIFF_LEN: usize = 512;

/// What sniffing concluded about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sniffed {
    /// A tar archive, plain or compressed.
    Archive(InputFormat),
    /// An OpenPGP-encrypted file (`secured-sosreport-….tar.xz.gpg`).
    Encrypted,
    /// Compressed, but the stream breaks before the first tar header could be read.
    Corrupt(String),
    /// Not a bundle.
    Other,
}

/// Whether `head` holds a tar header (`ustar` at offset 257; POSIX `ustar\0` and old GNU
/// `ustar  \0` alike).
pub fn is_tar_header(head: &[u8]) -> bool {
    bundle::is_tar(head)
}

/// Whether `head` starts with an OpenPGP message: ASCII armour, or a binary public-key or
/// symmetric-key encrypted session key packet (tags 1 and 3, RFC 9580 section 4.2) whose
/// version byte is one gpg writes. Stricter than a check of the tag alone: discovery looks at
/// every file of a folder, and a random binary whose first byte happens to read as a packet tag
/// must not become an "encrypted" row.
pub fn is_openpgp(head: &[u8]) -> bool {
    if head.starts_with(b"-----BEGIN PGP MESSAGE-----") {
        return true;
    }
    let Some((&first, rest)) = head.split_first() else {
        return false;
    };
    if first & 0x80 == 0 {
        return false;
    }
    let (tag, body) = if first & 0x40 == 0 {
        // Old format: tag in bits 5..2, length type in bits 1..0.
        let tag = (first >> 2) & 0x0F;
        let len_bytes = match first & 0x03 {
            0 => 1,
            1 => 2,
            2 => 4,
            _ => 0,
        };
        (tag, rest.get(len_bytes..))
    } else {
        // New format: tag in bits 5..0, then a one, two or five byte length.
        let tag = first & 0x3F;
        let len_bytes = match rest.first() {
            Some(&b) if b < 192 => 1,
            Some(&b) if b < 224 => 2,
            Some(&255) => 5,
            _ => return false,
        };
        (tag, rest.get(len_bytes..))
    };
    let version = body.and_then(|b| b.first().copied());
    matches!((tag, version), (1, Some(3 | 6)) | (3, Some(4..=6)))
}

/// Sniffs a file from its first bytes; `reader` continues right after `head` (it is only read
/// when `head` shows a compression, to decompress the first tar header).
pub fn sniff(head: &[u8], reader: impl Read) -> Sniffed {
    let compression = bundle::compression_of(head);
    if compression != Compression::None {
        let stream = io::Cursor::new(head.to_vec()).chain(reader);
        return match decompressed_head(compression, stream) {
            Ok(inner) if is_tar_header(&inner) => Sniffed::Archive(compression.tar_format()),
            Ok(_) => Sniffed::Other,
            Err(err) => {
                Sniffed::Corrupt(format!("{} stream: {err}", compression.name()).to_lowercase())
            }
        };
    }
    if is_tar_header(head) {
        Sniffed::Archive(InputFormat::Tar)
    } else if is_openpgp(head) {
        Sniffed::Encrypted
    } else {
        Sniffed::Other
    }
}

/// Up to [`SNIFF_LEN`] decompressed bytes, through the bundle reader's own decoders. A stream
/// that ends cleanly sooner gives fewer bytes; a broken one gives the decoder's error.
fn decompressed_head(compression: Compression, stream: impl Read) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(SNIFF_LEN);
    bundle::decoder(stream, compression)?.take(SNIFF_LEN as u64).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn tar_bytes() -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        let data = b"sosreport: 4.5.6\n";
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, "sosreport-a/version.txt", &data[..]).unwrap();
        builder.into_inner().unwrap()
    }

    fn sniff_bytes(bytes: &[u8]) -> Sniffed {
        let cut = bytes.len().min(SNIFF_LEN);
        sniff(&bytes[..cut], &bytes[cut..])
    }

    #[test]
    fn plain_and_compressed_tars_are_archives() {
        let tar = tar_bytes();
        assert_eq!(sniff_bytes(&tar), Sniffed::Archive(InputFormat::Tar));

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&tar).unwrap();
        assert_eq!(sniff_bytes(&gz.finish().unwrap()), Sniffed::Archive(InputFormat::TarGz));

        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
        xz.write_all(&tar).unwrap();
        assert_eq!(sniff_bytes(&xz.finish().unwrap()), Sniffed::Archive(InputFormat::TarXz));

        let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        bz.write_all(&tar).unwrap();
        assert_eq!(sniff_bytes(&bz.finish().unwrap()), Sniffed::Archive(InputFormat::TarBz2));

        let zst = zstd::encode_all(&tar[..], 1).unwrap();
        assert_eq!(sniff_bytes(&zst), Sniffed::Archive(InputFormat::TarZst));
    }

    #[test]
    fn compressed_log_is_not_a_bundle() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"Mar  5 10:00:01 tux kernel: INFO: task jbd2/sda1-8:411 blocked\n").unwrap();
        assert_eq!(sniff_bytes(&gz.finish().unwrap()), Sniffed::Other);
    }

    #[test]
    fn broken_gzip_is_corrupt() {
        let mut bytes = vec![0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03];
        bytes.extend_from_slice(&[0xFF; 40]);
        assert!(matches!(sniff_bytes(&bytes), Sniffed::Corrupt(msg) if msg.starts_with("gzip")));
    }

    #[test]
    fn openpgp_headers() {
        // gpg -e (old-format PKESK, 2-byte length, version 3) and gpg -c (new-format SKESK v4).
        assert!(is_openpgp(&[0x85, 0x01, 0x0C, 0x03, 0x12, 0x34]));
        assert!(is_openpgp(&[0x84, 0x5E, 0x03, 0x12]));
        assert!(is_openpgp(&[0x8C, 0x0D, 0x04, 0x09, 0x03, 0x02]));
        assert!(is_openpgp(&[0xC3, 0x0D, 0x04, 0x09]));
        assert!(is_openpgp(b"-----BEGIN PGP MESSAGE-----\n\nhQEMA"));
        assert_eq!(sniff_bytes(&[0x85, 0x01, 0x0C, 0x03, 0x12]), Sniffed::Encrypted);
        // Wrong version byte, a PNG, text, nothing.
        assert!(!is_openpgp(&[0x85, 0x01, 0x0C, 0x07]));
        assert!(!is_openpgp(b"\x89PNG\r\n\x1a\n"));
        assert!(!is_openpgp(b"Linux version 5.14.0"));
        assert!(!is_openpgp(&[]));
        assert!(!is_openpgp(&[0x85]));
    }

    #[test]
    fn short_and_text_files_are_other() {
        assert_eq!(sniff_bytes(b""), Sniffed::Other);
        assert_eq!(sniff_bytes(b"d41d8cd98f00b204e9800998ecf8427e\n"), Sniffed::Other);
        assert_eq!(sniff_bytes(b"ustar"), Sniffed::Other);
    }
}
