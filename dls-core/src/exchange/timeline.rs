//! The referrals of one household's timeline, with every status each went through: what the
//! FHIR and ZGW exports write. Events are read as evaluation reads them (ordered by dls,
//! checked), and moved through the life cycle ([`crate::lifecycle`]); an event that breaks it
//! is left out.

use chrono::{DateTime, NaiveTime, Utc};

use crate::events::{Activity, Event, RejectionReason};
use crate::ids::{NeedCode, OrganisationId, ServiceId};
use crate::lifecycle::{CaseMachine, TaskStatus};
use crate::routing::{HouseholdDecision, NeedDecision};

/// One status a referral went through.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub at: DateTime<Utc>,
    pub activity: Activity,
    pub status: TaskStatus,
    pub reason: Option<RejectionReason>,
    pub need: Option<NeedCode>,
}

/// One referral.
#[derive(Debug, Clone)]
pub(crate) struct Referral {
    pub organisation: Option<OrganisationId>,
    pub service: Option<ServiceId>,
    /// The index of the need (in `decision.needs`) it is for.
    pub need: usize,
    pub versions: Vec<Version>,
}

/// The need a referral is for: the first routed need whose service, else organisation, it
/// names; else the primary need; `None` when no need is routed.
fn need_for(
    decision: &HouseholdDecision,
    org: Option<&OrganisationId>,
    svc: Option<&ServiceId>,
) -> Option<usize> {
    let routed = |n: &NeedDecision| n.outcome.service().is_some();
    let by =
        |f: &dyn Fn(&NeedDecision) -> bool| decision.needs.iter().position(|n| routed(n) && f(n));
    svc.and_then(|s| by(&|n| n.outcome.service() == Some(s)))
        .or_else(|| org.and_then(|o| by(&|n| n.outcome.organisation() == Some(o))))
        .or_else(|| by(&|n| n.primary))
        .or_else(|| by(&|_| true))
}

/// Without events: one referral in `requested` on the decision's date per service the needs
/// go to, for the first need that goes there.
pub(crate) fn of_decision(decision: &HouseholdDecision) -> Vec<Referral> {
    let at = decision.date.and_time(NaiveTime::MIN).and_utc();
    let mut out: Vec<Referral> = Vec::new();
    for (i, n) in decision.needs.iter().enumerate() {
        let Some(s) = n.outcome.service() else {
            continue;
        };
        if out.iter().any(|r| r.service.as_ref() == Some(s)) {
            continue;
        }
        out.push(Referral {
            organisation: n.outcome.organisation().cloned(),
            service: Some(s.clone()),
            need: i,
            versions: vec![Version {
                at,
                activity: Activity::Referred,
                status: TaskStatus::Requested,
                reason: None,
                need: None,
            }],
        });
    }
    out
}

/// The referrals of the decision's case in `events` (other cases' events are ignored). None
/// when every need is a gap (no need for a referral to be for).
pub(crate) fn of_events(decision: &HouseholdDecision, events: &[Event]) -> Vec<Referral> {
    if need_for(decision, None, None).is_none() {
        return Vec::new();
    }
    let mine: Vec<&Event> = events.iter().filter(|e| e.case == decision.case).collect();
    let ordered = crate::evaluation::ingest_events(mine).log.events();
    let mut machine = CaseMachine::<usize>::default();
    let mut referrals: Vec<Referral> = Vec::new();
    // Organisations and services as small numbers for the machine (organisations are only
    // compared with organisations, services with services).
    let mut names: Vec<String> = Vec::new();
    let mut key = |s: Option<&str>| {
        s.map(|s| match names.iter().position(|n| n == s) {
            Some(i) => i,
            None => {
                names.push(s.to_owned());
                names.len() - 1
            }
        })
    };
    for e in &ordered {
        let org = key(e.organisation.as_ref().map(|o| o.as_str()));
        let svc = key(e.service.as_ref().map(|s| s.as_str()));
        let before: Vec<TaskStatus> = machine.referrals().iter().map(|r| r.status).collect();
        if machine.step(e.activity, org, svc).is_err() {
            continue;
        }
        for (i, r) in machine.referrals().iter().enumerate() {
            if before.get(i) == Some(&r.status) {
                continue;
            }
            let version = Version {
                at: e.at,
                activity: e.activity,
                status: r.status,
                reason: e.reason,
                need: e.need.clone(),
            };
            if i == referrals.len() {
                let need = need_for(decision, e.organisation.as_ref(), e.service.as_ref());
                referrals.push(Referral {
                    organisation: e.organisation.clone(),
                    service: e.service.clone(),
                    need: need.unwrap_or(0),
                    versions: vec![version],
                });
            } else {
                referrals[i].versions.push(version);
            }
        }
    }
    referrals
}
