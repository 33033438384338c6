//! Validity periods of rules and contracts, in calendar dates, both ends inclusive.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A period of calendar dates, both ends inclusive; an absent end is open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Validity {
    /// First valid date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last valid date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
}

impl Validity {
    /// Valid on every date.
    pub const ALWAYS: Validity = Validity {
        from: None,
        until: None,
    };

    /// True when `date` lies in the period.
    #[inline]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|f| date >= f) && self.until.is_none_or(|u| date <= u)
    }

    /// True when `from` lies after `until`.
    pub fn is_inverted(&self) -> bool {
        matches!((self.from, self.until), (Some(f), Some(u)) if f > u)
    }

    /// True when some date lies in both periods.
    pub fn overlaps(&self, other: &Validity) -> bool {
        let lo = self.from.max(other.from);
        let hi = match (self.until, other.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match (lo, hi) {
            (Some(l), Some(h)) => l <= h,
            _ => true,
        }
    }

    /// True when every date of `self` lies in `other`.
    pub fn within(&self, other: &Validity) -> bool {
        let from_ok = match (self.from, other.from) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a >= b,
        };
        let until_ok = match (self.until, other.until) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a <= b,
        };
        from_ok && until_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods() {
        let y2025 = Validity {
            from: Some(d("2025-01-01")),
            until: Some(d("2025-12-31")),
        };
        let from_jul = Validity {
            from: Some(d("2025-07-01")),
            until: None,
        };
        assert!(y2025.contains(d("2025-12-31")));
        assert!(!y2025.contains(d("2026-01-01")));
        assert!(y2025.overlaps(&from_jul));
        assert!(!from_jul.within(&y2025));
        assert!(y2025.within(&Validity::ALWAYS));
        let later = Validity {
            from: Some(d("2026-01-01")),
            until: None,
        };
        assert!(!y2025.overlaps(&later));
        assert!(Validity {
            from: Some(d("2026-01-02")),
            until: Some(d("2026-01-01"))
        }
        .is_inverted());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn validity() -> impl Strategy<Value = Validity> {
        (
            proptest::option::of(0i64..60),
            proptest::option::of(0i64..60),
        )
            .prop_map(|(a, b)| {
                let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
                Validity {
                    from: a.map(|d| base + chrono::Days::new(d as u64)),
                    until: b.map(|d| base + chrono::Days::new(d as u64)),
                }
            })
    }

    proptest! {
        #[test]
        fn overlap_and_containment_agree_with_dates(a in validity(), b in validity()) {
            let base = NaiveDate::from_ymd_opt(2025, 12, 25).unwrap_or_default();
            let days: Vec<NaiveDate> = (0..75).map(|d| base + chrono::Days::new(d)).collect();
            let both = days.iter().any(|&d| a.contains(d) && b.contains(d));
            if !a.is_inverted() && !b.is_inverted() {
                prop_assert_eq!(a.overlaps(&b), both);
            }
            if a.within(&b) {
                prop_assert!(days.iter().all(|&d| !a.contains(d) || b.contains(d)));
            }
        }
    }
}
