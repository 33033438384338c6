//! Figures for early signals per kern and month (of the first signal), under the same
//! disclosure control as every other figure ([`Disclosure`], with
//! [`suppress`] along kernen and months).
//!
//! For the proactive cases of a cell:
//! - `households`: proactive cases (a household signalled again after its window counts again);
//! - `contacted`: cases with a `first_contact`; `reach` = contacted / households;
//! - `median_days_to_contact`: median of (local date of the first contact − date of the first
//!   signal) in days over the contacted cases (the middle two averaged for an even count);
//! - `accepted`: cases whose latest answer is help accepted; `acceptance` = accepted / contacted;
//! - `prevented`: accepted cases after whose acceptance no signal of the same household
//!   threatens eviction or cut-off (any later case of that household included);
//!   `prevented_share` = prevented / accepted.
//!
//! Published ([`Disclosure::default`]), the same policy as every other published table (see
//! [`disclosure`](crate::evaluation::disclosure)): counts randomly rounded under the cell's key;
//! the threshold and secondary suppression read the *published* (rounded) number of households,
//! never the exact one; a cell too small to publish is not listed at all (a missing kern and
//! month had fewer than `min_cases` published households, possibly none), a cell hidden by
//! secondary suppression is listed without figures; shares from the rounded counts; the median
//! under the size rule of the published number of contacted cases. Raw figures only when asked
//! for ([`Disclosure::raw`]), and the table says which settings made it
//! ([`SignalTable::disclosure`]).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::intake::{progress, HelpStatus, ProactiveCase};
use crate::evaluation::disclosure::{figure, record_key};
use crate::evaluation::table::{suppress, Dim, Suppression};
use crate::evaluation::Disclosure;
use crate::events::Event;
use crate::ids::CaseId;

/// The figures per kern and month, and the disclosure settings they were published under
/// (serialised like a [`Table`](crate::evaluation::Table)'s: a raw table says
/// `"min_cases": 0`, `"round_to": 1`; the key only as a label).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignalTable {
    /// The disclosure control applied.
    pub disclosure: Disclosure,
    /// One row per kern and month, in kern then month order. Under disclosure control, cells
    /// too small to publish are left out (see the [module docs](self)).
    pub rows: Vec<SignalMetricsRow>,
}

/// The figures of one kern and month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SignalMetricsRow {
    /// The kern.
    pub kern: String,
    /// The month of the first signal, `YYYY-MM`.
    pub month: String,
    /// Why the cell shows no figures, if it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub suppressed: Option<Suppression>,
    /// Proactive cases.
    pub households: Option<u64>,
    /// Cases contacted.
    pub contacted: Option<u64>,
    /// Contacted / households.
    pub reach: Option<f64>,
    /// Median days from the first signal to the first contact.
    pub median_days_to_contact: Option<f64>,
    /// Cases that accepted help.
    pub accepted: Option<u64>,
    /// Accepted / contacted.
    pub acceptance: Option<f64>,
    /// Accepted cases with no threatening signal after the acceptance.
    pub prevented: Option<u64>,
    /// Prevented / accepted.
    pub prevented_share: Option<f64>,
}

#[derive(Default)]
struct CellCount {
    households: u64,
    contacted: u64,
    days: Vec<i64>,
    accepted: u64,
    prevented: u64,
    /// The cell's key for the rounding draws: the wrapping sum of its cases' record keys.
    key: u64,
}

fn median(v: &mut [i64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    })
}

/// The figures per kern and month under `disclosure`, in kern then month order.
pub fn signal_metrics(
    cases: &[ProactiveCase],
    events: &[Event],
    disclosure: &Disclosure,
) -> SignalTable {
    let mut by_case: BTreeMap<&CaseId, Vec<Event>> = BTreeMap::new();
    for e in events {
        by_case.entry(&e.case).or_default().push(e.clone());
    }
    let mut threats: BTreeMap<&CaseId, Vec<chrono::NaiveDate>> = BTreeMap::new();
    for c in cases {
        for s in c.signals.iter().filter(|s| s.threatened) {
            threats.entry(&c.household).or_default().push(s.date);
        }
    }
    let mut cells: BTreeMap<(String, String), CellCount> = BTreeMap::new();
    for c in cases {
        let key = (
            c.kern.as_str().to_string(),
            c.first_signal.format("%Y-%m").to_string(),
        );
        let cell = cells.entry(key).or_default();
        cell.households += 1;
        cell.key = cell.key.wrapping_add(record_key(c.case.id().as_str()));
        let evs = by_case.get(c.case.id()).map_or(&[][..], |v| &v[..]);
        let p = progress(c.case.id(), evs);
        if let Some(d) = p.contact {
            cell.contacted += 1;
            cell.days.push((d - c.first_signal).num_days());
        }
        if matches!(p.help, Some((_, HelpStatus::Accepted))) {
            cell.accepted += 1;
            let on = p.accepted_on.unwrap_or(c.first_signal);
            let later = threats
                .get(&c.household)
                .is_some_and(|t| t.iter().any(|&d| d > on));
            if !later {
                cell.prevented += 1;
            }
        }
    }
    let keys: Vec<Vec<Option<String>>> = cells
        .keys()
        .map(|(k, m)| vec![Some(k.clone()), Some(m.clone())])
        .collect();
    let d = disclosure;
    // Published (rounded) sizes: the threshold and the choice of secondary cells read them,
    // so that whether a cell is shown says nothing finer than its published count.
    let sizes: Vec<u64> = cells
        .values()
        .map(|c| d.count(c.households, c.key, figure::SIGNAL_HOUSEHOLDS))
        .collect();
    let hidden = suppress(
        &keys,
        &sizes,
        &[Dim::Kern, Dim::Month],
        &BTreeMap::new(),
        disclosure,
    );
    let rows = cells
        .into_iter()
        .zip(hidden)
        // A cell too small to publish is not listed: listed, it would say "at least one
        // household", a lower bound that with another output can pin a count.
        .filter(|(_, hidden)| *hidden != Some(Suppression::Primary))
        .map(|(((kern, month), mut c), hidden)| {
            if hidden.is_some() {
                return SignalMetricsRow {
                    kern,
                    month,
                    suppressed: hidden,
                    households: None,
                    contacted: None,
                    reach: None,
                    median_days_to_contact: None,
                    accepted: None,
                    acceptance: None,
                    prevented: None,
                    prevented_share: None,
                };
            }
            let med = median(&mut c.days);
            let households = (c.households, figure::SIGNAL_HOUSEHOLDS);
            let contacted = (c.contacted, figure::SIGNAL_CONTACTED);
            let accepted = (c.accepted, figure::SIGNAL_ACCEPTED);
            let prevented = (c.prevented, figure::SIGNAL_PREVENTED);
            SignalMetricsRow {
                kern,
                month,
                suppressed: None,
                households: Some(d.count(c.households, c.key, figure::SIGNAL_HOUSEHOLDS)),
                contacted: Some(d.count(c.contacted, c.key, figure::SIGNAL_CONTACTED)),
                reach: d.ratio(contacted, households, c.key),
                median_days_to_contact: d.quantile_of_days(
                    d.count(c.contacted, c.key, figure::SIGNAL_CONTACTED),
                    0.5,
                    med,
                ),
                accepted: Some(d.count(c.accepted, c.key, figure::SIGNAL_ACCEPTED)),
                acceptance: d.ratio(accepted, contacted, c.key),
                prevented: Some(d.count(c.prevented, c.key, figure::SIGNAL_PREVENTED)),
                prevented_share: d.ratio(prevented, accepted, c.key),
            }
        })
        .collect();
    SignalTable {
        disclosure: *d,
        rows,
    }
}
