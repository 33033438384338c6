//! Coverage from Python: for every kern × leaf need × age band, where the rule set sends it,
//! and where there is a gap (lacune) or an overlap. One row per kern × need × age band.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, ListBuilder, StringBuilder};
use arrow_array::ArrayRef;
use dls_core::conditions::Attribute;
use dls_core::coverage::{analyse, CoverageFilter, CoverageOptions, CoverageRow};
use dls_core::MunicipalityCode;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

use crate::errors::{call, detached, Failure};
use crate::model::PyRuleSet;
use crate::routing::date_arg;
use crate::table;

fn coverage_table(rows: &[&CoverageRow]) -> Result<PyTable, Failure> {
    let mut texts: Vec<StringBuilder> = (0..9).map(|_| StringBuilder::new()).collect();
    let mut gap = BooleanBuilder::new();
    let mut overlap = BooleanBuilder::new();
    let mut providers = ListBuilder::new(StringBuilder::new());
    let mut overlapping = ListBuilder::new(StringBuilder::new());
    for r in rows {
        let values = [
            Some(r.kern.to_string()),
            Some(r.kern_name.clone()),
            Some(r.municipality.to_string()),
            Some(r.need.to_string()),
            Some(r.age_band.name().to_string()),
            Some(r.status.as_str().to_string()),
            r.service.as_ref().map(|s| s.to_string()),
            r.organisation.as_ref().map(|s| s.to_string()),
            r.rule.as_ref().map(|s| s.to_string()),
        ];
        for (b, v) in texts.iter_mut().zip(values) {
            b.append_option(v);
        }
        gap.append_value(r.status.is_gap());
        overlap.append_value(r.is_overlap());
        for p in &r.providers {
            providers.values().append_value(p.as_str());
        }
        providers.append(true);
        for p in &r.overlap {
            overlapping.values().append_value(p.as_str());
        }
        overlapping.append(true);
    }
    let names = [
        "kern",
        "kern_name",
        "municipality",
        "need",
        "age_band",
        "status",
        "service",
        "organisation",
        "rule",
    ];
    let mut cols: Vec<(&str, ArrayRef)> = Vec::new();
    for (n, mut b) in names.into_iter().zip(texts) {
        cols.push((n, Arc::new(b.finish())));
    }
    cols.push(("gap", Arc::new(gap.finish())));
    cols.push(("overlap", Arc::new(overlap.finish())));
    cols.push(("providers", Arc::new(providers.finish())));
    cols.push(("overlapping_organisations", Arc::new(overlapping.finish())));
    table::table(cols)
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
        let report = analyse(&rules, &options);
        let rows: Vec<&CoverageRow> = report.select(only).collect();
        coverage_table(&rows)
    })
}
