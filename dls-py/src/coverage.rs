//! Coverage from Python: for every kern × leaf need × age band, where the rule set sends it,
//! and where there is a gap (lacune) or an overlap. One row per kern × need × age band, or per
//! stretch of ages (`age_min`..=`age_max`) where the answer changes inside a band.

use std::sync::Arc;

use arrow_array::{ArrayRef, UInt8Array};
use dls_core::coverage::{analyse, CoverageFilter, CoverageOptions, CoverageRow, COVERAGE_COLUMNS};
use dls_core::MunicipalityCode;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

use crate::errors::{call, detached, Failure};
use crate::model::PyRuleSet;
use crate::routing::date_arg;
use crate::table;

/// The rows as a table with the columns [`COVERAGE_COLUMNS`].
fn coverage_table(rows: &[&CoverageRow]) -> Result<PyTable, Failure> {
    let r = || rows.iter();
    let ids = |f: fn(&CoverageRow) -> Option<&str>| table::texts(r().copied().map(f));
    let cols: [ArrayRef; 15] = [
        ids(|r| Some(r.kern.as_str())),
        ids(|r| Some(r.kern_name.as_str())),
        ids(|r| Some(r.municipality.as_str())),
        ids(|r| Some(r.need.as_str())),
        ids(|r| Some(r.age_band.as_str())),
        Arc::new(r().map(|r| Some(r.age_min.years())).collect::<UInt8Array>()),
        Arc::new(r().map(|r| Some(r.age_max.years())).collect::<UInt8Array>()),
        ids(|r| Some(r.status.as_str())),
        ids(|r| r.service.as_ref().map(|s| s.as_str())),
        ids(|r| r.organisation.as_ref().map(|s| s.as_str())),
        ids(|r| r.rule.as_ref().map(|s| s.as_str())),
        table::flags(r().map(|r| r.status.is_gap())),
        table::flags(r().map(|r| r.is_overlap())),
        table::text_lists(r().map(|r| r.providers.iter().map(|p| p.as_str()).collect())),
        table::text_lists(r().map(|r| r.overlap.iter().map(|p| p.as_str()).collect())),
    ];
    table::table(COVERAGE_COLUMNS.iter().copied().zip(cols).collect())
}

/// Coverage of `rules` on `date` (a `datetime.date` or `YYYY-MM-DD`), for every kern or only
/// those of `municipality`; `only`: `"all"`, `"gaps"`, `"overlaps"` or `"problems"` (gaps and
/// overlaps).
#[pyfunction]
#[pyo3(signature = (rules, date, municipality = None, only = "all"))]
pub fn coverage(
    py: Python<'_>,
    rules: &PyRuleSet,
    date: &Bound<'_, PyAny>,
    municipality: Option<&str>,
    only: &str,
) -> PyResult<PyTable> {
    let (options, only) = call(py, || {
        let date = date_arg(Some(date))?
            .ok_or_else(|| Failure::bad_input("a coverage date is needed", Some("date")))?;
        let municipality = municipality
            .map(|m| m.parse::<MunicipalityCode>())
            .transpose()?;
        let only = only
            .parse::<CoverageFilter>()
            .map_err(|e| Failure::bad_input(e.to_string(), Some("only")))?;
        Ok((CoverageOptions { date, municipality }, only))
    })?;
    let rules = rules.inner.clone();
    detached(py, move || {
        options
            .check(&rules)
            .map_err(|e| Failure::bad_input(e.to_string(), Some("municipality")))?;
        let report = analyse(&rules, &options);
        let rows: Vec<&CoverageRow> = report.select(only).collect();
        coverage_table(&rows)
    })
}
