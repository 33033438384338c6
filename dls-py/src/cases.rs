//! Cases from Python: a dict in the JSON form of a case, or an Arrow table with one row per case
//! whose columns are those of the core's [`CaseRow`] ([`CASE_COLUMNS`]): `id`, `kern` and
//! `needs` are required; lists (`needs`, `signals`, `tried`) may be one `;`-separated string.
//! What a row means (primary need, defaults) is the core's [`CaseRow::to_case`].

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Int64Array, RecordBatch, UInt16Array, UInt8Array,
};
use arrow_schema::DataType;
use dls_core::rows::{
    attribute_column, extra_cell, extra_columns as case_extra_columns, AttributeColumn, CaseRow,
    Cell, ColumnError, ColumnType, RowError, RowErrorKind, TriedRow, CASE_COLUMNS,
};
use dls_core::vocabulary::{AttributeKind, Vocabulary};
use dls_core::Case;
use pyo3::prelude::*;

use crate::errors::Failure;
use crate::table::{self, date_at, int_at, list_at, str_at};

/// A case from a dict (the JSON form of a case; dates may be `datetime.date` values).
pub fn from_dict(obj: &Bound<'_, PyAny>) -> Result<Case, Failure> {
    from_python::<Case>(obj).map_err(|e| match e {
        Failure::BadInput { message, .. } => {
            Failure::bad_input(format!("not a valid case: {message}"), None)
        }
        other => other,
    })
}

/// Any core value from plain Python data, through [`to_json`]: nesting bounded by
/// [`MAX_JSON_DEPTH`](dls_core::limits::MAX_JSON_DEPTH), every problem a `BadInputError` whose
/// message quotes none of the input (see [`dls_core::source::redact`]).
pub fn from_python<T: serde::de::DeserializeOwned>(obj: &Bound<'_, PyAny>) -> Result<T, Failure> {
    let value = to_json(obj, 0)?;
    serde_json::from_value::<T>(value)
        .map_err(|e| Failure::bad_input(dls_core::source::redact_keys(&e.to_string()), None))
}

/// Plain Python data (dict, list, tuple, str, int, float, bool, None, date) as a JSON value.
/// Faster than a generic serde bridge for the small dicts of a case, and raises nothing on
/// the way.
pub fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> Result<serde_json::Value, Failure> {
    use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
    use serde_json::Value;
    if depth > dls_core::limits::MAX_JSON_DEPTH {
        return Err(Failure::bad_input(
            "input nests deeper than 64 levels",
            None,
        ));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_str().map_err(|_| {
            Failure::bad_input("text is not valid Unicode (a lone surrogate)", None)
        })?;
        return Ok(Value::String(s.to_string()));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = serde_json::Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = k
                .cast::<PyString>()
                .map_err(|_| Failure::bad_input("dict keys must be strings", None))?;
            let key = key.to_str().map_err(|_| {
                Failure::bad_input("text is not valid Unicode (a lone surrogate)", None)
            })?;
            map.insert(key.to_string(), to_json(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l.iter().map(|v| to_json(&v, depth + 1)).collect();
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        return obj
            .extract::<u64>()
            .map(Value::from)
            .map_err(|_| Failure::bad_input("integer out of range", None));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::from(f.value()));
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t.iter().map(|v| to_json(&v, depth + 1)).collect();
    }
    if obj.cast::<PyDate>().is_ok() {
        return Ok(Value::String(obj.call_method0("isoformat")?.extract()?));
    }
    Err(Failure::bad_input(
        format!(
            "cannot read a value of type `{}`",
            obj.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ),
        None,
    ))
}

/// The case columns of one batch, converted to the types the rows are read from.
pub struct Columns {
    id: ArrayRef,
    kern: ArrayRef,
    needs: ArrayRef,
    age: Option<ArrayRef>,
    words: [Option<ArrayRef>; 3],
    signals: Option<ArrayRef>,
    income_pct: Option<ArrayRef>,
    opened: Option<ArrayRef>,
    tried: Option<ArrayRef>,
    share: Option<ArrayRef>,
    /// Declared attributes, one column each beyond [`CASE_COLUMNS`]: the attribute's name and
    /// kind, and the column converted to the type the cells are read from.
    extra: Vec<(String, AttributeKind, ColumnType, ArrayRef)>,
    /// Rows (0-based) whose `income_pct` or `opened` value could not be read, with the field
    /// and what was expected: each becomes that row's error, never a silent null.
    unreadable: std::collections::BTreeMap<usize, (&'static str, &'static str)>,
}

/// The optional one-word columns, in the order of [`Columns::words`].
const WORDS: [&str; 3] = ["household", "urgency", "framework"];

fn opt(
    batch: &RecordBatch,
    name: &str,
    f: fn(&ArrayRef, &str) -> Result<ArrayRef, Failure>,
) -> Result<Option<ArrayRef>, Failure> {
    table::column(batch, name).map(|a| f(a, name)).transpose()
}

fn booleans(a: &ArrayRef, name: &str) -> Result<ArrayRef, Failure> {
    if a.data_type() == &DataType::Boolean {
        return Ok(a.clone());
    }
    Err(Failure::bad_input(
        format!(
            "column `{name}` has type {} where Boolean is expected",
            a.data_type()
        ),
        Some(name),
    ))
}

/// A column pandas adds for a DataFrame's index when it is not a plain range (not a column of
/// the data).
fn is_pandas_index(name: &str) -> bool {
    name.starts_with("__index_level_") && name.ends_with("__")
}

/// The declared attributes among the columns of `batch` beyond [`CASE_COLUMNS`], each checked
/// by the core ([`attribute_column`]) and converted to the type its cells are read from.
fn extra_columns(
    batch: &RecordBatch,
    vocabulary: &Vocabulary,
    first_row: usize,
) -> Result<Vec<(String, AttributeKind, ColumnType, ArrayRef)>, Failure> {
    let schema = batch.schema();
    let mut out = Vec::new();
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        let name = field.name().as_str();
        if CASE_COLUMNS.contains(&name) || is_pandas_index(name) {
            continue;
        }
        let dt = array.data_type();
        let (found, array) = match dt {
            DataType::Boolean => (ColumnType::Bool, array.clone()),
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Dictionary(..) => (ColumnType::Text, table::strings(array, name)?),
            DataType::List(_) | DataType::LargeList(_) | DataType::ListView(_) => {
                (ColumnType::List, table::string_lists(array, name)?)
            }
            t if t.is_integer() || t.is_floating() => {
                (ColumnType::Int, table::whole_ints(array, name, first_row)?)
            }
            DataType::Null => {
                // no value in any row: only the name is checked
                let kind = vocabulary.attribute(name).map(|d| d.kind());
                let found = match kind {
                    Ok(AttributeKind::Boolean) => ColumnType::Bool,
                    Ok(AttributeKind::Integer) => ColumnType::Int,
                    _ => ColumnType::Text,
                };
                attribute_column(vocabulary, name, found)?;
                continue;
            }
            other => {
                // checks the name first: an unknown column is named as such
                attribute_column(vocabulary, name, ColumnType::Text).map_err(|e| match e {
                    ColumnError::WrongType { expected, .. } => Failure::bad_input(
                        format!(
                            "column `{name}` has type {other} where its attribute takes {expected}"
                        ),
                        Some(name),
                    ),
                    e => e.into(),
                })?;
                return Err(Failure::bad_input(
                    format!("column `{name}` has type {other} where its attribute takes text"),
                    Some(name),
                ));
            }
        };
        let column = attribute_column(vocabulary, name, found)?;
        out.push((name.to_string(), column.kind, found, array));
    }
    Ok(out)
}

impl Columns {
    /// Finds and converts the columns of `batch`, whose first row is row `first_row`
    /// (0-based) of the table; columns beyond [`CASE_COLUMNS`] are the attributes `vocabulary`
    /// declares.
    pub fn of(
        batch: &RecordBatch,
        first_row: usize,
        vocabulary: &Vocabulary,
    ) -> Result<Columns, Failure> {
        let word = |k: usize| opt(batch, WORDS[k], table::strings);
        let mut unreadable = std::collections::BTreeMap::new();
        let mut checked = |name: &'static str,
                           expected: &'static str,
                           f: fn(&ArrayRef, &str) -> Result<ArrayRef, Failure>|
         -> Result<Option<ArrayRef>, Failure> {
            let Some(before) = table::column(batch, name) else {
                return Ok(None);
            };
            let after = f(before, name)?;
            for i in table::unreadable(before, &after) {
                unreadable.entry(i).or_insert((name, expected));
            }
            Ok(Some(after))
        };
        let income_pct = checked("income_pct", "whole number", table::ints)?;
        let opened = checked("opened", "date", table::dates)?;
        Ok(Columns {
            id: table::strings(table::required(batch, "id")?, "id")?,
            kern: table::strings(table::required(batch, "kern")?, "kern")?,
            needs: table::string_lists(table::required(batch, "needs")?, "needs")?,
            age: table::column(batch, "age")
                .map(|a| table::whole_ints(a, "age", first_row))
                .transpose()?,
            words: [word(0)?, word(1)?, word(2)?],
            signals: opt(batch, "signals", table::string_lists)?,
            income_pct,
            opened,
            tried: opt(batch, "tried", table::string_lists)?,
            share: opt(batch, "share_with_organisations", booleans)?,
            extra: extra_columns(batch, vocabulary, first_row)?,
            unreadable,
        })
    }

    /// The error of row `i` when one of its values could not be read (see
    /// [`table::unreadable`]).
    pub fn unreadable(&self, i: usize) -> Option<RowError> {
        self.unreadable.get(&i).map(|&(field, expected)| RowError {
            field,
            kind: RowErrorKind::Invalid {
                expected,
                reason: "the value cannot be read as one",
            },
        })
    }

    /// Row `i` of the batch (a null is an empty field).
    pub fn row(&self, i: usize) -> CaseRow<'_> {
        let word = |k: usize| self.words[k].as_ref().and_then(|a| str_at(a, i));
        CaseRow {
            id: str_at(&self.id, i).unwrap_or_default(),
            kern: str_at(&self.kern, i).unwrap_or_default(),
            needs: list_at(&self.needs, i),
            age: self.age.as_ref().and_then(|a| int_at(a, i)),
            household: word(0),
            urgency: word(1),
            framework: word(2),
            signals: lists_at(&self.signals, i),
            income_pct: self.income_pct.as_ref().and_then(|a| int_at(a, i)),
            extra: self
                .extra
                .iter()
                .filter(|(_, _, _, a)| a.is_valid(i))
                .filter_map(|(name, kind, found, a)| {
                    let cell = match found {
                        ColumnType::Text => Cell::Text(str_at(a, i)?),
                        ColumnType::List => Cell::List(list_at(a, i)),
                        ColumnType::Bool => Cell::Bool(a.as_boolean().value(i)),
                        ColumnType::Int => Cell::Int(int_at(a, i)?),
                    };
                    let column = AttributeColumn {
                        name: name.as_str(),
                        kind: *kind,
                    };
                    Some((name.as_str(), column.value(cell)?))
                })
                .collect(),
            opened: self.opened.as_ref().and_then(|a| date_at(a, i)),
            tried: lists_at(&self.tried, i)
                .into_iter()
                .map(TriedRow::parse)
                .collect(),
            share_with_organisations: self
                .share
                .as_ref()
                .is_some_and(|a| a.is_valid(i) && a.as_boolean().value(i)),
        }
    }
}

fn lists_at(a: &Option<ArrayRef>, i: usize) -> Vec<&str> {
    a.as_ref().map(|a| list_at(a, i)).unwrap_or_default()
}

/// Cases as a table with the columns [`CASE_COLUMNS`] (what [`Columns`] reads), through the
/// core's [`CaseRow`] of each case, then a column per declared attribute the cases state, by
/// name ([`dls_core::rows::extra_columns`]: a word as text, a boolean, an integer, flags as a
/// list of text).
pub fn to_table(cases: &[Case]) -> Result<pyo3_arrow::PyTable, Failure> {
    let rows: Vec<CaseRow<'_>> = cases.iter().map(CaseRow::from).collect();
    let r = || rows.iter();
    let cols: [ArrayRef; 12] = [
        table::texts(r().map(|r| Some(r.id))),
        table::texts(r().map(|r| Some(r.kern))),
        table::text_lists(r().map(|r| r.needs.clone())),
        Arc::new(
            r().map(|r| r.age.and_then(|v| u8::try_from(v).ok()))
                .collect::<UInt8Array>(),
        ),
        table::texts(r().map(|r| r.household)),
        table::texts(r().map(|r| r.urgency)),
        table::texts(r().map(|r| r.framework)),
        table::text_lists(r().map(|r| r.signals.clone())),
        Arc::new(
            r().map(|r| r.income_pct.and_then(|v| u16::try_from(v).ok()))
                .collect::<UInt16Array>(),
        ),
        Arc::new(
            r().map(|r| r.opened.map(Date32Type::from_naive_date))
                .collect::<Date32Array>(),
        ),
        table::text_lists(r().map(|r| r.tried.iter().map(ToString::to_string).collect())),
        table::flags(r().map(|r| r.share_with_organisations)),
    ];
    let mut columns: Vec<(&str, ArrayRef)> = CASE_COLUMNS.iter().copied().zip(cols).collect();
    for (name, t) in case_extra_columns(&rows)? {
        let cells = || r().map(|row| extra_cell(row, name, t));
        let array: ArrayRef = match t {
            ColumnType::Text => table::texts(cells().map(|c| match c {
                Some(Cell::Text(s)) => Some(s),
                _ => None,
            })),
            ColumnType::List => table::nullable_text_lists(cells().map(|c| match c {
                Some(Cell::List(l)) => Some(l),
                _ => None,
            })),
            ColumnType::Bool => Arc::new(
                cells()
                    .map(|c| match c {
                        Some(Cell::Bool(b)) => Some(b),
                        _ => None,
                    })
                    .collect::<BooleanArray>(),
            ),
            ColumnType::Int => Arc::new(
                cells()
                    .map(|c| match c {
                        Some(Cell::Int(v)) => Some(v),
                        _ => None,
                    })
                    .collect::<Int64Array>(),
            ),
        };
        columns.push((name, array));
    }
    table::table(columns)
}

/// Turns cases (dicts in the JSON form of a case) into a case table (pyarrow-compatible Arrow
/// stream) with the columns a router's batch reads.
#[pyfunction]
pub fn cases_table(
    py: Python<'_>,
    cases: &Bound<'_, pyo3::types::PyAny>,
) -> PyResult<pyo3_arrow::PyTable> {
    let cases = crate::errors::call(py, || {
        cases
            .try_iter()?
            .enumerate()
            .map(|(i, c)| {
                let c = c?;
                // the same reader as `Router.route`: depth-bounded, values not quoted
                from_dict(&c).map_err(|e| match e {
                    Failure::BadInput { message, .. } => {
                        Failure::bad_row(format!("case {}: {message}", i + 1), i + 1, "case")
                    }
                    other => other,
                })
            })
            .collect::<Result<Vec<_>, Failure>>()
    })?;
    crate::errors::detached(py, move || to_table(&cases))
}
