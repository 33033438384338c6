//! Need-to-know views and consent, replayed from the shared fixture
//! `tests/fixtures/views/household.json` (expectations written by hand from the pilot's
//! directory and rules; pytest and JUnit replay the same file).

use chrono::NaiveDate;
use dls_core::consent::{apply_consent, ConsentEvent, Consents};
use dls_core::events::Event;
use dls_core::routing::{Outcome, Router, Verdict};
use dls_core::views::{view, ViewError, ViewRole};
use dls_core::{pilot, Case};
use serde_json::Value;

fn fixture() -> Value {
    let text = include_str!("../../tests/fixtures/views/household.json");
    serde_json::from_str(text).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn three_need_household_seen_by_each_organisation() {
    let fx = fixture();
    let rules = pilot::rules();
    let router = Router::for_directory(&pilot::directory(), &rules).unwrap();
    let case: Case = serde_json::from_value(fx["case"].clone()).unwrap();
    let decision = router.route(&case, case.opened().unwrap()).unwrap();
    // the decision is the one the fixture's expectations assume
    let expected = fx["expected_decision"]["needs"].as_array().unwrap();
    assert_eq!(decision.needs.len(), expected.len());
    for (n, e) in decision.needs.iter().zip(expected) {
        assert_eq!(n.need.as_str(), e[0]);
        assert_eq!(n.outcome.organisation().unwrap().as_str(), e[1]);
    }
    assert_eq!(
        decision
            .coordinator
            .as_ref()
            .unwrap()
            .contact
            .organisation
            .as_str(),
        fx["expected_decision"]["coordinator"]
    );
    let mut events: Vec<Event> = serde_json::from_value(fx["events"].clone()).unwrap();
    let mut checked = 0;
    for sc in fx["scenarios"].as_array().unwrap() {
        let name = sc["name"].as_str().unwrap();
        let cev: Vec<ConsentEvent> = serde_json::from_value(sc["consent_events"].clone()).unwrap();
        let consents = Consents::of_case_with(&case, &cev).unwrap();
        let as_of: NaiveDate = sc["as_of"].as_str().unwrap().parse().unwrap();
        for (org, exp) in sc["views"].as_object().unwrap() {
            // input order of the events never matters
            events.reverse();
            let v = view(&rules, &case, &decision, &events, &consents, org, as_of).unwrap();
            let ctx = format!("{name} / {org}");
            let roles: Vec<String> = v.roles.iter().map(|r| r.as_str().to_string()).collect();
            assert_eq!(roles, strings(&exp["roles"]), "{ctx}");
            let needs: Vec<u64> = v.needs.iter().map(|n| n.position as u64).collect();
            let exp_needs: Vec<u64> = exp["needs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
            assert_eq!(needs, exp_needs, "{ctx}");
            let attrs: Vec<String> = v
                .fields()
                .iter()
                .filter_map(|f| f.strip_prefix("attribute:").map(str::to_string))
                .collect();
            assert_eq!(attrs, strings(&exp["attributes"]), "{ctx}");
            assert_eq!(
                v.events.len() as u64,
                exp["events"].as_u64().unwrap(),
                "{ctx}"
            );
            let withheld: Vec<String> = v.withheld.iter().map(|w| w.code()).collect();
            assert_eq!(withheld, strings(&exp["withheld"]), "{ctx}");
            // nothing shown and withheld at once; every event accounted for
            let withheld_events: usize = v
                .withheld
                .iter()
                .filter_map(|w| match w.item {
                    dls_core::views::WithheldItem::Events { count } => Some(count),
                    _ => None,
                })
                .sum();
            assert_eq!(v.events.len() + withheld_events, events.len(), "{ctx}");
            // a withheld need's code appears nowhere in the view
            for (i, n) in decision.needs.iter().enumerate() {
                if !v.needs.iter().any(|x| x.position == i) {
                    let json = serde_json::to_string(&v).unwrap();
                    assert!(!json.contains(n.need.as_str()), "{ctx}: {}", n.need);
                }
            }
            checked += 1;
        }
        for (org, kind) in sc["errors"].as_object().unwrap() {
            let e = view(&rules, &case, &decision, &events, &consents, org, as_of).unwrap_err();
            match kind.as_str().unwrap() {
                "not_involved" => assert!(matches!(e, ViewError::NotInvolved { .. }), "{e}"),
                "unknown_organisation" => {
                    assert!(matches!(e, ViewError::UnknownOrganisation { .. }), "{e}")
                }
                k => panic!("unknown expected error {k}"),
            }
        }
    }
    assert_eq!(checked, 12);
}

#[test]
fn coordinator_sees_the_plan_and_the_front_door_what_it_needs() {
    let fx = fixture();
    let rules = pilot::rules();
    let router = Router::for_directory(&pilot::directory(), &rules).unwrap();
    let case: Case = serde_json::from_value(fx["case"].clone()).unwrap();
    let decision = router.route(&case, case.opened().unwrap()).unwrap();
    let events: Vec<Event> = serde_json::from_value(fx["events"].clone()).unwrap();
    let consents = Consents::of_case(&case);
    let date = case.opened().unwrap();
    let c = view(
        &rules,
        &case,
        &decision,
        &events,
        &consents,
        "swt-haarlemmermeer",
        date,
    )
    .unwrap();
    assert!(c.has_role(ViewRole::Coordinator));
    for (n, d) in c.needs.iter().zip(&decision.needs) {
        assert_eq!(n.outcome, d.outcome);
    }
    assert_eq!(c.first_contact, decision.plan.first_contact);
    let s = view(
        &rules,
        &case,
        &decision,
        &events,
        &consents,
        "uw-lokale-steunpilaar",
        date,
    )
    .unwrap();
    assert_eq!(s.attributes.urgency, Some(case.attributes().urgency));
    assert_eq!(s.attributes.age, None);
    // events of the front door: case-level only
    assert!(s
        .events
        .iter()
        .all(|e| e.organisation.is_none() && e.need.is_none()));
    // an event of another case is refused, by position
    let mut bad = events.clone();
    bad[3].case = "other-case".parse().unwrap();
    let e = view(
        &rules,
        &case,
        &decision,
        &bad,
        &consents,
        "schuldhulp-meer",
        date,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "event 3 belongs to case `other-case`, not to case `hh-views-1`"
    );
    // an unknown organisation: typed error, the name truncated and in backticks
    let e = view(&rules, &case, &decision, &events, &consents, "nope", date).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown organisation `nope` (not in the directory)"
    );
}

#[test]
fn routing_with_consent_keeps_needs_away_from_organisations_not_consented() {
    let fx = fixture();
    let rules = pilot::rules();
    let router = Router::for_directory(&pilot::directory(), &rules).unwrap();
    let case: Case = serde_json::from_value(fx["case"].clone()).unwrap();
    let date = case.opened().unwrap();
    let opts = dls_core::routing::RouteOptions { trace: true };
    let decision = router.route_with(&case, date, opts).unwrap();
    // consent to share the debt need and with the mental-health organisation, not the rest
    let cev: Vec<ConsentEvent> = serde_json::from_value(serde_json::json!([
        {"case": "hh-views-1", "date": "2026-03-01", "action": "given", "scope": "need", "need": "sociale_zaken.schulden"},
        {"case": "hh-views-1", "date": "2026-03-01", "action": "given", "scope": "organisation", "organisation": "huisartsen-hlmmr"}
    ]))
    .unwrap();
    let consents = Consents::of_case_with(&case, &cev).unwrap();
    let d = apply_consent(&decision, &consents, &rules);
    assert_eq!(d.needs[0].outcome, decision.needs[0].outcome);
    assert_eq!(d.needs[1].outcome, decision.needs[1].outcome);
    // loneliness: welzijn-meerwaarde not consented -> the kern's steunpilaar, reason in the trace
    match &d.needs[2].outcome {
        Outcome::Steunpilaar { service, .. } => assert_eq!(service.as_str(), "slp-hoofddorp"),
        o => panic!("{o:?}"),
    }
    let t = d.needs[2].trace.as_ref().unwrap();
    assert!(t.candidates.iter().any(|c| matches!(&c.verdict,
        Verdict::NoConsent { organisation } if organisation.as_str() == "welzijn-meerwaarde")));
    assert!(d
        .explain()
        .contains("no consent to share with `welzijn-meerwaarde`"));
    // the joint plan follows
    assert!(d
        .plan
        .parts
        .iter()
        .all(|p| p.organisation.as_str() != "welzijn-meerwaarde"));
    // withdrawing later moves the need again on a later routing date
    let mut later = decision.clone();
    later.date = "2026-04-01".parse().unwrap();
    let mut withdrawn = consents.clone();
    withdrawn
        .record(&[serde_json::from_value(serde_json::json!(
            {"case": "hh-views-1", "date": "2026-03-20", "action": "withdrawn", "scope": "organisation", "organisation": "huisartsen-hlmmr"}
        ))
        .unwrap()])
        .unwrap();
    let d2 = apply_consent(&later, &withdrawn, &rules);
    assert!(matches!(d2.needs[1].outcome, Outcome::Steunpilaar { .. }));
    assert_eq!(d2.needs[0].outcome, decision.needs[0].outcome);
    // with blanket consent nothing changes
    let mut all = case.data().clone();
    all.consent.share_with_organisations = true;
    let all = Case::new(all).unwrap();
    assert_eq!(
        apply_consent(&decision, &Consents::of_case(&all), &rules),
        decision
    );
}

#[test]
fn evaluation_counts_consent_withdrawals() {
    let fx = fixture();
    let mut events: Vec<Event> = serde_json::from_value(fx["events"].clone()).unwrap();
    for at in ["2026-03-20T08:00:00Z", "2026-03-27T08:00:00Z"] {
        events.push(Event {
            case: "hh-views-1".parse().unwrap(),
            at: at.parse().unwrap(),
            activity: dls_core::Activity::ConsentWithdrawn,
            organisation: None,
            service: None,
            kern: None,
            need: None,
            reason: None,
        });
    }
    // a second case without withdrawals
    let mut other = events[0].clone();
    other.case = "hh-views-2".parse().unwrap();
    events.push(other);
    events.reverse();
    let ingested = dls_core::evaluation::ingest_events(&events);
    assert!(ingested.rejected.is_empty());
    let eval = dls_core::evaluation::evaluate(&ingested.log, &Default::default());
    let naive = |case: &str| {
        events
            .iter()
            .filter(|e| e.case.as_str() == case && e.activity.as_str() == "consent_withdrawn")
            .count() as u32
    };
    for m in &eval.per_case {
        assert_eq!(m.consent_withdrawals, naive(m.case.as_str()), "{}", m.case);
    }
    assert_eq!(eval.per_case.len(), 2);
    let m = eval
        .per_case
        .iter()
        .find(|m| m.case.as_str() == "hh-views-1")
        .unwrap();
    assert_eq!(m.consent_withdrawals, 2);
    // the withdrawal changes none of the other metrics
    let without: Vec<Event> = events
        .iter()
        .filter(|e| e.activity.as_str() != "consent_withdrawn")
        .cloned()
        .collect();
    let eval2 = dls_core::evaluation::evaluate(
        &dls_core::evaluation::ingest_events(&without).log,
        &Default::default(),
    );
    let m2 = eval2
        .per_case
        .iter()
        .find(|m| m.case.as_str() == "hh-views-1")
        .unwrap();
    assert_eq!(m2.consent_withdrawals, 0);
    assert_eq!(
        (m.handoffs, m.first_contact_micros, m.resolved),
        (m2.handoffs, m2.first_contact_micros, m2.resolved)
    );
}
