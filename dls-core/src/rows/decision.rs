//! [`DecisionRow`]: one row per need of a household decision.

use serde::Serialize;

use crate::areas::Layer;
use crate::routing::{HouseholdDecision, NeedDecision, Outcome};

/// The decision for one need of a household, as a flat row of borrowed fields (the columns
/// [`DECISION_COLUMNS`](super::DECISION_COLUMNS)). The household's coordinator and first
/// contact repeat on every row of the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DecisionRow<'a> {
    /// The case id.
    pub case: &'a str,
    /// The need code.
    pub need: &'a str,
    /// True for the primary need (the household's first row).
    pub primary: bool,
    /// The kind of outcome: `service`, `steunpilaar`, `escalation` or `gap`.
    pub outcome: &'static str,
    /// The service the need goes to, `None` for a gap.
    pub service: Option<&'a str>,
    /// That service's organisation, `None` for a gap.
    pub organisation: Option<&'a str>,
    /// The rule that decided, `None` when a fallback decided.
    pub rule: Option<&'a str>,
    /// The layer of that rule: `national`, `region`, `municipality` or `kern`.
    pub layer: Option<&'static str>,
    /// For a gap, why: `no_rule`, `all_skipped` or `not_covered`.
    pub gap_reason: Option<&'static str>,
    /// The decision passed over a service the citizen already tried.
    pub cannot_get_through: bool,
    /// The coordinator's organisation when two or more organisations are involved.
    pub coordinator: Option<&'a str>,
    /// The service of the household's single first point of contact.
    pub first_contact: Option<&'a str>,
}

impl HouseholdDecision {
    /// One [`DecisionRow`] per need, primary need first.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = DecisionRow<'_>> + '_ {
        let coordinator = self
            .coordinator
            .as_ref()
            .map(|c| c.contact.organisation.as_str());
        let first_contact = self.plan.first_contact.as_ref().map(|c| c.service.as_str());
        self.needs.iter().map(move |n| DecisionRow {
            coordinator,
            first_contact,
            ..DecisionRow::need(self.case.as_str(), n)
        })
    }
}

impl<'a> DecisionRow<'a> {
    /// The row of one need of case `case`, without the household's coordinator and first
    /// contact.
    pub fn need(case: &'a str, n: &'a NeedDecision) -> DecisionRow<'a> {
        DecisionRow {
            case,
            need: n.need.as_str(),
            primary: n.primary,
            outcome: n.outcome.kind(),
            service: n.outcome.service().map(|s| s.as_str()),
            organisation: n.outcome.organisation().map(|o| o.as_str()),
            rule: n.rule.as_ref().map(|r| r.as_str()),
            layer: n.layer.map(Layer::as_str),
            gap_reason: match n.outcome {
                Outcome::Gap { reason } => Some(reason.as_str()),
                _ => None,
            },
            cannot_get_through: n.cannot_get_through,
            coordinator: None,
            first_contact: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::pilot;
    use crate::routing::{RouteOptions, Router};

    #[test]
    fn one_row_per_need_primary_first() {
        let router = Router::new(&pilot::rules());
        for case in pilot::cases() {
            let d = router
                .route_with(&case, case.opened().unwrap(), RouteOptions::FAST)
                .unwrap();
            let rows: Vec<_> = d.rows().collect();
            assert_eq!(rows.len(), case.needs().len());
            assert!(rows[0].primary && rows[1..].iter().all(|r| !r.primary));
            for (r, n) in rows.iter().zip(&d.needs) {
                assert_eq!(r.case, case.id().as_str());
                assert_eq!(r.need, n.need.as_str());
                assert_eq!(r.service, n.outcome.service().map(|s| s.as_str()));
                assert_eq!(r.gap_reason.is_some(), r.outcome == "gap");
                let json = serde_json::to_value(&n.outcome).unwrap();
                assert_eq!(json["kind"], r.outcome);
                assert_eq!(
                    r.coordinator,
                    d.coordinator
                        .as_ref()
                        .map(|c| c.contact.organisation.as_str())
                );
            }
        }
    }
}
