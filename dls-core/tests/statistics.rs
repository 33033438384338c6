//! Exact quantiles against a naive reference, the sketch's error past the exact limit, the
//! `bounced` activity, and stored evaluation states that must never crash the reader.

use std::collections::BTreeMap;

use dls_core::evaluation::{
    self, Dim, Disclosure, Durations, EvalError, EvalOptions, EvalState, Sketch, StateError,
};
use dls_core::synthetic::events::{self as synth, EventScale};
use proptest::prelude::*;

const HEADER: &str = "case_id,timestamp,activity,organisation,service,kern,need";

fn csv(rows: &[String]) -> String {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

fn raw(group_by: Vec<Dim>) -> EvalOptions {
    EvalOptions {
        group_by,
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    }
}

/// The usual quantile, written from its definition and nothing else: sort, find the position
/// `q (n − 1)`, interpolate between the values either side.
fn naive_quantile(values: &[i64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v: Vec<f64> = values.iter().map(|&x| x as f64).collect();
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() as f64 - 1.0);
    let (below, above) = (pos.floor() as usize, pos.ceil() as usize);
    let frac = pos - pos.floor();
    Some(v[below] + (v[above] - v[below]) * frac)
}

fn close(got: Option<f64>, want: Option<f64>) -> bool {
    match (got, want) {
        (None, None) => true,
        (Some(g), Some(w)) => (g - w).abs() <= 1e-9 * w.abs().max(1.0),
        _ => false,
    }
}

/// Every cell's median and 90th percentile (raw disclosure, in days) against the naive
/// reference over the per-case metrics of the cell's cases.
fn check_cells(ev: &evaluation::Evaluation, dim: Dim) -> Result<usize, String> {
    let mut by_key: BTreeMap<Option<String>, (Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for m in &ev.per_case {
        let key = match dim {
            Dim::Kern => m.kern.as_deref().map(str::to_string),
            _ => unreachable!(),
        };
        let e = by_key.entry(key).or_default();
        e.0.extend(m.first_contact_micros);
        e.1.extend(m.right_place_micros);
    }
    let mut checked = 0;
    for row in &ev.summary.aggregates.rows {
        let f = row
            .figures
            .as_ref()
            .ok_or("a raw table suppresses nothing")?;
        let (fc, rp) = &by_key[&row.key[0]];
        for (d, vals) in [(&f.first_contact, fc), (&f.right_place, rp)] {
            for (got, q) in [(d.median_days, 0.5), (d.p90_days, 0.9)] {
                let want = naive_quantile(vals, q);
                if !close(got.map(|x| x * 86_400e6), want) {
                    return Err(format!(
                        "cell {:?} q {q}: {got:?} days vs {want:?} µs",
                        row.key
                    ));
                }
                checked += 1;
            }
        }
    }
    Ok(checked)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random cases in three kernen: every cell's quantiles equal the naive reference.
    #[test]
    fn cell_quantiles_equal_a_naive_reference(
        cases in proptest::collection::vec(
            (0usize..3, 0i64..200 * 86_400, proptest::option::of(0i64..40 * 86_400),
             proptest::option::of(0i64..90 * 86_400)),
            1..120),
    ) {
        let mut rows = Vec::new();
        let base = chrono::DateTime::parse_from_rfc3339("2026-01-05T08:00:00+01:00").unwrap();
        let ts = |s: i64| (base + chrono::Duration::seconds(s)).to_rfc3339();
        for (i, &(k, open, fc, rp)) in cases.iter().enumerate() {
            let kern = ["hoofddorp", "nieuw-vennep", "badhoevedorp"][k];
            rows.push(format!("c{i},{},opened,,,{kern},zorg.wmo", ts(open)));
            if let Some(d) = fc {
                rows.push(format!("c{i},{},first_contact,steunpunt,,,", ts(open + d)));
            }
            if let Some(d) = rp {
                rows.push(format!("c{i},{},referred,gemeente,,,", ts(open + d / 2)));
                rows.push(format!("c{i},{},accepted,gemeente,,,zorg.wmo", ts(open + d)));
            }
        }
        let ing = evaluation::ingest_csv_str(&csv(&rows)).unwrap();
        prop_assert!(ing.rejected.is_empty(), "{:?}", ing.rejected);
        let ev = evaluation::evaluate(&ing.log, &raw(vec![Dim::Kern]));
        let checked = check_cells(&ev, Dim::Kern).map_err(TestCaseError::fail)?;
        prop_assert!(checked > 0);
    }
}

/// The generated log (its own durations, its own skew): the same check per kern.
#[test]
fn generated_log_quantiles_equal_a_naive_reference() {
    let text = synth::events_csv(&EventScale::TEST, 0..3_000, 7);
    let ing = evaluation::ingest_csv_str(&text).unwrap();
    assert!(ing.rejected.is_empty());
    let ev = evaluation::evaluate(&ing.log, &raw(vec![Dim::Kern]));
    let checked = check_cells(&ev, Dim::Kern).unwrap();
    assert_eq!(checked, 5 * 4);
}

/// Past [`EXACT_LIMIT`](evaluation::durations::EXACT_LIMIT) values a cell keeps a sketch. Its
/// error, measured here against the exact values of every cell of at least 100 values of a
/// generated log (kern × month): within the stated 1 %. `DLS_SKETCH_CASES` sets the size (the
/// figure in BENCHMARKS.md is from 1,000,000 cases).
#[test]
fn sketch_error_against_exact_values() {
    let cases: u64 = std::env::var("DLS_SKETCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60_000);
    let text = synth::events_csv(&EventScale::PILOT, 0..cases, 3);
    let ing = evaluation::ingest_csv_str(&text).unwrap();
    drop(text);
    let by = if cases >= 500_000 {
        vec![Dim::Kern, Dim::Month]
    } else {
        vec![Dim::Kern]
    };
    let state = evaluation::evaluate_state(&ing.log, &raw(by));
    let mut worst: f64 = 0.0;
    let mut cells = 0;
    for cell in state.cells.values() {
        for d in [&cell.first_contact, &cell.right_place] {
            let exact = d.values().expect("cells under the limit keep every value");
            if exact.len() < 100 {
                continue;
            }
            cells += 1;
            let mut sketch = Sketch::new();
            for &v in exact {
                sketch.add(v as f64);
            }
            for q in [0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
                let want = naive_quantile(exact, q).unwrap();
                let got = sketch.quantile(q).unwrap();
                let err = if want == 0.0 {
                    got
                } else {
                    (got - want).abs() / want
                };
                worst = worst.max(err);
            }
        }
    }
    println!("sketch vs exact: {cases} cases, {cells} duration cells of >= 100 values, max relative error {worst:.7}");
    assert!(cells > 0);
    assert!(
        worst <= evaluation::sketch::RELATIVE_ACCURACY + 1e-12,
        "{worst}"
    );
}

#[test]
fn state_round_trips_through_json() {
    let ing = evaluation::ingest_csv_str(dls_core::pilot::EVENTS_CSV).unwrap();
    let opts = EvalOptions {
        group_by: vec![Dim::Kern, Dim::Month, Dim::Organisation],
        ..EvalOptions::default()
    };
    let state = evaluation::evaluate_state(&ing.log, &opts);
    let bytes = state.to_json();
    let back = EvalState::from_json(&bytes).unwrap();
    assert_eq!(back, state);
    let via_serde: EvalState = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(via_serde, state);
    assert_eq!(back.to_json(), bytes);
}

// --- bounced ---------------------------------------------------------------------------------

fn rows(r: &[&str]) -> Vec<String> {
    r.iter().map(|s| s.to_string()).collect()
}

const DAY: i64 = 86_400;

#[test]
fn a_bounced_acceptance_is_not_the_right_place() {
    // Accepted by the wijkteam, sent back two days later, referred on, accepted elsewhere.
    let log = rows(&[
        "c1,2026-03-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo",
        "c1,2026-03-03T09:00:00+01:00,referred,wijkteam,,,",
        "c1,2026-03-04T09:00:00+01:00,accepted,wijkteam,,,zorg.wmo",
        "c1,2026-03-06T09:00:00+01:00,bounced,wijkteam,,,",
        "c1,2026-03-07T09:00:00+01:00,referred,gemeente,,,",
        "c1,2026-03-12T09:00:00+01:00,accepted,gemeente,,,zorg.wmo",
        // Same story without the bounce: the first acceptance is the right place.
        "c2,2026-03-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo",
        "c2,2026-03-03T09:00:00+01:00,referred,wijkteam,,,",
        "c2,2026-03-04T09:00:00+01:00,accepted,wijkteam,,,zorg.wmo",
        // A bounce by an organisation that accepted nothing undoes nothing (still a bounce).
        "c3,2026-03-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo",
        "c3,2026-03-04T09:00:00+01:00,accepted,wijkteam,,,zorg.wmo",
        "c3,2026-03-05T09:00:00+01:00,bounced,gemeente,,,",
        // Bounced and never accepted again: open, not zero.
        "c4,2026-03-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo",
        "c4,2026-03-04T09:00:00+01:00,accepted,wijkteam,,,zorg.wmo",
        "c4,2026-03-04T09:00:00+01:00,bounced,,,,",
    ]);
    let text = csv(&log);
    let ing = evaluation::ingest_csv_str(&text).unwrap();
    assert!(ing.rejected.is_empty(), "{:?}", ing.rejected);
    let ev = evaluation::evaluate(&ing.log, &raw(vec![Dim::Organisation]));
    let by: BTreeMap<&str, &evaluation::CaseMetrics> =
        ev.per_case.iter().map(|m| (m.case.as_str(), m)).collect();
    let c1 = by["c1"];
    assert_eq!(c1.right_place_micros, Some((10 * DAY) * 1_000_000));
    assert_eq!(c1.bounces, 1);
    assert_eq!(c1.handoffs, 2);
    assert_eq!(c1.organisation.as_deref(), Some("gemeente"));
    assert_eq!(by["c2"].right_place_micros, Some((2 * DAY) * 1_000_000));
    assert_eq!(by["c2"].bounces, 0);
    assert_eq!(by["c3"].right_place_micros, Some((2 * DAY) * 1_000_000));
    assert_eq!(by["c3"].bounces, 1);
    // At the same instant, the acceptance comes first and the bounce undoes it.
    assert_eq!(by["c4"].right_place_micros, None);
    assert_eq!(by["c4"].bounces, 1);
    assert_eq!(by["c4"].organisation, None);

    // Input order does not matter: reversed rows give the same metrics.
    let mut reversed = log.clone();
    reversed.reverse();
    let ing2 = evaluation::ingest_csv_str(&csv(&reversed)).unwrap();
    let ev2 = evaluation::evaluate(&ing2.log, &raw(vec![Dim::Organisation]));
    assert_eq!(
        serde_json::to_string(&ev2.per_case).unwrap(),
        serde_json::to_string(&ev.per_case).unwrap()
    );
}

// --- stored states ----------------------------------------------------------------------------

fn pilot_state() -> EvalState {
    let ing = evaluation::ingest_csv_str(dls_core::pilot::EVENTS_CSV).unwrap();
    let opts = EvalOptions {
        group_by: vec![Dim::Kern, Dim::Phase, Dim::Organisation],
        ..EvalOptions::default()
    };
    evaluation::evaluate_state(&ing.log, &opts)
}

/// Whatever the bytes, reading them gives a state or a typed error; a state read back can be
/// finished and merged (with itself) without a panic.
fn read_and_use(bytes: &[u8]) -> Result<(), TestCaseError> {
    match EvalState::from_json(bytes) {
        Ok(s) => {
            prop_assert!(s.validate().is_ok());
            let _ = s.finish(&Disclosure::default());
            let _ = s.finish(&Disclosure::raw());
            let mut twice = s.clone();
            match twice.merge(&s) {
                Ok(()) => prop_assert_eq!(twice.cases, s.cases * 2),
                Err(e) => prop_assert_eq!(e, EvalError::StateTooLarge),
            }
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with("evaluation state"), "{}", msg);
        }
    }
    // The serde path checks the same way.
    let _ = serde_json::from_slice::<EvalState>(bytes);
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    FlipBit(usize, u8),
    /// Replace the number at (about) this position with another.
    Number(usize, String),
    Delete(usize, usize),
    Duplicate(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let pos = any::<prop::sample::Index>();
    prop_oneof![
        pos.clone()
            .prop_map(|p| Mutation::Truncate(p.index(1 << 20))),
        (pos.clone(), 0u8..8).prop_map(|(p, b)| Mutation::FlipBit(p.index(1 << 20), b)),
        (
            pos.clone(),
            prop_oneof![
                Just("18446744073709551615".to_string()),
                Just("9223372036854775807".to_string()),
                Just("-1".to_string()),
                Just("0".to_string()),
                Just("2147483647".to_string()),
                Just("-2147483648".to_string()),
                Just("1e308".to_string()),
                (0u64..u64::MAX).prop_map(|n| n.to_string()),
            ]
        )
            .prop_map(|(p, n)| Mutation::Number(p.index(1 << 20), n)),
        (pos.clone(), 1usize..64).prop_map(|(p, n)| Mutation::Delete(p.index(1 << 20), n)),
        (pos, 1usize..64).prop_map(|(p, n)| Mutation::Duplicate(p.index(1 << 20), n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let len = bytes.len().max(1);
    match *m {
        Mutation::Truncate(p) => bytes.truncate(p % len),
        Mutation::FlipBit(p, b) => {
            if let Some(x) = bytes.get_mut(p % len) {
                *x ^= 1 << b;
            }
        }
        Mutation::Number(p, ref n) => {
            let start = (p % len..bytes.len()).find(|&i| bytes[i].is_ascii_digit());
            if let Some(s) = start {
                let end = (s..bytes.len())
                    .find(|&i| !bytes[i].is_ascii_digit())
                    .unwrap_or(bytes.len());
                bytes.splice(s..end, n.bytes());
            }
        }
        Mutation::Delete(p, n) => {
            let s = p % len;
            let e = (s + n).min(bytes.len());
            if s < e {
                bytes.drain(s..e);
            }
        }
        Mutation::Duplicate(p, n) => {
            let s = p % len;
            let e = (s + n).min(bytes.len());
            if s < e {
                let chunk: Vec<u8> = bytes[s..e].to_vec();
                bytes.splice(s..s, chunk);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn mutated_states_are_an_error_never_a_panic(ms in proptest::collection::vec(mutation(), 1..5)) {
        let mut bytes = pilot_state().to_json();
        for m in &ms {
            apply(&mut bytes, m);
        }
        read_and_use(&bytes)?;
    }
}

/// Hand-crafted states of the kinds an audit found (issue 13, item 10).
#[test]
fn crafted_states_are_typed_errors() {
    let good = pilot_state();
    let json: serde_json::Value = serde_json::from_slice(&good.to_json()).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = json.clone();
        f(&mut v);
        EvalState::from_json(&serde_json::to_vec(&v).unwrap())
    };
    let inconsistent = |r: Result<EvalState, StateError>| {
        assert!(matches!(r, Err(StateError::Inconsistent { .. })), "{r:?}");
    };
    // A case count that would wrap when merged.
    inconsistent(edit(&|v| v["cases"] = serde_json::json!(u64::MAX)));
    inconsistent(edit(&|v| v["events"] = serde_json::json!(u64::MAX)));
    // A cell count that no longer adds up.
    inconsistent(edit(&|v| {
        v["cells"][0][1]["cases"] = serde_json::json!(u64::MAX)
    }));
    // Unsorted durations.
    inconsistent(edit(&|v| {
        v["cells"][0][1]["first_contact"] = serde_json::json!({"exact": [5, 1]});
        v["cells"][0][1]["first_contact_open"] = serde_json::json!(0);
        v["cells"][0][1]["cases"] = serde_json::json!(2);
    }));
    // A sketch whose buckets lie far out of range (an allocation of gigabytes if trusted).
    let far = edit(&|v| {
        v["cells"][0][1]["right_place"] =
            serde_json::json!({"sketch": {"zeros": 0, "offset": -2_000_000_000, "bins": [1]}});
    });
    assert!(matches!(far, Err(StateError::Malformed { .. })), "{far:?}");
    // Not JSON at all, truncated, or the wrong shape: where, never the input.
    let bytes = good.to_json();
    for bad in [
        &bytes[..bytes.len() / 2],
        b"{\"group_by\": [\"111222333\"]}",
        b"\xff\xfe",
    ] {
        let e = EvalState::from_json(bad).unwrap_err();
        assert!(matches!(e, StateError::Malformed { .. }), "{e:?}");
        assert!(!e.to_string().contains("111222333"), "{e}");
    }
}

#[test]
fn merging_past_the_bound_is_an_error_not_a_wrap() {
    // One cell (no grouping), no waits: doubling keeps a few arrays, then sketches.
    let ing = evaluation::ingest_csv_str(dls_core::pilot::EVENTS_CSV).unwrap();
    let mut big = evaluation::evaluate_state(&ing.log, &raw(vec![]));
    big.problems.waits.clear();
    // Doubling reaches 2^53 events after about 43 merges; the error comes before any count
    // wraps.
    let mut err = None;
    for _ in 0..80 {
        let copy = big.clone();
        if let Err(e) = big.merge(&copy) {
            err = Some(e);
            break;
        }
    }
    assert_eq!(err, Some(EvalError::StateTooLarge));
    assert!(big.events <= evaluation::state::MAX_STATE_COUNT);
    assert!(big.validate().is_ok());
}

#[test]
fn durations_merge_in_any_order() {
    let a = Durations::from_values(vec![9, 3, 7]);
    let b = Durations::from_values(vec![1, 8]);
    let mut ab = a.clone();
    ab.merge(&b);
    let mut ba = b.clone();
    ba.merge(&a);
    assert_eq!(ab, ba);
    assert_eq!(ab.values(), Some(&[1, 3, 7, 8, 9][..]));
    assert_eq!(ab.median(), Some(7.0));
}

// --- municipality and region from the kern ------------------------------------------------

/// A log that names only kernen groups by municipality and region through the directory; a
/// municipality stated in the log wins over the directory's.
#[test]
fn municipality_and_region_come_from_the_kern_through_the_directory() {
    let log = rows(&[
        "c1,2026-03-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo",
        "c2,2026-03-02T10:00:00+01:00,opened,,,nieuw-vennep,zorg.wmo",
        "c3,2026-03-02T11:00:00+01:00,opened,,,zandvoort,zorg.wmo",
        "c4,2026-03-02T12:00:00+01:00,opened,,,atlantis,zorg.wmo",
    ]);
    let ing = evaluation::ingest_csv_str(&csv(&log)).unwrap();
    let mut opts = raw(vec![Dim::Municipality]);
    opts.directory = Some(dls_core::pilot::directory());
    let ev = evaluation::evaluate(&ing.log, &opts);
    let cells: Vec<(Option<&str>, u64)> = ev
        .summary
        .aggregates
        .rows
        .iter()
        .map(|r| (r.key[0].as_deref(), r.figures.as_ref().unwrap().cases))
        .collect();
    let zandvoort = dls_core::pilot::directory()
        .areas()
        .kern("zandvoort")
        .unwrap()
        .municipality
        .to_string();
    let mut want = vec![
        (None, 1),
        (Some("GM0394"), 2),
        (Some(zandvoort.as_str()), 1),
    ];
    want.sort();
    assert_eq!(cells, want);
    assert_eq!(ev.per_case[0].municipality.as_deref(), Some("GM0394"));
    assert_eq!(ev.per_case[0].region.as_deref(), Some("zuid-kennemerland"));

    opts.group_by = vec![Dim::Region];
    let ev = evaluation::evaluate(&ing.log, &opts);
    let regions: Vec<(Option<&str>, u64)> = ev
        .summary
        .aggregates
        .rows
        .iter()
        .map(|r| (r.key[0].as_deref(), r.figures.as_ref().unwrap().cases))
        .collect();
    assert_eq!(regions, vec![(None, 1), (Some("zuid-kennemerland"), 3)]);

    // Without a directory nothing is guessed.
    let ev = evaluation::evaluate(&ing.log, &raw(vec![Dim::Municipality]));
    assert_eq!(ev.summary.aggregates.rows.len(), 1);
    assert_eq!(ev.summary.aggregates.rows[0].key, vec![None]);

    // Stated in the log: the log's value.
    let stated = "case_id,timestamp,activity,kern,municipality\n\
                  c1,2026-03-02T09:00:00+01:00,opened,hoofddorp,GM0392\n";
    let ing = evaluation::ingest_csv_str(stated).unwrap();
    let mut opts = raw(vec![Dim::Municipality]);
    opts.directory = Some(dls_core::pilot::directory());
    let ev = evaluation::evaluate(&ing.log, &opts);
    assert_eq!(
        ev.summary.aggregates.rows[0].key,
        vec![Some("GM0392".to_string())]
    );
}
