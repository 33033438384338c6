//! The one error enum a host sees, [`DlsError`], its mapping from the core's errors, and
//! [`guard`], which keeps every panic on the Rust side.

use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::records::snake;

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

pub(crate) fn invalid(reason: impl Into<String>) -> DlsError {
    DlsError::InvalidInput {
        reason: reason.into(),
    }
}
