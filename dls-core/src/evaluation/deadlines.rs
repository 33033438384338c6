//! Legal deadlines as a table: one row per clock of a case (case, clock, start, due date,
//! stopped, met / missed / running / overdue, days over), the shape every binding returns, and
//! the legal settings (municipal terms, the holiday calendar) as data a host passes in.
//!
//! The clocks themselves are computed in [`clocks`](super::clocks) while evaluating; this module
//! only lays them out and checks that the calendar data covers the years the deadlines fall in:
//! equated days are set by royal decree a few years at a time, so a deadline in a year the
//! calendar lists no equated days for may be off by those days, and is reported.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::clocks::{ClockKind, ClockStatus, LegalConfig};
use super::error::EvalError;
use super::metrics::CaseMetrics;
use super::time::{date_to_day, local_day, HolidayCalendar};

/// One legal deadline of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRow {
    /// The case.
    pub case: String,
    /// Which clock (`wmo_investigation`, `wmo_decision`, `jeugdwet_decision`, `awb_decision`,
    /// `wgs_first_conversation`).
    pub clock: ClockKind,
    /// Local day the clock started.
    pub start: NaiveDate,
    /// Last local day on which stopping is in time.
    pub due: NaiveDate,
    /// Local day it stopped, if it did.
    pub stopped: Option<NaiveDate>,
    /// Met, missed, running or overdue.
    pub status: ClockStatus,
    /// Calendar days past the due date: for a missed clock until it stopped, for an overdue
    /// one until the evaluation date; absent otherwise.
    pub days_over: Option<i64>,
}

/// The deadlines of an evaluation, with the calendar check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    /// One row per clock, by case (log order) then clock start.
    pub rows: Vec<DeadlineRow>,
    /// Years a start or due date falls in that the holiday calendar lists no equated days for
    /// (see [`HolidayCalendar::years`]): those deadlines may miss a day equated by a decree the
    /// calendar does not hold yet.
    pub uncovered_years: Vec<i32>,
}

impl Deadlines {
    /// The rows of overdue clocks only.
    pub fn overdue(&self) -> impl Iterator<Item = &DeadlineRow> {
        self.rows
            .iter()
            .filter(|r| r.status == ClockStatus::Overdue)
    }
}

/// The deadline rows of per-case metrics evaluated with `legal` on `as_of` (the evaluation's
/// own options: the clocks were computed with them).
pub fn deadlines(
    per_case: &[CaseMetrics],
    legal: &LegalConfig,
    as_of: Option<DateTime<Utc>>,
) -> Deadlines {
    let as_of_day = as_of.map(|t| local_day(t.timestamp()));
    let mut rows = Vec::new();
    let mut years = BTreeSet::new();
    for m in per_case {
        for c in &m.clocks {
            let due = date_to_day(c.deadline);
            let days_over = match c.status {
                ClockStatus::Missed => c.stopped.map(|s| date_to_day(s) - due),
                ClockStatus::Overdue => as_of_day.map(|a| a - due),
                _ => None,
            };
            years.insert(c.start.year());
            years.insert(c.deadline.year());
            rows.push(DeadlineRow {
                case: m.case.as_str().to_string(),
                clock: c.clock,
                start: c.start,
                due: c.deadline,
                stopped: c.stopped,
                status: c.status,
                days_over,
            });
        }
    }
    let covered = legal.calendar.years();
    Deadlines {
        rows,
        uncovered_years: years
            .into_iter()
            .filter(|y| !covered.as_ref().is_some_and(|r| r.contains(y)))
            .collect(),
    }
}

impl LegalConfig {
    /// Legal settings from JSON: `{"default_terms": {…}, "municipalities": {"GM0394": {…}},
    /// "wmo_needs": […], "jeugdwet_needs": […], "wgs_needs": […], "calendar": {"equated":
    /// ["2026-05-15", …]}}`, every key optional (absent: the default), terms in days as in
    /// [`ClockTerms`](super::ClockTerms).
    pub fn from_json(text: &str) -> Result<LegalConfig, EvalError> {
        serde_json::from_str(text).map_err(|e| EvalError::InvalidLegal {
            problem: format!(
                "not legal settings at line {}, column {}",
                e.line(),
                e.column()
            ),
        })
    }

    /// Legal settings from TOML, with the keys of [`LegalConfig::from_json`].
    pub fn from_toml(text: &str) -> Result<LegalConfig, EvalError> {
        toml::from_str(text).map_err(|e| EvalError::InvalidLegal {
            problem: e.message().to_string(),
        })
    }
}

impl HolidayCalendar {
    /// The years the calendar's equated days cover: from the first to the last year it lists
    /// an equated day in (decrees are set for a run of years); `None` when it lists none.
    pub fn years(&self) -> Option<std::ops::RangeInclusive<i32>> {
        let first = self.equated.first()?.year();
        let last = self.equated.last()?.year();
        Some(first..=last)
    }
}
