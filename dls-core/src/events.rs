//! The case timeline: what happened to a case, when (UTC), at which organisation or service.
//!
//! Events are the input of evaluation. They carry ids and codes only, never personal data.

use std::fmt;
use std::str::FromStr;

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
}

impl Activity {
    /// Every activity, in declaration order.
    pub const ALL: &'static [Activity] = &[
        Activity::Opened,
        Activity::FirstContact,
        Activity::Referred,
        Activity::Accepted,
        Activity::Rejected,
        Activity::NoResponse,
        Activity::Escalated,
        Activity::Resolved,
        Activity::Closed,
        Activity::Reopened,
        Activity::Melding,
        Activity::Aanvraag,
        Activity::Decision,
        Activity::ClockSuspended,
        Activity::ClockResumed,
        Activity::ClockExtended,
    ];

    /// The name as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Opened => "opened",
            Activity::FirstContact => "first_contact",
            Activity::Referred => "referred",
            Activity::Accepted => "accepted",
            Activity::Rejected => "rejected",
            Activity::NoResponse => "no_response",
            Activity::Escalated => "escalated",
            Activity::Resolved => "resolved",
            Activity::Closed => "closed",
            Activity::Reopened => "reopened",
            Activity::Melding => "melding",
            Activity::Aanvraag => "aanvraag",
            Activity::Decision => "decision",
            Activity::ClockSuspended => "clock_suspended",
            Activity::ClockResumed => "clock_resumed",
            Activity::ClockExtended => "clock_extended",
        }
    }
}

impl fmt::Display for Activity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An activity name that is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown activity `{0}`")]
pub struct UnknownActivity(pub String);

impl FromStr for Activity {
    type Err = UnknownActivity;
    fn from_str(s: &str) -> Result<Self, UnknownActivity> {
        Activity::ALL
            .iter()
            .copied()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownActivity(s.chars().take(40).collect()))
    }
}

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
