//! The log-line prefix parsers: every line through `parse_line` under each hint (dmesg,
//! syslog, journal, auto-detected), its derived views, then `detect_kind` and `summarize` over
//! the whole text.
#![no_main]

use analyzer_core::parse::logline::{self, Hint};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    for line in text.lines() {
        for hint in [Hint::Auto, Hint::Dmesg, Hint::Syslog, Hint::Journal] {
            let parsed = logline::parse_line(line, hint);
            let _ = (parsed.is_kernel(), parsed.is_boot_separator(), parsed.time_raw());
            let _ = parsed.message_parts().count();
            let _ = parsed.format.as_str();
            if let logline::Stamp::Yearless(y) = parsed.stamp {
                let _ =
                    (y.is_plausible(), y.in_year(2026), y.in_year(i16::MIN), y.in_year(i16::MAX));
            }
        }
    }
    let _ = logline::detect_kind(text);
    for hint in [Hint::Auto, Hint::Dmesg, Hint::Syslog, Hint::Journal] {
        let _ = logline::summarize(text, hint);
    }
});
