//! A generated vroegsignalering feed and its events, shared by `signals.rs` and
//! `attack_large.rs`: a small deterministic generator of its own (not the crate's), so the
//! feed is not dls's own output.

use chrono::NaiveDate;
use dls_core::events::Event;
use dls_core::signals::{ProactiveCase, SignalRow};

/// A linear congruential generator (Knuth's MMIX constants).
pub struct Lcg(pub u64);

impl Lcg {
    /// A number in `0..n`.
    pub fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const KINDS: [&str; 4] = ["housing", "energy", "water", "health_insurer"];
const PARTNERS: [&str; 4] = ["ymere", "vattenfall", "pwn", "zilveren-kruis"];

/// Signal rows of `households` households, each in a kern drawn by `kernen`' weights, with 1
/// to 4 signals from the first one over 170 days from 5 January 2026, one in five threatening.
pub fn rows(g: &mut Lcg, households: usize, kernen: &[(&str, u64)]) -> Vec<SignalRow> {
    let total: u64 = kernen.iter().map(|k| k.1).sum();
    let start: NaiveDate = "2026-01-05".parse().unwrap();
    let mut rows = Vec::new();
    for h in 0..households {
        let mut pick = g.next(total);
        let kern = kernen
            .iter()
            .find(|(_, w)| {
                let hit = pick < *w;
                pick = pick.saturating_sub(*w);
                hit
            })
            .unwrap()
            .0;
        let n = 1 + g.next(4);
        for i in 0..n {
            let k = g.next(4) as usize;
            rows.push(SignalRow {
                signal_id: format!("s-{h}-{i}"),
                partner: PARTNERS[k].into(),
                kind: KINDS[k].into(),
                household: format!("hh-{h}"),
                kern: kern.into(),
                amount: g.next(200_000) as f64 / 100.0,
                months_in_arrears: 1 + g.next(6) as i64,
                date: start + chrono::Days::new(g.next(170)),
                threatened: g.next(5) == 0,
            });
        }
    }
    rows
}

/// The events of proactive cases: opened on the first signal; for about 70 % a contact
/// attempt and a first contact within 22 days, then help accepted (about half of those) or
/// declined (a fifth). Event hours are 08–11 UTC, the same local day in Amsterdam.
pub fn events(g: &mut Lcg, cases: &[ProactiveCase]) -> Vec<Event> {
    let mut events = Vec::new();
    for c in cases {
        let at = |days: u64, hour: u32| {
            (c.first_signal + chrono::Days::new(days))
                .and_hms_opt(hour, 0, 0)
                .unwrap()
                .and_utc()
        };
        let ev = |activity: &str, t| -> Event {
            serde_json::from_value(serde_json::json!({
                "case": c.case.id().as_str(), "at": t, "activity": activity
            }))
            .unwrap()
        };
        events.push(ev("opened", at(0, 9)));
        if g.next(10) < 7 {
            let d = g.next(20);
            events.push(ev("contact_attempted", at(d, 8)));
            events.push(ev("first_contact", at(d + g.next(3), 10)));
            match g.next(10) {
                0..=4 => events.push(ev("accepted", at(d + 5, 11))),
                5 | 6 => events.push(ev("help_declined", at(d + 5, 11))),
                _ => {}
            }
        }
    }
    events
}
