//! `Decision`: what routing one case returns, per need in the shape of the core's
//! [`DecisionRow`](dls_core::rows::DecisionRow), with the trace and the full JSON form.

use std::sync::Arc;

use chrono::NaiveDate;
use dls_core::routing::HouseholdDecision;
use pyo3::prelude::*;

use crate::errors::{call, Failure};
use crate::model::to_python;

/// The decision for one household: per need an outcome, one coordinator, a trace.
#[pyclass(frozen, module = "dls._dls", name = "Decision")]
pub struct PyDecision {
    pub(crate) inner: Arc<HouseholdDecision>,
}

impl From<HouseholdDecision> for PyDecision {
    fn from(d: HouseholdDecision) -> Self {
        PyDecision { inner: Arc::new(d) }
    }
}

#[pymethods]
impl PyDecision {
    /// The case id.
    #[getter]
    fn case(&self) -> &str {
        self.inner.case.as_str()
    }

    /// The kern of the case.
    #[getter]
    fn kern(&self) -> &str {
        self.inner.kern.as_str()
    }

    /// The routing date.
    #[getter]
    fn date(&self) -> NaiveDate {
        self.inner.date
    }

    /// The coordinator (regisseur) when two or more organisations are involved:
    /// `{"service", "organisation", "basis"}`, else None.
    #[getter]
    fn coordinator<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.coordinator)
    }

    /// The service of the household's single first point of contact, if any.
    #[getter]
    fn first_contact(&self) -> Option<&str> {
        self.inner
            .plan
            .first_contact
            .as_ref()
            .map(|c| c.service.as_str())
    }

    /// Per need, primary first, a dict with the columns of `Router.route_batch`: `case`,
    /// `need`, `primary`, `outcome` (`service`, `steunpilaar`, `escalation` or `gap`),
    /// `service`, `organisation`, `rule`, `layer`, `gap_reason`, `cannot_get_through`,
    /// `coordinator`, `first_contact`.
    #[getter]
    fn needs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.rows().collect::<Vec<_>>())
    }

    /// The primary need's row (as in `needs`).
    #[getter]
    fn primary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.rows().next())
    }

    /// The service chosen for the primary need, None for a gap.
    #[getter]
    fn service(&self) -> Option<&str> {
        self.inner.primary().outcome.service().map(|s| s.as_str())
    }

    /// Per need, the trace: every candidate rule, its verdict, and the fallback.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let traces: Vec<_> = self
            .inner
            .needs
            .iter()
            .map(|n| (n.need.as_str(), &n.trace))
            .collect();
        let d = pyo3::types::PyDict::new(py);
        for (need, t) in traces {
            d.set_item(need, to_python(py, t)?)?;
        }
        Ok(d.into_any())
    }

    /// The whole decision as plain data (the JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &*self.inner)
    }

    /// The decision explained in a few lines of text.
    fn explain(&self) -> String {
        self.inner.explain()
    }

    fn __str__(&self) -> String {
        self.inner.explain()
    }

    fn __repr__(&self) -> String {
        let py_str = |s: Option<&str>| s.map_or_else(|| "None".to_string(), |s| format!("'{s}'"));
        format!(
            "Decision(case='{}', service={}, coordinator={})",
            self.inner.case,
            py_str(self.inner.primary().outcome.service().map(|s| s.as_str())),
            py_str(
                self.inner
                    .coordinator
                    .as_ref()
                    .map(|c| c.contact.organisation.as_str())
            )
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .extract::<PyRef<'_, PyDecision>>()
            .map(|o| *o.inner == *self.inner)
            .unwrap_or(false)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let json = serde_json::to_string(&*self.inner)
            .map_err(|e| crate::errors::to_py_err(py, Failure::Internal(e.to_string())))?;
        Ok((py.get_type::<PyDecision>().getattr("_from_json")?, (json,)))
    }

    #[staticmethod]
    fn _from_json(py: Python<'_>, json: &str) -> PyResult<PyDecision> {
        call(py, || {
            let d: HouseholdDecision = serde_json::from_str(json).map_err(|e| {
                let e = dls_core::source::redact_keys(&e.to_string());
                Failure::bad_input(format!("not a decision: {e}"), None)
            })?;
            Ok(PyDecision::from(d))
        })
    }
}
