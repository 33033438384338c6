//! The three objects: a validated [`Directory`], a [`RuleSet`] validated against it, and the
//! [`Router`] compiled from a rule set.

use std::path::PathBuf;
use std::sync::Arc;

use dls_core::routing::{self, RouteOptions};
use dls_core::{coverage, pilot};
use rayon::prelude::*;

use crate::error::{guard, invalid, DlsError, ProblemRecord};
use crate::records::{
    format_of, parse_date, BatchResult, CaseRecord, CoverageRowRecord, DecisionRecord,
};

/// A validated directory: areas, needs, organisations and services.
#[derive(Debug, uniffi::Object)]
pub struct Directory {
    inner: dls_core::Directory,
}

#[uniffi::export]
impl Directory {
    /// Parses and validates a directory from one text; `format` is `toml` or `json`, `file`
    /// names the source in errors.
    #[uniffi::constructor]
    pub fn from_text(text: String, format: String, file: String) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let inner = dls_core::Directory::from_str(&text, format_of(&format)?, &file)?;
            Ok(Arc::new(Directory { inner }))
        })
    }

    /// Reads and validates a directory from files (`.toml` or `.json`, merged in order).
    #[uniffi::constructor]
    pub fn from_files(paths: Vec<String>) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            Ok(Arc::new(Directory {
                inner: dls_core::Directory::from_files(&paths)?,
            }))
        })
    }

    /// The embedded Haarlemmermeer pilot directory.
    #[uniffi::constructor]
    pub fn pilot() -> Arc<Self> {
        Arc::new(Directory {
            inner: pilot::directory(),
        })
    }

    /// Number of kernen.
    pub fn kern_count(&self) -> u32 {
        self.inner.areas().kernen().len() as u32
    }

    /// Number of services.
    pub fn service_count(&self) -> u32 {
        self.inner.services().len() as u32
    }
}

/// A rule set validated against a directory: only a valid one exists.
#[derive(Debug, uniffi::Object)]
pub struct RuleSet {
    inner: dls_core::RuleSet,
}

#[uniffi::export]
impl RuleSet {
    /// Parses one rule file's text and validates it against `directory`.
    #[uniffi::constructor]
    pub fn from_text(
        directory: Arc<Directory>,
        text: String,
        format: String,
        file: String,
    ) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let inner =
                dls_core::RuleSet::from_str(&directory.inner, &text, format_of(&format)?, &file)?;
            Ok(Arc::new(RuleSet { inner }))
        })
    }

    /// Reads rule files (merged in order, one per layer is usual) and validates them.
    #[uniffi::constructor]
    pub fn from_files(
        directory: Arc<Directory>,
        paths: Vec<String>,
    ) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            Ok(Arc::new(RuleSet {
                inner: dls_core::RuleSet::from_files(&directory.inner, &paths)?,
            }))
        })
    }

    /// The embedded Haarlemmermeer pilot rule set (national, regional and municipal layers).
    #[uniffi::constructor]
    pub fn pilot() -> Arc<Self> {
        Arc::new(RuleSet {
            inner: pilot::rules(),
        })
    }

    /// Warnings found by validation (errors would have stopped construction).
    pub fn warnings(&self) -> Vec<ProblemRecord> {
        self.inner
            .warnings()
            .iter()
            .map(ProblemRecord::from)
            .collect()
    }

    /// Number of rules.
    pub fn rule_count(&self) -> u32 {
        self.inner.data().rules.len() as u32
    }

    /// Coverage on `date` (YYYY-MM-DD), optionally for one municipality (CBS code): one row per
    /// kern × leaf need × age band, with gaps and overlaps.
    pub fn coverage(
        &self,
        date: String,
        municipality: Option<String>,
    ) -> Result<Vec<CoverageRowRecord>, DlsError> {
        guard(|| {
            let municipality = match municipality {
                Some(m) => Some(
                    m.parse()
                        .map_err(|e: dls_core::ids::IdError| invalid(e.to_string()))?,
                ),
                None => None,
            };
            let options = coverage::CoverageOptions {
                date: parse_date(&date)?,
                municipality,
            };
            Ok(coverage::analyse(&self.inner, &options)
                .rows
                .into_iter()
                .map(CoverageRowRecord::from)
                .collect())
        })
    }
}

/// A router compiled from a rule set; thread-safe and cheap to share.
#[derive(Debug, uniffi::Object)]
pub struct Router {
    inner: routing::Router,
}

#[uniffi::export]
impl Router {
    /// Compiles a router from a validated rule set.
    #[uniffi::constructor]
    pub fn new(rules: Arc<RuleSet>) -> Arc<Self> {
        Arc::new(Router {
            inner: routing::Router::new(&rules.inner),
        })
    }

    /// Routes one household on `date` (YYYY-MM-DD; the case's `opened` date when absent).
    /// With `trace`, every need explains why each other candidate lost.
    pub fn route(
        &self,
        case: CaseRecord,
        date: Option<String>,
        trace: bool,
    ) -> Result<DecisionRecord, DlsError> {
        guard(|| {
            let case = dls_core::Case::try_from(case)?;
            let date = routing::date_for(&case, date.as_deref().map(parse_date).transpose()?)?;
            let options = RouteOptions { trace };
            Ok(DecisionRecord::from(
                &self.inner.route_with(&case, date, options)?,
            ))
        })
    }

    /// Routes one household given as JSON in the case file format (see the case JSON Schema).
    pub fn route_json(
        &self,
        case_json: String,
        date: Option<String>,
        trace: bool,
    ) -> Result<DecisionRecord, DlsError> {
        guard(|| {
            let case: dls_core::Case = serde_json::from_str(&case_json)
                .map_err(|e| invalid(format!("invalid case JSON: {e}")))?;
            let date = routing::date_for(&case, date.as_deref().map(parse_date).transpose()?)?;
            Ok(DecisionRecord::from(&self.inner.route_with(
                &case,
                date,
                RouteOptions { trace },
            )?))
        })
    }

    /// Routes again after a service rejected the case or never answered: the next decision
    /// without that service, marked as "could not get through".
    pub fn reroute(
        &self,
        case: CaseRecord,
        date: Option<String>,
        service: String,
        outcome: String,
    ) -> Result<DecisionRecord, DlsError> {
        guard(|| {
            let case = dls_core::Case::try_from(case)?;
            let date = routing::date_for(&case, date.as_deref().map(parse_date).transpose()?)?;
            let previous = self.inner.route_with(&case, date, RouteOptions::FAST)?;
            let activity = match outcome.as_str() {
                "rejected" => dls_core::Activity::Rejected,
                "no_response" => dls_core::Activity::NoResponse,
                other => {
                    return Err(invalid(format!(
                        "unknown outcome `{}`: use `rejected` or `no_response`",
                        other.chars().take(20).collect::<String>()
                    )))
                }
            };
            let event = dls_core::Event {
                case: case.id().clone(),
                at: date.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc(),
                activity,
                organisation: None,
                service: Some(
                    service
                        .parse()
                        .map_err(|e: dls_core::ids::IdError| invalid(e.to_string()))?,
                ),
                kern: None,
                need: None,
                reason: None,
            };
            Ok(DecisionRecord::from(&self.inner.reroute(
                &case,
                &previous,
                &event,
                RouteOptions::TRACE,
            )?))
        })
    }

    /// Routes many households in parallel on the Rust side, without traces; one result per
    /// case, in order: a decision, or the reason the case could not be routed.
    pub fn route_batch(
        &self,
        cases: Vec<CaseRecord>,
        date: Option<String>,
    ) -> Result<Vec<BatchResult>, DlsError> {
        guard(|| {
            let date = date.as_deref().map(parse_date).transpose()?;
            // Records in and out are converted on all cores, like the routing itself.
            let converted: Vec<Result<dls_core::Case, String>> = cases
                .into_par_iter()
                .map(|c| dls_core::Case::try_from(c).map_err(|e| e.to_string()))
                .collect();
            let mut parsed = Vec::with_capacity(converted.len());
            let mut bad = Vec::new();
            for (i, c) in converted.into_iter().enumerate() {
                match c {
                    Ok(c) => parsed.push(c),
                    Err(reason) => bad.push((i, reason)),
                }
            }
            let routed: Vec<BatchResult> = self
                .inner
                .route_batch(&parsed, date, RouteOptions::FAST)
                .into_par_iter()
                .map(|r| match r {
                    Ok(d) => BatchResult {
                        decision: Some(DecisionRecord::from(&d)),
                        error: None,
                    },
                    Err(e) => BatchResult {
                        decision: None,
                        error: Some(e.to_string()),
                    },
                })
                .collect();
            let total = routed.len() + bad.len();
            let mut routed = routed.into_iter();
            let mut bad = bad.into_iter().peekable();
            let mut out = Vec::with_capacity(total);
            for i in 0..total {
                if bad.peek().is_some_and(|(b, _)| *b == i) {
                    let (_, reason) = bad.next().unwrap_or_default();
                    out.push(BatchResult {
                        decision: None,
                        error: Some(reason),
                    });
                } else {
                    out.push(routed.next().ok_or_else(|| DlsError::Internal {
                        reason: "batch lost a result".into(),
                    })?);
                }
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::pilot_cases;

    #[test]
    fn a_batch_keeps_the_order_and_reports_bad_cases_in_their_place() {
        let router = Router::new(RuleSet::pilot());
        let mut cases = Vec::new();
        for (i, c) in pilot_cases().into_iter().cycle().take(300).enumerate() {
            let mut c = c;
            c.id = format!("{}-{i}", c.id);
            match i % 7 {
                3 => c.needs.clear(),            // no needs: cannot become a case
                5 => c.kern = "atlantis".into(), // a case, but no such kern: a routing error
                _ => {}
            }
            cases.push(c);
        }
        let batch = router.route_batch(cases.clone(), None).expect("batch");
        assert_eq!(batch.len(), cases.len());
        for (i, (c, r)) in cases.into_iter().zip(batch).enumerate() {
            match router.route(c, None, false) {
                Ok(d) => assert_eq!(r.decision, Some(d), "case {i}"),
                Err(_) => assert!(r.decision.is_none() && r.error.is_some(), "case {i}"),
            }
            assert_eq!(r.error.is_some(), i % 7 == 3 || i % 7 == 5, "case {i}");
        }
    }
}
