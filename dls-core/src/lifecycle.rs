//! The referral life cycle: what may happen to a referral, and in which order. Its states are
//! the FHIR R4 Task statuses a referral can have ([`TaskStatus`]); dls's events move a referral
//! between them ([`ACTIVITY_STATUS`]); the transitions allowed are data ([`TRANSITIONS`]).
//!
//! A case holds one referral per organisation and service it was referred to. The machine of a
//! case ([`CaseMachine`]) reads the case's events in time order and says, for each, whether it
//! fits:
//!
//! - `referred` starts a referral (`requested`), to a service and organisation that have no
//!   referral still open (a referral that ended, `rejected`, `failed`, `cancelled` or
//!   `completed`, may start again: a loop);
//! - `accepted` → `accepted`, `rejected` → `rejected` (with its reason), `no_response` →
//!   `failed` (no answer within the term), `bounced` → `cancelled` (by the performer): each
//!   moves the referral it names (by service, else organisation, else the latest referral),
//!   and only along an allowed transition;
//! - `resolved` → `completed` is the case's event (the citizen's question was resolved, often
//!   recorded by whoever decided, e.g. the municipality): it completes the referral it names
//!   when that one may complete, otherwise every referral that may complete, and is never out
//!   of place by itself;
//! - `closed` closes the case: every later event but `reopened` is out of place; `reopened` is
//!   out of place unless the case is closed;
//! - other events (`opened`, `first_contact`, the legal clocks, `escalated`, …) move no referral.
//!
//! An event that does not fit is a [`Breach`]; it leaves the machine as it was, so the events
//! after it are judged as if it had not happened (and rejecting it changes nothing for them).
//! Evaluation reports breaches as [`LifecycleAnomaly`]s with their row, and strict ingest
//! rejects them (see [`Ingested::strict`](crate::evaluation::Ingested::strict)).
//!
//! ```
//! use dls_core::events::Activity;
//! use dls_core::lifecycle::{Breach, CaseMachine, TaskStatus};
//!
//! let mut m = CaseMachine::default();
//! // `accepted` with no referral before it.
//! assert_eq!(m.step(Activity::Accepted, Some("gem"), None), Err(Breach::NoReferral));
//! m.step(Activity::Referred, Some("gem"), Some("wmo-loket")).unwrap();
//! m.step(Activity::Accepted, Some("gem"), Some("wmo-loket")).unwrap();
//! assert_eq!(m.referrals()[0].status, TaskStatus::Accepted);
//! m.step(Activity::Closed, None, None).unwrap();
//! assert_eq!(m.step(Activity::Rejected, Some("gem"), None), Err(Breach::AfterClosed));
//! m.step(Activity::Reopened, None, None).unwrap();
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::events::Activity;
use crate::ids::wire_names;

/// The status of one referral: the FHIR R4 Task statuses a referral can have (`draft`, `ready`
/// and `entered-in-error` are not used by dls). The wire names are the FHIR codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TaskStatus {
    /// Referred; the service's answer is sought.
    #[serde(rename = "requested")]
    Requested,
    /// The service has the referral and is judging it.
    #[serde(rename = "received")]
    Received,
    /// The service agreed to help and has not started yet.
    #[serde(rename = "accepted")]
    Accepted,
    /// The service declined (with a reason).
    #[serde(rename = "rejected")]
    Rejected,
    /// The service is helping.
    #[serde(rename = "in-progress")]
    InProgress,
    /// Help started and is paused.
    #[serde(rename = "on-hold")]
    OnHold,
    /// Help is done (the question was resolved).
    #[serde(rename = "completed")]
    Completed,
    /// Ended before it was done: the service sent the case back (`bounced`).
    #[serde(rename = "cancelled")]
    Cancelled,
    /// Ended without an answer or without result (`no_response`).
    #[serde(rename = "failed")]
    Failed,
}

wire_names!(TaskStatus, LifecycleError, |_: &str| LifecycleError::UnknownStatus;
    Requested => "requested",
    Received => "received",
    Accepted => "accepted",
    Rejected => "rejected",
    InProgress => "in-progress",
    OnHold => "on-hold",
    Completed => "completed",
    Cancelled => "cancelled",
    Failed => "failed",
);

impl TaskStatus {
    /// True for a status no transition leaves: `rejected`, `completed`, `cancelled`, `failed`.
    pub fn is_final(self) -> bool {
        !TRANSITIONS.iter().any(|&(from, _)| from == self)
    }
}

/// A status name that is not one of the [`TaskStatus`] codes (the name given is not repeated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LifecycleError {
    /// Not a FHIR Task status dls uses.
    #[error("unknown task status: use one of `requested`, `received`, `accepted`, `rejected`, `in-progress`, `on-hold`, `completed`, `cancelled`, `failed`")]
    UnknownStatus,
}

/// The transitions a referral may make, `(from, to)`: the FHIR R4 Task state machine
/// (task.html, "Task state machine") over the statuses dls uses, where `ready` (between
/// `accepted` and `in-progress`) is not kept, so `accepted → in-progress` stands for the two
/// steps, and with the steps dls's events need that the diagram leaves out:
///
/// - `requested`/`received → failed`: `no_response`, no answer within the term (the issue's
///   mapping; FHIR defines `failed` as "attempted but could not be completed", so a partner
///   reading strictly would expect `cancelled` or `rejected` here: dls keeps `failed` and says
///   `no_response` in `businessStatus`);
/// - `accepted → completed`: resolved without a reported start (FHIR goes through
///   `in-progress`, which dls's events do not report);
/// - `in-progress`/`on-hold → cancelled`: `bounced`, the service sent the case back after it
///   started (FHIR's `cancelled` is "not completed", reached in the diagram only before work
///   starts);
/// - `on-hold → failed`: paused help that can no longer go on.
///
/// Everything else follows the diagram and the status definitions: `rejected` only before
/// work starts (from `requested` or `received`), `on-hold` only from `in-progress`, and
/// `rejected`, `completed`, `cancelled` and `failed` final. `dls-core/tests/lifecycle.rs`
/// checks all 81 pairs against the diagram's list and these additions, written there by hand.
pub const TRANSITIONS: &[(TaskStatus, TaskStatus)] = {
    use TaskStatus::*;
    &[
        (Requested, Received),
        (Requested, Accepted),
        (Requested, Rejected),
        (Requested, Cancelled),
        (Requested, Failed),
        (Received, Accepted),
        (Received, Rejected),
        (Received, Cancelled),
        (Received, Failed),
        (Accepted, InProgress),
        (Accepted, Completed),
        (Accepted, Cancelled),
        (InProgress, OnHold),
        (InProgress, Completed),
        (InProgress, Cancelled),
        (InProgress, Failed),
        (OnHold, InProgress),
        (OnHold, Cancelled),
        (OnHold, Failed),
    ]
};

/// The status each referral event moves its referral to (`referred` starts a referral in
/// `requested`). Other activities move no referral.
pub const ACTIVITY_STATUS: &[(Activity, TaskStatus)] = &[
    (Activity::Referred, TaskStatus::Requested),
    (Activity::Accepted, TaskStatus::Accepted),
    (Activity::Rejected, TaskStatus::Rejected),
    (Activity::NoResponse, TaskStatus::Failed),
    (Activity::Bounced, TaskStatus::Cancelled),
    (Activity::Resolved, TaskStatus::Completed),
];

/// The status `activity` moves a referral to, if it moves one.
pub fn status_of(activity: Activity) -> Option<TaskStatus> {
    ACTIVITY_STATUS
        .iter()
        .find(|&&(a, _)| a == activity)
        .map(|&(_, s)| s)
}

/// The event that moves a referral to `status`, where dls has one (`received`, `in-progress`
/// and `on-hold` have none).
pub fn activity_of(status: TaskStatus) -> Option<Activity> {
    ACTIVITY_STATUS
        .iter()
        .find(|&&(_, s)| s == status)
        .map(|&(a, _)| a)
}

/// True when a referral may go from `from` to `to`.
pub fn allowed(from: TaskStatus, to: TaskStatus) -> bool {
    TRANSITIONS.contains(&(from, to))
}

/// Why an event does not fit the life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "breach", rename_all = "snake_case")]
pub enum Breach {
    /// A referral event (`accepted`, `rejected`, `no_response`, `bounced`) with no referral to
    /// what it names before it.
    NoReferral,
    /// A referral event whose referral is in a status it may not leave that way (e.g.
    /// `accepted` after `rejected`).
    Transition {
        /// The referral's status.
        from: TaskStatus,
        /// The status the event would move it to.
        to: TaskStatus,
    },
    /// `referred` to a service whose referral is still open.
    StillOpen {
        /// The open referral's status.
        status: TaskStatus,
    },
    /// An event after `closed` (other than `reopened`).
    AfterClosed,
    /// `reopened` while the case is not closed.
    NotClosed,
}

impl Breach {
    /// The short name of the kind of breach (the JSON tag): `no_referral`, `transition`,
    /// `still_open`, `after_closed` or `not_closed`.
    pub const fn kind(&self) -> &'static str {
        match self {
            Breach::NoReferral => "no_referral",
            Breach::Transition { .. } => "transition",
            Breach::StillOpen { .. } => "still_open",
            Breach::AfterClosed => "after_closed",
            Breach::NotClosed => "not_closed",
        }
    }
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Breach::NoReferral => f.write_str("no referral to what it names before it"),
            Breach::Transition { from, to } => {
                write!(f, "a referral cannot go from `{from}` to `{to}`")
            }
            Breach::StillOpen { status } => {
                write!(f, "the referral before it is still open (`{status}`)")
            }
            Breach::AfterClosed => f.write_str("the case is closed"),
            Breach::NotClosed => f.write_str("the case is not closed"),
        }
    }
}

/// One referral of a case: to whom, and its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral<K> {
    /// The organisation referred to, if named.
    pub organisation: Option<K>,
    /// The service referred to, if named.
    pub service: Option<K>,
    /// Its status now.
    pub status: TaskStatus,
}

/// The life-cycle state of one case: its referrals (in the order they started) and whether it
/// is closed. `K` is how organisations and services are named (`&str`, an interned number, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseMachine<K> {
    referrals: Vec<Referral<K>>,
    closed: bool,
}

impl<K> Default for CaseMachine<K> {
    fn default() -> Self {
        CaseMachine {
            referrals: Vec::new(),
            closed: false,
        }
    }
}

impl<K: Copy + Eq> CaseMachine<K> {
    /// The referrals so far, in the order they started.
    pub fn referrals(&self) -> &[Referral<K>] {
        &self.referrals
    }

    /// True when the case is closed.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// The index of the latest referral that `organisation` and `service` name (each, when
    /// given, equal to the referral's, when the referral has one).
    fn find(&self, organisation: Option<K>, service: Option<K>) -> Option<usize> {
        let fits = |want: Option<K>, have: Option<K>| match (want, have) {
            (Some(w), Some(h)) => w == h,
            _ => true,
        };
        // A service named picks its referral before an organisation alone does.
        self.referrals
            .iter()
            .rposition(|r| {
                service.is_some() && r.service == service && fits(organisation, r.organisation)
            })
            .or_else(|| {
                self.referrals
                    .iter()
                    .rposition(|r| fits(organisation, r.organisation) && fits(service, r.service))
            })
    }

    /// Applies one event of the case (events in time order). Returns the index of the referral
    /// it moved or started, if any; a [`Breach`] leaves the machine as it was.
    pub fn step(
        &mut self,
        activity: Activity,
        organisation: Option<K>,
        service: Option<K>,
    ) -> Result<Option<usize>, Breach> {
        if self.closed {
            if activity == Activity::Reopened {
                self.closed = false;
                return Ok(None);
            }
            return Err(Breach::AfterClosed);
        }
        match activity {
            Activity::Closed => {
                self.closed = true;
                return Ok(None);
            }
            Activity::Reopened => return Err(Breach::NotClosed),
            Activity::Resolved => {
                let done = TaskStatus::Completed;
                let named = (organisation.is_some() || service.is_some())
                    .then(|| self.find(organisation, service))
                    .flatten()
                    .filter(|&i| allowed(self.referrals[i].status, done));
                if let Some(i) = named {
                    self.referrals[i].status = done;
                    return Ok(Some(i));
                }
                for r in &mut self.referrals {
                    if allowed(r.status, done) {
                        r.status = done;
                    }
                }
                return Ok(None);
            }
            _ => {}
        }
        let Some(to) = status_of(activity) else {
            return Ok(None);
        };
        let found = self.find(organisation, service);
        if activity == Activity::Referred {
            // The referral to this service (or organisation) that is still open, if any.
            let open = self.referrals.iter().rposition(|r| {
                !r.status.is_final()
                    && match (service, r.service) {
                        (Some(a), Some(b)) => a == b,
                        _ => organisation.is_some() && organisation == r.organisation,
                    }
            });
            if let Some(i) = open {
                return Err(Breach::StillOpen {
                    status: self.referrals[i].status,
                });
            }
            self.referrals.push(Referral {
                organisation,
                service,
                status: to,
            });
            return Ok(Some(self.referrals.len() - 1));
        }
        let i = found.ok_or(Breach::NoReferral)?;
        let from = self.referrals[i].status;
        if !allowed(from, to) {
            return Err(Breach::Transition { from, to });
        }
        self.referrals[i].status = to;
        Ok(Some(i))
    }
}

/// An event of an event log that does not fit the life cycle: where (its row), what, and why.
/// Carries no value of the row but its activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleAnomaly {
    /// The row number, as in [`RejectedRow`](crate::evaluation::RejectedRow).
    pub row: u64,
    /// The event's activity.
    pub activity: Activity,
    /// Why it does not fit.
    #[serde(flatten)]
    pub breach: Breach,
}

impl fmt::Display for LifecycleAnomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "row {}: `{}` breaks the referral life cycle ({}): {}",
            self.row,
            self.activity,
            self.breach.kind(),
            self.breach
        )
    }
}

/// Runs the machine over the events of an event log in columns (ids interned as numbers,
/// `u32::MAX` for none): `cases[c]` are the event indexes of case `c` in time order. Returns
/// each anomaly with the index of its event.
pub(crate) fn check_columns<'a>(
    cases: impl Iterator<Item = &'a [u32]>,
    activity: &[Activity],
    organisation: &[u32],
    service: &[u32],
    row: impl Fn(usize) -> u64,
) -> Vec<(u32, LifecycleAnomaly)> {
    let id = |v: u32| (v != u32::MAX).then_some(v);
    let mut out = Vec::new();
    let mut m = CaseMachine::<u32>::default();
    for events in cases {
        m.referrals.clear();
        m.closed = false;
        for &e in events {
            let i = e as usize;
            if let Err(breach) = m.step(activity[i], id(organisation[i]), id(service[i])) {
                out.push((
                    e,
                    LifecycleAnomaly {
                        row: row(i),
                        activity: activity[i],
                        breach,
                    },
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_fhir_codes() {
        for &s in TaskStatus::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::from(s.as_str())
            );
            assert_eq!(s.as_str().parse::<TaskStatus>(), Ok(s));
        }
        assert_eq!(
            "draft".parse::<TaskStatus>().unwrap_err().to_string(),
            "unknown task status: use one of `requested`, `received`, `accepted`, `rejected`, `in-progress`, `on-hold`, `completed`, `cancelled`, `failed`"
        );
    }

    #[test]
    fn a_breach_leaves_the_machine_as_it_was() {
        let mut m = CaseMachine::<u32>::default();
        m.step(Activity::Referred, Some(1), Some(10)).unwrap();
        m.step(Activity::Rejected, Some(1), Some(10)).unwrap();
        let before = m.clone();
        assert_eq!(
            m.step(Activity::Accepted, Some(1), Some(10)),
            Err(Breach::Transition {
                from: TaskStatus::Rejected,
                to: TaskStatus::Accepted
            })
        );
        assert_eq!(m, before);
        // A loop: referred again after the rejection starts a new referral.
        assert_eq!(m.step(Activity::Referred, Some(1), Some(10)), Ok(Some(1)));
        assert_eq!(
            m.step(Activity::Referred, Some(1), Some(10)),
            Err(Breach::StillOpen {
                status: TaskStatus::Requested
            })
        );
        assert_eq!(m.step(Activity::Accepted, Some(1), None), Ok(Some(1)));
        // The case's own `resolved` completes what may complete.
        m.step(Activity::Resolved, None, None).unwrap();
        assert_eq!(m.referrals()[1].status, TaskStatus::Completed);
        assert_eq!(m.referrals()[0].status, TaskStatus::Rejected);
    }

    #[test]
    fn anomalies_render_without_values() {
        let a = LifecycleAnomaly {
            row: 7,
            activity: Activity::Accepted,
            breach: Breach::NoReferral,
        };
        assert_eq!(
            a.to_string(),
            "row 7: `accepted` breaks the referral life cycle (no_referral): no referral to what it names before it"
        );
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"row": 7, "activity": "accepted", "breach": "no_referral"})
        );
    }
}
