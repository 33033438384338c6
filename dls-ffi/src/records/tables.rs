//! Rows of tables: coverage ([`CoverageRowRecord`]) and an evaluation ([`EvaluationRecord`]:
//! per-case metrics and aggregate cells, with the column names of the shared goldens).

use dls_core::coverage::CoverageRow;
use std::collections::HashMap;
use std::sync::Arc;

use dls_core::evaluation::{CaseMetrics, Dim, Evaluation, Figures, Ingested};

fn text(v: &Option<Arc<str>>) -> Option<String> {
    v.as_deref().map(str::to_string)
}

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
    /// The age band (a reporting group the directory declares, or one of the default five).
    pub age_band: String,
    /// The youngest age, in years, of the stretch of the band this row stands for.
    pub age_min: u8,
    /// The oldest age, in years, of the stretch of the band this row stands for.
    pub age_max: u8,
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

impl From<&CoverageRow> for CoverageRowRecord {
    fn from(r: &CoverageRow) -> Self {
        CoverageRowRecord {
            is_gap: r.status.is_gap(),
            kern: r.kern.to_string(),
            kern_name: r.kern_name.clone(),
            municipality: r.municipality.to_string(),
            need: r.need.to_string(),
            age_band: r.age_band.clone(),
            age_min: r.age_min.years(),
            age_max: r.age_max.years(),
            status: r.status.as_str().to_string(),
            service: r.service.as_ref().map(|s| s.to_string()),
            rule: r.rule.as_ref().map(|s| s.to_string()),
            overlap: r.overlap.iter().map(|o| o.to_string()).collect(),
        }
    }
}

/// One case's metrics (internal use: not disclosure-controlled).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CaseMetricsRecord {
    /// The case id.
    pub case: String,
    /// Days from `opened` to the first contact; absent while open.
    pub first_contact_days: Option<f64>,
    /// Days from `opened` to the right place; absent while open.
    pub right_place_days: Option<f64>,
    /// The case reached the right place.
    pub reached_right_place: bool,
    /// Referrals.
    pub handoffs: u32,
    /// Rejections and no-responses.
    pub bounces: u32,
    /// Referrals back to an organisation already referred to.
    pub loops: u32,
    /// Distinct organisations touched.
    pub organisations: u32,
    /// Escalations.
    pub escalations: u32,
    /// The question was resolved.
    pub resolved: bool,
    /// Reopened within 90 days of closing.
    pub reopened: bool,
    /// The case's kern, if stated.
    pub kern: Option<String>,
    /// The case's municipality (CBS code): stated, else the directory's for the kern.
    pub municipality: Option<String>,
    /// The case's region: stated, else the directory's for the kern's municipality.
    pub region: Option<String>,
    /// The case's domain: stated, or the first segment of its need.
    pub domain: Option<String>,
    /// The pilot phase label, if stated.
    pub phase: Option<String>,
    /// The case's need.
    pub need: Option<String>,
    /// The organisation the case ended up with.
    pub organisation: Option<String>,
    /// When the case was opened (RFC 3339, UTC, to the microsecond).
    pub opened: String,
    /// The value of each extra dimension of the log (the columns its mapping keeps, e.g.
    /// `channel`), by name: the value of the case's earliest event that states one; null when
    /// none does. Every extra dimension of the log is a key, as every one is a column of
    /// Python's per-case table.
    pub dimensions: HashMap<String, Option<String>>,
}

impl From<&CaseMetrics> for CaseMetricsRecord {
    fn from(m: &CaseMetrics) -> Self {
        CaseMetricsRecord {
            case: m.case.to_string(),
            first_contact_days: m.first_contact_days(),
            right_place_days: m.right_place_days(),
            reached_right_place: m.right_place_micros.is_some(),
            handoffs: m.handoffs,
            bounces: m.bounces,
            loops: m.loops,
            organisations: m.organisations,
            escalations: m.escalations,
            resolved: m.resolved,
            reopened: m.reopened,
            kern: text(&m.kern),
            municipality: text(&m.municipality),
            region: text(&m.region),
            domain: text(&m.domain),
            phase: text(&m.phase),
            need: text(&m.need),
            organisation: text(&m.organisation),
            opened: m
                .opened
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            dimensions: HashMap::new(),
        }
    }
}

/// One cell of the aggregate table: its key and, unless suppressed, its figures.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AggregateRecord {
    /// One value per dimension of `group_by`, in order (absent: not stated).
    pub key: Vec<Option<String>>,
    /// Why the figures are withheld: `primary` or `secondary` suppression; absent when shown.
    pub suppressed: Option<String>,
    /// The figures, absent when suppressed.
    pub figures: Option<FiguresRecord>,
}

/// The figures of one cell: counts (rounded when published), medians and 90th percentiles in
/// days, rates; the names of the columns of tests/fixtures/README.md.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[allow(missing_docs)]
pub struct FiguresRecord {
    pub cases: u64,
    pub first_contact_ended: u64,
    pub first_contact_open: u64,
    pub first_contact_median_days: Option<f64>,
    pub first_contact_p90_days: Option<f64>,
    pub right_place_ended: u64,
    pub right_place_open: u64,
    pub right_place_median_days: Option<f64>,
    pub right_place_p90_days: Option<f64>,
    pub handoffs: u64,
    pub bounces: u64,
    pub loops: u64,
    pub escalations: u64,
    pub resolved: u64,
    pub reopened: u64,
    pub handoffs_per_case: f64,
    pub organisations_per_case: f64,
    pub bounce_rate: f64,
    pub loop_rate: f64,
    pub escalation_rate: f64,
    pub resolved_rate: f64,
    pub reopened_rate: f64,
}

impl From<&Figures> for FiguresRecord {
    fn from(f: &Figures) -> Self {
        let (fc, rp) = (&f.first_contact, &f.right_place);
        FiguresRecord {
            cases: f.cases,
            first_contact_ended: fc.ended,
            first_contact_open: fc.open,
            first_contact_median_days: fc.median_days,
            first_contact_p90_days: fc.p90_days,
            right_place_ended: rp.ended,
            right_place_open: rp.open,
            right_place_median_days: rp.median_days,
            right_place_p90_days: rp.p90_days,
            handoffs: f.handoffs,
            bounces: f.bounces,
            loops: f.loops,
            escalations: f.escalations,
            resolved: f.resolved,
            reopened: f.reopened,
            handoffs_per_case: f.handoffs_per_case,
            organisations_per_case: f.organisations_per_case,
            bounce_rate: f.bounce_rate,
            loop_rate: f.loop_rate,
            escalation_rate: f.escalation_rate,
            resolved_rate: f.resolved_rate,
            reopened_rate: f.reopened_rate,
        }
    }
}

/// An evaluation of an event log, for dashboards in a host system.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct EvaluationRecord {
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
    /// Per-case metrics, in log order, with the case's dimensions (internal use: not
    /// disclosure-controlled).
    pub per_case: Vec<CaseMetricsRecord>,
    /// The dimensions of the aggregate table.
    pub group_by: Vec<String>,
    /// The aggregate table under the disclosure switch, in key order.
    pub aggregates: Vec<AggregateRecord>,
    /// What `aggregates` was made under, as every binding's `disclosure` column says: `raw`
    /// (internal use only, never to be published), `publish` (the default protections or
    /// stricter) or `custom`.
    pub disclosure: String,
}

/// The per-case records of `ev`, each with the values of the log's extra dimensions (the
/// metrics are in log order, as the values the core gives per case).
fn per_case(ingested: &Ingested, ev: &Evaluation) -> Vec<CaseMetricsRecord> {
    let log = &ingested.log;
    let extra: Vec<(String, Vec<Option<&str>>)> = log
        .dimensions()
        .into_iter()
        .filter_map(|d| match d {
            Dim::Extra(name) => {
                let values = log.extra_values(&name);
                Some((name, values))
            }
            _ => None,
        })
        .collect();
    ev.per_case
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut r = CaseMetricsRecord::from(m);
            r.dimensions = extra
                .iter()
                .map(|(name, values)| {
                    let v = values.get(i).copied().flatten().map(str::to_string);
                    (name.clone(), v)
                })
                .collect();
            r
        })
        .collect()
}

impl EvaluationRecord {
    /// The record of evaluation `ev` of the log `ingested`.
    pub fn new(ingested: &Ingested, ev: &Evaluation) -> Self {
        let table = &ev.summary.aggregates;
        EvaluationRecord {
            rows_read: ingested.rows_read,
            rows_used: ingested.rows_used,
            rows_rejected: ingested.rejected.len() as u64,
            rejected: ingested
                .rejected
                .iter()
                .map(|r| format!("row {}: {}", r.row, r.reason.as_str()))
                .collect(),
            cases: ev.summary.cases,
            per_case: per_case(ingested, ev),
            group_by: table.group_by.iter().map(|d| d.to_string()).collect(),
            aggregates: table
                .rows
                .iter()
                .map(|r| AggregateRecord {
                    key: r.key.clone(),
                    suppressed: r.suppressed.map(super::snake),
                    figures: r.figures.as_ref().map(FiguresRecord::from),
                })
                .collect(),
            disclosure: table.disclosure.label().to_string(),
        }
    }
}
