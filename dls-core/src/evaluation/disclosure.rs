//! Disclosure control: the settings every published figure is made under, and what they mean
//! (the tables themselves and [`suppress`](super::table::suppress) live in [`table`](super::table)).
//!
//! On by default ([`Disclosure::default`]):
//! - **primary suppression**: a cell with fewer than `min_cases` (10) cases shows no figures;
//! - **secondary suppression**: along every dimension, the cells that differ only in that
//!   dimension form a line whose total can be published (a municipality's total, a kern's total
//!   over all months, …); kernen are lined up per municipality. When a line has exactly one
//!   suppressed cell, or its suppressed cells hold fewer than `min_cases` cases together, the
//!   unsuppressed cell with the fewest cases is suppressed too, until no line needs more. No
//!   suppressed cell can then be recovered by subtracting published cells from a total;
//! - **rounding**: every count (cases, events, ended and open durations, handoffs, clock
//!   counts, …) is rounded to the nearest multiple of `round_to` (5). Rates, means and
//!   quantiles are computed from the exact figures and shown only for unsuppressed cells;
//! - frequent-problem entries counting fewer than `min_cases` are left out (and counted).
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
//! assert_eq!(e.to_string(), "unknown disclosure `Publish`: use `publish` or `raw`");
//! ```

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::EvalError;
use crate::events::{echo, wire_names};

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

wire_names!(DisclosureMode, EvalError, |s| EvalError::UnknownDisclosure(echo(s));
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
}

impl Default for Disclosure {
    fn default() -> Self {
        Disclosure {
            min_cases: 10,
            round_to: 5,
            secondary: true,
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
        self.min_cases == 0 && self.round_to <= 1
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
