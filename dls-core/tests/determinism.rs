//! Determinism (issue 13): the same inputs give byte-identical decisions and evaluations
//! whatever the number of threads and whatever the order of the input rows. Outputs are
//! compared as their JSON text, so any difference (an order, a float's last digit) fails.

use dls_core::evaluation::{self, Dim, Disclosure, EvalOptions};
use dls_core::routing::{self, RouteOptions, Router};
use dls_core::synthetic::{self, events::EventScale};
use rayon::ThreadPoolBuilder;
use serde_json::{json, Value};

/// Runs `f` on a rayon pool of `threads` threads (what `RAYON_NUM_THREADS` sets for a process).
fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

fn as_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

#[test]
fn a_routed_batch_is_byte_identical_on_one_thread_and_on_four() {
    let (directory, rules) = synthetic::pilot(1);
    let router = Router::new(&rules);
    let cases = synthetic::cases(&directory, 4_000, 11);
    let run = |threads| {
        on_threads(threads, || {
            let results = router.route_batch(&cases, None, RouteOptions::TRACE);
            let values: Vec<Value> = results
                .iter()
                .map(|r| match r {
                    Ok(d) => json!({ "ok": d }),
                    Err(e) => json!({ "err": e }),
                })
                .collect();
            as_json(&values)
        })
    };
    let one = run(1);
    assert_eq!(one, run(4));
    // and a what-if of the rule set with itself, across the same pools
    let w = |threads| {
        on_threads(threads, || {
            as_json(&routing::what_if(&router, &router, &cases, None))
        })
    };
    assert_eq!(w(1), w(4));
}

/// The log's lines after the header, shuffled by a fixed-seed generator (not the crate's own).
fn shuffled(csv: &str, seed: u64) -> String {
    let mut lines: Vec<&str> = csv.lines().collect();
    let header = lines.remove(0);
    let mut state = seed;
    for i in (1..lines.len()).rev() {
        // xorshift64*
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let j = (state.wrapping_mul(0x2545_F491_4F6C_DD1D) % (i as u64 + 1)) as usize;
        lines.swap(i, j);
    }
    let mut out = String::from(header);
    for l in lines {
        out.push('\n');
        out.push_str(l);
    }
    out.push('\n');
    out
}

#[test]
fn an_evaluation_is_byte_identical_across_threads_and_row_orders() {
    let csv = synthetic::events::events_csv(&EventScale::TEST, 0..3_000, 5);
    let options = |disclosure| EvalOptions {
        group_by: vec![Dim::Kern, Dim::Month],
        disclosure,
        ..EvalOptions::default()
    };
    let run = |text: &str, threads: usize, disclosure: Disclosure| {
        on_threads(threads, || {
            let ingested = evaluation::ingest_csv_str(text).expect("the log reads");
            assert!(
                ingested.rejected.is_empty(),
                "{:?}",
                &ingested.rejected[..1]
            );
            let ev = evaluation::evaluate(&ingested.log, &options(disclosure));
            let state = String::from_utf8(ev.state.to_json()).expect("UTF-8");
            (as_json(&ev.summary), as_json(&ev.per_case), state)
        })
    };
    for disclosure in [Disclosure::default(), Disclosure::raw()] {
        let base = run(&csv, 1, disclosure);
        assert_eq!(base, run(&csv, 4, disclosure), "threads");
        for seed in [1, 2, 3] {
            let other = shuffled(&csv, seed);
            assert_ne!(other, csv);
            assert_eq!(base, run(&other, 4, disclosure), "row order, seed {seed}");
        }
    }
}
