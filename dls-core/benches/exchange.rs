//! Exchange benchmarks (issue 14): households exported per second on one core, to a FHIR R4
//! Bundle and to the ZGW Zaken documents, each serialised to JSON text; target at least 50,000
//! households per second.
//!
//! The households are the pilot's ten sample cases routed with trace (one to four needs each),
//! repeated under 100,000 case ids; without events (one Task per service) and with a timeline
//! of five events per household. ZGW is written as JSON text with `zgw::zaken_json`;
//! `zgw_documents_with_events` builds the documents as values first (`zgw::zaken`).
//!
//! Run: `cargo bench -p dls-core --bench exchange`. Figures go to BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use dls_core::events::{Activity, Event};
use dls_core::exchange::{fhir, zgw};
use dls_core::routing::{HouseholdDecision, Router};
use dls_core::{pilot, Directory};

const HOUSEHOLDS: usize = 100_000;

fn households() -> Vec<HouseholdDecision> {
    let router = Router::new(&pilot::rules());
    let routed: Vec<HouseholdDecision> = pilot::cases()
        .iter()
        .map(|c| router.route(c, c.opened().unwrap()).unwrap())
        .collect();
    (0..HOUSEHOLDS)
        .map(|i| {
            let mut d = routed[i % routed.len()].clone();
            d.case = format!("hh-{i:07}").parse().unwrap();
            d
        })
        .collect()
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
    .unwrap()
}

fn fhir_all(ds: &[HouseholdDecision], dir: &Directory, events: Option<&[Vec<Event>]>) -> usize {
    let mut bytes = 0;
    for (i, d) in ds.iter().enumerate() {
        let b = fhir::bundle(d, dir, events.map(|e| &e[i][..]));
        bytes += b.to_json().len();
    }
    bytes
}

fn zgw_all(
    ds: &[HouseholdDecision],
    dir: &Directory,
    config: &zgw::ZgwConfig,
    events: Option<&[Vec<Event>]>,
) -> usize {
    let mut bytes = 0;
    for (i, d) in ds.iter().enumerate() {
        bytes += zgw::zaken_json(d, dir, events.map(|e| &e[i][..]), config)
            .unwrap()
            .len();
    }
    bytes
}

/// The documents as values first (`zgw::zaken`), then as text: what a host that inspects the
/// documents pays.
fn zgw_documents_all(
    ds: &[HouseholdDecision],
    dir: &Directory,
    config: &zgw::ZgwConfig,
    events: Option<&[Vec<Event>]>,
) -> usize {
    let mut bytes = 0;
    for (i, d) in ds.iter().enumerate() {
        let docs = zgw::zaken(d, dir, events.map(|e| &e[i][..]), config).unwrap();
        bytes += serde_json::to_string(&docs).unwrap().len();
    }
    bytes
}

fn exchange(c: &mut Criterion) {
    let ds = households();
    let events: Vec<Vec<Event>> = ds.iter().map(timeline).collect();
    let dir = pilot::directory();
    let config = config();
    let mut g = c.benchmark_group("export_100k_households");
    g.throughput(Throughput::Elements(HOUSEHOLDS as u64))
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(20));
    g.bench_function("fhir", |b| b.iter(|| black_box(fhir_all(&ds, &dir, None))));
    g.bench_function("fhir_with_events", |b| {
        b.iter(|| black_box(fhir_all(&ds, &dir, Some(&events))))
    });
    g.bench_function("zgw", |b| {
        b.iter(|| black_box(zgw_all(&ds, &dir, &config, None)))
    });
    g.bench_function("zgw_with_events", |b| {
        b.iter(|| black_box(zgw_all(&ds, &dir, &config, Some(&events))))
    });
    g.bench_function("zgw_documents_with_events", |b| {
        b.iter(|| black_box(zgw_documents_all(&ds, &dir, &config, Some(&events))))
    });
    g.finish();
}

criterion_group!(benches, exchange);
criterion_main!(benches);
