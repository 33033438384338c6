//! Free functions: the pilot's sample data, evaluation of an event log, the version, and a
//! diagnostic for hosts' tests.

use dls_core::{evaluation, pilot};

use crate::error::{guard, invalid, DlsError};
use crate::records::{snake, CaseRecord, EvaluationSummaryRecord};

/// The embedded pilot's sample cases.
#[uniffi::export]
pub fn pilot_cases() -> Vec<CaseRecord> {
    pilot::cases().iter().map(CaseRecord::from).collect()
}

/// The embedded pilot's event timelines (CSV).
#[uniffi::export]
pub fn pilot_events_csv() -> String {
    pilot::EVENTS_CSV.to_string()
}

/// Evaluates an event log in CSV, grouped by `group_by` (e.g. `kern`, `month`, `phase`).
/// Figures are suppressed and rounded for publication unless `raw` is true.
#[uniffi::export]
pub fn evaluate_csv(
    csv: String,
    group_by: Vec<String>,
    raw: bool,
) -> Result<EvaluationSummaryRecord, DlsError> {
    guard(|| {
        let ingested = evaluation::ingest_csv_str(&csv).map_err(dls_core::Error::from)?;
        let dims = group_by
            .iter()
            .map(|g| g.parse::<evaluation::Dim>().map_err(dls_core::Error::from))
            .collect::<Result<Vec<_>, _>>()?;
        let options = evaluation::EvalOptions {
            group_by: dims,
            disclosure: if raw {
                evaluation::Disclosure::raw()
            } else {
                evaluation::Disclosure::default()
            },
            ..evaluation::EvalOptions::default()
        };
        let ev = evaluation::evaluate(&ingested.log, &options);
        Ok(EvaluationSummaryRecord {
            rows_read: ingested.rows_read,
            rows_used: ingested.rows_used,
            rows_rejected: ingested.rejected.len() as u64,
            rejected: ingested
                .rejected
                .iter()
                .map(|r| format!("row {}: {}", r.row, snake(r.reason)))
                .collect(),
            cases: ev.summary.cases,
            aggregates_json: serde_json::to_string(&ev.summary.aggregates).map_err(|e| {
                DlsError::Internal {
                    reason: e.to_string(),
                }
            })?,
        })
    })
}

/// Diagnostics only: fails on purpose inside the panic guard, so a host's test can check that
/// an internal failure arrives as `DlsError.Internal` and never crashes the host.
#[uniffi::export]
pub fn diagnostics_internal_failure() -> Result<(), DlsError> {
    guard(|| -> Result<(), DlsError> {
        let items: Vec<u8> = Vec::new();
        let index = items.len() + 1;
        // an out-of-bounds index: a bug as it would surface from the core
        Err(invalid(format!("unreachable {}", items[index])))
    })
}

/// The library version.
#[uniffi::export]
pub fn version() -> String {
    dls_core::VERSION.to_string()
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_call_becomes_an_internal_error() {
        match diagnostics_internal_failure() {
            Err(DlsError::Internal { reason }) => assert!(reason.contains("internal failure")),
            other => panic!("expected Internal, got {other:?}"),
        }
    }
}
