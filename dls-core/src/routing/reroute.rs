//! Re-routing after a service rejected a case or did not respond.

use chrono::NaiveDate;

use super::{HouseholdDecision, RouteOptions, Router, RoutingError};
use crate::cases::{Case, TriedService, TryOutcome};
use crate::events::{Activity, Event};
use crate::ids::{CaseId, ServiceId};

impl Router {
    /// The next decision after the citizen tried `tried` without success (`outcome`: it
    /// rejected the case, never answered, or its wait was too long): the case routed on `date`
    /// with that service, and every service the case already lists as tried, no longer a
    /// candidate. Needs that went elsewhere keep their decision; a need that passed over a
    /// tried service is marked [`cannot_get_through`](super::NeedDecision::cannot_get_through).
    ///
    /// This is what [`Router::reroute`] gives for a `rejected` or `no_response` event naming
    /// `tried`, after a [`Router::route_with`] of the case on `date`, without the caller
    /// building either. Fails with [`RoutingError::UnknownService`] when `tried` is not in the
    /// directory, and as [`Router::route_with`] does otherwise.
    ///
    /// ```
    /// use dls_core::{cases::TryOutcome, pilot, routing::{RouteOptions, Router}};
    /// let router = Router::new(&pilot::rules());
    /// let case = &pilot::cases()[0];
    /// let date = case.opened().unwrap();
    /// let first = router.route_with(case, date, RouteOptions::FAST).unwrap();
    /// if let Some(service) = first.primary().outcome.service() {
    ///     let next = router
    ///         .reroute_after(case, date, service, TryOutcome::Rejected, RouteOptions::FAST)
    ///         .unwrap();
    ///     assert_ne!(next.primary().outcome.service(), Some(service));
    /// }
    /// ```
    pub fn reroute_after(
        &self,
        case: &Case,
        date: NaiveDate,
        tried: &ServiceId,
        outcome: TryOutcome,
        options: RouteOptions,
    ) -> Result<HouseholdDecision, RoutingError> {
        let extra = TriedService {
            service: tried.clone(),
            outcome,
        };
        self.route_inner(
            case,
            date,
            case.situation().tried(),
            Some(extra),
            options,
            None,
        )
    }

    /// The next decision after a service rejected the case, did not respond, or undid its
    /// acceptance (`bounced`): the same case on
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
        let extra = tried_after(id, event.activity, event.service.as_ref())?;
        self.route_inner(
            case,
            previous.date,
            &previous.avoided,
            Some(extra),
            options,
            None,
        )
    }
}

/// What a bounce event says the citizen tried: its service, with a `rejected` or `bounced`
/// event (an acceptance undone later) as [`TryOutcome::Rejected`] and a `no_response` event as
/// [`TryOutcome::NoResponse`]. The one
/// reading of a re-route event, for [`Router::reroute`] and for bindings that take an event.
///
/// Fails with [`RoutingError::NotABounce`] for any other activity and with
/// [`RoutingError::EventWithoutService`] when the event names no service.
pub fn tried_after(
    case: &CaseId,
    activity: Activity,
    service: Option<&ServiceId>,
) -> Result<TriedService, RoutingError> {
    let outcome = match activity {
        Activity::Rejected => TryOutcome::Rejected,
        Activity::NoResponse => TryOutcome::NoResponse,
        // an acceptance the organisation undid later: for the next route, a refusal
        Activity::Bounced => TryOutcome::Rejected,
        a => {
            return Err(RoutingError::NotABounce {
                case: case.clone(),
                activity: a,
            })
        }
    };
    let Some(service) = service else {
        return Err(RoutingError::EventWithoutService {
            case: case.clone(),
            activity,
        });
    };
    Ok(TriedService {
        service: service.clone(),
        outcome,
    })
}
