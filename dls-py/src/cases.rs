//! Cases from Python: a dict in the JSON form of a case, or an Arrow table with one row per case.
//!
//! Table columns: `id`, `kern` and `needs` are required; `needs` holds a list of need codes (or
//! one `;`-separated string), the first being the primary need (prio-vraag). Optional:
//! `age_band`, `household`, `urgency`, `framework`, `signals` (list or `;`-separated),
//! `income_pct`, `opened` (date), `tried` (services the citizen already tried without success:
//! `service` or `service:outcome`, outcome `rejected` when left out) and
//! `share_with_organisations` (bool).

use std::str::FromStr;

use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use dls_core::cases::{CaseAttributes, CaseNeed, Consent, Situation, TriedService, TryOutcome};
use dls_core::{Case, CaseData};
use pyo3::prelude::*;

use crate::errors::Failure;
use crate::events::{clip, parse_name};
use crate::table::{self, batches, date_at, int_at, list_at, str_at};

/// The columns a case table may have.
pub const CASE_COLUMNS: &[&str] = &[
    "id",
    "kern",
    "needs",
    "age_band",
    "household",
    "urgency",
    "framework",
    "signals",
    "income_pct",
    "opened",
    "tried",
    "share_with_organisations",
];

/// A case from a dict (the JSON form of a case; dates may be `datetime.date` values).
pub fn from_dict(obj: &Bound<'_, PyAny>) -> Result<Case, Failure> {
    let value = to_json(obj, 0)?;
    serde_json::from_value::<Case>(value)
        .map_err(|e| Failure::bad_input(format!("not a valid case: {e}"), None))
}

/// Plain Python data (dict, list, tuple, str, int, float, bool, None, date) as a JSON value.
/// Faster than a generic serde bridge for the small dicts of a case, and raises nothing on
/// the way.
pub fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> Result<serde_json::Value, Failure> {
    use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
    use serde_json::Value;
    if depth > dls_core::source::MAX_JSON_DEPTH {
        return Err(Failure::bad_input("input nests too deep", None));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_str()?.to_string()));
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
            map.insert(key.to_str()?.to_string(), to_json(&v, depth + 1)?);
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
        return Ok(Value::from(obj.extract::<u64>()?));
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
    age_band: Option<ArrayRef>,
    household: Option<ArrayRef>,
    urgency: Option<ArrayRef>,
    framework: Option<ArrayRef>,
    signals: Option<ArrayRef>,
    income_pct: Option<ArrayRef>,
    opened: Option<ArrayRef>,
    tried: Option<ArrayRef>,
    share: Option<ArrayRef>,
}

fn opt(
    batch: &RecordBatch,
    name: &str,
    f: fn(&ArrayRef, &str) -> Result<ArrayRef, Failure>,
) -> Result<Option<ArrayRef>, Failure> {
    table::column(batch, name).map(|a| f(a, name)).transpose()
}

impl Columns {
    /// Finds and converts the columns of `batch`.
    pub fn of(batch: &RecordBatch) -> Result<Columns, Failure> {
        let share = match table::column(batch, "share_with_organisations") {
            Some(a) if a.data_type() == &DataType::Boolean => Some(a.clone()),
            Some(a) => {
                return Err(Failure::bad_input(
                    format!(
                        "column `share_with_organisations` has type {} where Boolean is expected",
                        a.data_type()
                    ),
                    Some("share_with_organisations"),
                ))
            }
            None => None,
        };
        Ok(Columns {
            id: table::strings(table::required(batch, "id")?, "id")?,
            kern: table::strings(table::required(batch, "kern")?, "kern")?,
            needs: table::string_lists(table::required(batch, "needs")?, "needs")?,
            age_band: opt(batch, "age_band", table::strings)?,
            household: opt(batch, "household", table::strings)?,
            urgency: opt(batch, "urgency", table::strings)?,
            framework: opt(batch, "framework", table::strings)?,
            signals: opt(batch, "signals", table::string_lists)?,
            income_pct: opt(batch, "income_pct", table::ints)?,
            opened: opt(batch, "opened", table::dates)?,
            tried: opt(batch, "tried", table::string_lists)?,
            share,
        })
    }
}

fn named<T: serde::de::DeserializeOwned>(
    col: &Option<ArrayRef>,
    i: usize,
    row: usize,
    field: &str,
) -> Result<Option<T>, Failure> {
    match col.as_ref().and_then(|a| str_at(a, i)) {
        None | Some("") => Ok(None),
        Some(s) => parse_name(s).map(Some).ok_or_else(|| {
            Failure::bad_row(
                format!("row {row}: unknown {field} `{}`", clip(s)),
                row,
                field,
            )
        }),
    }
}

fn id<T: FromStr<Err = dls_core::ids::IdError>>(
    text: Option<&str>,
    row: usize,
    field: &str,
) -> Result<T, Failure> {
    let text =
        text.ok_or_else(|| Failure::bad_row(format!("row {row}: no `{field}`"), row, field))?;
    T::from_str(text).map_err(|e| Failure::bad_row(format!("row {row}: {e}"), row, field))
}

/// The case of row `i` of the batch, named `row` (1-based, of the whole table) in errors.
pub fn row_case(c: &Columns, i: usize, row: usize) -> Result<Case, Failure> {
    let needs = list_at(&c.needs, i)
        .iter()
        .enumerate()
        .map(|(k, n)| {
            Ok(CaseNeed {
                need: id(Some(n), row, "needs")?,
                primary: k == 0,
            })
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    let signals = match &c.signals {
        Some(a) => list_at(a, i)
            .iter()
            .map(|s| {
                parse_name(s).ok_or_else(|| {
                    Failure::bad_row(
                        format!("row {row}: unknown signal `{}`", clip(s)),
                        row,
                        "signals",
                    )
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?,
        None => Vec::new(),
    };
    let income_pct = match c.income_pct.as_ref().and_then(|a| int_at(a, i)) {
        None => None,
        Some(v) => Some(u16::try_from(v).map_err(|_| {
            Failure::bad_row(
                format!("row {row}: `income_pct` {v} is out of range"),
                row,
                "income_pct",
            )
        })?),
    };
    let tried = match &c.tried {
        Some(a) => list_at(a, i)
            .iter()
            .map(|t| {
                let (service, outcome) = match t.split_once(':') {
                    Some((s, o)) => {
                        let o: TryOutcome = parse_name(o).ok_or_else(|| {
                            Failure::bad_row(
                                format!("row {row}: unknown outcome `{}`", clip(o)),
                                row,
                                "tried",
                            )
                        })?;
                        (s, o)
                    }
                    None => (*t, TryOutcome::Rejected),
                };
                Ok(TriedService {
                    service: id(Some(service), row, "tried")?,
                    outcome,
                })
            })
            .collect::<Result<Vec<_>, Failure>>()?,
        None => Vec::new(),
    };
    let data = CaseData {
        id: id(str_at(&c.id, i), row, "id")?,
        kern: id(str_at(&c.kern, i), row, "kern")?,
        needs,
        attributes: CaseAttributes {
            age_band: named(&c.age_band, i, row, "age_band")?,
            household: named(&c.household, i, row, "household")?,
            urgency: named(&c.urgency, i, row, "urgency")?.unwrap_or_default(),
            framework: named(&c.framework, i, row, "framework")?,
            signals,
            income_pct,
        },
        situation: if tried.is_empty() {
            Situation::DoesNotKnowWhere
        } else {
            Situation::CannotGetThrough { tried }
        },
        consent: Consent {
            share_with_organisations: c
                .share
                .as_ref()
                .map(|a| a.is_valid(i) && a.as_boolean().value(i))
                .unwrap_or(false),
        },
        opened: c.opened.as_ref().and_then(|a| date_at(a, i)),
    };
    Case::new(data).map_err(|e| Failure::bad_row(format!("row {row}: {e}"), row, "needs"))
}

/// Reads cases from an Arrow table, in row order. Errors name the 1-based row and the column.
pub fn from_table(t: &pyo3_arrow::PyTable) -> Result<Vec<Case>, Failure> {
    let mut out = Vec::with_capacity(t.batches().iter().map(|b| b.num_rows()).sum());
    for (start, batch) in batches(t) {
        let cols = Columns::of(batch)?;
        for i in 0..batch.num_rows() {
            out.push(row_case(&cols, i, start + i + 1)?);
        }
    }
    Ok(out)
}

pub fn name_of<T: serde::Serialize>(v: &T) -> Option<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Cases as a table with the columns [`CASE_COLUMNS`] (the inverse of [`from_table`]).
pub fn to_table(cases: &[Case]) -> Result<pyo3_arrow::PyTable, Failure> {
    use arrow_array::builder::{
        BooleanBuilder, Date32Builder, ListBuilder, StringBuilder, UInt16Builder,
    };
    use std::sync::Arc;
    let n = cases.len();
    let mut id = StringBuilder::with_capacity(n, n * 16);
    let mut kern = StringBuilder::with_capacity(n, n * 12);
    let mut needs = ListBuilder::new(StringBuilder::new());
    let mut age_band = StringBuilder::new();
    let mut household = StringBuilder::new();
    let mut urgency = StringBuilder::new();
    let mut framework = StringBuilder::new();
    let mut signals = ListBuilder::new(StringBuilder::new());
    let mut income = UInt16Builder::with_capacity(n);
    let mut opened = Date32Builder::with_capacity(n);
    let mut tried = ListBuilder::new(StringBuilder::new());
    let mut share = BooleanBuilder::with_capacity(n);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    for c in cases {
        let d = c.data();
        id.append_value(d.id.as_str());
        kern.append_value(d.kern.as_str());
        // Primary need first, then the others in their order.
        let primary = c.primary();
        needs.values().append_value(primary.as_str());
        for x in d.needs.iter().filter(|x| &x.need != primary) {
            needs.values().append_value(x.need.as_str());
        }
        needs.append(true);
        let a = &d.attributes;
        age_band.append_option(a.age_band.as_ref().and_then(name_of));
        household.append_option(a.household.as_ref().and_then(name_of));
        urgency.append_option(name_of(&a.urgency));
        framework.append_option(a.framework.as_ref().and_then(name_of));
        for s in &a.signals {
            signals.values().append_option(name_of(s));
        }
        signals.append(true);
        income.append_option(a.income_pct);
        opened.append_option(d.opened.map(|o| (o - epoch).num_days() as i32));
        for t in d.situation.tried() {
            let outcome = name_of(&t.outcome).unwrap_or_default();
            tried
                .values()
                .append_value(format!("{}:{outcome}", t.service));
        }
        tried.append(true);
        share.append_value(d.consent.share_with_organisations);
    }
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("id", Arc::new(id.finish())),
        ("kern", Arc::new(kern.finish())),
        ("needs", Arc::new(needs.finish())),
        ("age_band", Arc::new(age_band.finish())),
        ("household", Arc::new(household.finish())),
        ("urgency", Arc::new(urgency.finish())),
        ("framework", Arc::new(framework.finish())),
        ("signals", Arc::new(signals.finish())),
        ("income_pct", Arc::new(income.finish())),
        ("opened", Arc::new(opened.finish())),
        ("tried", Arc::new(tried.finish())),
        ("share_with_organisations", Arc::new(share.finish())),
    ];
    table::table(cols)
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
                pythonize::depythonize::<Case>(&c)
                    .map_err(|e| Failure::bad_row(format!("case {}: {e}", i + 1), i + 1, "case"))
            })
            .collect::<Result<Vec<_>, Failure>>()
    })?;
    crate::errors::detached(py, move || to_table(&cases))
}
