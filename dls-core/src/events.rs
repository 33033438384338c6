//! The case timeline: what happened to a case, when (UTC), at which organisation or service.
//!
//! Events are the input of evaluation. They carry ids and codes only, never personal data.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{CaseId, KernId, NeedCode, OrganisationId, ServiceId};

/// What happened.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Activity {
    /// The case was opened (a hulpvraag arrived, or an early signal opened it).
    Opened,
    /// First contact between a worker and the citizen.
    FirstContact,
    /// Referred to a service.
    Referred,
    /// A service accepted the case.
    Accepted,
    /// A service rejected the case (with a reason).
    Rejected,
    /// A service did not respond to a referral.
    NoResponse,
    /// An acceptance undone later by the organisation that accepted (the case is sent back): the
    /// latest acceptance by the event's organisation that still stands (by any organisation when
    /// the event names none) no longer counts as the right place, and the bounce counts as one.
    Bounced,
    /// Escalated to an escalation body.
    Escalated,
    /// The citizen's question was resolved.
    Resolved,
    /// The case was closed.
    Closed,
    /// The case was reopened after closing.
    Reopened,
    /// Wmo melding: the citizen reported a need to the municipality (starts the 6-week clock).
    Melding,
    /// Formal application (aanvraag) for a decision (starts the decision clock).
    Aanvraag,
    /// The municipality took its decision (beschikking).
    Decision,
    /// A legal clock was suspended (e.g. waiting for information from the citizen).
    ClockSuspended,
    /// A suspended legal clock resumed.
    ClockResumed,
    /// A legal term was extended (with notice to the citizen).
    ClockExtended,
    /// The household withdrew (part of) its consent to share its case (see `consent`).
    ConsentWithdrawn,
    /// A worker tried to reach the citizen (a proactive case: a letter, a call, a visit at the
    /// door) without making contact yet.
    ContactAttempted,
    /// The citizen declined the help offered (a proactive case).
    HelpDeclined,
    /// An activity of a source log that maps to none of the above (see
    /// [`LogMapping`](crate::evaluation::LogMapping)): kept in its case, so it can start the case
    /// and counts as an event, but no metric or clock looks at it.
    Other,
}

pub(crate) use crate::ids::wire_names;

wire_names!(Activity, UnknownActivity, |_: &str| UnknownActivity;
    Opened => "opened",
    FirstContact => "first_contact",
    Referred => "referred",
    Accepted => "accepted",
    Rejected => "rejected",
    NoResponse => "no_response",
    Bounced => "bounced",
    Escalated => "escalated",
    Resolved => "resolved",
    Closed => "closed",
    Reopened => "reopened",
    Melding => "melding",
    Aanvraag => "aanvraag",
    Decision => "decision",
    ClockSuspended => "clock_suspended",
    ClockResumed => "clock_resumed",
    ClockExtended => "clock_extended",
    ConsentWithdrawn => "consent_withdrawn",
    ContactAttempted => "contact_attempted",
    HelpDeclined => "help_declined",
    Other => "other",
);

/// An activity name that is not known (the name given is not repeated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown activity")]
pub struct UnknownActivity;

/// Why a service rejected a case.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RejectionReason {
    /// Not the right service for this need.
    WrongService,
    /// Not eligible (age, income, framework, …).
    NotEligible,
    /// Outside the service's area.
    OutOfArea,
    /// No capacity.
    Full,
    /// Another organisation should take it first.
    OtherOrganisationFirst,
    /// Information missing.
    IncompleteInformation,
    /// Any other reason.
    Other,
}

wire_names!(RejectionReason, UnknownRejectionReason, |_: &str| UnknownRejectionReason;
    WrongService => "wrong_service",
    NotEligible => "not_eligible",
    OutOfArea => "out_of_area",
    Full => "full",
    OtherOrganisationFirst => "other_organisation_first",
    IncompleteInformation => "incomplete_information",
    Other => "other",
);

/// A rejection reason name that is not known (the name given is not repeated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown rejection reason")]
pub struct UnknownRejectionReason;

/// One event on a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The case.
    pub case: CaseId,
    /// When, in UTC (input may carry any offset; it is converted).
    pub at: DateTime<Utc>,
    /// What happened.
    pub activity: Activity,
    /// The organisation involved, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<OrganisationId>,
    /// The service involved, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceId>,
    /// The kern of the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kern: Option<KernId>,
    /// The need concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<NeedCode>,
    /// Why, for a rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RejectionReason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_names_round_trip() {
        for &a in Activity::ALL {
            assert_eq!(a.as_str().parse::<Activity>().unwrap(), a);
            assert_eq!(
                serde_json::to_string(&a).unwrap(),
                format!("\"{}\"", a.as_str())
            );
        }
        assert!("opend".parse::<Activity>().is_err());
        for &r in RejectionReason::ALL {
            assert_eq!(r.as_str().parse::<RejectionReason>().unwrap(), r);
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        let e = "a very long and wrong reason".parse::<RejectionReason>();
        assert_eq!(e.unwrap_err().to_string(), "unknown rejection reason");
    }

    #[test]
    fn timestamps_with_offset_become_utc() {
        let e: Event = serde_json::from_str(
            r#"{"case":"c1","at":"2026-03-29T03:30:00+02:00","activity":"opened"}"#,
        )
        .unwrap();
        assert_eq!(e.at.to_rfc3339(), "2026-03-29T01:30:00+00:00");
    }
}
