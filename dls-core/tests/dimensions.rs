//! Extra columns as grouping dimensions (issue 12): a mapping names them, each case takes the
//! value of its earliest event that states one (ties at one instant: the smallest), aggregates
//! group by them in every format, an unknown dimension is a typed error listing those there are,
//! and disclosure control applies as to any other dimension.

use std::collections::BTreeMap;

use dls_core::evaluation::{
    self, Dim, Disclosure, EvalError, EvalOptions, EvalState, Ingested, LogFormat, LogMapping,
};
use proptest::prelude::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/logs/");

/// The municipal export's mapping, keeping its `kanaal` (channel) column as a dimension.
fn mapping() -> LogMapping {
    let text = std::fs::read_to_string(format!("{FIXTURES}municipal-pm4py.toml")).unwrap();
    LogMapping::from_toml(&format!("dimensions = [\"kanaal\"]\n{text}")).unwrap()
}

fn raw(group_by: Vec<Dim>) -> EvalOptions {
    EvalOptions {
        group_by,
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    }
}

/// Cases per key of a raw aggregate table.
fn cases_by_key(ing: &Ingested, group_by: Vec<Dim>) -> BTreeMap<Vec<Option<String>>, u64> {
    let ev = evaluation::evaluate(&ing.log, &raw(group_by));
    ev.summary
        .aggregates
        .rows
        .iter()
        .map(|r| (r.key.clone(), r.figures.as_ref().unwrap().cases))
        .collect()
}

fn read(file: &str) -> Ingested {
    let path = std::path::PathBuf::from(format!("{FIXTURES}{file}"));
    let format = LogFormat::of_path(&path).unwrap();
    format
        .ingest_file(std::fs::File::open(&path).unwrap(), Some(&mapping()))
        .unwrap()
}

#[test]
fn the_municipal_export_groups_by_its_channel_column() {
    let ing = read("municipal-pm4py.csv");
    assert!(!ing.ignored_columns.contains(&"kanaal".to_string()));
    let dim = ing.log.dimension("kanaal").unwrap();
    assert_eq!(dim, Dim::Extra("kanaal".into()));
    // Z-001 by phone; Z-002's first row in the file states none, its earliest event (the
    // report) says `loket`; Z-003 and Z-004 state none.
    let want: BTreeMap<Vec<Option<String>>, u64> = [
        (vec![None], 2),
        (vec![Some("loket".to_string())], 1),
        (vec![Some("telefoon".to_string())], 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(cases_by_key(&ing, vec![dim.clone()]), want);
    let values: Vec<Option<&str>> = ing.log.extra_values("kanaal");
    assert_eq!(values.iter().filter(|v| v.is_some()).count(), 2);
    // With a built-in dimension too.
    let both = cases_by_key(&ing, vec![Dim::Kern, dim]);
    assert_eq!(
        both.get(&vec![
            Some("nieuw-vennep".to_string()),
            Some("loket".to_string())
        ]),
        Some(&1)
    );
}

#[test]
fn the_xes_file_groups_by_the_event_attribute_as_the_csv_does() {
    let csv = read("municipal-pm4py.csv");
    let xes = read("municipal-pm4py.xes");
    let by = || vec![Dim::Extra("kanaal".into()), Dim::Month];
    assert_eq!(cases_by_key(&xes, by()), cases_by_key(&csv, by()));
    #[cfg(feature = "parquet")]
    {
        // The Parquet file the JVM tests read (written by pyarrow).
        let pq = read("municipal-pm4py.parquet");
        assert_eq!(cases_by_key(&pq, by()), cases_by_key(&csv, by()));
    }
    assert!(!xes.ignored_columns.contains(&"kanaal".to_string()));
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_arrow_and_json_lines_group_by_the_column_as_the_csv_does() {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use parquet::arrow::ArrowWriter;

    let csv = read("municipal-pm4py.csv");
    let want = cases_by_key(&csv, vec![Dim::Extra("kanaal".into())]);
    // The CSV's rows as text columns (the file has no quoted fields), timestamps as text.
    let text = std::fs::read_to_string(format!("{FIXTURES}municipal-pm4py.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let cols: Vec<(String, ArrayRef)> = header
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let a: ArrayRef = Arc::new(
                rows.iter()
                    .map(|r| Some(r[k]).filter(|s| !s.is_empty()))
                    .collect::<StringArray>(),
            );
            (name.to_string(), a)
        })
        .collect();
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let arrow = evaluation::ingest_arrow([&batch], &mapping()).unwrap();
    assert_eq!(
        cases_by_key(&arrow, vec![Dim::Extra("kanaal".into())]),
        want
    );
    let mut bytes = Vec::new();
    let mut w = ArrowWriter::try_new(&mut bytes, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let pq = evaluation::ingest_parquet_bytes(bytes, &mapping()).unwrap();
    assert_eq!(cases_by_key(&pq, vec![Dim::Extra("kanaal".into())]), want);
    // JSON lines with dls's keys and the channel under its own key.
    let jsonl: String = rows
        .iter()
        .map(|r| {
            let mut o = serde_json::Map::new();
            for (k, name) in [
                (0, "case_id"),
                (1, "activity"),
                (2, "timestamp"),
                (3, "organisation"),
                (5, "kern"),
                (6, "need"),
                (7, "kanaal"),
            ] {
                if !r[k].is_empty() {
                    o.insert(name.into(), r[k].into());
                }
            }
            serde_json::Value::Object(o).to_string() + "\n"
        })
        .collect();
    let mut m = mapping();
    m.columns = Default::default();
    let js = evaluation::ingest_jsonl_mapped(jsonl.as_bytes(), &m).unwrap();
    assert_eq!(cases_by_key(&js, vec![Dim::Extra("kanaal".into())]), want);
}

#[test]
fn an_unknown_dimension_lists_the_dimensions_there_are() {
    let ing = read("municipal-pm4py.csv");
    let e = ing.log.group_by(&["kern", "kanal"]).unwrap_err();
    assert!(matches!(e, EvalError::UnknownDimension { .. }));
    assert_eq!(
        e.to_string(),
        "unknown dimension: the dimensions are `kern`, `municipality`, `region`, `domain`, \
         `need`, `organisation`, `phase`, `month`, `week`, `kanaal`"
    );
    assert_eq!(
        ing.log.group_by(&["kern", "kanaal"]).unwrap(),
        vec![Dim::Kern, Dim::Extra("kanaal".into())]
    );
    // Without a log, only the built-in names parse, and the name given is not repeated.
    let e = "Jan de Vries".parse::<Dim>().unwrap_err();
    assert!(!e.to_string().contains("Vries"), "{e}");
}

#[test]
fn a_mapping_that_names_a_missing_or_builtin_dimension_fails_at_once() {
    let m = LogMapping::from_toml("preset = \"pm4py\"\ndimensions = [\"channel\"]").unwrap();
    let e = evaluation::ingest_csv_mapped(
        "case:concept:name,concept:name,time:timestamp\n".as_bytes(),
        &m,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "event log has no column `channel` for `dimension`: its columns are \
         `case:concept:name`, `concept:name`, `time:timestamp`"
    );
    for bad in [
        "dimensions = [\"kern\"]",
        "dimensions = [\"c\", \"C\"]",
        "dimensions = [\" \"]",
        "dimensions = [\"cases\"]",
        "dimensions = [\"Suppressed\"]",
    ] {
        let e = LogMapping::from_toml(bad).unwrap_err();
        assert!(
            e.to_string().starts_with("log mapping: `dimensions`"),
            "{e}"
        );
    }
}

#[test]
fn disclosure_applies_to_extra_dimensions() {
    // 12 cases by `web`, 3 by `balie`, 20 by `post`: the small cell is left out, and the next
    // smallest of its line is withheld too (the total being published).
    let mut csv = String::from("case_id,timestamp,activity,kern,channel\n");
    let channels = [("web", 12), ("balie", 3), ("post", 20)];
    let mut n = 0;
    for (ch, count) in channels {
        for _ in 0..count {
            n += 1;
            csv += &format!("c{n},2026-03-02T09:00:00+01:00,opened,hoofddorp,{ch}\n");
        }
    }
    let m = LogMapping {
        dimensions: vec!["channel".into()],
        ..LogMapping::dls()
    };
    let ing = evaluation::ingest_csv_mapped(csv.as_bytes(), &m).unwrap();
    let opts = EvalOptions {
        group_by: ing.log.group_by(&["channel"]).unwrap(),
        ..EvalOptions::default()
    };
    let ev = evaluation::evaluate(&ing.log, &opts);
    let rows = &ev.summary.aggregates.rows;
    let by: BTreeMap<&str, &evaluation::table::Row> = rows
        .iter()
        .map(|r| (r.key[0].as_deref().unwrap(), r))
        .collect();
    // a group too small to publish is not listed (issue 13: a listed "suppressed" row told
    // an attacker the group had 1 to 9 cases)
    assert!(!by.contains_key("balie"), "{:?}", by.keys());
    assert_eq!(
        by["web"].suppressed,
        Some(evaluation::Suppression::Secondary)
    );
    let post = by["post"].figures.as_ref().unwrap();
    assert_eq!(post.cases % 5, 0, "published counts are rounded");
}

#[test]
fn a_state_grouped_by_an_extra_dimension_round_trips_and_merges() {
    let ing = read("municipal-pm4py.csv");
    let by = vec![Dim::Extra("kanaal".into())];
    let s = evaluation::evaluate_state(&ing.log, &raw(by.clone()));
    let json = s.to_json();
    let back = EvalState::from_json(&json).unwrap();
    assert_eq!(back, s);
    let mut empty = EvalState::new(by);
    empty.merge(&back).unwrap();
    assert_eq!(empty, s);
}

/// One random event of a random log: (case, second of the day, channel or none).
fn events() -> impl Strategy<Value = Vec<(u8, u16, Option<u8>)>> {
    prop::collection::vec((0u8..12, 0u16..50, prop::option::of(0u8..4)), 1..80)
}

/// The reference: each case's value by the documented rule, computed directly: the earliest
/// instant that states a value, the smallest value stated there.
fn reference(evs: &[(u8, u16, Option<u8>)]) -> BTreeMap<Option<String>, u64> {
    let mut per_case: BTreeMap<u8, Option<(u16, String)>> = BTreeMap::new();
    for &(c, t, v) in evs {
        let slot = per_case.entry(c).or_insert(None);
        if let Some(v) = v {
            let v = format!("ch{v}");
            let better = match slot {
                None => true,
                Some((bt, bv)) => t < *bt || (t == *bt && v < *bv),
            };
            if better {
                *slot = Some((t, v));
            }
        }
    }
    let mut out = BTreeMap::new();
    for v in per_case.into_values() {
        *out.entry(v.map(|(_, s)| s)).or_insert(0) += 1;
    }
    out
}

fn log_csv(evs: &[(u8, u16, Option<u8>)]) -> String {
    let mut csv = String::from("case_id,timestamp,activity,channel\n");
    for &(c, t, v) in evs {
        let ch = v.map(|v| format!("ch{v}")).unwrap_or_default();
        csv += &format!(
            "c{c},2026-03-02T09:{:02}:{:02}Z,contact_attempted,{ch}\n",
            t / 60,
            t % 60
        );
    }
    csv
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every case's channel follows the documented rule, and shuffling the rows changes
    /// nothing.
    #[test]
    fn the_case_value_is_the_earliest_stated_and_order_free(evs in events(), seed in any::<u64>()) {
        let m = LogMapping::from_toml(
            "preset = \"dls\"\nwithout_opened = \"start_at_first_event\"\ndimensions = [\"channel\"]",
        )
        .unwrap();
        let ing = evaluation::ingest_csv_mapped(log_csv(&evs).as_bytes(), &m).unwrap();
        let got: BTreeMap<Option<String>, u64> = cases_by_key(&ing, vec![Dim::Extra("channel".into())])
            .into_iter()
            .map(|(mut k, n)| (k.remove(0), n))
            .collect();
        // Repeats of an event that differ only in their channel are duplicates: the one kept
        // states the smallest channel, so the rule holds over every row.
        prop_assert_eq!(&got, &reference(&evs));
        let mut shuffled = evs.clone();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let ing2 = evaluation::ingest_csv_mapped(log_csv(&shuffled).as_bytes(), &m).unwrap();
        let again: BTreeMap<Option<String>, u64> = cases_by_key(&ing2, vec![Dim::Extra("channel".into())])
            .into_iter()
            .map(|(mut k, n)| (k.remove(0), n))
            .collect();
        prop_assert_eq!(got, again);
    }
}
