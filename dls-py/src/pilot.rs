//! The embedded Haarlemmermeer pilot, as Python objects (used by `dls.demo`).

use pyo3::prelude::*;

use crate::errors::call;
use crate::model::{to_python, PyDirectory, PyRuleSet};

/// The pilot's validated directory.
#[pyfunction]
pub fn pilot_directory(py: Python<'_>) -> PyResult<PyDirectory> {
    call(py, || {
        Ok(PyDirectory::new(dls_core::pilot::directory(), Vec::new()))
    })
}

/// The pilot's validated rule set.
#[pyfunction]
pub fn pilot_rules(py: Python<'_>) -> PyResult<PyRuleSet> {
    call(py, || {
        Ok(PyRuleSet {
            inner: dls_core::pilot::rules(),
        })
    })
}

/// The pilot's sample cases, as dicts.
#[pyfunction]
pub fn pilot_cases(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyAny>>> {
    let cases = call(py, || Ok(dls_core::pilot::cases()))?;
    cases.iter().map(|c| to_python(py, c)).collect()
}

/// The pilot's event log (timelines of baseline and pilot cases) as CSV text.
#[pyfunction]
pub fn pilot_events_csv() -> &'static str {
    dls_core::pilot::EVENTS_CSV
}

/// The pilot's source files by name (`areas.toml`, …, `rules-GM0394.toml`, `events.csv`,
/// `cases.json`): what `dls.demo.write_folder` writes.
#[pyfunction]
pub fn pilot_files() -> Vec<(&'static str, &'static str)> {
    let base = |name: &'static str| name.rsplit('/').next().unwrap_or(name);
    let p = &dls_core::pilot::DIRECTORY_SOURCES;
    p.iter()
        .chain(dls_core::pilot::RULE_SOURCES)
        .map(|(name, text)| (base(name), *text))
        .chain([
            ("events.csv", dls_core::pilot::EVENTS_CSV),
            ("cases.json", dls_core::pilot::CASES_JSON),
            ("signals.csv", dls_core::pilot::SIGNALS_CSV),
        ])
        .collect()
}

/// Panics inside the binding's guard (cargo feature `test-hooks`), so tests can check that a panic reaches Python as
/// `dls.InternalError` and never as `PanicException`.
#[cfg(feature = "test-hooks")]
#[pyfunction]
pub fn _panic_for_tests(py: Python<'_>) -> PyResult<()> {
    call(py, || -> Result<(), crate::errors::Failure> {
        panic!("deliberate panic for the tests")
    })
}
