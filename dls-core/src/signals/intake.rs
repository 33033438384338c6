//! From checked signals to proactive cases, and the feedback each partner is owed.
//!
//! - **Duplicates**: a signal id a partner sends twice (a re-send, or an update with a new
//!   amount) is one signal: the earliest date, the highest amount and months, threatened when
//!   any copy says so. [`SignalIntake::duplicates`] counts the copies merged.
//! - **One case per household and window**: a household's signals in date order; the first
//!   opens a case, every signal dated within `window_days` after it joins that case (also when
//!   it arrives late, after the case was opened), a later one opens the next case.
//! - **Urgency**: `crisis` when any signal of the case threatens eviction or cut-off; the Wgs
//!   clock (default 3 working days, Algemene termijnenwet holidays) runs from the first such
//!   signal. Otherwise `normal`.
//!
//! The result does not depend on the order of the input.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{EarlySignal, PartnerKind};
use crate::attributes::{LegalFramework, Signal, Urgency};
use crate::cases::{Case, CaseAttributes, CaseData, CaseNeed, Consent, Situation};
use crate::evaluation::time::{date_to_day, day_to_date, local_day};
use crate::evaluation::HolidayCalendar;
use crate::events::{Activity, Event};
use crate::ids::{CaseId, KernId, NeedCode, OrganisationId};
use crate::routing::{HouseholdDecision, Router, RoutingError};

/// How signals become cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeOptions {
    /// Signals of one household dated within this many days after the first form one case.
    pub window_days: u32,
    /// The need a proactive case opens with (primary).
    pub need: NeedCode,
    /// Working days of the Wgs clock for a threatened eviction or cut-off.
    pub crisis_working_days: u32,
    /// The holiday calendar the working days count in.
    pub calendar: HolidayCalendar,
}

impl Default for IntakeOptions {
    fn default() -> Self {
        IntakeOptions {
            window_days: 30,
            need: match "sociale_zaken.schulden.vroegsignalering".parse() {
                Ok(n) => n,
                Err(_) => unreachable!("a valid need code"),
            },
            crisis_working_days: 3,
            calendar: HolidayCalendar::default(),
        }
    }
}

/// One proactive case: the signals of one household within one window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProactiveCase {
    /// The case, ready to route (opened on the first signal's date).
    pub case: Case,
    /// The household's pseudonym.
    pub household: CaseId,
    /// The kern (of the first signal).
    pub kern: KernId,
    /// Its signals, merged, in date order (then partner, then id).
    pub signals: Vec<EarlySignal>,
    /// The first signal's date.
    pub first_signal: NaiveDate,
    /// `crisis` when an eviction or cut-off is threatened, else `normal`.
    pub urgency: Urgency,
    /// The date of the first threatening signal, which starts the Wgs clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crisis_since: Option<NaiveDate>,
    /// The last day of the Wgs clock: contact is due by then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_due: Option<NaiveDate>,
}

impl ProactiveCase {
    /// Routes the case like any other, on the date of its first signal.
    pub fn route(&self, router: &Router) -> Result<HouseholdDecision, RoutingError> {
        router.route(&self.case, self.first_signal)
    }
}

/// The result of [`intake`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignalIntake {
    /// The proactive cases, by first signal date, then case id.
    pub cases: Vec<ProactiveCase>,
    /// Copies of a signal merged into one.
    pub duplicates: usize,
}

fn case_id(household: &CaseId, first: NaiveDate) -> CaseId {
    let date = first.format("%Y%m%d");
    let plain = format!("vs-{date}-{household}");
    let text = if plain.len() <= crate::ids::MAX_ID_LEN {
        plain
    } else {
        let d = Sha256::digest(household.as_str().as_bytes());
        let hex: String = d.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("vs-{date}-{hex}")
    };
    match text.parse() {
        Ok(id) => id,
        Err(_) => unreachable!("a prefix, a date and a valid id or hex form a valid case id"),
    }
}

/// Merges duplicates, groups by household and window, and builds one case per group.
pub fn intake(signals: &[EarlySignal], opts: &IntakeOptions) -> SignalIntake {
    // merge copies of one signal (same partner and id)
    let mut by_id: BTreeMap<(&OrganisationId, &CaseId), EarlySignal> = BTreeMap::new();
    let mut duplicates = 0;
    let mut sorted: Vec<&EarlySignal> = signals.iter().collect();
    sorted.sort_by(|a, b| {
        (a.date, &a.household, &a.kern, a.kind, a.row).cmp(&(
            b.date,
            &b.household,
            &b.kern,
            b.kind,
            b.row,
        ))
    });
    for s in sorted {
        match by_id.get_mut(&(&s.partner, &s.id)) {
            Some(m) => {
                duplicates += 1;
                m.amount_cents = m.amount_cents.max(s.amount_cents);
                m.months_in_arrears = m.months_in_arrears.max(s.months_in_arrears);
                m.threatened |= s.threatened;
                m.row = m.row.min(s.row);
            }
            None => {
                by_id.insert((&s.partner, &s.id), s.clone());
            }
        }
    }
    let mut households: BTreeMap<CaseId, Vec<EarlySignal>> = BTreeMap::new();
    for s in by_id.into_values() {
        households.entry(s.household.clone()).or_default().push(s);
    }
    let mut cases = Vec::new();
    for (household, mut list) in households {
        list.sort_by(|a, b| (a.date, &a.partner, &a.id).cmp(&(b.date, &b.partner, &b.id)));
        let mut group: Vec<EarlySignal> = Vec::new();
        for s in list {
            let joins = group
                .first()
                .is_some_and(|f| (s.date - f.date).num_days() <= i64::from(opts.window_days));
            if !joins && !group.is_empty() {
                cases.push(build(&household, std::mem::take(&mut group), opts));
            }
            group.push(s);
        }
        if !group.is_empty() {
            cases.push(build(&household, group, opts));
        }
    }
    cases.sort_by(|a, b| (a.first_signal, a.case.id()).cmp(&(b.first_signal, b.case.id())));
    SignalIntake { cases, duplicates }
}

fn build(household: &CaseId, signals: Vec<EarlySignal>, opts: &IntakeOptions) -> ProactiveCase {
    let first = &signals[0];
    let first_signal = first.date;
    let kern = first.kern.clone();
    let mut attr: Vec<Signal> = Vec::new();
    for s in &signals {
        attr.push(s.kind.signal());
        if s.threatened {
            if let Some(t) = s.kind.threat() {
                attr.push(t);
            }
        }
    }
    attr.sort_by_key(|s| s.as_str());
    attr.dedup();
    let crisis_since = signals
        .iter()
        .filter(|s| s.threatened)
        .map(|s| s.date)
        .min();
    let urgency = if crisis_since.is_some() {
        Urgency::Crisis
    } else {
        Urgency::Normal
    };
    let contact_due = crisis_since.map(|d| {
        day_to_date(
            opts.calendar
                .add_working_days(date_to_day(d), opts.crisis_working_days),
        )
    });
    let data = CaseData {
        id: case_id(household, first_signal),
        kern: kern.clone(),
        needs: vec![CaseNeed {
            need: opts.need.clone(),
            primary: true,
        }],
        attributes: CaseAttributes {
            urgency,
            framework: Some(LegalFramework::Wgs),
            signals: attr,
            ..CaseAttributes::default()
        },
        situation: Situation::DoesNotKnowWhere,
        consent: Consent::default(),
        opened: Some(first_signal),
    };
    let case = match Case::new(data) {
        Ok(c) => c,
        Err(_) => unreachable!("one primary need makes a valid case"),
    };
    ProactiveCase {
        case,
        household: household.clone(),
        kern,
        signals,
        first_signal,
        urgency,
        crisis_since,
        contact_due,
    }
}

/// Whether the household accepted the help offered.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HelpStatus {
    /// No answer yet.
    Pending,
    /// Help accepted (an `accepted` event).
    Accepted,
    /// Help declined (a `help_declined` event).
    Declined,
}

crate::ids::wire_names!(
    HelpStatus,
    "help status",
    display,
    [
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined"
    ]
);

/// The feedback a partner is owed for one signal, and nothing more: received, contact
/// attempted, contact made, help accepted or declined (dates in Europe/Amsterdam).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct FeedbackRow {
    /// The partner.
    pub partner: OrganisationId,
    /// The partner's signal id.
    pub signal_id: CaseId,
    /// The partner's kind.
    pub kind: PartnerKind,
    /// The date the signal was received (its date).
    pub received: NaiveDate,
    /// The first attempt to reach the household (a `contact_attempted` or `first_contact`).
    pub contact_attempted: Option<NaiveDate>,
    /// The first contact made (`first_contact`).
    pub contact_made: Option<NaiveDate>,
    /// Help accepted or declined (the latest of the two), else pending.
    pub help: HelpStatus,
}

/// What happened on a proactive case, from its events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Progress {
    pub attempted: Option<NaiveDate>,
    pub contact: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub help: Option<(i64, HelpStatus)>,
}

pub(crate) fn progress(case: &CaseId, events: &[Event]) -> Progress {
    let mut p = Progress::default();
    let date = |e: &Event| day_to_date(local_day(e.at.timestamp()));
    let earliest = |slot: &mut Option<NaiveDate>, d: NaiveDate| {
        *slot = Some(slot.map_or(d, |x| x.min(d)));
    };
    for e in events.iter().filter(|e| &e.case == case) {
        let at = e.at.timestamp();
        let status = match e.activity {
            Activity::ContactAttempted => {
                earliest(&mut p.attempted, date(e));
                None
            }
            Activity::FirstContact => {
                earliest(&mut p.attempted, date(e));
                earliest(&mut p.contact, date(e));
                None
            }
            Activity::Accepted => {
                earliest(&mut p.accepted_on, date(e));
                Some(HelpStatus::Accepted)
            }
            Activity::HelpDeclined => Some(HelpStatus::Declined),
            _ => None,
        };
        if let Some(s) = status {
            // the latest answer counts; at one instant, a declination wins
            if p.help.is_none_or(|(t, h)| (at, s) > (t, h)) {
                p.help = Some((at, s));
            }
        }
    }
    p
}

/// The feedback rows of every signal of the cases, by partner, then signal id.
pub fn feedback(cases: &[ProactiveCase], events: &[Event]) -> Vec<FeedbackRow> {
    let mut rows = Vec::new();
    for c in cases {
        let p = progress(c.case.id(), events);
        for s in &c.signals {
            rows.push(FeedbackRow {
                partner: s.partner.clone(),
                signal_id: s.id.clone(),
                kind: s.kind,
                received: s.date,
                contact_attempted: p.attempted,
                contact_made: p.contact,
                help: p.help.map_or(HelpStatus::Pending, |(_, h)| h),
            });
        }
    }
    rows.sort_by(|a, b| (&a.partner, &a.signal_id).cmp(&(&b.partner, &b.signal_id)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        crate::ids::assert_wire_names!(HelpStatus);
    }

    #[test]
    fn long_pseudonyms_give_a_short_case_id() {
        let h: CaseId = "h".repeat(64).parse().unwrap();
        let id = case_id(&h, "2026-03-02".parse().unwrap());
        assert!(id.as_str().starts_with("vs-20260302-"));
        assert_eq!(id.as_str().len(), 12 + 16);
    }
}
