//! Python bindings of dls: the native module `dls._dls` under the pure-Python package `dls`.
//!
//! This crate converts types, calls `dls-core`, releases the GIL for long calls and maps errors
//! to the exceptions of `dls.errors` (see [`errors`]). It holds no rule of the domain.

use pyo3::prelude::*;

/// Rust allocations of the module (not Python's) use mimalloc: routing and evaluating large
/// tables allocate many small ids from several threads, where it is much faster than the
/// system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod cases;
pub mod coverage;
pub mod errors;
pub mod evaluation;
pub mod events;
pub mod model;
pub mod pilot;
pub mod routing;
pub mod synthetic;
pub mod table;

/// The native module.
#[pymodule]
fn _dls(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", dls_core::VERSION)?;
    m.add_class::<model::PyDirectory>()?;
    m.add_class::<model::PyRuleSet>()?;
    m.add_class::<routing::PyRouter>()?;
    m.add_class::<routing::PyDecision>()?;
    m.add_class::<evaluation::PyEvaluation>()?;
    m.add_class::<evaluation::PyEvalState>()?;
    m.add_function(wrap_pyfunction!(cases::cases_table, m)?)?;
    m.add_function(wrap_pyfunction!(coverage::coverage, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_directory, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_rules, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_cases, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::pilot_events_csv, m)?)?;
    m.add_function(wrap_pyfunction!(pilot::_panic_for_tests, m)?)?;
    m.add_function(wrap_pyfunction!(synthetic::_synthetic_events, m)?)?;
    Ok(())
}
