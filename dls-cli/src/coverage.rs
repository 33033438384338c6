//! `dls coverage DIR --date D`: gaps and overlaps per kern, as text, JSON or CSV.

use std::io::Write as _;

use anyhow::Context;
use dls_core::coverage::{analyse, CoverageFilter, CoverageOptions, CoverageRow, COVERAGE_COLUMNS};
use dls_core::rows::parse_date;
use dls_core::{MunicipalityCode, RuleSet};

use crate::args::{CoverageArgs, Only};
use crate::out::load_rules;
use crate::EXIT_OK;

fn filter(only: Only) -> CoverageFilter {
    match only {
        Only::All => CoverageFilter::All,
        Only::Gaps => CoverageFilter::Gaps,
        Only::Overlaps => CoverageFilter::Overlaps,
        Only::Problems => CoverageFilter::Problems,
    }
}

/// The fields of a row in the order of [`COVERAGE_COLUMNS`].
fn record(r: &CoverageRow) -> [String; 15] {
    let opt = |v: Option<&str>| v.unwrap_or_default().to_string();
    let list = |v: &[dls_core::OrganisationId]| {
        v.iter()
            .map(|o| o.as_str())
            .collect::<Vec<_>>()
            .join(&dls_core::rows::LIST_SEPARATOR.to_string())
    };
    [
        r.kern.to_string(),
        r.kern_name.clone(),
        r.municipality.to_string(),
        r.need.to_string(),
        r.age_band.clone(),
        r.age_min.to_string(),
        r.age_max.to_string(),
        r.status.as_str().to_string(),
        opt(r.service.as_ref().map(|s| s.as_str())),
        opt(r.organisation.as_ref().map(|s| s.as_str())),
        opt(r.rule.as_ref().map(|s| s.as_str())),
        r.status.is_gap().to_string(),
        r.is_overlap().to_string(),
        list(&r.providers),
        list(&r.overlap),
    ]
}

pub(crate) fn run(a: &CoverageArgs) -> anyhow::Result<i32> {
    let date = parse_date("date", &a.date).context("option `--date`")?;
    let municipality = a
        .municipality
        .as_deref()
        .map(str::parse::<MunicipalityCode>)
        .transpose()
        .context("option `--municipality`")?;
    let rules: RuleSet = load_rules(&a.dir)?;
    let options = CoverageOptions { date, municipality };
    options.check(&rules)?;
    let report = analyse(&rules, &options);
    let rows: Vec<&CoverageRow> = report.select(filter(a.only)).collect();
    let mut stdout = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut stdout, &rows)?;
        writeln!(stdout)?;
    } else if a.csv {
        let mut w = csv::Writer::from_writer(stdout);
        w.write_record(COVERAGE_COLUMNS)?;
        for r in rows {
            w.write_record(record(r))?;
        }
        w.flush()?;
    } else {
        writeln!(stdout, "{}", report.render_table())?;
    }
    Ok(EXIT_OK)
}
