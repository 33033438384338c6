//! The auditor's attack (issue 13, item 1): tries each of the four ways into published figures
//! on the embedded pilot and on a generated log, and asserts that nothing exact comes back.
//!
//! - (a) a cell's own figures: every share and mean is a published count over a published
//!   count, so it narrows no count below the rounding base;
//! - (b) the margins: no line of a table leaves one suppressed cell (or too few cases hidden);
//! - (c) differencing: the same log published with and without one case, over six groupings
//!   (kern × phase, kern, phase, month, kern × month, phase × month): for every case removed,
//!   the attacker intersects, per attribute (handoffs, bounces, organisations, resolved, cases
//!   bounced), the intervals of the case's value that each pair of published cells allows.
//!   With random rounding under the cell key no attribute of any case is pinned to one value;
//!   the same attack on deterministic (nearest) rounding of the same cells pins many, which
//!   shows the attack has teeth;
//! - (d) comparisons whose selections overlap and differ by a cell too small to publish are
//!   refused (checked) or suppressed (unchecked).

use std::collections::BTreeMap;

use dls_core::evaluation::{
    self, compare, compare_checked, CaseMetrics, CompareOptions, Dim, Disclosure, EvalError,
    EvalOptions, EvalState, Figures, Selection, Table,
};
use dls_core::synthetic::{self, events::EventScale};

const GROUPINGS: [&[Dim]; 6] = [
    &[Dim::Kern, Dim::Phase],
    &[Dim::Kern],
    &[Dim::Phase],
    &[Dim::Month],
    &[Dim::Kern, Dim::Month],
    &[Dim::Phase, Dim::Month],
];

/// The attributes the attacker is after, in the order of [`published`] and [`exact`].
const ATTRIBUTES: [&str; 5] = [
    "handoffs",
    "bounces",
    "organisations",
    "resolved",
    "cases bounced",
];

/// The published sums of the attributes of a cell (shares and means times the published
/// count of cases give back their published numerators).
fn published(f: &Figures) -> [i64; 5] {
    let n = f.cases as f64;
    [
        f.handoffs as i64,
        f.bounces as i64,
        (f.organisations_per_case * n).round() as i64,
        f.resolved as i64,
        (f.bounce_rate * n).round() as i64,
    ]
}

/// The exact attributes of a case.
fn exact(m: &CaseMetrics) -> [i64; 5] {
    [
        m.handoffs as i64,
        m.bounces as i64,
        m.organisations as i64,
        m.resolved as i64,
        (m.bounces > 0) as i64,
    ]
}

/// The exact sums of a raw cell, for the nearest-rounding control.
fn raw_sums(f: &Figures) -> [i64; 5] {
    published(f)
}

fn nearest(n: i64, b: i64) -> i64 {
    (n + b / 2) / b * b
}

fn cases_of(csv: &str) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    csv.lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .filter(|id| seen.insert(id.to_string()))
        .map(str::to_string)
        .collect()
}

fn without(csv: &str, case: &str) -> String {
    let prefix = format!("{case},");
    csv.lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || !l.starts_with(&prefix))
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

fn states(csv: &str, opts: &EvalOptions) -> Vec<EvalState> {
    let ing = evaluation::ingest_csv_str(csv).expect("the log reads");
    assert!(ing.rejected.is_empty());
    GROUPINGS
        .iter()
        .map(|g| {
            let mut s = EvalState::new(g.to_vec());
            s.add(&ing.log, opts);
            s
        })
        .collect()
}

fn row<'t>(t: &'t Table, key: &[Option<String>]) -> Option<&'t evaluation::table::Row> {
    t.rows.iter().find(|r| r.key == key)
}

/// What the differencing attack got: cases attacked, attribute values pinned (with random
/// rounding and, as control, with nearest rounding), cells compared, and how often the
/// attacker's best guess of `resolved` was right.
#[derive(Debug, Default)]
struct Outcome {
    cases: usize,
    cells: usize,
    pinned: Vec<String>,
    pinned_nearest: usize,
    guessed_resolved: usize,
    resolved_attacked: usize,
    majority_resolved: usize,
}

/// Plays the differencing attack on `csv`, removing each case of `removed` in turn.
fn differencing(csv: &str, opts: &EvalOptions, removed: &[String]) -> Outcome {
    let d = Disclosure::default();
    let b = d.round_to as i64;
    let w = 2 * (b - 1);
    let full = states(csv, opts);
    let full_pub: Vec<Table> = full.iter().map(|s| s.finish(&d).aggregates).collect();
    let full_raw: Vec<Table> = full
        .iter()
        .map(|s| s.finish(&Disclosure::raw()).aggregates)
        .collect();
    let per_case = {
        let ing = evaluation::ingest_csv_str(csv).unwrap();
        evaluation::evaluate(&ing.log, opts).per_case
    };
    let by_id: BTreeMap<&str, &CaseMetrics> =
        per_case.iter().map(|m| (m.case.as_str(), m)).collect();
    let resolved_share = per_case.iter().filter(|m| m.resolved).count() * 2 >= per_case.len();
    let mut out = Outcome::default();
    for case in removed {
        let truth = exact(by_id[case.as_str()]);
        let rest = states(&without(csv, case), opts);
        // Per attribute: the interval the attacker narrows the case's value to, under random
        // rounding and under nearest rounding.
        let mut lo = [0i64; 5];
        let mut hi = [i64::MAX, i64::MAX, i64::MAX, 1, 1];
        let (mut lo_n, mut hi_n) = (lo, hi);
        let (mut resolved_diff, mut resolved_cells) = (0i64, 0i64);
        for (g, s) in rest.iter().enumerate() {
            let rest_pub = s.finish(&d).aggregates;
            let rest_raw = s.finish(&Disclosure::raw()).aggregates;
            // The cell that held the case: the attacker knows its kern, phase and month.
            for r in &full_raw[g].rows {
                let before = r.figures.as_ref().unwrap();
                let after = row(&rest_raw, &r.key).and_then(|x| x.figures.as_ref());
                if after.is_some_and(|a| a.cases == before.cases) {
                    continue;
                }
                let (Some(p1), Some(p2)) = (
                    row(&full_pub[g], &r.key).and_then(|x| x.figures.as_ref()),
                    row(&rest_pub, &r.key).and_then(|x| x.figures.as_ref()),
                ) else {
                    continue;
                };
                out.cells += 1;
                let (a1, a2) = (published(p1), published(p2));
                let (e1, e2) = (raw_sums(before), raw_sums(after.unwrap()));
                for i in 0..5 {
                    let diff = a1[i] - a2[i];
                    // Random rounding publishes P only for exact sums within b − 1 of it.
                    assert!(
                        (diff - w..=diff + w).contains(&truth[i]),
                        "{case}: {} outside the attacker's interval",
                        ATTRIBUTES[i]
                    );
                    lo[i] = lo[i].max(diff - w);
                    hi[i] = hi[i].min(diff + w);
                    let diff_n = nearest(e1[i], b) - nearest(e2[i], b);
                    lo_n[i] = lo_n[i].max(diff_n - (b - 1));
                    hi_n[i] = hi_n[i].min(diff_n + (b - 1));
                }
                resolved_diff += a1[3] - a2[3];
                resolved_cells += 1;
            }
        }
        out.cases += 1;
        for i in 0..5 {
            if lo[i] == hi[i] {
                out.pinned
                    .push(format!("{case}: {} = {}", ATTRIBUTES[i], lo[i]));
            }
            out.pinned_nearest += (lo_n[i] == hi_n[i]) as usize;
        }
        if resolved_cells > 0 {
            out.resolved_attacked += 1;
            // The attacker's best guess: the mean difference is the case's value on average.
            let guess = (resolved_diff * 2 > resolved_cells) as i64;
            out.guessed_resolved += (guess == truth[3]) as usize;
            out.majority_resolved += ((resolved_share as i64) == truth[3]) as usize;
        }
    }
    out
}

fn pilot_options() -> EvalOptions {
    EvalOptions {
        directory: Some(dls_core::pilot::directory()),
        ..EvalOptions::default()
    }
}

fn report(name: &str, o: &Outcome) {
    eprintln!(
        "{name}: {} cases removed, {} cell pairs compared, {} attribute values pinned \
         (nearest rounding: {}), resolved guessed right for {} of {} (majority guess: {})",
        o.cases,
        o.cells,
        o.pinned.len(),
        o.pinned_nearest,
        o.guessed_resolved,
        o.resolved_attacked,
        o.majority_resolved
    );
}

#[test]
fn differencing_with_and_without_one_case_pins_nothing_on_the_pilot() {
    let csv = dls_core::pilot::EVENTS_CSV;
    let removed = cases_of(csv);
    let o = differencing(csv, &pilot_options(), &removed);
    report("pilot", &o);
    assert_eq!(o.cases, 350);
    assert!(o.cells > 1_000, "{} cells compared", o.cells);
    assert!(o.pinned.is_empty(), "{:#?}", o.pinned);
    // The control: the same attack on nearest rounding recovers attributes.
    assert!(o.pinned_nearest > 0);
}

#[test]
fn differencing_with_and_without_one_case_pins_nothing_on_a_generated_log() {
    let csv = synthetic::events::events_csv(&EventScale::PILOT, 0..3_000, 13);
    let removed: Vec<String> = cases_of(&csv).into_iter().step_by(30).collect();
    let o = differencing(&csv, &EvalOptions::default(), &removed);
    report("generated", &o);
    assert_eq!(o.cases, 100);
    assert!(o.pinned.is_empty(), "{:#?}", o.pinned);
    assert!(o.pinned_nearest > 0);
}

/// (a) and (b) on one log: every share and mean of a published cell is a published count over
/// the published count of cases, and no line along a dimension of a two-dimensional table
/// hides a single cell or fewer than `min_cases` cases.
fn own_figures_and_margins(csv: &str, opts: &EvalOptions) {
    let d = Disclosure::default();
    for s in states(csv, opts) {
        let published = s.finish(&d).aggregates;
        let raw = s.finish(&Disclosure::raw()).aggregates;
        for r in &published.rows {
            let Some(f) = &r.figures else { continue };
            assert_eq!(f.cases % d.round_to, 0);
            for rate in [
                f.handoffs_per_case,
                f.bounce_rate,
                f.organisations_per_case,
                f.resolved_rate,
                f.escalation_rate,
                f.loop_rate,
                f.reopened_rate,
            ] {
                // numerator = rate × published cases, itself a multiple of the base
                let k = rate * f.cases as f64 / d.round_to as f64;
                assert!((k - k.round()).abs() < 1e-6, "{:?}: {rate}", r.key);
            }
        }
        // Groups too small to publish are not listed; every listed row is a group of the raw
        // table.
        for r in &published.rows {
            assert!(row(&raw, &r.key).is_some());
            assert_ne!(r.suppressed, Some(evaluation::Suppression::Primary));
        }
        let shown = |k: &[Option<String>]| row(&published, k).is_some_and(|r| r.figures.is_some());
        for dim in 0..raw.group_by.len() {
            let mut lines: BTreeMap<Vec<Option<String>>, Vec<usize>> = BTreeMap::new();
            for (i, r) in raw.rows.iter().enumerate() {
                let mut rest = r.key.clone();
                rest.remove(dim);
                lines.entry(rest).or_default().push(i);
            }
            for line in lines.values().filter(|l| l.len() > 1) {
                let hidden: Vec<usize> = line
                    .iter()
                    .copied()
                    .filter(|&i| !shown(&raw.rows[i].key))
                    .collect();
                let hidden_cases: u64 = hidden
                    .iter()
                    .map(|&i| raw.rows[i].figures.as_ref().unwrap().cases)
                    .sum();
                // A line hidden whole has nothing to subtract from its total. (How much the
                // hidden cells hold together is decided on their published counts; what the
                // total minus the shown cells then tells is what `attack_large.rs` measures.)
                assert!(
                    hidden.is_empty() || hidden.len() == line.len() || hidden.len() >= 2,
                    "{:?}: a line hides {} cells of {hidden_cases} cases",
                    published.group_by,
                    hidden.len()
                );
            }
        }
    }
}

#[test]
fn own_figures_and_margins_give_nothing_away() {
    own_figures_and_margins(dls_core::pilot::EVENTS_CSV, &pilot_options());
    own_figures_and_margins(
        &synthetic::events::events_csv(&EventScale::PILOT, 0..3_000, 13),
        &EvalOptions::default(),
    );
}

/// (d) on one log: `{kernen: [big, small]}` against `{kernen: [big]}`, where `small` holds
/// fewer than `min_cases` cases, is refused by `compare_checked` and suppressed by `compare`;
/// the published interval bounds are rounded to two decimals.
fn overlapping_comparison(csv: &str, opts: &EvalOptions) {
    let ing = evaluation::ingest_csv_str(csv).unwrap();
    let per_case = evaluation::evaluate(&ing.log, opts).per_case;
    let mut by_kern: BTreeMap<&str, u64> = BTreeMap::new();
    for m in &per_case {
        if let Some(k) = &m.kern {
            *by_kern.entry(k).or_default() += 1;
        }
    }
    // The largest kernen until they hold at least 10 cases, and a kern of fewer than 10.
    let mut sizes: Vec<(&str, u64)> = by_kern.iter().map(|(k, n)| (*k, *n)).collect();
    sizes.sort_by_key(|(k, n)| (std::cmp::Reverse(*n), *k));
    let mut big: Vec<&str> = Vec::new();
    let mut held = 0;
    for (k, n) in &sizes {
        if held >= 10 {
            break;
        }
        big.push(k);
        held += n;
    }
    // too small: its published (rounded) number of cases is below 10
    let small = sizes[big.len()..]
        .iter()
        .find(|(k, n)| (1..10).contains(n) && published_cases(&per_case, k) < 10)
        .map(|(k, _)| *k)
        .unwrap_or_else(|| panic!("no kern published below 10 cases: {by_kern:?}"));
    let kernen = |ks: &[&str]| Selection {
        kernen: Some(ks.iter().map(|k| k.to_string()).collect()),
        ..Selection::default()
    };
    let mut with_small = big.clone();
    with_small.push(small);
    let (a, b) = (kernen(&with_small), kernen(&big));
    let opts = CompareOptions {
        iterations: 200,
        ..CompareOptions::default()
    };
    for (x, y) in [(&a, &b), (&b, &a)] {
        assert_eq!(
            compare_checked(&per_case, x, y, &opts),
            Err(EvalError::SmallDifference { min_cases: 10 })
        );
        for c in compare(&per_case, x, y, &opts) {
            assert!(c.suppressed, "{:?}", c.metric);
            assert_eq!((c.a.value, c.b.value, c.difference), (None, None, None));
            assert_eq!((c.ci_low, c.ci_high), (None, None));
        }
    }
    // Raw figures (internal use) still compare them.
    let raw = CompareOptions {
        disclosure: Disclosure::raw(),
        ..opts
    };
    assert!(compare_checked(&per_case, &a, &b, &raw).is_ok());
    // Two disjoint selections are compared, with bounds rounded to hundredths.
    let others: Vec<&str> = sizes[big.len()..]
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| *k != small)
        .collect();
    let cs = compare_checked(&per_case, &b, &kernen(&others), &opts).unwrap();
    let bounds: Vec<f64> = cs
        .iter()
        .filter(|c| !c.suppressed)
        .flat_map(|c| [c.ci_low, c.ci_high])
        .flatten()
        .collect();
    assert!(!bounds.is_empty());
    for v in bounds {
        assert!(((v * 100.0).round() - v * 100.0).abs() < 1e-6, "{v}");
    }
}

/// The published number of the cases of `kern` (the same draw as a table cell of these cases).
fn published_cases(cases: &[CaseMetrics], kern: &str) -> u64 {
    let (n, key) = cases
        .iter()
        .filter(|m| m.kern.as_deref() == Some(kern))
        .fold((0, 0u64), |(n, k), m| {
            (
                n + 1,
                k.wrapping_add(evaluation::disclosure::record_key(m.case.as_str())),
            )
        });
    // figure 0: the count of cases
    Disclosure::default().count(n, key, 0)
}

/// The refusal of overlapping comparisons reads the published (rounded) count of their
/// difference, as a table's threshold does: on the exact count, the same comparison with a
/// difference of exactly 10 cases shown and, one case later, refused would give the count away
/// (the leak `attack_large.rs` found in tables, here through `compare`). The difference is `k`
/// cases of one kern (1 to 15, three ways of picking them); refused exactly when their
/// published count is below 10, so some differences of 6 to 9 cases published as 10 are
/// compared (refused by the old code).
#[test]
fn an_overlapping_comparison_is_refused_on_the_published_count_of_its_difference() {
    let ing = evaluation::ingest_csv_str(dls_core::pilot::EVENTS_CSV).unwrap();
    let per_case = evaluation::evaluate(&ing.log, &pilot_options()).per_case;
    let of = |k: &str| -> Vec<&CaseMetrics> {
        per_case
            .iter()
            .filter(|m| m.kern.as_deref() == Some(k))
            .collect()
    };
    let (xs, ys) = (of("nieuw-vennep"), of("hoofddorp"));
    assert!(xs.len() >= 10 && ys.len() >= 45);
    let kernen = |ks: &[&str]| Selection {
        kernen: Some(ks.iter().map(|k| k.to_string()).collect()),
        ..Selection::default()
    };
    let (a, b) = (
        kernen(&["nieuw-vennep", "hoofddorp"]),
        kernen(&["nieuw-vennep"]),
    );
    let opts = CompareOptions {
        iterations: 0,
        ..CompareOptions::default()
    };
    let (mut small_compared, mut refused) = (0, 0);
    for way in 0..3 {
        for k in 1..=15 {
            let picked: Vec<CaseMetrics> = ys
                .iter()
                .skip(way * 15)
                .take(k)
                .map(|m| (*m).clone())
                .collect();
            let mut cases: Vec<CaseMetrics> = xs.iter().map(|m| (*m).clone()).collect();
            cases.extend(picked);
            let published = published_cases(&cases, "hoofddorp");
            let got = compare_checked(&cases, &a, &b, &opts);
            let shown = compare(&cases, &a, &b, &opts);
            if published < 10 {
                assert_eq!(
                    got,
                    Err(EvalError::SmallDifference { min_cases: 10 }),
                    "{k}"
                );
                assert!(shown.iter().all(|c| c.suppressed));
                refused += 1;
            } else {
                assert!(got.is_ok(), "{k} cases published as {published}: {got:?}");
                small_compared += usize::from(k < 10);
            }
        }
    }
    eprintln!("{refused} of 45 refused, {small_compared} differences of fewer than 10 cases published as 10 and compared");
    assert!(small_compared > 0 && refused >= 15);
}

#[test]
fn overlapping_comparisons_that_differ_by_a_small_cell_are_refused() {
    overlapping_comparison(dls_core::pilot::EVENTS_CSV, &pilot_options());
    // 280 cases over 31 kernen: 9 or 10 each.
    overlapping_comparison(
        &synthetic::events::events_csv(&EventScale::PILOT, 0..280, 13),
        &EvalOptions::default(),
    );
}

#[test]
fn the_same_cases_always_publish_the_same_figures() {
    // Keyed draws: the pilot's by-kern table published twice, and from a state merged from two
    // halves of its cases, is the same.
    let csv = dls_core::pilot::EVENTS_CSV;
    let opts = pilot_options();
    let one = states(csv, &opts);
    let ids = cases_of(csv);
    let half: std::collections::BTreeSet<&str> =
        ids.iter().step_by(2).map(String::as_str).collect();
    let split = |keep: bool| -> String {
        csv.lines()
            .enumerate()
            .filter(|(i, l)| *i == 0 || half.contains(l.split(',').next().unwrap_or("")) == keep)
            .map(|(_, l)| format!("{l}\n"))
            .collect()
    };
    let (x, y) = (states(&split(true), &opts), states(&split(false), &opts));
    let d = Disclosure::default();
    for ((s, a), b) in one.iter().zip(&x).zip(&y) {
        let mut m = a.clone();
        m.merge(b).unwrap();
        assert_eq!(s.finish(&d), m.finish(&d));
        assert_eq!(s.finish(&d), s.finish(&d));
    }
}
