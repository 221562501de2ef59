//! Event assembly: small state machines that turn a kernel headline plus its continuation lines
//! (task line, call trace, Mem-Info dump, XFS follow-up lines) into one typed event.
