//! Block-layer I/O errors, one line each: `blk_update_request: I/O error, dev sda, sector 2048`
//! (3.14–5.x; `end_request:` before, `print_req_error:` 4.17–5.x), the 5.x+
//! `I/O error, dev loop0, sector 69373014 op 0x1:(WRITE) flags 0x9800 phys_seg 1 prio class 2`,
//! and the SCSI sense kinds (`critical medium error`, `critical target error`, …).

use std::sync::LazyLock;

use regex::Regex;

use crate::model::BlockIoError;

static LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(blk_update_request|print_req_error|blk_print_req_error|end_request): )?((?:I/O|critical medium|critical target|critical nexus|critical space allocation|recoverable transport|timeout|protection|kernel resource|device resource|operation not supported) error), dev ([^,\s]+), sector (\d+)(?: op 0x[0-9a-f]+:\((\w+)\))?")
        .expect("block error regex")
});

/// A block I/O error is one line: the headline is the whole event.
#[derive(Debug)]
pub(crate) struct Builder {
    fields: BlockIoError,
}

impl Builder {
    /// Opens (and completes) on a block-layer error line.
    pub(crate) fn start(msg: &str) -> Option<Builder> {
        if !msg.contains("error, dev ") {
            return None;
        }
        let c = LINE.captures(msg)?;
        Some(Builder {
            fields: BlockIoError {
                reporter: c.get(1).map(|m| m.as_str().to_string()),
                error: c.get(2)?.as_str().to_string(),
                device: c.get(3).map(|m| m.as_str().to_string()),
                sector: c.get(4).and_then(|m| m.as_str().parse().ok()),
                op: c.get(5).map(|m| m.as_str().to_string()),
            },
        })
    }

    pub(crate) fn finish(self) -> BlockIoError {
        self.fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form() {
        let f = Builder::start("blk_update_request: I/O error, dev vda, sector 8208323")
            .unwrap()
            .finish();
        assert_eq!(
            (f.reporter.as_deref(), f.error.as_str(), f.device.as_deref(), f.sector, f.op),
            (Some("blk_update_request"), "I/O error", Some("vda"), Some(8208323), None)
        );
        let f = Builder::start(
            "I/O error, dev loop0, sector 69373014 op 0x1:(WRITE) flags 0x9800 phys_seg 1 prio class 2",
        )
        .unwrap()
        .finish();
        assert_eq!(
            (f.reporter, f.device.as_deref(), f.op.as_deref()),
            (None, Some("loop0"), Some("WRITE"))
        );
        let f = Builder::start(
            "blk_update_request: critical medium error, dev sdd, sector 12886767168",
        )
        .unwrap()
        .finish();
        assert_eq!((f.error.as_str(), f.sector), ("critical medium error", Some(12886767168)));
        assert!(Builder::start("end_request: critical target error, dev sdb, sector 0").is_some());
        assert!(
            Builder::start("Buffer I/O error on dev dm-0, logical block 0, async page read")
                .is_none()
        );
        assert!(
            Builder::start("dm-0: writeback error on inode 131, offset 53279154176, sector 78688")
                .is_none()
        );
    }
}
