//! The routing engine: a case and a date in, a [`HouseholdDecision`] out — for each need,
//! primary first, a service, the steunpilaar, an escalation body or a gap, one coordinator when
//! several organisations are involved, and a trace that explains every choice.
//!
//! A [`Router`] is compiled from a validated [`RuleSet`] (so it cannot be built from rules that
//! failed validation) and is cheap to clone and share across threads.
//!
//! # Routing one need
//!
//! The ladder of `DESIGN.md`, exactly:
//!
//! 1. **Candidates** are the rules whose need matcher covers the need, whose area contains the
//!    case's kern, that are valid on the date, and that no more specific layer replaced or
//!    switched off in that kern on that date ([`RuleSet::overridden`]).
//! 2. **Order**: [`RuleSet::order`] — most specific layer first, then higher priority, then rule
//!    id. Under [`CapacityPolicy::PreferShorterWait`], candidates of equal layer and priority go
//!    in order of their target service's waiting time (unknown last), then rule id. (A
//!    validated rule set rejects two candidates of equal layer and priority that could both
//!    decide for one case with different targets, so this order shows mainly in the trace.)
//! 3. **Walk** the order; a candidate is skipped, with its reason kept, when its conditions do
//!    not hold (naming the attribute), its target service is not valid on the date, the case is
//!    not eligible for it (naming the attribute), it is full while the rule set says capacity
//!    counts, or the citizen already tried it without success. A rule that targets the
//!    steunpilaar resolves to [`RuleSet::steunpilaar_for`] the kern, and that service is checked
//!    the same way. The first candidate not skipped decides; a `not_covered` target decides a
//!    deliberate gap ([`GapReason::NotCovered`]).
//! 4. **Fallback**: when no candidate decides, the kern's steunpilaar (checked the same way),
//!    else a gap: [`GapReason::NoRule`] when there was no candidate at all — this is also what a
//!    date outside every rule's validity gives — or [`GapReason::AllSkipped`].
//!
//! A decision reached after passing over a service the citizen already tried is marked
//! [`NeedDecision::cannot_get_through`].
//!
//! # The household
//!
//! Needs are routed primary first. When the chosen services belong to two or more
//! organisations, one [`Coordinator`] is named: the service [`RuleSet::coordinator_for`] the kern
//! when the rule set names one and it is valid on the date; otherwise the organisation (and
//! service) of the primary need; when the primary need is a gap, of the first need that has a
//! service. The [`JointPlan`] follows from these: who does what, and the household's single
//! first point of contact.
//!
//! # Performance and determinism
//!
//! Rules are compiled into buckets per need: one per municipality (its kern and municipality
//! rules), one per group of municipalities that lie in the same regions (region rules), and one
//! national. Routing a need walks those three short lists, never the whole rule set, so the
//! work per case does not grow with the number of municipalities. Decisions hold ids, not
//! indexes, and every order is fixed by ids, so results are byte-identical regardless of thread
//! count, file order or hash seeds.
//!
//! ```
//! use dls_core::{pilot, routing::{Router, RouteOptions}};
//! let router = Router::new(&pilot::rules());
//! for case in pilot::cases() {
//!     let date = case.opened().unwrap();
//!     let decision = router.route(&case, date).unwrap();
//!     assert_eq!(decision.needs.len(), case.needs().len());
//!     println!("{}", decision.explain());
//! }
//! ```

mod decision;
mod what_if;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use decision::{
    CandidateTrace, Contact, Coordinator, CoordinatorBasis, FallbackTrace, GapReason,
    HouseholdDecision, JointPlan, NeedDecision, NeedTrace, Outcome, PlanPart, Verdict,
};
pub use what_if::{what_if, DecisionChange, GapChange, ServiceLoad, WhatIf, WhatIfError};

use crate::areas::{AreaRef, Layer};
use crate::cases::{Case, CaseAttributes, TriedService, TryOutcome};
use crate::conditions::{AttributeName, ConditionMask};
use crate::directory::Directory;
use crate::events::{Activity, Event};
use crate::ids::{CaseId, KernId, NeedCode, OrganisationId, RuleId, ServiceId};
use crate::rules::{CapacityPolicy, CompiledTarget, RuleSet};
use crate::validity::Validity;

/// A case that cannot be routed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoutingError {
    /// The case's kern is not in the router's directory.
    #[error("case `{case}`: unknown kern `{kern}`")]
    UnknownKern {
        /// The case.
        case: CaseId,
        /// The kern.
        kern: KernId,
    },
    /// A need of the case is not in the router's taxonomy.
    #[error("case `{case}`: unknown need `{need}`")]
    UnknownNeed {
        /// The case.
        case: CaseId,
        /// The need.
        need: NeedCode,
    },
    /// A service the case tried (or an event names) is not in the router's directory.
    #[error("case `{case}`: unknown service `{service}`")]
    UnknownService {
        /// The case.
        case: CaseId,
        /// The service.
        service: ServiceId,
    },
    /// No routing date was given and the case has no `opened` date.
    #[error("case `{case}` has no `opened` date: give a routing date")]
    NoDate {
        /// The case.
        case: CaseId,
    },
    /// A re-route was asked with an event or a decision of another case.
    #[error("case `{case}`: the event or decision belongs to case `{other}`")]
    OtherCase {
        /// The case.
        case: CaseId,
        /// The case the event or decision belongs to.
        other: CaseId,
    },
    /// A re-route was asked with an event that is not a rejection or a no-response.
    #[error("case `{case}`: only a `rejected` or `no_response` event re-routes, not `{activity}`")]
    NotABounce {
        /// The case.
        case: CaseId,
        /// The event's activity.
        activity: Activity,
    },
    /// A re-route was asked with an event that names no service.
    #[error("case `{case}`: the `{activity}` event names no service")]
    EventWithoutService {
        /// The case.
        case: CaseId,
        /// The event's activity.
        activity: Activity,
    },
}

/// How to route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RouteOptions {
    /// Keep a trace per need (default). Switch off for bulk speed: the decisions are the same,
    /// only without [`NeedDecision::trace`].
    pub trace: bool,
}

impl Default for RouteOptions {
    fn default() -> Self {
        RouteOptions { trace: true }
    }
}

impl RouteOptions {
    /// With a trace per need.
    pub const TRACE: RouteOptions = RouteOptions { trace: true };
    /// Without traces, for bulk speed.
    pub const FAST: RouteOptions = RouteOptions { trace: false };
}

const NONE: u32 = u32::MAX;

/// One rule in a (municipality, need) bucket, with everything routing tests inline, so a walk
/// over a bucket reads consecutive memory.
#[derive(Debug, Clone, Copy)]
struct Entry {
    rule: u32,
    /// The only kern the rule applies in (kern layer), or `NONE`.
    kern: u32,
    hot: HotRule,
}

#[derive(Debug, Clone, Copy)]
enum HotTarget {
    Service(u32),
    Escalation(u32),
    Steunpilaar,
    NotCovered,
}

#[derive(Debug, Clone, Copy)]
struct HotRule {
    layer: Layer,
    valid: Validity,
    when: ConditionMask,
    target: HotTarget,
    /// Range into `overrides`.
    overrides: (u32, u32),
}

#[derive(Debug, Clone)]
struct RuleMeta {
    area: AreaRef,
    target: crate::rules::Target,
    priority: i32,
}

#[derive(Debug, Clone, Copy)]
enum HotArea {
    National,
    Region(u32),
    Municipality(u32),
    Kern(u32),
    Nowhere,
}

#[derive(Debug, Clone)]
struct HotOverride {
    area: HotArea,
    valid: Validity,
    /// Index into [`RuleSet::overrides`].
    index: u32,
}

#[derive(Debug, Clone)]
struct HotService {
    valid: Validity,
    eligibility: ConditionMask,
    /// Full and the rule set says capacity counts.
    full: bool,
    organisation: u32,
}

/// The router's lookup tables: keys come from the validated directory; callers only look up.
type FxMap<V> = crate::hash::FxMap<Box<str>, V>;

struct Inner {
    rules: RuleSet,
    kern_lookup: FxMap<u32>,
    need_lookup: FxMap<u32>,
    n_needs: usize,
    kern_municipality: Vec<u32>,
    municipality_regions: Vec<Vec<u32>>,
    /// The region group of each municipality: municipalities in the same regions share one.
    municipality_group: Vec<u32>,
    n_municipalities: usize,
    n_groups: usize,
    /// Bucket `b` is `entries[offsets[b]..offsets[b + 1]]`, in routing order. Per need `n`, three
    /// rows: the kern and municipality layers of municipality `m` at `m * n_needs + n`, the
    /// region layer of region group `g` at `(n_municipalities + g) * n_needs + n`, and the
    /// national layer at `(n_municipalities + n_groups) * n_needs + n`. Layers come first in
    /// routing order, so walking the three in turn walks the rules in routing order.
    offsets: Vec<u32>,
    entries: Vec<Entry>,
    /// Rule ids by rule index, and (service, organisation) ids by service index, compact.
    rule_ids: Vec<RuleId>,
    service_ids: Vec<(ServiceId, OrganisationId)>,
    /// What traces show of each rule, compact.
    rule_meta: Vec<RuleMeta>,
    overrides: Vec<HotOverride>,
    services: Vec<HotService>,
    steunpilaar: Vec<u32>,
    coordinator: Vec<u32>,
}

/// A compiled, indexed rule set that routes cases. `Send + Sync`; cloning is cheap.
#[derive(Clone)]
pub struct Router(Arc<Inner>);

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("rules", &self.0.rule_ids.len())
            .field("services", &self.0.services.len())
            .field("kernen", &self.0.kern_municipality.len())
            .field("needs", &self.0.n_needs)
            .field("index_entries", &self.0.entries.len())
            .finish()
    }
}

/// Why a candidate was skipped, by index (turned into a [`Verdict`] only when tracing).
#[derive(Debug, Clone, Copy)]
enum Skip {
    OutOfArea,
    Overridden(u32),
    NotValid,
    Condition(AttributeName),
    ServiceNotValid(u32),
    Ineligible(u32, AttributeName),
    Full(u32),
    Tried(u32, TryOutcome),
    NoSteunpilaar,
}

impl Skip {
    /// True when the rule was not a candidate at all (step 1 of the ladder).
    fn structural(self) -> bool {
        matches!(self, Skip::OutOfArea | Skip::Overridden(_) | Skip::NotValid)
    }
}

#[derive(Debug, Clone, Copy)]
enum Pick {
    Service(u32),
    Escalation(u32),
    Steunpilaar(u32, bool),
    Gap(GapReason),
}

struct Ctx<'a> {
    kern: u32,
    municipality: u32,
    date: NaiveDate,
    attributes: &'a CaseAttributes,
    tried: &'a [(u32, TryOutcome)],
}

impl Router {
    /// Compiles a validated rule set (and the directory it was validated against) into an
    /// indexed router.
    pub fn new(rules: &RuleSet) -> Router {
        let dir = rules.directory();
        let areas = dir.areas();
        let tax = dir.taxonomy();
        let n_needs = tax.needs().len();
        let n_munis = areas.municipalities().len();
        let n_kernen = areas.kernen().len();
        let compiled = rules.rules();

        let kern_municipality: Vec<u32> = (0..n_kernen)
            .map(|k| areas.municipality_of_kern(k) as u32)
            .collect();
        let municipality_regions: Vec<Vec<u32>> = (0..n_munis)
            .map(|m| {
                areas
                    .regions_of_municipality(m)
                    .iter()
                    .map(|&r| r as u32)
                    .collect()
            })
            .collect();
        // municipalities with the same set of regions share their region-layer buckets
        let mut group_of_set: BTreeMap<&[u32], u32> = BTreeMap::new();
        let municipality_group: Vec<u32> = municipality_regions
            .iter()
            .map(|set| {
                let next = group_of_set.len() as u32;
                *group_of_set.entry(set.as_slice()).or_insert(next)
            })
            .collect();
        let n_groups = group_of_set.len();
        let mut groups_of_region: Vec<Vec<u32>> = vec![Vec::new(); areas.regions().len()];
        for (set, &g) in &group_of_set {
            for &r in set.iter() {
                groups_of_region[r as usize].push(g);
            }
        }
        let hot_area = |a: &AreaRef| -> HotArea {
            let idx = match a {
                AreaRef::National => return HotArea::National,
                AreaRef::Region(r) => areas
                    .region_index(r.as_str())
                    .map(|i| HotArea::Region(i as u32)),
                AreaRef::Municipality(m) => areas
                    .municipality_index(m.as_str())
                    .map(|i| HotArea::Municipality(i as u32)),
                AreaRef::Kern(k) => areas
                    .kern_index(k.as_str())
                    .map(|i| HotArea::Kern(i as u32)),
            };
            idx.unwrap_or(HotArea::Nowhere)
        };

        // the needs each rule covers, by taxonomy index
        let mut codes: BTreeMap<&str, u32> = BTreeMap::new();
        for (i, n) in tax.needs().iter().enumerate() {
            codes.insert(n.code.as_str(), i as u32);
        }
        let needs_of = |matchers: &[crate::taxonomy::NeedMatcher]| -> Vec<u32> {
            let mut out = Vec::new();
            for m in matchers {
                let c = m.code().as_str();
                if let Some(&i) = codes.get(c) {
                    out.push(i);
                }
                if matches!(m, crate::taxonomy::NeedMatcher::Subtree(_)) {
                    let lo = format!("{c}.");
                    let hi = format!("{c}/");
                    out.extend(codes.range(lo.as_str()..hi.as_str()).map(|(_, &i)| i));
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        };

        // routing rank of each rule
        let policy = rules.capacity_policy();
        let mut order: Vec<usize> = rules.order().to_vec();
        if policy == CapacityPolicy::PreferShorterWait {
            let wait = |r: usize| match compiled[r].target {
                CompiledTarget::Service(s) | CompiledTarget::Escalation(s) => dir.services()[s]
                    .capacity
                    .and_then(|c| c.waiting_weeks)
                    .unwrap_or(u32::MAX),
                _ => u32::MAX,
            };
            // stable: ties keep the rule-id order of `RuleSet::order`
            order.sort_by_key(|&r| {
                (
                    std::cmp::Reverse(compiled[r].layer),
                    std::cmp::Reverse(compiled[r].priority),
                    wait(r),
                )
            });
        }
        let mut rank = vec![0u32; compiled.len()];
        for (pos, &r) in order.iter().enumerate() {
            rank[r] = pos as u32;
        }

        // overrides per rule, most specific layer first, then by id: deterministic
        let mut by_rule: Vec<Vec<usize>> = vec![Vec::new(); compiled.len()];
        for (i, o) in rules.overrides().iter().enumerate() {
            by_rule[o.rule].push(i);
        }
        let mut overrides = Vec::new();
        let mut hot_rules = Vec::with_capacity(compiled.len());
        for (r, rule) in compiled.iter().enumerate() {
            let list = &mut by_rule[r];
            list.sort_by(|&a, &b| {
                let (oa, ob) = (&rules.overrides()[a], &rules.overrides()[b]);
                ob.area
                    .layer()
                    .cmp(&oa.area.layer())
                    .then_with(|| oa.by.cmp(&ob.by))
            });
            let start = overrides.len() as u32;
            for &i in list.iter() {
                let o = &rules.overrides()[i];
                overrides.push(HotOverride {
                    area: hot_area(&o.area),
                    valid: o.valid,
                    index: i as u32,
                });
            }
            hot_rules.push(HotRule {
                layer: rule.layer,
                valid: rule.valid,
                when: rule.when,
                target: match rule.target {
                    CompiledTarget::Service(s) => HotTarget::Service(s as u32),
                    CompiledTarget::Escalation(s) => HotTarget::Escalation(s as u32),
                    CompiledTarget::Steunpilaar => HotTarget::Steunpilaar,
                    CompiledTarget::NotCovered => HotTarget::NotCovered,
                },
                overrides: (start, overrides.len() as u32),
            });
        }

        // (bucket, rank, rule, kern)
        let mut all: Vec<(u32, u32, u32, u32)> = Vec::new();
        for (r, rule) in compiled.iter().enumerate() {
            let needs = needs_of(&rule.needs);
            if needs.is_empty() {
                continue;
            }
            // `level` is the bucket row: a municipality, a region group, or the nation
            let mut push = |level: usize, kern: u32| {
                for &n in &needs {
                    let b = (level * n_needs + n as usize) as u32;
                    all.push((b, rank[r], r as u32, kern));
                }
            };
            match hot_area(&rule.area) {
                HotArea::National => push(n_munis + n_groups, NONE),
                HotArea::Region(ri) => {
                    for &g in &groups_of_region[ri as usize] {
                        push(n_munis + g as usize, NONE);
                    }
                }
                HotArea::Municipality(mi) => push(mi as usize, NONE),
                HotArea::Kern(k) => push(kern_municipality[k as usize] as usize, k),
                HotArea::Nowhere => {}
            }
        }
        all.sort_unstable_by_key(|&(b, rank, _, _)| (b, rank));
        let n_buckets = (n_munis + n_groups + 1) * n_needs;
        let mut offsets = vec![0u32; n_buckets + 1];
        for &(b, _, _, _) in &all {
            offsets[b as usize + 1] += 1;
        }
        for i in 0..n_buckets {
            offsets[i + 1] += offsets[i];
        }
        let entries: Vec<Entry> = all
            .into_iter()
            .map(|(_, _, rule, kern)| Entry {
                rule,
                kern,
                hot: hot_rules[rule as usize],
            })
            .collect();

        let counts = policy != CapacityPolicy::Ignore;
        let services = dir
            .services()
            .iter()
            .enumerate()
            .map(|(i, s)| HotService {
                valid: s.valid,
                eligibility: *dir.eligibility(i),
                full: counts && s.capacity.is_some_and(|c| c.is_full()),
                organisation: dir.organisation_of(i) as u32,
            })
            .collect();
        let per_kern = |f: &dyn Fn(usize) -> Option<usize>| -> Vec<u32> {
            (0..n_kernen)
                .map(|k| f(k).map_or(NONE, |s| s as u32))
                .collect()
        };
        let steunpilaar = per_kern(&|k| rules.steunpilaar_for(k));
        let coordinator = per_kern(&|k| rules.coordinator_for(k));

        let kern_lookup = areas
            .kernen()
            .iter()
            .enumerate()
            .map(|(i, k)| (Box::from(k.id.as_str()), i as u32))
            .collect();
        let need_lookup = tax
            .needs()
            .iter()
            .enumerate()
            .map(|(i, n)| (Box::from(n.code.as_str()), i as u32))
            .collect();
        Router(Arc::new(Inner {
            rules: rules.clone(),
            kern_lookup,
            need_lookup,
            n_needs,
            kern_municipality,
            municipality_regions,
            municipality_group,
            n_municipalities: n_munis,
            n_groups,
            offsets,
            entries,
            rule_ids: (0..compiled.len())
                .map(|r| rules.rule_id(r).clone())
                .collect(),
            service_ids: dir
                .services()
                .iter()
                .map(|s| (s.id.clone(), s.organisation.clone()))
                .collect(),
            rule_meta: rules
                .data()
                .rules
                .iter()
                .map(|r| RuleMeta {
                    area: r.area.clone(),
                    target: r.target.clone(),
                    priority: r.priority,
                })
                .collect(),
            overrides,
            services,
            steunpilaar,
            coordinator,
        }))
    }

    /// The rule set this router was compiled from.
    pub fn rules(&self) -> &RuleSet {
        &self.0.rules
    }

    /// The directory of that rule set.
    pub fn directory(&self) -> &Directory {
        self.0.rules.directory()
    }

    /// Routes a case on a date, with a trace per need.
    pub fn route(&self, case: &Case, date: NaiveDate) -> Result<HouseholdDecision, RoutingError> {
        self.route_with(case, date, RouteOptions::TRACE)
    }

    /// Routes a case on a date with options (e.g. without trace).
    pub fn route_with(
        &self,
        case: &Case,
        date: NaiveDate,
        options: RouteOptions,
    ) -> Result<HouseholdDecision, RoutingError> {
        self.route_inner(case, date, case.situation().tried(), None, options)
    }

    /// Routes many cases in parallel (rayon), each on `date`, or on its own `opened` date when
    /// `date` is `None`. Results come back in the order of `cases`, identical for any number of
    /// threads.
    pub fn route_batch(
        &self,
        cases: &[Case],
        date: Option<NaiveDate>,
        options: RouteOptions,
    ) -> Vec<Result<HouseholdDecision, RoutingError>> {
        cases
            .par_iter()
            .with_min_len(64)
            .map(|c| {
                let d = date_for(c, date)?;
                self.route_with(c, d, options)
            })
            .collect()
    }

    /// The next decision after a service rejected the case or did not respond: the same case on
    /// the same date as `previous`, with that service (and every service avoided before) no
    /// longer a candidate. Needs that went elsewhere keep their decision.
    pub fn reroute(
        &self,
        case: &Case,
        previous: &HouseholdDecision,
        event: &Event,
        options: RouteOptions,
    ) -> Result<HouseholdDecision, RoutingError> {
        let id = case.id();
        for other in [&previous.case, &event.case] {
            if other != id {
                return Err(RoutingError::OtherCase {
                    case: id.clone(),
                    other: other.clone(),
                });
            }
        }
        let outcome = match event.activity {
            Activity::Rejected => TryOutcome::Rejected,
            Activity::NoResponse => TryOutcome::NoResponse,
            a => {
                return Err(RoutingError::NotABounce {
                    case: id.clone(),
                    activity: a,
                })
            }
        };
        let Some(service) = &event.service else {
            return Err(RoutingError::EventWithoutService {
                case: id.clone(),
                activity: event.activity,
            });
        };
        let extra = TriedService {
            service: service.clone(),
            outcome,
        };
        self.route_inner(case, previous.date, &previous.avoided, Some(extra), options)
    }

    fn route_inner(
        &self,
        case: &Case,
        date: NaiveDate,
        avoided: &[TriedService],
        extra: Option<TriedService>,
        options: RouteOptions,
    ) -> Result<HouseholdDecision, RoutingError> {
        let inner = &*self.0;
        let dir = inner.rules.directory();
        let kern = inner
            .kern_lookup
            .get(case.kern().as_str())
            .map(|&k| k as usize)
            .ok_or_else(|| RoutingError::UnknownKern {
                case: case.id().clone(),
                kern: case.kern().clone(),
            })?;
        let mut avoided_list: Vec<TriedService> = avoided.to_vec();
        if let Some(e) = extra {
            if !avoided_list.iter().any(|t| t.service == e.service) {
                avoided_list.push(e);
            }
        }
        let mut tried = Vec::with_capacity(avoided_list.len());
        for t in &avoided_list {
            let s = dir.service_index(t.service.as_str()).ok_or_else(|| {
                RoutingError::UnknownService {
                    case: case.id().clone(),
                    service: t.service.clone(),
                }
            })?;
            tried.push((s as u32, t.outcome));
        }
        let ctx = Ctx {
            kern: kern as u32,
            municipality: inner.kern_municipality[kern],
            date,
            attributes: case.attributes(),
            tried: &tried,
        };

        let mut needs = Vec::with_capacity(case.needs().len());
        let mut household = Household::new();
        for (i, n) in case.needs().iter().enumerate() {
            let ni = *inner.need_lookup.get(n.need.as_str()).ok_or_else(|| {
                RoutingError::UnknownNeed {
                    case: case.id().clone(),
                    need: n.need.clone(),
                }
            })?;
            let (pick, rule, layer, cgt, trace) = if options.trace {
                self.route_need::<true>(&ctx, ni)
            } else {
                self.route_need::<false>(&ctx, ni)
            };
            let service = match pick {
                Pick::Service(s) | Pick::Escalation(s) | Pick::Steunpilaar(s, _) => Some(s),
                Pick::Gap(_) => None,
            };
            let organisation = service.map_or(NONE, |s| inner.services[s as usize].organisation);
            household.add(i, service, organisation);
            needs.push(NeedDecision {
                need: n.need.clone(),
                primary: i == 0,
                outcome: self.outcome(pick),
                rule: (rule != NONE).then(|| inner.rule_ids[rule as usize].clone()),
                layer,
                cannot_get_through: cgt,
                trace,
            });
        }
        let coordinator = self.coordinator(&ctx, &household);
        let plan = JointPlan::of(&needs, coordinator.as_ref());
        Ok(HouseholdDecision {
            case: case.id().clone(),
            kern: case.kern().clone(),
            date,
            needs,
            coordinator,
            plan,
            avoided: avoided_list,
        })
    }

    fn outcome(&self, pick: Pick) -> Outcome {
        let ids = |s: u32| self.0.service_ids[s as usize].clone();
        match pick {
            Pick::Service(s) => {
                let (service, organisation) = ids(s);
                Outcome::Service {
                    service,
                    organisation,
                }
            }
            Pick::Escalation(s) => {
                let (service, organisation) = ids(s);
                Outcome::Escalation {
                    service,
                    organisation,
                }
            }
            Pick::Steunpilaar(s, fallback) => {
                let (service, organisation) = ids(s);
                Outcome::Steunpilaar {
                    service,
                    organisation,
                    fallback,
                }
            }
            Pick::Gap(reason) => Outcome::Gap { reason },
        }
    }

    #[inline]
    fn check_service(&self, s: u32, ctx: &Ctx<'_>) -> Result<(), Skip> {
        let h = &self.0.services[s as usize];
        if !h.valid.contains(ctx.date) {
            return Err(Skip::ServiceNotValid(s));
        }
        if let Err(a) = h.eligibility.check(ctx.attributes) {
            return Err(Skip::Ineligible(s, a));
        }
        if h.full {
            return Err(Skip::Full(s));
        }
        if let Some(&(_, o)) = ctx.tried.iter().find(|t| t.0 == s) {
            return Err(Skip::Tried(s, o));
        }
        Ok(())
    }

    /// The override that takes `rule` out in the case's kern on its date, if any.
    #[inline]
    fn override_of(&self, rule: &HotRule, ctx: &Ctx<'_>) -> Option<u32> {
        let (a, b) = rule.overrides;
        self.0.overrides[a as usize..b as usize]
            .iter()
            .find(|o| o.valid.contains(ctx.date) && self.area_contains(o.area, ctx))
            .map(|o| o.index)
    }

    #[inline]
    fn area_contains(&self, area: HotArea, ctx: &Ctx<'_>) -> bool {
        match area {
            HotArea::National => true,
            HotArea::Region(r) => {
                self.0.municipality_regions[ctx.municipality as usize].contains(&r)
            }
            HotArea::Municipality(m) => m == ctx.municipality,
            HotArea::Kern(k) => k == ctx.kern,
            HotArea::Nowhere => false,
        }
    }

    /// Step 1 only: is the entry a candidate at all?
    #[inline]
    fn candidate<'e>(&self, e: &'e Entry, ctx: &Ctx<'_>) -> Result<&'e HotRule, Skip> {
        if e.kern != NONE && e.kern != ctx.kern {
            return Err(Skip::OutOfArea);
        }
        let r = &e.hot;
        if !r.valid.contains(ctx.date) {
            return Err(Skip::NotValid);
        }
        if r.overrides.0 != r.overrides.1 {
            if let Some(o) = self.override_of(r, ctx) {
                return Err(Skip::Overridden(o));
            }
        }
        Ok(r)
    }

    #[inline]
    fn judge(&self, e: &Entry, ctx: &Ctx<'_>) -> Result<Pick, Skip> {
        let r = self.candidate(e, ctx)?;
        r.when.check(ctx.attributes).map_err(Skip::Condition)?;
        match r.target {
            HotTarget::NotCovered => Ok(Pick::Gap(GapReason::NotCovered)),
            HotTarget::Service(s) => self.check_service(s, ctx).map(|_| Pick::Service(s)),
            HotTarget::Escalation(s) => self.check_service(s, ctx).map(|_| Pick::Escalation(s)),
            HotTarget::Steunpilaar => {
                let s = self.0.steunpilaar[ctx.kern as usize];
                if s == NONE {
                    return Err(Skip::NoSteunpilaar);
                }
                self.check_service(s, ctx)
                    .map(|_| Pick::Steunpilaar(s, false))
            }
        }
    }

    /// The three buckets of a need in a municipality: kern and municipality layers, region
    /// layer, national layer.
    #[inline]
    fn buckets(&self, municipality: u32, need: u32) -> (&[Entry], &[Entry], &[Entry]) {
        let inner = &*self.0;
        let n = need as usize;
        let slice = |row: usize| {
            let b = row * inner.n_needs + n;
            &inner.entries[inner.offsets[b] as usize..inner.offsets[b + 1] as usize]
        };
        let m = municipality as usize;
        (
            slice(m),
            slice(inner.n_municipalities + inner.municipality_group[m] as usize),
            slice(inner.n_municipalities + inner.n_groups),
        )
    }

    /// Routes one need: (pick, deciding rule or NONE, its layer, cannot-get-through, trace).
    fn route_need<const TRACE: bool>(
        &self,
        ctx: &Ctx<'_>,
        need: u32,
    ) -> (Pick, u32, Option<Layer>, bool, Option<NeedTrace>) {
        let inner = &*self.0;
        let (local, regional, national) = self.buckets(ctx.municipality, need);
        let mut cgt = false;
        let mut any_candidate = false;
        let mut trace: Vec<CandidateTrace> = Vec::new();
        if TRACE {
            trace.reserve_exact(local.len() + regional.len() + national.len());
        }
        let lists = [local, regional, national];
        for (li, list) in lists.iter().enumerate() {
            for (pos, e) in list.iter().enumerate() {
                match self.judge(e, ctx) {
                    Ok(pick) => {
                        if !TRACE {
                            return (pick, e.rule, Some(e.hot.layer), cgt, None);
                        }
                        trace.push(self.candidate_trace(e.rule, Verdict::Decided));
                        let winner = &inner.rule_ids[e.rule as usize];
                        let rest = list[pos + 1..]
                            .iter()
                            .chain(lists[li + 1..].iter().flat_map(|l| l.iter()));
                        for later in rest {
                            let v = match self.candidate(later, ctx) {
                                Err(skip) => self.verdict(later.rule, skip),
                                Ok(_) => Verdict::LostTo {
                                    winner: winner.clone(),
                                },
                            };
                            trace.push(self.candidate_trace(later.rule, v));
                        }
                        let t = NeedTrace {
                            candidates: trace,
                            fallback: None,
                        };
                        return (pick, e.rule, Some(e.hot.layer), cgt, Some(t));
                    }
                    Err(skip) => {
                        any_candidate |= !skip.structural();
                        cgt |= matches!(skip, Skip::Tried(..));
                        if TRACE {
                            trace.push(self.candidate_trace(e.rule, self.verdict(e.rule, skip)));
                        }
                    }
                }
            }
        }
        // no rule decided: the steunpilaar, else a gap
        let gap = if any_candidate {
            GapReason::AllSkipped
        } else {
            GapReason::NoRule
        };
        let s = inner.steunpilaar[ctx.kern as usize];
        let (pick, fallback) = if s == NONE {
            (
                Pick::Gap(gap),
                TRACE.then_some(FallbackTrace::NoSteunpilaar),
            )
        } else {
            match self.check_service(s, ctx) {
                Ok(()) => (
                    Pick::Steunpilaar(s, true),
                    TRACE.then(|| FallbackTrace::Steunpilaar {
                        service: self.service_id(s),
                    }),
                ),
                Err(skip) => {
                    cgt |= matches!(skip, Skip::Tried(..));
                    (
                        Pick::Gap(gap),
                        TRACE.then(|| FallbackTrace::SteunpilaarSkipped {
                            service: self.service_id(s),
                            reason: self.verdict(NONE, skip),
                        }),
                    )
                }
            }
        };
        let t = TRACE.then_some(NeedTrace {
            candidates: trace,
            fallback,
        });
        (pick, NONE, None, cgt, t)
    }

    fn service_id(&self, s: u32) -> ServiceId {
        self.0.service_ids[s as usize].0.clone()
    }

    fn candidate_trace(&self, rule: u32, verdict: Verdict) -> CandidateTrace {
        let r = rule as usize;
        let meta = &self.0.rule_meta[r];
        CandidateTrace {
            rule: self.0.rule_ids[r].clone(),
            layer: meta.area.layer(),
            priority: meta.priority,
            target: meta.target.clone(),
            verdict,
        }
    }

    fn verdict(&self, rule: u32, skip: Skip) -> Verdict {
        let rules = &self.0.rules;
        match skip {
            Skip::OutOfArea => Verdict::OutOfArea {
                area: self
                    .0
                    .rule_meta
                    .get(rule as usize)
                    .map_or(AreaRef::National, |m| m.area.clone()),
            },
            Skip::Overridden(o) => {
                let o = &rules.overrides()[o as usize];
                Verdict::Overridden {
                    by: o.by.clone(),
                    by_layer: o.area.layer(),
                    replaced: o.replaced,
                }
            }
            Skip::NotValid => Verdict::NotValidOnDate,
            Skip::Condition(attribute) => Verdict::ConditionFailed { attribute },
            Skip::ServiceNotValid(s) => Verdict::ServiceNotValid {
                service: self.service_id(s),
            },
            Skip::Ineligible(s, attribute) => Verdict::Ineligible {
                service: self.service_id(s),
                attribute,
            },
            Skip::Full(s) => Verdict::Full {
                service: self.service_id(s),
            },
            Skip::Tried(s, outcome) => Verdict::TriedAlready {
                service: self.service_id(s),
                outcome,
            },
            Skip::NoSteunpilaar => Verdict::NoSteunpilaar,
        }
    }

    /// The coordinator, from the organisations of the chosen services (`orgs` counts at most
    /// two distinct ones), the primary need's service and the first routed service.
    fn coordinator(&self, ctx: &Ctx<'_>, household: &Household) -> Option<Coordinator> {
        let inner = &*self.0;
        if household.organisations < 2 {
            return None;
        }
        let contact = |s: u32| {
            let (service, organisation) = inner.service_ids[s as usize].clone();
            Contact {
                service,
                organisation,
            }
        };
        let named = inner.coordinator[ctx.kern as usize];
        if named != NONE && inner.services[named as usize].valid.contains(ctx.date) {
            return Some(Coordinator {
                contact: contact(named),
                basis: CoordinatorBasis::RuleSet,
            });
        }
        let (s, basis) = if household.primary != NONE {
            (household.primary, CoordinatorBasis::PrimaryNeed)
        } else {
            (household.first, CoordinatorBasis::FirstRoutedNeed)
        };
        // two organisations means some need has a service
        (s != NONE).then(|| Coordinator {
            contact: contact(s),
            basis,
        })
    }
}

/// What the coordinator choice needs to know about a household's picks.
struct Household {
    /// Distinct organisations seen, counted up to 2.
    organisations: u8,
    first_organisation: u32,
    /// The primary need's service, or `NONE`.
    primary: u32,
    /// The first need's service that has one, or `NONE`.
    first: u32,
}

impl Household {
    fn new() -> Household {
        Household {
            organisations: 0,
            first_organisation: NONE,
            primary: NONE,
            first: NONE,
        }
    }

    fn add(&mut self, index: usize, service: Option<u32>, organisation: u32) {
        let Some(s) = service else { return };
        if index == 0 {
            self.primary = s;
        }
        if self.first == NONE {
            self.first = s;
        }
        if self.organisations == 0 {
            self.organisations = 1;
            self.first_organisation = organisation;
        } else if organisation != self.first_organisation {
            self.organisations = 2;
        }
    }
}

/// The routing date of a case: `date`, or the case's `opened` date.
pub fn date_for(case: &Case, date: Option<NaiveDate>) -> Result<NaiveDate, RoutingError> {
    date.or(case.opened()).ok_or_else(|| RoutingError::NoDate {
        case: case.id().clone(),
    })
}

#[cfg(test)]
mod tests;
