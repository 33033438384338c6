//! The attacker's view of published figures: every published cell of the embedded pilot (by
//! kern × phase and by phase, default disclosure) is attacked from its own figures and from the
//! margins of its table; no exact count may come back. And the bootstrap does not depend on the
//! order of cases.

use std::collections::BTreeMap;

use dls_core::evaluation::{
    self, compare, CompareOptions, Dim, Disclosure, EvalOptions, Figures, Selection, Summary,
    Suppression, Table,
};

fn summary(group_by: Vec<Dim>) -> Summary {
    let opts = EvalOptions {
        directory: Some(dls_core::pilot::directory()),
        group_by,
        ..EvalOptions::default()
    };
    evaluation::evaluate(&dls_core::pilot::event_log(), &opts).summary
}

/// The exact counts a published (randomly rounded) count can stand for, before any other figure
/// is used: within `round_to − 1` of it.
fn interval(d: &Disclosure, published: u64) -> Vec<u64> {
    let w = d.round_to.max(1) - 1;
    (published.saturating_sub(w)..=published + w).collect()
}

/// Every (numerator, denominator-count) rate a published cell shows, with the published count
/// that plays its denominator: `rate == k / n` for the exact `n` if the rate leaks it.
fn rates(f: &Figures) -> Vec<f64> {
    let mut r = vec![
        f.handoffs_per_case,
        f.bounce_rate,
        f.loop_rate,
        f.organisations_per_case,
        f.escalation_rate,
        f.resolved_rate,
        f.reopened_rate,
    ];
    r.retain(|x| x.is_finite());
    r
}

/// Is `rate` some `k / n` (k a whole number), to the precision it is published with?
fn consistent(rate: f64, n: u64) -> bool {
    let k = (rate * n as f64).round();
    (k / n as f64 - rate).abs() < 1e-9
}

/// The candidate exact case counts of a published cell, given its own figures. The attacker
/// knows both ways a share can be published: from the exact counts (`k / n`, which pins `n`
/// down when only one `n` of the rounding interval fits every share), or from the published
/// counts (`K / N`, `K` and `N` rounded: every share is then a multiple of `round_to` over the
/// published count, and says nothing about where in its interval the exact count lies).
fn candidates(d: &Disclosure, f: &Figures) -> Vec<u64> {
    let rs = rates(f);
    let step = d.round_to.max(1) as f64;
    let from_published = rs.iter().all(|&r| {
        let k = r * f.cases as f64 / step;
        (k - k.round()).abs() < 1e-6
    });
    interval(d, f.cases)
        .into_iter()
        .filter(|&n| n >= d.min_cases.max(1))
        .filter(|&n| from_published || rs.iter().all(|&r| consistent(r, n)))
        .collect()
}

/// The interval of exact counts of every cell of a table: published cells from their own
/// figures, suppressed cells from their reason.
fn bounds(t: &Table) -> Vec<(u64, u64)> {
    let d = &t.disclosure;
    t.rows
        .iter()
        .map(|r| match (&r.figures, r.suppressed) {
            (Some(f), _) => {
                let c = candidates(d, f);
                (
                    *c.iter().min().unwrap_or(&0),
                    *c.iter().max().unwrap_or(&u64::MAX),
                )
            }
            (None, Some(Suppression::Primary)) => (1, d.min_cases - 1),
            (None, _) => (1, u64::MAX / 4),
        })
        .collect()
}

/// Attack from the margins: for each line of cells (all cells sharing the other key values)
/// whose total is published as `total` (an interval of exact counts), narrow each suppressed
/// cell to `total − the other cells`. Returns the keys of cells pinned down to one count.
fn margin_attack(
    t: &Table,
    dim: usize,
    totals: &BTreeMap<Vec<Option<String>>, (u64, u64)>,
) -> Vec<String> {
    let b = bounds(t);
    let mut lines: BTreeMap<Vec<Option<String>>, Vec<usize>> = BTreeMap::new();
    for (i, r) in t.rows.iter().enumerate() {
        let mut rest = r.key.clone();
        rest.remove(dim);
        lines.entry(rest).or_default().push(i);
    }
    let mut pinned = Vec::new();
    for (rest, line) in &lines {
        let Some(&(tlo, thi)) = totals.get(rest) else {
            continue;
        };
        for &j in line {
            if t.rows[j].figures.is_some() {
                continue;
            }
            let (olo, ohi) = line
                .iter()
                .filter(|&&i| i != j)
                .fold((0u64, 0u64), |(lo, hi), &i| {
                    (lo + b[i].0, hi.saturating_add(b[i].1))
                });
            let lo = tlo.saturating_sub(ohi).max(b[j].0);
            let hi = thi.saturating_sub(olo).min(b[j].1);
            if lo == hi {
                pinned.push(format!("{:?} = {lo} (margin)", t.rows[j].key));
            }
        }
    }
    pinned
}

#[test]
fn no_published_cell_of_the_pilot_gives_away_its_exact_count() {
    let mut pinned = Vec::new();
    let mut cells = 0;
    for group_by in [vec![Dim::Kern, Dim::Phase], vec![Dim::Phase]] {
        let s = summary(group_by);
        let t = &s.aggregates;
        for r in &t.rows {
            if let Some(f) = &r.figures {
                cells += 1;
                let c = candidates(&t.disclosure, f);
                assert!(!c.is_empty(), "{:?}: no count fits its own figures", r.key);
                if c.len() == 1 {
                    pinned.push(format!("{:?} = {} (own figures)", r.key, c[0]));
                }
            }
        }
    }
    assert!(cells >= 6, "{cells} published cells");
    assert!(
        pinned.is_empty(),
        "{} cells pinned: {pinned:#?}",
        pinned.len()
    );
}

#[test]
fn no_suppressed_cell_of_the_pilot_comes_back_from_the_margins() {
    let by_kern_phase = summary(vec![Dim::Kern, Dim::Phase]);
    let by_phase = summary(vec![Dim::Phase]);
    let d = by_phase.aggregates.disclosure;
    let to_interval = |v: &[u64]| (*v.iter().min().unwrap(), *v.iter().max().unwrap());
    // The by-phase table's published cells are the totals of the kern × phase lines along kern.
    let mut totals = BTreeMap::new();
    for r in &by_phase.aggregates.rows {
        if let Some(f) = &r.figures {
            totals.insert(r.key.clone(), to_interval(&candidates(&d, f)));
        }
    }
    let mut pinned = margin_attack(&by_kern_phase.aggregates, 0, &totals);
    // The by-kern table's published cells are the totals of the kern × phase lines along phase.
    let by_kern = summary(vec![Dim::Kern]);
    let mut totals = BTreeMap::new();
    for r in &by_kern.aggregates.rows {
        if let Some(f) = &r.figures {
            totals.insert(r.key.clone(), to_interval(&candidates(&d, f)));
        }
    }
    pinned.extend(margin_attack(&by_kern_phase.aggregates, 1, &totals));
    // The summary's case count is the total of the by-phase table's one line.
    let all = BTreeMap::from([(vec![], to_interval(&interval(&d, by_phase.cases)))]);
    pinned.extend(margin_attack(&by_phase.aggregates, 0, &all));
    assert!(
        pinned.is_empty(),
        "{} cells pinned: {pinned:#?}",
        pinned.len()
    );
}

#[test]
fn published_quantiles_need_a_minimum_of_values() {
    for group_by in [
        vec![Dim::Kern, Dim::Phase],
        vec![Dim::Phase],
        vec![Dim::Kern],
    ] {
        let s = summary(group_by);
        let d = s.aggregates.disclosure;
        for r in s.aggregates.rows.iter() {
            let Some(f) = &r.figures else { continue };
            for g in [&f.first_contact, &f.right_place] {
                if g.median_days.is_some() || g.p90_days.is_some() {
                    // The size rule reads the published count (p90 of 13 values, published as
                    // 15, is withheld).
                    assert!(
                        g.ended >= d.min_quantile,
                        "{:?}: quantile of {} values",
                        r.key,
                        g.ended
                    );
                }
            }
        }
        for w in &s.problems.waits {
            if w.median_days.is_some() || w.p90_days.is_some() {
                assert!(
                    w.answered >= d.min_quantile,
                    "{}: {} values",
                    w.organisation,
                    w.answered
                );
            }
        }
    }
}

#[test]
fn bootstrap_intervals_do_not_depend_on_case_order() {
    // The embedded pilot's rows, grouped by case, re-assembled in other case orders.
    let mut lines = dls_core::pilot::EVENTS_CSV.lines();
    let header = lines.next().unwrap();
    let mut by_case: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut order = Vec::new();
    for l in lines.filter(|l| !l.is_empty()) {
        let id = l.split(',').next().unwrap();
        if !by_case.contains_key(id) {
            order.push(id);
        }
        by_case.entry(id).or_default().push(l);
    }
    let phase = |p: &str| Selection {
        phase: Some(p.into()),
        ..Selection::default()
    };
    let run = |order: &[&str]| {
        let mut csv = format!("{header}\n");
        for c in order {
            for l in &by_case[c] {
                csv.push_str(l);
                csv.push('\n');
            }
        }
        let ing = evaluation::ingest_csv_str(&csv).unwrap();
        assert!(ing.rejected.is_empty());
        let opts = EvalOptions {
            directory: Some(dls_core::pilot::directory()),
            ..EvalOptions::default()
        };
        let per_case = evaluation::evaluate(&ing.log, &opts).per_case;
        compare(
            &per_case,
            &phase("pilot"),
            &phase("baseline"),
            &CompareOptions::default(),
        )
    };
    let first = run(&order);
    assert!(first.iter().any(|c| c.ci_low.is_some()), "{first:?}");
    let mut reversed = order.clone();
    reversed.reverse();
    assert_eq!(first, run(&reversed));
    // An interleaving: every third case first.
    let mut shuffled: Vec<&str> = order.iter().step_by(3).copied().collect();
    shuffled.extend(order.iter().skip(1).step_by(3));
    shuffled.extend(order.iter().skip(2).step_by(3));
    assert_eq!(first, run(&shuffled));
}

/// Exact margin attack on one table: `total` minus the published cells of a line gives the
/// suppressed cell when it is the only one hidden, or when the others hidden are too few to hide it.
fn pinned_by_margin(
    keys: &[Vec<Option<String>>],
    cases: &[u64],
    sup: &[Option<Suppression>],
    dim: usize,
) -> Vec<String> {
    let mut lines: BTreeMap<Vec<Option<String>>, Vec<usize>> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate() {
        let mut rest = k.clone();
        rest.remove(dim);
        lines.entry(rest).or_default().push(i);
    }
    lines
        .values()
        .filter_map(|line| {
            let hidden: Vec<usize> = line.iter().copied().filter(|&i| sup[i].is_some()).collect();
            (hidden.len() == 1).then(|| format!("{:?} = {}", keys[hidden[0]], cases[hidden[0]]))
        })
        .collect()
}

#[test]
fn a_municipality_with_one_kern_does_not_give_its_cell_away_through_the_phase_total() {
    let key = |k: &str, p: &str| vec![Some(k.to_string()), Some(p.to_string())];
    let keys = vec![
        key("a1", "baseline"),
        key("a1", "pilot"),
        key("a2", "baseline"),
        key("a2", "pilot"),
        key("b1", "baseline"),
        key("b1", "pilot"),
    ];
    let cases = [40, 40, 30, 30, 50, 3];
    let kern_municipality = BTreeMap::from([
        ("a1".to_string(), "GM0001".to_string()),
        ("a2".to_string(), "GM0001".to_string()),
        ("b1".to_string(), "GM0002".to_string()),
    ]);
    let d = Disclosure::default();
    let sup = evaluation::table::suppress(
        &keys,
        &cases,
        &[Dim::Kern, Dim::Phase],
        &kern_municipality,
        &d,
    );
    assert_eq!(sup[5], Some(Suppression::Primary));
    // The by-phase totals (over every kern) and the by-kern totals (over every phase) are
    // published margins: neither may leave one suppressed cell alone in its line.
    let mut pinned = pinned_by_margin(&keys, &cases, &sup, 0);
    pinned.extend(pinned_by_margin(&keys, &cases, &sup, 1));
    assert!(pinned.is_empty(), "{pinned:?}");
}
