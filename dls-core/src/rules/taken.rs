//! Rules whose every case is taken by more specific layers: a rule (or a service's coverage
//! rule) of the national, region or municipality layer that, in every kern of its area the
//! directory knows, for every need, date and case its conditions admit, loses to a candidate of
//! a more specific layer that always decides first. Each is a warning of kind
//! [`Unreachable`](crate::ProblemKind::Unreachable) naming the rule, one kern where it is taken
//! and what takes it there.
//!
//! # What "always taken" means
//!
//! A case always names a kern of the directory (routing refuses a case without one, or with a
//! kern the directory does not know), and the router walks the more specific layers first, so
//! rule `R` can decide a need in kern `k` on date `d` only when no candidate of a more specific
//! layer decides. Only what decides for *every* case is counted as taking `R`'s cases:
//!
//! - a switch-off or replacement of `R` whose area holds `k`, on the dates it is valid: `R` is
//!   then no candidate at all;
//! - a rule of a more specific layer whose area holds `k`, that nothing overrides in `k`, on
//!   its dates, needs and conditions, when its target is `not_covered` (it always decides) or
//!   the same service `R`'s target resolves to in `k` (a steunpilaar target resolves to the
//!   kern's steunpilaar): `R` decides only when that service is valid, the case eligible, the
//!   service not full and not tried, and then the earlier rule decides too. When the rule set
//!   counts capacity, such a rule is not counted: routing against a live
//!   [`CapacityLedger`](crate::routing::CapacityLedger) (where a host may set any service's
//!   places) checks the service twice, and a place given back in between by another thread
//!   lets `R` decide.
//!
//! A candidate whose target is *another* service never takes every case, however eligible and
//! open it is: a case that already tried it (and was turned away) passes it over, and `R`
//! decides if it can. Nor does the steunpilaar fallback, which comes after every rule.
//!
//! `R`'s own cases are the product of its dates and conditions with its target's contract
//! period and eligibility (where its target fails, `R` does not decide either). In each kern
//! and for each need, what the takers cover is subtracted from that box exactly, one taker at a
//! time, over dates, integer intervals (with the unstated value apart: a condition on age never
//! admits a case that states no age) and bit sets ([`AttributeSet`]). A taker's "any of these
//! flags" test is counted only when it admits every flag set left in the box, and a box that
//! falls into more than [`MAX_PIECES`] pieces is given up: both can only miss a warning, never
//! make a wrong one.
//!
//! # Cost
//!
//! Near-linear: a rule is looked at only when something could take it (an override of it, or a
//! more specific `not_covered` rule or rule with its target sharing a need); then the kernen its
//! takers' areas reach are marked, and a kern of its area left unmarked ends the search (the
//! rule is reachable there). Only a rule taken in every kern is checked kern by kern, need by
//! need (needs with the same takers checked once).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::areas::{AreaRef, Layer};
use crate::conditions::{AttributeSet, ConditionMask, MAX_AGE};
use crate::directory::Directory;
use crate::taxonomy::NeedMatcher;
use crate::validation::{Location, ProblemKind, ValidationReport};
use crate::validity::Validity;

use super::{CapacityPolicy, CompiledOverride, CompiledRule, CompiledTarget, RuleSetData};

/// At most this many pieces of a rule's cases are kept while subtracting takers in one kern;
/// past it the kern counts as reachable.
const MAX_PIECES: usize = 4096;

/// At most this many takers are named in a warning.
const MAX_NAMED: usize = 3;

/// An inclusive date interval (empty when `from > until`).
type Dates = (NaiveDate, NaiveDate);

fn dates(v: &Validity) -> Dates {
    (
        v.from.unwrap_or(NaiveDate::MIN),
        v.until.unwrap_or(NaiveDate::MAX),
    )
}

/// Every value an attribute can take, unstated included.
fn universe(key: u16, like: AttributeSet) -> AttributeSet {
    match (key, like) {
        (0, _) => AttributeSet::Int {
            unknown: true,
            lo: 0,
            hi: i64::from(MAX_AGE),
        },
        (5, _) => AttributeSet::Int {
            unknown: true,
            lo: 0,
            hi: i64::from(u16::MAX),
        },
        (1..=3, _) => AttributeSet::Bits(u64::from(u16::MAX)),
        (_, AttributeSet::Bits(_)) => AttributeSet::Bits(u64::MAX),
        (_, AttributeSet::Int { .. }) => AttributeSet::Int {
            unknown: true,
            lo: i64::MIN,
            hi: i64::MAX,
        },
        // "no test": no flags at all is admitted too
        (_, AttributeSet::AnyOf(_)) => AttributeSet::AnyOf(u64::MAX),
    }
}

fn is_empty(a: AttributeSet) -> bool {
    match a {
        AttributeSet::Bits(b) | AttributeSet::AnyOf(b) => b == 0,
        AttributeSet::Int { unknown, lo, hi } => !unknown && lo > hi,
    }
}

/// The values both admit; `None` for two flag tests, whose meet is no single test.
fn meet(a: AttributeSet, b: AttributeSet) -> Option<AttributeSet> {
    match (a, b) {
        (AttributeSet::Bits(x), AttributeSet::Bits(y)) => Some(AttributeSet::Bits(x & y)),
        (
            AttributeSet::Int { unknown, lo, hi },
            AttributeSet::Int {
                unknown: u2,
                lo: l2,
                hi: h2,
            },
        ) => Some(AttributeSet::Int {
            unknown: unknown && u2,
            lo: lo.max(l2),
            hi: hi.min(h2),
        }),
        _ => None,
    }
}

/// The values of `a` that `b` does not admit, in at most two pieces (integers: below and
/// above `b`'s interval, the unstated value with the first).
fn minus(a: AttributeSet, b: AttributeSet) -> Vec<AttributeSet> {
    match (a, b) {
        (AttributeSet::Bits(x), AttributeSet::Bits(y)) => vec![AttributeSet::Bits(x & !y)],
        (
            AttributeSet::Int { unknown, lo, hi },
            AttributeSet::Int {
                unknown: u2,
                lo: l2,
                hi: h2,
            },
        ) => {
            let below = if l2 > lo {
                (lo, hi.min(l2 - 1))
            } else {
                (1, 0)
            };
            let above = if h2 < hi {
                (lo.max(h2 + 1), hi)
            } else {
                (1, 0)
            };
            vec![
                AttributeSet::Int {
                    unknown: unknown && !u2,
                    lo: below.0,
                    hi: below.1,
                },
                AttributeSet::Int {
                    unknown: false,
                    lo: above.0,
                    hi: above.1,
                },
            ]
        }
        _ => vec![a],
    }
}

/// A set of cases: dates times a set per attribute (an attribute not listed: every value).
#[derive(Debug, Clone)]
struct CaseBox {
    dates: Dates,
    /// Sorted by attribute key.
    attributes: Vec<(u16, AttributeSet)>,
}

impl CaseBox {
    fn of(valid: &Validity, when: &ConditionMask) -> CaseBox {
        CaseBox {
            dates: dates(valid),
            attributes: when.attribute_sets(),
        }
    }

    fn get(&self, key: u16, like: AttributeSet) -> AttributeSet {
        match self.attributes.binary_search_by_key(&key, |a| a.0) {
            Ok(i) => self.attributes[i].1,
            Err(_) => universe(key, like),
        }
    }

    fn set(&mut self, key: u16, value: AttributeSet) {
        match self.attributes.binary_search_by_key(&key, |a| a.0) {
            Ok(i) => self.attributes[i].1 = value,
            Err(i) => self.attributes.insert(i, (key, value)),
        }
    }

    fn is_empty(&self) -> bool {
        self.dates.0 > self.dates.1 || self.attributes.iter().any(|&(_, a)| is_empty(a))
    }

    /// The cases of `self` that `other` (a rule's or a target's mask) also admits; `None` when
    /// the meet is not a box (two different flag tests on one attribute): treated as reachable.
    fn meet(mut self, valid: &Validity, when: &ConditionMask) -> Option<CaseBox> {
        let (from, until) = dates(valid);
        self.dates = (self.dates.0.max(from), self.dates.1.min(until));
        for (key, set) in when.attribute_sets() {
            let mine = self.get(key, set);
            let both = match (mine, set) {
                (AttributeSet::AnyOf(u64::MAX), AttributeSet::AnyOf(_)) => set,
                (AttributeSet::AnyOf(x), AttributeSet::AnyOf(y)) if x == y => set,
                _ => meet(mine, set)?,
            };
            self.set(key, both);
        }
        Some(self)
    }

    /// The cases of `self` that a taker (dates, attribute sets) does not cover, pushed onto
    /// `out`; true when the taker covered some of them.
    fn subtract(
        &self,
        t_dates: Dates,
        t_sets: &[(u16, AttributeSet)],
        out: &mut Vec<CaseBox>,
    ) -> bool {
        let overlap_dates = self.dates.0.max(t_dates.0) <= self.dates.1.min(t_dates.1);
        let overlaps = overlap_dates
            && t_sets.iter().all(|&(key, set)| match set {
                // one case may carry a flag of each set
                AttributeSet::AnyOf(_) => true,
                _ => meet(self.get(key, set), set).is_some_and(|m| !is_empty(m)),
            });
        // a flag test takes part only when it admits every flag set left here
        let flags_cover = t_sets.iter().all(|&(key, set)| match set {
            AttributeSet::AnyOf(m) => match self.get(key, set) {
                AttributeSet::AnyOf(mine) => mine != u64::MAX && mine & !m == 0,
                _ => false,
            },
            _ => true,
        });
        if !overlaps || !flags_cover {
            out.push(self.clone());
            return false;
        }
        let mut rest = self.clone();
        if t_dates.0 > rest.dates.0 {
            let mut piece = rest.clone();
            piece.dates.1 = t_dates.0.pred_opt().unwrap_or(NaiveDate::MIN);
            out.push(piece);
            rest.dates.0 = t_dates.0;
        }
        if t_dates.1 < rest.dates.1 {
            let mut piece = rest.clone();
            piece.dates.0 = t_dates.1.succ_opt().unwrap_or(NaiveDate::MAX);
            out.push(piece);
            rest.dates.1 = t_dates.1;
        }
        for &(key, set) in t_sets {
            if matches!(set, AttributeSet::AnyOf(_)) {
                continue;
            }
            let mine = rest.get(key, set);
            for part in minus(mine, set) {
                if !is_empty(part) {
                    let mut piece = rest.clone();
                    piece.set(key, part);
                    out.push(piece);
                }
            }
            rest.set(key, meet(mine, set).unwrap_or(set));
        }
        true
    }
}

/// Something that may take a rule's cases: an override of it (any need, any case) or a more
/// specific rule (its needs and conditions).
#[derive(Clone, Copy)]
enum Taker {
    Override(usize),
    Rule(usize),
}

/// The rules that may take a rule's cases somewhere, and which of its needs each matches
/// (`covers[n][i]`: the `i`th matches the rule's `n`th need).
struct RuleTakers {
    list: Vec<usize>,
    covers: Vec<Vec<bool>>,
}

/// What may take a rule's cases in one kern: overrides of it, and positions in its list of rule
/// takers, of those whose area holds the kern.
struct Here {
    overrides: Vec<usize>,
    rules: Vec<usize>,
}

/// What the analysis reads, and the indexes it builds once.
struct Cx<'a> {
    dir: &'a Directory,
    data: &'a RuleSetData,
    rules: &'a [CompiledRule],
    overrides: &'a [CompiledOverride],
    overrides_of: Vec<Vec<usize>>,
    /// `not_covered` rules by the domains of their needs.
    not_covered: HashMap<&'a str, Vec<usize>>,
    /// Rules by target service (service and escalation targets).
    by_service: HashMap<usize, Vec<usize>>,
    /// Rules that target the steunpilaar.
    to_steunpilaar: Vec<usize>,
    /// Services named as a steunpilaar somewhere.
    steunpilaar_services: Vec<usize>,
    /// The steunpilaar of each kern (computed when first needed).
    steunpilaar_of: Option<Vec<Option<usize>>>,
    capacity_counts: bool,
    /// Kern marks for the quick pass.
    marks: Vec<u32>,
    epoch: u32,
}

fn domain(m: &NeedMatcher) -> &str {
    let code = m.code().as_str();
    code.split('.').next().unwrap_or(code)
}

/// Warns about every rule whose every case is taken by more specific layers.
pub(crate) fn taken_by_more_specific(
    dir: &Directory,
    data: &RuleSetData,
    rules: &[CompiledRule],
    overrides: &[CompiledOverride],
    report: &mut ValidationReport,
) {
    let mut overrides_of = vec![Vec::new(); rules.len()];
    for (i, o) in overrides.iter().enumerate() {
        if o.rule < rules.len() {
            overrides_of[o.rule].push(i);
        }
    }
    let mut not_covered: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_service: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut to_steunpilaar = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        match r.target {
            CompiledTarget::NotCovered => {
                let mut ds: Vec<&str> = r.needs.iter().map(domain).collect();
                ds.sort_unstable();
                ds.dedup();
                for d in ds {
                    not_covered.entry(d).or_default().push(i);
                }
            }
            CompiledTarget::Service(s) | CompiledTarget::Escalation(s) => {
                by_service.entry(s).or_default().push(i);
            }
            CompiledTarget::Steunpilaar => to_steunpilaar.push(i),
        }
    }
    let mut steunpilaar_services: Vec<usize> = data
        .steunpilaar
        .iter()
        .filter_map(|e| dir.service_index(e.service.as_str()))
        .collect();
    steunpilaar_services.sort_unstable();
    steunpilaar_services.dedup();
    let mut cx = Cx {
        dir,
        data,
        rules,
        overrides,
        overrides_of,
        not_covered,
        by_service,
        to_steunpilaar,
        steunpilaar_services,
        steunpilaar_of: None,
        capacity_counts: data.capacity.unwrap_or_default() != CapacityPolicy::Ignore,
        marks: vec![0; dir.areas().kernen().len()],
        epoch: 0,
    };
    for (r, rule) in rules.iter().enumerate() {
        if rule.layer == Layer::Kern {
            continue;
        }
        if let Some((kern, names)) = cx.taken(r) {
            let id = &data.rules[rule.index].id;
            let file = data.origins.file_of("rule", id.as_str());
            // a service's coverage rule: the service's `areas`
            let field =
                if rules[r].areas.len() == 1 && !id.as_str().starts_with(super::COVERAGE_PREFIX) {
                    "area"
                } else {
                    "areas"
                };
            report.warning(
                ProblemKind::Unreachable,
                Location::item(file.as_deref(), "rule", id.as_str()).field(field),
                format!(
                    "rule `{id}` can never decide: in every kern of its area a more specific layer takes each of its cases first (in kern `{kern}`: {names})"
                ),
            );
        }
    }
}

impl<'a> Cx<'a> {
    /// The service rule `r`'s target resolves to in kern `k`: `Ok(None)` for `not_covered`,
    /// `Err(())` when there is none (a steunpilaar target in a kern without one).
    fn service_in(&mut self, r: usize, k: usize) -> Result<Option<usize>, ()> {
        match self.rules[r].target {
            CompiledTarget::NotCovered => Ok(None),
            CompiledTarget::Service(s) | CompiledTarget::Escalation(s) => Ok(Some(s)),
            CompiledTarget::Steunpilaar => self.steunpilaar(k).map(Some).ok_or(()),
        }
    }

    /// The steunpilaar of kern `k` as routing finds it: the one named for the kern, else its
    /// municipality, else its regions in the directory's order, else national.
    fn steunpilaar(&mut self, k: usize) -> Option<usize> {
        let (dir, data) = (self.dir, self.data);
        self.steunpilaar_of
            .get_or_insert_with(|| {
                let named: HashMap<&AreaRef, usize> = data
                    .steunpilaar
                    .iter()
                    .filter_map(|e| Some((&e.area, dir.service_index(e.service.as_str())?)))
                    .collect();
                let areas = dir.areas();
                (0..areas.kernen().len())
                    .map(|k| {
                        let kern = &areas.kernen()[k];
                        let m = areas.municipality_of_kern(k);
                        named
                            .get(&AreaRef::Kern(kern.id.clone()))
                            .or_else(|| {
                                named.get(&AreaRef::Municipality(kern.municipality.clone()))
                            })
                            .or_else(|| {
                                areas.regions_of_municipality(m).iter().find_map(|&ri| {
                                    named.get(&AreaRef::Region(areas.regions()[ri].id.clone()))
                                })
                            })
                            .or_else(|| named.get(&AreaRef::National))
                            .copied()
                    })
                    .collect()
            })
            .get(k)
            .copied()
            .flatten()
    }

    /// The rules of a more specific layer than `r` that could take some of its cases
    /// somewhere: sharing a need, with a `not_covered` target or one that may resolve to the
    /// same service.
    fn rule_takers(&self, r: usize) -> Vec<usize> {
        let rule = &self.rules[r];
        let mut out: Vec<usize> = Vec::new();
        let mut ds: Vec<&str> = rule.needs.iter().map(domain).collect();
        ds.sort_unstable();
        ds.dedup();
        for d in ds {
            out.extend(self.not_covered.get(d).into_iter().flatten());
        }
        let by = |s: usize| self.by_service.get(&s).into_iter().flatten().copied();
        match rule.target {
            CompiledTarget::Service(s) | CompiledTarget::Escalation(s) => {
                out.extend(by(s));
                if self.steunpilaar_services.binary_search(&s).is_ok() {
                    out.extend(&self.to_steunpilaar);
                }
            }
            CompiledTarget::Steunpilaar => {
                out.extend(&self.to_steunpilaar);
                for &s in &self.steunpilaar_services {
                    out.extend(by(s));
                }
            }
            CompiledTarget::NotCovered => {}
        }
        out.sort_unstable();
        out.dedup();
        out.retain(|&c| {
            let other = &self.rules[c];
            other.layer > rule.layer
                && other
                    .needs
                    .iter()
                    .any(|m| rule.needs.iter().any(|n| m.overlaps(n)))
        });
        out
    }

    /// When rule `r` is taken in every kern of its area: one such kern (the first with a
    /// taker) and what takes it there.
    fn taken(&mut self, r: usize) -> Option<(String, String)> {
        let (rules, dir) = (self.rules, self.dir);
        let rule = &rules[r];
        let rule_takers = self.rule_takers(r);
        if rule_takers.is_empty() && self.overrides_of[r].is_empty() {
            return None;
        }
        // the cases where the rule's own target can take the need (the rest is warned about
        // by `reach`, or is no case of this rule in any kern)
        let own = CaseBox::of(&rule.valid, &rule.when);
        let own = match rule.target {
            CompiledTarget::Service(s) | CompiledTarget::Escalation(s) => {
                own.meet(&dir.services()[s].valid, dir.eligibility(s))?
            }
            _ => own,
        };
        if own.is_empty() {
            return None;
        }
        let areas = dir.areas();
        // quick pass: every kern of the rule's area reached by some taker's area; on the way,
        // (kern, override) and (kern, position in `rule_takers`) for the kern by kern pass
        self.epoch += 1;
        let epoch = self.epoch;
        let mut overrides_at: Vec<(usize, usize)> = Vec::new();
        let mut rules_at: Vec<(usize, usize)> = Vec::new();
        for &o in &self.overrides_of[r] {
            for k in areas.kernen_in(&self.overrides[o].area) {
                self.marks[k] = epoch;
                overrides_at.push((k, o));
            }
        }
        for (i, &c) in rule_takers.iter().enumerate() {
            for a in &rules[c].areas {
                for k in areas.kernen_in(a) {
                    self.marks[k] = epoch;
                    rules_at.push((k, i));
                }
            }
        }
        let mut kernen: Vec<usize> = Vec::new();
        for a in &rule.areas {
            for k in areas.kernen_in(a) {
                if self.marks[k] != epoch {
                    return None;
                }
                kernen.push(k);
            }
        }
        kernen.sort_unstable();
        kernen.dedup();
        if kernen.is_empty() {
            return None;
        }
        overrides_at.sort_unstable();
        overrides_at.dedup();
        rules_at.sort_unstable();
        rules_at.dedup();
        // the needs the rule can decide, and which of them each taker covers
        let needs: Vec<&crate::ids::NeedCode> = dir
            .taxonomy()
            .needs()
            .iter()
            .map(|n| &n.code)
            .filter(|n| rule.needs.iter().any(|m| m.matches(n)))
            .collect();
        if needs.is_empty() {
            return None;
        }
        let covers: Vec<Vec<bool>> = needs
            .iter()
            .map(|n| {
                rule_takers
                    .iter()
                    .map(|&c| rules[c].needs.iter().any(|m| m.matches(n)))
                    .collect()
            })
            .collect();
        let takers = RuleTakers {
            list: rule_takers,
            covers,
        };
        let at = |list: &[(usize, usize)], k: usize| -> Vec<usize> {
            let from = list.partition_point(|p| p.0 < k);
            list[from..]
                .iter()
                .take_while(|p| p.0 == k)
                .map(|p| p.1)
                .collect()
        };
        let mut example: Option<(usize, Vec<Taker>)> = None;
        for k in kernen {
            let here = Here {
                overrides: at(&overrides_at, k),
                rules: at(&rules_at, k),
            };
            let used = self.taken_in(r, k, &own, &takers, &here)?;
            if example.is_none() && !used.is_empty() {
                example = Some((k, used));
            }
        }
        let (k, used) = example?;
        let mut names: Vec<String> = used
            .iter()
            .map(|t| match *t {
                Taker::Override(o) => {
                    let o = &self.overrides[o];
                    let what = if o.replaced {
                        "replaced by rule"
                    } else {
                        "switch-off"
                    };
                    format!("{what} `{}`", o.by)
                }
                Taker::Rule(c) => format!("rule `{}`", self.data.rules[rules[c].index].id),
            })
            .collect();
        names.dedup();
        let more = names.len().saturating_sub(MAX_NAMED);
        names.truncate(MAX_NAMED);
        let mut text = names.join(", ");
        if more > 0 {
            text.push_str(&format!(" and {more} more"));
        }
        Some((areas.kernen()[k].id.to_string(), text))
    }

    /// Whether every case of rule `r` (`own`) is taken in kern `k`: `Some(takers that took
    /// some)`, or `None` when some case is left to `r`.
    fn taken_in(
        &mut self,
        r: usize,
        k: usize,
        own: &CaseBox,
        takers: &RuleTakers,
        at: &Here,
    ) -> Option<Vec<Taker>> {
        let (rule_takers, covers) = (&takers.list, &takers.covers);
        let (rules, dir, overrides) = (self.rules, self.dir, self.overrides);
        let areas = dir.areas();
        let mut used: Vec<Taker> = Vec::new();
        // the rule's target in this kern: the cases where it can take the need
        let target = match self.service_in(r, k) {
            Err(()) => return Some(used), // never decides here
            Ok(t) => t,
        };
        let own = match (rules[r].target, target) {
            (CompiledTarget::Steunpilaar, Some(s)) => own
                .clone()
                .meet(&dir.services()[s].valid, dir.eligibility(s))?,
            _ => own.clone(),
        };
        if own.is_empty() {
            return Some(used);
        }
        // overrides: every need and case, on their dates
        let mut pieces = vec![own];
        for &o in &at.overrides {
            let ov = &overrides[o];
            let mut next = Vec::with_capacity(pieces.len() + 1);
            let mut took = false;
            for p in &pieces {
                took |= p.subtract(dates(&ov.valid), &[], &mut next);
            }
            if took {
                used.push(Taker::Override(o));
            }
            next.retain(|p| !p.is_empty());
            pieces = next;
        }
        if pieces.is_empty() {
            return Some(used);
        }
        // rules of more specific layers that always decide here: (position in rule_takers,
        // attribute sets)
        let mut here: Vec<(usize, Vec<(u16, AttributeSet)>)> = Vec::new();
        for &i in &at.rules {
            let c = rule_takers[i];
            let other = &rules[c];
            if self.overrides_of[c]
                .iter()
                .any(|&o| areas.contains_kern(&overrides[o].area, k))
            {
                continue;
            }
            let decides = match self.service_in(c, k) {
                Ok(None) => true,
                Ok(Some(s)) => target == Some(s) && !self.capacity_counts,
                Err(()) => false,
            };
            if decides {
                here.push((i, other.when.attribute_sets()));
            }
        }
        let mut done: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
        for row in covers {
            let takers: Vec<usize> = here
                .iter()
                .enumerate()
                .filter(|(_, (i, _))| row[*i])
                .map(|(h, _)| h)
                .collect();
            if !done.insert(takers.clone()) {
                continue;
            }
            let mut left = pieces.clone();
            for &h in &takers {
                let (i, sets) = &here[h];
                let c = rule_takers[*i];
                let mut next = Vec::with_capacity(left.len() + 1);
                let mut took = false;
                for p in &left {
                    took |= p.subtract(dates(&rules[c].valid), sets, &mut next);
                }
                if took && !used.iter().any(|t| matches!(t, Taker::Rule(x) if *x == c)) {
                    used.push(Taker::Rule(c));
                }
                next.retain(|p| !p.is_empty());
                left = next;
                if left.is_empty() || left.len() > MAX_PIECES {
                    break;
                }
            }
            if !left.is_empty() {
                return None;
            }
        }
        Some(used)
    }
}
