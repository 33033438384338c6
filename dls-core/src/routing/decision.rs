//! What routing returns: per need an [`Outcome`], per household a coordinator and a joint plan,
//! and a [`NeedTrace`] that says why every candidate rule won or lost. All of it is plain data
//! (serde) and renders as short text.

use std::fmt::{self, Write as _};

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::areas::{AreaRef, Layer};
use crate::cases::{TriedService, TryOutcome};
use crate::conditions::AttributeName;
use crate::ids::{CaseId, KernId, NeedCode, OrganisationId, RuleId, ServiceId};
use crate::rules::Target;

/// Why a need ends in a gap.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GapReason {
    /// No rule covers this need in the case's kern on the routing date (this includes a date
    /// outside every rule's validity), and no steunpilaar could take it.
    NoRule,
    /// Rules covered the need, but each was skipped (conditions, eligibility, validity of the
    /// service, capacity, tried already), and no steunpilaar could take it.
    AllSkipped,
    /// A rule says on purpose that nobody covers this need here (`not_covered`).
    NotCovered,
}

crate::ids::wire_names!(
    GapReason,
    "gap reason",
    [
        NoRule = "no_rule",
        AllSkipped = "all_skipped",
        NotCovered = "not_covered"
    ]
);

impl fmt::Display for GapReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GapReason::NoRule => "no rule covers this need here on this date",
            GapReason::AllSkipped => "every candidate was skipped",
            GapReason::NotCovered => "not covered here, on purpose",
        })
    }
}

/// Where one need goes. Every routed need ends in exactly one of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// A provider (or coordinator) service takes the need.
    Service {
        /// The service.
        service: ServiceId,
        /// Its organisation.
        organisation: OrganisationId,
    },
    /// The local steunpilaar takes the need: because a rule says so, or as the fallback when no
    /// rule decided.
    Steunpilaar {
        /// The steunpilaar service.
        service: ServiceId,
        /// Its organisation.
        organisation: OrganisationId,
        /// True when no rule decided and the steunpilaar is the fallback.
        fallback: bool,
    },
    /// An escalation body takes the need (klachtenfunctionaris, ombudsman, …).
    Escalation {
        /// The escalation service.
        service: ServiceId,
        /// Its organisation.
        organisation: OrganisationId,
    },
    /// Nobody takes the need: a gap (lacune).
    Gap {
        /// Why.
        reason: GapReason,
    },
}

impl Outcome {
    /// The kind of outcome, as the `kind` tag of its JSON form: `service`, `steunpilaar`,
    /// `escalation` or `gap`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Outcome::Service { .. } => "service",
            Outcome::Steunpilaar { .. } => "steunpilaar",
            Outcome::Escalation { .. } => "escalation",
            Outcome::Gap { .. } => "gap",
        }
    }

    /// The service the need goes to, if any.
    pub fn service(&self) -> Option<&ServiceId> {
        match self {
            Outcome::Service { service, .. }
            | Outcome::Steunpilaar { service, .. }
            | Outcome::Escalation { service, .. } => Some(service),
            Outcome::Gap { .. } => None,
        }
    }

    /// The organisation the need goes to, if any.
    pub fn organisation(&self) -> Option<&OrganisationId> {
        match self {
            Outcome::Service { organisation, .. }
            | Outcome::Steunpilaar { organisation, .. }
            | Outcome::Escalation { organisation, .. } => Some(organisation),
            Outcome::Gap { .. } => None,
        }
    }

    /// True for a gap.
    pub fn is_gap(&self) -> bool {
        matches!(self, Outcome::Gap { .. })
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Service { service, .. } => write!(f, "service `{service}`"),
            Outcome::Steunpilaar {
                service, fallback, ..
            } => {
                write!(f, "steunpilaar `{service}`")?;
                if *fallback {
                    f.write_str(" (fallback)")?;
                }
                Ok(())
            }
            Outcome::Escalation { service, .. } => write!(f, "escalation `{service}`"),
            Outcome::Gap { reason } => write!(f, "gap: {reason}"),
        }
    }
}

/// Why a candidate rule did or did not decide, in the trace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// This rule decided.
    Decided,
    /// The rule's area does not contain the case's kern. Traces no longer list such rules (they
    /// list only candidates whose area contains the case's kern); the verdict is kept so that
    /// decisions stored before still read.
    OutOfArea {
        /// The rule's area.
        area: AreaRef,
    },
    /// A more specific layer replaced or switched off this rule inside the case's area.
    Overridden {
        /// The rule or switch-off that did it.
        by: RuleId,
        /// Its layer.
        by_layer: Layer,
        /// True for a replacement, false for a switch-off.
        replaced: bool,
    },
    /// The rule is not valid on the routing date.
    NotValidOnDate,
    /// The rule's condition on an attribute does not hold for the case.
    ConditionFailed {
        /// The first attribute that failed.
        attribute: AttributeName,
    },
    /// The target service (its contract) is not valid on the routing date.
    ServiceNotValid {
        /// The service.
        service: ServiceId,
    },
    /// The case is not eligible for the target service.
    Ineligible {
        /// The service.
        service: ServiceId,
        /// The first attribute that failed.
        attribute: AttributeName,
    },
    /// The target service has no open places and the rule set says capacity counts.
    Full {
        /// The service.
        service: ServiceId,
        /// Its waiting time in weeks, where known (from the live ledger when routing with one,
        /// else from the directory).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        waiting_weeks: Option<u32>,
    },
    /// The citizen already tried the target service without success.
    TriedAlready {
        /// The service.
        service: ServiceId,
        /// What happened.
        outcome: TryOutcome,
    },
    /// The rule targets the steunpilaar, but none is named for the case's kern.
    NoSteunpilaar,
    /// The rule comes after the deciding rule (less specific layer, lower priority, longer
    /// wait or a later id) and was not reached.
    LostTo {
        /// The rule that decided.
        winner: RuleId,
    },
    /// The rule would have decided, but the household did not consent to share its case with
    /// the organisation of the target (routing with consent, `consent::apply_consent`).
    NoConsent {
        /// The organisation the household did not consent to share with.
        organisation: OrganisationId,
    },
}

impl Verdict {
    /// True when the verdict skipped a candidate because the citizen tried its service.
    pub fn is_tried(&self) -> bool {
        matches!(self, Verdict::TriedAlready { .. })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Decided => f.write_str("decided"),
            Verdict::OutOfArea { area } => write!(f, "out of area (applies in `{area}`)"),
            Verdict::Overridden {
                by,
                by_layer,
                replaced,
            } => {
                let how = if *replaced {
                    "replaced"
                } else {
                    "switched off"
                };
                write!(f, "{how} here by `{by}` ({by_layer} layer)")
            }
            Verdict::NotValidOnDate => f.write_str("rule not valid on this date"),
            Verdict::ConditionFailed { attribute } => {
                write!(f, "condition on `{attribute}` does not hold")
            }
            Verdict::ServiceNotValid { service } => {
                write!(f, "service `{service}` not valid on this date")
            }
            Verdict::Ineligible { service, attribute } => {
                write!(f, "not eligible for `{service}` on `{attribute}`")
            }
            Verdict::Full {
                service,
                waiting_weeks: None,
            } => write!(f, "service `{service}` is full"),
            Verdict::Full {
                service,
                waiting_weeks: Some(w),
            } => write!(f, "service `{service}` is full: waiting list {w} weeks"),
            Verdict::TriedAlready { service, outcome } => {
                let what = match outcome {
                    TryOutcome::Rejected => "rejected",
                    TryOutcome::NoResponse => "no response",
                    TryOutcome::WaitedTooLong => "waited too long",
                };
                write!(f, "`{service}` tried already ({what})")
            }
            Verdict::NoSteunpilaar => f.write_str("no steunpilaar named for this kern"),
            Verdict::LostTo { winner } => write!(f, "lost to `{winner}`"),
            Verdict::NoConsent { organisation } => {
                write!(f, "no consent to share with `{organisation}`")
            }
        }
    }
}

/// One candidate rule in a trace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct CandidateTrace {
    /// The rule.
    pub rule: RuleId,
    /// Its layer.
    pub layer: Layer,
    /// Its priority.
    pub priority: i32,
    /// Where it would send the need.
    pub target: Target,
    /// Why it won or lost (flattened in JSON: `"verdict": "lost_to", "winner": …`).
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// What happened at the end of the ladder, when no rule decided.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "fallback", rename_all = "snake_case")]
pub enum FallbackTrace {
    /// The local steunpilaar took the need.
    Steunpilaar {
        /// The steunpilaar service.
        service: ServiceId,
    },
    /// The local steunpilaar could not take it.
    SteunpilaarSkipped {
        /// The steunpilaar service.
        service: ServiceId,
        /// Why (not valid on the date, ineligible, full, tried already).
        reason: Verdict,
    },
    /// The rule set names no steunpilaar for the kern.
    NoSteunpilaar,
}

/// Why a need went where it went: every candidate rule that applies to the case's area (its
/// area contains the case's kern), in routing order with its verdict, and the fallback when
/// no rule decided.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct NeedTrace {
    /// Candidates in routing order (the order the ladder walked them).
    pub candidates: Vec<CandidateTrace>,
    /// The fallback step, when no rule decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<FallbackTrace>,
}

/// The decision for one need.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct NeedDecision {
    /// The need.
    pub need: NeedCode,
    /// True for the household's primary need (prio-vraag).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
    /// Where it goes.
    pub outcome: Outcome,
    /// The rule that decided, if a rule did (not for the steunpilaar fallback or a gap without
    /// a `not_covered` rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleId>,
    /// The layer of that rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<Layer>,
    /// True when a candidate was passed over because the citizen already tried its service
    /// without success ("knows where but cannot get through"): this decision is the next step.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cannot_get_through: bool,
    /// Why, when routing was asked to trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<NeedTrace>,
}

impl NeedDecision {
    /// One line: the need, where it goes, and by which rule.
    pub fn summary(&self) -> String {
        let mut s = format!("{}", self.need);
        if self.primary {
            s.push_str(" (primary)");
        }
        let _ = write!(s, " -> {}", self.outcome);
        match (&self.rule, self.layer) {
            (Some(r), Some(l)) => {
                let _ = write!(s, ", rule `{r}` ({l} layer)");
            }
            (Some(r), None) => {
                let _ = write!(s, ", rule `{r}`");
            }
            _ => {
                if matches!(self.outcome, Outcome::Steunpilaar { fallback: true, .. }) {
                    s.push_str(": no rule decided");
                }
            }
        }
        if self.cannot_get_through {
            s.push_str(", because the citizen could not get through");
        }
        s
    }
}

/// How the coordinator was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CoordinatorBasis {
    /// The rule set names a coordinating role for the kern's area (e.g. the sociaal wijkteam).
    RuleSet,
    /// The organisation of the primary need's service.
    PrimaryNeed,
    /// The primary need has no service (a gap): the first need, in household order, that has one.
    FirstRoutedNeed,
}

/// A service and its organisation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Contact {
    /// The service.
    pub service: ServiceId,
    /// Its organisation.
    pub organisation: OrganisationId,
}

/// The household's coordinator (regisseur), named when its needs go to two or more
/// organisations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Coordinator {
    /// The coordinating service and organisation.
    #[serde(flatten)]
    pub contact: Contact,
    /// How it was chosen.
    pub basis: CoordinatorBasis,
}

/// One organisation's part in the joint plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct PlanPart {
    /// The organisation.
    pub organisation: OrganisationId,
    /// Its services involved, in order of first use.
    pub services: Vec<ServiceId>,
    /// The needs it takes, primary first.
    pub needs: Vec<NeedCode>,
}

/// The skeleton of the household's plan: always one first point of contact; and when the needs
/// go to two or more organisations (a joint plan, with a coordinator), who does what and what is
/// still open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct JointPlan {
    /// The household's single first point of contact: the coordinator when there is one, else
    /// the service of the first need (primary first) that has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_contact: Option<Contact>,
    /// Who does what, per organisation, in order of first appearance (primary need first).
    /// Filled for a joint plan (two or more organisations); empty when one organisation takes
    /// everything, as each need's outcome already says.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PlanPart>,
    /// Needs nobody takes (gaps), for the coordinator to follow up; filled for a joint plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_needs: Vec<NeedCode>,
}

impl JointPlan {
    /// The plan that follows from a household's need decisions and coordinator: the single
    /// first point of contact (the coordinator, else the service of the first need that has
    /// one, primary first); with a coordinator, also who does what per organisation in order of
    /// first appearance, and the needs still open (gaps).
    pub fn of(needs: &[NeedDecision], coordinator: Option<&Coordinator>) -> JointPlan {
        let Some(coordinator) = coordinator else {
            let first_contact = needs.iter().find_map(|n| {
                Some(Contact {
                    service: n.outcome.service()?.clone(),
                    organisation: n.outcome.organisation()?.clone(),
                })
            });
            return JointPlan {
                first_contact,
                ..JointPlan::default()
            };
        };
        let coordinator = Some(coordinator);
        let mut parts: Vec<PlanPart> = Vec::new();
        let mut open_needs = Vec::new();
        let mut first_contact = coordinator.map(|c| c.contact.clone());
        for n in needs {
            let (Some(service), Some(organisation)) =
                (n.outcome.service(), n.outcome.organisation())
            else {
                open_needs.push(n.need.clone());
                continue;
            };
            if first_contact.is_none() {
                first_contact = Some(Contact {
                    service: service.clone(),
                    organisation: organisation.clone(),
                });
            }
            match parts.iter_mut().find(|p| &p.organisation == organisation) {
                Some(part) => {
                    if !part.services.contains(service) {
                        part.services.push(service.clone());
                    }
                    part.needs.push(n.need.clone());
                }
                None => parts.push(PlanPart {
                    organisation: organisation.clone(),
                    services: vec![service.clone()],
                    needs: vec![n.need.clone()],
                }),
            }
        }
        JointPlan {
            first_contact,
            parts,
            open_needs,
        }
    }
}

/// The decision for a whole household: every need (primary first), one coordinator when
/// several organisations are involved, and the joint-plan skeleton. Deserialising checks that it
/// holds at least one need.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct HouseholdDecision {
    /// The case.
    pub case: CaseId,
    /// The kern it was routed in.
    pub kern: KernId,
    /// The date it was routed on (rules and contracts valid on this date).
    pub date: NaiveDate,
    /// One decision per need, primary first, then in the case's order. Never fewer than the
    /// case's needs.
    #[serde(deserialize_with = "non_empty_needs")]
    #[schemars(length(min = 1))]
    pub needs: Vec<NeedDecision>,
    /// The coordinator, when the needs go to two or more organisations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinator: Option<Coordinator>,
    /// The joint-plan skeleton: who does what, and the single first point of contact.
    pub plan: JointPlan,
    /// Services not to send the citizen to: tried without success (from the case's situation
    /// and from re-routing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avoided: Vec<TriedService>,
}

/// Reads the needs of a decision, refusing an empty list: a decision always holds at least
/// one need, so [`HouseholdDecision::primary`] cannot fail on one read from a file.
fn non_empty_needs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<NeedDecision>, D::Error> {
    let needs = Vec::<NeedDecision>::deserialize(d)?;
    if needs.is_empty() {
        return Err(serde::de::Error::custom("a decision has at least one need"));
    }
    Ok(needs)
}

impl HouseholdDecision {
    /// The decision for the primary need.
    ///
    /// A decision from a [`Router`](super::Router) or from deserialising always has one; this
    /// panics only on a decision assembled by hand with no needs.
    pub fn primary(&self) -> &NeedDecision {
        &self.needs[0]
    }

    /// The decision for one need, if the case has it.
    pub fn need(&self, need: &str) -> Option<&NeedDecision> {
        self.needs.iter().find(|n| n.need.as_str() == need)
    }

    /// A short readable explanation: one line per need, the coordinator and first contact,
    /// and, when traced, one indented line per candidate rule that lost.
    pub fn explain(&self) -> String {
        let mut s = format!(
            "case `{}` in `{}` on {}:\n",
            self.case, self.kern, self.date
        );
        for n in &self.needs {
            let _ = writeln!(s, "  {}", n.summary());
            if let Some(t) = &n.trace {
                for c in &t.candidates {
                    if c.verdict != Verdict::Decided {
                        let _ = writeln!(
                            s,
                            "      `{}` ({} layer, priority {}): {}",
                            c.rule, c.layer, c.priority, c.verdict
                        );
                    }
                }
                match &t.fallback {
                    Some(FallbackTrace::SteunpilaarSkipped { service, reason }) => {
                        let _ = writeln!(s, "      steunpilaar `{service}`: {reason}");
                    }
                    Some(FallbackTrace::NoSteunpilaar) => {
                        let _ = writeln!(s, "      no steunpilaar named for this kern");
                    }
                    _ => {}
                }
            }
        }
        if let Some(c) = &self.coordinator {
            let why = match c.basis {
                CoordinatorBasis::RuleSet => "named by the rule set",
                CoordinatorBasis::PrimaryNeed => "organisation of the primary need",
                CoordinatorBasis::FirstRoutedNeed => "first need with a service",
            };
            let _ = writeln!(
                s,
                "  coordinator: `{}` of `{}` ({why})",
                c.contact.service, c.contact.organisation
            );
        }
        match &self.plan.first_contact {
            Some(c) => {
                let _ = writeln!(s, "  first contact: `{}`", c.service);
            }
            None => s.push_str("  first contact: none\n"),
        }
        s
    }
}

impl fmt::Display for HouseholdDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain())
    }
}
