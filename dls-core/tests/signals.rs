//! Vroegsignalering intake, replayed from the shared fixture `tests/fixtures/signals/`
//! (expectations written by hand; pytest and JUnit replay the same files).

use chrono::NaiveDate;
use dls_core::events::Event;
use dls_core::pilot;
use dls_core::routing::{Outcome, Router};
use dls_core::signals::{self, feedback, intake, IntakeOptions};
use serde_json::Value;

const FEED: &str = include_str!("../../tests/fixtures/signals/feed.csv");
const EVENTS: &str = include_str!("../../tests/fixtures/signals/events.json");
const EXPECTED: &str = include_str!("../../tests/fixtures/signals/expected.json");

fn opt_date(v: &Value) -> Option<NaiveDate> {
    v.as_str().map(|s| s.parse().unwrap())
}

#[test]
fn four_signals_of_one_household_make_one_crisis_case_with_a_wgs_clock() {
    let exp: Value = serde_json::from_str(EXPECTED).unwrap();
    let as_of: NaiveDate = exp["as_of"].as_str().unwrap().parse().unwrap();
    let checked = signals::read_csv(FEED, as_of).unwrap();
    let rejected: Vec<String> = checked.rejected.iter().map(|e| e.to_string()).collect();
    let exp_rejected: Vec<&str> = exp["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(rejected, exp_rejected);
    // every row is either accepted or rejected: nothing lost
    assert_eq!(
        checked.signals.len() + checked.rejected.len(),
        FEED.lines().count() - 1
    );
    let opts = IntakeOptions {
        window_days: exp["window_days"].as_u64().unwrap() as u32,
        ..Default::default()
    };
    let result = intake(&checked.signals, &opts);
    assert_eq!(
        result.duplicates as u64,
        exp["duplicates"].as_u64().unwrap()
    );
    let cases = exp["cases"].as_array().unwrap();
    assert_eq!(result.cases.len(), cases.len());
    for (c, e) in result.cases.iter().zip(cases) {
        assert_eq!(c.case.id().as_str(), e["case"]);
        assert_eq!(c.household.as_str(), e["household"]);
        assert_eq!(c.kern.as_str(), e["kern"]);
        let ids: Vec<&str> = c.signals.iter().map(|s| s.id.as_str()).collect();
        let exp_ids: Vec<&str> = e["signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(ids, exp_ids);
        assert_eq!(c.urgency.as_str(), e["urgency"]);
        assert_eq!(c.case.attributes().urgency, c.urgency);
        assert_eq!(c.crisis_since, opt_date(&e["crisis_since"]));
        assert_eq!(c.contact_due, opt_date(&e["contact_due"]));
        let sig: Vec<&str> = c
            .case
            .attributes()
            .signals
            .iter()
            .map(|s| s.as_str())
            .collect();
        let exp_sig: Vec<&str> = e["attributes_signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(sig, exp_sig);
    }
    // routed like any other case: the eviction threat sends the crisis case to urgent debt help
    let rules = pilot::rules();
    let router = Router::for_directory(&pilot::directory(), &rules).unwrap();
    let d = result.cases[0].route(&router).unwrap();
    match &d.primary().outcome {
        Outcome::Service { service, .. } => assert_eq!(service.as_str(), "schuldhulp-spoed"),
        o => panic!("{o:?}"),
    }
    for c in &result.cases {
        c.route(&router).unwrap();
    }
    // the partners' feedback rows
    let events: Vec<Event> = serde_json::from_str(EVENTS).unwrap();
    let rows = feedback(&result.cases, &events);
    let exp_rows = exp["feedback"].as_array().unwrap();
    assert_eq!(rows.len(), exp_rows.len());
    for (r, e) in rows.iter().zip(exp_rows) {
        assert_eq!(r.partner.as_str(), e["partner"]);
        assert_eq!(r.signal_id.as_str(), e["signal_id"]);
        assert_eq!(r.kind.as_str(), e["kind"]);
        assert_eq!(Some(r.received), opt_date(&e["received"]));
        assert_eq!(
            r.contact_attempted,
            opt_date(&e["contact_attempted"]),
            "{}",
            r.signal_id
        );
        assert_eq!(
            r.contact_made,
            opt_date(&e["contact_made"]),
            "{}",
            r.signal_id
        );
        assert_eq!(r.help.as_str(), e["help"], "{}", r.signal_id);
    }
}

#[test]
fn input_order_duplicates_and_late_signals_change_nothing() {
    let as_of: NaiveDate = "2026-09-30".parse().unwrap();
    let checked = signals::read_csv(FEED, as_of).unwrap();
    let opts = IntakeOptions::default();
    let base = intake(&checked.signals, &opts);
    // reversed, rotated, and every signal sent twice more
    let mut rev = checked.signals.clone();
    rev.reverse();
    assert_eq!(intake(&rev, &opts).cases, base.cases);
    let mut rot = checked.signals.clone();
    rot.rotate_left(3);
    assert_eq!(intake(&rot, &opts).cases, base.cases);
    let mut tripled = checked.signals.clone();
    tripled.extend(checked.signals.iter().cloned());
    tripled.extend(checked.signals.iter().cloned());
    let t = intake(&tripled, &opts);
    assert_eq!(t.cases.len(), base.cases.len());
    for (a, b) in t.cases.iter().zip(&base.cases) {
        assert_eq!(a.case, b.case);
        assert_eq!(a.signals.len(), b.signals.len());
    }
    assert_eq!(t.duplicates, base.duplicates + 2 * checked.signals.len());
    // a late signal (dated inside the window, arriving after the case was opened) joins the case
    let late = signals::check_rows(
        &[signals::SignalRow {
            signal_id: "vf-999".into(),
            partner: "vattenfall".into(),
            kind: "energy".into(),
            household: "hh-sig-2".into(),
            kern: "nieuw-vennep".into(),
            amount: 55.0,
            months_in_arrears: 2,
            date: "2026-05-20".parse().unwrap(),
            threatened: true,
        }],
        as_of,
    );
    let mut with_late = checked.signals.clone();
    with_late.extend(late.signals);
    let l = intake(&with_late, &opts);
    assert_eq!(l.cases.len(), base.cases.len());
    let c = l
        .cases
        .iter()
        .find(|c| c.case.id().as_str() == "vs-20260502-hh-sig-2")
        .unwrap();
    assert_eq!(c.signals.len(), 2);
    assert_eq!(c.urgency.as_str(), "crisis");
    // Wed 20 May 2026 + 3 working days: Thu 21 (Ascension is 14 May), Fri 22, Mon 25 (Whit
    // Monday!) is a holiday, so Tue 26
    assert_eq!(c.contact_due, Some("2026-05-26".parse().unwrap()));
}
