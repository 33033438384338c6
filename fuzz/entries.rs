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
pub const TARGETS: &[(&str, Entry)] = &[
    ("directory_toml", directory_toml),
    ("directory_json", directory_json),
    ("rules_toml", rules_toml),
    ("rules_json", rules_json),
    ("events_csv", events_csv),
    ("events_jsonl", events_jsonl),
    ("case_json", case_json),
    ("case_row", case_row),
    ("state", state),
    ("hsds", hsds),
    ("hsds_tables", hsds_tables),
    ("tabular", tabular),
    ("events_xes", events_xes),
    #[cfg(feature = "parquet")]
    ("events_parquet", events_parquet),
    ("log_mapping", log_mapping),
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

/// The mapping of the HSDS targets: the examples' term and area onto the pilot, and a need
/// and an area for every service that maps none (so that most services import).
const HSDS_MAPPING: &str = r#"
organisation_kind = "health"
default_areas = ["GM0394"]
default_needs = ["zorg.ggz.basis"]
[needs]
"code" = ["zorg.ggz.basis"]
[areas]
"381c64f1-a724-4884-9c21-ac96c21cca3e" = ["GM0394"]
"#;

/// An HSDS import from memory onto the pilot's areas and taxonomy, then the binding's round
/// trip: exported as HSDS, imported back (with no mapping, as for HSDS dls wrote) to the same
/// services.
fn hsds_import(json: &[(&str, &str)], tables: Option<&[(&str, &[u8])]>) -> Option<String> {
    use dls_core::hsds::{self, HsdsMapping};
    let mapping = HsdsMapping::parse(HSDS_MAPPING, Format::Toml, "mapping.toml").ok()?;
    let (base, _) = fixtures();
    let import = match hsds::import_texts(json, tables, &mapping) {
        Ok(i) => i,
        Err(e) => return Some(e.to_string()),
    };
    for note in &import.report.notes {
        let _ = note.to_string();
    }
    let (dir, _) = match hsds::onto(base, import.data) {
        Ok(d) => d,
        Err(e) => return Some(e.to_string()),
    };
    let export = hsds::export_json(&dir);
    let back = hsds::import_texts(&[("export.json", &export)], None, &HsdsMapping::default())
        .and_then(|i| hsds::onto(base, i.data));
    match back {
        Ok((back, _)) => assert!(
            back.to_data().services == dir.to_data().services,
            "an HSDS export imports back to other services"
        ),
        Err(e) => panic!("an HSDS export does not import back: {e}"),
    }
    None
}

/// HSDS 3.0 JSON (a service, an organization with its services, a list, taxonomy terms, the
/// tabular package as JSON), imported onto the pilot and round-tripped.
pub fn hsds(data: &[u8]) -> Option<String> {
    hsds_import(&[("fuzz.json", text(data)?)], None)
}

/// Splits `== NAME` header lines into named files (the text before the first is `services.csv`).
fn sections(data: &[u8]) -> Vec<(String, &[u8])> {
    let mut out: Vec<(String, &[u8])> = Vec::new();
    let mut name = "services.csv".to_string();
    let mut start = 0;
    let mut i = 0;
    while i <= data.len() {
        let at_line = i == 0 || data[i - 1] == b'\n';
        if at_line && data[i..].starts_with(b"== ") {
            let end = data[i..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(data.len(), |p| i + p);
            if i > start || !out.is_empty() || name != "services.csv" {
                out.push((name.clone(), &data[start..i]));
            }
            name = String::from_utf8_lossy(&data[i + 3..end])
                .trim()
                .to_string();
            start = (end + 1).min(data.len());
            i = start;
            continue;
        }
        i += 1;
    }
    out.push((name, &data[start.min(data.len())..]));
    out
}

/// The HSDS tabular CSV package: files separated by `== NAME.csv` lines, imported onto the
/// pilot and round-tripped.
pub fn hsds_tables(data: &[u8]) -> Option<String> {
    let files = sections(data);
    let tables: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    hsds_import(&[], Some(&tables))
}

/// The dls tabular directory: `services.csv`, then optionally `== organisations.csv` and its
/// table, onto the pilot's areas and taxonomy; what loads routes the pilot's cases.
pub fn tabular(data: &[u8]) -> Option<String> {
    let files = sections(data);
    let services = files
        .iter()
        .find(|(n, _)| n == "services.csv")
        .map_or(&b""[..], |f| f.1);
    let orgs = files
        .iter()
        .find(|(n, _)| n == "organisations.csv")
        .map(|f| f.1);
    let (base, _) = fixtures();
    match dls_core::tabular::load_tables(base, services, orgs) {
        Ok((dir, _)) => {
            let rules = RuleSet::from_str(&dir, "strict = false\n", Format::Toml, "fuzz").ok()?;
            let router = Router::new(&rules);
            for case in pilot::cases().iter().take(20) {
                let _ = router.route_with(case, date(), RouteOptions::TRACE);
            }
            let _ = dir.to_data();
            None
        }
        Err(e) => Some(e.to_string()),
    }
}

/// An XES event log (pm4py's conventions), evaluated two ways.
pub fn events_xes(data: &[u8]) -> Option<String> {
    ingested(evaluation::ingest_xes(data))
}

/// The bytes as a Parquet event log (dls's column names), evaluated two ways.
#[cfg(feature = "parquet")]
pub fn events_parquet(data: &[u8]) -> Option<String> {
    ingested(evaluation::ingest_parquet_bytes(
        data.to_vec(),
        &evaluation::LogMapping::dls(),
    ))
}

/// The events of the pm4py fixture (`tests/fixtures/logs/municipal-pm4py.csv`) that the
/// mapping target reads through each mapping.
const PM4PY_CSV: &str = include_str!("../tests/fixtures/logs/municipal-pm4py.csv");

/// A log mapping in TOML; what parses reads the pm4py fixture log and the pilot's head
/// through it and evaluates them (refused when neither reads).
pub fn log_mapping(data: &[u8]) -> Option<String> {
    let mapping = match evaluation::LogMapping::from_toml(text(data)?) {
        Ok(m) => m,
        Err(e) => return Some(e.to_string()),
    };
    let head: String = pilot::EVENTS_CSV
        .lines()
        .take(60)
        .map(|l| format!("{l}\n"))
        .collect();
    // Refused only when neither log reads through the mapping.
    let mut refused = Vec::new();
    for log in [PM4PY_CSV, head.as_str()] {
        match ingested(evaluation::ingest_csv_mapped(log.as_bytes(), &mapping)) {
            Some(e) => refused.push(e),
            None => return None,
        }
    }
    refused.into_iter().next()
}
