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

const DIRECTORY: &str = r#"
[attribute.urgency]
values = ["acute"]

[attribute.has_wlz_indication]
kind = "boolean"

[attribute.language]
kind = "enum"
values = ["nl", "en", "ar", "tr"]

[[municipality]]
code = "GM0001"
name = "Testgemeente"

[[kern]]
id = "dorp"
name = "Dorp"
municipality = "GM0001"

[[domain]]
code = "zorg"
label = "Zorg"

[[need]]
code = "zorg.advies"
label = "Advies"

[[organisation]]
id = "gemeente"
name = "Gemeente"
kind = "municipality"

[[service]]
id = "crisisdienst"
organisation = "gemeente"
name = "Crisisdienst"
needs = ["zorg.advies"]
areas = ["GM0001"]

[[service]]
id = "wlz-loket"
organisation = "gemeente"
name = "Wlz-loket"
needs = ["zorg.advies"]
areas = ["GM0001"]
eligibility = { has_wlz_indication = true }

[[service]]
id = "tolk-advies"
organisation = "gemeente"
name = "Advies met tolk"
needs = ["zorg.advies"]
areas = ["GM0001"]
eligibility = { language = { in = ["ar", "tr"] } }

[[service]]
id = "advies"
organisation = "gemeente"
name = "Advies"
needs = ["zorg.advies"]
areas = ["GM0001"]
"#;

const RULES: &str = r#"
[[rule]]
id = "acuut"
needs = ["zorg.advies"]
area = "GM0001"
when = { urgency = { min = "acute" } }
target = "service:crisisdienst"
priority = 30

[[rule]]
id = "wlz"
needs = ["zorg.advies"]
area = "GM0001"
target = "service:wlz-loket"
priority = 20

[[rule]]
id = "tolk"
needs = ["zorg.advies"]
area = "GM0001"
target = "service:tolk-advies"
priority = 10

[[rule]]
id = "advies"
needs = ["zorg.advies"]
area = "GM0001"
target = "service:advies"
"#;

fn directory() -> Directory {
    Directory::from_str(DIRECTORY, Format::Toml, "ext/directory.toml")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn router() -> Router {
    let data = RuleSetData::parse(RULES, Format::Toml, "ext/rules.toml").unwrap();
    Router::new(&RuleSet::new(&directory(), data).unwrap_or_else(|e| panic!("{e}")))
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

/// The service a case routes to.
fn routed(router: &Router, case: &Case) -> String {
    let d = router.route(case, date()).unwrap_or_else(|e| panic!("{e}"));
    match &d.needs[0].outcome {
        Outcome::Service { service, .. } => service.to_string(),
        other => panic!("{other:?}"),
    }
}

fn case(json: &str) -> Case {
    let text = format!(
        r#"{{"id": "c-1", "kern": "dorp", "needs": [{{"need": "zorg.advies", "primary": true}}], "attributes": {json}}}"#
    );
    dls_core::source::parse::<Case>(&text, Format::Json, "cases.json").unwrap()
}

#[test]
fn a_municipality_extension_routes_as_written() {
    let r = router();
    // each declared attribute and value, from a case file, decides as the rules say
    for (attributes, want) in [
        (r#"{"urgency": "acute"}"#, "crisisdienst"),
        (r#"{"urgency": "crisis"}"#, "advies"),
        (r#"{"has_wlz_indication": true}"#, "wlz-loket"),
        (r#"{"has_wlz_indication": false}"#, "advies"),
        (r#"{"language": "ar"}"#, "tolk-advies"),
        (r#"{"language": "nl"}"#, "advies"),
        (
            r#"{"language": "tr", "has_wlz_indication": true}"#,
            "wlz-loket",
        ),
        (
            r#"{"urgency": "acute", "language": "tr", "has_wlz_indication": true}"#,
            "crisisdienst",
        ),
        (r#"{}"#, "advies"),
    ] {
        assert_eq!(routed(&r, &case(attributes)), want, "{attributes}");
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
    for (attributes, want) in [
        (
            r#"{"langauge": "ar"}"#,
            "case `c-1`: unknown attribute `langauge`; did you mean `language`",
        ),
        (
            r#"{"language": "klingon"}"#,
            "case `c-1`: `language`: unknown value",
        ),
        (
            r#"{"urgency": "acuute"}"#,
            "case `c-1`: `urgency`: unknown value; did you mean `acute`",
        ),
        (
            r#"{"has_wlz_indication": "yes"}"#,
            "case `c-1`: `has_wlz_indication` takes `true` or `false`",
        ),
    ] {
        let e = r.route(&case(attributes), date()).unwrap_err().to_string();
        assert_eq!(e, want, "{attributes}");
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
