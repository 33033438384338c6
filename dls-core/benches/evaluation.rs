//! Evaluation benchmark: 1 M cases / ~6 M events from CSV, all per-case metrics and aggregates
//! per kern × month.
//!
//! ```text
//! cargo bench -p dls-core --bench evaluation -- generate /tmp/dls-bench/events.csv 1000000
//! cargo bench -p dls-core --bench evaluation -- run /tmp/dls-bench/events.csv
//! ```
//!
//! `generate` writes a deterministic event log (same arguments, same bytes); `run` reads it,
//! computes every per-case metric (legal clocks included) and the kern × month aggregates,
//! and prints timings and a digest of the figures to compare with the polars query in
//! `evaluation_polars.py`. Without arguments (as `cargo bench` runs it), it generates and
//! runs 100 000 cases in the system temp directory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use dls_core::evaluation::{self, time::amsterdam_offset, Dim, Disclosure, EvalOptions};

const KERNEN: &[&str] = &[
    "hoofddorp",
    "nieuw-vennep",
    "badhoevedorp",
    "zwanenburg",
    "abbenes",
    "aalsmeerderbrug",
    "beinsdorp",
    "bennebroek",
    "boesingheliede",
    "buitenkaag",
    "burgerveen",
    "cruquius",
    "haarlemmerliede",
    "halfweg",
    "leimuiderbrug",
    "lijnden",
    "lisserbroek",
    "nieuwebrug",
    "oude-meer",
    "rijsenhout",
    "rozenburg",
    "spaarndam",
    "vijfhuizen",
    "weteringbrug",
    "zwaanshoek",
    "schiphol",
    "schiphol-rijk",
    "hoofddorp-noord",
    "nieuw-vennep-zuid",
    "getsewoud",
    "floriande",
];

const NEEDS: &[&str] = &[
    "zorg.wmo.huishouden",
    "zorg.wmo.hulpmiddelen",
    "zorg.wmo.begeleiding",
    "zorg.jeugd",
    "zorg.schulden",
    "zorg.eenzaamheid",
    "zorg.mantelzorg",
];

const REASONS: &[&str] = &[
    "wrong_service",
    "not_eligible",
    "out_of_area",
    "full",
    "other_organisation_first",
    "incomplete_information",
];

/// xorshift64*: deterministic on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((self.next() as u128 * n as u128) >> 64) as u64
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

struct Writer<W: Write> {
    out: W,
    events: u64,
}

impl<W: Write> Writer<W> {
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        case: u64,
        t: i64,
        act: &str,
        org: &str,
        service: &str,
        kern: &str,
        need: &str,
        reason: &str,
    ) -> std::io::Result<()> {
        let off = amsterdam_offset(t);
        let local = chrono::DateTime::from_timestamp(t + off, 0).unwrap_or_default();
        writeln!(
            self.out,
            "c{case:07},{}+0{}:00,{act},{org},{service},{kern},{need},{reason},GM0394",
            local.format("%Y-%m-%dT%H:%M:%S"),
            off / 3600
        )?;
        self.events += 1;
        Ok(())
    }
}

fn generate(path: &Path, cases: u64) -> std::io::Result<u64> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = Writer {
        out: BufWriter::with_capacity(1 << 20, File::create(path)?),
        events: 0,
    };
    writeln!(
        w.out,
        "case_id,timestamp,activity,organisation,service,kern,need,reason,municipality"
    )?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // 2025-01-01 to 2026-12-31, office hours.
    let start = 1_735_689_600i64;
    let span_days = 730;
    const H: i64 = 3600;
    for c in 0..cases {
        let kern = KERNEN[rng.below(KERNEN.len() as u64) as usize];
        let need = NEEDS[rng.below(NEEDS.len() as u64) as usize];
        let day = rng.below(span_days) as i64;
        let mut t = start + day * 86_400 + 7 * H + rng.below(10 * H as u64) as i64;
        w.row(c, t, "opened", "", "", kern, need, "")?;
        if rng.chance(92) {
            t += 1800 + rng.below(5 * 86_400) as i64;
            w.row(c, t, "first_contact", "steunpunt", "", "", "", "")?;
        }
        let wmo = need.starts_with("zorg.wmo") && rng.chance(30);
        if wmo {
            t += rng.below(2 * 86_400) as i64;
            w.row(c, t, "melding", "gemeente", "wmo-loket", "", "", "")?;
        }
        // Referral chain: bounces and loops.
        let tries = match rng.below(100) {
            0..75 => 1,
            75..95 => 2,
            _ => 3,
        };
        let mut accepted = false;
        let first_org = rng.below(12);
        for i in 0..tries {
            let o = if i == 2 && rng.chance(50) {
                first_org
            } else {
                (first_org + i) % 12
            };
            let org = format!("org{o:02}");
            let svc = format!("svc{o:02}");
            t += H + rng.below(3 * 86_400) as i64;
            w.row(c, t, "referred", &org, &svc, "", "", "")?;
            t += H + rng.below(10 * 86_400) as i64;
            let r = rng.below(100);
            if i + 1 == tries && r < 85 {
                let n = if rng.chance(90) { need } else { "" };
                w.row(c, t, "accepted", &org, &svc, "", n, "")?;
                accepted = true;
            } else if r < 92 {
                let reason = REASONS[rng.below(REASONS.len() as u64) as usize];
                w.row(c, t, "rejected", &org, &svc, "", "", reason)?;
            } else {
                w.row(c, t, "no_response", &org, &svc, "", "", "")?;
            }
        }
        if !accepted && rng.chance(40) {
            t += H;
            w.row(c, t, "escalated", "steunpunt", "", "", "", "")?;
        }
        if wmo {
            t += rng.below(20 * 86_400) as i64;
            w.row(c, t, "aanvraag", "gemeente", "wmo-loket", "", "", "")?;
            t += rng.below(20 * 86_400) as i64;
            w.row(c, t, "decision", "gemeente", "wmo-loket", "", "", "")?;
        }
        if accepted && rng.chance(75) {
            t += rng.below(30 * 86_400) as i64;
            w.row(c, t, "resolved", "", "", "", "", "")?;
            t += rng.below(5 * 86_400) as i64;
            w.row(c, t, "closed", "", "", "", "", "")?;
            if rng.chance(4) {
                t += rng.below(150 * 86_400) as i64;
                w.row(c, t, "reopened", "", "", "", "", "")?;
            }
        }
    }
    w.out.flush()?;
    Ok(w.events)
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
        .filter(|m| m.first_contact_secs.is_none())
        .count();
    let ttrp_open = ev
        .per_case
        .iter()
        .filter(|m| m.right_place_secs.is_none())
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
