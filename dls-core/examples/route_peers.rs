//! Routes the peers' national cases (`../shared/peers/gen.py`) with dls, whole process from the
//! files, for the exactness check and the timing against `route_frames.py` and `route_zen.py`
//! (BENCHMARKS.md, "Routing the peers' national data (issue 11)"):
//!
//! ```text
//! python3 dls-core/benches/peers/to_dls.py /tmp/benchdata/directory /tmp/peers-dls   # once
//! cargo run --release -p dls-core --example route_peers -- \
//!     /tmp/peers-dls /tmp/benchdata/large/cases.csv 100000 routes-dls.csv [2026-01-01]
//! ```
//!
//! The directory folder is the translation `to_dls.py` writes: areas, taxonomy and
//! organisations as dls JSON, the 15,000 services as dls's tabular `services.csv`, read here
//! through [`tabular::load`]. No rule file: every service routes by its own coverage
//! (`coverage:<service>` rules). The cases are gen.py's `cases.csv` as it is (`case_id`,
//! `kern`, `age`, `household_type`, `urgency`, `needs`; the other columns are not read), the
//! first LIMIT rows, all routed on DATE (default 2026-01-01, the peers' `AS_OF`). The output has
//! the columns of `route_frames.py --out`: `case_id,need,service_id` (empty for a gap), one row
//! per need in the cases' order. One `RESULT {json}` line on stdout gives the wall time of each
//! step and its CPU time (`_cpu`, user + system of all threads, from `/proc/self/stat`).
//!
//! The cases are read (CSV records, `CHUNK` at a time, up to `READ_AHEAD` chunks ahead) by a
//! thread of its own from the start, beside the loading of the directory, as a command-line
//! tool would; `read_thread` is that thread's wall and CPU time (its CPU time is also inside
//! the steps it ran beside), `wait_rows` the main thread's waiting for a chunk plus making its
//! rows ([`CaseRow::from_text`], on all threads).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use dls_core::routing::{RouteOptions, Router};
use dls_core::rows::{parse_date, CaseRow};
use dls_core::rules::{RuleSet, RuleSetData};
use dls_core::{tabular, Directory};
use rayon::prelude::*;

/// Each case field dls reads (a name of `CASE_COLUMNS`) and its column in gen.py's `cases.csv`.
const FIELDS: [(&str, &str); 6] = [
    ("id", "case_id"),
    ("kern", "kern"),
    ("needs", "needs"),
    ("age", "age"),
    ("household", "household_type"),
    ("urgency", "urgency"),
];

/// Cases read, routed and written at a time.
const CHUNK: usize = 8192;

/// Chunks the reading thread may read ahead of routing.
const READ_AHEAD: usize = 4;

/// CPU seconds (user + system) of this process so far, from `/proc/self/stat` (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // the fields after the command name (in parentheses): utime and stime are the 12th and 13th
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: f64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

/// CPU seconds (user + system) of the calling thread so far, from `/proc/thread-self/stat`.
fn thread_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: f64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

/// What the reading thread sends: the column of each of `FIELDS`, then chunks of records
/// (the buffers, and how many of them hold a record this time), then its wall and CPU time.
enum Read {
    Columns(Vec<usize>),
    Chunk(Vec<csv::StringRecord>, usize),
    Done(f64, f64),
    Failed(String),
}

/// Reads the first `limit` cases of `path` on a thread of its own, `CHUNK` records at a time
/// into buffers the main thread sends back, at most `READ_AHEAD` chunks ahead of it.
fn spawn_reader(
    path: String,
    limit: usize,
) -> (
    std::sync::mpsc::Receiver<Read>,
    std::sync::mpsc::Sender<Vec<csv::StringRecord>>,
) {
    let (tx, rx) = std::sync::mpsc::sync_channel(READ_AHEAD);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Vec<csv::StringRecord>>();
    std::thread::spawn(move || {
        let (t, cpu) = (Instant::now(), thread_cpu_seconds());
        let run = || -> Result<(), String> {
            let mut reader = csv::Reader::from_path(&path).map_err(|e| e.to_string())?;
            let header = reader.headers().map_err(|e| e.to_string())?.clone();
            let mut index = Vec::new();
            for (_, column) in FIELDS {
                match header.iter().position(|h| h == column) {
                    Some(i) => index.push(i),
                    None => return Err(format!("`{path}` lacks the column `{column}`")),
                }
            }
            let _ = tx.send(Read::Columns(index));
            let mut read = 0;
            while read < limit {
                let mut chunk = back_rx
                    .try_recv()
                    .unwrap_or_else(|_| vec![csv::StringRecord::new(); CHUNK]);
                let want = CHUNK.min(limit - read);
                let mut n = 0;
                while n < want
                    && reader
                        .read_record(&mut chunk[n])
                        .map_err(|e| e.to_string())?
                {
                    n += 1;
                }
                if n == 0 {
                    break;
                }
                read += n;
                if tx.send(Read::Chunk(chunk, n)).is_err() {
                    break;
                }
            }
            Ok(())
        };
        let last = match run() {
            Ok(()) => Read::Done(t.elapsed().as_secs_f64(), thread_cpu_seconds() - cpu),
            Err(e) => Read::Failed(e),
        };
        let _ = tx.send(last);
    });
    (rx, back_tx)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: route_peers DLS_FOLDER CASES_CSV LIMIT OUT_CSV [DATE]");
        std::process::exit(2);
    }
    let (folder, cases_path, out_path) = (Path::new(&args[0]), &args[1], &args[3]);
    let limit: usize = args[2].parse()?;
    let date = parse_date("date", args.get(4).map_or("2026-01-01", String::as_str))?;
    let start = Instant::now();
    // the cases are read from the start, beside the loading
    let (chunks, buffers) = spawn_reader(cases_path.clone(), limit);
    let mut laps: Vec<(&str, f64, f64)> = Vec::new();
    let mut t = Instant::now();
    let mut cpu = cpu_seconds();
    let mut lap = |name, t: &mut Instant| {
        let now = cpu_seconds();
        laps.push((name, t.elapsed().as_secs_f64(), now - cpu));
        cpu = now;
        *t = Instant::now();
    };

    let (base, _) = Directory::from_folder(folder)?;
    lap("load_base", &mut t);
    let (directory, _) = tabular::load(&base, folder)?;
    lap("load_validate_services", &mut t);
    let rules = RuleSet::new(&directory, RuleSetData::default())?;
    lap("rule_set", &mut t);
    let router = Router::new(&rules);
    lap("router_new", &mut t);

    let index = match chunks.recv()? {
        Read::Columns(index) => index,
        Read::Failed(e) => return Err(e.into()),
        _ => unreachable!("the columns come first"),
    };
    // Route and write a chunk at a time as the reading thread hands them over, so memory
    // holds a few chunks of cases and one of decisions (as `dls route` does); each step's time
    // is summed over the chunks. The rows are made, and the decisions written (each thread a
    // part of the chunk, through its own CSV writer) and dropped, on all threads.
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out_path)?);
    let mut header = csv::Writer::from_writer(Vec::new());
    header.write_record(["case_id", "need", "service_id"])?;
    out.write_all(&header.into_inner()?)?;
    let (mut cases, mut needs, mut gaps) = (0usize, 0usize, 0usize);
    let mut steps = [
        ("wait_rows", 0.0, 0.0),
        ("route", 0.0, 0.0),
        ("write", 0.0, 0.0),
    ];
    let mut step = |k: usize, t: &mut Instant, cpu: &mut f64| {
        let now = cpu_seconds();
        steps[k].1 += t.elapsed().as_secs_f64();
        steps[k].2 += now - *cpu;
        (*t, *cpu) = (Instant::now(), now);
    };
    let (mut t, mut cpu) = (Instant::now(), cpu_seconds());
    let reading: (f64, f64);
    loop {
        let (chunk, n) = match chunks.recv()? {
            Read::Chunk(chunk, n) => (chunk, n),
            Read::Done(wall, cpu) => {
                reading = (wall, cpu);
                break;
            }
            Read::Failed(e) => return Err(e.into()),
            Read::Columns(_) => unreachable!("sent once, first"),
        };
        cases += n;
        let rows: Vec<CaseRow<'_>> = chunk[..n]
            .par_iter()
            .with_min_len(1024)
            .map(|r| {
                CaseRow::from_text(|f| {
                    let i = FIELDS.iter().position(|(field, _)| *field == f)?;
                    r.get(index[i])
                })
            })
            .collect::<Result<_, _>>()?;
        step(0, &mut t, &mut cpu);
        let decisions = router.route_rows(&rows, Some(date), RouteOptions::FAST);
        step(1, &mut t, &mut cpu);
        let parts: Vec<(Vec<u8>, usize, usize)> = decisions
            .par_chunks(1024)
            .map(|part| {
                let mut w = csv::Writer::from_writer(Vec::with_capacity(64 * part.len()));
                let (mut needs, mut gaps) = (0, 0);
                for d in part {
                    let d = d.as_ref().map_err(|e| e.to_string())?;
                    for row in d.rows() {
                        needs += 1;
                        gaps += usize::from(row.service.is_none());
                        w.write_record([row.case, row.need, row.service.unwrap_or("")])
                            .map_err(|e| e.to_string())?;
                    }
                }
                Ok((w.into_inner().map_err(|e| e.to_string())?, needs, gaps))
            })
            .collect::<Result<_, String>>()?;
        decisions.into_par_iter().with_min_len(1024).for_each(drop);
        for (bytes, n, g) in parts {
            out.write_all(&bytes)?;
            needs += n;
            gaps += g;
        }
        drop(rows);
        let _ = buffers.send(chunk);
        step(2, &mut t, &mut cpu);
    }
    out.flush()?;
    step(2, &mut t, &mut cpu);
    laps.extend(steps);
    // the reading thread's own time, spent beside the steps above (its CPU time is inside
    // theirs too)
    laps.push(("read_thread", reading.0, reading.1));

    let mut result = serde_json::Map::new();
    result.insert("peer".into(), "dls".into());
    result.insert("cases".into(), cases.into());
    result.insert("needs".into(), needs.into());
    result.insert("gaps".into(), gaps.into());
    result.insert("services".into(), directory.services().len().into());
    let round = |x: f64| (x * 1e4).round() / 1e4;
    for (name, secs, cpu) in laps {
        result.insert(name.into(), round(secs).into());
        result.insert(format!("{name}_cpu"), round(cpu).into());
    }
    let total = start.elapsed().as_secs_f64();
    result.insert("total".into(), round(total).into());
    result.insert("total_cpu".into(), round(cpu_seconds()).into());
    println!("RESULT {}", serde_json::Value::Object(result));
    Ok(())
}
