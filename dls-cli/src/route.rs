//! `dls route DIR cases.csv -o decisions.csv`: every case of a CSV file routed by the core's
//! batch call; one decision row per need, a row that could not be routed in its place with its
//! error.

use anyhow::Context;
use dls_core::routing::{RouteOptions, Router};
use dls_core::rows::{
    parse_date, BatchError, CaseRow, DecisionRow, TextColumns, DECISION_COLUMNS, ERROR_COLUMNS,
};
use serde_json::Value;

use crate::args::RouteArgs;
use crate::out::{load_rules, Sink};
use crate::parquet_out::Kind;
use crate::progress;
use crate::{EXIT_OK, EXIT_PROBLEMS};

/// Rows routed per call, so memory holds one chunk of records at a time.
const CHUNK: usize = 4096;

/// The row's values in the order of [`DECISION_COLUMNS`], then `error_kind` and `error`.
fn values(row: &DecisionRow<'_>, error: Option<(&str, String)>) -> anyhow::Result<Vec<Value>> {
    let obj = serde_json::to_value(row)?;
    let mut out: Vec<Value> = DECISION_COLUMNS
        .iter()
        .map(|c| obj.get(*c).cloned().unwrap_or(Value::Null))
        .collect();
    match error {
        Some((kind, message)) => out.extend([Value::from(kind), Value::from(message)]),
        None => out.extend([Value::Null, Value::Null]),
    }
    Ok(out)
}

pub(crate) fn run(a: &RouteArgs, quiet: bool) -> anyhow::Result<i32> {
    let date = a
        .date
        .as_deref()
        .map(|d| parse_date("date", d))
        .transpose()
        .context("option `--date`")?;
    let rules = load_rules(&a.dir)?;
    let router = Router::new(&rules);
    let name = a.cases.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(&a.cases)
        .with_context(|| format!("cannot read `{name}`"))?;
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("cannot read the header of `{name}`"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    // every column a case column or an attribute the directory declares, typed by it
    let text_columns = TextColumns::new(&header, router.directory().vocabulary())
        .with_context(|| format!("`{name}`"))?;
    let size = std::fs::metadata(&a.cases).map(|m| m.len()).unwrap_or(0);
    let bar = progress::bar(size, "routing", quiet);
    let columns: Vec<&str> = DECISION_COLUMNS
        .iter()
        .chain(ERROR_COLUMNS)
        .copied()
        .collect();
    // yes/no columns as booleans, the rest text
    let kinds: Vec<Kind> = columns
        .iter()
        .map(|c| match *c {
            "primary" | "cannot_get_through" => Kind::Bool,
            _ => Kind::Text,
        })
        .collect();
    let mut sink = Sink::create(Some(&a.output))?;
    sink.header(&columns, &kinds)?;
    let (mut cases, mut failed) = (0usize, 0usize);
    let mut records = Vec::with_capacity(CHUNK);
    let mut done = false;
    while !done {
        records.clear();
        for r in reader.records() {
            let r = r.with_context(|| format!("cannot read `{name}`"))?;
            records.push(r);
            if records.len() == CHUNK {
                break;
            }
        }
        done = records.len() < CHUNK;
        let rows: Vec<Result<CaseRow<'_>, BatchError>> = records
            .iter()
            .map(|rec| text_columns.row(|i| rec.get(i)).map_err(BatchError::from))
            .collect();
        let ok: Vec<CaseRow<'_>> = rows
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .cloned()
            .collect();
        let mut routed = router.route_rows(&ok, date, RouteOptions::FAST).into_iter();
        for (k, row) in rows.into_iter().enumerate() {
            let result = match row {
                Ok(_) => routed
                    .next()
                    .context("internal error: fewer decisions than cases")?,
                Err(e) => Err(e),
            };
            match result {
                Ok(decision) => {
                    for r in decision.rows() {
                        sink.row(&columns, &values(&r, None)?)?;
                    }
                }
                Err(e) => {
                    failed += 1;
                    let id = records[k]
                        .get(header.iter().position(|h| h == "id").unwrap_or(0))
                        .unwrap_or("");
                    let line = records[k].position().map_or(0, |p| p.line());
                    let message = format!("line {line}: {e}");
                    eprintln!("error: `{name}` {message}");
                    sink.row(
                        &columns,
                        &values(&DecisionRow::failed(id), Some((e.kind(), message)))?,
                    )?;
                }
            }
        }
        cases += records.len();
        if let Some(p) = records.last().and_then(|r| r.position()) {
            bar.set_position(p.byte());
        }
    }
    bar.finish_and_clear();
    sink.finish()?;
    eprintln!(
        "routed {} of {cases} case(s) into `{}`",
        cases - failed,
        a.output.display()
    );
    Ok(if failed == 0 { EXIT_OK } else { EXIT_PROBLEMS })
}
