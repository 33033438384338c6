//! Python bindings of dls: the native module `dls._dls` under the pure-Python package `dls`.
//!
//! This crate converts types, calls `dls-core`, releases the GIL for long calls and maps errors
//! to the exceptions of `dls.errors` (in `errors.rs`, the one place that does so). It holds no
//! rule of the domain: what a case row or a decision row means is the core's `rows` module.

use dls_core::rows;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

/// Rust allocations of the module (not Python's) use mimalloc: routing and evaluating large
/// tables allocate many small ids from several threads, where it is much faster than the
/// system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod capacity;
mod cases;
mod cli;
mod coverage;
mod deadlines;
mod decision;
mod errors;
mod evaluation;
mod exchange;
mod mapping;
mod model;
mod pilot;
mod privacy;
mod report;
mod routing;
mod synthetic;
mod table;
mod what_if;

/// The native module.
#[pymodule]
fn _dls(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", dls_core::VERSION)?;
    m.add("CASE_COLUMNS", PyTuple::new(m.py(), rows::CASE_COLUMNS)?)?;
    let coverage_columns = dls_core::coverage::COVERAGE_COLUMNS;
    m.add("COVERAGE_COLUMNS", PyTuple::new(m.py(), coverage_columns)?)?;
    let decision_columns: Vec<&str> = rows::DECISION_COLUMNS
        .iter()
        .chain(rows::ERROR_COLUMNS)
        .copied()
        .collect();
    m.add("DECISION_COLUMNS", PyTuple::new(m.py(), decision_columns)?)?;
    m.add_class::<model::PyDirectory>()?;
    m.add_class::<model::PyRuleSet>()?;
    m.add_class::<routing::PyRouter>()?;
    m.add_class::<decision::PyDecision>()?;
    m.add_class::<evaluation::PyEvaluation>()?;
    m.add_class::<evaluation::PyEvalState>()?;
    m.add_class::<what_if::PyWhatIf>()?;
    m.add_class::<capacity::PyCapacityLedger>()?;
    m.add_function(wrap_pyfunction!(what_if::what_if, m)?)?;
    m.add_function(wrap_pyfunction!(cases::cases_table, m)?)?;
    m.add_function(wrap_pyfunction!(coverage::coverage, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_directory, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_rules, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_cases, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_events_csv, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_files, m)?)?;
    m.add_function(wrap_pyfunction!(cli::_cli_main, m)?)?;
    #[cfg(feature = "test-hooks")]
    m.add_function(wrap_pyfunction!(pilot::_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(synthetic::_synthetic_events, m)?)?;
    m.add_class::<privacy::PyAccessLog>()?;
    m.add_function(wrap_pyfunction!(privacy::organisation_view, m)?)?;
    m.add_function(wrap_pyfunction!(privacy::signal_intake, m)?)?;
    m.add_function(wrap_pyfunction!(privacy::pilot_signals_csv, m)?)?;
    m.add_function(wrap_pyfunction!(exchange::fhir_bundle, m)?)?;
    m.add_function(wrap_pyfunction!(exchange::fhir_import, m)?)?;
    m.add_function(wrap_pyfunction!(exchange::zgw_zaken, m)?)?;
    Ok(())
}
