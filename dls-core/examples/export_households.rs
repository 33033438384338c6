//! Exports households to FHIR and ZGW JSON, for instruction counts and for comparing the output
//! of two builds byte for byte (see BENCHMARKS.md, "Exporting households to FHIR and ZGW"):
//!
//! `cargo run --release -p dls-core --example export_households -- fhir|zgw N [events]`
//! exports the pilot's ten sample households routed with trace, repeated under `N` case ids
//! (the data of `benches/exchange.rs`); `N` = 0 only builds them, so a profile of that run can
//! be subtracted.
//!
//! `cargo run --release -p dls-core --example export_households -- dump` prints, for every pilot
//! household, its FHIR Bundle (`collection` and `history`) and its ZGW documents, without events,
//! with the bench's five events, and with the pilot's own event log: one line each.

use chrono::{TimeZone, Utc};
use dls_core::events::{Activity, Event};
use dls_core::exchange::{fhir, zgw};
use dls_core::routing::{HouseholdDecision, Router};
use dls_core::{pilot, Directory};

fn routed() -> Vec<HouseholdDecision> {
    let router = Router::new(&pilot::rules());
    pilot::cases()
        .iter()
        .map(|c| router.route(c, c.opened().expect("pilot cases are dated")))
        .collect::<Result<_, _>>()
        .expect("the pilot's cases route")
}

/// Opened, referred, accepted, resolved, closed for the primary need's service.
fn timeline(d: &HouseholdDecision) -> Vec<Event> {
    let t = |day: u32| Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap();
    let n = &d.needs[0];
    let ev = |day, activity, named: bool| Event {
        case: d.case.clone(),
        at: t(day),
        activity,
        organisation: named.then(|| n.outcome.organisation().cloned()).flatten(),
        service: named.then(|| n.outcome.service().cloned()).flatten(),
        kern: None,
        need: None,
        reason: None,
    };
    vec![
        ev(2, Activity::Opened, false),
        ev(3, Activity::Referred, true),
        ev(5, Activity::Accepted, true),
        ev(20, Activity::Resolved, false),
        ev(21, Activity::Closed, false),
    ]
}

fn config() -> zgw::ZgwConfig {
    let base = "https://catalogi.example.nl/catalogi/api/v1";
    zgw::ZgwConfig::new(zgw::ZgwConfigData {
        zaken_api: "https://zaken.example.nl/zaken/api/v1".into(),
        zaaktype: format!("{base}/zaaktypen/1"),
        deelzaaktype: String::new(),
        bronorganisatie: "002220647".into(),
        verantwoordelijke_organisatie: "002220647".into(),
        roltype_initiator: format!("{base}/roltypen/1"),
        roltype_zaakcoordinator: format!("{base}/roltypen/2"),
        roltype_behandelaar: format!("{base}/roltypen/3"),
        statustypen: [
            "requested",
            "accepted",
            "rejected",
            "failed",
            "cancelled",
            "completed",
        ]
        .iter()
        .map(|s| (s.to_string(), format!("{base}/statustypen/{s}")))
        .collect(),
        vertrouwelijkheidaanduiding: String::new(),
    })
    .expect("the configuration is valid")
}

/// The ZGW documents as JSON text (`zgw::zaken_json` where the build has it; see BENCHMARKS.md).
fn zgw_text(
    d: &HouseholdDecision,
    dir: &Directory,
    events: Option<&[Event]>,
    config: &zgw::ZgwConfig,
) -> String {
    zgw::zaken_json(d, dir, events, config).expect("the household exports")
}

fn dump(dir: &Directory, config: &zgw::ZgwConfig) {
    let log = pilot::events();
    for d in routed() {
        let bench = timeline(&d);
        for (label, events) in [
            ("none", None),
            ("bench", Some(&bench[..])),
            ("pilot", Some(&log[..])),
        ] {
            let case = d.case.as_str();
            println!(
                "{case} {label} fhir {}",
                fhir::bundle(&d, dir, events).to_json()
            );
            println!(
                "{case} {label} history {}",
                fhir::history(&d, dir, events).to_json()
            );
            println!("{case} {label} zgw {}", zgw_text(&d, dir, events, config));
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = pilot::directory();
    let config = config();
    if args.first().map(String::as_str) == Some("dump") {
        dump(&dir, &config);
        return;
    }
    let (kind, n) = match (
        args.first().map(String::as_str),
        args.get(1).map(|r| r.parse::<usize>()),
    ) {
        (Some(k @ ("fhir" | "zgw")), Some(Ok(n))) => (k, n),
        _ => {
            eprintln!("usage: export_households fhir|zgw N [events] | dump");
            std::process::exit(2);
        }
    };
    let with_events = args.get(2).map(String::as_str) == Some("events");
    let base = routed();
    let ds: Vec<HouseholdDecision> = (0..n)
        .map(|i| {
            let mut d = base[i % base.len()].clone();
            d.case = format!("hh-{i:07}").parse().expect("a case id");
            d
        })
        .collect();
    let events: Vec<Vec<Event>> = ds.iter().map(timeline).collect();
    let mut bytes = 0;
    for (i, d) in ds.iter().enumerate() {
        let ev = with_events.then(|| &events[i][..]);
        bytes += if kind == "fhir" {
            fhir::bundle(d, &dir, ev).to_json().len()
        } else {
            zgw_text(d, &dir, ev, &config).len()
        };
    }
    println!("{n} households, {bytes} bytes");
}
