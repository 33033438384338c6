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
//!    switched off in that kern on that date ([`RuleSet::overridden_in`]).
//! 2. **Order**: [`RuleSet::in_routing_order`] — most specific layer first, then higher priority, then rule
//!    id. Under [`CapacityPolicy::PreferShorterWait`](crate::rules::CapacityPolicy::PreferShorterWait), candidates of equal layer and priority go
//!    in order of their target service's waiting time (unknown last), then rule id. (A
//!    validated rule set rejects two candidates of equal layer and priority that could both
//!    decide for one case with different targets, so this order shows mainly in the trace.)
//! 3. **Walk** the order; a candidate is skipped, with its reason kept, when its conditions do
//!    not hold (naming the attribute), its target service is not valid on the date, the case is
//!    not eligible for it (naming the attribute), it is full while the rule set says capacity
//!    counts, or the citizen already tried it without success. A rule that targets the
//!    steunpilaar resolves to [`RuleSet::steunpilaar`] the kern, and that service is checked
//!    the same way. The first candidate not skipped decides; a `not_covered` target decides a
//!    deliberate gap ([`GapReason::NotCovered`]).
//! 4. **Fallback**: when no candidate decides, the kern's steunpilaar (checked the same way),
//!    else a gap: [`GapReason::NoRule`] when there was no candidate at all — this is also what a
//!    date outside every rule's validity gives — or [`GapReason::AllSkipped`].
//!
//! A decision reached after passing over a service the citizen already tried is marked
//! [`NeedDecision::cannot_get_through`].
//!
//! # Traces
//!
//! A trace is opt-in: [`RouteOptions::default()`] routes without ([`Router::route`] and
//! [`RouteOptions::TRACE`] with). It lists, per need, the candidate rules whose area contains
//! the case's kern, in routing order, each with its [`Verdict`] — including those that were
//! not valid on the date or were overridden, and those that lost to the winner — and the
//! fallback step. Rules for other kernen are not listed.
//!
//! # The household
//!
//! Needs are routed primary first. When the chosen services belong to two or more
//! organisations, one [`Coordinator`] is named: the service [`RuleSet::coordinator`] the kern
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
mod index;
mod ledger;
mod reroute;
mod trace;
mod walk;
mod what_if;

use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use decision::{
    CandidateTrace, Contact, Coordinator, CoordinatorBasis, FallbackTrace, GapReason,
    HouseholdDecision, JointPlan, NeedDecision, NeedTrace, Outcome, PlanPart, Verdict,
};
pub use ledger::{CapacityEntry, CapacityError, CapacityLedger};
pub use reroute::{tried_after, HeldPlaces};
pub(crate) use walk::Subject;
pub use what_if::{
    what_if, ChangeRow, DecisionChange, GapChange, ServiceLoad, WhatIf, WhatIfError,
};

use crate::cases::Case;
use crate::directory::Directory;
use crate::events::Activity;
use crate::ids::{CaseId, KernId, NeedCode, ServiceId};
use crate::rules::RuleSet;

/// A case that cannot be routed. Messages and `Debug` name the case, not the kern, need or
/// service given (a value that matched nothing may be anything typed into the wrong field).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RoutingError {
    /// The case's kern is not in the router's directory.
    #[error("case `{case}`: unknown kern (not in the directory)")]
    UnknownKern {
        /// The case.
        case: CaseId,
        /// The kern.
        kern: KernId,
    },
    /// A need of the case is not in the router's taxonomy.
    #[error("case `{case}`: unknown need (not in the taxonomy)")]
    UnknownNeed {
        /// The case.
        case: CaseId,
        /// The need.
        need: NeedCode,
    },
    /// A service the case tried (or an event names) is not in the router's directory.
    #[error("case `{case}`: unknown service (not in the directory)")]
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
    /// A re-route was asked with an event that is not a rejection, a no-response or a bounce.
    #[error(
        "case `{case}`: only a `rejected`, `no_response` or `bounced` event re-routes, not `{activity}`"
    )]
    NotABounce {
        /// The case.
        case: CaseId,
        /// The event's activity.
        activity: Activity,
    },
    /// A directory other than the one the rule set was validated against.
    #[error("the rule set was validated against another directory")]
    OtherDirectory,
    /// A capacity ledger made for another router.
    #[error("the capacity ledger was made for another router")]
    OtherLedger,
    /// The case states an attribute or a value the directory's vocabulary does not declare
    /// (the message never repeats the case's value).
    #[error("case `{case}`: {error}")]
    Attribute {
        /// The case.
        case: CaseId,
        /// What does not fit the vocabulary.
        error: crate::vocabulary::VocabularyError,
    },
    /// A row of a routing batch past [`MAX_BATCH_ROWS`](crate::limits::MAX_BATCH_ROWS): not
    /// routed.
    #[error("the batch has more than {limit} rows: this row was not routed")]
    BatchTooLarge {
        /// The limit.
        limit: usize,
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

impl std::fmt::Debug for RoutingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RoutingError({self})")
    }
}

/// How to route. The default is without trace: traces are opt-in ([`RouteOptions::TRACE`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RouteOptions {
    /// Keep a trace per need (off by default). The decisions are the same either way, only
    /// with or without [`NeedDecision::trace`]; routing without is several times faster.
    pub trace: bool,
}

impl RouteOptions {
    /// With a trace per need.
    pub const TRACE: RouteOptions = RouteOptions { trace: true };
    /// Without traces, for bulk speed (the default).
    pub const FAST: RouteOptions = RouteOptions { trace: false };
}

/// A compiled, indexed rule set that routes cases. `Send + Sync`; cloning is cheap.
#[derive(Clone)]
pub struct Router(Arc<index::Inner>);

impl Router {
    /// The rule set this router was compiled from.
    pub fn rules(&self) -> &RuleSet {
        &self.0.rules
    }

    /// The directory of that rule set.
    pub fn directory(&self) -> &Directory {
        self.0.rules.directory()
    }

    /// Compiles `rules` after checking that they were validated against `directory` (what a
    /// host that holds both passes): fails with [`RoutingError::OtherDirectory`] otherwise.
    pub fn for_directory(directory: &Directory, rules: &RuleSet) -> Result<Router, RoutingError> {
        if directory != rules.directory() {
            return Err(RoutingError::OtherDirectory);
        }
        Ok(Router::new(rules))
    }

    /// Routes a case on a date, with a trace per need (what [`HouseholdDecision::explain`]
    /// shows of the candidates that lost). For bulk work use [`Router::route_with`] and
    /// [`RouteOptions::FAST`].
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
        self.route_inner(case, date, case.situation().tried(), None, options, None)
    }

    /// Routes a case against the live capacity `ledger` ([`CapacityLedger`]) instead of the
    /// directory's snapshot: while the rule set says capacity counts, a service with no open
    /// place is skipped as full, and every need sent to a service with a known number of places
    /// takes one (atomically: threads routing at once never overbook). On an error no place is
    /// taken. Fails with [`RoutingError::OtherLedger`] when the ledger was made for another
    /// router.
    pub fn route_reserving(
        &self,
        case: &Case,
        date: NaiveDate,
        options: RouteOptions,
        ledger: &CapacityLedger,
    ) -> Result<HouseholdDecision, RoutingError> {
        ledger
            .check_owner(self)
            .map_err(|_| RoutingError::OtherLedger)?;
        let tried = case.situation().tried();
        let reserving = walk::Reserving { ledger, held: &[] };
        self.route_inner(case, date, tried, None, options, Some(reserving))
    }

    /// [`Router::route_batch`] against the live capacity `ledger`: each case as
    /// [`Router::route_reserving`] routes it. Places go to the cases in the order of their
    /// routing date, then case id (first come, first served), whatever their order in `cases`
    /// and however many threads the host has, so the same batch on the same ledger always gives
    /// the same decisions; the cases are routed one after the other for that reason (other
    /// threads may route against the same ledger at the same time: nothing is overbooked). One
    /// result per case, in the case's place; a case that cannot be routed takes no place. Every
    /// result is [`RoutingError::OtherLedger`] when the ledger was made for another router.
    ///
    /// ```
    /// use dls_core::{pilot, routing::{CapacityLedger, RouteOptions, Router}};
    /// let router = Router::new(&pilot::rules());
    /// let ledger = CapacityLedger::new(&router);
    /// let out = router.route_batch_reserving(&pilot::cases(), None, RouteOptions::FAST, &ledger);
    /// assert!(out.iter().all(|r| r.is_ok()));
    /// ```
    pub fn route_batch_reserving(
        &self,
        cases: &[Case],
        date: Option<NaiveDate>,
        options: RouteOptions,
        ledger: &CapacityLedger,
    ) -> Vec<Result<HouseholdDecision, RoutingError>> {
        if ledger.check_owner(self).is_err() {
            return cases
                .iter()
                .map(|_| Err(RoutingError::OtherLedger))
                .collect();
        }
        let dates: Vec<Result<NaiveDate, RoutingError>> =
            cases.iter().map(|c| date_for(c, date)).collect();
        let mut order: Vec<usize> = (0..cases.len()).collect();
        order.sort_by(|&a, &b| {
            let key = |i: usize| (dates[i].as_ref().ok(), cases[i].id());
            key(a).cmp(&key(b))
        });
        let mut out: Vec<Option<Result<HouseholdDecision, RoutingError>>> =
            (0..cases.len()).map(|_| None).collect();
        for i in order {
            out[i] = Some(match &dates[i] {
                Ok(d) => self.route_reserving(&cases[i], *d, options, ledger),
                Err(e) => Err(e.clone()),
            });
        }
        out.into_iter()
            .map(|r| r.unwrap_or(Err(RoutingError::OtherLedger)))
            .collect()
    }

    /// Routes many cases in parallel (rayon), each on `date`, or on its own `opened` date when
    /// `date` is `None`. One result per case, in the case's place (a case that cannot be
    /// routed gives its error there and does not stop the batch), identical for any number of
    /// threads: callers never restore the order.
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
}

/// The routing date of a case: `date`, or the case's `opened` date.
pub fn date_for(case: &Case, date: Option<NaiveDate>) -> Result<NaiveDate, RoutingError> {
    date.or(case.opened()).ok_or_else(|| RoutingError::NoDate {
        case: case.id().clone(),
    })
}

#[cfg(test)]
mod tests;
