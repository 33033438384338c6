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

/// The library's allocations use mimalloc: every call converts records into and out of many
/// small strings, from as many host threads as call it, where mimalloc is much faster than the
/// system allocator. Memory handed to the host is freed through the library, so it stays in one
/// allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

uniffi::setup_scaffolding!();

mod error;
mod functions;
mod objects;
mod records;

pub use error::{guard, DlsError, ProblemRecord};
#[cfg(feature = "test-hooks")]
pub use functions::diagnostics_internal_failure;
pub use functions::{evaluate_csv, pilot_cases, pilot_events_csv, version};
pub use objects::{Directory, Router, RuleSet};
pub use records::{
    AggregateRecord, BatchResult, CandidateRecord, CaseMetricsRecord, CaseRecord, ContactRecord,
    CoordinatorRecord, CoverageRowRecord, DecisionRecord, EvaluationRecord, FiguresRecord,
    NeedDecisionRecord, PlanPartRecord, TriedServiceRecord,
};
