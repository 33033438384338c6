//! An Arrow event table reads the same whatever type its text columns have: string, large
//! string (pyarrow, Parquet written by polars), string view (a polars DataFrame handed over by
//! the Arrow C stream) and dictionary (pandas categoricals), the string types read in place
//! without a copy. Checked on the municipal export of tests/fixtures/logs against its CSV, nulls
//! and a cleared optional field included.
#![cfg(feature = "arrow")]

use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, DictionaryArray, LargeStringArray, RecordBatch, StringArray, StringViewArray,
};
use dls_core::evaluation::{self, Disclosure, EvalOptions, Ingested, LogMapping};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/logs/");

fn mapping() -> LogMapping {
    let text = std::fs::read_to_string(format!("{FIXTURES}municipal-pm4py.toml")).unwrap();
    LogMapping::from_toml(&format!("dimensions = [\"kanaal\"]\n{text}")).unwrap()
}

fn csv_text() -> String {
    std::fs::read_to_string(format!("{FIXTURES}municipal-pm4py.csv")).unwrap()
}

/// Builds a text column from its cells.
type Make = fn(Vec<Option<&str>>) -> ArrayRef;

/// Every row of the CSV (the file has no quoted fields), every column text, built by `make`
/// from the cells (empty: null), in batches of `rows_per_batch`.
fn batches(rows_per_batch: usize, make: fn(Vec<Option<&str>>) -> ArrayRef) -> Vec<RecordBatch> {
    let text = csv_text();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    rows.chunks(rows_per_batch)
        .map(|chunk| {
            let cols = header.iter().enumerate().map(|(k, name)| {
                let cells = chunk
                    .iter()
                    .map(|r| Some(r[k]).filter(|s| !s.is_empty()))
                    .collect();
                (name.to_string(), make(cells))
            });
            RecordBatch::try_from_iter(cols).unwrap()
        })
        .collect()
}

/// What matters of a read log; `header` is 1 for a CSV, whose row numbers count its header line
/// (a table's count its rows from 1).
fn json(i: &Ingested, header: u64) -> String {
    let opts = EvalOptions {
        disclosure: Disclosure::raw(),
        group_by: i.log.group_by(&["kern", "kanaal"]).unwrap(),
        ..EvalOptions::default()
    };
    let rejected: Vec<(u64, &str)> = i
        .rejected
        .iter()
        .map(|r| (r.row - header, r.reason.as_str()))
        .collect();
    let warnings: Vec<(u64, &str)> = i
        .warnings
        .iter()
        .map(|w| (w.row - header, w.kind.as_str()))
        .collect();
    format!(
        "{} {} {rejected:?} {warnings:?} {:?} {}",
        i.rows_read,
        i.rows_used,
        i.unmapped_activities,
        serde_json::to_string(&evaluation::evaluate(&i.log, &opts)).unwrap()
    )
}

#[test]
fn every_text_type_reads_as_the_csv() {
    let from_csv = evaluation::ingest_csv_mapped(csv_text().as_bytes(), &mapping()).unwrap();
    let want = json(&from_csv, 1);
    assert!(from_csv.rejected.len() == 2 && !from_csv.warnings.is_empty());
    let kinds: [(&str, Make); 4] = [
        ("string", |v| Arc::new(StringArray::from(v))),
        ("large string", |v| Arc::new(LargeStringArray::from(v))),
        ("string view", |v| Arc::new(StringViewArray::from(v))),
        ("dictionary", |v| {
            Arc::new(v.into_iter().collect::<DictionaryArray<Int32Type>>())
        }),
    ];
    for (name, make) in kinds {
        for per_batch in [3, 100] {
            let b = batches(per_batch, make);
            let got = evaluation::ingest_arrow(&b, &mapping()).unwrap();
            assert_eq!(json(&got, 0), want, "{name}, {per_batch} rows a batch");
            assert_eq!(got.log.events(), from_csv.log.events(), "{name}");
        }
    }
}
