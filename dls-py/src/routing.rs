//! `Router` and `Decision`: routing one case from a dict, or a whole table of cases.

use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, StringBuilder};
use arrow_array::ArrayRef;
use chrono::NaiveDate;
use dls_core::routing::{HouseholdDecision, Outcome, RouteOptions, Router};
use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3_arrow::PyTable;

use crate::cases;
use crate::errors::{call, detached, Failure};
use crate::model::{to_python, PyDirectory, PyRuleSet};
use crate::table;

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
        return NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                Failure::bad_input(
                    format!(
                        "`{}` is not a date: use `YYYY-MM-DD`",
                        crate::events::clip(&s)
                    ),
                    Some("date"),
                )
            });
    }
    Err(Failure::bad_input(
        "a date must be a `datetime.date` or a `YYYY-MM-DD` string",
        Some("date"),
    ))
}

/// Routes cases with a validated rule set. Safe to share between threads; pickles.
#[pyclass(frozen, subclass, module = "dls._dls", name = "Router")]
pub struct PyRouter {
    inner: Router,
    rules: PyRuleSet,
}

#[pymethods]
impl PyRouter {
    /// `Router(rules)`, or `Router(directory, rules)` where `directory` is the one the rules
    /// were validated against.
    #[new]
    #[pyo3(signature = (*args))]
    fn new(py: Python<'_>, args: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let rules: PyRef<'_, PyRuleSet> = match args.len() {
            1 => args.get_item(0)?.extract()?,
            2 => {
                let dir: PyRef<'_, PyDirectory> = args.get_item(0)?.extract()?;
                let rules: PyRef<'_, PyRuleSet> = args.get_item(1)?.extract()?;
                let (d, r) = (dir.inner.clone(), rules.inner.clone());
                call(py, || {
                    if &d != r.directory() {
                        Err(Failure::bad_input(
                            "the rule set was validated against another directory",
                            Some("directory"),
                        ))
                    } else {
                        Ok(())
                    }
                })?;
                rules
            }
            n => {
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "Router takes (rules) or (directory, rules), not {n} arguments"
                )))
            }
        };
        let r = rules.inner.clone();
        let inner = detached(py, move || Ok(Router::new(&r)))?;
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
    /// `opened` date when `date` is None. `trace=False` leaves out the trace (faster).
    #[pyo3(signature = (case, date = None, trace = true))]
    fn route(
        &self,
        py: Python<'_>,
        case: &Bound<'_, PyAny>,
        date: Option<&Bound<'_, PyAny>>,
        trace: bool,
    ) -> PyResult<PyDecision> {
        call(py, || {
            let case = cases::from_dict(case)?;
            let date = dls_core::routing::date_for(&case, date_arg(date)?)?;
            let options = if trace {
                RouteOptions::TRACE
            } else {
                RouteOptions::FAST
            };
            let d = self.inner.route_with(&case, date, options)?;
            Ok(PyDecision { inner: Arc::new(d) })
        })
    }

    /// Routes every case of a table (one row per case) and returns an Arrow table with one row
    /// per need. Runs with the GIL released.
    #[pyo3(signature = (table, date = None))]
    fn _route_batch(
        &self,
        py: Python<'_>,
        table: &Bound<'_, PyAny>,
        date: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyTable> {
        let (input, date) = call(py, || Ok((table::read_table(table)?, date_arg(date)?)))?;
        let router = self.inner.clone();
        detached(py, move || route_table(&router, &input, date))
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

fn outcome_kind(o: &Outcome) -> &'static str {
    match o {
        Outcome::Service { .. } => "service",
        Outcome::Steunpilaar { .. } => "steunpilaar",
        Outcome::Escalation { .. } => "escalation",
        Outcome::Gap { .. } => "gap",
    }
}

fn gap_reason(o: &Outcome) -> Option<String> {
    match o {
        Outcome::Gap { reason } => match serde_json::to_value(reason) {
            Ok(serde_json::Value::String(s)) => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Rows per chunk: each chunk is converted, routed and written on its own, in parallel.
const CHUNK: usize = 8192;

/// Routes every row of `input`: the table is cut into chunks that are converted, routed (as
/// [`Router::route_batch`] does: on `date`, or each case's `opened` date, without trace) and
/// written in parallel; the result has one batch per chunk, in input order. The first error
/// in row order is returned.
fn route_table(
    router: &Router,
    input: &PyTable,
    date: Option<NaiveDate>,
) -> Result<PyTable, Failure> {
    use rayon::prelude::*;
    let mut batches = Vec::new();
    for (start, batch) in table::batches(input) {
        // Columns are converted once per input batch (a cast of a slice may copy the whole
        // buffer), then rows are read in parallel chunks.
        let cols = cases::Columns::of(batch)?;
        let ranges: Vec<(usize, usize)> = (0..batch.num_rows())
            .step_by(CHUNK)
            .map(|from| (from, CHUNK.min(batch.num_rows() - from)))
            .collect();
        let out = ranges
            .par_iter()
            .map(|&(from, len)| {
                let mut results = Vec::with_capacity(len);
                for i in from..from + len {
                    let case = cases::row_case(&cols, i, start + i + 1)?;
                    results.push(
                        dls_core::routing::date_for(&case, date)
                            .and_then(|d| router.route_with(&case, d, RouteOptions::FAST)),
                    );
                }
                decisions_batch(&results, start + from)
            })
            .collect::<Result<Vec<_>, Failure>>()?;
        batches.extend(out);
    }
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => decisions_batch(&[], 0)?.schema(),
    };
    PyTable::try_new(batches, schema).map_err(Failure::Python)
}

/// One row per need: the columns of `Router.route_batch`. `start` is the 0-based row of the
/// first result in the input table, for errors.
fn decisions_batch(
    results: &[Result<HouseholdDecision, dls_core::routing::RoutingError>],
    start: usize,
) -> Result<arrow_array::RecordBatch, Failure> {
    let n: usize = results
        .iter()
        .map(|r| r.as_ref().map_or(1, |d| d.needs.len()))
        .sum();
    let mut case = StringBuilder::with_capacity(n, n * 16);
    let mut need = StringBuilder::with_capacity(n, n * 24);
    let mut primary = BooleanBuilder::with_capacity(n);
    let mut outcome = StringBuilder::with_capacity(n, n * 8);
    let mut service = StringBuilder::with_capacity(n, n * 16);
    let mut organisation = StringBuilder::with_capacity(n, n * 16);
    let mut rule = StringBuilder::with_capacity(n, n * 16);
    let mut layer = StringBuilder::with_capacity(n, n * 8);
    let mut gap = StringBuilder::with_capacity(n, n * 8);
    let mut cannot = BooleanBuilder::with_capacity(n);
    let mut coordinator = StringBuilder::with_capacity(n, n * 16);
    let mut first_contact = StringBuilder::with_capacity(n, n * 16);
    for (i, r) in results.iter().enumerate() {
        let d = r.as_ref().map_err(|e| {
            let row = start + i + 1;
            Failure::Routing {
                message: format!("row {row}: {e}"),
                row: Some(row),
            }
        })?;
        let coord = d
            .coordinator
            .as_ref()
            .map(|c| c.contact.organisation.as_str());
        let first = d.plan.first_contact.as_ref().map(|c| c.service.as_str());
        for nd in &d.needs {
            case.append_value(d.case.as_str());
            need.append_value(nd.need.as_str());
            primary.append_value(nd.primary);
            outcome.append_value(outcome_kind(&nd.outcome));
            service.append_option(nd.outcome.service().map(|s| s.as_str()));
            organisation.append_option(nd.outcome.organisation().map(|s| s.as_str()));
            rule.append_option(nd.rule.as_ref().map(|r| r.as_str()));
            layer.append_option(nd.layer.map(|l| l.to_string()));
            gap.append_option(gap_reason(&nd.outcome));
            cannot.append_value(nd.cannot_get_through);
            coordinator.append_option(coord);
            first_contact.append_option(first);
        }
    }
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("case", Arc::new(case.finish())),
        ("need", Arc::new(need.finish())),
        ("primary", Arc::new(primary.finish())),
        ("outcome", Arc::new(outcome.finish())),
        ("service", Arc::new(service.finish())),
        ("organisation", Arc::new(organisation.finish())),
        ("rule", Arc::new(rule.finish())),
        ("layer", Arc::new(layer.finish())),
        ("gap_reason", Arc::new(gap.finish())),
        ("cannot_get_through", Arc::new(cannot.finish())),
        ("coordinator", Arc::new(coordinator.finish())),
        ("first_contact", Arc::new(first_contact.finish())),
    ];
    table::batch(cols)
}

/// The decision for one household: per need an outcome, one coordinator, a trace.
#[pyclass(frozen, module = "dls._dls", name = "Decision")]
pub struct PyDecision {
    inner: Arc<HouseholdDecision>,
}

#[pymethods]
impl PyDecision {
    /// The case id.
    #[getter]
    fn case(&self) -> &str {
        self.inner.case.as_str()
    }

    /// The kern of the case.
    #[getter]
    fn kern(&self) -> &str {
        self.inner.kern.as_str()
    }

    /// The routing date.
    #[getter]
    fn date(&self) -> NaiveDate {
        self.inner.date
    }

    /// The coordinator (regisseur) when two or more organisations are involved:
    /// `{"service", "organisation", "basis"}`, else None.
    #[getter]
    fn coordinator<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.coordinator)
    }

    /// The service of the household's single first point of contact, if any.
    #[getter]
    fn first_contact(&self) -> Option<&str> {
        self.inner
            .plan
            .first_contact
            .as_ref()
            .map(|c| c.service.as_str())
    }

    /// Per need, primary first: `{"need", "primary", "outcome", "rule", "layer", ...}`.
    #[getter]
    fn needs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner.needs)
    }

    /// The primary need's decision.
    #[getter]
    fn primary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, self.inner.primary())
    }

    /// The service chosen for the primary need, None for a gap.
    #[getter]
    fn service(&self) -> Option<&str> {
        self.inner.primary().outcome.service().map(|s| s.as_str())
    }

    /// Per need, the trace: every candidate rule, its verdict, and the fallback.
    #[getter]
    fn trace<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let traces: Vec<_> = self
            .inner
            .needs
            .iter()
            .map(|n| (n.need.as_str(), &n.trace))
            .collect();
        let d = pyo3::types::PyDict::new(py);
        for (need, t) in traces {
            d.set_item(need, to_python(py, t)?)?;
        }
        Ok(d.into_any())
    }

    /// The whole decision as plain data (the JSON form).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &*self.inner)
    }

    /// The decision explained in a few lines of text.
    fn explain(&self) -> String {
        self.inner.explain()
    }

    fn __str__(&self) -> String {
        self.inner.explain()
    }

    fn __repr__(&self) -> String {
        let py_str = |s: Option<&str>| s.map_or_else(|| "None".to_string(), |s| format!("'{s}'"));
        format!(
            "Decision(case='{}', service={}, coordinator={})",
            self.inner.case,
            py_str(self.inner.primary().outcome.service().map(|s| s.as_str())),
            py_str(
                self.inner
                    .coordinator
                    .as_ref()
                    .map(|c| c.contact.organisation.as_str())
            )
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .extract::<PyRef<'_, PyDecision>>()
            .map(|o| *o.inner == *self.inner)
            .unwrap_or(false)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let json = serde_json::to_string(&*self.inner)
            .map_err(|e| crate::errors::to_py_err(py, Failure::Internal(e.to_string())))?;
        Ok((py.get_type::<PyDecision>().getattr("_from_json")?, (json,)))
    }

    #[staticmethod]
    fn _from_json(py: Python<'_>, json: &str) -> PyResult<PyDecision> {
        call(py, || {
            let d: HouseholdDecision = serde_json::from_str(json)
                .map_err(|e| Failure::bad_input(format!("not a decision: {e}"), None))?;
            Ok(PyDecision { inner: Arc::new(d) })
        })
    }
}
