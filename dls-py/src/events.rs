//! Case timelines from Python: an Arrow table of events (one row per event) or a list of dicts,
//! converted to core [`Event`]s.

use std::str::FromStr;

use arrow_array::ArrayRef;
use dls_core::events::Activity;
use dls_core::Event;
use pyo3::prelude::*;
use pyo3::types::PyList;
use serde::de::DeserializeOwned;

use crate::errors::Failure;
use crate::table::{self, batches, instant_at, str_at, strings};

/// The columns of an event table: `case`, `at` and `activity` are required.
pub const EVENT_COLUMNS: &[&str] = &[
    "case",
    "at",
    "activity",
    "organisation",
    "service",
    "kern",
    "need",
    "reason",
];

/// Parses a value the core names in snake_case (an enum of its model) from its text.
pub fn parse_name<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string())).ok()
}

fn id<T: FromStr<Err = dls_core::ids::IdError>>(
    text: Option<&str>,
    row: usize,
    field: &str,
) -> Result<Option<T>, Failure> {
    match text {
        None | Some("") => Ok(None),
        Some(t) => T::from_str(t)
            .map(Some)
            .map_err(|e| Failure::bad_row(format!("row {row}: {e}"), row, field)),
    }
}

fn opt(a: &Option<ArrayRef>, i: usize) -> Option<&str> {
    a.as_ref().and_then(|a| str_at(a, i))
}

fn optional(batch: &arrow_array::RecordBatch, name: &str) -> Result<Option<ArrayRef>, Failure> {
    table::column(batch, name)
        .map(|a| strings(a, name))
        .transpose()
}

/// Reads events from an Arrow table, in row order. Errors name the 1-based row and the column.
pub fn from_table(t: &pyo3_arrow::PyTable) -> Result<Vec<Event>, Failure> {
    let mut out = Vec::with_capacity(t.batches().iter().map(|b| b.num_rows()).sum());
    for (start, batch) in batches(t) {
        let case = strings(table::required(batch, "case")?, "case")?;
        let at = table::instants(table::required(batch, "at")?, "at")?;
        let activity = strings(table::required(batch, "activity")?, "activity")?;
        let organisation = optional(batch, "organisation")?;
        let service = optional(batch, "service")?;
        let kern = optional(batch, "kern")?;
        let need = optional(batch, "need")?;
        let reason = optional(batch, "reason")?;
        for i in 0..batch.num_rows() {
            let row = start + i + 1;
            let case = id(str_at(&case, i), row, "case")?
                .ok_or_else(|| Failure::bad_row(format!("row {row}: no case id"), row, "case"))?;
            let at = instant_at(&at, i)
                .ok_or_else(|| Failure::bad_row(format!("row {row}: no time"), row, "at"))?;
            let activity = match str_at(&activity, i) {
                Some(a) => Activity::from_str(a)
                    .map_err(|e| Failure::bad_row(format!("row {row}: {e}"), row, "activity"))?,
                None => {
                    return Err(Failure::bad_row(
                        format!("row {row}: no activity"),
                        row,
                        "activity",
                    ))
                }
            };
            let reason = match opt(&reason, i) {
                None | Some("") => None,
                Some(r) => Some(parse_name(r).ok_or_else(|| {
                    Failure::bad_row(
                        format!("row {row}: unknown rejection reason `{}`", clip(r)),
                        row,
                        "reason",
                    )
                })?),
            };
            out.push(Event {
                case,
                at,
                activity,
                organisation: id(opt(&organisation, i), row, "organisation")?,
                service: id(opt(&service, i), row, "service")?,
                kern: id(opt(&kern, i), row, "kern")?,
                need: id(opt(&need, i), row, "need")?,
                reason,
            });
        }
    }
    Ok(out)
}

/// Reads events from a list of dicts (the JSON form of an event).
pub fn from_dicts(list: &Bound<'_, PyList>) -> Result<Vec<Event>, Failure> {
    list.iter()
        .enumerate()
        .map(|(i, d)| {
            pythonize::depythonize::<Event>(&d)
                .map_err(|e| Failure::bad_row(format!("event {}: {e}", i + 1), i + 1, "event"))
        })
        .collect()
}

/// At most 40 characters of user text, for messages.
pub fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}
