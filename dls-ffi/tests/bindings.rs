//! The binding's public Rust surface, as a host sees it through the generated code: case
//! records in and out, a batch with an error in each bad case's place, no panic across the
//! boundary. (The JVM tests in tests/jvm cover the same surface from Kotlin.)

use dls_core::pilot;
use dls_ffi::{guard, pilot_cases, CaseRecord, DlsError, Router, RuleSet};

#[test]
fn every_pilot_case_survives_the_trip_through_its_record() {
    for case in pilot::cases() {
        let back = CaseRecord::from(&case).row().and_then(|r| r.to_case());
        assert_eq!(back.expect("converts"), case);
    }
}

fn reason(c: &CaseRecord) -> String {
    let e = c.row().and_then(|r| r.to_case()).unwrap_err();
    DlsError::from(e).to_string()
}

#[test]
fn a_bad_field_of_a_case_record_is_named() {
    let good = CaseRecord::from(&pilot::cases()[0]);
    let mut c = good.clone();
    c.age = Some(131);
    assert_eq!(reason(&c), "field `age`: age above 130 years");
    let mut c = good.clone();
    c.age = Some(-4);
    assert!(reason(&c).contains("field `age`: age below 0"));
    let mut c = good.clone();
    c.household = Some("elderly".into());
    assert!(reason(&c).contains("field `household`"));
    let mut c = good.clone();
    c.kern = "Hoofddorp centrum!".into();
    assert!(reason(&c).contains("field `kern`"));
    let mut c = good.clone();
    c.signals = vec!["loud".into()];
    assert!(reason(&c).contains("field `signals`"));
    let mut c = good.clone();
    c.opened = Some("1 March".into());
    assert!(reason(&c).contains("YYYY-MM-DD"));
    let mut c = good;
    c.needs.clear();
    assert!(reason(&c).contains("field `needs`"));
}

#[test]
fn a_batch_keeps_the_order_and_reports_bad_cases_in_their_place() {
    let router = Router::new(RuleSet::pilot().unwrap()).unwrap();
    let mut cases = Vec::new();
    for (i, c) in pilot_cases()
        .unwrap()
        .into_iter()
        .cycle()
        .take(300)
        .enumerate()
    {
        let mut c = c;
        c.id = format!("{}-{i}", c.id);
        match i % 7 {
            3 => c.needs.clear(),                   // no needs: cannot become a case
            5 => c.kern = "atlantis".into(),        // a case, but no such kern: a routing error
            6 => c.opened = Some("1 March".into()), // not a date: cannot become a case
            _ => {}
        }
        cases.push(c);
    }
    let batch = router
        .route_batch(cases.clone(), None, None)
        .expect("batch");
    assert_eq!(batch.len(), cases.len());
    for (i, (c, r)) in cases.into_iter().zip(batch).enumerate() {
        match router.route(c, None, false, None) {
            Ok(d) => assert_eq!(r.decision, Some(d), "case {i}"),
            Err(_) => assert!(r.decision.is_none() && r.error.is_some(), "case {i}"),
        }
        let kind = match i % 7 {
            3 | 6 => Some("bad_input"),
            5 => Some("routing"),
            _ => None,
        };
        assert_eq!(r.error_kind.as_deref(), kind, "case {i}");
        assert_eq!(r.error.is_some(), kind.is_some(), "case {i}");
    }
}

#[test]
fn a_panic_inside_a_call_becomes_an_internal_error() {
    let items: Vec<u8> = Vec::new();
    match guard(|| -> Result<u8, DlsError> { Ok(items[items.len() + 1]) }) {
        Err(DlsError::Internal { reason }) => assert!(reason.contains("internal failure")),
        other => panic!("expected Internal, got {other:?}"),
    }
    #[cfg(feature = "test-hooks")]
    match dls_ffi::diagnostics_internal_failure() {
        Err(DlsError::Internal { reason }) => assert!(reason.contains("internal failure")),
        other => panic!("expected Internal, got {other:?}"),
    }
}
