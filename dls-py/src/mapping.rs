//! Log mappings from Python: `mapping=` is a preset name (`"dls"`, `"pm4py"`), the path of a
//! TOML or JSON mapping file, or a dict with the keys of the file form (`preset`, `columns`,
//! `activities`, `dimensions`, `unmapped_activities`, `bad_optional`, `without_opened`). The
//! core reads it.

use std::path::PathBuf;

use dls_core::evaluation::LogMapping;
use pyo3::prelude::*;

use crate::errors::Failure;

/// The core's mapping for `obj` (`None`: none given, the format's default).
pub fn mapping_arg(obj: Option<&Bound<'_, PyAny>>) -> Result<Option<LogMapping>, Failure> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    read(obj).map(Some)
}

fn read(obj: &Bound<'_, PyAny>) -> Result<LogMapping, Failure> {
    let bad =
        |e: dls_core::evaluation::EvalError| Failure::bad_input(e.to_string(), Some("mapping"));
    if let Ok(s) = obj.extract::<String>() {
        if let Ok(m) = LogMapping::preset(&s) {
            return Ok(m);
        }
    }
    if let Ok(path) = obj.extract::<PathBuf>() {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Core(dls_core::source::io_error(&name, &e).into()))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        return match ext.as_deref() {
            Some("toml") => LogMapping::from_toml(&text).map_err(bad),
            Some("json") => LogMapping::from_json(&text).map_err(bad),
            _ => Err(Failure::bad_input(
                format!("a mapping is a preset (`dls`, `pm4py`) or a `.toml` or `.json` file, not `{name}`"),
                Some("mapping"),
            )),
        };
    }
    let value = crate::cases::to_json(obj, 0)?;
    LogMapping::from_json(&value.to_string()).map_err(bad)
}
