//! End-to-end tests of the `sosalyzer` binary against the bundles in `samples/`.

// `sosalyzer inventory` on every input form and on bad input.
mod inventory;
// `sosalyzer analyze`: exit codes, error lines, snapshots of the reports of samples/.
mod analyze;
// The HTML report in headless Chromium: DOM, no network, screenshot.
mod html_browser;
// `sosalyzer parse KIND FILE`.
mod parse;
// `sosalyzer rules list|show|test`: the catalogue and the rule files' own test cases.
mod rules;
// `sosalyzer timeline` and `sosalyzer parse dmesg|syslog|journal`.
mod timeline;
// `sosalyzer scan`: discovery, error rows, index files, JSON Lines, shards, usage errors.
mod scan;
// Hostile bundles: cut archives, bombs, huge lines, garbage, escaping names, link loops.
mod hostile;
