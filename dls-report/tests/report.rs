//! The report of the embedded pilot: the page's figures are the evaluation's published ones,
//! missing figures show as missing, strings from the data are escaped.

use dls_core::evaluation::{self, CompareOptions, Dim, EvalOptions, Selection};
use dls_core::pilot;
use dls_report::{render, ReportOptions};

fn pilot_report() -> String {
    let log = evaluation::ingest_csv_str(pilot::EVENTS_CSV).unwrap().log;
    let rules = pilot::rules();
    let opts = ReportOptions {
        evaluation: EvalOptions {
            directory: Some(pilot::directory()),
            ..EvalOptions::default()
        },
        coverage: Some((&rules, "2026-06-01".parse().unwrap())),
        ..ReportOptions::default()
    };
    render(&log, &opts).unwrap()
}

#[test]
fn the_pilot_report_holds_the_published_phase_figures() {
    let html = pilot_report();
    if let Ok(path) = std::env::var("DLS_REPORT_OUT") {
        std::fs::write(path, &html).unwrap();
    }
    // independently: the published aggregates by phase
    let log = evaluation::ingest_csv_str(pilot::EVENTS_CSV).unwrap().log;
    let opts = EvalOptions {
        directory: Some(pilot::directory()),
        group_by: vec![Dim::Phase],
        ..EvalOptions::default()
    };
    let ev = evaluation::evaluate(&log, &opts);
    for row in &ev.summary.aggregates.rows {
        let f = row.figures.as_ref().expect("both phases publish");
        let phase = row.key[0].as_deref().unwrap();
        let median = f
            .right_place
            .median_days
            .map_or("—".to_string(), |v| format!("{v:.1}"));
        let expected = format!(
            "<th scope=\"row\">{phase}</th><td class=\"num\">{}</td>",
            f.cases
        );
        assert!(html.contains(&expected), "no row {expected}");
        assert!(html.contains(&format!(">{median}<")), "no median {median}");
    }
    // the comparison, as the core publishes it
    let sel = |p: &str| Selection {
        phase: Some(p.into()),
        ..Selection::default()
    };
    let cs = evaluation::compare(
        &ev.per_case,
        &sel("pilot"),
        &sel("baseline"),
        &CompareOptions::default(),
    );
    let rp = cs
        .iter()
        .find(|c| c.metric == evaluation::Metric::RightPlaceDays)
        .unwrap();
    let diff = rp
        .difference
        .map_or("—".to_string(), |v| format!("{v:+.1}"));
    assert!(html.contains(&diff), "no difference {diff}");
    assert!(html.contains("<svg"), "no chart");
    assert!(!html.contains("<script"), "the page needs no script");
    assert!(html.contains("@media print"));
}

#[test]
fn suppressed_and_missing_figures_are_never_zero() {
    let html = pilot_report();
    // kern × phase cells of the pilot are small: not listed, and the page says so
    assert!(!html.contains("suppressed: too few cases to publish"));
    assert!(html.contains("is not listed (a missing group had fewer, possibly none)"));
    // a missing figure has its own class and mark
    assert!(html.contains("class=\"missing\">—<"));
}

#[test]
fn strings_from_the_log_are_escaped() {
    let csv = "case_id,timestamp,activity,organisation,kern,need,phase\n\
               c1,2026-03-02T09:00:00+01:00,opened,,<b>kern</b>,zorg.wmo,<script>alert(1)</script>\n";
    let log = evaluation::ingest_csv_str(csv).unwrap().log;
    let opts = ReportOptions {
        compare: None,
        ..ReportOptions::default()
    };
    let html = render(&log, &opts).unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(!html.contains("<b>kern</b>"));
}

#[test]
fn a_phase_no_case_has_is_named_with_the_phases_that_exist() {
    let log = evaluation::ingest_csv_str(pilot::EVENTS_CSV).unwrap().log;
    let opts = ReportOptions {
        compare: Some((
            Selection {
                phase: Some("Pilot".into()),
                ..Selection::default()
            },
            Selection {
                phase: Some("baseline".into()),
                ..Selection::default()
            },
        )),
        ..ReportOptions::default()
    };
    let html = render(&log, &opts).unwrap();
    assert!(html.contains("Not compared:"), "no note");
    assert!(
        html.contains("baseline, pilot") || html.contains("`baseline`, `pilot`"),
        "the phases that exist are not named"
    );
}
