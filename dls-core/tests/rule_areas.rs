//! A rule may name several areas, all of one layer: it routes in each of them and nowhere
//! else, it overrides inside each of them, analysis compares it over the union of its areas,
//! and mixed layers are refused with the rule named. A differential property test compares the
//! router with a naive loop over random rules with area lists and integer age ranges.

use chrono::NaiveDate;
use dls_core::routing::{RouteOptions, Router};
use dls_core::rows::CaseRow;
use dls_core::validation::ProblemKind;
use dls_core::{Directory, Format, RuleSet, RuleSetData};
use proptest::prelude::*;

const DIRECTORY: &str = r#"
[[municipality]]
code = "GM0001"
name = "Testgemeente"

[[kern]]
id = "a"
name = "A"
municipality = "GM0001"

[[kern]]
id = "b"
name = "B"
municipality = "GM0001"

[[kern]]
id = "c"
name = "C"
municipality = "GM0001"

[[kern]]
id = "d"
name = "D"
municipality = "GM0001"

[[domain]]
code = "zorg"
label = "Zorg"

[[need]]
code = "zorg.hulp"
label = "Hulp"

[[organisation]]
id = "org"
name = "Org"
kind = "welfare"

[[service]]
id = "s0"
organisation = "org"
name = "S0"
needs = ["zorg.hulp"]
areas = ["GM0001"]

[[service]]
id = "s1"
organisation = "org"
name = "S1"
needs = ["zorg.hulp"]
areas = ["GM0001"]
eligibility = { age = { min = 65 } }

[[service]]
id = "s2"
organisation = "org"
name = "S2"
needs = ["zorg.hulp"]
areas = ["GM0001"]
eligibility = { age = { max = 17 } }

[[service]]
id = "slp"
organisation = "org"
name = "Steunpilaar"
role = "steunpilaar"
areas = ["GM0001"]
"#;

const SERVICES: [&str; 3] = ["s0", "s1", "s2"];
const KERNEN: [&str; 4] = ["a", "b", "c", "d"];

fn directory() -> Directory {
    Directory::from_str(DIRECTORY, Format::Toml, "dir.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn rule_set(rules: &str) -> Result<RuleSet, dls_core::validation::ValidationReport> {
    let text = format!("[[steunpilaar]]\narea = \"GM0001\"\nservice = \"slp\"\n{rules}");
    let data =
        RuleSetData::parse(&text, Format::Toml, "rules.toml").unwrap_or_else(|e| panic!("{e}"));
    RuleSet::new(&directory(), data)
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
}

fn service_in(router: &Router, kern: &str, age: Option<i64>) -> String {
    let case = CaseRow {
        id: "c",
        kern,
        needs: vec!["zorg.hulp"],
        age,
        ..CaseRow::default()
    }
    .to_case()
    .unwrap();
    let n = router
        .route_with(&case, date(), RouteOptions::FAST)
        .unwrap()
        .needs
        .remove(0);
    n.outcome.service().map_or("-".into(), |s| s.to_string())
}

#[test]
fn a_rule_with_two_kernen_routes_in_both_and_nowhere_else() {
    let rules = rule_set(
        r#"
[[rule]]
id = "kernen-ac"
needs = ["zorg.hulp"]
areas = ["kern:a", "kern:c"]
target = "service:s0"

[[rule]]
id = "gemeente"
needs = ["zorg.hulp"]
area = "GM0001"
target = "service:s1"
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let router = Router::new(&rules);
    let got: Vec<String> = KERNEN
        .iter()
        .map(|k| service_in(&router, k, Some(70)))
        .collect();
    assert_eq!(got, ["s0", "s1", "s0", "s1"]);
    // the rule's areas come back as written, in the list form
    let back = toml::to_string(&rules.data().rules[0]).unwrap();
    assert!(back.contains(r#"areas = ["kern:a", "kern:c"]"#), "{back}");
}

#[test]
fn a_replacement_with_two_kernen_takes_the_municipal_rule_out_in_both() {
    let rules = rule_set(
        r#"
[[rule]]
id = "gemeente"
needs = ["zorg.hulp"]
area = "GM0001"
target = "service:s0"

[[rule]]
id = "dorpen"
needs = ["zorg.hulp"]
areas = ["kern:b", "kern:d"]
when = { age = { max = 17 } }
target = "service:s2"
replaces = ["gemeente"]
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let router = Router::new(&rules);
    // an adult in b or d: the municipal rule is replaced there, the kern rule does not take
    // adults, so the steunpilaar; in a and c the municipal rule still decides
    let got: Vec<String> = KERNEN
        .iter()
        .map(|k| service_in(&router, k, Some(40)))
        .collect();
    assert_eq!(got, ["s0", "slp", "s0", "slp"]);
    let got: Vec<String> = KERNEN
        .iter()
        .map(|k| service_in(&router, k, Some(10)))
        .collect();
    assert_eq!(got, ["s0", "s2", "s0", "s2"]);
}

#[test]
fn mixed_layers_empty_lists_and_both_spellings_are_refused() {
    let e = rule_set(
        r#"
[[rule]]
id = "gemengd"
needs = ["zorg.hulp"]
areas = ["kern:a", "GM0001"]
target = "service:s0"
"#,
    )
    .unwrap_err();
    let p = e
        .of_kind(ProblemKind::MixedLayers)
        .next()
        .unwrap_or_else(|| panic!("{e}"));
    assert_eq!(p.location.item.as_deref(), Some("rule `gemengd`"));
    assert_eq!(p.location.field.as_deref(), Some("areas"));
    assert_eq!(p.location.file.as_deref(), Some("rules.toml"));
    assert!(
        p.message.contains("`kern:a`") && p.message.contains("`GM0001`"),
        "{}",
        p.message
    );

    let e = rule_set(
        "[[rule]]\nid = \"leeg\"\nneeds = [\"zorg.hulp\"]\nareas = []\ntarget = \"service:s0\"\n",
    )
    .unwrap_err();
    let p = e
        .of_kind(ProblemKind::EmptyList)
        .next()
        .unwrap_or_else(|| panic!("{e}"));
    assert_eq!(p.location.item.as_deref(), Some("rule `leeg`"));

    let e = rule_set("[[rule]]\nid = \"onbekend\"\nneeds = [\"zorg.hulp\"]\nareas = [\"kern:a\", \"kern:x\"]\ntarget = \"service:s0\"\n").unwrap_err();
    let p = e
        .of_kind(ProblemKind::UnknownKern)
        .next()
        .unwrap_or_else(|| panic!("{e}"));
    assert_eq!(p.location.item.as_deref(), Some("rule `onbekend`"));
    assert!(p.message.contains("kern:x"), "{}", p.message);

    let both = "[[rule]]\nid = \"beide\"\nneeds = [\"zorg.hulp\"]\narea = \"GM0001\"\nareas = [\"kern:a\"]\ntarget = \"service:s0\"\n";
    let e = RuleSetData::parse(both, Format::Toml, "both.toml").unwrap_err();
    assert!(e.to_string().contains("duplicate field"), "{e}");
}

#[test]
fn analysis_compares_rules_over_the_union_of_their_areas() {
    // disjoint kern lists at equal priority: no case meets both
    let ok = rule_set(
        r#"
[[rule]]
id = "r1"
needs = ["zorg.hulp"]
areas = ["kern:a", "kern:b"]
target = "service:s0"

[[rule]]
id = "r2"
needs = ["zorg.hulp"]
areas = ["kern:c", "kern:d"]
target = "service:s1"
"#,
    );
    assert!(ok.is_ok(), "{}", ok.unwrap_err());
    // sharing kern b at equal priority: a tie (a warning; an error when strict)
    let tie = r#"
[[rule]]
id = "r1"
needs = ["zorg.hulp"]
areas = ["kern:a", "kern:b"]
target = "service:s0"

[[rule]]
id = "r2"
needs = ["zorg.hulp"]
areas = ["kern:b", "kern:d"]
target = "service:s1"
"#;
    let w = rule_set(tie).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        w.warnings()
            .iter()
            .filter(|p| p.kind == ProblemKind::Ambiguous)
            .count(),
        1
    );
    let text =
        format!("strict = true\n[[steunpilaar]]\narea = \"GM0001\"\nservice = \"slp\"\n{tie}");
    let data = RuleSetData::parse(&text, Format::Toml, "rules.toml").unwrap();
    let e = RuleSet::new(&directory(), data).unwrap_err();
    assert!(e.of_kind(ProblemKind::Ambiguous).next().is_some(), "{e}");
    // a rule over a and b comes first and covers one over b alone: shadowed
    let shadowed = rule_set(
        r#"
[[rule]]
id = "r1"
needs = ["zorg.hulp"]
areas = ["kern:a", "kern:b"]
target = "service:s0"
priority = 5

[[rule]]
id = "r2"
needs = ["zorg.hulp"]
areas = ["kern:b"]
when = { age = { min = 65 } }
target = "service:s0"
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let w: Vec<_> = shadowed
        .warnings()
        .iter()
        .filter(|p| p.kind == ProblemKind::Shadowed)
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].location.item.as_deref(), Some("rule `r2`"));
}

// ------------------------------------------------------------------ differential

#[derive(Debug, Clone)]
struct GenRule {
    /// Bit k: kern k; 0: the municipality.
    kernen: u8,
    age: Option<(u8, u8)>,
    service: usize,
}

fn gen_rule() -> impl Strategy<Value = GenRule> {
    (
        0u8..16,
        proptest::option::of((0u8..=130, 0u8..=130)),
        0usize..3,
    )
        .prop_map(|(kernen, age, service)| GenRule {
            kernen,
            age: age.map(|(a, b)| (a.min(b), a.max(b))),
            service,
        })
}

/// Eligibility of the three services, read literally from the directory above.
fn eligible(service: usize, age: Option<u8>) -> bool {
    match service {
        1 => age.is_some_and(|y| y >= 65),
        2 => age.is_some_and(|y| y <= 17),
        _ => true,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random rules with kern lists (or the municipality) and age ranges, distinct priorities:
    /// the router picks what a plain loop over every rule — kern layer first, then priority —
    /// picks, for every kern and for ages around every boundary.
    #[test]
    fn the_router_agrees_with_a_naive_loop(rules in proptest::collection::vec(gen_rule(), 1..7)) {
        let mut text = String::new();
        for (i, r) in rules.iter().enumerate() {
            let areas: Vec<String> = if r.kernen == 0 {
                vec!["\"GM0001\"".into()]
            } else {
                (0..4).filter(|k| r.kernen & (1 << k) != 0).map(|k| format!("\"kern:{}\"", KERNEN[k])).collect()
            };
            let when = r.age.map_or(String::new(), |(lo, hi)| format!("when = {{ age = {{ min = {lo}, max = {hi} }} }}\n"));
            text.push_str(&format!(
                "[[rule]]\nid = \"r{i}\"\nneeds = [\"zorg.hulp\"]\nareas = [{}]\n{when}target = \"service:{}\"\npriority = {i}\n",
                areas.join(", "),
                SERVICES[r.service]
            ));
        }
        // distinct priorities and one layer per rule: nothing here may be refused
        let rules_set = rule_set(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let router = Router::new(&rules_set);
        let mut ages: Vec<Option<u8>> = vec![None, Some(0), Some(17), Some(18), Some(64), Some(65), Some(130)];
        for r in &rules {
            if let Some((lo, hi)) = r.age {
                ages.extend([Some(lo), Some(hi), lo.checked_sub(1), hi.checked_add(1).filter(|&y| y <= 130)]);
            }
        }
        for (k, kern) in KERNEN.iter().enumerate() {
            for &age in &ages {
                // the naive loop: kern-layer rules before municipal ones, higher priority first
                let mut order: Vec<(usize, &GenRule)> = rules.iter().enumerate()
                    .filter(|(_, r)| r.kernen == 0 || r.kernen & (1 << k) != 0)
                    .collect();
                order.sort_by_key(|(i, r)| (r.kernen == 0, std::cmp::Reverse(*i)));
                let expected = order.iter()
                    .find(|(_, r)| {
                        r.age.is_none_or(|(lo, hi)| age.is_some_and(|y| lo <= y && y <= hi))
                            && eligible(r.service, age)
                    })
                    .map_or("slp", |(_, r)| SERVICES[r.service]);
                let got = service_in(&router, kern, age.map(i64::from));
                prop_assert_eq!(&got, expected, "kern {} age {:?}", kern, age);
            }
        }
    }
}
