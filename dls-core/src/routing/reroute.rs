//! Re-routing after a service rejected a case or did not respond.

use chrono::NaiveDate;

use super::walk::Reserving;
use super::{CapacityLedger, HouseholdDecision, RouteOptions, Router, RoutingError};

/// A live ledger and the places a case holds in it, for a re-route
/// ([`Router::reroute_after_holding`]).
#[derive(Debug, Clone, Copy)]
pub struct HeldPlaces<'a> {
    /// The ledger (of the router that re-routes).
    pub ledger: &'a CapacityLedger,
    /// The services where the case holds a place, one entry per place (a service twice when
    /// two needs went there).
    pub services: &'a [ServiceId],
}
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
        self.reroute_event(case, previous, event, options, None)
    }

    /// [`Router::reroute`] against the live capacity `ledger`, for a `previous` decision made
    /// against it (by [`Router::route_reserving`], [`Router::route_batch_reserving`] or a
    /// re-route like this one): the places `previous` took are the case's own. A need that
    /// keeps its service keeps its place (even when the service has no other open place); a
    /// need sent to another service takes a place there as [`Router::route_reserving`] does;
    /// a place the new decision no longer uses (the service that turned the case down) goes
    /// back to the ledger, so the host does not [`release`](CapacityLedger::release) it
    /// itself. On an error the ledger is unchanged. Fails with [`RoutingError::OtherLedger`]
    /// when the ledger was made for another router.
    pub fn reroute_reserving(
        &self,
        case: &Case,
        previous: &HouseholdDecision,
        event: &Event,
        options: RouteOptions,
        ledger: &CapacityLedger,
    ) -> Result<HouseholdDecision, RoutingError> {
        self.reroute_event(case, previous, event, options, Some(ledger))
    }

    /// [`Router::reroute_after`] against the live capacity `ledger`, on `previous`'s date, the
    /// case holding the places its `previous` decision took, as for
    /// [`Router::reroute_reserving`].
    pub fn reroute_after_reserving(
        &self,
        case: &Case,
        previous: &HouseholdDecision,
        tried: &ServiceId,
        outcome: TryOutcome,
        options: RouteOptions,
        ledger: &CapacityLedger,
    ) -> Result<HouseholdDecision, RoutingError> {
        self.check_same_case(case, previous, None)?;
        let services: Vec<ServiceId> = previous
            .needs
            .iter()
            .filter_map(|n| n.outcome.service().cloned())
            .collect();
        let held = HeldPlaces {
            ledger,
            services: &services,
        };
        self.reroute_after_holding(case, previous.date, tried, outcome, options, held)
    }

    /// [`Router::reroute_after`] against a live ledger, the case holding the places `held`
    /// names (one per need of its previous decision that went to a service, as a host that
    /// keeps the decision's rows has them): what [`Router::reroute_after_reserving`] does
    /// with a decision. Fails with [`RoutingError::UnknownService`] for a service not in the
    /// directory and [`RoutingError::OtherLedger`] for a ledger of another router; on an error
    /// the ledger is unchanged.
    pub fn reroute_after_holding(
        &self,
        case: &Case,
        date: NaiveDate,
        tried: &ServiceId,
        outcome: TryOutcome,
        options: RouteOptions,
        held: HeldPlaces<'_>,
    ) -> Result<HouseholdDecision, RoutingError> {
        held.ledger
            .check_owner(self)
            .map_err(|_| RoutingError::OtherLedger)?;
        let places = self.held_places(case, held.services.iter())?;
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
            Some(Reserving {
                ledger: held.ledger,
                held: &places,
            }),
        )
    }

    /// Fails unless `previous` (and `event`) are of `case`.
    fn check_same_case(
        &self,
        case: &Case,
        previous: &HouseholdDecision,
        event: Option<&Event>,
    ) -> Result<(), RoutingError> {
        let id = case.id();
        for other in std::iter::once(&previous.case).chain(event.map(|e| &e.case)) {
            if other != id {
                return Err(RoutingError::OtherCase {
                    case: id.clone(),
                    other: other.clone(),
                });
            }
        }
        Ok(())
    }

    /// The service indexes of the places held at `services` (one each).
    fn held_places<'s>(
        &self,
        case: &Case,
        services: impl Iterator<Item = &'s ServiceId>,
    ) -> Result<Vec<u32>, RoutingError> {
        let dir = self.directory();
        services
            .map(|s| {
                dir.service_index(s.as_str())
                    .map(|i| i as u32)
                    .ok_or_else(|| RoutingError::UnknownService {
                        case: case.id().clone(),
                        service: s.clone(),
                    })
            })
            .collect()
    }

    fn reroute_event(
        &self,
        case: &Case,
        previous: &HouseholdDecision,
        event: &Event,
        options: RouteOptions,
        ledger: Option<&CapacityLedger>,
    ) -> Result<HouseholdDecision, RoutingError> {
        self.check_same_case(case, previous, Some(event))?;
        let extra = tried_after(case.id(), event.activity, event.service.as_ref())?;
        let held = match ledger {
            Some(l) => {
                l.check_owner(self).map_err(|_| RoutingError::OtherLedger)?;
                self.held_places(
                    case,
                    previous.needs.iter().filter_map(|n| n.outcome.service()),
                )?
            }
            None => Vec::new(),
        };
        self.route_inner(
            case,
            previous.date,
            &previous.avoided,
            Some(extra),
            options,
            ledger.map(|ledger| Reserving {
                ledger,
                held: &held,
            }),
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
