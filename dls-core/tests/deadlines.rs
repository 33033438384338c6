//! Legal deadlines as rows: tests/fixtures/deadlines (worked out by hand from the Awb and the
//! Algemene termijnenwet), replayed here, in pytest and in JUnit.

use dls_core::evaluation::{self, Disclosure, EvalOptions, LegalConfig};
use serde_json::{json, Value};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/deadlines/");

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}{name}")).unwrap()
}

#[test]
fn the_deadline_fixture_replays() {
    let expected: Value = serde_json::from_str(&read("expected.json")).unwrap();
    let legal = LegalConfig::from_json(&read("legal.json")).unwrap();
    let as_of = expected["as_of"].as_str().unwrap().parse().unwrap();
    let ing = evaluation::ingest_csv_str(&read("events.csv")).unwrap();
    assert!(ing.rejected.is_empty(), "{:?}", ing.rejected);
    let opts = EvalOptions {
        legal: legal.clone(),
        as_of: Some(as_of),
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    };
    let ev = evaluation::evaluate(&ing.log, &opts);
    let d = evaluation::deadlines(&ev.per_case, &legal, Some(as_of));
    assert_eq!(serde_json::to_value(&d.rows).unwrap(), expected["rows"]);
    let overdue: Vec<&str> = d.overdue().map(|r| r.case.as_str()).collect();
    assert_eq!(json!(overdue), expected["overdue"]);
    assert_eq!(json!(d.uncovered_years), expected["uncovered_years"]);
}

#[test]
fn without_the_decree_day_the_deadline_is_the_day_itself() {
    let mut legal = LegalConfig::from_json(&read("legal.json")).unwrap();
    legal.calendar.equated.clear();
    let ing = evaluation::ingest_csv_str(&read("events.csv")).unwrap();
    let opts = EvalOptions {
        legal: legal.clone(),
        ..EvalOptions::default()
    };
    let ev = evaluation::evaluate(&ing.log, &opts);
    let d = evaluation::deadlines(&ev.per_case, &legal, None);
    let d1 = d.rows.iter().find(|r| r.case == "d1").unwrap();
    assert_eq!(d1.due.to_string(), "2026-05-15");
    // No equated days at all: no year is known to be covered.
    assert_eq!(d.uncovered_years, vec![2026, 2028]);
}

#[test]
fn bad_legal_settings_are_typed_errors() {
    let e = LegalConfig::from_json(r#"{"municipalities": {"GM0394": {"wmo_decision_dayz": 3}}}"#)
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("legal settings: not legal settings at line 1"),
        "{e}"
    );
    assert!(LegalConfig::from_toml("[calendar]\nequated = [\"2026-13-01\"]").is_err());
    let ok = LegalConfig::from_toml("[default_terms]\nawb_decision_days = 70").unwrap();
    assert_eq!(ok.default_terms.awb_decision_days, 70);
}
