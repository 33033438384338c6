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
//!   counts, …) is rounded to a multiple of `round_to` (5) by **unbiased random rounding**
//!   (Handbook, §5.4 "rounding" for frequency tables; §7 for magnitudes): a count `n = q·b + r`
//!   is published as `(q + 1)·b` with probability `r / b` and as `q·b` otherwise, so that its
//!   expected value is `n`. The draw is not random at run time but keyed, as in the **cell key
//!   method** of the ABS and ONS (Fraser and Wooton 2005; Thompson, Broadfoot and Elazar 2013):
//!   every case has a record key (a hash of its case id, [`record_key`]), a cell's key is the
//!   sum of the record keys of its cases (so it merges with the state), and the draw for one
//!   figure of a cell is SipHash-1-3 of the cell key and the figure under the policy's secret
//!   [`key`](Disclosure::key). The same cases therefore always give the same published figures
//!   (in any order, on any number of threads, in any binding), and a cell with one case more or
//!   less is drawn afresh;
//! - **differencing** (issue 13, item 1(c)): publishing the same log with and without one case
//!   gives, for each cell that held it, two published sums `P₁ ≈ S` and `P₂ ≈ S − h` (`h` the
//!   case's handoffs, bounces, organisations, resolved, …), each drawn independently. Random
//!   rounding publishes `P` only for exact sums within `round_to − 1` of it, so
//!   `h ∈ [P₁ − P₂ − 2(b−1), P₁ − P₂ + 2(b−1)]`: 17 whole numbers for `b = 5`. Intersecting
//!   these intervals over every cell of every table never narrows `h` to one value: they are
//!   all `4(b−1) + 1` wide and centred on multiples of `b`, so those that hold the true `h`
//!   share at least 2 values for `b = 5` (3 for `b = 3`; `b = 2` can pin one), and with
//!   `h ≥ 0` (or `h ∈ {0, 1}` for resolved) still 2. The exact value of a case's count is never
//!   recovered from two outputs; what an attacker still learns is a likelihood (a case with
//!   many handoffs shifts the differences
//!   upwards), which `dls-core/tests/attack.rs` measures and bounds. With deterministic rounding
//!   (to the nearest multiple), by contrast, a difference of `b` in a resolved count pins
//!   `resolved = 1` exactly, for about one cell in `b`;
//! - **overlapping comparisons** (item 1(d)): two selections of a comparison that overlap and
//!   differ by cases whose *published* (rounded, under the key of those cases) number is below
//!   `min_cases` would publish a cell too small to publish as their difference:
//!   [`compare`](super::compare::compare) suppresses such a comparison and
//!   [`compare_checked`](super::compare::compare_checked) refuses it
//!   ([`EvalError::SmallDifference`]). Like the threshold of a table, the rule reads the
//!   published count: on the exact count, a difference of exactly `min_cases` cases compared
//!   and refused one case later would give its count away;
//! - **rows too small are not listed**: a published table lists a group only when it is
//!   shown or hidden by secondary suppression; a group too small to publish is left out, like
//!   a group without cases. Listed as suppressed, it would say "at least one case", and
//!   enough such rows inside a published cell bound its count from below: on the pilot, the
//!   rows of need × kern × month under one need × phase cell published as 10 said "at least
//!   10", and the same table without one case, where the cell fell below the threshold, said
//!   "at most 10" (found by `dls-core/tests/attack_large.rs`). A missing group now means
//!   "fewer than `min_cases` published cases, possibly none" (the Handbook's advice to treat
//!   empty and small cells alike in frequency tables);
//! - **derived figures from published counts**: every share and mean of a cell (bounce rate,
//!   handoffs per case, clock compliance, the means and shares of a comparison, …) is the
//!   rounded numerator over the rounded denominator ([`Disclosure::ratio`]), never the exact
//!   counts, so that it narrows no count below the rounding base: a count published as 15
//!   next to a rate 10 / 13 would give the 13 away;
//! - **size rule for quantiles** (the Handbook's rules for checking output, where a
//!   percentile counts as a value of single units, like a minimum or maximum; CBS's guidance
//!   on statistical disclosure control, *Statistische beveiliging*: no published figure may in
//!   effect show one person's value): a median or 90th
//!   percentile is close to one person's value when it is taken over few values, or when few
//!   values lie beyond it (the p90 of 20 values is the 18th, with two above it). A quantile
//!   `q` is therefore shown only when the published number of values is at least
//!   `min_quantile` (20) **and** at least `min_cases` (10) of them lie on each side of it
//!   (`n · min(q, 1 − q) ≥ min_cases`: a median needs 20 values, a p90 100), and then in days
//!   rounded to `day_decimals` (1) decimals ([`Disclosure::shows_quantile`],
//!   [`Disclosure::quantile`]). The rule reads the published count, so that whether a
//!   quantile is shown says nothing finer than the count itself;
//! - **threshold on the published count**: a cell is suppressed as too small when its
//!   *published* (randomly rounded) number of cases is below `min_cases`, and secondary
//!   suppression picks cells by their published counts. Deciding on the exact count would
//!   give the count away to anyone who sees the same table with one case less: a cell of
//!   exactly `min_cases` cases is shown, the same cell without one case is not, so it held
//!   exactly `min_cases`. On the published count the two outputs allow a range of `b` values
//!   (a cell published as 10 and suppressed one case later held 6 to 10 cases). A cell of 6
//!   to 9 cases is therefore shown (as 10) with probability 1/5 to 4/5, with figures made
//!   only from rounded counts; a cell of 10 or more is never too small (it rounds to at least
//!   10);
//! - frequent-problem entries counting fewer than `min_cases` are left out (and counted).
//!
//! ```
//! use dls_core::evaluation::Disclosure;
//!
//! let d = Disclosure::default();
//! // 13 cases: published as 10 or 15 (15 with probability 3/5), the same every time for the
//! // same cell; a multiple of 5 is published as it is.
//! let cell = 0x1234; // the cell's key: the sum of its cases' record keys
//! let n = d.count(13, cell, 0);
//! assert!(n == 10 || n == 15);
//! assert_eq!(d.count(13, cell, 0), n);
//! assert_eq!(d.count(20, cell, 0), 20);
//! // A share is the published numerator over the published denominator, never 10 / 13.
//! assert_eq!(d.ratio((10, 1), (13, 0), cell), Some(10.0 / n as f64));
//! // A median of values published as 15 is withheld; of 40 values it is shown to a tenth of a
//! // day. A p90 needs 10 values above it: 100 values.
//! assert_eq!(d.quantile_days(15, Some(3.14159 * 86_400e6)), None);
//! assert_eq!(d.quantile_days(40, Some(3.14159 * 86_400e6)), Some(3.1));
//! assert_eq!(d.quantile(95, 0.9, Some(86_400e6)), None);
//! assert_eq!(d.quantile(100, 0.9, Some(86_400e6)), Some(1.0));
//! assert_eq!(Disclosure::raw().ratio((10, 1), (13, 0), cell), Some(10.0 / 13.0));
//! ```
//!
//! Not covered (documented in RELIABILITY.md): a median or p90 published with and without one
//! case can move by that case's duration when it is one of the middle values (quantiles are
//! rounded to `day_decimals` and need enough values on each side, but are not perturbed); an
//! attacker who knows every attribute of a removed case can, when it adds 2 or 3 to a sum,
//! pin that sum in about one cell in 25 (two independent draws at opposite extremes); many
//! overlapping `compare` selections give fresh draws of overlapping sums that could be
//! averaged. The counts of the frequent-problems table are rounded with keys of their own (see
//! [`problems`](super::table)).
//!
//! # The key
//!
//! The rounding draws are keyed by a secret ([`Disclosure::key`]). The default,
//! [`DEFAULT_KEY`], is public (it is in this source), so anyone who knows every case id of a
//! cell can redo its draws and undo the rounding: as the ABS and ONS do with their cell key
//! method, the key must be the publisher's secret. Set it with [`Disclosure::with_key`], or in
//! every binding with the switch `publish:SECRET` (Python `disclosure="publish:…"` or
//! `{"key": "…"}`, JVM `disclosure = "publish:…"`). The same secret always gives the same
//! figures. A table made under the default key says so in its settings, loudly:
//! `"key": "public_default_not_for_publication"` ([`PUBLIC_KEY_LABEL`]), against
//! `"set_by_publisher"` ([`OWN_KEY_LABEL`]); the key itself is never written out. The default
//! is kept (rather than refusing to publish without a key) so that examples, tests and
//! goldens stay reproducible and every existing call keeps working; tests and examples use it
//! or a fixed test secret.
//!
//! ```
//! use dls_core::evaluation::Disclosure;
//!
//! let mine: Disclosure = "publish:our secret".parse().unwrap();
//! assert_eq!(mine, Disclosure::default().with_key("our secret"));
//! assert!(!mine.uses_public_key() && Disclosure::default().uses_public_key());
//! let text = serde_json::to_string(&Disclosure::default()).unwrap();
//! assert!(text.contains(r#""key":"public_default_not_for_publication""#));
//! let text = serde_json::to_string(&mine).unwrap();
//! assert!(text.contains(r#""key":"set_by_publisher""#) && !text.contains("secret"));
//! assert!("publish:".parse::<Disclosure>().is_err());
//! ```
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
use siphasher::sip::SipHasher13;
use std::hash::Hasher;

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
    /// Reads the switch (`publish` or `raw`) into its settings; `publish:SECRET` is `publish`
    /// under the publisher's own key ([`Disclosure::with_key`]), the one way every binding
    /// sets it.
    fn from_str(s: &str) -> Result<Self, EvalError> {
        match s.split_once(':') {
            Some(("publish", secret)) if !secret.is_empty() => {
                Ok(Disclosure::default().with_key(secret))
            }
            Some(_) => Err(EvalError::UnknownDisclosure),
            None => s.parse::<DisclosureMode>().map(DisclosureMode::settings),
        }
    }
}

/// How a published table names its key: never the key itself, only whether it is the public
/// default ([`PUBLIC_KEY_LABEL`]) or one the publisher set ([`OWN_KEY_LABEL`]).
mod key_label {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(key: &u128, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if *key == DEFAULT_KEY {
            PUBLIC_KEY_LABEL
        } else {
            OWN_KEY_LABEL
        })
    }

    /// A label read back gives the default key (an own key cannot be read back: it is never
    /// written); any other text is a publisher's secret.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.as_str() {
            PUBLIC_KEY_LABEL | OWN_KEY_LABEL | "" => DEFAULT_KEY,
            secret => key_of(secret),
        })
    }
}

/// What a published table says in its settings (`"key"`) when it was made under the public
/// [`DEFAULT_KEY`]: anyone who knows every case id of a cell can redo its rounding draws, so
/// such a table is not fit for publication.
pub const PUBLIC_KEY_LABEL: &str = "public_default_not_for_publication";
/// What a published table says in its settings (`"key"`) when the publisher set a key.
pub const OWN_KEY_LABEL: &str = "set_by_publisher";

/// The 128-bit key made from a publisher's secret text: SipHash-1-3 (128-bit output) of it.
fn key_of(secret: &str) -> u128 {
    use siphasher::sip128::{Hasher128, SipHasher13};
    let mut h = SipHasher13::new_with_keys(0x646c_735f_7075_626c, 0x6973_6865_725f_6b65);
    h.write(secret.as_bytes());
    h.finish128().as_u128()
}

/// The record key of a case: a hash of its case id (FxHash with a MurmurHash3 finish, the same
/// on every platform). A cell's key is the wrapping sum of the record keys of its cases, so it
/// is the same however the cases are ordered or partitioned, and changes with any case added or
/// removed. It holds no secret: the rounding draws are keyed by [`Disclosure::key`].
pub fn record_key(case_id: &str) -> u64 {
    let mut h = crate::hash::FxHasher::default();
    h.write(case_id.as_bytes());
    h.finish()
}

/// Which count of a cell a rounding draw is for: the same quantity has the same number in every
/// table and in comparisons, so that the same cases always publish it the same.
pub(crate) mod figure {
    pub const CASES: u32 = 0;
    pub const EVENTS: u32 = 1;
    pub const FIRST_CONTACT_ENDED: u32 = 2;
    pub const FIRST_CONTACT_OPEN: u32 = 3;
    pub const RIGHT_PLACE_ENDED: u32 = 4;
    pub const RIGHT_PLACE_OPEN: u32 = 5;
    pub const HANDOFFS: u32 = 6;
    pub const BOUNCES: u32 = 7;
    pub const CASES_BOUNCED: u32 = 8;
    pub const LOOPS: u32 = 9;
    pub const CASES_LOOPED: u32 = 10;
    pub const ORGANISATIONS: u32 = 11;
    pub const ESCALATIONS: u32 = 12;
    pub const CASES_ESCALATED: u32 = 13;
    pub const RESOLVED: u32 = 14;
    pub const REOPENED: u32 = 15;
    /// Clock `k`'s counts: `CLOCKS + 4·k + (met 0, missed 1, running 2, overdue 3)`.
    pub const CLOCKS: u32 = 16;
    /// Frequent-problem entries (each entry has its own key).
    pub const ENTRY: u32 = 64;
    /// A wait entry's answered and unanswered referrals.
    pub const ANSWERED: u32 = 65;
    pub const UNANSWERED: u32 = 66;
    /// Vroegsignalering figures (`signals::signal_metrics`): households, contacted, accepted,
    /// prevented.
    pub const SIGNAL_HOUSEHOLDS: u32 = 80;
    pub const SIGNAL_CONTACTED: u32 = 81;
    pub const SIGNAL_ACCEPTED: u32 = 82;
    pub const SIGNAL_PREVENTED: u32 = 83;
}

/// The secret key of the rounding draws when none is set: public, so that anyone who knows
/// every case id of a cell can redo its draws. Publishers who must guard against that set their
/// own [`Disclosure::key`].
pub const DEFAULT_KEY: u128 = 0x646c_735f_6365_6c6c_5f6b_6579_5f76_3031;

/// [`Disclosure::label`] of raw figures.
pub const RAW_LABEL: &str = "raw";
/// [`Disclosure::label`] of settings at least as strict as the defaults.
pub const PUBLISH_LABEL: &str = "publish";
/// [`Disclosure::label`] of settings that protect, but less than the defaults somewhere.
pub const CUSTOM_LABEL: &str = "custom";

/// Disclosure-control settings.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The secret key of the random-rounding draws ([`DEFAULT_KEY`] unless set, see
    /// [`with_key`](Self::with_key)). Never written out: a published table says only whether
    /// it is the public default ([`PUBLIC_KEY_LABEL`]) or the publisher's
    /// ([`OWN_KEY_LABEL`]); nor shown by `Debug`. Read from text, it is a publisher's secret.
    #[serde(with = "key_label")]
    pub key: u128,
}

impl std::fmt::Debug for Disclosure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Disclosure")
            .field("min_cases", &self.min_cases)
            .field("round_to", &self.round_to)
            .field("secondary", &self.secondary)
            .field("min_quantile", &self.min_quantile)
            .field("day_decimals", &self.day_decimals)
            .field(
                "key",
                &if self.key == DEFAULT_KEY {
                    "default"
                } else {
                    "set"
                },
            )
            .finish()
    }
}

impl Default for Disclosure {
    fn default() -> Self {
        Disclosure {
            min_cases: 10,
            round_to: 5,
            secondary: true,
            min_quantile: 20,
            day_decimals: Some(1),
            key: DEFAULT_KEY,
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
            key: DEFAULT_KEY,
        }
    }

    /// These settings under the publisher's own key, made from `secret` (any text the
    /// publisher keeps to itself; its 128-bit SipHash-1-3): the same secret always gives the
    /// same published figures, and without it nobody can redo the rounding draws, even knowing
    /// every case id of a cell. Tests and examples may use a fixed test secret.
    pub fn with_key(self, secret: &str) -> Self {
        Disclosure {
            key: key_of(secret),
            ..self
        }
    }

    /// True when figures are rounded under the public [`DEFAULT_KEY`]: fine for tests and
    /// examples, not for publication (a published table then says
    /// [`PUBLIC_KEY_LABEL`] in its settings).
    pub fn uses_public_key(&self) -> bool {
        self.key == DEFAULT_KEY && !self.is_raw()
    }

    /// The switch these settings stand for, if they are exactly one of its two settings.
    pub fn mode(&self) -> Option<DisclosureMode> {
        DisclosureMode::ALL
            .iter()
            .copied()
            .find(|m| m.settings() == *self)
    }

    /// What a table made under these settings says it is, in its
    /// [`DISCLOSURE_COLUMN`](super::columns::DISCLOSURE_COLUMN) in every binding:
    /// - [`RAW_LABEL`] (`raw`): figures unchanged, for internal use only, never to be
    ///   published ([`is_raw`](Self::is_raw));
    /// - [`PUBLISH_LABEL`] (`publish`): every protection of [`Disclosure::default`] at least as
    ///   strict (threshold, rounding base, secondary suppression, quantile size rule, days
    ///   rounded to at most one decimal), under any key;
    /// - [`CUSTOM_LABEL`] (`custom`): some protection applied, but at least one weaker than the
    ///   defaults: check the settings before publishing.
    pub fn label(&self) -> &'static str {
        let d = Disclosure::default();
        if self.is_raw() {
            RAW_LABEL
        } else if self.min_cases >= d.min_cases
            && self.round_to >= d.round_to
            && self.secondary
            && self.min_quantile >= d.min_quantile
            && self.day_decimals.is_some_and(|n| Some(n) <= d.day_decimals)
        {
            PUBLISH_LABEL
        } else {
            CUSTOM_LABEL
        }
    }

    /// True when figures are published unchanged.
    pub fn is_raw(&self) -> bool {
        self.min_cases == 0
            && self.round_to <= 1
            && self.min_quantile == 0
            && self.day_decimals.is_none()
    }

    /// A share or mean as published: the published numerator over the published denominator
    /// (each a `(count, figure)` of the cell whose key is `cell`, rounded by
    /// [`count`](Self::count)), so that it reveals nothing the published counts do not; `None`
    /// when the published denominator is 0.
    pub fn ratio(&self, numerator: (u64, u32), denominator: (u64, u32), cell: u64) -> Option<f64> {
        let d = self.count(denominator.0, cell, denominator.1);
        (d > 0).then(|| self.count(numerator.0, cell, numerator.1) as f64 / d as f64)
    }

    /// A median of durations (microseconds) as published, in days:
    /// [`quantile`](Self::quantile) at 0.5.
    pub fn quantile_days(&self, published_values: u64, micros: Option<f64>) -> Option<f64> {
        self.quantile(published_values, 0.5, micros)
    }

    /// The quantile `q` of durations (microseconds) as published, in days (elapsed
    /// microseconds / [`MICROS_PER_DAY`](super::durations::MICROS_PER_DAY)):
    /// [`quantile_of_days`](Self::quantile_of_days).
    pub fn quantile(&self, published_values: u64, q: f64, micros: Option<f64>) -> Option<f64> {
        let days = micros.map(|us| us / super::durations::MICROS_PER_DAY);
        self.quantile_of_days(published_values, q, days)
    }

    /// The quantile `q` (in days) of values whose published number is `published_values`, as
    /// published: shown only when [`shows_quantile`](Self::shows_quantile) says so, and then
    /// rounded to `day_decimals` decimals.
    pub fn quantile_of_days(
        &self,
        published_values: u64,
        q: f64,
        days: Option<f64>,
    ) -> Option<f64> {
        if !self.shows_quantile(published_values, q) {
            return None;
        }
        days.map(|d| self.days(d))
    }

    /// Whether the quantile `q` of values whose *published* number is `published_values` may
    /// be shown: the **size rule** (at least `min_quantile` values) and the **threshold rule on
    /// each side** of the quantile (at least `min_cases` values below it and above it:
    /// `published_values · min(q, 1 − q) ≥ min_cases`). A quantile is one value of the
    /// distribution (or between two): with fewer than `min_cases` values beyond it, it is an
    /// extreme of a group too small to publish, like the maximum of that group (a p90 of 20
    /// values is the 18th, with two people above it). So a median needs 20 values and a 90th
    /// percentile 100 under the defaults. The rule reads the published count, so that whether
    /// a quantile is shown says nothing finer about the count than the count itself.
    pub fn shows_quantile(&self, published_values: u64, q: f64) -> bool {
        let side = q.min(1.0 - q).max(0.0);
        published_values >= self.min_quantile
            && published_values as f64 * side >= self.min_cases as f64 - 1e-9
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

    /// A count as published: `n` by unbiased random rounding to a multiple of `round_to`
    /// (unchanged when `round_to` is 0 or 1). `cell` is the key of the cell the count belongs
    /// to (the sum of its cases' [`record_key`]s), `figure` says which of its counts this is:
    /// the draw is SipHash-1-3 of both under [`key`](Self::key), so the same figure of the same
    /// cases is always published the same, and `n = q·b + r` is rounded up with probability
    /// `r / b` over cells (see the [module docs](self)).
    pub fn count(&self, n: u64, cell: u64, figure: u32) -> u64 {
        let b = self.round_to;
        if b <= 1 || n % b == 0 {
            return n;
        }
        let mut h = SipHasher13::new_with_key(&self.key.to_le_bytes());
        h.write_u64(cell);
        h.write_u32(figure);
        let draw = ((h.finish() as u128 * b as u128) >> 64) as u64;
        let up = draw < n % b;
        (n / b + up as u64).saturating_mul(b)
    }
}
