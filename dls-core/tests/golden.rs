//! Replays every golden of `tests/fixtures/manifest.json` (see `tests/fixtures/README.md`):
//! routing decisions as rows, and evaluations as per-case metrics and aggregate cells. The same
//! goldens are replayed by the Python and JVM bindings.
//!
//! `DLS_UPDATE_GOLDENS=1 cargo test -p dls-core --test golden` rewrites them from the core.

use std::path::{Path, PathBuf};

use dls_core::cases::TryOutcome;
use dls_core::evaluation::{self, Dim, Disclosure, EvalOptions};
use dls_core::routing::{self, date_for, HouseholdDecision, Outcome, RouteOptions, Router};
use dls_core::{Case, Directory, DirectoryData, Format, RuleSet, RuleSetData};
use serde_json::{json, Map, Value};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The paths of a manifest field (a list of paths relative to tests/fixtures).
fn paths(entry: &Value, field: &str) -> Vec<PathBuf> {
    entry[field]
        .as_array()
        .unwrap_or_else(|| panic!("manifest entry without `{field}`: {entry}"))
        .iter()
        .map(|p| fixtures().join(p.as_str().expect("a path")))
        .collect()
}

fn text(entry: &Value, field: &str) -> String {
    match entry[field].as_str() {
        Some(s) => s.to_owned(),
        None => panic!("manifest entry without `{field}`: {entry}"),
    }
}

/// A JSON name of an enum value (`"no_rule"`, `"primary"`), as every binding spells it.
fn name<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("an enum serialises")
}

/// The router of the entry's `directory` and the rule files of its field `rules_field`.
fn router(entry: &Value, rules_field: &str) -> Router {
    let mut dir_data = DirectoryData::default();
    for p in paths(entry, "directory") {
        let d = DirectoryData::parse(&read(&p), Format::Toml, &p.display().to_string());
        dir_data.merge(d.unwrap_or_else(|e| panic!("{e}")));
    }
    let (directory, _) = Directory::new(dir_data).unwrap_or_else(|e| panic!("{e}"));
    let mut rule_data = RuleSetData::default();
    for p in paths(entry, rules_field) {
        let r = RuleSetData::parse(&read(&p), Format::Toml, &p.display().to_string());
        rule_data.merge(r.unwrap_or_else(|e| panic!("{e}")));
    }
    let rules = RuleSet::new(&directory, rule_data).unwrap_or_else(|e| panic!("{e}"));
    Router::new(&rules)
}

fn cases(entry: &Value) -> Vec<Case> {
    serde_json::from_str(&read(&fixtures().join(text(entry, "cases"))))
        .unwrap_or_else(|e| panic!("cases: {e}"))
}

/// One row per need of a decision, in the shape every binding produces.
fn decision_rows(d: &HouseholdDecision) -> Vec<Value> {
    let coordinator = d
        .coordinator
        .as_ref()
        .map(|c| c.contact.organisation.as_str());
    let first_contact = d.plan.first_contact.as_ref().map(|c| c.service.as_str());
    d.needs
        .iter()
        .map(|n| {
            let gap_reason = match &n.outcome {
                Outcome::Gap { reason } => name(reason),
                _ => Value::Null,
            };
            json!({
                "case": d.case.as_str(),
                "need": n.need.as_str(),
                "primary": n.primary,
                "outcome": n.outcome.kind(),
                "service": n.outcome.service().map(|s| s.as_str()),
                "organisation": n.outcome.organisation().map(|o| o.as_str()),
                "rule": n.rule.as_ref().map(|r| r.as_str()),
                "layer": n.layer.map(|l| l.to_string()),
                "gap_reason": gap_reason,
                "cannot_get_through": n.cannot_get_through,
                "coordinator": coordinator,
                "first_contact": first_contact,
            })
        })
        .collect()
}

fn routing(entry: &Value) -> Value {
    let router = router(entry, "rules");
    let mut rows = Vec::new();
    for case in &cases(entry) {
        let date = date_for(case, None).unwrap_or_else(|e| panic!("{e}"));
        let d = router.route(case, date).unwrap_or_else(|e| panic!("{e}"));
        rows.extend(decision_rows(&d));
    }
    json!({ "name": entry["name"], "kind": "routing", "rows": rows })
}

/// Every case whose primary need goes to a service, routed again after that service turned
/// the citizen away (`outcome`): the rows of the new decisions.
fn reroute(entry: &Value) -> Value {
    let router = router(entry, "rules");
    let outcome: TryOutcome = text(entry, "outcome").parse().expect("an outcome");
    let mut rows = Vec::new();
    for case in &cases(entry) {
        let date = date_for(case, None).unwrap_or_else(|e| panic!("{e}"));
        let first = router.route_with(case, date, RouteOptions::FAST);
        let first = first.unwrap_or_else(|e| panic!("{e}"));
        let Some(service) = first.primary().outcome.service() else {
            continue;
        };
        let next = router.reroute_after(case, date, service, outcome, RouteOptions::FAST);
        rows.extend(decision_rows(&next.unwrap_or_else(|e| panic!("{e}"))));
    }
    json!({ "name": entry["name"], "kind": "reroute", "rows": rows })
}

/// The cases routed under `rules` (A) and `rules_b` (B), each on its own `opened` date.
fn what_if(entry: &Value) -> Value {
    let (a, b) = (router(entry, "rules"), router(entry, "rules_b"));
    let w = routing::what_if(&a, &b, &cases(entry), None);
    let changed: Vec<Value> = w
        .changed
        .iter()
        .map(|c| {
            let r = c.row();
            json!({
                "case": r.case, "need": r.need,
                "from_outcome": r.from_outcome, "from_service": r.from_service, "from_rule": r.from_rule,
                "to_outcome": r.to_outcome, "to_service": r.to_service, "to_rule": r.to_rule,
            })
        })
        .collect();
    let gaps = |gs: &[routing::GapChange]| -> Vec<Value> {
        gs.iter()
            .map(|g| json!({ "case": g.case.as_str(), "need": g.need.as_str(), "reason": g.reason.as_str() }))
            .collect()
    };
    let load: Vec<Value> = w
        .load
        .iter()
        .map(|l| {
            json!({
                "service": l.service.as_str(), "load_a": l.load_a, "load_b": l.load_b,
                "open_places_a": l.open_places_a, "open_places_b": l.open_places_b,
                "over_capacity_a": l.over_capacity_a(), "over_capacity_b": l.over_capacity_b(),
            })
        })
        .collect();
    json!({
        "name": entry["name"], "kind": "what_if",
        "cases": w.cases, "needs": w.needs, "errors": w.errors.len(),
        "changed": changed,
        "gaps_appeared": gaps(&w.gaps_appeared),
        "gaps_disappeared": gaps(&w.gaps_disappeared),
        "load": load,
    })
}

fn evaluation(entry: &Value) -> Value {
    let log = evaluation::ingest_csv_str(&read(&fixtures().join(text(entry, "events"))))
        .unwrap_or_else(|e| panic!("{e}"))
        .log;
    let group_by: Vec<Dim> = entry["by"]
        .as_array()
        .expect("`by`")
        .iter()
        .map(|d| {
            d.as_str()
                .expect("a dimension")
                .parse()
                .expect("a dimension")
        })
        .collect();
    // `publish`, `raw`, or `publish:SECRET` (the publisher's own key), as every binding reads it
    let disclosure: Disclosure = text(entry, "disclosure")
        .parse()
        .unwrap_or_else(|e| panic!("{e}"));
    let opts = EvalOptions {
        group_by,
        disclosure,
        ..EvalOptions::default()
    };
    let ev = evaluation::evaluate(&log, &opts);
    let days = |us: Option<i64>| us.map(|us| us as f64 / 86_400e6);
    let per_case: Vec<Value> = ev
        .per_case
        .iter()
        .map(|m| {
            json!({
                "case": m.case.as_str(),
                "first_contact_days": days(m.first_contact_micros),
                "right_place_days": days(m.right_place_micros),
                "reached_right_place": m.right_place_micros.is_some(),
                "handoffs": m.handoffs,
                "bounces": m.bounces,
                "loops": m.loops,
                "organisations": m.organisations,
                "escalations": m.escalations,
                "resolved": m.resolved,
                "reopened": m.reopened,
            })
        })
        .collect();
    let table = &ev.summary.aggregates;
    let aggregates: Vec<Value> = table
        .rows
        .iter()
        .map(|r| {
            let mut cell = Map::new();
            for (d, k) in table.group_by.iter().zip(&r.key) {
                cell.insert(d.as_str().into(), json!(k));
            }
            cell.insert("suppressed".into(), name(&r.suppressed));
            let counts = r.figures.as_ref().map(|f| {
                let (fc, rp) = (&f.first_contact, &f.right_place);
                [
                    f.cases,
                    fc.ended,
                    fc.open,
                    rp.ended,
                    rp.open,
                    f.handoffs,
                    f.bounces,
                    f.loops,
                    f.escalations,
                    f.resolved,
                    f.reopened,
                ]
            });
            for (i, k) in COUNTS.iter().enumerate() {
                cell.insert((*k).into(), json!(counts.map(|c| c[i])));
            }
            let figures = r.figures.as_ref().map(|f| {
                [
                    f.first_contact.median_days,
                    f.right_place.median_days,
                    Some(f.handoffs_per_case),
                    Some(f.bounce_rate),
                    Some(f.loop_rate),
                    Some(f.escalation_rate),
                    Some(f.resolved_rate),
                    Some(f.reopened_rate),
                ]
            });
            for (i, k) in FIGURES.iter().enumerate() {
                cell.insert((*k).into(), json!(figures.and_then(|f| f[i])));
            }
            // every binding marks each row with what the table was made under
            cell.insert("disclosure".into(), json!(table.disclosure.label()));
            Value::Object(cell)
        })
        .collect();
    json!({
        "name": entry["name"],
        "kind": "evaluation",
        "per_case": per_case,
        "aggregates": aggregates,
    })
}

/// The names of the counts of an aggregate cell, in order.
const COUNTS: [&str; 11] = [
    "cases",
    "first_contact_ended",
    "first_contact_open",
    "right_place_ended",
    "right_place_open",
    "handoffs",
    "bounces",
    "loops",
    "escalations",
    "resolved",
    "reopened",
];

/// The names of the figures (days and rates) of an aggregate cell, in order.
const FIGURES: [&str; 8] = [
    "first_contact_median_days",
    "right_place_median_days",
    "handoffs_per_case",
    "bounce_rate",
    "loop_rate",
    "escalation_rate",
    "resolved_rate",
    "reopened_rate",
];

/// The first difference between two goldens, as a path and the two values.
fn first_difference(path: &str, want: &Value, got: &Value) -> Option<String> {
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => a
            .keys()
            .chain(b.keys().filter(|k| !a.contains_key(*k)))
            .find_map(|k| {
                let (x, y) = (&a.get(k), &b.get(k));
                let (x, y) = (x.unwrap_or(&Value::Null), y.unwrap_or(&Value::Null));
                first_difference(&format!("{path}.{k}"), x, y)
            }),
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(&format!("{path}[{i}]"), x, y)),
        _ if want == got => None,
        _ => Some(format!("{path}: golden {want}, core {got}")),
    }
}

#[test]
fn every_golden_replays() {
    let manifest: Value = serde_json::from_str(&read(&fixtures().join("manifest.json")))
        .expect("manifest.json is JSON");
    let update = std::env::var_os("DLS_UPDATE_GOLDENS").is_some_and(|v| v == "1");
    let entries = manifest["goldens"].as_array().expect("`goldens`");
    assert!(!entries.is_empty());
    let mut failures = Vec::new();
    for entry in entries {
        let got = match text(entry, "kind").as_str() {
            "routing" => routing(entry),
            "reroute" => reroute(entry),
            "what_if" => what_if(entry),
            "evaluation" => evaluation(entry),
            other => panic!("unknown golden kind `{other}`"),
        };
        let path = fixtures().join(text(entry, "golden"));
        if update {
            let pretty = serde_json::to_string_pretty(&got).expect("JSON") + "\n";
            std::fs::write(&path, pretty).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        let want: Value = serde_json::from_str(&read(&path)).expect("a golden is JSON");
        if let Some(d) = first_difference(&text(entry, "name"), &want, &got) {
            failures.push(d);
        }
    }
    assert!(
        failures.is_empty(),
        "goldens differ from the core (rewrite with DLS_UPDATE_GOLDENS=1 if on purpose):\n{}",
        failures.join("\n")
    );
}
