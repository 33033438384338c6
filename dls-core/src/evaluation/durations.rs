//! The durations of one cell, kept so that medians and percentiles are exact.
//!
//! A [`Durations`] holds the ended durations (microseconds, never negative) of a group of
//! cases. Up to [`EXACT_LIMIT`] values it keeps every value, sorted, and its quantiles are
//! exact and follow the usual definition: linear interpolation between order statistics,
//! numpy's default (`np.quantile(values, q)`, `method="linear"`) and polars' `interpolation =
//! "linear"`. For the rank `h = (n − 1) · q`, the answer is `x[⌊h⌋] + (x[⌊h⌋ + 1] − x[⌊h⌋]) ·
//! (h − ⌊h⌋)` over the sorted values `x`. So the median of an even number of values is the mean
//! of the two middle ones.
//!
//! Past [`EXACT_LIMIT`] values in one cell (a cell of more than a million cases: a whole
//! country in one month, say) the values are folded into a [`Sketch`], which answers the same
//! interpolated quantile within [`RELATIVE_ACCURACY`](super::sketch::RELATIVE_ACCURACY) (1 %)
//! relative error; the test `sketch_error_against_exact_values` measures it against exact values
//! on a generated log, and BENCHMARKS.md records the figure.
//!
//! The form depends only on the values, never on the order in which they were added or merged:
//! exact and sorted up to the limit, a sketch beyond it. So merging the states of partitions, in
//! any order, equals one pass over all data, value for value.

use serde::{Deserialize, Serialize};

use super::sketch::{lerp, Sketch};

/// Microseconds in a day: durations are kept in microseconds and published in days (elapsed
/// microseconds / 86,400,000,000; a day is 86,400 s of elapsed time, whatever the clock change).
pub const MICROS_PER_DAY: f64 = 86_400_000_000.0;

/// A cell keeps every value up to this many; past it, a [`Sketch`] (8 MB of values per cell at
/// most).
pub const EXACT_LIMIT: usize = 1 << 20;

/// The ended durations (microseconds) of one cell: exact values, or a sketch past [`EXACT_LIMIT`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Durations {
    /// Every value, sorted ascending.
    Exact(Vec<i64>),
    /// More than [`EXACT_LIMIT`] values, in a sketch.
    Sketch(Sketch),
}

impl Default for Durations {
    fn default() -> Self {
        Durations::Exact(Vec::new())
    }
}

/// What is wrong with a stored [`Durations`] (see [`Durations::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DurationsProblem {
    /// Exact values not sorted ascending.
    Unsorted,
    /// A negative duration.
    Negative,
    /// More exact values than [`EXACT_LIMIT`].
    TooManyValues,
    /// A sketch of no more than [`EXACT_LIMIT`] values (those are kept exact).
    SketchTooSmall,
    /// A sketch whose buckets are out of range or whose count overflows.
    BadSketch,
}

impl Durations {
    /// An empty set of durations.
    pub fn new() -> Self {
        Self::default()
    }

    /// Exact durations from values in any order (negative values count as 0); a sketch when
    /// there are more than [`EXACT_LIMIT`].
    pub fn from_values(mut values: Vec<i64>) -> Self {
        for v in &mut values {
            *v = (*v).max(0);
        }
        values.sort_unstable();
        Self::settle(values)
    }

    fn settle(values: Vec<i64>) -> Self {
        if values.len() <= EXACT_LIMIT {
            Durations::Exact(values)
        } else {
            let mut s = Sketch::new();
            for &v in &values {
                s.add(v as f64);
            }
            Durations::Sketch(s)
        }
    }

    /// Appends a value while a cell is being filled; [`normalise`](Self::normalise) must
    /// follow before the cell is read or merged.
    pub(crate) fn push_unsorted(&mut self, v: i64) {
        match self {
            Durations::Exact(vals) => vals.push(v.max(0)),
            Durations::Sketch(s) => s.add(v.max(0) as f64),
        }
    }

    /// Appends the values of `other` while a cell is being filled (both as
    /// [`push_unsorted`](Self::push_unsorted) left them); [`normalise`](Self::normalise) must
    /// follow.
    pub(crate) fn append_unsorted(&mut self, other: Durations) {
        match (&mut *self, other) {
            (Durations::Exact(a), Durations::Exact(b)) => a.extend(b),
            (_, other) => self.merge(&other),
        }
    }

    /// Sorts values appended by [`push_unsorted`](Self::push_unsorted) and folds them into a
    /// sketch past [`EXACT_LIMIT`].
    pub(crate) fn normalise(&mut self) {
        if let Durations::Exact(v) = self {
            let v = std::mem::take(v);
            *self = Self::from_values(v);
        }
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        match self {
            Durations::Exact(v) => v.len() as u64,
            Durations::Sketch(s) => s.count(),
        }
    }

    /// The values, when they are kept exactly.
    pub fn values(&self) -> Option<&[i64]> {
        match self {
            Durations::Exact(v) => Some(v),
            Durations::Sketch(_) => None,
        }
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Durations) {
        let merged = match (std::mem::take(self), other) {
            (Durations::Exact(a), Durations::Exact(b)) => {
                if b.is_empty() {
                    *self = Durations::Exact(a);
                    return;
                }
                Self::settle(merge_sorted(&a, b))
            }
            (Durations::Sketch(mut s), Durations::Exact(b)) => {
                for &v in b {
                    s.add(v as f64);
                }
                Durations::Sketch(s)
            }
            (Durations::Exact(a), Durations::Sketch(t)) => {
                let mut s = t.clone();
                for &v in &a {
                    s.add(v as f64);
                }
                Durations::Sketch(s)
            }
            (Durations::Sketch(mut s), Durations::Sketch(t)) => {
                s.merge(t);
                Durations::Sketch(s)
            }
        };
        *self = merged;
    }

    /// The `q`-quantile (0 ≤ q ≤ 1, clamped) in microseconds by linear interpolation between order
    /// statistics (see the [module docs](self)); `None` when there are no values.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        match self {
            Durations::Exact(v) => quantile_sorted(v, q),
            Durations::Sketch(s) => s.quantile(q),
        }
    }

    /// The median in microseconds.
    pub fn median(&self) -> Option<f64> {
        self.quantile(0.5)
    }

    /// The 90th percentile in microseconds.
    pub fn p90(&self) -> Option<f64> {
        self.quantile(0.9)
    }

    /// Checks a stored value (for [`EvalState`](super::EvalState) validation).
    pub(crate) fn check(&self) -> Result<(), DurationsProblem> {
        match self {
            Durations::Exact(v) => {
                if v.len() > EXACT_LIMIT {
                    return Err(DurationsProblem::TooManyValues);
                }
                if v.first().is_some_and(|&x| x < 0) {
                    return Err(DurationsProblem::Negative);
                }
                if v.windows(2).any(|w| w[0] > w[1]) {
                    return Err(DurationsProblem::Unsorted);
                }
                Ok(())
            }
            Durations::Sketch(s) => {
                if !s.is_sane() {
                    return Err(DurationsProblem::BadSketch);
                }
                if s.count() <= EXACT_LIMIT as u64 {
                    return Err(DurationsProblem::SketchTooSmall);
                }
                Ok(())
            }
        }
    }
}

/// Two sorted slices into one sorted vector.
pub(crate) fn merge_sorted(a: &[i64], b: &[i64]) -> Vec<i64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// The `q`-quantile of sorted `values` by linear interpolation (numpy's default method).
pub fn quantile_sorted(values: &[i64], q: f64) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let q = if q.is_nan() { 0.5 } else { q.clamp(0.0, 1.0) };
    let h = (n - 1) as f64 * q;
    let lo = (h.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    let t = h - lo as f64;
    Some(lerp(values[lo] as f64, values[hi] as f64, t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The textbook definition, written independently: sort, interpolate.
    fn naive(values: &[i64], q: f64) -> f64 {
        let mut v: Vec<f64> = values.iter().map(|&x| x as f64).collect();
        v.sort_by(f64::total_cmp);
        let pos = q * (v.len() as f64 - 1.0);
        let below = pos.floor();
        let above = pos.ceil();
        let frac = pos - below;
        v[below as usize] * (1.0 - frac) + v[above as usize] * frac
    }

    #[test]
    fn median_of_even_count_is_the_mean_of_the_middle_two() {
        let d = Durations::from_values(vec![40, 10, 30, 20]);
        assert_eq!(d.median(), Some(25.0));
        assert_eq!(d.quantile(0.9), Some(37.0));
        assert_eq!(d.quantile(0.0), Some(10.0));
        assert_eq!(d.quantile(1.0), Some(40.0));
        assert_eq!(Durations::new().median(), None);
        assert_eq!(Durations::from_values(vec![7]).p90(), Some(7.0));
    }

    proptest! {
        #[test]
        fn quantiles_equal_naive_reference(values in proptest::collection::vec(0i64..50_000_000, 1..300),
                                           q in 0.0f64..=1.0) {
            let d = Durations::from_values(values.clone());
            for q in [q, 0.5, 0.9, 0.1, 0.25, 0.75] {
                let got = d.quantile(q).unwrap();
                let want = naive(&values, q);
                prop_assert!((got - want).abs() <= 1e-9 * want.abs().max(1.0), "q {} got {} want {}", q, got, want);
            }
        }

        #[test]
        fn merge_equals_one_pass(a in proptest::collection::vec(0i64..5_000_000, 0..80),
                                 b in proptest::collection::vec(0i64..5_000_000, 0..80)) {
            let one = Durations::from_values(a.iter().chain(&b).copied().collect());
            let mut ab = Durations::from_values(a.clone());
            ab.merge(&Durations::from_values(b.clone()));
            let mut ba = Durations::from_values(b);
            ba.merge(&Durations::from_values(a));
            prop_assert_eq!(&ab, &one);
            prop_assert_eq!(&ba, &one);
            prop_assert!(one.check().is_ok());
        }
    }

    #[test]
    fn past_the_limit_a_sketch_the_same_whatever_the_split() {
        let vals: Vec<i64> = (0..EXACT_LIMIT as i64 + 10)
            .map(|i| (i * 7_919) % 3_000_000)
            .collect();
        let one = Durations::from_values(vals.clone());
        assert!(matches!(one, Durations::Sketch(_)));
        assert!(one.check().is_ok());
        let (a, b) = vals.split_at(vals.len() / 2);
        let mut m = Durations::from_values(a.to_vec());
        assert!(matches!(m, Durations::Exact(_)));
        m.merge(&Durations::from_values(b.to_vec()));
        assert_eq!(m, one);
        let mut sorted = vals;
        sorted.sort_unstable();
        for q in [0.1, 0.5, 0.9] {
            let exact = quantile_sorted(&sorted, q).unwrap();
            let est = one.quantile(q).unwrap();
            assert!((est - exact).abs() <= 0.01 * exact, "{q}: {est} vs {exact}");
        }
    }

    #[test]
    fn check_finds_bad_values() {
        assert_eq!(
            Durations::Exact(vec![3, 1]).check(),
            Err(DurationsProblem::Unsorted)
        );
        assert_eq!(
            Durations::Exact(vec![-1, 1]).check(),
            Err(DurationsProblem::Negative)
        );
        let mut s = Sketch::new();
        s.add(5.0);
        assert_eq!(
            Durations::Sketch(s).check(),
            Err(DurationsProblem::SketchTooSmall)
        );
    }
}
