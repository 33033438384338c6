//! Mergeable evaluation state: aggregate cells per group and "frequent problems" counters.
//!
//! An [`EvalState`] holds only sums, counts and [`Sketch`]es, so states of partitions merge by
//! addition: merging in any order equals one pass over all data, provided each case lies
//! wholly in one partition (partition event logs by case id, as Spark or Dask would by key).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::Datelike;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::clocks::{ClockKind, ClockStatus};
use super::disclosure::{self, Disclosure};
use super::ingest::{EventLog, FxMap, NONE};
use super::metrics::{CaseCore, CaseMetrics, Ctx, ProblemSink};
use super::sketch::Sketch;
use super::time::{civil_from_days, day_to_date, local_day};
use super::{EvalError, EvalOptions, REASONS};

/// A dimension to group aggregates by.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    /// The case's kern.
    Kern,
    /// The case's municipality.
    Municipality,
    /// The case's region.
    Region,
    /// The case's domain (stated, or the first segment of its need).
    Domain,
    /// The case's need.
    Need,
    /// The organisation the case ended up with (see [`CaseMetrics::organisation`]).
    Organisation,
    /// The pilot phase label.
    Phase,
    /// Month the case was opened (Europe/Amsterdam), `YYYY-MM`.
    Month,
    /// ISO week the case was opened (Europe/Amsterdam), `YYYY-Www`.
    Week,
}

impl Dim {
    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
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
        }
    }
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Dim {
    type Err = EvalError;
    fn from_str(s: &str) -> Result<Dim, EvalError> {
        [
            Dim::Kern,
            Dim::Municipality,
            Dim::Region,
            Dim::Domain,
            Dim::Need,
            Dim::Organisation,
            Dim::Phase,
            Dim::Month,
            Dim::Week,
        ]
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| EvalError::UnknownDimension(s.chars().take(40).collect()))
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
    /// Ended times to first contact (seconds).
    pub first_contact: Sketch,
    /// Cases without first contact (open).
    pub first_contact_open: u64,
    /// Ended times to the right place (seconds).
    pub right_place: Sketch,
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
}

impl Cell {
    fn add_case(&mut self, m: &CaseCore) {
        self.cases += 1;
        match m.first_contact {
            Some(s) => self.first_contact.add(s as f64),
            None => self.first_contact_open += 1,
        }
        match m.right_place {
            Some(s) => self.right_place.add(s as f64),
            None => self.right_place_open += 1,
        }
        self.handoffs += m.handoffs as u64;
        self.bounces += m.bounces as u64;
        self.cases_bounced += (m.bounces > 0) as u64;
        self.loops += m.loops as u64;
        self.cases_looped += (m.loops > 0) as u64;
        self.organisations += m.organisations as u64;
        self.escalations += m.escalations as u64;
        self.cases_escalated += (m.escalations > 0) as u64;
        self.resolved += m.resolved as u64;
        self.reopened += m.reopened as u64;
        for c in &m.clocks {
            let i = ClockKind::ALL
                .iter()
                .position(|k| *k == c.clock)
                .unwrap_or(0);
            let cc = &mut self.clocks[i];
            match c.status {
                ClockStatus::Met => cc.met += 1,
                ClockStatus::Missed => cc.missed += 1,
                ClockStatus::Running => cc.running += 1,
                ClockStatus::Overdue => cc.overdue += 1,
            }
        }
    }

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
    }
}

/// Waiting at one organisation: referral to answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitCell {
    /// Answered waits (seconds).
    pub answered: Sketch,
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
    fn merge(&mut self, o: &ProblemState) {
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
mod pairs {
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

/// The mergeable state of an evaluation: serialise it, ship it, merge it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalState {
    /// The grouping of [`EvalState::cells`].
    pub group_by: Vec<Dim>,
    /// Cases seen.
    pub cases: u64,
    /// Events seen.
    pub events: u64,
    /// One cell per group key (one optional value per dimension of `group_by`).
    #[serde(with = "pairs")]
    pub cells: BTreeMap<Vec<Option<String>>, Cell>,
    /// The municipality of each kern seen (for secondary suppression within a municipality).
    pub kern_municipality: BTreeMap<String, String>,
    /// Frequent-problem counters.
    pub problems: ProblemState,
}

impl EvalState {
    /// An empty state grouping by `group_by`.
    pub fn new(group_by: Vec<Dim>) -> Self {
        EvalState {
            group_by,
            ..EvalState::default()
        }
    }

    /// Adds every case of `log`. `opts.group_by` is ignored: the state's own grouping is used.
    pub fn add(&mut self, log: &EventLog, opts: &EvalOptions) {
        self.add_log(log, opts, None);
    }

    pub(crate) fn add_log(
        &mut self,
        log: &EventLog,
        opts: &EvalOptions,
        mut per_case: Option<&mut Vec<CaseMetrics>>,
    ) {
        let mut ctx = Ctx::new(log, opts);
        let mut sink = ProblemSink::default();
        let dims = self.group_by.clone();
        let mut local: FxMap<Vec<u32>, Cell> = FxMap::default();
        let mut key: Vec<u32> = Vec::with_capacity(dims.len());
        let mut kern_muni: FxMap<u32, u32> = FxMap::default();
        let track_kern = dims.contains(&Dim::Kern);
        if let Some(p) = per_case.as_deref_mut() {
            p.reserve(log.case_count());
        }
        for c in 0..log.case_count() {
            let m = ctx.case(c, &mut sink);
            let info = &log.cases[c];
            key.clear();
            for d in &dims {
                key.push(match d {
                    Dim::Kern => info.kern,
                    Dim::Municipality => info.municipality,
                    Dim::Region => info.region,
                    Dim::Domain => {
                        if info.domain != NONE {
                            info.domain
                        } else if info.need != NONE {
                            (1 << 31) | info.need
                        } else {
                            NONE
                        }
                    }
                    Dim::Need => info.need,
                    Dim::Organisation => m.organisation,
                    Dim::Phase => info.phase,
                    Dim::Month => {
                        let (y, mo, _) = civil_from_days(local_day(m.opened_at));
                        (y * 12 + mo as i64 - 1) as u32
                    }
                    Dim::Week => {
                        let w = day_to_date(local_day(m.opened_at)).iso_week();
                        (w.year() * 100 + w.week() as i32) as u32
                    }
                });
            }
            if track_kern && info.kern != NONE && info.municipality != NONE {
                let m = kern_muni.entry(info.kern).or_insert(info.municipality);
                if *m != info.municipality
                    && log.labels.value(info.municipality) < log.labels.value(*m)
                {
                    *m = info.municipality;
                }
            }
            match local.get_mut(&key[..]) {
                Some(cell) => cell.add_case(&m),
                None => {
                    let mut cell = Cell::default();
                    cell.add_case(&m);
                    local.insert(key.clone(), cell);
                }
            }
            if let Some(p) = per_case.as_deref_mut() {
                p.push(ctx.public(&m));
            }
        }
        self.cases += log.case_count() as u64;
        self.events += log.len() as u64;
        // Into strings.
        for (k, cell) in local {
            let skey: Vec<Option<String>> = dims
                .iter()
                .zip(k.iter())
                .map(|(d, &v)| key_string(&ctx, *d, v))
                .collect();
            match self.cells.get_mut(&skey) {
                Some(c) => c.merge(&cell),
                None => {
                    self.cells.insert(skey, cell);
                }
            }
        }
        for (k, m) in kern_muni {
            if let (Some(k), Some(m)) = (log.kernen.value(k), log.labels.value(m)) {
                note_municipality(&mut self.kern_municipality, k, m);
            }
        }
        let name = |o: u32| {
            ctx.org_name(o)
                .map(|s| s.to_string())
                .unwrap_or_else(|| "-".into())
        };
        let p = &mut self.problems;
        for ((a, b), n) in sink.bounce_paths {
            *p.bounce_paths.entry((name(a), name(b))).or_insert(0) += n;
        }
        for (i, &n) in sink.reasons.iter().enumerate() {
            if n > 0 {
                let r = REASONS
                    .get(i)
                    .map(|r| super::ingest::reason_str(*r))
                    .unwrap_or("unstated");
                *p.rejection_reasons.entry(r.to_string()).or_insert(0) += n;
            }
        }
        let mut waits: FxMap<u32, WaitCell> = FxMap::default();
        for (o, w) in sink.waits {
            let cell = waits.entry(o).or_default();
            match w {
                Some(s) => cell.answered.add(s as f64),
                None => cell.unanswered += 1,
            }
        }
        for (o, w) in waits {
            let e = p.waits.entry(name(o)).or_default();
            e.answered.merge(&w.answered);
            e.unanswered += w.unanswered;
        }
    }

    /// Adds another partition's state. Both must group by the same dimensions.
    pub fn merge(&mut self, other: &EvalState) -> Result<(), EvalError> {
        if self.group_by != other.group_by {
            return Err(EvalError::IncompatibleStates);
        }
        self.cases += other.cases;
        self.events += other.events;
        for (k, c) in &other.cells {
            match self.cells.get_mut(k) {
                Some(mine) => mine.merge(c),
                None => {
                    self.cells.insert(k.clone(), c.clone());
                }
            }
        }
        for (k, m) in &other.kern_municipality {
            note_municipality(&mut self.kern_municipality, k, m);
        }
        self.problems.merge(&other.problems);
        Ok(())
    }

    /// The aggregate table and frequent problems, with disclosure control applied.
    pub fn finish(&self, disclosure: &Disclosure) -> Summary {
        Summary {
            cases: disclosure.count(self.cases),
            events: disclosure.count(self.events),
            aggregates: disclosure::table(self, disclosure),
            problems: disclosure::problems(&self.problems, disclosure),
        }
    }
}

/// Records a kern's municipality; when data disagree, the smallest code wins, so the result does
/// not depend on the order of cases or partitions.
fn note_municipality(map: &mut BTreeMap<String, String>, kern: &str, municipality: &str) {
    match map.get_mut(kern) {
        Some(m) if &**m <= municipality => {}
        Some(m) => *m = municipality.to_string(),
        None => {
            map.insert(kern.to_string(), municipality.to_string());
        }
    }
}

fn key_string(ctx: &Ctx<'_>, d: Dim, v: u32) -> Option<String> {
    let log = ctx.log;
    if v == NONE {
        return None;
    }
    let s = |x: Option<&Arc<str>>| x.map(|s| s.to_string());
    match d {
        Dim::Kern => s(log.kernen.value(v)),
        Dim::Municipality | Dim::Region | Dim::Phase => s(log.labels.value(v)),
        Dim::Domain => {
            if v & (1 << 31) != 0 {
                ctx.need_domain[(v & !(1 << 31)) as usize]
                    .as_ref()
                    .map(|s| s.to_string())
            } else {
                s(log.labels.value(v))
            }
        }
        Dim::Need => s(log.needs.value(v)),
        Dim::Organisation => ctx.org_name(v).map(|s| s.to_string()),
        Dim::Month => Some(format!("{:04}-{:02}", v / 12, v % 12 + 1)),
        Dim::Week => Some(format!("{:04}-W{:02}", v / 100, v % 100)),
    }
}

/// What an evaluation reports for publication (or internal use, with raw disclosure).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Cases evaluated (rounded under disclosure control).
    pub cases: u64,
    /// Events evaluated (rounded under disclosure control).
    pub events: u64,
    /// Figures per group.
    pub aggregates: disclosure::Table,
    /// Frequent problems.
    pub problems: disclosure::Problems,
}
