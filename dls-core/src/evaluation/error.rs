//! What can go wrong in evaluation as a whole.

/// What can go wrong in evaluation as a whole (bad rows are not errors: they are rejected and
/// counted, see [`Ingested`](super::Ingested)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The input could not be read.
    #[error("cannot read event log: {0}")]
    Io(String),
    /// The CSV header lacks a required column.
    #[error("event log header lacks column `{column}`")]
    MissingColumn {
        /// The column.
        column: String,
    },
    /// A holiday calendar file is malformed.
    #[error("holiday calendar: {0}")]
    Calendar(String),
    /// An unknown aggregate dimension name (not repeated: errors hold none of the caller's
    /// data).
    #[error("unknown dimension")]
    UnknownDimension,
    /// A name that is not one of the known values of its kind (`kind` says which; the name
    /// given is not repeated).
    #[error("unknown {kind}")]
    UnknownName {
        /// What was being named (e.g. `row rejection reason`).
        kind: &'static str,
    },
    /// A disclosure switch other than `publish` or `raw`.
    #[error("unknown disclosure: use `publish` or `raw`")]
    UnknownDisclosure,
    /// An option outside its documented range (e.g. more bootstrap resamples than
    /// [`MAX_COMPARE_ITERATIONS`](crate::limits::MAX_COMPARE_ITERATIONS)).
    #[error("option `{option}` {reason}")]
    InvalidOption {
        /// The option.
        option: &'static str,
        /// What it must be.
        reason: &'static str,
    },
    /// Two states with different groupings cannot merge.
    #[error("cannot merge evaluation states grouped by different dimensions")]
    IncompatibleStates,
}
