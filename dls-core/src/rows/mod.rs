//! The host contract: the shapes a host (the Python module, the JVM/Swift records, a CSV
//! importer, …) passes in and gets back, with their conversions, defined once here so that every
//! binding only moves fields between its own types and these.
//!
//! - **In**: a [`CaseRow`] — one case as a row of plain, borrowed fields (the columns
//!   [`CASE_COLUMNS`]). [`CaseRow::to_case`] decides everything a host must not decide itself:
//!   the first need is the primary need (prio-vraag); an empty optional field means "not given";
//!   urgency is `normal` when not given; a tried service without an outcome was `rejected`; a
//!   case with tried services is one whose citizen "cannot get through". A bad field gives a
//!   [`RowError`] naming the field and the kind of problem, never the value. [`CaseRow::from`] gives the same row back from a
//!   [`Case`](crate::Case).
//!   A host that holds every field as text (a CSV file) reads a row with
//!   [`CaseRow::from_text`]: lists with [`LIST_SEPARATOR`] between items.
//!   Declared attributes are extra columns named after them ([`attribute_column`], the
//!   [`CaseRow::extra`] field); an extra column that is neither is a [`ColumnError`].
//!   A whole table held as text (a CSV file) checks its header once with [`TextColumns`] and
//!   reads each record with [`TextColumns::row`], declared attributes included.
//! - **Out**: a [`DecisionRow`] per need of a [`HouseholdDecision`](crate::routing::HouseholdDecision)
//!   ([`HouseholdDecision::rows`](crate::routing::HouseholdDecision::rows)), primary need
//!   first: the columns [`DECISION_COLUMNS`]. The outcome is a kind (`service`, `steunpilaar`,
//!   `escalation`, `gap`) with the service, organisation and gap reason in separate fields.
//! - **Batch**: [`Router::route_rows`](crate::routing::Router::route_rows) routes a slice of rows
//!   in parallel and returns one result per row, in the row's place: a decision, or a
//!   [`BatchError`] (the row could not be read, or the case could not be routed). One bad row
//!   never stops the others. A row is routed straight from its fields (looked up in the
//!   router's tables, no owned [`Case`](crate::Case) built) whenever it holds nothing to
//!   decide beyond that; any other row, and every bad one, is read with
//!   [`CaseRow::to_case_in`] first: the result is the same either way. [`BatchError::kind`] names the two kinds (`bad_input`, `routing`)
//!   the way every binding reports them. A host that returns a batch as one table writes
//!   [`DecisionRow::failed`] in the place of a failed row (outcome [`ERROR_OUTCOME`]) and adds
//!   the [`ERROR_COLUMNS`] (`error_kind`, `error`), empty on routed rows.
//!
//! ```
//! use dls_core::{pilot, rows::CaseRow, routing::{Router, RouteOptions}};
//! let router = Router::new(&pilot::rules());
//! let rows = [
//!     CaseRow { id: "c1", kern: "hoofddorp", needs: vec!["zorg.wmo.huishouden"], ..CaseRow::default() },
//!     CaseRow { id: "c2", kern: "hoofddorp", needs: vec![], ..CaseRow::default() },
//! ];
//! let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 5);
//! let results = router.route_rows(&rows, date, RouteOptions::FAST);
//! assert!(results[0].is_ok());
//! assert_eq!(results[1].as_ref().unwrap_err().kind(), "bad_input");
//! for row in results[0].as_ref().unwrap().rows() {
//!     assert_eq!(row.case, "c1");
//! }
//! ```

mod batch;
mod case;
mod columns;
mod decision;
mod direct;
mod names;
mod text;
mod text_columns;

pub use batch::{BatchError, ERROR_COLUMNS, ERROR_OUTCOME};
pub use case::{parse_date, CaseRow, TriedRow};
pub use columns::{
    attribute_column, extra_cell, extra_columns, AttributeColumn, Cell, ColumnError, ColumnType,
};
pub use decision::DecisionRow;
pub use text::{list_items, LIST_SEPARATOR};
pub use text_columns::{TextColumns, REQUIRED_COLUMNS};

use crate::attributes::AgeError;
use crate::cases::CaseError;

/// The columns of a case row, in order: the fields of [`CaseRow`].
pub const CASE_COLUMNS: &[&str] = &[
    "id",
    "kern",
    "needs",
    "age",
    "household",
    "urgency",
    "framework",
    "signals",
    "income_pct",
    "opened",
    "tried",
    "share_with_organisations",
];

/// The columns of a decision row, in order: the fields of [`DecisionRow`].
pub const DECISION_COLUMNS: &[&str] = &[
    "case",
    "need",
    "primary",
    "outcome",
    "service",
    "organisation",
    "rule",
    "layer",
    "gap_reason",
    "cannot_get_through",
    "coordinator",
    "first_contact",
];

/// A field of a [`CaseRow`] that cannot become part of a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("field `{field}`: {kind}")]
pub struct RowError {
    /// The field (one of [`CASE_COLUMNS`]).
    pub field: &'static str,
    /// What is wrong with it.
    pub kind: RowErrorKind,
}

/// What is wrong with a field of a [`CaseRow`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowErrorKind {
    /// A required field is empty.
    #[error("is missing")]
    Missing,
    /// An id or date that is not well-formed (the value is not repeated: it may be personal
    /// data typed into the wrong field).
    #[error("invalid {expected}: {reason}")]
    Invalid {
        /// What was expected (e.g. `need code`).
        expected: &'static str,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A word that is not one of the field's values (not repeated).
    #[error("unknown value: use one of {}", allowed.join(", "))]
    Unknown {
        /// The values the field accepts.
        allowed: Vec<&'static str>,
    },
    /// A number outside the field's range (not repeated).
    #[error("out of range {min}..={max}")]
    OutOfRange {
        /// The least accepted.
        min: i64,
        /// The most accepted.
        max: i64,
    },
    /// An age that is not a whole number of years from 0 to 130; the value is not repeated.
    #[error("{0}")]
    Age(AgeError),
    /// The fields are well-formed but the case breaks a case invariant (e.g. a need twice).
    #[error("{0}")]
    Case(CaseError),
    /// An attribute or a word the directory's vocabulary does not declare (the value is not
    /// repeated; a close declared one is suggested).
    #[error("{0}")]
    Vocabulary(crate::vocabulary::VocabularyError),
}

impl RowErrorKind {
    /// The kind as a short snake_case word: `missing`, `invalid`, `unknown`, `out_of_range`,
    /// `case`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RowErrorKind::Missing => "missing",
            RowErrorKind::Invalid { .. } => "invalid",
            RowErrorKind::Unknown { .. } => "unknown",
            RowErrorKind::OutOfRange { .. } => "out_of_range",
            RowErrorKind::Age(AgeError::NotWhole) => "invalid",
            RowErrorKind::Age(_) => "out_of_range",
            RowErrorKind::Case(_) => "case",
            RowErrorKind::Vocabulary(_) => "unknown",
        }
    }
}
