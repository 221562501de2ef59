//! The timeline: kernel events from every log source of a bundle on one clock, split by boot
//! and de-duplicated across sources.
