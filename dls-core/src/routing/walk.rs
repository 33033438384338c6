//! The ladder for one need (see "Routing one need" in the module docs), and the household
//! around it: the needs primary first, and one coordinator.

use std::cell::RefCell;

use chrono::NaiveDate;

use super::index::{Entry, HotArea, HotRule, HotTarget, NONE};
use super::ledger::CapacityLedger;
use super::{
    CandidateTrace, Contact, Coordinator, CoordinatorBasis, FallbackTrace, GapReason,
    HouseholdDecision, JointPlan, NeedDecision, NeedTrace, Outcome, RouteOptions, Router,
    RoutingError,
};
use crate::areas::Layer;
use crate::cases::{Case, TriedService, TryOutcome};
use crate::ids::CaseId;
use crate::vocabulary::CaseBits;

/// Why a candidate was skipped, by index (turned into a [`Verdict`] only when tracing).
#[derive(Debug, Clone, Copy)]
pub(super) enum Skip {
    OutOfArea,
    Overridden(u32),
    NotValid,
    /// The position of the attribute that failed, in the vocabulary.
    Condition(u16),
    ServiceNotValid(u32),
    Ineligible(u32, u16),
    /// The service, and its waiting weeks (`u32::MAX` when not known).
    Full(u32, u32),
    Tried(u32, TryOutcome),
    NoSteunpilaar,
}

impl Skip {
    /// True when the rule was not a candidate at all (step 1 of the ladder).
    pub(super) fn structural(self) -> bool {
        matches!(self, Skip::OutOfArea | Skip::Overridden(_) | Skip::NotValid)
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Pick {
    Service(u32),
    Escalation(u32),
    Steunpilaar(u32, bool),
    Gap(GapReason),
}

impl Pick {
    /// The service picked, if any.
    #[inline]
    fn service(self) -> Option<u32> {
        match self {
            Pick::Service(s) | Pick::Escalation(s) | Pick::Steunpilaar(s, _) => Some(s),
            Pick::Gap(_) => None,
        }
    }
}

pub(super) struct Ctx<'a> {
    pub(super) kern: u32,
    pub(super) municipality: u32,
    pub(super) date: NaiveDate,
    /// The case's attributes resolved against the directory's vocabulary.
    pub(super) attributes: &'a CaseBits,
    pub(super) tried: &'a [(u32, TryOutcome)],
    /// The live ledger, when routing reserves places and the rule set says capacity counts.
    pub(super) ledger: Option<&'a CapacityLedger>,
    /// With a ledger, the places the case already holds (service indexes, one per place) that
    /// no need has used again yet: such a service is never full for the case, and a need sent
    /// there keeps its place instead of taking one.
    pub(super) held: RefCell<Vec<u32>>,
}

/// A case as routing reads it: its id, the index of its kern, the indexes of its needs
/// (primary first), its attributes as bits and the services it avoids (index, outcome).
pub(crate) struct Subject<'a> {
    pub(crate) id: CaseId,
    pub(crate) kern: usize,
    pub(crate) needs: &'a [u32],
    pub(crate) bits: &'a CaseBits,
    pub(crate) tried: &'a [(u32, TryOutcome)],
}

/// A live ledger to route against, and the places the case already holds in it.
#[derive(Clone, Copy)]
pub(super) struct Reserving<'a> {
    pub ledger: &'a CapacityLedger,
    /// Service indexes, one per place held.
    pub held: &'a [u32],
}

impl Router {
    pub(super) fn route_inner(
        &self,
        case: &Case,
        date: NaiveDate,
        avoided: &[TriedService],
        extra: Option<TriedService>,
        options: RouteOptions,
        reserving: Option<Reserving<'_>>,
    ) -> Result<HouseholdDecision, RoutingError> {
        let inner = &*self.0;
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
        let tried = self.tried_indexes(case, &avoided_list)?;
        let bits = self
            .directory()
            .vocabulary()
            .resolve(case.attributes())
            .map_err(|error| RoutingError::Attribute {
                case: case.id().clone(),
                error,
            })?;
        // every need known before any is routed (so an unknown one takes no place)
        let mut needs = Vec::with_capacity(case.needs().len());
        for n in case.needs() {
            match inner.need_lookup.get(n.need.as_str()) {
                Some(&ni) => needs.push(ni),
                None => {
                    return Err(RoutingError::UnknownNeed {
                        case: case.id().clone(),
                        need: n.need.clone(),
                    })
                }
            }
        }
        let subject = Subject {
            id: case.id().clone(),
            kern,
            needs: &needs,
            bits: &bits,
            tried: &tried,
        };
        Ok(self.route_subject(subject, date, avoided_list, options, reserving))
    }

    /// The index of kern `kern`, if the directory has it.
    #[inline]
    pub(crate) fn kern_index(&self, kern: &str) -> Option<usize> {
        self.0.kern_lookup.get(kern).map(|&k| k as usize)
    }

    /// The index of need `need`, if the taxonomy has it.
    #[inline]
    pub(crate) fn need_index(&self, need: &str) -> Option<u32> {
        self.0.need_lookup.get(need).copied()
    }

    /// Routes a case already read into indexes ([`Subject`]), without a ledger.
    pub(crate) fn route_read(
        &self,
        subject: Subject<'_>,
        date: NaiveDate,
        options: RouteOptions,
    ) -> HouseholdDecision {
        self.route_subject(subject, date, Vec::new(), options, None)
    }

    /// Routes a case already read into indexes: `needs` primary first, each known, none twice.
    pub(super) fn route_subject(
        &self,
        subject: Subject<'_>,
        date: NaiveDate,
        avoided_list: Vec<TriedService>,
        options: RouteOptions,
        reserving: Option<Reserving<'_>>,
    ) -> HouseholdDecision {
        let ledger = reserving.map(|r| r.ledger);
        let inner = &*self.0;
        let kern = subject.kern;
        let ctx = Ctx {
            kern: kern as u32,
            municipality: inner.kern_municipality[kern],
            date,
            attributes: subject.bits,
            tried: subject.tried,
            ledger: ledger.filter(|_| inner.capacity_counts),
            held: RefCell::new(match reserving {
                Some(r) if inner.capacity_counts => r.held.to_vec(),
                _ => Vec::new(),
            }),
        };
        let dir = inner.rules.directory();
        let codes = dir.taxonomy().needs();
        let mut needs = Vec::with_capacity(subject.needs.len());
        let mut household = Household::new();
        for (i, &ni) in subject.needs.iter().enumerate() {
            let (pick, rule, layer, cgt, trace) = if options.trace {
                self.route_need::<true>(&ctx, ni)
            } else {
                self.route_need::<false>(&ctx, ni)
            };
            let service = pick.service();
            let organisation = service.map_or(NONE, |s| inner.services[s as usize].organisation);
            household.add(i, service, organisation);
            needs.push(NeedDecision {
                need: codes[ni as usize].code.clone(),
                primary: i == 0,
                outcome: self.outcome(pick),
                rule: (rule != NONE).then(|| inner.rule_ids[rule as usize].clone()),
                layer,
                cannot_get_through: cgt,
                trace,
            });
        }
        // places the case held and no need uses any more go back
        if let Some(l) = ctx.ledger {
            ctx.held.borrow().iter().for_each(|&s| l.give_back(s));
        }
        let coordinator = self.coordinator(&ctx, &household);
        let plan = JointPlan::of(&needs, coordinator.as_ref());
        HouseholdDecision {
            case: subject.id,
            kern: dir.areas().kernen()[kern].id.clone(),
            date,
            needs,
            coordinator,
            plan,
            avoided: avoided_list,
        }
    }

    /// The services avoided, as (service index, outcome). A plain loop, not a `collect` into a
    /// `Result`: this runs once per routed case, mostly on an empty list, and the loop costs
    /// about a hundred instructions less per case (BENCHMARKS.md, "The reshape").
    #[inline]
    fn tried_indexes(
        &self,
        case: &Case,
        avoided: &[TriedService],
    ) -> Result<Vec<(u32, TryOutcome)>, RoutingError> {
        let dir = self.0.rules.directory();
        let mut tried = Vec::with_capacity(avoided.len());
        for t in avoided {
            let s = dir.service_index(t.service.as_str()).ok_or_else(|| {
                RoutingError::UnknownService {
                    case: case.id().clone(),
                    service: t.service.clone(),
                }
            })?;
            tried.push((s as u32, t.outcome));
        }
        Ok(tried)
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
        if let Err(a) = h.eligibility.check(ctx.attributes, &self.0.declared_tests) {
            return Err(Skip::Ineligible(s, a));
        }
        let full = match ctx.ledger {
            Some(l) => l.is_full(s) && !ctx.held.borrow().contains(&s),
            None => h.full,
        };
        if full {
            let weeks = ctx.ledger.map_or(h.waiting_weeks, |l| l.waiting_weeks(s));
            return Err(Skip::Full(s, weeks));
        }
        if let Some(&(_, o)) = ctx.tried.iter().find(|t| t.0 == s) {
            return Err(Skip::Tried(s, o));
        }
        Ok(())
    }

    /// With a ledger, takes a place at the picked service; a service whose last place another
    /// thread took since [`Router::check_service`] is full after all.
    #[inline]
    fn reserve(&self, pick: Pick, ctx: &Ctx<'_>) -> Result<Pick, Skip> {
        match (ctx.ledger, pick.service()) {
            (Some(l), Some(s)) => {
                let mut held = ctx.held.borrow_mut();
                if let Some(i) = held.iter().position(|&h| h == s) {
                    held.swap_remove(i);
                    Ok(pick)
                } else if l.take(s) {
                    Ok(pick)
                } else {
                    Err(Skip::Full(s, l.waiting_weeks(s)))
                }
            }
            _ => Ok(pick),
        }
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
    pub(super) fn candidate<'e>(&self, e: &'e Entry, ctx: &Ctx<'_>) -> Result<&'e HotRule, Skip> {
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
        r.when
            .check(ctx.attributes, &self.0.declared_tests)
            .map_err(Skip::Condition)?;
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
    pub(super) fn buckets(&self, municipality: u32, need: u32) -> (&[Entry], &[Entry], &[Entry]) {
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
                match self.judge(e, ctx).and_then(|p| self.reserve(p, ctx)) {
                    Ok(pick) => {
                        let t = TRACE.then(|| {
                            let rest = list[pos + 1..]
                                .iter()
                                .chain(lists[li + 1..].iter().flat_map(|l| l.iter()));
                            self.decided_trace(trace, e, rest, ctx)
                        });
                        return (pick, e.rule, Some(e.hot.layer), cgt, t);
                    }
                    Err(skip) => {
                        any_candidate |= !skip.structural();
                        cgt |= matches!(skip, Skip::Tried(..));
                        if TRACE {
                            self.push_skipped(&mut trace, e.rule, skip);
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
            let fallback = Pick::Steunpilaar(s, true);
            match self
                .check_service(s, ctx)
                .and_then(|()| self.reserve(fallback, ctx))
            {
                Ok(_) => (
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
