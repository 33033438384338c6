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
//! (`;`-separated, e.g. `threatened_eviction;cut_off`). Other columns are ignored. Empty means
//! absent. JSON lines also accept the [`Event`] names `case` and `at`.
//!
//! Case attributes (kern, municipality, region, domain, phase, framework, signals, need) are
//! taken from the first row of the case that states them, normally its `opened` row.
//!
//! # Checks
//!
//! Each row is used or rejected with a [`RejectReason`] and its row number (the line number in
//! the file: the CSV header is row 1; with [`EventLogBuilder::push`], the caller's number). Rows of one case must come in time order: a row earlier
//! than the case's previous used row is [`RejectReason::OutOfOrder`]. A case starts with
//! `opened`; rows of a case before its `opened` are [`RejectReason::NotOpened`]. An exact repeat
//! of an earlier row of the case (same instant, activity, organisation, service, need and
//! reason) is [`RejectReason::DuplicateEvent`]. `rows_read == rows_used + rejected.len()`
//! always holds. Rejections name a field, never its value, so no personal data leaks.

mod columns;
mod csv;
mod jsonl;

pub use columns::{EventFields, Timestamp};
pub use csv::{ingest_csv, ingest_csv_str};
pub use jsonl::{ingest_jsonl, ingest_jsonl_str};

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::EvalError;
use crate::conditions::{Attribute, LegalFramework, Signal};
use crate::events::{echo, wire_names, Activity, Event, RejectionReason};
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
        if let Some(&i) = self.map.get(s) {
            self.last = Some(i);
            return Some(i);
        }
        if !check(s) {
            return None;
        }
        let i = self.values.len() as u32;
        let a: Arc<str> = s.into();
        self.values.push(a.clone());
        self.map.insert(a, i);
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
    /// A quoted CSV field is not closed before the end of the input.
    UnclosedQuote,
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
    /// The row is earlier than the case's previous row.
    OutOfOrder,
    /// The case has no `opened` before this row.
    NotOpened,
    /// A second `opened` for a case that is already open.
    AlreadyOpened,
}

wire_names!(RejectReason, EvalError, |s| EvalError::UnknownName {
    kind: "row rejection reason",
    name: echo(s),
};
    MissingColumn => "missing_column",
    ExtraColumns => "extra_columns",
    MissingValue => "missing_value",
    BadEncoding => "bad_encoding",
    UnclosedQuote => "unclosed_quote",
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

/// Per-case facts gathered while reading.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CaseInfo {
    pub opened_at: i64,
    pub opened: bool,
    pub last_at: i64,
    /// Index of the case's last used event.
    pub last: u32,
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
    pub(crate) ev_act: Vec<Activity>,
    pub(crate) ev_org: Vec<u32>,
    pub(crate) ev_service: Vec<u32>,
    pub(crate) ev_need: Vec<u32>,
    pub(crate) ev_reason: Vec<Option<RejectionReason>>,
    /// Previous event of the same case, or [`NONE`]; used while reading.
    prev: Vec<u32>,
    /// Event indexes grouped by case (case order, time order within a case).
    pub(crate) order: Vec<u32>,
    /// `order[case_start[c]..case_start[c + 1]]` are the events of case `c`.
    pub(crate) case_start: Vec<u32>,
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

    /// The events of one case index, in time order.
    pub(crate) fn case_events(&self, c: usize) -> &[u32] {
        &self.order[self.case_start[c] as usize..self.case_start[c + 1] as usize]
    }

    /// The events as core [`Event`] values, grouped by case, in time order.
    pub fn events(&self) -> Vec<Event> {
        let mut out = Vec::with_capacity(self.len());
        for c in 0..self.cases.len() {
            let info = &self.cases[c];
            for &e in self.case_events(c) {
                let e = e as usize;
                let id = |i: &Interner, v: u32| i.value(v).map(|s| s.to_string());
                out.push(Event {
                    case: parse_known(self.case_ids.value(c as u32)),
                    at: DateTime::<Utc>::from_timestamp(self.ev_at[e], 0).unwrap_or_default(),
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

    fn finish(&mut self) {
        let n = self.cases.len();
        let mut counts = vec![0u32; n + 1];
        for &c in &self.ev_case {
            counts[c as usize + 1] += 1;
        }
        for i in 0..n {
            counts[i + 1] += counts[i];
        }
        let mut pos = counts.clone();
        let mut order = vec![0u32; self.ev_case.len()];
        for (e, &c) in self.ev_case.iter().enumerate() {
            order[pos[c as usize] as usize] = e as u32;
            pos[c as usize] += 1;
        }
        self.order = order;
        self.case_start = counts;
        self.prev = Vec::new();
    }
}

fn parse_known(s: Option<&Arc<str>>) -> CaseId {
    match s.map(|s| s.parse::<CaseId>()) {
        Some(Ok(id)) => id,
        _ => unreachable!("case ids are validated when interned"),
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
    match s.map_or("", str::trim) {
        "" => Ok(NONE),
        s => interner
            .intern(s, ok::<T>)
            .ok_or((RejectReason::BadId, Some(field))),
    }
}

/// First and last instants a timestamp may name (years 0000 to 9999, like the text form).
const MIN_SECS: i64 = -62_167_219_200; // 0000-01-01T00:00:00Z
const MAX_SECS: i64 = 253_402_300_799; // 9999-12-31T23:59:59Z

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
}

impl EventLogBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks one row and adds it to the log, or records why it was rejected. `row` is the
    /// caller's 1-based row number (the line of a file, the row of a host's table); it is
    /// reported with a rejection and never inferred from the content.
    pub fn push(&mut self, row: u64, fields: EventFields<'_>) {
        self.rows_read += 1;
        if let Err((reason, field)) = self.try_push(&fields) {
            self.rejected.push(RejectedRow {
                row,
                reason,
                field: field.map(str::to_string),
            });
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

    fn try_push(&mut self, r: &EventFields<'_>) -> Result<(), Reject> {
        fn req<'b>(v: Option<&'b str>, name: &'static str) -> Result<&'b str, Reject> {
            match v.map(str::trim) {
                None | Some("") => Err((RejectReason::MissingValue, Some(name))),
                Some(s) => Ok(s),
            }
        }
        fn opt(v: Option<&str>) -> &str {
            v.map_or("", str::trim)
        }
        let case_s = req(r.case_id, "case_id")?;
        let ts = match r.timestamp {
            Some(Timestamp::Text(s)) => Timestamp::Text(req(Some(s), "timestamp")?),
            Some(m @ Timestamp::Micros(_)) => m,
            None => return Err((RejectReason::MissingValue, Some("timestamp"))),
        };
        let act = req(r.activity, "activity")?;
        let at = match ts {
            Timestamp::Text(s) => parse_timestamp(s.as_bytes()),
            Timestamp::Micros(us) => {
                Some(us.div_euclid(1_000_000)).filter(|s| (MIN_SECS..=MAX_SECS).contains(s))
            }
        }
        .ok_or((RejectReason::BadTimestamp, Some("timestamp")))?;
        let activity = act
            .parse::<Activity>()
            .ok()
            .ok_or((RejectReason::UnknownActivity, Some("activity")))?;
        let reason = match opt(r.reason) {
            "" => None,
            s => Some(
                s.parse::<RejectionReason>()
                    .ok()
                    .ok_or((RejectReason::UnknownReason, Some("reason")))?,
            ),
        };
        let framework = match opt(r.framework) {
            "" => FW_NONE,
            s => match attribute::<LegalFramework>(s) {
                Some(LegalFramework::Wmo) => FW_WMO,
                Some(LegalFramework::Jeugdwet) => FW_JEUGD,
                Some(LegalFramework::Wgs) => FW_WGS,
                Some(_) => FW_OTHER,
                None => return Err((RejectReason::BadAttribute, Some("framework"))),
            },
        };
        // 0: no signals stated; 1: signals, no threat; 2: eviction or cut-off threatens.
        let mut urgent = 0;
        for item in r.signals {
            if item.trim().is_empty() {
                continue;
            }
            urgent = urgent.max(1);
            for s in item.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                match attribute::<Signal>(s) {
                    Some(Signal::ThreatenedEviction | Signal::CutOff) => urgent = 2,
                    Some(_) => {}
                    None => return Err((RejectReason::BadAttribute, Some("signals"))),
                }
            }
        }
        let log = &mut self.log;
        let org = opt_id::<OrganisationId>(&mut log.orgs, r.organisation, "organisation")?;
        let service = opt_id::<ServiceId>(&mut log.services, r.service, "service")?;
        let kern = opt_id::<KernId>(&mut log.kernen, r.kern, "kern")?;
        let need = opt_id::<NeedCode>(&mut log.needs, r.need, "need")?;
        let municipality =
            opt_id::<MunicipalityCode>(&mut log.labels, r.municipality, "municipality")?;
        let region = opt_id::<RegionId>(&mut log.labels, r.region, "region")?;
        let domain = opt_id::<RegionId>(&mut log.labels, r.domain, "domain")?;
        let phase = opt_id::<RegionId>(&mut log.labels, r.phase, "phase")?;

        let before = log.case_ids.len();
        let c = log
            .case_ids
            .intern(case_s, ok::<CaseId>)
            .ok_or((RejectReason::BadId, Some("case_id")))?;
        if c as usize == before {
            log.cases.push(CaseInfo {
                opened_at: 0,
                opened: false,
                last_at: i64::MIN,
                last: NONE,
                kern: NONE,
                municipality: NONE,
                region: NONE,
                domain: NONE,
                phase: NONE,
                need: NONE,
                framework: FW_NONE,
                urgent: 0,
            });
        }
        let info = &mut log.cases[c as usize];
        if !info.opened {
            if activity != Activity::Opened {
                return Err((RejectReason::NotOpened, None));
            }
            if at < info.last_at {
                return Err((RejectReason::OutOfOrder, Some("timestamp")));
            }
            info.opened = true;
            info.opened_at = at;
        } else {
            if at < info.last_at {
                return Err((RejectReason::OutOfOrder, Some("timestamp")));
            }
            if at == info.last_at {
                let mut e = info.last;
                while e != NONE && log.ev_at[e as usize] == at {
                    let i = e as usize;
                    if log.ev_act[i] == activity
                        && log.ev_org[i] == org
                        && log.ev_service[i] == service
                        && log.ev_need[i] == need
                        && log.ev_reason[i] == reason
                    {
                        return Err((RejectReason::DuplicateEvent, None));
                    }
                    e = log.prev[i];
                }
            }
            if activity == Activity::Opened {
                return Err((RejectReason::AlreadyOpened, Some("activity")));
            }
        }
        let set = |slot: &mut u32, v: u32| {
            if *slot == NONE {
                *slot = v
            }
        };
        set(&mut info.kern, kern);
        set(&mut info.municipality, municipality);
        set(&mut info.region, region);
        set(&mut info.domain, domain);
        set(&mut info.phase, phase);
        set(&mut info.need, need);
        if info.framework == FW_NONE {
            info.framework = framework;
        }
        if info.urgent == 0 {
            info.urgent = urgent;
        }
        let e = log.ev_at.len() as u32;
        log.prev.push(info.last);
        info.last = e;
        info.last_at = at;
        log.ev_case.push(c);
        log.ev_at.push(at);
        log.ev_act.push(activity);
        log.ev_org.push(org);
        log.ev_service.push(service);
        log.ev_need.push(need);
        log.ev_reason.push(reason);
        Ok(())
    }

    /// Indexes the rows used by case and returns them with the row accounting.
    pub fn finish(mut self) -> Ingested {
        self.log.finish();
        let rows_used = self.log.len() as u64;
        debug_assert_eq!(rows_used + self.rejected.len() as u64, self.rows_read);
        Ingested {
            log: self.log,
            rejected: self.rejected,
            rows_read: self.rows_read,
            rows_used,
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

/// Parses `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM|±HHMM|±HH)` to UTC seconds (fractions dropped).
/// A space may replace the `T`. An offset is required.
pub(crate) fn parse_timestamp(b: &[u8]) -> Option<i64> {
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
    if b.get(i) == Some(&b':') {
        s = digits(b.get(i + 1..i + 3)?)?;
        i += 3;
        if b.get(i) == Some(&b'.') || b.get(i) == Some(&b',') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == start {
                return None;
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
    Some(days * 86_400 + (h * 3600 + mi * 60 + s) as i64 - offset)
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
        assert_eq!(
            e.unwrap_err().to_string(),
            "unknown row rejection reason `no such reason at al`"
        );
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| parse_timestamp(s.as_bytes());
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
    }
}
