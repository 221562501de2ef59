//! End-to-end tests of the `sosalyzer` binary against the bundles in `samples/`.

/// `sosalyzer inventory` on every input form and on bad input.
mod inventory;
mod parse;
/// `sosalyzer rules list|show|test`: the catalogue and the rule files' own test cases.
mod rules;
/// `sosalyzer timeline` and `sosalyzer parse dmesg|syslog|journal`.
mod timeline;
