//! Evaluation: does DLS help citizens faster and better? Per-case metrics from event logs,
//! Dutch legal clocks, aggregates with disclosure control, pilot-versus-baseline comparison,
//! frequent problems, and a mergeable state for partitioned (national) data.
//!
//! ```
//! use dls_core::evaluation::{self, Dim, EvalOptions};
//!
//! let csv = "case_id,timestamp,activity,organisation,kern,need\n\
//!            c1,2026-03-02T09:00:00+01:00,opened,,hoofddorp,zorg.wmo\n\
//!            c1,2026-03-03T10:00:00+01:00,first_contact,steunpunt,,\n\
//!            c1,2026-03-04T10:00:00+01:00,referred,gemeente,,\n\
//!            c1,2026-03-09T09:00:00+01:00,accepted,gemeente,,zorg.wmo\n";
//! let ingested = evaluation::ingest_csv_str(csv).unwrap();
//! assert_eq!(ingested.rows_read, 4);
//! assert_eq!(ingested.rows_used + ingested.rejected.len() as u64, ingested.rows_read);
//!
//! let opts = EvalOptions { group_by: vec![Dim::Kern, Dim::Month], ..EvalOptions::default() };
//! let ev = evaluation::evaluate(&ingested.log, &opts);
//! assert_eq!(ev.per_case[0].right_place_secs, Some(7 * 86_400));
//! // One case: suppressed when published.
//! assert!(ev.summary.aggregates.rows[0].figures.is_none());
//! ```
//!
//! The pieces: [`ingest`] (reading, row accounting), [`metrics`] (per-case definitions),
//! [`clocks`] (legal terms), [`time`] (Europe/Amsterdam days, holidays, Algemene
//! termijnenwet), [`sketch`] (quantiles with an error bound), [`state`] (mergeable
//! aggregates), [`disclosure`] (suppression and rounding), [`compare`](mod@compare) (bootstrap).

pub mod clocks;
pub mod compare;
pub mod disclosure;
pub mod ingest;
pub mod metrics;
pub mod sketch;
pub mod state;
pub mod time;

use chrono::{DateTime, Utc};

use crate::directory::Directory;
use crate::events::RejectionReason;

pub use clocks::{ClockKind, ClockResult, ClockStatus, ClockTerms, LegalConfig};
pub use compare::{compare, compare_metric, CompareOptions, Comparison, Metric, Selection};
pub use disclosure::{Disclosure, Problems, Suppression, Table};
pub use ingest::{
    ingest_csv, ingest_csv_str, ingest_events, ingest_jsonl, ingest_jsonl_str, EventFields,
    EventLog, EventLogBuilder, Ingested, RejectReason, RejectedRow, Timestamp,
};
pub use metrics::CaseMetrics;
pub use sketch::Sketch;
pub use state::{Dim, EvalState, Summary};
pub use time::HolidayCalendar;

/// Rejection reasons in a fixed order (index 7 = unstated).
pub(crate) const REASONS: [RejectionReason; 7] = [
    RejectionReason::WrongService,
    RejectionReason::NotEligible,
    RejectionReason::OutOfArea,
    RejectionReason::Full,
    RejectionReason::OtherOrganisationFirst,
    RejectionReason::IncompleteInformation,
    RejectionReason::Other,
];

/// What can go wrong in evaluation as a whole (bad rows are not errors: they are rejected and
/// counted, see [`Ingested`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The input could not be read.
    #[error("cannot read event log: {0}")]
    Io(String),
    /// The CSV header lacks a required column.
    #[error("event log header lacks column `{column}`")]
    MissingColumn {
        /// The column.
        column: String,
    },
    /// A holiday calendar file is malformed.
    #[error("holiday calendar: {0}")]
    Calendar(String),
    /// An unknown aggregate dimension name.
    #[error("unknown dimension `{0}`")]
    UnknownDimension(String),
    /// Two states with different groupings cannot merge.
    #[error("cannot merge evaluation states grouped by different dimensions")]
    IncompatibleStates,
}

/// How to evaluate.
#[derive(Debug, Clone)]
pub struct EvalOptions {
    /// The directory that decides which services cover which needs (see [`metrics`]); without
    /// one, any acceptance for the case's need counts.
    pub directory: Option<Directory>,
    /// Legal clock terms and calendar.
    pub legal: LegalConfig,
    /// The evaluation instant: running clocks past their deadline on this day are overdue.
    /// `None`: running clocks are reported as running.
    pub as_of: Option<DateTime<Utc>>,
    /// Dimensions of the aggregate table.
    pub group_by: Vec<Dim>,
    /// Disclosure control for the summary (on by default).
    pub disclosure: Disclosure,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            directory: None,
            legal: LegalConfig::default(),
            as_of: None,
            group_by: vec![Dim::Kern, Dim::Month],
            disclosure: Disclosure::default(),
        }
    }
}

/// The result of [`evaluate`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    /// Metrics of every case, in log order. For internal use: not disclosure-controlled.
    pub per_case: Vec<CaseMetrics>,
    /// Aggregates and frequent problems under `opts.disclosure`.
    pub summary: Summary,
    /// The mergeable state the summary came from.
    pub state: EvalState,
}

/// Evaluates one event log in one pass: per-case metrics, aggregates, frequent problems.
pub fn evaluate(log: &EventLog, opts: &EvalOptions) -> Evaluation {
    let mut state = EvalState::new(opts.group_by.clone());
    let mut per_case = Vec::new();
    state.add_log(log, opts, Some(&mut per_case));
    Evaluation {
        per_case,
        summary: state.finish(&opts.disclosure),
        state,
    }
}

/// Evaluates without keeping per-case metrics (less memory for large logs).
pub fn evaluate_state(log: &EventLog, opts: &EvalOptions) -> EvalState {
    let mut state = EvalState::new(opts.group_by.clone());
    state.add(log, opts);
    state
}
