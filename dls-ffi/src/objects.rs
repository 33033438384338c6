//! The three objects: a validated [`Directory`], a [`RuleSet`] validated against it, and the
//! [`Router`] compiled from a rule set.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use dls_core::coverage::{self, CoverageFilter};
use dls_core::pilot;
use dls_core::routing::{self, RouteOptions};
use dls_core::rows::{parse_date, RowError};
use rayon::prelude::*;

use crate::capacity::CapacityLedger;
use crate::error::{guard, DlsError, ProblemRecord};
use crate::records::{
    case_of_json, format_of, BatchResult, CaseRecord, CoverageRowRecord, DecisionRecord,
};

/// A validated directory: areas, needs, organisations and services.
#[derive(Debug, uniffi::Object)]
pub struct Directory {
    inner: dls_core::Directory,
    /// What an HSDS import did not take over, one line each.
    notes: Vec<String>,
}

impl Directory {
    fn wrap(inner: dls_core::Directory) -> Arc<Self> {
        Arc::new(Directory {
            inner,
            notes: Vec::new(),
        })
    }

    /// The core directory.
    pub(crate) fn core(&self) -> &dls_core::Directory {
        &self.inner
    }
}

#[uniffi::export]
impl Directory {
    /// Parses and validates a directory from one text; `format` is `toml` or `json`, `file`
    /// names the source in errors.
    #[uniffi::constructor]
    pub fn from_text(text: String, format: String, file: String) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let inner = dls_core::Directory::from_str(&text, format_of(&format)?, &file)?;
            Ok(Directory::wrap(inner))
        })
    }

    /// Reads and validates a directory from files (`.toml` or `.json`, merged in order).
    #[uniffi::constructor]
    pub fn from_files(paths: Vec<String>) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            Ok(Directory::wrap(dls_core::Directory::from_files(&paths)?))
        })
    }

    /// Reads and validates the directory of a folder: its `areas`, `taxonomy` and `directory`
    /// files (`.toml` or `.json`), found by name; a missing one is named in the error.
    #[uniffi::constructor]
    pub fn from_folder(folder: String) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let (inner, _) = dls_core::Directory::from_folder(&PathBuf::from(folder))?;
            Ok(Directory::wrap(inner))
        })
    }

    /// The embedded Haarlemmermeer pilot directory.
    #[uniffi::constructor]
    pub fn pilot() -> Result<Arc<Self>, DlsError> {
        guard(|| Ok(Directory::wrap(pilot::directory())))
    }

    /// Reads a directory from HSDS 3.0 (`.json` files, or folders with the tabular CSV
    /// package) onto the areas and taxonomy of `base`, through the mapping file `mapping`
    /// (`.toml` or `.json`; none: only what dls itself exported maps). What was not taken over
    /// is in [`Directory::import_notes`].
    #[uniffi::constructor]
    pub fn from_hsds(
        paths: Vec<String>,
        base: Arc<Directory>,
        mapping: Option<String>,
    ) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
            let mapping = mapping.map(PathBuf::from);
            let (inner, _, notes) =
                dls_core::hsds::load_with_mapping_file(&base.inner, &paths, mapping.as_deref())
                    .map_err(dls_core::Error::from)?;
            Ok(Arc::new(Directory { inner, notes }))
        })
    }

    /// Reads a directory from the CSV tables of `folder` (`services.csv`, one row per service,
    /// `;`-joined lists; `organisations.csv`) onto the areas and taxonomy of `base`.
    #[uniffi::constructor]
    pub fn from_tables(folder: String, base: Arc<Directory>) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            let (inner, _) = dls_core::tabular::load(&base.inner, &PathBuf::from(folder))
                .map_err(dls_core::Error::from)?;
            Ok(Directory::wrap(inner))
        })
    }

    /// The directory as HSDS 3.0 JSON text (one page of `service_full` objects).
    pub fn to_hsds(&self) -> String {
        dls_core::hsds::export_json(&self.inner)
    }

    /// What the HSDS import did not take over, one line each; empty for other loaders.
    pub fn import_notes(&self) -> Vec<String> {
        self.notes.clone()
    }

    /// Ids of the services, in file order.
    pub fn service_ids(&self) -> Vec<String> {
        self.inner
            .services()
            .iter()
            .map(|s| s.id.to_string())
            .collect()
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

    /// Reads every rule layer file of a folder (`rules….toml` or `.json`) and validates them
    /// against `directory`.
    #[uniffi::constructor]
    pub fn from_folder(directory: Arc<Directory>, folder: String) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            Ok(Arc::new(RuleSet {
                inner: dls_core::RuleSet::from_folder(&directory.inner, &PathBuf::from(folder))?,
            }))
        })
    }

    /// The embedded Haarlemmermeer pilot rule set (national, regional and municipal layers).
    #[uniffi::constructor]
    pub fn pilot() -> Result<Arc<Self>, DlsError> {
        guard(|| {
            Ok(Arc::new(RuleSet {
                inner: pilot::rules(),
            }))
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

    /// Coverage on `date` (YYYY-MM-DD), for every kern or only those of `municipality` (CBS
    /// code): one row per kern × leaf need × age band (or per stretch of ages, `ageMin` to
    /// `ageMax`, where the answer changes inside a band). `only`: `all`, `gaps`, `overlaps` or
    /// `problems` (gaps and overlaps).
    #[uniffi::method(default(municipality = None, only = "all"))]
    pub fn coverage(
        &self,
        date: String,
        municipality: Option<String>,
        only: String,
    ) -> Result<Vec<CoverageRowRecord>, DlsError> {
        guard(|| {
            let only: CoverageFilter = only.parse()?;
            let options = coverage::CoverageOptions {
                date: parse_date("date", &date)?,
                municipality: municipality.as_deref().map(str::parse).transpose()?,
            };
            options.check(&self.inner)?;
            let report = coverage::analyse(&self.inner, &options);
            Ok(report.select(only).map(CoverageRowRecord::from).collect())
        })
    }
}

/// A router compiled from a rule set; thread-safe and cheap to share.
#[derive(Debug, uniffi::Object)]
pub struct Router {
    inner: routing::Router,
}

impl Router {
    /// The core router.
    pub(crate) fn core(&self) -> &routing::Router {
        &self.inner
    }
}

#[uniffi::export]
impl Router {
    /// Compiles a router from a validated rule set.
    #[uniffi::constructor]
    pub fn new(rules: Arc<RuleSet>) -> Result<Arc<Self>, DlsError> {
        guard(|| {
            Ok(Arc::new(Router {
                inner: routing::Router::new(&rules.inner),
            }))
        })
    }

    /// Routes one household on `date` (YYYY-MM-DD; the case's `opened` date when absent).
    /// With `trace` (off by default), every need explains why each other candidate lost. With
    /// a `ledger` (a [`CapacityLedger`] of this router), routes against its live counts and
    /// takes a place per need sent to a service with known places.
    #[uniffi::method(default(date = None, trace = false, ledger = None))]
    pub fn route(
        &self,
        case: CaseRecord,
        date: Option<String>,
        trace: bool,
        ledger: Option<Arc<CapacityLedger>>,
    ) -> Result<DecisionRecord, DlsError> {
        guard(|| {
            let options = RouteOptions { trace };
            let d = match ledger {
                None => self
                    .inner
                    .route_row(&case.row()?, date_arg(date)?, options)?,
                Some(l) => {
                    let case = case
                        .row()?
                        .to_case_in(self.inner.directory().vocabulary())?;
                    let date = routing::date_for(&case, date_arg(date)?)?;
                    self.inner.route_reserving(&case, date, options, l.core())?
                }
            };
            Ok(DecisionRecord::from(&d))
        })
    }

    /// Routes one household given as JSON in the case file format (see the case JSON Schema).
    #[uniffi::method(default(date = None, trace = false))]
    pub fn route_json(
        &self,
        case_json: String,
        date: Option<String>,
        trace: bool,
    ) -> Result<DecisionRecord, DlsError> {
        guard(|| {
            let case = case_of_json(&case_json)?;
            let date = routing::date_for(&case, date_arg(date)?)?;
            let d = self.inner.route_with(&case, date, RouteOptions { trace })?;
            Ok(DecisionRecord::from(&d))
        })
    }

    /// Routes again after the citizen tried `service` without success (`outcome`: `rejected`,
    /// `no_response` or `waited_too_long`): the next decision without that service, marked as
    /// "could not get through". `trace` keeps a trace per need (off by default, as for
    /// `route_json`). With a `ledger`, `previous` is the case's decision made against it: the
    /// places it took are the case's own (a need that keeps its service keeps its place, the
    /// place turned down goes back), on `previous`'s date.
    #[uniffi::method(default(trace = false, ledger = None, previous = None))]
    #[allow(clippy::too_many_arguments)] // the call's shape on the JVM: named, with defaults
    pub fn reroute(
        &self,
        case: CaseRecord,
        date: Option<String>,
        service: String,
        outcome: String,
        trace: bool,
        ledger: Option<Arc<CapacityLedger>>,
        previous: Option<DecisionRecord>,
    ) -> Result<DecisionRecord, DlsError> {
        guard(|| {
            let case = case
                .row()?
                .to_case_in(self.inner.directory().vocabulary())?;
            let (tried, outcome) = (service.parse()?, outcome.parse()?);
            let options = RouteOptions { trace };
            let d = match (ledger, previous) {
                (Some(l), Some(p)) => {
                    let date = parse_date("previous.date", &p.date)?;
                    let services = p
                        .needs
                        .iter()
                        .filter_map(|n| n.service.as_deref())
                        .map(str::parse)
                        .collect::<Result<Vec<_>, _>>()?;
                    let held = routing::HeldPlaces {
                        ledger: l.core(),
                        services: &services,
                    };
                    self.inner
                        .reroute_after_holding(&case, date, &tried, outcome, options, held)?
                }
                (Some(_), None) => {
                    return Err(crate::error::invalid(
                        "a re-route with a `ledger` needs `previous`, the case's decision made against it",
                    ))
                }
                (None, _) => {
                    let date = routing::date_for(&case, date_arg(date)?)?;
                    self.inner
                        .reroute_after(&case, date, &tried, outcome, options)?
                }
            };
            Ok(DecisionRecord::from(&d))
        })
    }

    /// Routes many households in parallel on the Rust side, without traces; one result per
    /// case, in order: a decision, or the kind of error and why, in the case's place. With a
    /// `ledger`, routes against its live counts as `route` does, the places going to the cases
    /// in the order of routing date, then case id (not the order of `cases`).
    #[uniffi::method(default(date = None, ledger = None))]
    pub fn route_batch(
        &self,
        cases: Vec<CaseRecord>,
        date: Option<String>,
        ledger: Option<Arc<CapacityLedger>>,
    ) -> Result<Vec<BatchResult>, DlsError> {
        guard(|| {
            let date = date_arg(date)?;
            if let Some(l) = ledger {
                let rows = cases.iter().map(|c| c.row()).collect::<Vec<_>>();
                let readable: Vec<_> = rows
                    .iter()
                    .filter_map(|r| r.as_ref().ok().cloned())
                    .collect();
                let mut routed = self
                    .inner
                    .route_rows_reserving(&readable, date, RouteOptions::FAST, l.core())
                    .into_iter();
                return Ok(rows
                    .into_iter()
                    .map(|r| match r {
                        Ok(_) => routed
                            .next()
                            .unwrap_or(Err(routing::RoutingError::OtherLedger.into())),
                        Err(e) => Err(e.into()),
                    })
                    .map(BatchResult::from)
                    .collect());
            }
            Ok(cases
                .par_iter()
                .with_min_len(64)
                .map(|c| {
                    let row = c.row()?;
                    self.inner.route_row(&row, date, RouteOptions::FAST)
                })
                .map(BatchResult::from)
                .collect())
        })
    }
}

/// The date argument of a routing call.
pub(crate) fn date_arg(date: Option<String>) -> Result<Option<NaiveDate>, RowError> {
    date.as_deref().map(|d| parse_date("date", d)).transpose()
}
