//! Disclosure control: the settings every published figure is made under, and what they mean
//! (the tables themselves and [`suppress`](super::table::suppress) live in [`table`](super::table)).
//!
//! On by default ([`Disclosure::default`]), following the rules of the Eurostat/CBS *Handbook on
//! Statistical Disclosure Control* (Hundepool et al.; the chapter on frequency and magnitude
//! tables) by name:
//! - **threshold rule** (primary suppression): a cell with fewer than `min_cases` (10) cases
//!   shows no figures;
//! - **secondary suppression**: along every dimension, the cells that differ only in that
//!   dimension form a line whose total can be published (a municipality's total, a kern's total
//!   over all months, …). Kernen are lined up per municipality *and* over every kern together
//!   (the by-phase or by-month total is published too, so a municipality with one kern is no
//!   way round). When a line has exactly one suppressed cell, or its suppressed cells hold fewer
//!   than `min_cases` cases together, the unsuppressed cell with the fewest cases is suppressed
//!   too, until no line needs more. No suppressed cell can then be recovered by subtracting
//!   published cells from a total of the same table;
//! - **rounding**: every count (cases, events, ended and open durations, handoffs, clock
//!   counts, …) is rounded to the nearest multiple of `round_to` (5, halves up);
//! - **derived figures from published counts**: every share and mean of a cell (bounce rate,
//!   handoffs per case, clock compliance, the means and shares of a comparison, …) is the
//!   rounded numerator over the rounded denominator ([`Disclosure::ratio`]), never the exact
//!   counts, so that it narrows no count below the rounding base: a count published as 15
//!   next to a rate 10 / 13 would give the 13 away;
//! - **dominance / size rule for quantiles**: a median or 90th percentile is close to one
//!   person's value when it is taken over few values (the p90 of 13 values is the 12th), so
//!   quantiles are withheld when the published number of values is below `min_quantile` (20),
//!   and otherwise shown in days rounded to `day_decimals` (1) decimals
//!   ([`Disclosure::quantile_days`]). The rule reads the published count, so that whether a
//!   quantile is shown says nothing finer than the count itself;
//! - frequent-problem entries counting fewer than `min_cases` are left out (and counted).
//!
//! ```
//! use dls_core::evaluation::Disclosure;
//!
//! let d = Disclosure::default();
//! // 10 of 13 cases: published as 10 of 15, never as 10 / 13.
//! assert_eq!((d.count(10), d.count(13)), (10, 15));
//! assert_eq!(d.ratio(10, 13), Some(10.0 / 15.0));
//! // A p90 of 13 values is withheld; of 40 values it is shown to a tenth of a day.
//! assert_eq!(d.quantile_days(13, Some(3.14159 * 86_400.0)), None);
//! assert_eq!(d.quantile_days(40, Some(3.14159 * 86_400.0)), Some(3.1));
//! assert_eq!(Disclosure::raw().ratio(10, 13), Some(10.0 / 13.0));
//! ```
//!
//! Not covered yet (issue 13, items 1(c) and 1(d)): differences between two outputs of the same
//! data (the same log with and without one case; two comparisons whose selections differ by a
//! suppressed cell), and bootstrap interval bounds, which are taken over the exact values.
//!
//! [`Disclosure::raw`] turns all of this off, for internal use only.
//!
//! # The disclosure switch
//!
//! Every binding and every host takes disclosure as one switch, [`DisclosureMode`], by its wire
//! name: **`publish`** (the default: the control above) or **`raw`** (none of it; internal use
//! only). Nothing else is accepted: [`DisclosureMode::from_str`](std::str::FromStr) (and
//! [`Disclosure::from_str`](std::str::FromStr)) reject any other text with an error that lists
//! the two. Custom settings are a [`Disclosure`] value, for Rust callers and analysts who need
//! them.
//!
//! ```
//! use dls_core::evaluation::{Disclosure, DisclosureMode};
//!
//! let mode: DisclosureMode = "raw".parse().unwrap();
//! assert_eq!(mode.as_str(), "raw");
//! assert_eq!(mode.settings(), Disclosure::raw());
//! assert_eq!("publish".parse::<Disclosure>().unwrap(), Disclosure::default());
//! let e = "Publish".parse::<DisclosureMode>().unwrap_err();
//! assert_eq!(e.to_string(), "unknown disclosure: use `publish` or `raw`");
//! ```

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::EvalError;
use crate::events::wire_names;

/// The disclosure switch: the one way every binding says how figures are disclosed (see the
/// [module docs](self#the-disclosure-switch)).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DisclosureMode {
    /// Suppression and rounding for publication: [`Disclosure::default`].
    #[default]
    Publish,
    /// Raw figures, internal use only: [`Disclosure::raw`].
    Raw,
}

wire_names!(DisclosureMode, EvalError, |_: &str| EvalError::UnknownDisclosure;
    Publish => "publish",
    Raw => "raw",
);

impl DisclosureMode {
    /// The settings this switch stands for.
    pub fn settings(self) -> Disclosure {
        match self {
            DisclosureMode::Publish => Disclosure::default(),
            DisclosureMode::Raw => Disclosure::raw(),
        }
    }
}

impl From<DisclosureMode> for Disclosure {
    fn from(mode: DisclosureMode) -> Self {
        mode.settings()
    }
}

impl FromStr for Disclosure {
    type Err = EvalError;
    /// Reads the switch (`publish` or `raw`) into its settings.
    fn from_str(s: &str) -> Result<Self, EvalError> {
        s.parse::<DisclosureMode>().map(DisclosureMode::settings)
    }
}

/// Disclosure-control settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Disclosure {
    /// Cells with fewer cases are suppressed (0: none).
    pub min_cases: u64,
    /// Counts are rounded to a multiple of this (0 or 1: not rounded).
    pub round_to: u64,
    /// Apply secondary suppression.
    pub secondary: bool,
    /// Quantiles (median, p90) of fewer values than this are withheld (0: never withheld).
    pub min_quantile: u64,
    /// Durations in days are published rounded to this many decimals (`None`: unrounded).
    pub day_decimals: Option<u32>,
}

impl Default for Disclosure {
    fn default() -> Self {
        Disclosure {
            min_cases: 10,
            round_to: 5,
            secondary: true,
            min_quantile: 20,
            day_decimals: Some(1),
        }
    }
}

impl Disclosure {
    /// No suppression, no rounding: raw figures, for internal use only.
    pub fn raw() -> Self {
        Disclosure {
            min_cases: 0,
            round_to: 1,
            secondary: false,
            min_quantile: 0,
            day_decimals: None,
        }
    }

    /// The switch these settings stand for, if they are exactly one of its two settings.
    pub fn mode(&self) -> Option<DisclosureMode> {
        DisclosureMode::ALL
            .iter()
            .copied()
            .find(|m| m.settings() == *self)
    }

    /// True when figures are published unchanged.
    pub fn is_raw(&self) -> bool {
        self.min_cases == 0
            && self.round_to <= 1
            && self.min_quantile == 0
            && self.day_decimals.is_none()
    }

    /// A share or mean as published: the published `numerator` over the published
    /// `denominator` (both rounded by [`count`](Self::count)), so that it reveals nothing the
    /// published counts do not; `None` when the published denominator is 0.
    pub fn ratio(&self, numerator: u64, denominator: u64) -> Option<f64> {
        let d = self.count(denominator);
        (d > 0).then(|| self.count(numerator) as f64 / d as f64)
    }

    /// A quantile of `values` durations (seconds) as published, in days: withheld when the
    /// published (rounded) number of values is below `min_quantile`, else rounded to
    /// `day_decimals` decimals. The rule reads the published count, so that showing or
    /// withholding a quantile says nothing finer about the count than the count itself.
    pub fn quantile_days(&self, values: u64, seconds: Option<f64>) -> Option<f64> {
        if self.count(values) < self.min_quantile {
            return None;
        }
        seconds.map(|s| self.days(s / 86_400.0))
    }

    /// A figure in days as published: rounded to `day_decimals` decimals.
    pub fn days(&self, days: f64) -> f64 {
        match self.day_decimals {
            Some(p) => {
                let f = 10f64.powi(p.min(9) as i32);
                (days * f).round() / f
            }
            None => days,
        }
    }

    /// A count as published: rounded to the nearest multiple of `round_to` (halves up).
    pub fn count(&self, n: u64) -> u64 {
        if self.round_to <= 1 {
            n
        } else {
            (n + self.round_to / 2) / self.round_to * self.round_to
        }
    }
}
