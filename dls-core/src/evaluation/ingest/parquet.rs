//! The Parquet reader: the row groups of a Parquet file decoded to Arrow record batches (the
//! `parquet` crate of the Apache Arrow project), only the columns the mapping reads, then read
//! like a host's table ([`ingest_arrow`](super::ingest_arrow)).

use bytes::Bytes;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;

use super::arrow::ArrowEvents;
use super::{Ingested, LogMapping};
use crate::evaluation::error::EvalError;

fn malformed(what: &str) -> EvalError {
    EvalError::Malformed {
        format: "Parquet",
        problem: what.to_string(),
    }
}

/// Reads a Parquet event log (a file, or its bytes) through `mapping`; columns and types as
/// for [`ingest_arrow`](super::ingest_arrow). Columns no field reads are not decoded, and are
/// listed in [`Ingested::ignored_columns`].
pub fn ingest_parquet<R: ChunkReader + 'static>(
    reader: R,
    mapping: &LogMapping,
) -> Result<Ingested, EvalError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(reader)
        .map_err(|_| malformed("not a Parquet file, or its footer is damaged"))?;
    let schema = builder.schema().clone();
    let cols = mapping.header_columns(schema.fields().iter().map(|f| f.name().as_str()))?;
    let wanted: Vec<usize> = [cols.case_id, cols.timestamp, cols.activity]
        .into_iter()
        .chain(
            [
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
                cols.signals,
            ]
            .into_iter()
            .flatten(),
        )
        .chain(cols.dimensions.iter().copied())
        .collect();
    let mask = ProjectionMask::roots(builder.parquet_schema(), wanted);
    let batches = builder
        .with_projection(mask)
        .with_batch_size(64 * 1024)
        .build()
        .map_err(|_| malformed("cannot decode the file's columns"))?;
    let mut events = ArrowEvents::new(mapping);
    events.ignore_columns(&cols.ignored);
    for (k, b) in batches.enumerate() {
        let b = b.map_err(|_| malformed(&format!("cannot decode batch {} of the file", k + 1)))?;
        events.push_batch(&b)?;
    }
    Ok(events.finish())
}

/// Reads a Parquet event log from its bytes.
pub fn ingest_parquet_bytes(data: Vec<u8>, mapping: &LogMapping) -> Result<Ingested, EvalError> {
    ingest_parquet(Bytes::from(data), mapping)
}
