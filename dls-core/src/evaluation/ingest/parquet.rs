//! The Parquet reader: the row groups of a Parquet file decoded to Arrow record batches (the
//! `parquet` crate of the Apache Arrow project), only the columns the mapping reads, then read
//! like a host's table ([`ingest_arrow`](super::ingest_arrow)).

use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;

use super::arrow::push_rows;
use super::parallel::{Parsed, Spare};
use super::{EventLogBuilder, Ingested, LogMapping};
use crate::evaluation::error::EvalError;

fn malformed(what: &str) -> EvalError {
    EvalError::Malformed {
        format: "Parquet",
        problem: what.to_string(),
    }
}

/// Reads a Parquet event log (a file, or its bytes) through `mapping`; columns and types as
/// for [`ingest_arrow`](super::ingest_arrow). Columns no field reads are not decoded, and are
/// listed in [`Ingested::ignored_columns`]. The file is read into memory once (its compressed
/// size); its row groups are decoded and read on rayon's threads, merged in order (the result is
/// the same as one row after the other).
pub fn ingest_parquet<R: ChunkReader + 'static>(
    reader: R,
    mapping: &LogMapping,
) -> Result<Ingested, EvalError> {
    let len = usize::try_from(reader.len()).map_err(|_| malformed("the file is too large"))?;
    let data = reader
        .get_bytes(0, len)
        .map_err(|_| malformed("cannot read the file"))?;
    let meta = ArrowReaderMetadata::load(&data, ArrowReaderOptions::new())
        .map_err(|_| malformed("not a Parquet file, or its footer is damaged"))?;
    let cols = mapping.header_columns(meta.schema().fields().iter().map(|f| f.name().as_str()))?;
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
    let mask = ProjectionMask::roots(meta.parquet_schema(), wanted);
    let groups: Vec<usize> = (0..meta.metadata().num_row_groups()).collect();
    let mut b = EventLogBuilder::with_mapping(mapping);
    b.ignore_columns(&cols.ignored);
    let total: i64 = meta
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows())
        .sum();
    b.reserve(usize::try_from(total).unwrap_or(0));
    // Row groups a few at a time, each decoded and read by a builder of its own, merged into
    // `b` while the next ones are read: the rows of some groups, and the row number before them.
    let template = b.chunk_builder();
    // Builders of whole row groups are large: not kept for reuse (they would add to the peak
    // memory, for little: few are made).
    let spare = Spare::default();
    let mut pending: Option<(Parsed, u64)> = None;
    let mut rows = 0;
    for some in groups.chunks(GROUPS_AT_ONCE) {
        let merge = || {
            if let Some((parsed, offset)) = pending.take() {
                b.merge_parsed(parsed, offset, None);
            }
        };
        let (parsed, ()) = rayon::join(
            || {
                template.parse_chunks(some, &spare, |&g, cb| {
                    let batches = ParquetRecordBatchReaderBuilder::new_with_metadata(
                        data.clone(),
                        meta.clone(),
                    )
                    .with_projection(mask.clone())
                    .with_row_groups(vec![g])
                    .with_batch_size(64 * 1024)
                    .build()
                    .map_err(|_| malformed("cannot decode the file's columns"))?;
                    let mut n = 0;
                    for batch in batches {
                        let batch = batch.map_err(|_| {
                            malformed(&format!("cannot decode row group {} of the file", g + 1))
                        })?;
                        push_rows(cb, mapping, &batch, &mut n)?;
                    }
                    Ok::<u64, EvalError>(n)
                })
            },
            merge,
        );
        let parsed = parsed?;
        let n = parsed.rows();
        pending = Some((parsed, rows));
        rows += n;
    }
    if let Some((parsed, offset)) = pending {
        b.merge_parsed(parsed, offset, None);
    }
    drop(data);
    Ok(b.finish())
}

/// Row groups decoded before they are merged.
const GROUPS_AT_ONCE: usize = 2;

/// Reads a Parquet event log from its bytes.
pub fn ingest_parquet_bytes(data: Vec<u8>, mapping: &LogMapping) -> Result<Ingested, EvalError> {
    ingest_parquet(Bytes::from(data), mapping)
}
