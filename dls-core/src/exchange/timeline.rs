//! The referrals of one household's timeline, with every status each went through: what the
//! FHIR and ZGW exports write. Events are read as evaluation reads them (ordered by dls,
//! checked), and moved through the life cycle ([`crate::lifecycle`]); an event that breaks it
//! is left out.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveTime, Utc};

use crate::evaluation::ingest::{activity_rank, MAX_SECS, MIN_SECS};
use crate::events::{Activity, Event, RejectionReason};
use crate::ids::{CaseId, NeedCode, OrganisationId, ServiceId};
use crate::lifecycle::{CaseMachine, TaskStatus};
use crate::limits::MAX_EVENTS_PER_CASE;
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
pub(crate) fn of_events<'a>(decision: &HouseholdDecision, events: &'a [Event]) -> Vec<Referral> {
    if need_for(decision, None, None).is_none() {
        return Vec::new();
    }
    let ordered = ordered(&decision.case, events);
    let mut machine = CaseMachine::<usize>::default();
    let mut referrals: Vec<Referral> = Vec::new();
    // Organisations and services as small numbers for the machine (organisations are only
    // compared with organisations, services with services).
    let mut names: Vec<&str> = Vec::new();
    let mut key = |s: Option<&'a str>| {
        s.map(|s| match names.iter().position(|n| *n == s) {
            Some(i) => i,
            None => {
                names.push(s);
                names.len() - 1
            }
        })
    };
    let mut before: Vec<TaskStatus> = Vec::new();
    for o in &ordered {
        let e = o.event;
        let org = key(e.organisation.as_ref().map(|o| o.as_str()));
        let svc = key(e.service.as_ref().map(|s| s.as_str()));
        before.clear();
        before.extend(machine.referrals().iter().map(|r| r.status));
        if machine.step(e.activity, org, svc).is_err() {
            continue;
        }
        for (i, r) in machine.referrals().iter().enumerate() {
            if before.get(i) == Some(&r.status) {
                continue;
            }
            let version = Version {
                at: o.at,
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

/// One event of the case as evaluation keeps it: its instant in whole microseconds (what the
/// event log holds) and the event.
pub(crate) struct Ordered<'a> {
    pub at: DateTime<Utc>,
    pub event: &'a Event,
}

/// The events of `case` that evaluation would keep, in its order: what
/// [`ingest_events`](crate::evaluation::ingest_events) makes of them (see "Order" and "Checks"
/// in [`crate::evaluation::ingest`]), without building an event log for one household's few
/// events. Ordered by instant (whole microseconds), the activity's life-cycle rank, content (an
/// event stating case attributes first; organisation, service, need, reason, kern), then input
/// position; an event at an instant the log cannot hold, before the case's `opened` (or of a
/// case without one), a second `opened`, an exact repeat, or past the per-case limit is left
/// out. `of_events_matches_evaluation` checks this against the event log on random timelines.
fn ordered<'a>(case: &CaseId, events: &'a [Event]) -> Vec<Ordered<'a>> {
    struct Keyed<'a> {
        micros: i64,
        rank: u8,
        pos: usize,
        event: &'a Event,
    }
    let mut mine: Vec<Keyed<'a>> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.case == *case)
        .filter_map(|(pos, e)| {
            let micros = e.at.timestamp_micros();
            (MIN_SECS..=MAX_SECS)
                .contains(&micros.div_euclid(1_000_000))
                .then(|| Keyed {
                    micros,
                    rank: activity_rank(e.activity),
                    pos,
                    event: e,
                })
        })
        .collect();
    /// The content an event is ordered by after its instant and activity.
    type Content<'e> = (
        bool,
        Option<&'e str>,
        Option<&'e str>,
        Option<&'e str>,
        Option<RejectionReason>,
        Option<(Option<&'e str>, Option<&'e str>)>,
    );
    fn content(e: &Event) -> Content<'_> {
        let attrs = (e.kern.is_some() || e.need.is_some()).then(|| {
            (
                e.kern.as_ref().map(|k| k.as_str()),
                e.need.as_ref().map(|n| n.as_str()),
            )
        });
        (
            attrs.is_none(),
            e.organisation.as_ref().map(|o| o.as_str()),
            e.service.as_ref().map(|s| s.as_str()),
            e.need.as_ref().map(|n| n.as_str()),
            e.reason,
            attrs,
        )
    }
    let cmp = |a: &Keyed<'_>, b: &Keyed<'_>| -> Ordering {
        (a.micros, a.rank)
            .cmp(&(b.micros, b.rank))
            .then_with(|| content(a.event).cmp(&content(b.event)))
            .then(a.pos.cmp(&b.pos))
    };
    if !mine.is_sorted_by(|a, b| cmp(a, b).is_le()) {
        mine.sort_unstable_by(cmp);
    }
    let mut kept: Vec<(i64, &'a Event)> = Vec::with_capacity(mine.len());
    for k in mine {
        let e = k.event;
        if kept.is_empty() {
            if e.activity == Activity::Opened {
                kept.push((k.micros, e));
            }
            continue;
        }
        let duplicate = kept
            .iter()
            .rev()
            .take_while(|(m, _)| *m == k.micros)
            .any(|(_, x)| {
                x.activity == e.activity
                    && x.organisation == e.organisation
                    && x.service == e.service
                    && x.need == e.need
                    && x.reason == e.reason
            });
        if kept.len() < MAX_EVENTS_PER_CASE && !duplicate && e.activity != Activity::Opened {
            kept.push((k.micros, e));
        }
    }
    kept.into_iter()
        .map(|(micros, event)| Ordered {
            at: DateTime::<Utc>::from_timestamp_micros(micros).unwrap_or_default(),
            event,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Activity;
    use crate::rng::SplitMix64;

    /// What the export used before: the case's events through the whole event-log ingest.
    fn by_the_event_log(case: &CaseId, events: &[Event]) -> Vec<Event> {
        let mine: Vec<&Event> = events.iter().filter(|e| e.case == *case).collect();
        crate::evaluation::ingest_events(mine).log.events()
    }

    /// Random timelines of two cases over few instants, names and activities (so ties,
    /// repeats, missing and second `opened`s are common): the events kept, their order and
    /// their instants are the event log's.
    #[test]
    fn of_events_matches_evaluation() {
        let mut rng = SplitMix64(14);
        let cases: [CaseId; 2] = ["hh-1".parse().unwrap(), "hh-2".parse().unwrap()];
        let pick = |rng: &mut SplitMix64, n: u64| (rng.next_u64() % n) as usize;
        for round in 0..3000 {
            let n = pick(&mut rng, 14);
            let events: Vec<Event> = (0..n)
                .map(|_| {
                    let opt = |rng: &mut SplitMix64, names: &[&str]| {
                        let i = pick(rng, names.len() as u64 + 1);
                        names.get(i).map(|s| s.to_string())
                    };
                    // Instants a few seconds apart, some with sub-microsecond parts.
                    let secs = 1_772_000_000 + pick(&mut rng, 4) as i64;
                    let nanos = [0, 1_000, 1_500, 999_999_999][pick(&mut rng, 4)];
                    Event {
                        case: cases[pick(&mut rng, 5).min(1)].clone(),
                        at: DateTime::from_timestamp(secs, nanos).unwrap(),
                        activity: Activity::ALL[pick(&mut rng, Activity::ALL.len() as u64)],
                        organisation: opt(&mut rng, &["gem", "wijk"]).map(|s| s.parse().unwrap()),
                        service: opt(&mut rng, &["wmo", "schuld"]).map(|s| s.parse().unwrap()),
                        kern: opt(&mut rng, &["hoofddorp"]).map(|s| s.parse().unwrap()),
                        need: opt(&mut rng, &["zorg.a", "zorg.b"]).map(|s| s.parse().unwrap()),
                        reason: [
                            None,
                            Some(RejectionReason::ALL[0]),
                            Some(RejectionReason::ALL[1]),
                        ][pick(&mut rng, 3)],
                    }
                })
                .collect();
            // Most rounds open the case first so that more than `opened` is kept.
            let mut events = events;
            if round % 4 != 0 {
                events.insert(
                    pick(&mut rng, events.len() as u64 + 1),
                    Event {
                        case: cases[0].clone(),
                        at: DateTime::from_timestamp(1_772_000_000, 0).unwrap(),
                        activity: Activity::Opened,
                        organisation: None,
                        service: None,
                        kern: None,
                        need: None,
                        reason: None,
                    },
                );
            }
            let want = by_the_event_log(&cases[0], &events);
            let got = ordered(&cases[0], &events);
            let key = |at: &DateTime<Utc>, e: &Event| {
                (
                    *at,
                    e.activity,
                    e.organisation.clone(),
                    e.service.clone(),
                    e.need.clone(),
                    e.reason,
                )
            };
            let want: Vec<_> = want.iter().map(|e| key(&e.at, e)).collect();
            let got: Vec<_> = got.iter().map(|o| key(&o.at, o.event)).collect();
            assert_eq!(got, want, "round {round}");
        }
    }
}
