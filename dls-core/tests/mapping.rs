//! Logs not written for dls, read through a [`LogMapping`]: a hand-written municipal export in
//! the pm4py conventions with its own activity names (tests/fixtures/logs/municipal-pm4py.csv),
//! checked against figures worked out by hand from the file.

use std::collections::BTreeMap;

use dls_core::evaluation::{
    self, Disclosure, EvalError, EvalOptions, Ingested, LogMapping, RejectReason, WarningKind,
};
use dls_core::events::Activity;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/logs/");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}{name}")).unwrap()
}

fn mapping() -> LogMapping {
    LogMapping::from_toml(&fixture("municipal-pm4py.toml")).unwrap()
}

fn municipal() -> Ingested {
    evaluation::ingest_csv_mapped(fixture("municipal-pm4py.csv").as_bytes(), &mapping()).unwrap()
}

fn raw() -> EvalOptions {
    EvalOptions {
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    }
}

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;

#[test]
fn every_row_is_used_cleared_or_rejected_with_its_row() {
    let ing = municipal();
    assert_eq!(ing.rows_read, 21);
    assert_eq!(ing.rows_used, 19);
    assert_eq!(ing.rows_used + ing.rejected.len() as u64, ing.rows_read);
    let rejected: Vec<(u64, RejectReason, Option<&str>)> = ing
        .rejected
        .iter()
        .map(|r| (r.row, r.reason, r.field.as_deref()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (21, RejectReason::MissingValue, Some("case_id")),
            (22, RejectReason::BadTimestamp, Some("timestamp")),
        ]
    );
    // The organisation with a space is cleared on its row only; the row is used.
    let warnings: Vec<(u64, WarningKind, Option<RejectReason>, Option<&str>)> = ing
        .warnings
        .iter()
        .map(|w| (w.row, w.kind, w.reason, w.field.as_deref()))
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                11,
                WarningKind::FieldCleared,
                Some(RejectReason::BadId),
                Some("organisation")
            ),
            (15, WarningKind::StartedWithoutOpened, None, None),
        ]
    );
    let unmapped: BTreeMap<&str, u64> = ing
        .unmapped_activities
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        unmapped,
        BTreeMap::from([("Dossier bijgewerkt", 1), ("Huisbezoek", 2)])
    );
    assert_eq!(ing.ignored_columns, vec!["lifecycle:transition", "kanaal"]);
}

#[test]
fn metrics_through_the_mapping_equal_the_hand_worked_figures() {
    let ing = municipal();
    let ev = evaluation::evaluate(&ing.log, &raw());
    let by_case: BTreeMap<&str, &evaluation::CaseMetrics> =
        ev.per_case.iter().map(|m| (m.case.as_str(), m)).collect();
    assert_eq!(by_case.len(), 4);

    let z1 = by_case["Z-001"];
    // Opened 08:00:00.25Z, first contact the next day 09:30Z: durations keep the quarter
    // second (they were whole seconds, the fraction dropped without a word).
    assert_eq!(
        z1.first_contact_micros,
        Some((DAY + HOUR + 30 * 60) * 1_000_000 - 250_000)
    );
    assert_eq!(
        z1.right_place_micros,
        Some((4 * DAY + 3 * HOUR) * 1_000_000 - 250_000)
    );
    assert_eq!(z1.opened.timestamp_subsec_micros(), 250_000);
    assert_eq!((z1.handoffs, z1.bounces, z1.organisations), (1, 0, 2));
    assert!(z1.resolved);
    assert_eq!(z1.kern.as_deref(), Some("hoofddorp"));

    // Listed before its opening in the file; accepted, sent back, then accepted elsewhere.
    let z2 = by_case["Z-002"];
    assert_eq!(z2.right_place_micros, Some((7 * DAY) * 1_000_000));
    assert_eq!((z2.handoffs, z2.bounces), (2, 1));
    assert_eq!(z2.organisation.as_deref(), Some("thuiszorg"));
    // The cleared organisation is not counted.
    assert_eq!(z2.organisations, 2);

    // No opening: the case starts at its first event (an unmapped home visit), and is kept.
    let z3 = by_case["Z-003"];
    assert_eq!(z3.first_contact_micros, Some((2 * HOUR) * 1_000_000));
    assert_eq!(z3.opened.to_rfc3339(), "2026-03-02T12:00:00+00:00");
    assert_eq!(z3.kern.as_deref(), Some("badhoevedorp"));
    assert_eq!(z3.right_place_micros, None);

    let z4 = by_case["Z-004"];
    // accepted at 10:00:00.900 (after a rejection at .100 the same second)
    assert_eq!(
        z4.right_place_micros,
        Some((DAY + HOUR) * 1_000_000 + 900_000)
    );
    assert_eq!(z4.bounces, 1);
}

#[test]
fn fractions_of_a_second_order_events_and_are_kept() {
    let ing = municipal();
    let z4: Vec<(String, Activity)> = ing
        .log
        .events()
        .into_iter()
        .filter(|e| e.case.as_str() == "Z-004")
        .map(|e| (e.at.to_rfc3339(), e.activity))
        .collect();
    // The rejection (.100) comes before the acceptance (.900) although the file lists it after
    // and the life-cycle order at one instant would put it after: the fraction decides.
    assert_eq!(
        z4,
        vec![
            ("2026-03-10T08:00:00+00:00".to_string(), Activity::Opened),
            (
                "2026-03-11T09:00:00.100+00:00".to_string(),
                Activity::Rejected
            ),
            (
                "2026-03-11T09:00:00.900+00:00".to_string(),
                Activity::Accepted
            ),
            ("2026-03-12T09:00:00+00:00".to_string(), Activity::Other),
        ]
    );
    let z1_opened = ing.log.events()[0].at;
    assert_eq!(z1_opened.to_rfc3339(), "2026-01-05T08:00:00.250+00:00");
}

#[test]
fn other_events_round_trip_and_shuffles_do_not_matter() {
    let text = fixture("municipal-pm4py.csv");
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    let want = evaluation::evaluate(&municipal().log, &raw());
    // Reverse and rotate the rows: the same log and metrics (row numbers aside).
    for k in [0usize, 5, 13] {
        let mut rows = lines.clone();
        rows.reverse();
        rows.rotate_left(k);
        let shuffled = format!("{header}\n{}\n", rows.join("\n"));
        let ing = evaluation::ingest_csv_mapped(shuffled.as_bytes(), &mapping()).unwrap();
        assert_eq!(ing.rows_used, 19);
        let got = evaluation::evaluate(&ing.log, &raw());
        assert_eq!(
            serde_json::to_string(&got.per_case).unwrap(),
            serde_json::to_string(&want.per_case).unwrap()
        );
    }
    // `other` events survive the trip through core events (read strictly: the case without
    // an opening, Z-003, is rejected there).
    let events = municipal().log.events();
    let again = evaluation::ingest_events(&events);
    assert_eq!(
        again.rejected_by_reason(),
        BTreeMap::from([(RejectReason::NotOpened, 2)])
    );
    let without_z3: Vec<_> = events
        .into_iter()
        .filter(|e| e.case.as_str() != "Z-003")
        .collect();
    assert_eq!(again.log.events(), without_z3);
}

#[test]
fn the_strict_presets_and_a_missing_column_say_what_they_needed() {
    let text = fixture("municipal-pm4py.csv");
    // dls's own format: the pm4py columns are not its columns.
    let e = evaluation::ingest_csv_str(&text).unwrap_err();
    assert_eq!(e.to_string(), "event log header lacks column `case_id`");
    // A mapping naming a column the log does not have lists the columns it found.
    let mut m = mapping();
    m.columns.timestamp = Some("tijdstip".into());
    let e = evaluation::ingest_csv_mapped(text.as_bytes(), &m).unwrap_err();
    assert!(matches!(
        e,
        EvalError::ColumnNotFound {
            field: "timestamp",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "event log has no column `tijdstip` for `timestamp`: its columns are \
         `case:concept:name`, `concept:name`, `time:timestamp`, `org:resource`, \
         `lifecycle:transition`, `kern`, `need`, `kanaal`"
    );
    // The pm4py preset with strict policies: unmapped activities, a bad organisation and a
    // case without opening are rejected, each with its row, and still listed.
    let mut strict = mapping();
    strict.unmapped_activities = evaluation::ingest::Unmapped::Reject;
    strict.bad_optional = evaluation::ingest::BadOptional::Reject;
    strict.without_opened = evaluation::ingest::WithoutOpened::Reject;
    let ing = evaluation::ingest_csv_mapped(text.as_bytes(), &strict).unwrap();
    let by = ing.rejected_by_reason();
    assert_eq!(by[&RejectReason::UnknownActivity], 3);
    assert_eq!(by[&RejectReason::BadId], 1);
    // Z-003's first contact has no opening before it (its home visit was rejected).
    assert_eq!(by[&RejectReason::NotOpened], 1);
    assert_eq!(ing.unmapped_activities.values().sum::<u64>(), 3);
    assert_eq!(ing.rows_used + ing.rejected.len() as u64, ing.rows_read);
    assert!(ing.warnings.is_empty());
}

#[test]
fn dls_logs_read_as_before_and_report_ignored_columns() {
    let text = "case_id,timestamp,activity,kanaal\n\
                c1,2026-01-05T09:00:00Z,opened,web\n\
                c1,2026-01-05T10:00:00Z,consulted,web\n";
    let ing = evaluation::ingest_csv_str(text).unwrap();
    assert_eq!(ing.ignored_columns, vec!["kanaal"]);
    assert_eq!(ing.rejected[0].reason, RejectReason::UnknownActivity);
    assert_eq!(ing.unmapped_activities["consulted"], 1);
}

/// The XES file pm4py (PyPI, 2.7) wrote from the valid rows of the CSV
/// (tests/fixtures/logs/write_pm4py.py): the same log, cases and metrics.
#[test]
fn an_xes_file_written_by_pm4py_equals_the_csv() {
    let xes = std::fs::read(format!("{FIXTURES}municipal-pm4py.xes")).unwrap();
    let from_xes = evaluation::ingest_xes_mapped(xes.as_slice(), &mapping()).unwrap();
    let from_csv = municipal();
    assert_eq!((from_xes.rows_read, from_xes.rows_used), (19, 19));
    assert_eq!(from_xes.log.events(), from_csv.log.events());
    let json = |i: &Ingested| serde_json::to_string(&evaluation::evaluate(&i.log, &raw())).unwrap();
    assert_eq!(json(&from_xes), json(&from_csv));
    assert_eq!(from_xes.unmapped_activities, from_csv.unmapped_activities);
    assert_eq!(
        from_xes.ignored_columns,
        vec!["lifecycle:transition", "kanaal"]
    );
    let kinds: Vec<WarningKind> = from_xes.warnings.iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        vec![WarningKind::FieldCleared, WarningKind::StartedWithoutOpened]
    );
    // Without activity names, the XES conventions alone: every activity is `other`.
    let bare = evaluation::ingest_xes(xes.as_slice()).unwrap();
    assert_eq!(bare.rows_used, 19);
    assert_eq!(bare.unmapped_activities.values().sum::<u64>(), 19);
}

#[test]
fn broken_xes_is_a_typed_error_and_a_log_without_case_ids_says_what_it_found() {
    let e = evaluation::ingest_xes("<log><trace><event></trace></log>".as_bytes()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("event log (XES): not well-formed XML at byte"),
        "{e}"
    );
    let no_ids = r#"<log><trace><event><string key="concept:name" value="a"/>
        <date key="time:timestamp" value="2026-01-05T08:00:00Z"/></event></trace></log>"#;
    let e = evaluation::ingest_xes(no_ids.as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "event log has no column `case:concept:name` for `case_id`: its columns are \
         `concept:name`, `time:timestamp`"
    );
    // Nested attributes and log-level attributes are not read as the event's.
    let nested = r#"<log><string key="concept:name" value="log"/><trace>
        <string key="concept:name" value="c1"/>
        <event><string key="concept:name" value="opened"><string key="concept:name" value="x"/></string>
        <date key="time:timestamp" value="2026-01-05T08:00:00.5+01:00"/></event></trace></log>"#;
    let ing = evaluation::ingest_xes(nested.as_bytes()).unwrap();
    assert_eq!(ing.rows_used, 1);
    assert_eq!(
        ing.log.events()[0].at.to_rfc3339(),
        "2026-01-05T07:00:00.500+00:00"
    );
    assert_eq!(ing.log.events()[0].activity, Activity::Opened);
}
