#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod access_log;
pub mod areas;
pub mod attributes;
pub mod cases;
pub mod conditions;
pub mod consent;
pub mod coverage;
pub mod directory;
pub mod evaluation;
pub mod events;
pub mod exchange;
mod hash;
pub mod hsds;
pub mod ids;
pub mod lifecycle;
pub mod limits;
pub mod organisation_kind;
pub mod pilot;
pub mod privacy;
mod rng;
pub mod routing;
pub mod rows;
pub mod rules;
pub mod schema;
pub mod signals;
pub mod source;
#[cfg(any(test, feature = "synthetic"))]
pub mod synthetic;
pub mod tabular;
pub mod taxonomy;
pub mod validation;
pub mod validity;
pub mod views;
pub mod vocabulary;

pub use areas::{AreaRef, Areas, Layer};
pub use cases::{Case, CaseData, CaseError};
pub use directory::{Directory, DirectoryData};
pub use events::{Activity, Event};
pub use ids::{
    CaseId, KernId, MunicipalityCode, NeedCode, OrganisationId, RegionId, RuleId, ServiceId,
};
pub use rules::{RuleSet, RuleSetData, Target};
pub use source::{Format, ParseError, ParseLocation};
pub use validation::{LoadError, Problem, ProblemKind, Severity, ValidationReport};

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Any error of the crate. Each module has its own error type; this wraps them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Input could not be read or parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Input was read but failed validation.
    #[error(transparent)]
    Validation(#[from] ValidationReport),
    /// A case breaks the case invariants or does not fit the directory.
    #[error(transparent)]
    Case(#[from] CaseError),
    /// A malformed id.
    #[error(transparent)]
    Id(#[from] ids::IdError),
    /// A case could not be routed.
    #[error(transparent)]
    Routing(#[from] routing::RoutingError),
    /// An event log or evaluation setting could not be used.
    #[error(transparent)]
    Evaluation(#[from] evaluation::EvalError),
    /// A capacity figure could not be used (an unknown service, a figure out of range).
    #[error(transparent)]
    Capacity(#[from] routing::CapacityError),
    /// HSDS input could not be imported (bad records or CSV; a file that cannot be read is
    /// [`Error::Parse`], an import that fails dls validation [`Error::Validation`]).
    #[error(transparent)]
    Hsds(hsds::HsdsError),
    /// A tabular (CSV) directory has bad cells or is not CSV (a missing file is
    /// [`Error::Parse`], a directory that fails validation [`Error::Validation`]).
    #[error(transparent)]
    Tabular(tabular::TabularError),
    /// A FHIR document could not be read.
    #[error(transparent)]
    Fhir(#[from] exchange::fhir::FhirError),
    /// A ZGW configuration or export was refused.
    #[error(transparent)]
    Zgw(#[from] exchange::zgw::ZgwError),
}

impl From<hsds::HsdsError> for Error {
    fn from(e: hsds::HsdsError) -> Self {
        match e {
            hsds::HsdsError::Parse(p) => Error::Parse(p),
            hsds::HsdsError::Validation(r) => Error::Validation(r),
            other => Error::Hsds(other),
        }
    }
}

impl From<tabular::TabularError> for Error {
    fn from(e: tabular::TabularError) -> Self {
        match e {
            tabular::TabularError::Parse(p) => Error::Parse(p),
            tabular::TabularError::Validation(r) => Error::Validation(r),
            other => Error::Tabular(other),
        }
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        match e {
            LoadError::Parse(p) => Error::Parse(p),
            LoadError::Invalid(r) => Error::Validation(r),
        }
    }
}

/// The Rust examples of the repository's README, compiled and run as doc tests so the README
/// stays true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
