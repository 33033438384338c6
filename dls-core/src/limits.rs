//! Size limits, in one place. Past each one the input is refused with a typed error that names
//! the limit; nothing is truncated or dropped silently. Each limit is tested at its value and
//! one past it (`dls-core/tests/limits.rs`).
//!
//! | what | limit | error past it |
//! |---|---|---|
//! | a file or text (directory, rule set, cases, one JSON document) | [`MAX_INPUT_BYTES`] (64 MiB) | `ParseError::TooLarge` |
//! | nesting of a JSON document or of a Python value read as one | [`MAX_JSON_DEPTH`] (64 levels) | `ParseError::TooDeep`; in Python `BadInputError` |
//! | an id (case, kern, service, rule, …) | [`MAX_ID_LEN`] (64 bytes) | `IdError` (`must be at most 64 characters`) |
//! | bootstrap resamples of a comparison | [`MAX_COMPARE_ITERATIONS`] (100,000) | `EvalError::InvalidOption` |
//! | shadowed rules and ties listed one by one in a validation report | [`MAX_LISTED`] (100 each) | not an error: the rest are counted in one summary line |
//!
//! Rules per rule set, cases per batch and events per case have no fixed limit: memory grows
//! linearly with each (validation allocates nothing per pair of rules; a batch holds one result
//! per row; a case's events are held once), so the file-size limit bounds them.

/// The largest input text accepted, in bytes: 64 MiB.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// The deepest nesting of arrays and objects accepted in a JSON document (and of dicts and
/// lists in a Python value read as one).
pub const MAX_JSON_DEPTH: usize = 64;

/// The longest id accepted, in bytes.
pub const MAX_ID_LEN: usize = 64;

/// The most bootstrap resamples a comparison draws (each costs one pass over both selections).
pub const MAX_COMPARE_ITERATIONS: u32 = 100_000;

/// How many problems of one kind (shadowed rules, ties) a validation report lists one by one.
pub const MAX_LISTED: usize = 100;
