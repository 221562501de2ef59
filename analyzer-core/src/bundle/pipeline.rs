//! Decompression on its own thread: the compressed file is decoded into ~1 MiB chunks handed
//! over a bounded channel, so decoding and the tar reading that follows overlap on two cores.
//! At most [`CHANNEL_DEPTH`] + 2 chunks exist at a time; buffers are recycled.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::thread::JoinHandle;

use super::Compression;

/// Bytes per chunk.
const CHUNK: usize = 1 << 20;
/// Bytes asked of the decoder per call.
const READ_STEP: usize = 1 << 16;
/// Chunks in flight between the two threads.
const CHANNEL_DEPTH: usize = 2;

macro_rules! boxed_decoder {
    ($reader:expr, $compression:expr) => {{
        let buffered = BufReader::with_capacity(1 << 16, $reader);
        match $compression {
            Compression::None => Box::new(buffered),
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(buffered)),
            Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(buffered)),
            Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(buffered)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(buffered)?),
        }
    }};
}

/// Wraps a compressed stream in the decoder its magic bytes call for (multi-member aware for
/// gzip, bzip2 and xz, as parallel compressors write several members).
pub(crate) fn decoder<'a, R: Read + 'a>(
    reader: R,
    compression: Compression,
) -> io::Result<Box<dyn Read + 'a>> {
    Ok(boxed_decoder!(reader, compression))
}

/// [`decoder`] for a stream that goes to the decoding thread.
pub(crate) fn decoder_send<R: Read + Send + 'static>(
    reader: R,
    compression: Compression,
) -> io::Result<Box<dyn Read + Send>> {
    Ok(boxed_decoder!(reader, compression))
}

/// The receiving end: a [`BufRead`] over the chunks decoded on the other thread.
pub(crate) struct Pipeline {
    rx: Option<Receiver<io::Result<Vec<u8>>>>,
    recycle: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    pos: usize,
    failed: Option<(io::ErrorKind, String)>,
    consumed: u64,
    handle: Option<JoinHandle<()>>,
}

impl Pipeline {
    /// Starts decoding `reader` on a new thread.
    pub(crate) fn spawn(reader: Box<dyn Read + Send>) -> io::Result<Pipeline> {
        let (tx, rx) = sync_channel::<io::Result<Vec<u8>>>(CHANNEL_DEPTH);
        let (recycle, recycled) = sync_channel::<Vec<u8>>(CHANNEL_DEPTH + 2);
        let handle = std::thread::Builder::new()
            .name("decompress".into())
            .spawn(move || produce(reader, &tx, &recycled))?;
        Ok(Pipeline {
            rx: Some(rx),
            recycle,
            current: Vec::new(),
            pos: 0,
            failed: None,
            consumed: 0,
            handle: Some(handle),
        })
    }

    /// Decompressed bytes handed out so far (where the stream stopped, after a failure).
    pub(crate) fn offset(&self) -> u64 {
        self.consumed
    }
}

/// The decoding thread: fill a chunk, send it, until the end or the first error (sent too).
fn produce(
    mut reader: Box<dyn Read + Send>,
    tx: &SyncSender<io::Result<Vec<u8>>>,
    recycled: &Receiver<Vec<u8>>,
) {
    loop {
        let mut chunk = match recycled.try_recv() {
            Ok(chunk) => chunk,
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => Vec::with_capacity(CHUNK),
        };
        chunk.resize(CHUNK, 0);
        let mut filled = 0;
        let mut error = None;
        while filled < CHUNK {
            // Small reads: a decoder that fails mid-call loses what it decoded in that call.
            let end = CHUNK.min(filled + READ_STEP);
            match reader.read(chunk.get_mut(filled..end).unwrap_or_default()) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        chunk.truncate(filled);
        if filled > 0 && tx.send(Ok(chunk)).is_err() {
            return;
        }
        if let Some(e) = error {
            let _ = tx.send(Err(e));
            return;
        }
        if filled < CHUNK {
            return;
        }
    }
}

impl Read for Pipeline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), available.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Pipeline {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.current.len() {
            if let Some((kind, message)) = &self.failed {
                return Err(io::Error::new(*kind, message.clone()));
            }
            let spent = std::mem::take(&mut self.current);
            if spent.capacity() > 0 {
                let _ = self.recycle.try_send(spent);
            }
            self.pos = 0;
            match self.rx.as_ref().map(Receiver::recv) {
                Some(Ok(Ok(chunk))) => self.current = chunk,
                Some(Ok(Err(e))) => {
                    self.failed = Some((e.kind(), e.to_string()));
                    return Err(e);
                }
                Some(Err(_)) | None => {}
            }
        }
        Ok(self.current.get(self.pos..).unwrap_or_default())
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.current.len().saturating_sub(self.pos));
        self.pos += amt;
        self.consumed = self.consumed.saturating_add(amt as u64);
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        // Closing the channel first makes a blocked sender give up, so the join is prompt.
        drop(self.rx.take());
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hands_over_every_byte_in_order() {
        let data: Vec<u8> = (0..3 * CHUNK + 123).map(|i| (i % 251) as u8).collect();
        let mut pipeline = Pipeline::spawn(Box::new(io::Cursor::new(data.clone()))).unwrap();
        let mut out = Vec::new();
        pipeline.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
        assert_eq!(pipeline.offset(), data.len() as u64);
    }

    #[test]
    fn a_decoding_error_reaches_the_reader_after_the_good_bytes() {
        let mut gz = Vec::new();
        {
            let mut enc = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
            io::Write::write_all(&mut enc, &vec![b'x'; 200_000]).unwrap();
            enc.finish().unwrap();
        }
        gz.truncate(gz.len() / 2);
        let reader = decoder_send(io::Cursor::new(gz), Compression::Gzip).unwrap();
        let mut pipeline = Pipeline::spawn(reader).unwrap();
        let mut out = Vec::new();
        let err = pipeline.read_to_end(&mut out).unwrap_err();
        assert!(!err.to_string().is_empty());
        assert!(out.iter().all(|&b| b == b'x'));
        assert!(pipeline.read(&mut [0; 8]).is_err(), "the failure is sticky");
    }
}
