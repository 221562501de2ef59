//! Rules: read the [`crate::model::Model`] and return findings. Declarative rules come from
//! `rules/*.toml`; analyses that need arithmetic are written in Rust. Both share one trait.
