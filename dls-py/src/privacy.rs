//! Need-to-know views, consent events, the access log and signal intake: converts Python
//! values to the JSON forms `dls_core::privacy` takes, and its results to plain Python data.

use dls_core::access_log::AccessLog;
use dls_core::privacy::{self, HostError};
use pyo3::prelude::*;

use crate::errors::{call, detached, Failure};
use crate::model::to_python;
use crate::routing::{date_arg, PyRouter};

impl From<HostError> for Failure {
    fn from(e: HostError) -> Self {
        match e {
            HostError::Case(e) => Failure::Core(e.into()),
            HostError::Routing(e) => Failure::Core(e.into()),
            other => Failure::bad_input(other.to_string(), None),
        }
    }
}

/// A dict, a list or a JSON string, as JSON text.
fn json_arg(obj: &Bound<'_, PyAny>, field: &str) -> Result<String, Failure> {
    if let Ok(s) = obj.extract::<String>() {
        return Ok(s);
    }
    let v: serde_json::Value = pythonize::depythonize(obj).map_err(|_| {
        Failure::bad_input(
            "must be plain data (dicts, lists, strings, numbers)",
            Some(field),
        )
    })?;
    Ok(v.to_string())
}

fn as_of_arg(obj: &Bound<'_, PyAny>) -> Result<String, Failure> {
    match date_arg(Some(obj))? {
        Some(d) => Ok(d.to_string()),
        None => Err(Failure::bad_input("a date is required", Some("as_of"))),
    }
}

/// The need-to-know view of one organisation on a household (see `dls_core::views`).
#[pyfunction]
#[pyo3(signature = (router, case, events, consent_events, organisation, as_of))]
pub fn organisation_view<'py>(
    py: Python<'py>,
    router: PyRef<'_, PyRouter>,
    case: &Bound<'py, PyAny>,
    events: &Bound<'py, PyAny>,
    consent_events: &Bound<'py, PyAny>,
    organisation: &str,
    as_of: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (case, events, consent, as_of) = call(py, || {
        Ok((
            json_arg(case, "case")?,
            json_arg(events, "events")?,
            json_arg(consent_events, "consent_events")?,
            as_of_arg(as_of)?,
        ))
    })?;
    let r = router.inner.clone();
    let org = organisation.to_string();
    let view = detached(py, move || {
        Ok(privacy::view_from_json(
            &r, &case, &events, &consent, &org, &as_of,
        )?)
    })?;
    to_python(py, &view)
}

/// Reads a signal CSV as of a date, combines signals into proactive cases and gives the
/// partners' feedback rows (see `dls_core::signals`).
#[pyfunction]
#[pyo3(signature = (csv, as_of, window_days = 30, events = None))]
pub fn signal_intake<'py>(
    py: Python<'py>,
    csv: &str,
    as_of: &Bound<'py, PyAny>,
    window_days: u32,
    events: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (as_of, events) = call(py, || {
        Ok((
            as_of_arg(as_of)?,
            match events {
                Some(e) if !e.is_none() => json_arg(e, "events")?,
                _ => "[]".to_string(),
            },
        ))
    })?;
    let csv = csv.to_string();
    let report = detached(py, move || {
        Ok(privacy::signal_report(&csv, &as_of, window_days, &events)?)
    })?;
    to_python(py, &report)
}

/// The embedded pilot's early-signal feed (CSV).
#[pyfunction]
pub fn pilot_signals_csv() -> &'static str {
    dls_core::pilot::SIGNALS_CSV
}

/// A tamper-evident access log of views produced (see `dls_core::access_log`).
#[pyclass(module = "dls._dls", name = "AccessLog")]
pub struct PyAccessLog {
    inner: AccessLog,
}

#[pymethods]
impl PyAccessLog {
    #[new]
    fn new() -> Self {
        PyAccessLog {
            inner: AccessLog::new(),
        }
    }

    /// Records a view (as `organisation_view` returns it) produced at `at` (RFC 3339).
    fn record_view(&mut self, py: Python<'_>, view: &Bound<'_, PyAny>, at: &str) -> PyResult<()> {
        call(py, || {
            let view = json_arg(view, "view")?;
            Ok(privacy::record_view_json(&mut self.inner, &view, at)?)
        })
    }

    /// Checks the hash chain; raises `BadInputError` naming the first broken row.
    fn verify(&self, py: Python<'_>) -> PyResult<()> {
        call(py, || {
            self.inner
                .verify()
                .map_err(|e| Failure::bad_input(e.to_string(), None))
        })
    }

    /// The last entry's hash: keep it elsewhere to detect entries removed at the end.
    #[getter]
    fn head(&self) -> &str {
        self.inner.head()
    }

    /// The entries as dicts.
    fn entries<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.entries())
    }

    /// The log as JSON lines.
    fn to_jsonl(&self) -> String {
        self.inner.to_jsonl()
    }

    /// The log as CSV.
    fn to_csv(&self) -> String {
        self.inner.to_csv()
    }

    /// Reads JSON lines and verifies the chain.
    #[staticmethod]
    fn from_jsonl(py: Python<'_>, text: &str) -> PyResult<PyAccessLog> {
        call(py, || {
            AccessLog::from_jsonl(text)
                .map(|inner| PyAccessLog { inner })
                .map_err(|e| Failure::bad_input(e.to_string(), None))
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }
}
