//! Per-case metrics, computed from one case's events in time order.
//!
//! - **time to first contact**: `opened` → first `first_contact`.
//! - **time to the right place**: `opened` → first `accepted` by a service that covers the case's
//!   need and that was not undone later: a `bounced` event undoes the latest acceptance still
//!   standing by its organisation (by any organisation when it names none). With a
//!   [`Directory`](crate::Directory) in the options, a service covers the need when it is in the
//!   directory, offers the case's need and serves the case's kern (when the kern is
//!   in the directory). Without a directory, any `accepted` whose need is absent or related to
//!   the case's need (equal, within, or containing it) counts.
//! - **handoffs**: number of `referred`; **bounces**: `rejected` plus `no_response` plus
//!   `bounced`;
//!   **loops**: `referred` to an organisation already referred to earlier in the case.
//! - **organisations touched**: distinct organisations named on any event of the case.
//! - **escalations**: number of `escalated`; **resolved**: any `resolved`.
//! - **reopened**: a `reopened` within 90 Europe/Amsterdam calendar days of the last `closed`
//!   before it.
//!
//! A duration that never ended is `None` (open): never zero, never dropped.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::clocks::{case_clocks, ClockResult, Framework};
use super::ingest::{EventLog, FxMap, FW_JEUGD, FW_NONE, FW_OTHER, FW_WGS, FW_WMO, NONE};
use super::options::EvalOptions;
use super::time::local_day;
use crate::events::{Activity, RejectionReason};
use crate::ids::{CaseId, NeedCode};

/// The metrics of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CaseMetrics {
    /// The case.
    pub case: CaseId,
    /// Kern, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kern: Option<Arc<str>>,
    /// Municipality (CBS code): stated, else the directory's for the kern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<Arc<str>>,
    /// Region: stated, else the directory's for the kern's municipality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Arc<str>>,
    /// Domain: stated, or the first segment of the need.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Arc<str>>,
    /// Pilot phase label, if stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Arc<str>>,
    /// The case's need (from its first row that names one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need: Option<Arc<str>>,
    /// The organisation the case ended up with: the one of the right-place acceptance, else the
    /// last acceptance still standing (not bounced), else the first referral.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Arc<str>>,
    /// When the case was opened, to the microsecond.
    pub opened: DateTime<Utc>,
    /// Microseconds from `opened` to the first `first_contact` (elapsed time, fractions of a
    /// second kept as the log gives them); `None`: still open.
    pub first_contact_micros: Option<i64>,
    /// Microseconds from `opened` to the first acceptance by a covering service that was not
    /// bounced later; `None`: still open.
    pub right_place_micros: Option<i64>,
    /// Number of referrals.
    pub handoffs: u32,
    /// Rejections plus no-responses plus bounced acceptances.
    pub bounces: u32,
    /// Referrals back to an organisation already referred to.
    pub loops: u32,
    /// Distinct organisations touched.
    pub organisations: u32,
    /// Escalations.
    pub escalations: u32,
    /// The question was resolved.
    pub resolved: bool,
    /// Reopened within 90 days of closing.
    pub reopened: bool,
    /// Legal clocks that apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clocks: Vec<ClockResult>,
    /// `consent_withdrawn` events: times the household withdrew (part of) its consent.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub consent_withdrawals: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// Seconds in a day.
pub const SECS_PER_DAY: f64 = 86_400.0;

pub use super::durations::MICROS_PER_DAY;

impl CaseMetrics {
    /// [`first_contact_micros`](Self::first_contact_micros) in days (elapsed time / 86,400 s),
    /// the unit of every published duration (`…_days` in every table and binding).
    pub fn first_contact_days(&self) -> Option<f64> {
        self.first_contact_micros
            .map(|us| us as f64 / MICROS_PER_DAY)
    }

    /// [`right_place_micros`](Self::right_place_micros) in days.
    pub fn right_place_days(&self) -> Option<f64> {
        self.right_place_micros.map(|us| us as f64 / MICROS_PER_DAY)
    }
}

/// The metrics of one case in log ids, for aggregation.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseCore {
    pub case: u32,
    /// Seconds since 1970 (for the calendar: month, week).
    pub opened_at: i64,
    /// Microseconds within that second.
    pub opened_us: u32,
    pub organisation: u32,
    /// Durations in microseconds.
    pub first_contact: Option<i64>,
    pub right_place: Option<i64>,
    pub handoffs: u32,
    pub bounces: u32,
    pub loops: u32,
    pub organisations: u32,
    pub escalations: u32,
    pub resolved: bool,
    pub reopened: bool,
    pub clocks: Vec<ClockResult>,
    pub consent_withdrawals: u32,
}

/// Observations for "frequent problems", in log ids.
#[derive(Debug, Default)]
pub(crate) struct ProblemSink {
    /// (A, B) for each referral path A → B → A.
    pub bounce_paths: FxMap<(u32, u32), u64>,
    /// Rejections per reason (index into the reason list; 7 = unstated).
    pub reasons: [u64; 8],
    /// Seconds from referral to answer, per organisation; `None` = never answered.
    pub waits: Vec<(u32, Option<i64>)>,
}

/// An acceptance seen in a case: when, by whom, whether its service covers the need, and whether
/// a later `bounced` undid it.
#[derive(Debug, Clone, Copy)]
struct Acceptance {
    /// Microseconds since 1970.
    at: i64,
    org: u32,
    covers: bool,
    undone: bool,
}

/// Caches shared by all cases of one log.
pub(crate) struct Ctx<'a> {
    pub log: &'a EventLog,
    pub opts: &'a EvalOptions,
    /// Log service id → directory service index.
    dir_service: Vec<Option<usize>>,
    /// Log need id → parsed need.
    needs: Vec<Option<NeedCode>>,
    /// Log kern id → directory kern index.
    dir_kern: Vec<Option<usize>>,
    /// Log service id → organisation log id (from the directory), when the event names none.
    service_org: Vec<u32>,
    /// (service, need, kern) → covers.
    covers: FxMap<(u32, u32, u32), bool>,
    /// Log need id → domain label (owned, since it may not be in the log's labels).
    pub need_domain: Vec<Option<Arc<str>>>,
    as_of_day: Option<i64>,
    scratch_orgs: Vec<u32>,
    scratch_refs: Vec<u32>,
    scratch_pending: Vec<(u32, i64)>,
    scratch_clock: Vec<(i64, Activity)>,
    scratch_accepts: Vec<Acceptance>,
    /// Extra organisation ids found through the directory and not in the log.
    pub extra_orgs: Vec<Arc<str>>,
    /// Log kern id → the municipality label id the directory places it in (`NONE`: unknown).
    kern_municipality: Vec<u32>,
    /// Log kern id → the region label id of that municipality (the first in id order).
    kern_region: Vec<u32>,
    /// Municipality and region labels found through the directory and not in the log.
    extra_labels: Vec<Arc<str>>,
}

/// The id of label `s`: the log's, else an extra one after the log's labels.
fn label_id(log: &EventLog, extra: &mut Vec<Arc<str>>, s: &str) -> u32 {
    if let Some(i) = log.labels.get(s) {
        return i;
    }
    let k = extra.iter().position(|x| &**x == s).unwrap_or_else(|| {
        extra.push(Arc::from(s));
        extra.len() - 1
    });
    (log.labels.len() + k) as u32
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(log: &'a EventLog, opts: &'a EvalOptions) -> Self {
        let needs: Vec<Option<NeedCode>> = (0..log.needs.len() as u32)
            .map(|i| log.needs.value(i).and_then(|s| s.parse().ok()))
            .collect();
        let need_domain = needs
            .iter()
            .map(|n| n.as_ref().map(|n| Arc::from(n.domain())))
            .collect();
        let mut extra_orgs = Vec::new();
        let mut extra_labels = Vec::new();
        let mut kern_municipality = Vec::new();
        let mut kern_region = Vec::new();
        if let Some(d) = &opts.directory {
            let areas = d.areas();
            for i in 0..log.kernen.len() as u32 {
                let place = log
                    .kernen
                    .value(i)
                    .and_then(|k| areas.kern_index(k))
                    .map(|k| {
                        let m = areas.municipality_of_kern(k);
                        let region = areas
                            .regions_of_municipality(m)
                            .iter()
                            .map(|&r| areas.regions()[r].id.as_str())
                            .min();
                        (areas.municipalities()[m].code.as_str(), region)
                    });
                let (m, r) = match place {
                    Some((m, r)) => (
                        label_id(log, &mut extra_labels, m),
                        r.map_or(NONE, |r| label_id(log, &mut extra_labels, r)),
                    ),
                    None => (NONE, NONE),
                };
                kern_municipality.push(m);
                kern_region.push(r);
            }
        }
        let (dir_service, dir_kern, service_org) = match &opts.directory {
            Some(d) => {
                let mut service_org = Vec::new();
                let ds: Vec<Option<usize>> = (0..log.services.len() as u32)
                    .map(|i| log.services.value(i).and_then(|s| d.service_index(s)))
                    .collect();
                for s in &ds {
                    let org = s.map(|s| d.services()[s].organisation.as_str());
                    let id = match org {
                        Some(o) => match log.orgs.get(o) {
                            Some(i) => i,
                            None => {
                                let pos = extra_orgs.iter().position(|x: &Arc<str>| &**x == o);
                                let k = pos.unwrap_or_else(|| {
                                    extra_orgs.push(Arc::from(o));
                                    extra_orgs.len() - 1
                                });
                                (log.orgs.len() + k) as u32
                            }
                        },
                        None => NONE,
                    };
                    service_org.push(id);
                }
                let dk = (0..log.kernen.len() as u32)
                    .map(|i| log.kernen.value(i).and_then(|k| d.areas().kern_index(k)))
                    .collect();
                (ds, dk, service_org)
            }
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        Ctx {
            log,
            opts,
            dir_service,
            needs,
            dir_kern,
            service_org,
            covers: FxMap::default(),
            need_domain,
            as_of_day: opts.as_of.map(|t| local_day(t.timestamp())),
            scratch_orgs: Vec::new(),
            scratch_refs: Vec::new(),
            scratch_pending: Vec::new(),
            scratch_clock: Vec::new(),
            scratch_accepts: Vec::new(),
            extra_orgs,
            kern_municipality,
            kern_region,
            extra_labels,
        }
    }

    /// A label (municipality, region, phase, domain) by id: the log's or one found through the
    /// directory.
    pub(crate) fn label(&self, id: u32) -> Option<Arc<str>> {
        if id == NONE {
            return None;
        }
        match self.log.labels.value(id) {
            Some(s) => Some(s.clone()),
            None => self
                .extra_labels
                .get(id as usize - self.log.labels.len())
                .cloned(),
        }
    }

    /// The municipality of case `c`: stated in the log, else the directory's for its kern.
    pub(crate) fn municipality_of(&self, c: usize) -> u32 {
        let info = &self.log.cases[c];
        if info.municipality != NONE || info.kern == NONE {
            return info.municipality;
        }
        self.kern_municipality
            .get(info.kern as usize)
            .copied()
            .unwrap_or(NONE)
    }

    /// The region of case `c`: stated in the log, else the directory's for its kern's
    /// municipality (the first region in id order when it lies in several).
    pub(crate) fn region_of(&self, c: usize) -> u32 {
        let info = &self.log.cases[c];
        if info.region != NONE || info.kern == NONE {
            return info.region;
        }
        self.kern_region
            .get(info.kern as usize)
            .copied()
            .unwrap_or(NONE)
    }

    /// The name of an organisation id (log or directory-derived).
    pub(crate) fn org_name(&self, id: u32) -> Option<Arc<str>> {
        if id == NONE {
            return None;
        }
        match self.log.orgs.value(id) {
            Some(s) => Some(s.clone()),
            None => self
                .extra_orgs
                .get(id as usize - self.log.orgs.len())
                .cloned(),
        }
    }

    fn covers(&mut self, service: u32, event_need: u32, case_need: u32, kern: u32) -> bool {
        let need = if case_need != NONE {
            case_need
        } else {
            event_need
        };
        match &self.opts.directory {
            None => {
                if case_need == NONE || event_need == NONE {
                    return true;
                }
                match (
                    &self.needs[event_need as usize],
                    &self.needs[case_need as usize],
                ) {
                    (Some(e), Some(c)) => e.is_within(c) || c.is_within(e),
                    _ => false,
                }
            }
            Some(dir) => {
                if service == NONE || need == NONE {
                    return false;
                }
                if let Some(&v) = self.covers.get(&(service, need, kern)) {
                    return v;
                }
                let v = match (
                    self.dir_service[service as usize],
                    &self.needs[need as usize],
                ) {
                    (Some(s), Some(n)) => {
                        dir.services()[s].offers(n)
                            && match (kern != NONE)
                                .then(|| self.dir_kern[kern as usize])
                                .flatten()
                            {
                                Some(k) => dir.serves_kern(s, k),
                                None => true,
                            }
                    }
                    _ => false,
                };
                self.covers.insert((service, need, kern), v);
                v
            }
        }
    }

    fn org_of(&self, e: usize) -> u32 {
        let o = self.log.ev_org[e];
        if o != NONE {
            return o;
        }
        let s = self.log.ev_service[e];
        if s != NONE && !self.service_org.is_empty() {
            return self.service_org[s as usize];
        }
        NONE
    }

    /// Computes the metrics of case `c`, feeding problem observations into `sink`.
    pub(crate) fn case(&mut self, c: usize, sink: &mut ProblemSink) -> CaseCore {
        let log = self.log;
        let info = log.cases[c];
        let evs = log.case_events(c);
        let opened_at = info.opened_at;
        // durations to the microsecond: every instant below is microseconds since 1970
        let micros = |secs: i64, us: u32| secs * 1_000_000 + i64::from(us);
        let opened = micros(opened_at, info.opened_us);
        let mut m = CaseCore {
            case: c as u32,
            opened_at,
            opened_us: info.opened_us,
            organisation: NONE,
            ..CaseCore::default()
        };
        let mut orgs = std::mem::take(&mut self.scratch_orgs);
        let mut refs = std::mem::take(&mut self.scratch_refs);
        let mut pending = std::mem::take(&mut self.scratch_pending);
        let mut accepts = std::mem::take(&mut self.scratch_accepts);
        accepts.clear();
        orgs.clear();
        refs.clear();
        pending.clear();
        let mut last_closed: Option<i64> = None;
        let mut first_ref_org = NONE;
        let mut has_clock_events = false;
        for e in evs.clone() {
            let e = e as usize;
            let at = log.ev_at[e];
            let at_us = micros(at, log.ev_us[e]);
            let org = self.org_of(e);
            if org != NONE && !orgs.contains(&org) {
                orgs.push(org);
            }
            match log.ev_act[e] {
                Activity::FirstContact => {
                    if m.first_contact.is_none() {
                        m.first_contact = Some(at_us - opened);
                    }
                }
                Activity::Referred => {
                    m.handoffs += 1;
                    if org != NONE {
                        if refs.contains(&org) {
                            m.loops += 1;
                        }
                        let n = refs.len();
                        if n >= 2 && refs[n - 2] == org && refs[n - 1] != org {
                            *sink.bounce_paths.entry((org, refs[n - 1])).or_insert(0) += 1;
                        }
                        refs.push(org);
                        if first_ref_org == NONE {
                            first_ref_org = org;
                        }
                        if !pending.iter().any(|p| p.0 == org) {
                            pending.push((org, at_us));
                        }
                    }
                }
                a @ (Activity::Accepted | Activity::Rejected | Activity::NoResponse) => {
                    if a == Activity::Accepted {
                        let covers =
                            self.covers(log.ev_service[e], log.ev_need[e], info.need, info.kern);
                        accepts.push(Acceptance {
                            at: at_us,
                            org,
                            covers,
                            undone: false,
                        });
                    } else {
                        m.bounces += 1;
                        if a == Activity::Rejected {
                            let i = match log.ev_reason[e] {
                                Some(r) => RejectionReason::ALL
                                    .iter()
                                    .position(|x| *x == r)
                                    .unwrap_or(7),
                                None => 7,
                            };
                            sink.reasons[i] += 1;
                        }
                    }
                    if let Some(p) = pending.iter().position(|p| p.0 == org) {
                        let (o, since) = pending.swap_remove(p);
                        sink.waits.push((o, Some(at_us - since)));
                    }
                }
                Activity::Bounced => {
                    m.bounces += 1;
                    if let Some(a) = accepts
                        .iter_mut()
                        .rev()
                        .find(|a| !a.undone && (org == NONE || a.org == org))
                    {
                        a.undone = true;
                    }
                }
                Activity::Escalated => m.escalations += 1,
                Activity::Resolved => m.resolved = true,
                Activity::Closed => last_closed = Some(at),
                Activity::Reopened => {
                    if let Some(cl) = last_closed {
                        if local_day(at) - local_day(cl) <= 90 {
                            m.reopened = true;
                        }
                    }
                }
                Activity::Melding
                | Activity::Aanvraag
                | Activity::Decision
                | Activity::ClockSuspended
                | Activity::ClockResumed
                | Activity::ClockExtended => has_clock_events = true,
                Activity::Opened
                | Activity::ContactAttempted
                | Activity::HelpDeclined
                | Activity::Other => {}
                Activity::ConsentWithdrawn => m.consent_withdrawals += 1,
            }
        }
        for &(o, _) in &pending {
            sink.waits.push((o, None));
        }
        m.organisations = orgs.len() as u32;
        let standing = || accepts.iter().filter(|a| !a.undone);
        let right = standing().find(|a| a.covers);
        m.right_place = right.map(|a| a.at - opened);
        let right_org = right.map_or(NONE, |a| a.org);
        let last_accept_org = standing().next_back().map_or(NONE, |a| a.org);
        m.organisation = if right_org != NONE {
            right_org
        } else if last_accept_org != NONE {
            last_accept_org
        } else {
            first_ref_org
        };
        let framework = match info.framework {
            FW_WMO => Framework::Wmo,
            FW_JEUGD => Framework::Jeugdwet,
            FW_WGS => Framework::Wgs,
            FW_OTHER => Framework::Other,
            FW_NONE => self.framework_of_need(info.need),
            _ => Framework::None,
        };
        if has_clock_events || framework == Framework::Wgs {
            let mut ce = std::mem::take(&mut self.scratch_clock);
            ce.clear();
            ce.extend(evs.map(|e| (log.ev_at[e as usize], log.ev_act[e as usize])));
            let muni = self.label(self.municipality_of(c));
            let terms = self.opts.legal.terms(muni.as_deref());
            case_clocks(
                &ce,
                framework,
                info.urgent == 2,
                terms,
                &self.opts.legal.calendar,
                self.as_of_day,
                &mut m.clocks,
            );
            self.scratch_clock = ce;
        }
        self.scratch_orgs = orgs;
        self.scratch_refs = refs;
        self.scratch_pending = pending;
        self.scratch_accepts = accepts;
        m
    }

    fn framework_of_need(&self, need: u32) -> Framework {
        if need == NONE {
            return Framework::None;
        }
        let Some(n) = &self.needs[need as usize] else {
            return Framework::None;
        };
        let l = &self.opts.legal;
        if l.wgs_needs.iter().any(|w| n.is_within(w)) {
            Framework::Wgs
        } else if l.jeugdwet_needs.iter().any(|w| n.is_within(w)) {
            Framework::Jeugdwet
        } else if l.wmo_needs.iter().any(|w| n.is_within(w)) {
            Framework::Wmo
        } else {
            Framework::None
        }
    }

    /// The public metrics of a computed case.
    pub(crate) fn public(&self, m: &CaseCore) -> CaseMetrics {
        let log = self.log;
        let info = &log.cases[m.case as usize];
        let label = |v: u32| log.labels.value(v).cloned();
        let domain = label(info.domain).or_else(|| {
            (info.need != NONE)
                .then(|| self.need_domain[info.need as usize].clone())
                .flatten()
        });
        CaseMetrics {
            case: match log.case_ids.value(m.case).map(|s| s.parse::<CaseId>()) {
                Some(Ok(id)) => id,
                _ => unreachable!("case ids are validated when interned"),
            },
            kern: log.kernen.value(info.kern).cloned(),
            municipality: self.label(self.municipality_of(m.case as usize)),
            region: self.label(self.region_of(m.case as usize)),
            domain,
            phase: label(info.phase),
            need: log.needs.value(info.need).cloned(),
            organisation: self.org_name(m.organisation),
            opened: DateTime::<Utc>::from_timestamp(m.opened_at, m.opened_us * 1000)
                .unwrap_or_default(),
            first_contact_micros: m.first_contact,
            right_place_micros: m.right_place,
            handoffs: m.handoffs,
            bounces: m.bounces,
            loops: m.loops,
            organisations: m.organisations,
            escalations: m.escalations,
            resolved: m.resolved,
            reopened: m.reopened,
            clocks: m.clocks.clone(),
            consent_withdrawals: m.consent_withdrawals,
        }
    }
}
