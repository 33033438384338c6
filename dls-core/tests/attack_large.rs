//! The attacker of issue 13 on a 100,000-case generated log (and the embedded pilot), as a
//! constraint solver: every published figure of every output is a fact about the exact counts
//! behind it, and the attacker combines all of them to narrow each count.
//!
//! What the attacker sees, all from the same data:
//! - nine aggregate tables (kern × phase, kern, phase, month, kern × month, phase × month,
//!   kern × phase × month, need × kern × month, need × phase) and the summary's total;
//! - comparisons (`compare`) of pilot against baseline per quarter and of pairs of kernen;
//! - the frequent-problems table;
//! - every one of these again with one case removed, for a set of cases chosen where it hurts
//!   most (cells at the threshold) and spread over the log.
//!
//! The exact counts are unknowns per cell of the finest partition (kern × phase × need ×
//! month), one per published count: cases, ended and open durations, handoffs, bounces,
//! cases bounced, loops, cases looped, organisations, escalations, cases escalated, resolved,
//! reopened (shares and means times the published count of cases give their published
//! numerators). Each published count `P` says the exact one lies within `b − 1` of it (random
//! rounding to a multiple of `b`); a suppressed cell says its (published) size is below, or at
//! least, the threshold; a row that exists holds a case; per cell, ended + open = cases and a
//! count of cases with something is at most the cases and at most the count of the thing. The
//! removed case adds unknowns of its own (its attributes; it is one case). The attacker
//! tightens every bound until nothing changes (interval propagation over the sums) and looks
//! for any count, of any published cell or of the removed case, pinned to one value: a
//! recovery. The truth is checked to lie inside every bound (the attacker's facts are true).
//!
//! The same attacker sees the vroegsignalering figures (`signals::signal_metrics`, kern × month:
//! households, contacted, accepted, prevented and their shares) of a generated feed, with one
//! proactive case removed in turn ([`signals_attack`]).
//!
//! The control: the same attacker against the same data published weakly (built here from the
//! library's raw and rounded outputs, see [`Publisher`]: the threshold on exact counts with
//! small rows listed, as before issue 13's fixes, or shares from exact counts, item 1(a)) must
//! recover counts, so that these tests would catch a regression of the policy.
//!
//! The whole file (the 100,000-case run, the pilot, the signals and the controls) takes about
//! 39 CPU-seconds in a debug build (RELIABILITY.md);
//! `DLS_ATTACK_CASES=N cargo test -p dls-core --test attack_large` sets another size (and
//! `DLS_ATTACK_HOUSEHOLDS=N` the signal feed's). The
//! phases' times are printed (not asserted).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use dls_core::evaluation::state::Summary;
use dls_core::evaluation::{
    self, compare, table::Row, Cell, CompareOptions, Comparison, Dim, Disclosure, Durations,
    EvalOptions, EvalState, Figures, Metric, Selection, Suppression,
};
use dls_core::signals::{self, ProactiveCase, SignalMetricsRow, SignalTable};
use dls_core::synthetic::{self, events::EventScale};

mod signal_feed;

const FINEST: [Dim; 4] = [Dim::Kern, Dim::Phase, Dim::Need, Dim::Month];

const TABLES: [&[Dim]; 9] = [
    &[Dim::Kern, Dim::Phase],
    &[Dim::Kern],
    &[Dim::Phase],
    &[Dim::Month],
    &[Dim::Kern, Dim::Month],
    &[Dim::Phase, Dim::Month],
    &[Dim::Kern, Dim::Phase, Dim::Month],
    &[Dim::Need, Dim::Kern, Dim::Month],
    &[Dim::Need, Dim::Phase],
];

/// The published counts of a cell, in this order.
const FIGURES: [&str; 15] = [
    "cases",
    "first contact ended",
    "first contact open",
    "right place ended",
    "right place open",
    "handoffs",
    "bounces",
    "cases bounced",
    "loops",
    "cases looped",
    "organisations",
    "escalations",
    "cases escalated",
    "resolved",
    "reopened",
];
const NF: usize = FIGURES.len();
const CASES: usize = 0;
/// `(count of cases with it, count of it)`, and shares bounded by the cases.
const AT_MOST: [(usize, usize); 8] = [
    (7, 6),
    (9, 8),
    (12, 11),
    (7, CASES),
    (9, CASES),
    (12, CASES),
    (13, CASES),
    (14, CASES),
];
const BIG: i64 = 1 << 40;

/// The counts of a cell as published (shares and means times the published cases); on a raw
/// table, the exact counts.
fn counts(f: &Figures) -> [i64; NF] {
    let n = f.cases as f64;
    let r = |x: f64| (x * n).round() as i64;
    [
        f.cases as i64,
        f.first_contact.ended as i64,
        f.first_contact.open as i64,
        f.right_place.ended as i64,
        f.right_place.open as i64,
        f.handoffs as i64,
        f.bounces as i64,
        r(f.bounce_rate),
        f.loops as i64,
        r(f.loop_rate),
        r(f.organisations_per_case),
        f.escalations as i64,
        r(f.escalation_rate),
        f.resolved as i64,
        f.reopened as i64,
    ]
}

/// A fact: `Σ plus − Σ minus ∈ [lo, hi]`.
#[derive(Clone)]
struct Con {
    plus: Vec<u32>,
    minus: Vec<u32>,
    lo: i64,
    hi: i64,
}

/// The attacker's knowledge: bounds per unknown and the facts over them.
#[derive(Clone)]
struct Model {
    lo: Vec<i64>,
    hi: Vec<i64>,
    cons: Vec<Con>,
    of_var: Vec<Vec<u32>>,
}

impl Model {
    fn new(vars: usize) -> Self {
        Model {
            lo: vec![0; vars],
            hi: vec![BIG; vars],
            cons: Vec::new(),
            of_var: vec![Vec::new(); vars],
        }
    }

    fn add(&mut self, plus: Vec<u32>, minus: Vec<u32>, lo: i64, hi: i64) -> usize {
        let id = self.cons.len();
        for &v in plus.iter().chain(&minus) {
            self.of_var[v as usize].push(id as u32);
        }
        self.cons.push(Con {
            plus,
            minus,
            lo,
            hi,
        });
        id
    }

    /// The sums a fact's terms can still take.
    fn range(&self, c: &Con) -> (i64, i64) {
        let mut lo = 0;
        let mut hi = 0;
        for &v in &c.plus {
            lo += self.lo[v as usize];
            hi += self.hi[v as usize];
        }
        for &v in &c.minus {
            lo -= self.hi[v as usize];
            hi -= self.lo[v as usize];
        }
        (lo.max(c.lo), hi.min(c.hi))
    }

    /// Tightens bounds from the facts in `work` (and every fact of a variable that moved)
    /// until nothing changes, in rounds: each round visits each waiting fact once.
    fn propagate(&mut self, mut work: Vec<u32>) {
        let mut queued = vec![false; self.cons.len()];
        while !work.is_empty() {
            let mut next = Vec::new();
            for &ci in &work {
                queued[ci as usize] = false;
            }
            for ci in work {
                let c = &self.cons[ci as usize];
                let (mut slo, mut shi) = (0i64, 0i64);
                for &v in &c.plus {
                    slo += self.lo[v as usize];
                    shi += self.hi[v as usize];
                }
                for &v in &c.minus {
                    slo -= self.hi[v as usize];
                    shi -= self.lo[v as usize];
                }
                if slo >= c.lo && shi <= c.hi {
                    continue; // nothing to tighten
                }
                let mut moved: Vec<u32> = Vec::new();
                let terms = c.plus.iter().map(|v| (*v, true));
                for (v, plus) in terms.chain(c.minus.iter().map(|v| (*v, false))) {
                    let (l, h) = (self.lo[v as usize], self.hi[v as usize]);
                    let (nl, nh) = if plus {
                        // x ∈ [c.lo − (rest hi), c.hi − (rest lo)]
                        (c.lo - (shi - h), c.hi - (slo - l))
                    } else {
                        // −x ∈ [c.lo − rest hi, c.hi − rest lo], rest = s + x
                        (slo + h - c.hi, shi + l - c.lo)
                    };
                    let (nl, nh) = (nl.max(l), nh.min(h));
                    assert!(nl <= nh, "the attacker's facts contradict each other");
                    if (nl, nh) != (l, h) {
                        moved.push(v);
                        self.lo[v as usize] = nl;
                        self.hi[v as usize] = nh;
                    }
                }
                for v in moved {
                    for &o in &self.of_var[v as usize] {
                        if !queued[o as usize] {
                            queued[o as usize] = true;
                            next.push(o);
                        }
                    }
                }
            }
            work = next;
        }
    }
}

/// What exact counts a published count `p` allows (random rounding to `b`).
fn around(p: u64, b: u64) -> (i64, i64) {
    let (p, b) = (p as i64, b as i64);
    ((p - b + 1).max(0), p + b - 1)
}

/// The exact sizes a cell can have when its published size is below `min` (suppressed as too
/// small), and when it is at least `min`.
fn below(d: &Disclosure) -> (i64, i64) {
    let b = d.round_to.max(1) as i64;
    let m = d.min_cases as i64;
    // the largest multiple of b below min, plus b − 1
    (1, (m - 1) / b * b + b - 1)
}
fn at_least(d: &Disclosure) -> i64 {
    let b = d.round_to.max(1) as i64;
    let m = d.min_cases as i64;
    ((m + b - 1) / b * b - b + 1).max(1)
}

/// How the outputs are published: under the real policy, or deliberately weakened (built in
/// this file from the library's raw and rounded outputs, no public knob) as the attacker's
/// control: on a weak publication the same attacker must recover counts, so that a
/// regression of the policy would fail these tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Publisher {
    /// [`Disclosure::default`]: what the library publishes.
    Real,
    /// As before issue 13's fixes: the threshold and secondary suppression read the *exact*
    /// counts, and cells too small to publish are listed as suppressed.
    ExactThreshold,
    /// Issue 13, item 1(a): rounded counts next to shares and means computed from the exact
    /// counts.
    ExactRates,
}

/// What the attacker knows about the policy: the exact sizes a cell too small to publish can
/// have, the least size of a cell published (or hidden by secondary suppression), and the
/// exact size of a cell (with the removed case) whose row is gone once the case is removed.
struct Knowledge {
    below: (i64, i64),
    at_least: i64,
    gone: (i64, i64),
}

impl Publisher {
    fn knowledge(self, d: &Disclosure) -> Knowledge {
        match self {
            Publisher::Real | Publisher::ExactRates => Knowledge {
                below: below(d),
                at_least: at_least(d),
                gone: (1, below(d).1 + 1),
            },
            Publisher::ExactThreshold => Knowledge {
                below: (1, d.min_cases as i64 - 1),
                at_least: d.min_cases as i64,
                // every row with a case is listed: a row gone held only the removed case
                gone: (1, 1),
            },
        }
    }

    /// The published summary of `s` under `d`, the way this publisher publishes it.
    fn publish(self, s: &EvalState, d: &Disclosure) -> Summary {
        let real = s.finish(d);
        if self == Publisher::Real {
            return real;
        }
        // every cell, rounded with the library's own draws, and every cell exact
        let every = s.finish(&Disclosure {
            min_cases: 0,
            secondary: false,
            ..*d
        });
        let raw = s.finish(&Disclosure::raw()).aggregates.rows;
        let mut out = real.clone();
        match self {
            Publisher::Real => unreachable!(),
            Publisher::ExactThreshold => {
                let keys: Vec<_> = raw.iter().map(|r| r.key.clone()).collect();
                let exact: Vec<u64> = raw
                    .iter()
                    .map(|r| r.figures.as_ref().unwrap().cases)
                    .collect();
                let sup = evaluation::table::suppress(
                    &keys,
                    &exact,
                    &s.group_by,
                    &s.kern_municipality,
                    d,
                );
                out.aggregates.rows = every
                    .aggregates
                    .rows
                    .into_iter()
                    .zip(sup)
                    .map(|(mut r, sup)| {
                        r.suppressed = sup;
                        if sup.is_some() {
                            r.figures = None;
                        }
                        r
                    })
                    .collect();
            }
            Publisher::ExactRates => {
                let exact: BTreeMap<_, _> = raw
                    .iter()
                    .map(|r| (r.key.clone(), r.figures.clone().unwrap()))
                    .collect();
                for r in &mut out.aggregates.rows {
                    let (Some(f), Some(x)) = (r.figures.as_mut(), exact.get(&r.key)) else {
                        continue;
                    };
                    f.handoffs_per_case = x.handoffs_per_case;
                    f.bounce_rate = x.bounce_rate;
                    f.loop_rate = x.loop_rate;
                    f.organisations_per_case = x.organisations_per_case;
                    f.escalation_rate = x.escalation_rate;
                    f.resolved_rate = x.resolved_rate;
                    f.reopened_rate = x.reopened_rate;
                }
            }
        }
        out
    }
}

/// The shares and means of a cell with the figure of their numerators.
fn rates(f: &Figures) -> [(usize, f64); 7] {
    [
        (5, f.handoffs_per_case),
        (7, f.bounce_rate),
        (9, f.loop_rate),
        (10, f.organisations_per_case),
        (12, f.escalation_rate),
        (13, f.resolved_rate),
        (14, f.reopened_rate),
    ]
}

/// For a cell whose shares and means may be exact (`k / n`): the exact sizes `n` its rounded
/// count allows for which every share is some whole `k` over `n`, and the bounds of each
/// numerator over those sizes.
/// Bounds of a cell's size, and of each numerator: `(figure, lo, hi)`.
type RateBounds = ((i64, i64), Vec<(usize, i64, i64)>);

fn exact_rate_bounds(f: &Figures, b: u64, least: i64) -> RateBounds {
    let (lo, hi) = around(f.cases, b);
    let fits = |n: i64| {
        rates(f).iter().all(|&(_, r)| {
            let k = (r * n as f64).round();
            (k / n as f64 - r).abs() < 1e-9
        })
    };
    let ns: Vec<i64> = (lo.max(least).max(1)..=hi).filter(|&n| fits(n)).collect();

    assert!(!ns.is_empty(), "no size fits the cell's own figures");
    let nums = rates(f)
        .iter()
        .map(|&(fig, r)| {
            let ks = ns.iter().map(|&n| (r * n as f64).round() as i64);
            (fig, ks.clone().min().unwrap(), ks.max().unwrap())
        })
        .collect();
    ((ns[0], *ns.last().unwrap()), nums)
}

struct World {
    /// Finest cells: key (kern, phase, need, month) and index.
    cells: Vec<Vec<Option<String>>>,
    /// Per table: row key → finest cells.
    members: Vec<BTreeMap<Vec<Option<String>>, Vec<u32>>>,
    /// Exact counts per finest cell.
    truth: Vec<[i64; NF]>,
    y0: usize,
}

impl World {
    fn var(&self, f: usize, cell: u32) -> u32 {
        (f * self.cells.len()) as u32 + cell
    }
    /// The removed case's unknowns.
    fn y(&self, f: usize) -> u32 {
        (self.y0 + f) as u32
    }
    fn vars(&self) -> usize {
        self.y0 + NF
    }
    fn truth_of(&self, v: usize) -> i64 {
        let n = self.cells.len();
        self.truth[v % n][v / n]
    }
}

fn project(key: &[Option<String>], dims: &[Dim]) -> Vec<Option<String>> {
    dims.iter()
        .map(|d| key[FINEST.iter().position(|x| x == d).unwrap()].clone())
        .collect()
}

/// Facts of one published table; `removed` is the removed case's finest cell (and its facts
/// are then about the sums without it). Returns the facts added.
#[allow(clippy::too_many_arguments)]
fn table_facts(
    m: &mut Model,
    w: &World,
    d: &Disclosure,
    pubr: Publisher,
    t: usize,
    rows: &[Row],
    removed: Option<&[Option<String>]>,
    skip: &dyn Fn(&Row) -> bool,
) -> Vec<u32> {
    let dims = TABLES[t];
    let b = d.round_to;
    let mut added = Vec::new();
    let own = removed.map(|k| project(k, dims));
    for r in rows {
        if skip(r) {
            continue;
        }
        let members = &w.members[t][&r.key];
        let holds = own.as_ref() == Some(&r.key);
        let sum = |f: usize| members.iter().map(|&c| w.var(f, c)).collect::<Vec<u32>>();
        // the removed case: one case (known), its other counts unknown
        let term = |f: usize| -> (i64, Vec<u32>) {
            match (holds, f) {
                (false, _) => (0, vec![]),
                (true, CASES) => (1, vec![]),
                (true, _) => (0, vec![w.y(f)]),
            }
        };
        let k = pubr.knowledge(d);
        match (&r.figures, r.suppressed) {
            (Some(f), _) if pubr == Publisher::ExactRates => {
                // the counts as published; the shares and means as exact ratios
                let ((nlo, nhi), nums) = exact_rate_bounds(f, b, k.at_least);
                let (s, _) = term(CASES);
                added.push(m.add(sum(CASES), vec![], nlo + s, nhi + s) as u32);
                for (i, &pi) in counts(f).iter().enumerate() {
                    if rates(f).iter().any(|&(fig, _)| fig == i) && ![5, 13, 14].contains(&i) {
                        continue; // not a published count
                    }
                    let (lo, hi) = around(pi as u64, b);
                    let (s, minus) = term(i);
                    added.push(m.add(sum(i), minus, lo + s, hi + s) as u32);
                }
                for (i, lo, hi) in nums {
                    let (s, minus) = term(i);
                    added.push(m.add(sum(i), minus, lo + s, hi + s) as u32);
                }
            }
            (Some(f), _) => {
                let p = counts(f);
                for (i, &pi) in p.iter().enumerate() {
                    let (lo, hi) = around(pi as u64, b);
                    let (s, minus) = term(i);
                    let lo = if i == CASES { lo.max(k.at_least) } else { lo };
                    added.push(m.add(sum(i), minus, lo + s, hi + s) as u32);
                }
            }
            (None, Some(Suppression::Primary)) => {
                let (lo, hi) = k.below;
                let (s, _) = term(CASES);
                added.push(m.add(sum(CASES), vec![], lo + s, hi + s) as u32);
            }
            (None, _) => {
                let (s, _) = term(CASES);
                added.push(m.add(sum(CASES), vec![], k.at_least + s, BIG) as u32);
            }
        }
    }
    added
}

/// Which finest cells a comparison's side covers (kernen, phase, months).
fn side_cells(w: &World, s: &Selection) -> Vec<u32> {
    let month = |d: &NaiveDate| d.format("%Y-%m").to_string();
    (0..w.cells.len() as u32)
        .filter(|&i| {
            let k = &w.cells[i as usize];
            let (kern, phase, mon) = (k[0].as_deref(), k[1].as_deref(), k[3].as_deref());
            s.kernen
                .as_ref()
                .is_none_or(|ks| kern.is_some_and(|x| ks.iter().any(|y| y == x)))
                && s.phase.as_deref().is_none_or(|p| phase == Some(p))
                && s.from
                    .as_ref()
                    .is_none_or(|f| mon.is_some_and(|x| x >= month(f).as_str()))
                && s.until
                    .as_ref()
                    .is_none_or(|u| mon.is_some_and(|x| x < month(u).as_str()))
        })
        .collect()
}

fn metric_figure(m: Metric) -> Option<usize> {
    Some(match m {
        Metric::ReachedRightPlace => 3,
        Metric::Handoffs => 5,
        Metric::Bounces => 6,
        Metric::Loops => 8,
        Metric::Organisations => 10,
        Metric::Escalations => 11,
        Metric::Resolved => 13,
        Metric::Reopened => 14,
        Metric::FirstContactDays | Metric::RightPlaceDays => return None,
    })
}

/// One side's estimate of a comparison.
type Side = dyn Fn(&Comparison) -> evaluation::compare::Estimate;

/// Facts of one comparison: each side's published cases, and each published mean or share
/// times them.
fn compare_facts(
    m: &mut Model,
    w: &World,
    d: &Disclosure,
    sides: (&Selection, &Selection),
    cs: &[Comparison],
) -> Vec<u32> {
    let mut added = Vec::new();
    let a = |c: &Comparison| c.a.clone();
    let b = |c: &Comparison| c.b.clone();
    let sides: [(&Selection, &Side); 2] = [(sides.0, &a), (sides.1, &b)];
    for (sel, est) in sides {
        let cells = side_cells(w, sel);
        let sum = |f: usize| cells.iter().map(|&c| w.var(f, c)).collect::<Vec<u32>>();
        let cases = est(&cs[0]).cases;
        let (lo, hi) = around(cases, d.round_to);
        added.push(m.add(sum(CASES), vec![], lo.max(1), hi) as u32);
        for c in cs {
            let e = est(c);
            assert_eq!(e.cases, cases, "a side publishes one count of cases");
            let (Some(f), Some(v)) = (metric_figure(c.metric), e.value) else {
                continue;
            };
            let p = (v * cases as f64).round();
            assert!(
                ((v * cases as f64) - p).abs() < 1e-6 && p as u64 % d.round_to == 0,
                "{:?}: a mean or share that is not a published count over published cases",
                c.metric
            );
            let (lo, hi) = around(p as u64, d.round_to);
            added.push(m.add(sum(f), vec![], lo, hi) as u32);
        }
    }
    added
}

/// The state of `finest` grouped by `dims` (a subset of its dimensions): its cells merged.
fn project_state(finest: &EvalState, dims: &[Dim]) -> EvalState {
    let mut s = finest.clone();
    s.group_by = dims.to_vec();
    s.cells = BTreeMap::new();
    for (k, c) in &finest.cells {
        match s.cells.entry(project(k, dims)) {
            std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().merge(c),
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(c.clone());
            }
        }
    }
    s
}

/// The cell of `full` without the case whose cell (alone) is `own`.
fn without_cell(full: &Cell, own: &Cell) -> Option<Cell> {
    if full.cases == own.cases {
        return None;
    }
    let minus = |a: &Durations, b: &Durations| -> Durations {
        let mut vals: Vec<i64> = a.values().expect("exact below a million").to_vec();
        for v in b.values().unwrap() {
            let i = vals
                .binary_search(v)
                .expect("the case's value is in its cell");
            vals.remove(i);
        }
        Durations::from_values(vals)
    };
    let mut c = full.clone();
    c.cases -= own.cases;
    c.first_contact = minus(&full.first_contact, &own.first_contact);
    c.first_contact_open -= own.first_contact_open;
    c.right_place = minus(&full.right_place, &own.right_place);
    c.right_place_open -= own.right_place_open;
    c.handoffs -= own.handoffs;
    c.bounces -= own.bounces;
    c.cases_bounced -= own.cases_bounced;
    c.loops -= own.loops;
    c.cases_looped -= own.cases_looped;
    c.organisations -= own.organisations;
    c.escalations -= own.escalations;
    c.cases_escalated -= own.cases_escalated;
    c.resolved -= own.resolved;
    c.reopened -= own.reopened;
    for (a, b) in c.clocks.iter_mut().zip(own.clocks.iter()) {
        a.met -= b.met;
        a.missed -= b.missed;
        a.running -= b.running;
        a.overdue -= b.overdue;
    }
    c.key = full.key.wrapping_sub(own.key);
    Some(c)
}

/// The published summary of `full` without the case whose one-case state is `own` (`full`
/// is changed for the call and put back).
fn finish_without(
    full: &mut EvalState,
    own: &EvalState,
    d: &Disclosure,
    pubr: Publisher,
) -> Summary {
    let saved_cells: Vec<(Vec<Option<String>>, Cell)> = own
        .cells
        .keys()
        .map(|k| (k.clone(), full.cells[k].clone()))
        .collect();
    let saved_problems = full.problems.clone();
    full.cases -= own.cases;
    full.events -= own.events;
    for (k, oc) in &own.cells {
        match without_cell(&full.cells[k], oc) {
            Some(c) => {
                full.cells.insert(k.clone(), c);
            }
            None => {
                full.cells.remove(k);
            }
        }
    }
    let p = &mut full.problems;
    for (k, n) in &own.problems.bounce_paths {
        let e = p.bounce_paths.get_mut(k).unwrap();
        *e -= n;
        if *e == 0 {
            p.bounce_paths.remove(k);
        }
    }
    for (k, n) in &own.problems.rejection_reasons {
        let e = p.rejection_reasons.get_mut(k).unwrap();
        *e -= n;
        if *e == 0 {
            p.rejection_reasons.remove(k);
        }
    }
    for (k, ow) in &own.problems.waits {
        let e = p.waits.get_mut(k).unwrap();
        let mut vals: Vec<i64> = e.answered.values().unwrap().to_vec();
        for v in ow.answered.values().unwrap() {
            let i = vals.binary_search(v).unwrap();
            vals.remove(i);
        }
        e.answered = Durations::from_values(vals);
        e.unanswered -= ow.unanswered;
        if e.answered.count() == 0 && e.unanswered == 0 {
            p.waits.remove(k);
        }
    }
    let out = pubr.publish(full, d);
    full.cases += own.cases;
    full.events += own.events;
    for (k, c) in saved_cells {
        full.cells.insert(k, c);
    }
    full.problems = saved_problems;
    out
}

/// The frequent-problems table as facts about its exact entry counts (an unknown each), with
/// the same table without one case (whose contributions are unknowns of their own). Returns
/// the entries pinned.
fn problems_attack(d: &Disclosure, full: &Summary, rest: &[(Summary, Summary)]) -> usize {
    let entries = |s: &Summary| -> BTreeMap<String, u64> {
        let p = &s.problems;
        let mut m = BTreeMap::new();
        for b in &p.bounce_paths {
            m.insert(format!("path {} {}", b.from, b.via), b.count);
        }
        for (r, n) in &p.rejection_reasons {
            m.insert(format!("reason {r}"), *n);
        }
        for wt in &p.waits {
            m.insert(format!("answered {}", wt.organisation), wt.answered);
            m.insert(format!("unanswered {}", wt.organisation), wt.unanswered);
        }
        m
    };
    let b = d.round_to;
    let first = entries(full);
    let mut pinned = 0;
    for (with, without) in rest {
        let (one, two) = (entries(with), entries(without));
        for (k, &p1) in &one {
            let (lo, hi) = around(p1, b);
            // without the case: x − y ∈ around(p2), y ≥ 0 unknown; listed or not
            let (lo2, _) = match two.get(k) {
                Some(&p2) => around(p2, b),
                None => (0, 0),
            };
            let (lo, hi) = (lo.max(lo2), hi);
            assert!(lo <= hi);
            pinned += (lo == hi) as usize;
        }
        let _ = &first;
    }
    pinned
}

#[derive(Debug, Default)]
struct Outcome {
    tables: usize,
    cells: usize,
    comparisons: usize,
    facts: usize,
    removed: usize,
    differenced_cells: usize,
    problem_entries: usize,
    recoveries: Vec<String>,
    suppressed_pinned: usize,
}

/// Plays the whole attack on one log.
fn attack(csv: &str, opts: &EvalOptions, removals: usize, pubr: Publisher) -> Outcome {
    let d = Disclosure::default();
    let t0 = std::time::Instant::now();
    let lap = |what: &str| eprintln!("{:>8.2?} {what}", t0.elapsed());
    let ing = evaluation::ingest_csv_str(csv).expect("the log reads");
    assert!(ing.rejected.is_empty());
    let mut o = EvalOptions {
        group_by: FINEST.to_vec(),
        ..opts.clone()
    };
    lap("ingest");
    let ev = evaluation::evaluate(&ing.log, &o);
    lap("evaluated");
    let per_case = ev.per_case;
    let finest = ev.state.finish(&Disclosure::raw()).aggregates;
    let cells: Vec<Vec<Option<String>>> = finest.rows.iter().map(|r| r.key.clone()).collect();
    let truth: Vec<[i64; NF]> = finest
        .rows
        .iter()
        .map(|r| counts(r.figures.as_ref().unwrap()))
        .collect();
    let index: BTreeMap<Vec<Option<String>>, u32> = cells
        .iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), i as u32))
        .collect();
    let members: Vec<BTreeMap<Vec<Option<String>>, Vec<u32>>> = TABLES
        .iter()
        .map(|dims| {
            let mut m: BTreeMap<_, Vec<u32>> = BTreeMap::new();
            for (k, &i) in &index {
                m.entry(project(k, dims)).or_default().push(i);
            }
            m
        })
        .collect();
    let y0 = NF * cells.len();
    let w = World {
        cells,
        members,
        truth,
        y0,
    };
    let mut m = Model::new(w.vars());
    // Per cell (and for the removed case): ended + open = cases; a count of cases with
    // something is at most the cases and at most the count of the thing.
    let structure = |m: &mut Model, v: &dyn Fn(usize) -> u32| {
        m.add(vec![v(1), v(2)], vec![v(CASES)], 0, 0);
        m.add(vec![v(3), v(4)], vec![v(CASES)], 0, 0);
        for (a, b) in AT_MOST {
            m.add(vec![v(a)], vec![v(b)], -BIG, 0);
        }
    };
    for c in 0..w.cells.len() as u32 {
        structure(&mut m, &|f| w.var(f, c));
    }
    structure(&mut m, &|f| w.y(f));
    m.lo[w.y(CASES) as usize] = 1;
    m.hi[w.y(CASES) as usize] = 1;
    // The published tables and the total.
    let mut states = Vec::new();
    let mut published = Vec::new();
    let mut out = Outcome::default();
    for (t, dims) in TABLES.iter().enumerate() {
        let s = project_state(&ev.state, dims);
        let p = pubr.publish(&s, &d);
        if pubr == Publisher::Real {
            own_figures(&d, &p.aggregates.rows);
        }
        table_facts(&mut m, &w, &d, pubr, t, &p.aggregates.rows, None, &|_| {
            false
        });
        out.tables += 1;
        out.cells += p.aggregates.rows.len();
        states.push(s);
        published.push(p);
    }
    let all: Vec<u32> = (0..w.cells.len() as u32).map(|c| w.var(CASES, c)).collect();
    let (lo, hi) = around(published[0].cases, d.round_to);
    m.add(all, vec![], lo, hi);
    // Comparisons: pilot against baseline per quarter, pairs of kernen.
    let copts = CompareOptions {
        iterations: 0,
        ..CompareOptions::default()
    };
    let mut kernen: Vec<String> = per_case
        .iter()
        .filter_map(|c| c.kern.as_deref().map(str::to_string))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    kernen.sort();
    let mut pairs: Vec<(Selection, Selection)> = Vec::new();
    for q in 0..8 {
        let from = NaiveDate::from_ymd_opt(2025 + q / 4, (q % 4) as u32 * 3 + 1, 1).unwrap();
        let until = if q % 4 == 3 {
            NaiveDate::from_ymd_opt(2026 + q / 4, 1, 1).unwrap()
        } else {
            NaiveDate::from_ymd_opt(2025 + q / 4, (q % 4) as u32 * 3 + 4, 1).unwrap()
        };
        let side = |p: &str| Selection {
            from: Some(from),
            until: Some(until),
            phase: Some(p.to_string()),
            ..Selection::default()
        };
        pairs.push((side("pilot"), side("baseline")));
    }
    for ks in kernen.chunks(4) {
        if ks.len() == 4 {
            let side = |k: &[String]| Selection {
                kernen: Some(k.to_vec()),
                ..Selection::default()
            };
            pairs.push((side(&ks[..2]), side(&ks[2..])));
        }
    }
    for (a, b) in &pairs {
        // only the cases of either side count (the same output as over every case, cheaper)
        let both: Vec<_> = per_case
            .iter()
            .filter(|c| a.contains(c) || b.contains(c))
            .cloned()
            .collect();
        let cs = compare(&both, a, b, &copts);
        compare_facts(&mut m, &w, &d, (a, b), &cs);
        out.comparisons += 1;
    }
    lap("tables and comparisons");
    // The attack on one output set.
    let work: Vec<u32> = (0..m.cons.len() as u32).collect();
    m.propagate(work);
    check_truth(&m, &w, None);
    out.facts = m.cons.len();
    recoveries(&m, &w, &d, &published, None, &mut out);
    lap("attack on the outputs");
    // With one case removed: cases in the need × kern × month cells at the threshold first,
    // then spread over the log.
    let nkm = &states[7];
    let mut by_size: Vec<(u64, &Vec<Option<String>>)> =
        nkm.cells.iter().map(|(k, c)| (c.cases, k)).collect();
    by_size.sort();
    let near: BTreeSet<Vec<Option<String>>> = by_size
        .iter()
        .filter(|(n, _)| (d.min_cases - 1..=d.min_cases + 2).contains(n))
        .map(|(_, k)| (*k).clone())
        .collect();
    let mut chosen: Vec<usize> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, c) in per_case.iter().enumerate() {
        let key = vec![
            c.need.as_deref().map(str::to_string),
            c.kern.as_deref().map(str::to_string),
            Some(
                evaluation::time::day_to_date(evaluation::time::local_day(c.opened.timestamp()))
                    .format("%Y-%m")
                    .to_string(),
            ),
        ];
        if chosen.len() < removals / 2 && near.contains(&key) && seen.insert(key) {
            chosen.push(i);
        }
    }
    let step = (per_case.len() / (removals - chosen.len()).max(1)).max(1);
    chosen.extend(
        (0..per_case.len())
            .step_by(step)
            .take(removals - chosen.len()),
    );
    let mut problems = Vec::new();
    let wanted: BTreeSet<&str> = chosen.iter().map(|&i| per_case[i].case.as_str()).collect();
    let mut lines_of: BTreeMap<&str, String> = BTreeMap::new();
    let header = csv.lines().next().unwrap();
    for l in csv.lines().skip(1) {
        let id = l.split(',').next().unwrap_or("");
        if wanted.contains(id) {
            let e = lines_of.entry(id).or_insert_with(|| format!("{header}\n"));
            e.push_str(l);
            e.push('\n');
        }
    }
    for &i in &chosen {
        let id = per_case[i].case.as_str();
        let lines = &lines_of[id];
        let one = evaluation::ingest_csv_str(lines).unwrap();
        let own_fine = evaluation::evaluate(&one.log, &o);
        let key = own_fine.state.cells.keys().next().unwrap().clone();
        let own_truth = counts(
            own_fine.state.finish(&Disclosure::raw()).aggregates.rows[0]
                .figures
                .as_ref()
                .unwrap(),
        );
        let saved = (m.lo.clone(), m.hi.clone(), m.cons.len());
        let mm = &mut m;
        let mut added = Vec::new();
        for (t, dims) in TABLES.iter().enumerate() {
            let own = project_state(&own_fine.state, dims);
            let p = finish_without(&mut states[t], &own, &d, pubr);
            if pubr == Publisher::Real {
                own_figures(&d, &p.aggregates.rows);
            }
            let full_rows = &published[t].aggregates.rows;
            let owned = project(&key, dims);
            // Rows the same as before and not holding the case add nothing new.
            let same = |r: &Row| {
                r.key != owned
                    && full_rows
                        .binary_search_by(|x| x.key.cmp(&r.key))
                        .is_ok_and(|j| full_rows[j] == *r)
            };
            added.extend(table_facts(
                mm,
                &w,
                &d,
                pubr,
                t,
                &p.aggregates.rows,
                Some(&key),
                &same,
            ));
            // A row no longer listed: without the case it is too small (or empty).
            if !p.aggregates.rows.iter().any(|r| r.key == owned) {
                let c = w.members[t][&owned]
                    .iter()
                    .map(|&c| w.var(CASES, c))
                    .collect();
                let (lo, hi) = pubr.knowledge(&d).gone;
                added.push(mm.add(c, vec![], lo, hi) as u32);
            }
            out.differenced_cells += 1;
            if t == 0 {
                let (lo, hi) = around(p.cases, d.round_to);
                let all: Vec<u32> = (0..w.cells.len() as u32).map(|c| w.var(CASES, c)).collect();
                added.push(mm.add(all, vec![], lo + 1, hi + 1) as u32);
                problems.push((published[0].clone(), p));
            }
        }
        mm.propagate(added);
        let mut mtruth = own_truth;
        mtruth[CASES] = 1;
        check_truth(mm, &w, Some(&mtruth));
        recoveries(mm, &w, &d, &published, Some(id), &mut out);
        for (f, name) in FIGURES.iter().enumerate().skip(1) {
            let v = w.y(f) as usize;
            if mm.lo[v] == mm.hi[v] && !trivially_known(f) {
                out.recoveries
                    .push(format!("removed case {id}: {name} = {}", mm.lo[v]));
            }
        }
        out.removed += 1;
        // back to the facts of the full outputs
        let (lo, hi, n) = saved;
        for c in m.cons.drain(n..).rev() {
            for v in c.plus.iter().chain(&c.minus) {
                m.of_var[*v as usize].pop();
            }
        }
        m.lo = lo;
        m.hi = hi;
    }
    lap("attack with one case removed");
    out.problem_entries = problems
        .first()
        .map(|(p, _)| {
            p.problems.bounce_paths.len()
                + p.problems.rejection_reasons.len()
                + 2 * p.problems.waits.len()
        })
        .unwrap_or(0);
    let pinned = problems_attack(&d, &published[0], &problems);
    if pinned > 0 {
        out.recoveries
            .push(format!("{pinned} frequent-problem counts pinned"));
    }
    o.group_by.clear();
    out
}

/// Nothing about the removed case is trivially known beyond it being one case.
fn trivially_known(_f: usize) -> bool {
    false
}

/// The exact counts lie inside every bound the attacker derived.
fn check_truth(m: &Model, w: &World, removed: Option<&[i64; NF]>) {
    for v in 0..w.y0 {
        let t = w.truth_of(v);
        assert!(
            (m.lo[v]..=m.hi[v]).contains(&t),
            "the attacker's facts exclude the truth: {} of cell {:?} is {t}, not in {}..={}",
            FIGURES[v / w.cells.len()],
            w.cells[v % w.cells.len()],
            m.lo[v],
            m.hi[v]
        );
    }
    if let Some(r) = removed {
        for (f, &t) in r.iter().enumerate() {
            let v = w.y(f) as usize;
            assert!((m.lo[v]..=m.hi[v]).contains(&t), "{}", FIGURES[f]);
        }
    }
}

/// Every count of every row of every published table that the attacker narrowed to one
/// value: published rows (any count) are recoveries; suppressed rows pinned are counted.
fn recoveries(
    m: &Model,
    w: &World,
    d: &Disclosure,
    published: &[Summary],
    removed: Option<&str>,
    out: &mut Outcome,
) {
    let _ = d;
    for (t, p) in published.iter().enumerate() {
        for r in &p.aggregates.rows {
            let members = &w.members[t][&r.key];
            let figs: &[usize] = if r.figures.is_some() {
                &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
            } else {
                &[CASES]
            };
            for &f in figs {
                let c = Con {
                    plus: members.iter().map(|&c| w.var(f, c)).collect(),
                    minus: vec![],
                    lo: 0,
                    hi: BIG,
                };
                // what the bounds of its terms allow, and any fact over exactly this sum
                let (mut lo, mut hi) = m.range(&c);
                for &ci in &m.of_var[c.plus[0] as usize] {
                    let f = &m.cons[ci as usize];
                    if f.minus.is_empty() && f.plus == c.plus {
                        (lo, hi) = (lo.max(f.lo), hi.min(f.hi));
                    }
                }
                if lo == hi {
                    if r.figures.is_some() {
                        out.recoveries.push(format!(
                            "{:?} {:?}: {} = {lo}{}",
                            TABLES[t],
                            r.key,
                            FIGURES[f],
                            removed
                                .map(|c| format!(" (with {c} removed)"))
                                .unwrap_or_default()
                        ));
                    } else {
                        out.suppressed_pinned += 1;
                    }
                }
            }
        }
    }
}

/// A cell's own figures: every share and mean is a published count over the published cases,
/// and a quantile is shown only under the size rule of its published count.
fn own_figures(d: &Disclosure, rows: &[Row]) {
    for r in rows {
        let Some(f) = &r.figures else { continue };
        let n = f.cases as f64;
        for (name, rate) in [
            ("handoffs per case", f.handoffs_per_case),
            ("bounce rate", f.bounce_rate),
            ("loop rate", f.loop_rate),
            ("organisations per case", f.organisations_per_case),
            ("escalation rate", f.escalation_rate),
            ("resolved rate", f.resolved_rate),
            ("reopened rate", f.reopened_rate),
        ] {
            let k = rate * n / d.round_to as f64;
            assert!((k - k.round()).abs() < 1e-6, "{:?} {name}: {rate}", r.key);
        }
        for g in [&f.first_contact, &f.right_place] {
            assert!(g.median_days.is_none() || d.shows_quantile(g.ended, 0.5));
            assert!(g.p90_days.is_none() || d.shows_quantile(g.ended, 0.9));
        }
    }
}

fn report(name: &str, o: &Outcome) {
    eprintln!(
        "{name}: {} tables, {} cells, {} comparisons, {} facts; {} cases removed in turn \
         ({} tables each); {} frequent-problem entries; recoveries: {}; suppressed cells \
         pinned: {}",
        o.tables,
        o.cells,
        o.comparisons,
        o.facts,
        o.removed,
        o.differenced_cells,
        o.problem_entries,
        o.recoveries.len(),
        o.suppressed_pinned
    );
}

#[test]
fn no_count_is_recovered_on_the_pilot() {
    let opts = EvalOptions {
        directory: Some(dls_core::pilot::directory()),
        ..EvalOptions::default()
    };
    let o = attack(dls_core::pilot::EVENTS_CSV, &opts, 60, Publisher::Real);
    report("pilot", &o);
    assert!(o.recoveries.is_empty(), "{:#?}", o.recoveries);
}

#[test]
fn no_count_is_recovered_on_a_100_000_case_log() {
    let n: u64 = std::env::var("DLS_ATTACK_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let csv = synthetic::events::events_csv(&EventScale::PILOT, 0..n, 13);
    let o = attack(&csv, &EvalOptions::default(), 40, Publisher::Real);
    report("generated", &o);
    assert!(o.recoveries.is_empty(), "{:#?}", o.recoveries);
}

/// The control: the same attacker against the pilot published the weak ways issue 13 found
/// (built here from the library's raw and rounded outputs) recovers counts, so the tests
/// above would catch a regression of the policy. Thresholds on the exact counts with small
/// rows listed (as before this round): a cell of exactly `min_cases` cases that falls below
/// with one case removed is pinned. Shares and means from the exact counts (item 1(a)): the
/// size of almost every published cell comes back from its own figures.
#[test]
fn the_same_attacker_recovers_counts_from_a_weakened_publication() {
    let opts = EvalOptions {
        directory: Some(dls_core::pilot::directory()),
        ..EvalOptions::default()
    };
    let exact_threshold = attack(
        dls_core::pilot::EVENTS_CSV,
        &opts,
        60,
        Publisher::ExactThreshold,
    );
    report("pilot, threshold on exact counts", &exact_threshold);
    let exact_rates = attack(dls_core::pilot::EVENTS_CSV, &opts, 0, Publisher::ExactRates);
    report("pilot, shares from exact counts", &exact_rates);
    for r in &exact_threshold.recoveries {
        eprintln!("  {r}");
    }
    // cells of exactly `min_cases` cases, each pinned by removing one of its cases; among them
    // the count the pilot gave away by hand before the fix
    let cells: BTreeSet<&str> = exact_threshold
        .recoveries
        .iter()
        .map(|r| r.split(" (with").next().unwrap())
        .collect();
    eprintln!(
        "  {} recoveries, {} cells",
        exact_threshold.recoveries.len(),
        cells.len()
    );
    assert!(
        cells.len() >= 5
            && cells.iter().all(|c| c.ends_with(": cases = 10"))
            && cells.contains(
                r#"[Need, Phase] [Some("jeugd.jeugdhulp"), Some("baseline")]: cases = 10"#
            ),
        "{:#?}",
        exact_threshold.recoveries
    );
    // the size of most published cells comes back from their own figures
    let sizes = exact_rates
        .recoveries
        .iter()
        .filter(|r| r.contains(": cases = "))
        .count();
    eprintln!(
        "  {sizes} of {} listed cells' sizes, {} counts in all",
        exact_rates.cells,
        exact_rates.recoveries.len()
    );
    assert!(
        sizes * 4 >= exact_rates.cells * 3,
        "{sizes} of {} sizes",
        exact_rates.cells
    );
}

/// The signal figures' counts of a row, in this order.
const SIG_FIGURES: [&str; 4] = ["households", "contacted", "accepted", "prevented"];

fn sig_counts(r: &SignalMetricsRow) -> Option<[u64; 4]> {
    Some([r.households?, r.contacted?, r.accepted?, r.prevented?])
}

/// The vroegsignalering figures (kern × month) as `pubr` publishes them.
fn sig_publish(
    pubr: Publisher,
    cases: &[ProactiveCase],
    events: &[dls_core::events::Event],
    d: &Disclosure,
) -> SignalTable {
    if pubr == Publisher::Real {
        return signals::signal_metrics(cases, events, d);
    }
    let every = Disclosure {
        min_cases: 0,
        secondary: false,
        ..*d
    };
    let mut out = signals::signal_metrics(cases, events, &every);
    let raw = signals::signal_metrics(cases, events, &Disclosure::raw()).rows;
    out.disclosure = *d;
    match pubr {
        Publisher::Real => unreachable!(),
        Publisher::ExactThreshold => {
            let keys: Vec<Vec<Option<String>>> = raw
                .iter()
                .map(|r| vec![Some(r.kern.clone()), Some(r.month.clone())])
                .collect();
            let exact: Vec<u64> = raw.iter().map(|r| r.households.unwrap()).collect();
            let sup = evaluation::table::suppress(
                &keys,
                &exact,
                &[Dim::Kern, Dim::Month],
                &BTreeMap::new(),
                d,
            );
            for (r, sup) in out.rows.iter_mut().zip(sup) {
                if sup.is_some() {
                    *r = SignalMetricsRow {
                        suppressed: sup,
                        households: None,
                        contacted: None,
                        reach: None,
                        median_days_to_contact: None,
                        accepted: None,
                        acceptance: None,
                        prevented: None,
                        prevented_share: None,
                        ..r.clone()
                    };
                }
            }
        }
        Publisher::ExactRates => {
            out.rows = signals::signal_metrics(cases, events, d).rows;
            for r in out.rows.iter_mut().filter(|r| r.suppressed.is_none()) {
                let x = raw
                    .iter()
                    .find(|x| (&x.kern, &x.month) == (&r.kern, &r.month))
                    .unwrap();
                r.reach = x.reach;
                r.acceptance = x.acceptance;
                r.prevented_share = x.prevented_share;
            }
        }
    }
    out
}

/// What the attacker learns from one signal row: bounds per count (`None` for a count it
/// shows nothing about).
fn sig_row_bounds(
    pubr: Publisher,
    d: &Disclosure,
    r: &SignalMetricsRow,
) -> [Option<(i64, i64)>; 4] {
    let k = pubr.knowledge(d);
    let Some(p) = sig_counts(r) else {
        return match r.suppressed {
            Some(Suppression::Primary) => [Some(k.below), None, None, None],
            _ => [Some((k.at_least, BIG)), None, None, None],
        };
    };
    let b = d.round_to;
    let mut out = p.map(|p| Some(around(p, b)));
    let h = out[0].as_mut().unwrap();
    h.0 = h.0.max(k.at_least);
    let share = |a: u64, n: u64| (n > 0).then(|| a as f64 / n as f64);
    if pubr != Publisher::ExactRates {
        // every share is a published count over a published count
        assert_eq!(r.reach, share(p[1], p[0]));
        assert_eq!(r.acceptance, share(p[2], p[1]));
        assert_eq!(r.prevented_share, share(p[3], p[2]));
        return out;
    }
    // shares of exact counts: every combination the rounded counts allow that gives them
    let fits = |s: Option<f64>, a: i64, n: i64| match s {
        None => n == 0,
        Some(s) => n > 0 && (a as f64 / n as f64 - s).abs() < 1e-12,
    };
    let range = |i: usize| out[i].unwrap().0..=out[i].unwrap().1;
    let mut seen: [Option<(i64, i64)>; 4] = [None; 4];
    for h in range(0) {
        for c in range(1).filter(|&c| c <= h && fits(r.reach, c, h)) {
            for a in range(2).filter(|&a| a <= c && fits(r.acceptance, a, c)) {
                for q in range(3).filter(|&q| q <= a && fits(r.prevented_share, q, a)) {
                    for (s, v) in seen.iter_mut().zip([h, c, a, q]) {
                        *s = Some(s.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
                    }
                }
            }
        }
    }
    assert!(seen[0].is_some(), "no counts fit the row's own figures");
    seen
}

#[derive(Debug, Default)]
struct SigOutcome {
    cells: usize,
    shown: usize,
    facts: usize,
    removed: usize,
    recoveries: Vec<String>,
}

/// The attacker on the vroegsignalering figures of a generated feed of `households`
/// households: the kern × month table, then the same table with one proactive case removed
/// (of a household with one case, so no other case's figures change), the cases of cells at
/// the threshold first. The unknowns are the exact counts of every cell and the removed
/// case's own; a count of a shown cell or of the removed case narrowed to one value is a
/// recovery.
fn signals_attack(pubr: Publisher, households: usize, removals: usize) -> SigOutcome {
    let d = Disclosure::default();
    let t0 = std::time::Instant::now();
    let lap = |what: &str| eprintln!("{:>8.2?} {what}", t0.elapsed());
    let mut g = signal_feed::Lcg(13);
    let names: Vec<String> = (0..31).map(|i| format!("kern-{i}")).collect();
    // a few large kernen and many small ones: many cells near the threshold
    let kernen: Vec<(&str, u64)> = names
        .iter()
        .enumerate()
        .map(|(i, k)| {
            (
                k.as_str(),
                if i < 3 {
                    [60, 30, 15][i]
                } else {
                    2 + i as u64 % 4
                },
            )
        })
        .collect();
    let rows = signal_feed::rows(&mut g, households, &kernen);
    let checked = signals::check_rows(&rows, "2026-12-31".parse().unwrap());
    assert!(checked.rejected.is_empty());
    let cases = signals::intake(&checked.signals, &signals::IntakeOptions::default()).cases;
    let events = signal_feed::events(&mut g, &cases);
    lap("feed");
    let raw = signals::signal_metrics(&cases, &events, &Disclosure::raw()).rows;
    lap("raw");
    let cell_of: BTreeMap<(String, String), usize> = raw
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.kern.clone(), r.month.clone()), i))
        .collect();
    let n = raw.len();
    let var = |f: usize, c: usize| (f * n + c) as u32;
    let y = |f: usize| (4 * n + f) as u32;
    let truth: Vec<i64> = (0..4)
        .flat_map(|f| raw.iter().map(move |r| sig_counts(r).unwrap()[f] as i64))
        .collect();
    let mut m = Model::new(4 * n + 4);
    let structure = |m: &mut Model, v: &dyn Fn(usize) -> u32| {
        for f in 1..4 {
            m.add(vec![v(f)], vec![v(f - 1)], -BIG, 0);
        }
    };
    for c in 0..n {
        structure(&mut m, &|f| var(f, c));
    }
    structure(&mut m, &y);
    m.lo[y(0) as usize] = 1;
    m.hi[y(0) as usize] = 1;
    let at = |r: &SignalMetricsRow| cell_of[&(r.kern.clone(), r.month.clone())];
    let full = sig_publish(pubr, &cases, &events, &d);
    let mut out = SigOutcome {
        cells: full.rows.len(),
        shown: full.rows.iter().filter(|r| r.suppressed.is_none()).count(),
        ..SigOutcome::default()
    };
    let listed: BTreeSet<usize> = full.rows.iter().map(at).collect();
    for r in &full.rows {
        for (f, bound) in sig_row_bounds(pubr, &d, r).iter().enumerate() {
            if let Some((lo, hi)) = *bound {
                m.add(vec![var(f, at(r))], vec![], lo, hi);
            }
        }
    }
    // a cell not listed was too small to publish (the attacker is even told it holds a case)
    for c in (0..n).filter(|c| !listed.contains(c)) {
        let (lo, hi) = pubr.knowledge(&d).below;
        m.add(vec![var(0, c)], vec![], lo, hi);
    }
    m.propagate((0..m.cons.len() as u32).collect());
    out.facts = m.cons.len();
    let check = |m: &Model, own: Option<[i64; 4]>| {
        for (v, &t) in truth.iter().enumerate() {
            assert!(
                (m.lo[v]..=m.hi[v]).contains(&t),
                "the facts exclude the truth"
            );
        }
        if let Some(own) = own {
            for (f, &t) in own.iter().enumerate() {
                assert!((m.lo[y(f) as usize]..=m.hi[y(f) as usize]).contains(&t));
            }
        }
    };
    let pinned = |m: &Model, removed: &str, out: &mut Vec<String>| {
        for r in full.rows.iter().filter(|r| r.suppressed.is_none()) {
            for (f, name) in SIG_FIGURES.iter().enumerate() {
                let v = var(f, at(r)) as usize;
                if m.lo[v] == m.hi[v] {
                    out.push(format!(
                        "{} {}: {name} = {}{removed}",
                        r.kern, r.month, m.lo[v]
                    ));
                }
            }
        }
    };
    check(&m, None);
    pinned(&m, "", &mut out.recoveries);
    lap("published table attacked");
    // One case removed at a time: of households with one case, cells at the threshold first.
    let mut per_household: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &cases {
        *per_household.entry(c.household.as_str()).or_default() += 1;
    }
    let single: Vec<usize> = (0..cases.len())
        .filter(|&i| per_household[cases[i].household.as_str()] == 1)
        .collect();
    let cell_of_case = |c: &ProactiveCase| {
        cell_of[&(
            c.kern.to_string(),
            c.first_signal.format("%Y-%m").to_string(),
        )]
    };
    let mut chosen: Vec<usize> = Vec::new();
    let mut near_seen = BTreeSet::new();
    for &i in &single {
        let c = cell_of_case(&cases[i]);
        let size = truth[c] as u64;
        if chosen.len() < removals / 2
            && (d.min_cases - 1..=d.min_cases + 2).contains(&size)
            && near_seen.insert(c)
        {
            chosen.push(i);
        }
    }
    let step = (single.len() / (removals - chosen.len()).max(1)).max(1);
    let spread: Vec<usize> = single.iter().copied().step_by(step).collect();
    for i in spread {
        if chosen.len() < removals && !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    for &i in &chosen {
        let gone = &cases[i];
        let id = gone.case.id();
        let rest: Vec<ProactiveCase> = cases
            .iter()
            .filter(|c| c.case.id() != id)
            .cloned()
            .collect();
        let own_events: Vec<_> = events.iter().filter(|e| &e.case == id).cloned().collect();
        let rest_events: Vec<_> = events.iter().filter(|e| &e.case != id).cloned().collect();
        let own_row =
            &signals::signal_metrics(std::slice::from_ref(gone), &own_events, &Disclosure::raw())
                .rows[0];
        let own = sig_counts(own_row).unwrap().map(|x| x as i64);
        let c = cell_of_case(gone);
        let without = sig_publish(pubr, &rest, &rest_events, &d);
        let saved = (m.lo.clone(), m.hi.clone(), m.cons.len());
        let mut added = Vec::new();
        let mut holds_listed = false;
        for r in &without.rows {
            let holds = at(r) == c;
            holds_listed |= holds;
            if !holds && full.rows.iter().any(|x| x == r) {
                continue; // the same row as before: nothing new
            }
            for (f, bound) in sig_row_bounds(pubr, &d, r).iter().enumerate() {
                let Some((lo, hi)) = *bound else { continue };
                let con = match (holds, f) {
                    (false, _) => m.add(vec![var(f, at(r))], vec![], lo, hi),
                    (true, 0) => m.add(vec![var(0, c)], vec![], lo + 1, hi.saturating_add(1)),
                    (true, _) => m.add(vec![var(f, c)], vec![y(f)], lo, hi),
                };
                added.push(con as u32);
            }
        }
        if !holds_listed {
            let (lo, hi) = pubr.knowledge(&d).gone;
            added.push(m.add(vec![var(0, c)], vec![], lo, hi) as u32);
        }
        m.propagate(added);
        check(&m, Some(own));
        let note = format!(" (with {id} removed)");
        pinned(&m, &note, &mut out.recoveries);
        for (f, name) in SIG_FIGURES.iter().enumerate().skip(1) {
            if m.lo[y(f) as usize] == m.hi[y(f) as usize] {
                out.recoveries.push(format!(
                    "removed case {id}: {name} = {}",
                    m.lo[y(f) as usize]
                ));
            }
        }
        out.removed += 1;
        let (lo, hi, k) = saved;
        for con in m.cons.drain(k..).rev() {
            for v in con.plus.iter().chain(&con.minus) {
                m.of_var[*v as usize].pop();
            }
        }
        m.lo = lo;
        m.hi = hi;
    }
    lap("one case removed in turn");
    out
}

fn sig_report(name: &str, o: &SigOutcome) {
    eprintln!(
        "signals, {name}: {} cells listed ({} shown), {} facts; {} cases removed in turn; \
         recoveries: {}",
        o.cells,
        o.shown,
        o.facts,
        o.removed,
        o.recoveries.len()
    );
}

#[test]
fn no_signal_count_is_recovered() {
    let n: usize = std::env::var("DLS_ATTACK_HOUSEHOLDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_500);
    let o = signals_attack(Publisher::Real, n, 40);
    sig_report("published", &o);
    assert!(o.shown >= 50 && o.removed == 40, "{o:?}");
    assert!(o.recoveries.is_empty(), "{:#?}", o.recoveries);
}

/// The control for the signal figures: published the way they were before this round
/// (threshold and secondary suppression on the exact counts, small cells listed), or with
/// shares of the exact counts, the same attacker recovers counts.
#[test]
fn the_same_attacker_recovers_signal_counts_from_a_weakened_publication() {
    let exact_threshold = signals_attack(Publisher::ExactThreshold, 2_500, 40);
    sig_report("threshold on exact counts", &exact_threshold);
    let exact_rates = signals_attack(Publisher::ExactRates, 2_500, 0);
    sig_report("shares from exact counts", &exact_rates);
    for r in &exact_threshold.recoveries {
        eprintln!("  {r}");
    }
    // cells of exactly `min_cases` households, pinned by removing one of them
    assert!(
        exact_threshold.recoveries.len() >= 3
            && exact_threshold
                .recoveries
                .iter()
                .all(|r| r.contains(": households = 10 (with ")),
        "{:#?}",
        exact_threshold.recoveries
    );
    // the number of households of most shown cells comes back from their own shares
    let sizes = exact_rates
        .recoveries
        .iter()
        .filter(|r| r.contains(": households = "))
        .count();
    eprintln!(
        "  {sizes} of {} shown cells' households, {} counts in all",
        exact_rates.shown,
        exact_rates.recoveries.len()
    );
    assert!(
        sizes * 4 >= exact_rates.shown * 3,
        "{sizes} of {}",
        exact_rates.shown
    );
}
