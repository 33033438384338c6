//! What can go wrong in evaluation as a whole.

/// What can go wrong in evaluation as a whole (bad rows are not errors: they are rejected and
/// counted, see [`Ingested`](super::Ingested)).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The input could not be read.
    #[error("cannot read event log: {0}")]
    Io(String),
    /// A file whose extension names no event-log format dls reads.
    #[error(
        "cannot tell the format of `{file}`: use a `.csv`, `.jsonl`, `.xes` or `.parquet` file"
    )]
    UnknownFormat {
        /// The file.
        file: String,
    },
    /// The CSV header lacks a required column.
    #[error("event log header lacks column `{column}`")]
    MissingColumn {
        /// The column.
        column: String,
    },
    /// A log mapping names a column the log does not have for a required field: what it
    /// needed, and the columns the log has (at most 20 listed).
    #[error(
        "event log has no column `{wanted}` for `{field}`: its columns are {}",
        known_values(found)
    )]
    ColumnNotFound {
        /// The dls field (`case_id`, `timestamp` or `activity`).
        field: &'static str,
        /// The column the mapping names for it.
        wanted: String,
        /// The log's columns.
        found: Vec<String>,
    },
    /// An event-log file that cannot be read as its format (XES that is not well-formed XML,
    /// a Parquet file that is not Parquet): the whole file, not one row, is at fault.
    #[error("event log ({format}): {problem}")]
    Malformed {
        /// The format: `XES`, `Parquet`.
        format: &'static str,
        /// What is wrong, and where (never the file's content).
        problem: String,
    },
    /// A column of a table or Parquet file has a type that cannot hold its field.
    #[error("column `{column}` has type {found} where {expected} is expected")]
    ColumnType {
        /// The column.
        column: String,
        /// Its type.
        found: String,
        /// What the field needs.
        expected: &'static str,
    },
    /// Legal settings (terms, calendar) that cannot be read.
    #[error("legal settings: {problem}")]
    InvalidLegal {
        /// What is wrong, and where.
        problem: String,
    },
    /// A log mapping file is malformed.
    #[error("log mapping: {problem}")]
    Mapping {
        /// What is wrong, and where.
        problem: String,
    },
    /// A holiday calendar file is malformed.
    #[error("holiday calendar: {0}")]
    Calendar(String),
    /// An unknown aggregate dimension name (not repeated: errors hold none of the caller's
    /// data), with the dimensions there are: the built-in ones and the log's extra dimensions
    /// (see [`LogMapping::dimensions`](super::LogMapping::dimensions)).
    #[error("unknown dimension: the dimensions are {}", available.iter().map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", "))]
    UnknownDimension {
        /// Every dimension that can be grouped by.
        available: Vec<String>,
    },
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
    /// A selection filter names a value no case has (e.g. phase `Pilot` when the log's phases
    /// are `baseline` and `pilot`): the comparison would be empty. Lists the values that exist.
    /// The value given is not repeated (it may be anything typed into the wrong field).
    #[error(
        "no case has the {filter} given: the cases have {}",
        known_values(known)
    )]
    NoMatch {
        /// The filter: `phase` or `kern`.
        filter: &'static str,
        /// The values the cases have, sorted.
        known: Vec<String>,
    },
    /// Two selections of a comparison overlap and differ by cases whose published (rounded)
    /// number is below the disclosure minimum: their difference would publish a cell too small
    /// to publish (issue 13, item 1(d)).
    #[error(
        "the two selections overlap and differ by fewer than {min_cases} cases (as published): their difference would reveal a suppressed cell"
    )]
    SmallDifference {
        /// The disclosure minimum of cases.
        min_cases: u64,
    },
    /// Merging would count more events than a state may hold
    /// ([`MAX_STATE_COUNT`](super::state::MAX_STATE_COUNT)).
    #[error("merged evaluation state would count more than 2^53 events")]
    StateTooLarge,
    /// Stored state bytes that are not a valid state.
    #[error(transparent)]
    State(#[from] StateError),
}

/// At most 20 values, in backticks; `none` for none.
fn known_values(known: &[String]) -> String {
    if known.is_empty() {
        return "none".into();
    }
    let mut out: Vec<String> = known.iter().take(20).map(|k| format!("`{k}`")).collect();
    if known.len() > 20 {
        out.push(format!("and {} more", known.len() - 20));
    }
    out.join(", ")
}

/// Why stored evaluation state bytes were refused (see
/// [`EvalState::from_json`](super::EvalState::from_json)). No message repeats a value of the
/// input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Not JSON of the shape of a state (truncated, a wrong type, a missing field, …).
    #[error("evaluation state: not a state at line {line}, column {column} ({kind})")]
    Malformed {
        /// Line of the input (1-based).
        line: usize,
        /// Column of the input (1-based).
        column: usize,
        /// What kind of problem: `syntax`, `data` or `end of input`.
        kind: &'static str,
    },
    /// Well-formed, but its figures cannot come from any event log.
    #[error("evaluation state: {part}: {problem}")]
    Inconsistent {
        /// Where: `cell 3`, `totals`, `problems`, `waits of organisation 2`, ….
        part: String,
        /// What does not hold.
        problem: &'static str,
    },
}
