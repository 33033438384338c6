//! FHIR R4 export and import of a household (issue 14): the pilot's multi-need household,
//! its Bundle's shape and references, the round trip through a history Bundle back to the same
//! referral events, and typed errors for bad input.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use dls_core::events::{Activity, Event};
use dls_core::exchange::fhir::{self, FhirError};
use dls_core::routing::{HouseholdDecision, Router};
use dls_core::{pilot, CaseId};
use serde_json::Value;

fn decision() -> HouseholdDecision {
    let router = Router::new(&pilot::rules());
    let case = pilot::cases()
        .into_iter()
        .find(|c| c.id().as_str() == "hlmr-2026-0001")
        .unwrap();
    router.route(&case, case.opened().unwrap()).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A timeline for the household: each routed need referred; one rejected with a reason and
/// re-referred, one without answer, one accepted then sent back, the primary accepted and
/// resolved; plus the case's own events (which are not referrals).
fn events(d: &HouseholdDecision) -> Vec<Event> {
    let case: CaseId = d.case.clone();
    let ev = |t: &str, a: Activity, org: Option<&str>, svc: Option<&str>| Event {
        case: case.clone(),
        at: at(t),
        activity: a,
        organisation: org.map(|o| o.parse().unwrap()),
        service: svc.map(|s| s.parse().unwrap()),
        kern: None,
        need: None,
        reason: None,
    };
    // The routed needs' services, each once.
    let mut routed: Vec<(String, String)> = Vec::new();
    for n in &d.needs {
        if let (Some(o), Some(s)) = (n.outcome.organisation(), n.outcome.service()) {
            if !routed.iter().any(|(_, x)| x == s.as_str()) {
                routed.push((o.to_string(), s.to_string()));
            }
        }
    }
    assert!(
        routed.len() >= 3,
        "the household has three routed needs or more"
    );
    let (o0, s0) = (&routed[0].0, &routed[0].1);
    let (o1, s1) = (&routed[1].0, &routed[1].1);
    let (o2, s2) = (&routed[2].0, &routed[2].1);
    let mut v = vec![
        ev("2026-03-02T10:00:00Z", Activity::Opened, None, None),
        ev(
            "2026-03-03T09:00:00Z",
            Activity::Referred,
            Some(o0),
            Some(s0),
        ),
        ev(
            "2026-03-03T09:05:00Z",
            Activity::Referred,
            Some(o1),
            Some(s1),
        ),
        ev(
            "2026-03-03T09:10:00Z",
            Activity::Referred,
            Some(o2),
            Some(s2),
        ),
    ];
    let mut rejected = ev(
        "2026-03-05T12:00:00Z",
        Activity::Rejected,
        Some(o1),
        Some(s1),
    );
    rejected.reason = Some(dls_core::events::RejectionReason::Full);
    v.push(rejected);
    v.push(ev(
        "2026-03-06T08:00:00Z",
        Activity::Referred,
        Some(o1),
        Some(s1),
    ));
    let mut accepted = ev(
        "2026-03-06T09:00:00Z",
        Activity::Accepted,
        Some(o0),
        Some(s0),
    );
    accepted.need = Some(d.needs[0].need.clone());
    v.push(accepted);
    v.push(ev(
        "2026-03-10T09:00:00Z",
        Activity::NoResponse,
        Some(o2),
        Some(s2),
    ));
    v.push(ev(
        "2026-03-11T09:00:00Z",
        Activity::Accepted,
        Some(o1),
        Some(s1),
    ));
    v.push(ev(
        "2026-03-20T09:00:00Z",
        Activity::Bounced,
        Some(o1),
        Some(s1),
    ));
    v.push(ev(
        "2026-04-20T09:00:00Z",
        Activity::Resolved,
        Some(o0),
        Some(s0),
    ));
    v.push(ev("2026-04-21T09:00:00Z", Activity::Closed, None, None));
    v
}

/// The resources of a Bundle by fullUrl.
fn by_url(b: &Value) -> std::collections::HashMap<String, Value> {
    b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["fullUrl"].as_str().unwrap().to_owned(),
                e["resource"].clone(),
            )
        })
        .collect()
}

/// Every `reference` anywhere in `v`.
fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "reference" {
                    out.push(x.as_str().unwrap().to_owned());
                } else {
                    references(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| references(x, out)),
        _ => {}
    }
}

fn of_type<'a>(b: &'a Value, t: &str) -> Vec<&'a Value> {
    b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == t)
        .collect()
}

#[test]
fn the_multi_need_household_exports_one_service_request_per_routed_need_and_one_task_per_referral()
{
    let d = decision();
    let evs = events(&d);
    let b = serde_json::to_value(fhir::bundle(&d, &pilot::directory(), Some(&evs))).unwrap();
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    let routed = d
        .needs
        .iter()
        .filter(|n| n.outcome.service().is_some())
        .count();
    assert_eq!(of_type(&b, "ServiceRequest").len(), routed);
    // Referrals: three first ones and the re-referral after the rejection.
    let tasks = of_type(&b, "Task");
    let statuses: Vec<&str> = tasks
        .iter()
        .map(|t| t["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["completed", "rejected", "failed", "cancelled"]);
    let business: Vec<&str> = tasks
        .iter()
        .map(|t| t["businessStatus"]["coding"][0]["code"].as_str().unwrap())
        .collect();
    assert_eq!(business, ["resolved", "rejected", "no_response", "bounced"]);
    assert_eq!(tasks[1]["statusReason"]["coding"][0]["code"], "full");
    assert_eq!(tasks[0]["authoredOn"], "2026-03-03T09:00:00Z");
    assert_eq!(tasks[0]["lastModified"], "2026-04-20T09:00:00Z");
    // Every reference resolves inside the Bundle, to the type its field needs.
    let urls = by_url(&b);
    let mut refs = Vec::new();
    references(&b, &mut refs);
    assert!(refs.len() > 20);
    for r in &refs {
        assert!(urls.contains_key(r), "unresolved reference");
    }
    let kind = |r: &Value| urls[r["reference"].as_str().unwrap()]["resourceType"].clone();
    for t in &tasks {
        assert_eq!(kind(&t["focus"]), "ServiceRequest");
        assert_eq!(kind(&t["for"]), "Group");
        assert_eq!(kind(&t["owner"]), "Organization");
        assert_eq!(t["intent"], "order");
    }
    // The task's focus is the need whose service it was referred to.
    for t in &tasks {
        let sr = &urls[t["focus"]["reference"].as_str().unwrap()];
        let svc = t["input"][0]["valueString"].as_str().unwrap();
        let need = sr["code"]["coding"][0]["code"].as_str().unwrap();
        assert_eq!(
            d.need(need).unwrap().outcome.service().unwrap().as_str(),
            svc
        );
        let owner = &urls[t["owner"]["reference"].as_str().unwrap()];
        let performer = &urls[sr["performer"][0]["reference"].as_str().unwrap()];
        assert_eq!(owner, performer);
    }
    // The primary need's referral completed: its ServiceRequest too.
    let primary = &urls[tasks[0]["focus"]["reference"].as_str().unwrap()];
    assert_eq!(primary["status"], "completed");
    assert_eq!(
        primary["code"]["coding"][0]["code"],
        d.needs[0].need.as_str()
    );
    // iWmo product category and product code travel with the need.
    let begeleiding = of_type(&b, "ServiceRequest")
        .into_iter()
        .find(|r| r["code"]["coding"][0]["code"] == "zorg.wmo.begeleiding")
        .unwrap();
    let codes: Vec<(&str, &str)> = begeleiding["code"]["coding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let system = c["system"].as_str().unwrap();
            (
                system.rsplit('/').next().unwrap(),
                c["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("need", "zorg.wmo.begeleiding"),
            ("iwmo-productcategorie", "02"),
            ("iwmo-productcode", "02A03")
        ]
    );
    // The coordinator leads the care team.
    let team = of_type(&b, "CareTeam");
    assert_eq!(team.len(), 1);
    let lead = &urls[team[0]["participant"][0]["member"]["reference"]
        .as_str()
        .unwrap()];
    let coordinator = d.coordinator.as_ref().unwrap();
    assert_eq!(
        lead["identifier"][0]["value"],
        coordinator.contact.organisation.as_str()
    );
    assert_eq!(
        team[0]["participant"][0]["role"][0]["coding"][0]["code"],
        "regisseur"
    );
    // The household only by its pseudonymous id.
    let group = of_type(&b, "Group");
    assert_eq!(group.len(), 1);
    assert_eq!(group[0]["identifier"][0]["value"], "hlmr-2026-0001");
    assert_eq!(
        group[0]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        BTreeSet::from(["actual", "id", "identifier", "resourceType", "type"])
    );
    // The same input, the same document.
    let again = serde_json::to_value(fhir::bundle(&d, &pilot::directory(), Some(&evs))).unwrap();
    assert_eq!(b, again);
}

#[test]
fn without_events_each_service_has_a_requested_task() {
    let d = decision();
    let b = serde_json::to_value(fhir::bundle(&d, &pilot::directory(), None)).unwrap();
    let tasks = of_type(&b, "Task");
    let services: BTreeSet<&str> = d
        .needs
        .iter()
        .filter_map(|n| n.outcome.service().map(|s| s.as_str()))
        .collect();
    assert_eq!(tasks.len(), services.len());
    assert!(services.len() < d.needs.len(), "two needs share a service");
    assert!(tasks.iter().all(|t| t["status"] == "requested"));
}

/// The referral events of a timeline, as dls orders them.
fn referral_events(evs: &[Event]) -> Vec<Event> {
    let mut with_opening = evs.to_vec();
    let opened = evs.iter().any(|e| e.activity == Activity::Opened);
    with_opening.extend((!opened).then(|| Event {
        case: evs[0].case.clone(),
        at: at("2000-01-01T00:00:00Z"),
        activity: Activity::Opened,
        organisation: None,
        service: None,
        kern: None,
        need: None,
        reason: None,
    }));
    let ingested = dls_core::evaluation::ingest_events(&with_opening);
    assert_eq!(ingested.rows_used, ingested.rows_read);
    let ordered = ingested.log.events();
    ordered
        .into_iter()
        .filter(|e| dls_core::lifecycle::status_of(e.activity).is_some())
        .collect()
}

#[test]
fn a_history_bundle_imports_back_to_the_same_referral_events() {
    let d = decision();
    let evs = events(&d);
    let h = fhir::history(&d, &pilot::directory(), Some(&evs));
    let json = serde_json::to_string(&h).unwrap();
    let imported = fhir::import(&json).unwrap();
    assert_eq!(imported.skipped, vec![]);
    let got = referral_events(&imported.events);
    let want = referral_events(&evs);
    assert_eq!(got.len(), 10);
    assert_eq!(got, want);
    // A collection Bundle (each Task as it is now) gives each referral's start and its status
    // now: the steps in between are in the history only.
    let b = fhir::bundle(&d, &pilot::directory(), Some(&evs));
    let now = fhir::import(&b.to_json()).unwrap();
    let acts: Vec<&str> = referral_events(&now.events)
        .iter()
        .map(|e| e.activity.as_str())
        .collect();
    assert_eq!(
        acts,
        [
            "referred",
            "referred",
            "referred",
            "rejected",
            "referred",
            "no_response",
            "bounced",
            "resolved"
        ]
    );
}

#[test]
fn a_partners_task_history_feeds_evaluation() {
    // A partner moves a Task through statuses dls has no event for, and completes it.
    let d = decision();
    let mut h: Value = serde_json::to_value(fhir::history(&d, &pilot::directory(), None)).unwrap();
    let entries = h["entry"].as_array_mut().unwrap();
    let first_task = entries
        .iter()
        .position(|e| e["resource"]["resourceType"] == "Task")
        .unwrap();
    let mut versions = Vec::new();
    for (i, (status, t)) in [
        ("received", "2026-03-04T10:00:00Z"),
        ("accepted", "2026-03-05T10:00:00Z"),
        ("in-progress", "2026-03-06T10:00:00Z"),
        ("completed", "2026-03-20T10:00:00Z"),
    ]
    .iter()
    .enumerate()
    {
        let mut e = entries[first_task].clone();
        let r = e["resource"].as_object_mut().unwrap();
        r.insert("status".into(), (*status).into());
        r.remove("businessStatus");
        r.insert("lastModified".into(), (*t).into());
        r.insert(
            "meta".into(),
            serde_json::json!({"versionId": (i + 2).to_string(), "lastUpdated": t}),
        );
        versions.push(e);
    }
    entries.extend(versions);
    let imported = fhir::import(&h.to_string()).unwrap();
    let acts: Vec<&str> = imported
        .events
        .iter()
        .filter(|e| {
            e.organisation.as_ref().map(|o| o.as_str())
                == d.needs[0].outcome.organisation().map(|o| o.as_str())
        })
        .map(|e| e.activity.as_str())
        .collect();
    assert_eq!(acts, ["referred", "accepted", "resolved"]);
    let skipped: Vec<&str> = imported.skipped.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(skipped, ["received", "in-progress"]);
    let mut log = vec![Event {
        case: d.case.clone(),
        at: at("2026-03-02T00:00:00Z"),
        activity: Activity::Opened,
        organisation: None,
        service: None,
        kern: None,
        need: None,
        reason: None,
    }];
    log.extend(imported.events);
    let ingested = dls_core::evaluation::ingest_events(&log);
    assert_eq!(ingested.anomalies, vec![]);
    let ev = dls_core::evaluation::evaluate(&ingested.log, &Default::default());
    assert_eq!(
        ev.per_case[0].right_place_micros,
        Some((3 * 86_400 + 10 * 3600) * 1_000_000)
    );
}

fn err(json: &str) -> FhirError {
    fhir::import(json).unwrap_err()
}

#[test]
fn bad_input_is_a_typed_error_naming_resource_and_field() {
    let d = decision();
    let b = serde_json::to_value(fhir::bundle(&d, &pilot::directory(), None)).unwrap();
    let task_at = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["resource"]["resourceType"] == "Task")
        .unwrap();
    let id = b["entry"][task_at]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let with = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut x = b.clone();
        f(x["entry"][task_at]["resource"].as_object_mut().unwrap());
        x.to_string()
    };
    let e = err(&with(&|t| {
        t.remove("focus");
    }));
    assert_eq!(
        e.to_string(),
        format!("fhir: `Task/{id}`, field `focus`: missing")
    );
    let e = err(&with(&|t| {
        t.insert(
            "focus".into(),
            serde_json::json!({"reference": "ServiceRequest/elsewhere"}),
        );
    }));
    assert_eq!(
        e,
        FhirError::Invalid {
            resource: format!("Task/{id}"),
            field: "focus",
            problem: "refers to no resource in the bundle"
        }
    );
    let e = err(&with(&|t| {
        t.insert("status".into(), "secret-status-value".into());
    }));
    assert!(matches!(
        e,
        FhirError::Invalid {
            field: "status",
            ..
        }
    ));
    assert!(!e.to_string().contains("secret"));
    let e = err(&with(&|t| {
        t.insert("intent".into(), "whatever".into());
    }));
    assert!(matches!(
        e,
        FhirError::Invalid {
            field: "intent",
            ..
        }
    ));
    let e = err(&with(&|t| {
        t.insert("lastModified".into(), "2026-03-04".into());
    }));
    assert!(matches!(
        e,
        FhirError::Invalid {
            field: "lastModified",
            ..
        }
    ));
    assert_eq!(
        err(r#"{"resourceType": "Patient"}"#),
        FhirError::NotBundle {
            field: "resourceType",
            problem: "must be `Bundle`"
        }
    );
    assert!(matches!(
        err(r#"{"resourceType": "Bundle", "type": "pile"}"#),
        FhirError::NotBundle { field: "type", .. }
    ));
    assert!(matches!(err("{"), FhirError::NotJson { .. }));
    let e = err(
        r#"{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Task", "id": "bad id!"}}]}"#,
    );
    assert_eq!(e.to_string(), "fhir: `entry 1`, field `id`: not a FHIR id");
}
