//! The Haarlemmermeer care pilot, end to end, on the data embedded in dls-core: the coverage
//! of the pilot municipality (gaps and overlaps per kern), the routing of the pilot's sample
//! cases with their explanations, an evaluation of the pilot's timelines against the
//! baseline year, and one household as a municipal or partner system receives it: a FHIR R4
//! Bundle and a ZGW zaak (abbreviated).
//!
//! Run: `cargo run -p dls-examples --bin haarlemmermeer`

use chrono::NaiveDate;
use dls_core::coverage::{self, CoverageOptions};
use dls_core::evaluation::{self, CompareOptions, Dim, Disclosure, EvalOptions, Selection};
use dls_core::pilot;
use dls_core::routing::Router;

fn main() {
    let rules = pilot::rules();
    let dir = rules.directory();
    println!(
        "dls {} — Haarlemmermeer care pilot: {} kernen, {} organisations, {} services ({} routing by their own coverage), {} rules of policy",
        dls_core::VERSION,
        dir.areas()
            .kernen()
            .iter()
            .filter(|k| k.municipality.as_str() == "GM0394")
            .count(),
        dir.organisations().len(),
        dir.services().len(),
        dir.services().iter().filter(|s| s.priority.is_some()).count(),
        rules.data().rules.len()
    );

    section("Coverage of the pilot municipality on 2026-06-01");
    let options = CoverageOptions {
        date: NaiveDate::from_ymd_opt(2026, 6, 1).expect("a valid date"),
        municipality: Some("GM0394".parse().expect("a valid municipality code")),
    };
    print!("{}", coverage::analyse(&rules, &options).render_table());

    section("Routing the pilot's sample cases");
    let router = Router::new(&rules);
    for case in pilot::cases() {
        let date = case
            .opened()
            .expect("sample cases carry their opening date");
        match router.route(&case, date) {
            Ok(decision) => println!("{}\n", decision.explain()),
            Err(e) => println!("case `{}` cannot be routed: {e}\n", case.id()),
        }
    }

    section("Evaluation of the pilot timelines: baseline 2025 against pilot 2026");
    evaluate();

    section("Early signals: one proactive case, and what one organisation may see");
    proactive_case_and_view(&rules, &router);
    section("One household for other systems: FHIR R4 Bundle and ZGW zaak (abbreviated)");
    exchange(&router);
}

/// The multi-need household `hlmr-2026-0001` with its timeline, as a FHIR Bundle and as the
/// ZGW Zaken documents to POST, one line per resource.
fn exchange(router: &Router) {
    use dls_core::exchange::fhir::{self, Resource};
    use dls_core::exchange::zgw::{self, ZgwConfig, ZgwConfigData};

    let case = pilot::cases()
        .into_iter()
        .find(|c| c.id().as_str() == "hlmr-2026-0001")
        .expect("the pilot's multi-need household");
    let decision = router
        .route(&case, case.opened().expect("an opening date"))
        .expect("the household routes");
    let events = pilot::events();
    let dir = router.directory();
    let bundle = fhir::bundle(&decision, dir, Some(&events));
    println!(
        "FHIR Bundle ({}), {} entries:",
        bundle.kind,
        bundle.entry.len()
    );
    for e in &bundle.entry {
        let line = match &e.resource {
            Resource::Group(g) => format!("Group           household `{}`", g.identifier[0].value),
            Resource::Organization(o) => format!(
                "Organization    `{}` {}",
                o.identifier[0].value,
                o.name.as_deref().unwrap_or("")
            ),
            Resource::ServiceRequest(r) => format!(
                "ServiceRequest  {} `{}`{}",
                r.status,
                r.code.coding[0].code,
                r.code.coding[1..]
                    .iter()
                    .map(|c| format!(" {}", c.code))
                    .collect::<String>()
            ),
            Resource::Task(t) => format!(
                "Task            {} ({}) since {}",
                t.status,
                t.business_status
                    .as_ref()
                    .map_or("", |b| b.coding[0].code.as_str()),
                t.last_modified
            ),
            Resource::CareTeam(c) => format!(
                "CareTeam        {} participants, lead first",
                c.participant.len()
            ),
        };
        println!("  {line}");
    }

    let base = "https://catalogi.example.nl/catalogi/api/v1";
    let config = ZgwConfig::new(ZgwConfigData {
        zaken_api: "https://zaken.example.nl/zaken/api/v1".into(),
        zaaktype: format!("{base}/zaaktypen/hulpvraag"),
        deelzaaktype: format!("{base}/zaaktypen/behoefte"),
        bronorganisatie: "002220647".into(),
        verantwoordelijke_organisatie: "002220647".into(),
        roltype_initiator: format!("{base}/roltypen/initiator"),
        roltype_zaakcoordinator: format!("{base}/roltypen/zaakcoordinator"),
        roltype_behandelaar: format!("{base}/roltypen/behandelaar"),
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
    .expect("a valid configuration");
    let docs = zgw::zaken(&decision, dir, Some(&events), &config).expect("the household exports");
    println!("\nZGW Zaken API 1.5.1, {} documents to POST:", docs.len());
    for d in &docs {
        let b = &d.body;
        let what = match d.resource.path() {
            "zaken" if b.get("hoofdzaak").is_some() => {
                format!("deelzaak  {}", b["omschrijving"].as_str().unwrap_or(""))
            }
            "zaken" => format!("hoofdzaak {}", b["omschrijving"].as_str().unwrap_or("")),
            "rollen" => format!(
                "rol       {} {}",
                b["roltype"]
                    .as_str()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap_or(""),
                b["roltoelichting"].as_str().unwrap_or("")
            ),
            _ => format!(
                "status    {} {}",
                b["datumStatusGezet"].as_str().unwrap_or(""),
                b["statustoelichting"].as_str().unwrap_or("")
            ),
        };
        println!("  POST /{:<9} {what}", d.resource.path());
    }
}

fn section(title: &str) {
    println!("\n== {title}\n");
}

fn evaluate() {
    let ingested = evaluation::ingest_csv_str(pilot::EVENTS_CSV)
        .expect("the embedded timelines have a valid header");
    println!(
        "{} rows read, {} used, {} rejected; {} cases",
        ingested.rows_read,
        ingested.rows_used,
        ingested.rejected.len(),
        ingested.log.case_count()
    );
    let opts = EvalOptions {
        directory: Some(pilot::directory()),
        group_by: vec![Dim::Phase, Dim::Kern],
        as_of: Some("2026-09-01T00:00:00Z".parse().expect("a valid instant")),
        ..EvalOptions::default() // disclosure control on: cells under 10 suppressed, counts rounded to 5
    };
    let ev = evaluation::evaluate(&ingested.log, &opts);
    println!("\nPer phase and kern, as published (small cells suppressed, counts rounded to 5):");
    let mut suppressed = 0;
    for row in &ev.summary.aggregates.rows {
        let key: Vec<&str> = row
            .key
            .iter()
            .map(|k| k.as_deref().unwrap_or("-"))
            .collect();
        match &row.figures {
            Some(f) => println!(
                "  {:<24} cases {:>4}  first contact median {:>5.1} d  right place median {:>5.1} d (open {})  bounces {:>3.0}%  loops {:>3.0}%",
                key.join(" / "),
                f.cases,
                f.first_contact.median_days.unwrap_or(f64::NAN),
                f.right_place.median_days.unwrap_or(f64::NAN),
                f.right_place.open,
                100.0 * f.bounce_rate,
                100.0 * f.loop_rate
            ),
            None => suppressed += 1,
        }
    }
    println!("  ({suppressed} cells suppressed: fewer than 10 cases, or protecting one that is)");

    println!("\nLegal deadlines per phase (raw figures, for internal use):");
    let by_phase = evaluation::evaluate(
        &ingested.log,
        &EvalOptions {
            group_by: vec![Dim::Phase],
            disclosure: Disclosure::raw(),
            ..opts.clone()
        },
    );
    for row in &by_phase.summary.aggregates.rows {
        let Some(f) = row.figures.as_ref() else {
            continue;
        };
        for c in &f.clocks {
            println!(
                "  {:<8} {:<24} met {:>3}  missed {:>3}  running {:>3}  overdue {:>3}  compliance {:>4.0}%",
                row.key[0].as_deref().unwrap_or("-"),
                c.clock.as_str(),
                c.met,
                c.missed,
                c.running,
                c.overdue,
                100.0 * c.compliance.unwrap_or(f64::NAN)
            );
        }
    }

    let phase = |p: &str| Selection {
        phase: Some(p.into()),
        ..Selection::default()
    };
    println!("\nPilot against baseline (difference, 95% bootstrap interval, seeded):");
    for c in evaluation::compare(
        &ev.per_case,
        &phase("pilot"),
        &phase("baseline"),
        &CompareOptions::default(),
    ) {
        if let (Some(d), Some(lo), Some(hi)) = (c.difference, c.ci_low, c.ci_high) {
            println!(
                "  {:<22} {:>+7.2}  [{:+.2}, {:+.2}]",
                format!("{:?}", c.metric),
                d,
                lo,
                hi
            );
        }
    }

    let p = &ev.summary.problems;
    println!("\nFrequent problems:");
    for b in p.bounce_paths.iter().take(3) {
        println!(
            "  bounce path {} -> {} -> {}: {}",
            b.from, b.via, b.from, b.count
        );
    }
    for (reason, n) in p.rejection_reasons.iter().take(3) {
        println!("  rejected: {reason}: {n}");
    }
    println!("  ({} entries under 10 left out)", p.suppressed_entries);
    for w in p.waits.iter().take(3) {
        println!(
            "  waiting at {}: median {:.1} d, p90 {:.1} d ({} never answered)",
            w.organisation,
            w.median_days.unwrap_or(f64::NAN),
            w.p90_days.unwrap_or(f64::NAN),
            w.unanswered
        );
    }
}

/// Vroegsignalering on the pilot's signal feed: the first proactive case, routed, and the
/// need-to-know view of the organisation it went to, recorded in the access log.
fn proactive_case_and_view(rules: &dls_core::RuleSet, router: &Router) {
    use dls_core::access_log::AccessLog;
    use dls_core::consent::Consents;
    use dls_core::signals::{self, IntakeOptions};

    let intake = signals::intake(&pilot::signals(), &IntakeOptions::default());
    println!(
        "{} signals -> {} proactive cases ({} duplicate merged)",
        intake.cases.iter().map(|c| c.signals.len()).sum::<usize>(),
        intake.cases.len(),
        intake.duplicates
    );
    let case = &intake.cases[0];
    let partners: Vec<String> = case
        .signals
        .iter()
        .map(|s| format!("{} ({})", s.partner, s.kind))
        .collect();
    println!(
        "case `{}` in `{}`: {} signals from {}; urgency {}",
        case.case.id(),
        case.kern,
        case.signals.len(),
        partners.join(", "),
        case.urgency
    );
    if let (Some(since), Some(due)) = (case.crisis_since, case.contact_due) {
        println!("  Wgs clock: eviction or cut-off threatened on {since}, contact due by {due}");
    }
    let decision = case.route(router).expect("a proactive case routes");
    print!("{}", decision.explain());

    let org = decision
        .primary()
        .outcome
        .organisation()
        .expect("the primary need goes to an organisation")
        .clone();
    let view = dls_core::views::view(
        rules,
        &case.case,
        &decision,
        &[],
        &Consents::of_case(&case.case),
        org.as_str(),
        case.first_signal,
    )
    .expect("the organisation takes part in the case");
    println!(
        "\nView of `{}` ({}): needs {:?}, attributes shown {:?}",
        view.organisation,
        view.roles
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        view.needs
            .iter()
            .map(|n| n.need.as_str())
            .collect::<Vec<_>>(),
        view.fields()
            .iter()
            .filter_map(|f| f.strip_prefix("attribute:"))
            .collect::<Vec<_>>(),
    );
    for w in &view.withheld {
        println!("  withheld: {}", w.code());
    }
    let mut log = AccessLog::new();
    let at = case
        .first_signal
        .and_hms_opt(9, 0, 0)
        .expect("a valid time")
        .and_utc();
    let entry = log.record_view(&view, at);
    println!(
        "access log: #{} {} viewed `{}` on ground {}, hash {}…",
        entry.seq,
        entry.actor,
        entry.case,
        entry.ground,
        &entry.hash[..16]
    );
}
