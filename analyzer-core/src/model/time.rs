//! Time as the kernel and the log writers printed it, and as we resolved it.

use serde::{Serialize, Serializer};

/// Time since boot as printed by printk (`[  123.456789]`), kept as whole microseconds.
///
/// It is never dressed up as wall-clock time: mapping it to a date needs the boot time, which
/// the timeline does once per boot. Serialises as an integer number of microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SinceBoot(pub u64);

impl SinceBoot {
    /// Builds a value from the seconds and microseconds printed by printk.
    pub fn from_parts(secs: u64, micros: u32) -> SinceBoot {
        SinceBoot(secs.saturating_mul(1_000_000).saturating_add(u64::from(micros)))
    }

    /// Whole microseconds since boot.
    pub fn as_micros(self) -> u64 {
        self.0
    }
}

impl Serialize for SinceBoot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

/// When an event happened: `wall` clock when it could be established, time since boot when the
/// source printed it, which boot (0 = the first boot seen in the bundle), and the stamp exactly
/// as printed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EventTime {
    /// Wall-clock time (RFC 3339 in JSON), or `None` when no source gave or allowed one.
    pub wall: Option<jiff::Timestamp>,
    /// printk time since boot, when the line carried one.
    #[serde(rename = "since_boot_us")]
    pub since_boot: Option<SinceBoot>,
    /// Index of the boot this event belongs to, counted from the oldest boot seen.
    pub boot: u32,
    /// The time stamp as printed in the source (empty when the line had none).
    pub raw: String,
}
