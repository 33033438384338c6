//! The tables of evaluation: the dimensions rows are grouped by ([`Dim`]), the mergeable raw
//! figures of a group ([`Cell`]) and of frequent problems ([`ProblemState`]), and the published
//! shapes made from them under [`Disclosure`] control ([`Table`], [`Figures`], [`Problems`]):
//! [`suppress`] decides which cells are withheld, by the rules in [`disclosure`](super::disclosure).

use std::collections::BTreeMap;

use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::clocks::ClockKind;
use super::disclosure::{figure as fig, Disclosure};
use super::durations::Durations;
use super::error::EvalError;

/// A dimension to group aggregates by: a built-in one, or an extra column of the log
/// ([`Dim::Extra`], named in the log's mapping, see
/// [`LogMapping::dimensions`](super::LogMapping::dimensions)).
///
/// On the wire (serde, tables' `group_by`) a dimension is its name: `kern`, …, `week`, or the
/// extra column's name. [`FromStr`](std::str::FromStr) accepts the built-in names only (it has no
/// log to look extra columns up in); [`EventLog::dimension`](super::EventLog::dimension) accepts
/// those of a log as well.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dim {
    /// The case's kern.
    Kern,
    /// The case's municipality: stated in the log, else (with a directory in the options) the
    /// municipality of the case's kern.
    Municipality,
    /// The case's region: stated in the log, else (with a directory) the region of the case's
    /// kern's municipality (the first region id in order when it lies in several).
    Region,
    /// The case's domain (stated, or the first segment of its need).
    Domain,
    /// The case's need.
    Need,
    /// The organisation the case ended up with (see [`CaseMetrics::organisation`](super::CaseMetrics::organisation)).
    Organisation,
    /// The pilot phase label.
    Phase,
    /// Month the case was opened (Europe/Amsterdam), `YYYY-MM`.
    Month,
    /// ISO week the case was opened (Europe/Amsterdam), `YYYY-Www`.
    Week,
    /// An extra column of the log, by the name its mapping gives it: the value of the case's
    /// earliest event that states one (see [`ingest`](super::ingest#extra-dimensions)). A log
    /// without that column has every case under "not stated".
    Extra(String),
}

impl Dim {
    /// The built-in dimensions, in declaration order.
    pub const ALL: &'static [Dim] = &[
        Dim::Kern,
        Dim::Municipality,
        Dim::Region,
        Dim::Domain,
        Dim::Need,
        Dim::Organisation,
        Dim::Phase,
        Dim::Month,
        Dim::Week,
    ];

    /// The name as written in files, tables and on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Dim::Kern => "kern",
            Dim::Municipality => "municipality",
            Dim::Region => "region",
            Dim::Domain => "domain",
            Dim::Need => "need",
            Dim::Organisation => "organisation",
            Dim::Phase => "phase",
            Dim::Month => "month",
            Dim::Week => "week",
            Dim::Extra(name) => name,
        }
    }

    /// The built-in dimension of that name, if it is one.
    pub fn builtin(name: &str) -> Option<Dim> {
        Dim::ALL.iter().find(|d| d.as_str() == name).cloned()
    }

    /// The built-in dimension of that name, else the extra dimension of that name (whether or
    /// not a log has it): how a stored state reads its dimensions back.
    pub fn named(name: &str) -> Dim {
        Dim::builtin(name).unwrap_or_else(|| Dim::Extra(name.to_string()))
    }

    /// The names of the built-in dimensions.
    pub fn builtin_names() -> Vec<String> {
        Dim::ALL.iter().map(|d| d.as_str().to_string()).collect()
    }
}

impl std::fmt::Display for Dim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Dim {
    type Err = EvalError;
    /// Accepts exactly the built-in names; the error lists them (never the name given).
    fn from_str(s: &str) -> Result<Self, EvalError> {
        Dim::builtin(s).ok_or_else(|| EvalError::UnknownDimension {
            available: Dim::builtin_names(),
        })
    }
}

impl Serialize for Dim {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Dim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        if name.trim().is_empty() || name.trim() != name {
            return Err(serde::de::Error::custom(
                "a dimension is a non-empty name without surrounding spaces",
            ));
        }
        Ok(Dim::named(&name))
    }
}

/// Counts of one clock in a cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClockCounts {
    /// Stopped in time.
    pub met: u64,
    /// Stopped late.
    pub missed: u64,
    /// Still running, deadline not passed.
    pub running: u64,
    /// Still running past the deadline.
    pub overdue: u64,
}

impl ClockCounts {
    fn add(&mut self, o: &ClockCounts) {
        self.met += o.met;
        self.missed += o.missed;
        self.running += o.running;
        self.overdue += o.overdue;
    }
}

/// The mergeable figures of one group of cases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// Cases.
    pub cases: u64,
    /// Ended times to first contact (microseconds).
    pub first_contact: Durations,
    /// Cases without first contact (open).
    pub first_contact_open: u64,
    /// Ended times to the right place (microseconds).
    pub right_place: Durations,
    /// Cases not (yet) at the right place (open).
    pub right_place_open: u64,
    /// Sum of handoffs.
    pub handoffs: u64,
    /// Sum of bounces.
    pub bounces: u64,
    /// Cases with at least one bounce.
    pub cases_bounced: u64,
    /// Sum of loops.
    pub loops: u64,
    /// Cases with at least one loop.
    pub cases_looped: u64,
    /// Sum of organisations touched.
    pub organisations: u64,
    /// Sum of escalations.
    pub escalations: u64,
    /// Cases escalated at least once.
    pub cases_escalated: u64,
    /// Cases resolved.
    pub resolved: u64,
    /// Cases reopened within 90 days.
    pub reopened: u64,
    /// Per clock, in [`ClockKind::ALL`] order.
    pub clocks: [ClockCounts; 5],
    /// The cell key: the wrapping sum of the [`record_key`](super::disclosure::record_key)s of
    /// its cases, which keys the rounding draws of its published counts (0 in states written
    /// before it existed).
    #[serde(default)]
    pub key: u64,
}

impl Cell {
    /// Adds another cell's figures.
    pub fn merge(&mut self, o: &Cell) {
        self.cases += o.cases;
        self.first_contact.merge(&o.first_contact);
        self.first_contact_open += o.first_contact_open;
        self.right_place.merge(&o.right_place);
        self.right_place_open += o.right_place_open;
        self.handoffs += o.handoffs;
        self.bounces += o.bounces;
        self.cases_bounced += o.cases_bounced;
        self.loops += o.loops;
        self.cases_looped += o.cases_looped;
        self.organisations += o.organisations;
        self.escalations += o.escalations;
        self.cases_escalated += o.cases_escalated;
        self.resolved += o.resolved;
        self.reopened += o.reopened;
        for (a, b) in self.clocks.iter_mut().zip(o.clocks.iter()) {
            a.add(b);
        }
        self.key = self.key.wrapping_add(o.key);
    }
}

/// Waiting at one organisation: referral to answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitCell {
    /// Answered waits (microseconds).
    pub answered: Durations,
    /// Referrals never answered.
    pub unanswered: u64,
}

/// Counters behind "frequent problems".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemState {
    /// Referral paths A → B → A, as (A, B).
    #[serde(with = "pairs")]
    pub bounce_paths: BTreeMap<(String, String), u64>,
    /// Rejections per reason (`unstated` when none was given).
    pub rejection_reasons: BTreeMap<String, u64>,
    /// Waiting per organisation.
    pub waits: BTreeMap<String, WaitCell>,
}

impl ProblemState {
    pub(crate) fn merge(&mut self, o: &ProblemState) {
        for (k, v) in &o.bounce_paths {
            *self.bounce_paths.entry(k.clone()).or_insert(0) += v;
        }
        for (k, v) in &o.rejection_reasons {
            *self.rejection_reasons.entry(k.clone()).or_insert(0) += v;
        }
        for (k, v) in &o.waits {
            let w = self.waits.entry(k.clone()).or_default();
            w.answered.merge(&v.answered);
            w.unanswered += v.unanswered;
        }
    }
}

/// (De)serialises a map with non-string keys as a list of `[key, value]` pairs.
pub(crate) mod pairs {
    use super::*;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        m: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(m.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

/// Why a cell shows no figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// Too few cases (such rows are left out of a published [`Table`]).
    Primary,
    /// Suppressed so that a primary-suppressed cell cannot be recovered from a total.
    Secondary,
}

/// A duration figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DurationFigures {
    /// Cases where it ended.
    pub ended: u64,
    /// Cases where it is still open (never counted as zero).
    pub open: u64,
    /// Median of the ended durations, in days (exact; see [`Durations`]).
    pub median_days: Option<f64>,
    /// 90th percentile of the ended durations, in days.
    pub p90_days: Option<f64>,
}

/// Deadline compliance of one clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockFigures {
    /// The clock.
    pub clock: ClockKind,
    /// Met in time.
    pub met: u64,
    /// Missed.
    pub missed: u64,
    /// Still running, not late.
    pub running: u64,
    /// Still running, late.
    pub overdue: u64,
    /// met / (met + missed + overdue), if any were decided.
    pub compliance: Option<f64>,
}

/// The figures of one cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Cases.
    pub cases: u64,
    /// Time to first contact.
    pub first_contact: DurationFigures,
    /// Time to the right place.
    pub right_place: DurationFigures,
    /// Referrals.
    pub handoffs: u64,
    /// Rejections and no-responses.
    pub bounces: u64,
    /// Referrals back to an organisation already tried.
    pub loops: u64,
    /// Escalations.
    pub escalations: u64,
    /// Cases resolved.
    pub resolved: u64,
    /// Cases reopened within 90 days.
    pub reopened: u64,
    /// Mean handoffs per case.
    pub handoffs_per_case: f64,
    /// Share of cases with at least one bounce.
    pub bounce_rate: f64,
    /// Share of cases with at least one loop.
    pub loop_rate: f64,
    /// Mean organisations touched per case.
    pub organisations_per_case: f64,
    /// Share of cases escalated.
    pub escalation_rate: f64,
    /// Share of cases resolved.
    pub resolved_rate: f64,
    /// Share of cases reopened within 90 days.
    pub reopened_rate: f64,
    /// Clocks that occurred in the cell.
    pub clocks: Vec<ClockFigures>,
}

/// One row of an aggregate table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// One value per dimension of the table (`None`: not stated).
    pub key: Vec<Option<String>>,
    /// Why figures are withheld, if they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
    /// The figures, unless suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figures: Option<Figures>,
}

/// An aggregate table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// The dimensions of each row key.
    pub group_by: Vec<Dim>,
    /// The disclosure control applied.
    pub disclosure: Disclosure,
    /// Rows, sorted by key. Groups too small to publish (primary suppression) are not listed,
    /// like groups without cases: a group that is missing had fewer than `min_cases` published
    /// cases, possibly none. Rows hidden to protect them (secondary suppression) are listed
    /// without figures.
    pub rows: Vec<Row>,
}

fn duration(
    d: &Disclosure,
    cell: u64,
    s: &Durations,
    open: u64,
    (ended_fig, open_fig): (u32, u32),
) -> DurationFigures {
    let ended = d.count(s.count(), cell, ended_fig);
    DurationFigures {
        ended,
        open: d.count(open, cell, open_fig),
        median_days: d.quantile_days(ended, s.median()),
        p90_days: d.quantile(ended, 0.9, s.p90()),
    }
}

/// The published figures of a cell: counts randomly rounded under the cell's key
/// ([`Disclosure::count`]), every share and mean computed from the published counts
/// ([`Disclosure::ratio`]), quantiles under the size rule ([`Disclosure::quantile`]).
pub(crate) fn figures(c: &Cell, d: &Disclosure) -> Figures {
    let k = c.key;
    let count = |n: u64, f: u32| d.count(n, k, f);
    let per_case = |n: u64, f: u32| d.ratio((n, f), (c.cases, fig::CASES), k).unwrap_or(0.0);
    Figures {
        cases: count(c.cases, fig::CASES),
        first_contact: duration(
            d,
            k,
            &c.first_contact,
            c.first_contact_open,
            (fig::FIRST_CONTACT_ENDED, fig::FIRST_CONTACT_OPEN),
        ),
        right_place: duration(
            d,
            k,
            &c.right_place,
            c.right_place_open,
            (fig::RIGHT_PLACE_ENDED, fig::RIGHT_PLACE_OPEN),
        ),
        handoffs: count(c.handoffs, fig::HANDOFFS),
        bounces: count(c.bounces, fig::BOUNCES),
        loops: count(c.loops, fig::LOOPS),
        escalations: count(c.escalations, fig::ESCALATIONS),
        resolved: count(c.resolved, fig::RESOLVED),
        reopened: count(c.reopened, fig::REOPENED),
        handoffs_per_case: per_case(c.handoffs, fig::HANDOFFS),
        bounce_rate: per_case(c.cases_bounced, fig::CASES_BOUNCED),
        loop_rate: per_case(c.cases_looped, fig::CASES_LOOPED),
        organisations_per_case: per_case(c.organisations, fig::ORGANISATIONS),
        escalation_rate: per_case(c.cases_escalated, fig::CASES_ESCALATED),
        resolved_rate: per_case(c.resolved, fig::RESOLVED),
        reopened_rate: per_case(c.reopened, fig::REOPENED),
        clocks: ClockKind::ALL
            .iter()
            .zip(c.clocks.iter())
            .enumerate()
            .filter(|(_, (_, cc))| cc.met + cc.missed + cc.running + cc.overdue > 0)
            .map(|(i, (&kind, cc))| {
                let f = |s: u32| fig::CLOCKS + 4 * i as u32 + s;
                let (met, missed, overdue) = (
                    count(cc.met, f(0)),
                    count(cc.missed, f(1)),
                    count(cc.overdue, f(3)),
                );
                let decided = met + missed + overdue;
                ClockFigures {
                    clock: kind,
                    met,
                    missed,
                    running: count(cc.running, f(2)),
                    overdue,
                    compliance: (decided > 0).then(|| met as f64 / decided as f64),
                }
            })
            .collect(),
    }
}

type Key = Vec<Option<String>>;

/// Which cells to suppress: `None` for published, else why. `cases[i]` is the size of cell i
/// as published (the tables pass the randomly rounded count, so that which cells are hidden
/// depends on nothing finer than the published counts: see
/// [`disclosure`](super::disclosure), "threshold on the published count"), `keys[i]` its key;
/// `kern_municipality` lines kernen up per municipality.
pub fn suppress(
    keys: &[Vec<Option<String>>],
    cases: &[u64],
    group_by: &[Dim],
    kern_municipality: &BTreeMap<String, String>,
    d: &Disclosure,
) -> Vec<Option<Suppression>> {
    let mut out: Vec<Option<Suppression>> = cases
        .iter()
        .map(|&n| (n < d.min_cases).then_some(Suppression::Primary))
        .collect();
    if !d.secondary || d.min_cases == 0 {
        return out;
    }
    // Lines: for each dimension, cells sharing every other key value (and, for kernen, the
    // municipality).
    let mut lines: Vec<Vec<usize>> = Vec::new();
    let mut all_kernen: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    for (di, dim) in group_by.iter().enumerate() {
        let mut groups: BTreeMap<(Key, Option<String>), Vec<usize>> = BTreeMap::new();
        for (i, k) in keys.iter().enumerate() {
            let mut rest = k.clone();
            let v = rest.remove(di);
            let per_municipality = *dim == Dim::Kern && !group_by.contains(&Dim::Municipality);
            let parent = if per_municipality {
                // Kernen line up per municipality and, for the published total over every
                // kern, all together (issue 13, item 1(b)).
                all_kernen.entry(rest.clone()).or_default().push(i);
                v.as_ref().and_then(|k| kern_municipality.get(k).cloned())
            } else {
                None
            };
            groups.entry((rest, parent)).or_default().push(i);
        }
        lines.extend(groups.into_values().filter(|l| l.len() > 1));
    }
    // The lines over every kern come last, so that a municipality's own line picks its
    // secondary cells first (a cell hidden there often covers the wider line too).
    lines.extend(all_kernen.into_values().filter(|l| l.len() > 1));
    loop {
        let mut changed = false;
        for line in &lines {
            let hidden: Vec<usize> = line.iter().copied().filter(|&i| out[i].is_some()).collect();
            if hidden.is_empty() {
                continue;
            }
            let hidden_cases: u64 = hidden.iter().map(|&i| cases[i]).sum();
            if hidden.len() >= 2 && hidden_cases >= d.min_cases {
                continue;
            }
            // Suppress the smallest published cell of the line (ties: first in key order).
            if let Some(&j) = line
                .iter()
                .filter(|&&i| out[i].is_none())
                .min_by_key(|&&i| (cases[i], i))
            {
                out[j] = Some(Suppression::Secondary);
                changed = true;
            }
        }
        if !changed {
            return out;
        }
    }
}

/// The published table of `cells` grouped by `group_by`, under `d`.
pub(crate) fn table(
    cells: &BTreeMap<Key, Cell>,
    group_by: &[Dim],
    kern_municipality: &BTreeMap<String, String>,
    d: &Disclosure,
) -> Table {
    let keys: Vec<Key> = cells.keys().cloned().collect();
    // Published (rounded) sizes: the threshold and the choice of secondary cells read them.
    let cases: Vec<u64> = cells
        .values()
        .map(|c| d.count(c.cases, c.key, fig::CASES))
        .collect();
    let sup = suppress(&keys, &cases, group_by, kern_municipality, d);
    // Rows too small to publish are left out, like groups without cases: a listed row holds
    // at least one case, so listing it would give a lower bound that, with a total or the
    // same table one case later, can pin a count (see `disclosure`, "rows too small").
    // Each row's figures (quantiles among them) on rayon's threads, the rows in key order.
    let cells: Vec<(&Key, &Cell)> = cells.iter().collect();
    let rows = cells
        .into_par_iter()
        .zip(sup)
        .filter(|(_, sup)| *sup != Some(Suppression::Primary))
        .map(|((k, c), sup)| Row {
            key: k.clone(),
            suppressed: sup,
            figures: sup.is_none().then(|| figures(c, d)),
        })
        .collect();
    Table {
        group_by: group_by.to_vec(),
        disclosure: *d,
        rows,
    }
}

/// A bounce path A → B → A.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BouncePath {
    /// Organisation first referred to and returned to.
    pub from: String,
    /// Organisation in between.
    pub via: String,
    /// Times seen.
    pub count: u64,
}

/// Where cases wait: referral to answer, per organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wait {
    /// The organisation.
    pub organisation: String,
    /// Answered referrals.
    pub answered: u64,
    /// Referrals never answered.
    pub unanswered: u64,
    /// Median wait in days.
    pub median_days: Option<f64>,
    /// 90th percentile wait in days.
    pub p90_days: Option<f64>,
}

/// Frequent problems, most frequent (or longest) first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problems {
    /// Bounce paths by count.
    pub bounce_paths: Vec<BouncePath>,
    /// Rejection reasons by count.
    pub rejection_reasons: Vec<(String, u64)>,
    /// Organisations by median wait, longest first.
    pub waits: Vec<Wait>,
    /// Entries left out because they count fewer than the minimum.
    pub suppressed_entries: u64,
    /// What the entries were made under: [`Disclosure::label`] (`raw`, `publish`, `custom`),
    /// as the `disclosure` column of every aggregate table.
    #[serde(default)]
    pub disclosure: String,
}

/// The key of a frequent-problem entry: the key of every case of the state (`all`) with the
/// entry's names. Which cases an entry counts is itself what it reveals (that a case was
/// rejected for a reason), so its draws change with any case added or removed, not only with
/// its own cases: a changed entry says nothing about whose case changed.
fn entry_key(all: u64, names: &[&String]) -> u64 {
    names.iter().fold(all, |k, n| {
        k.rotate_left(17) ^ super::disclosure::record_key(n)
    })
}

/// The published frequent problems. An entry is listed when its *published* count is at least
/// `min_cases` (the rule reads the rounded count, so that whether an entry is listed says no
/// more than its count would); `all` is the key of every case of the state.
pub(crate) fn problems(p: &ProblemState, d: &Disclosure, all: u64) -> Problems {
    let mut suppressed = 0;
    let mut keep = |n: u64| {
        let ok = n >= d.min_cases;
        if !ok {
            suppressed += 1;
        }
        ok
    };
    let mut bounce_paths: Vec<BouncePath> = p
        .bounce_paths
        .iter()
        .map(|((a, b), &n)| BouncePath {
            from: a.clone(),
            via: b.clone(),
            count: d.count(n, entry_key(all, &[a, b]), fig::ENTRY),
        })
        .filter(|b| keep(b.count))
        .collect();
    bounce_paths.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.from.cmp(&b.from)));
    let mut rejection_reasons: Vec<(String, u64)> = p
        .rejection_reasons
        .iter()
        .map(|(k, &n)| (k.clone(), d.count(n, entry_key(all, &[k]), fig::ENTRY)))
        .filter(|(_, n)| keep(*n))
        .collect();
    rejection_reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut waits: Vec<Wait> = p
        .waits
        .iter()
        .map(|(o, w)| {
            let key = entry_key(all, &[o]);
            let answered = d.count(w.answered.count(), key, fig::ANSWERED);
            Wait {
                organisation: o.clone(),
                answered,
                unanswered: d.count(w.unanswered, key, fig::UNANSWERED),
                median_days: d.quantile_days(answered, w.answered.median()),
                p90_days: d.quantile(answered, 0.9, w.answered.p90()),
            }
        })
        .filter(|w| keep(w.answered + w.unanswered))
        .collect();
    waits.sort_by(|a, b| {
        b.median_days
            .unwrap_or(f64::INFINITY)
            .total_cmp(&a.median_days.unwrap_or(f64::INFINITY))
            .then_with(|| a.organisation.cmp(&b.organisation))
    });
    Problems {
        bounce_paths,
        rejection_reasons,
        waits,
        suppressed_entries: suppressed,
        disclosure: d.label().to_string(),
    }
}
