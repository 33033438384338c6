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
//! assert_eq!(ev.per_case[0].right_place_micros, Some(7 * 86_400 * 1_000_000));
//! // One case: too few to publish, so the published table lists no group at all.
//! assert!(ev.summary.aggregates.rows.is_empty());
//! ```
//!
//! Units: timestamps and durations keep the log's fractions of a second, to the microsecond;
//! every published duration is in days (elapsed time / 86,400 s, a fraction) and says
//! so in its name (`first_contact_days`, `right_place_median_days`, `p90_days`, …) in every table
//! and binding; the Rust per-case record keeps microseconds as well (`first_contact_micros`, with
//! [`CaseMetrics::first_contact_days`] for days). Medians and percentiles are exact, numpy's
//! linear definition ([`durations`]).
//!
//! The pieces: [`ingest`] (reading, row accounting), [`metrics`] (per-case definitions),
//! [`clocks`] (legal terms), [`time`] (Europe/Amsterdam days, holidays, Algemene
//! termijnenwet), [`durations`] (exact quantiles), [`sketch`] (quantiles with an error bound, past
//! a size), [`table`] (dimensions, cells,
//! published tables), [`state`] (mergeable aggregates), [`disclosure`] (the disclosure switch), [`compare`](mod@compare) (bootstrap).

pub mod clocks;
pub mod columns;
pub mod compare;
pub mod deadlines;
pub mod disclosure;
pub mod durations;
mod error;
pub mod ingest;
pub mod metrics;
mod options;
pub mod sketch;
pub mod state;
mod strict;
pub mod table;
pub mod time;

pub use clocks::{ClockKind, ClockResult, ClockStatus, ClockTerms, LegalConfig};
pub use compare::{
    compare, compare_checked, compare_metric, CompareOptions, Comparison, Metric, Selection,
};
pub use deadlines::{deadlines, DeadlineRow, Deadlines};
pub use disclosure::{Disclosure, DisclosureMode};
pub use durations::Durations;
pub use error::{EvalError, StateError};
#[cfg(feature = "arrow")]
pub use ingest::{ingest_arrow, ArrowEvents};
pub use ingest::{
    ingest_csv, ingest_csv_str, ingest_events, ingest_jsonl, ingest_jsonl_str, EventFields,
    EventLog, EventLogBuilder, Ingested, LogFormat, RejectReason, RejectedRow, Timestamp,
    MAX_RECORD_BYTES,
};
pub use ingest::{
    ingest_csv_mapped, ingest_jsonl_mapped, ingest_xes, ingest_xes_mapped, HeaderColumns,
    LogMapping, RowWarning, WarningKind, MAX_UNMAPPED_LISTED,
};
#[cfg(feature = "parquet")]
pub use ingest::{ingest_parquet, ingest_parquet_bytes};
pub use metrics::CaseMetrics;
pub use options::EvalOptions;
pub use sketch::Sketch;
pub use state::{DurationUnit, EvalState, Summary};
pub use table::{Cell, Dim, Figures, Problems, Suppression, Table};
pub use time::HolidayCalendar;

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
