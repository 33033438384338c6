//! Reading Arrow tables (polars, pandas, pyarrow: anything with `__arrow_c_stream__`) column by
//! column, and building result tables. Only type conversion: no rule of the domain.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray,
    TimestampMicrosecondArray, UInt64Array,
};
use arrow_schema::{DataType, Field, Schema};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

use dls_core::evaluation::columns::DISCLOSURE_COLUMN;
use dls_core::evaluation::Disclosure;

use crate::errors::Failure;

/// Reads any Arrow-exporting table; a clear error when the object is not one.
pub fn read_table(obj: &Bound<'_, PyAny>) -> Result<PyTable, Failure> {
    // the Arrow library's own message is not passed on: it may quote the table's values
    obj.extract::<PyTable>().map_err(|_| {
        Failure::bad_input(
            "expected a polars or pandas DataFrame or a pyarrow Table (an object with \
             `__arrow_c_stream__`)",
            None,
        )
    })
}

/// A table's batches with their first row number (0-based), for error rows.
pub fn batches(table: &PyTable) -> impl Iterator<Item = (usize, &RecordBatch)> {
    table.batches().iter().scan(0usize, |start, b| {
        let s = *start;
        *start += b.num_rows();
        Some((s, b))
    })
}

fn cast(array: &ArrayRef, to: &DataType, name: &str) -> Result<ArrayRef, Failure> {
    if array.data_type() == to {
        return Ok(array.clone());
    }
    arrow_cast::cast(array, to).map_err(|_| {
        Failure::bad_input(
            format!(
                "column `{name}` has type {} where {to} is expected",
                array.data_type()
            ),
            Some(name),
        )
    })
}

/// A column of a batch, if present.
pub fn column<'a>(batch: &'a RecordBatch, name: &str) -> Option<&'a ArrayRef> {
    batch.column_by_name(name)
}

/// A required column, or an error naming it.
pub fn required<'a>(batch: &'a RecordBatch, name: &str) -> Result<&'a ArrayRef, Failure> {
    column(batch, name)
        .ok_or_else(|| Failure::bad_input(format!("missing required column `{name}`"), Some(name)))
}

/// The rows (0-based) whose value `before` holds but a conversion `after` of it lost: a value
/// that could not be read as the column's type (e.g. `95%` as an integer, `2026-02-30` as a
/// date). Arrow's cast turns those into nulls; the callers report them, never drop them.
pub fn unreadable(before: &ArrayRef, after: &ArrayRef) -> Vec<usize> {
    if after.null_count() == before.null_count() {
        return Vec::new();
    }
    (0..before.len())
        .filter(|&i| before.is_valid(i) && after.is_null(i))
        .collect()
}

/// A column as UTF-8 strings (accepts string, large string, string view and dictionary columns).
pub fn strings(array: &ArrayRef, name: &str) -> Result<ArrayRef, Failure> {
    cast(array, &DataType::Utf8, name)
}

/// A column as lists of UTF-8 strings (accepts list, large list and string view items).
pub fn string_lists(array: &ArrayRef, name: &str) -> Result<ArrayRef, Failure> {
    match array.data_type() {
        // A plain string column holds `;`-separated values; the caller splits it.
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..) => {
            strings(array, name)
        }
        _ => cast(
            array,
            &DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
            name,
        ),
    }
}

/// Row `i` of a string-or-list column (from [`string_lists`]) as a list of strings.
pub fn list_at(array: &ArrayRef, i: usize) -> Vec<&str> {
    if array.is_null(i) {
        return Vec::new();
    }
    match array.data_type() {
        DataType::Utf8 => array
            .as_string::<i32>()
            .value(i)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect(),
        _ => {
            let list = array.as_list::<i32>();
            let offsets = list.value_offsets();
            let values = list.values().as_string::<i32>();
            (offsets[i] as usize..offsets[i + 1] as usize)
                .filter(|&j| values.is_valid(j))
                .map(|j| values.value(j))
                .collect()
        }
    }
}

/// Row `i` of a string column (from [`strings`]), `None` when null.
pub fn str_at(array: &ArrayRef, i: usize) -> Option<&str> {
    let s = array.as_string::<i32>();
    s.is_valid(i).then(|| s.value(i))
}

/// A column as 64-bit integers.
pub fn ints(array: &ArrayRef, name: &str) -> Result<ArrayRef, Failure> {
    cast(array, &DataType::Int64, name)
}

/// A column of whole numbers as 64-bit integers: integer columns, and float columns (pandas
/// writes an integer column with missing values as floats) whose every value is whole. A
/// fraction is an error naming the column and its 1-based row (`first_row` is the 0-based row
/// of the batch's first row in the table), never the value.
pub fn whole_ints(array: &ArrayRef, name: &str, first_row: usize) -> Result<ArrayRef, Failure> {
    if array.data_type().is_floating() {
        let f = cast(array, &DataType::Float64, name)?;
        let f = f.as_primitive::<Float64Type>();
        let fraction = (0..f.len()).find(|&i| f.is_valid(i) && f.value(i).fract() != 0.0);
        let fraction =
            fraction.or_else(|| (0..f.len()).find(|&i| f.is_valid(i) && !f.value(i).is_finite()));
        if let Some(i) = fraction {
            return Err(Failure::bad_row(
                format!("field `{name}`: not a whole number"),
                first_row + i + 1,
                name,
            ));
        }
    }
    ints(array, name)
}

/// Row `i` of an integer column (from [`ints`]).
pub fn int_at(array: &ArrayRef, i: usize) -> Option<i64> {
    let a = array.as_primitive::<Int64Type>();
    a.is_valid(i).then(|| a.value(i))
}

/// A column as calendar dates (accepts dates, timestamps and `YYYY-MM-DD` strings).
pub fn dates(array: &ArrayRef, name: &str) -> Result<ArrayRef, Failure> {
    cast(array, &DataType::Date32, name)
}

/// Row `i` of a date column (from [`dates`]).
pub fn date_at(array: &ArrayRef, i: usize) -> Option<chrono::NaiveDate> {
    let a = array.as_primitive::<Date32Type>();
    if a.is_valid(i) {
        arrow_array::temporal_conversions::as_date::<Date32Type>(a.value(i) as i64)
    } else {
        None
    }
}

/// Builds a record batch from named columns (all nullable).
pub fn batch(columns: Vec<(&str, ArrayRef)>) -> Result<RecordBatch, Failure> {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(n, a)| Field::new(*n, a.data_type().clone(), true))
        .collect();
    let schema = Arc::new(Schema::new(fields));
    RecordBatch::try_new(schema, columns.into_iter().map(|(_, a)| a).collect())
        .map_err(|e| Failure::Internal(e.to_string()))
}

/// Builds a one-batch table from named columns.
pub fn table(columns: Vec<(&str, ArrayRef)>) -> Result<PyTable, Failure> {
    let batch = batch(columns)?;
    let schema = batch.schema();
    PyTable::try_new(vec![batch], schema).map_err(Failure::Python)
}

/// Schema metadata key of the table's [`Disclosure::label`] (`raw`, `publish`, `custom`).
pub const DISCLOSURE_KEY: &str = "dls.disclosure";
/// Schema metadata key of the settings, as JSON (the key itself never: only whether it is the
/// public default).
pub const SETTINGS_KEY: &str = "dls.disclosure_settings";

/// A one-batch table from named columns, marked with what it was made under: a last
/// [`DISCLOSURE_COLUMN`] with `disclosure`'s label in every row when `column` (aggregates and
/// comparisons), and the label and settings in the schema's metadata (kept by pyarrow, and by
/// `_tables.convert` in a pandas frame's `attrs`).
pub fn marked(
    mut columns: Vec<(&str, ArrayRef)>,
    disclosure: &Disclosure,
    column: bool,
) -> Result<PyTable, Failure> {
    let label = disclosure.label();
    if column {
        let rows = columns.first().map_or(0, |(_, a)| a.len());
        columns.push((
            DISCLOSURE_COLUMN,
            Arc::new(StringArray::from(vec![label; rows])),
        ));
    }
    let batch = batch(columns)?;
    let settings =
        serde_json::to_string(disclosure).map_err(|e| Failure::Internal(e.to_string()))?;
    let metadata = std::collections::HashMap::from([
        (DISCLOSURE_KEY.to_string(), label.to_string()),
        (SETTINGS_KEY.to_string(), settings),
    ]);
    let schema = Arc::new(batch.schema().as_ref().clone().with_metadata(metadata));
    let batch = batch
        .with_schema(schema.clone())
        .map_err(|e| Failure::Internal(e.to_string()))?;
    PyTable::try_new(vec![batch], schema).map_err(Failure::Python)
}

/// A string column.
pub fn texts<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

/// A column of lists of strings.
pub fn text_lists<S: AsRef<str>>(values: impl Iterator<Item = Vec<S>>) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for v in values {
        for s in v {
            b.values().append_value(s);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

/// A column of lists of strings, null where `None`.
pub fn nullable_text_lists<S: AsRef<str>>(
    values: impl Iterator<Item = Option<Vec<S>>>,
) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for v in values {
        match v {
            Some(v) => {
                for s in v {
                    b.values().append_value(s);
                }
                b.append(true);
            }
            None => b.append(false),
        }
    }
    Arc::new(b.finish())
}

/// A boolean column without nulls.
pub fn flags(values: impl Iterator<Item = bool>) -> ArrayRef {
    Arc::new(values.map(Some).collect::<BooleanArray>())
}

/// A column of unsigned counts.
pub fn counts(values: impl Iterator<Item = Option<u64>>) -> ArrayRef {
    Arc::new(values.collect::<UInt64Array>())
}

/// A column of floating-point numbers.
pub fn numbers(values: impl Iterator<Item = Option<f64>>) -> ArrayRef {
    Arc::new(values.collect::<Float64Array>())
}

/// A column of UTC instants (microseconds).
pub fn instant_column(values: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(
        values
            .collect::<TimestampMicrosecondArray>()
            .with_timezone("UTC"),
    )
}
