//! A household's decision: [`DecisionRecord`], per need a [`NeedDecisionRecord`] with the
//! fields of the core's [`DecisionRow`] (the row every binding produces) and its trace, the
//! coordinator and the joint plan; [`BatchResult`] for batches.

use dls_core::routing::{self, FallbackTrace, HouseholdDecision, NeedDecision};
use dls_core::rows::{BatchError, DecisionRow};

use super::snake;

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

/// The decision for one need: the fields of a decision row, its summary and its trace.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NeedDecisionRecord {
    /// The case id.
    pub case: String,
    /// The need code.
    pub need: String,
    /// True for the primary need.
    pub primary: bool,
    /// The kind of outcome: `service`, `steunpilaar`, `escalation` or `gap`.
    pub outcome: String,
    /// The service the need goes to, absent for a gap.
    pub service: Option<String>,
    /// That service's organisation, absent for a gap.
    pub organisation: Option<String>,
    /// The deciding rule, if a rule decided.
    pub rule: Option<String>,
    /// The deciding rule's layer.
    pub layer: Option<String>,
    /// For a gap, why: `no_rule`, `all_skipped` or `not_covered` (on purpose).
    pub gap_reason: Option<String>,
    /// True when the decision passes over a service the citizen already tried.
    pub cannot_get_through: bool,
    /// The coordinating organisation, when two or more organisations are involved.
    pub coordinator: Option<String>,
    /// The service of the household's single first point of contact.
    pub first_contact: Option<String>,
    /// One line: the need, where it goes and why.
    pub summary: String,
    /// Every candidate and its verdict (empty when routed without trace).
    pub trace: Vec<CandidateRecord>,
    /// What happened at the fallback step, if it was reached (only with trace).
    pub fallback: Option<String>,
}

impl NeedDecisionRecord {
    fn new(row: DecisionRow<'_>, n: &NeedDecision) -> Self {
        let text = |s: Option<&str>| s.map(str::to_string);
        let trace = n.trace.as_ref();
        NeedDecisionRecord {
            case: row.case.to_string(),
            need: row.need.to_string(),
            primary: row.primary,
            outcome: row.outcome.to_string(),
            service: text(row.service),
            organisation: text(row.organisation),
            rule: text(row.rule),
            layer: text(row.layer),
            gap_reason: text(row.gap_reason),
            cannot_get_through: row.cannot_get_through,
            coordinator: text(row.coordinator),
            first_contact: text(row.first_contact),
            summary: n.summary(),
            trace: trace
                .map(|t| t.candidates.iter().map(candidate).collect())
                .unwrap_or_default(),
            fallback: trace.and_then(|t| t.fallback.as_ref()).map(|f| match f {
                FallbackTrace::Steunpilaar { service } => format!("steunpilaar `{service}`"),
                FallbackTrace::SteunpilaarSkipped { service, reason } => {
                    format!("steunpilaar `{service}` skipped: {reason}")
                }
                FallbackTrace::NoSteunpilaar => "no steunpilaar named for this kern".to_string(),
            }),
        }
    }
}

fn candidate(c: &routing::CandidateTrace) -> CandidateRecord {
    let verdict = serde_json::to_value(&c.verdict).ok();
    CandidateRecord {
        rule: c.rule.to_string(),
        layer: c.layer.to_string(),
        priority: c.priority,
        target: c.target.to_string(),
        verdict: verdict
            .as_ref()
            .and_then(|v| v.get("verdict")?.as_str())
            .unwrap_or_default()
            .to_string(),
        reason: c.verdict.to_string(),
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

impl From<&routing::Contact> for ContactRecord {
    fn from(c: &routing::Contact) -> Self {
        ContactRecord {
            service: c.service.to_string(),
            organisation: c.organisation.to_string(),
        }
    }
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
    /// Per need, primary first: the decision rows.
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

impl From<&HouseholdDecision> for DecisionRecord {
    fn from(d: &HouseholdDecision) -> Self {
        DecisionRecord {
            case_id: d.case.to_string(),
            kern: d.kern.to_string(),
            date: d.date.to_string(),
            needs: d
                .rows()
                .zip(&d.needs)
                .map(|(r, n)| NeedDecisionRecord::new(r, n))
                .collect(),
            coordinator: d.coordinator.as_ref().map(|c| CoordinatorRecord {
                contact: ContactRecord::from(&c.contact),
                basis: snake(c.basis),
            }),
            first_contact: d.plan.first_contact.as_ref().map(ContactRecord::from),
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

/// One case's result in a batch, in the case's place.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BatchResult {
    /// The decision, when the case could be routed.
    pub decision: Option<DecisionRecord>,
    /// Otherwise the kind of error: `bad_input` (the record is not a case) or `routing`.
    pub error_kind: Option<String>,
    /// And why.
    pub error: Option<String>,
}

impl From<Result<HouseholdDecision, BatchError>> for BatchResult {
    fn from(r: Result<HouseholdDecision, BatchError>) -> Self {
        let e = r.as_ref().err();
        BatchResult {
            decision: r.as_ref().ok().map(DecisionRecord::from),
            error_kind: e.map(|e| e.kind().to_string()),
            error: e.map(|e| e.to_string()),
        }
    }
}
