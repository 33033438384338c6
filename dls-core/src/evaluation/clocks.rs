//! Legal clocks: the statutory terms a case runs against, per municipality.
//!
//! | clock | starts at | stops at | default term |
//! |---|---|---|---|
//! | [`ClockKind::WmoInvestigation`] (Wmo 2015 art. 2.3.2) | first `melding` | first `aanvraag` or `decision` after it | 6 weeks |
//! | [`ClockKind::WmoDecision`] (Wmo 2015 art. 2.3.5) | first `aanvraag` of a Wmo case | first `decision` after it | 2 weeks |
//! | [`ClockKind::JeugdwetDecision`] (Jeugdwet via Awb art. 4:13) | first `aanvraag` of a Jeugdwet case | first `decision` | 8 weeks, or the verordening's term |
//! | [`ClockKind::AwbDecision`] (Awb art. 4:13) | first `aanvraag` of any other case | first `decision` | 8 weeks |
//! | [`ClockKind::WgsFirstConversation`] (Wgs art. 4) | `opened` of a Wgs case | first `first_contact` | 4 weeks; 3 working days when eviction or a cut-off of energy or water threatens |
//!
//! A term of n days starting on local day D ends on D + n (Europe/Amsterdam calendar days);
//! days between a `clock_suspended` and the next `clock_resumed` (or the clock's stop) are added
//! (Awb art. 4:15); each `clock_extended` adds the extension term (by default the clock's own
//! term, the usual verdaging); a suspension or extension applies to every clock running at
//! that moment. The Algemene termijnenwet then moves an end on a Saturday, Sunday or holiday to
//! the next working day. A clock is met when it stops on or before that day.
//!
//! The framework of a case comes from its `framework` attribute, else from its need: codes
//! within [`LegalConfig::wmo_needs`], [`LegalConfig::jeugdwet_needs`] or
//! [`LegalConfig::wgs_needs`].

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::time::{day_to_date, local_day, HolidayCalendar};
use crate::events::Activity;
use crate::ids::NeedCode;

/// A statutory clock.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// Wmo 2015: investigation within 6 weeks of the melding.
    WmoInvestigation,
    /// Wmo 2015: decision within 2 weeks of the aanvraag.
    WmoDecision,
    /// Jeugdwet (Awb): decision within 8 weeks unless the verordening sets another term.
    JeugdwetDecision,
    /// Awb: decision on any other aanvraag within 8 weeks.
    AwbDecision,
    /// Wgs: first conversation within 4 weeks, or 3 working days under threat.
    WgsFirstConversation,
}

impl ClockKind {
    /// Every clock.
    pub const ALL: [ClockKind; 5] = [
        ClockKind::WmoInvestigation,
        ClockKind::WmoDecision,
        ClockKind::JeugdwetDecision,
        ClockKind::AwbDecision,
        ClockKind::WgsFirstConversation,
    ];

    /// The name as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::WmoInvestigation => "wmo_investigation",
            ClockKind::WmoDecision => "wmo_decision",
            ClockKind::JeugdwetDecision => "jeugdwet_decision",
            ClockKind::AwbDecision => "awb_decision",
            ClockKind::WgsFirstConversation => "wgs_first_conversation",
        }
    }
}

/// The terms of one municipality, in calendar days unless named otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClockTerms {
    /// Wmo investigation after the melding (6 weeks).
    pub wmo_investigation_days: u32,
    /// Wmo decision after the aanvraag (2 weeks).
    pub wmo_decision_days: u32,
    /// Jeugdwet decision after the aanvraag (8 weeks unless the verordening says otherwise).
    pub jeugdwet_decision_days: u32,
    /// Any other Awb decision (8 weeks).
    pub awb_decision_days: u32,
    /// Wgs first conversation after the request (4 weeks).
    pub wgs_first_conversation_days: u32,
    /// Wgs first conversation under threat of eviction or cut-off, in working days (3).
    pub wgs_urgent_working_days: u32,
    /// Days one `clock_extended` adds; `None`: the clock's own term.
    pub extension_days: Option<u32>,
}

impl Default for ClockTerms {
    fn default() -> Self {
        ClockTerms {
            wmo_investigation_days: 42,
            wmo_decision_days: 14,
            jeugdwet_decision_days: 56,
            awb_decision_days: 56,
            wgs_first_conversation_days: 28,
            wgs_urgent_working_days: 3,
            extension_days: None,
        }
    }
}

/// Which clocks apply and with which terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LegalConfig {
    /// Terms where no municipality-specific terms are given.
    pub default_terms: ClockTerms,
    /// Terms per municipality (CBS code), e.g. a Jeugdwet verordening with its own term.
    pub municipalities: BTreeMap<String, ClockTerms>,
    /// Needs under the Wmo (when the case states no framework).
    pub wmo_needs: Vec<NeedCode>,
    /// Needs under the Jeugdwet.
    pub jeugdwet_needs: Vec<NeedCode>,
    /// Needs under the Wgs.
    pub wgs_needs: Vec<NeedCode>,
    /// Public holidays and equated days.
    pub calendar: HolidayCalendar,
}

fn codes(list: &[&str]) -> Vec<NeedCode> {
    list.iter().filter_map(|s| s.parse().ok()).collect()
}

impl Default for LegalConfig {
    fn default() -> Self {
        LegalConfig {
            default_terms: ClockTerms::default(),
            municipalities: BTreeMap::new(),
            wmo_needs: codes(&["zorg.wmo"]),
            jeugdwet_needs: codes(&["zorg.jeugd", "zorg.jeugdhulp", "jeugd"]),
            wgs_needs: codes(&[
                "zorg.schulden",
                "zorg.schuldhulp",
                "sociale_zaken.schulden",
                "sociale_zaken.schuldhulp",
                "schulden",
            ]),
            calendar: HolidayCalendar::default(),
        }
    }
}

impl LegalConfig {
    /// The terms of a municipality.
    pub fn terms(&self, municipality: Option<&str>) -> &ClockTerms {
        municipality
            .and_then(|m| self.municipalities.get(m))
            .unwrap_or(&self.default_terms)
    }
}

/// How a clock ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Stopped on or before the deadline.
    Met,
    /// Stopped after the deadline.
    Missed,
    /// Not stopped, and the deadline has not passed on the evaluation date (or none was given).
    Running,
    /// Not stopped, and the deadline passed before the evaluation date.
    Overdue,
}

/// One clock of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClockResult {
    /// Which clock.
    pub clock: ClockKind,
    /// Local day the clock started.
    pub start: NaiveDate,
    /// Last local day on which stopping is in time.
    pub deadline: NaiveDate,
    /// Local day it stopped, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<NaiveDate>,
    /// Outcome.
    pub status: ClockStatus,
    /// Calendar days suspended.
    pub suspended_days: u32,
    /// Calendar days added by extensions.
    pub extended_days: u32,
}

/// The framework of a case, for clock selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framework {
    None,
    Wmo,
    Jeugdwet,
    Wgs,
    Other,
}

/// Computes the clocks of one case from its events (time order): `(instant, activity)`.
pub(crate) fn case_clocks(
    events: &[(i64, Activity)],
    framework: Framework,
    urgent: bool,
    terms: &ClockTerms,
    calendar: &HolidayCalendar,
    as_of_day: Option<i64>,
    out: &mut Vec<ClockResult>,
) {
    // (kind, start index, stop predicate, term)
    enum Term {
        Days(u32),
        WorkingDays(u32),
    }
    let mut specs: Vec<(ClockKind, usize, &[Activity], Term)> = Vec::new();
    let first = |a: Activity| events.iter().position(|e| e.1 == a);
    if let Some(i) = first(Activity::Melding) {
        specs.push((
            ClockKind::WmoInvestigation,
            i,
            &[Activity::Aanvraag, Activity::Decision],
            Term::Days(terms.wmo_investigation_days),
        ));
    }
    if let Some(i) = first(Activity::Aanvraag) {
        let (k, d) = match framework {
            Framework::Wmo => (ClockKind::WmoDecision, terms.wmo_decision_days),
            Framework::Jeugdwet => (ClockKind::JeugdwetDecision, terms.jeugdwet_decision_days),
            // A melding makes it a Wmo case even when the framework is not stated.
            Framework::None if first(Activity::Melding).is_some() => {
                (ClockKind::WmoDecision, terms.wmo_decision_days)
            }
            _ => (ClockKind::AwbDecision, terms.awb_decision_days),
        };
        specs.push((k, i, &[Activity::Decision], Term::Days(d)));
    }
    if framework == Framework::Wgs {
        if let Some(i) = first(Activity::Opened) {
            let t = if urgent {
                Term::WorkingDays(terms.wgs_urgent_working_days)
            } else {
                Term::Days(terms.wgs_first_conversation_days)
            };
            specs.push((
                ClockKind::WgsFirstConversation,
                i,
                &[Activity::FirstContact],
                t,
            ));
        }
    }
    for (kind, si, stops, term) in specs {
        let start_at = events[si].0;
        let start_day = local_day(start_at);
        let stop = events[si + 1..]
            .iter()
            .find(|e| stops.contains(&e.1))
            .map(|e| e.0);
        // Suspensions and extensions while running.
        let mut suspended = 0i64;
        let mut extensions = 0u32;
        let mut susp_since: Option<i64> = None;
        let own_term = match term {
            Term::Days(d) => d,
            Term::WorkingDays(d) => d,
        };
        let ext = terms.extension_days.unwrap_or(own_term);
        for &(at, a) in &events[si + 1..] {
            if stop.is_some_and(|s| at > s) {
                break;
            }
            match a {
                Activity::ClockSuspended if susp_since.is_none() => susp_since = Some(at),
                Activity::ClockResumed => {
                    if let Some(s) = susp_since.take() {
                        suspended += (local_day(at) - local_day(s)).max(0);
                    }
                }
                Activity::ClockExtended => extensions += ext,
                _ => {}
            }
        }
        if let (Some(s), Some(stop_at)) = (susp_since, stop) {
            suspended += (local_day(stop_at) - local_day(s)).max(0);
        }
        let raw_end = match term {
            Term::Days(d) => start_day + d as i64,
            Term::WorkingDays(d) => calendar.add_working_days(start_day, d),
        } + suspended
            + extensions as i64;
        let deadline = calendar.atw_extend(raw_end);
        let stop_day = stop.map(local_day);
        let status = match stop_day {
            Some(d) if d <= deadline => ClockStatus::Met,
            Some(_) => ClockStatus::Missed,
            None => match as_of_day {
                // A clock still suspended on the evaluation date is not overdue.
                Some(a) if a > deadline && susp_since.is_none() => ClockStatus::Overdue,
                _ => ClockStatus::Running,
            },
        };
        out.push(ClockResult {
            clock: kind,
            start: day_to_date(start_day),
            deadline: day_to_date(deadline),
            stopped: stop_day.map(day_to_date),
            status,
            suspended_days: suspended as u32,
            extended_days: extensions,
        });
    }
}
