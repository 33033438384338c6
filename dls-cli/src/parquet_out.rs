//! Rows written as Parquet (Snappy-compressed, one row group per 64 Ki rows), with a declared
//! type per column, so that a file's schema never depends on which values happened to occur.

use std::fs::File;
use std::sync::Arc;

use anyhow::Context;
use arrow_array::{ArrayRef, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde_json::Value;

/// Rows buffered before they are written as one batch.
const BATCH: usize = 65_536;

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Text (nullable).
    Text,
    /// Yes or no.
    Bool,
    /// A count.
    Count,
    /// A number (nullable: a figure that does not exist is null, never 0).
    Number,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Kind::Text => DataType::Utf8,
            Kind::Bool => DataType::Boolean,
            Kind::Count => DataType::UInt64,
            Kind::Number => DataType::Float64,
        }
    }
}

/// A Parquet file being written.
pub(crate) struct ParquetSink {
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    kinds: Vec<Kind>,
    rows: Vec<Vec<Value>>,
}

impl ParquetSink {
    /// Starts `file` with these columns.
    pub(crate) fn new(file: File, columns: &[&str], kinds: &[Kind]) -> anyhow::Result<Self> {
        anyhow::ensure!(
            columns.len() == kinds.len(),
            "internal error: {} columns, {} types",
            columns.len(),
            kinds.len()
        );
        let schema: SchemaRef = Arc::new(Schema::new(
            columns
                .iter()
                .zip(kinds)
                .map(|(c, k)| Field::new(*c, k.data_type(), true))
                .collect::<Vec<_>>(),
        ));
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .context("cannot start the Parquet file")?;
        Ok(ParquetSink {
            writer,
            schema,
            kinds: kinds.to_vec(),
            rows: Vec::new(),
        })
    }

    /// Adds a row (values in column order).
    pub(crate) fn row(&mut self, values: &[Value]) -> anyhow::Result<()> {
        self.rows.push(values.to_vec());
        if self.rows.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> anyhow::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        let columns: Vec<ArrayRef> = self
            .kinds
            .iter()
            .enumerate()
            .map(|(i, k)| column(*k, rows.iter().map(|r| r.get(i).unwrap_or(&Value::Null))))
            .collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .context("internal error: a Parquet batch")?;
        self.writer.write(&batch).context("cannot write Parquet")?;
        Ok(())
    }

    /// Writes what is buffered and the file's footer.
    pub(crate) fn finish(mut self) -> anyhow::Result<()> {
        self.flush()?;
        self.writer
            .close()
            .context("cannot finish the Parquet file")?;
        Ok(())
    }
}

/// One column from JSON values: null stays null (never 0 or empty text).
fn column<'a>(kind: Kind, values: impl Iterator<Item = &'a Value>) -> ArrayRef {
    match kind {
        Kind::Text => Arc::new(
            values
                .map(|v| match v {
                    Value::Null => None,
                    Value::String(s) => Some(s.clone()),
                    other => Some(other.to_string()),
                })
                .collect::<StringArray>(),
        ),
        Kind::Bool => Arc::new(values.map(Value::as_bool).collect::<BooleanArray>()),
        Kind::Count => Arc::new(values.map(Value::as_u64).collect::<UInt64Array>()),
        Kind::Number => Arc::new(values.map(Value::as_f64).collect::<Float64Array>()),
    }
}
