//! A municipality extends the national vocabulary (a fourth urgency level `acute`, a boolean
//! `has_wlz_indication`, an enumeration `language`): rules, eligibility and cases use them and
//! route as written; an unknown attribute or value is an error that says where, with the
//! closest declared one.

use chrono::NaiveDate;
use dls_core::conditions::AttributeValue;
use dls_core::routing::{Outcome, RouteOptions, Router, Verdict};
use dls_core::rows::CaseRow;
use dls_core::validation::ProblemKind;
use dls_core::{Case, Directory, Format, LoadError, RuleSet, RuleSetData};

/// The shared world (tests/fixtures/vocabulary/), read by the Python and JVM tests too.
const DIRECTORY: &str = include_str!("../../tests/fixtures/vocabulary/directory.toml");
const RULES: &str = include_str!("../../tests/fixtures/vocabulary/rules.toml");
const EXPECTED: &str = include_str!("../../tests/fixtures/vocabulary/expected.json");

fn expected() -> serde_json::Value {
    serde_json::from_str(EXPECTED).unwrap()
}

/// `(attributes as JSON, answer)` of each entry of the fixture's list `key`.
fn fixture_cases(key: &str, answer: &str) -> Vec<(String, String)> {
    expected()[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["attributes"].to_string(),
                e[answer].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn directory() -> Directory {
    Directory::from_str(DIRECTORY, Format::Toml, "ext/directory.toml")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn router() -> Router {
    let data = RuleSetData::parse(RULES, Format::Toml, "ext/rules.toml").unwrap();
    Router::new(&RuleSet::new(&directory(), data).unwrap_or_else(|e| panic!("{e}")))
}

fn date() -> NaiveDate {
    expected()["date"].as_str().unwrap().parse().unwrap()
}

/// The service a case routes to.
fn routed(router: &Router, case: &Case) -> String {
    let d = router.route(case, date()).unwrap_or_else(|e| panic!("{e}"));
    match &d.needs[0].outcome {
        Outcome::Service { service, .. } => service.to_string(),
        other => panic!("{other:?}"),
    }
}

/// The fixture's case with `json` as its attributes.
fn case(json: &str) -> Case {
    let mut c = expected()["case"].clone();
    c["attributes"] = serde_json::from_str(json).unwrap();
    dls_core::source::parse::<Case>(&c.to_string(), Format::Json, "cases.json").unwrap()
}

#[test]
fn a_municipality_extension_routes_as_written() {
    let r = router();
    // each declared attribute and value, from a case file, decides as the rules say
    let routes = fixture_cases("routes", "service");
    assert!(routes.len() >= 13);
    for (attributes, want) in &routes {
        assert_eq!(&routed(&r, &case(attributes)), want, "{attributes}");
    }
    // the same through a row, as the bindings build cases
    let row = CaseRow {
        id: "c-2",
        kern: "dorp",
        needs: vec!["zorg.advies"],
        urgency: Some("acute"),
        extra: vec![("language", AttributeValue::Word("ar".into()))],
        ..CaseRow::default()
    };
    let c = row.to_case_in(r.directory().vocabulary()).unwrap();
    assert_eq!(routed(&r, &c), "crisisdienst");
    // a case written back keeps its declared words where files write them
    let json = serde_json::to_string(c.attributes()).unwrap();
    assert_eq!(json, r#"{"urgency":"acute","language":"ar"}"#);
    // the trace names a declared attribute that failed
    let d = r
        .route_with(&case(r#"{"language": "nl"}"#), date(), RouteOptions::TRACE)
        .unwrap();
    let trace = d.needs[0].trace.as_ref().unwrap();
    let verdicts: Vec<String> = trace
        .candidates
        .iter()
        .map(|c| match &c.verdict {
            Verdict::Ineligible { attribute, .. } => format!("{}: {attribute}", c.rule),
            v => format!("{}: {v:?}", c.rule),
        })
        .collect();
    assert!(
        verdicts.contains(&"tolk: language".to_string())
            && verdicts.contains(&"wlz: has_wlz_indication".to_string()),
        "{verdicts:?}"
    );
}

#[test]
fn the_national_vocabulary_refuses_the_extension() {
    let national = DIRECTORY.split("[[municipality]]").nth(1).unwrap();
    let e = Directory::from_str(
        &format!("[[municipality]]{national}"),
        Format::Toml,
        "nat/directory.toml",
    )
    .unwrap_err();
    let LoadError::Invalid(report) = e else {
        panic!("{e}")
    };
    let msgs: Vec<String> = report.problems.iter().map(|p| p.to_string()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs.iter().any(|m| m.contains("`wlz-loket`")
            && m.contains("eligibility")
            && m.contains("unknown attribute `has_wlz_indication`")),
        "{msgs:?}"
    );
}

#[test]
fn unknown_attributes_and_values_say_where_and_suggest() {
    // in a rule: file, rule id, field, and the closest declared name or word
    let bad = RULES
        .replace("min = \"acute\"", "min = \"acut\"")
        .replace(
            "id = \"wlz\"\nneeds = [\"zorg.advies\"]\narea = \"GM0001\"",
            "id = \"wlz\"\nneeds = [\"zorg.advies\"]\narea = \"GM0001\"\nwhen = { langauge = { in = [\"ar\"] } }",
        );
    let data = RuleSetData::parse(&bad, Format::Toml, "ext/rules.toml").unwrap();
    let report = RuleSet::new(&directory(), data).unwrap_err();
    let attr = report
        .of_kind(ProblemKind::UnknownAttribute)
        .next()
        .unwrap()
        .to_string();
    assert!(
        attr.contains("ext/rules.toml")
            && attr.contains("`wlz`")
            && attr.contains("when")
            && attr.contains("unknown attribute `langauge`; did you mean `language`"),
        "{attr}"
    );
    let value = report
        .of_kind(ProblemKind::UnknownValue)
        .next()
        .unwrap()
        .to_string();
    assert!(
        value.contains("`acuut`")
            && value.contains("`urgency`: unknown value `acut`; did you mean `acute`"),
        "{value}"
    );
    // in a service's eligibility
    let bad = DIRECTORY.replace("in = [\"ar\", \"tr\"]", "in = [\"ar\", \"turkish\"]");
    let e = Directory::from_str(&bad, Format::Toml, "ext/directory.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`tolk-advies`")
            && e.contains("eligibility")
            && e.contains("`language`: unknown value `turkish`"),
        "{e}"
    );
    // a boolean tested with a word is the wrong kind
    let bad = DIRECTORY.replace(
        "has_wlz_indication = true }",
        "has_wlz_indication = { in = [\"yes\"] } }",
    );
    let e = Directory::from_str(&bad, Format::Toml, "ext/directory.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("`has_wlz_indication` takes"), "{e}");
    // in a case: the case id and the closest declared one, never the value itself
    let r = router();
    let errors = fixture_cases("errors", "error");
    assert!(errors.len() >= 6);
    for (attributes, want) in &errors {
        let e = r.route(&case(attributes), date()).unwrap_err().to_string();
        assert_eq!(&e, want, "{attributes}");
    }
    // a row names the field
    let row = CaseRow {
        id: "c-3",
        kern: "dorp",
        needs: vec!["zorg.advies"],
        urgency: Some("acutte"),
        ..CaseRow::default()
    };
    let e = row.to_case_in(r.directory().vocabulary()).unwrap_err();
    assert_eq!(e.field, "urgency");
    assert_eq!(
        e.kind.to_string(),
        "`urgency`: unknown value; did you mean `acute`"
    );
    // through the national vocabulary a fourth level stays unknown, as before
    assert!(row.to_case().is_err());
}

/// A need-to-know view carries a declared attribute its service's eligibility tests, and lists
/// every other declared attribute the case states as withheld: none is dropped unseen.
#[test]
fn a_view_shows_the_declared_attributes_eligibility_needs_and_withholds_the_rest() {
    use dls_core::consent::Consents;
    use dls_core::views::{view, WithheldItem};

    let data = RuleSetData::parse(RULES, Format::Toml, "ext/rules.toml").unwrap();
    let rules = RuleSet::new(&directory(), data).unwrap_or_else(|e| panic!("{e}"));
    let router = Router::new(&rules);
    let case = case(r#"{"language": "tr", "has_wlz_indication": false}"#);
    assert_eq!(routed(&router, &case), "tolk-advies");
    let decision = router.route(&case, date()).unwrap();
    let v = view(
        &rules,
        &case,
        &decision,
        &[],
        &Consents::of_case(&case),
        "gemeente",
        date(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // `tolk-advies` admits by language: the view shows it as the case states it
    assert_eq!(
        v.attributes.extra.get("language"),
        Some(&AttributeValue::Word("tr".into()))
    );
    assert!(v.fields().contains(&"attribute:language".to_string()));
    // every declared attribute the case states is shown or listed as withheld
    let withheld: Vec<String> = v
        .withheld
        .iter()
        .filter_map(|w| match &w.item {
            WithheldItem::Attribute { attribute } => Some(attribute.to_string()),
            _ => None,
        })
        .collect();
    for name in ["language", "has_wlz_indication"] {
        assert!(
            v.attributes.extra.contains_key(name) ^ withheld.iter().any(|w| w == name),
            "`{name}` neither shown nor withheld (or both): {withheld:?}"
        );
    }
}

/// The fixture's cases as a host's table holds them (a column per declared attribute, read
/// through [`attribute_column`]) route as the case files do, in one batch; an undeclared
/// column is named with the closest declared one.
#[test]
fn declared_attributes_as_table_columns_route_as_case_files_do() {
    use dls_core::rows::{attribute_column, Cell, ColumnType};
    let r = router();
    let vocabulary = r.directory().vocabulary();
    let routes = fixture_cases("routes", "service");
    let attrs: Vec<serde_json::Map<String, serde_json::Value>> = routes
        .iter()
        .map(|(a, _)| serde_json::from_str(a).unwrap())
        .collect();
    let ids: Vec<String> = (0..attrs.len()).map(|i| format!("c-{i}")).collect();
    let rows: Vec<CaseRow<'_>> = attrs
        .iter()
        .zip(&ids)
        .map(|(a, id)| {
            let mut row = CaseRow {
                id,
                kern: "dorp",
                needs: vec!["zorg.advies"],
                ..CaseRow::default()
            };
            for (name, v) in a {
                if name == "urgency" {
                    row.urgency = v.as_str();
                    continue;
                }
                let (t, cell) = match v {
                    serde_json::Value::Bool(b) => (ColumnType::Bool, Cell::Bool(*b)),
                    serde_json::Value::Number(n) => {
                        (ColumnType::Int, Cell::Int(n.as_i64().unwrap()))
                    }
                    serde_json::Value::String(s) => (ColumnType::Text, Cell::Text(s)),
                    serde_json::Value::Array(l) => (
                        ColumnType::List,
                        Cell::List(l.iter().map(|w| w.as_str().unwrap()).collect()),
                    ),
                    other => panic!("{other}"),
                };
                let column =
                    attribute_column(vocabulary, name, t).unwrap_or_else(|e| panic!("{e}"));
                row.extra.push((column.name, column.value(cell).unwrap()));
            }
            row
        })
        .collect();
    let results = r.route_rows(&rows, Some(date()), RouteOptions::FAST);
    for ((result, (attributes, want)), row) in results.iter().zip(&routes).zip(&rows) {
        let d = result
            .as_ref()
            .unwrap_or_else(|e| panic!("{attributes}: {e}"));
        let got = d.rows().next().unwrap().service.map(|s| s.to_string());
        assert_eq!(got.as_deref(), Some(want.as_str()), "{attributes}");
        assert_eq!(d.case.as_str(), row.id);
    }
    let e = attribute_column(vocabulary, "langauge", ColumnType::Text).unwrap_err();
    assert!(e.to_string().ends_with("did you mean `language`"), "{e}");
}

// ------------------------------------------------------------------ organisation kinds

/// The test directory with one more organisation of `kind`, and `declare` on top.
fn with_organisation(declare: &str, kind: &str) -> String {
    format!(
        "{declare}\n{DIRECTORY}\n[[organisation]]\nid = \"kerk\"\nname = \"Diaconie\"\nkind = \"{kind}\"\n"
    )
}

#[test]
fn a_declared_organisation_kind_loads_and_an_undeclared_one_says_where() {
    // the national kinds need no declaration (every existing file reads as before)
    assert!(directory()
        .organisations()
        .iter()
        .all(|o| o.kind.is_national()));
    // a municipality declares `church`: an organisation of that kind loads, and the
    // declaration survives saving and reading back
    let text = with_organisation("organisation_kinds = [\"church\"]", "church");
    let dir = Directory::from_str(&text, Format::Toml, "ext/directory.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let kinds: Vec<&str> = dir.organisation_kinds().all().map(|k| k.as_str()).collect();
    assert_eq!(kinds.len(), 10);
    assert_eq!(kinds.last(), Some(&"church"));
    let json = serde_json::to_string(&dir).unwrap();
    assert!(
        json.contains(r#""organisation_kinds":["church"]"#),
        "{json}"
    );
    let back = Directory::from_str(&json, Format::Json, "saved.json").unwrap();
    assert_eq!(back, dir);

    // a typo: file, organisation, field and the closest known kind
    let text = with_organisation("organisation_kinds = [\"church\"]", "churh");
    let e = Directory::from_str(&text, Format::Toml, "ext/directory.toml").unwrap_err();
    let LoadError::Invalid(report) = &e else {
        panic!("{e}")
    };
    let p: Vec<_> = report.errors().collect();
    assert_eq!(p.len(), 1, "{report}");
    assert_eq!(p[0].kind, ProblemKind::UnknownValue);
    assert_eq!(
        p[0].to_string(),
        "error: `ext/directory.toml`, organisation `kerk`, field `kind`: unknown organisation kind `churh`; did you mean `church`"
    );
    // not declared at all: the national default refuses it, suggesting nothing far off
    let text = with_organisation("", "church");
    let e = Directory::from_str(&text, Format::Toml, "ext/directory.toml").unwrap_err();
    assert!(
        e.to_string()
            .contains("organisation `kerk`, field `kind`: unknown organisation kind `church`"),
        "{e}"
    );
    // a national kind misspelt: the national one is suggested
    let text = with_organisation("", "welfair");
    let e = Directory::from_str(&text, Format::Toml, "ext/directory.toml").unwrap_err();
    assert!(e.to_string().contains("did you mean `welfare`"), "{e}");
    // a malformed kind does not parse, and the parse error says where
    let text = with_organisation("", "Kerk en Moskee");
    let e = Directory::from_str(&text, Format::Toml, "ext/directory.toml").unwrap_err();
    assert!(
        e.to_string().contains("ext/directory.toml")
            && e.to_string().contains("invalid organisation kind"),
        "{e}"
    );
}

#[test]
fn a_kind_declared_in_one_file_serves_an_organisation_in_another() {
    let mut data =
        dls_core::DirectoryData::parse(DIRECTORY, Format::Toml, "ext/directory.toml").unwrap();
    let extra = dls_core::DirectoryData::parse(
        "organisation_kinds = [\"library\"]\n[[organisation]]\nid = \"bieb\"\nname = \"Bibliotheek\"\nkind = \"library\"\n",
        Format::Toml,
        "ext/bieb.toml",
    )
    .unwrap();
    data.merge(extra);
    let (dir, warnings) = Directory::new(data).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let bieb = dir
        .organisations()
        .iter()
        .find(|o| o.id.as_str() == "bieb")
        .unwrap();
    assert_eq!(bieb.kind.as_str(), "library");
    assert!(!bieb.kind.is_national());
}
