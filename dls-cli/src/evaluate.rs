//! `dls evaluate events.csv --by kern,month -o out.parquet`: the aggregates of an event log, under
//! disclosure control unless `--disclosure raw`.

use std::fs::File;

use dls_core::evaluation::columns::{COUNT_COLUMNS, DISCLOSURE_COLUMN, NUMBER_COLUMNS};
use dls_core::evaluation::{self, Disclosure, EvalOptions};
use serde_json::Value;

use crate::args::{DisclosureArg, EvaluateArgs};
use crate::out::{load_directory, Sink};
use crate::parquet_out::Kind;
use crate::progress;
use crate::EXIT_OK;

/// The most rejected rows listed on stderr (all are counted).
const LISTED: usize = 20;

pub(crate) fn run(a: &EvaluateArgs, quiet: bool) -> anyhow::Result<i32> {
    let disclosure: Disclosure = match a.disclosure {
        DisclosureArg::Publish => "publish",
        DisclosureArg::Raw => "raw",
    }
    .parse()?;
    let directory = a.directory.as_deref().map(load_directory).transpose()?;
    let name = a.events.display().to_string();
    let format = evaluation::LogFormat::of_path(&a.events)?;
    let file = File::open(&a.events).map_err(|e| dls_core::source::io_error(&name, &e))?;
    let spinner = progress::spinner(&format!("reading `{name}`"), quiet);
    let mapping = a.mapping.as_deref().map(load_mapping).transpose()?;
    let timings = std::env::var_os("DLS_TIMINGS").is_some();
    let step = |name: &str, t: std::time::Instant| {
        if timings {
            eprintln!("timing: {name} {:.3} s", t.elapsed().as_secs_f64());
        }
    };
    let t = std::time::Instant::now();
    let ingested = format.ingest_file(file, mapping.as_ref())?;
    step("read", t);
    let t = std::time::Instant::now();
    // built-in dimensions and the extra ones the mapping keeps; an unknown one lists them
    let group_by = ingested.log.group_by(&a.by)?;
    spinner.set_message("evaluating");
    let options = EvalOptions {
        directory,
        group_by,
        disclosure,
        ..EvalOptions::default()
    };
    let state = evaluation::evaluate_state(&ingested.log, &options);
    let summary = state.finish(&options.disclosure);
    // The state's cells hold every case's durations: freed on a thread of its own, as the log
    // below.
    std::thread::spawn(move || drop(state));
    spinner.finish_and_clear();
    step("evaluate", t);
    let t = std::time::Instant::now();
    for r in ingested.rejected.iter().take(LISTED) {
        let field = r.field.as_deref().map(|f| format!(", field `{f}`"));
        eprintln!(
            "warning: `{name}` row {}{}: not used ({})",
            r.row,
            field.unwrap_or_default(),
            r.reason.as_str()
        );
    }
    if ingested.rejected.len() > LISTED {
        eprintln!(
            "warning: `{name}`: {} more rows not used",
            ingested.rejected.len() - LISTED
        );
    }
    eprintln!(
        "{} of {} rows used, {} cases",
        ingested.rows_used,
        ingested.rows_read,
        ingested.log.case_count()
    );
    if !ingested.warnings.is_empty() {
        eprintln!(
            "warning: `{name}`: {} rows used with a field cleared or a case started without `opened`",
            ingested.warnings.len()
        );
    }
    if !ingested.unmapped_activities.is_empty() {
        let list: Vec<String> = ingested
            .unmapped_activities
            .iter()
            .map(|(k, v)| format!("`{k}` ({v})"))
            .collect();
        eprintln!(
            "warning: `{name}`: activities with no mapping: {}",
            list.join(", ")
        );
    }
    if !ingested.ignored_columns.is_empty() {
        eprintln!(
            "note: `{name}`: columns not read: {}",
            ingested.ignored_columns.join(", ")
        );
    }

    let table = &summary.aggregates;
    let mut columns: Vec<&str> = table.group_by.iter().map(|d| d.as_str()).collect();
    columns.push("suppressed");
    columns.extend(COUNT_COLUMNS.iter().map(|c| c.0));
    columns.extend(NUMBER_COLUMNS.iter().map(|c| c.0));
    columns.push(DISCLOSURE_COLUMN);
    let label = table.disclosure.label();
    let mut kinds = vec![Kind::Text; table.group_by.len() + 1];
    kinds.extend(COUNT_COLUMNS.iter().map(|_| Kind::Count));
    kinds.extend(NUMBER_COLUMNS.iter().map(|_| Kind::Number));
    kinds.push(Kind::Text);
    let mut sink = Sink::create(a.output.as_deref())?;
    sink.header(&columns, &kinds)?;
    for row in &table.rows {
        let mut values: Vec<Value> = row.key.iter().map(|k| Value::from(k.clone())).collect();
        values.push(match row.suppressed {
            Some(s) => serde_json::to_value(s)?,
            None => Value::Null,
        });
        let f = row.figures.as_ref();
        values.extend(COUNT_COLUMNS.iter().map(|(_, g)| Value::from(f.map(g))));
        values.extend(
            NUMBER_COLUMNS
                .iter()
                .map(|(_, g)| Value::from(f.and_then(g))),
        );
        values.push(Value::from(label));
        sink.row(&columns, &values)?;
    }
    sink.finish()?;
    step("write", t);
    // Freeing a large log takes a while: on a thread of its own, so that the process can end
    // without waiting for it (the command line also runs inside a Python process, which must
    // get the memory back).
    std::thread::spawn(move || drop(ingested));
    Ok(EXIT_OK)
}

/// A mapping preset by name, or a mapping file (`.toml` or `.json`).
fn load_mapping(arg: &str) -> anyhow::Result<evaluation::LogMapping> {
    if let Ok(m) = evaluation::LogMapping::preset(arg) {
        return Ok(m);
    }
    let text = std::fs::read_to_string(arg).map_err(|e| dls_core::source::io_error(arg, &e))?;
    Ok(if arg.to_ascii_lowercase().ends_with(".json") {
        evaluation::LogMapping::from_json(&text)?
    } else {
        evaluation::LogMapping::from_toml(&text)?
    })
}
