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

/// The gap lines of the page, as (need, bands, where, count, which) cells.
fn gap_lines(html: &str) -> Vec<Vec<String>> {
    let table = html
        .split("<table id=\"gap-table\">")
        .nth(1)
        .expect("a gap table")
        .split("</table>")
        .next()
        .unwrap();
    table
        .split("<tr>")
        .skip(2) // the header row
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let cell = &cell[cell.find('>').unwrap() + 1..];
                    cell[..cell.find("</td>").unwrap()].to_string()
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_gap_everywhere_is_one_line_that_says_so() {
    use std::collections::{BTreeMap, BTreeSet};
    let html = pilot_report();
    let rules = pilot::rules();
    let report = dls_core::coverage::analyse(
        &rules,
        &dls_core::coverage::CoverageOptions::on("2026-06-01".parse().unwrap()),
    );
    let kernen: BTreeSet<&str> = report.rows.iter().map(|r| r.kern_name.as_str()).collect();
    let mut kernen_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in &report.rows {
        kernen_of
            .entry(r.municipality.as_str().to_string())
            .or_default()
            .insert(r.kern_name.clone());
    }
    let bands: BTreeSet<&str> = report.rows.iter().map(|r| r.age_band.as_str()).collect();
    // independently: the (need, band) → kernen of every gap
    let mut want: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for r in report.gaps() {
        want.entry((r.need.as_str().into(), r.age_band.clone()))
            .or_default()
            .insert(r.kern_name.clone());
    }
    let mut shown: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let lines = gap_lines(&html);
    assert!(!lines.is_empty());
    for line in &lines {
        let [need, band_cell, _where, count, which] = &line[..] else {
            panic!("a gap line has five cells: {line:?}")
        };
        let which = parse_which(which, &kernen, &kernen_of);
        // a line never spells out most kernen of a municipality of more than three
        for ks in kernen_of.values().filter(|ks| ks.len() > 3) {
            let named = ks
                .iter()
                .filter(|k| line[4].split([',', ';']).any(|p| p.trim() == *k));
            assert!(named.count() * 2 <= ks.len(), "{line:?}");
        }
        assert_eq!(count.parse::<usize>().unwrap(), which.len(), "{line:?}");
        let line_bands: Vec<String> = if band_cell == "all ages" {
            bands.iter().map(|b| b.to_string()).collect()
        } else {
            band_cell.split(", ").map(String::from).collect()
        };
        assert!(line_bands.len() < bands.len() || band_cell == "all ages");
        for b in line_bands {
            shown
                .entry((need.clone(), b))
                .or_default()
                .extend(which.iter().cloned());
        }
    }
    // lines beyond the listed ones are only counted; the pilot has fewer
    assert!(!html.contains("more lines of gaps"));
    assert_eq!(shown, want);
}

/// The kernen a "which" cell names: "all N kernen", parts separated by "; ", each "all N
/// kernen of M", "all N kernen of M except a, b" or "a, b".
fn parse_which(
    cell: &str,
    kernen: &std::collections::BTreeSet<&str>,
    kernen_of: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
) -> std::collections::BTreeSet<String> {
    if cell == format!("all {} kernen", kernen.len()) {
        return kernen.iter().map(|k| k.to_string()).collect();
    }
    let mut set = std::collections::BTreeSet::new();
    for part in cell.split("; ") {
        match part.strip_prefix("all ") {
            Some(rest) => {
                let (n, rest) = rest.split_once(" kernen of ").expect(part);
                let (municipality, except) = match rest.split_once(" except ") {
                    Some((m, e)) => (m, e.split(", ").collect::<Vec<_>>()),
                    None => (rest, Vec::new()),
                };
                let ks = &kernen_of[municipality];
                assert_eq!(n.parse::<usize>().unwrap(), ks.len(), "{cell}");
                assert!(except.iter().all(|e| ks.contains(*e)), "{cell}");
                set.extend(ks.iter().filter(|k| !except.contains(&k.as_str())).cloned());
            }
            None => set.extend(part.split(", ").map(String::from)),
        }
    }
    set
}
