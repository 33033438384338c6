//! Need-to-know views, consent events, the access log and signal intake. The shapes are the
//! JSON forms `dls_core::privacy` defines (the same as Python's dicts): a view, a signal report
//! and access entries as JSON text, parsed by the host with any JSON library.

use std::sync::{Arc, Mutex};

use dls_core::access_log;
use dls_core::privacy::{self, HostError};

use crate::error::{guard, invalid, DlsError};
use crate::objects::Router;

impl From<HostError> for DlsError {
    fn from(e: HostError) -> Self {
        match e {
            HostError::Routing(e) => DlsError::Routing {
                reason: e.to_string(),
            },
            other => invalid(other.to_string()),
        }
    }
}

fn json(v: &impl serde::Serialize) -> Result<String, DlsError> {
    serde_json::to_string(v).map_err(|e| DlsError::Internal {
        reason: format!("internal failure in dls: {e}"),
    })
}

/// The need-to-know view of `organisation` on a household, as JSON: `case_json` a case (the
/// case file format), `events_json` and `consent_events_json` JSON arrays, `as_of` YYYY-MM-DD.
/// The case is routed on its `opened` date. An organisation not in the directory, or one with
/// no part in the case, is `DlsError.InvalidInput`.
#[uniffi::export]
pub fn organisation_view_json(
    router: Arc<Router>,
    case_json: String,
    events_json: String,
    consent_events_json: String,
    organisation: String,
    as_of: String,
) -> Result<String, DlsError> {
    guard(|| {
        let v = privacy::view_from_json(
            router.core(),
            &case_json,
            &events_json,
            &consent_events_json,
            &organisation,
            &as_of,
        )?;
        json(&v)
    })
}

/// Signal intake as JSON: reads the signal CSV as of `as_of` (YYYY-MM-DD), combines signals of
/// one household within `window_days` into proactive cases, and gives the partners' feedback
/// rows from `events_json` (a JSON array of events; `[]` for none). Returns `cases`,
/// `duplicates`, `rejected` (row and message) and `feedback`.
#[uniffi::export(default(window_days = 30, events_json = "[]"))]
pub fn signal_intake_json(
    csv: String,
    as_of: String,
    window_days: u32,
    events_json: String,
) -> Result<String, DlsError> {
    guard(|| {
        json(&privacy::signal_report(
            &csv,
            &as_of,
            window_days,
            &events_json,
        )?)
    })
}

/// The embedded pilot's early-signal feed (CSV).
#[uniffi::export]
pub fn pilot_signals_csv() -> String {
    dls_core::pilot::SIGNALS_CSV.to_string()
}

/// A tamper-evident access log of the views produced (each entry hashed with the previous).
#[derive(Debug, uniffi::Object)]
pub struct AccessLog {
    inner: Mutex<access_log::AccessLog>,
}

impl AccessLog {
    fn with<T>(&self, f: impl FnOnce(&mut access_log::AccessLog) -> T) -> Result<T, DlsError> {
        let mut g = self.inner.lock().map_err(|_| DlsError::Internal {
            reason: "internal failure in dls: access log lock poisoned".into(),
        })?;
        Ok(f(&mut g))
    }
}

#[uniffi::export]
impl AccessLog {
    /// An empty log.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(AccessLog {
            inner: Mutex::new(access_log::AccessLog::new()),
        })
    }

    /// A log read from JSON lines, verified first.
    #[uniffi::constructor]
    pub fn from_jsonl(text: String) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let log =
                access_log::AccessLog::from_jsonl(&text).map_err(|e| invalid(e.to_string()))?;
            Ok(Arc::new(AccessLog {
                inner: Mutex::new(log),
            }))
        })
    }

    /// Records a view (the JSON `organisation_view_json` returns) produced at `at` (RFC 3339).
    pub fn record_view_json(&self, view_json: String, at: String) -> Result<(), DlsError> {
        guard(|| {
            self.with(|l| privacy::record_view_json(l, &view_json, &at))?
                .map_err(Into::into)
        })
    }

    /// Checks the hash chain; `DlsError.InvalidInput` names the first broken row.
    pub fn verify(&self) -> Result<(), DlsError> {
        guard(|| {
            self.with(|l| l.verify())?
                .map_err(|e| invalid(e.to_string()))
        })
    }

    /// The last entry's hash: keep it elsewhere to detect entries removed at the end.
    pub fn head(&self) -> Result<String, DlsError> {
        guard(|| self.with(|l| l.head().to_string()))
    }

    /// Number of entries.
    pub fn len(&self) -> Result<u64, DlsError> {
        guard(|| self.with(|l| l.len() as u64))
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> Result<bool, DlsError> {
        guard(|| self.with(|l| l.is_empty()))
    }

    /// The log as JSON lines.
    pub fn to_jsonl(&self) -> Result<String, DlsError> {
        guard(|| self.with(|l| l.to_jsonl()))
    }

    /// The log as CSV.
    pub fn to_csv(&self) -> Result<String, DlsError> {
        guard(|| self.with(|l| l.to_csv()))
    }
}
