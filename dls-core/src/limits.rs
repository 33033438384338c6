//! Size limits, in one place. Past each one the input is refused with a typed error that names
//! the limit; nothing is truncated or dropped silently. Each limit is tested at its value and
//! one past it (`dls-core/tests/limits.rs`).
//!
//! | what | limit | error past it |
//! |---|---|---|
//! | a file or text (directory, rule set, cases, one JSON document) | [`MAX_INPUT_BYTES`] (64 MiB) | `ParseError::TooLarge` |
//! | a signal feed ([`signals::read_csv`](crate::signals::read_csv)) | [`MAX_INPUT_BYTES`] (64 MiB) | `SignalError::TooLarge` |
//! | nesting of a JSON document or of a Python value read as one | [`MAX_JSON_DEPTH`] (64 levels) | `ParseError::TooDeep`; in Python `BadInputError` |
//! | an id (case, kern, service, rule, …) | [`MAX_ID_LEN`] (64 bytes) | `IdError` (`must be at most 64 characters`) |
//! | bootstrap resamples of a comparison | [`MAX_COMPARE_ITERATIONS`] (100,000) | `EvalError::InvalidOption` |
//! | shadowed rules and ties listed one by one in a validation report | [`MAX_LISTED`] (100 each) | not an error: the rest are counted in one summary line |
//! | rules and switch-offs of one rule set (all its files together) | [`MAX_RULES`] (100,000) | a validation error of kind `too_many_rules` (the rule set is refused) |
//! | rows of one routing batch ([`Router::route_rows`](crate::routing::Router::route_rows)) | [`MAX_BATCH_ROWS`] (1,000,000) | each row past it: `RoutingError::BatchTooLarge` in its place, not routed |
//! | events used per case in an event log | [`MAX_EVENTS_PER_CASE`] (10,000) | each event past it (in time order): a rejected row, reason `too_many_events` |
//!
//! Memory grows linearly with rules, rows and events below these limits (validation allocates
//! nothing per pair of rules; a batch holds one result per row; a case's events are held once);
//! the limits keep one call from running for minutes (the pair analysis of 100,000 rules, a
//! case whose events all share one instant).

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

/// The most rules and switch-offs one rule set may hold, all its files together.
pub const MAX_RULES: usize = 100_000;

/// The most rows one routing batch routes; each row past it is an error in its place.
pub const MAX_BATCH_ROWS: usize = 1_000_000;

/// The most events of one case an event log uses; later ones (in time order) are rejected.
pub const MAX_EVENTS_PER_CASE: usize = 10_000;
