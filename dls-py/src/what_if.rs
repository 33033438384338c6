//! `what_if`: the decisions that change, and the load moved per service, when a batch of
//! cases is routed under rule set A and under rule set B ([`dls_core::routing::what_if`]).

use std::sync::Arc;

use dls_core::routing::{self, Router, WhatIf};
use dls_core::Case;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::cases;
use crate::errors::{call, detached, Failure};
use crate::model::PyRuleSet;
use crate::routing::{date_arg, PyRouter};

/// A router from a `Router`, or compiled from a validated `RuleSet`.
fn router_arg(py: Python<'_>, obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Router> {
    if let Ok(r) = obj.extract::<PyRef<'_, PyRouter>>() {
        return Ok(r.inner.clone());
    }
    if let Ok(rules) = obj.extract::<PyRef<'_, PyRuleSet>>() {
        let rules = rules.inner.clone();
        return detached(py, move || Ok(Router::new(&rules)));
    }
    call(py, || {
        Err(Failure::bad_input(
            format!("`{name}` must be a `Router` or a validated `RuleSet`"),
            Some(name),
        ))
    })
}

/// Routes `cases` (an iterable of case dicts) under `a` and under `b` (each a `Router` or a
/// validated `RuleSet`) on `date`, or each case's `opened` date, with the GIL released, and
/// returns what changes.
#[pyfunction]
#[pyo3(signature = (a, b, cases, date = None))]
pub fn what_if(
    py: Python<'_>,
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    cases: &Bound<'_, PyAny>,
    date: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyWhatIf> {
    let (ra, rb) = (router_arg(py, a, "a")?, router_arg(py, b, "b")?);
    let (cases, date) = call(py, || {
        let mut out: Vec<Case> = Vec::new();
        for (i, c) in cases.try_iter()?.enumerate() {
            out.push(cases::from_dict(&c?).map_err(|e| e.at_row(i + 1))?);
        }
        Ok((out, date_arg(date)?))
    })?;
    let inner = detached(py, move || Ok(routing::what_if(&ra, &rb, &cases, date)))?;
    Ok(PyWhatIf {
        inner: Arc::new(inner),
    })
}

/// What changes between routing the same cases under A and under B.
#[pyclass(frozen, module = "dls._dls", name = "WhatIf")]
pub struct PyWhatIf {
    inner: Arc<WhatIf>,
}

#[pymethods]
impl PyWhatIf {
    /// Cases routed under both.
    #[getter]
    fn cases(&self) -> usize {
        self.inner.cases
    }

    /// Needs compared.
    #[getter]
    fn needs(&self) -> usize {
        self.inner.needs
    }

    /// The needs whose outcome changed, one dict each: `case`, `need`, `from_outcome`,
    /// `from_service`, `from_rule`, `to_outcome`, `to_service`, `to_rule`.
    #[getter]
    fn changed<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self.inner.changed.iter().map(|c| {
            let r = c.row();
            let d = PyDict::new(py);
            d.set_item("case", r.case)?;
            d.set_item("need", r.need)?;
            d.set_item("from_outcome", r.from_outcome)?;
            d.set_item("from_service", r.from_service)?;
            d.set_item("from_rule", r.from_rule)?;
            d.set_item("to_outcome", r.to_outcome)?;
            d.set_item("to_service", r.to_service)?;
            d.set_item("to_rule", r.to_rule)?;
            Ok(d)
        });
        PyList::new(py, rows.collect::<PyResult<Vec<_>>>()?)
    }

    /// Needs that are gaps under B but not under A: dicts `case`, `need`, `reason`.
    #[getter]
    fn gaps_appeared<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        gaps(py, &self.inner.gaps_appeared)
    }

    /// Needs that are gaps under A but not under B: dicts `case`, `need`, `reason`.
    #[getter]
    fn gaps_disappeared<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        gaps(py, &self.inner.gaps_disappeared)
    }

    /// Load per service that receives any need under A or B, by service id: dicts `service`,
    /// `load_a`, `load_b`, `open_places_a`, `open_places_b`, `over_capacity_a`,
    /// `over_capacity_b`.
    #[getter]
    fn load<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self.inner.load.iter().map(|l| {
            let d = PyDict::new(py);
            d.set_item("service", l.service.as_str())?;
            d.set_item("load_a", l.load_a)?;
            d.set_item("load_b", l.load_b)?;
            d.set_item("open_places_a", l.open_places_a)?;
            d.set_item("open_places_b", l.open_places_b)?;
            d.set_item("over_capacity_a", l.over_capacity_a())?;
            d.set_item("over_capacity_b", l.over_capacity_b())?;
            Ok(d)
        });
        PyList::new(py, rows.collect::<PyResult<Vec<_>>>()?)
    }

    /// The services over capacity under B but not under A.
    #[getter]
    fn newly_over_capacity(&self) -> Vec<&str> {
        self.inner
            .newly_over_capacity()
            .map(|l| l.service.as_str())
            .collect()
    }

    /// Cases that failed under A or B (not compared): dicts `case`, `error_a`, `error_b` (the
    /// messages, None on the side where the case routed).
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = self.inner.errors.iter().map(|e| {
            let d = PyDict::new(py);
            d.set_item("case", e.case.as_str())?;
            d.set_item("error_a", e.a.as_ref().map(ToString::to_string))?;
            d.set_item("error_b", e.b.as_ref().map(ToString::to_string))?;
            Ok(d)
        });
        PyList::new(py, rows.collect::<PyResult<Vec<_>>>()?)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "WhatIf({} cases, {} needs, {} changed)",
            self.inner.cases,
            self.inner.needs,
            self.inner.changed.len()
        )
    }
}

/// Gap changes as dicts.
fn gaps<'py>(py: Python<'py>, gs: &[routing::GapChange]) -> PyResult<Bound<'py, PyList>> {
    let rows = gs.iter().map(|g| {
        let d = PyDict::new(py);
        d.set_item("case", g.case.as_str())?;
        d.set_item("need", g.need.as_str())?;
        d.set_item("reason", g.reason.as_str())?;
        Ok(d)
    });
    PyList::new(py, rows.collect::<PyResult<Vec<_>>>()?)
}
