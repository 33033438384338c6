//! The referral life cycle, checked against a list of the FHIR R4 Task state machine written
//! here by hand (not derived from `dls_core::lifecycle::TRANSITIONS`), and its report in
//! evaluation (anomalies with their row; strict mode rejects them).

use std::collections::BTreeSet;

use dls_core::evaluation::{ingest_csv_str, ingest_events, RejectReason};
use dls_core::events::Activity;
use dls_core::lifecycle::{self, Breach, CaseMachine, TaskStatus};

/// The FHIR R4 Task state machine (task.html, "Task state machine"), restricted to the nine
/// statuses a referral can have: `draft`, `ready` and `entered-in-error` are left out. Written
/// from the diagram, as FHIR codes.
const FHIR_R4: &[(&str, &str)] = &[
    ("requested", "received"),
    ("requested", "accepted"),
    ("requested", "rejected"),
    ("requested", "cancelled"),
    ("received", "accepted"),
    ("received", "rejected"),
    ("received", "cancelled"),
    ("accepted", "cancelled"),
    ("in-progress", "on-hold"),
    ("on-hold", "in-progress"),
    ("in-progress", "completed"),
    ("in-progress", "failed"),
];

/// The steps dls adds, each for a reason written beside it.
const DLS_STEPS: &[(&str, &str)] = &[
    // `ready` is not kept: accepted → ready → in-progress is one step.
    ("accepted", "in-progress"),
    // `no_response`: no answer to the referral within the term.
    ("requested", "failed"),
    ("received", "failed"),
    // `resolved` after `accepted` with no reported start (through in-progress).
    ("accepted", "completed"),
    // `bounced`: the service sends the case back after it started.
    ("in-progress", "cancelled"),
    ("on-hold", "cancelled"),
    // Paused help that can no longer go on.
    ("on-hold", "failed"),
];

const STATUSES: &[&str] = &[
    "requested",
    "received",
    "accepted",
    "rejected",
    "in-progress",
    "on-hold",
    "completed",
    "cancelled",
    "failed",
];

/// dls's referral events and the status each moves its referral to (the issue's mapping).
const EVENT_STATUS: &[(&str, &str)] = &[
    ("referred", "requested"),
    ("accepted", "accepted"),
    ("rejected", "rejected"),
    ("no_response", "failed"),
    ("bounced", "cancelled"),
    ("resolved", "completed"),
];

fn expected_edges() -> BTreeSet<(&'static str, &'static str)> {
    FHIR_R4.iter().chain(DLS_STEPS).copied().collect()
}

#[test]
fn every_transition_between_two_statuses_is_allowed_exactly_when_the_diagram_has_it() {
    let edges = expected_edges();
    assert_eq!(TaskStatus::ALL.len(), STATUSES.len());
    let mut checked = 0;
    for from in STATUSES {
        for to in STATUSES {
            let f: TaskStatus = from.parse().unwrap();
            let t: TaskStatus = to.parse().unwrap();
            assert_eq!(
                lifecycle::allowed(f, t),
                edges.contains(&(*from, *to)),
                "{from} -> {to}"
            );
            checked += 1;
        }
        // Final statuses: those the diagram leaves by no edge.
        let f: TaskStatus = from.parse().unwrap();
        assert_eq!(
            f.is_final(),
            !edges.iter().any(|(a, _)| a == from),
            "{from}"
        );
    }
    assert_eq!(checked, 81);
}

/// The events that bring a referral to `status` from nothing, where dls's events can.
fn path_to(status: &str) -> Option<&'static [&'static str]> {
    Some(match status {
        "requested" => &["referred"],
        "accepted" => &["referred", "accepted"],
        "rejected" => &["referred", "rejected"],
        "failed" => &["referred", "no_response"],
        "cancelled" => &["referred", "accepted", "bounced"],
        "completed" => &["referred", "accepted", "resolved"],
        // No dls event reaches these (a partner's FHIR Task can).
        "received" | "in-progress" | "on-hold" => return None,
        _ => unreachable!(),
    })
}

#[test]
fn every_event_in_every_status_reached_by_events_follows_the_diagram() {
    let edges = expected_edges();
    let finals: BTreeSet<&str> = ["rejected", "completed", "cancelled", "failed"].into();
    let mut checked = 0;
    for from in STATUSES {
        let Some(path) = path_to(from) else { continue };
        for (event, to) in EVENT_STATUS {
            let mut m = CaseMachine::<&str>::default();
            for p in path {
                m.step(p.parse().unwrap(), Some("org"), Some("svc"))
                    .unwrap_or_else(|b| panic!("path to {from}: {p}: {b}"));
            }
            assert_eq!(m.referrals().last().unwrap().status.as_str(), *from);
            let got = m.step(event.parse().unwrap(), Some("org"), Some("svc"));
            let want_ok = if *event == "referred" {
                // A new referral to the same service: only once the last one ended.
                finals.contains(from)
            } else if *event == "resolved" {
                // The case's event: never out of place; it completes what may complete.
                let done = if edges.contains(&(*from, *to)) {
                    *to
                } else {
                    *from
                };
                assert_eq!(m.referrals()[0].status.as_str(), done, "resolved in {from}");
                true
            } else {
                edges.contains(&(*from, *to))
            };
            assert_eq!(got.is_ok(), want_ok, "{event} in {from}: {got:?}");
            if let Ok(Some(i)) = got {
                assert_eq!(m.referrals()[i].status.as_str(), *to, "{event} in {from}");
            }
            if let Err(b) = got {
                let want = if *event == "referred" {
                    Breach::StillOpen {
                        status: from.parse().unwrap(),
                    }
                } else {
                    Breach::Transition {
                        from: from.parse().unwrap(),
                        to: to.parse().unwrap(),
                    }
                };
                assert_eq!(b, want);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 6 * 6);
}

#[test]
fn the_event_mapping_is_the_issues() {
    for (event, status) in EVENT_STATUS {
        let a: Activity = event.parse().unwrap();
        assert_eq!(lifecycle::status_of(a).map(|s| s.as_str()), Some(*status));
    }
    let mapped: BTreeSet<&str> = EVENT_STATUS.iter().map(|(e, _)| *e).collect();
    for &a in Activity::ALL {
        if !mapped.contains(a.as_str()) {
            assert_eq!(lifecycle::status_of(a), None, "{a}");
        }
    }
}

#[test]
fn referral_events_without_a_referral_and_events_after_closing_break_the_machine() {
    for (event, _) in EVENT_STATUS
        .iter()
        .filter(|(e, _)| !["referred", "resolved"].contains(e))
    {
        let mut m = CaseMachine::<&str>::default();
        assert_eq!(
            m.step(event.parse().unwrap(), Some("org"), None),
            Err(Breach::NoReferral),
            "{event}"
        );
    }
    // After `closed`, everything but `reopened`; `reopened` only when closed.
    for &a in Activity::ALL {
        let mut m = CaseMachine::<&str>::default();
        m.step(Activity::Referred, Some("org"), Some("svc"))
            .unwrap();
        m.step(Activity::Closed, None, None).unwrap();
        let got = m.step(a, Some("org"), Some("svc"));
        if a == Activity::Reopened {
            assert_eq!(got, Ok(None));
            assert!(!m.is_closed());
        } else {
            assert_eq!(got, Err(Breach::AfterClosed), "{a}");
        }
    }
    let mut m = CaseMachine::<&str>::default();
    assert_eq!(
        m.step(Activity::Reopened, None, None),
        Err(Breach::NotClosed)
    );
}

const LOG: &str = "case_id,timestamp,activity,organisation,service,reason
c1,2026-03-02T09:00:00Z,opened,,,
c1,2026-03-03T09:00:00Z,accepted,gem,wmo-loket,
c1,2026-03-04T09:00:00Z,referred,gem,wmo-loket,
c1,2026-03-05T09:00:00Z,accepted,gem,wmo-loket,
c1,2026-03-06T09:00:00Z,closed,,,
c1,2026-03-07T09:00:00Z,rejected,gem,wmo-loket,full
c2,2026-03-02T10:00:00Z,opened,,,
c2,2026-03-03T10:00:00Z,referred,welzijn,,
c2,2026-03-04T10:00:00Z,rejected,welzijn,,full
c2,2026-03-05T10:00:00Z,accepted,welzijn,,
";

#[test]
fn evaluation_reports_each_anomaly_with_its_row_and_strict_mode_rejects_it() {
    let lenient = ingest_csv_str(LOG).unwrap();
    assert_eq!(lenient.rows_used, 10);
    let got: Vec<(u64, &str, String)> = lenient
        .anomalies
        .iter()
        .map(|a| (a.row, a.activity.as_str(), a.breach.kind().to_owned()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, "accepted", "no_referral".to_owned()),
            (7, "rejected", "after_closed".to_owned()),
            (11, "accepted", "transition".to_owned()),
        ]
    );
    assert_eq!(
        lenient.anomalies[2].to_string(),
        "row 11: `accepted` breaks the referral life cycle (transition): a referral cannot go from `rejected` to `accepted`"
    );
    let strict = lenient.clone().strict();
    assert_eq!(strict.rows_read, 10);
    assert_eq!(strict.rows_used, 7);
    assert_eq!(
        strict.rows_used + strict.rejected.len() as u64,
        strict.rows_read
    );
    let rejected: Vec<(u64, RejectReason)> =
        strict.rejected.iter().map(|r| (r.row, r.reason)).collect();
    assert_eq!(
        rejected,
        vec![
            (3, RejectReason::BreaksLifecycle),
            (7, RejectReason::BreaksLifecycle),
            (11, RejectReason::BreaksLifecycle)
        ]
    );
    assert_eq!(strict.anomalies, lenient.anomalies);
    // What is left is the log without those rows, and it breaks nothing any more.
    let kept: Vec<_> = lenient
        .log
        .events()
        .into_iter()
        .enumerate()
        .filter(|(i, _)| ![1, 5, 9].contains(i))
        .map(|(_, e)| e)
        .collect();
    assert_eq!(strict.log.events(), kept);
    let again = ingest_events(&kept);
    assert!(again.anomalies.is_empty());
    assert_eq!(again.log.events(), kept);
}

#[test]
fn input_order_does_not_change_the_anomalies() {
    let lines: Vec<&str> = LOG.lines().collect();
    let mut shuffled = vec![lines[0]];
    shuffled.extend(lines[1..].iter().rev());
    let a = ingest_csv_str(LOG).unwrap();
    let b = ingest_csv_str(&shuffled.join("\n")).unwrap();
    let key = |i: &dls_core::evaluation::Ingested| -> Vec<(Activity, Breach)> {
        let mut v: Vec<_> = i.anomalies.iter().map(|a| (a.activity, a.breach)).collect();
        v.sort();
        v
    };
    assert_eq!(key(&a), key(&b));
    // Row numbers are the input's own: reversed, row r becomes row 13 - r.
    let rows: BTreeSet<u64> = b.anomalies.iter().map(|a| a.row).collect();
    assert_eq!(rows, [13 - 3, 13 - 7, 13 - 11].into());
}

#[test]
fn the_pilot_and_synthetic_logs_keep_the_life_cycle() {
    let pilot = ingest_csv_str(dls_core::pilot::EVENTS_CSV).unwrap();
    assert_eq!(pilot.anomalies, vec![]);
    let csv = dls_core::synthetic::events::events_csv(
        &dls_core::synthetic::events::EventScale::TEST,
        0..2000,
        11,
    );
    let synthetic = ingest_csv_str(&csv).unwrap();
    assert_eq!(synthetic.anomalies, vec![]);
}
