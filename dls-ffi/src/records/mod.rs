//! FFI mirror records: the shapes a host passes in and gets back, with explicit conversions
//! into and out of the core's shapes (its rows and tables).

use dls_core::Format;

use crate::error::DlsError;

mod case;
mod decision;
mod tables;

pub(crate) use case::case_of_json;
pub use case::{AttributeRecord, AttributeValueRecord, CaseRecord, TriedServiceRecord};
pub use decision::{
    BatchResult, CandidateRecord, ContactRecord, CoordinatorRecord, DecisionRecord,
    NeedDecisionRecord, PlanPartRecord,
};
pub use tables::{
    AggregateRecord, CaseMetricsRecord, CoverageRowRecord, EvaluationRecord, FiguresRecord,
};

/// A core enum's snake_case word, as its serde form writes it.
pub(crate) fn snake(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// `toml` or `json`, in any case.
pub(crate) fn format_of(name: &str) -> Result<Format, DlsError> {
    Ok(name.to_ascii_lowercase().parse::<Format>()?)
}
