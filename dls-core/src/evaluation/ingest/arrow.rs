//! Event logs as Arrow record batches (a host's table: polars, pandas, pyarrow; the row groups
//! of a Parquet file), read column by column into the [`EventLogBuilder`]: no text is written
//! and parsed again.
//!
//! Columns are found by name through a [`LogMapping`], as in a CSV header. Text fields accept
//! any column Arrow can cast to text (string, large string, string view, dictionary, integer
//! ids); the timestamp is text (ISO 8601 with an offset, checked like a CSV cell) or an Arrow
//! timestamp of any unit, with or without a time zone (the stored instant is UTC; a naive one is
//! taken as UTC), kept to the microsecond; plain numbers are refused (their unit and epoch would
//! be a guess). `signals` is text (`;`-separated) or a list of text. Row numbers are 1-based
//! over all batches.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int32Type, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType,
};
use arrow_array::{
    Array, ArrayRef, Int32Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
    StringViewArray,
};
use arrow_schema::{DataType, Field as ArrowField, TimeUnit};

use super::{EventFields, EventLogBuilder, HeaderColumns, Ingested, Known, LogMapping, Timestamp};
use crate::evaluation::error::EvalError;

/// Reads an event log held as Arrow record batches through `mapping`: columns found by name as
/// in a CSV header; text fields from any column Arrow casts to text; the timestamp as ISO 8601
/// text or an Arrow timestamp of any unit (UTC instant; naive taken as UTC), to the
/// microsecond; numbers refused; `signals` as text or lists of text; rows numbered 1-based
/// over all batches. Fails when a required field has no column or a column has a type that
/// cannot hold its field; every other problem rejects or warns about one row.
pub fn ingest_arrow<'a, I>(batches: I, mapping: &LogMapping) -> Result<Ingested, EvalError>
where
    I: IntoIterator<Item = &'a RecordBatch>,
{
    let mut r = ArrowEvents::new(mapping);
    let batches: Vec<&RecordBatch> = batches.into_iter().collect();
    r.push_batches(&batches)?;
    Ok(r.finish())
}

/// Rows checked by one thread at a time: a batch is cut into slices of this many rows
/// (zero-copy), read on rayon's threads.
const SLICE_ROWS: usize = 64 * 1024;

/// Slices read before they are merged (bounds the memory of rows read but not yet merged).
const SLICES_AT_ONCE: usize = 16;

/// An event log read batch by batch (for a host that streams its batches).
#[derive(Debug)]
pub struct ArrowEvents {
    builder: EventLogBuilder,
    mapping: LogMapping,
    rows: u64,
}

impl ArrowEvents {
    /// An empty log read through `mapping`.
    pub fn new(mapping: &LogMapping) -> Self {
        ArrowEvents {
            builder: EventLogBuilder::with_mapping(mapping),
            mapping: mapping.clone(),
            rows: 0,
        }
    }

    /// The columns of a batch's schema under the mapping.
    pub fn columns(&self, batch: &RecordBatch) -> Result<HeaderColumns, EvalError> {
        let schema = batch.schema();
        self.mapping
            .header_columns(schema.fields().iter().map(|f| f.name().as_str()))
    }

    /// Records columns no field reads (a reader that decoded only some columns).
    pub fn ignore_columns(&mut self, columns: &[String]) {
        self.builder.ignore_columns(columns);
    }

    /// Reads the rows of one batch (on rayon's threads, in slices; the result is the same as
    /// one row after the other).
    pub fn push_batch(&mut self, batch: &RecordBatch) -> Result<(), EvalError> {
        self.push_batches(&[batch])
    }

    /// Reads the rows of batches, in order.
    pub(super) fn push_batches(&mut self, batches: &[&RecordBatch]) -> Result<(), EvalError> {
        let mut slices = Vec::new();
        for b in batches {
            let cols = self.columns(b)?;
            self.builder.ignore_columns(&cols.ignored);
            let mut at = 0;
            while at < b.num_rows() {
                let n = SLICE_ROWS.min(b.num_rows() - at);
                slices.push(b.slice(at, n));
                at += n;
            }
        }
        self.reserve(batches.iter().map(|b| b.num_rows()).sum());
        for group in slices.chunks(SLICES_AT_ONCE) {
            let mapping = &self.mapping;
            self.rows = self.builder.read_chunks(group, self.rows, |s, b| {
                let mut rows = 0;
                push_rows(b, mapping, s, &mut rows)?;
                Ok::<u64, EvalError>(rows)
            })?;
        }
        Ok(())
    }

    /// Makes room for `rows` more rows.
    pub(super) fn reserve(&mut self, rows: usize) {
        self.builder.reserve(rows);
    }

    /// The log read, with the row accounting.
    pub fn finish(self) -> Ingested {
        self.builder.finish()
    }
}

/// Checks the rows of `batch` into `b`, numbering them after `rows` (which it advances).
pub(super) fn push_rows(
    b: &mut EventLogBuilder,
    mapping: &LogMapping,
    batch: &RecordBatch,
    rows: &mut u64,
) -> Result<(), EvalError> {
    let schema = batch.schema();
    let cols = mapping.header_columns(schema.fields().iter().map(|f| f.name().as_str()))?;
    let text = |i: usize| Text::of(batch.column(i), schema.field(i).name());
    let case = text(cols.case_id)?;
    let activity = text(cols.activity)?;
    let times = Times::of(
        batch.column(cols.timestamp),
        schema.field(cols.timestamp).name(),
    )?;
    let optional = [
        cols.organisation,
        cols.service,
        cols.kern,
        cols.need,
        cols.reason,
        cols.municipality,
        cols.region,
        cols.domain,
        cols.phase,
        cols.framework,
    ]
    .map(|c| c.map(text).transpose());
    let mut opt: [Option<Text>; 10] = Default::default();
    for (k, c) in optional.into_iter().enumerate() {
        opt[k] = c?;
    }
    let signals = match cols.signals {
        Some(i) => Some(signal_column(batch.column(i), schema.field(i).name())?),
        None => None,
    };
    let dims = cols
        .dimensions
        .iter()
        .map(|&i| text(i))
        .collect::<Result<Vec<Text>, EvalError>>()?;
    // What each dictionary entry of the activity, organisation, service, kern and need columns
    // resolved to in the first row used that had it: the rows after it are not looked up again.
    let mut act_known = vec![None; activity.entries()];
    let [org, service, kern, need] = [0, 1, 2, 3].map(|k| opt[k].as_ref().map_or(0, Text::entries));
    let (mut org_known, mut service_known, mut kern_known, mut need_known) = (
        vec![None; org],
        vec![None; service],
        vec![None; kern],
        vec![None; need],
    );
    let key = |k: usize, i: usize| opt[k].as_ref().and_then(|a| a.key(i));
    for i in 0..batch.num_rows() {
        let cell = |k: usize| opt[k].as_ref().and_then(|a| a.at(i));
        let signals = signals.as_ref().map(|a| list_at(a, i)).unwrap_or_default();
        let extra: Vec<Option<&str>> = dims.iter().map(|a| a.at(i)).collect();
        let keys = (activity.key(i), key(0, i), key(1, i), key(2, i), key(3, i));
        let mut known = Known {
            activity: keys.0.and_then(|e| act_known[e]),
            org: keys.1.and_then(|e| org_known[e]),
            service: keys.2.and_then(|e| service_known[e]),
            kern: keys.3.and_then(|e| kern_known[e]),
            need: keys.4.and_then(|e| need_known[e]),
        };
        *rows += 1;
        b.push_known(
            *rows,
            EventFields {
                case_id: case.at(i),
                timestamp: times.at(i),
                activity: activity.at(i),
                organisation: cell(0),
                service: cell(1),
                kern: cell(2),
                need: cell(3),
                reason: cell(4),
                municipality: cell(5),
                region: cell(6),
                domain: cell(7),
                phase: cell(8),
                framework: cell(9),
                signals: &signals,
                extra: &extra,
            },
            &mut known,
        );
        if let Some(e) = keys.0 {
            act_known[e] = known.activity;
        }
        if let Some(e) = keys.1 {
            org_known[e] = known.org;
        }
        if let Some(e) = keys.2 {
            service_known[e] = known.service;
        }
        if let Some(e) = keys.3 {
            kern_known[e] = known.kern;
        }
        if let Some(e) = keys.4 {
            need_known[e] = known.need;
        }
    }
    Ok(())
}

fn type_error(column: &str, found: &DataType, expected: &'static str) -> EvalError {
    EvalError::ColumnType {
        column: column.to_string(),
        found: found.to_string(),
        expected,
    }
}

/// A text column: its strings read in place (by their type, found once a column rather than
/// once a cell), or a dictionary's keys into its strings.
enum Text {
    Utf8(StringArray),
    LargeUtf8(LargeStringArray),
    Utf8View(StringViewArray),
    Dictionary {
        keys: Int32Array,
        /// The dictionary's entries (strings, never a dictionary); every key names one.
        values: Box<Text>,
    },
}

impl Text {
    /// A column as text: a dictionary of 32-bit keys into text as it is, any other column as
    /// [`text_column`] takes it.
    fn of(a: &ArrayRef, name: &str) -> Result<Text, EvalError> {
        if let DataType::Dictionary(key, _) = a.data_type() {
            if **key == DataType::Int32 {
                let d = a.as_dictionary::<Int32Type>();
                let n = d.values().len();
                let values = Text::strings(&text_column(d.values(), name)?);
                // Every key names an entry (else the column is cast, as any other).
                if d.keys()
                    .iter()
                    .flatten()
                    .all(|k| usize::try_from(k).is_ok_and(|k| k < n))
                {
                    return Ok(Text::Dictionary {
                        keys: d.keys().clone(),
                        values: Box::new(values),
                    });
                }
            }
        }
        Ok(Text::strings(&text_column(a, name)?))
    }

    /// A column from [`text_column`].
    fn strings(a: &ArrayRef) -> Text {
        match a.data_type() {
            DataType::Utf8View => Text::Utf8View(a.as_string_view().clone()),
            DataType::LargeUtf8 => Text::LargeUtf8(a.as_string::<i64>().clone()),
            _ => Text::Utf8(a.as_string::<i32>().clone()),
        }
    }

    /// Row `i`'s text.
    fn at(&self, i: usize) -> Option<&str> {
        match self {
            Text::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Text::LargeUtf8(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Utf8View(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Dictionary { values, .. } => self.key(i).and_then(|k| values.at(k)),
        }
    }

    /// Row `i`'s dictionary entry (none for a column of strings, or a null).
    fn key(&self, i: usize) -> Option<usize> {
        match self {
            Text::Dictionary { keys, .. } => keys
                .is_valid(i)
                .then(|| usize::try_from(keys.value(i)).ok())
                .flatten(),
            _ => None,
        }
    }

    /// The entries of a dictionary (0 for a column of strings).
    fn entries(&self) -> usize {
        match self {
            Text::Dictionary { values, .. } => values.len(),
            _ => 0,
        }
    }

    /// The rows of a column of strings (the entries of a dictionary).
    fn len(&self) -> usize {
        match self {
            Text::Utf8(a) => a.len(),
            Text::LargeUtf8(a) => a.len(),
            Text::Utf8View(a) => a.len(),
            Text::Dictionary { keys, .. } => keys.len(),
        }
    }
}

/// A column as text: string, large string and string view columns as they are (read in place
/// by [`str_at`]: a polars frame hands over string views, a pyarrow or Parquet one large
/// strings, and a copy of every string cost a tenth of the whole evaluation); any other type
/// Arrow can cast to text (dictionary, integer ids) cast to string.
fn text_column(a: &ArrayRef, name: &str) -> Result<ArrayRef, EvalError> {
    if matches!(
        a.data_type(),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    ) {
        return Ok(a.clone());
    }
    arrow_cast::cast(a, &DataType::Utf8).map_err(|_| type_error(name, a.data_type(), "text"))
}

/// A `signals` column: text, or lists of text.
fn signal_column(a: &ArrayRef, name: &str) -> Result<ArrayRef, EvalError> {
    match a.data_type() {
        DataType::List(_) | DataType::LargeList(_) | DataType::ListView(_) => {
            let to = DataType::List(Arc::new(ArrowField::new_list_field(DataType::Utf8, true)));
            arrow_cast::cast(a, &to).map_err(|_| type_error(name, a.data_type(), "lists of text"))
        }
        _ => text_column(a, name),
    }
}

/// Row `i` of a column from [`text_column`].
fn str_at(a: &ArrayRef, i: usize) -> Option<&str> {
    if a.is_null(i) {
        return None;
    }
    Some(match a.data_type() {
        DataType::Utf8View => a.as_string_view().value(i),
        DataType::LargeUtf8 => a.as_string::<i64>().value(i),
        _ => a.as_string::<i32>().value(i),
    })
}

/// Row `i` of a signals column: the text as one item (the builder splits it at `;`), or the
/// list's items.
fn list_at(a: &ArrayRef, i: usize) -> Vec<&str> {
    if a.is_null(i) {
        return Vec::new();
    }
    match a.data_type() {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            str_at(a, i).into_iter().collect()
        }
        _ => {
            let list = a.as_list::<i32>();
            let offsets = list.value_offsets();
            let values = list.values().as_string::<i32>();
            (offsets[i] as usize..offsets[i + 1] as usize)
                .filter(|&j| values.is_valid(j))
                .map(|j| values.value(j))
                .collect()
        }
    }
}

/// The timestamp column: text as it is, or instants in UTC microseconds.
enum Times {
    Text(Text),
    /// Instants in a unit (what a microsecond is of it: times 1,000,000, times 1,000, 1, or
    /// divided by 1,000).
    Instants {
        values: Int64Array,
        unit: TimeUnit,
    },
}

impl Times {
    fn of(a: &ArrayRef, name: &str) -> Result<Times, EvalError> {
        let (values, unit) = match a.data_type() {
            DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Dictionary(..) => return Ok(Times::Text(Text::of(a, name)?)),
            DataType::Timestamp(TimeUnit::Second, _) => (
                a.as_primitive::<TimestampSecondType>().values(),
                TimeUnit::Second,
            ),
            DataType::Timestamp(TimeUnit::Millisecond, _) => (
                a.as_primitive::<TimestampMillisecondType>().values(),
                TimeUnit::Millisecond,
            ),
            DataType::Timestamp(TimeUnit::Microsecond, _) => (
                a.as_primitive::<TimestampMicrosecondType>().values(),
                TimeUnit::Microsecond,
            ),
            DataType::Timestamp(TimeUnit::Nanosecond, _) => (
                a.as_primitive::<TimestampNanosecondType>().values(),
                TimeUnit::Nanosecond,
            ),
            t => return Err(type_error(name, t, "timestamps or ISO 8601 text")),
        };
        Ok(Times::Instants {
            values: Int64Array::new(values.clone(), a.nulls().cloned()),
            unit,
        })
    }

    fn at(&self, i: usize) -> Option<Timestamp<'_>> {
        match self {
            Times::Text(a) => a.at(i).map(Timestamp::Text),
            Times::Instants { values, unit } => {
                if values.is_null(i) {
                    return None;
                }
                let v = values.value(i);
                Some(Timestamp::Micros(match unit {
                    TimeUnit::Second => v.saturating_mul(1_000_000),
                    TimeUnit::Millisecond => v.saturating_mul(1_000),
                    TimeUnit::Microsecond => v,
                    TimeUnit::Nanosecond => v.div_euclid(1_000),
                }))
            }
        }
    }
}
