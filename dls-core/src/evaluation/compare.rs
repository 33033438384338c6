//! Pilot versus baseline: compare two selections of cases (two periods, or pilot kernen against
//! control kernen) on each metric, with a seeded percentile-bootstrap confidence interval.
//!
//! Statistics: the **median** of ended durations for time to first contact and time to the
//! right place (open durations are resampled with their cases but do not enter the median);
//! the **mean** per case for counts; the **share** of cases for yes/no metrics. The interval
//! resamples the cases of each selection independently, with replacement, `iterations` times,
//! and takes the percentiles of the difference `a − b`. The same seed gives the same interval,
//! and so does the same log in another case order: each side's cases are put in the order of a
//! stable key (a hash of the case id with the seed) before positions are drawn.
//!
//! Under disclosure control the estimates are published as the policy of
//! [`disclosure`](super::disclosure) says: a mean or share as the rounded sum over the rounded
//! number of cases (randomly rounded under the key of the selection's cases, the same draws as
//! a table cell of the same cases), a median in days under the size rule and rounded; the
//! difference is that of the published estimates. The interval bounds are taken over the exact
//! values and published rounded: to `day_decimals` for medians, to two decimals for means and
//! shares, so that a bound such as `7/13 − 4/11` does not name the exact numbers of cases.
//! Two selections that overlap and differ by cases whose published (rounded) number is below
//! `min_cases` are not compared under disclosure control (their difference would be a cell too
//! small to publish): [`compare`] marks the comparison suppressed, [`compare_checked`] refuses
//! it with [`EvalError::SmallDifference`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::disclosure::{figure, record_key, Disclosure};
use super::error::EvalError;
use super::metrics::CaseMetrics;
use super::time::{date_to_day, local_day};
use crate::hash::FxHasher;
use crate::rng::SplitMix64;
use std::hash::Hasher;

/// A metric that can be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Median days to first contact.
    FirstContactDays,
    /// Median days to the right place.
    RightPlaceDays,
    /// Share of cases that reached the right place.
    ReachedRightPlace,
    /// Mean handoffs.
    Handoffs,
    /// Mean bounces.
    Bounces,
    /// Mean loops.
    Loops,
    /// Mean organisations touched.
    Organisations,
    /// Mean escalations.
    Escalations,
    /// Share resolved.
    Resolved,
    /// Share reopened within 90 days.
    Reopened,
}

impl Metric {
    /// Every metric.
    pub const ALL: [Metric; 10] = [
        Metric::FirstContactDays,
        Metric::RightPlaceDays,
        Metric::ReachedRightPlace,
        Metric::Handoffs,
        Metric::Bounces,
        Metric::Loops,
        Metric::Organisations,
        Metric::Escalations,
        Metric::Resolved,
        Metric::Reopened,
    ];

    /// The published figure of the sum a mean or share is taken over (the same as in a table).
    fn figure(self) -> u32 {
        match self {
            Metric::FirstContactDays => figure::FIRST_CONTACT_ENDED,
            Metric::RightPlaceDays | Metric::ReachedRightPlace => figure::RIGHT_PLACE_ENDED,
            Metric::Handoffs => figure::HANDOFFS,
            Metric::Bounces => figure::BOUNCES,
            Metric::Loops => figure::LOOPS,
            Metric::Organisations => figure::ORGANISATIONS,
            Metric::Escalations => figure::ESCALATIONS,
            Metric::Resolved => figure::RESOLVED,
            Metric::Reopened => figure::REOPENED,
        }
    }

    fn is_median(self) -> bool {
        matches!(self, Metric::FirstContactDays | Metric::RightPlaceDays)
    }

    /// The value of one case: `None` for a duration still open.
    fn value(self, m: &CaseMetrics) -> Option<f64> {
        match self {
            Metric::FirstContactDays => m.first_contact_days(),
            Metric::RightPlaceDays => m.right_place_days(),
            Metric::ReachedRightPlace => Some(m.right_place_micros.is_some() as u8 as f64),
            Metric::Handoffs => Some(m.handoffs as f64),
            Metric::Bounces => Some(m.bounces as f64),
            Metric::Loops => Some(m.loops as f64),
            Metric::Organisations => Some(m.organisations as f64),
            Metric::Escalations => Some(m.escalations as f64),
            Metric::Resolved => Some(m.resolved as u8 as f64),
            Metric::Reopened => Some(m.reopened as u8 as f64),
        }
    }
}

/// Which cases form one side of a comparison; every stated filter must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Selection {
    /// Opened on or after this local date.
    pub from: Option<NaiveDate>,
    /// Opened before this local date.
    pub until: Option<NaiveDate>,
    /// In one of these kernen.
    pub kernen: Option<Vec<String>>,
    /// In this pilot phase.
    pub phase: Option<String>,
}

impl Selection {
    /// True when the case belongs to the selection.
    pub fn contains(&self, m: &CaseMetrics) -> bool {
        let day = local_day(m.opened.timestamp());
        self.from.is_none_or(|f| day >= date_to_day(f))
            && self.until.is_none_or(|u| day < date_to_day(u))
            && self.kernen.as_ref().is_none_or(|ks| {
                m.kern
                    .as_ref()
                    .is_some_and(|k| ks.iter().any(|x| x.as_str() == &**k))
            })
            && self
                .phase
                .as_ref()
                .is_none_or(|p| m.phase.as_deref() == Some(p.as_str()))
    }
}

impl Selection {
    /// Checks that the phase and kernen the selection names occur among `cases`: a value no
    /// case has (a misspelt phase, another case of letters, an unknown kern) would make the
    /// selection silently empty. The error lists the values that exist.
    pub fn check(&self, cases: &[CaseMetrics]) -> Result<(), EvalError> {
        use std::collections::BTreeSet;
        let miss = |filter: &'static str, _value: &str, known: BTreeSet<&str>| EvalError::NoMatch {
            filter,
            known: known.into_iter().map(str::to_string).collect(),
        };
        if let Some(p) = &self.phase {
            let known: BTreeSet<&str> = cases.iter().filter_map(|m| m.phase.as_deref()).collect();
            if !known.contains(p.as_str()) {
                return Err(miss("phase", p, known));
            }
        }
        if let Some(ks) = &self.kernen {
            let known: BTreeSet<&str> = cases.iter().filter_map(|m| m.kern.as_deref()).collect();
            if let Some(k) = ks.iter().find(|k| !known.contains(k.as_str())) {
                return Err(miss("kern", k, known));
            }
        }
        Ok(())
    }
}

/// Bootstrap settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CompareOptions {
    /// Resamples (2 000).
    pub iterations: u32,
    /// Confidence level (0.95).
    pub confidence: f64,
    /// Random seed (the same seed gives the same interval).
    pub seed: u64,
    /// Disclosure control: a side with fewer cases than `min_cases` shows no figures.
    pub disclosure: Disclosure,
}

impl CompareOptions {
    /// Checks the options: `iterations` at most
    /// [`MAX_COMPARE_ITERATIONS`](crate::limits::MAX_COMPARE_ITERATIONS), `confidence` a number
    /// strictly between 0 and 1. [`compare`] calls it; bindings call it before they start.
    pub fn check(&self) -> Result<(), super::EvalError> {
        if self.iterations > crate::limits::MAX_COMPARE_ITERATIONS {
            return Err(super::EvalError::InvalidOption {
                option: "iterations",
                reason: "must be from 0 to 100000",
            });
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(super::EvalError::InvalidOption {
                option: "confidence",
                reason: "must be a number strictly between 0 and 1",
            });
        }
        Ok(())
    }
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            iterations: 2000,
            confidence: 0.95,
            seed: 0x5EED,
            disclosure: Disclosure::default(),
        }
    }
}

/// One side's estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Cases in the selection (rounded under disclosure control).
    pub cases: u64,
    /// The statistic, if it exists and is not suppressed.
    pub value: Option<f64>,
}

/// The comparison of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The metric.
    pub metric: Metric,
    /// Side a (e.g. the pilot).
    pub a: Estimate,
    /// Side b (e.g. the baseline).
    pub b: Estimate,
    /// a − b.
    pub difference: Option<f64>,
    /// Lower bound of the confidence interval of the difference.
    pub ci_low: Option<f64>,
    /// Upper bound.
    pub ci_high: Option<f64>,
    /// True when a side has too few cases to publish.
    pub suppressed: bool,
}

/// The bootstrap's generator: SplitMix64 bits, mapped to an index by multiply-and-shift.
struct Rng(SplitMix64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        ((self.0.next_u64() as u128 * n as u128) >> 64) as usize
    }
}

fn statistic(median: bool, vals: &mut [f64]) -> Option<f64> {
    if vals.is_empty() {
        return None;
    }
    if median {
        vals.sort_by(f64::total_cmp);
        let n = vals.len();
        Some(if n % 2 == 1 {
            vals[n / 2]
        } else {
            (vals[n / 2 - 1] + vals[n / 2]) / 2.0
        })
    } else {
        Some(vals.iter().sum::<f64>() / vals.len() as f64)
    }
}

fn resample(rng: &mut Rng, src: &[Option<f64>], out: &mut Vec<f64>) {
    out.clear();
    for _ in 0..src.len() {
        if let Some(v) = src[rng.below(src.len())] {
            out.push(v);
        }
    }
}

/// The values of one side, in the order of a stable key (a hash of the case id with the seed,
/// then the case id): the bootstrap draws positions in this order, so the same cases give the
/// same interval in whatever order they come. Also the side's cell key (the sum of its cases'
/// record keys).
fn side(
    cases: &[CaseMetrics],
    s: &Selection,
    metric: Metric,
    seed: u64,
) -> (Vec<Option<f64>>, u64) {
    let mut cell = 0u64;
    let mut keyed: Vec<(u64, &str, Option<f64>)> = cases
        .iter()
        .filter(|m| s.contains(m))
        .map(|m| {
            cell = cell.wrapping_add(record_key(m.case.as_str()));
            let mut h = FxHasher::default();
            h.write_u64(seed);
            h.write(m.case.as_str().as_bytes());
            (h.finish(), m.case.as_str(), metric.value(m))
        })
        .collect();
    keyed.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));
    (keyed.into_iter().map(|(_, _, v)| v).collect(), cell)
}

/// The statistic of one side as published: a median in days under the size rule and rounded
/// ([`Disclosure::quantile_of_days`]); a mean or share as the published (rounded) sum over the
/// published (rounded) number of cases ([`Disclosure::ratio`]), drawn under the side's key.
fn published(d: &Disclosure, metric: Metric, vals: &[Option<f64>], cell: u64) -> Option<f64> {
    let mut buf: Vec<f64> = vals.iter().flatten().copied().collect();
    if metric.is_median() {
        let n = d.count(buf.len() as u64, cell, metric.figure());
        d.quantile_of_days(n, 0.5, statistic(true, &mut buf))
    } else if vals.is_empty() {
        None
    } else {
        // Per-case values of means and shares are whole numbers.
        let sum = buf.iter().sum::<f64>().round() as u64;
        d.ratio(
            (sum, metric.figure()),
            (vals.len() as u64, figure::CASES),
            cell,
        )
    }
}

/// The cases in `a` only and in `b` only, each as (count, cell key: the sum of their record
/// keys), and the number in both.
fn overlap(cases: &[CaseMetrics], a: &Selection, b: &Selection) -> ((u64, u64), (u64, u64), u64) {
    let add =
        |(n, k): (u64, u64), m: &CaseMetrics| (n + 1, k.wrapping_add(record_key(m.case.as_str())));
    cases.iter().fold(((0, 0), (0, 0), 0), |(x, y, z), m| {
        match (a.contains(m), b.contains(m)) {
            (true, true) => (x, y, z + 1),
            (true, false) => (add(x, m), y, z),
            (false, true) => (x, add(y, m), z),
            (false, false) => (x, y, z),
        }
    })
}

/// True when `a` and `b` overlap and one differs from the other by some cases whose
/// *published* (randomly rounded) number is below `min_cases`: publishing both would publish
/// that difference, a cell too small to publish. The rule reads the published count, as the
/// threshold of a table does (see [`disclosure`](super::disclosure), "threshold on the
/// published count"): on the exact count, a difference of exactly `min_cases` cases compared
/// and the same one case later refused would give the count away.
fn small_difference(cases: &[CaseMetrics], a: &Selection, b: &Selection, d: &Disclosure) -> bool {
    let (only_a, only_b, both) = overlap(cases, a, b);
    let small = |(n, key): (u64, u64)| n > 0 && d.count(n, key, figure::CASES) < d.min_cases;
    both > 0 && (small(only_a) || small(only_b))
}

/// A bound of an interval as published: rounded like the estimates it bounds (medians to
/// `day_decimals`, means and shares to two decimals) unless the settings are raw.
fn bound(d: &Disclosure, median: bool, v: f64) -> f64 {
    if d.is_raw() {
        v
    } else if median {
        d.days(v)
    } else {
        (v * 100.0).round() / 100.0
    }
}

/// Compares selections `a` and `b` of `cases` on one metric.
pub fn compare_metric(
    cases: &[CaseMetrics],
    a: &Selection,
    b: &Selection,
    metric: Metric,
    opts: &CompareOptions,
) -> Comparison {
    let (va, ka) = side(cases, a, metric, opts.seed);
    let (vb, kb) = side(cases, b, metric, opts.seed);
    let d = &opts.disclosure;
    // The threshold reads the published sizes, as in a table (see `disclosure`).
    let (na, nb) = (
        d.count(va.len() as u64, ka, figure::CASES),
        d.count(vb.len() as u64, kb, figure::CASES),
    );
    let suppressed = na < d.min_cases || nb < d.min_cases || small_difference(cases, a, b, d);
    let med = metric.is_median();
    let ea = published(d, metric, &va, ka);
    let eb = published(d, metric, &vb, kb);
    let difference = ea.zip(eb).map(|(x, y)| x - y);
    let (mut ci_low, mut ci_high) = (None, None);
    // options outside their range (see `CompareOptions::check`) give no interval rather than
    // a huge allocation or a zero-width interval
    if difference.is_some() && !suppressed && opts.iterations > 0 && opts.check().is_ok() {
        // Seed per metric, so adding metrics does not change another metric's interval.
        let mut rng = Rng(SplitMix64(
            opts.seed ^ (metric as u64).wrapping_mul(0xA24B_AED4_963E_E407),
        ));
        let mut diffs = Vec::with_capacity(opts.iterations as usize);
        let mut ra = Vec::with_capacity(va.len());
        let mut rb = Vec::with_capacity(vb.len());
        for _ in 0..opts.iterations {
            resample(&mut rng, &va, &mut ra);
            resample(&mut rng, &vb, &mut rb);
            if let (Some(x), Some(y)) = (statistic(med, &mut ra), statistic(med, &mut rb)) {
                diffs.push(x - y);
            }
        }
        if !diffs.is_empty() {
            diffs.sort_by(f64::total_cmp);
            let alpha = (1.0 - opts.confidence.clamp(0.0, 1.0)) / 2.0;
            let last = (diffs.len() - 1) as f64;
            ci_low = Some(bound(d, med, diffs[(alpha * last).floor() as usize]));
            ci_high = Some(bound(d, med, diffs[((1.0 - alpha) * last).ceil() as usize]));
        }
    }
    let hide = |v: Option<f64>| if suppressed { None } else { v };
    Comparison {
        metric,
        a: Estimate {
            cases: na,
            value: hide(ea),
        },
        b: Estimate {
            cases: nb,
            value: hide(eb),
        },
        difference: hide(difference),
        ci_low,
        ci_high,
        suppressed,
    }
}

/// Compares selections `a` and `b` on every [`Metric`]. Check the options first with
/// [`CompareOptions::check`]: with options outside their range no interval is drawn.
pub fn compare(
    cases: &[CaseMetrics],
    a: &Selection,
    b: &Selection,
    opts: &CompareOptions,
) -> Vec<Comparison> {
    Metric::ALL
        .iter()
        .map(|&m| compare_metric(cases, a, b, m, opts))
        .collect()
}

/// [`compare`], after checking that both selections name only phases and kernen the cases have
/// ([`Selection::check`]): a misspelt filter is an error listing the values that exist, never
/// an empty comparison. Selections that overlap and differ by cases whose published (rounded)
/// number is below the disclosure minimum are refused ([`EvalError::SmallDifference`]): their
/// difference is a cell too small to publish.
pub fn compare_checked(
    cases: &[CaseMetrics],
    a: &Selection,
    b: &Selection,
    opts: &CompareOptions,
) -> Result<Vec<Comparison>, EvalError> {
    opts.check()?;
    a.check(cases)?;
    b.check(cases)?;
    let d = &opts.disclosure;
    if d.min_cases > 0 && small_difference(cases, a, b, d) {
        return Err(EvalError::SmallDifference {
            min_cases: d.min_cases,
        });
    }
    Ok(compare(cases, a, b, opts))
}
