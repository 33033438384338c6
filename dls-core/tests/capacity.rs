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
