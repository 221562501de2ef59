//! `sysctl -a` output (`vm.min_free_kbytes = 67584`, multi-values tab-separated as in
//! `vm.lowmem_reserve_ratio = 256\t256\t32\t0\t0`) and single-value `proc/sys/**` files
//! (`proc/sys/vm/min_free_kbytes` holding `67584`).

use std::collections::BTreeMap;

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::{tag, take_while1};
use nom::combinator::{all_consuming, rest};
use serde::Serialize;

use super::Unparsed;
use super::common::{ParsedFile, numbered_lines};

/// Parsed `sysctl -a` output.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sysctl {
    /// Every `name = value`, by dotted name; multi-values keep their tabs.
    pub values: BTreeMap<String, String>,
    /// Lines that did not parse, `sysctl: permission denied on key …` included.
    pub unparsed: Vec<Unparsed>,
}

impl Sysctl {
    /// A value as printed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// A single-number value (`vm.min_free_kbytes`).
    pub fn get_u64(&self, name: &str) -> Option<u64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }

    /// The numbers of a multi-value entry (`vm.lowmem_reserve_ratio` → `[256, 256, 32, 0, 0]`);
    /// `None` when any part is not a number.
    pub fn get_u64s(&self, name: &str) -> Option<Vec<u64>> {
        self.get(name)?.split_whitespace().map(|v| v.parse().ok()).collect()
    }
}

impl ParsedFile for Sysctl {
    fn record_count(&self) -> usize {
        self.values.len()
    }

    fn unparsed_lines(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// Parses `sysctl -a` output.
pub fn parse(text: &str) -> Sysctl {
    let mut out = Sysctl::default();
    for (no, raw) in numbered_lines(text) {
        if raw.trim().is_empty() {
            continue;
        }
        match entry(raw) {
            Ok((_, (name, value))) => {
                out.values.insert(name.to_string(), value.to_string());
            }
            Err(_) => out.unparsed.push(Unparsed::new(no, raw)),
        }
    }
    out
}

/// Parses a file by its path: a `proc/sys/**` file is one value named after its path, anything
/// else is `sysctl -a` output.
pub fn parse_file(path: &str, text: &str) -> Sysctl {
    match name_from_proc_path(path) {
        Some(name) if !text.trim().is_empty() => {
            Sysctl { values: BTreeMap::from([(name, proc_sys_value(text))]), unparsed: Vec::new() }
        }
        _ => parse(text),
    }
}

/// The value of a single `proc/sys/**` file: its text without the trailing newline.
pub fn proc_sys_value(text: &str) -> String {
    text.trim_end_matches(['\n', '\r']).to_string()
}

/// The sysctl name of a `proc/sys/**` path: `proc/sys/vm/min_free_kbytes` →
/// `vm.min_free_kbytes`. A dot inside a path component becomes `/`, as `sysctl` prints it
/// (`proc/sys/net/ipv4/conf/eth0.100/forwarding` → `net.ipv4.conf.eth0/100.forwarding`).
/// `None` when the path is not under `proc/sys/`.
pub fn name_from_proc_path(path: &str) -> Option<String> {
    let path = path.replace('\\', "/");
    let at = if path.starts_with("proc/sys/") { 0 } else { path.find("/proc/sys/")? + 1 };
    let rest = path.get(at + "proc/sys/".len()..)?;
    let parts: Vec<String> =
        rest.split('/').filter(|p| !p.is_empty()).map(|p| p.replace('.', "/")).collect();
    (!parts.is_empty()).then(|| parts.join("."))
}

/// `name = value` (value may be empty: `kernel.domainname = `).
fn entry(input: &str) -> IResult<&str, (&str, &str)> {
    let name = take_while1(|c: char| !c.is_whitespace() && c != '=' && c != ':');
    all_consuming((name, tag(" ="), rest))
        .map(|(name, _, value): (&str, &str, &str)| {
            (name, value.strip_prefix(' ').unwrap_or(value).trim_end_matches(['\r', '\n']))
        })
        .parse(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_multi_values_and_permission_errors() {
        let s = parse(
            "vm.min_free_kbytes = 67584\nvm.lowmem_reserve_ratio = 256\t256\t32\t0\t0\n\
             kernel.domainname = \nsysctl: permission denied on key 'fs.protected_regular'\n\
             net.ipv6.conf.enP1s0.accept_ra = 1\n",
        );
        assert_eq!(s.get_u64("vm.min_free_kbytes"), Some(67_584));
        assert_eq!(s.get("vm.lowmem_reserve_ratio"), Some("256\t256\t32\t0\t0"));
        assert_eq!(s.get_u64s("vm.lowmem_reserve_ratio"), Some(vec![256, 256, 32, 0, 0]));
        assert_eq!(s.get("kernel.domainname"), Some(""));
        assert_eq!(s.get("net.ipv6.conf.enP1s0.accept_ra"), Some("1"));
        assert_eq!(s.unparsed.len(), 1);
        assert_eq!(s.unparsed[0].line, 4);
    }

    #[test]
    fn names_from_paths() {
        assert_eq!(
            name_from_proc_path("proc/sys/vm/min_free_kbytes").as_deref(),
            Some("vm.min_free_kbytes")
        );
        assert_eq!(
            name_from_proc_path("sosreport-x/proc/sys/net/ipv4/conf/eth0.100/forwarding")
                .as_deref(),
            Some("net.ipv4.conf.eth0/100.forwarding")
        );
        assert_eq!(name_from_proc_path("proc/meminfo"), None);
        assert_eq!(name_from_proc_path("proc/sys/"), None);
        assert_eq!(proc_sys_value("256\t256\t32\t0\t0\n"), "256\t256\t32\t0\t0");
        let one = parse_file("sos/proc/sys/vm/lowmem_reserve_ratio", "256\t256\t32\t0\t0\n");
        assert_eq!(one.get_u64s("vm.lowmem_reserve_ratio"), Some(vec![256, 256, 32, 0, 0]));
        assert_eq!(
            parse_file("sysctl_-a", "vm.swappiness = 60\n").get_u64("vm.swappiness"),
            Some(60)
        );
    }
}
