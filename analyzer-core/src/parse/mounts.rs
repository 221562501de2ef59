//! `/proc/mounts` (`/dev/sdc1 /data xfs rw,relatime 0 0`) and `mount` output
//! (`/dev/sdc1 on /data type xfs (rw,relatime)`): device → mount point.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, numbered_lines};

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
    /// 1-based line.
    pub line: u64,
}

/// Parsed mount table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Mounts {
    /// Mounts in file order.
    pub mounts: Vec<Mount>,
    /// Lines that did not parse.
    pub unparsed: Vec<Unparsed>,
}

impl Mounts {
    /// The mount of a device as the kernel names it in messages (`sdc1`, `dm-0`, `nvme0n1p2`).
    /// A device listed as `/dev/sdc1` or `/dev/dm-0` matches directly; a device-mapper name
    /// (`dm-0`) also matches its `/dev/mapper/NAME` entry when `dm_names` maps `dm-0` to
    /// `NAME` (from `dmsetup info` or `ls -l /dev/mapper`). The last mount of the device wins,
    /// as in the kernel's view.
    pub fn mount_for(
        &self,
        kernel_name: &str,
        dm_names: &BTreeMap<String, String>,
    ) -> Option<&Mount> {
        let kernel_name = kernel_name.trim_start_matches("/dev/");
        let mapper = dm_names.get(kernel_name).map(|n| format!("/dev/mapper/{n}"));
        self.mounts.iter().rev().find(|m| {
            m.device.strip_prefix("/dev/") == Some(kernel_name)
                || mapper.as_deref() == Some(m.device.as_str())
        })
    }

    /// The mount point of a kernel device name (see [`Mounts::mount_for`]).
    pub fn mount_point_for(
        &self,
        kernel_name: &str,
        dm_names: &BTreeMap<String, String>,
    ) -> Option<&str> {
        self.mount_for(kernel_name, dm_names).map(|m| m.mount_point.as_str())
    }
}

impl ParsedFile for Mounts {
    fn record_count(&self) -> usize {
        self.mounts.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `/proc/mounts` or `mount` output (the form is told line by line).
pub fn parse(text: &str) -> Mounts {
    let mut out = Mounts::default();
    for (no, raw) in numbered_lines(text) {
        if raw.trim().is_empty() {
            continue;
        }
        match mount_line(raw) {
            Some(mut m) => {
                m.line = no;
                out.mounts.push(m);
            }
            None => out.unparsed.push(Unparsed::new(no, raw)),
        }
    }
    out
}

fn mount_line(raw: &str) -> Option<Mount> {
    let words: Vec<&str> = raw.split_whitespace().collect();
    match words.as_slice() {
        // `mount`: DEV on DIR type FSTYPE (OPTS)
        [device, "on", dir, "type", fstype, options @ ..] => Some(Mount {
            device: device.to_string(),
            mount_point: dir.to_string(),
            fstype: fstype.to_string(),
            options: options.join(" ").trim_start_matches('(').trim_end_matches(')').to_string(),
            line: 0,
        }),
        // `/proc/mounts`: DEV DIR FSTYPE OPTS FREQ PASSNO
        [device, dir, fstype, options, freq, pass]
            if freq.parse::<u32>().is_ok() && pass.parse::<u32>().is_ok() =>
        {
            Some(Mount {
                device: unescape(device),
                mount_point: unescape(dir),
                fstype: unescape(fstype),
                options: unescape(options),
                line: 0,
            })
        }
        _ => None,
    }
}

/// Undoes the octal escapes of `/proc/mounts` (`\040` space, `\011` tab, `\012`, `\134`).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let code = bytes.get(i + 1..i + 4).filter(|_| b == b'\\').and_then(|d| {
            let s = std::str::from_utf8(d).ok()?;
            u8::from_str_radix(s, 8).ok()
        });
        match code {
            Some(c) => {
                out.push(c);
                i += 4;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_mounts_and_mount_output() {
        let m = parse(
            "/dev/mapper/rhel-root / xfs rw,seclabel,relatime,attr2,inode64,noquota 0 0\n\
             /dev/sdc1 /data\\040disk xfs rw,relatime 0 0\n\
             /dev/nvme0n1p2 on /boot type ext4 (rw,relatime)\n\
             not a mount\n",
        );
        assert_eq!(m.mounts.len(), 3);
        assert_eq!(m.mounts[1].mount_point, "/data disk");
        assert_eq!(m.mounts[2].options, "rw,relatime");
        assert_eq!(m.unparsed, vec![Unparsed::new(4, "not a mount")]);
        let mut dm = BTreeMap::new();
        assert_eq!(m.mount_point_for("sdc1", &dm), Some("/data disk"));
        assert_eq!(m.mount_point_for("nvme0n1p2", &dm), Some("/boot"));
        assert_eq!(m.mount_point_for("dm-0", &dm), None);
        dm.insert("dm-0".to_string(), "rhel-root".to_string());
        assert_eq!(m.mount_point_for("dm-0", &dm), Some("/"));
    }
}
