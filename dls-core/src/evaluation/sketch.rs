//! A mergeable quantile sketch for durations with a relative-error guarantee (after DDSketch,
//! Masson, Rim and Lee, VLDB 2019).
//!
//! Values (durations in microseconds) at or above one microsecond fall into logarithmic
//! buckets `ceil(ln x / ln γ)` with `γ = (1 + α) / (1 − α)` and `α = 0.01`; values below one
//! microsecond count as zero. A quantile `q` is answered as evaluation's exact quantiles are
//! (see `evaluation::durations`): by linear interpolation between the values of ranks `⌊h⌋` and
//! `⌊h⌋ + 1`, `h = q · (n − 1)`. Each of those lies within **1 %** (relative) of the exact value
//! of its rank (values under one microsecond are answered as 0), so the interpolated answer
//! does too. Buckets are counts, so merging is exact addition: the result does not depend on
//! the order of inserts or merges, and merging partitions equals one pass. Durations from a
//! second to a few years need under 1 000 buckets (8 bytes each).

use serde::{Deserialize, Serialize};

/// The relative accuracy α of [`Sketch`] quantiles.
pub const RELATIVE_ACCURACY: f64 = 0.01;

/// The largest bucket key: that of `i64::MAX` microseconds (keys of larger values are clamped here).
pub const MAX_KEY: i32 = 2_200;

/// numpy's `_lerp`: `a + (b − a)·t`, computed from the nearer end so that `t = 1` gives `b`
/// exactly (the interpolation of every quantile in evaluation).
pub(crate) fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t >= 0.5 {
        b - d * (1.0 - t)
    } else {
        a + d * t
    }
}

fn gamma() -> f64 {
    (1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY)
}

/// A quantile sketch of non-negative durations in microseconds. A stored sketch is checked when it is
/// read ([`Sketch::is_sane`]): one that is not is an error, never a huge allocation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SketchData")]
pub struct Sketch {
    /// Values under one microsecond.
    zeros: u64,
    /// Bucket key of `bins[0]`.
    offset: i32,
    /// Counts of consecutive bucket keys from `offset`.
    bins: Vec<u64>,
}

/// A sketch as stored, before [`Sketch::is_sane`] accepts it.
#[derive(Deserialize)]
struct SketchData {
    zeros: u64,
    offset: i32,
    bins: Vec<u64>,
}

impl TryFrom<SketchData> for Sketch {
    type Error = &'static str;

    fn try_from(d: SketchData) -> Result<Self, Self::Error> {
        let s = Sketch {
            zeros: d.zeros,
            offset: d.offset,
            bins: d.bins,
        };
        if s.is_sane() {
            Ok(s)
        } else {
            Err("sketch buckets out of range or count too large")
        }
    }
}

impl Sketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of values added.
    pub fn count(&self) -> u64 {
        self.zeros + self.bins.iter().sum::<u64>()
    }

    fn key(secs: f64) -> i32 {
        ((secs.ln() / gamma().ln()).ceil() as i32).clamp(0, MAX_KEY)
    }

    /// True when the buckets lie in `0..=MAX_KEY` and the count does not overflow: what a
    /// sketch built by [`add`](Self::add) and [`merge`](Self::merge) always is, and what a
    /// stored one must be before use.
    pub fn is_sane(&self) -> bool {
        let in_range = self.bins.is_empty()
            || (self.offset >= 0
                && (self.offset as i64 + self.bins.len() as i64 - 1) <= MAX_KEY as i64);
        in_range
            && self
                .bins
                .iter()
                .try_fold(self.zeros, |acc, &c| acc.checked_add(c))
                .is_some()
    }

    /// Adds a duration in microseconds (negative values count as zero).
    pub fn add(&mut self, secs: f64) {
        self.add_n(secs, 1);
    }

    fn add_n(&mut self, secs: f64, n: u64) {
        if secs.is_nan() || secs < 1.0 {
            self.zeros += n;
            return;
        }
        let k = Self::key(secs);
        self.add_key(k, n);
    }

    fn add_key(&mut self, k: i32, n: u64) {
        if self.bins.is_empty() {
            self.offset = k;
            self.bins.push(n);
            return;
        }
        if k < self.offset {
            let grow = (self.offset - k) as usize;
            let mut v = vec![0; grow];
            v.extend_from_slice(&self.bins);
            self.bins = v;
            self.offset = k;
        }
        let i = (k - self.offset) as usize;
        if i >= self.bins.len() {
            self.bins.resize(i + 1, 0);
        }
        self.bins[i] += n;
    }

    /// Adds every value of `other`.
    pub fn merge(&mut self, other: &Sketch) {
        self.zeros += other.zeros;
        if other.bins.is_empty() {
            return;
        }
        // Make room once for the whole range of `other`.
        let last = other.offset + other.bins.len() as i32 - 1;
        self.add_key(other.offset, 0);
        self.add_key(last, 0);
        let base = (other.offset - self.offset) as usize;
        for (i, &c) in other.bins.iter().enumerate() {
            self.bins[base + i] += c;
        }
    }

    /// The `q`-quantile (0 ≤ q ≤ 1) in microseconds, or `None` when empty. See the module docs for
    /// the error bound.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let q = if q.is_nan() { 0.5 } else { q.clamp(0.0, 1.0) };
        let h = q * (n - 1) as f64;
        let lo = (h.floor() as u64).min(n - 1);
        let hi = (lo + 1).min(n - 1);
        let a = self.value_at(lo)?;
        let b = if hi == lo { a } else { self.value_at(hi)? };
        Some(lerp(a, b, h - lo as f64))
    }

    /// The estimated value of rank `rank` (0-based) in microseconds.
    fn value_at(&self, rank: u64) -> Option<f64> {
        if rank < self.zeros {
            return Some(0.0);
        }
        let mut seen = self.zeros;
        for (i, &c) in self.bins.iter().enumerate() {
            seen += c;
            if seen > rank {
                let k = self.offset + i as i32;
                let g = gamma();
                return Some(2.0 * g.powi(k) / (g + 1.0));
            }
        }
        None
    }

    /// The median in microseconds.
    pub fn median(&self) -> Option<f64> {
        self.quantile(0.5)
    }

    /// The 90th percentile in seconds.
    pub fn p90(&self) -> Option<f64> {
        self.quantile(0.9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quantiles_within_bound() {
        let mut s = Sketch::new();
        let mut vals: Vec<f64> = (0..10_000)
            .map(|i| (i * 37 % 10_007) as f64 * 61.0)
            .collect();
        for &v in &vals {
            s.add(v);
        }
        vals.sort_by(f64::total_cmp);
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            let h = q * (vals.len() - 1) as f64;
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(vals.len() - 1);
            let exact = vals[lo] + (vals[hi] - vals[lo]) * (h - lo as f64);
            let est = s.quantile(q).unwrap();
            if exact < 1.0 {
                assert!(est < 1.0);
            } else {
                assert!(
                    (est - exact).abs() <= RELATIVE_ACCURACY * exact + 1e-9,
                    "{q}"
                );
            }
        }
        assert_eq!(Sketch::new().median(), None);
    }

    proptest! {
        #[test]
        fn merge_equals_one_pass(a in proptest::collection::vec(0u32..5_000_000, 0..60),
                                 b in proptest::collection::vec(0u32..5_000_000, 0..60)) {
            let mut one = Sketch::new();
            let mut sa = Sketch::new();
            let mut sb = Sketch::new();
            for &v in &a { one.add(v as f64); sa.add(v as f64); }
            for &v in &b { one.add(v as f64); sb.add(v as f64); }
            let mut ab = sa.clone();
            ab.merge(&sb);
            let mut ba = sb.clone();
            ba.merge(&sa);
            prop_assert_eq!(&ab, &one);
            prop_assert_eq!(&ba, &one);
        }
    }
}
