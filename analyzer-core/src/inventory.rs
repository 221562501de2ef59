//! Inventory: what an input is, its host facts, and which sources were found where (and which
//! expected ones are missing), without analysing logs. A [`BundleVisitor`] like any other.

use std::io::{BufRead, Read};
use std::path::Path;

use serde::Serialize;

use crate::Error;
use crate::bundle::{self, BundleInfo, BundleSummary, BundleVisitor, Member};
use crate::facts::HostFactsBuilder;
use crate::model::{HostFacts, Problem};
use crate::report::{InputInfo, SourceEntry};

/// Most of one host-fact source that is read (these are a few lines; a manifest a few dozen KiB).
const FACT_TEXT_CAP: u64 = 4 << 20;

/// The inventory of one bundle: the `input`, `host`, `sources` and `problems` parts of the
/// JSON report, with the same field names and shapes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// What was read.
    pub input: InputInfo,
    /// Host facts.
    pub host: HostFacts,
    /// Sources found (path order), then the expected ones that were missing.
    pub sources: Vec<SourceEntry>,
    /// Problems met while reading.
    pub problems: Vec<Problem>,
}

/// Builds one [`Inventory`] per bundle read.
#[derive(Debug, Default)]
pub struct InventoryVisitor {
    facts: HostFactsBuilder,
    text: Vec<u8>,
    /// The inventories of the bundles finished so far.
    pub inventories: Vec<Inventory>,
}

impl BundleVisitor for InventoryVisitor {
    fn begin_bundle(&mut self, _info: &BundleInfo) {
        self.facts = HostFactsBuilder::new();
    }

    fn source(&mut self, member: &Member<'_>, data: &mut dyn BufRead) -> std::io::Result<()> {
        if HostFactsBuilder::wants(member.kind) {
            self.text.clear();
            data.take(FACT_TEXT_CAP).read_to_end(&mut self.text)?;
            self.facts.add(member.kind, member.path, &String::from_utf8_lossy(&self.text));
        }
        Ok(())
    }

    fn end_bundle(&mut self, summary: BundleSummary) {
        let facts = std::mem::take(&mut self.facts);
        self.inventories.push(Inventory {
            input: summary.info.input_info(),
            host: facts.finish(),
            sources: summary.sources,
            problems: summary.problems,
        });
    }
}

/// Opens and reads an input and returns one inventory per bundle in it (several for a
/// `sos collect` archive).
pub fn inventory(path: &Path) -> Result<Vec<Inventory>, Error> {
    let input = bundle::open(path)?;
    let mut visitor = InventoryVisitor::default();
    input.read(&mut visitor)?;
    Ok(visitor.inventories)
}
