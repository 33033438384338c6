//! Step timings of reading a log, for benchmarks: with the environment variable `DLS_TIMINGS`
//! set, each step's wall time (summed over the blocks of a log read in parts) is written to
//! stderr when the log is built. Nothing is written otherwise, and nothing about the log's
//! content ever is.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A step of reading a log.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step {
    /// Reading, decoding and checking rows (on rayon's threads).
    Parse,
    /// Merging the chunks' builders in order.
    Merge,
    /// Ordering the events by case and time, the order and life-cycle checks.
    Order,
    /// Gathering the columns in case order.
    Gather,
}

const STEPS: [(&str, Step); 4] = [
    ("parse", Step::Parse),
    ("merge", Step::Merge),
    ("order", Step::Order),
    ("gather", Step::Gather),
];

static NANOS: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];

/// True when timings are asked for (`DLS_TIMINGS` set).
pub(crate) fn on() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DLS_TIMINGS").is_some())
}

/// Adds the time since `since` to `step`.
pub(crate) fn add(step: Step, since: Instant) {
    if on() {
        let d = since.elapsed().as_nanos() as u64;
        NANOS[step as usize].fetch_add(d, Ordering::Relaxed);
    }
}

/// Writes the steps' times to stderr (when asked for) and starts them again from zero.
pub(crate) fn report() {
    if !on() {
        return;
    }
    for (name, step) in STEPS {
        let d = Duration::from_nanos(NANOS[step as usize].swap(0, Ordering::Relaxed));
        eprintln!("timing: ingest {name} {:.3} s", d.as_secs_f64());
    }
}
