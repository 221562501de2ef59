//! Errors of rule loading: they name the file, the key, and the closest valid name.

/// A rule file could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File or folder.
        path: String,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The file is not a valid rule.
    #[error("{path}: {}{message}", key.as_ref().map(|k| format!("key `{k}`: ")).unwrap_or_default())]
    Invalid {
        /// The rule file.
        path: String,
        /// The dotted key at fault (`match.event`), when known.
        key: Option<String>,
        /// What is wrong, with a "did you mean" when a close valid name exists.
        message: String,
    },
    /// Two rules have the same id.
    #[error("rule id `{id}` is defined twice: in {first} and in {second}")]
    Duplicate {
        /// The id.
        id: String,
        /// Where it was first defined.
        first: String,
        /// Where it was defined again.
        second: String,
    },
}

/// The candidate closest to `word` when it is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

/// Adds "did you mean `x`?" to a serde message of the form
/// ``unknown field `severty`, expected one of `id`, `title` `` (or ``unknown variant …``).
pub(crate) fn suggest_in_serde_message(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))
    else {
        return message.to_string();
    };
    let Some((word, tail)) = rest.split_once('`') else {
        return message.to_string();
    };
    let expected: Vec<&str> =
        tail.split('`').enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, s)| s).collect();
    match closest(word, expected) {
        Some(best) => format!("{message}; did you mean `{best}`?"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_field() {
        let msg = "unknown field `severty`, expected one of `id`, `title`, `severity`";
        assert_eq!(
            suggest_in_serde_message(msg),
            "unknown field `severty`, expected one of `id`, `title`, `severity`; did you mean `severity`?"
        );
    }

    #[test]
    fn no_suggestion_for_a_distant_word() {
        let msg = "unknown field `zzz`, expected `id` or `title`";
        assert_eq!(suggest_in_serde_message(msg), msg);
    }

    #[test]
    fn closest_picks_the_best_match() {
        assert_eq!(closest("hung_tsk", ["hung_task", "oom_kill"]).as_deref(), Some("hung_task"));
        assert_eq!(closest("xyz", ["hung_task", "oom_kill"]), None);
    }
}
