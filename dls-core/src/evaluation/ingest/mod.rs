//! Reading event logs (CSV, JSON lines, [`Event`] values, or a host's columns) into a compact,
//! checked [`EventLog`], accounting for every input row. Every reader hands its rows to one
//! [`EventLogBuilder`], so the checks below and the rejection reasons exist once.
//!
//! # Input
//!
//! Columns (CSV header names, JSON keys): `case_id`, `timestamp` (ISO 8601 with an offset, e.g.
//! `2026-03-02T09:15:00+01:00` or `…Z`), `activity` (see [`Activity`]), and optionally
//! `organisation`, `service`, `kern`, `need`, `reason` (a [`RejectionReason`]), `municipality`,
//! `region`, `domain`, `phase`, `framework` (`wmo`, `jeugdwet`, `wgs`, …) and `signals`
//! (`;`-separated, e.g. `threatened_eviction;cut_off`). Other columns are ignored and listed,
//! once each, in [`Ingested::ignored_columns`]. Empty means absent. JSON lines also accept the
//! [`Event`] names `case` and `at`. Fractions of a second are kept to the microsecond: they
//! order and tell apart events, and durations keep them (finer digits are cut off at the
//! microsecond).
//!
//! A log with other column and activity names (a process-mining export, pm4py's conventions)
//! is read through a [`LogMapping`]: its column names, its activity names mapped to dls's, and
//! what becomes of an activity with no mapping (kept as [`Activity::Other`], listed with its
//! frequency in [`Ingested::unmapped_activities`]), a malformed optional field (cleared for
//! that row, with a [`RowWarning`]) and a case without `opened` (it starts at its first event,
//! with a [`RowWarning`]). Without a mapping, dls's own format is read strictly: each of those
//! rejects the row.
//!
//! # Extra dimensions
//!
//! A mapping may name further columns as dimensions ([`LogMapping::dimensions`], e.g.
//! `channel`): their values are kept per case and aggregates can be grouped by them
//! ([`Dim::Extra`](super::Dim::Extra), `by=["channel"]` in Python). A case's value is the value
//! of its earliest event (by timestamp, to the microsecond) that states one; when several events
//! at that instant state different values, the smallest in byte order, so neither the input
//! order nor the order of events at the same instant changes it. An empty cell states none. In
//! CSV, Parquet and Arrow tables the dimension is the column of that name, in JSON lines the key,
//! in XES the event attribute (or `case:` + the trace attribute). A mapping that names a
//! dimension the log has no column for fails at once, listing the columns found.
//!
//! # Order
//!
//! Input order does not matter: dls orders the events of each case itself, by timestamp, then
//! (for events at the same instant) by the life-cycle order of their activities — `opened`,
//! `first_contact`, `melding`, `aanvraag`, `referred`, `accepted`, `rejected`, `no_response`,
//! `bounced`, `escalated`, `clock_suspended`, `clock_resumed`, `clock_extended`, `decision`, `resolved`,
//! `closed`, `reopened`, `consent_withdrawn`, `contact_attempted`, `help_declined`, `other` — then
//! by their content (a row stating case attributes first), then by
//! input position. Cases are listed by their opening instant, then case id. A shuffled log
//! therefore gives exactly the same log, metrics and rejection reasons as the sorted one; only
//! the row numbers of rejections are the input's own.
//!
//! Case attributes (kern, municipality, region, domain, phase, framework, signals, need) are
//! taken from the first event of the case, in that order, that states them (normally its
//! `opened` row).
//!
//! # Checks
//!
//! Each row is used or rejected with a [`RejectReason`] and its row number (the line number in
//! the file: the CSV header is row 1; with [`EventLogBuilder::push`], the caller's number);
//! rejections are listed in row order. A row is first checked on its own (fields, ids,
//! timestamp, activity). Then, in the order above, a case starts with `opened`: events of a
//! case earlier than its `opened` (or of a case that has none) are [`RejectReason::NotOpened`],
//! wherever they are in the input; a second `opened` is [`RejectReason::AlreadyOpened`]. An
//! exact repeat of an event of the case (same instant, activity, organisation, service, need and
//! reason) is [`RejectReason::DuplicateEvent`]; the first in input order is used. A case with
//! no row used is not in the log. [`RejectReason::OutOfOrder`] is no longer produced.
//! `rows_read == rows_used + rejected.len()` always holds. Rejections name a field, never its
//! value, so no personal data leaks.

#[cfg(feature = "arrow")]
mod arrow;
mod columns;
mod csv;
mod extra;
mod format;
mod jsonl;
mod mapping;
mod order;
mod parallel;
#[cfg(feature = "parquet")]
mod parquet;
mod timing;
mod xes;

#[cfg(feature = "arrow")]
pub use arrow::{ingest_arrow, ArrowEvents};
pub use columns::{EventFields, Timestamp};
pub use csv::{ingest_csv, ingest_csv_mapped, ingest_csv_str, MAX_RECORD_BYTES};
pub use format::LogFormat;
pub use jsonl::{ingest_jsonl, ingest_jsonl_mapped, ingest_jsonl_str};
pub use mapping::{
    BadOptional, ColumnNames, HeaderColumns, LogMapping, Unmapped, WithoutOpened, MAX_DIMENSIONS,
};
#[cfg(feature = "parquet")]
pub use parquet::{ingest_parquet, ingest_parquet_bytes};
pub use xes::{ingest_xes, ingest_xes_mapped};

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::EvalError;
use crate::conditions::{Attribute, LegalFramework, Signal};
use crate::events::{wire_names, Activity, Event, RejectionReason};
use crate::ids::{CaseId, KernId, MunicipalityCode, NeedCode, OrganisationId, RegionId, ServiceId};

pub(crate) use crate::hash::FxMap;

/// No value (absent id).
pub(crate) const NONE: u32 = u32::MAX;

/// Interned strings of one kind of id.
#[derive(Debug, Default, Clone)]
pub(crate) struct Interner {
    map: FxMap<Arc<str>, u32>,
    values: Vec<Arc<str>>,
    /// The value interned last: rows of one case usually follow each other.
    last: Option<u32>,
    /// Only runs are told apart: a value that is not the last one gets a new id even if it was
    /// seen before (a chunk's case ids, merged by value into the log's, where ids are unique:
    /// it spares hashing them twice).
    runs_only: bool,
}

impl Interner {
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }

    /// Interns `s`, validating it with `check` the first time it is seen.
    fn intern(&mut self, s: &str, check: fn(&str) -> bool) -> Option<u32> {
        if let Some(l) = self.last {
            if *self.values[l as usize] == *s {
                return Some(l);
            }
        }
        if !self.runs_only {
            if let Some(&i) = self.map.get(s) {
                self.last = Some(i);
                return Some(i);
            }
        }
        if !check(s) {
            return None;
        }
        let i = self.values.len() as u32;
        let a: Arc<str> = s.into();
        if !self.runs_only {
            self.map.insert(a.clone(), i);
        }
        self.values.push(a);
        self.last = Some(i);
        Some(i)
    }

    pub(crate) fn value(&self, i: u32) -> Option<&Arc<str>> {
        if i == NONE {
            None
        } else {
            self.values.get(i as usize)
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

/// True when `s` is a valid `T` (the check an id passes the first time it is interned).
/// Domains and phases are short labels, checked like region ids.
fn ok<T: FromStr>(s: &str) -> bool {
    s.parse::<T>().is_ok()
}

/// Why a row was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectReason {
    /// The row has fewer fields than the header (CSV), or lacks a required key (JSON).
    MissingColumn,
    /// The row has more fields than the header.
    ExtraColumns,
    /// A required field (`case_id`, `timestamp`, `activity`) is empty.
    MissingValue,
    /// The row is not valid UTF-8.
    BadEncoding,
    /// A quoted CSV field is not closed on its line, and joining the lines after it gives no
    /// valid record (see [`ingest_csv`]): a stray quote. Reading goes on at the next line.
    UnclosedQuote,
    /// The CSV record is longer than [`MAX_RECORD_BYTES`].
    RecordTooLong,
    /// The line is not a JSON object of strings.
    BadJson,
    /// The timestamp is not ISO 8601 with an offset.
    BadTimestamp,
    /// The activity is not one of the known activities.
    UnknownActivity,
    /// An id (case, organisation, service, kern, need, municipality, region, domain, phase) is
    /// malformed; the field is named.
    BadId,
    /// The rejection reason is not one of the known reasons.
    UnknownReason,
    /// A framework or signal is not one of the known values.
    BadAttribute,
    /// The same event of the case appeared before.
    DuplicateEvent,
    /// No longer produced: events are ordered by dls (see the [module docs](self)). Kept so
    /// that stored reports still read.
    OutOfOrder,
    /// The case has no `opened` at or before this row's instant.
    NotOpened,
    /// A second `opened` for a case that is already open.
    AlreadyOpened,
    /// The event breaks the referral life cycle (see [`crate::lifecycle`]); only in strict
    /// mode ([`Ingested::strict`]), otherwise it is used and listed in
    /// [`Ingested::anomalies`].
    BreaksLifecycle,
    /// The case already has [`MAX_EVENTS_PER_CASE`](crate::limits::MAX_EVENTS_PER_CASE)
    /// events (in time order) used.
    TooManyEvents,
}

wire_names!(RejectReason, EvalError, |_: &str| EvalError::UnknownName {
    kind: "row rejection reason",
};
    MissingColumn => "missing_column",
    ExtraColumns => "extra_columns",
    MissingValue => "missing_value",
    BadEncoding => "bad_encoding",
    UnclosedQuote => "unclosed_quote",
    RecordTooLong => "record_too_long",
    BadJson => "bad_json",
    BadTimestamp => "bad_timestamp",
    UnknownActivity => "unknown_activity",
    BadId => "bad_id",
    UnknownReason => "unknown_reason",
    BadAttribute => "bad_attribute",
    DuplicateEvent => "duplicate_event",
    OutOfOrder => "out_of_order",
    NotOpened => "not_opened",
    AlreadyOpened => "already_opened",
    BreaksLifecycle => "breaks_lifecycle",
    TooManyEvents => "too_many_events",
);

/// One row not used, with why and where. Never carries the row's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    /// The row number: the line in the file (CSV header = 1), or the 1-based index of an event.
    pub row: u64,
    /// Why.
    pub reason: RejectReason,
    /// The field concerned, where one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The result of reading an event log.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The events used, checked and indexed by case.
    pub log: EventLog,
    /// The rows not used.
    pub rejected: Vec<RejectedRow>,
    /// Rows read (excluding a CSV header and blank lines).
    pub rows_read: u64,
    /// Rows used: `rows_read - rejected.len()`.
    pub rows_used: u64,
    /// Events used that break the referral life cycle, in row order (see
    /// [`crate::lifecycle`]); [`Ingested::strict`] rejects them instead.
    pub anomalies: Vec<crate::lifecycle::LifecycleAnomaly>,
    /// The log index of each anomaly's event, in the order of `anomalies`.
    pub(crate) anomaly_events: Vec<u32>,
    /// Rows used with a warning: a bad optional field cleared, a case started without
    /// `opened` (see [`LogMapping`]), in row order.
    pub warnings: Vec<RowWarning>,
    /// Activity names of the log that map to no dls activity, with how many rows had each
    /// (kept as `other` events or rejected, as the mapping says). At most
    /// [`MAX_UNMAPPED_LISTED`] names; rows with further names are counted under `…`.
    pub unmapped_activities: BTreeMap<String, u64>,
    /// The log's columns that no field reads (CSV header names, JSON keys are not listed).
    pub ignored_columns: Vec<String>,
}

/// The most distinct unmapped activity names listed in [`Ingested::unmapped_activities`]: an
/// activity column holding free text must not fill the report.
pub const MAX_UNMAPPED_LISTED: usize = 1000;

/// What a [`RowWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// A malformed optional field was cleared; the row is used without it.
    FieldCleared,
    /// The case has no `opened` at or before this row, its first: the case starts here.
    StartedWithoutOpened,
}

impl WarningKind {
    /// The name as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::FieldCleared => "field_cleared",
            WarningKind::StartedWithoutOpened => "started_without_opened",
        }
    }
}

/// A row used with a warning. Never carries the row's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowWarning {
    /// The row number, as for [`RejectedRow::row`].
    pub row: u64,
    /// What happened.
    pub kind: WarningKind,
    /// Why the field was cleared (the reason it would have been rejected for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectReason>,
    /// The field concerned, where one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Ingested {
    /// Number of rejected rows per reason.
    pub fn rejected_by_reason(&self) -> BTreeMap<RejectReason, u64> {
        let mut m = BTreeMap::new();
        for r in &self.rejected {
            *m.entry(r.reason).or_insert(0) += 1;
        }
        m
    }
}

/// Framework codes stored per case.
pub(crate) const FW_NONE: u8 = 0;
pub(crate) const FW_WMO: u8 = 1;
pub(crate) const FW_JEUGD: u8 = 2;
pub(crate) const FW_WGS: u8 = 3;
pub(crate) const FW_OTHER: u8 = 4;

/// Case attributes one row states ([`NONE`], [`FW_NONE`] or 0 where it states none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Attrs {
    kern: u32,
    municipality: u32,
    region: u32,
    domain: u32,
    phase: u32,
    need: u32,
    framework: u8,
    urgent: u8,
}

/// The input row number of each event read, kept as runs of consecutive numbers: rows used
/// mostly follow each other, so a run starts only after a row not used (rejected, blank), and
/// the numbers take a few bytes per run rather than 8 per event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RowNumbers {
    /// For each run, by event index: its first event and that event's row number.
    runs: Vec<(u32, u64)>,
    /// Events numbered.
    len: u32,
}

impl RowNumbers {
    /// Numbers the next event.
    fn push(&mut self, row: u64) {
        let follows =
            matches!(self.runs.last(), Some(&(e, r)) if r + u64::from(self.len - e) == row);
        if !follows {
            self.runs.push((self.len, row));
        }
        self.len += 1;
    }

    /// The row number of event `e` (one that was numbered).
    pub(crate) fn get(&self, e: usize) -> u64 {
        let k = self.runs.partition_point(|&(s, _)| s as usize <= e) - 1;
        let (s, r) = self.runs[k];
        r + (e - s as usize) as u64
    }

    /// Numbers the events of `other` after these, their row numbers moved by `row_offset`,
    /// as if pushed one by one; empties `other`.
    fn append(&mut self, other: &mut RowNumbers, row_offset: u64) {
        for (e, r) in other.runs.drain(..) {
            let (e, r) = (self.len + e, r + row_offset);
            let follows = matches!(self.runs.last(), Some(&(s, q)) if q + u64::from(e - s) == r);
            if !follows {
                self.runs.push((e, r));
            }
        }
        self.len += std::mem::take(&mut other.len);
    }
}

/// What a reader already knows of some fields of a row: what the same text in the same column
/// resolved to in an earlier row used by the same builder (a dictionary-encoded column holds
/// few distinct texts). A known field is not looked up again; the builder takes it as it is, so
/// only what [`EventLogBuilder::push_known`] filled in for the same text may be given.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Known {
    /// The activity, when the mapping maps its name.
    pub(crate) activity: Option<Activity>,
    /// The organisation's id, when the row states a valid one.
    pub(crate) org: Option<u32>,
    /// The service's id, likewise.
    pub(crate) service: Option<u32>,
    /// The kern's id, likewise.
    pub(crate) kern: Option<u32>,
    /// The need's id, likewise.
    pub(crate) need: Option<u32>,
}

/// Per-case facts gathered while reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaseInfo {
    pub opened_at: i64,
    /// Microseconds within the second of `opened_at`.
    pub opened_us: u32,
    pub kern: u32,
    pub municipality: u32,
    pub region: u32,
    pub domain: u32,
    pub phase: u32,
    pub need: u32,
    /// One of the `FW_*` codes.
    pub framework: u8,
    /// 0 unknown, 1 no threat, 2 eviction or cut-off threatens.
    pub urgent: u8,
}

/// A checked event log in columnar form, with ids interned. Build it with [`ingest_csv`],
/// [`ingest_jsonl`], [`ingest_events`] or an [`EventLogBuilder`]; turn it back into [`Event`]s with
/// [`EventLog::events`].
#[derive(Debug, Clone, Default)]
pub struct EventLog {
    /// Case ids by case index. Once the log is built, only their values are kept (no lookup
    /// by id: [`Interner::get`] finds nothing).
    pub(crate) case_ids: Interner,
    pub(crate) orgs: Interner,
    pub(crate) services: Interner,
    pub(crate) kernen: Interner,
    pub(crate) needs: Interner,
    /// Municipalities, regions, domains and phases share one pool.
    pub(crate) labels: Interner,
    pub(crate) cases: Vec<CaseInfo>,
    pub(crate) ev_case: Vec<u32>,
    pub(crate) ev_at: Vec<i64>,
    /// Microseconds within the second of `ev_at` (0 to 999,999): order, identity and durations
    /// of events keep them.
    pub(crate) ev_us: Vec<u32>,
    pub(crate) ev_act: Vec<Activity>,
    pub(crate) ev_org: Vec<u32>,
    pub(crate) ev_service: Vec<u32>,
    pub(crate) ev_need: Vec<u32>,
    pub(crate) ev_reason: Vec<Option<RejectionReason>>,
    /// While reading: each row's input row number, and the index of the case attributes it
    /// states in `attrs` (or [`NONE`]). Emptied by [`EventLogBuilder::finish`].
    ev_row: RowNumbers,
    ev_attr: Vec<u32>,
    attrs: Vec<Attrs>,
    /// The events of case `c` are `case_start[c]..case_start[c + 1]` (the columns are in case
    /// order, time order within a case).
    pub(crate) case_start: Vec<u32>,
    /// The extra dimensions of the mapping, with each case's value.
    pub(crate) extras: extra::Extras,
}

impl EventLog {
    /// Number of events.
    pub fn len(&self) -> usize {
        self.ev_at.len()
    }

    /// True when there are no events.
    pub fn is_empty(&self) -> bool {
        self.ev_at.is_empty()
    }

    /// Number of cases.
    pub fn case_count(&self) -> usize {
        self.cases.len()
    }

    /// The events of one case index, in time order (the events of a log are grouped by case).
    pub(crate) fn case_events(&self, c: usize) -> std::ops::Range<u32> {
        self.case_start[c]..self.case_start[c + 1]
    }

    /// Removes the events marked in `drop` (by log index), keeping every case (a case's
    /// `opened` is never removed: it breaks no life cycle).
    pub(crate) fn remove_events(&mut self, drop: &[bool]) {
        let keep: Vec<u32> = (0..self.len() as u32)
            .filter(|&e| !drop[e as usize])
            .collect();
        fn gather<T: Copy>(v: &[T], keep: &[u32]) -> Vec<T> {
            keep.iter().map(|&e| v[e as usize]).collect()
        }
        self.ev_case = gather(&self.ev_case, &keep);
        self.ev_at = gather(&self.ev_at, &keep);
        self.ev_us = gather(&self.ev_us, &keep);
        self.ev_act = gather(&self.ev_act, &keep);
        self.ev_org = gather(&self.ev_org, &keep);
        self.ev_service = gather(&self.ev_service, &keep);
        self.ev_need = gather(&self.ev_need, &keep);
        self.ev_reason = gather(&self.ev_reason, &keep);
        let mut start = vec![0u32; self.cases.len() + 1];
        for &c in &self.ev_case {
            start[c as usize + 1] += 1;
        }
        for i in 0..self.cases.len() {
            start[i + 1] += start[i];
        }
        self.case_start = start;
    }

    /// The events as core [`Event`] values, grouped by case, in time order.
    pub fn events(&self) -> Vec<Event> {
        let mut out = Vec::with_capacity(self.len());
        for c in 0..self.cases.len() {
            let info = &self.cases[c];
            for e in self.case_events(c) {
                let e = e as usize;
                let id = |i: &Interner, v: u32| i.value(v).map(|s| s.to_string());
                out.push(Event {
                    case: parse_known(self.case_ids.value(c as u32)),
                    at: DateTime::<Utc>::from_timestamp(self.ev_at[e], self.ev_us[e] * 1000)
                        .unwrap_or_default(),
                    activity: self.ev_act[e],
                    organisation: id(&self.orgs, self.ev_org[e]).and_then(|s| s.parse().ok()),
                    service: id(&self.services, self.ev_service[e]).and_then(|s| s.parse().ok()),
                    kern: id(&self.kernen, info.kern).and_then(|s| s.parse().ok()),
                    need: id(&self.needs, self.ev_need[e]).and_then(|s| s.parse().ok()),
                    reason: self.ev_reason[e],
                });
            }
        }
        out
    }

    /// The order of two events of one case: timestamp, activity rank, then (only for events at
    /// the same instant with the same activity) their content, rows stating case attributes
    /// first, so that which of two different rows comes first does not depend on the input
    /// order, and last the input position.
    fn event_cmp(&self, a: usize, b: usize) -> std::cmp::Ordering {
        let key = |e: usize| (self.ev_at[e], self.ev_us[e], activity_rank(self.ev_act[e]));
        key(a).cmp(&key(b)).then_with(|| {
            let content = |e: usize| {
                let attrs = self.attrs.get(self.ev_attr[e] as usize).map(|x| {
                    (
                        self.kernen.value(x.kern),
                        self.labels.value(x.municipality),
                        self.labels.value(x.region),
                        self.labels.value(x.domain),
                        self.labels.value(x.phase),
                        self.needs.value(x.need),
                        x.framework,
                        x.urgent,
                    )
                });
                (
                    // A row that states case attributes first.
                    attrs.is_none(),
                    self.orgs.value(self.ev_org[e]),
                    self.services.value(self.ev_service[e]),
                    self.needs.value(self.ev_need[e]),
                    self.ev_reason[e],
                    attrs,
                )
            };
            content(a)
                .cmp(&content(b))
                .then_with(|| self.extras.cmp_rows(a, b))
                .then(a.cmp(&b))
        })
    }

    /// Takes the case attributes row `e` states where the case has none yet.
    fn apply_attrs(&self, info: &mut CaseInfo, e: usize) {
        let a = self.ev_attr[e];
        if a == NONE {
            return;
        }
        let a = &self.attrs[a as usize];
        let set = |slot: &mut u32, v: u32| {
            if *slot == NONE {
                *slot = v
            }
        };
        set(&mut info.kern, a.kern);
        set(&mut info.municipality, a.municipality);
        set(&mut info.region, a.region);
        set(&mut info.domain, a.domain);
        set(&mut info.phase, a.phase);
        set(&mut info.need, a.need);
        if info.framework == FW_NONE {
            info.framework = a.framework;
        }
        if info.urgent == 0 {
            info.urgent = a.urgent;
        }
    }
}

/// The order of activities at the same instant of one case (see the [module docs](self)): the
/// life cycle of a case, so that `opened` comes first and `closed` / `reopened` last.
/// The order of activities at the same instant (see "Order" in the module docs).
pub(crate) fn activity_rank(a: Activity) -> u8 {
    match a {
        Activity::Opened => 0,
        Activity::FirstContact => 1,
        Activity::Melding => 2,
        Activity::Aanvraag => 3,
        Activity::Referred => 4,
        Activity::Accepted => 5,
        Activity::Rejected => 6,
        Activity::NoResponse => 7,
        Activity::Bounced => 8,
        Activity::Escalated => 9,
        Activity::ClockSuspended => 10,
        Activity::ClockResumed => 11,
        Activity::ClockExtended => 12,
        Activity::Decision => 13,
        Activity::Resolved => 14,
        Activity::Closed => 15,
        Activity::Reopened => 16,
        Activity::ConsentWithdrawn => 17,
        Activity::ContactAttempted => 18,
        Activity::HelpDeclined => 19,
        Activity::Other => 20,
    }
}

fn parse_known(s: Option<&Arc<str>>) -> CaseId {
    match s.map(|s| s.parse::<CaseId>()) {
        Some(Ok(id)) => id,
        _ => unreachable!("case ids are validated when interned"),
    }
}

/// `s` without leading and trailing whitespace ([`str::trim`]), at once when it starts and ends
/// with a visible ASCII character (the usual field: no character to decode).
fn trim(s: &str) -> &str {
    // A byte that may start or end whitespace: ASCII whitespace or part of a wider character.
    let maybe = |b: u8| b >= 0x80 || b == b' ' || (b'\t'..=b'\r').contains(&b);
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&z)) if !maybe(a) && !maybe(z) => s,
        _ => s.trim(),
    }
}

/// A rejection found while checking a row: why, and the field concerned.
type Reject = (RejectReason, Option<&'static str>);

/// Interns an optional id of type `T` (empty: [`NONE`]); a malformed one rejects the row.
fn opt_id<T: FromStr>(
    interner: &mut Interner,
    s: Option<&str>,
    field: &'static str,
) -> Result<u32, Reject> {
    match s.map_or("", trim) {
        "" => Ok(NONE),
        s => interner
            .intern(s, ok::<T>)
            .ok_or((RejectReason::BadId, Some(field))),
    }
}

/// First and last instants a timestamp may name (years 0000 to 9999, like the text form).
pub(crate) const MIN_SECS: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
pub(crate) const MAX_SECS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

/// Builds an [`EventLog`] row by row: the one entry point every reader uses (CSV, JSON lines,
/// [`Event`] values, and hosts that hold the log as columns), so every row is checked and
/// accounted for the same way (see the [module docs](self) for the checks).
///
/// ```
/// use dls_core::evaluation::{EventFields, EventLogBuilder, RejectReason, Timestamp};
///
/// let mut b = EventLogBuilder::new();
/// b.push(1, EventFields {
///     case_id: Some("c1"),
///     timestamp: Some(Timestamp::Text("2026-03-02T09:00:00+01:00")),
///     activity: Some("opened"),
///     kern: Some("hoofddorp"),
///     signals: &["threatened_eviction"],
///     ..EventFields::default()
/// });
/// // 2026-03-03T10:00:00Z as UTC microseconds.
/// b.push(2, EventFields {
///     case_id: Some("c1"),
///     timestamp: Some(Timestamp::Micros(1_772_532_000_000_000)),
///     activity: Some("first_contact"),
///     ..EventFields::default()
/// });
/// b.push(3, EventFields { case_id: Some("c2"), ..EventFields::default() });
/// let ingested = b.finish();
/// assert_eq!((ingested.rows_read, ingested.rows_used), (3, 2));
/// assert_eq!(ingested.rejected[0].row, 3);
/// assert_eq!(ingested.rejected[0].reason, RejectReason::MissingValue);
/// ```
#[derive(Debug, Default)]
pub struct EventLogBuilder {
    log: EventLog,
    rejected: Vec<RejectedRow>,
    rows_read: u64,
    mapping: mapping::Compiled,
    warnings: Vec<RowWarning>,
    unmapped: FxMap<Box<str>, u64>,
    /// The keys of `unmapped` in the order they were first met (see [`parallel`]).
    unmapped_first: Vec<Box<str>>,
    /// Lists every unmapped name (a builder of one chunk of a log read in parallel; the cap
    /// applies when the chunks are merged).
    uncapped: bool,
    ignored_columns: Vec<String>,
}

impl EventLogBuilder {
    /// An empty builder for dls's own format ([`LogMapping::dls`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder that reads activity names and treats rows that do not fit as `mapping`
    /// says (the column names of the mapping are the reader's business: see
    /// [`LogMapping::header_columns`]).
    pub fn with_mapping(mapping: &LogMapping) -> Self {
        let mut b = EventLogBuilder {
            mapping: mapping.compile(),
            ..Self::default()
        };
        b.log.extras = extra::Extras::new(&mapping.dimensions);
        b
    }

    /// Records the log's columns that no field reads, for the report
    /// ([`Ingested::ignored_columns`]).
    pub fn ignore_columns(&mut self, columns: &[String]) {
        for c in columns {
            if !self.ignored_columns.contains(c) {
                self.ignored_columns.push(c.clone());
            }
        }
    }

    /// Checks one row and adds it to the log, or records why it was rejected. `row` is the
    /// caller's 1-based row number (the line of a file, the row of a host's table); it is
    /// reported with a rejection and never inferred from the content.
    pub fn push(&mut self, row: u64, fields: EventFields<'_>) {
        self.push_known(row, fields, &mut Known::default());
    }

    /// [`push`](Self::push), with what is already known of some fields (see [`Known`]); when
    /// the row is used, `known` is filled in with what its fields resolved to.
    pub(crate) fn push_known(&mut self, row: u64, fields: EventFields<'_>, known: &mut Known) {
        self.rows_read += 1;
        let mut cleared = Vec::new();
        match self.try_push(row, &fields, &mut cleared, known) {
            Ok(()) => self
                .warnings
                .extend(cleared.into_iter().map(|(reason, field)| RowWarning {
                    row,
                    kind: WarningKind::FieldCleared,
                    reason: Some(reason),
                    field: Some(field.to_string()),
                })),
            Err((reason, field)) => self.rejected.push(RejectedRow {
                row,
                reason,
                field: field.map(str::to_string),
            }),
        }
    }

    /// Counts a row that a reader could not split into fields (bad encoding, bad JSON, …).
    pub(crate) fn reject(&mut self, row: u64, reason: RejectReason, field: Option<&str>) {
        self.rows_read += 1;
        self.rejected.push(RejectedRow {
            row,
            reason,
            field: field.map(str::to_string),
        });
    }

    /// Checks and adds one row; the optional fields cleared (under [`BadOptional::Clear`]) are
    /// added to `cleared`.
    fn try_push(
        &mut self,
        row: u64,
        r: &EventFields<'_>,
        cleared: &mut Vec<(RejectReason, &'static str)>,
        known: &mut Known,
    ) -> Result<(), Reject> {
        let clear = self.mapping.bad_optional == BadOptional::Clear;
        // A bad optional field: cleared (noted) or the row rejected, as the mapping says.
        let mut soft = |v: Result<u32, Reject>| match v {
            Err((reason, Some(field))) if clear => {
                cleared.push((reason, field));
                Ok(NONE)
            }
            other => other,
        };
        fn req<'b>(v: Option<&'b str>, name: &'static str) -> Result<&'b str, Reject> {
            match v.map(trim) {
                None | Some("") => Err((RejectReason::MissingValue, Some(name))),
                Some(s) => Ok(s),
            }
        }
        fn opt(v: Option<&str>) -> &str {
            v.map_or("", trim)
        }
        let case_s = req(r.case_id, "case_id")?;
        let ts = match r.timestamp {
            Some(Timestamp::Text(s)) => Timestamp::Text(req(Some(s), "timestamp")?),
            Some(m @ Timestamp::Micros(_)) => m,
            None => return Err((RejectReason::MissingValue, Some("timestamp"))),
        };
        let act = req(r.activity, "activity")?;
        let (at, us) = match ts {
            Timestamp::Text(s) => parse_timestamp(s.as_bytes()),
            Timestamp::Micros(us) => {
                Some((us.div_euclid(1_000_000), us.rem_euclid(1_000_000) as u32))
                    .filter(|(s, _)| (MIN_SECS..=MAX_SECS).contains(s))
            }
        }
        .ok_or((RejectReason::BadTimestamp, Some("timestamp")))?;
        let mapped = known.activity.or_else(|| self.mapping.activity(act));
        let activity = match mapped {
            Some(a) => a,
            None => {
                let listed = self.uncapped || self.unmapped.len() < MAX_UNMAPPED_LISTED;
                let key = if listed || self.unmapped.contains_key(act) {
                    act
                } else {
                    "…"
                };
                self.count_unmapped(key, 1);
                match self.mapping.unmapped {
                    Unmapped::Other => Activity::Other,
                    Unmapped::Reject => {
                        return Err((RejectReason::UnknownActivity, Some("activity")))
                    }
                }
            }
        };
        let reason = match opt(r.reason) {
            "" => None,
            s => match s.parse::<RejectionReason>() {
                Ok(v) => Some(v),
                Err(_) => {
                    soft(Err((RejectReason::UnknownReason, Some("reason"))))?;
                    None
                }
            },
        };
        let framework = match opt(r.framework) {
            "" => FW_NONE,
            s => match attribute::<LegalFramework>(s) {
                Some(LegalFramework::Wmo) => FW_WMO,
                Some(LegalFramework::Jeugdwet) => FW_JEUGD,
                Some(LegalFramework::Wgs) => FW_WGS,
                Some(_) => FW_OTHER,
                None => {
                    soft(Err((RejectReason::BadAttribute, Some("framework"))))?;
                    FW_NONE
                }
            },
        };
        // 0: no signals stated; 1: signals, no threat; 2: eviction or cut-off threatens.
        let mut urgent = 0;
        'signals: for item in r.signals {
            if item.trim().is_empty() {
                continue;
            }
            let mut u = 1;
            for s in item.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                match attribute::<Signal>(s) {
                    Some(Signal::ThreatenedEviction | Signal::CutOff) => u = 2,
                    Some(_) => {}
                    None => {
                        soft(Err((RejectReason::BadAttribute, Some("signals"))))?;
                        urgent = 0;
                        break 'signals;
                    }
                }
            }
            urgent = urgent.max(u);
        }
        let log = &mut self.log;
        let org = match known.org {
            Some(v) => v,
            None => soft(opt_id::<OrganisationId>(
                &mut log.orgs,
                r.organisation,
                "organisation",
            ))?,
        };
        let service = match known.service {
            Some(v) => v,
            None => soft(opt_id::<ServiceId>(&mut log.services, r.service, "service"))?,
        };
        let kern = match known.kern {
            Some(v) => v,
            None => soft(opt_id::<KernId>(&mut log.kernen, r.kern, "kern"))?,
        };
        let need = match known.need {
            Some(v) => v,
            None => soft(opt_id::<NeedCode>(&mut log.needs, r.need, "need"))?,
        };
        let municipality = soft(opt_id::<MunicipalityCode>(
            &mut log.labels,
            r.municipality,
            "municipality",
        ))?;
        let region = soft(opt_id::<RegionId>(&mut log.labels, r.region, "region"))?;
        let domain = soft(opt_id::<RegionId>(&mut log.labels, r.domain, "domain"))?;
        let phase = soft(opt_id::<RegionId>(&mut log.labels, r.phase, "phase"))?;

        let c = log
            .case_ids
            .intern(case_s, ok::<CaseId>)
            .ok_or((RejectReason::BadId, Some("case_id")))?;
        let stated = [kern, municipality, region, domain, phase, need]
            .iter()
            .any(|&v| v != NONE)
            || framework != FW_NONE
            || urgent != 0;
        log.ev_attr.push(if stated {
            let a = Attrs {
                kern,
                municipality,
                region,
                domain,
                phase,
                need,
                framework,
                urgent,
            };
            // The rows of a case usually state the same attributes one after the other: they
            // share one entry (the attributes are compared by value, never by entry).
            if log.attrs.last() != Some(&a) {
                log.attrs.push(a);
            }
            log.attrs.len() as u32 - 1
        } else {
            NONE
        });
        log.ev_row.push(row);
        log.ev_case.push(c);
        log.ev_at.push(at);
        log.ev_us.push(us);
        log.ev_act.push(activity);
        log.ev_org.push(org);
        log.ev_service.push(service);
        log.ev_need.push(need);
        log.ev_reason.push(reason);
        log.extras.push_row(r.extra);
        // What the fields resolved to (an id, not a field cleared or empty), for later rows
        // with the same text.
        let id = |v: u32| (v != NONE).then_some(v);
        *known = Known {
            activity: mapped,
            org: id(org),
            service: id(service),
            kern: id(kern),
            need: id(need),
        };
        Ok(())
    }

    /// Indexes the rows used by case and returns them with the row accounting.
    pub fn finish(self) -> Ingested {
        self.finish_in(order::CASES_PER_TASK)
    }

    /// [`finish`](Self::finish), with cases sorted and checked `per_task` at a time.
    fn finish_in(mut self, per_task: usize) -> Ingested {
        let (late, warned, mut anomalies) = self.log.finish(self.mapping.without_opened, per_task);
        self.rejected.extend(late);
        anomalies.sort_by_key(|(_, a)| a.row);
        timing::report();
        // Rejections and warnings in row order, whatever the order they were found in.
        self.rejected.sort_by_key(|r| r.row);
        self.warnings.extend(warned);
        self.warnings.sort_by_key(|w| w.row);
        let rows_used = self.log.len() as u64;
        debug_assert_eq!(rows_used + self.rejected.len() as u64, self.rows_read);
        Ingested {
            log: self.log,
            rejected: self.rejected,
            rows_read: self.rows_read,
            rows_used,
            anomaly_events: anomalies.iter().map(|&(e, _)| e).collect(),
            anomalies: anomalies.into_iter().map(|(_, a)| a).collect(),
            warnings: self.warnings,
            unmapped_activities: self
                .unmapped
                .into_iter()
                .map(|(k, v)| (k.into_string(), v))
                .collect(),
            ignored_columns: self.ignored_columns,
        }
    }
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
                reason: e.reason.map(RejectionReason::as_str),
                ..EventFields::default()
            },
        );
    }
    b.finish()
}

fn attribute<T: Attribute>(s: &str) -> Option<T> {
    T::ALL.iter().copied().find(|v| v.name() == s)
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM|±HHMM|±HH)` to UTC seconds and the microseconds
/// within the second (digits past the sixth are dropped). A space may replace the `T`. An
/// offset is required.
pub(crate) fn parse_timestamp(b: &[u8]) -> Option<(i64, u32)> {
    if b.len() < 17 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let y = digits(&b[0..4])? as i64;
    let mo = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    if b[13] != b':' {
        return None;
    }
    let h = digits(&b[11..13])?;
    let mi = digits(&b[14..16])?;
    let mut i = 16;
    let mut s = 0;
    let mut us = 0u32;
    if b.get(i) == Some(&b':') {
        s = digits(b.get(i + 1..i + 3)?)?;
        i += 3;
        if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 6 {
                    us = us * 10 + (b[i] - b'0') as u32;
                }
                i += 1;
            }
            if i == start {
                return None;
            }
            for _ in (i - start)..6 {
                us *= 10;
            }
        }
    }
    let offset: i64 = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        &sign @ (b'+' | b'-') => {
            let rest = &b[i + 1..];
            let (oh, om) = match rest.len() {
                2 => (digits(rest)?, 0),
                4 => (digits(&rest[..2])?, digits(&rest[2..])?),
                5 if rest[2] == b':' => (digits(&rest[..2])?, digits(&rest[3..])?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let o = (oh * 3600 + om * 60) as i64;
            if sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let dim = match mo {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > dim || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = super::time::days_from_civil(y, mo, d);
    Some((days * 86_400 + (h * 3600 + mi * 60 + s) as i64 - offset, us))
}

fn io_err(e: std::io::Error) -> EvalError {
    EvalError::Io(e.kind().to_string())
}

fn strip_eol(line: &[u8]) -> &[u8] {
    let mut l = line;
    while let [rest @ .., b'\n' | b'\r'] = l {
        l = rest;
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reject_reasons_have_wire_names() {
        for &r in RejectReason::ALL {
            assert_eq!(r.as_str().parse::<RejectReason>(), Ok(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        let e = "no such reason at all, really".parse::<RejectReason>();
        assert_eq!(e.unwrap_err().to_string(), "unknown row rejection reason");
    }

    proptest::proptest! {
        /// Row numbers kept as runs give back every event's number, and appending one part's
        /// numbers after another's (as merging chunks does) keeps what numbering every row
        /// in order keeps.
        #[test]
        fn row_numbers_as_runs(
            parts in proptest::collection::vec(
                proptest::collection::vec((0u64..3, proptest::bool::ANY), 0..40),
                0..6,
            ),
        ) {
            // Each row: the gap before it (rows not used), and whether it is used.
            let mut whole = RowNumbers::default();
            let mut merged = RowNumbers::default();
            let mut want = Vec::new();
            let mut row = 0u64;
            for part in &parts {
                let offset = row;
                let mut own = RowNumbers::default();
                for &(gap, used) in part {
                    row += gap + 1;
                    if used {
                        whole.push(row);
                        own.push(row - offset);
                        want.push(row);
                    }
                }
                merged.append(&mut own, offset);
                proptest::prop_assert_eq!(&own, &RowNumbers::default());
            }
            proptest::prop_assert_eq!(&merged, &whole);
            let got: Vec<u64> = (0..want.len()).map(|e| merged.get(e)).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn trimming_equals_the_standard_library() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r",
            "\u{0B}x",
            "x\u{0C}",
            "\u{a0}x",
            "x\u{3000}",
            "é",
            "xé",
            "\u{85}",
            "a b",
            "\u{1F}a",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| parse_timestamp(s.as_bytes()).map(|(s, _)| s);
        let want = chrono::DateTime::parse_from_rfc3339("2026-03-29T03:30:00+02:00")
            .unwrap()
            .timestamp();
        assert_eq!(t("2026-03-29T03:30:00+02:00"), Some(want));
        assert_eq!(t("2026-03-29T01:30:00Z"), Some(want));
        assert_eq!(t("2026-03-29 01:30:00.123Z"), Some(want));
        assert_eq!(t("2026-03-29T03:30:00+0200"), Some(want));
        assert_eq!(t("2026-03-29T03:30+02:00"), Some(want));
        for bad in [
            "2026-03-29T03:30:00",
            "2026-02-30T03:30:00Z",
            "2026-13-01T00:00:00Z",
            "2026-03-29T24:00:00Z",
            "29-03-2026T03:30:00Z",
            "2026-03-29T03:30:00+2",
            "",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
        let us = |s: &str| parse_timestamp(s.as_bytes()).map(|(_, u)| u);
        assert_eq!(us("2026-03-29T01:30:00.5Z"), Some(500_000));
        assert_eq!(us("2026-03-29T01:30:00,123456789+01:00"), Some(123_456));
        assert_eq!(us("2026-03-29T01:30:00.000001Z"), Some(1));
        assert_eq!(us("2026-03-29T01:30:00Z"), Some(0));
    }
}
