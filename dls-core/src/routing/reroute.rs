//! Re-routing after a service rejected a case or did not respond.

use super::{HouseholdDecision, RouteOptions, Router, RoutingError};
use crate::cases::{Case, TriedService, TryOutcome};
use crate::events::{Activity, Event};

impl Router {
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
}
