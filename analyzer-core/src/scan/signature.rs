//! Signatures: short strings that are equal when two hosts hit the same problem, so the scan
//! index can group them.
//!
//! * `hung_task:xfs_log_force_lsn,xfs_file_fsync,do_fsync`: the top
//!   [`TRACE_FRAMES`] frames of the call trace below the scheduler and lock-wait frames
//!   (`__schedule+0x282/0x870` and friends say only that the task slept);
//! * `xfs_error:shutdown:5`: the XFS class and errno (`xfs_error:corruption` when no errno was
//!   printed);
//! * `page_alloc_failure:order6:GFP_KERNEL|__GFP_COMP`: the order and GFP flags (the hex mask when
//!   only hex was printed).

use std::collections::BTreeSet;

use crate::model::{Event, EventFields};
use crate::report::Report;

/// How many call-trace frames a hung-task signature keeps.
pub const TRACE_FRAMES: usize = 3;

/// The distinct signatures of a report's events, sorted.
pub fn signatures(report: &Report) -> Vec<String> {
    let set: BTreeSet<String> = report.events.iter().filter_map(event_signature).collect();
    set.into_iter().collect()
}

/// The signature of one event, for the kinds that have one.
pub fn event_signature(event: &Event) -> Option<String> {
    match &event.fields {
        EventFields::HungTask(task) => {
            let frames: Vec<&str> = task
                .call_trace
                .iter()
                .filter_map(|frame| frame_function(frame))
                .filter(|name| !is_wait_frame(name))
                .take(TRACE_FRAMES)
                .collect();
            if frames.is_empty() {
                Some("hung_task:no_trace".to_string())
            } else {
                Some(format!("hung_task:{}", frames.join(",")))
            }
        }
        EventFields::XfsError(xfs) => Some(match xfs.errno {
            Some(errno) => format!("xfs_error:{}:{errno}", xfs.class.as_str()),
            None => format!("xfs_error:{}", xfs.class.as_str()),
        }),
        EventFields::PageAllocFailure(failure) => {
            let flags = if failure.gfp_flags.is_empty() {
                failure.gfp_mask.clone()
            } else {
                failure.gfp_flags.join("|")
            };
            Some(format!("page_alloc_failure:order{}:{flags}", failure.order))
        }
        _ => None,
    }
}

/// The function name of a trace frame as printed (`xfs_log_force_lsn+0x9a/0x1f0 [xfs]` →
/// `xfs_log_force_lsn`). Unreliable frames (`? foo+0x1/0x2`), addresses and markers such as
/// `<TASK>` give `None`.
fn frame_function(frame: &str) -> Option<&str> {
    let mut frame = frame.trim();
    // Older kernels print `[<ffffffff8106c2b3>] name+0x…`.
    if frame.starts_with("[<") {
        frame = frame.split_once(']').map_or("", |(_, rest)| rest.trim_start());
    }
    if frame.starts_with('?') || frame.starts_with('<') {
        return None;
    }
    let end = frame.find(|c: char| c == '+' || c.is_whitespace()).unwrap_or(frame.len());
    let name = frame.get(..end)?;
    let is_name = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '$'));
    is_name.then_some(name)
}

/// Frames that only say the task was sleeping or waiting for a lock.
fn is_wait_frame(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "schedule",
        "__schedule",
        "io_schedule",
        "down",
        "__down",
        "down_read",
        "down_write",
        "mutex_lock",
        "finish_wait",
        "prepare_to_wait",
        "prepare_to_wait_event",
        "wait_woken",
        "__lock_page",
        "__folio_lock",
        "msleep",
        "usleep_range",
    ];
    const PREFIXES: &[&str] = &[
        "schedule_",
        "io_schedule_",
        "preempt_schedule",
        "__switch_to",
        "_cond_resched",
        "__cond_resched",
        "wait_for_completion",
        "__wait_for_common",
        "wait_for_common",
        "do_wait_for_common",
        "__wait_on_bit",
        "out_of_line_wait_on_bit",
        "bit_wait",
        "wait_on_page_bit",
        "folio_wait_bit",
        "rwsem_down_",
        "call_rwsem_down_",
        "__down_",
        "down_read_",
        "down_write_",
        "__mutex_lock",
        "mutex_lock_",
        "rt_mutex_",
        "__rt_mutex",
        "percpu_rwsem_wait",
        "__percpu_down_",
        "usleep_range_",
    ];
    EXACT.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{EventTime, HungTask, PageAllocFailure, XfsClass, XfsError};

    fn event(fields: EventFields) -> Event {
        Event {
            id: "e1".into(),
            time: EventTime::default(),
            sources: Vec::new(),
            raw: String::new(),
            fields,
            lines: Vec::new(),
        }
    }

    #[test]
    fn hung_task_skips_scheduler_frames() {
        // Frames of a RHEL 8 jbd2 hang (docs/FORMATS.md 3.2), as the event assembler keeps them.
        let trace = [
            "__schedule+0x2c4/0x700",
            "schedule+0x38/0xa0",
            "io_schedule+0x12/0x40",
            "? bit_wait+0x50/0x50",
            "bit_wait_io+0xd/0x50",
            "__wait_on_bit+0x6c/0x80",
            "out_of_line_wait_on_bit+0x91/0xb0",
            "jbd2_journal_commit_transaction+0x1306/0x1a10 [jbd2]",
            "kjournald2+0xbd/0x270 [jbd2]",
            "kthread+0x112/0x130",
            "ret_from_fork+0x35/0x40",
        ];
        let hung = HungTask {
            call_trace: trace.iter().map(|s| s.to_string()).collect(),
            ..HungTask::default()
        };
        assert_eq!(
            event_signature(&event(EventFields::HungTask(hung))).as_deref(),
            Some("hung_task:jbd2_journal_commit_transaction,kjournald2,kthread")
        );
    }

    #[test]
    fn hung_task_old_style_frames_and_no_trace() {
        let hung = HungTask {
            call_trace: vec![
                "[<ffffffff8163a909>] schedule+0x29/0x70".into(),
                "[<ffffffffa02e5c7d>] xlog_cil_force_lsn+0xed/0x1b0 [xfs]".into(),
            ],
            ..HungTask::default()
        };
        assert_eq!(
            event_signature(&event(EventFields::HungTask(hung))).as_deref(),
            Some("hung_task:xlog_cil_force_lsn")
        );
        assert_eq!(
            event_signature(&event(EventFields::HungTask(HungTask::default()))).as_deref(),
            Some("hung_task:no_trace")
        );
    }

    #[test]
    fn xfs_and_page_alloc_signatures() {
        let xfs = XfsError { class: XfsClass::Shutdown, errno: Some(5), ..XfsError::default() };
        assert_eq!(
            event_signature(&event(EventFields::XfsError(xfs))).as_deref(),
            Some("xfs_error:shutdown:5")
        );
        let xfs = XfsError { class: XfsClass::Corruption, ..XfsError::default() };
        assert_eq!(
            event_signature(&event(EventFields::XfsError(xfs))).as_deref(),
            Some("xfs_error:corruption")
        );
        let failure = PageAllocFailure {
            order: 6,
            gfp_mask: "0x40d0".into(),
            gfp_flags: vec!["GFP_KERNEL".into(), "__GFP_COMP".into()],
            ..PageAllocFailure::default()
        };
        assert_eq!(
            event_signature(&event(EventFields::PageAllocFailure(failure))).as_deref(),
            Some("page_alloc_failure:order6:GFP_KERNEL|__GFP_COMP")
        );
        let failure =
            PageAllocFailure { order: 2, gfp_mask: "0x20".into(), ..PageAllocFailure::default() };
        assert_eq!(
            event_signature(&event(EventFields::PageAllocFailure(failure))).as_deref(),
            Some("page_alloc_failure:order2:0x20")
        );
    }
}
