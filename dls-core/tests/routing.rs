//! Routing: every rung of the ladder, layer overrides, validity dates, cannot-get-through,
//! re-routing, the household coordinator, traces, determinism, what-if and bad cases — against
//! a small hand-written world, the embedded pilot and generated sets, and an independent naive
//! reference implementation.

use chrono::{DateTime, NaiveDate, Utc};
use dls_core::cases::{CaseData, TryOutcome};
use dls_core::conditions::ConditionMask;
use dls_core::ids::ServiceId;
use dls_core::routing::{
    what_if, CoordinatorBasis, FallbackTrace, GapReason, HouseholdDecision, NeedDecision, Outcome,
    RouteOptions, Router, RoutingError, Verdict,
};
use dls_core::rules::{CapacityPolicy, Rule, Target};
use dls_core::synthetic::{self, Scale};
use dls_core::{
    pilot, Activity, Case, CaseError, Directory, DirectoryData, Event, Format, Layer, RuleSet,
    RuleSetData,
};
use proptest::prelude::*;

// ------------------------------------------------------------------ a small world

const DIRECTORY: &str = r#"
[[municipality]]
code = "GM0001"
name = "Testgemeente"

[[kern]]
id = "dorp-a"
name = "Dorp A"
municipality = "GM0001"

[[kern]]
id = "dorp-b"
name = "Dorp B"
municipality = "GM0001"

[[region]]
id = "regio"
name = "Regio"
municipalities = ["GM0001"]

[[domain]]
code = "zorg"
label = "Zorg"

[[need]]
code = "zorg.hulp"
label = "Hulp"

[[need]]
code = "zorg.vervoer"
label = "Vervoer"

[[need]]
code = "zorg.klacht"
label = "Klacht"

[[need]]
code = "zorg.respijt"
label = "Respijtzorg"

[[need]]
code = "zorg.nieuw"
label = "Nieuw, nergens geregeld"

[[need]]
code = "zorg.wacht"
label = "Met wachttijden"

[[organisation]]
id = "gemeente"
name = "Gemeente"
kind = "municipality"

[[organisation]]
id = "welzijn"
name = "Welzijn"
kind = "welfare"

[[organisation]]
id = "zorgorg"
name = "Zorg"
kind = "health"

[[organisation]]
id = "vrijwilligers"
name = "Vrijwilligers"
kind = "volunteer"

[[service]]
id = "loket"
organisation = "gemeente"
name = "Loket"
needs = ["zorg.*"]
areas = ["GM0001"]
eligibility = { age = { min = 18 } }

[[service]]
id = "welzijn-hulp"
organisation = "welzijn"
name = "Welzijn hulp"
needs = ["zorg.hulp"]
areas = ["GM0001"]
capacity = { open_places = 0, waiting_weeks = 2 }

[[service]]
id = "zorg-hulp"
organisation = "zorgorg"
name = "Zorg hulp (oud contract)"
needs = ["zorg.hulp"]
areas = ["GM0001"]
valid = { until = "2025-12-31" }

[[service]]
id = "dorp-a-hulp"
organisation = "vrijwilligers"
name = "Dorp A hulp"
needs = ["zorg.hulp"]
areas = ["kern:dorp-a"]

[[service]]
id = "regio-hulp"
organisation = "zorgorg"
name = "Regionale hulp"
needs = ["zorg.*"]
areas = ["region:regio"]
capacity = { open_places = 9, waiting_weeks = 10 }

[[service]]
id = "snel"
organisation = "zorgorg"
name = "Snelle hulp"
needs = ["zorg.*"]
areas = ["GM0001"]
capacity = { open_places = 5, waiting_weeks = 1 }

[[service]]
id = "slp"
organisation = "vrijwilligers"
name = "Steunpilaar"
role = "steunpilaar"
areas = ["GM0001"]

[[service]]
id = "swt"
organisation = "welzijn"
name = "Sociaal wijkteam"
role = "coordinator"
needs = ["zorg.hulp"]
areas = ["GM0001"]

[[service]]
id = "klachten"
organisation = "gemeente"
name = "Klachtenfunctionaris"
role = "escalation"
needs = ["zorg.klacht"]
areas = ["GM0001"]
"#;

const RULES: &str = r#"
capacity = "skip_full"

[[steunpilaar]]
area = "GM0001"
service = "slp"

[[coordinator]]
area = "GM0001"
service = "swt"

[[rule]]
id = "reg-hulp"
needs = ["zorg.hulp"]
area = "region:regio"
target = "service:regio-hulp"

[[rule]]
id = "gm-hulp-urgent"
needs = ["zorg.hulp"]
area = "GM0001"
when = { urgency = { min = "urgent" } }
target = "service:welzijn-hulp"
priority = 30

[[rule]]
id = "gm-hulp-oud"
needs = ["zorg.hulp"]
area = "GM0001"
target = "service:zorg-hulp"
priority = 20

[[rule]]
id = "gm-hulp"
needs = ["zorg.hulp"]
area = "GM0001"
target = "service:loket"
priority = 10

[[rule]]
id = "kern-a-hulp"
needs = ["zorg.hulp"]
area = "kern:dorp-a"
target = "service:dorp-a-hulp"
valid = { from = "2026-01-01" }
replaces = ["gm-hulp"]

[[switch_off]]
id = "uit-a"
rules = ["reg-hulp"]
area = "kern:dorp-a"

[[rule]]
id = "gm-respijt"
needs = ["zorg.respijt"]
area = "GM0001"
target = "not_covered"

[[rule]]
id = "gm-klacht"
needs = ["zorg.klacht"]
area = "GM0001"
target = "escalation:klachten"

[[rule]]
id = "gm-vervoer"
needs = ["zorg.vervoer"]
area = "GM0001"
target = "steunpilaar"
valid = { from = "2024-01-01", until = "2024-12-31" }

[[rule]]
id = "gm-wacht-a"
needs = ["zorg.wacht"]
area = "GM0001"
when = { urgency = { in = ["normal"] } }
target = "service:regio-hulp"
priority = 5

[[rule]]
id = "gm-wacht-z"
needs = ["zorg.wacht"]
area = "GM0001"
when = { urgency = { min = "urgent" } }
target = "service:snel"
priority = 5
"#;

fn directory() -> Directory {
    Directory::from_str(DIRECTORY, Format::Toml, "world/directory.toml").unwrap()
}

fn rules_data() -> RuleSetData {
    RuleSetData::parse(RULES, Format::Toml, "world/rules.toml").unwrap()
}

/// The world under another capacity policy (set in the file, as an author would).
fn world_with_capacity(policy: &str) -> Router {
    let text = RULES.replace(
        "capacity = \"skip_full\"",
        &format!("capacity = \"{policy}\""),
    );
    let data = RuleSetData::parse(&text, Format::Toml, "world/rules.toml").unwrap();
    Router::new(&RuleSet::new(&directory(), data).unwrap_or_else(|e| panic!("{e}")))
}

fn world_with(edit: impl FnOnce(&mut RuleSetData)) -> Router {
    let dir = directory();
    let mut data = rules_data();
    edit(&mut data);
    Router::new(&RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("{e}")))
}

/// Without a steunpilaar (and so without the rule that targets it).
fn no_steunpilaar(d: &mut RuleSetData) {
    d.steunpilaar.clear();
    d.rules.retain(|r| r.id.as_str() != "gm-vervoer");
}

fn world() -> Router {
    world_with(|_| {})
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A case from JSON fields: `kern`, `needs` (first primary), optional attributes and tried.
fn case(kern: &str, needs: &[&str], attributes: serde_json::Value, tried: &[&str]) -> Case {
    let needs: Vec<_> = needs
        .iter()
        .enumerate()
        .map(|(i, n)| serde_json::json!({"need": n, "primary": i == 0}))
        .collect();
    let mut v = serde_json::json!({
        "id": "c-1",
        "kern": kern,
        "needs": needs,
        "attributes": attributes,
    });
    if !tried.is_empty() {
        let t: Vec<_> = tried
            .iter()
            .map(|s| serde_json::json!({"service": s, "outcome": "rejected"}))
            .collect();
        v["situation"] = serde_json::json!({"kind": "cannot_get_through", "tried": t});
    }
    serde_json::from_value(v).unwrap()
}

fn adult() -> serde_json::Value {
    serde_json::json!({"age": 45})
}

fn service_of(n: &NeedDecision) -> Option<&str> {
    n.outcome.service().map(|s| s.as_str())
}

fn verdict_of<'a>(n: &'a NeedDecision, rule: &str) -> &'a Verdict {
    let t = n.trace.as_ref().expect("traced");
    &t.candidates
        .iter()
        .find(|c| c.rule.as_str() == rule)
        .unwrap_or_else(|| panic!("no trace entry for `{rule}` in {t:?}"))
        .verdict
}

const SPRING_2026: &str = "2026-03-01";

// ------------------------------------------------------------------ the ladder, rung by rung

#[test]
fn first_candidate_not_skipped_decides_and_later_ones_lose_to_it() {
    let r = world();
    let dec = r
        .route(
            &case("dorp-b", &["zorg.hulp"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap();
    let n = dec.primary();
    assert_eq!(service_of(n), Some("loket"));
    assert_eq!(n.rule.as_ref().unwrap().as_str(), "gm-hulp");
    assert_eq!(n.layer, Some(Layer::Municipality));
    assert!(!n.cannot_get_through);
    assert_eq!(verdict_of(n, "gm-hulp"), &Verdict::Decided);
    assert!(
        matches!(verdict_of(n, "reg-hulp"), Verdict::LostTo { winner } if winner.as_str() == "gm-hulp")
    );
    // routing order: most specific layer first, then priority; the rule of dorp-a does not
    // apply in dorp-b and is not listed
    let order: Vec<_> = n
        .trace
        .as_ref()
        .unwrap()
        .candidates
        .iter()
        .map(|c| c.rule.as_str())
        .collect();
    assert_eq!(
        order,
        ["gm-hulp-urgent", "gm-hulp-oud", "gm-hulp", "reg-hulp"]
    );
}

#[test]
fn conditions_that_fail_skip_the_rule_and_name_the_attribute() {
    let n = world()
        .route(
            &case("dorp-b", &["zorg.hulp"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap()
        .needs
        .remove(0);
    assert_eq!(
        verdict_of(&n, "gm-hulp-urgent"),
        &Verdict::ConditionFailed {
            attribute: dls_core::conditions::AttributeName::Urgency
        }
    );
}

#[test]
fn full_services_are_skipped_when_capacity_counts_and_taken_when_it_does_not() {
    let urgent = serde_json::json!({"age": 45, "urgency": "urgent"});
    let c = case("dorp-b", &["zorg.hulp"], urgent, &[]);
    let n = world().route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert_eq!(
        verdict_of(&n, "gm-hulp-urgent"),
        &Verdict::Full {
            service: "welzijn-hulp".parse().unwrap(),
            waiting_weeks: Some(2),
        }
    );
    assert_eq!(service_of(&n), Some("loket"));
    let ignore = world_with_capacity("ignore");
    let n = ignore.route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert_eq!(service_of(&n), Some("welzijn-hulp"));
}

#[test]
fn a_service_not_valid_on_the_date_is_skipped() {
    let n = world()
        .route(
            &case("dorp-b", &["zorg.hulp"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap()
        .needs
        .remove(0);
    assert_eq!(
        verdict_of(&n, "gm-hulp-oud"),
        &Verdict::ServiceNotValid {
            service: "zorg-hulp".parse().unwrap()
        }
    );
}

#[test]
fn ineligible_cases_go_to_the_next_candidate_in_a_less_specific_layer() {
    let child = serde_json::json!({"age": 8});
    let n = world()
        .route(&case("dorp-b", &["zorg.hulp"], child, &[]), d(SPRING_2026))
        .unwrap()
        .needs
        .remove(0);
    assert_eq!(
        verdict_of(&n, "gm-hulp"),
        &Verdict::Ineligible {
            service: "loket".parse().unwrap(),
            attribute: dls_core::conditions::AttributeName::Age
        }
    );
    assert_eq!(service_of(&n), Some("regio-hulp"));
    assert_eq!(n.layer, Some(Layer::Region));
}

#[test]
fn when_every_candidate_is_skipped_the_steunpilaar_takes_it_else_a_gap() {
    let child = serde_json::json!({"age": 8});
    let c = case("dorp-b", &["zorg.hulp"], child, &["regio-hulp"]);
    let n = world().route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert_eq!(
        n.outcome,
        Outcome::Steunpilaar {
            service: "slp".parse().unwrap(),
            organisation: "vrijwilligers".parse().unwrap(),
            fallback: true
        }
    );
    assert_eq!(n.rule, None);
    assert!(n.cannot_get_through);
    assert_eq!(
        n.trace.as_ref().unwrap().fallback,
        Some(FallbackTrace::Steunpilaar {
            service: "slp".parse().unwrap()
        })
    );
    // without a steunpilaar: an explicit gap, and the reason says candidates existed
    let bare = world_with(no_steunpilaar);
    let n = bare.route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert_eq!(
        n.outcome,
        Outcome::Gap {
            reason: GapReason::AllSkipped
        }
    );
    assert_eq!(
        n.trace.as_ref().unwrap().fallback,
        Some(FallbackTrace::NoSteunpilaar)
    );
}

#[test]
fn a_need_no_rule_covers_goes_to_the_steunpilaar_or_is_a_no_rule_gap() {
    let c = case("dorp-a", &["zorg.nieuw"], adult(), &[]);
    let n = world().route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert!(matches!(
        n.outcome,
        Outcome::Steunpilaar { fallback: true, .. }
    ));
    assert!(n.trace.as_ref().unwrap().candidates.is_empty());
    let bare = world_with(no_steunpilaar);
    let n = bare.route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert_eq!(
        n.outcome,
        Outcome::Gap {
            reason: GapReason::NoRule
        }
    );
    assert!(
        n.summary().contains("gap: no rule covers"),
        "{}",
        n.summary()
    );
}

#[test]
fn not_covered_is_a_deliberate_gap_and_says_so() {
    let n = world()
        .route(
            &case("dorp-b", &["zorg.respijt"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap()
        .needs
        .remove(0);
    assert_eq!(
        n.outcome,
        Outcome::Gap {
            reason: GapReason::NotCovered
        }
    );
    assert_eq!(n.rule.as_ref().unwrap().as_str(), "gm-respijt");
    assert!(n.summary().contains("on purpose"), "{}", n.summary());
}

#[test]
fn escalation_targets_give_an_escalation() {
    let n = world()
        .route(
            &case("dorp-b", &["zorg.klacht"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap()
        .needs
        .remove(0);
    assert_eq!(
        n.outcome,
        Outcome::Escalation {
            service: "klachten".parse().unwrap(),
            organisation: "gemeente".parse().unwrap()
        }
    );
}

#[test]
fn a_rule_may_send_to_the_steunpilaar_while_it_is_valid() {
    let c = case("dorp-b", &["zorg.vervoer"], adult(), &[]);
    let n = world().route(&c, d("2024-06-01")).unwrap().needs.remove(0);
    assert!(matches!(
        n.outcome,
        Outcome::Steunpilaar {
            fallback: false,
            ..
        }
    ));
    assert_eq!(n.rule.as_ref().unwrap().as_str(), "gm-vervoer");
    // out of its validity, the rule is no candidate: the steunpilaar is the fallback
    let n = world().route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert!(matches!(
        n.outcome,
        Outcome::Steunpilaar { fallback: true, .. }
    ));
    assert_eq!(verdict_of(&n, "gm-vervoer"), &Verdict::NotValidOnDate);
}

#[test]
fn prefer_shorter_wait_orders_equal_layer_and_priority_by_waiting_time() {
    let c = case("dorp-b", &["zorg.wacht"], adult(), &[]);
    let order = |r: &Router| -> Vec<String> {
        r.route(&c, d(SPRING_2026)).unwrap().needs[0]
            .trace
            .as_ref()
            .unwrap()
            .candidates
            .iter()
            .map(|c| c.rule.to_string())
            .collect()
    };
    assert_eq!(order(&world()), ["gm-wacht-a", "gm-wacht-z"], "by id");
    let prefer = world_with_capacity("prefer_shorter_wait");
    assert_eq!(order(&prefer), ["gm-wacht-z", "gm-wacht-a"], "1 week first");
    // the decision itself follows the conditions
    let n = prefer.route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert_eq!(service_of(&n), Some("regio-hulp"));
}

// ------------------------------------------------------------------ layers and dates

#[test]
fn a_kern_rule_overrides_the_municipal_rule_only_inside_its_kern() {
    let r = world();
    let a = r
        .route(
            &case("dorp-a", &["zorg.hulp"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap()
        .needs
        .remove(0);
    assert_eq!(service_of(&a), Some("dorp-a-hulp"));
    assert_eq!(a.layer, Some(Layer::Kern));
    assert_eq!(
        verdict_of(&a, "gm-hulp"),
        &Verdict::Overridden {
            by: "kern-a-hulp".parse().unwrap(),
            by_layer: Layer::Kern,
            replaced: true
        }
    );
    assert_eq!(
        verdict_of(&a, "reg-hulp"),
        &Verdict::Overridden {
            by: "uit-a".parse().unwrap(),
            by_layer: Layer::Kern,
            replaced: false
        }
    );
    // in the other kern of the same municipality the municipal rule still holds
    let b = r
        .route(
            &case("dorp-b", &["zorg.hulp"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap()
        .needs
        .remove(0);
    assert_eq!(service_of(&b), Some("loket"));
    // and the trace does not list the rule of the other kern: it does not apply here
    let t = b.trace.as_ref().expect("traced");
    assert!(t
        .candidates
        .iter()
        .all(|c| c.rule.as_str() != "kern-a-hulp"));
    assert!(t
        .candidates
        .iter()
        .all(|c| !matches!(c.verdict, Verdict::OutOfArea { .. })));
}

#[test]
fn an_override_that_takes_everything_out_leaves_the_fallback() {
    // switched off in dorp-a, the region rule cannot catch a child there
    let child = serde_json::json!({"age": 8});
    let n = world()
        .route(
            &case("dorp-a", &["zorg.hulp"], child, &["dorp-a-hulp"]),
            d(SPRING_2026),
        )
        .unwrap()
        .needs
        .remove(0);
    assert!(matches!(
        n.outcome,
        Outcome::Steunpilaar { fallback: true, .. }
    ));
}

#[test]
fn a_historic_case_is_routed_with_what_was_valid_on_its_date() {
    let c = case("dorp-a", &["zorg.hulp"], adult(), &[]);
    let r = world();
    let then = r.route(&c, d("2025-06-01")).unwrap().needs.remove(0);
    assert_eq!(service_of(&then), Some("zorg-hulp"));
    assert_eq!(then.rule.as_ref().unwrap().as_str(), "gm-hulp-oud");
    assert_eq!(verdict_of(&then, "kern-a-hulp"), &Verdict::NotValidOnDate);
    let now = r.route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert_eq!(service_of(&now), Some("dorp-a-hulp"));
}

#[test]
fn a_date_outside_every_rules_validity_is_a_documented_gap_not_a_panic() {
    let dir = directory();
    let mut data = rules_data();
    no_steunpilaar(&mut data);
    for r in &mut data.rules {
        r.valid = dls_core::validity::Validity {
            from: Some(d("2030-01-01")),
            until: Some(d("2030-12-31")),
        };
    }
    let rules = RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("{e}"));
    let r = Router::new(&rules);
    let c = case("dorp-b", &["zorg.hulp", "zorg.klacht"], adult(), &[]);
    for date in [
        NaiveDate::MIN,
        d("1999-01-01"),
        d(SPRING_2026),
        NaiveDate::MAX,
    ] {
        let dec = r.route(&c, date).unwrap();
        for n in &dec.needs {
            assert_eq!(
                n.outcome,
                Outcome::Gap {
                    reason: GapReason::NoRule
                }
            );
        }
        assert!(dec.coordinator.is_none());
        assert_eq!(dec.plan.first_contact, None);
    }
}

// ------------------------------------------------------------------ cannot get through, re-route

#[test]
fn cannot_get_through_sends_to_the_next_candidate_and_marks_the_decision() {
    let c = case("dorp-b", &["zorg.hulp"], adult(), &["loket"]);
    let n = world().route(&c, d(SPRING_2026)).unwrap().needs.remove(0);
    assert_eq!(service_of(&n), Some("regio-hulp"));
    assert!(n.cannot_get_through);
    assert_eq!(
        verdict_of(&n, "gm-hulp"),
        &Verdict::TriedAlready {
            service: "loket".parse().unwrap(),
            outcome: TryOutcome::Rejected
        }
    );
    assert!(n.summary().contains("could not get through"));
}

fn bounce(case: &str, activity: Activity, service: Option<&str>) -> Event {
    Event {
        case: case.parse().unwrap(),
        at: DateTime::<Utc>::from_timestamp(1_772_000_000, 0).unwrap(),
        activity,
        organisation: None,
        service: service.map(|s| s.parse().unwrap()),
        kern: None,
        need: None,
        reason: None,
    }
}

#[test]
fn rerouting_after_rejection_and_no_response_moves_on_and_remembers() {
    let r = world();
    let c = case("dorp-b", &["zorg.hulp", "zorg.klacht"], adult(), &[]);
    let first = r.route(&c, d(SPRING_2026)).unwrap();
    assert_eq!(service_of(first.primary()), Some("loket"));
    let second = r
        .reroute(
            &c,
            &first,
            &bounce("c-1", Activity::Rejected, Some("loket")),
            RouteOptions::TRACE,
        )
        .unwrap();
    assert_eq!(second.date, first.date);
    assert_eq!(service_of(second.primary()), Some("regio-hulp"));
    assert!(second.primary().cannot_get_through);
    assert_eq!(
        second.needs[1], first.needs[1],
        "the other need keeps its decision"
    );
    let third = r
        .reroute(
            &c,
            &second,
            &bounce("c-1", Activity::NoResponse, Some("regio-hulp")),
            RouteOptions::TRACE,
        )
        .unwrap();
    assert!(matches!(
        third.primary().outcome,
        Outcome::Steunpilaar { fallback: true, .. }
    ));
    let avoided: Vec<_> = third
        .avoided
        .iter()
        .map(|t| (t.service.as_str(), t.outcome))
        .collect();
    assert_eq!(
        avoided,
        [
            ("loket", TryOutcome::Rejected),
            ("regio-hulp", TryOutcome::NoResponse)
        ]
    );
}

#[test]
fn reroute_after_builds_the_bounce_itself_and_agrees_with_reroute() {
    let r = world();
    let c = case("dorp-b", &["zorg.hulp", "zorg.klacht"], adult(), &[]);
    let date = d(SPRING_2026);
    let loket: dls_core::ids::ServiceId = "loket".parse().unwrap();
    for (outcome, activity) in [
        (TryOutcome::Rejected, Activity::Rejected),
        (TryOutcome::NoResponse, Activity::NoResponse),
    ] {
        for opts in [RouteOptions::TRACE, RouteOptions::FAST] {
            let after = r.reroute_after(&c, date, &loket, outcome, opts).unwrap();
            let first = r.route_with(&c, date, RouteOptions::FAST).unwrap();
            let by_event = r
                .reroute(&c, &first, &bounce("c-1", activity, Some("loket")), opts)
                .unwrap();
            assert_eq!(after, by_event);
            assert_eq!(after.date, date);
            assert_eq!(service_of(after.primary()), Some("regio-hulp"));
            assert!(after.primary().cannot_get_through);
            assert_eq!(after.avoided.len(), 1);
            assert_eq!(after.avoided[0].outcome, outcome);
        }
    }
    // services the case already tried stay avoided, and a service tried twice is listed once
    let tried = case("dorp-b", &["zorg.hulp"], adult(), &["loket"]);
    let regio: dls_core::ids::ServiceId = "regio-hulp".parse().unwrap();
    let next = r
        .reroute_after(
            &tried,
            date,
            &regio,
            TryOutcome::NoResponse,
            RouteOptions::FAST,
        )
        .unwrap();
    assert!(matches!(
        next.primary().outcome,
        Outcome::Steunpilaar { fallback: true, .. }
    ));
    assert_eq!(next.avoided.len(), 2);
    let again = r
        .reroute_after(
            &tried,
            date,
            &loket,
            TryOutcome::NoResponse,
            RouteOptions::FAST,
        )
        .unwrap();
    assert_eq!(again.avoided.len(), 1);
    let e = r
        .reroute_after(
            &c,
            date,
            &"nergens".parse().unwrap(),
            TryOutcome::Rejected,
            RouteOptions::FAST,
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "case `c-1`: unknown service (not in the directory)"
    );
}

#[test]
fn rerouting_refuses_events_that_do_not_fit() {
    let r = world();
    let c = case("dorp-b", &["zorg.hulp"], adult(), &[]);
    let first = r.route(&c, d(SPRING_2026)).unwrap();
    let opts = RouteOptions::FAST;
    assert!(matches!(
        r.reroute(
            &c,
            &first,
            &bounce("c-2", Activity::Rejected, Some("loket")),
            opts
        ),
        Err(RoutingError::OtherCase { .. })
    ));
    assert!(matches!(
        r.reroute(
            &c,
            &first,
            &bounce("c-1", Activity::Accepted, Some("loket")),
            opts
        ),
        Err(RoutingError::NotABounce {
            activity: Activity::Accepted,
            ..
        })
    ));
    assert!(matches!(
        r.reroute(&c, &first, &bounce("c-1", Activity::Rejected, None), opts),
        Err(RoutingError::EventWithoutService { .. })
    ));
    let e = r
        .reroute(
            &c,
            &first,
            &bounce("c-1", Activity::Rejected, Some("nergens")),
            opts,
        )
        .unwrap_err();
    assert!(matches!(e, RoutingError::UnknownService { .. }));
    assert_eq!(
        e.to_string(),
        "case `c-1`: unknown service (not in the directory)"
    );
}

// ------------------------------------------------------------------ the household

#[test]
fn a_household_with_several_organisations_gets_the_named_coordinator() {
    let c = case(
        "dorp-b",
        &["zorg.hulp", "zorg.klacht", "zorg.nieuw"],
        adult(),
        &[],
    );
    let dec = world().route(&c, d(SPRING_2026)).unwrap();
    let coord = dec.coordinator.as_ref().expect("two organisations");
    assert_eq!(coord.contact.service.as_str(), "swt");
    assert_eq!(coord.basis, CoordinatorBasis::RuleSet);
    let plan = &dec.plan;
    assert_eq!(plan.first_contact.as_ref().unwrap().service.as_str(), "swt");
    let who: Vec<_> = plan
        .parts
        .iter()
        .map(|p| (p.organisation.as_str(), p.needs.len()))
        .collect();
    assert_eq!(who, [("gemeente", 2), ("vrijwilligers", 1)]);
    assert!(dec.explain().contains("coordinator: `swt`"));
}

#[test]
fn without_a_named_role_the_primary_needs_organisation_coordinates() {
    let r = world_with(|d| d.coordinator.clear());
    let c = case(
        "dorp-b",
        &["zorg.hulp", "zorg.klacht", "zorg.nieuw"],
        adult(),
        &[],
    );
    let dec = r.route(&c, d(SPRING_2026)).unwrap();
    let coord = dec.coordinator.unwrap();
    assert_eq!(coord.contact.service.as_str(), "loket");
    assert_eq!(coord.basis, CoordinatorBasis::PrimaryNeed);
    // primary need is a gap: the first need with a service
    let c = case(
        "dorp-b",
        &["zorg.respijt", "zorg.nieuw", "zorg.hulp"],
        adult(),
        &[],
    );
    let dec = r.route(&c, d(SPRING_2026)).unwrap();
    let coord = dec.coordinator.clone().unwrap();
    assert_eq!(coord.contact.service.as_str(), "slp");
    assert_eq!(coord.basis, CoordinatorBasis::FirstRoutedNeed);
    assert_eq!(dec.plan.open_needs.len(), 1);
}

#[test]
fn one_organisation_needs_no_coordinator_but_has_one_first_contact() {
    let c = case("dorp-b", &["zorg.hulp", "zorg.klacht"], adult(), &[]);
    let dec = world().route(&c, d(SPRING_2026)).unwrap();
    assert!(dec.coordinator.is_none());
    assert!(
        dec.plan.parts.is_empty(),
        "no joint plan for one organisation"
    );
    assert_eq!(dec.plan.first_contact.unwrap().service.as_str(), "loket");
}

// ------------------------------------------------------------------ bad input

#[test]
fn bad_cases_give_typed_errors() {
    let r = world();
    let e = r
        .route(
            &case("elders", &["zorg.hulp"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap_err();
    assert!(matches!(e, RoutingError::UnknownKern { .. }));
    assert_eq!(
        e.to_string(),
        "case `c-1`: unknown kern (not in the directory)"
    );
    let e = r
        .route(
            &case("dorp-a", &["zorg.hulp", "zorg.onbekend"], adult(), &[]),
            d(SPRING_2026),
        )
        .unwrap_err();
    assert!(
        matches!(e, RoutingError::UnknownNeed { ref need, .. } if need.as_str() == "zorg.onbekend")
    );
    let e = r
        .route(
            &case("dorp-a", &["zorg.hulp"], adult(), &["weg"]),
            d(SPRING_2026),
        )
        .unwrap_err();
    assert!(matches!(e, RoutingError::UnknownService { .. }));
    // the crate-level error wraps it
    let wrapped: dls_core::Error = e.into();
    assert!(wrapped
        .to_string()
        .contains("unknown service (not in the directory)"));
}

#[test]
fn no_primary_or_two_primaries_cannot_become_a_case() {
    let data = |p: [bool; 2]| -> CaseData {
        serde_json::from_value(serde_json::json!({
            "id": "c-9", "kern": "dorp-a",
            "needs": [{"need": "zorg.hulp", "primary": p[0]}, {"need": "zorg.klacht", "primary": p[1]}]
        }))
        .unwrap()
    };
    assert!(matches!(
        Case::new(data([false, false])),
        Err(CaseError::NoPrimary { .. })
    ));
    assert!(matches!(
        Case::new(data([true, true])),
        Err(CaseError::SeveralPrimary { count: 2, .. })
    ));
    // and so routing never sees one; the primary goes first in the decision
    let c = Case::new(data([false, true])).unwrap();
    let dec = world().route(&c, d(SPRING_2026)).unwrap();
    assert_eq!(dec.primary().need.as_str(), "zorg.klacht");
    assert!(dec.primary().primary && !dec.needs[1].primary);
}

#[test]
fn batch_without_a_date_uses_each_cases_opened_date_or_says_it_is_missing() {
    let r = world();
    let mut v = serde_json::to_value(case("dorp-a", &["zorg.hulp"], adult(), &[])).unwrap();
    let undated: Case = serde_json::from_value(v.clone()).unwrap();
    v["opened"] = serde_json::json!("2025-06-01");
    let dated: Case = serde_json::from_value(v).unwrap();
    let out = r.route_batch(&[dated, undated], None, RouteOptions::FAST);
    assert_eq!(
        service_of(out[0].as_ref().unwrap().primary()),
        Some("zorg-hulp")
    );
    assert!(matches!(out[1], Err(RoutingError::NoDate { .. })));
}

#[test]
fn a_batch_gives_one_result_per_case_in_its_place_on_any_number_of_threads() {
    let r = world();
    let kern_of = |i: usize| match i % 7 {
        3 => "nergens",
        k if k % 2 == 0 => "dorp-a",
        _ => "dorp-b",
    };
    let cases: Vec<Case> = (0..500)
        .map(|i| {
            let mut v =
                serde_json::to_value(case(kern_of(i), &["zorg.hulp"], adult(), &[])).unwrap();
            v["id"] = serde_json::json!(format!("c-{i}"));
            serde_json::from_value(v).unwrap()
        })
        .collect();
    for threads in [1, 4] {
        let out = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| r.route_batch(&cases, Some(d(SPRING_2026)), RouteOptions::FAST));
        assert_eq!(out.len(), cases.len());
        for (i, (res, c)) in out.iter().zip(&cases).enumerate() {
            match res {
                Ok(dec) => {
                    assert_eq!(&dec.case, c.id());
                    assert_eq!(dec.kern.as_str(), kern_of(i));
                }
                Err(RoutingError::UnknownKern { case, kern }) => {
                    assert_eq!(case, c.id());
                    assert_eq!(kern.as_str(), "nergens");
                    assert_eq!(i % 7, 3);
                }
                Err(e) => panic!("unexpected {e}"),
            }
        }
    }
}

// ------------------------------------------------------------------ traces

#[test]
fn traces_are_data_and_fast_routing_gives_the_same_decisions_without_them() {
    let r = world();
    let c = case(
        "dorp-a",
        &["zorg.hulp", "zorg.respijt", "zorg.nieuw"],
        adult(),
        &[],
    );
    let traced = r.route(&c, d(SPRING_2026)).unwrap();
    let json = serde_json::to_string(&traced).unwrap();
    let back: HouseholdDecision = serde_json::from_str(&json).unwrap();
    assert_eq!(back, traced);
    // a decision without needs is refused when read, so `primary()` always has one
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["needs"] = serde_json::json!([]);
    let e = serde_json::from_value::<HouseholdDecision>(v).unwrap_err();
    assert!(e.to_string().contains("at least one need"), "{e}");
    assert!(
        json.contains(r#""verdict":"overridden","by":"kern-a-hulp""#),
        "{json}"
    );
    let mut fast = r
        .route_with(&c, d(SPRING_2026), RouteOptions::FAST)
        .unwrap();
    assert!(fast.needs.iter().all(|n| n.trace.is_none()));
    let mut stripped = traced.clone();
    for n in stripped.needs.iter_mut().chain(fast.needs.iter_mut()) {
        n.trace = None;
    }
    assert_eq!(stripped, fast);
    let text = traced.explain();
    assert!(
        text.contains("replaced here by `kern-a-hulp` (kern layer)"),
        "{text}"
    );
    assert!(text.contains("switched off here by `uit-a`"), "{text}");
}

// ------------------------------------------------------------------ the embedded pilot

#[test]
fn the_pilot_sample_cases_route_as_the_pilot_intends() {
    let r = Router::new(&pilot::rules());
    let cases = pilot::cases();
    let by_id = |id: &str| {
        let c = cases.iter().find(|c| c.id().as_str() == id).unwrap();
        r.route(c, c.opened().unwrap()).unwrap()
    };
    // multi-need household: several organisations, the sociaal wijkteam coordinates
    let d1 = by_id("hlmr-2026-0001");
    assert_eq!(d1.needs.len(), 4);
    assert_eq!(
        d1.coordinator.as_ref().unwrap().basis,
        CoordinatorBasis::RuleSet
    );
    // the Badhoevedorp volunteers never answered: the next candidate, marked
    let d3 = by_id("hlmr-2026-0003");
    assert!(d3.primary().cannot_get_through);
    assert_eq!(service_of(d3.primary()), Some("thuisadministratie"));
    // respite care is a deliberate gap
    let d2 = by_id("hlmr-2026-0002");
    assert_eq!(
        d2.need("zorg.mantelzorg.respijt").unwrap().outcome,
        Outcome::Gap {
            reason: GapReason::NotCovered
        }
    );
    // the regional Veilig Thuis takes the place of the national number inside the region; the
    // national number does not route in the pilot (every pilot kern is in the region), so it is
    // no candidate at all
    let d9 = by_id("hlmr-2026-0009");
    assert_eq!(service_of(d9.primary()), Some("veilig-thuis"));
    let t9 = d9.primary().trace.as_ref().expect("traced");
    assert!(
        t9.candidates
            .iter()
            .all(|c| c.rule.as_str() != "coverage:veilig-thuis-landelijk"),
        "{t9:?}"
    );
    for c in &cases {
        let dec = r.route(c, c.opened().unwrap()).unwrap();
        assert_eq!(dec.needs.len(), c.needs().len());
        assert!(!dec.explain().is_empty());
    }
}

// ------------------------------------------------------------------ determinism

fn json_of(results: &[Result<HouseholdDecision, RoutingError>]) -> String {
    serde_json::to_string(
        &results
            .iter()
            .map(|r| r.as_ref().map_err(|e| e.to_string()))
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

#[test]
fn batches_are_byte_identical_for_one_and_many_threads() {
    let (dir, rules) = synthetic::generate(
        &Scale {
            municipalities: 6,
            min_kernen: 2,
            max_kernen: 8,
            regions: 2,
            capacity: CapacityPolicy::SkipFull,
        },
        11,
    );
    let router = Router::new(&rules);
    let cases = synthetic::cases(&dir, 3000, 5);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| router.route_batch(&cases, None, RouteOptions::TRACE))
    };
    let one = json_of(&run(1));
    assert_eq!(one, json_of(&run(4)));
    assert_eq!(one, json_of(&run(7)));
    // and the batch equals routing one by one
    let single: Vec<_> = cases
        .iter()
        .map(|c| router.route(c, c.opened().unwrap()))
        .collect();
    assert_eq!(one, json_of(&single));
}

/// Deterministic Fisher-Yates with a small LCG, to reorder files.
fn shuffle<T>(v: &mut [T], seed: &mut u64) {
    for i in (1..v.len()).rev() {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = (*seed >> 33) as usize % (i + 1);
        v.swap(i, j);
    }
}

#[test]
fn decisions_do_not_depend_on_directory_or_rule_order() {
    let scale = Scale {
        municipalities: 5,
        min_kernen: 2,
        max_kernen: 6,
        regions: 2,
        capacity: CapacityPolicy::PreferShorterWait,
    };
    let (d0, r0) = synthetic::data(&scale, 21);
    let dir0 = Directory::new(d0.clone()).unwrap().0;
    let router0 = Router::new(&RuleSet::new(&dir0, r0.clone()).unwrap());
    let cases = synthetic::cases(&dir0, 2000, 3);
    let expected = json_of(&router0.route_batch(&cases, None, RouteOptions::TRACE));
    let mut seed = 99;
    for _ in 0..3 {
        let mut d1: DirectoryData = d0.clone();
        shuffle(&mut d1.services, &mut seed);
        shuffle(&mut d1.organisations, &mut seed);
        shuffle(&mut d1.kernen, &mut seed);
        shuffle(&mut d1.municipalities, &mut seed);
        shuffle(&mut d1.needs, &mut seed);
        let mut r1: RuleSetData = r0.clone();
        shuffle(&mut r1.rules, &mut seed);
        shuffle(&mut r1.switch_off, &mut seed);
        shuffle(&mut r1.steunpilaar, &mut seed);
        shuffle(&mut r1.coordinator, &mut seed);
        let dir1 = Directory::new(d1).unwrap().0;
        let router1 = Router::new(&RuleSet::new(&dir1, r1).unwrap());
        let got = json_of(&router1.route_batch(&cases, None, RouteOptions::TRACE));
        assert_eq!(expected, got);
    }
}

// ------------------------------------------------------------------ what-if

#[test]
fn what_if_reports_changed_decisions_load_and_gaps() {
    let a = Router::new(&pilot::rules());
    // B: respite care gets contracted (a new service in B's directory); home administration
    // no longer goes to the welfare organisation
    let mut dir_data = pilot::directory_data();
    let extra: DirectoryData = toml::from_str(
        r#"
        [[service]]
        id = "respijtzorg"
        organisation = "mantelzorgcentrum"
        name = "Respijtzorg"
        needs = ["zorg.mantelzorg.respijt"]
        areas = ["GM0394"]
        capacity = { open_places = 2 }
        "#,
    )
    .unwrap();
    dir_data.merge(extra);
    // Humanitas no longer routes by its own coverage
    for s in &mut dir_data.services {
        if s.id.as_str() == "thuisadministratie" {
            s.priority = None;
        }
    }
    let dir = Directory::new(dir_data).unwrap().0;
    let mut data = pilot::rules_data();
    for r in &mut data.rules {
        if r.id.as_str() == "gm-respijt" {
            r.target = "service:respijtzorg".parse().unwrap();
        }
    }
    let b = Router::new(&RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("{e}")));
    let cases = pilot::cases();
    let report = what_if(&a, &b, &cases, None);
    assert_eq!(report.cases, cases.len());
    assert!(report.errors.is_empty());
    let respite = report
        .gaps_disappeared
        .iter()
        .find(|g| g.need.as_str() == "zorg.mantelzorg.respijt")
        .expect("respite gap closes");
    assert_eq!(respite.reason, GapReason::NotCovered);
    let change = report
        .changed
        .iter()
        .find(|c| c.case.as_str() == "hlmr-2026-0003")
        .expect("the cannot-get-through case moves on");
    assert_eq!(
        change.from.service().unwrap().as_str(),
        "thuisadministratie"
    );
    assert!(matches!(change.to, Outcome::Steunpilaar { .. }));
    let load = |s: &str| {
        report
            .load
            .iter()
            .find(|l| l.service.as_str() == s)
            .unwrap()
    };
    assert_eq!(load("thuisadministratie").load_a, 1);
    assert_eq!(load("thuisadministratie").load_b, 0);
    assert_eq!(load("thuisadministratie").open_places_a, Some(4));
    let respijt = load("respijtzorg");
    assert_eq!((respijt.load_a, respijt.load_b), (0, 1));
    assert_eq!(
        (respijt.open_places_a, respijt.open_places_b),
        (None, Some(2))
    );
    assert!(report.gaps_appeared.is_empty());
    // unchanged needs are not reported, and A against itself reports nothing
    let same = what_if(&a, &a, &cases, None);
    assert!(same.changed.is_empty() && same.gaps_appeared.is_empty());
    assert!(same.load.iter().all(|l| l.load_a == l.load_b));
    assert!(report.to_string().contains("decisions changed"));
}

#[test]
fn what_if_gaps_appear_when_a_service_leaves_and_load_can_exceed_capacity() {
    let a = world();
    let b = world_with(no_steunpilaar);
    let mut cases = Vec::new();
    for i in 0..12 {
        let mut v =
            serde_json::to_value(case("dorp-b", &["zorg.nieuw", "zorg.hulp"], adult(), &[]))
                .unwrap();
        v["id"] = serde_json::json!(format!("c-{i}"));
        cases.push(serde_json::from_value::<Case>(v).unwrap());
    }
    let report = what_if(&a, &b, &cases, Some(d(SPRING_2026)));
    assert_eq!(report.gaps_appeared.len(), 12);
    assert!(report
        .gaps_appeared
        .iter()
        .all(|g| g.reason == GapReason::NoRule && g.need.as_str() == "zorg.nieuw"));
    assert_eq!(report.changed.len(), 12);
    let slp = report
        .load
        .iter()
        .find(|l| l.service.as_str() == "slp")
        .unwrap();
    assert_eq!((slp.load_a, slp.load_b), (12, 0));
    // an unknown kern fails on both sides and is reported, not compared
    let bad = vec![case("elders", &["zorg.hulp"], adult(), &[])];
    let r = what_if(&a, &b, &bad, Some(d(SPRING_2026)));
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].a.is_some() && r.errors[0].b.is_some());
    // load against capacity
    let many: Vec<Case> = (0..12)
        .map(|i| {
            let mut v =
                serde_json::to_value(case("dorp-b", &["zorg.wacht"], adult(), &[])).unwrap();
            v["id"] = serde_json::json!(format!("w-{i}"));
            serde_json::from_value(v).unwrap()
        })
        .collect();
    let r = what_if(&a, &a, &many, Some(d(SPRING_2026)));
    let regio = r
        .load
        .iter()
        .find(|l| l.service.as_str() == "regio-hulp")
        .unwrap();
    assert_eq!(regio.open_places_a, Some(9));
    assert!(regio.over_capacity_a());
}

// ------------------------------------------------------------------ a naive reference

/// What the reference decides for one need: outcome, deciding rule, cannot-get-through.
type RefDecision = (Outcome, Option<String>, bool);

/// The ladder of DESIGN.md written as plainly as possible: scan every rule of the set.
fn reference(rules: &RuleSet, case: &Case, date: NaiveDate) -> Vec<RefDecision> {
    let dir = rules.directory();
    let areas = dir.areas();
    let policy = rules.capacity_policy();
    let tried = case.situation().tried();
    let service_ok = |s: usize| -> Result<(), bool> {
        let svc = &dir.services()[s];
        let eligible = dir
            .eligibility_of(&svc.id)
            .unwrap()
            .admits(dir.vocabulary(), case.attributes())
            .unwrap();
        if !svc.valid.contains(date) || eligible.is_some() {
            return Err(false);
        }
        if policy != CapacityPolicy::Ignore && svc.capacity.is_some_and(|c| c.is_full()) {
            return Err(false);
        }
        if tried.iter().any(|t| t.service == svc.id) {
            return Err(true);
        }
        Ok(())
    };
    let ids = |s: usize| {
        (
            dir.services()[s].id.clone(),
            dir.services()[s].organisation.clone(),
        )
    };
    let index = |id: &ServiceId| service_position(dir, id);
    let steunpilaar = rules.steunpilaar(case.kern()).map(index);
    let mut out = Vec::new();
    for need in case.needs() {
        let mut cands: Vec<&Rule> = rules
            .in_routing_order()
            .filter(|r| {
                r.needs.iter().any(|m| m.matches(&need.need))
                    && r.areas.iter().any(|a| areas.contains(a, case.kern()))
                    && r.valid.contains(date)
                    && rules.overridden_in(&r.id, case.kern(), date).is_none()
            })
            .collect();
        if policy == CapacityPolicy::PreferShorterWait {
            let wait = |r: &Rule| match &r.target {
                Target::Service(s) | Target::Escalation(s) => dir.services()[index(s)]
                    .capacity
                    .and_then(|c| c.waiting_weeks)
                    .unwrap_or(u32::MAX),
                _ => u32::MAX,
            };
            cands.sort_by_key(|r| {
                (
                    std::cmp::Reverse(r.layer()),
                    std::cmp::Reverse(r.priority),
                    wait(r),
                )
            });
        }
        let mut cgt = false;
        let mut decided = None;
        for r in &cands {
            let when = ConditionMask::compile_in(&r.when, dir.vocabulary()).unwrap();
            if when
                .admits(dir.vocabulary(), case.attributes())
                .unwrap()
                .is_some()
            {
                continue;
            }
            let (s, make): (usize, fn(_, _) -> Outcome) = match &r.target {
                Target::NotCovered => {
                    decided = Some((
                        Outcome::Gap {
                            reason: GapReason::NotCovered,
                        },
                        Some(r.id.to_string()),
                    ));
                    break;
                }
                Target::Service(s) => (index(s), |service, organisation| Outcome::Service {
                    service,
                    organisation,
                }),
                Target::Escalation(s) => (index(s), |service, organisation| Outcome::Escalation {
                    service,
                    organisation,
                }),
                Target::Steunpilaar => match steunpilaar {
                    Some(s) => (s, |service, organisation| Outcome::Steunpilaar {
                        service,
                        organisation,
                        fallback: false,
                    }),
                    None => continue,
                },
            };
            match service_ok(s) {
                Ok(()) => {
                    let (service, organisation) = ids(s);
                    decided = Some((make(service, organisation), Some(r.id.to_string())));
                    break;
                }
                Err(t) => cgt |= t,
            }
        }
        let (outcome, rule) = decided.unwrap_or_else(|| {
            let gap = Outcome::Gap {
                reason: if cands.is_empty() {
                    GapReason::NoRule
                } else {
                    GapReason::AllSkipped
                },
            };
            let o = match steunpilaar {
                Some(s) => match service_ok(s) {
                    Ok(()) => {
                        let (service, organisation) = ids(s);
                        Outcome::Steunpilaar {
                            service,
                            organisation,
                            fallback: true,
                        }
                    }
                    Err(t) => {
                        cgt |= t;
                        gap
                    }
                },
                None => gap,
            };
            (o, None)
        });
        out.push((outcome, rule, cgt));
    }
    out
}

/// Checks one decision: no need dropped, each ends in exactly one valid outcome, and the
/// indexed router agrees with the reference.
fn check_decision(rules: &RuleSet, case: &Case, date: NaiveDate, dec: &HouseholdDecision) {
    let dir = rules.directory();
    assert_eq!(dec.needs.len(), case.needs().len(), "no need dropped");
    for (n, cn) in dec.needs.iter().zip(case.needs()) {
        assert_eq!(n.need, cn.need);
        match &n.outcome {
            Outcome::Service { service, .. } => {
                let s = service_position(dir, service);
                let svc = &dir.services()[s];
                assert!(svc.offers(&cn.need), "{service} offers {}", cn.need);
                assert!(
                    dir.serves(service, case.kern()),
                    "{service} serves the kern"
                );
                assert!(svc.valid.contains(date), "{service} valid on {date}");
                assert!(dir
                    .eligibility_of(service)
                    .unwrap()
                    .admits(dir.vocabulary(), case.attributes())
                    .unwrap()
                    .is_none());
                assert!(!case
                    .situation()
                    .tried()
                    .iter()
                    .any(|t| &t.service == service));
            }
            Outcome::Escalation { service, .. } => {
                let s = service_position(dir, service);
                assert!(dir.serves(service, case.kern()) && dir.services()[s].valid.contains(date));
            }
            Outcome::Steunpilaar { service, .. } => {
                let s = service_position(dir, service);
                assert_eq!(rules.steunpilaar(case.kern()), Some(service));
                assert!(dir.services()[s].valid.contains(date));
            }
            Outcome::Gap { .. } => {}
        }
    }
    let expected = reference(rules, case, date);
    let got: Vec<RefDecision> = dec
        .needs
        .iter()
        .map(|n| {
            (
                n.outcome.clone(),
                n.rule.as_ref().map(|r| r.to_string()),
                n.cannot_get_through,
            )
        })
        .collect();
    assert_eq!(got, expected, "case {}", case.id());
    // the coordinator: named when two or more organisations are involved
    let mut orgs: Vec<_> = dec
        .needs
        .iter()
        .filter_map(|n| n.outcome.organisation())
        .collect();
    orgs.sort();
    orgs.dedup();
    assert_eq!(
        dec.coordinator.is_some(),
        orgs.len() >= 2,
        "case {}",
        case.id()
    );
}

#[test]
fn the_indexed_router_agrees_with_the_reference_on_the_pilot_and_generated_cases() {
    let rules = pilot::rules();
    let router = Router::new(&rules);
    let mut cases = pilot::cases();
    cases.extend(synthetic::cases(rules.directory(), 400, 17));
    for c in &cases {
        for date in [c.opened().unwrap(), d("2024-01-01"), d("2027-06-01")] {
            let dec = router.route(c, date).unwrap();
            check_decision(&rules, c, date, &dec);
        }
    }
}

#[test]
fn the_indexed_router_agrees_with_the_reference_at_national_scale() {
    let (dir, rules) = synthetic::national(1);
    let router = Router::new(&rules);
    for c in synthetic::cases(&dir, 150, 4) {
        let date = c.opened().unwrap();
        let dec = router.route_with(&c, date, RouteOptions::FAST).unwrap();
        check_decision(&rules, &c, date, &dec);
    }
}

fn policy() -> impl Strategy<Value = CapacityPolicy> {
    prop_oneof![
        Just(CapacityPolicy::Ignore),
        Just(CapacityPolicy::SkipFull),
        Just(CapacityPolicy::PreferShorterWait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Over generated directories, rule sets and cases: every need ends in exactly one of a
    /// service that covers it in that area, valid on that date, for which the case is eligible;
    /// the steunpilaar or an escalation body; or a gap — none dropped — and the indexed router
    /// agrees with the naive reference.
    #[test]
    fn every_need_ends_in_exactly_one_valid_outcome(
        municipalities in 1usize..5,
        min_kernen in 1usize..4,
        extra_kernen in 0usize..5,
        regions in 1usize..3,
        capacity in policy(),
        seed in any::<u64>(),
        case_seed in any::<u64>(),
        day in 0u64..2000,
    ) {
        let scale = Scale {
            municipalities,
            min_kernen,
            max_kernen: min_kernen + extra_kernen,
            regions,
            capacity,
        };
        let (dir, rules) = synthetic::generate(&scale, seed);
        let router = Router::new(&rules);
        let date = d("2024-06-01") + chrono::Days::new(day);
        for c in synthetic::cases(&dir, 40, case_seed) {
            let dec = router.route(&c, date).unwrap();
            check_decision(&rules, &c, date, &dec);
        }
    }
}

/// The position of a service in `Directory::services` (the reference keeps its own indexes).
fn service_position(dir: &Directory, service: &dls_core::ServiceId) -> usize {
    dir.services()
        .iter()
        .position(|s| s.id == *service)
        .unwrap()
}
