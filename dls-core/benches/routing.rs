//! Routing benchmarks (issue 3): needs routed per second on one core with and without trace,
//! national against pilot scale, router build time, a parallel batch for reference, and
//! routing against the live capacity ledger (issue 14: within 1.5x of routing without it).
//!
//! Run: `cargo bench -p dls-core --bench routing`. Figures go to BENCHMARKS.md.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use dls_core::routing::{CapacityLedger, RouteOptions, Router};
use dls_core::synthetic;
use dls_core::Case;

const CASES: usize = 10_000;

fn needs(cases: &[Case]) -> u64 {
    cases.iter().map(|c| c.needs().len() as u64).sum()
}

/// Routes every case on its own date, one by one on this thread.
fn route_all(router: &Router, cases: &[Case], options: RouteOptions) -> usize {
    let mut n = 0;
    for c in cases {
        let date = c.opened().unwrap_or_default();
        if let Ok(d) = router.route_with(c, date, options) {
            n += d.needs.len();
        }
    }
    n
}

/// As [`route_all`], against a live capacity ledger that takes a place per routed need.
fn route_all_reserving(router: &Router, cases: &[Case], ledger: &CapacityLedger) -> usize {
    let mut n = 0;
    for c in cases {
        let date = c.opened().unwrap_or_default();
        if let Ok(d) = router.route_reserving(c, date, RouteOptions::FAST, ledger) {
            n += d.needs.len();
        }
    }
    n
}

fn routing(c: &mut Criterion) {
    let (nat_dir, nat_rules) = synthetic::national(1);
    let (pil_dir, pil_rules) = synthetic::pilot(1);
    let sets = [
        (
            "national",
            Router::new(&nat_rules),
            synthetic::cases(&nat_dir, CASES, 2),
        ),
        (
            "pilot",
            Router::new(&pil_rules),
            synthetic::cases(&pil_dir, CASES, 2),
        ),
    ];

    let mut g = c.benchmark_group("route");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    for (name, router, cases) in &sets {
        g.throughput(Throughput::Elements(needs(cases)));
        for (mode, options) in [
            ("no_trace", RouteOptions::FAST),
            ("trace", RouteOptions::TRACE),
        ] {
            g.bench_with_input(BenchmarkId::new(mode, name), cases, |b, cases| {
                b.iter(|| black_box(route_all(router, cases, options)))
            });
        }
    }
    g.finish();

    // the same cases against a fresh ledger each round (made outside the timing), interleaved
    // with the plain walk so that the ratio holds under a varying load
    let mut g = c.benchmark_group("route_ledger");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    for (name, router, cases) in &sets {
        g.throughput(Throughput::Elements(needs(cases)));
        g.bench_with_input(BenchmarkId::new("snapshot", name), cases, |b, cases| {
            b.iter(|| black_box(route_all(router, cases, RouteOptions::FAST)))
        });
        g.bench_with_input(BenchmarkId::new("ledger", name), cases, |b, cases| {
            b.iter_batched(
                || CapacityLedger::new(router),
                |ledger| black_box(route_all_reserving(router, cases, &ledger)),
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();

    let mut g = c.benchmark_group("route_batch");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    let (_, router, cases) = &sets[0];
    g.throughput(Throughput::Elements(needs(cases)));
    g.bench_function("national_no_trace_all_threads", |b| {
        b.iter(|| black_box(router.route_batch(cases, None, RouteOptions::FAST).len()))
    });
    g.finish();

    let mut g = c.benchmark_group("build");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(10);
    g.bench_function("router_national", |b| {
        b.iter(|| black_box(Router::new(&nat_rules)))
    });
    g.finish();
}

criterion_group!(benches, routing);
criterion_main!(benches);
