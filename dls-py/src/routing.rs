//! `Router`: routing one case from a dict, or a whole table of cases through the core's rows
//! ([`Router::route_rows`]): one result per row, a failed row in its place.

use arrow_array::{ArrayRef, RecordBatch};
use chrono::NaiveDate;
use dls_core::cases::TriedService;
use dls_core::events::Activity;
use dls_core::ids::ServiceId;
use dls_core::routing::{tried_after, CapacityLedger, HouseholdDecision, RouteOptions, Router};
use dls_core::rows::{
    parse_date, BatchError, CaseRow, DecisionRow, DECISION_COLUMNS, ERROR_COLUMNS,
};
use dls_core::Case;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use pyo3_arrow::PyTable;
use rayon::prelude::*;

use crate::capacity::PyCapacityLedger;
use crate::cases;
use crate::decision::PyDecision;
use crate::errors::{call, detached, Failure};
use crate::model::{PyDirectory, PyRuleSet};
use crate::table::{self, flags, texts};

/// A routing date: a `datetime.date`, an ISO `YYYY-MM-DD` string, or `None` for each case's
/// own `opened` date.
pub fn date_arg(obj: Option<&Bound<'_, PyAny>>) -> Result<Option<NaiveDate>, Failure> {
    let Some(obj) = obj else { return Ok(None) };
    if obj.is_none() {
        return Ok(None);
    }
    if let Ok(d) = obj.extract::<NaiveDate>() {
        return Ok(Some(d));
    }
    if let Ok(s) = obj.extract::<String>() {
        return parse_date("date", &s)
            .map(Some)
            .map_err(|_| Failure::bad_input("not a date: use `YYYY-MM-DD`", Some("date")));
    }
    Err(Failure::bad_input(
        "a date must be a `datetime.date` or a `YYYY-MM-DD` string",
        Some("date"),
    ))
}

/// Routes cases with a validated rule set. Safe to share between threads; pickles.
#[pyclass(frozen, subclass, module = "dls._dls", name = "Router")]
pub struct PyRouter {
    pub(crate) inner: Router,
    rules: PyRuleSet,
}

#[pymethods]
impl PyRouter {
    /// `Router(rules)`, or `Router(directory, rules)` where `directory` is the one the rules
    /// were validated against.
    #[new]
    #[pyo3(signature = (*args))]
    fn new(py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let (directory, rules): (Option<PyRef<'_, PyDirectory>>, PyRef<'_, PyRuleSet>) =
            match args.len() {
                1 => (None, args.get_item(0)?.extract()?),
                2 => (
                    Some(args.get_item(0)?.extract()?),
                    args.get_item(1)?.extract()?,
                ),
                n => {
                    return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                        "Router takes (rules) or (directory, rules), not {n} arguments"
                    )))
                }
            };
        let (d, r) = (directory.map(|d| d.inner.clone()), rules.inner.clone());
        let inner = detached(py, move || match &d {
            Some(d) => Ok(Router::for_directory(d, &r)?),
            None => Ok(Router::new(&r)),
        })?;
        Ok(PyRouter {
            inner,
            rules: PyRuleSet {
                inner: rules.inner.clone(),
            },
        })
    }

    /// The rule set this router was compiled from.
    #[getter]
    fn rules(&self) -> PyRuleSet {
        PyRuleSet {
            inner: self.rules.inner.clone(),
        }
    }

    /// Routes one case (a dict in the JSON form of a case) on `date`, or on the case's
    /// `opened` date when `date` is None. `trace=True` keeps a trace per need (slower). With a
    /// `ledger` (a `CapacityLedger` of this router), routes against its live counts and takes a
    /// place per need sent to a service with known places.
    #[pyo3(signature = (case, date = None, trace = false, ledger = None))]
    fn route(
        &self,
        py: Python<'_>,
        case: &Bound<'_, PyAny>,
        date: Option<&Bound<'_, PyAny>>,
        trace: bool,
        ledger: Option<PyRef<'_, PyCapacityLedger>>,
    ) -> PyResult<PyDecision> {
        call(py, || {
            let case = cases::from_dict(case)?;
            let date = dls_core::routing::date_for(&case, date_arg(date)?)?;
            let options = RouteOptions { trace };
            let d = match &ledger {
                Some(l) => self.inner.route_reserving(&case, date, options, &l.inner)?,
                None => self.inner.route_with(&case, date, options)?,
            };
            Ok(PyDecision::from(d))
        })
    }

    /// Routes `case` again after the citizen tried a service without success: the next
    /// decision with that service (and every service the case lists as tried) no longer a
    /// candidate, the need marked as "could not get through". `after` is the service id (with
    /// `outcome` `rejected`, the default, `no_response` or `waited_too_long`) or the bounce
    /// event as a dict (`activity` `rejected` or `no_response`, and `service`). With a
    /// `ledger`, `previous` is the case's decision made against it: the places it took are
    /// the case's own (a need that keeps its service keeps its place, the place turned down
    /// goes back), on `previous`'s date.
    #[pyo3(signature = (case, after, outcome = None, date = None, trace = false, ledger = None, previous = None))]
    #[allow(clippy::too_many_arguments)]
    fn reroute(
        &self,
        py: Python<'_>,
        case: &Bound<'_, PyAny>,
        after: &Bound<'_, PyAny>,
        outcome: Option<&str>,
        date: Option<&Bound<'_, PyAny>>,
        trace: bool,
        ledger: Option<PyRef<'_, PyCapacityLedger>>,
        previous: Option<PyRef<'_, PyDecision>>,
    ) -> PyResult<PyDecision> {
        call(py, || {
            let case = cases::from_dict(case)?;
            let tried = tried_arg(&case, after, outcome)?;
            let options = RouteOptions { trace };
            let d = match (&ledger, &previous) {
                (Some(l), Some(p)) => self.inner.reroute_after_reserving(
                    &case,
                    &p.inner,
                    &tried.service,
                    tried.outcome,
                    options,
                    &l.inner,
                )?,
                (Some(_), None) => {
                    return Err(Failure::bad_input(
                        "a re-route with a `ledger` needs `previous`, the case's decision made against it",
                        Some("previous"),
                    ))
                }
                (None, _) => {
                    let date = dls_core::routing::date_for(&case, date_arg(date)?)?;
                    self.inner
                        .reroute_after(&case, date, &tried.service, tried.outcome, options)?
                }
            };
            Ok(PyDecision::from(d))
        })
    }

    /// Routes every case of a table (one row per case) and returns an Arrow table with one row
    /// per need, and one row with outcome `error` in the place of a case that failed. Runs with
    /// the GIL released. With a `ledger`, routes against it as `route` does (places in the
    /// order of routing date, then case id).
    #[pyo3(signature = (table, date = None, ledger = None))]
    fn _route_batch(
        &self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        date: Option<&Bound<'_, PyAny>>,
        ledger: Option<PyRef<'_, PyCapacityLedger>>,
    ) -> PyResult<PyTable> {
        let (input, date) = call(py, || Ok((table::read_table(table)?, date_arg(date)?)))?;
        let router = self.inner.clone();
        match ledger {
            None => detached(py, move || route_table(&router, &input, date)),
            Some(l) => {
                let ledger = l.inner.clone();
                detached(py, move || {
                    route_table_reserving(&router, &input, date, &ledger)
                })
            }
        }
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (PyRuleSet,))> {
        let _ = py;
        Ok((
            slf.get_type().into_any(),
            (PyRuleSet {
                inner: slf.get().rules.inner.clone(),
            },),
        ))
    }

    fn __repr__(&self) -> String {
        format!("Router({} rules)", self.rules.inner.data().rules.len())
    }
}

/// The service a re-route avoids, from `after` (a service id, or a bounce event dict) and
/// `outcome`.
fn tried_arg(
    case: &Case,
    after: &Bound<'_, PyAny>,
    outcome: Option<&str>,
) -> Result<TriedService, Failure> {
    if let Ok(service) = after.extract::<String>() {
        let outcome = outcome.unwrap_or("rejected");
        return Ok(TriedService {
            service: service.parse()?,
            outcome: outcome.parse().map_err(|_| {
                Failure::bad_input(
                    "`outcome` must be `rejected`, `no_response` or `waited_too_long`",
                    Some("outcome"),
                )
            })?,
        });
    }
    let event = after.cast::<PyDict>().map_err(|_| {
        Failure::bad_input(
            "`after` must be a service id or a bounce event dict",
            Some("after"),
        )
    })?;
    if outcome.is_some() {
        return Err(Failure::bad_input(
            "give the outcome as the event's `activity`, not as `outcome` too",
            Some("outcome"),
        ));
    }
    let text =
        |key: &str| -> Result<Option<String>, Failure> {
            Ok(match event.get_item(key)? {
                Some(v) if !v.is_none() => Some(v.extract::<String>().map_err(|_| {
                    Failure::bad_input(format!("`{key}` must be a string"), Some(key))
                })?),
                _ => None,
            })
        };
    let activity: Activity = text("activity")?
        .ok_or_else(|| Failure::bad_input("the event has no `activity`", Some("activity")))?
        .parse()
        .map_err(|_| Failure::bad_input("unknown activity", Some("activity")))?;
    let service: Option<ServiceId> = text("service")?.map(|s| s.parse()).transpose()?;
    Ok(tried_after(case.id(), activity, service.as_ref())?)
}

/// Rows per chunk: each chunk is read, routed and written on its own, chunks in parallel, so
/// memory holds a few chunks of rows and decisions at a time, never the whole table.
const CHUNK: usize = 8192;

/// Routes every row of `input` with [`Router::route_rows`] (on `date`, or each case's `opened`
/// date, without trace) and writes the results in input order, one batch per chunk.
fn route_table(
    router: &Router,
    input: &PyTable,
    date: Option<NaiveDate>,
) -> Result<PyTable, Failure> {
    let mut batches = Vec::new();
    for (start, batch) in table::batches(input) {
        let cols = cases::Columns::of(batch, start, router.directory().vocabulary())?;
        let n = batch.num_rows();
        let chunks: Vec<usize> = (0..n).step_by(CHUNK).collect();
        let out = chunks
            .par_iter()
            .map(|&from| {
                let rows: Vec<CaseRow<'_>> =
                    (from..n.min(from + CHUNK)).map(|i| cols.row(i)).collect();
                let mut results = router.route_rows(&rows, date, RouteOptions::FAST);
                // a value the table held but that could not be read fails its row
                for (k, r) in results.iter_mut().enumerate() {
                    if let Some(e) = cols.unreadable(from + k) {
                        *r = Err(BatchError::Row(e));
                    }
                }
                decisions_batch(&results, &rows, start + from)
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        batches.extend(out);
    }
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => decisions_batch(&[], &[], 0)?.schema(),
    };
    PyTable::try_new(batches, schema).map_err(Failure::Python)
}

/// [`route_table`] against a live ledger: every row read first, then routed with
/// [`Router::route_rows_reserving`] (which orders the places itself), one batch per input batch.
fn route_table_reserving(
    router: &Router,
    input: &PyTable,
    date: Option<NaiveDate>,
    ledger: &CapacityLedger,
) -> Result<PyTable, Failure> {
    let mut columns = Vec::new();
    let vocabulary = router.directory().vocabulary();
    for (start, batch) in table::batches(input) {
        columns.push((
            start,
            cases::Columns::of(batch, start, vocabulary)?,
            batch.num_rows(),
        ));
    }
    let rows: Vec<CaseRow<'_>> = columns
        .iter()
        .flat_map(|(_, cols, n)| (0..*n).map(|i| cols.row(i)))
        .collect();
    let mut results = router.route_rows_reserving(&rows, date, RouteOptions::FAST, ledger);
    let mut batches = Vec::new();
    let mut at = 0;
    for (start, cols, n) in &columns {
        for k in 0..*n {
            if let Some(e) = cols.unreadable(k) {
                results[at + k] = Err(BatchError::Row(e));
            }
        }
        batches.push(decisions_batch(
            &results[at..at + n],
            &rows[at..at + n],
            *start,
        )?);
        at += n;
    }
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => decisions_batch(&[], &[], 0)?.schema(),
    };
    PyTable::try_new(batches, schema).map_err(Failure::Python)
}

/// One decision row and, for a failed case, its error kind and message.
type Line<'a> = (DecisionRow<'a>, Option<(&'static str, String)>);

/// The rows of `results` (of the case rows `rows`, the first at 0-based table row `start`):
/// [`DECISION_COLUMNS`] and [`ERROR_COLUMNS`].
fn decisions_batch(
    results: &[Result<HouseholdDecision, BatchError>],
    rows: &[CaseRow<'_>],
    start: usize,
) -> Result<RecordBatch, Failure> {
    let mut lines: Vec<Line<'_>> = Vec::with_capacity(results.len() * 2);
    for (i, (r, row)) in results.iter().zip(rows).enumerate() {
        match r {
            Ok(d) => lines.extend(d.rows().map(|r| (r, None))),
            Err(e) => lines.push((
                DecisionRow::failed(row.id),
                Some((e.kind(), format!("row {}: {e}", start + i + 1))),
            )),
        }
    }
    let l = || lines.iter().map(|(r, _)| r);
    let e = || lines.iter().map(|(_, e)| e.as_ref());
    let cols: [ArrayRef; 14] = [
        texts(l().map(|r| Some(r.case).filter(|s| !s.is_empty()))),
        texts(l().map(|r| Some(r.need).filter(|s| !s.is_empty()))),
        flags(l().map(|r| r.primary)),
        texts(l().map(|r| Some(r.outcome))),
        texts(l().map(|r| r.service)),
        texts(l().map(|r| r.organisation)),
        texts(l().map(|r| r.rule)),
        texts(l().map(|r| r.layer)),
        texts(l().map(|r| r.gap_reason)),
        flags(l().map(|r| r.cannot_get_through)),
        texts(l().map(|r| r.coordinator)),
        texts(l().map(|r| r.first_contact)),
        texts(e().map(|e| e.map(|e| e.0))),
        texts(e().map(|e| e.map(|e| e.1.as_str()))),
    ];
    let names = DECISION_COLUMNS.iter().chain(ERROR_COLUMNS).copied();
    table::batch(names.zip(cols).collect())
}
