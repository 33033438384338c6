//! FFI mirror records: the shapes a host passes in and gets back, with explicit conversions
//! into and out of the core types.

use chrono::NaiveDate;
use dls_core::Format;

use crate::error::{invalid, DlsError};

mod case;
mod decision;
mod tables;

pub use case::{CaseNeedRecord, CaseRecord, TriedServiceRecord};
pub use decision::{
    BatchResult, CandidateRecord, ContactRecord, CoordinatorRecord, DecisionRecord,
    NeedDecisionRecord, OutcomeRecord, PlanPartRecord,
};
pub use tables::{CoverageRowRecord, EvaluationSummaryRecord};

/// A core enum's snake_case word, as its serde form writes it.
pub(crate) fn snake(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A date given as YYYY-MM-DD.
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, DlsError> {
    text.parse().map_err(|_| {
        invalid(format!(
            "invalid date `{}`: use YYYY-MM-DD",
            text.chars().take(20).collect::<String>()
        ))
    })
}

/// `toml` or `json`.
pub(crate) fn format_of(name: &str) -> Result<Format, DlsError> {
    match name.to_ascii_lowercase().as_str() {
        "toml" => Ok(Format::Toml),
        "json" => Ok(Format::Json),
        other => Err(invalid(format!(
            "unknown format `{}`: use `toml` or `json`",
            other.chars().take(20).collect::<String>()
        ))),
    }
}
