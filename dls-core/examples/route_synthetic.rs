//! Routes 10,000 synthetic cases on the national or the pilot-scale set, for profilers and
//! instruction counts (see BENCHMARKS.md, "Routing"):
//!
//! `cargo run --release -p dls-core --example route_synthetic -- national 1 [trace]`
//!
//! The second argument is how many times to route the cases; 0 only builds the set, so a
//! profile of that run can be subtracted.

use dls_core::routing::{RouteOptions, Router};
use dls_core::synthetic;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (scale, reps) = match (
        args.first().map(String::as_str),
        args.get(1).map(|r| r.parse()),
    ) {
        (Some(s @ ("national" | "pilot")), Some(Ok(reps))) => (s, reps),
        _ => {
            eprintln!("usage: route_synthetic national|pilot REPEATS [trace]");
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
    let cases = synthetic::cases(&directory, 10_000, 2);
    let mut needs = 0;
    for _ in 0..reps {
        for case in &cases {
            let date = case.opened().unwrap_or_default();
            if let Ok(decision) = router.route_with(case, date, options) {
                needs += decision.needs.len();
            }
        }
    }
    println!("{needs} needs routed");
}
