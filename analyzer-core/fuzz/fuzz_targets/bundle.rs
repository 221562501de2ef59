//! The bundle reader: arbitrary bytes as an input file through `bundle::open` and
//! `Input::read`, with a visitor that reads every source to its end.
//!
//! The reader opens its input by path (it re-opens the file to peek at the first tar headers
//! and again to stream it), so each input is written to one reused file in the temporary
//! directory (a tmpfs at /dev/shm when there is one); that costs far less than the
//! decompression that follows.
#![no_main]

use std::io::BufRead;
use std::path::PathBuf;
use std::sync::LazyLock;

use analyzer_core::bundle::{self, BundleInfo, BundleSummary, BundleVisitor, Member};
use libfuzzer_sys::fuzz_target;

/// One file per fuzzer process (the pid keeps parallel jobs apart).
static PATH: LazyLock<PathBuf> = LazyLock::new(|| {
    let shm = PathBuf::from("/dev/shm");
    let dir = if shm.is_dir() { shm } else { std::env::temp_dir() };
    dir.join(format!("sosalyzer-fuzz-bundle-{}", std::process::id()))
});

struct Drain {
    bundles: usize,
}

impl BundleVisitor for Drain {
    fn begin_bundle(&mut self, info: &BundleInfo) {
        self.bundles += 1;
        let _ = info.input_info();
    }

    fn source(&mut self, _member: &Member<'_>, data: &mut dyn BufRead) -> std::io::Result<()> {
        let mut sink = [0u8; 64 * 1024];
        while data.read(&mut sink)? > 0 {}
        Ok(())
    }

    fn end_bundle(&mut self, summary: BundleSummary) {
        let _ = summary.problems.len();
    }
}

fuzz_target!(|data: &[u8]| {
    if std::fs::write(&*PATH, data).is_err() {
        return;
    }
    if let Ok(input) = bundle::open(&PATH) {
        let _ = (input.kind(), input.format());
        let _ = input.read(&mut Drain { bundles: 0 });
    }
});
