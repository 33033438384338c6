//! `CapacityLedger`: the core's live capacity ledger ([`dls_core::routing::CapacityLedger`]),
//! shared between the threads that route with it (`Router.route(case, ledger=...)`).

use std::sync::Arc;

use dls_core::ids::ServiceId;
use dls_core::routing::{CapacityEntry, CapacityLedger};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::{call, Failure};
use crate::routing::PyRouter;

/// Open places and waiting weeks per service of one router's directory, updated by routing
/// with it and by the host. Safe to share between threads.
#[pyclass(frozen, module = "dls._dls", name = "CapacityLedger")]
pub struct PyCapacityLedger {
    pub(crate) inner: Arc<CapacityLedger>,
}

fn service(id: &str) -> Result<ServiceId, Failure> {
    Ok(id.parse()?)
}

fn entry<'py>(py: Python<'py>, e: &CapacityEntry) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("service", e.service.as_str())?;
    d.set_item("open_places", e.open_places)?;
    d.set_item("waiting_weeks", e.waiting_weeks)?;
    Ok(d)
}

#[pymethods]
impl PyCapacityLedger {
    /// `CapacityLedger(router)`: starts from the directory's capacity of each service.
    #[new]
    fn new(router: PyRef<'_, PyRouter>) -> Self {
        PyCapacityLedger {
            inner: Arc::new(CapacityLedger::new(&router.inner)),
        }
    }

    /// The service's figures now: `{"service", "open_places", "waiting_weeks"}` (None where
    /// not known).
    fn get<'py>(&self, py: Python<'py>, service_id: &str) -> PyResult<Bound<'py, PyDict>> {
        let e = call(py, || Ok(self.inner.get(&service(service_id)?)?))?;
        entry(py, &e)
    }

    /// Replaces the service's figures with the provider's own count (None: not known).
    #[pyo3(signature = (service_id, open_places = None, waiting_weeks = None))]
    fn set(
        &self,
        py: Python<'_>,
        service_id: &str,
        open_places: Option<u32>,
        waiting_weeks: Option<u32>,
    ) -> PyResult<()> {
        call(py, || {
            let s = service(service_id)?;
            Ok(self.inner.set(&s, open_places, waiting_weeks)?)
        })
    }

    /// Gives a place back: a referral was turned down, or the care ended.
    fn release(&self, py: Python<'_>, service_id: &str) -> PyResult<()> {
        call(py, || Ok(self.inner.release(&service(service_id)?)?))
    }

    /// Every service with a known figure, by service id, as dicts.
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let entries = self.inner.snapshot();
        let rows = entries.iter().map(|e| entry(py, e));
        PyList::new(py, rows.collect::<PyResult<Vec<_>>>()?)
    }

    /// Sets every entry of a snapshot (dicts as `snapshot` gives them); checks them all first,
    /// so on an error nothing changes.
    fn restore(&self, py: Python<'_>, entries: Vec<Bound<'_, PyDict>>) -> PyResult<()> {
        call(py, || {
            let mut parsed = Vec::with_capacity(entries.len());
            for (i, d) in entries.iter().enumerate() {
                let field = |key: &str| -> Result<Option<u32>, Failure> {
                    match d.get_item(key)? {
                        Some(v) if !v.is_none() => v.extract::<u32>().map(Some).map_err(|_| {
                            Failure::bad_row(
                                format!("`{key}` must be a whole number of at least 0"),
                                i + 1,
                                key,
                            )
                        }),
                        _ => Ok(None),
                    }
                };
                let id: String = d
                    .get_item("service")?
                    .ok_or_else(|| Failure::bad_row("no `service`", i + 1, "service"))?
                    .extract()
                    .map_err(|_| {
                        Failure::bad_row("`service` must be a string", i + 1, "service")
                    })?;
                parsed.push(CapacityEntry {
                    service: service(&id).map_err(|e| e.at_row(i + 1))?,
                    open_places: field("open_places")?,
                    waiting_weeks: field("waiting_weeks")?,
                });
            }
            Ok(self.inner.restore(&parsed)?)
        })
    }

    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}
