//! uniffi bindings of dls for Kotlin/JVM, Swift and Python.
//!
//! This crate converts and delegates: every rule of the domain lives in `dls-core`. It exposes
//! three objects — [`Directory`], [`RuleSet`] and [`Router`] — plus a few functions, FFI mirror
//! records with explicit conversions into and out of the core types, and one error enum,
//! [`DlsError`], whose variants keep the structure a host needs (validation problems keep their
//! file, item, field and row).
//!
//! No panic reaches the host: every exported call runs inside [`guard`], which turns a panic
//! into [`DlsError::Internal`].

#![forbid(unsafe_code)]

use std::panic::{catch_unwind, AssertUnwindSafe};

/// The library's allocations use mimalloc: every call converts records into and out of many
/// small strings, from as many host threads as call it, where mimalloc is much faster than the
/// system allocator. Memory handed to the host is freed through the library, so it stays in one
/// allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use dls_core::cases::{CaseAttributes, CaseData, CaseNeed, Consent, Situation, TriedService};
use dls_core::routing::{self, HouseholdDecision, NeedDecision, Outcome, RouteOptions};
use dls_core::{coverage, evaluation, pilot, Format};
use rayon::prelude::*;

uniffi::setup_scaffolding!();

// ------------------------------------------------------------------------------------ errors

/// Everything that can go wrong in a dls call, one variant per kind.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum DlsError {
    /// A directory or rule set failed validation; `problems` lists every problem found.
    #[error("{reason}")]
    Validation {
        /// A one-line summary.
        reason: String,
        /// Every problem, errors first, each with its location.
        problems: Vec<ProblemRecord>,
    },
    /// Input could not be read or parsed (syntax, types, unknown fields, size, nesting).
    #[error("{reason}")]
    Parse {
        /// What is wrong and where.
        reason: String,
        /// The file or source name, when known.
        file: Option<String>,
        /// 1-based line, 0 when unknown.
        line: u32,
        /// 1-based column, 0 when unknown.
        column: u32,
    },
    /// A case, date, id or option that does not fit (no primary need, unknown kern, bad date…).
    #[error("{reason}")]
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// A case could not be routed.
    #[error("{reason}")]
    Routing {
        /// Why.
        reason: String,
    },
    /// An internal failure (a bug in dls): the call was stopped before it could harm the host.
    #[error("{reason}")]
    Internal {
        /// What failed.
        reason: String,
    },
}

/// One validation problem with its location.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProblemRecord {
    /// `error` or `warning`.
    pub severity: String,
    /// The problem kind, e.g. `unknown_service` or `ambiguous`.
    pub kind: String,
    /// The file the item came from.
    pub file: Option<String>,
    /// The item, e.g. ``rule `gm-wmo` ``.
    pub item: Option<String>,
    /// The field within the item.
    pub field: Option<String>,
    /// The row, for tabular input.
    pub row: Option<u64>,
    /// What is wrong.
    pub message: String,
}

fn snake(value: impl serde::Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

impl From<&dls_core::Problem> for ProblemRecord {
    fn from(p: &dls_core::Problem) -> Self {
        ProblemRecord {
            severity: snake(p.severity),
            kind: snake(p.kind),
            file: p.location.file.clone(),
            item: p.location.item.clone(),
            field: p.location.field.clone(),
            row: p.location.row.map(|r| r as u64),
            message: p.message.clone(),
        }
    }
}

impl From<dls_core::Error> for DlsError {
    fn from(e: dls_core::Error) -> Self {
        let reason = e.to_string();
        match e {
            dls_core::Error::Validation(report) => DlsError::Validation {
                reason,
                problems: report.problems.iter().map(ProblemRecord::from).collect(),
            },
            dls_core::Error::Parse(p) => {
                let (file, line, column) = match &p {
                    dls_core::ParseError::Syntax {
                        file, line, column, ..
                    } => (Some(file.clone()), *line as u32, *column as u32),
                    dls_core::ParseError::Io { file, .. }
                    | dls_core::ParseError::UnknownFormat { file }
                    | dls_core::ParseError::Empty { file }
                    | dls_core::ParseError::TooLarge { file, .. } => (Some(file.clone()), 0, 0),
                    dls_core::ParseError::TooDeep { file, line, .. } => {
                        (Some(file.clone()), *line as u32, 0)
                    }
                    _ => (None, 0, 0),
                };
                DlsError::Parse {
                    reason,
                    file,
                    line,
                    column,
                }
            }
            dls_core::Error::Routing(_) => DlsError::Routing { reason },
            _ => DlsError::InvalidInput { reason },
        }
    }
}

impl From<dls_core::LoadError> for DlsError {
    fn from(e: dls_core::LoadError) -> Self {
        dls_core::Error::from(e).into()
    }
}

impl From<dls_core::ValidationReport> for DlsError {
    fn from(r: dls_core::ValidationReport) -> Self {
        dls_core::Error::from(r).into()
    }
}

impl From<dls_core::routing::RoutingError> for DlsError {
    fn from(e: dls_core::routing::RoutingError) -> Self {
        DlsError::Routing {
            reason: e.to_string(),
        }
    }
}

/// Runs `f`, turning a panic into [`DlsError::Internal`] so that none reaches the host.
pub fn guard<T>(f: impl FnOnce() -> Result<T, DlsError>) -> Result<T, DlsError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(DlsError::Internal {
            reason: format!("internal failure in dls: {what}"),
        })
    })
}

fn invalid(reason: impl Into<String>) -> DlsError {
    DlsError::InvalidInput {
        reason: reason.into(),
    }
}

fn parse_date(text: &str) -> Result<NaiveDate, DlsError> {
    text.parse().map_err(|_| {
        invalid(format!(
            "invalid date `{}`: use YYYY-MM-DD",
            text.chars().take(20).collect::<String>()
        ))
    })
}

fn format_of(name: &str) -> Result<Format, DlsError> {
    match name.to_ascii_lowercase().as_str() {
        "toml" => Ok(Format::Toml),
        "json" => Ok(Format::Json),
        other => Err(invalid(format!(
            "unknown format `{}`: use `toml` or `json`",
            other.chars().take(20).collect::<String>()
        ))),
    }
}

// ------------------------------------------------------------------------------------ objects

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

// ------------------------------------------------------------------------------------ records

/// One need of a case.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseNeedRecord {
    /// The need code, e.g. `zorg.wmo.huishouden`.
    pub need: String,
    /// True for the household's central question (exactly one per case).
    pub primary: bool,
}

/// A service the citizen already tried without success.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TriedServiceRecord {
    /// The service id.
    pub service: String,
    /// `rejected`, `no_response` or `waited_too_long`.
    pub outcome: String,
}

/// A household's case. No names or BSN: a pseudonymous id and coarse attributes only.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CaseRecord {
    /// Pseudonymous case id.
    pub id: String,
    /// The kern the household lives in.
    pub kern: String,
    /// The needs, exactly one primary.
    pub needs: Vec<CaseNeedRecord>,
    /// `child`, `youth`, `young_adult`, `adult` or `senior`.
    pub age_band: Option<String>,
    /// `single`, `couple`, `single_parent`, `family` or `other`.
    pub household: Option<String>,
    /// `normal` (when absent), `urgent` or `crisis`.
    pub urgency: Option<String>,
    /// `wmo`, `jeugdwet`, `participatiewet`, `wgs`, `zvw` or `wlz`.
    pub framework: Option<String>,
    /// Early signals, e.g. `rent_arrears`, `threatened_eviction`.
    pub signals: Vec<String>,
    /// Household income as a percentage of the social minimum.
    pub income_pct: Option<u16>,
    /// Services tried without success (the citizen "cannot get through").
    pub tried: Vec<TriedServiceRecord>,
    /// The citizen agreed to share the case with the organisations it is routed to.
    pub share_with_organisations: bool,
    /// The date opened, YYYY-MM-DD.
    pub opened: Option<String>,
}

impl TryFrom<CaseRecord> for dls_core::Case {
    type Error = DlsError;

    /// Field by field into the core's case data, then through the core's own checks (one
    /// primary need, …). Words (age band, urgency, …) are read as the case file format reads
    /// them; an error names the field.
    fn try_from(c: CaseRecord) -> Result<Self, DlsError> {
        fn id<T: std::str::FromStr<Err = dls_core::ids::IdError>>(
            field: &str,
            text: &str,
        ) -> Result<T, DlsError> {
            text.parse()
                .map_err(|e: dls_core::ids::IdError| invalid(format!("field `{field}`: {e}")))
        }
        fn word<T: serde::de::DeserializeOwned>(field: &str, text: &str) -> Result<T, DlsError> {
            use serde::de::IntoDeserializer;
            T::deserialize(text.into_deserializer())
                .map_err(|e: serde::de::value::Error| invalid(format!("field `{field}`: {e}")))
        }
        fn opt<T: serde::de::DeserializeOwned>(
            field: &str,
            text: Option<&str>,
        ) -> Result<Option<T>, DlsError> {
            text.map(|t| word(field, t)).transpose()
        }
        let needs = c
            .needs
            .iter()
            .map(|n| {
                Ok(CaseNeed {
                    need: id("needs.need", &n.need)?,
                    primary: n.primary,
                })
            })
            .collect::<Result<Vec<_>, DlsError>>()?;
        let attributes = CaseAttributes {
            age_band: opt("age_band", c.age_band.as_deref())?,
            household: opt("household", c.household.as_deref())?,
            urgency: opt("urgency", c.urgency.as_deref())?.unwrap_or_default(),
            framework: opt("framework", c.framework.as_deref())?,
            signals: c
                .signals
                .iter()
                .map(|s| word("signals", s))
                .collect::<Result<_, _>>()?,
            income_pct: c.income_pct,
        };
        let situation = if c.tried.is_empty() {
            Situation::DoesNotKnowWhere
        } else {
            Situation::CannotGetThrough {
                tried: c
                    .tried
                    .iter()
                    .map(|t| {
                        Ok(TriedService {
                            service: id("tried.service", &t.service)?,
                            outcome: word("tried.outcome", &t.outcome)?,
                        })
                    })
                    .collect::<Result<_, DlsError>>()?,
            }
        };
        let data = CaseData {
            id: id("id", &c.id)?,
            kern: id("kern", &c.kern)?,
            needs,
            attributes,
            situation,
            consent: Consent {
                share_with_organisations: c.share_with_organisations,
            },
            opened: c.opened.as_deref().map(parse_date).transpose()?,
        };
        dls_core::Case::try_from(data).map_err(|e| invalid(e.to_string()))
    }
}

impl From<&dls_core::Case> for CaseRecord {
    fn from(c: &dls_core::Case) -> Self {
        let a = c.attributes();
        CaseRecord {
            id: c.id().to_string(),
            kern: c.kern().to_string(),
            needs: c
                .needs()
                .iter()
                .map(|n| CaseNeedRecord {
                    need: n.need.to_string(),
                    primary: n.primary,
                })
                .collect(),
            age_band: a.age_band.map(|x| x.to_string()),
            household: a.household.map(|x| x.to_string()),
            urgency: Some(a.urgency.to_string()),
            framework: a.framework.map(|x| x.to_string()),
            signals: a.signals.iter().map(|s| s.to_string()).collect(),
            income_pct: a.income_pct,
            tried: c
                .situation()
                .tried()
                .iter()
                .map(|t| TriedServiceRecord {
                    service: t.service.to_string(),
                    outcome: snake(t.outcome),
                })
                .collect(),
            share_with_organisations: c.consent().share_with_organisations,
            opened: c.opened().map(|d| d.to_string()),
        }
    }
}

/// Where a need goes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum OutcomeRecord {
    /// A provider service.
    Service {
        /// The service.
        service: String,
        /// Its organisation.
        organisation: String,
    },
    /// The local steunpilaar (front door), by rule or as fallback.
    Steunpilaar {
        /// The service.
        service: String,
        /// Its organisation.
        organisation: String,
        /// True when no rule decided and the steunpilaar catches the need.
        fallback: bool,
    },
    /// An escalation body.
    Escalation {
        /// The service.
        service: String,
        /// Its organisation.
        organisation: String,
    },
    /// Nobody takes the need here.
    Gap {
        /// `no_rule`, `all_skipped` or `not_covered` (on purpose).
        reason: String,
    },
}

impl From<&Outcome> for OutcomeRecord {
    fn from(o: &Outcome) -> Self {
        match o {
            Outcome::Service {
                service,
                organisation,
            } => OutcomeRecord::Service {
                service: service.to_string(),
                organisation: organisation.to_string(),
            },
            Outcome::Steunpilaar {
                service,
                organisation,
                fallback,
            } => OutcomeRecord::Steunpilaar {
                service: service.to_string(),
                organisation: organisation.to_string(),
                fallback: *fallback,
            },
            Outcome::Escalation {
                service,
                organisation,
            } => OutcomeRecord::Escalation {
                service: service.to_string(),
                organisation: organisation.to_string(),
            },
            Outcome::Gap { reason } => OutcomeRecord::Gap {
                reason: snake(reason),
            },
        }
    }
}

/// One candidate rule in a need's trace.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CandidateRecord {
    /// The rule id.
    pub rule: String,
    /// Its layer: `national`, `region`, `municipality` or `kern`.
    pub layer: String,
    /// Its priority.
    pub priority: i32,
    /// Its target, e.g. `service:wmo-loket`.
    pub target: String,
    /// The verdict kind: `decided`, `out_of_area`, `overridden`, `condition_failed`,
    /// `ineligible`, `full`, `tried_already`, `lost_to`, …
    pub verdict: String,
    /// The verdict as a short sentence.
    pub reason: String,
}

/// The decision for one need.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NeedDecisionRecord {
    /// The need code.
    pub need: String,
    /// True for the primary need.
    pub primary: bool,
    /// Where it goes.
    pub outcome: OutcomeRecord,
    /// The deciding rule, if a rule decided.
    pub rule: Option<String>,
    /// The deciding rule's layer.
    pub layer: Option<String>,
    /// True when the decision passes over a service the citizen already tried.
    pub cannot_get_through: bool,
    /// One line: the need, where it goes and why.
    pub summary: String,
    /// Every candidate and its verdict (empty when routed without trace).
    pub trace: Vec<CandidateRecord>,
    /// What happened at the fallback step, if it was reached.
    pub fallback: Option<String>,
}

impl From<&NeedDecision> for NeedDecisionRecord {
    fn from(n: &NeedDecision) -> Self {
        let (trace, fallback) = match &n.trace {
            Some(t) => (
                t.candidates
                    .iter()
                    .map(|c| CandidateRecord {
                        rule: c.rule.to_string(),
                        layer: c.layer.to_string(),
                        priority: c.priority,
                        target: c.target.to_string(),
                        verdict: serde_json::to_value(&c.verdict)
                            .ok()
                            .and_then(|v| {
                                v.get("verdict")
                                    .and_then(|k| k.as_str())
                                    .map(str::to_string)
                            })
                            .unwrap_or_default(),
                        reason: c.verdict.to_string(),
                    })
                    .collect(),
                t.fallback.as_ref().map(|f| match f {
                    routing::FallbackTrace::Steunpilaar { service } => {
                        format!("steunpilaar `{service}`")
                    }
                    routing::FallbackTrace::SteunpilaarSkipped { service, reason } => {
                        format!("steunpilaar `{service}` skipped: {reason}")
                    }
                    routing::FallbackTrace::NoSteunpilaar => {
                        "no steunpilaar named for this kern".to_string()
                    }
                }),
            ),
            None => (Vec::new(), None),
        };
        NeedDecisionRecord {
            need: n.need.to_string(),
            primary: n.primary,
            outcome: OutcomeRecord::from(&n.outcome),
            rule: n.rule.as_ref().map(|r| r.to_string()),
            layer: n.layer.map(|l| l.to_string()),
            cannot_get_through: n.cannot_get_through,
            summary: n.summary(),
            trace,
            fallback,
        }
    }
}

/// A service and its organisation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactRecord {
    /// The service.
    pub service: String,
    /// Its organisation.
    pub organisation: String,
}

/// The household's coordinator (regisseur).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CoordinatorRecord {
    /// The coordinating service and organisation.
    pub contact: ContactRecord,
    /// `rule_set`, `primary_need` or `first_routed_need`.
    pub basis: String,
}

/// One organisation's part in the joint plan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanPartRecord {
    /// The organisation.
    pub organisation: String,
    /// Its services in the plan.
    pub services: Vec<String>,
    /// The needs it takes.
    pub needs: Vec<String>,
}

/// The decision for a household: one plan, one coordinator.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DecisionRecord {
    /// The case id.
    pub case_id: String,
    /// The kern.
    pub kern: String,
    /// The routing date, YYYY-MM-DD.
    pub date: String,
    /// Per need, primary first.
    pub needs: Vec<NeedDecisionRecord>,
    /// The coordinator, when two or more organisations are involved.
    pub coordinator: Option<CoordinatorRecord>,
    /// The household's single first point of contact.
    pub first_contact: Option<ContactRecord>,
    /// Who does what.
    pub plan: Vec<PlanPartRecord>,
    /// Needs no organisation takes.
    pub open_needs: Vec<String>,
    /// The whole decision as readable text.
    pub explanation: String,
}

fn contact(c: &routing::Contact) -> ContactRecord {
    ContactRecord {
        service: c.service.to_string(),
        organisation: c.organisation.to_string(),
    }
}

impl From<&HouseholdDecision> for DecisionRecord {
    fn from(d: &HouseholdDecision) -> Self {
        DecisionRecord {
            case_id: d.case.to_string(),
            kern: d.kern.to_string(),
            date: d.date.to_string(),
            needs: d.needs.iter().map(NeedDecisionRecord::from).collect(),
            coordinator: d.coordinator.as_ref().map(|c| CoordinatorRecord {
                contact: contact(&c.contact),
                basis: snake(c.basis),
            }),
            first_contact: d.plan.first_contact.as_ref().map(contact),
            plan: d
                .plan
                .parts
                .iter()
                .map(|p| PlanPartRecord {
                    organisation: p.organisation.to_string(),
                    services: p.services.iter().map(|s| s.to_string()).collect(),
                    needs: p.needs.iter().map(|n| n.to_string()).collect(),
                })
                .collect(),
            open_needs: d.plan.open_needs.iter().map(|n| n.to_string()).collect(),
            explanation: d.explain(),
        }
    }
}

/// One case's result in a batch.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchResult {
    /// The decision, when the case could be routed.
    pub decision: Option<DecisionRecord>,
    /// Why it could not, otherwise.
    pub error: Option<String>,
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

// ------------------------------------------------------------------------------------ functions

/// The embedded pilot's sample cases.
#[uniffi::export]
pub fn pilot_cases() -> Vec<CaseRecord> {
    pilot::cases().iter().map(CaseRecord::from).collect()
}

/// The embedded pilot's event timelines (CSV).
#[uniffi::export]
pub fn pilot_events_csv() -> String {
    pilot::EVENTS_CSV.to_string()
}

/// Evaluates an event log in CSV, grouped by `group_by` (e.g. `kern`, `month`, `phase`).
/// Figures are suppressed and rounded for publication unless `raw` is true.
#[uniffi::export]
pub fn evaluate_csv(
    csv: String,
    group_by: Vec<String>,
    raw: bool,
) -> Result<EvaluationSummaryRecord, DlsError> {
    guard(|| {
        let ingested = evaluation::ingest_csv_str(&csv).map_err(dls_core::Error::from)?;
        let dims = group_by
            .iter()
            .map(|g| g.parse::<evaluation::Dim>().map_err(dls_core::Error::from))
            .collect::<Result<Vec<_>, _>>()?;
        let options = evaluation::EvalOptions {
            group_by: dims,
            disclosure: if raw {
                evaluation::Disclosure::raw()
            } else {
                evaluation::Disclosure::default()
            },
            ..evaluation::EvalOptions::default()
        };
        let ev = evaluation::evaluate(&ingested.log, &options);
        Ok(EvaluationSummaryRecord {
            rows_read: ingested.rows_read,
            rows_used: ingested.rows_used,
            rows_rejected: ingested.rejected.len() as u64,
            rejected: ingested
                .rejected
                .iter()
                .map(|r| format!("row {}: {}", r.row, snake(r.reason)))
                .collect(),
            cases: ev.summary.cases,
            aggregates_json: serde_json::to_string(&ev.summary.aggregates).map_err(|e| {
                DlsError::Internal {
                    reason: e.to_string(),
                }
            })?,
        })
    })
}

/// Diagnostics only: fails on purpose inside the panic guard, so a host's test can check that
/// an internal failure arrives as `DlsError.Internal` and never crashes the host.
#[uniffi::export]
pub fn diagnostics_internal_failure() -> Result<(), DlsError> {
    guard(|| -> Result<(), DlsError> {
        let items: Vec<u8> = Vec::new();
        let index = items.len() + 1;
        // an out-of-bounds index: a bug as it would surface from the core
        Err(invalid(format!("unreachable {}", items[index])))
    })
}

/// The library version.
#[uniffi::export]
pub fn version() -> String {
    dls_core::VERSION.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pilot_case_survives_the_trip_through_its_record() {
        for case in pilot::cases() {
            let back = dls_core::Case::try_from(CaseRecord::from(&case)).expect("converts");
            assert_eq!(back, case);
        }
    }

    fn reason(e: DlsError) -> String {
        match e {
            DlsError::InvalidInput { reason } => reason,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn a_bad_field_of_a_case_record_is_named() {
        let good = CaseRecord::from(&pilot::cases()[0]);
        let mut c = good.clone();
        c.age_band = Some("elderly".into());
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("field `age_band`"));
        let mut c = good.clone();
        c.kern = "Hoofddorp centrum!".into();
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("field `kern`"));
        let mut c = good.clone();
        c.signals = vec!["loud".into()];
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("field `signals`"));
        let mut c = good.clone();
        c.opened = Some("1 March".into());
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("YYYY-MM-DD"));
        let mut c = good;
        for n in &mut c.needs {
            n.primary = false;
        }
        assert!(reason(dls_core::Case::try_from(c).unwrap_err()).contains("primary"));
    }

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

    #[test]
    fn a_panic_inside_a_call_becomes_an_internal_error() {
        match diagnostics_internal_failure() {
            Err(DlsError::Internal { reason }) => assert!(reason.contains("internal failure")),
            other => panic!("expected Internal, got {other:?}"),
        }
    }
}
