//! Event logs as they come, for the JVM and Swift: a [`LogMapping`] (a preset, a TOML or JSON
//! mapping, or its parts as a [`LogMappingRecord`]) and a file path (CSV, JSON lines, XES,
//! Parquet) in; the evaluation, the ingest report and the legal deadlines out
//! ([`evaluate_log`]), as Python's `dls.evaluate(path, mapping=…)` gives them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use dls_core::evaluation::{self, LegalConfig};

use crate::deadlines::DeadlineRecord;
use crate::error::{guard, invalid, DlsError};
use crate::objects::Directory;
use crate::records::EvaluationRecord;

/// How to read a log that was not written for dls: its column names, its activity names mapped
/// to dls's, extra columns kept as dimensions, and what becomes of rows that do not fit (see
/// the core's `LogMapping`).
#[derive(Debug, uniffi::Object)]
pub struct LogMapping {
    inner: evaluation::LogMapping,
}

/// The parts of a mapping, as its TOML or JSON form has them: every field optional.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct LogMappingRecord {
    /// The starting point: `dls` (absent: dls's own format, strict) or `pm4py` (the pm4py / XES
    /// conventions, lenient).
    #[uniffi(default = None)]
    pub preset: Option<String>,
    /// dls field (`case_id`, `timestamp`, `activity`, `organisation`, `kern`, …) to the log's
    /// column name.
    pub columns: HashMap<String, String>,
    /// The log's activity name to a dls activity (`opened`, `referred`, …).
    pub activities: HashMap<String, String>,
    /// Extra columns kept as dimensions to group by (e.g. `channel`).
    #[uniffi(default = [])]
    pub dimensions: Vec<String>,
    /// `reject` or `other` (kept as `other` events).
    #[uniffi(default = None)]
    pub unmapped_activities: Option<String>,
    /// `reject` or `clear` (the field cleared, the row kept with a warning).
    #[uniffi(default = None)]
    pub bad_optional: Option<String>,
    /// `reject` or `start_at_first_event`.
    #[uniffi(default = None)]
    pub without_opened: Option<String>,
}

#[uniffi::export]
impl LogMapping {
    /// A preset: `dls` or `pm4py` (also `xes`).
    #[uniffi::constructor]
    pub fn preset(name: String) -> Result<Arc<Self>, DlsError> {
        guard(|| wrap(evaluation::LogMapping::preset(name.trim())?))
    }

    /// A mapping in TOML (`preset`, `[columns]`, `[activities]`, `dimensions`, the policies).
    #[uniffi::constructor]
    pub fn from_toml(text: String) -> Result<Arc<Self>, DlsError> {
        guard(|| wrap(evaluation::LogMapping::from_toml(&text)?))
    }

    /// A mapping in JSON, with the keys of the TOML form.
    #[uniffi::constructor]
    pub fn from_json(text: String) -> Result<Arc<Self>, DlsError> {
        guard(|| wrap(evaluation::LogMapping::from_json(&text)?))
    }

    /// A mapping from its parts.
    #[uniffi::constructor]
    pub fn from_parts(parts: LogMappingRecord) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let mut o = serde_json::Map::new();
            let text = |s: Option<String>| s.map(serde_json::Value::String);
            let sorted = |m: HashMap<String, String>| {
                let m: std::collections::BTreeMap<String, String> = m.into_iter().collect();
                serde_json::to_value(m).unwrap_or_default()
            };
            for (k, v) in [
                ("preset", text(parts.preset)),
                ("unmapped_activities", text(parts.unmapped_activities)),
                ("bad_optional", text(parts.bad_optional)),
                ("without_opened", text(parts.without_opened)),
            ] {
                if let Some(v) = v {
                    o.insert(k.into(), v);
                }
            }
            o.insert("columns".into(), sorted(parts.columns));
            o.insert("activities".into(), sorted(parts.activities));
            o.insert("dimensions".into(), parts.dimensions.into());
            let json = serde_json::Value::Object(o).to_string();
            wrap(evaluation::LogMapping::from_json(&json)?)
        })
    }

    /// The extra dimensions the mapping keeps.
    pub fn dimensions(&self) -> Vec<String> {
        self.inner.dimensions.clone()
    }
}

fn wrap(inner: evaluation::LogMapping) -> Result<Arc<LogMapping>, DlsError> {
    Ok(Arc::new(LogMapping { inner }))
}

/// An evaluation of a log file, with what reading it did.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LogEvaluationRecord {
    /// The evaluation (rows read, used, rejected; per-case metrics; aggregates).
    pub evaluation: EvaluationRecord,
    /// `row N: kind field` for every row used with a warning (a bad optional field cleared, a
    /// case started without `opened`).
    pub warnings: Vec<String>,
    /// The log's activity names that map to no dls activity, with their number of rows.
    pub unmapped_activities: HashMap<String, u64>,
    /// The log's columns that no field reads.
    pub ignored_columns: Vec<String>,
    /// The dimensions the log can be grouped by: the built-in ones, then the mapping's extra
    /// ones.
    pub dimensions: Vec<String>,
    /// Every legal deadline of every case.
    pub deadlines: Vec<DeadlineRecord>,
    /// The overdue deadlines only.
    pub overdue: Vec<DeadlineRecord>,
    /// Years a deadline falls in that the holiday calendar's equated days do not cover.
    pub uncovered_years: Vec<i32>,
}

/// Evaluates the event log at `path` (`.csv`, `.jsonl`, `.xes` or `.parquet`) read through
/// `mapping` (absent: the format's default, dls's own columns; the XES conventions for
/// `.xes`), grouped by `group_by` (built-in dimensions and the mapping's extra ones; an unknown
/// one is an `InvalidInput` error listing them). `disclosure`, `directory` as for
/// `evaluate_csv`; `legal_json` and `as_of` as for `evaluate_deadlines`.
#[uniffi::export(default(mapping = None, disclosure = "publish", directory = None, legal_json = None, as_of = None))]
pub fn evaluate_log(
    path: String,
    group_by: Vec<String>,
    mapping: Option<Arc<LogMapping>>,
    disclosure: String,
    directory: Option<Arc<Directory>>,
    legal_json: Option<String>,
    as_of: Option<String>,
) -> Result<LogEvaluationRecord, DlsError> {
    guard(|| {
        let path = PathBuf::from(path);
        let format = evaluation::LogFormat::of_path(&path)?;
        let name = path.display().to_string();
        let file = std::fs::File::open(&path)
            .map_err(|e| dls_core::Error::from(dls_core::source::io_error(&name, &e)))?;
        let ingested = format.ingest_file(file, mapping.as_ref().map(|m| &m.inner))?;
        let legal = match legal_json {
            Some(j) => LegalConfig::from_json(&j)?,
            None => LegalConfig::default(),
        };
        let as_of = as_of.map(|s| instant(&s)).transpose()?;
        let options = evaluation::EvalOptions {
            group_by: ingested.log.group_by(&group_by)?,
            disclosure: disclosure.parse()?,
            directory: directory.map(|d| d.core().clone()),
            legal,
            as_of,
        };
        let ev = evaluation::evaluate(&ingested.log, &options);
        let d = evaluation::deadlines(&ev.per_case, &options.legal, as_of);
        Ok(LogEvaluationRecord {
            evaluation: EvaluationRecord::new(&ingested, &ev),
            warnings: ingested
                .warnings
                .iter()
                .map(|w| match &w.field {
                    Some(f) => format!("row {}: {} {f}", w.row, w.kind.as_str()),
                    None => format!("row {}: {}", w.row, w.kind.as_str()),
                })
                .collect(),
            unmapped_activities: ingested.unmapped_activities.clone().into_iter().collect(),
            ignored_columns: ingested.ignored_columns.clone(),
            dimensions: ingested
                .log
                .dimensions()
                .iter()
                .map(|d| d.to_string())
                .collect(),
            deadlines: d.rows.iter().map(DeadlineRecord::from).collect(),
            overdue: d.overdue().map(DeadlineRecord::from).collect(),
            uncovered_years: d.uncovered_years,
        })
    })
}

/// An ISO 8601 instant with an offset.
pub(crate) fn instant(s: &str) -> Result<DateTime<Utc>, DlsError> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| invalid("option `as_of` must be an ISO 8601 instant with an offset"))
}
