//! In-memory input: core [`Event`] values.

use super::{reason_str, Builder, Ingested, RawRow};
use crate::events::Event;

/// Checks and indexes core [`Event`] values (row = 1-based position) with the same rules as the
/// file readers.
pub fn ingest_events<'a, I: IntoIterator<Item = &'a Event>>(events: I) -> Ingested {
    let mut b = Builder::default();
    for (i, e) in events.into_iter().enumerate() {
        let ts = e.at.to_rfc3339();
        let reason = e.reason.map(reason_str).unwrap_or("");
        let raw = RawRow {
            case_id: Some(e.case.as_str()),
            timestamp: Some(&ts),
            activity: Some(e.activity.as_str()),
            organisation: e.organisation.as_ref().map_or("", |v| v.as_str()),
            service: e.service.as_ref().map_or("", |v| v.as_str()),
            kern: e.kern.as_ref().map_or("", |v| v.as_str()),
            need: e.need.as_ref().map_or("", |v| v.as_str()),
            reason,
            ..RawRow::default()
        };
        b.push_raw(i as u64 + 1, &raw);
    }
    b.finish()
}
