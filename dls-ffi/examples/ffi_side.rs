//! Times the Rust side of the bindings alone (record conversion in, routing, record conversion
//! out), to separate it from the cost of crossing into the JVM:
//! `cargo run --release -p dls-ffi --example ffi_side`.
use std::time::Instant;

use dls_ffi::{pilot_cases, Router, RuleSet};

fn main() {
    let router = Router::new(RuleSet::pilot().unwrap()).unwrap();
    let base = pilot_cases().unwrap();
    let cases: Vec<_> = (0..200_000)
        .map(|i| {
            let mut c = base[i % base.len()].clone();
            c.id = format!("{}-{i}", c.id);
            c
        })
        .collect();
    for trace in [false, true] {
        let t = Instant::now();
        for c in cases.iter().take(100_000) {
            router.route(c.clone(), None, trace, None).expect("routes");
        }
        let per = t.elapsed().as_secs_f64() / 100_000.0 * 1e6;
        println!("route (records in and out, trace={trace}): {per:.2} us per case");
    }
    let t = Instant::now();
    let n = router.route_batch(cases, None, None).expect("routes").len();
    let s = t.elapsed().as_secs_f64();
    println!(
        "route_batch: {n} cases in {s:.3} s = {:.0} cases/s",
        n as f64 / s
    );
}
