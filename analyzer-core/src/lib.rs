#![deny(missing_docs)]
/*!
Offline analysis of Linux support bundles: sosreports (sos 3.x and 4.x), `sos collect` archives,
SUSE supportconfigs, and loose kernel logs or /proc files.

# Brief overview

```text
Bundle ──► Sources ──► Parsers ──► Model ──────────────► Rules ──► Findings ──► Report
```

* [`bundle`] reads every input form in one sequential pass, never extracting anything.
* [`source`] says what each file of a bundle is.
* [`facts`] reads host facts (host name, kernel, collection and boot time) from the small sources.
* [`inventory`] lists what a bundle holds, on top of [`bundle`].
* [`parse`] turns each format into typed records.
* [`model`] holds host facts, the kernel-event timeline and the memory snapshot.
* [`rules`] turns the model into findings: built-in analyses and declarative rule files.
* [`timeline`] puts the kernel events of every log on one clock; [`events`] assembles them.
* [`report`] is the serialisable result and its renderers; [`analyze`] runs the whole pass.
* [`scan`] analyses a folder of bundles in parallel.

# Example

Open a bundle, analyse it, and render the report:

```
use std::path::Path;

use analyzer_core::analyze::{AnalyzeOptions, analyze_path};
use analyzer_core::report::{Format, render};

let bundle = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/sos4-rhel8.tar.xz");
for report in analyze_path(&bundle, &AnalyzeOptions::default())? {
    assert_eq!(report.host.hostname.as_deref(), Some("db01"));
    let markdown = render(&report, Format::Markdown)?;
    assert!(markdown.contains("hung task"));
}
# Ok::<(), Box<dyn std::error::Error>>(())
```
*/

pub mod analyze;
pub mod bundle;
mod error;
pub mod events;
pub mod facts;
pub mod inventory;
pub mod model;
pub mod parse;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod timeline;

pub use error::Error;
