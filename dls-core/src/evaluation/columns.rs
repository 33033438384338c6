//! The aggregate table as flat columns, the same in every host: one column per dimension,
//! `suppressed`, then [`COUNT_COLUMNS`] and [`NUMBER_COLUMNS`] (empty where suppressed, and a
//! duration figure that does not exist is empty, never 0), and last [`DISCLOSURE_COLUMN`], which
//! says in every row what the table was made under, so that a raw table stays marked as raw
//! wherever it is copied to (a CSV file, a polars frame, a spreadsheet).

use super::table::Figures;

/// A named column and how to read it from a cell's figures.
pub type Column<V> = (&'static str, fn(&Figures) -> V);

/// The count columns, after the dimensions and `suppressed`.
pub const COUNT_COLUMNS: [Column<u64>; 11] = [
    ("cases", |f| f.cases),
    ("first_contact_ended", |f| f.first_contact.ended),
    ("first_contact_open", |f| f.first_contact.open),
    ("right_place_ended", |f| f.right_place.ended),
    ("right_place_open", |f| f.right_place.open),
    ("handoffs", |f| f.handoffs),
    ("bounces", |f| f.bounces),
    ("loops", |f| f.loops),
    ("escalations", |f| f.escalations),
    ("resolved", |f| f.resolved),
    ("reopened", |f| f.reopened),
];

/// The number columns, after the count columns.
pub const NUMBER_COLUMNS: [Column<Option<f64>>; 11] = [
    ("first_contact_median_days", |f| f.first_contact.median_days),
    ("first_contact_p90_days", |f| f.first_contact.p90_days),
    ("right_place_median_days", |f| f.right_place.median_days),
    ("right_place_p90_days", |f| f.right_place.p90_days),
    ("handoffs_per_case", |f| Some(f.handoffs_per_case)),
    ("bounce_rate", |f| Some(f.bounce_rate)),
    ("loop_rate", |f| Some(f.loop_rate)),
    ("organisations_per_case", |f| Some(f.organisations_per_case)),
    ("escalation_rate", |f| Some(f.escalation_rate)),
    ("resolved_rate", |f| Some(f.resolved_rate)),
    ("reopened_rate", |f| Some(f.reopened_rate)),
];

/// The last column of an aggregate or comparison table: [`Disclosure::label`] of the settings
/// it was made under (`raw`, `publish` or `custom`), the same in every row.
///
/// [`Disclosure::label`]: super::Disclosure::label
pub const DISCLOSURE_COLUMN: &str = "disclosure";
