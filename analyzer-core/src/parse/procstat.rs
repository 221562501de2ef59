//! `/proc/stat`, for the boot time: `btime 1763883921` (seconds since the epoch).

use nom::IResult;
use nom::Parser as _;
use nom::bytes::complete::tag;
use nom::character::complete::{digit1, space0, space1};
use nom::combinator::{all_consuming, map_res};

/// What the analysis reads from `/proc/stat`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcStat {
    /// Boot time, seconds since the epoch (`btime`).
    pub btime: Option<i64>,
}

pub(crate) fn btime_line(input: &str) -> IResult<&str, i64> {
    let (input, (_, _, secs, _)) =
        (tag("btime"), space1, map_res(digit1, str::parse::<i64>), space0).parse(input)?;
    Ok((input, secs))
}

/// Parses `/proc/stat`; lines other than `btime` are ignored.
pub fn parse(text: &str) -> ProcStat {
    let btime = text.lines().find_map(|line| {
        all_consuming(btime_line).parse(line.trim_end()).ok().map(|(_, secs)| secs)
    });
    ProcStat { btime }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn btime_among_other_lines() {
        let text = "cpu  2255 34 2290 22625563 6290 127 456 0 0 0\nintr 114930548 113199788 3\nctxt 1990473\nbtime 1795415774\nprocesses 2915\n";
        assert_eq!(parse(text).btime, Some(1_795_415_774));
    }

    #[test]
    fn no_or_bad_btime() {
        assert_eq!(parse("cpu  1 2 3\n").btime, None);
        assert_eq!(parse("btime soon\n").btime, None);
    }
}
