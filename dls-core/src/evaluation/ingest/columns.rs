//! The row shape every reader hands to [`EventLogBuilder::push`]: borrowed fields, so a host
//! that holds the log as columns (an Arrow table, plain vectors) feeds the builder without
//! writing text first; and the reader of core [`Event`] values.

use super::{EventLogBuilder, Ingested};
use crate::events::Event;

/// When an event happened, as the host holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timestamp<'a> {
    /// ISO 8601 text with an offset, checked exactly like a CSV cell (see the
    /// [module docs](super)).
    Text(&'a str),
    /// UTC microseconds since 1970-01-01T00:00:00Z. Fractions of a second are dropped, as in
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
}

/// Checks and indexes core [`Event`] values (row = 1-based position) with the same rules as the
/// file readers.
pub fn ingest_events<'a, I: IntoIterator<Item = &'a Event>>(events: I) -> Ingested {
    let mut b = EventLogBuilder::new();
    for (i, e) in events.into_iter().enumerate() {
        b.push(
            i as u64 + 1,
            EventFields {
                case_id: Some(e.case.as_str()),
                timestamp: Some(Timestamp::Micros(e.at.timestamp_micros())),
                activity: Some(e.activity.as_str()),
                organisation: e.organisation.as_ref().map(|v| v.as_str()),
                service: e.service.as_ref().map(|v| v.as_str()),
                kern: e.kern.as_ref().map(|v| v.as_str()),
                need: e.need.as_ref().map(|v| v.as_str()),
                reason: e.reason.map(super::reason_str),
                ..EventFields::default()
            },
        );
    }
    b.finish()
}
