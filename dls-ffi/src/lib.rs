//! uniffi bindings of dls for Kotlin/JVM, Swift and Python.
//!
//! This crate converts and delegates: every rule of the domain lives in `dls-core`. One file per
//! concept: `objects` (the three objects [`Directory`], [`RuleSet`] and [`Router`]),
//! `functions`, `logs` (event log files read through a [`LogMapping`]: [`evaluate_log`]), `what_if`, `capacity`, `records` (FFI mirror records of the core's host shapes: a [`CaseRecord`] is a
//! `dls_core::rows::CaseRow`, a [`NeedDecisionRecord`] a `DecisionRow`) and `error` (one error
//! enum, [`DlsError`], whose variants keep the structure a host needs: validation problems keep
//! their file, item, field and row). The options and outputs have the names and values of the
//! Python module: `trace` off by default, `disclosure` `publish`|`raw`, coverage `only`
//! `all`|`gaps`|`overlaps`|`problems`, a batch result per case in the case's place.
//!
//! No panic reaches the host: every exported call runs inside [`guard`], which turns a panic
//! into [`DlsError::Internal`]. The cargo feature `test-hooks` adds
//! `diagnostics_internal_failure`, with which a host's tests provoke one.

#![forbid(unsafe_code)]

/// The library's allocations use mimalloc: every call converts records into and out of many
/// small strings, from as many host threads as call it, where mimalloc is much faster than the
/// system allocator. Memory handed to the host is freed through the library, so it stays in one
/// allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

uniffi::setup_scaffolding!();

mod capacity;
mod deadlines;
mod error;
mod exchange;
mod functions;
mod logs;
mod objects;
mod privacy;
mod records;
mod what_if;

pub use capacity::{CapacityLedger, CapacityRecord};
pub use deadlines::{evaluate_deadlines, DeadlineRecord, DeadlinesRecord};
pub use error::{guard, DlsError, ProblemRecord};
pub use exchange::{fhir_bundle, fhir_import, zgw_zaken};
#[cfg(feature = "test-hooks")]
pub use functions::diagnostics_internal_failure;
pub use functions::{case_from_json, evaluate_csv, pilot_cases, pilot_events_csv, version};
pub use logs::{evaluate_log, LogEvaluationRecord, LogMapping, LogMappingRecord};
pub use objects::{Directory, Router, RuleSet};
pub use privacy::{organisation_view_json, pilot_signals_csv, signal_intake_json, AccessLog};
pub use records::{
    AggregateRecord, BatchResult, CandidateRecord, CaseMetricsRecord, CaseRecord, ContactRecord,
    CoordinatorRecord, CoverageRowRecord, DecisionRecord, EvaluationRecord, FiguresRecord,
    NeedDecisionRecord, PlanPartRecord, TriedServiceRecord,
};
pub use records::{AttributeRecord, AttributeValueRecord};
pub use what_if::{
    what_if, ChangeRecord, GapChangeRecord, ServiceLoadRecord, WhatIfErrorRecord, WhatIfRecord,
};
