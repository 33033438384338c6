//! Durations to the microsecond (issue 12: "timestamps to the microsecond"; fractional seconds
//! were kept for ordering but durations were whole seconds, the fraction dropped without a
//! word). Checked against a naive computation from the timestamps as written, on logs with
//! random fractions of a second; and a mergeable state says its unit, so that a state of the
//! old unit is refused rather than read a million times too short.

use chrono::{DateTime, Duration, SecondsFormat, TimeZone, Utc};
use dls_core::evaluation::{self, Dim, Disclosure, EvalOptions, EvalState};
use proptest::prelude::*;

/// One case: opened at `t0`, first contact after `fc` µs, referred, accepted after `rp` µs.
fn case_rows(id: usize, t0: DateTime<Utc>, fc: i64, rp: i64) -> String {
    let at =
        |us: i64| (t0 + Duration::microseconds(us)).to_rfc3339_opts(SecondsFormat::Micros, true);
    format!(
        "c{id},{},opened,,hoofddorp,zorg.wmo\n\
         c{id},{},first_contact,steunpunt,,\n\
         c{id},{},referred,gemeente,,\n\
         c{id},{},accepted,gemeente,,zorg.wmo\n",
        at(0),
        at(fc),
        at(fc),
        at(rp)
    )
}

/// numpy's linear quantile of `values` (µs), in days.
fn naive_days(values: &[i64], q: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().map(|&x| x as f64).collect();
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() as f64 - 1.0);
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    (v[lo] + (v[hi] - v[lo]) * (pos - pos.floor())) / 86_400e6
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn durations_keep_the_fractions_of_a_second(
        cases in proptest::collection::vec(
            (0i64..86_400_000_000, 1i64..3_000_000_000, 0i64..2_000_000_000_000),
            1..40,
        )
    ) {
        let base = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
        let mut csv = String::from("case_id,timestamp,activity,organisation,kern,need\n");
        let mut fcs = Vec::new();
        let mut rps = Vec::new();
        for (i, &(start, fc, extra)) in cases.iter().enumerate() {
            let t0 = base + Duration::microseconds(start);
            csv.push_str(&case_rows(i, t0, fc, fc + extra));
            fcs.push(fc);
            rps.push(fc + extra);
        }
        let ing = evaluation::ingest_csv_str(&csv).unwrap();
        prop_assert_eq!(ing.rows_used, ing.rows_read);
        let opts = EvalOptions {
            group_by: vec![Dim::Kern],
            disclosure: Disclosure::raw(),
            ..EvalOptions::default()
        };
        let ev = evaluation::evaluate(&ing.log, &opts);
        for m in &ev.per_case {
            let i: usize = m.case.as_str()[1..].parse().unwrap();
            prop_assert_eq!(m.first_contact_micros, Some(fcs[i]));
            prop_assert_eq!(m.right_place_micros, Some(rps[i]));
            let opened = base + Duration::microseconds(cases[i].0);
            prop_assert_eq!(m.opened, opened);
            prop_assert_eq!(m.first_contact_days(), Some(fcs[i] as f64 / 86_400e6));
        }
        let f = ev.summary.aggregates.rows[0].figures.clone().unwrap();
        let close = |got: Option<f64>, want: f64| {
            got.is_some_and(|g| (g - want).abs() <= 1e-12 * want.abs().max(1e-6))
        };
        prop_assert!(close(f.first_contact.median_days, naive_days(&fcs, 0.5)));
        prop_assert!(close(f.first_contact.p90_days, naive_days(&fcs, 0.9)));
        prop_assert!(close(f.right_place.median_days, naive_days(&rps, 0.5)));
        prop_assert!(close(f.right_place.p90_days, naive_days(&rps, 0.9)));
    }
}

#[test]
fn a_state_says_its_unit_and_one_without_it_is_refused() {
    let base = Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap();
    let csv = format!(
        "case_id,timestamp,activity,organisation,kern,need\n{}",
        case_rows(1, base, 1_500_000, 2_250_000)
    );
    let ing = evaluation::ingest_csv_str(&csv).unwrap();
    let opts = EvalOptions {
        group_by: vec![Dim::Kern],
        ..EvalOptions::default()
    };
    let state = evaluation::evaluate_state(&ing.log, &opts);
    let bytes = state.to_json();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.contains(r#""duration_unit":"microseconds""#), "{text}");
    assert!(text.contains("[1500000]"), "{text}");
    assert_eq!(EvalState::from_json(&bytes).unwrap(), state);
    // the same state as an older dls wrote it: no unit, durations in whole seconds
    let old = text.replace(r#","duration_unit":"microseconds""#, "");
    let err = EvalState::from_json(old.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "evaluation state: durations: in whole seconds (a state written by an older dls): \
         evaluate the log again"
    );
    // an unknown unit is not a state
    let other = text.replace(
        r#""duration_unit":"microseconds""#,
        r#""duration_unit":"hours""#,
    );
    assert!(EvalState::from_json(other.as_bytes()).is_err());
}
