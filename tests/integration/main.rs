//! End-to-end tests of the `sosalyzer` binary against the bundles in `samples/`.

mod parse;
// `sosalyzer rules list|show|test`: the catalogue and the rule files' own test cases.
mod rules;
