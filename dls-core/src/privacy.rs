//! The shapes hosts (the Python and JVM bindings) pass in and get back for need-to-know views,
//! consent, the access log and signal intake, defined once here so that every binding behaves
//! the same: the inputs are the JSON forms of the core types (a case, events, consent events),
//! the outputs plain serde data.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::access_log::{AccessLog, AccessLogError};
use crate::cases::{Case, CaseError};
use crate::consent::{ConsentError, ConsentEvent, Consents};
use crate::events::Event;
use crate::routing::{Router, RoutingError};
use crate::signals::{self, FeedbackRow, IntakeOptions, ProactiveCase, SignalError};
use crate::views::{OrganisationView, ViewError};

/// A host call that could not be served. Messages never repeat personal data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// An input could not be read.
    #[error("{what}: {message}")]
    Parse {
        /// Which input (`case`, `events`, `consent events`, `as_of`, `view`, `at`).
        what: &'static str,
        /// What is wrong (never the value).
        message: String,
    },
    /// The case breaks the case invariants or does not fit the directory.
    #[error(transparent)]
    Case(#[from] CaseError),
    /// Routing failed.
    #[error(transparent)]
    Routing(#[from] RoutingError),
    /// A consent event cannot be used.
    #[error(transparent)]
    Consent(#[from] ConsentError),
    /// The view cannot be produced.
    #[error(transparent)]
    View(#[from] ViewError),
    /// A signal file cannot be read.
    #[error(transparent)]
    Signal(#[from] SignalError),
    /// The access log does not verify.
    #[error(transparent)]
    AccessLog(#[from] AccessLogError),
}

fn parse<T: for<'de> Deserialize<'de>>(what: &'static str, json: &str) -> Result<T, HostError> {
    serde_json::from_str(json).map_err(|e| HostError::Parse {
        what,
        message: crate::source::redact_keys(&e.to_string()),
    })
}

fn date(what: &'static str, s: &str) -> Result<NaiveDate, HostError> {
    s.trim().parse().map_err(|_| HostError::Parse {
        what,
        message: "not a date: use `YYYY-MM-DD`".into(),
    })
}

/// The view of `organisation` on a household, from JSON: `case_json` a case (the case file
/// form), `events_json` an array of events, `consent_json` an array of consent events. The case
/// is routed on its `opened` date (or `as_of` when it states none); consent is the case's flag
/// followed by the consent events.
pub fn view_from_json(
    router: &Router,
    case_json: &str,
    events_json: &str,
    consent_json: &str,
    organisation: &str,
    as_of: &str,
) -> Result<OrganisationView, HostError> {
    let case: Case = parse("case", case_json)?;
    case.check(router.directory())?;
    let events: Vec<Event> = parse("events", events_json)?;
    let consent_events: Vec<ConsentEvent> = parse("consent events", consent_json)?;
    let as_of = date("as_of", as_of)?;
    let decision = router.route(&case, case.opened().unwrap_or(as_of))?;
    let consents = Consents::of_case_with(&case, &consent_events)?;
    Ok(crate::views::view(
        router.rules(),
        &case,
        &decision,
        &events,
        &consents,
        organisation,
        as_of,
    )?)
}

/// A rejected signal row, for hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedSignal {
    /// The row (from 1: the first data row).
    pub row: usize,
    /// Why.
    pub message: String,
}

/// Everything signal intake produces, for hosts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalReport {
    /// The proactive cases.
    pub cases: Vec<ProactiveCase>,
    /// Copies of a signal merged into one.
    pub duplicates: usize,
    /// The rows rejected.
    pub rejected: Vec<RejectedSignal>,
    /// The feedback row of every accepted signal (from `events`).
    pub feedback: Vec<FeedbackRow>,
}

/// Reads a signal CSV as of a date, combines the signals into proactive cases within
/// `window_days`, and gives the feedback rows from the events (a JSON array; `[]` for none).
pub fn signal_report(
    csv: &str,
    as_of: &str,
    window_days: u32,
    events_json: &str,
) -> Result<SignalReport, HostError> {
    let as_of = date("as_of", as_of)?;
    let events: Vec<Event> = parse("events", events_json)?;
    let checked = signals::read_csv(csv, as_of)?;
    let opts = IntakeOptions {
        window_days,
        ..IntakeOptions::default()
    };
    let intake = signals::intake(&checked.signals, &opts);
    let feedback = signals::feedback(&intake.cases, &events);
    Ok(SignalReport {
        rejected: checked
            .rejected
            .iter()
            .map(|e| RejectedSignal {
                row: e.row().unwrap_or(0),
                message: e.to_string(),
            })
            .collect(),
        cases: intake.cases,
        duplicates: intake.duplicates,
        feedback,
    })
}

/// Records a view given in its JSON form (as [`view_from_json`] returns it) at an RFC 3339
/// instant.
pub fn record_view_json(log: &mut AccessLog, view_json: &str, at: &str) -> Result<(), HostError> {
    let view: OrganisationView = parse("view", view_json)?;
    let at: DateTime<Utc> = at.trim().parse().map_err(|_| HostError::Parse {
        what: "at",
        message: "not an instant: use RFC 3339, e.g. `2026-03-02T09:00:00Z`".into(),
    })?;
    log.record_view(&view, at);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_names_the_input_not_the_value() {
        let router = Router::new(&crate::pilot::rules());
        let e = view_from_json(&router, "{", "[]", "[]", "x", "2026-01-01").unwrap_err();
        assert!(e.to_string().starts_with("case: "), "{e}");
        let e = signal_report("", "31-12-2026", 30, "[]").unwrap_err();
        assert_eq!(e.to_string(), "as_of: not a date: use `YYYY-MM-DD`");
        let mut log = AccessLog::new();
        let e = record_view_json(&mut log, "{}", "now").unwrap_err();
        assert!(e.to_string().starts_with("view: "), "{e}");
    }
}
