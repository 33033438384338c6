//! Routes 10,000 synthetic cases on the national or the pilot-scale set, for profilers and
//! instruction counts (see BENCHMARKS.md, "Routing"):
//!
//! `cargo run --release -p dls-core --example route_synthetic -- national 1 [trace|ledger]`
//! (`ledger`: without trace, against a live capacity ledger that takes a place per need)
//!
//! The second argument is how many times to route the cases; 0 only builds the set, so a
//! profile of that run can be subtracted.

use dls_core::routing::{CapacityLedger, RouteOptions, Router};
use dls_core::synthetic;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (scale, reps) = match (
        args.first().map(String::as_str),
        args.get(1).map(|r| r.parse()),
    ) {
        (Some(s @ ("national" | "pilot")), Some(Ok(reps))) => (s, reps),
        _ => {
            eprintln!("usage: route_synthetic national|pilot REPEATS [trace|ledger]");
            std::process::exit(2);
        }
    };
    let options = if args.get(2).map(String::as_str) == Some("trace") {
        RouteOptions::TRACE
    } else {
        RouteOptions::FAST
    };
    let (directory, rules) = if scale == "national" {
        synthetic::national(1)
    } else {
        synthetic::pilot(1)
    };
    let router = Router::new(&rules);
    let ledger =
        (args.get(2).map(String::as_str) == Some("ledger")).then(|| CapacityLedger::new(&router));
    let cases = synthetic::cases(&directory, 10_000, 2);
    let mut needs = 0;
    for _ in 0..reps {
        for case in &cases {
            let date = case.opened().unwrap_or_default();
            let routed = match &ledger {
                Some(l) => router.route_reserving(case, date, options, l),
                None => router.route_with(case, date, options),
            };
            if let Ok(decision) = routed {
                needs += decision.needs.len();
            }
        }
    }
    println!("{needs} needs routed");
}
