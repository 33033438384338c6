//! FHIR R4 and ZGW Zaken exports of a decision, and FHIR import: convert, call
//! `dls_core::exchange`, convert back.

use dls_core::exchange::{fhir, zgw};
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::decision::PyDecision;
use crate::errors::{call, Failure};
use crate::evaluation::event_dicts;
use crate::model::{to_python, PyDirectory};

fn events_arg(events: Option<&Bound<'_, PyList>>) -> Result<Option<Vec<dls_core::Event>>, Failure> {
    events.map(event_dicts).transpose()
}

/// The decision as a FHIR R4 Bundle (a dict): `collection` (each Task in its status now) or,
/// with `history=True`, `history` (every version of every Task). `events`: the timeline as
/// event dicts (the decision's case's are used); None for one `requested` Task per service.
#[pyfunction]
#[pyo3(signature = (decision, directory, events = None, history = false))]
pub fn fhir_bundle<'py>(
    py: Python<'py>,
    decision: PyRef<'_, PyDecision>,
    directory: PyRef<'_, PyDirectory>,
    events: Option<&Bound<'py, PyList>>,
    history: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let events = call(py, || events_arg(events))?;
    let d = &decision.inner;
    let b = if history {
        fhir::history(d, &directory.inner, events.as_deref())
    } else {
        fhir::bundle(d, &directory.inner, events.as_deref())
    };
    to_python(py, &b)
}

/// Reads a FHIR R4 Bundle (JSON text) into dls events: `{"events": [...], "skipped": [...]}`.
#[pyfunction]
pub fn fhir_import<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    let imported = call(py, || Ok(fhir::import(json)?))?;
    to_python(py, &imported)
}

/// The decision as the ZGW Zaken API 1.5.1 documents to POST, in order: a list of dicts with
/// `resource` (`zaak`, `rol`, `status`), `id`, `url`, `refers_to` and `body`. `config`: a dict
/// of the configuration fields (checked first: `BadInputError` naming the field).
#[pyfunction]
#[pyo3(signature = (decision, directory, config, events = None))]
pub fn zgw_zaken<'py>(
    py: Python<'py>,
    decision: PyRef<'_, PyDecision>,
    directory: PyRef<'_, PyDirectory>,
    config: &Bound<'py, PyAny>,
    events: Option<&Bound<'py, PyList>>,
) -> PyResult<Bound<'py, PyAny>> {
    let docs = call(py, || {
        let data: zgw::ZgwConfigData = crate::cases::from_python(config)?;
        let config = zgw::ZgwConfig::new(data)?;
        let events = events_arg(events)?;
        Ok(zgw::zaken(
            &decision.inner,
            &directory.inner,
            events.as_deref(),
            &config,
        )?)
    })?;
    to_python(py, &docs)
}
