//! Age in whole years: cases state an age, conditions and eligibility test inclusive integer
//! ranges, age bands are only reporting groups. Boundaries (64/65/66/67 at a `65+` service,
//! 17/18 at an adult one, 4–11), bad input with its place, coverage split inside a band, and
//! routing compared age by age with coverage (two separate walks of the rules).

use dls_core::conditions::AttributeName;
use dls_core::coverage::{self, CoverageOptions, CoverageStatus};
use dls_core::routing::{NeedDecision, RouteOptions, Router, Verdict};
use dls_core::rows::CaseRow;
use dls_core::validation::{ProblemKind, ValidationReport};
use dls_core::{Case, Directory, DirectoryData, Format, LoadError, RuleSet, RuleSetData};

/// The shared world (tests/fixtures/ages/), read by the Python and JVM tests too.
const DIRECTORY: &str = include_str!("../../tests/fixtures/ages/directory.toml");
const RULES: &str = include_str!("../../tests/fixtures/ages/rules.toml");
const EXPECTED: &str = include_str!("../../tests/fixtures/ages/expected.json");

fn expected() -> serde_json::Value {
    serde_json::from_str(EXPECTED).unwrap()
}

fn date() -> chrono::NaiveDate {
    expected()["date"].as_str().unwrap().parse().unwrap()
}

fn directory() -> Directory {
    Directory::from_str(DIRECTORY, Format::Toml, "ages/directory.toml")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn rules() -> RuleSet {
    let data = RuleSetData::parse(RULES, Format::Toml, "ages/rules.toml").unwrap();
    RuleSet::new(&directory(), data).unwrap_or_else(|e| panic!("{e}"))
}

fn route(router: &Router, need: &str, age: Option<i64>) -> NeedDecision {
    route_in(router, "dorp", need, age)
}

fn route_in(router: &Router, kern: &str, need: &str, age: Option<i64>) -> NeedDecision {
    let row = CaseRow {
        id: "c1",
        kern,
        needs: vec![need],
        age,
        ..CaseRow::default()
    };
    let case = row.to_case().unwrap();
    router
        .route_with(&case, date(), RouteOptions::TRACE)
        .unwrap()
        .needs
        .remove(0)
}

fn service(n: &NeedDecision) -> &str {
    n.outcome.service().map_or("-", |s| s.as_str())
}

/// Every route of the fixture: 64/65/66/67 and no age at a `65+` service, 17/18/0/130 at an
/// adult one, a rule over two kernen, school help past its ages going to the steunpilaar.
#[test]
fn every_fixture_age_routes_to_its_service_by_its_rule() {
    let router = Router::new(&rules());
    let routes = expected()["routes"].as_array().unwrap().clone();
    assert!(routes.len() >= 12);
    for r in &routes {
        let kern = r["kern"].as_str().unwrap_or("dorp");
        let n = route_in(
            &router,
            kern,
            r["need"].as_str().unwrap(),
            r["age"].as_i64(),
        );
        assert_eq!(service(&n), r["service"].as_str().unwrap(), "{r}");
        assert_eq!(
            n.rule.as_ref().map(|x| x.to_string()),
            r["rule"].as_str().map(str::to_string),
            "{r}"
        );
    }
}

#[test]
fn sixty_five_plus_takes_65_and_older_only() {
    let router = Router::new(&rules());
    let got: Vec<String> = [64, 65, 66, 67]
        .into_iter()
        .map(|y| service(&route(&router, "zorg.advies", Some(y))).to_string())
        .collect();
    assert_eq!(
        got,
        [
            "algemeen-advies",
            "ouderenadviseur",
            "ouderenadviseur",
            "ouderenadviseur"
        ]
    );
    // the trace says why the 64-year-old skipped the 65+ service: the age, not anything else
    let n = route(&router, "zorg.advies", Some(64));
    let verdict = &n.trace.as_ref().unwrap().candidates[0].verdict;
    assert_eq!(
        verdict,
        &Verdict::Ineligible {
            service: "ouderenadviseur".parse().unwrap(),
            attribute: AttributeName::Age
        }
    );
    // a case that states no age is not taken by a service that asks for one
    assert_eq!(
        service(&route(&router, "zorg.advies", None)),
        "algemeen-advies"
    );
}

#[test]
fn a_4_to_11_rule_holds_from_4_through_11() {
    let router = Router::new(&rules());
    let routed: Vec<i64> = (0..=17)
        .filter(|&y| service(&route(&router, "zorg.school", Some(y))) == "jeugdteam")
        .collect();
    let want: Vec<i64> = expected()["school_ages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert_eq!(routed, want);
    assert_eq!(want, (4..=11).collect::<Vec<_>>());
    assert_eq!(service(&route(&router, "zorg.school", Some(12))), "slp");
}

#[test]
fn coverage_splits_a_band_where_the_answer_changes_and_agrees_with_routing_at_every_age() {
    let rules = rules();
    let router = Router::new(&rules);
    let report = coverage::analyse(&rules, &CoverageOptions::on(date()));
    let advice: Vec<(&str, u8, u8, Option<&str>)> = report
        .rows
        .iter()
        .filter(|r| r.need.as_str() == "zorg.advies" && r.kern.as_str() == "dorp")
        .map(|r| {
            (
                r.age_band.as_str(),
                r.age_min.years(),
                r.age_max.years(),
                r.service.as_ref().map(|s| s.as_str()),
            )
        })
        .collect();
    assert_eq!(
        advice,
        [
            ("child", 0, 11, Some("algemeen-advies")),
            ("youth", 12, 17, Some("algemeen-advies")),
            ("young_adult", 18, 22, Some("algemeen-advies")),
            ("adult", 23, 64, Some("algemeen-advies")),
            ("adult", 65, 66, Some("ouderenadviseur")),
            ("senior", 67, 130, Some("ouderenadviseur")),
        ]
    );
    // the same rows as the fixture lists for the other bindings
    let fixture: Vec<(String, u8, u8, String)> =
        serde_json::from_value(expected()["advice_coverage"].clone()).unwrap();
    let ours: Vec<(String, u8, u8, String)> = advice
        .iter()
        .map(|(b, lo, hi, s)| (b.to_string(), *lo, *hi, s.unwrap().to_string()))
        .collect();
    assert_eq!(ours, fixture);
    // school help applies up to 17 only: no rows for older bands
    assert!(report.row("dorp", "zorg.school", "adult").is_none());
    // 65 and older have two organisations offering advice: an overlap, labelled with the ages
    // where it splits a band
    let table = report.render_table();
    assert!(table.contains("adult 65-66, senior"), "{table}");
    // routing, case by case, at every age, lands where the coverage row for that age says
    for need in ["zorg.advies", "zorg.wmo", "zorg.school"] {
        for y in 0..=130u8 {
            let n = route(&router, need, Some(y.into()));
            match report.row_at("dorp", need, y) {
                Some(row) => {
                    let expected = row.service.as_ref().map(|s| s.as_str());
                    assert_eq!(
                        n.outcome.service().map(|s| s.as_str()),
                        expected,
                        "{need} at {y}"
                    );
                    assert_eq!(
                        row.status == CoverageStatus::Steunpilaar,
                        service(&n) == "slp",
                        "{need} at {y}"
                    );
                }
                None => assert!(need == "zorg.school" && y > 17, "{need} at {y}"),
            }
        }
    }
}

#[test]
fn declared_age_bands_replace_the_default_five() {
    let text = format!(
        "{DIRECTORY}\n[[age_band]]\nname = \"onder-65\"\nmin = 0\nmax = 64\n\n[[age_band]]\nname = \"65-plus\"\nmin = 65\n"
    );
    let dir = Directory::from_str(&text, Format::Toml, "ages/directory.toml").unwrap();
    let names: Vec<&str> = dir
        .taxonomy()
        .age_bands()
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    assert_eq!(names, ["onder-65", "65-plus"]);
    let data = RuleSetData::parse(RULES, Format::Toml, "ages/rules.toml").unwrap();
    let rules = RuleSet::new(&dir, data).unwrap();
    let report = coverage::analyse(&rules, &CoverageOptions::on(date()));
    let advice: Vec<(&str, Option<&str>)> = report
        .rows
        .iter()
        .filter(|r| r.need.as_str() == "zorg.advies" && r.kern.as_str() == "dorp")
        .map(|r| (r.age_band.as_str(), r.service.as_ref().map(|s| s.as_str())))
        .collect();
    assert_eq!(
        advice,
        [
            ("onder-65", Some("algemeen-advies")),
            ("65-plus", Some("ouderenadviseur"))
        ]
    );
    // the declared bands survive a round trip through data
    assert_eq!(dir.to_data().age_bands.len(), 2);

    let bad = format!(
        "{DIRECTORY}\n[[age_band]]\nname = \"x\"\nmin = 70\nmax = 60\n\n[[age_band]]\nname = \"x\"\nmin = 1\n"
    );
    let e = Directory::new(DirectoryData::parse(&bad, Format::Toml, "bands.toml").unwrap())
        .unwrap_err();
    let inverted = e
        .of_kind(ProblemKind::InvertedRange)
        .next()
        .expect("inverted band");
    assert_eq!(inverted.location.item.as_deref(), Some("age_band `x`"));
    assert_eq!(inverted.location.file.as_deref(), Some("bands.toml"));
    assert!(e.of_kind(ProblemKind::DuplicateId).next().is_some(), "{e}");
}

// ------------------------------------------------------------------ bad input

fn rules_error(when: &str) -> ValidationReport {
    let text = format!(
        "[[rule]]\nid = \"r-bad\"\nneeds = [\"zorg.advies\"]\narea = \"GM0001\"\nwhen = {when}\ntarget = \"service:algemeen-advies\"\n"
    );
    let data = RuleSetData::parse(&text, Format::Toml, "bad.toml").unwrap();
    RuleSet::new(&directory(), data).unwrap_err()
}

#[test]
fn an_age_bound_outside_0_to_130_or_inverted_names_the_file_rule_and_field() {
    for (when, kind, message) in [
        (
            "{ age = { min = -1 } }",
            ProblemKind::OutOfRange,
            "`age`: a bound lies outside 0 to 130",
        ),
        (
            "{ age = { max = 131 } }",
            ProblemKind::OutOfRange,
            "`age`: a bound lies outside 0 to 130",
        ),
        (
            "{ age = { min = 12, max = 4 } }",
            ProblemKind::InvertedRange,
            "`age`: minimum lies above maximum",
        ),
    ] {
        let r = rules_error(when);
        let p = r
            .of_kind(kind)
            .next()
            .unwrap_or_else(|| panic!("{when}: {r}"));
        assert_eq!(p.location.file.as_deref(), Some("bad.toml"));
        assert_eq!(p.location.item.as_deref(), Some("rule `r-bad`"));
        assert_eq!(p.location.field.as_deref(), Some("when"));
        assert_eq!(p.message, message);
    }
    // a service's eligibility: the service named
    let text = DIRECTORY.replace(
        "eligibility = { age = { min = 65 } }",
        "eligibility = { age = { min = 65, max = 200 } }",
    );
    let e =
        Directory::new(DirectoryData::parse(&text, Format::Toml, "dir.toml").unwrap()).unwrap_err();
    let p = e
        .of_kind(ProblemKind::OutOfRange)
        .next()
        .expect("out of range");
    assert_eq!(
        p.location.item.as_deref(),
        Some("service `ouderenadviseur`")
    );
    assert_eq!(p.location.field.as_deref(), Some("eligibility"));
    // a need's ages
    let text = DIRECTORY.replace("ages = { max = 17 }", "ages = { min = 18, max = 17 }");
    let e =
        Directory::new(DirectoryData::parse(&text, Format::Toml, "dir.toml").unwrap()).unwrap_err();
    let p = e
        .of_kind(ProblemKind::InvertedRange)
        .next()
        .expect("inverted");
    assert_eq!(p.location.item.as_deref(), Some("need `zorg.school`"));
    assert_eq!(p.location.field.as_deref(), Some("ages"));
}

#[test]
fn a_fractional_age_bound_or_an_age_band_condition_does_not_load() {
    let text = "[[rule]]\nid = \"r\"\nneeds = [\"zorg.advies\"]\narea = \"GM0001\"\nwhen = { age = { min = 4.5 } }\ntarget = \"not_covered\"\n";
    let e = RuleSetData::parse(text, Format::Toml, "frac.toml").unwrap_err();
    let l = e.location();
    assert_eq!(
        (l.file.as_deref(), l.line),
        (Some("frac.toml"), Some(5)),
        "{e}"
    );
    // an old file written in bands does not validate, pointing to `age` (an attribute the
    // vocabulary does not declare); it never silently means something else
    let text = "[[rule]]\nid = \"r\"\nneeds = [\"zorg.advies\"]\narea = \"GM0001\"\nwhen = { age_band = { min = \"senior\" } }\ntarget = \"not_covered\"\n";
    let data = RuleSetData::parse(text, Format::Toml, "old.toml").unwrap();
    let e = RuleSet::new(&directory(), data).unwrap_err();
    let p = e.of_kind(ProblemKind::UnknownAttribute).next().unwrap();
    let msg = p.to_string();
    assert!(
        msg.contains("old.toml")
            && msg.contains("`r`")
            && msg.contains("when")
            && msg.contains("unknown attribute `age_band`; did you mean `age`"),
        "{msg}"
    );
    let old_service = DIRECTORY.replace(
        "eligibility = { age = { min = 65 } }",
        "eligibility = { age_band = { min = \"senior\" } }",
    );
    let e = Directory::from_str(&old_service, Format::Toml, "old-dir.toml").unwrap_err();
    assert!(matches!(e, LoadError::Invalid(_)), "{e}");
    assert!(
        e.to_string()
            .contains("unknown attribute `age_band`; did you mean `age`"),
        "{e}"
    );
}

#[test]
fn a_case_age_outside_0_to_130_or_not_whole_is_refused_without_repeating_it() {
    let case = |age: &str| {
        let text = format!(
            r#"{{"id": "c-7", "kern": "dorp", "needs": [{{"need": "zorg.advies", "primary": true}}], "attributes": {{"age": {age}}}}}"#
        );
        dls_core::source::parse::<Case>(&text, Format::Json, "cases.json")
    };
    assert!(case("65").is_ok());
    for (age, why) in [
        ("-1", "age below 0"),
        ("131", "age above 130 years"),
        ("64.5", "age is not a whole number of years"),
        ("\"65\"", "age is not a whole number of years"),
    ] {
        let e = case(age).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.starts_with("JSON error in `cases.json` at line 1"),
            "{msg}"
        );
        // after the place, only the kind of problem: the age itself is not repeated
        assert_eq!(msg.rsplit(": ").next(), Some(why), "{age}: {msg}");
    }
    let old = dls_core::source::parse::<Case>(
        r#"{"id": "c-7", "kern": "dorp", "needs": [{"need": "zorg.advies", "primary": true}], "attributes": {"age_band": "senior"}}"#,
        Format::Json,
        "old-cases.json",
    )
    .unwrap();
    let e = Router::new(&rules())
        .route(&old, chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "case `c-7`: unknown attribute `age_band`; did you mean `age`"
    );
    // a batch row: the row's error names the field, the kind of problem, and the row's place
    let router = Router::new(&rules());
    let bad: Vec<(i64, String)> = expected()["bad_ages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["age"].as_i64().unwrap(),
                b["error"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(bad.len() >= 2);
    let ids: Vec<String> = (0..=bad.len()).map(|i| format!("c{i}")).collect();
    let ages = std::iter::once(70).chain(bad.iter().map(|(a, _)| *a));
    let rows: Vec<CaseRow<'_>> = ids
        .iter()
        .zip(ages)
        .map(|(id, age)| CaseRow {
            id,
            kern: "dorp",
            needs: vec!["zorg.advies"],
            age: Some(age),
            ..CaseRow::default()
        })
        .collect();
    let results = router.route_rows(&rows, Some(date()), RouteOptions::FAST);
    assert!(results[0].is_ok());
    for (r, (age, message)) in results[1..].iter().zip(&bad) {
        let e = r.as_ref().unwrap_err();
        assert_eq!(e.kind(), "bad_input");
        assert_eq!(&e.to_string(), message);
        assert!(!message.contains(&age.abs().to_string()), "{message}");
    }
}
