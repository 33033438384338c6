//! The one place where failures of the core become Python exceptions, and the guard that turns
//! a panic into an exception instead of letting it cross into Python.
//!
//! The exception classes live in the pure-Python module `dls.errors`, so they pickle and carry
//! their fields as plain attributes.

use std::panic::{catch_unwind, AssertUnwindSafe};

use dls_core::validation::{Location, Problem, ValidationReport};
use dls_core::ParseError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList};

/// Anything that can go wrong in a binding call.
#[derive(Debug)]
pub enum Failure {
    /// An error of the core.
    Core(dls_core::Error),
    /// Input the binding could not convert (a bad value in a dict or a table).
    BadInput {
        /// What is wrong.
        message: String,
        /// The 1-based row, for tabular input.
        row: Option<usize>,
        /// The field or column.
        field: Option<String>,
    },
    /// A failure while evaluating.
    Evaluation(String),
    /// A panic caught at the boundary.
    Internal(String),
    /// A Python exception that is already set up (e.g. from converting an argument).
    Python(PyErr),
}

impl Failure {
    /// Bad input without a row.
    pub fn bad_input(message: impl Into<String>, field: Option<&str>) -> Failure {
        Failure::BadInput {
            message: message.into(),
            row: None,
            field: field.map(str::to_string),
        }
    }

    /// Bad input at a 1-based row of a table.
    pub fn bad_row(message: impl Into<String>, row: usize, field: &str) -> Failure {
        Failure::BadInput {
            message: message.into(),
            row: Some(row),
            field: Some(field.to_string()),
        }
    }

    /// The same failure, placed at 1-based `row` of the input when it is bad input.
    pub fn at_row(self, row: usize) -> Failure {
        match self {
            Failure::BadInput { message, field, .. } => Failure::BadInput {
                message,
                row: Some(row),
                field,
            },
            other => other,
        }
    }
}

macro_rules! from_core {
    ($($t:ty),+) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::Core(e.into())
            }
        }
    )+};
}
from_core!(
    dls_core::Error,
    dls_core::LoadError,
    ParseError,
    ValidationReport,
    dls_core::CaseError,
    dls_core::ids::IdError,
    dls_core::routing::RoutingError,
    dls_core::routing::CapacityError,
    dls_core::hsds::HsdsError,
    dls_core::tabular::TabularError,
    dls_core::exchange::fhir::FhirError,
    dls_core::exchange::zgw::ZgwError
);

impl From<dls_core::rows::ColumnError> for Failure {
    /// A column of a case table that is not a case column nor a declared attribute, or not of
    /// its attribute's type: bad input naming the column.
    fn from(e: dls_core::rows::ColumnError) -> Self {
        Failure::bad_input(e.to_string(), Some(e.column()))
    }
}

impl From<PyErr> for Failure {
    fn from(e: PyErr) -> Self {
        Failure::Python(e)
    }
}

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS
        .get_or_try_init(py, || py.import("dls.errors").map(Bound::unbind))
        .map(|m| m.bind(py))
}

/// Calls the class `name` of `dls.errors` with `args` and `kwargs`.
fn make<'py>(
    py: Python<'py>,
    name: &str,
    args: impl pyo3::call::PyCallArgs<'py>,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    errors_module(py)?.getattr(name)?.call(args, kwargs)
}

fn location<'py>(py: Python<'py>, l: &Location) -> PyResult<Bound<'py, PyAny>> {
    let kw = PyDict::new(py);
    kw.set_item("file", &l.file)?;
    kw.set_item("item", &l.item)?;
    kw.set_item("field", &l.field)?;
    kw.set_item("row", l.row)?;
    make(py, "Location", (), Some(&kw))
}

fn snake<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::from("unknown"),
    }
}

/// A core problem as a `dls.errors.Problem`.
pub fn problem<'py>(py: Python<'py>, p: &Problem) -> PyResult<Bound<'py, PyAny>> {
    let kw = PyDict::new(py);
    kw.set_item("severity", snake(&p.severity))?;
    kw.set_item("kind", snake(&p.kind))?;
    kw.set_item("location", location(py, &p.location)?)?;
    kw.set_item("message", &p.message)?;
    make(py, "Problem", (), Some(&kw))
}

/// A list of core problems as a Python list of `Problem`.
pub fn problems<'py>(py: Python<'py>, ps: &[Problem]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for p in ps {
        list.append(problem(py, p)?)?;
    }
    Ok(list)
}

fn validation(py: Python<'_>, r: &ValidationReport) -> PyResult<PyErr> {
    let ps = problems(py, &r.problems)?;
    Ok(PyErr::from_value(make(
        py,
        "ValidationError",
        (r.to_string(), ps),
        None,
    )?))
}

fn parse(py: Python<'_>, e: &ParseError) -> PyResult<PyErr> {
    let dls_core::ParseLocation {
        mut file,
        line,
        column,
    } = e.location();
    let class = if e.is_missing_file() {
        "MissingFileError"
    } else {
        "ParseError"
    };
    // a missing file error's `filename` is the file that is missing
    if let ParseError::MissingCompanion { companion, .. } = e {
        file = Some(companion.clone());
    }
    Ok(PyErr::from_value(make(
        py,
        class,
        (e.to_string(), file, line, column),
        None,
    )?))
}

fn convert(py: Python<'_>, f: Failure) -> PyResult<PyErr> {
    let simple = |name: &str, msg: String| -> PyResult<PyErr> {
        Ok(PyErr::from_value(make(py, name, (msg,), None)?))
    };
    match f {
        Failure::Python(e) => Ok(e),
        Failure::Core(e) => match &e {
            dls_core::Error::Validation(r) => validation(py, r),
            dls_core::Error::Parse(p) => parse(py, p),
            dls_core::Error::Case(_)
            | dls_core::Error::Id(_)
            | dls_core::Error::Capacity(_)
            | dls_core::Error::Hsds(_)
            | dls_core::Error::Tabular(_)
            | dls_core::Error::Fhir(_)
            | dls_core::Error::Zgw(_) => simple("BadInputError", e.to_string()),
            dls_core::Error::Routing(_) => simple("RoutingError", e.to_string()),
            dls_core::Error::Evaluation(ev) => convert(py, Failure::from(ev.clone())),
            _ => simple("DlsError", e.to_string()),
        },
        Failure::BadInput {
            message,
            row,
            field,
        } => Ok(PyErr::from_value(make(
            py,
            "BadInputError",
            (message, row, field),
            None,
        )?)),
        Failure::Evaluation(m) => simple("EvaluationError", m),
        Failure::Internal(m) => simple(
            "InternalError",
            format!("internal error in dls (please report it): {m}"),
        ),
    }
}

/// Maps any failure to its Python exception: the one function that does so.
pub fn to_py_err(py: Python<'_>, f: Failure) -> PyErr {
    convert(py, f).unwrap_or_else(|e| e)
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("unknown panic")
    }
}

/// Runs `f`, turning a panic into [`Failure::Internal`].
pub fn guard<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<T, Failure> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| Err(Failure::Internal(panic_message(&*p))))
}

/// Runs `f` holding the GIL, guarded against panics, with failures mapped to exceptions.
pub fn call<T>(py: Python<'_>, f: impl FnOnce() -> Result<T, Failure>) -> PyResult<T> {
    guard(f).map_err(|e| to_py_err(py, e))
}

/// Runs `f` with the GIL released (other Python threads run meanwhile), guarded against panics,
/// with failures mapped to exceptions. For anything that may take long.
pub fn detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, Failure> + Send,
) -> PyResult<T> {
    py.detach(|| guard(f)).map_err(|e| to_py_err(py, e))
}
