//! The pilot report from Python (`Evaluation.report`): converts the arguments and calls
//! `dls-report`, which lays out the core's published figures as one HTML page.

use std::path::PathBuf;

use dls_core::evaluation::{EvalOptions, EventLog, Selection};
use dls_core::RuleSet;
use dls_report::{ReportError, ReportOptions};
use pyo3::exceptions::PyOSError;

use crate::errors::Failure;

impl From<ReportError> for Failure {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Evaluation(e) => e.into(),
            other => Failure::Evaluation(other.to_string()),
        }
    }
}

/// What `Evaluation.report` was given.
pub(crate) struct ReportArgs {
    pub path: PathBuf,
    pub rules: Option<RuleSet>,
    pub date: Option<chrono::NaiveDate>,
    pub title: String,
    pub pilot: String,
    pub baseline: String,
    pub compare: bool,
}

/// Renders the report of `log` (evaluated with `evaluation`'s directory, legal terms and
/// `as_of`) and writes it to `args.path`.
pub(crate) fn write(
    log: &EventLog,
    evaluation: &EvalOptions,
    args: ReportArgs,
) -> Result<(), Failure> {
    if args.date.is_some() != args.rules.is_some() {
        return Err(Failure::bad_input(
            "gaps and overlaps need both `rules` and `date`",
            Some(if args.rules.is_some() {
                "date"
            } else {
                "rules"
            }),
        ));
    }
    let phase = |p: &str| Selection {
        phase: Some(p.to_string()),
        ..Selection::default()
    };
    let opts = ReportOptions {
        title: args.title,
        evaluation: evaluation.clone(),
        compare: args
            .compare
            .then(|| (phase(&args.pilot), phase(&args.baseline))),
        coverage: args.rules.as_ref().zip(args.date),
        ..ReportOptions::default()
    };
    let html = dls_report::render(log, &opts)?;
    std::fs::write(&args.path, html).map_err(|e| {
        Failure::Python(PyOSError::new_err(format!(
            "cannot write `{}`: {e}",
            args.path.display()
        )))
    })
}
