//! Models for rule tests: events built from real kernel lines.

use crate::bundle::{InputFormat, InputKind};
use crate::model::{
    Event, EventFields, EventLine, EventTime, HostFacts, Model, SinceBoot, Snapshot, SourceRef,
};

/// An event `e{n}` at line `n * 10` of `sos_commands/kernel/dmesg`, `n * 10` seconds after boot.
pub(crate) fn event(n: u64, fields: EventFields, raw: &str) -> Event {
    event_lines(n, fields, &[raw])
}

/// An event with continuation lines (headline first).
pub(crate) fn event_lines(n: u64, fields: EventFields, lines: &[&str]) -> Event {
    let line = n * 10;
    Event {
        id: format!("e{n}"),
        time: EventTime {
            wall: None,
            since_boot: Some(SinceBoot(n * 10_000_000)),
            boot: 0,
            raw: String::new(),
        },
        sources: vec![SourceRef { path: "sos_commands/kernel/dmesg".into(), line }],
        raw: lines.first().map(|s| s.to_string()).unwrap_or_default(),
        fields,
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, t)| EventLine { line: line + i as u64, text: t.to_string() })
            .collect(),
    }
}

/// A sosreport model with these events and nothing else.
pub(crate) fn model_with(events: Vec<Event>) -> Model {
    Model {
        path: "sosreport-test".into(),
        kind: InputKind::Sosreport,
        format: InputFormat::Directory,
        host: HostFacts::default(),
        sources: Vec::new(),
        events,
        log_matches: Vec::new(),
        snapshot: Snapshot::default(),
        problems: Vec::new(),
    }
}
