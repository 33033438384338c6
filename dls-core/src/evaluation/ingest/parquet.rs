//! The Parquet reader: the row groups of a Parquet file decoded to Arrow record batches (the
//! `parquet` crate of the Apache Arrow project), only the columns the mapping reads, then read
//! like a host's table ([`ingest_arrow`](super::ingest_arrow)).

use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, FieldRef, Schema};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::{ChunkReader, Length};

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
/// listed in [`Ingested::ignored_columns`]. The rows are decoded a part at a time (the file's
/// pages read as they are needed), each part's batches read on rayon's threads and merged in
/// order (the result is the same as one row after the other).
pub fn ingest_parquet<R: ChunkReader + 'static>(
    reader: R,
    mapping: &LogMapping,
) -> Result<Ingested, EvalError> {
    // Not read into memory whole: the decoders of the row groups share the reader (one
    // decodes at a time), and read the pages they need.
    let data = Shared(Arc::new(reader));
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
    let meta = as_dictionaries(
        meta,
        &[
            Some(cols.activity),
            cols.organisation,
            cols.service,
            cols.kern,
            cols.need,
        ],
    );
    let mask = ProjectionMask::roots(meta.parquet_schema(), wanted);
    let mut b = EventLogBuilder::with_mapping(mapping);
    b.ignore_columns(&cols.ignored);
    let total: i64 = meta
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows())
        .sum();
    b.reserve(usize::try_from(total).unwrap_or(0));
    // The rows in parts of about `PART_ROWS`, as a pipeline on rayon's threads: while one
    // part's slices are read by builders of their own, the next part is decoded and the last
    // one's builders are merged into `b` (the rows of a part, and the row number before them).
    // Emptied builders are reused, so few rows are held twice and little memory is new.
    let template = b.chunk_builder();
    let spare = Spare::default();
    let mut source = Batches {
        data,
        meta,
        mask,
        next_group: 0,
        reader: None,
    };
    // The first parts are smaller (from two batches, doubling up to `PART_ROWS`), so that the
    // first part, decoded before anything else can run, is soon read on both cores.
    let mut part_rows = 2 * SLICE_ROWS;
    let mut next = source.next_part(part_rows)?;
    let mut pending: Option<(Parsed, u64)> = None;
    let mut rows = 0;
    while !next.is_empty() {
        let part = std::mem::take(&mut next);
        let merge = || {
            if let Some((parsed, offset)) = pending.take() {
                b.merge_parsed(parsed, offset, Some(&spare));
            }
        };
        let (decoded, (parsed, ())) = rayon::join(
            || {
                part_rows = (2 * part_rows).min(PART_ROWS);
                source.next_part(part_rows)
            },
            || {
                rayon::join(
                    || {
                        template.parse_chunks(&part, &spare, |batch, cb| {
                            let mut n = 0;
                            push_rows(cb, mapping, batch, &mut n)?;
                            Ok::<u64, EvalError>(n)
                        })
                    },
                    merge,
                )
            },
        );
        // A part's own error comes before the next part's.
        let parsed = parsed?;
        next = decoded?;
        if rows == 0 {
            // Room for the case ids of the whole file, estimated from the first part's.
            b.reserve_cases(parsed.cases_in(usize::try_from(total).unwrap_or(0)));
        }
        let n = parsed.rows();
        pending = Some((parsed, rows));
        rows += n;
    }
    if let Some((parsed, offset)) = pending {
        b.merge_parsed(parsed, offset, None);
    }
    drop(source);
    Ok(b.finish())
}

/// The file's metadata with the text columns `columns` (by field), where every row group keeps
/// them as a dictionary, decoded as Arrow dictionaries: each distinct text of a batch is then
/// looked up once, not once a row (see [`Known`](super::Known)). Any other column, or a file
/// the reader cannot read so, as it was.
fn as_dictionaries(meta: ArrowReaderMetadata, columns: &[Option<usize>]) -> ArrowReaderMetadata {
    let parquet = meta.parquet_schema();
    let groups = meta.metadata().row_groups();
    let dictionary = |field: usize| {
        // The column of a text field (a leaf of its own).
        let leaves: Vec<usize> = (0..parquet.num_columns())
            .filter(|&c| parquet.get_column_root_idx(c) == field)
            .collect();
        matches!(leaves[..], [c] if groups.iter().all(|g| g.column(c).dictionary_page_offset().is_some()))
    };
    let schema = meta.schema();
    let mut changed = false;
    let fields: Vec<FieldRef> = schema
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let text = matches!(f.data_type(), DataType::Utf8 | DataType::LargeUtf8);
            if text && columns.contains(&Some(i)) && dictionary(i) {
                changed = true;
                let t = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
                Arc::new(f.as_ref().clone().with_data_type(t))
            } else {
                f.clone()
            }
        })
        .collect();
    if !changed {
        return meta;
    }
    let schema = Schema::new_with_metadata(fields, schema.metadata().clone());
    let options = ArrowReaderOptions::new().with_schema(Arc::new(schema));
    ArrowReaderMetadata::try_new(meta.metadata().clone(), options).unwrap_or(meta)
}

/// Rows in a batch decoded (and read by one builder).
const SLICE_ROWS: usize = 32 * 1024;

/// Rows decoded at a time (whole batches): bounds the rows held decoded and not yet merged.
const PART_ROWS: usize = 512 * 1024;

/// A reader shared by the decoders of a file's row groups.
struct Shared<R>(Arc<R>);

impl<R> Clone for Shared<R> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<R: ChunkReader> Length for Shared<R> {
    fn len(&self) -> u64 {
        self.0.len()
    }
}

impl<R: ChunkReader> ChunkReader for Shared<R> {
    type T = R::T;

    fn get_read(&self, start: u64) -> parquet::errors::Result<R::T> {
        self.0.get_read(start)
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        self.0.get_bytes(start, length)
    }
}

/// The batches of a file's row groups, in order, decoded a part at a time.
struct Batches<R> {
    data: Shared<R>,
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
    /// The row group after the one being read.
    next_group: usize,
    /// The row group being read (its index) and its reader.
    reader: Option<(usize, ParquetRecordBatchReader)>,
}

impl<R: ChunkReader + 'static> Batches<R> {
    /// The next batches, about `part_rows` rows (fewer at the end; none after it).
    fn next_part(&mut self, part_rows: usize) -> Result<Vec<RecordBatch>, EvalError> {
        let mut part = Vec::new();
        let mut rows = 0;
        while rows < part_rows {
            let Some((g, reader)) = &mut self.reader else {
                if self.next_group == self.meta.metadata().num_row_groups() {
                    break;
                }
                let g = self.next_group;
                self.next_group += 1;
                let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(
                    self.data.clone(),
                    self.meta.clone(),
                )
                .with_projection(self.mask.clone())
                .with_row_groups(vec![g])
                .with_batch_size(SLICE_ROWS)
                .build()
                .map_err(|_| malformed("cannot decode the file's columns"))?;
                self.reader = Some((g, reader));
                continue;
            };
            match reader.next() {
                Some(Ok(batch)) => {
                    rows += batch.num_rows();
                    part.push(batch);
                }
                Some(Err(_)) => {
                    return Err(malformed(&format!(
                        "cannot decode row group {} of the file",
                        *g + 1
                    )))
                }
                None => self.reader = None,
            }
        }
        Ok(part)
    }
}

/// Reads a Parquet event log from its bytes.
pub fn ingest_parquet_bytes(data: Vec<u8>, mapping: &LogMapping) -> Result<Ingested, EvalError> {
    ingest_parquet(Bytes::from(data), mapping)
}
