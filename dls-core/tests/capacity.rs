//! The live capacity ledger (issue 14): routing against it takes a place per need sent to a
//! service with known places, skips a full service with its waiting time in the trace, never
//! overbooks when threads route at once, and keeps its figures as data.

use std::sync::Arc;

use chrono::NaiveDate;
use dls_core::ids::ServiceId;
use dls_core::routing::{
    CapacityEntry, CapacityError, CapacityLedger, RouteOptions, Router, RoutingError, Verdict,
};
use dls_core::{Case, Directory, Format, RuleSet};

const DIRECTORY: &str = r#"
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
code = "zorg.hulp"
label = "Hulp"

[[need]]
code = "zorg.vervoer"
label = "Vervoer"

[[organisation]]
id = "org-a"
name = "A"
kind = "welfare"

[[organisation]]
id = "org-b"
name = "B"
kind = "welfare"

[[service]]
id = "klein"
organisation = "org-a"
name = "Klein, vijf plaatsen"
needs = ["zorg.hulp"]
areas = ["GM0001"]
capacity = { open_places = 5, waiting_weeks = 7 }

[[service]]
id = "groot"
organisation = "org-b"
name = "Groot, plaats genoeg"
needs = ["zorg.*"]
areas = ["GM0001"]
"#;

fn rules(policy: &str) -> String {
    format!(
        r#"
capacity = "{policy}"

[[rule]]
id = "eerst-klein"
needs = ["zorg.hulp"]
area = "GM0001"
target = "service:klein"
priority = 10

[[rule]]
id = "dan-groot"
needs = ["zorg.*"]
area = "GM0001"
target = "service:groot"
priority = 5
"#
    )
}

fn router(policy: &str) -> Router {
    let dir = Directory::from_str(DIRECTORY, Format::Toml, "directory.toml").unwrap();
    Router::new(&RuleSet::from_str(&dir, &rules(policy), Format::Toml, "rules.toml").unwrap())
}

fn case(id: usize, needs: &[&str]) -> Case {
    let needs: Vec<_> = needs
        .iter()
        .enumerate()
        .map(|(i, n)| serde_json::json!({"need": n, "primary": i == 0}))
        .collect();
    serde_json::from_value(
        serde_json::json!({"id": format!("c-{id}"), "kern": "dorp", "needs": needs}),
    )
    .unwrap()
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn sid(s: &str) -> ServiceId {
    s.parse().unwrap()
}

fn service_of(r: &Router, l: &CapacityLedger, c: &Case, options: RouteOptions) -> String {
    let d = r.route_reserving(c, date(), options, l).unwrap();
    d.primary().outcome.service().unwrap().to_string()
}

#[test]
fn ten_cases_for_five_places_send_the_sixth_down_the_ladder() {
    let r = router("skip_full");
    let l = CapacityLedger::new(&r);
    let got: Vec<String> = (0..10)
        .map(|i| service_of(&r, &l, &case(i, &["zorg.hulp"]), RouteOptions::FAST))
        .collect();
    assert_eq!(got[..5], ["klein"; 5]);
    assert_eq!(got[5..], ["groot"; 5]);
    assert_eq!(l.get(&sid("klein")).unwrap().open_places, Some(0));
    // the trace of the next case says why, with the waiting time
    let d = r
        .route_reserving(&case(10, &["zorg.hulp"]), date(), RouteOptions::TRACE, &l)
        .unwrap();
    let trace = d.needs[0].trace.as_ref().unwrap();
    let klein = trace
        .candidates
        .iter()
        .find(|c| c.rule.as_str() == "eerst-klein")
        .unwrap();
    assert_eq!(
        klein.verdict,
        Verdict::Full {
            service: sid("klein"),
            waiting_weeks: Some(7)
        }
    );
    assert!(
        d.explain().contains("waiting list 7 weeks"),
        "{}",
        d.explain()
    );
    // routing without the ledger still sees the directory's snapshot (5 open places)
    let plain = r
        .route_with(&case(11, &["zorg.hulp"]), date(), RouteOptions::FAST)
        .unwrap();
    assert_eq!(plain.primary().outcome.service().unwrap().as_str(), "klein");
}

#[test]
fn a_place_given_back_or_counted_by_the_provider_is_used_again() {
    let r = router("skip_full");
    let l = CapacityLedger::new(&r);
    for i in 0..5 {
        service_of(&r, &l, &case(i, &["zorg.hulp"]), RouteOptions::FAST);
    }
    assert_eq!(
        service_of(&r, &l, &case(5, &["zorg.hulp"]), RouteOptions::FAST),
        "groot"
    );
    l.release(&sid("klein")).unwrap();
    assert_eq!(
        service_of(&r, &l, &case(6, &["zorg.hulp"]), RouteOptions::FAST),
        "klein"
    );
    assert_eq!(
        service_of(&r, &l, &case(7, &["zorg.hulp"]), RouteOptions::FAST),
        "groot"
    );
    l.set(&sid("klein"), Some(2), Some(3)).unwrap();
    assert_eq!(
        service_of(&r, &l, &case(8, &["zorg.hulp"]), RouteOptions::FAST),
        "klein"
    );
    assert_eq!(
        l.get(&sid("klein")).unwrap(),
        CapacityEntry {
            service: sid("klein"),
            open_places: Some(1),
            waiting_weeks: Some(3)
        }
    );
    // a service whose places are not known never fills, and release leaves it unknown
    l.release(&sid("groot")).unwrap();
    assert_eq!(l.get(&sid("groot")).unwrap().open_places, None);
}

#[test]
fn two_threads_routing_at_once_never_overbook() {
    let r = router("skip_full");
    let l = Arc::new(CapacityLedger::new(&r));
    l.set(&sid("klein"), Some(500), None).unwrap();
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|t| {
                let (r, l) = (r.clone(), l.clone());
                scope.spawn(move || {
                    (0..1000)
                        .filter(|i| {
                            let c = case(t * 1000 + i, &["zorg.hulp"]);
                            service_of(&r, &l, &c, RouteOptions::FAST) == "klein"
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(counts.iter().sum::<usize>(), 500, "per thread: {counts:?}");
    assert_eq!(l.get(&sid("klein")).unwrap().open_places, Some(0));
}

#[test]
fn a_household_takes_a_place_per_need_and_none_when_routing_fails() {
    let r = router("skip_full");
    let l = CapacityLedger::new(&r);
    // two needs: hulp takes a place at klein; vervoer goes to groot (unknown places)
    let d = r
        .route_reserving(
            &case(0, &["zorg.hulp", "zorg.vervoer"]),
            date(),
            RouteOptions::FAST,
            &l,
        )
        .unwrap();
    assert_eq!(d.needs.len(), 2);
    assert_eq!(l.get(&sid("klein")).unwrap().open_places, Some(4));
    // a case with an unknown need after a need that took a place: the error, and the place back
    let bad = case(1, &["zorg.hulp", "zorg.onbekend"]);
    let e = r
        .route_reserving(&bad, date(), RouteOptions::FAST, &l)
        .unwrap_err();
    assert!(matches!(e, RoutingError::UnknownNeed { .. }), "{e}");
    assert_eq!(l.get(&sid("klein")).unwrap().open_places, Some(4));
}

#[test]
fn capacity_that_does_not_count_leaves_the_ledger_alone() {
    let r = router("ignore");
    let l = CapacityLedger::new(&r);
    for i in 0..10 {
        assert_eq!(
            service_of(&r, &l, &case(i, &["zorg.hulp"]), RouteOptions::FAST),
            "klein"
        );
    }
    assert_eq!(l.get(&sid("klein")).unwrap().open_places, Some(5));
}

#[test]
fn the_ledger_is_data_and_refuses_what_it_cannot_keep() {
    let r = router("skip_full");
    let l = CapacityLedger::new(&r);
    service_of(&r, &l, &case(0, &["zorg.hulp"]), RouteOptions::FAST);
    let snap = l.snapshot();
    assert_eq!(
        snap,
        [CapacityEntry {
            service: sid("klein"),
            open_places: Some(4),
            waiting_weeks: Some(7)
        }]
    );
    let json = serde_json::to_string(&snap).unwrap();
    let fresh = CapacityLedger::new(&r);
    fresh
        .restore(&serde_json::from_str::<Vec<CapacityEntry>>(&json).unwrap())
        .unwrap();
    assert_eq!(fresh.snapshot(), snap);
    // an unknown service is a typed error, and a failed restore changes nothing
    let unknown = CapacityEntry {
        service: sid("nergens"),
        open_places: Some(1),
        waiting_weeks: None,
    };
    let good = CapacityEntry {
        service: sid("klein"),
        open_places: Some(1),
        waiting_weeks: None,
    };
    let e = fresh.restore(&[good, unknown]).unwrap_err();
    assert_eq!(
        e,
        CapacityError::UnknownService {
            service: sid("nergens")
        }
    );
    assert_eq!(e.to_string(), "unknown service `nergens`");
    assert_eq!(fresh.snapshot(), snap);
    assert!(matches!(
        l.set(&sid("klein"), Some(u32::MAX), None),
        Err(CapacityError::TooLarge {
            field: "open_places",
            ..
        })
    ));
    assert!(matches!(
        l.release(&sid("nergens")),
        Err(CapacityError::UnknownService { .. })
    ));
    // a ledger belongs to the router it was made for (and its clones)
    let other = router("skip_full");
    let e = other
        .route_reserving(&case(9, &["zorg.hulp"]), date(), RouteOptions::FAST, &l)
        .unwrap_err();
    assert_eq!(e, RoutingError::OtherLedger);
    assert!(r
        .clone()
        .route_reserving(&case(9, &["zorg.hulp"]), date(), RouteOptions::FAST, &l)
        .is_ok());
}

/// The case id → primary service of a batch's decisions.
fn services(
    out: &[Result<dls_core::routing::HouseholdDecision, RoutingError>],
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = out
        .iter()
        .map(|d| {
            let d = d.as_ref().unwrap();
            (
                d.case.to_string(),
                d.primary().outcome.service().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_batch_of_ten_for_five_places_sends_the_sixth_down_the_ladder_whatever_the_order() {
    let r = router("skip_full");
    // First come, first served by date then case id: c-0 … c-4 get klein's five places.
    let expected: Vec<(String, String)> = (0..10)
        .map(|i| {
            let s = if i < 5 { "klein" } else { "groot" };
            (format!("c-{i}"), s.to_string())
        })
        .collect();
    let cases: Vec<Case> = (0..10).map(|i| case(i, &["zorg.hulp"])).collect();
    let mut shuffled = cases.clone();
    shuffled.reverse();
    shuffled.rotate_left(3);
    for input in [&cases, &shuffled] {
        let l = CapacityLedger::new(&r);
        let out = r.route_batch_reserving(input, Some(date()), RouteOptions::FAST, &l);
        // one result per case, in the case's place
        for (c, d) in input.iter().zip(&out) {
            assert_eq!(&d.as_ref().unwrap().case, c.id());
        }
        assert_eq!(services(&out), expected);
        assert_eq!(l.get(&sid("klein")).unwrap().open_places, Some(0));
    }
    // the same through rows (what the Python table and JVM batch calls use)
    let l = CapacityLedger::new(&r);
    let ids: Vec<String> = (0..10).rev().map(|i| format!("c-{i}")).collect();
    let rows: Vec<dls_core::rows::CaseRow<'_>> = ids
        .iter()
        .map(|id| dls_core::rows::CaseRow {
            id,
            kern: "dorp",
            needs: vec!["zorg.hulp"],
            ..Default::default()
        })
        .collect();
    let out: Vec<_> = r
        .route_rows_reserving(&rows, Some(date()), RouteOptions::FAST, &l)
        .into_iter()
        .map(|d| d.map_err(|_| RoutingError::OtherLedger))
        .collect();
    assert_eq!(services(&out), expected);
    // a ledger of another router: an error in every place, and no place taken
    let other = CapacityLedger::new(&router("skip_full"));
    let out = r.route_batch_reserving(&cases, Some(date()), RouteOptions::FAST, &other);
    assert!(out
        .iter()
        .all(|d| matches!(d, Err(RoutingError::OtherLedger))));
    assert_eq!(other.get(&sid("klein")).unwrap().open_places, Some(5));
}

#[test]
fn two_threads_routing_batches_at_once_never_overbook() {
    let r = router("skip_full");
    let l = Arc::new(CapacityLedger::new(&r));
    l.set(&sid("klein"), Some(500), None).unwrap();
    let counts: Vec<usize> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|t| {
                let (r, l) = (r.clone(), l.clone());
                scope.spawn(move || {
                    let cases: Vec<Case> = (0..1000)
                        .map(|i| case(t * 1000 + i, &["zorg.hulp"]))
                        .collect();
                    r.route_batch_reserving(&cases, Some(date()), RouteOptions::FAST, &l)
                        .iter()
                        .filter(|d| {
                            d.as_ref()
                                .unwrap()
                                .primary()
                                .outcome
                                .service()
                                .unwrap()
                                .as_str()
                                == "klein"
                        })
                        .count()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(counts.iter().sum::<usize>(), 500, "per thread: {counts:?}");
    assert_eq!(l.get(&sid("klein")).unwrap().open_places, Some(0));
}

#[test]
fn a_reroute_keeps_the_places_the_case_holds_and_gives_back_the_one_turned_down() {
    use dls_core::cases::TryOutcome;
    use dls_core::events::{Activity, Event};
    let r = router("skip_full");
    let l = CapacityLedger::new(&r);
    l.set(&sid("groot"), Some(3), None).unwrap();
    let a = case(0, &["zorg.hulp", "zorg.vervoer"]);
    let first = r
        .route_reserving(&a, date(), RouteOptions::FAST, &l)
        .unwrap();
    let of = |d: &dls_core::routing::HouseholdDecision| -> Vec<Option<String>> {
        d.needs
            .iter()
            .map(|n| n.outcome.service().map(|s| s.to_string()))
            .collect()
    };
    assert_eq!(of(&first), [Some("klein".into()), Some("groot".into())]);
    // four other cases fill klein
    for i in 1..5 {
        service_of(&r, &l, &case(i, &["zorg.hulp"]), RouteOptions::FAST);
    }
    let open = |s: &str| l.get(&sid(s)).unwrap().open_places.unwrap();
    assert_eq!((open("klein"), open("groot")), (0, 2));
    // groot turns the case down: hulp keeps its place at the full klein (it holds it), vervoer
    // has nowhere else to go (a gap), and groot's place goes back
    let rejected = Event {
        case: a.id().clone(),
        at: chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
        activity: Activity::Rejected,
        organisation: None,
        service: Some(sid("groot")),
        kern: None,
        need: None,
        reason: None,
    };
    let next = r
        .reroute_reserving(&a, &first, &rejected, RouteOptions::FAST, &l)
        .unwrap();
    assert_eq!(of(&next), [Some("klein".into()), None]);
    assert_eq!((open("klein"), open("groot")), (0, 3));
    // the same without a ledger would have sent hulp elsewhere only if klein were full in the
    // snapshot; with the ledger but holding nothing, klein is full and hulp goes to groot
    let fresh = r
        .route_reserving(&case(9, &["zorg.hulp"]), date(), RouteOptions::FAST, &l)
        .unwrap();
    assert_eq!(of(&fresh), [Some("groot".into())]);
    assert_eq!(open("groot"), 2);
    // another household on a fresh ledger: klein turns it down (reroute_after): hulp moves to
    // groot, using the place vervoer held there; vervoer takes another; klein's goes back
    let l2 = CapacityLedger::new(&r);
    l2.set(&sid("groot"), Some(3), None).unwrap();
    let b = case(20, &["zorg.hulp", "zorg.vervoer"]);
    let first_b = r
        .route_reserving(&b, date(), RouteOptions::FAST, &l2)
        .unwrap();
    let again = r
        .reroute_after_reserving(
            &b,
            &first_b,
            &sid("klein"),
            TryOutcome::Rejected,
            RouteOptions::FAST,
            &l2,
        )
        .unwrap();
    assert_eq!(of(&again), [Some("groot".into()), Some("groot".into())]);
    let open2 = |s: &str| l2.get(&sid(s)).unwrap().open_places.unwrap();
    assert_eq!((open2("klein"), open2("groot")), (5, 1));
    // an error changes nothing: an event of another case, a ledger of another router
    let mut other_case = rejected.clone();
    other_case.case = "c-77".parse().unwrap();
    assert!(r
        .reroute_reserving(&a, &first, &other_case, RouteOptions::FAST, &l)
        .is_err());
    let foreign = CapacityLedger::new(&router("skip_full"));
    assert!(matches!(
        r.reroute_reserving(&a, &first, &rejected, RouteOptions::FAST, &foreign),
        Err(RoutingError::OtherLedger)
    ));
    assert_eq!((open("klein"), open("groot")), (0, 2));
}
