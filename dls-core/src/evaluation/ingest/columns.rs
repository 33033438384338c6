//! The row shape every reader hands to
//! [`EventLogBuilder::push`](super::EventLogBuilder::push): borrowed fields, so a host that holds
//! the log as columns (an Arrow table, plain vectors) feeds the builder cell by cell, without
//! writing text first.

/// When an event happened, as the host holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamp<'a> {
    /// ISO 8601 text with an offset, checked exactly like a CSV cell (see the
    /// [module docs](super)).
    Text(&'a str),
    /// UTC microseconds since 1970-01-01T00:00:00Z. Fractions of a second are kept, as in
    /// text; instants outside the years 0000 to 9999 are rejected as
    /// [`BadTimestamp`](super::RejectReason::BadTimestamp), as in text.
    Micros(i64),
}

/// One row of an event log, borrowed from the reader's buffer or the host's table.
///
/// Fields are the columns of the [module docs](super). `None` is a missing cell (null), the
/// same as an empty one: a missing `case_id`, `timestamp` or `activity` rejects the row with
/// [`MissingValue`](super::RejectReason::MissingValue). Text is trimmed before it is checked.
/// Every field is borrowed: building a row allocates nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventFields<'a> {
    /// The case id.
    pub case_id: Option<&'a str>,
    /// When.
    pub timestamp: Option<Timestamp<'a>>,
    /// An [`Activity`](crate::events::Activity) name.
    pub activity: Option<&'a str>,
    /// Organisation id.
    pub organisation: Option<&'a str>,
    /// Service id.
    pub service: Option<&'a str>,
    /// Kern id.
    pub kern: Option<&'a str>,
    /// Need code.
    pub need: Option<&'a str>,
    /// A [`RejectionReason`](crate::events::RejectionReason) name.
    pub reason: Option<&'a str>,
    /// Municipality code (`GMxxxx`).
    pub municipality: Option<&'a str>,
    /// Region id.
    pub region: Option<&'a str>,
    /// Domain label.
    pub domain: Option<&'a str>,
    /// Phase label.
    pub phase: Option<&'a str>,
    /// Legal framework name (`wmo`, `jeugdwet`, `wgs`, …).
    pub framework: Option<&'a str>,
    /// Signal names, one per item; an item may also hold several separated by `;` (as a CSV
    /// cell does). Blank items are ignored; no non-blank item means no signals were stated.
    pub signals: &'a [&'a str],
    /// The values of the mapping's extra dimensions
    /// ([`LogMapping::dimensions`](super::LogMapping::dimensions)), in its order; a missing
    /// or empty value states none.
    pub extra: &'a [Option<&'a str>],
}
