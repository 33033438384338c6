//! Legal deadlines for the JVM and Swift: an event log (CSV) and the legal settings (municipal
//! terms, the holiday calendar, as JSON) in, the core's deadline rows out.

use chrono::{DateTime, Utc};
use dls_core::evaluation::{self, DeadlineRow, LegalConfig};

use crate::error::{guard, invalid, DlsError};

/// One legal deadline of one case.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeadlineRecord {
    /// The case.
    pub case_id: String,
    /// The clock: `wmo_investigation`, `wmo_decision`, `jeugdwet_decision`, `awb_decision`,
    /// `wgs_first_conversation`.
    pub clock: String,
    /// Local day the clock started (`YYYY-MM-DD`).
    pub start: String,
    /// Last local day on which stopping is in time.
    pub due: String,
    /// Local day it stopped, if it did.
    pub stopped: Option<String>,
    /// `met`, `missed`, `running` or `overdue`.
    pub status: String,
    /// Calendar days past the due date (missed: until stopped; overdue: until `as_of`).
    pub days_over: Option<i64>,
}

impl From<&DeadlineRow> for DeadlineRecord {
    fn from(d: &DeadlineRow) -> Self {
        DeadlineRecord {
            case_id: d.case.clone(),
            clock: d.clock.as_str().to_string(),
            start: d.start.to_string(),
            due: d.due.to_string(),
            stopped: d.stopped.map(|s| s.to_string()),
            status: crate::records::snake(d.status),
            days_over: d.days_over,
        }
    }
}

/// The deadlines of an event log.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DeadlinesRecord {
    /// Input rows read.
    pub rows_read: u64,
    /// `row N: reason` for every rejected row.
    pub rejected: Vec<String>,
    /// Every clock of every case.
    pub deadlines: Vec<DeadlineRecord>,
    /// The overdue clocks only.
    pub overdue: Vec<DeadlineRecord>,
    /// Years a deadline falls in that the holiday calendar's equated days do not cover.
    pub uncovered_years: Vec<i32>,
}

/// The legal deadlines of an event log in CSV. `legal_json` sets municipal terms and the
/// holiday calendar (`{"municipalities": {"GM0394": {"wmo_decision_days": 21}}, "calendar":
/// {"equated": ["2026-05-15"]}}`; absent: the defaults); `as_of` (ISO 8601 with an offset) is
/// the evaluation instant: running clocks past their due date on that day are overdue.
#[uniffi::export(default(legal_json = None, as_of = None))]
pub fn evaluate_deadlines(
    csv: String,
    legal_json: Option<String>,
    as_of: Option<String>,
) -> Result<DeadlinesRecord, DlsError> {
    guard(|| {
        let legal = match legal_json {
            Some(j) => LegalConfig::from_json(&j)?,
            None => LegalConfig::default(),
        };
        let as_of = as_of
            .map(|s| {
                DateTime::parse_from_rfc3339(s.trim())
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| {
                        invalid("option `as_of` must be an ISO 8601 instant with an offset")
                    })
            })
            .transpose()?;
        let ingested = evaluation::ingest_csv_str(&csv)?;
        let options = evaluation::EvalOptions {
            legal,
            as_of,
            ..evaluation::EvalOptions::default()
        };
        let ev = evaluation::evaluate(&ingested.log, &options);
        let d = evaluation::deadlines(&ev.per_case, &options.legal, as_of);
        Ok(DeadlinesRecord {
            rows_read: ingested.rows_read,
            rejected: ingested
                .rejected
                .iter()
                .map(|r| format!("row {}: {}", r.row, r.reason.as_str()))
                .collect(),
            deadlines: d.rows.iter().map(DeadlineRecord::from).collect(),
            overdue: d.overdue().map(DeadlineRecord::from).collect(),
            uncovered_years: d.uncovered_years,
        })
    })
}
