//! Vroegsignalering intake, replayed from the shared fixture `tests/fixtures/signals/`
//! (expectations written by hand; pytest and JUnit replay the same files).

use chrono::NaiveDate;
use dls_core::events::Event;
use dls_core::pilot;
use dls_core::routing::{Outcome, Router};
use dls_core::signals::{self, feedback, intake, IntakeOptions};
use serde_json::Value;

mod signal_feed;
use signal_feed::Lcg;

const FEED: &str = include_str!("../../tests/fixtures/signals/feed.csv");
const EVENTS: &str = include_str!("../../tests/fixtures/signals/events.json");
const EXPECTED: &str = include_str!("../../tests/fixtures/signals/expected.json");

fn opt_date(v: &Value) -> Option<NaiveDate> {
    v.as_str().map(|s| s.parse().unwrap())
}

#[test]
fn four_signals_of_one_household_make_one_crisis_case_with_a_wgs_clock() {
    let exp: Value = serde_json::from_str(EXPECTED).unwrap();
    let as_of: NaiveDate = exp["as_of"].as_str().unwrap().parse().unwrap();
    let checked = signals::read_csv(FEED, as_of).unwrap();
    let rejected: Vec<String> = checked.rejected.iter().map(|e| e.to_string()).collect();
    let exp_rejected: Vec<&str> = exp["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(rejected, exp_rejected);
    // every row is either accepted or rejected: nothing lost
    assert_eq!(
        checked.signals.len() + checked.rejected.len(),
        FEED.lines().count() - 1
    );
    let opts = IntakeOptions {
        window_days: exp["window_days"].as_u64().unwrap() as u32,
        ..Default::default()
    };
    let result = intake(&checked.signals, &opts);
    assert_eq!(
        result.duplicates as u64,
        exp["duplicates"].as_u64().unwrap()
    );
    let cases = exp["cases"].as_array().unwrap();
    assert_eq!(result.cases.len(), cases.len());
    for (c, e) in result.cases.iter().zip(cases) {
        assert_eq!(c.case.id().as_str(), e["case"]);
        assert_eq!(c.household.as_str(), e["household"]);
        assert_eq!(c.kern.as_str(), e["kern"]);
        let ids: Vec<&str> = c.signals.iter().map(|s| s.id.as_str()).collect();
        let exp_ids: Vec<&str> = e["signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(ids, exp_ids);
        assert_eq!(c.urgency.as_str(), e["urgency"]);
        assert_eq!(c.case.attributes().urgency, c.urgency);
        assert_eq!(c.crisis_since, opt_date(&e["crisis_since"]));
        assert_eq!(c.contact_due, opt_date(&e["contact_due"]));
        let sig: Vec<&str> = c
            .case
            .attributes()
            .signals
            .iter()
            .map(|s| s.as_str())
            .collect();
        let exp_sig: Vec<&str> = e["attributes_signals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(sig, exp_sig);
    }
    // routed like any other case: the eviction threat sends the crisis case to urgent debt help
    let rules = pilot::rules();
    let router = Router::for_directory(&pilot::directory(), &rules).unwrap();
    let d = result.cases[0].route(&router).unwrap();
    match &d.primary().outcome {
        Outcome::Service { service, .. } => assert_eq!(service.as_str(), "schuldhulp-spoed"),
        o => panic!("{o:?}"),
    }
    for c in &result.cases {
        c.route(&router).unwrap();
    }
    // the partners' feedback rows
    let events: Vec<Event> = serde_json::from_str(EVENTS).unwrap();
    let rows = feedback(&result.cases, &events);
    let exp_rows = exp["feedback"].as_array().unwrap();
    assert_eq!(rows.len(), exp_rows.len());
    for (r, e) in rows.iter().zip(exp_rows) {
        assert_eq!(r.partner.as_str(), e["partner"]);
        assert_eq!(r.signal_id.as_str(), e["signal_id"]);
        assert_eq!(r.kind.as_str(), e["kind"]);
        assert_eq!(Some(r.received), opt_date(&e["received"]));
        assert_eq!(
            r.contact_attempted,
            opt_date(&e["contact_attempted"]),
            "{}",
            r.signal_id
        );
        assert_eq!(
            r.contact_made,
            opt_date(&e["contact_made"]),
            "{}",
            r.signal_id
        );
        assert_eq!(r.help.as_str(), e["help"], "{}", r.signal_id);
    }
}

#[test]
fn input_order_duplicates_and_late_signals_change_nothing() {
    let as_of: NaiveDate = "2026-09-30".parse().unwrap();
    let checked = signals::read_csv(FEED, as_of).unwrap();
    let opts = IntakeOptions::default();
    let base = intake(&checked.signals, &opts);
    // reversed, rotated, and every signal sent twice more
    let mut rev = checked.signals.clone();
    rev.reverse();
    assert_eq!(intake(&rev, &opts).cases, base.cases);
    let mut rot = checked.signals.clone();
    rot.rotate_left(3);
    assert_eq!(intake(&rot, &opts).cases, base.cases);
    let mut tripled = checked.signals.clone();
    tripled.extend(checked.signals.iter().cloned());
    tripled.extend(checked.signals.iter().cloned());
    let t = intake(&tripled, &opts);
    assert_eq!(t.cases.len(), base.cases.len());
    for (a, b) in t.cases.iter().zip(&base.cases) {
        assert_eq!(a.case, b.case);
        assert_eq!(a.signals.len(), b.signals.len());
    }
    assert_eq!(t.duplicates, base.duplicates + 2 * checked.signals.len());
    // a late signal (dated inside the window, arriving after the case was opened) joins the case
    let late = signals::check_rows(
        &[signals::SignalRow {
            signal_id: "vf-999".into(),
            partner: "vattenfall".into(),
            kind: "energy".into(),
            household: "hh-sig-2".into(),
            kern: "nieuw-vennep".into(),
            amount: 55.0,
            months_in_arrears: 2,
            date: "2026-05-20".parse().unwrap(),
            threatened: true,
        }],
        as_of,
    );
    let mut with_late = checked.signals.clone();
    with_late.extend(late.signals);
    let l = intake(&with_late, &opts);
    assert_eq!(l.cases.len(), base.cases.len());
    let c = l
        .cases
        .iter()
        .find(|c| c.case.id().as_str() == "vs-20260502-hh-sig-2")
        .unwrap();
    assert_eq!(c.signals.len(), 2);
    assert_eq!(c.urgency.as_str(), "crisis");
    // Wed 20 May 2026 + 3 working days: Thu 21 (Ascension is 14 May), Fri 22, Mon 25 (Whit
    // Monday!) is a holiday, so Tue 26
    assert_eq!(c.contact_due, Some("2026-05-26".parse().unwrap()));
}

#[test]
fn signal_metrics_match_a_naive_computation_on_a_generated_feed() {
    use dls_core::evaluation::Disclosure;
    use std::collections::BTreeMap;
    let mut g = Lcg(15);
    let kernen = [("hoofddorp", 1), ("nieuw-vennep", 1), ("badhoevedorp", 1)];
    let rows = signal_feed::rows(&mut g, 600, &kernen);
    let as_of: NaiveDate = "2026-12-31".parse().unwrap();
    let checked = signals::check_rows(&rows, as_of);
    assert!(checked.rejected.is_empty());
    let opts = IntakeOptions::default();
    let result = intake(&checked.signals, &opts);

    // naive grouping: per household, walk the dates, a new case when past the window
    let mut naive_cases = 0;
    let mut per_h: BTreeMap<&str, Vec<NaiveDate>> = BTreeMap::new();
    for r in &rows {
        per_h.entry(&r.household).or_default().push(r.date);
    }
    for dates in per_h.values_mut() {
        dates.sort();
        let mut open: Option<NaiveDate> = None;
        for &d in dates.iter() {
            if open.is_none_or(|o| (d - o).num_days() > 30) {
                naive_cases += 1;
                open = Some(d);
            }
        }
    }
    assert_eq!(result.cases.len(), naive_cases);

    // events: contact for ~70 %, of those accepted ~50 %, declined ~20 %
    let events = signal_feed::events(&mut g, &result.cases);
    // naive figures per kern and month, from the rows and events directly
    #[derive(Default, Debug)]
    struct N {
        households: u64,
        contacted: u64,
        days: Vec<i64>,
        accepted: u64,
        prevented: u64,
    }
    let mut naive: BTreeMap<(String, String), N> = BTreeMap::new();
    for c in &result.cases {
        let id = c.case.id().as_str();
        let mine: Vec<&Event> = events.iter().filter(|e| e.case.as_str() == id).collect();
        let n = naive
            .entry((
                c.kern.to_string(),
                c.first_signal.format("%Y-%m").to_string(),
            ))
            .or_default();
        n.households += 1;
        // all event hours are 08–11 UTC, the same local day in Amsterdam
        if let Some(fc) = mine.iter().find(|e| e.activity.as_str() == "first_contact") {
            n.contacted += 1;
            n.days
                .push((fc.at.date_naive() - c.first_signal).num_days());
        }
        if let Some(acc) = mine.iter().find(|e| e.activity.as_str() == "accepted") {
            n.accepted += 1;
            let on = acc.at.date_naive();
            let again = rows
                .iter()
                .any(|r| r.household == c.household.as_str() && r.threatened && r.date > on);
            if !again {
                n.prevented += 1;
            }
        }
    }
    let got = signals::signal_metrics(&result.cases, &events, &Disclosure::raw());
    assert_eq!(got.disclosure, Disclosure::raw());
    let got = got.rows;
    assert_eq!(got.len(), naive.len());
    for (row, ((kern, month), n)) in got.iter().zip(naive.iter_mut()) {
        assert_eq!((&row.kern, &row.month), (kern, month));
        assert_eq!(row.households, Some(n.households));
        assert_eq!(row.contacted, Some(n.contacted));
        assert_eq!(row.accepted, Some(n.accepted));
        assert_eq!(row.prevented, Some(n.prevented));
        let share = |a: u64, b: u64| (b > 0).then(|| a as f64 / b as f64);
        assert_eq!(row.reach, share(n.contacted, n.households));
        assert_eq!(row.acceptance, share(n.accepted, n.contacted));
        assert_eq!(row.prevented_share, share(n.prevented, n.accepted));
        n.days.sort();
        let k = n.days.len();
        let med = (k > 0).then(|| {
            if k % 2 == 1 {
                n.days[k / 2] as f64
            } else {
                (n.days[k / 2 - 1] + n.days[k / 2]) as f64 / 2.0
            }
        });
        assert_eq!(row.median_days_to_contact, med, "{kern} {month}");
    }
    assert!(
        got.iter().any(|r| r.prevented < r.accepted),
        "the feed holds escalations"
    );
    // published: small cells suppressed; counts randomly rounded to a neighbouring multiple of 5
    // (keyed by the cell's cases, so the same every time); shares from the published counts
    let d = Disclosure::default();
    let table = signals::signal_metrics(&result.cases, &events, &d);
    assert_eq!(table.disclosure, d);
    assert_eq!(table, signals::signal_metrics(&result.cases, &events, &d));
    let published = table.rows;
    let neighbour = |p: Option<u64>, x: u64| {
        let p = p.expect("a published count");
        assert!(p % 5 == 0 && p + 4 >= x && p <= x + 4, "{p} for {x}");
        p
    };
    let mut moved = 0;
    for p in &published {
        let n = &naive[&(p.kern.clone(), p.month.clone())];
        match p.suppressed {
            Some(_) => assert!(p.households.is_none() && p.reach.is_none()),
            None => {
                let households = neighbour(p.households, n.households);
                let contacted = neighbour(p.contacted, n.contacted);
                neighbour(p.accepted, n.accepted);
                neighbour(p.prevented, n.prevented);
                moved += usize::from(households != (n.households + 2) / 5 * 5);
                assert_eq!(
                    p.reach,
                    (households > 0).then(|| contacted as f64 / households as f64)
                );
                if contacted < 20 {
                    assert_eq!(p.median_days_to_contact, None);
                }
            }
        }
    }
    // random rounding, not nearest: over the feed's cells some go the other way
    assert!(moved > 0, "every count rounded to the nearest multiple");
    // input order changes nothing
    let mut shuffled = events.clone();
    shuffled.reverse();
    assert_eq!(
        signals::signal_metrics(&result.cases, &shuffled, &d).rows,
        published
    );
}

#[test]
fn the_pilot_feed_is_whole_and_makes_six_cases() {
    let as_of: NaiveDate = "2026-06-30".parse().unwrap();
    let checked = signals::read_csv(pilot::SIGNALS_CSV, as_of).unwrap();
    assert!(checked.rejected.is_empty(), "{:?}", checked.rejected);
    assert_eq!(checked.signals, pilot::signals());
    let result = intake(&checked.signals, &IntakeOptions::default());
    // vs-hh-0001 (four partners, one re-sent), vs-hh-0002 twice (March and late May),
    // vs-hh-0003, vs-hh-0004, vs-hh-0005
    assert_eq!(result.cases.len(), 6);
    assert_eq!(result.duplicates, 1);
    let crisis: Vec<&str> = result
        .cases
        .iter()
        .filter(|c| c.urgency.as_str() == "crisis")
        .map(|c| c.household.as_str())
        .collect();
    assert_eq!(crisis, ["vs-hh-0001", "vs-hh-0003", "vs-hh-0005"]);
    let rules = pilot::rules();
    let router = Router::for_directory(&pilot::directory(), &rules).unwrap();
    for c in &result.cases {
        c.route(&router).unwrap();
    }
}

/// Issue 13: the signal figures follow the policy of every other published table. The
/// threshold and secondary suppression read the *published* (rounded) number of households;
/// a cell too small to publish is not listed; shares come from the published counts; raw
/// figures only when asked for, and the table says which settings made it.
#[test]
fn signal_figures_are_suppressed_on_published_counts_and_small_cells_are_not_listed() {
    use dls_core::evaluation::{Disclosure, Suppression};
    use std::collections::BTreeMap;
    let mut g = Lcg(2026);
    // kernen of very different sizes: many cells near the threshold
    let names: Vec<String> = (0..18).map(|i| format!("kern-{i}")).collect();
    let kernen: Vec<(&str, u64)> = names
        .iter()
        .enumerate()
        .map(|(i, k)| {
            (
                k.as_str(),
                if i < 3 {
                    [40, 20, 10][i]
                } else {
                    2 + i as u64 % 3
                },
            )
        })
        .collect();
    let rows = signal_feed::rows(&mut g, 1_500, &kernen);
    let checked = signals::check_rows(&rows, "2026-12-31".parse().unwrap());
    assert!(checked.rejected.is_empty());
    let cases = intake(&checked.signals, &IntakeOptions::default()).cases;
    let events = signal_feed::events(&mut g, &cases);
    let d = Disclosure::default();
    let published = signals::signal_metrics(&cases, &events, &d);
    assert_eq!(published.disclosure, d);
    // input order changes nothing: cases and events reversed publish the same table
    let (mut rc, mut re) = (cases.clone(), events.clone());
    rc.reverse();
    re.reverse();
    assert_eq!(signals::signal_metrics(&rc, &re, &d), published);
    // every cell rounded with the same draws, none withheld: each cell's published households
    let every = Disclosure {
        min_cases: 0,
        secondary: false,
        ..d
    };
    let rounded = signals::signal_metrics(&cases, &events, &every).rows;
    let raw = signals::signal_metrics(&cases, &events, &Disclosure::raw());
    assert_eq!(raw.disclosure, Disclosure::raw());
    assert!(raw.disclosure.is_raw() && !published.disclosure.is_raw());
    let raw = raw.rows;
    assert_eq!(rounded.len(), raw.len());
    let listed: BTreeMap<(&str, &str), &signals::SignalMetricsRow> = published
        .rows
        .iter()
        .map(|r| ((r.kern.as_str(), r.month.as_str()), r))
        .collect();
    let (mut small_shown, mut left_out, mut secondary) = (0, 0, 0);
    let mut hidden: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for (r, x) in rounded.iter().zip(&raw) {
        assert_eq!((&r.kern, &r.month), (&x.kern, &x.month));
        let (p, n) = (r.households.unwrap(), x.households.unwrap());
        let at = (r.kern.as_str(), r.month.as_str());
        if p < d.min_cases {
            assert!(
                !listed.contains_key(&at),
                "{at:?}: published as {p}, too small, yet listed"
            );
            left_out += 1;
            hidden.insert(at, p);
            continue;
        }
        let q = listed
            .get(&at)
            .unwrap_or_else(|| panic!("{at:?}: published as {p}, not listed"));
        match q.suppressed {
            None => {
                // the figures are those of the rounded cell; shares from published counts
                assert_eq!(
                    (q.households, q.contacted, q.accepted, q.prevented),
                    (r.households, r.contacted, r.accepted, r.prevented)
                );
                let share = |a: Option<u64>, b: Option<u64>| {
                    let (a, b) = (a.unwrap(), b.unwrap());
                    (b > 0).then(|| a as f64 / b as f64)
                };
                assert_eq!(q.reach, share(q.contacted, q.households));
                assert_eq!(q.acceptance, share(q.accepted, q.contacted));
                assert_eq!(q.prevented_share, share(q.prevented, q.accepted));
                assert!(
                    q.median_days_to_contact.is_none() || q.contacted.unwrap() >= 20,
                    "{at:?}: a median of fewer than 20 published values"
                );
                small_shown += usize::from(n < d.min_cases);
            }
            Some(Suppression::Secondary) => {
                assert!(q.households.is_none() && q.reach.is_none());
                secondary += 1;
                hidden.insert(at, p);
            }
            Some(Suppression::Primary) => panic!("{at:?}: a primary-suppressed cell listed"),
        }
    }
    // Secondary suppression along both dimensions: in every line (a kern over the months, a
    // month over the kernen) that hides a cell and shows another, at least two cells are
    // hidden holding at least `min_cases` published households together.
    let mut lines: BTreeMap<(u8, &str), Vec<(&str, &str)>> = BTreeMap::new();
    for r in &rounded {
        let at = (r.kern.as_str(), r.month.as_str());
        lines.entry((0, at.0)).or_default().push(at);
        lines.entry((1, at.1)).or_default().push(at);
    }
    for (line, cells) in &lines {
        let h: Vec<u64> = cells
            .iter()
            .filter_map(|c| hidden.get(c).copied())
            .collect();
        if h.is_empty() || h.len() == cells.len() {
            continue;
        }
        assert!(
            h.len() >= 2 && h.iter().sum::<u64>() >= d.min_cases,
            "{line:?}: hidden cells {h:?} could be recovered from a total"
        );
    }
    eprintln!(
        "{} cells: {} shown ({small_shown} of fewer than 10 households, published as 10), \
         {secondary} hidden by secondary suppression, {left_out} too small and not listed",
        rounded.len(),
        published.rows.len() - secondary
    );
    // The threshold reads the published count: some cell of fewer than 10 households was
    // published as 10 (and shown), and some was too small to list.
    assert!(small_shown > 0 && left_out > 0 && secondary > 0);
}

/// Issue 13, "Limits": a signal feed is read up to `MAX_INPUT_BYTES`; one byte more is a typed
/// error and nothing of it is read.
#[test]
fn a_signal_feed_is_read_up_to_the_input_limit() {
    use dls_core::limits::MAX_INPUT_BYTES;
    let as_of: NaiveDate = "2026-12-31".parse().unwrap();
    let header = "signal_id,partner,kind,household,kern,amount,months_in_arrears,date,threatened\n";
    let row = "s1,ymere,housing,hh-a,hoofddorp,812.50,3,2026-03-02,false\n";
    // at the limit: the header, one row and blank lines (skipped) up to the limit
    let mut at = String::with_capacity(MAX_INPUT_BYTES + 1);
    at.push_str(header);
    at.push_str(row);
    at.push_str(&"\n".repeat(MAX_INPUT_BYTES - at.len()));
    assert_eq!(at.len(), MAX_INPUT_BYTES);
    let read = signals::read_csv(&at, as_of).unwrap();
    assert_eq!((read.signals.len(), read.rejected.len()), (1, 0));
    at.push('\n');
    let e = signals::read_csv(&at, as_of).unwrap_err();
    assert!(
        matches!(e, signals::SignalError::TooLarge { bytes, limit } if bytes == MAX_INPUT_BYTES + 1 && limit == MAX_INPUT_BYTES),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "signal file: 67108865 bytes, more than the 67108864 bytes accepted"
    );
}

/// Issue 13, item 4: personal data in any field of a signal feed (CSV and rows, and the host
/// path every binding calls) never shows in an error's text or `Debug`.
#[test]
fn signal_errors_never_show_personal_data() {
    const PII: [&str; 8] = [
        "Jan de Vries",
        "111222333",
        "123456782",
        "1987-03-14",
        "14-03-1987",
        "Kerkstraat 12",
        "2132 AB Hoofddorp",
        "j.devries@example.nl",
    ];
    const NEEDLES: [&str; 10] = [
        "Vries",
        "111222333",
        "123456782",
        "1987",
        "14-03",
        "Kerkstraat",
        "2132",
        "AB Hoofd",
        "devries",
        "example.nl",
    ];
    let scan = |path: &str, text: String| {
        for n in NEEDLES {
            assert!(!text.contains(n), "{path}: shows `{n}`: {text}");
        }
    };
    let as_of: NaiveDate = "2026-12-31".parse().unwrap();
    let columns = signals::CSV_COLUMNS;
    let good = [
        "s1",
        "ymere",
        "housing",
        "hh-a",
        "hoofddorp",
        "812.50",
        "3",
        "2026-03-02",
        "false",
    ];
    let (mut tried, mut errors) = (0, 0);
    for p in PII {
        for (i, column) in columns.iter().enumerate() {
            let mut fields: Vec<String> = good.iter().map(|s| s.to_string()).collect();
            fields[i] = format!("\"{p}\"");
            let csv = format!("{}\n{}\n", columns.join(","), fields.join(","));
            tried += 1;
            let read = signals::read_csv(&csv, as_of).unwrap();
            for e in &read.rejected {
                errors += 1;
                scan(column, format!("{e} || {e:?}"));
            }
            // the host path of the bindings (Python `signal_intake`, JVM `signalIntakeJson`)
            tried += 1;
            match dls_core::privacy::signal_report(&csv, "2026-12-31", 30, "[]") {
                Ok(r) => {
                    for x in &r.rejected {
                        errors += 1;
                        scan(column, format!("{} || {x:?}", x.message));
                    }
                }
                Err(e) => {
                    errors += 1;
                    scan(column, format!("{e} || {e:?}"));
                }
            }
        }
        // the arguments: the as-of date and the events
        for (what, as_of, events) in [
            ("as_of", p.to_string(), "[]".to_string()),
            (
                "events",
                "2026-12-31".into(),
                format!(
                    r#"[{{"case": "{p}", "at": "2026-01-05T09:00:00Z", "activity": "opened"}}]"#
                ),
            ),
            (
                "events",
                "2026-12-31".into(),
                format!(r#"[{{"case": "c1", "at": "{p}", "activity": "opened"}}]"#),
            ),
            (
                "events",
                "2026-12-31".into(),
                format!(r#"[{{"case": "c1", "at": "2026-01-05T09:00:00Z", "activity": "{p}"}}]"#),
            ),
        ] {
            tried += 1;
            let csv = format!("{}\n{}\n", columns.join(","), good.join(","));
            if let Err(e) = dls_core::privacy::signal_report(&csv, &as_of, 30, &events) {
                errors += 1;
                scan(what, format!("{e} || {e:?}"));
            }
        }
        // checked rows: every field of a row
        let row = |f: &dyn Fn(&mut signals::SignalRow)| {
            let mut r = signals::SignalRow {
                signal_id: "s1".into(),
                partner: "ymere".into(),
                kind: "housing".into(),
                household: "hh-a".into(),
                kern: "hoofddorp".into(),
                amount: 1.0,
                months_in_arrears: 1,
                date: as_of,
                threatened: false,
            };
            f(&mut r);
            r
        };
        let rows = [
            row(&|r| r.signal_id = p.into()),
            row(&|r| r.partner = p.into()),
            row(&|r| r.kind = p.into()),
            row(&|r| r.household = p.into()),
            row(&|r| r.kern = p.into()),
        ];
        for r in &rows {
            tried += 1;
            scan("row", format!("{r:?}"));
            if let Err(e) = signals::check_row(r, 1, as_of) {
                errors += 1;
                scan("row", format!("{e} || {e:?}"));
            }
        }
    }
    eprintln!("signal feed: {tried} inputs, {errors} errors scanned, 0 hits");
    assert!(errors >= 80, "{errors} errors");
}
