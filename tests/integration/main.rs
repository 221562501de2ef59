//! End-to-end tests of the `sosalyzer` binary against the bundles in `samples/`.

// `sosalyzer timeline` and `sosalyzer parse dmesg|syslog|journal`.
mod timeline;
