//! Event assembly: small state machines that turn a kernel headline plus its continuation lines
//! (task line, call trace, Mem-Info dump, XFS follow-up lines) into one typed event.
//!
//! The caller (the timeline) strips every prefix (syslog header, printk stamp, quoting) and
//! feeds only kernel-originated messages, in file order, with an opaque stamp of its own that
//! comes back with the finished event.

use crate::model::{EventFields, EventLine};

/// Words one of which every headline contains. The timeline runs one multi-pattern search over
/// each line and skips lines with none of them while no event is open.
pub const TRIGGERS: &[&str] = &["INFO: task", "page allocation", "XFS"];

/// One finished event, before the timeline gives it an id and a resolved time.
#[derive(Clone, Debug, PartialEq)]
pub struct Assembled<T> {
    /// The stamp the caller passed with the headline line.
    pub stamp: T,
    /// 1-based line number of the headline.
    pub line: u64,
    /// The headline line as printed (prefix included).
    pub raw: String,
    /// Typed fields.
    pub fields: EventFields,
    /// The lines of the event, headline first.
    pub lines: Vec<EventLine>,
}

/// Turns kernel messages into events, one source file at a time.
#[derive(Debug)]
pub struct Assembler<T> {
    done: Vec<Assembled<T>>,
}

impl<T: Clone> Default for Assembler<T> {
    fn default() -> Self {
        Assembler::new()
    }
}

impl<T: Clone> Assembler<T> {
    /// A new assembler with no open event.
    pub fn new() -> Self {
        Assembler { done: Vec::new() }
    }

    /// Whether an event is collecting continuation lines: while it is, the caller must feed
    /// every kernel line, not only those that contain a [`TRIGGERS`] word.
    pub fn is_open(&self) -> bool {
        false
    }

    /// Feeds one kernel message. `raw` is the whole line as printed, `msg` the text after every
    /// prefix (indentation after the printk stamp kept), `stamp` the caller's time stamp.
    /// Finished events are appended to `out`.
    pub fn push(
        &mut self,
        line: u64,
        raw: &str,
        msg: &str,
        stamp: &T,
        out: &mut Vec<Assembled<T>>,
    ) {
        let _ = (line, raw, msg, stamp);
        out.append(&mut self.done);
    }

    /// Ends the source: the open event, if any, is finished and appended to `out`.
    pub fn finish(&mut self, out: &mut Vec<Assembled<T>>) {
        out.append(&mut self.done);
    }
}
