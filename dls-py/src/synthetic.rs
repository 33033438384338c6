//! The core's synthetic event logs, for the Python tests and examples (private: `_synthetic_events`).

use dls_core::synthetic::events::{events_csv, EventScale};
use pyo3::prelude::*;

use crate::errors::detached;

/// The synthetic event log of cases `first_case .. first_case + n_cases` as CSV text
/// (`dls_core::synthetic::events`): deterministic from `seed`, the same cases whether made
/// whole or in partitions. Defaults: five Haarlemmermeer kernen over 2025 and 2026.
#[pyfunction]
#[pyo3(signature = (n_cases, seed = 7, *, first_case = 0, municipalities = 1, kernen = 5, span_days = 730))]
pub fn _synthetic_events(
    py: Python<'_>,
    n_cases: u64,
    seed: u64,
    first_case: u64,
    municipalities: usize,
    kernen: usize,
    span_days: u32,
) -> PyResult<String> {
    let scale = EventScale {
        municipalities,
        kernen,
        span_days,
    };
    detached(py, || {
        Ok(events_csv(&scale, first_case..first_case + n_cases, seed))
    })
}
