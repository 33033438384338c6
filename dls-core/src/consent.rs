//! Consent: what a household agreed to share, with whom, from when, and until it withdrew.
//!
//! A household may consent to share its case with every organisation it is routed to (the case's
//! `share_with_organisations` flag, [`ConsentScope::All`]), with one organisation
//! ([`ConsentScope::Organisation`]), or the details of one need (or a subtree of needs) with the
//! organisations of its plan ([`ConsentScope::Need`]). Every grant and withdrawal is a dated
//! [`ConsentEvent`]; [`Consents`] replays them, so the answer for a date never depends on the
//! order the events came in. On one day a withdrawal wins over a grant.
//!
//! Views ([`crate::views`]) use consent to decide what one organisation sees of another's part of
//! the plan; routing with consent ([`apply_consent`]) keeps a need away from an organisation the
//! household did not agree to share with.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cases::Case;
use crate::ids::{CaseId, NeedCode, OrganisationId, ServiceId};
use crate::routing::{CandidateTrace, HouseholdDecision, JointPlan, Outcome, Verdict};
use crate::rules::{RuleSet, Target};

/// What a consent covers.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(tag = "scope", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConsentScope {
    /// Every organisation the household is routed to (the case's `share_with_organisations`).
    All,
    /// One organisation: it may see the whole plan, and the case may be routed to it.
    Organisation {
        /// The organisation.
        organisation: OrganisationId,
    },
    /// One need (or the subtree under a code): the organisations of the plan may see it.
    Need {
        /// The need code.
        need: NeedCode,
    },
}

impl std::fmt::Display for ConsentScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConsentScope::All => f.write_str("all organisations"),
            ConsentScope::Organisation { organisation } => {
                write!(f, "organisation `{organisation}`")
            }
            ConsentScope::Need { need } => write!(f, "need `{need}`"),
        }
    }
}

/// A grant or a withdrawal.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ConsentAction {
    /// The household consents from this date.
    Given,
    /// The household withdraws its consent from this date.
    Withdrawn,
}

crate::ids::wire_names!(
    ConsentAction,
    "consent action",
    display,
    [Given = "given", Withdrawn = "withdrawn"]
);

/// One dated grant or withdrawal of consent. Its JSON (and table) form is one flat row:
/// `case`, `date`, `action`, `scope` (`all`, `organisation` or `need`) and the `organisation` or
/// `need` the scope names; any other field is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ConsentEventRow", into = "ConsentEventRow")]
pub struct ConsentEvent {
    /// The case.
    pub case: CaseId,
    /// The day it takes effect.
    pub date: NaiveDate,
    /// Given or withdrawn.
    pub action: ConsentAction,
    /// What it covers.
    pub scope: ConsentScope,
}

/// The flat row form of a [`ConsentEvent`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentEventRow {
    /// The case.
    pub case: CaseId,
    /// The day it takes effect.
    pub date: NaiveDate,
    /// `given` or `withdrawn`.
    pub action: ConsentAction,
    /// `all`, `organisation` or `need`.
    pub scope: String,
    /// The organisation, for scope `organisation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OrganisationId>,
    /// The need, for scope `need`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<NeedCode>,
}

impl TryFrom<ConsentEventRow> for ConsentEvent {
    type Error = String;
    fn try_from(r: ConsentEventRow) -> Result<Self, String> {
        let scope = match (r.scope.as_str(), r.organisation, r.need) {
            ("all", None, None) => ConsentScope::All,
            ("organisation", Some(organisation), None) => {
                ConsentScope::Organisation { organisation }
            }
            ("need", None, Some(need)) => ConsentScope::Need { need },
            ("all" | "organisation" | "need", _, _) => {
                return Err(format!(
                    "consent scope `{}` names exactly {}",
                    r.scope,
                    match r.scope.as_str() {
                        "all" => "no organisation and no need",
                        "organisation" => "one `organisation` and no need",
                        _ => "one `need` and no organisation",
                    }
                ))
            }
            _ => {
                return Err(
                    "unknown consent scope: must be one of `all`, `organisation`, `need`".into(),
                )
            }
        };
        Ok(ConsentEvent {
            case: r.case,
            date: r.date,
            action: r.action,
            scope,
        })
    }
}

impl From<ConsentEvent> for ConsentEventRow {
    fn from(e: ConsentEvent) -> Self {
        let (scope, organisation, need) = match e.scope {
            ConsentScope::All => ("all", None, None),
            ConsentScope::Organisation { organisation } => {
                ("organisation", Some(organisation), None)
            }
            ConsentScope::Need { need } => ("need", None, Some(need)),
        };
        ConsentEventRow {
            case: e.case,
            date: e.date,
            action: e.action,
            scope: scope.into(),
            organisation,
            need,
        }
    }
}

/// A consent event that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsentError {
    /// The event belongs to another case.
    #[error("consent event {index}: belongs to case `{found}`, not to case `{case}`")]
    OtherCase {
        /// The case the consents are for.
        case: CaseId,
        /// The case the event names.
        found: CaseId,
        /// The event's position in the input (0-based).
        index: usize,
    },
}

/// Why a need may or may not be shared with an organisation on a date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ConsentStatus {
    /// Consent holds, by this scope, since this date.
    Given {
        /// The scope that allows it.
        scope: ConsentScope,
        /// Since when.
        since: NaiveDate,
    },
    /// Consent was given and later withdrawn (the latest withdrawal that applies).
    Withdrawn {
        /// The scope withdrawn.
        scope: ConsentScope,
        /// From when.
        on: NaiveDate,
    },
    /// No consent was ever given that covers it.
    None,
}

impl ConsentStatus {
    /// True when consent holds.
    pub fn allows(&self) -> bool {
        matches!(self, ConsentStatus::Given { .. })
    }
}

/// The consent history of one household, replayable for any date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    /// The case.
    pub case: CaseId,
    /// Every grant and withdrawal, in date order (then grants before withdrawals, then scope).
    pub events: Vec<ConsentEvent>,
}

impl Consents {
    /// No consent at all for a case.
    pub fn none(case: CaseId) -> Consents {
        Consents {
            case,
            events: Vec::new(),
        }
    }

    /// The consent a case carries: its `share_with_organisations` flag is a grant to
    /// [`ConsentScope::All`] from the day the case opened (or from the start of time when the
    /// case states no date).
    pub fn of_case(case: &Case) -> Consents {
        let mut c = Consents::none(case.id().clone());
        if case.consent().share_with_organisations {
            c.events.push(ConsentEvent {
                case: case.id().clone(),
                date: case.opened().unwrap_or(NaiveDate::MIN),
                action: ConsentAction::Given,
                scope: ConsentScope::All,
            });
        }
        c
    }

    /// The consent of a case followed by its consent events (in any order).
    pub fn of_case_with(case: &Case, events: &[ConsentEvent]) -> Result<Consents, ConsentError> {
        let mut c = Consents::of_case(case);
        c.record(events)?;
        Ok(c)
    }

    /// Adds events (in any order); refuses an event of another case and adds none then.
    pub fn record(&mut self, events: &[ConsentEvent]) -> Result<(), ConsentError> {
        if let Some((index, e)) = events.iter().enumerate().find(|(_, e)| e.case != self.case) {
            return Err(ConsentError::OtherCase {
                case: self.case.clone(),
                found: e.case.clone(),
                index,
            });
        }
        self.events.extend(events.iter().cloned());
        self.events
            .sort_by(|a, b| (a.date, a.action, &a.scope).cmp(&(b.date, b.action, &b.scope)));
        self.events.dedup();
        Ok(())
    }

    /// The state of one scope on a date: the last event for it on or before the date.
    fn scope_on(&self, scope: &ConsentScope, date: NaiveDate) -> ConsentStatus {
        let mut status = ConsentStatus::None;
        let mut since = None;
        for e in self
            .events
            .iter()
            .filter(|e| &e.scope == scope && e.date <= date)
        {
            match e.action {
                ConsentAction::Given => {
                    if !status.allows() {
                        since = Some(e.date);
                    }
                    status = ConsentStatus::Given {
                        scope: scope.clone(),
                        since: since.unwrap_or(e.date),
                    };
                }
                ConsentAction::Withdrawn => {
                    if !matches!(status, ConsentStatus::None) {
                        status = ConsentStatus::Withdrawn {
                            scope: scope.clone(),
                            on: e.date,
                        };
                    }
                    since = None;
                }
            }
        }
        status
    }

    /// May the details of `need` be shared with `organisation` on `date`? Consent to all, to the
    /// organisation, or to the need (or a code above it) each suffice; when none holds, the
    /// answer names the latest withdrawal that applies, if any.
    pub fn status(
        &self,
        organisation: &OrganisationId,
        need: Option<&NeedCode>,
        date: NaiveDate,
    ) -> ConsentStatus {
        let mut scopes: Vec<ConsentScope> = vec![
            ConsentScope::All,
            ConsentScope::Organisation {
                organisation: organisation.clone(),
            },
        ];
        if let Some(need) = need {
            let mut seen: Vec<&NeedCode> = Vec::new();
            for e in &self.events {
                if let ConsentScope::Need { need: n } = &e.scope {
                    if need.is_within(n) && !seen.contains(&n) {
                        seen.push(n);
                    }
                }
            }
            scopes.extend(
                seen.into_iter()
                    .map(|n| ConsentScope::Need { need: n.clone() }),
            );
        }
        let mut withdrawn: Option<ConsentStatus> = None;
        for s in &scopes {
            match self.scope_on(s, date) {
                g @ ConsentStatus::Given { .. } => return g,
                w @ ConsentStatus::Withdrawn { on, .. } => {
                    let later = match &withdrawn {
                        Some(ConsentStatus::Withdrawn { on: prev, .. }) => on > *prev,
                        _ => true,
                    };
                    if later {
                        withdrawn = Some(w);
                    }
                }
                ConsentStatus::None => {}
            }
        }
        withdrawn.unwrap_or(ConsentStatus::None)
    }

    /// May the case be routed to (shared with) `organisation` on `date`, for `need`?
    pub fn allows(&self, organisation: &OrganisationId, need: &NeedCode, date: NaiveDate) -> bool {
        self.status(organisation, Some(need), date).allows()
    }

    /// Number of withdrawals recorded on or before `date`.
    pub fn withdrawals(&self, date: NaiveDate) -> usize {
        self.events
            .iter()
            .filter(|e| e.action == ConsentAction::Withdrawn && e.date <= date)
            .count()
    }
}

/// Routing with consent: every need that goes to an organisation the household did not consent
/// to share with (on the decision's date) goes instead to the kern's steunpilaar, or, when the
/// rule set names none or the steunpilaar's organisation is not allowed either, to the
/// coordinator's organisation if that one is allowed, or else becomes a gap. Needs that already
/// go to the steunpilaar or to an escalation body stay (the front door and a complaint do not
/// need consent to share). The trace of each moved need gains a [`Verdict::NoConsent`] line for
/// the rule that decided it, and the joint plan is rebuilt.
pub fn apply_consent(
    decision: &HouseholdDecision,
    consents: &Consents,
    rules: &RuleSet,
) -> HouseholdDecision {
    let mut d = decision.clone();
    let date = d.date;
    let directory = rules.directory();
    let contact = |service: &ServiceId| -> Option<(ServiceId, OrganisationId)> {
        let s = directory.service(service.as_str())?;
        Some((s.id.clone(), s.organisation.clone()))
    };
    let steunpilaar = rules.steunpilaar(&d.kern).and_then(contact);
    let coordinator = d
        .coordinator
        .as_ref()
        .map(|c| (c.contact.service.clone(), c.contact.organisation.clone()));
    let mut changed = false;
    for n in &mut d.needs {
        let Outcome::Service {
            service,
            organisation,
        } = &n.outcome
        else {
            continue;
        };
        if consents.allows(organisation, &n.need, date) {
            continue;
        }
        let (service, organisation) = (service.clone(), organisation.clone());
        // the steunpilaar is the front door: sending a need there needs no consent
        let new_outcome = if let Some((s, o)) = steunpilaar.as_ref() {
            Outcome::Steunpilaar {
                service: s.clone(),
                organisation: o.clone(),
                fallback: true,
            }
        } else if let Some((s, o)) = coordinator
            .as_ref()
            .filter(|(_, o)| consents.allows(o, &n.need, date))
        {
            Outcome::Service {
                service: s.clone(),
                organisation: o.clone(),
            }
        } else {
            Outcome::Gap {
                reason: crate::routing::GapReason::AllSkipped,
            }
        };
        if let Some(t) = &mut n.trace {
            let lost = CandidateTrace {
                rule: n.rule.clone().unwrap_or_else(|| service_rule_id(&service)),
                layer: n.layer.unwrap_or(crate::areas::Layer::National),
                priority: 0,
                target: Target::Service(service.clone()),
                verdict: Verdict::NoConsent {
                    organisation: organisation.clone(),
                },
            };
            match t
                .candidates
                .iter_mut()
                .find(|c| c.verdict == Verdict::Decided)
            {
                Some(c) => {
                    c.verdict = Verdict::NoConsent {
                        organisation: organisation.clone(),
                    }
                }
                None => t.candidates.push(lost),
            }
        }
        n.outcome = new_outcome;
        n.rule = None;
        n.layer = None;
        changed = true;
    }
    if changed {
        d.plan = JointPlan::of(&d.needs, d.coordinator.as_ref());
    }
    d
}

/// A rule id for a trace line when no rule decided (the steunpilaar fallback).
fn service_rule_id(service: &ServiceId) -> crate::ids::RuleId {
    match format!("fallback:{service}").parse() {
        Ok(r) => r,
        Err(_) => unreachable!("a service id prefixed with `fallback:` is a valid rule id"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(date: &str, action: ConsentAction, scope: ConsentScope) -> ConsentEvent {
        ConsentEvent {
            case: "c1".parse().unwrap(),
            date: date.parse().unwrap(),
            action,
            scope,
        }
    }

    #[test]
    fn wire_names() {
        crate::ids::assert_wire_names!(ConsentAction);
    }

    #[test]
    fn replay_is_order_free_and_withdrawal_wins_on_a_day() {
        let org: OrganisationId = "schuldhulp-meer".parse().unwrap();
        let need: NeedCode = "sociale_zaken.schulden.hulp".parse().unwrap();
        let evs = vec![
            ev(
                "2026-03-01",
                ConsentAction::Given,
                ConsentScope::Need {
                    need: "sociale_zaken.schulden".parse().unwrap(),
                },
            ),
            ev(
                "2026-04-01",
                ConsentAction::Withdrawn,
                ConsentScope::Need {
                    need: "sociale_zaken.schulden".parse().unwrap(),
                },
            ),
            ev("2026-05-01", ConsentAction::Given, ConsentScope::All),
            ev("2026-05-01", ConsentAction::Withdrawn, ConsentScope::All),
        ];
        let mut rev = evs.clone();
        rev.reverse();
        let mut a = Consents::none("c1".parse().unwrap());
        a.record(&evs).unwrap();
        let mut b = Consents::none("c1".parse().unwrap());
        b.record(&rev).unwrap();
        assert_eq!(a, b);
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            a.status(&org, Some(&need), d("2026-02-28")),
            ConsentStatus::None
        );
        assert!(a.allows(&org, &need, d("2026-03-15")));
        // a subtree consent does not cover a need outside it
        let other: NeedCode = "zorg.ggz.basis".parse().unwrap();
        assert!(!a.allows(&org, &other, d("2026-03-15")));
        assert!(matches!(
            a.status(&org, Some(&need), d("2026-04-15")),
            ConsentStatus::Withdrawn { .. }
        ));
        // given and withdrawn on one day: withdrawn
        assert!(!a.allows(&org, &need, d("2026-05-02")));
        assert_eq!(a.withdrawals(d("2026-12-31")), 2);
        let mut bad = Consents::none("c2".parse().unwrap());
        let e = bad.record(&evs).unwrap_err();
        assert_eq!(
            e.to_string(),
            "consent event 0: belongs to case `c1`, not to case `c2`"
        );
        assert!(bad.events.is_empty());
        // an unknown field is refused, not ignored
        let e = serde_json::from_str::<ConsentEvent>(
            r#"{"case":"c1","date":"2026-03-01","action":"given","scope":"all","note":"x"}"#,
        );
        assert!(e.is_err());
        let e = serde_json::from_str::<ConsentEvent>(
            r#"{"case":"c1","date":"2026-03-01","action":"given","scope":"need"}"#,
        );
        assert!(e.is_err(), "a need scope names its need");
    }
}
