//! Text columns held as dictionaries (a Parquet file's dictionary pages, a host's dictionary
//! arrays) are looked up once per dictionary entry rather than once per row: the log read must
//! be exactly the one read from the same columns as plain strings, rejections, warnings and
//! unmapped activities included, whatever the rows, under both strict and lenient mappings.
#![cfg(feature = "parquet")]

use std::sync::Arc;

use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, DictionaryArray, RecordBatch, StringArray};
use dls_core::evaluation::{self, Disclosure, EvalOptions, Ingested, LogMapping};
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use proptest::prelude::*;

const CASES: [&str; 5] = ["c1", "c2", "c3", "", "bad case!"];
const TIMES: [&str; 5] = [
    "2026-01-05T09:00:00Z",
    "2026-01-05T10:00:00+01:00",
    "2026-01-06T09:30:00.250Z",
    "2026-01-07T08:00:00Z",
    "yesterday",
];
const ACTIVITIES: [&str; 8] = [
    "opened",
    "referred",
    "accepted",
    "bounced",
    "closed",
    "nonsense",
    "",
    " referred ",
];
const ORGS: [&str; 5] = ["", "org-1", "org-2", " org-1 ", "bad org!"];
const KERNEN: [&str; 4] = ["", "KN1", "KN2", "bad kern!"];

/// One row: an index into each of the value lists above.
fn row() -> impl Strategy<Value = [usize; 5]> {
    [
        0..CASES.len(),
        0..TIMES.len(),
        0..ACTIVITIES.len(),
        0..ORGS.len(),
        0..KERNEN.len(),
    ]
}

const NAMES: [&str; 5] = ["case_id", "timestamp", "activity", "organisation", "kern"];
const VALUES: [&[&str]; 5] = [&CASES, &TIMES, &ACTIVITIES, &ORGS, &KERNEN];

/// The rows as record batches of `per_batch` rows: every column plain strings, or the
/// activity, organisation and kern columns dictionaries (keys in an order of their own, so that
/// the dictionary's order is not the rows').
fn batches(rows: &[[usize; 5]], per_batch: usize, dictionaries: bool) -> Vec<RecordBatch> {
    rows.chunks(per_batch.max(1))
        .map(|chunk| {
            let cols = (0..5).map(|k| {
                let cell = |r: &[usize; 5]| Some(VALUES[k][r[k]]).filter(|s| !s.is_empty());
                let a: ArrayRef = if dictionaries && k >= 2 {
                    // The entries backwards: key j is value n - 1 - j; an empty cell is null.
                    let n = VALUES[k].len();
                    let entries: StringArray = (0..n).map(|j| Some(VALUES[k][n - 1 - j])).collect();
                    let keys: arrow_array::Int32Array = chunk
                        .iter()
                        .map(|r| cell(r).map(|_| (n - 1 - r[k]) as i32))
                        .collect();
                    Arc::new(
                        DictionaryArray::<Int32Type>::try_new(keys, Arc::new(entries)).unwrap(),
                    )
                } else {
                    Arc::new(chunk.iter().map(cell).collect::<StringArray>())
                };
                (NAMES[k], a)
            });
            RecordBatch::try_from_iter(cols).unwrap()
        })
        .collect()
}

/// The rows as a Parquet file (dictionary pages, the Arrow writer's default), in row groups of
/// `per_group` rows.
fn parquet(rows: &[[usize; 5]], per_group: usize) -> Vec<u8> {
    let batches = batches(rows, rows.len().max(1), false);
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(per_group.max(1)))
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batches[0].schema(), Some(props)).unwrap();
    for b in &batches {
        w.write(b).unwrap();
    }
    w.close().unwrap();
    out
}

/// Everything read: the row accounting, the events, the evaluation.
fn summary(i: &Ingested) -> String {
    let opts = EvalOptions {
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    };
    format!(
        "{} {} {:?} {:?} {:?} {:?} {:?} {}",
        i.rows_read,
        i.rows_used,
        i.rejected,
        i.warnings,
        i.unmapped_activities,
        i.anomalies,
        i.log.events(),
        serde_json::to_string(&evaluation::evaluate(&i.log, &opts)).unwrap()
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn dictionary_columns_read_as_the_same_strings(
        rows in proptest::collection::vec(row(), 1..120),
        per_batch in 1usize..40,
        per_group in 1usize..60,
        lenient: bool,
    ) {
        let mapping = if lenient {
            LogMapping::from_toml(
                "preset = \"dls\"\nunmapped_activities = \"other\"\nbad_optional = \"clear\"\n\
                 without_opened = \"start_at_first_event\"\n",
            )
            .unwrap()
        } else {
            LogMapping::dls()
        };
        let plain = evaluation::ingest_arrow(&batches(&rows, per_batch, false), &mapping).unwrap();
        let want = summary(&plain);
        let dict = evaluation::ingest_arrow(&batches(&rows, per_batch, true), &mapping).unwrap();
        prop_assert_eq!(summary(&dict), want.clone());
        let file = evaluation::ingest_parquet_bytes(parquet(&rows, per_group), &mapping).unwrap();
        prop_assert_eq!(summary(&file), want);
    }
}
