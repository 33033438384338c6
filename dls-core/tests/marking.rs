//! Raw output is marked as such (issue 13): every table says what it was made under, through
//! `Disclosure::label`, which every binding writes in the table's `disclosure` column.

use dls_core::evaluation::columns::DISCLOSURE_COLUMN;
use dls_core::evaluation::{self, Dim, Disclosure, EvalOptions};

#[test]
fn labels_say_raw_publish_or_custom() {
    assert_eq!(Disclosure::raw().label(), "raw");
    assert_eq!(Disclosure::default().label(), "publish");
    assert_eq!(Disclosure::default().with_key("own").label(), "publish");
    let d = Disclosure::default();
    // stricter than every default: still publish
    let strict = Disclosure {
        min_cases: 20,
        round_to: 10,
        min_quantile: 50,
        day_decimals: Some(0),
        ..d
    };
    assert_eq!(strict.label(), "publish");
    // any protection weaker than the default: custom, whatever the others
    for weaker in [
        Disclosure { min_cases: 9, ..d },
        Disclosure { round_to: 1, ..d },
        Disclosure {
            secondary: false,
            ..d
        },
        Disclosure {
            min_quantile: 0,
            ..d
        },
        Disclosure {
            day_decimals: None,
            ..d
        },
        Disclosure {
            day_decimals: Some(2),
            ..d
        },
        // no rounding and no threshold but quantiles withheld: not raw, not publish
        Disclosure {
            min_quantile: 20,
            ..Disclosure::raw()
        },
    ] {
        assert_eq!(weaker.label(), "custom", "{weaker:?}");
    }
    assert_eq!(DISCLOSURE_COLUMN, "disclosure");
}

#[test]
fn a_raw_table_carries_its_settings() {
    let csv = "case_id,timestamp,activity,kern\nc1,2026-03-02T09:00:00+01:00,opened,hoofddorp\n";
    let ing = evaluation::ingest_csv_str(csv).unwrap();
    for (d, label) in [
        (Disclosure::raw(), "raw"),
        (Disclosure::default(), "publish"),
    ] {
        let opts = EvalOptions {
            group_by: vec![Dim::Kern],
            disclosure: d,
            ..EvalOptions::default()
        };
        let t = evaluation::evaluate(&ing.log, &opts).summary.aggregates;
        assert_eq!(t.disclosure.label(), label);
        let problems = evaluation::evaluate(&ing.log, &opts).summary.problems;
        assert_eq!(problems.disclosure, label);
        // and its JSON says so too (the settings, the key only as a label)
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["disclosure"]["min_cases"], d.min_cases);
    }
}
