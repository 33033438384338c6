//! The pilot report of dls: one self-contained HTML page for the stakeholders of a pilot — per
//! kern and phase the time to first contact and to the right place, handoffs and bounces,
//! legal-deadline compliance, the gaps and overlaps of the directory, pilot against baseline
//! with intervals and which direction is better, and the frequent problems.
//!
//! Every figure on the page is a **published** figure of `dls-core`'s evaluation
//! ([`Disclosure::default`](dls_core::evaluation::Disclosure::default): small cells suppressed, counts rounded, quantiles under the size
//! rule): the report never shows a raw figure, whatever disclosure the caller evaluated with.
//! A figure that does not exist (a duration no case ended, a suppressed cell) is shown as
//! missing, never as 0. The page needs no JavaScript and no network: the charts are inline SVG
//! drawn with [`plotters`], the styles are inline, and a print stylesheet keeps tables whole
//! on paper. Every string from the data is escaped by the template engine ([`askama`]).
//!
//! The report holds no domain logic of its own: it calls the core's evaluation, comparison and
//! coverage and lays out what they publish. The `dls report` command and `Evaluation.report`
//! in Python call [`render`].
//!
//! ```
//! use dls_core::{evaluation, pilot};
//! use dls_report::{render, ReportOptions};
//!
//! let ingested = evaluation::ingest_csv_str(pilot::EVENTS_CSV).unwrap();
//! let rules = pilot::rules();
//! let opts = ReportOptions {
//!     coverage: Some((&rules, "2026-06-01".parse().unwrap())),
//!     ..ReportOptions::default()
//! };
//! let html = render(&ingested.log, &opts).unwrap();
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! assert!(html.contains("<svg"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use chrono::NaiveDate;
use dls_core::evaluation::{CompareOptions, EvalError, EvalOptions, EventLog, Selection};
use dls_core::RuleSet;

mod charts;
mod page;

/// Why a report could not be drawn.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The comparison's options are out of range.
    #[error(transparent)]
    Evaluation(#[from] EvalError),
    /// A chart could not be drawn.
    #[error("cannot draw the chart `{chart}`")]
    Chart {
        /// The chart's title.
        chart: String,
    },
    /// The page could not be laid out.
    #[error("cannot lay out the report")]
    Template,
}

/// What goes into a report.
#[derive(Debug, Clone)]
pub struct ReportOptions<'a> {
    /// The page's title.
    pub title: String,
    /// The evaluation's options: the directory (which services cover which needs), the legal
    /// terms and `as_of`. Their `group_by` and `disclosure` are not used: the report groups by
    /// phase and by kern and phase, and always publishes.
    pub evaluation: EvalOptions,
    /// The pilot (side a) and the baseline (side b) of the comparison; `None`: no comparison.
    /// By default the phases `pilot` and `baseline`.
    pub compare: Option<(Selection, Selection)>,
    /// The bootstrap's settings (its disclosure is not used: the report publishes).
    pub compare_options: CompareOptions,
    /// The rule set and date of the coverage section (gaps and overlaps); `None`: no coverage
    /// section.
    pub coverage: Option<(&'a RuleSet, NaiveDate)>,
}

impl Default for ReportOptions<'_> {
    fn default() -> Self {
        let phase = |p: &str| Selection {
            phase: Some(p.to_string()),
            ..Selection::default()
        };
        ReportOptions {
            title: "Pilot report".to_string(),
            evaluation: EvalOptions::default(),
            compare: Some((phase("pilot"), phase("baseline"))),
            compare_options: CompareOptions::default(),
            coverage: None,
        }
    }
}

/// The report of `log` as one self-contained HTML page.
pub fn render(log: &EventLog, opts: &ReportOptions<'_>) -> Result<String, ReportError> {
    opts.compare_options.check()?;
    page::Page::build(log, opts)?.html()
}
