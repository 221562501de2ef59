//! Event assembly: arbitrary text through the timeline as a log of each kind (the public path,
//! which strips prefixes and feeds the assembler), and every line straight into the assembler.
#![no_main]

use analyzer_core::events::Assembler;
use analyzer_core::model::HostFacts;
use analyzer_core::source::SourceKind;
use analyzer_core::timeline::TimelineBuilder;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut timeline = TimelineBuilder::new(None);
    for (kind, path) in [
        (SourceKind::Dmesg, "sos_commands/kernel/dmesg"),
        (SourceKind::Syslog, "var/log/messages"),
        (SourceKind::Journal, "sos_commands/logs/journalctl_--no-pager"),
    ] {
        let _ = timeline.read_log(path, kind, &mut &data[..]);
    }
    let _ = timeline.read_loose_log("loose.log", SourceKind::Dmesg, &mut &data[..]);
    let _ = timeline.finish(&HostFacts::default());

    let text = String::from_utf8_lossy(data);
    let mut assembler = Assembler::new();
    let mut out = Vec::new();
    for (no, line) in (1u64..).zip(text.lines()) {
        assembler.push(no, line, line, &no, &mut out);
    }
    assembler.finish(&mut out);
    let _ = assembler.hung_task_reports_suppressed();
});
