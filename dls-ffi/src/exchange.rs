//! FHIR R4 and ZGW Zaken exports of a routed household, and FHIR import, as JSON text
//! (`dls_core::exchange`): route, export, serialise.

use std::sync::Arc;

use dls_core::exchange::{fhir, zgw};
use dls_core::routing::{self, HouseholdDecision, RouteOptions};
use dls_core::Event;

use crate::error::{guard, invalid, DlsError};
use crate::objects::{date_arg, Router};
use crate::records::CaseRecord;

/// Routes `case` (with trace) and reads the events, as every export here does. The case is
/// read with the router's directory's vocabulary, as `Router.route` reads it (a declared
/// attribute or a declared word of a national one is a case's own, not an error).
fn routed(
    router: &Router,
    case: &CaseRecord,
    date: Option<String>,
    events_json: Option<String>,
) -> Result<(HouseholdDecision, Option<Vec<Event>>), DlsError> {
    let case = case
        .row()?
        .to_case_in(router.core().directory().vocabulary())?;
    let date = routing::date_for(&case, date_arg(date)?)?;
    let decision = router.core().route_with(&case, date, RouteOptions::TRACE)?;
    let events = events_json
        .map(|j| {
            serde_json::from_str::<Vec<Event>>(&j).map_err(|e| {
                invalid(format!(
                    "events: {}",
                    dls_core::source::redact_keys(&e.to_string())
                ))
            })
        })
        .transpose()?;
    Ok((decision, events))
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, DlsError> {
    serde_json::to_string(v).map_err(|_| invalid("cannot write JSON"))
}

/// Routes one household (on `date`, else its `opened` date; with trace) and returns its FHIR R4
/// Bundle as JSON: `collection` (each Task in its status now) or, with `history`, `history`
/// (every version of every Task). `events_json`: the timeline, a JSON array of events (the
/// event file format); absent, each service gets one Task in `requested`.
#[uniffi::export(default(date = None, events_json = None, history = false))]
pub fn fhir_bundle(
    router: Arc<Router>,
    case: CaseRecord,
    date: Option<String>,
    events_json: Option<String>,
    history: bool,
) -> Result<String, DlsError> {
    guard(|| {
        let (d, events) = routed(&router, &case, date, events_json)?;
        let dir = router.core().directory();
        let b = if history {
            fhir::history(&d, dir, events.as_deref())
        } else {
            fhir::bundle(&d, dir, events.as_deref())
        };
        json(&b)
    })
}

/// Reads a FHIR R4 Bundle (JSON) into dls events: JSON `{"events": [...], "skipped": [...]}`.
#[uniffi::export]
pub fn fhir_import(json_text: String) -> Result<String, DlsError> {
    guard(|| json(&fhir::import(&json_text)?))
}

/// Routes one household (as [`fhir_bundle`]) and returns the ZGW Zaken API 1.5.1 documents to
/// POST, in order, as a JSON array of `{resource, id, url, refers_to, body}`. `config_json`:
/// the ZGW configuration (checked first: RSINs, URLs, statustypen).
#[uniffi::export(default(date = None, events_json = None))]
pub fn zgw_zaken(
    router: Arc<Router>,
    case: CaseRecord,
    config_json: String,
    date: Option<String>,
    events_json: Option<String>,
) -> Result<String, DlsError> {
    guard(|| {
        let data: zgw::ZgwConfigData = serde_json::from_str(&config_json).map_err(|e| {
            invalid(format!(
                "zgw configuration: {}",
                dls_core::source::redact_keys(&e.to_string())
            ))
        })?;
        let config = zgw::ZgwConfig::new(data)?;
        let (d, events) = routed(&router, &case, date, events_json)?;
        json(&zgw::zaken(
            &d,
            router.core().directory(),
            events.as_deref(),
            &config,
        )?)
    })
}
