//! Legal deadlines from Python: `legal=` (municipal terms and the holiday calendar, as a dict
//! or a `.json`/`.toml` file) in, the core's deadline rows out as a table.

use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Int64Array};
use dls_core::evaluation::time::date_to_day;
use dls_core::evaluation::{DeadlineRow, LegalConfig};
use pyo3::prelude::*;
use pyo3_arrow::PyTable;

use crate::errors::Failure;
use crate::table;

/// The core's legal settings for `obj` (`None`: the defaults).
pub fn legal_arg(obj: Option<&Bound<'_, PyAny>>) -> Result<LegalConfig, Failure> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(LegalConfig::default());
    };
    let bad = |e: dls_core::evaluation::EvalError| Failure::bad_input(e.to_string(), Some("legal"));
    if let Ok(path) = obj.extract::<PathBuf>() {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Core(dls_core::source::io_error(&name, &e).into()))?;
        return if name.to_ascii_lowercase().ends_with(".toml") {
            LegalConfig::from_toml(&text).map_err(bad)
        } else {
            LegalConfig::from_json(&text).map_err(bad)
        };
    }
    let value = crate::cases::to_json(obj, 0)?;
    LegalConfig::from_json(&value.to_string()).map_err(bad)
}

fn dates<'a>(values: impl Iterator<Item = Option<chrono::NaiveDate>> + 'a) -> ArrayRef {
    Arc::new(
        values
            .map(|d| d.map(|d| date_to_day(d) as i32))
            .collect::<Date32Array>(),
    )
}

/// Deadline rows as a table: `case`, `clock`, `start`, `due`, `stopped` (dates), `status`,
/// `days_over`.
pub fn deadlines_table<'a>(
    rows: impl Iterator<Item = &'a DeadlineRow> + Clone,
) -> Result<PyTable, Failure> {
    let r = || rows.clone();
    let status: Vec<String> = r()
        .map(|d| {
            serde_json::to_value(d.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .collect();
    table::table(vec![
        ("case", table::texts(r().map(|d| Some(d.case.as_str())))),
        ("clock", table::texts(r().map(|d| Some(d.clock.as_str())))),
        ("start", dates(r().map(|d| Some(d.start)))),
        ("due", dates(r().map(|d| Some(d.due)))),
        ("stopped", dates(r().map(|d| d.stopped))),
        (
            "status",
            table::texts(status.iter().map(|s| Some(s.as_str()))),
        ),
        (
            "days_over",
            Arc::new(r().map(|d| d.days_over).collect::<Int64Array>()),
        ),
    ])
}
