//! Free functions: the pilot's sample data, evaluation of an event log, the version, and (with
//! the cargo feature `test-hooks`) a diagnostic for hosts' tests.

use dls_core::{evaluation, pilot};

use std::sync::Arc;

use crate::error::{guard, DlsError};
use crate::objects::Directory;
use crate::records::{case_of_json, CaseRecord, EvaluationRecord};

/// The embedded pilot's sample cases.
#[uniffi::export]
pub fn pilot_cases() -> Result<Vec<CaseRecord>, DlsError> {
    guard(|| Ok(pilot::cases().iter().map(CaseRecord::from).collect()))
}

/// A case from its JSON form (the case file format, see the case JSON Schema), as a record.
#[uniffi::export]
pub fn case_from_json(json: String) -> Result<CaseRecord, DlsError> {
    guard(|| Ok(CaseRecord::from(&case_of_json(&json)?)))
}

/// The embedded pilot's event timelines (CSV).
#[uniffi::export]
pub fn pilot_events_csv() -> String {
    pilot::EVENTS_CSV.to_string()
}

/// Evaluates an event log in CSV, grouped by `group_by` (e.g. `kern`, `month`, `phase`).
/// `disclosure`: `publish` (the default: small cells suppressed, counts rounded, under the
/// public test key), `publish:SECRET` (the same under the publisher's own key) or `raw`
/// (internal use only). With a `directory`, a service covers a need as the directory says, and
/// a log that names only kernen groups by `municipality` or `region` through it.
#[uniffi::export(default(disclosure = "publish", directory = None))]
pub fn evaluate_csv(
    csv: String,
    group_by: Vec<String>,
    disclosure: String,
    directory: Option<Arc<Directory>>,
) -> Result<EvaluationRecord, DlsError> {
    guard(|| {
        let ingested = evaluation::ingest_csv_str(&csv)?;
        let options = evaluation::EvalOptions {
            group_by: ingested.log.group_by(&group_by)?,
            disclosure: disclosure.parse()?,
            directory: directory.map(|d| d.core().clone()),
            ..evaluation::EvalOptions::default()
        };
        let ev = evaluation::evaluate(&ingested.log, &options);
        Ok(EvaluationRecord::new(&ingested, &ev))
    })
}

/// Diagnostics only (cargo feature `test-hooks`): fails on purpose inside the panic guard, so
/// a host's test can check that an internal failure arrives as `DlsError.Internal` and never
/// crashes the host.
#[cfg(feature = "test-hooks")]
#[uniffi::export]
pub fn diagnostics_internal_failure() -> Result<(), DlsError> {
    guard(|| -> Result<(), DlsError> {
        let items: Vec<u8> = Vec::new();
        let index = items.len() + 1;
        // an out-of-bounds index: a bug as it would surface from the core
        Err(crate::error::invalid(format!(
            "unreachable {}",
            items[index]
        )))
    })
}

/// The library version.
#[uniffi::export]
pub fn version() -> String {
    dls_core::VERSION.to_string()
}
