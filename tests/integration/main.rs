//! End-to-end tests of the `sosalyzer` binary against the bundles in `samples/`.

// `sosalyzer scan`: discovery, error rows, index files, JSON Lines, shards, usage errors.
mod scan;
