//! A household's decision: [`DecisionRecord`], per need a [`NeedDecisionRecord`] with its
//! outcome and trace, the coordinator and the joint plan; [`BatchResult`] for batches.

use dls_core::routing::{self, HouseholdDecision, NeedDecision, Outcome};

use super::snake;

/// Where a need goes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum OutcomeRecord {
    /// A provider service.
    Service {
        /// The service.
        service: String,
        /// Its organisation.
        organisation: String,
    },
    /// The local steunpilaar (front door), by rule or as fallback.
    Steunpilaar {
        /// The service.
        service: String,
        /// Its organisation.
        organisation: String,
        /// True when no rule decided and the steunpilaar catches the need.
        fallback: bool,
    },
    /// An escalation body.
    Escalation {
        /// The service.
        service: String,
        /// Its organisation.
        organisation: String,
    },
    /// Nobody takes the need here.
    Gap {
        /// `no_rule`, `all_skipped` or `not_covered` (on purpose).
        reason: String,
    },
}

impl From<&Outcome> for OutcomeRecord {
    fn from(o: &Outcome) -> Self {
        match o {
            Outcome::Service {
                service,
                organisation,
            } => OutcomeRecord::Service {
                service: service.to_string(),
                organisation: organisation.to_string(),
            },
            Outcome::Steunpilaar {
                service,
                organisation,
                fallback,
            } => OutcomeRecord::Steunpilaar {
                service: service.to_string(),
                organisation: organisation.to_string(),
                fallback: *fallback,
            },
            Outcome::Escalation {
                service,
                organisation,
            } => OutcomeRecord::Escalation {
                service: service.to_string(),
                organisation: organisation.to_string(),
            },
            Outcome::Gap { reason } => OutcomeRecord::Gap {
                reason: snake(reason),
            },
        }
    }
}

/// One candidate rule in a need's trace.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CandidateRecord {
    /// The rule id.
    pub rule: String,
    /// Its layer: `national`, `region`, `municipality` or `kern`.
    pub layer: String,
    /// Its priority.
    pub priority: i32,
    /// Its target, e.g. `service:wmo-loket`.
    pub target: String,
    /// The verdict kind: `decided`, `out_of_area`, `overridden`, `condition_failed`,
    /// `ineligible`, `full`, `tried_already`, `lost_to`, …
    pub verdict: String,
    /// The verdict as a short sentence.
    pub reason: String,
}

/// The decision for one need.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NeedDecisionRecord {
    /// The need code.
    pub need: String,
    /// True for the primary need.
    pub primary: bool,
    /// Where it goes.
    pub outcome: OutcomeRecord,
    /// The deciding rule, if a rule decided.
    pub rule: Option<String>,
    /// The deciding rule's layer.
    pub layer: Option<String>,
    /// True when the decision passes over a service the citizen already tried.
    pub cannot_get_through: bool,
    /// One line: the need, where it goes and why.
    pub summary: String,
    /// Every candidate and its verdict (empty when routed without trace).
    pub trace: Vec<CandidateRecord>,
    /// What happened at the fallback step, if it was reached.
    pub fallback: Option<String>,
}

impl From<&NeedDecision> for NeedDecisionRecord {
    fn from(n: &NeedDecision) -> Self {
        let (trace, fallback) = match &n.trace {
            Some(t) => (
                t.candidates
                    .iter()
                    .map(|c| CandidateRecord {
                        rule: c.rule.to_string(),
                        layer: c.layer.to_string(),
                        priority: c.priority,
                        target: c.target.to_string(),
                        verdict: serde_json::to_value(&c.verdict)
                            .ok()
                            .and_then(|v| {
                                v.get("verdict")
                                    .and_then(|k| k.as_str())
                                    .map(str::to_string)
                            })
                            .unwrap_or_default(),
                        reason: c.verdict.to_string(),
                    })
                    .collect(),
                t.fallback.as_ref().map(|f| match f {
                    routing::FallbackTrace::Steunpilaar { service } => {
                        format!("steunpilaar `{service}`")
                    }
                    routing::FallbackTrace::SteunpilaarSkipped { service, reason } => {
                        format!("steunpilaar `{service}` skipped: {reason}")
                    }
                    routing::FallbackTrace::NoSteunpilaar => {
                        "no steunpilaar named for this kern".to_string()
                    }
                }),
            ),
            None => (Vec::new(), None),
        };
        NeedDecisionRecord {
            need: n.need.to_string(),
            primary: n.primary,
            outcome: OutcomeRecord::from(&n.outcome),
            rule: n.rule.as_ref().map(|r| r.to_string()),
            layer: n.layer.map(|l| l.to_string()),
            cannot_get_through: n.cannot_get_through,
            summary: n.summary(),
            trace,
            fallback,
        }
    }
}

/// A service and its organisation.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactRecord {
    /// The service.
    pub service: String,
    /// Its organisation.
    pub organisation: String,
}

/// The household's coordinator (regisseur).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CoordinatorRecord {
    /// The coordinating service and organisation.
    pub contact: ContactRecord,
    /// `rule_set`, `primary_need` or `first_routed_need`.
    pub basis: String,
}

/// One organisation's part in the joint plan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanPartRecord {
    /// The organisation.
    pub organisation: String,
    /// Its services in the plan.
    pub services: Vec<String>,
    /// The needs it takes.
    pub needs: Vec<String>,
}

/// The decision for a household: one plan, one coordinator.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DecisionRecord {
    /// The case id.
    pub case_id: String,
    /// The kern.
    pub kern: String,
    /// The routing date, YYYY-MM-DD.
    pub date: String,
    /// Per need, primary first.
    pub needs: Vec<NeedDecisionRecord>,
    /// The coordinator, when two or more organisations are involved.
    pub coordinator: Option<CoordinatorRecord>,
    /// The household's single first point of contact.
    pub first_contact: Option<ContactRecord>,
    /// Who does what.
    pub plan: Vec<PlanPartRecord>,
    /// Needs no organisation takes.
    pub open_needs: Vec<String>,
    /// The whole decision as readable text.
    pub explanation: String,
}

fn contact(c: &routing::Contact) -> ContactRecord {
    ContactRecord {
        service: c.service.to_string(),
        organisation: c.organisation.to_string(),
    }
}

impl From<&HouseholdDecision> for DecisionRecord {
    fn from(d: &HouseholdDecision) -> Self {
        DecisionRecord {
            case_id: d.case.to_string(),
            kern: d.kern.to_string(),
            date: d.date.to_string(),
            needs: d.needs.iter().map(NeedDecisionRecord::from).collect(),
            coordinator: d.coordinator.as_ref().map(|c| CoordinatorRecord {
                contact: contact(&c.contact),
                basis: snake(c.basis),
            }),
            first_contact: d.plan.first_contact.as_ref().map(contact),
            plan: d
                .plan
                .parts
                .iter()
                .map(|p| PlanPartRecord {
                    organisation: p.organisation.to_string(),
                    services: p.services.iter().map(|s| s.to_string()).collect(),
                    needs: p.needs.iter().map(|n| n.to_string()).collect(),
                })
                .collect(),
            open_needs: d.plan.open_needs.iter().map(|n| n.to_string()).collect(),
            explanation: d.explain(),
        }
    }
}

/// One case's result in a batch.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchResult {
    /// The decision, when the case could be routed.
    pub decision: Option<DecisionRecord>,
    /// Why it could not, otherwise.
    pub error: Option<String>,
}
