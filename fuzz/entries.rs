//! The entry functions of the fuzz targets, shared with the corpus replay test
//! (`dls-core/tests/fuzz_corpus.rs`, on stable): each takes raw bytes, feeds them to one parser
//! of dls-core the way a binding would, and goes on with what parsed (validate, route,
//! evaluate, publish). It returns the error's message, if the input was refused: a panic is
//! the finding; a typed error is the expected way out.

use std::sync::OnceLock;

use chrono::NaiveDate;
use dls_core::evaluation::{self, Dim, Disclosure, EvalOptions, EvalState};
use dls_core::routing::{RouteOptions, Router};
use dls_core::rows::CaseRow;
use dls_core::{pilot, source, Case, Directory, Format, RuleSet};

/// An entry: raw bytes in, the error's message out if the input was refused.
pub type Entry = fn(&[u8]) -> Option<String>;

/// The entries by name: the fuzz targets and the corpus folders (`fuzz/corpus/NAME`).
pub const TARGETS: [(&str, Entry); 9] = [
    ("directory_toml", directory_toml),
    ("directory_json", directory_json),
    ("rules_toml", rules_toml),
    ("rules_json", rules_json),
    ("events_csv", events_csv),
    ("events_jsonl", events_jsonl),
    ("case_json", case_json),
    ("case_row", case_row),
    ("state", state),
];

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

fn fixtures() -> &'static (Directory, Router) {
    static F: OnceLock<(Directory, Router)> = OnceLock::new();
    F.get_or_init(|| (pilot::directory(), Router::new(&pilot::rules())))
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default()
}

fn directory(data: &[u8], format: Format) -> Option<String> {
    let text = text(data)?;
    match Directory::from_str(text, format, "fuzz") {
        Ok(d) => {
            // round trip through its data
            let _ = d.to_data();
            None
        }
        Err(e) => Some(e.to_string()),
    }
}

/// A directory (with its areas and taxonomy) in TOML.
pub fn directory_toml(data: &[u8]) -> Option<String> {
    directory(data, Format::Toml)
}

/// A directory in JSON.
pub fn directory_json(data: &[u8]) -> Option<String> {
    directory(data, Format::Json)
}

fn rules(data: &[u8], format: Format) -> Option<String> {
    let text = text(data)?;
    let (dir, _) = fixtures();
    match RuleSet::from_str(dir, text, format, "fuzz") {
        Ok(rules) => {
            let router = Router::new(&rules);
            for case in pilot::cases().iter().take(20) {
                let _ = router.route_with(case, date(), RouteOptions::TRACE);
            }
            None
        }
        Err(e) => Some(e.to_string()),
    }
}

/// A rule set in TOML, validated against the pilot directory, then routing pilot cases.
pub fn rules_toml(data: &[u8]) -> Option<String> {
    rules(data, Format::Toml)
}

/// A rule set in JSON.
pub fn rules_json(data: &[u8]) -> Option<String> {
    rules(data, Format::Json)
}

fn evaluate(log: &evaluation::EventLog) {
    let (dir, _) = fixtures();
    for (group_by, directory) in [
        (vec![Dim::Kern, Dim::Month], None),
        (
            vec![Dim::Municipality, Dim::Organisation, Dim::Week],
            Some(dir.clone()),
        ),
    ] {
        let opts = EvalOptions {
            group_by,
            directory,
            ..EvalOptions::default()
        };
        let ev = evaluation::evaluate(log, &opts);
        let _ = ev.state.finish(&Disclosure::raw());
        // the state written out reads back
        let back = EvalState::from_json(&ev.state.to_json());
        assert!(back.is_ok(), "a state written by dls does not read back");
    }
}

fn ingested(r: Result<evaluation::Ingested, evaluation::EvalError>) -> Option<String> {
    match r {
        Ok(i) => {
            assert_eq!(
                i.rows_used + i.rejected.len() as u64,
                i.rows_read,
                "rows lost"
            );
            evaluate(&i.log);
            None
        }
        Err(e) => Some(e.to_string()),
    }
}

/// An event log in CSV, evaluated two ways.
pub fn events_csv(data: &[u8]) -> Option<String> {
    ingested(evaluation::ingest_csv_str(text(data)?))
}

/// An event log in JSON lines.
pub fn events_jsonl(data: &[u8]) -> Option<String> {
    ingested(evaluation::ingest_jsonl_str(text(data)?))
}

/// One case in JSON, checked against the pilot directory and routed.
pub fn case_json(data: &[u8]) -> Option<String> {
    let text = text(data)?;
    let case: Case = match source::parse(text, Format::Json, "case JSON") {
        Ok(c) => c,
        Err(e) => return Some(e.to_string()),
    };
    let (dir, router) = fixtures();
    if let Err(e) = case.check(dir) {
        return Some(e.to_string());
    }
    router
        .route_with(&case, date(), RouteOptions::TRACE)
        .err()
        .map(|e| e.to_string())
}

/// Case rows, one per line, fields separated by `|`: id, kern, needs (`;`), age, household,
/// urgency, framework, signals (`;`), income, opened, tried (`;`), consent (`y`), declared
/// attributes (`name=word`, `;`); routed as a batch.
pub fn case_row(data: &[u8]) -> Option<String> {
    let text = text(data)?;
    let mut rows = Vec::new();
    for line in text.lines().take(1_000) {
        let f: Vec<&str> = line.split('|').collect();
        let at = |i: usize| f.get(i).copied().unwrap_or("");
        let opt = |i: usize| Some(at(i)).filter(|s| !s.is_empty());
        let list = |i: usize| -> Vec<&str> { at(i).split(';').filter(|s| !s.is_empty()).collect() };
        rows.push(CaseRow {
            id: at(0),
            kern: at(1),
            needs: list(2),
            age: opt(3).and_then(|s| s.parse().ok()),
            household: opt(4),
            urgency: opt(5),
            framework: opt(6),
            signals: list(7),
            income_pct: opt(8).and_then(|s| s.parse().ok()),
            opened: opt(9).and_then(|s| s.parse().ok()),
            tried: list(10)
                .into_iter()
                .map(dls_core::rows::TriedRow::parse)
                .collect(),
            share_with_organisations: at(11) == "y",
            extra: list(12)
                .into_iter()
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k, dls_core::attributes::AttributeValue::Word(v.to_string())))
                .collect(),
        });
    }
    let (_, router) = fixtures();
    let out = router.route_rows(&rows, None, RouteOptions::TRACE);
    out.into_iter().find_map(|r| r.err()).map(|e| e.to_string())
}

/// Evaluation state bytes, read back, published and merged with itself.
pub fn state(data: &[u8]) -> Option<String> {
    match EvalState::from_json(data) {
        Ok(s) => {
            let _ = s.finish(&Disclosure::default());
            let _ = s.finish(&Disclosure::raw());
            let mut twice = s.clone();
            let _ = twice.merge(&s);
            None
        }
        Err(e) => Some(e.to_string()),
    }
}
