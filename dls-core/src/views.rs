//! Need-to-know views: what one organisation may see of a household's decision and timeline.
//!
//! Workers get the information they need quickly, and no more (AVG data minimisation). For one
//! organisation, [`view`] keeps:
//! - the needs routed to it, with where they go;
//! - the coordinator and the household's first contact;
//! - the household attributes the eligibility of its services and the conditions of the rules
//!   that sent the needs to it test (an attribute nothing of its own tests is withheld);
//! - the events of its own needs, the events it took part in, and the case-level events (those
//!   naming no need and no organisation);
//! - other organisations' needs and their events only where the household consented
//!   ([`crate::consent`]), on the view's date.
//!
//! The coordinator sees the plan (every need and where it goes, and every event); the
//! steunpilaar of the kern sees what the front door needs (every need and where it goes, the
//! urgency, and the case-level events). Each view lists what it withheld and why, so a worker
//! knows something exists without seeing it. A withheld need is named by its position in the
//! plan only, never by its code.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::attributes::{
    Age, AttributeName, AttributeValue, HouseholdType, LegalFramework, Signal, Urgency,
};
use crate::cases::Case;
use crate::conditions::Conditions;
use crate::consent::{ConsentScope, ConsentStatus, Consents};
use crate::directory::ServiceRole;
use crate::events::Event;
use crate::ids::{CaseId, KernId, NeedCode, OrganisationId, RuleId};
use crate::routing::{Contact, HouseholdDecision, Outcome};
use crate::rules::RuleSet;

/// A view that cannot be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ViewError {
    /// The organisation is not in the directory.
    #[error("unknown organisation `{organisation}` (not in the directory)")]
    UnknownOrganisation {
        /// The organisation asked for.
        organisation: String,
    },
    /// The organisation has no part in the household's plan: it is not routed a need, it does
    /// not coordinate, and it is not the kern's steunpilaar.
    #[error("organisation `{organisation}` has no part in case `{case}`")]
    NotInvolved {
        /// The organisation.
        organisation: OrganisationId,
        /// The case.
        case: CaseId,
    },
    /// The case, the decision, the consents or an event belong to different cases.
    #[error("{what} belongs to case `{found}`, not to case `{case}`")]
    OtherCase {
        /// The case of the decision.
        case: CaseId,
        /// The case found.
        found: CaseId,
        /// Which input (`case`, `consents`, `event 3`).
        what: String,
    },
}

/// The role an organisation views a household in. An organisation may hold several.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ViewRole {
    /// It is routed at least one need.
    Provider,
    /// It is the household's coordinator (regisseur).
    Coordinator,
    /// It is the steunpilaar (front door) of the household's kern, or takes a need as such.
    Steunpilaar,
}

crate::ids::wire_names!(
    ViewRole,
    "view role",
    display,
    [
        Provider = "provider",
        Coordinator = "coordinator",
        Steunpilaar = "steunpilaar"
    ]
);

/// Why a need is in a view.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "ground", rename_all = "snake_case")]
pub enum ViewGround {
    /// The need is routed to this organisation.
    RoutedHere,
    /// The organisation coordinates the household's plan.
    Coordinator,
    /// The organisation is the front door (steunpilaar).
    FrontDoor,
    /// The household consented to share it.
    Consent {
        /// The consent that allows it.
        scope: ConsentScope,
        /// Since when.
        since: NaiveDate,
    },
}

impl ViewGround {
    /// A short name: `routed_here`, `coordinator`, `front_door`, `consent`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            ViewGround::RoutedHere => "routed_here",
            ViewGround::Coordinator => "coordinator",
            ViewGround::FrontDoor => "front_door",
            ViewGround::Consent { .. } => "consent",
        }
    }
}

/// One need as a view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct VisibleNeed {
    /// Its position in the plan (0 is the primary need).
    pub position: usize,
    /// The need.
    pub need: NeedCode,
    /// True for the primary need.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub primary: bool,
    /// Where it goes.
    pub outcome: Outcome,
    /// The rule that decided, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleId>,
    /// Why this view shows it.
    pub ground: ViewGround,
}

/// The household attributes a view shows; `None` is withheld or not stated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct ViewAttributes {
    /// Age in whole years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<Age>,
    /// Household type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<HouseholdType>,
    /// Urgency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// Legal framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<LegalFramework>,
    /// Early signals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<Vec<Signal>>,
    /// Income as a percentage of the social minimum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_pct: Option<u16>,
    /// Declared attributes beyond the national ones (and declared words of national ones),
    /// by name, as the case states them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, AttributeValue>,
}

/// Something a view leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "item", rename_all = "snake_case")]
pub enum WithheldItem {
    /// A need of the plan, by its position (its code is withheld too).
    Need {
        /// Its position in the plan.
        position: usize,
    },
    /// A household attribute the case states.
    Attribute {
        /// The attribute.
        attribute: AttributeName,
    },
    /// Events of the timeline.
    Events {
        /// How many.
        count: usize,
    },
}

impl WithheldItem {
    /// Order in a view: needs by position, attributes in declaration order, then events.
    fn key(&self) -> (u8, usize) {
        match self {
            WithheldItem::Need { position } => (0, *position),
            WithheldItem::Attribute { attribute } => (1, national_position(attribute)),
            WithheldItem::Events { count } => (2, *count),
        }
    }
}

/// The national attributes in declaration order; declared ones follow them.
const NATIONAL: [AttributeName; 6] = [
    AttributeName::Age,
    AttributeName::Household,
    AttributeName::Urgency,
    AttributeName::Framework,
    AttributeName::Signals,
    AttributeName::IncomePct,
];

fn national_position(name: &AttributeName) -> usize {
    NATIONAL
        .iter()
        .position(|n| n == name)
        .unwrap_or(NATIONAL.len())
}

/// Why something is withheld.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum WithheldReason {
    /// It concerns another organisation's part and the household did not consent to share it.
    NoConsent,
    /// It concerns another organisation's part and the household withdrew its consent.
    ConsentWithdrawn {
        /// From when.
        on: NaiveDate,
    },
    /// Nothing this organisation does needs it.
    NotNeeded,
}

impl std::fmt::Display for WithheldReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WithheldReason::NoConsent => f.write_str("another organisation's part, no consent"),
            WithheldReason::ConsentWithdrawn { on } => {
                write!(f, "another organisation's part, consent withdrawn on {on}")
            }
            WithheldReason::NotNeeded => f.write_str("not needed for this organisation's part"),
        }
    }
}

/// One thing left out of a view, and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Withheld {
    /// What.
    #[serde(flatten)]
    pub item: WithheldItem,
    /// Why.
    #[serde(flatten)]
    pub reason: WithheldReason,
}

impl WithheldReason {
    /// A short name: `no_consent`, `consent_withdrawn`, `not_needed`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            WithheldReason::NoConsent => "no_consent",
            WithheldReason::ConsentWithdrawn { .. } => "consent_withdrawn",
            WithheldReason::NotNeeded => "not_needed",
        }
    }
}

impl Withheld {
    /// A compact code for tables and fixtures: `need:<position>:<reason>`,
    /// `attribute:<name>:<reason>`, or `events:<count>:<reason>`.
    pub fn code(&self) -> String {
        let r = self.reason.as_str();
        match &self.item {
            WithheldItem::Need { position } => format!("need:{position}:{r}"),
            WithheldItem::Attribute { attribute } => format!("attribute:{attribute}:{r}"),
            WithheldItem::Events { count } => format!("events:{count}:{r}"),
        }
    }
}

/// What one organisation sees of a household on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrganisationView {
    /// The organisation.
    pub organisation: OrganisationId,
    /// Its roles, in order (provider, coordinator, steunpilaar).
    pub roles: Vec<ViewRole>,
    /// The case (a pseudonym).
    pub case: CaseId,
    /// Its kern.
    pub kern: KernId,
    /// The date the view is for (consent on this date).
    pub as_of: NaiveDate,
    /// The needs shown, in plan order.
    pub needs: Vec<VisibleNeed>,
    /// The coordinator, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinator: Option<Contact>,
    /// The household's first contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_contact: Option<Contact>,
    /// The attributes shown.
    pub attributes: ViewAttributes,
    /// The events shown, in time order.
    pub events: Vec<Event>,
    /// What was left out, and why.
    pub withheld: Vec<Withheld>,
}

impl OrganisationView {
    /// True when the view holds the role.
    pub fn has_role(&self, role: ViewRole) -> bool {
        self.roles.contains(&role)
    }

    /// The fields the view discloses, as short names for the access log: `need:<position>`,
    /// `attribute:<name>`, `coordinator`, `first_contact`, `events:<count>`. Need codes are not
    /// named (a log entry should not tell more than the view's fact of access).
    pub fn fields(&self) -> Vec<String> {
        let mut f: Vec<String> = self
            .needs
            .iter()
            .map(|n| format!("need:{}", n.position))
            .collect();
        let a = &self.attributes;
        for (name, shown) in [
            (AttributeName::Age, a.age.is_some()),
            (AttributeName::Household, a.household.is_some()),
            (AttributeName::Urgency, a.urgency.is_some()),
            (AttributeName::Framework, a.framework.is_some()),
            (AttributeName::Signals, a.signals.is_some()),
            (AttributeName::IncomePct, a.income_pct.is_some()),
        ] {
            if shown {
                f.push(format!("attribute:{name}"));
            }
        }
        for name in a.extra.keys() {
            if NATIONAL.iter().all(|n| n.as_str() != name) {
                f.push(format!("attribute:{name}"));
            }
        }
        if self.coordinator.is_some() {
            f.push("coordinator".into());
        }
        if self.first_contact.is_some() {
            f.push("first_contact".into());
        }
        f.push(format!("events:{}", self.events.len()));
        f
    }

    /// The strongest ground of the view, for the access log: `coordinator`, `front_door`,
    /// `routed_here`, or `consent` when the organisation sees the household only by consent.
    pub fn ground(&self) -> &'static str {
        if self.has_role(ViewRole::Coordinator) {
            "coordinator"
        } else if self.has_role(ViewRole::Steunpilaar) {
            "front_door"
        } else if self.has_role(ViewRole::Provider) {
            "routed_here"
        } else {
            "consent"
        }
    }
}

/// The attributes a set of conditions tests.
fn tested(c: &Conditions, into: &mut Vec<AttributeName>) {
    if c.age.is_some() {
        into.push(AttributeName::Age);
    }
    if c.household.is_some() {
        into.push(AttributeName::Household);
    }
    if c.urgency.is_some() {
        into.push(AttributeName::Urgency);
    }
    if c.framework.is_some() {
        into.push(AttributeName::Framework);
    }
    if c.signals.is_some() {
        into.push(AttributeName::Signals);
    }
    if c.income_pct.is_some() {
        into.push(AttributeName::IncomePct);
    }
    for name in c.declared.keys() {
        into.push(AttributeName::new(name.as_str()));
    }
}

/// The view of `organisation` on a household on `as_of`: see the module docs for what it keeps.
///
/// `events` are the case's events (any order; those of other cases are refused); `consents` the
/// household's consent history ([`Consents::of_case`] when it has no events).
pub fn view(
    rules: &RuleSet,
    case: &Case,
    decision: &HouseholdDecision,
    events: &[Event],
    consents: &Consents,
    organisation: &str,
    as_of: NaiveDate,
) -> Result<OrganisationView, ViewError> {
    let directory = rules.directory();
    let Some(org) = directory.organisation(organisation) else {
        return Err(ViewError::UnknownOrganisation {
            organisation: organisation.chars().take(64).collect(),
        });
    };
    let org = org.id.clone();
    let other = |found: &CaseId, what: String| ViewError::OtherCase {
        case: decision.case.clone(),
        found: found.clone(),
        what,
    };
    if case.id() != &decision.case {
        return Err(other(case.id(), "case".into()));
    }
    if consents.case != decision.case {
        return Err(other(&consents.case, "consents".into()));
    }
    if let Some((i, e)) = events
        .iter()
        .enumerate()
        .find(|(_, e)| e.case != decision.case)
    {
        return Err(other(&e.case, format!("event {i}")));
    }

    let routed_here = |o: &Outcome| o.organisation() == Some(&org);
    let mut roles = Vec::new();
    if decision
        .needs
        .iter()
        .any(|n| routed_here(&n.outcome) && !matches!(n.outcome, Outcome::Steunpilaar { .. }))
    {
        roles.push(ViewRole::Provider);
    }
    let coordinates = match &decision.coordinator {
        Some(c) => c.contact.organisation == org,
        None => false,
    };
    if coordinates {
        roles.push(ViewRole::Coordinator);
    }
    let kern_steunpilaar = rules
        .steunpilaar(&decision.kern)
        .and_then(|s| directory.service(s.as_str()))
        .is_some_and(|s| s.organisation == org && s.role == ServiceRole::Steunpilaar);
    let front_door = kern_steunpilaar
        || decision
            .needs
            .iter()
            .any(|n| routed_here(&n.outcome) && matches!(n.outcome, Outcome::Steunpilaar { .. }));
    if front_door {
        roles.push(ViewRole::Steunpilaar);
    }

    let mut needs = Vec::new();
    let mut withheld = Vec::new();
    let mut needed = Vec::new();
    for (position, n) in decision.needs.iter().enumerate() {
        let ground = if routed_here(&n.outcome) {
            Some(ViewGround::RoutedHere)
        } else if coordinates {
            Some(ViewGround::Coordinator)
        } else if front_door {
            Some(ViewGround::FrontDoor)
        } else {
            match consents.status(&org, Some(&n.need), as_of) {
                ConsentStatus::Given { scope, since } => Some(ViewGround::Consent { scope, since }),
                ConsentStatus::Withdrawn { on, .. } => {
                    withheld.push(Withheld {
                        item: WithheldItem::Need { position },
                        reason: WithheldReason::ConsentWithdrawn { on },
                    });
                    None
                }
                ConsentStatus::None => {
                    withheld.push(Withheld {
                        item: WithheldItem::Need { position },
                        reason: WithheldReason::NoConsent,
                    });
                    None
                }
            }
        };
        let Some(ground) = ground else { continue };
        if ground == ViewGround::RoutedHere {
            if let Some(s) = n
                .outcome
                .service()
                .and_then(|s| directory.service(s.as_str()))
            {
                tested(&s.eligibility, &mut needed);
            }
            if let Some(r) = &n.rule {
                if let Some(rule) = rules.data().rules.iter().find(|x| &x.id == r) {
                    tested(&rule.when, &mut needed);
                }
            }
        }
        needs.push(VisibleNeed {
            position,
            need: n.need.clone(),
            primary: n.primary,
            outcome: n.outcome.clone(),
            rule: n.rule.clone(),
            ground,
        });
    }
    if roles.is_empty() && needs.is_empty() {
        return Err(ViewError::NotInvolved {
            organisation: org,
            case: decision.case.clone(),
        });
    }
    if front_door {
        needed.push(AttributeName::Urgency);
    }

    let a = case.attributes();
    let mut attributes = ViewAttributes::default();
    let mut stated = Vec::new();
    if a.age.is_some() {
        stated.push(AttributeName::Age);
    }
    if a.household.is_some() {
        stated.push(AttributeName::Household);
    }
    stated.push(AttributeName::Urgency);
    if a.framework.is_some() {
        stated.push(AttributeName::Framework);
    }
    if !a.signals.is_empty() {
        stated.push(AttributeName::Signals);
    }
    if a.income_pct.is_some() {
        stated.push(AttributeName::IncomePct);
    }
    for name in a.extra.keys() {
        if NATIONAL.iter().all(|n| n.as_str() != name) {
            stated.push(AttributeName::new(name.as_str()));
        }
    }
    for name in stated {
        if !needed.contains(&name) {
            withheld.push(Withheld {
                item: WithheldItem::Attribute { attribute: name },
                reason: WithheldReason::NotNeeded,
            });
            continue;
        }
        match name.as_str() {
            "age" => attributes.age = a.age,
            "household" => attributes.household = a.household,
            "urgency" => attributes.urgency = Some(a.urgency),
            "framework" => attributes.framework = a.framework,
            "signals" => attributes.signals = Some(a.signals.clone()),
            "income_pct" => attributes.income_pct = a.income_pct,
            _ => {}
        }
        // a declared attribute, or a declared word of a national one, travels as stated
        if let Some(value) = a.extra.get(name.as_str()) {
            attributes
                .extra
                .insert(name.as_str().to_string(), value.clone());
        }
    }

    // events: the coordinator sees the timeline; others see their own and the visible needs'
    // (the front door sees where each need goes, not what happened to it there)
    let visible: Vec<&NeedCode> = needs
        .iter()
        .filter(|n| n.ground != ViewGround::FrontDoor)
        .map(|n| &n.need)
        .collect();
    let mut shown = Vec::new();
    let mut left_out: std::collections::BTreeMap<WithheldReason, usize> = Default::default();
    for e in events {
        let keep = coordinates
            || e.organisation.as_ref() == Some(&org)
            || e.need.as_ref().is_some_and(|n| visible.contains(&n))
            || (e.need.is_none() && e.organisation.is_none())
            || (!front_door && consents.status(&org, e.need.as_ref(), as_of).allows());
        if keep {
            shown.push(e.clone());
            continue;
        }
        let reason = if front_door {
            WithheldReason::NotNeeded
        } else {
            match consents.status(&org, e.need.as_ref(), as_of) {
                ConsentStatus::Withdrawn { on, .. } => WithheldReason::ConsentWithdrawn { on },
                // consent covers the event's need but not the organisation's other events
                _ => WithheldReason::NoConsent,
            }
        };
        *left_out.entry(reason).or_default() += 1;
    }
    for (reason, count) in left_out {
        withheld.push(Withheld {
            item: WithheldItem::Events { count },
            reason,
        });
    }
    shown.sort_by(|x, y| {
        (x.at, x.activity, &x.organisation, &x.service, &x.need).cmp(&(
            y.at,
            y.activity,
            &y.organisation,
            &y.service,
            &y.need,
        ))
    });
    withheld.sort_by(|x, y| (x.item.key(), &x.reason).cmp(&(y.item.key(), &y.reason)));

    Ok(OrganisationView {
        organisation: org,
        roles,
        case: decision.case.clone(),
        kern: decision.kern.clone(),
        as_of,
        needs,
        coordinator: decision.coordinator.as_ref().map(|c| c.contact.clone()),
        first_contact: decision.plan.first_contact.clone(),
        attributes,
        events: shown,
        withheld,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        crate::ids::assert_wire_names!(ViewRole);
    }
}
