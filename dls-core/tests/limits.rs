//! Every documented limit of [`dls_core::limits`], at its value and one past it: at the limit
//! the input is read (or refused for another reason), one past it a typed error names the limit.

use dls_core::evaluation::{CompareOptions, EvalError};
use dls_core::ids::{CaseId, KernId};
use dls_core::limits::{
    MAX_COMPARE_ITERATIONS, MAX_EVENTS_PER_CASE, MAX_ID_LEN, MAX_INPUT_BYTES, MAX_JSON_DEPTH,
    MAX_LISTED, MAX_RULES,
};
use dls_core::source::parse;
use dls_core::{Directory, Format, ParseError, ProblemKind, RuleSet, RuleSetData};

#[test]
fn input_size() {
    // at the limit: read (and refused as empty, being all blanks), not too large
    let at = " ".repeat(MAX_INPUT_BYTES);
    assert!(matches!(
        parse::<serde_json::Value>(&at, Format::Json, "at.json"),
        Err(ParseError::Empty { .. })
    ));
    drop(at);
    let past = " ".repeat(MAX_INPUT_BYTES + 1);
    let e = parse::<serde_json::Value>(&past, Format::Json, "past.json").unwrap_err();
    assert!(
        matches!(e, ParseError::TooLarge { limit, .. } if limit == MAX_INPUT_BYTES),
        "{e}"
    );
}

#[test]
fn json_nesting_depth() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(parse::<serde_json::Value>(&nested(MAX_JSON_DEPTH), Format::Json, "at.json").is_ok());
    let e = parse::<serde_json::Value>(&nested(MAX_JSON_DEPTH + 1), Format::Json, "past.json")
        .unwrap_err();
    assert!(
        matches!(e, ParseError::TooDeep { limit, .. } if limit == MAX_JSON_DEPTH),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "`past.json` nests deeper than 64 levels at line 1"
    );
}

#[test]
fn id_length() {
    assert!("k".repeat(MAX_ID_LEN).parse::<KernId>().is_ok());
    assert!("c".repeat(MAX_ID_LEN).parse::<CaseId>().is_ok());
    let e = "k".repeat(MAX_ID_LEN + 1).parse::<KernId>().unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid kern id: must be at most 64 characters"
    );
}

#[test]
fn compare_iterations_and_confidence() {
    let opts = |iterations, confidence| CompareOptions {
        iterations,
        confidence,
        ..CompareOptions::default()
    };
    assert_eq!(opts(MAX_COMPARE_ITERATIONS, 0.95).check(), Ok(()));
    assert_eq!(opts(0, 0.95).check(), Ok(()));
    let e = opts(MAX_COMPARE_ITERATIONS + 1, 0.95).check().unwrap_err();
    assert!(
        matches!(
            e,
            EvalError::InvalidOption {
                option: "iterations",
                ..
            }
        ),
        "{e}"
    );
    for c in [f64::NAN, 0.0, 1.0, -0.1, f64::INFINITY] {
        let e = opts(100, c).check().unwrap_err();
        assert!(
            matches!(
                e,
                EvalError::InvalidOption {
                    option: "confidence",
                    ..
                }
            ),
            "{e}"
        );
    }
}

/// `n` rules, each shadowed by the first (same need and area, conditions within it).
fn shadowed_rules(n: usize) -> RuleSet {
    let dir = Directory::from_str(
        "[[municipality]]\ncode = \"GM0394\"\nname = \"H\"\n[[kern]]\nid = \"k\"\nname = \"K\"\nmunicipality = \"GM0394\"\n\
         [[domain]]\ncode = \"zorg\"\nlabel = \"Zorg\"\n[[need]]\ncode = \"zorg.a\"\nlabel = \"A\"\n",
        Format::Toml,
        "dir.toml",
    )
    .unwrap();
    let mut text = String::from(
        "[[rule]]\nid = \"a-first\"\nneeds = [\"zorg.a\"]\narea = \"kern:k\"\ntarget = \"not_covered\"\npriority = 1\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "[[rule]]\nid = \"r{i:04}\"\nneeds = [\"zorg.a\"]\narea = \"kern:k\"\ntarget = \"not_covered\"\nwhen = {{ income_pct = {{ min = {i}, max = {i} }} }}\n"
        ));
    }
    RuleSet::new(
        &dir,
        RuleSetData::parse(&text, Format::Toml, "r.toml").unwrap(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn problems_listed_one_by_one() {
    let at = shadowed_rules(MAX_LISTED);
    let listed = |r: &RuleSet| {
        r.warnings()
            .iter()
            .filter(|p| p.kind == ProblemKind::Shadowed)
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
    };
    let w = listed(&at);
    assert_eq!(w.len(), MAX_LISTED);
    assert!(w.iter().all(|m| m.contains("`a-first`")));
    let w = listed(&shadowed_rules(MAX_LISTED + 1));
    assert_eq!(w.len(), MAX_LISTED + 1);
    assert_eq!(
        w[MAX_LISTED],
        "and 1 more rules that can never decide (only the first 100 are listed)"
    );
}

#[test]
fn rules_and_switch_offs_per_rule_set() {
    // The pilot's rules (its explicit ones and its services' coverage rules, which count
    // like any rule) and switch-offs, plus switch-offs (of a rule that does not exist: refused
    // for that reason, cheaply) up to the limit, then one more.
    let dir = dls_core::pilot::directory();
    let routed = dls_core::pilot::rules();
    let base = routed.with_coverage().rules.len() + routed.with_coverage().switch_off.len();
    let with = |n: usize| {
        let mut data = dls_core::pilot::rules_data();
        let extra = n - base;
        for i in 0..extra {
            data.switch_off.push(dls_core::rules::SwitchOff {
                id: format!("off-{i}").parse().unwrap(),
                rules: vec!["no-such-rule".parse().unwrap()],
                area: dls_core::AreaRef::National,
                valid: dls_core::validity::Validity::ALWAYS,
            });
        }
        RuleSet::new(&dir, data).unwrap_err()
    };
    let at = with(MAX_RULES);
    assert!(at
        .problems
        .iter()
        .all(|p| p.kind != ProblemKind::TooManyRules));
    assert!(at
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::UnknownRule));
    let past = with(MAX_RULES + 1);
    assert_eq!(past.problems.len(), 1, "{past}");
    assert_eq!(past.problems[0].kind, ProblemKind::TooManyRules);
    assert_eq!(
        past.problems[0].message,
        "the rule set has 100001 rules and switch-offs: at most 100000 are accepted"
    );
}

#[test]
fn events_per_case() {
    use dls_core::evaluation::{ingest_csv_str, RejectReason};
    // `opened` and then referrals a second apart: `n` events of one case.
    let log = |n: usize| {
        let mut csv = String::from("case_id,timestamp,activity,organisation\n");
        csv.push_str("c1,2026-01-05T09:00:00Z,opened,\n");
        for i in 1..n {
            let t = chrono::DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z").unwrap()
                + chrono::Duration::seconds(i as i64);
            csv.push_str(&format!("c1,{},referred,org{}\n", t.to_rfc3339(), i % 7));
        }
        ingest_csv_str(&csv).unwrap()
    };
    let at = log(MAX_EVENTS_PER_CASE);
    assert!(at.rejected.is_empty());
    assert_eq!(at.rows_used, MAX_EVENTS_PER_CASE as u64);
    // one past: the latest event is the one left out
    let past = log(MAX_EVENTS_PER_CASE + 1);
    assert_eq!(past.rows_used, MAX_EVENTS_PER_CASE as u64);
    assert_eq!(past.rejected.len(), 1);
    assert_eq!(past.rejected[0].reason, RejectReason::TooManyEvents);
    // rows are numbered as lines of the file, the header being line 1
    assert_eq!(past.rejected[0].row, MAX_EVENTS_PER_CASE as u64 + 2);
}
