//! Parsers: one module per file format. Each turns text into typed records that keep the raw
//! line and its line number, counts lines it could not read, and never panics.

pub mod buddyinfo;
pub mod cmdline;
pub mod common;
pub mod free;
pub mod meminfo;
pub mod mounts;
pub mod pagetypeinfo;
pub mod ps;
pub mod slabinfo;
pub mod sysctl;
pub mod vmstat;
pub mod zoneinfo;

pub use common::{ParsedFile, Unparsed};
