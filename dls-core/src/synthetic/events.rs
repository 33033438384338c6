//! Synthetic event logs, deterministic from a seed: the one generator behind the evaluation
//! benchmark, the Python tests (`dls._dls._synthetic_events`) and the Dask example.
//!
//! Case `i` is made from the seed and `i` alone, so a log made in partitions (`first_case`)
//! holds the same cases as one made whole. Even cases are `pilot`, odd cases `baseline`; case
//! `i` lies in kern `(i / 2) % kernen`, so every kern has as many pilot as baseline cases.
//! Pilot cases get first contact sooner, bounce less and reach the right place sooner. Each case
//! may hold bounces, loops (back to an organisation already tried), escalations, the Wmo clock
//! (melding, aanvraag, decision), resolution, closing and reopening; about 15% never reach the
//! right place and stay open.
//!
//! ```
//! use dls_core::synthetic::events::{events_csv, EventScale};
//! let csv = events_csv(&EventScale::TEST, 0..60, 7);
//! assert!(csv.starts_with("case_id,timestamp,activity,"));
//! assert_eq!(csv, events_csv(&EventScale::TEST, 0..60, 7));
//! ```

use std::io::{self, Write};
use std::ops::Range;

use chrono::DateTime;

use super::Rng;
use crate::evaluation::time::amsterdam_offset;

/// Where and when the cases of a synthetic event log happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventScale {
    /// Number of municipalities. One is the Haarlemmermeer (`GM0394`) with its own kern names;
    /// more are `GM0001`, `GM0002`, … with kernen `k00000`, `k00001`, ….
    pub municipalities: usize,
    /// Kernen per municipality (at least 1; at most 31 for a single municipality).
    pub kernen: usize,
    /// Cases open on a day drawn from this many days from 2025-01-01, in office hours.
    pub span_days: u32,
}

impl EventScale {
    /// A small log for tests: five Haarlemmermeer kernen, cases opening over 2025 and 2026.
    pub const TEST: EventScale = EventScale {
        municipalities: 1,
        kernen: 5,
        span_days: 730,
    };

    /// The pilot: the 31 kernen of the Haarlemmermeer, cases opening over 2025 and 2026 (the
    /// evaluation benchmark).
    pub const PILOT: EventScale = EventScale {
        municipalities: 1,
        kernen: 31,
        span_days: 730,
    };

    /// The country: 342 municipalities of 10 kernen, cases opening over 2025.
    pub const NATIONAL: EventScale = EventScale {
        municipalities: 342,
        kernen: 10,
        span_days: 365,
    };

    /// The kern and municipality of kern number `k` (in `0..municipalities * kernen`).
    fn place(&self, k: usize) -> (String, String) {
        if self.municipalities <= 1 {
            (KERNEN[k % KERNEN.len()].to_owned(), "GM0394".to_owned())
        } else {
            (format!("k{k:05}"), format!("GM{:04}", k / self.kernen + 1))
        }
    }
}

/// The columns of the log, in order.
pub const HEADER: &str =
    "case_id,timestamp,activity,organisation,service,kern,need,reason,municipality,phase";

/// The log of cases `cases` as CSV text (with [`HEADER`]), events in time order per case and
/// cases in id order. Timestamps are Europe/Amsterdam local time with their offset.
pub fn events_csv(scale: &EventScale, cases: Range<u64>, seed: u64) -> String {
    let mut out = Vec::new();
    match write_events(&mut out, scale, cases, seed) {
        Ok(_) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => unreachable!("writing to memory does not fail: {e}"),
    }
}

/// Writes the log of cases `cases` as CSV (as [`events_csv`]) and returns the number of
/// events written.
pub fn write_events<W: Write>(
    out: &mut W,
    scale: &EventScale,
    cases: Range<u64>,
    seed: u64,
) -> io::Result<u64> {
    writeln!(out, "{HEADER}")?;
    let mut w = Writer {
        out,
        case: 0,
        events: 0,
    };
    let kernen = (scale.municipalities.max(1) * scale.kernen.max(1)) as u64;
    for c in cases {
        let (kern, municipality) = scale.place(((c / 2) % kernen) as usize);
        one_case(&mut w, c, &kern, &municipality, scale.span_days, seed)?;
    }
    Ok(w.events)
}

const H: i64 = 3600;
const DAY: i64 = 86_400;
/// 2025-01-01T00:00:00Z.
const START: i64 = 1_735_689_600;

fn one_case<W: Write>(
    w: &mut Writer<'_, W>,
    c: u64,
    kern: &str,
    municipality: &str,
    span_days: u32,
    seed: u64,
) -> io::Result<()> {
    let mut rng = Rng::new(seed ^ c.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let pilot = c % 2 == 0;
    let phase = if pilot { "pilot" } else { "baseline" };
    let need = rng.pick(NEEDS);
    let day = rng.below(span_days.max(1) as usize) as i64;
    let mut t = START + day * DAY + 7 * H + rng.below(10 * H as usize) as i64;
    w.case = c;
    w.row(t, "opened", "", "", kern, need, "", municipality, phase)?;
    if rng.chance(92) {
        t += 1800 + rng.below(if pilot { 2 * DAY } else { 6 * DAY } as usize) as i64;
        let org = if pilot { "steunpunt" } else { "gemeente" };
        w.row(t, "first_contact", org, "", "", "", "", "", "")?;
    }
    let wmo = need.starts_with("zorg.wmo") && rng.chance(30);
    if wmo {
        t += rng.below(2 * DAY as usize) as i64;
        w.row(t, "melding", "gemeente", "wmo-loket", "", "", "", "", "")?;
    }
    // Referral chain: bounces and loops, more of them before the pilot.
    let tries = match (rng.below(100), pilot) {
        (0..85, true) | (0..55, false) => 1,
        (85..97, true) | (55..85, false) => 2,
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
        let (org, svc) = (format!("org{o:02}"), format!("svc{o:02}"));
        t += H + rng.below(3 * DAY as usize) as i64;
        w.row(t, "referred", &org, &svc, "", "", "", "", "")?;
        t += H + rng.below(if pilot { 5 * DAY } else { 15 * DAY } as usize) as i64;
        let r = rng.below(100);
        if i + 1 == tries && r < 85 {
            let n = if rng.chance(90) { need } else { "" };
            w.row(t, "accepted", &org, &svc, "", n, "", "", "")?;
            accepted = true;
        } else if r < 92 {
            let reason = rng.pick(REASONS);
            w.row(t, "rejected", &org, &svc, "", "", reason, "", "")?;
        } else {
            w.row(t, "no_response", &org, &svc, "", "", "", "", "")?;
        }
    }
    if !accepted && rng.chance(40) {
        t += H;
        w.row(t, "escalated", "steunpunt", "", "", "", "", "", "")?;
    }
    if wmo {
        t += rng.below(20 * DAY as usize) as i64;
        w.row(t, "aanvraag", "gemeente", "wmo-loket", "", "", "", "", "")?;
        t += rng.below(20 * DAY as usize) as i64;
        w.row(t, "decision", "gemeente", "wmo-loket", "", "", "", "", "")?;
    }
    if accepted && rng.chance(75) {
        t += rng.below(30 * DAY as usize) as i64;
        w.row(t, "resolved", "", "", "", "", "", "", "")?;
        t += rng.below(5 * DAY as usize) as i64;
        w.row(t, "closed", "", "", "", "", "", "", "")?;
        if rng.chance(4) {
            t += rng.below(150 * DAY as usize) as i64;
            w.row(t, "reopened", "", "", "", "", "", "", "")?;
        }
    }
    Ok(())
}

struct Writer<'a, W: Write> {
    out: &'a mut W,
    case: u64,
    events: u64,
}

impl<W: Write> Writer<'_, W> {
    /// One row: the case, the instant `t` (UTC seconds) in local time, then the other columns.
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        t: i64,
        activity: &str,
        org: &str,
        service: &str,
        kern: &str,
        need: &str,
        reason: &str,
        municipality: &str,
        phase: &str,
    ) -> io::Result<()> {
        let off = amsterdam_offset(t);
        let local = DateTime::from_timestamp(t + off, 0).unwrap_or_default();
        writeln!(
            self.out,
            "c{:08},{}+0{}:00,{activity},{org},{service},{kern},{need},{reason},{municipality},{phase}",
            self.case,
            local.format("%Y-%m-%dT%H:%M:%S"),
            off / H
        )?;
        self.events += 1;
        Ok(())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_make_the_same_log_as_the_whole() {
        let whole = events_csv(&EventScale::NATIONAL, 0..40, 3);
        let a = events_csv(&EventScale::NATIONAL, 0..17, 3);
        let b = events_csv(&EventScale::NATIONAL, 17..40, 3);
        let rest = b.split_once('\n').map_or("", |(_, r)| r);
        assert_eq!(whole, a + rest);
        assert_ne!(whole, events_csv(&EventScale::NATIONAL, 0..40, 4));
    }

    #[test]
    fn every_kern_has_as_many_pilot_as_baseline_cases() {
        let csv = events_csv(&EventScale::TEST, 0..60, 7);
        let log = crate::evaluation::ingest_csv(csv.as_bytes()).expect("a valid log");
        assert_eq!(log.rejected.len(), 0);
        let mut cells = std::collections::BTreeMap::new();
        for line in csv.lines().filter(|l| l.contains(",opened,")) {
            let f: Vec<&str> = line.split(',').collect();
            *cells.entry((f[5], f[9])).or_insert(0) += 1;
        }
        assert_eq!(cells.len(), 10);
        assert!(cells.values().all(|&n| n == 6), "{cells:?}");
    }
}
