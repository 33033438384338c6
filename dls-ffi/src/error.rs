//! The one error enum a host sees, [`DlsError`], its mapping from the core's errors, and
//! [`guard`], which keeps every panic on the Rust side.

use std::panic::{catch_unwind, AssertUnwindSafe};

use dls_core::rows::{BatchError, RowError};

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
    /// Input could not be read or parsed (syntax, types, unknown fields, size, nesting), or a
    /// file is missing (the reason says `cannot find` or names the companion file to load;
    /// `file` names it).
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

impl From<&dls_core::Problem> for ProblemRecord {
    fn from(p: &dls_core::Problem) -> Self {
        ProblemRecord {
            severity: p.severity.as_str().to_string(),
            kind: p.kind.as_str().to_string(),
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
                let at = p.location();
                let number = |n: Option<usize>| n.unwrap_or(0) as u32;
                DlsError::Parse {
                    reason,
                    file: at.file,
                    line: number(at.line),
                    column: number(at.column),
                }
            }
            dls_core::Error::Routing(_) => DlsError::Routing { reason },
            _ => DlsError::InvalidInput { reason },
        }
    }
}

/// `From` for the errors calls meet, each mapped by `$map`.
macro_rules! map_errors {
    ($map:expr; $($t:ty),*) => {$(
        impl From<$t> for DlsError {
            fn from(e: $t) -> Self {
                ($map)(e)
            }
        }
    )*};
}
// Through the crate-wide error of the core, which names the kind.
map_errors!(|e| dls_core::Error::from(e).into();
    dls_core::LoadError, dls_core::ValidationReport, dls_core::routing::RoutingError,
    dls_core::evaluation::EvalError, dls_core::ids::IdError);
// Invalid input, the message naming the field or switch at fault.
map_errors!(|e| invalid(format!("{e}"));
    RowError, dls_core::coverage::CoverageFilterError,
    dls_core::coverage::UnknownMunicipalityError, dls_core::routing::CapacityError,
    dls_core::exchange::fhir::FhirError, dls_core::exchange::zgw::ZgwError);

impl From<BatchError> for DlsError {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::Row(e) => e.into(),
            BatchError::Routing(e) => e.into(),
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

pub(crate) fn invalid(reason: impl Into<String>) -> DlsError {
    DlsError::InvalidInput {
        reason: reason.into(),
    }
}
