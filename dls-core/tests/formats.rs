//! Parquet and Arrow event logs: the municipal export (tests/fixtures/logs) written as Parquet
//! by the Apache Arrow writer, with a real timestamp column, reads as the same log as its CSV.
#![cfg(feature = "parquet")]

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray, TimestampMicrosecondArray};
use dls_core::evaluation::{self, Disclosure, EvalError, EvalOptions, Ingested, LogMapping};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/logs/");

fn mapping() -> LogMapping {
    LogMapping::from_toml(
        &std::fs::read_to_string(format!("{FIXTURES}municipal-pm4py.toml")).unwrap(),
    )
    .unwrap()
}

fn csv_text() -> String {
    std::fs::read_to_string(format!("{FIXTURES}municipal-pm4py.csv")).unwrap()
}

/// The valid rows of the CSV (the file has no quoted fields) as one record batch: text columns
/// as they are, the timestamp parsed by chrono into an Arrow timestamp (Europe/Amsterdam).
fn batch(rows_per_batch: usize) -> Vec<RecordBatch> {
    let text = csv_text();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|r| {
            !r[0].is_empty()
                && chrono::DateTime::parse_from_str(r[2], "%Y-%m-%d %H:%M:%S%.f%:z").is_ok()
        })
        .collect();
    assert_eq!(rows.len(), 19);
    rows.chunks(rows_per_batch)
        .map(|chunk| {
            let cols: Vec<(String, ArrayRef)> = header
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    let a: ArrayRef = if *name == "time:timestamp" {
                        let us = chunk.iter().map(|r| {
                            chrono::DateTime::parse_from_str(r[k], "%Y-%m-%d %H:%M:%S%.f%:z")
                                .unwrap()
                                .timestamp_micros()
                        });
                        Arc::new(
                            TimestampMicrosecondArray::from_iter_values(us)
                                .with_timezone("Europe/Amsterdam"),
                        )
                    } else {
                        Arc::new(
                            chunk
                                .iter()
                                .map(|r| Some(r[k]).filter(|s| !s.is_empty()))
                                .collect::<StringArray>(),
                        )
                    };
                    (name.to_string(), a)
                })
                .collect();
            RecordBatch::try_from_iter(cols).unwrap()
        })
        .collect()
}

fn parquet_bytes(batches: &[RecordBatch]) -> Vec<u8> {
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(7))
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batches[0].schema(), Some(props)).unwrap();
    for b in batches {
        w.write(b).unwrap();
    }
    w.close().unwrap();
    out
}

fn json(i: &Ingested) -> String {
    let opts = EvalOptions {
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    };
    serde_json::to_string(&evaluation::evaluate(&i.log, &opts)).unwrap()
}

#[test]
fn a_parquet_file_equals_the_same_log_as_csv() {
    let from_csv = evaluation::ingest_csv_mapped(csv_text().as_bytes(), &mapping()).unwrap();
    let file = parquet_bytes(&batch(5));
    let from_parquet = evaluation::ingest_parquet_bytes(file.clone(), &mapping()).unwrap();
    assert_eq!((from_parquet.rows_read, from_parquet.rows_used), (19, 19));
    assert_eq!(from_parquet.log.events(), from_csv.log.events());
    assert_eq!(json(&from_parquet), json(&from_csv));
    assert_eq!(
        from_parquet.unmapped_activities,
        from_csv.unmapped_activities
    );
    assert_eq!(
        from_parquet.ignored_columns,
        vec!["lifecycle:transition", "kanaal"]
    );
    // Row numbers run over the row groups: the cleared organisation is the 10th valid row.
    assert_eq!(from_parquet.warnings[0].row, 10);
    // The same batches handed over directly (a host's Arrow table) give the same log.
    let batches = batch(4);
    let direct = evaluation::ingest_arrow(&batches, &mapping()).unwrap();
    assert_eq!(json(&direct), json(&from_csv));
    // By path, through the format the extension names.
    let dir = std::env::temp_dir().join(format!("dls-formats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("export.parquet");
    std::fs::write(&path, &file).unwrap();
    let format = evaluation::LogFormat::of_path(&path).unwrap();
    let by_path = format
        .ingest_file(std::fs::File::open(&path).unwrap(), Some(&mapping()))
        .unwrap();
    assert_eq!(json(&by_path), json(&from_csv));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_parquet_and_bad_column_types_are_typed_errors() {
    let e = evaluation::ingest_parquet_bytes(b"PAR1 not really".to_vec(), &mapping()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "event log (Parquet): not a Parquet file, or its footer is damaged"
    );
    let numbers: ArrayRef = Arc::new(arrow_array::Int64Array::from(vec![1_767_600_000]));
    let ids: ArrayRef = Arc::new(arrow_array::Int64Array::from(vec![7]));
    let acts: ArrayRef = Arc::new(StringArray::from(vec!["opened"]));
    let b = RecordBatch::try_from_iter([
        ("case_id", ids.clone()),
        ("timestamp", numbers),
        ("activity", acts.clone()),
    ])
    .unwrap();
    let e = evaluation::ingest_arrow([&b], &LogMapping::dls()).unwrap_err();
    assert!(matches!(e, EvalError::ColumnType { .. }));
    assert_eq!(
        e.to_string(),
        "column `timestamp` has type Int64 where timestamps or ISO 8601 text is expected"
    );
    // Integer case ids are read as text; a nanosecond timestamp keeps its microseconds.
    let ns: ArrayRef = Arc::new(arrow_array::TimestampNanosecondArray::from(vec![
        1_767_600_000_123_456_789,
    ]));
    let b = RecordBatch::try_from_iter([("case_id", ids), ("timestamp", ns), ("activity", acts)])
        .unwrap();
    let ing = evaluation::ingest_arrow([&b], &LogMapping::dls()).unwrap();
    let e = &ing.log.events()[0];
    assert_eq!(e.case.as_str(), "7");
    assert_eq!(e.at.timestamp_micros(), 1_767_600_000_123_456);
}

/// A log large enough to be read in several parts and blocks (Parquet: parts of growing size
/// over several row groups; CSV: blocks of 8 MiB, the next read while the last is parsed) reads
/// the same from both: the same events, rejections at the same row numbers, the same
/// evaluation; and what it holds is what was written (counted here, not by the reader).
#[test]
fn a_large_log_reads_the_same_from_parquet_and_csv() {
    use arrow_array::TimestampSecondArray;
    let acts = ["opened", "referred", "accepted", "closed"];
    let n_cases = 70_000usize;
    let (mut case, mut at, mut act, mut org) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut csv = String::from("case_id,timestamp,activity,organisation\n");
    let mut bad = 0usize;
    for c in 0..n_cases {
        // Cases open in an order unlike their ids', so they are put in order.
        let open = 1_767_225_600 + ((c * 7919) % n_cases) as i64 * 60;
        for (k, a) in acts.iter().enumerate() {
            let row = case.len();
            // Every 997th row's activity (but an opening's) is no activity of the log: rejected.
            let a = if k > 0 && row % 997 == 996 {
                bad += 1;
                "nonsense"
            } else {
                a
            };
            let t = open + k as i64 * 3600;
            let o = if k == 0 { "" } else { "ORG00001" };
            let stamp = chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            csv.push_str(&format!("C{c:06},{stamp},{a},{o}\n"));
            case.push(format!("C{c:06}"));
            at.push(t);
            act.push(a);
            org.push(Some(o).filter(|o| !o.is_empty()));
        }
    }
    assert!(csv.len() > 8 << 20, "more than one block of CSV");
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("case_id", Arc::new(StringArray::from_iter_values(&case))),
        (
            "timestamp",
            Arc::new(TimestampSecondArray::from(at).with_timezone("UTC")),
        ),
        ("activity", Arc::new(StringArray::from_iter_values(act))),
        (
            "organisation",
            Arc::new(org.into_iter().collect::<StringArray>()),
        ),
    ];
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(100_000))
        .build();
    let mut file = Vec::new();
    let mut w = ArrowWriter::try_new(&mut file, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let mapping = LogMapping::dls();
    let from_csv = evaluation::ingest_csv_mapped(csv.as_bytes(), &mapping).unwrap();
    let from_parquet = evaluation::ingest_parquet_bytes(file, &mapping).unwrap();
    let rows = n_cases * acts.len();
    assert_eq!(
        (from_csv.rows_read, from_csv.rows_used),
        (rows as u64, (rows - bad) as u64)
    );
    assert_eq!(
        (from_parquet.rows_read, from_parquet.rows_used),
        (rows as u64, (rows - bad) as u64)
    );
    assert_eq!(from_parquet.log.case_count(), from_csv.log.case_count());
    assert_eq!(from_parquet.log.events(), from_csv.log.events());
    let rejected = |i: &Ingested| -> Vec<u64> { i.rejected.iter().map(|r| r.row).collect() };
    let expected: Vec<u64> = (1..=rows as u64)
        .filter(|r| r % 997 == 0 && (r - 1) % 4 != 0)
        .collect();
    // A CSV row is numbered by its line (the header is line 1), a Parquet row from 1.
    let lines: Vec<u64> = expected.iter().map(|r| r + 1).collect();
    assert_eq!(rejected(&from_csv), lines);
    assert_eq!(rejected(&from_parquet), expected);
    assert_eq!(json(&from_parquet), json(&from_csv));
}
