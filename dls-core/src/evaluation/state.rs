//! Mergeable evaluation state: aggregate cells per group and "frequent problems" counters.
//!
//! An [`EvalState`] holds sums, counts and the ended durations of each cell
//! ([`Durations`]: every value, sorted, so that quantiles are exact; a sketch
//! only past [`EXACT_LIMIT`](super::durations::EXACT_LIMIT) values in one cell), so states of
//! partitions merge by addition: merging in any order equals one pass over all data, provided
//! each case lies wholly in one partition (partition event logs by case id, as Spark or Dask
//! would by key).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Datelike;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::clocks::{ClockKind, ClockStatus};
use super::disclosure::{figure, record_key, Disclosure};
use super::durations::{Durations, DurationsProblem};
use super::error::{EvalError, StateError};
use super::ingest::{EventLog, FxMap, NONE};
use super::metrics::{CaseCore, CaseMetrics, Ctx, ProblemSink};
use super::options::EvalOptions;
use super::table::{self, pairs, Cell, Dim, ProblemState, Problems, Table, WaitCell};
use super::time::{civil_from_days, day_to_date, local_day};
use crate::events::RejectionReason;

impl Cell {
    /// Adds one case's metrics.
    pub(crate) fn add_case(&mut self, m: &CaseCore, record_key: u64) {
        self.cases += 1;
        self.key = self.key.wrapping_add(record_key);
        match m.first_contact {
            Some(s) => self.first_contact.push_unsorted(s),
            None => self.first_contact_open += 1,
        }
        match m.right_place {
            Some(s) => self.right_place.push_unsorted(s),
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
}

impl Cell {
    /// Adds the cases of a cell filled from other cases (durations not yet sorted).
    fn absorb(&mut self, mut o: Cell) {
        self.first_contact
            .append_unsorted(std::mem::take(&mut o.first_contact));
        self.right_place
            .append_unsorted(std::mem::take(&mut o.right_place));
        self.merge(&o);
    }
}

/// The most cases or events one [`EvalState`] may count (2^53: every count stays exact as a
/// float, and no sum of counts can overflow). Merging past it is [`EvalError::StateTooLarge`].
pub const MAX_STATE_COUNT: u64 = 1 << 53;

/// The mergeable state of an evaluation: serialise it, ship it, merge it.
///
/// A state read back (with [`EvalState::from_json`] or any serde format) is checked
/// ([`EvalState::validate`]): its counts must be consistent with each other and bounded, its
/// durations sorted and sane. A state that is not is refused with a [`StateError`], so crafted
/// bytes can neither crash the process nor make a count wrap.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StateData")]
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
    /// The unit of every duration the state holds (its cells' and its waits').
    pub duration_unit: DurationUnit,
}

/// The unit of the durations of an [`EvalState`], written with it so that a state is never
/// read in another unit than it was written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    /// Microseconds of elapsed time (since durations keep the log's fractions of a second).
    /// States written before that held whole seconds and said no unit: they are refused
    /// ([`StateError::Inconsistent`]), never read a million times too short.
    #[default]
    Microseconds,
}

/// An [`EvalState`] as stored, before [`EvalState::validate`] accepts it.
#[derive(Deserialize)]
struct StateData {
    /// `None`: written before the unit was stated (durations in whole seconds).
    #[serde(default)]
    duration_unit: Option<DurationUnit>,
    group_by: Vec<Dim>,
    cases: u64,
    events: u64,
    #[serde(with = "pairs")]
    cells: BTreeMap<Vec<Option<String>>, Cell>,
    kern_municipality: BTreeMap<String, String>,
    problems: ProblemState,
}

impl TryFrom<StateData> for EvalState {
    type Error = StateError;

    fn try_from(d: StateData) -> Result<Self, StateError> {
        let duration_unit = d.duration_unit.ok_or_else(|| {
            bad(
                "durations",
                "in whole seconds (a state written by an older dls): evaluate the log again",
            )
        })?;
        let s = EvalState {
            duration_unit,
            group_by: d.group_by,
            cases: d.cases,
            events: d.events,
            cells: d.cells,
            kern_municipality: d.kern_municipality,
            problems: d.problems,
        };
        s.validate()?;
        Ok(s)
    }
}

fn bad(part: impl Into<String>, problem: &'static str) -> StateError {
    StateError::Inconsistent {
        part: part.into(),
        problem,
    }
}

fn check_durations(part: &dyn Fn() -> String, d: &Durations) -> Result<(), StateError> {
    d.check().map_err(|p| {
        bad(
            part(),
            match p {
                DurationsProblem::Unsorted => "durations not sorted",
                DurationsProblem::Negative => "a negative duration",
                DurationsProblem::TooManyValues => "more exact durations than a cell keeps",
                DurationsProblem::SketchTooSmall => "a sketch of durations that are kept exactly",
                DurationsProblem::BadSketch => "a sketch out of range",
            },
        )
    })
}

/// Adds `n` to `acc`, failing past [`MAX_STATE_COUNT`].
fn add_bounded(acc: &mut u64, n: u64, part: &dyn Fn() -> String) -> Result<(), StateError> {
    *acc = acc
        .checked_add(n)
        .filter(|&s| s <= MAX_STATE_COUNT)
        .ok_or_else(|| bad(part(), "counts more than 2^53"))?;
    Ok(())
}

impl Cell {
    /// Checks that a stored cell's figures are consistent with each other.
    fn validate(&self, part: &dyn Fn() -> String) -> Result<(), StateError> {
        let n = self.cases;
        if n == 0 {
            return Err(bad(part(), "a cell of no cases"));
        }
        if n > MAX_STATE_COUNT {
            return Err(bad(part(), "counts more than 2^53"));
        }
        check_durations(part, &self.first_contact)?;
        check_durations(part, &self.right_place)?;
        let ended_plus_open = |d: &Durations, open: u64| d.count().checked_add(open) == Some(n);
        if !ended_plus_open(&self.first_contact, self.first_contact_open)
            || !ended_plus_open(&self.right_place, self.right_place_open)
        {
            return Err(bad(
                part(),
                "ended plus open durations differ from its cases",
            ));
        }
        let per_case = [
            self.cases_bounced,
            self.cases_looped,
            self.cases_escalated,
            self.resolved,
            self.reopened,
        ];
        if per_case.iter().any(|&k| k > n) {
            return Err(bad(part(), "more cases with a property than cases"));
        }
        if self.cases_bounced > self.bounces
            || self.cases_looped > self.loops
            || self.loops > self.handoffs
            || self.cases_escalated > self.escalations
        {
            return Err(bad(part(), "more cases with an event than such events"));
        }
        for c in &self.clocks {
            let mut total = 0u64;
            for k in [c.met, c.missed, c.running, c.overdue] {
                add_bounded(&mut total, k, part)?;
            }
            if total > n {
                return Err(bad(part(), "more clocks of one kind than cases"));
            }
        }
        Ok(())
    }
}

impl EvalState {
    /// Checks a state read from outside: every cell's figures consistent (ended plus open
    /// durations equal its cases, no more cases with a property than cases, …), durations
    /// sorted and non-negative (a sketch only past
    /// [`EXACT_LIMIT`](super::durations::EXACT_LIMIT) values, its buckets in range), cells'
    /// cases adding up to the state's, sums of events of a kind no more than the events, and
    /// every count at most [`MAX_STATE_COUNT`].
    pub fn validate(&self) -> Result<(), StateError> {
        let totals = || "totals".to_string();
        if self.events > MAX_STATE_COUNT || self.cases > self.events {
            return Err(bad(
                totals(),
                "more cases than events, or more than 2^53 events",
            ));
        }
        let mut dims = self.group_by.clone();
        dims.sort();
        dims.dedup();
        if dims.len() != self.group_by.len() {
            return Err(bad("grouping", "a dimension named twice"));
        }
        let mut cases = 0u64;
        let mut per_event = [0u64; 4];
        for (i, (key, cell)) in self.cells.iter().enumerate() {
            let part = || format!("cell {}", i + 1);
            if key.len() != self.group_by.len() {
                return Err(bad(part(), "key does not match the grouping"));
            }
            cell.validate(&part)?;
            add_bounded(&mut cases, cell.cases, &part)?;
            for (acc, k) in per_event.iter_mut().zip([
                cell.handoffs,
                cell.bounces,
                cell.organisations,
                cell.escalations,
            ]) {
                add_bounded(acc, k, &part)?;
            }
        }
        if cases != self.cases {
            return Err(bad(totals(), "cells' cases do not add up to the cases"));
        }
        if per_event.iter().any(|&k| k > self.events) {
            return Err(bad(totals(), "more events of a kind than events"));
        }
        let p = &self.problems;
        let problems = || "problems".to_string();
        let mut paths = 0u64;
        for &n in p.bounce_paths.values() {
            add_bounded(&mut paths, n, &problems)?;
        }
        let mut reasons = 0u64;
        for &n in p.rejection_reasons.values() {
            add_bounded(&mut reasons, n, &problems)?;
        }
        let mut waits = 0u64;
        for (i, w) in p.waits.values().enumerate() {
            let part = || format!("waits of organisation {}", i + 1);
            check_durations(&part, &w.answered)?;
            add_bounded(&mut waits, w.answered.count(), &part)?;
            add_bounded(&mut waits, w.unanswered, &part)?;
        }
        if paths > self.events || reasons > self.events || waits > self.events {
            return Err(bad(problems(), "more problems than events"));
        }
        Ok(())
    }

    /// The state as JSON bytes (what [`from_json`](Self::from_json) reads back).
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// A state from JSON bytes, checked by [`validate`](Self::validate): bytes that are not a
    /// state, or a state whose figures are inconsistent, are a [`StateError`], never a panic.
    pub fn from_json(bytes: &[u8]) -> Result<EvalState, StateError> {
        let data: StateData = serde_json::from_slice(bytes).map_err(|e| {
            use serde_json::error::Category;
            StateError::Malformed {
                line: e.line(),
                column: e.column(),
                kind: match e.classify() {
                    Category::Io | Category::Syntax => "syntax",
                    Category::Data => "data",
                    Category::Eof => "end of input",
                },
            }
        })?;
        EvalState::try_from(data)
    }

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
        let ctx = Ctx::new(log, opts);
        let dims = self.group_by.clone();
        // Ranges of cases on rayon's threads, merged in order: the same cells (their
        // durations are sorted below), counters and per-case metrics as one pass.
        let n = log.case_count();
        let ranges: Vec<(usize, usize)> = (0..n)
            .step_by(CASES_AT_ONCE)
            .map(|lo| (lo, (lo + CASES_AT_ONCE).min(n)))
            .collect();
        let want = per_case.is_some();
        let mut local: FxMap<Vec<u32>, Cell> = FxMap::default();
        let mut kern_muni: FxMap<u32, u32> = FxMap::default();
        let mut sink = ProblemSink::default();
        if let Some(p) = per_case.as_deref_mut() {
            p.reserve(n);
        }
        // A few ranges at a time, merged while the next ones are evaluated: the cells of only
        // those ranges are held beside the merged ones.
        let mut pending: Vec<Part> = Vec::new();
        let mut merge = |parts: &mut Vec<Part>| {
            for part in parts.drain(..) {
                for (k, cell) in part.cells {
                    match local.get_mut(&k) {
                        Some(c) => c.absorb(cell),
                        None => {
                            local.insert(k, cell);
                        }
                    }
                }
                for (k, municipality) in part.kern_muni {
                    let m = kern_muni.entry(k).or_insert(municipality);
                    if *m != municipality && ctx.label(municipality) < ctx.label(*m) {
                        *m = municipality;
                    }
                }
                for (k, n) in part.sink.bounce_paths {
                    *sink.bounce_paths.entry(k).or_insert(0) += n;
                }
                for (a, b) in sink.reasons.iter_mut().zip(part.sink.reasons) {
                    *a += b;
                }
                sink.waits.extend(part.sink.waits);
                if let Some(p) = per_case.as_deref_mut() {
                    p.extend(part.per_case);
                }
            }
        };
        for some in ranges.chunks(RANGES_AT_ONCE) {
            let (parts, ()) = rayon::join(
                || {
                    some.par_iter()
                        .map(|&(lo, hi)| cases_part(log, opts, &dims, lo..hi, want))
                        .collect::<Vec<Part>>()
                },
                || merge(&mut pending),
            );
            pending = parts;
        }
        merge(&mut pending);
        self.cases += log.case_count() as u64;
        self.events += log.len() as u64;
        // Sorted, and their keys into strings, on rayon's threads; then added in the order of
        // `local`.
        let local: Vec<(Vec<u32>, Cell)> = local.into_iter().collect();
        let mut local: Vec<(Vec<Option<String>>, Cell)> = local
            .into_par_iter()
            .map(|(k, mut cell)| {
                cell.first_contact.normalise();
                cell.right_place.normalise();
                let skey: Vec<Option<String>> = dims
                    .iter()
                    .zip(k.iter())
                    .map(|(d, &v)| key_string(&ctx, d, v))
                    .collect();
                (skey, cell)
            })
            .collect();
        // In key order (a stable sort: cells with the same key keep their order), so that a
        // state with no cells yet is built at once when the keys are distinct.
        local.par_sort_by(|a, b| a.0.cmp(&b.0));
        if self.cells.is_empty() && local.windows(2).all(|w| w[0].0 < w[1].0) {
            self.cells = local.into_iter().collect();
        } else {
            for (skey, cell) in local {
                match self.cells.get_mut(&skey) {
                    Some(c) => c.merge(&cell),
                    None => {
                        self.cells.insert(skey, cell);
                    }
                }
            }
        }
        for (k, m) in kern_muni {
            if let (Some(k), Some(m)) = (log.kernen.value(k), ctx.label(m)) {
                note_municipality(&mut self.kern_municipality, k, &m);
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
                let r = RejectionReason::ALL
                    .get(i)
                    .map(|r| r.as_str())
                    .unwrap_or("unstated");
                *p.rejection_reasons.entry(r.to_string()).or_insert(0) += n;
            }
        }
        let mut waits: FxMap<u32, WaitCell> = FxMap::default();
        for (o, w) in sink.waits {
            let cell = waits.entry(o).or_default();
            match w {
                Some(s) => cell.answered.push_unsorted(s),
                None => cell.unanswered += 1,
            }
        }
        // Each organisation's waits sorted on rayon's threads, then added in the order of
        // `waits`.
        let mut waits: Vec<(u32, WaitCell)> = waits.into_iter().collect();
        waits
            .par_iter_mut()
            .for_each(|(_, w)| w.answered.normalise());
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
        match self.events.checked_add(other.events) {
            Some(e) if e <= MAX_STATE_COUNT => {}
            _ => return Err(EvalError::StateTooLarge),
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
        // The key of every case: the cases of every cell.
        let all = self.cells.values().fold(0u64, |k, c| k.wrapping_add(c.key));
        Summary {
            cases: disclosure.count(self.cases, all, figure::CASES),
            events: disclosure.count(self.events, all, figure::EVENTS),
            aggregates: table::table(
                &self.cells,
                &self.group_by,
                &self.kern_municipality,
                disclosure,
            ),
            problems: table::problems(&self.problems, disclosure, all),
        }
    }
}

/// Cases evaluated by one thread at a time (see [`EvalState::add`]).
const CASES_AT_ONCE: usize = 16 * 1024;

/// Ranges of cases evaluated before they are merged (bounds the cells held unmerged).
const RANGES_AT_ONCE: usize = 8;

/// The cells, counters and (when wanted) per-case metrics of a range of cases.
struct Part {
    cells: FxMap<Vec<u32>, Cell>,
    kern_muni: FxMap<u32, u32>,
    sink: ProblemSink,
    per_case: Vec<CaseMetrics>,
}

/// Evaluates the cases `range` of `log` into cells keyed by `dims` (log ids; durations not yet
/// sorted).
fn cases_part(
    log: &EventLog,
    opts: &EvalOptions,
    dims: &[Dim],
    range: std::ops::Range<usize>,
    want_per_case: bool,
) -> Part {
    let mut ctx = Ctx::new(log, opts);
    let mut sink = ProblemSink::default();
    let mut local: FxMap<Vec<u32>, Cell> = FxMap::default();
    let mut key: Vec<u32> = Vec::with_capacity(dims.len());
    let mut kern_muni: FxMap<u32, u32> = FxMap::default();
    let mut per_case = Vec::new();
    let track_kern = dims.contains(&Dim::Kern);
    for c in range {
        let m = ctx.case(c, &mut sink);
        let info = &log.cases[c];
        key.clear();
        for d in dims {
            key.push(match d {
                Dim::Kern => info.kern,
                Dim::Municipality => ctx.municipality_of(c),
                Dim::Region => ctx.region_of(c),
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
                Dim::Extra(name) => log.extras.case_value(name, c),
            });
        }
        let municipality = ctx.municipality_of(c);
        if track_kern && info.kern != NONE && municipality != NONE {
            let m = kern_muni.entry(info.kern).or_insert(municipality);
            if *m != municipality && ctx.label(municipality) < ctx.label(*m) {
                *m = municipality;
            }
        }
        let rk = log
            .case_ids
            .value(c as u32)
            .map(|id| record_key(id))
            .unwrap_or(0);
        match local.get_mut(&key[..]) {
            Some(cell) => cell.add_case(&m, rk),
            None => {
                let mut cell = Cell::default();
                cell.add_case(&m, rk);
                local.insert(key.clone(), cell);
            }
        }
        if want_per_case {
            per_case.push(ctx.public(&m));
        }
    }
    Part {
        cells: local,
        kern_muni,
        sink,
        per_case,
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

fn key_string(ctx: &Ctx<'_>, d: &Dim, v: u32) -> Option<String> {
    let log = ctx.log;
    if v == NONE {
        return None;
    }
    let s = |x: Option<&Arc<str>>| x.map(|s| s.to_string());
    match d {
        Dim::Kern => s(log.kernen.value(v)),
        Dim::Municipality | Dim::Region => ctx.label(v).map(|s| s.to_string()),
        Dim::Phase => s(log.labels.value(v)),
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
        Dim::Extra(_) => s(log.extras.values.value(v)),
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
    pub aggregates: Table,
    /// Frequent problems.
    pub problems: Problems,
}
