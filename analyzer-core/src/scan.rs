//! Batch scanning: find every bundle under a folder and analyse them in parallel.
