//! End-to-end tests of the `sosalyzer` binary against the bundles in `samples/`.

mod parse;
