//! Evaluation from Python: event logs (a CSV or JSON-lines file, an Arrow table, or a list of
//! dicts) in; per-case metrics, disclosure-controlled aggregates, frequent problems, the
//! pilot-versus-baseline comparison and a mergeable, picklable state out.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::ArrayRef;
use chrono::{DateTime, Utc};
use dls_core::evaluation::columns::{COUNT_COLUMNS, NUMBER_COLUMNS};
use dls_core::evaluation::{
    self, CompareOptions, Comparison, Dim, Disclosure, EvalError, EvalOptions, EvalState, Ingested,
    LogMapping, Selection, Summary,
};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use pyo3_arrow::PyTable;

use crate::errors::{call, detached, Failure};
use crate::model::{to_python, PyDirectory};
use crate::table;

impl From<EvalError> for Failure {
    fn from(e: EvalError) -> Self {
        match &e {
            EvalError::UnknownDimension { .. } => Failure::bad_input(e.to_string(), Some("by")),
            EvalError::UnknownDisclosure => Failure::bad_input(e.to_string(), Some("disclosure")),
            EvalError::InvalidOption { option, .. } => {
                Failure::bad_input(e.to_string(), Some(option))
            }
            EvalError::NoMatch { filter, .. } => Failure::bad_input(e.to_string(), Some(filter)),
            EvalError::MissingColumn { column } => {
                let column = column.clone();
                Failure::bad_input(e.to_string(), Some(&column))
            }
            EvalError::UnknownFormat { .. } => Failure::bad_input(e.to_string(), Some("events")),
            EvalError::ColumnNotFound { field, .. } => {
                Failure::bad_input(e.to_string(), Some(field))
            }
            EvalError::Mapping { .. } => Failure::bad_input(e.to_string(), Some("mapping")),
            EvalError::InvalidLegal { .. } => Failure::bad_input(e.to_string(), Some("legal")),
            EvalError::ColumnType { column, .. } => {
                let column = column.clone();
                Failure::bad_input(e.to_string(), Some(&column))
            }
            EvalError::Malformed { .. } => Failure::bad_input(e.to_string(), Some("events")),
            EvalError::State(_) => Failure::bad_input(e.to_string(), Some("data")),
            _ => Failure::Evaluation(e.to_string()),
        }
    }
}

/// Reads an Arrow event table through the core (column by column, no text written): every row
/// is checked and accounted for exactly as in a file; rejected rows keep the table's 1-based row
/// number.
fn ingest_table(t: &PyTable, mapping: &LogMapping) -> Result<Ingested, Failure> {
    Ok(evaluation::ingest_arrow(t.batches(), mapping)?)
}

fn ingest_path(path: PathBuf, mapping: Option<&LogMapping>) -> Result<Ingested, Failure> {
    let format = evaluation::LogFormat::of_path(&path)?;
    let name = path.display().to_string();
    let file = std::fs::File::open(&path)
        .map_err(|e| Failure::Core(dls_core::source::io_error(&name, &e).into()))?;
    Ok(format.ingest_file(file, mapping)?)
}

/// Events from a list of dicts (the JSON form of an event).
pub(crate) fn event_dicts(list: &Bound<'_, PyList>) -> Result<Vec<dls_core::Event>, Failure> {
    list.iter()
        .enumerate()
        .map(|(i, d)| {
            crate::cases::from_python(&d).map_err(|e| match e {
                Failure::BadInput { message, .. } => {
                    Failure::bad_row(format!("event {}: {message}", i + 1), i + 1, "event")
                }
                other => other,
            })
        })
        .collect()
}

/// The wire name of a core enum (its serde name).
fn name_of<T: serde::Serialize>(v: &T) -> Option<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Event input, read while the GIL is held (cheap), ingested later without it.
pub enum Events {
    /// A file.
    Path(PathBuf),
    /// An Arrow table.
    Table(PyTable),
    /// Core events.
    List(Vec<dls_core::Event>),
}

impl Events {
    /// Sorts out what `obj` is: a path, a table (a polars LazyFrame collected first), or a
    /// list of event dicts.
    pub fn extract(obj: &Bound<'_, PyAny>) -> Result<Events, Failure> {
        if let Ok(p) = obj.extract::<PathBuf>() {
            return Ok(Events::Path(p));
        }
        if let Ok(list) = obj.cast::<PyList>() {
            return Ok(Events::List(event_dicts(list)?));
        }
        // a polars LazyFrame (no Arrow stream of its own): polars runs the query, the frame
        // it gives is read like any other
        if !obj.hasattr("__arrow_c_stream__")? && obj.get_type().name()?.to_cow()? == "LazyFrame" {
            return Ok(Events::Table(table::read_table(
                &obj.call_method0("collect")?,
            )?));
        }
        Ok(Events::Table(table::read_table(obj)?))
    }

    /// Reads and checks the events (a file or table through `mapping`, else the format's
    /// default: dls's own, XES conventions for `.xes`; a list of event dicts is in dls's
    /// vocabulary already).
    pub fn ingest(self, mapping: Option<&LogMapping>) -> Result<Ingested, Failure> {
        match self {
            Events::Path(p) => ingest_path(p, mapping),
            Events::Table(t) => ingest_table(&t, mapping.unwrap_or(&LogMapping::dls())),
            Events::List(events) => Ok(evaluation::ingest_events(&events)),
        }
    }
}

/// The core's disclosure switch: `"publish"` (the default: suppression and rounding),
/// `"publish:SECRET"` (the same under the publisher's own key), `"raw"` (internal use only);
/// or the settings as a dict `{"min_cases", "round_to", "secondary", "key", …}`.
pub fn disclosure_arg(obj: Option<&Bound<'_, PyAny>>) -> Result<Disclosure, Failure> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Disclosure::default());
    };
    if let Ok(s) = obj.extract::<String>() {
        return Ok(s.parse::<Disclosure>()?);
    }
    crate::cases::from_python::<Disclosure>(obj).map_err(|e| match e {
        Failure::BadInput { message, .. } => {
            Failure::bad_input(format!("bad disclosure: {message}"), Some("disclosure"))
        }
        other => other,
    })
}

/// Dimensions with no log to check them against (an empty state): a built-in name, else an
/// extra dimension of that name.
fn dims(by: &[String]) -> Result<Vec<Dim>, Failure> {
    by.iter()
        .map(|s| match s.trim() {
            "" => Err(EvalError::UnknownDimension {
                available: Dim::builtin_names(),
            }
            .into()),
            s => Ok(Dim::named(s)),
        })
        .collect()
}

fn options(
    directory: Option<&PyDirectory>,
    as_of: Option<DateTime<Utc>>,
    disclosure: Disclosure,
) -> Result<EvalOptions, Failure> {
    // The dimensions are checked against the log once it is read (see `grouped`).
    Ok(EvalOptions {
        directory: directory.map(|d| d.inner.clone()),
        as_of,
        group_by: Vec::new(),
        disclosure,
        ..EvalOptions::default()
    })
}

/// `opts` grouped by the dimensions named `by`, as the log `ing` has them (the built-in ones
/// and the mapping's extra columns); an unknown name is a `BadInputError` listing them.
fn grouped(mut opts: EvalOptions, by: &[String], ing: &Ingested) -> Result<EvalOptions, Failure> {
    opts.group_by = ing.log.group_by(by)?;
    Ok(opts)
}

/// A named column and how to read its text from a `T`.
type TextOf<T> = (&'static str, fn(&T) -> &Option<Arc<str>>);

/// A named column and how to read its value from a `T`.
type ValueOf<T, V> = (&'static str, fn(&T) -> V);

/// Per-case metrics, then one column per extra dimension of the log (`log` is the log the
/// metrics were computed from: its cases are in the order of `cases`).
fn per_case_table(
    cases: &[evaluation::CaseMetrics],
    log: &evaluation::EventLog,
) -> Result<PyTable, Failure> {
    let m = || cases.iter();
    let texts: [TextOf<evaluation::CaseMetrics>; 7] = [
        ("kern", |m| &m.kern),
        ("municipality", |m| &m.municipality),
        ("region", |m| &m.region),
        ("domain", |m| &m.domain),
        ("phase", |m| &m.phase),
        ("need", |m| &m.need),
        ("organisation", |m| &m.organisation),
    ];
    let counts: [ValueOf<evaluation::CaseMetrics, u32>; 5] = [
        ("handoffs", |m| m.handoffs),
        ("bounces", |m| m.bounces),
        ("loops", |m| m.loops),
        ("organisations", |m| m.organisations),
        ("escalations", |m| m.escalations),
    ];
    let mut cols = vec![("case", table::texts(m().map(|m| Some(m.case.as_str()))))];
    cols.extend(texts.map(|(n, f)| (n, table::texts(m().map(|m| f(m).as_deref())))));
    let opened = m().map(|m| Some(m.opened.timestamp_micros()));
    cols.push(("opened", table::instant_column(opened)));
    cols.push((
        "first_contact_days",
        table::numbers(m().map(|m| m.first_contact_days())),
    ));
    cols.push((
        "right_place_days",
        table::numbers(m().map(|m| m.right_place_days())),
    ));
    cols.push((
        "reached_right_place",
        table::flags(m().map(|m| m.right_place_micros.is_some())),
    ));
    cols.extend(counts.map(|(n, f)| (n, table::counts(m().map(|m| Some(u64::from(f(m))))))));
    cols.push(("resolved", table::flags(m().map(|m| m.resolved))));
    cols.push(("reopened", table::flags(m().map(|m| m.reopened))));
    let extra: Vec<(String, Vec<Option<&str>>)> = log
        .dimensions()
        .into_iter()
        .filter_map(|d| match d {
            Dim::Extra(name) => {
                let values = log.extra_values(&name);
                Some((name, values))
            }
            _ => None,
        })
        .collect();
    for (name, values) in &extra {
        cols.push((name.as_str(), table::texts(values.iter().copied())));
    }
    // one row per case: raw by nature, said in the schema's metadata
    table::marked(cols, &Disclosure::raw(), false)
}

/// The aggregate table: one column per dimension, `suppressed`, then the figures of the core's
/// [`COUNT_COLUMNS`] and [`NUMBER_COLUMNS`] (null where suppressed).
fn aggregates_table(s: &Summary) -> Result<PyTable, Failure> {
    let t = &s.aggregates;
    let r = || t.rows.iter();
    let f = || r().map(|r| r.figures.as_ref());
    let mut cols: Vec<(&str, ArrayRef)> = t
        .group_by
        .iter()
        .enumerate()
        .map(|(k, d)| (d.as_str(), table::texts(r().map(|r| r.key[k].as_deref()))))
        .collect();
    let suppressed: Vec<Option<String>> = r()
        .map(|r| r.suppressed.as_ref().and_then(name_of))
        .collect();
    cols.push((
        "suppressed",
        table::texts(suppressed.iter().map(|s| s.as_deref())),
    ));
    cols.extend(COUNT_COLUMNS.map(|(n, g)| (n, table::counts(f().map(|f| f.map(g))))));
    cols.extend(NUMBER_COLUMNS.map(|(n, g)| (n, table::numbers(f().map(|f| f.and_then(g))))));
    table::marked(cols, &t.disclosure, true)
}

/// The comparison table, marked with `disclosure` (what it was made under).
fn comparison_table(cs: &[Comparison], disclosure: &Disclosure) -> Result<PyTable, Failure> {
    let c = || cs.iter();
    let metric: Vec<Option<String>> = c().map(|c| name_of(&c.metric)).collect();
    let columns = vec![
        ("metric", table::texts(metric.iter().map(|m| m.as_deref()))),
        ("a_cases", table::counts(c().map(|c| Some(c.a.cases)))),
        ("a_value", table::numbers(c().map(|c| c.a.value))),
        ("b_cases", table::counts(c().map(|c| Some(c.b.cases)))),
        ("b_value", table::numbers(c().map(|c| c.b.value))),
        ("difference", table::numbers(c().map(|c| c.difference))),
        ("ci_low", table::numbers(c().map(|c| c.ci_low))),
        ("ci_high", table::numbers(c().map(|c| c.ci_high))),
        ("suppressed", table::flags(c().map(|c| c.suppressed))),
    ];
    table::marked(columns, disclosure, true)
}

fn rejected_table(ing: &Ingested) -> Result<PyTable, Failure> {
    let r = || ing.rejected.iter();
    table::table(vec![
        ("row", table::counts(r().map(|r| Some(r.row)))),
        ("reason", table::texts(r().map(|r| Some(r.reason.as_str())))),
        ("field", table::texts(r().map(|r| r.field.as_deref()))),
    ])
}

fn warnings_table(ing: &Ingested) -> Result<PyTable, Failure> {
    let w = || ing.warnings.iter();
    table::table(vec![
        ("row", table::counts(w().map(|w| Some(w.row)))),
        ("kind", table::texts(w().map(|w| Some(w.kind.as_str())))),
        (
            "reason",
            table::texts(w().map(|w| w.reason.map(|r| r.as_str()))),
        ),
        ("field", table::texts(w().map(|w| w.field.as_deref()))),
    ])
}

fn tables(py: Python<'_>) -> PyResult<Bound<'_, PyModule>> {
    py.import("dls._tables")
}

/// `t` as the table kind `output` (`"auto"`: `kind`).
fn convert<'py>(
    py: Python<'py>,
    t: PyTable,
    kind: &str,
    output: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let output = if output == "auto" { kind } else { output };
    tables(py)?.call_method1("convert", (t, py.None(), output))
}

/// The mergeable state of an evaluation: counts and the ended durations per group (exact
/// quantiles). Merge the states of partitions (any order) and finish once; pickles, so it
/// travels between workers. Bytes read back are checked: a state that is not consistent is a
/// `BadInputError`.
#[pyclass(
    frozen,
    skip_from_py_object,
    module = "dls._dls",
    name = "EvaluationState"
)]
#[derive(Clone)]
pub struct PyEvalState {
    inner: Arc<EvalState>,
}

#[pymethods]
impl PyEvalState {
    /// Evaluates `events` into a state grouped `by` dimensions, without per-case metrics.
    #[staticmethod]
    #[pyo3(signature = (events, by = vec!["kern".to_string(), "month".to_string()], directory = None, as_of = None, mapping = None))]
    fn from_events(
        py: Python<'_>,
        events: &Bound<'_, PyAny>,
        by: Vec<String>,
        directory: Option<PyRef<'_, PyDirectory>>,
        as_of: Option<DateTime<Utc>>,
        mapping: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let events = call(py, || Events::extract(events))?;
        let mapping = call(py, || crate::mapping::mapping_arg(mapping))?;
        let opts = call(py, || {
            options(directory.as_deref(), as_of, Disclosure::default())
        })?;
        detached(py, move || {
            let ing = events.ingest(mapping.as_ref())?;
            let opts = grouped(opts, &by, &ing)?;
            Ok(PyEvalState {
                inner: Arc::new(evaluation::evaluate_state(&ing.log, &opts)),
            })
        })
    }

    /// An empty state grouped `by` dimensions (the identity of `merge`).
    #[staticmethod]
    #[pyo3(signature = (by = vec!["kern".to_string(), "month".to_string()]))]
    fn empty(py: Python<'_>, by: Vec<String>) -> PyResult<Self> {
        call(py, || {
            Ok(PyEvalState {
                inner: Arc::new(EvalState::new(dims(&by)?)),
            })
        })
    }

    /// This state merged with others (a new state; the inputs are unchanged).
    #[pyo3(signature = (*others))]
    fn merge(&self, py: Python<'_>, others: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let mut states = Vec::with_capacity(others.len());
        for o in others.iter() {
            if let Ok(list) = o.extract::<Vec<PyRef<'_, PyEvalState>>>() {
                states.extend(list.iter().map(|s| s.inner.clone()));
            } else {
                states.push(o.extract::<PyRef<'_, PyEvalState>>()?.inner.clone());
            }
        }
        let mine = self.inner.clone();
        detached(py, move || {
            let mut s = (*mine).clone();
            for o in &states {
                s.merge(o)?;
            }
            Ok(PyEvalState { inner: Arc::new(s) })
        })
    }

    /// The dimensions of the aggregates.
    #[getter]
    fn by(&self) -> Vec<&str> {
        self.inner.group_by.iter().map(|d| d.as_str()).collect()
    }

    /// Cases counted (not rounded: this is the internal state).
    #[getter]
    fn cases(&self) -> u64 {
        self.inner.cases
    }

    /// Events counted.
    #[getter]
    fn events(&self) -> u64 {
        self.inner.events
    }

    /// The aggregate table under `disclosure` (published figures by default), as a
    /// `"pyarrow"` Table (default) or a `"polars"` or `"pandas"` DataFrame. Its last column,
    /// `disclosure`, says what it was made under in every row (`raw`: internal use only;
    /// `publish`; `custom`), as do the schema's metadata (`dls.disclosure`,
    /// `dls.disclosure_settings`) and a pandas frame's `attrs`.
    #[pyo3(signature = (disclosure = None, output = "pyarrow"))]
    fn aggregates<'py>(
        &self,
        py: Python<'py>,
        disclosure: Option<&Bound<'py, PyAny>>,
        output: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let d = call(py, || disclosure_arg(disclosure))?;
        let s = self.inner.clone();
        let t = detached(py, move || aggregates_table(&s.finish(&d)))?;
        convert(py, t, "pyarrow", output)
    }

    /// Everything the state reports under `disclosure`: totals, aggregates, frequent problems.
    #[pyo3(signature = (disclosure = None))]
    fn summary<'py>(
        &self,
        py: Python<'py>,
        disclosure: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let d = call(py, || disclosure_arg(disclosure))?;
        to_python(py, &self.inner.finish(&d))
    }

    /// The state as JSON bytes (what pickling uses).
    fn to_bytes(&self, py: Python<'_>) -> PyResult<Vec<u8>> {
        let s = self.inner.clone();
        detached(py, move || Ok(s.to_json()))
    }

    /// A state from [`to_bytes`](Self::to_bytes).
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: Vec<u8>) -> PyResult<Self> {
        detached(py, move || {
            let s = EvalState::from_json(&data).map_err(EvalError::from)?;
            Ok(PyEvalState { inner: Arc::new(s) })
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .extract::<PyRef<'_, PyEvalState>>()
            .map(|o| *o.inner == *self.inner)
            .unwrap_or(false)
    }

    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, pyo3::types::PyBytes>,))> {
        let bytes = self.to_bytes(py)?;
        Ok((
            py.get_type::<PyEvalState>().getattr("from_bytes")?,
            (pyo3::types::PyBytes::new(py, &bytes),),
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "EvaluationState(by={:?}, cases={}, events={})",
            self.by(),
            self.inner.cases,
            self.inner.events
        )
    }
}

/// The result of evaluating one event log.
#[pyclass(frozen, module = "dls._dls", name = "Evaluation")]
pub struct PyEvaluation {
    kind: String,
    per_case: Arc<Vec<evaluation::CaseMetrics>>,
    summary: Arc<Summary>,
    state: PyEvalState,
    ingested: Arc<Ingested>,
    opts: Arc<EvalOptions>,
    /// Computed when first asked for (`deadlines`, `uncovered_years`), from `per_case` and
    /// `opts`.
    deadlines: std::sync::OnceLock<Arc<evaluation::Deadlines>>,
}

impl PyEvaluation {
    /// The legal deadlines of the evaluation, computed on first use.
    fn deadline_rows(&self) -> Arc<evaluation::Deadlines> {
        self.deadlines
            .get_or_init(|| {
                Arc::new(evaluation::deadlines(
                    &self.per_case,
                    &self.opts.legal,
                    self.opts.as_of,
                ))
            })
            .clone()
    }
}

#[pymethods]
impl PyEvaluation {
    /// Evaluates `events` (a `.csv` or `.jsonl` path, an Arrow table, or a list of event dicts):
    /// per-case metrics, aggregates grouped `by` dimensions under `disclosure`, frequent
    /// problems. Runs with the GIL released.
    #[new]
    #[pyo3(signature = (events, by = vec!["kern".to_string(), "month".to_string()], directory = None, as_of = None, disclosure = None, strict = false, mapping = None, legal = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        events: &Bound<'_, PyAny>,
        by: Vec<String>,
        directory: Option<PyRef<'_, PyDirectory>>,
        as_of: Option<DateTime<Utc>>,
        disclosure: Option<&Bound<'_, PyAny>>,
        strict: bool,
        mapping: Option<&Bound<'_, PyAny>>,
        legal: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let kind = tables(py)?
            .call_method1("kind_of", (events,))?
            .extract::<String>()?;
        let kind = if events.extract::<PathBuf>().is_ok() || events.cast::<PyList>().is_ok() {
            "pyarrow".to_string()
        } else {
            kind
        };
        let events = call(py, || Events::extract(events))?;
        let mapping = call(py, || crate::mapping::mapping_arg(mapping))?;
        let opts = call(py, || {
            Ok(EvalOptions {
                legal: crate::deadlines::legal_arg(legal)?,
                ..options(directory.as_deref(), as_of, disclosure_arg(disclosure)?)?
            })
        })?;
        detached(py, move || {
            let ing = events.ingest(mapping.as_ref())?;
            // Strict: events that break the referral life cycle are rejected, not used.
            let ing = if strict { ing.strict() } else { ing };
            let opts = grouped(opts, &by, &ing)?;
            let ev = evaluation::evaluate(&ing.log, &opts);
            let opts = Arc::new(opts);
            Ok(PyEvaluation {
                opts,
                deadlines: std::sync::OnceLock::new(),
                kind,
                per_case: Arc::new(ev.per_case),
                summary: Arc::new(ev.summary),
                state: PyEvalState {
                    inner: Arc::new(ev.state),
                },
                ingested: Arc::new(ing),
            })
        })
    }

    /// Per-case metrics, one row per case (internal use: not disclosure-controlled, and
    /// marked `dls.disclosure = raw` in the schema's metadata and a pandas frame's `attrs`). A
    /// duration that never ended is null (open), never zero. `output`: `"auto"` (the kind of
    /// the input table; pyarrow for files and lists), `"pyarrow"`, `"polars"` or `"pandas"`.
    #[pyo3(signature = (output = "auto"))]
    fn per_case<'py>(&self, py: Python<'py>, output: &str) -> PyResult<Bound<'py, PyAny>> {
        let (m, i) = (self.per_case.clone(), self.ingested.clone());
        let t = detached(py, move || per_case_table(&m, &i.log))?;
        convert(py, t, &self.kind, output)
    }

    /// Aggregates under the disclosure control given when evaluating: one row per group,
    /// figures null where suppressed; the last column, `disclosure`, says in every row what
    /// the table was made under (`raw`: internal use only; `publish`; `custom`).
    #[pyo3(signature = (output = "auto"))]
    fn aggregates<'py>(&self, py: Python<'py>, output: &str) -> PyResult<Bound<'py, PyAny>> {
        let s = self.summary.clone();
        let t = detached(py, move || aggregates_table(&s))?;
        convert(py, t, &self.kind, output)
    }

    /// Rows of the input that were not used: `row` (1-based), `reason`, `field`.
    #[pyo3(signature = (output = "auto"))]
    fn rejected<'py>(&self, py: Python<'py>, output: &str) -> PyResult<Bound<'py, PyAny>> {
        let i = self.ingested.clone();
        let t = detached(py, move || rejected_table(&i))?;
        convert(py, t, &self.kind, output)
    }

    /// Rows used with a warning: `row`, `kind` (`field_cleared`, `started_without_opened`),
    /// `reason` (why a field was cleared), `field`.
    #[pyo3(signature = (output = "auto"))]
    fn warnings<'py>(&self, py: Python<'py>, output: &str) -> PyResult<Bound<'py, PyAny>> {
        let i = self.ingested.clone();
        let t = detached(py, move || warnings_table(&i))?;
        convert(py, t, &self.kind, output)
    }

    /// Legal deadlines, one row per clock of a case: `case`, `clock`, `start`, `due`, `stopped`
    /// (local dates), `status` (`met`, `missed`, `running`, `overdue`), `days_over`.
    /// `overdue=True`: the overdue clocks only.
    #[pyo3(signature = (overdue = false, output = "auto"))]
    fn deadlines<'py>(
        &self,
        py: Python<'py>,
        overdue: bool,
        output: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let t = detached(py, || {
            let d = self.deadline_rows();
            if overdue {
                crate::deadlines::deadlines_table(d.overdue().collect::<Vec<_>>().into_iter())
            } else {
                crate::deadlines::deadlines_table(d.rows.iter())
            }
        })?;
        convert(py, t, &self.kind, output)
    }

    /// Years a deadline falls in that the holiday calendar's equated days do not cover.
    #[getter]
    fn uncovered_years(&self, py: Python<'_>) -> PyResult<Vec<i32>> {
        detached(py, || Ok(self.deadline_rows().uncovered_years.clone()))
    }

    /// Activity names of the log that map to no dls activity, with their number of rows.
    #[getter]
    fn unmapped_activities(&self) -> std::collections::BTreeMap<String, u64> {
        self.ingested.unmapped_activities.clone()
    }

    /// The log's columns that no field reads.
    #[getter]
    fn ignored_columns(&self) -> Vec<String> {
        self.ingested.ignored_columns.clone()
    }

    /// Compares selection `a` with selection `b` (dicts with `from`, `until`, `kernen`,
    /// `phase`) on every metric, with bootstrap confidence intervals.
    /// Published (suppressed) by default: `disclosure` as for evaluating; the last column,
    /// `disclosure`, says which (`raw`, `publish`, `custom`).
    #[pyo3(signature = (a, b, iterations = None, confidence = None, seed = 0x5EED, disclosure = None, output = "auto"))]
    #[allow(clippy::too_many_arguments)]
    fn compare<'py>(
        &self,
        py: Python<'py>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
        iterations: Option<&Bound<'py, PyAny>>,
        confidence: Option<&Bound<'py, PyAny>>,
        seed: u64,
        disclosure: Option<&Bound<'py, PyAny>>,
        output: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sel = |o: &Bound<'_, PyAny>, name: &str| -> Result<Selection, Failure> {
            crate::cases::from_python::<Selection>(o).map_err(|e| match e {
                Failure::BadInput { message, .. } => {
                    Failure::bad_input(format!("bad selection `{name}`: {message}"), Some(name))
                }
                other => other,
            })
        };
        let opts = call(py, || {
            // checked here, not by Python's integer conversion: every bad value is a
            // `BadInputError`, never an OverflowError
            let defaults = CompareOptions::default();
            let iterations = iterations
                .map_or(Some(defaults.iterations), |i| {
                    i.extract::<i64>().ok().and_then(|n| u32::try_from(n).ok())
                })
                .ok_or(EvalError::InvalidOption {
                    option: "iterations",
                    reason: "must be from 0 to 100000",
                })?;
            let confidence = confidence
                .map_or(Ok(defaults.confidence), |c| c.extract::<f64>())
                .map_err(|_| EvalError::InvalidOption {
                    option: "confidence",
                    reason: "must be a number strictly between 0 and 1",
                })?;
            let opts = CompareOptions {
                iterations,
                confidence,
                seed,
                disclosure: disclosure_arg(disclosure)?,
            };
            opts.check()?;
            Ok(opts)
        })?;
        let (a, b) = call(py, || Ok((sel(a, "a")?, sel(b, "b")?)))?;
        let m = self.per_case.clone();
        let t = detached(py, move || {
            comparison_table(
                &evaluation::compare_checked(&m, &a, &b, &opts)?,
                &opts.disclosure,
            )
        })?;
        convert(py, t, &self.kind, output)
    }

    /// Writes the pilot report to `path`: one self-contained HTML page (no JavaScript,
    /// printable) with per phase and per kern and phase the time to first contact and to the
    /// right place, handoffs, bounces and legal deadlines, `pilot` against `baseline` (phases)
    /// with intervals and which side is better, the gaps and overlaps of `rules` on `date`
    /// (both or neither), frequent problems and charts. Every figure is published (suppressed
    /// and rounded), whatever `disclosure` this evaluation used. Runs with the GIL released.
    #[pyo3(signature = (path, rules = None, date = None, title = "Pilot report".to_string(), pilot = "pilot".to_string(), baseline = "baseline".to_string(), compare = true))]
    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        py: Python<'_>,
        path: PathBuf,
        rules: Option<PyRef<'_, crate::model::PyRuleSet>>,
        date: Option<&Bound<'_, PyAny>>,
        title: String,
        pilot: String,
        baseline: String,
        compare: bool,
    ) -> PyResult<()> {
        let date = call(py, || crate::routing::date_arg(date))?;
        let args = crate::report::ReportArgs {
            path,
            rules: rules.map(|r| r.inner.clone()),
            date,
            title,
            pilot,
            baseline,
            compare,
        };
        let (ing, opts) = (self.ingested.clone(), self.opts.clone());
        detached(py, move || crate::report::write(&ing.log, &opts, args))
    }

    /// Totals, aggregates and frequent problems as plain data.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &*self.summary)
    }

    /// Frequent problems: bounce paths, rejection reasons, waits per organisation.
    #[getter]
    fn problems<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.summary.problems)
    }

    /// The mergeable state behind the aggregates.
    #[getter]
    fn state(&self) -> PyEvalState {
        self.state.clone()
    }

    /// Input rows read.
    #[getter]
    fn rows_read(&self) -> u64 {
        self.ingested.rows_read
    }

    /// Input rows used.
    #[getter]
    fn rows_used(&self) -> u64 {
        self.ingested.rows_used
    }

    /// Events that break the referral life cycle, in row order: dicts with `row`, `activity`,
    /// `breach` (`no_referral`, `transition`, `still_open`, `after_closed`, `not_closed`) and,
    /// for a transition, `from` and `to`. With `strict=True` they are also rejected rows.
    #[getter]
    fn anomalies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.ingested.anomalies)
    }

    fn __repr__(&self) -> String {
        format!(
            "Evaluation({} cases, {} rows used of {})",
            self.per_case.len(),
            self.ingested.rows_used,
            self.ingested.rows_read
        )
    }
}
