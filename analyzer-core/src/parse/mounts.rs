//! `/proc/mounts` and `mount` output: device → mount point.

use serde::Serialize;

use super::Unparsed;

/// One mount.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Mount {
    /// Device as listed (`/dev/mapper/rhel-root`, `/dev/sdc1`).
    pub device: String,
    /// Mount point.
    pub mount_point: String,
    /// Filesystem type.
    pub fstype: String,
    /// Mount options.
    pub options: String,
}

/// Parsed mount table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Mounts {
    /// Mounts in file order.
    pub mounts: Vec<Mount>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}
