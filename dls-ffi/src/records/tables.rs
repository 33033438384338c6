//! Rows of tables: coverage ([`CoverageRowRecord`]) and an evaluation's summary
//! ([`EvaluationSummaryRecord`]).

use dls_core::coverage;

use super::snake;

/// One kern × leaf need × age band of a coverage analysis.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CoverageRowRecord {
    /// The kern id.
    pub kern: String,
    /// The kern's name.
    pub kern_name: String,
    /// The municipality code.
    pub municipality: String,
    /// The leaf need.
    pub need: String,
    /// The age band.
    pub age_band: String,
    /// `covered`, `escalation`, `steunpilaar`, `not_covered` or `gap`.
    pub status: String,
    /// True when no provider takes the need here.
    pub is_gap: bool,
    /// The service reached, if any.
    pub service: Option<String>,
    /// The deciding rule, if any.
    pub rule: Option<String>,
    /// Organisations offering the need here at equal standing, when two or more.
    pub overlap: Vec<String>,
}

impl From<coverage::CoverageRow> for CoverageRowRecord {
    fn from(r: coverage::CoverageRow) -> Self {
        CoverageRowRecord {
            is_gap: r.status.is_gap(),
            kern: r.kern.to_string(),
            kern_name: r.kern_name,
            municipality: r.municipality.to_string(),
            need: r.need.to_string(),
            age_band: r.age_band.to_string(),
            status: snake(r.status),
            service: r.service.map(|s| s.to_string()),
            rule: r.rule.map(|s| s.to_string()),
            overlap: r.overlap.into_iter().map(|o| o.to_string()).collect(),
        }
    }
}

/// A summary of an evaluation, for dashboards in a host system.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvaluationSummaryRecord {
    /// Input rows read.
    pub rows_read: u64,
    /// Rows used.
    pub rows_used: u64,
    /// Rows rejected, each reported with its row number and reason in `rejected`.
    pub rows_rejected: u64,
    /// `row N: reason` for every rejected row.
    pub rejected: Vec<String>,
    /// Cases evaluated.
    pub cases: u64,
    /// The aggregate table (disclosure-controlled unless `raw`) as JSON.
    pub aggregates_json: String,
}
