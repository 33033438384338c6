//! `dls report events.csv --directory DIR --date D -o report.html`: the pilot report, one
//! self-contained HTML page of published figures (crate `dls-report`).

use std::fs::File;

use anyhow::Context;
use dls_core::evaluation::{self, EvalOptions, Selection};
use dls_core::rows::parse_date;
use dls_core::RuleSet;
use dls_report::ReportOptions;

use crate::args::ReportArgs;
use crate::out::{load_directory, load_rules};
use crate::progress;
use crate::EXIT_OK;

pub(crate) fn run(a: &ReportArgs, quiet: bool) -> anyhow::Result<i32> {
    let date = a
        .date
        .as_deref()
        .map(|d| parse_date("date", d))
        .transpose()
        .context("option `--date`")?;
    // with a date, the folder's rule set too (for gaps and overlaps); else its directory only
    let rules: Option<RuleSet> = match (&a.directory, date) {
        (Some(dir), Some(_)) => Some(load_rules(dir)?),
        (None, Some(_)) => {
            anyhow::bail!("option `--date` needs `--directory` (the rule set to find gaps in)")
        }
        _ => None,
    };
    let directory = match (&rules, &a.directory) {
        (Some(r), _) => Some(r.directory().clone()),
        (None, Some(dir)) => Some(load_directory(dir)?),
        (None, None) => None,
    };
    let name = a.events.display().to_string();
    let format = evaluation::LogFormat::of_path(&a.events)?;
    let file = File::open(&a.events).map_err(|e| dls_core::source::io_error(&name, &e))?;
    let spinner = progress::spinner(&format!("reading `{name}`"), quiet);
    let ingested = format.ingest(file)?;
    spinner.set_message("evaluating and drawing");
    let phase = |p: &str| Selection {
        phase: Some(p.to_string()),
        ..Selection::default()
    };
    let opts = ReportOptions {
        title: a.title.clone(),
        evaluation: EvalOptions {
            directory,
            ..EvalOptions::default()
        },
        compare: (!a.no_compare).then(|| (phase(&a.pilot), phase(&a.baseline))),
        coverage: rules.as_ref().zip(date),
        ..ReportOptions::default()
    };
    let html = dls_report::render(&ingested.log, &opts)?;
    spinner.finish_and_clear();
    if !ingested.rejected.is_empty() {
        eprintln!(
            "warning: `{name}`: {} rows not used (see `dls evaluate`)",
            ingested.rejected.len()
        );
    }
    std::fs::write(&a.output, html)
        .with_context(|| format!("cannot write `{}`", a.output.display()))?;
    eprintln!(
        "report of {} cases written to `{}`",
        ingested.log.case_count(),
        a.output.display()
    );
    Ok(EXIT_OK)
}
