//! Ingest: input order does not change any result (issue 12), and a stray quote in a CSV log
//! costs one row, not the rest of the file (issue 13, item 3).

use dls_core::evaluation::{
    self, Disclosure, EvalOptions, Ingested, RejectReason, MAX_RECORD_BYTES,
};
use proptest::prelude::*;

const HEADER: &str = "case_id,timestamp,activity,organisation,service,kern,need,reason,municipality,framework,signals,phase";

fn raw() -> EvalOptions {
    EvalOptions {
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    }
}

/// Per-case metrics, summary and state as JSON, and the rejected rows by content.
type Outputs = (
    String,
    String,
    String,
    Vec<(String, RejectReason, Option<String>)>,
);

/// Everything an evaluation of `text` produces, as bytes, with the rejected rows given by their
/// content (a shuffle moves row numbers; which of two identical rows is rejected does not matter).
fn outputs(text: &str) -> Outputs {
    let ing = evaluation::ingest_csv_str(text).unwrap();
    assert_eq!(ing.rows_used + ing.rejected.len() as u64, ing.rows_read);
    let lines: Vec<&str> = text.lines().collect();
    let mut rejected: Vec<_> = ing
        .rejected
        .iter()
        .map(|r| {
            (
                lines[r.row as usize - 1].to_string(),
                r.reason,
                r.field.clone(),
            )
        })
        .collect();
    rejected.sort();
    let ev = evaluation::evaluate(&ing.log, &raw());
    (
        serde_json::to_string(&ev.per_case).unwrap(),
        serde_json::to_string(&ev.summary).unwrap(),
        serde_json::to_string(&ev.state).unwrap(),
        rejected,
    )
}

/// `text` (header + rows) with its rows put in the order of `perm`.
fn permuted(text: &str, perm: &[usize]) -> String {
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut s = String::from(header);
    for &i in perm {
        s.push('\n');
        s.push_str(rows[i]);
    }
    s.push('\n');
    s
}

fn shuffle(n: usize, seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    let mut x = seed | 1;
    for i in (1..n).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.swap(i, (x % (i as u64 + 1)) as usize);
    }
    v
}

/// A small generated log, grouped by case and in time order, with ties, a duplicate, a second
/// `opened`, an event before `opened` and a case with no `opened`.
fn generated(cases: usize, seed: u64) -> String {
    let acts = [
        "first_contact",
        "referred",
        "accepted",
        "rejected",
        "no_response",
        "escalated",
        "resolved",
        "closed",
        "reopened",
    ];
    let orgs = ["gemeente", "wijkteam", "steunpunt"];
    let kernen = ["hoofddorp", "nieuw-vennep", "badhoevedorp"];
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % n
    };
    let mut s = String::from(HEADER);
    let t0 = 1_767_600_000i64; // 2026-01-05
    for c in 0..cases {
        let mut t = t0 + next(200 * 86_400) as i64;
        let ts = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        };
        let kind = next(20);
        if kind == 0 {
            // An event an hour before the case is opened.
            s.push_str(&format!(
                "\nc{c},{},referred,gemeente,,,,,,,,",
                ts(t - 3600)
            ));
        }
        if kind != 1 {
            s.push_str(&format!(
                "\nc{c},{},opened,,,{},zorg.wmo,,GM0394,wmo,,pilot",
                ts(t),
                kernen[next(3) as usize]
            ));
        }
        for _ in 0..next(8) {
            // Ties at the same instant now and then.
            if next(4) != 0 {
                t += next(5 * 86_400) as i64;
            }
            let act = acts[next(acts.len() as u64) as usize];
            let org = orgs[next(3) as usize];
            let reason = if act == "rejected" {
                "not_eligible"
            } else {
                ""
            };
            let row = format!("\nc{c},{},{act},{org},,,,{reason},,,,", ts(t));
            s.push_str(&row);
            match next(30) {
                0 => s.push_str(&row),
                1 => s.push_str(&format!("\nc{c},{},opened,,,,,,,,,", ts(t))),
                _ => {}
            }
        }
    }
    s.push('\n');
    s
}

#[test]
fn a_shuffled_log_is_evaluated_like_the_sorted_one() {
    // Regression (issue 12): shuffled, 10,359 of 17,562 rows were rejected as not opened or
    // out of order and every metric was wrong.
    let text = dls_core::pilot::EVENTS_CSV;
    let sorted = outputs(text);
    let n = text.lines().count() - 1;
    let reversed: Vec<usize> = (0..n).rev().collect();
    let shuffled = outputs(&permuted(text, &shuffle(n, 7)));
    assert!(sorted.3.is_empty(), "{:?}", sorted.3);
    assert_eq!(shuffled, sorted);
    assert_eq!(outputs(&permuted(text, &reversed)), sorted);
}

#[test]
fn order_checks_look_at_time_not_at_the_file() {
    let text = format!(
        "{HEADER}\n\
         c1,2026-02-03T09:00:00Z,referred,gemeente,,,,,,,,\n\
         c1,2026-02-02T09:00:00Z,opened,,,hoofddorp,zorg.wmo,,GM0394,,,pilot\n\
         c1,2026-02-01T09:00:00Z,referred,wijkteam,,,,,,,,\n\
         c1,2026-02-03T09:00:00Z,referred,gemeente,,,,,,,,\n\
         c1,2026-02-02T09:00:00Z,opened,,,,,,,,,\n\
         c1,2026-02-04T09:00:00Z,opened,,,,,,,,,\n\
         c2,2026-02-04T09:00:00Z,referred,gemeente,,,,,,,,\n"
    );
    let ing: Ingested = evaluation::ingest_csv_str(&text).unwrap();
    let got: Vec<(u64, RejectReason)> = ing.rejected.iter().map(|r| (r.row, r.reason)).collect();
    use RejectReason::*;
    // Row 2 comes after `opened` in time: used. Row 4 is before it: not opened. Row 5 repeats
    // row 2 (the first in input order is used); rows 6 and 7 open the case again (row 6 at the
    // same instant as row 3, which comes first in the input); c2 never opens.
    assert_eq!(
        got,
        vec![
            (4, NotOpened),
            (5, DuplicateEvent),
            (6, AlreadyOpened),
            (7, AlreadyOpened),
            (8, NotOpened)
        ]
    );
    assert_eq!((ing.rows_read, ing.rows_used), (7, 2));
    assert_eq!(ing.log.case_count(), 1);
    let ev = ing.log.events();
    assert_eq!(ev[0].activity.as_str(), "opened");
    assert_eq!(ev[0].kern.as_ref().unwrap().as_str(), "hoofddorp");
    assert_eq!(ev[1].activity.as_str(), "referred");
}

#[test]
fn ties_follow_the_life_cycle() {
    let text = format!(
        "{HEADER}\n\
         c1,2026-02-02T09:00:00Z,accepted,gemeente,,,,,,,,\n\
         c1,2026-02-02T09:00:00Z,referred,gemeente,,,,,,,,\n\
         c1,2026-02-02T09:00:00Z,opened,,,hoofddorp,zorg.wmo,,GM0394,,,pilot\n"
    );
    let ing = evaluation::ingest_csv_str(&text).unwrap();
    assert!(ing.rejected.is_empty());
    let acts: Vec<&str> = ing
        .log
        .events()
        .iter()
        .map(|e| e.activity.as_str())
        .collect();
    assert_eq!(acts, ["opened", "referred", "accepted"]);
}

/// A 100,000-line log (header + rows; every case opened, then referred) in time order.
fn long_log(lines: usize) -> Vec<String> {
    let mut rows = vec![HEADER.to_string()];
    for i in 0..lines - 1 {
        let c = i / 2;
        rows.push(if i % 2 == 0 {
            format!("c{c},2026-02-02T09:00:00Z,opened,,,hoofddorp,zorg.wmo,,GM0394,,,pilot")
        } else {
            format!("c{c},2026-02-03T09:00:00Z,referred,gemeente,,,,,,,,")
        });
    }
    rows
}

#[test]
fn a_stray_quote_costs_its_own_row_only() {
    // Regression (issue 13, item 3): one stray `"` swallowed the rest of the file into one
    // rejected record, in time quadratic in its length.
    let mut rows = long_log(100_000);
    // Line 10, the `opened` row of c4: a phase with an opening quote that is never closed.
    rows[9] = "c4,2026-02-02T09:00:00Z,opened,,,hoofddorp,zorg.wmo,,GM0394,,,\"pilot".to_string();
    let text = rows.join("\n") + "\n";
    let ing = evaluation::ingest_csv_str(&text).unwrap();
    assert_eq!(ing.rows_read, 99_999);
    assert_eq!(ing.rows_used + ing.rejected.len() as u64, ing.rows_read);
    let got: Vec<(u64, RejectReason)> = ing.rejected.iter().map(|r| (r.row, r.reason)).collect();
    // Line 10 is lost, and with it c4's `opened`, so c4's other row (line 11) is not opened.
    use RejectReason::*;
    assert_eq!(got, vec![(10, UnclosedQuote), (11, NotOpened)]);
    assert_eq!(ing.log.case_count(), 50_000 - 1);

    // Quotes further on (here quoted timestamps) close the stray one early: still only the
    // stray row is lost, and the rows after it are read one by one.
    let mut rows = long_log(1_000);
    for r in rows.iter_mut().skip(20) {
        *r = r
            .replacen(",2026-", ",\"2026-", 1)
            .replacen("Z,", "Z\",", 1);
    }
    rows[9] = "c4,2026-02-02T09:00:00Z,opened,,,hoofddorp,zorg.wmo,,GM0394,,,\"pilot".to_string();
    let ing = evaluation::ingest_csv_str(&(rows.join("\n") + "\n")).unwrap();
    assert_eq!(ing.rows_read, 999);
    let got: Vec<(u64, RejectReason)> = ing.rejected.iter().map(|r| (r.row, r.reason)).collect();
    assert_eq!(got, vec![(10, UnclosedQuote), (11, NotOpened)]);
}

#[test]
fn a_quoted_field_may_span_lines_within_the_limit() {
    let text = format!(
        "{HEADER}\n\
         c1,2026-02-02T09:00:00Z,opened,,,hoofddorp,zorg.wmo,,GM0394,,,\"pi\nlot\"\n\
         c1,2026-02-03T09:00:00Z,referred,gemeente,,,,,,,,\n"
    );
    let ing = evaluation::ingest_csv_str(&text).unwrap();
    // The phase spans lines 2 and 3 (not a valid label, but one row); line 4 is the next row.
    assert_eq!(ing.rows_read, 2);
    assert_eq!(ing.rejected[0].row, 2);
    assert_eq!(ing.rejected[0].reason, RejectReason::BadId);
    assert_eq!(ing.rejected[1].row, 4);
    assert_eq!(ing.rejected[1].reason, RejectReason::NotOpened);
}

#[test]
fn records_are_bounded() {
    let long = "x".repeat(MAX_RECORD_BYTES + 10);
    let text = format!(
        "{HEADER}\n\
         c1,2026-02-02T09:00:00Z,opened,,,hoofddorp,zorg.wmo,,GM0394,,,pilot\n\
         c1,2026-02-03T09:00:00Z,referred,{long},,,,,,,,\n\
         c1,2026-02-03T09:00:00Z,referred,\"{long}\",,,,,,,,\n\
         c1,2026-02-04T09:00:00Z,referred,gemeente,,,,,,,,\n"
    );
    let ing = evaluation::ingest_csv_str(&text).unwrap();
    let got: Vec<(u64, RejectReason)> = ing.rejected.iter().map(|r| (r.row, r.reason)).collect();
    use RejectReason::*;
    assert_eq!(got, vec![(3, RecordTooLong), (4, RecordTooLong)]);
    assert_eq!((ing.rows_read, ing.rows_used), (4, 2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_shuffle_gives_the_same_outputs(seed in any::<u64>(), shuffle_seed in any::<u64>()) {
        let text = generated(60, seed);
        let n = text.lines().count() - 1;
        let sorted = outputs(&text);
        prop_assert_eq!(outputs(&permuted(&text, &shuffle(n, shuffle_seed))), sorted);
    }

    #[test]
    fn any_shuffle_of_the_pilot_gives_the_same_outputs(shuffle_seed in any::<u64>()) {
        let text = dls_core::pilot::EVENTS_CSV;
        let n = text.lines().count() - 1;
        let sorted = outputs(text);
        prop_assert_eq!(outputs(&permuted(text, &shuffle(n, shuffle_seed))), sorted);
    }
}
