//! Every validation problem kind is produced by a small bad input and names its location.

use dls_core::{
    Directory, DirectoryData, Format, ProblemKind, RuleSet, RuleSetData, Severity, ValidationReport,
};

const BASE: &str = r#"
[[municipality]]
code = "GM0394"
name = "Haarlemmermeer"
[[municipality]]
code = "GM0392"
name = "Haarlem"
[[kern]]
id = "hoofddorp"
name = "Hoofddorp"
municipality = "GM0394"
[[kern]]
id = "badhoevedorp"
name = "Badhoevedorp"
municipality = "GM0394"
[[kern]]
id = "haarlem"
name = "Haarlem"
municipality = "GM0392"
[[region]]
id = "zk"
name = "Zuid-Kennemerland"
municipalities = ["GM0394", "GM0392"]
[[domain]]
code = "zorg"
label = "Zorg"
[[need]]
code = "zorg.wmo"
label = "Wmo"
[[need]]
code = "zorg.wmo.huishouden"
label = "Huishouden"
[[need]]
code = "zorg.wmo.begeleiding"
label = "Begeleiding"
[[organisation]]
id = "gem"
name = "Gemeente"
kind = "municipality"
[[organisation]]
id = "welzijn"
name = "Welzijn"
kind = "welfare"
[[service]]
id = "loket"
organisation = "gem"
name = "Wmo-loket"
needs = ["zorg.wmo.*"]
areas = ["GM0394"]
[[service]]
id = "hh-hoofddorp"
organisation = "welzijn"
name = "Huishoudhulp Hoofddorp"
needs = ["zorg.wmo.huishouden"]
areas = ["kern:hoofddorp"]
[[service]]
id = "slp"
organisation = "welzijn"
name = "Steunpilaar"
role = "steunpilaar"
areas = ["GM0394"]
[[service]]
id = "ombudsman"
organisation = "gem"
name = "Ombudsman"
role = "escalation"
areas = ["region:zk"]
"#;

fn base() -> Directory {
    Directory::from_str(BASE, Format::Toml, "base.toml").unwrap()
}

fn rules_report(text: &str) -> ValidationReport {
    match RuleSet::new(
        &base(),
        RuleSetData::parse(text, Format::Toml, "bad.toml").unwrap(),
    ) {
        Ok(r) => ValidationReport {
            problems: r.warnings().to_vec(),
        },
        Err(e) => e,
    }
}

/// Asserts that `report` holds a problem of `kind` at `item` and `field`, in `bad.toml`.
fn assert_problem(
    report: &ValidationReport,
    kind: ProblemKind,
    severity: Severity,
    item: &str,
    field: Option<&str>,
) {
    let found = report
        .of_kind(kind)
        .find(|p| p.location.item.as_deref() == Some(item));
    let p = found.unwrap_or_else(|| panic!("no {kind:?} at {item}: {report}"));
    assert_eq!(p.severity, severity, "{p}");
    assert_eq!(p.location.field.as_deref(), field, "{p}");
    assert_eq!(p.location.file.as_deref(), Some("bad.toml"), "{p}");
    let text = p.to_string();
    assert!(text.contains("`bad.toml`") && text.contains(item), "{text}");
}

#[test]
fn unknown_references() {
    let r = rules_report(
        r#"
[[rule]]
id = "r1"
needs = ["zorg.wmo.nope"]
area = "GM0394"
target = "service:loket"
[[rule]]
id = "r2"
needs = ["zorg.wmo.huishouden"]
area = "kern:nergens"
target = "service:loket"
[[rule]]
id = "r3"
needs = ["zorg.wmo.huishouden"]
area = "GM9999"
target = "service:loket"
[[rule]]
id = "r4"
needs = ["zorg.wmo.huishouden"]
area = "region:nope"
target = "service:loket"
[[rule]]
id = "r5"
needs = ["zorg.wmo.huishouden"]
area = "GM0394"
target = "service:ghost"
priority = 3
[[rule]]
id = "r6"
needs = ["zorg.wmo.begeleiding"]
area = "kern:hoofddorp"
target = "service:loket"
replaces = ["no-such-rule"]
"#,
    );
    assert_problem(
        &r,
        ProblemKind::UnknownNeed,
        Severity::Error,
        "rule `r1`",
        Some("needs"),
    );
    assert_problem(
        &r,
        ProblemKind::UnknownKern,
        Severity::Error,
        "rule `r2`",
        Some("area"),
    );
    assert_problem(
        &r,
        ProblemKind::UnknownMunicipality,
        Severity::Error,
        "rule `r3`",
        Some("area"),
    );
    assert_problem(
        &r,
        ProblemKind::UnknownRegion,
        Severity::Error,
        "rule `r4`",
        Some("area"),
    );
    assert_problem(
        &r,
        ProblemKind::UnknownService,
        Severity::Error,
        "rule `r5`",
        Some("target"),
    );
    assert_problem(
        &r,
        ProblemKind::UnknownRule,
        Severity::Error,
        "rule `r6`",
        Some("replaces"),
    );
    assert!(
        r.errors().count() >= 6,
        "all problems are reported at once: {r}"
    );
}

#[test]
fn empty_and_inverted_ranges() {
    let r = rules_report(
        r#"
[[rule]]
id = "inverted-age"
needs = ["zorg.wmo.huishouden"]
area = "GM0394"
when = { age = { min = 67, max = 17 } }
target = "service:loket"
[[rule]]
id = "empty-set"
needs = ["zorg.wmo.begeleiding"]
area = "GM0394"
when = { household = { in = ["single"], not_in = ["single"] } }
target = "service:loket"
[[rule]]
id = "inverted-dates"
needs = ["zorg.wmo.begeleiding"]
area = "kern:hoofddorp"
target = "service:loket"
valid = { from = "2026-02-01", until = "2026-01-01" }
[[rule]]
id = "no-needs"
needs = []
area = "kern:badhoevedorp"
target = "service:loket"
"#,
    );
    assert_problem(
        &r,
        ProblemKind::InvertedRange,
        Severity::Error,
        "rule `inverted-age`",
        Some("when"),
    );
    assert_problem(
        &r,
        ProblemKind::EmptyRange,
        Severity::Error,
        "rule `empty-set`",
        Some("when"),
    );
    assert_problem(
        &r,
        ProblemKind::InvertedRange,
        Severity::Error,
        "rule `inverted-dates`",
        Some("valid"),
    );
    assert_problem(
        &r,
        ProblemKind::EmptyList,
        Severity::Error,
        "rule `no-needs`",
        Some("needs"),
    );
}

#[test]
fn ties_and_shadowed_rules_are_warnings() {
    let r = rules_report(
        r#"
[[steunpilaar]]
area = "GM0394"
service = "slp"
[[rule]]
id = "a"
needs = ["zorg.wmo.huishouden"]
area = "kern:hoofddorp"
target = "service:loket"
[[rule]]
id = "b"
needs = ["zorg.wmo.*"]
area = "kern:hoofddorp"
target = "service:hh-hoofddorp"
valid = { from = "2026-01-01" }
"#,
    );
    // b's target lacks zorg.wmo.begeleiding; a and b overlap at equal priority
    assert_problem(
        &r,
        ProblemKind::Ambiguous,
        Severity::Warning,
        "rule `b`",
        Some("priority"),
    );

    let r = rules_report(
        r#"
[[rule]]
id = "wide"
needs = ["zorg.wmo.*"]
area = "GM0394"
target = "service:loket"
priority = 5
[[rule]]
id = "narrow"
needs = ["zorg.wmo.huishouden"]
area = "GM0394"
when = { age = { min = 67 } }
target = "service:loket"
"#,
    );
    assert!(!r.has_errors(), "{r}");
    assert_problem(
        &r,
        ProblemKind::Shadowed,
        Severity::Warning,
        "rule `narrow`",
        None,
    );

    // the same pair with different targets is neither: the second is a real fallback
    let r = rules_report(
        r#"
[[rule]]
id = "first"
needs = ["zorg.wmo.huishouden"]
area = "kern:hoofddorp"
target = "service:hh-hoofddorp"
priority = 5
[[rule]]
id = "fallback"
needs = ["zorg.wmo.huishouden"]
area = "kern:hoofddorp"
target = "service:loket"
"#,
    );
    assert!(r.problems.is_empty(), "{r}");
}

#[test]
fn targets_must_cover_area_need_and_role() {
    let r = rules_report(
        r#"
[[steunpilaar]]
area = "kern:hoofddorp"
service = "loket"
[[coordinator]]
area = "GM0394"
service = "nobody"
[[rule]]
id = "too-wide"
needs = ["zorg.wmo.huishouden"]
area = "GM0394"
target = "service:hh-hoofddorp"
[[rule]]
id = "lacks-need"
needs = ["zorg.wmo.begeleiding"]
area = "kern:hoofddorp"
target = "service:hh-hoofddorp"
[[rule]]
id = "escalation-as-service"
needs = ["zorg.wmo.begeleiding"]
area = "GM0394"
target = "service:ombudsman"
[[rule]]
id = "no-steunpilaar-there"
needs = ["zorg.wmo.begeleiding"]
area = "region:zk"
target = "steunpilaar"
"#,
    );
    assert_problem(
        &r,
        ProblemKind::TargetOutsideCoverage,
        Severity::Error,
        "rule `too-wide`",
        Some("target"),
    );
    assert_problem(
        &r,
        ProblemKind::TargetLacksNeed,
        Severity::Error,
        "rule `lacks-need`",
        Some("target"),
    );
    assert_problem(
        &r,
        ProblemKind::WrongRole,
        Severity::Error,
        "rule `escalation-as-service`",
        Some("target"),
    );
    assert_problem(
        &r,
        ProblemKind::TargetOutsideCoverage,
        Severity::Error,
        "rule `no-steunpilaar-there`",
        Some("target"),
    );
    assert_problem(
        &r,
        ProblemKind::WrongRole,
        Severity::Error,
        "steunpilaar `kern:hoofddorp`",
        Some("service"),
    );
    assert_problem(
        &r,
        ProblemKind::UnknownService,
        Severity::Error,
        "coordinator `GM0394`",
        Some("service"),
    );
}

#[test]
fn overrides_act_from_a_more_specific_layer_inside_its_area() {
    let r = rules_report(
        r#"
[[rule]]
id = "gm"
needs = ["zorg.wmo.huishouden"]
area = "GM0394"
target = "service:loket"
[[rule]]
id = "same-layer"
needs = ["zorg.wmo.begeleiding"]
area = "GM0394"
target = "service:loket"
replaces = ["gm"]
[[rule]]
id = "elsewhere"
needs = ["zorg.wmo.huishouden"]
area = "kern:haarlem"
target = "not_covered"
replaces = ["gm"]
[[switch_off]]
id = "off-self"
rules = ["off-target"]
area = "GM0394"
[[rule]]
id = "off-target"
needs = ["zorg.wmo.begeleiding"]
area = "kern:badhoevedorp"
target = "service:loket"
"#,
    );
    assert_problem(
        &r,
        ProblemKind::InvalidOverride,
        Severity::Error,
        "rule `same-layer`",
        Some("replaces"),
    );
    assert_problem(
        &r,
        ProblemKind::InvalidOverride,
        Severity::Error,
        "rule `elsewhere`",
        Some("replaces"),
    );
    assert_problem(
        &r,
        ProblemKind::InvalidOverride,
        Severity::Error,
        "switch-off `off-self`",
        Some("rules"),
    );
}

#[test]
fn duplicates_and_conflicting_settings() {
    let mut data = RuleSetData::parse(
        "capacity = \"skip_full\"\n[[rule]]\nid = \"x\"\nneeds = [\"zorg.wmo.huishouden\"]\narea = \"GM0394\"\ntarget = \"service:loket\"\n",
        Format::Toml,
        "one.toml",
    )
    .unwrap();
    data.merge(
        RuleSetData::parse(
            "capacity = \"ignore\"\n[[rule]]\nid = \"x\"\nneeds = [\"zorg.wmo.begeleiding\"]\narea = \"kern:hoofddorp\"\ntarget = \"service:loket\"\n",
            Format::Toml,
            "bad.toml",
        )
        .unwrap(),
    );
    let r = RuleSet::new(&base(), data).unwrap_err();
    let c = r
        .of_kind(ProblemKind::ConflictingSetting)
        .next()
        .expect("conflict");
    assert_eq!(c.location.file.as_deref(), Some("bad.toml"));
    assert_eq!(c.location.field.as_deref(), Some("capacity"));
    assert!(c.message.contains("one.toml"), "{c}");
    let d = r
        .of_kind(ProblemKind::DuplicateId)
        .next()
        .expect("duplicate");
    assert_eq!(d.location.item.as_deref(), Some("rule `x`"));
}

#[test]
fn directory_problems_name_their_place() {
    let bad = r#"
[[municipality]]
code = "GM0394"
name = "Haarlemmermeer"
[[kern]]
id = "hoofddorp"
name = "Hoofddorp"
municipality = "GM0363"
[[region]]
id = "r"
name = "R"
municipalities = []
[[domain]]
code = "zorg"
label = "Zorg"
[[need]]
code = "wonen.x"
label = "X"
[[need]]
code = "zorg.a.b"
label = "B"
[[organisation]]
id = "o"
name = "O"
kind = "welfare"
[[organisation]]
id = "o"
name = "O again"
kind = "welfare"
[[service]]
id = "s"
organisation = "missing"
name = "S"
needs = ["zorg.nope"]
areas = ["kern:elders"]
eligibility = { income_pct = { min = 200, max = 100 } }
"#;
    let e =
        Directory::new(DirectoryData::parse(bad, Format::Toml, "dir.toml").unwrap()).unwrap_err();
    let at = |kind: ProblemKind, item: &str, field: &str| {
        let p = e
            .of_kind(kind)
            .find(|p| p.location.item.as_deref() == Some(item))
            .unwrap_or_else(|| panic!("no {kind:?} at {item}: {e}"));
        assert_eq!(p.location.field.as_deref(), Some(field), "{p}");
        assert_eq!(p.location.file.as_deref(), Some("dir.toml"), "{p}");
    };
    at(
        ProblemKind::UnknownMunicipality,
        "kern `hoofddorp`",
        "municipality",
    );
    at(ProblemKind::EmptyList, "region `r`", "municipalities");
    at(ProblemKind::UnknownDomain, "need `wonen.x`", "code");
    at(ProblemKind::UnknownNeed, "need `zorg.a.b`", "code");
    at(ProblemKind::DuplicateId, "organisation `o`", "id");
    at(
        ProblemKind::UnknownOrganisation,
        "service `s`",
        "organisation",
    );
    at(ProblemKind::UnknownNeed, "service `s`", "needs");
    at(ProblemKind::UnknownKern, "service `s`", "areas");
    at(ProblemKind::InvertedRange, "service `s`", "eligibility");
}

#[test]
fn a_report_renders_every_problem_on_one_line() {
    let r = rules_report("[[rule]]\nid = \"r\"\nneeds = [\"zorg.nope\"]\narea = \"GM0000\"\ntarget = \"service:ghost\"\n");
    let text = r.to_string();
    assert!(
        text.starts_with("validation found 3 error(s) and 0 warning(s)"),
        "{text}"
    );
    assert!(!text.contains('\n'));
}

#[test]
fn rules_of_overlapping_regions_can_be_ambiguous() {
    let extra = "[[municipality]]\ncode = \"GM0473\"\nname = \"Zandvoort\"\n[[region]]\nid = \"meer\"\nname = \"Meer\"\nmunicipalities = [\"GM0394\"]\n[[region]]\nid = \"kust\"\nname = \"Kust\"\nmunicipalities = [\"GM0473\"]\n";
    let dir = Directory::from_str(&format!("{BASE}{extra}"), Format::Toml, "base.toml").unwrap();
    let rules = |a: &str, b: &str| {
        let text = format!(
            "[[rule]]\nid = \"a\"\nneeds = [\"zorg.wmo.huishouden\"]\narea = \"region:{a}\"\ntarget = \"escalation:ombudsman\"\n\
             [[rule]]\nid = \"b\"\nneeds = [\"zorg.wmo.*\"]\narea = \"region:{b}\"\ntarget = \"not_covered\"\n"
        );
        match RuleSet::new(
            &dir,
            RuleSetData::parse(&text, Format::Toml, "bad.toml").unwrap(),
        ) {
            Ok(r) => ValidationReport {
                problems: r.warnings().to_vec(),
            },
            Err(e) => e,
        }
    };
    // zk and meer share GM0394: the two rules compete there at equal priority
    let r = rules("zk", "meer");
    assert_eq!(r.of_kind(ProblemKind::Ambiguous).count(), 1, "{r}");
    // meer and kust share no municipality: no competition
    let r = rules("meer", "kust");
    assert_eq!(r.of_kind(ProblemKind::Ambiguous).count(), 0, "{r}");
}

const TIE: &str = r#"
[[rule]]
id = "b-loket"
needs = ["zorg.wmo.huishouden"]
area = "kern:hoofddorp"
target = "service:loket"
priority = 3
[[rule]]
id = "a-hh"
needs = ["zorg.wmo.huishouden"]
area = "kern:hoofddorp"
target = "service:hh-hoofddorp"
priority = 3
"#;

/// Two rules at equal priority over the same need and kern: the rule set validates with a
/// warning naming both, and routing takes the rule with the smaller id.
#[test]
fn equal_priority_is_a_warning_naming_both_and_the_tie_goes_by_id() {
    let rules = RuleSet::new(
        &base(),
        RuleSetData::parse(TIE, Format::Toml, "bad.toml").unwrap(),
    )
    .unwrap_or_else(|e| panic!("a tie is not an error: {e}"));
    let ties: Vec<_> = rules
        .warnings()
        .iter()
        .filter(|p| p.kind == ProblemKind::Ambiguous)
        .collect();
    assert_eq!(ties.len(), 1, "{:?}", rules.warnings());
    let text = ties[0].to_string();
    assert!(
        text.starts_with("warning: ") && text.contains("`a-hh`") && text.contains("`b-loket`"),
        "{text}"
    );
    let case: dls_core::Case = serde_json::from_value(serde_json::json!({
        "id": "c-1",
        "kern": "hoofddorp",
        "needs": [{"need": "zorg.wmo.huishouden", "primary": true}],
    }))
    .unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let n = dls_core::routing::Router::new(&rules)
        .route(&case, date)
        .unwrap()
        .needs
        .remove(0);
    assert_eq!(n.rule.as_ref().map(|r| r.as_str()), Some("a-hh"));
    assert_eq!(
        n.outcome.service().map(|s| s.as_str()),
        Some("hh-hoofddorp")
    );
}

/// `strict = true` in any file of the rule set turns a tie into an error.
#[test]
fn a_strict_rule_set_refuses_ties() {
    let mut data = RuleSetData::parse(TIE, Format::Toml, "bad.toml").unwrap();
    data.merge(RuleSetData::parse("strict = true\n", Format::Toml, "strict.toml").unwrap());
    let report = RuleSet::new(&base(), data).unwrap_err();
    assert_problem(
        &report,
        ProblemKind::Ambiguous,
        Severity::Error,
        "rule `b-loket`",
        Some("priority"),
    );
}

/// Many shadowed rules and ties: each shadowed rule once (with its first shadowing rule), the
/// first 100 of each kind listed and the rest counted in one line.
#[test]
fn shadowed_rules_and_ties_are_capped_and_summed_up() {
    let mut text = String::new();
    // one wide rule first, then 300 rules it covers (shadowed)
    text.push_str("[[rule]]\nid = \"a-wide\"\nneeds = [\"zorg.wmo.*\"]\narea = \"GM0394\"\ntarget = \"service:loket\"\npriority = 9\n");
    for i in 0..300 {
        text.push_str(&format!(
            "[[rule]]\nid = \"s{i:03}\"\nneeds = [\"zorg.wmo.begeleiding\"]\narea = \"GM0394\"\ntarget = \"service:loket\"\nwhen = {{ income_pct = {{ min = {i}, max = {i} }} }}\n"
        ));
    }
    for i in 0..30 {
        // overlapping income ranges, none within another; two targets in turn
        let target = if i % 2 == 0 {
            "service:loket"
        } else {
            "service:hh-hoofddorp"
        };
        let max = i + 100;
        text.push_str(&format!(
            "[[rule]]\nid = \"t{i:03}\"\nneeds = [\"zorg.wmo.huishouden\"]\narea = \"kern:hoofddorp\"\ntarget = \"{target}\"\npriority = 1\nwhen = {{ income_pct = {{ min = {i}, max = {max} }} }}\n"
        ));
    }
    let rules = RuleSet::new(
        &base(),
        RuleSetData::parse(&text, Format::Toml, "many.toml").unwrap(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let shadowed: Vec<_> = rules
        .warnings()
        .iter()
        .filter(|p| p.kind == ProblemKind::Shadowed)
        .collect();
    assert_eq!(shadowed.len(), 101);
    assert!(shadowed[..100]
        .iter()
        .all(|p| p.message.contains("`a-wide`")));
    assert!(
        shadowed[100].message.starts_with("and 200 more rules"),
        "{}",
        shadowed[100]
    );
    // 15 rules to each of two targets: 15 * 15 tied pairs
    let ties: Vec<_> = rules
        .warnings()
        .iter()
        .filter(|p| p.kind == ProblemKind::Ambiguous)
        .collect();
    assert_eq!(ties.len(), 101);
    assert!(
        ties[100].message.starts_with("and 125 more pairs"),
        "{}",
        ties[100]
    );
}
