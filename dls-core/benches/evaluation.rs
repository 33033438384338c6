//! Evaluation benchmark: 1 M cases / ~6 M events from CSV, all per-case metrics and aggregates
//! per kern × month.
//!
//! ```text
//! cargo bench -p dls-core --bench evaluation -- generate /tmp/dls-bench/events.csv 1000000
//! cargo bench -p dls-core --bench evaluation -- run /tmp/dls-bench/events.csv
//! ```
//!
//! `generate` writes a deterministic event log (`dls_core::synthetic::events`, pilot scale:
//! same arguments, same bytes); `run` reads it,
//! computes every per-case metric (legal clocks included) and the kern × month aggregates,
//! and prints timings and a digest of the figures to compare with the polars query in
//! `evaluation_polars.py`. Without arguments (as `cargo bench` runs it), it generates and
//! runs 100 000 cases in the system temp directory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use dls_core::evaluation::{self, Dim, Disclosure, EvalOptions};
use dls_core::synthetic::events::{self, EventScale};

fn generate(path: &Path, cases: u64) -> std::io::Result<u64> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let events = events::write_events(&mut out, &EventScale::PILOT, 0..cases, 1)?;
    out.flush()?;
    Ok(events)
}

fn run(path: &Path) -> std::io::Result<()> {
    let size = std::fs::metadata(path)?.len();
    let t0 = Instant::now();
    let ingested = evaluation::ingest_csv(File::open(path)?).map_err(std::io::Error::other)?;
    let t_read = t0.elapsed();
    let opts = EvalOptions {
        group_by: vec![Dim::Kern, Dim::Month],
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    };
    let t1 = Instant::now();
    let ev = evaluation::evaluate(&ingested.log, &opts);
    let t_eval = t1.elapsed();
    let total = t0.elapsed();
    println!(
        "file: {} ({:.1} MB); rows read {}, used {}, rejected {}; cases {}",
        path.display(),
        size as f64 / 1e6,
        ingested.rows_read,
        ingested.rows_used,
        ingested.rejected.len(),
        ev.per_case.len()
    );
    println!(
        "read {:.2} s, metrics + aggregates {:.2} s, total {:.2} s",
        t_read.as_secs_f64(),
        t_eval.as_secs_f64(),
        total.as_secs_f64()
    );
    // Digest to compare with the polars query.
    let rows = &ev.summary.aggregates.rows;
    let mut cases = 0;
    let mut handoffs = 0;
    let mut bounces = 0;
    let mut loops = 0;
    let mut resolved = 0;
    let mut reopened = 0;
    let mut escalations = 0;
    for r in rows {
        if let Some(f) = &r.figures {
            cases += f.cases;
            handoffs += f.handoffs;
            bounces += f.bounces;
            loops += f.loops;
            resolved += f.resolved;
            reopened += f.reopened;
            escalations += f.escalations;
        }
    }
    println!(
        "cells {}; cases {cases}, handoffs {handoffs}, bounces {bounces}, loops {loops}, escalations {escalations}, resolved {resolved}, reopened {reopened}",
        rows.len()
    );
    let orgs: u64 = ev.per_case.iter().map(|m| m.organisations as u64).sum();
    let ttfc_open = ev
        .per_case
        .iter()
        .filter(|m| m.first_contact_micros.is_none())
        .count();
    let ttrp_open = ev
        .per_case
        .iter()
        .filter(|m| m.right_place_micros.is_none())
        .count();
    let clocks: usize = ev.per_case.iter().map(|m| m.clocks.len()).sum();
    println!("organisations touched {orgs}; first contact open {ttfc_open}; right place open {ttrp_open}; clocks {clocks}");
    if let Some(r) = rows.iter().find(|r| {
        r.key[0].as_deref() == Some("hoofddorp") && r.key[1].as_deref() == Some("2026-03")
    }) {
        let f = r.figures.as_ref().expect("raw figures");
        println!(
            "hoofddorp 2026-03: cases {}, first contact median {:.4} d p90 {:.4} d, right place median {:.4} d p90 {:.4} d",
            f.cases,
            f.first_contact.median_days.unwrap_or(f64::NAN),
            f.first_contact.p90_days.unwrap_or(f64::NAN),
            f.right_place.median_days.unwrap_or(f64::NAN),
            f.right_place.p90_days.unwrap_or(f64::NAN),
        );
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    match args.first().map(String::as_str) {
        Some("generate") => {
            let path = PathBuf::from(args.get(1).map_or("/tmp/dls-bench/events.csv", |s| s));
            let cases = args
                .get(2)
                .and_then(|s| s.parse().ok())
                .unwrap_or(1_000_000);
            let t = Instant::now();
            let events = generate(&path, cases)?;
            println!(
                "wrote {cases} cases, {events} events to {} in {:.1} s",
                path.display(),
                t.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some("run") => run(Path::new(
            args.get(1).map_or("/tmp/dls-bench/events.csv", |s| s),
        )),
        _ => {
            let path = std::env::temp_dir()
                .join("dls-bench-small")
                .join("events.csv");
            generate(&path, 100_000)?;
            run(&path)
        }
    }
}
