//! Errors that stop the reading of an input altogether. Anything less is a [`crate::model::Problem`]
//! in the report.

use std::path::PathBuf;

/// An input could not be analysed at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The path could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The input path.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The input is not something this tool reads.
    #[error("{}: not a support bundle or log file: {reason}", path.display())]
    NotABundle {
        /// The input path.
        path: PathBuf,
        /// Why not.
        reason: String,
    },
    /// The input is encrypted.
    #[error("{}: the bundle is encrypted (OpenPGP); decrypt it first: gpg --output {} --decrypt {}", path.display(), decrypted.display(), path.display())]
    Encrypted {
        /// The input path.
        path: PathBuf,
        /// Suggested output name.
        decrypted: PathBuf,
    },
    /// The input is empty.
    #[error("{}: the file is empty", path.display())]
    Empty {
        /// The input path.
        path: PathBuf,
    },
    /// A rule file could not be loaded.
    #[error("{0}")]
    Rules(crate::rules::RuleError),
}
