//! A row of a batch routes straight from its fields when it can (no owned case is built) and
//! as a case otherwise. Whatever the row holds, the batch gives what reading the row as a case
//! ([`CaseRow::to_case_in`]) and routing that case gives: the same decision, or the same
//! error. Checked over thousands of generated rows mixing good and bad fields (national and
//! declared words, unknown words, ages and incomes out of range, unknown and repeated needs,
//! unknown kernen, bad ids, tried services, declared attributes, no date), on a directory that
//! declares words for every national attribute and on the embedded pilot.

use chrono::NaiveDate;
use dls_core::conditions::AttributeValue;
use dls_core::routing::{date_for, HouseholdDecision, RouteOptions, Router};
use dls_core::rows::{BatchError, CaseRow, TriedRow};
use dls_core::{pilot, Directory, Format, RuleSet, RuleSetData};

const DIRECTORY: &str = include_str!("../../tests/fixtures/vocabulary/directory.toml");
const RULES: &str = include_str!("../../tests/fixtures/vocabulary/rules.toml");

/// The row read as a case and routed: the long way, independent of the batch's.
fn as_case(
    router: &Router,
    row: &CaseRow<'_>,
    date: Option<NaiveDate>,
    options: RouteOptions,
) -> Result<HouseholdDecision, BatchError> {
    let case = row.to_case_in(router.directory().vocabulary())?;
    let d = date_for(&case, date)?;
    Ok(router.route_with(&case, d, options)?)
}

/// A small deterministic generator (splitmix64).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }
}

/// The words a row may hold per field: each field's good ones (national, declared, empty
/// where that is allowed) and its bad ones.
struct Words<'a> {
    ids: [&'a [&'a str]; 2],
    kernen: [&'a [&'a str]; 2],
    needs: [&'a [&'a str]; 2],
    household: [&'a [Option<&'a str>]; 2],
    urgency: [&'a [Option<&'a str>]; 2],
    framework: [&'a [Option<&'a str>]; 2],
    signals: [&'a [&'a str]; 2],
    tried: &'a [&'a str],
}

/// `n` rows; each field is one of its bad values once in ten.
fn rows<'a>(w: &Words<'a>, n: usize, seed: u64) -> Vec<CaseRow<'a>> {
    let mut g = Gen(seed);
    let opened = NaiveDate::from_ymd_opt(2026, 3, 2);
    let pick = |g: &mut Gen, [good, bad]: [&'a [&'a str]; 2]| {
        let from = if g.next() % 10 == 0 { bad } else { good };
        g.pick(from)
    };
    (0..n)
        .map(|_| {
            let word = |g: &mut Gen, [good, bad]: [&'a [Option<&'a str>]; 2]| {
                let from = if g.next() % 10 == 0 { bad } else { good };
                g.pick(from)
            };
            let needs = (0..g.pick(&[0usize, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3]))
                .map(|_| pick(&mut g, w.needs))
                .collect();
            let signals = (0..g.pick(&[0usize, 0, 0, 1, 2]))
                .map(|_| pick(&mut g, w.signals))
                .collect();
            let tried = (0..g.pick(&[0usize, 0, 0, 0, 0, 0, 1]))
                .map(|_| TriedRow::parse(g.pick(w.tried)))
                .collect();
            let extra = match g.next() % 12 {
                0 => vec![("language", AttributeValue::Word("ar".into()))],
                1 => vec![("debts", AttributeValue::Int(3))],
                _ => vec![],
            };
            CaseRow {
                id: pick(&mut g, w.ids),
                kern: pick(&mut g, w.kernen),
                needs,
                age: g.pick(&[
                    None,
                    None,
                    Some(0),
                    Some(17),
                    Some(65),
                    Some(130),
                    Some(-1),
                    Some(131),
                ]),
                household: word(&mut g, w.household),
                urgency: word(&mut g, w.urgency),
                framework: word(&mut g, w.framework),
                signals,
                income_pct: g.pick(&[None, None, Some(0), Some(120), Some(-1), Some(70_000)]),
                extra,
                opened: g.pick(&[None, opened, opened]),
                tried,
                share_with_organisations: g.next() % 2 == 0,
            }
        })
        .collect()
}

/// Every row of the batch against the long way, with and without trace, on a date and on the
/// rows' own; returns how many rows routed.
fn check(router: &Router, rows: &[CaseRow<'_>], date: NaiveDate) -> usize {
    let mut routed = 0;
    for options in [RouteOptions::FAST, RouteOptions::TRACE] {
        for date in [Some(date), None] {
            let batch = router.route_rows(rows, date, options);
            for (row, got) in rows.iter().zip(&batch) {
                assert_eq!(got, &as_case(router, row, date, options), "{row:?}");
                routed += usize::from(got.is_ok());
            }
        }
    }
    routed
}

#[test]
fn a_row_routes_as_its_case_on_a_directory_that_declares_words() {
    // the fixture's directory, with a declared word for household, framework and signals too
    let text = DIRECTORY.replacen(
        "[attribute.urgency]",
        "[attribute.household]\nvalues = [\"paar_met_kinderen\"]\n\n\
         [attribute.framework]\nvalues = [\"wlz_extra\"]\n\n\
         [attribute.signals]\nvalues = [\"gas_arrears\"]\n\n[attribute.urgency]",
        1,
    );
    let dir = Directory::from_str(&text, Format::Toml, "ext/directory.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let data = RuleSetData::parse(RULES, Format::Toml, "ext/rules.toml").unwrap();
    let router = Router::new(&RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("{e}")));
    let words = Words {
        ids: [&["c-1", "c-2"], &["", "BSN 123456782"]],
        kernen: [&["dorp"], &["elders", ""]],
        needs: [&["zorg.advies"], &["zorg.onbekend", "Geen Code"]],
        household: [
            &[None, Some(""), Some("single"), Some("paar_met_kinderen")],
            &[Some("x")],
        ],
        urgency: [&[None, Some("urgent"), Some("acute")], &[Some("dringend")]],
        framework: [&[None, Some("wmo"), Some("wlz_extra")], &[Some("wetboek")]],
        signals: [&["rent_arrears", "gas_arrears"], &["onbekend"]],
        tried: &["crisisdienst", "onbekend:rejected", "crisisdienst:maybe"],
    };
    let rows = rows(&words, 4000, 11);
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let routed = check(&router, &rows, date);
    // not a vacuous check: of the 16,000 results, thousands are decisions and thousands errors
    assert!((1500..14_500).contains(&routed), "{routed}");
}

#[test]
fn a_row_routes_as_its_case_on_the_pilot() {
    let router = Router::new(&pilot::rules());
    let cases = pilot::cases();
    let kernen: Vec<&str> = cases.iter().map(|c| c.kern().as_str()).collect();
    let needs: Vec<&str> = cases
        .iter()
        .flat_map(|c| c.needs().iter().map(|n| n.need.as_str()))
        .collect();
    let mut tried: Vec<&str> = router
        .directory()
        .services()
        .iter()
        .take(5)
        .map(|s| s.id.as_str())
        .collect();
    tried.push("onbekend");
    let words = Words {
        ids: [&["c-1", "c-2", "c-3"], &[""]],
        kernen: [&kernen, &["atlantis"]],
        needs: [&needs, &["zorg.onbekend"]],
        household: [&[None, Some("single"), Some("family")], &[Some("x")]],
        urgency: [
            &[None, Some("normal"), Some("urgent"), Some("crisis")],
            &[Some("x")],
        ],
        framework: [&[None, Some("wmo"), Some("jeugdwet")], &[Some("x")]],
        signals: [&["rent_arrears", "energy_debt"], &["x"]],
        tried: &tried,
    };
    let rows = rows(&words, 4000, 7);
    let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let routed = check(&router, &rows, date);
    assert!((1500..14_500).contains(&routed), "{routed}");
}
