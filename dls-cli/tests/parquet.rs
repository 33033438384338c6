//! `-o file.parquet` for `dls route` and `dls evaluate`: the same rows and values as the CSV
//! output of the same command, read back with the parquet crate's Arrow reader; a figure that
//! does not exist is null, never 0.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

use arrow_array::{Array, BooleanArray, Float64Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn pilot_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../dls-core/data/haarlemmermeer")
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("dls-cli-parquet-{}-{name}", std::process::id()))
}

fn dls(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_dls"))
        .args(args)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read_parquet(path: &Path) -> RecordBatch {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
    assert_eq!(batches.len(), 1, "small outputs are one batch");
    batches[0].clone()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The value at `row` of `col` as the CSV writes it (null: empty).
fn text(batch: &RecordBatch, col: usize, row: usize) -> String {
    let a = batch.column(col);
    if a.is_null(row) {
        return String::new();
    }
    match a.data_type() {
        DataType::Utf8 => a
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .value(row)
            .to_string(),
        DataType::Boolean => a
            .as_any()
            .downcast_ref::<BooleanArray>()
            .unwrap()
            .value(row)
            .to_string(),
        DataType::UInt64 => a
            .as_any()
            .downcast_ref::<UInt64Array>()
            .unwrap()
            .value(row)
            .to_string(),
        DataType::Float64 => {
            let v = a
                .as_any()
                .downcast_ref::<Float64Array>()
                .unwrap()
                .value(row);
            serde_json::Value::from(v).to_string()
        }
        other => panic!("unexpected column type {other}"),
    }
}

fn same_rows(parquet: &Path, csv: &Path) -> RecordBatch {
    let batch = read_parquet(parquet);
    let (header, rows) = read_csv(csv);
    let names: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, header);
    assert_eq!(batch.num_rows(), rows.len());
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.iter().enumerate() {
            assert_eq!(&text(&batch, j, i), v, "row {i}, column `{}`", header[j]);
        }
    }
    batch
}

#[test]
fn evaluate_writes_parquet_with_the_csv_figures_and_nulls_for_missing() {
    let events = pilot_folder().join("events.csv");
    let (pq, csv) = (tmp("eval.parquet"), tmp("eval.csv"));
    for out in [&pq, &csv] {
        dls(&[
            "evaluate",
            events.to_str().unwrap(),
            "--by",
            "kern,phase",
            "-o",
            out.to_str().unwrap(),
        ]);
    }
    let batch = same_rows(&pq, &csv);
    let schema = batch.schema();
    let median = schema.index_of("right_place_median_days").unwrap();
    assert_eq!(schema.field(median).data_type(), &DataType::Float64);
    assert_eq!(
        schema.field(schema.index_of("cases").unwrap()).data_type(),
        &DataType::UInt64
    );
    // suppressed cells of the pilot's kernen: null figures, not 0
    let suppressed = schema.index_of("suppressed").unwrap();
    let hidden: Vec<usize> = (0..batch.num_rows())
        .filter(|&i| !batch.column(suppressed).is_null(i))
        .collect();
    assert!(!hidden.is_empty());
    assert!(hidden.iter().all(|&i| batch.column(median).is_null(i)));
    let _ = std::fs::remove_file(&pq);
    let _ = std::fs::remove_file(&csv);
}

#[test]
fn route_writes_parquet_with_the_csv_decisions() {
    // the pilot's cases as a CSV file
    let cases = tmp("cases.csv");
    let mut w = csv::Writer::from_path(&cases).unwrap();
    w.write_record(["id", "kern", "needs", "age", "opened"])
        .unwrap();
    w.write_record([
        "p1",
        "hoofddorp",
        "zorg.wmo.begeleiding",
        "70",
        "2026-03-02",
    ])
    .unwrap();
    w.write_record([
        "p2",
        "nieuw-vennep",
        "sociale_zaken.schulden.hulp;zorg.wmo.begeleiding",
        "40",
        "2026-03-02",
    ])
    .unwrap();
    w.write_record(["p3", "nowhere", "zorg.wmo.begeleiding", "40", "2026-03-02"])
        .unwrap();
    w.flush().unwrap();
    let (pq, csv) = (tmp("route.parquet"), tmp("route.csv"));
    for out in [&pq, &csv] {
        // exit 1: one row could not be routed, and is written in its place with its error
        let _ = Command::new(env!("CARGO_BIN_EXE_dls"))
            .args([
                "route",
                pilot_folder().to_str().unwrap(),
                cases.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--quiet",
            ])
            .output()
            .unwrap();
    }
    let batch = same_rows(&pq, &csv);
    assert_eq!(batch.num_rows(), 4);
    let schema = batch.schema();
    assert_eq!(
        schema
            .field(schema.index_of("primary").unwrap())
            .data_type(),
        &DataType::Boolean
    );
    let _ = std::fs::remove_file(&pq);
    let _ = std::fs::remove_file(&csv);
    let _ = std::fs::remove_file(&cases);
}
