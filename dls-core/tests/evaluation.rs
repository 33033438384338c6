//! Evaluation: metrics on hand-made timelines, legal clocks, row accounting, disclosure control,
//! the bootstrap comparison and mergeability.

use std::collections::BTreeMap;

use dls_core::evaluation::table::suppress;
use dls_core::evaluation::{
    self, compare_metric, ClockKind, ClockStatus, ClockTerms, CompareOptions, Dim, Disclosure,
    EvalOptions, EvalState, EventFields, EventLogBuilder, HolidayCalendar, Ingested, Metric,
    RejectReason, Selection, Suppression, Timestamp,
};
use dls_core::{Directory, Format};
use proptest::prelude::*;

const HEADER: &str = "case_id,timestamp,activity,organisation,service,kern,need,reason,municipality,framework,signals,phase";

fn csv(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

fn raw() -> EvalOptions {
    EvalOptions {
        disclosure: Disclosure::raw(),
        ..EvalOptions::default()
    }
}

fn eval(rows: &[&str], opts: &EvalOptions) -> evaluation::Evaluation {
    let ing = evaluation::ingest_csv_str(&csv(rows)).unwrap();
    assert!(ing.rejected.is_empty(), "{:?}", ing.rejected);
    evaluation::evaluate(&ing.log, opts)
}

const DAY: i64 = 86_400;

#[test]
fn every_metric_on_a_hand_made_timeline() {
    let ev = eval(
        &[
            "c1,2026-02-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo.huishouden,,GM0394,,,pilot",
            "c1,2026-02-03T09:00:00+01:00,first_contact,steunpunt,,,,,,,,",
            "c1,2026-02-04T09:00:00+01:00,referred,wijkteam,,,,,,,,",
            "c1,2026-02-05T09:00:00+01:00,rejected,wijkteam,,,,not_eligible,,,,",
            "c1,2026-02-05T10:00:00+01:00,referred,gemeente,,,,,,,,",
            "c1,2026-02-12T10:00:00+01:00,no_response,gemeente,,,,,,,,",
            "c1,2026-02-12T11:00:00+01:00,escalated,steunpunt,,,,,,,,",
            "c1,2026-02-12T12:00:00+01:00,referred,wijkteam,,,,,,,,",
            "c1,2026-02-16T09:00:00+01:00,accepted,wijkteam,,,zorg.wmo.huishouden,,,,,",
            "c1,2026-03-01T09:00:00+01:00,resolved,wijkteam,,,,,,,,",
            "c1,2026-03-02T09:00:00+01:00,closed,,,,,,,,,",
            "c1,2026-05-30T09:00:00+02:00,reopened,,,,,,,,,",
            // A case that never got anywhere: open durations, not zero, not dropped.
            "c2,2026-02-10T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo,,GM0394,,,pilot",
            "c2,2026-02-11T09:00:00+01:00,referred,gemeente,,,,,,,,",
            // Reopened after more than 90 days: does not count.
            "c3,2026-02-10T09:00:00+01:00,opened,,,nieuw-vennep,zorg.wmo,,GM0394,,,pilot",
            "c3,2026-02-10T09:30:00+01:00,first_contact,steunpunt,,,,,,,,",
            "c3,2026-02-11T09:00:00+01:00,closed,,,,,,,,,",
            "c3,2026-05-12T09:00:00+02:00,reopened,,,,,,,,,",
        ],
        &raw(),
    );
    let c1 = &ev.per_case[0];
    assert_eq!(c1.case.as_str(), "c1");
    assert_eq!(c1.first_contact_micros, Some(DAY * 1_000_000));
    assert_eq!(c1.right_place_micros, Some((14 * DAY) * 1_000_000));
    assert_eq!(c1.handoffs, 3);
    assert_eq!(c1.bounces, 2);
    assert_eq!(c1.loops, 1);
    assert_eq!(c1.organisations, 3);
    assert_eq!(c1.escalations, 1);
    assert!(c1.resolved);
    // Closed 2 March, reopened 30 May: 89 days.
    assert!(c1.reopened);
    assert_eq!(c1.organisation.as_deref(), Some("wijkteam"));
    assert_eq!(c1.domain.as_deref(), Some("zorg"));

    let c2 = &ev.per_case[1];
    assert_eq!(c2.first_contact_micros, None);
    assert_eq!(c2.right_place_micros, None);
    assert_eq!(c2.handoffs, 1);
    assert!(!c2.resolved);

    let c3 = &ev.per_case[2];
    assert_eq!(c3.first_contact_micros, Some(1800 * 1_000_000));
    // Closed 11 February, reopened 12 May: 90 days counts…
    assert!(c3.reopened);

    // Aggregates keep the open cases.
    let rows = &ev.summary.aggregates.rows;
    let hoofddorp = rows
        .iter()
        .find(|r| r.key[0].as_deref() == Some("hoofddorp"))
        .unwrap();
    assert_eq!(hoofddorp.key[1].as_deref(), Some("2026-02"));
    let f = hoofddorp.figures.as_ref().unwrap();
    assert_eq!(f.cases, 2);
    assert_eq!(f.first_contact.ended, 1);
    assert_eq!(f.first_contact.open, 1);
    assert_eq!(f.right_place.open, 1);
    assert!((f.right_place.median_days.unwrap() - 14.0).abs() <= 0.14);
    assert_eq!(f.handoffs, 4);
    assert_eq!(f.loop_rate, 0.5);

    // Frequent problems: the bounce path wijkteam -> gemeente -> wijkteam.
    let p = &ev.summary.problems;
    assert_eq!(p.bounce_paths.len(), 1);
    assert_eq!(
        (
            p.bounce_paths[0].from.as_str(),
            p.bounce_paths[0].via.as_str()
        ),
        ("wijkteam", "gemeente")
    );
    assert_eq!(
        p.rejection_reasons,
        vec![("not_eligible".to_string(), 1u64)]
    );
    // gemeente: one no-response after 7 days, one referral never answered.
    let g = p
        .waits
        .iter()
        .find(|w| w.organisation == "gemeente")
        .unwrap();
    assert_eq!((g.answered, g.unanswered), (1, 1));
    assert!((g.median_days.unwrap() - 7.0).abs() < 0.08);
}

#[test]
fn reopened_after_91_days_does_not_count() {
    let ev = eval(
        &[
            "c1,2026-02-10T09:00:00+01:00,opened,,,,,,,,,",
            "c1,2026-02-11T09:00:00+01:00,closed,,,,,,,,,",
            "c1,2026-05-13T09:00:00+02:00,reopened,,,,,,,,,",
        ],
        &raw(),
    );
    assert!(!ev.per_case[0].reopened);
}

const DIRECTORY: &str = r#"
[[municipality]]
code = "GM0394"
name = "Haarlemmermeer"
[[kern]]
id = "hoofddorp"
name = "Hoofddorp"
municipality = "GM0394"
[[kern]]
id = "zwanenburg"
name = "Zwanenburg"
municipality = "GM0394"
[[domain]]
code = "zorg"
label = "Zorg"
[[need]]
code = "zorg.wmo"
label = "Wmo"
[[need]]
code = "zorg.ggz"
label = "GGZ"
[[organisation]]
id = "gemeente"
name = "Gemeente"
kind = "municipality"
[[organisation]]
id = "ggz-aanbieder"
name = "GGZ"
kind = "municipality"
[[service]]
id = "wmo-loket"
organisation = "gemeente"
name = "Wmo-loket"
needs = ["zorg.wmo"]
areas = ["GM0394"]
[[service]]
id = "ggz-team"
organisation = "ggz-aanbieder"
name = "GGZ-team"
needs = ["zorg.ggz"]
areas = ["kern:zwanenburg"]
"#;

#[test]
fn right_place_follows_the_directory() {
    let dir = Directory::from_str(DIRECTORY, Format::Toml, "dir.toml").unwrap();
    let rows = [
        // Accepted by a service that does not offer the need, then by one that does.
        "c1,2026-02-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo,,,,,",
        "c1,2026-02-03T09:00:00+01:00,accepted,,ggz-team,,,,,,,",
        "c1,2026-02-05T09:00:00+01:00,accepted,,wmo-loket,,,,,,,",
        // Offers the need but does not serve the kern.
        "c2,2026-02-02T09:00:00+01:00,opened,,,hoofddorp,zorg.ggz,,,,,",
        "c2,2026-02-03T09:00:00+01:00,accepted,,ggz-team,,,,,,,",
    ];
    let opts = EvalOptions {
        directory: Some(dir),
        ..raw()
    };
    let ev = eval(&rows, &opts);
    assert_eq!(
        ev.per_case[0].right_place_micros,
        Some((3 * DAY) * 1_000_000)
    );
    // The organisation comes from the directory when the event names only the service.
    assert_eq!(ev.per_case[0].organisation.as_deref(), Some("gemeente"));
    assert_eq!(ev.per_case[0].organisations, 2);
    assert_eq!(ev.per_case[1].right_place_micros, None);
    // Without a directory, any acceptance for the case's need counts.
    let ev = eval(&rows, &raw());
    assert_eq!(ev.per_case[0].right_place_micros, Some(DAY * 1_000_000));
    assert_eq!(ev.per_case[1].right_place_micros, Some(DAY * 1_000_000));
}

fn clocks_of(rows: &[&str], opts: &EvalOptions) -> Vec<evaluation::ClockResult> {
    eval(rows, opts).per_case.remove(0).clocks
}

fn date(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[test]
fn wmo_investigation_deadline_on_a_public_holiday_moves() {
    // Melding Tuesday 24 March + 6 weeks = Tuesday 5 May (Bevrijdingsdag) -> Wednesday 6 May.
    let base = "c1,2026-03-24T10:00:00+01:00,opened,,,,zorg.wmo,,,,,";
    let melding = "c1,2026-03-24T10:00:00+01:00,melding,gemeente,,,,,,,,";
    let on_time = clocks_of(
        &[
            base,
            melding,
            "c1,2026-05-06T16:00:00+02:00,aanvraag,gemeente,,,,,,,,",
        ],
        &raw(),
    );
    assert_eq!(on_time[0].clock, ClockKind::WmoInvestigation);
    assert_eq!(on_time[0].deadline, date("2026-05-06"));
    assert_eq!(on_time[0].status, ClockStatus::Met);
    let late = clocks_of(
        &[
            base,
            melding,
            "c1,2026-05-07T09:00:00+02:00,aanvraag,gemeente,,,,,,,,",
        ],
        &raw(),
    );
    assert_eq!(late[0].status, ClockStatus::Missed);
    // The aanvraag starts the 2-week decision clock, still running.
    assert_eq!(late[1].clock, ClockKind::WmoDecision);
    assert_eq!(late[1].status, ClockStatus::Running);
}

#[test]
fn wmo_decision_and_equated_days_from_calendar_data() {
    // Aanvraag Thursday 30 April + 2 weeks = Ascension Day 14 May; the decree equates Friday
    // 15 May; so the term ends Monday 18 May.
    let rows = [
        "c1,2026-04-30T10:00:00+02:00,opened,,,,zorg.wmo,,,wmo,,",
        "c1,2026-04-30T10:00:00+02:00,aanvraag,gemeente,,,,,,,,",
        "c1,2026-05-18T15:00:00+02:00,decision,gemeente,,,,,,,,",
    ];
    let c = clocks_of(&rows, &raw());
    assert_eq!(c[0].clock, ClockKind::WmoDecision);
    assert_eq!(c[0].deadline, date("2026-05-18"));
    assert_eq!(c[0].status, ClockStatus::Met);
    // Without the equated day (calendar data), the term ends Friday 15 May: missed.
    let mut opts = raw();
    opts.legal.calendar = HolidayCalendar::fixed_only();
    let c = clocks_of(&rows, &opts);
    assert_eq!(c[0].deadline, date("2026-05-15"));
    assert_eq!(c[0].status, ClockStatus::Missed);
    // Calendar data loads from TOML without a release.
    opts.legal.calendar = HolidayCalendar::from_toml("equated = [\"2026-05-15\"]").unwrap();
    assert_eq!(clocks_of(&rows, &opts)[0].status, ClockStatus::Met);
}

#[test]
fn wgs_first_conversation_across_dst_uses_amsterdam_days() {
    // Opened Friday 27 March 23:30 CET (22:30 UTC); 4 weeks later is Friday 24 April, in CEST.
    let opened = "c1,2026-03-27T23:30:00+01:00,opened,,,,sociale_zaken.schulden,,,wgs,,";
    // 23:30 CEST on the 24th is 21:30 UTC: in time.
    let c = clocks_of(
        &[
            opened,
            "c1,2026-04-24T23:30:00+02:00,first_contact,kredietbank,,,,,,,,",
        ],
        &raw(),
    );
    assert_eq!(c[0].clock, ClockKind::WgsFirstConversation);
    assert_eq!(c[0].start, date("2026-03-27"));
    assert_eq!(c[0].deadline, date("2026-04-24"));
    assert_eq!(c[0].status, ClockStatus::Met);
    // 00:30 CEST on the 25th is still the 24th in UTC, but the 25th in Amsterdam: late.
    let c = clocks_of(
        &[
            opened,
            "c1,2026-04-24T22:30:00Z,first_contact,kredietbank,,,,,,,,",
        ],
        &raw(),
    );
    assert_eq!(c[0].stopped, Some(date("2026-04-25")));
    assert_eq!(c[0].status, ClockStatus::Missed);
}

#[test]
fn wgs_three_working_days_under_threat() {
    // Thursday 2 April; Good Friday and Easter Monday are not working days: Thursday 9 April.
    let opened =
        "c1,2026-04-02T10:00:00+02:00,opened,,,,zorg.schulden,,,,threatened_eviction;rent_arrears,";
    let c = clocks_of(
        &[
            opened,
            "c1,2026-04-09T10:00:00+02:00,first_contact,kredietbank,,,,,,,,",
        ],
        &raw(),
    );
    assert_eq!(c[0].deadline, date("2026-04-09"));
    assert_eq!(c[0].status, ClockStatus::Met);
    let c = clocks_of(
        &[
            opened,
            "c1,2026-04-10T10:00:00+02:00,first_contact,kredietbank,,,,,,,,",
        ],
        &raw(),
    );
    assert_eq!(c[0].status, ClockStatus::Missed);
    // Without a threat: 4 weeks.
    let c = clocks_of(
        &[
            "c1,2026-04-02T10:00:00+02:00,opened,,,,zorg.schulden,,,,rent_arrears,",
            "c1,2026-04-10T10:00:00+02:00,first_contact,kredietbank,,,,,,,,",
        ],
        &raw(),
    );
    assert_eq!(c[0].deadline, date("2026-04-30"));
    assert_eq!(c[0].status, ClockStatus::Met);
}

#[test]
fn suspension_and_extension_lengthen_the_term() {
    // Wmo decision: aanvraag Monday 1 June + 14 = 15 June; suspended 3 -> 10 June adds 7 days:
    // Monday 22 June.
    let c = clocks_of(
        &[
            "c1,2026-06-01T10:00:00+02:00,opened,,,,zorg.wmo,,,wmo,,",
            "c1,2026-06-01T10:00:00+02:00,aanvraag,gemeente,,,,,,,,",
            "c1,2026-06-03T10:00:00+02:00,clock_suspended,gemeente,,,,,,,,",
            "c1,2026-06-10T10:00:00+02:00,clock_resumed,gemeente,,,,,,,,",
            "c1,2026-06-19T10:00:00+02:00,decision,gemeente,,,,,,,,",
        ],
        &raw(),
    );
    assert_eq!(c[0].suspended_days, 7);
    assert_eq!(c[0].deadline, date("2026-06-22"));
    assert_eq!(c[0].status, ClockStatus::Met);
    // Jeugdwet: aanvraag 1 September + 8 weeks = 27 October; one extension of 8 weeks:
    // 22 December.
    let rows = [
        "c1,2026-09-01T10:00:00+02:00,opened,,,,zorg.jeugd,,GM0394,,,",
        "c1,2026-09-01T10:00:00+02:00,aanvraag,gemeente,,,,,,,,",
        "c1,2026-10-20T10:00:00+02:00,clock_extended,gemeente,,,,,,,,",
        "c1,2026-12-01T10:00:00+01:00,decision,gemeente,,,,,,,,",
    ];
    let c = clocks_of(&rows, &raw());
    assert_eq!(c[0].clock, ClockKind::JeugdwetDecision);
    assert_eq!(c[0].extended_days, 56);
    assert_eq!(c[0].deadline, date("2026-12-22"));
    assert_eq!(c[0].status, ClockStatus::Met);
    // A municipality whose verordening sets 6 weeks and a 2-week extension.
    let mut opts = raw();
    opts.legal.municipalities.insert(
        "GM0394".into(),
        ClockTerms {
            jeugdwet_decision_days: 42,
            extension_days: Some(14),
            ..ClockTerms::default()
        },
    );
    let c = clocks_of(&rows, &opts);
    // 1 September + 42 + 14 = 27 October.
    assert_eq!(c[0].deadline, date("2026-10-27"));
    assert_eq!(c[0].status, ClockStatus::Missed);
}

#[test]
fn running_clocks_become_overdue_after_the_deadline() {
    let rows = [
        "c1,2026-06-01T10:00:00+02:00,opened,,,,wonen.urgentie,,,,,",
        "c1,2026-06-01T10:00:00+02:00,aanvraag,gemeente,,,,,,,,",
    ];
    let mut opts = raw();
    opts.as_of = Some("2026-06-15T21:00:00Z".parse().unwrap());
    assert_eq!(clocks_of(&rows, &opts)[0].status, ClockStatus::Running);
    // No framework and no melding: the Awb's 8 weeks.
    assert_eq!(clocks_of(&rows, &opts)[0].clock, ClockKind::AwbDecision);
    opts.as_of = Some("2026-07-28T10:00:00Z".parse().unwrap());
    assert_eq!(clocks_of(&rows, &opts)[0].status, ClockStatus::Overdue);
    let ev = eval(&rows, &opts);
    let f = ev.summary.aggregates.rows[0].figures.as_ref().unwrap();
    assert_eq!(f.clocks[0].overdue, 1);
    assert_eq!(f.clocks[0].compliance, Some(0.0));
}

#[test]
fn every_rejection_reason_with_its_row() {
    let mut text = csv(&[
        "c1,2026-02-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo,,,,,", // 2 used
        "c1,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,",         // 3 missing column
        "c1,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,,,x",      // 4 extra columns
        ",2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,,",          // 5 missing value
        "c1,2026-02-30T09:00:00+01:00,referred,gemeente,,,,,,,,",        // 6 bad timestamp
        "c1,2026-02-03T09:00:00+01:00,phoned,gemeente,,,,,,,,",          // 7 unknown activity
        "Jan Jansen,2026-02-03T09:00:00+01:00,opened,,,,,,,,,",          // 8 bad id
        "c1,2026-02-03T09:00:00+01:00,rejected,gemeente,,,,rude,,,,",    // 9 unknown reason
        "c1,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,wlz2,,",    // 10 bad attribute
        "c1,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,,",        // 11 used
        "c1,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,,",        // 12 duplicate
        "c1,2026-02-01T09:00:00+01:00,accepted,gemeente,,,,,,,,", // 13 before opened (in time)
        "c2,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,,", // 14 not opened
        "c1,2026-02-04T09:00:00+01:00,opened,,,,,,,,,",           // 15 already opened
        "c1,2026-02-04T09:00:00+01:00,referred,Gemeente Haarlemmermeer,,,,,,,,", // 16 bad id
        "c1,\"2026-02-05T09:00:00+01:00\",accepted,gemeente,,,,,,,,", // 17 used (quoted)
    ])
    .into_bytes();
    // Row 18: not UTF-8.
    text.extend_from_slice(b"c1,2026-02-06T09:00:00+01:00,resolved,gem\xffeente,,,,,,,,\n");
    // Row 19: a quoted field never closed (runs to the end of the input).
    text.extend_from_slice(b"c1,2026-02-07T09:00:00+01:00,closed,\"gemeente,,,,,,,,\n");
    let ing = evaluation::ingest_csv(&text[..]).unwrap();
    assert_eq!(ing.rows_read, 18);
    assert_eq!(ing.rows_used, 3);
    assert_eq!(ing.rows_used + ing.rejected.len() as u64, ing.rows_read);
    let got: Vec<(u64, RejectReason, Option<&str>)> = ing
        .rejected
        .iter()
        .map(|r| (r.row, r.reason, r.field.as_deref()))
        .collect();
    use RejectReason::*;
    assert_eq!(
        got,
        vec![
            (3, MissingColumn, None),
            (4, ExtraColumns, None),
            (5, MissingValue, Some("case_id")),
            (6, BadTimestamp, Some("timestamp")),
            (7, UnknownActivity, Some("activity")),
            (8, BadId, Some("case_id")),
            (9, UnknownReason, Some("reason")),
            (10, BadAttribute, Some("framework")),
            (12, DuplicateEvent, None),
            (13, NotOpened, None),
            (14, NotOpened, None),
            (15, AlreadyOpened, Some("activity")),
            (16, BadId, Some("organisation")),
            (18, BadEncoding, None),
            (19, UnclosedQuote, None),
        ]
    );
    // Rejections name fields, never values: no personal data leaks.
    let json = serde_json::to_string(&ing.rejected).unwrap();
    assert!(!json.contains("Jansen") && !json.contains("Haarlemmermeer"));
    assert_eq!(ing.rejected_by_reason()[&BadId], 2);

    // JSON lines: malformed lines and missing keys.
    let jl = concat!(
        r#"{"case_id":"c1","timestamp":"2026-02-02T09:00:00+01:00","activity":"opened","kern":"hoofddorp"}"#,
        "\n",
        "{not json\n",
        "\n",
        r#"{"case_id":"c1","timestamp":"2026-02-02T10:00:00+01:00"}"#,
        "\n",
        r#"{"case":"c1","at":"2026-02-02T11:00:00Z","activity":"first_contact"}"#,
        "\n",
    );
    let ing = evaluation::ingest_jsonl_str(jl).unwrap();
    assert_eq!((ing.rows_read, ing.rows_used), (4, 2));
    assert_eq!(ing.rejected[0].row, 2);
    assert_eq!(ing.rejected[0].reason, BadJson);
    assert_eq!(
        (ing.rejected[1].row, ing.rejected[1].reason),
        (4, MissingColumn)
    );
    assert_eq!(ing.rejected[1].field.as_deref(), Some("activity"));

    // A header without a required column is an error, not a silent drop.
    let e = evaluation::ingest_csv_str("case_id,activity\nc1,opened\n").unwrap_err();
    assert_eq!(e.to_string(), "event log header lacks column `timestamp`");
}

#[test]
fn events_round_trip_through_the_log() {
    let ing = evaluation::ingest_csv_str(&csv(&[
        "c1,2026-02-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo,,,,,",
        "c1,2026-02-03T09:00:00+01:00,rejected,gemeente,wmo-loket,,,full,,,,",
    ]))
    .unwrap();
    let events = ing.log.events();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].at.to_rfc3339(), "2026-02-03T08:00:00+00:00");
    let again = evaluation::ingest_events(&events);
    assert_eq!(again.rows_used, 2);
    assert_eq!(again.log.events(), events);
}

/// Splits a test CSV (no quotes) into rows of cells, numbered as the CSV reader numbers them.
fn cells(text: &str) -> Vec<(u64, Vec<&str>)> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| (i as u64 + 1, l.split(',').collect()))
        .collect()
}

/// Feeds rows of `HEADER` cells to the builder; `micros` gives valid timestamps as UTC
/// microseconds instead of text, as a host with a timestamp column does.
fn build(rows: &[(u64, Vec<&str>)], micros: bool) -> Ingested {
    let mut b = EventLogBuilder::new();
    for (row, c) in rows {
        let cell = |i: usize| Some(c[i]).filter(|s| !s.is_empty());
        let signals: Vec<&str> = c[10].split(';').collect();
        let timestamp = match chrono::DateTime::parse_from_rfc3339(c[1]) {
            Ok(t) if micros => Timestamp::Micros(t.timestamp_micros()),
            _ => Timestamp::Text(c[1]),
        };
        b.push(
            *row,
            EventFields {
                case_id: cell(0),
                timestamp: Some(timestamp),
                activity: cell(2),
                organisation: cell(3),
                service: cell(4),
                kern: cell(5),
                need: cell(6),
                reason: cell(7),
                municipality: cell(8),
                framework: cell(9),
                signals: &signals,
                phase: cell(11),
                ..EventFields::default()
            },
        );
    }
    b.finish()
}

#[test]
fn the_builder_and_the_csv_reader_agree() {
    let mut rows = vec![
        "c1,2026-02-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo,,GM0394,wmo,rent_arrears;cut_off,pilot",
        ",2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,,",
        "c1,,referred,gemeente,,,,,,,,",
        "c1,2026-02-30T09:00:00+01:00,referred,gemeente,,,,,,,,",
        "c1,2026-02-03T09:00:00+01:00,phoned,gemeente,,,,,,,,",
        "Jan Jansen,2026-02-03T09:00:00+01:00,opened,,,,,,,,,",
        "c1,2026-02-03T09:00:00+01:00,rejected,gemeente,,,,rude,,,,",
        "c1,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,wlz2,,",
        "c1,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,nosuch,",
        "c1,2026-02-03T09:00:00.750+01:00,referred,gemeente,wmo-loket,,,,,,,",
        "c1,2026-02-03T09:00:00+01:00,referred,gemeente,wmo-loket,,,,,,,",
        "c1,2026-02-01T09:00:00+01:00,accepted,gemeente,,,,,,,,",
        "c2,2026-02-03T09:00:00+01:00,referred,gemeente,,,,,,,,",
        "c1,2026-02-04T09:00:00+01:00,opened,,,,,,,,,",
        "c1,2026-02-04T09:00:00+01:00,rejected,gemeente,,,,full,,,,",
        "c1,2026-02-05T09:00:00+01:00,accepted,gemeente,,,zorg.wmo,,,,,",
        "c3,2026-02-05T09:00:00Z,opened,,,zwanenburg,zorg.jeugd,,,jeugdwet,,",
        "c3,2026-02-06T09:00:00Z,first_contact,steunpunt,,,,,,,,",
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    for i in 0..30 {
        let steps: Vec<(u8, u8, u16)> = (0..i % 7)
            .map(|k| (k as u8 * 5 % 15, k as u8, 20))
            .collect();
        rows.extend(case_rows(i, &steps));
    }
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let text = csv(&refs);
    let from_csv = evaluation::ingest_csv_str(&text).unwrap();
    // The referral at 09:00:00.750 is not a repeat of the one at 09:00:00: fractions of a
    // second are kept.
    assert_eq!(from_csv.rejected.len(), 11, "{:?}", from_csv.rejected);
    let opts = EvalOptions {
        group_by: vec![Dim::Kern, Dim::Month, Dim::Need],
        as_of: Some("2027-06-01T00:00:00Z".parse().unwrap()),
        ..raw()
    };
    let json =
        |ing: &Ingested| serde_json::to_string(&evaluation::evaluate(&ing.log, &opts)).unwrap();
    for micros in [false, true] {
        let built = build(&cells(&text), micros);
        assert_eq!(built.rows_read, from_csv.rows_read);
        assert_eq!(built.rows_used, from_csv.rows_used);
        assert_eq!(built.rejected, from_csv.rejected);
        assert_eq!(built.log.events(), from_csv.log.events());
        assert_eq!(json(&built), json(&from_csv));
    }
}

#[test]
fn builder_rows_are_the_callers_and_timestamps_stay_in_range() {
    let mut b = EventLogBuilder::new();
    let fields = |ts| EventFields {
        case_id: Some("c1"),
        timestamp: Some(ts),
        activity: Some("opened"),
        ..EventFields::default()
    };
    // Year 10000 and year -1 are out of range, as they are in text.
    b.push(7, fields(Timestamp::Micros(253_402_300_800_000_000)));
    b.push(8, fields(Timestamp::Micros(-62_167_219_200_000_001)));
    b.push(
        9,
        EventFields {
            timestamp: None,
            ..fields(Timestamp::Micros(0))
        },
    );
    b.push(10, fields(Timestamp::Micros(-62_167_219_200_000_000)));
    let ing = b.finish();
    let got: Vec<(u64, RejectReason)> = ing.rejected.iter().map(|r| (r.row, r.reason)).collect();
    use RejectReason::*;
    assert_eq!(
        got,
        vec![(7, BadTimestamp), (8, BadTimestamp), (9, MissingValue)]
    );
    assert_eq!(ing.rows_used, 1);
    assert_eq!(
        ing.log.events()[0].at.to_rfc3339(),
        "0000-01-01T00:00:00+00:00"
    );
}

fn key(v: &[&str]) -> Vec<Option<String>> {
    v.iter().map(|s| Some(s.to_string())).collect()
}

#[test]
fn primary_and_secondary_suppression() {
    let kern_muni: BTreeMap<String, String> = [
        ("a", "GM0001"),
        ("b", "GM0001"),
        ("c", "GM0001"),
        ("d", "GM0002"),
        ("e", "GM0002"),
    ]
    .iter()
    .map(|(k, m)| (k.to_string(), m.to_string()))
    .collect();
    let keys = vec![
        key(&["a"]),
        key(&["b"]),
        key(&["c"]),
        key(&["d"]),
        key(&["e"]),
    ];
    let d = Disclosure::default();
    // a is too small; subtracting b and c from GM0001's total would reveal it, so the smaller
    // of b and c goes too. GM0002 is untouched.
    let s = suppress(&keys, &[3, 50, 40, 12, 30], &[Dim::Kern], &kern_muni, &d);
    assert_eq!(
        s,
        vec![
            Some(Suppression::Primary),
            None,
            Some(Suppression::Secondary),
            None,
            None
        ]
    );
    // Two small cells that together still hold fewer than 10 cases: a third goes.
    let s = suppress(&keys, &[3, 4, 40, 45, 30], &[Dim::Kern], &kern_muni, &d);
    assert_eq!(
        s,
        vec![
            Some(Suppression::Primary),
            Some(Suppression::Primary),
            Some(Suppression::Secondary),
            None,
            None
        ]
    );
    // Two dimensions: kern x month. Suppressing (a, jan) forces one more in its month and one
    // more in its kern, and those force a fourth: the classic rectangle.
    let keys = vec![
        key(&["a", "2026-01"]),
        key(&["a", "2026-02"]),
        key(&["b", "2026-01"]),
        key(&["b", "2026-02"]),
    ];
    let s = suppress(
        &keys,
        &[2, 20, 30, 40],
        &[Dim::Kern, Dim::Month],
        &kern_muni,
        &d,
    );
    assert!(s.iter().all(Option::is_some), "{s:?}");
    // Raw: nothing suppressed.
    let s = suppress(
        &keys,
        &[2, 20, 30, 40],
        &[Dim::Kern],
        &kern_muni,
        &Disclosure::raw(),
    );
    assert!(s.iter().all(Option::is_none));
}

#[test]
fn published_counts_are_rounded_and_small_cells_hidden() {
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for i in 0..13 {
        lines.push(format!(
            "k{i},2026-02-02T09:00:00+01:00,opened,,,hoofddorp,zorg.wmo,,GM0394,,,"
        ));
    }
    for i in 0..3 {
        lines.push(format!(
            "z{i},2026-02-02T09:00:00+01:00,opened,,,zwanenburg,zorg.wmo,,GM0394,,,"
        ));
    }
    for i in 0..22 {
        lines.push(format!(
            "n{i},2026-02-02T09:00:00+01:00,opened,,,nieuw-vennep,zorg.wmo,,GM0394,,,"
        ));
    }
    rows.extend(lines.iter().map(String::as_str));
    let opts = EvalOptions {
        group_by: vec![Dim::Kern],
        ..EvalOptions::default()
    };
    let ev = eval(&rows, &opts);
    let t = &ev.summary.aggregates;
    let by: BTreeMap<&str, &evaluation::table::Row> = t
        .rows
        .iter()
        .map(|r| (r.key[0].as_deref().unwrap(), r))
        .collect();
    // too small to publish: not listed at all (a listed row would say "at least one case")
    assert!(!by.contains_key("zwanenburg"));
    assert_eq!(by["hoofddorp"].suppressed, Some(Suppression::Secondary));
    // Random rounding: a multiple of 5 next to the exact count, the same every run.
    let nv = by["nieuw-vennep"].figures.as_ref().unwrap().cases;
    assert!([20, 25].contains(&nv), "22 rounds to 20 or 25, not {nv}");
    assert!(
        [35, 40].contains(&ev.summary.cases),
        "38 rounds to 35 or 40"
    );
    assert_eq!(eval(&rows, &opts).summary, ev.summary);
    // Raw figures only when asked for.
    let raw_summary = ev.state.finish(&Disclosure::raw());
    assert_eq!(raw_summary.cases, 38);
    assert!(raw_summary
        .aggregates
        .rows
        .iter()
        .all(|r| r.figures.is_some()));
}

fn handoff_cases(kern: &str, handoffs: &[u32]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, &h) in handoffs.iter().enumerate() {
        out.push(format!(
            "{kern}{i},2026-02-02T09:00:00+01:00,opened,,,{kern},zorg.wmo,,,,,"
        ));
        for j in 0..h {
            out.push(format!(
                "{kern}{i},2026-02-03T09:{j:02}:00+01:00,referred,org{j},,,,,,,,"
            ));
        }
    }
    out
}

#[test]
fn bootstrap_interval_on_a_known_case() {
    let mut lines = handoff_cases("a", &[0, 10]);
    lines.extend(handoff_cases("b", &[0]));
    let rows: Vec<&str> = lines.iter().map(String::as_str).collect();
    let ev = eval(&rows, &raw());
    let a = Selection {
        kernen: Some(vec!["a".into()]),
        ..Selection::default()
    };
    let b = Selection {
        kernen: Some(vec!["b".into()]),
        ..Selection::default()
    };
    let opts = CompareOptions {
        disclosure: Disclosure::raw(),
        ..CompareOptions::default()
    };
    // Resampling {0, 10} gives means 0, 5, 10 with probabilities 1/4, 1/2, 1/4; b is always 0.
    // The 95 % interval of the difference is therefore [0, 10] around the estimate 5.
    let c = compare_metric(&ev.per_case, &a, &b, Metric::Handoffs, &opts);
    assert_eq!(c.a.value, Some(5.0));
    assert_eq!(c.b.value, Some(0.0));
    assert_eq!(c.difference, Some(5.0));
    assert_eq!((c.ci_low, c.ci_high), (Some(0.0), Some(10.0)));
    // Seeded: the same seed gives the same interval.
    assert_eq!(
        c,
        compare_metric(&ev.per_case, &a, &b, Metric::Handoffs, &opts)
    );

    // Constant samples: the interval is the difference itself.
    let mut lines = handoff_cases("a", &[2; 12]);
    lines.extend(handoff_cases("b", &[1; 15]));
    let rows: Vec<&str> = lines.iter().map(String::as_str).collect();
    let ev = eval(&rows, &raw());
    let c = compare_metric(
        &ev.per_case,
        &a,
        &b,
        Metric::Handoffs,
        &CompareOptions::default(),
    );
    // Published means are rounded sums over rounded counts (issue 13, item 1(a)): a is
    // 24 handoffs over 12 cases, published as 25 / 10; b is 15 / 15. The interval is of the
    // exact difference.
    assert_eq!(c.a.value, Some(2.5));
    assert_eq!(c.b.value, Some(1.0));
    assert_eq!(c.difference, Some(1.5));
    assert_eq!((c.ci_low, c.ci_high), (Some(1.0), Some(1.0)));
    assert_eq!(c.a.cases, 10, "12 rounds to 10");
    // Too few cases to publish a comparison.
    let small = Selection {
        kernen: Some(vec!["a".into()]),
        until: Some(date("2026-01-01")),
        ..Selection::default()
    };
    let c = compare_metric(
        &ev.per_case,
        &small,
        &b,
        Metric::Handoffs,
        &CompareOptions::default(),
    );
    assert!(c.suppressed && c.difference.is_none());
}

const ACTS: &[&str] = &[
    "first_contact",
    "referred",
    "accepted",
    "rejected",
    "no_response",
    "escalated",
    "resolved",
    "closed",
    "reopened",
    "melding",
    "aanvraag",
    "decision",
    "clock_suspended",
    "clock_resumed",
    "clock_extended",
];

fn case_rows(i: usize, steps: &[(u8, u8, u16)]) -> Vec<String> {
    let kernen = ["hoofddorp", "badhoevedorp", "zwanenburg"];
    let needs = ["zorg.wmo", "zorg.jeugd", "zorg.schulden"];
    let start = 1_767_225_600i64 + (i as i64 % 50) * 86_400 * 7 + i as i64 * 3_600;
    let ts = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let mut rows = vec![format!(
        "p{i},{},opened,,,{},{},,GM0394,,,",
        ts(start),
        kernen[i % 3],
        needs[(i / 3) % 3]
    )];
    let mut t = start;
    for &(a, o, dt) in steps {
        t += dt as i64 * 3_600;
        let act = ACTS[a as usize % ACTS.len()];
        let reason = if act == "rejected" { "full" } else { "" };
        rows.push(format!("p{i},{},{act},org{},,,,{reason},,,,", ts(t), o % 4));
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn merging_partitions_in_any_order_equals_one_pass(
        cases in proptest::collection::vec(
            (proptest::collection::vec((0u8..15, 0u8..4, 0u16..400), 0..12), 0usize..4),
            1..40,
        ),
        order in Just(()).prop_perturb(|_, mut rng| {
            let mut v: Vec<usize> = (0..4).collect();
            for i in (1..v.len()).rev() {
                v.swap(i, rng.random_range(0..=i));
            }
            v
        }),
    ) {
        let mut all = Vec::new();
        let mut parts = vec![Vec::new(); 4];
        for (i, (steps, part)) in cases.iter().enumerate() {
            let rows = case_rows(i, steps);
            all.extend(rows.iter().cloned());
            parts[*part].extend(rows);
        }
        let opts = EvalOptions {
            group_by: vec![Dim::Kern, Dim::Month, Dim::Need, Dim::Organisation],
            as_of: Some("2027-06-01T00:00:00Z".parse().unwrap()),
            ..EvalOptions::default()
        };
        let state_of = |rows: &[String]| {
            let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
            let ing = evaluation::ingest_csv_str(&csv(&refs)).unwrap();
            prop_assert_eq!(ing.rows_used + ing.rejected.len() as u64, ing.rows_read);
            Ok(evaluation::evaluate_state(&ing.log, &opts))
        };
        let one = state_of(&all)?;
        let mut merged = EvalState::new(opts.group_by.clone());
        for &p in &order {
            let s = state_of(&parts[p])?;
            // Partition states travel serialised.
            let json = serde_json::to_string(&s).unwrap();
            let back: EvalState = serde_json::from_str(&json).unwrap();
            merged.merge(&back).unwrap();
        }
        prop_assert_eq!(&merged, &one);
        prop_assert_eq!(merged.finish(&Disclosure::default()), one.finish(&Disclosure::default()));
    }
}

#[test]
fn states_with_different_groupings_do_not_merge() {
    let mut a = EvalState::new(vec![Dim::Kern]);
    let b = EvalState::new(vec![Dim::Month]);
    assert!(a.merge(&b).is_err());
}

#[test]
fn pilot_timelines_fit_the_pilot() {
    let ing = evaluation::ingest_csv_str(dls_core::pilot::EVENTS_CSV).unwrap();
    assert!(ing.rejected.is_empty(), "{:?}", ing.rejected);
    assert!(ing.log.case_count() >= 300);
    let dir = dls_core::pilot::directory();
    let events = dls_core::pilot::events();
    assert_eq!(events.len() as u64, ing.rows_used);
    for e in &events {
        if let Some(k) = &e.kern {
            assert!(dir.areas().kern(k.as_str()).is_some(), "{k}");
        }
        if let Some(s) = &e.service {
            let svc = dir.service(s.as_str()).unwrap_or_else(|| panic!("{s}"));
            assert_eq!(Some(&svc.organisation), e.organisation.as_ref());
        }
        if let Some(o) = &e.organisation {
            assert!(dir.organisation(o.as_str()).is_some(), "{o}");
        }
        if let Some(n) = &e.need {
            assert!(dir.taxonomy().knows(n), "{n}");
        }
    }
    for c in dls_core::pilot::cases() {
        assert!(events.iter().any(|e| &e.case == c.id()), "{}", c.id());
    }

    // The pilot helps faster than the baseline: first contact and right place.
    let opts = EvalOptions {
        directory: Some(dir),
        group_by: vec![Dim::Phase],
        ..EvalOptions::default()
    };
    let ev = evaluation::evaluate(&ing.log, &opts);
    let phase = |p: &str| Selection {
        phase: Some(p.into()),
        ..Selection::default()
    };
    let c = compare_metric(
        &ev.per_case,
        &phase("pilot"),
        &phase("baseline"),
        Metric::FirstContactDays,
        &CompareOptions::default(),
    );
    assert!(c.ci_high.unwrap() < 0.0, "{c:?}");
    let c = compare_metric(
        &ev.per_case,
        &phase("pilot"),
        &phase("baseline"),
        Metric::Bounces,
        &CompareOptions::default(),
    );
    assert!(c.difference.unwrap() < 0.0, "{c:?}");
    // Every legal clock occurs.
    let kinds: std::collections::BTreeSet<_> = ev
        .per_case
        .iter()
        .flat_map(|m| m.clocks.iter().map(|c| c.clock))
        .collect();
    for k in [
        ClockKind::WmoInvestigation,
        ClockKind::WmoDecision,
        ClockKind::JeugdwetDecision,
        ClockKind::WgsFirstConversation,
    ] {
        assert!(kinds.contains(&k), "{k:?}");
    }
    assert!(ev.per_case.iter().any(|m| m.loops > 0));
    assert!(ev.per_case.iter().any(|m| m.escalations > 0));
    assert!(ev.per_case.iter().any(|m| m.reopened));
}

#[test]
fn every_dimension_has_a_readable_key() {
    let text = "case_id,timestamp,activity,organisation,kern,need,municipality,region,phase\n\
        c1,2026-01-01T00:30:00+01:00,opened,,hoofddorp,zorg.wmo.huishouden,GM0394,zuid-kennemerland,pilot\n\
        c1,2026-01-02T09:00:00+01:00,referred,gemeente,,,,,\n\
        c1,2026-01-03T09:00:00+01:00,accepted,gemeente,,zorg.wmo.huishouden,,,\n";
    let ing = evaluation::ingest_csv_str(text).unwrap();
    let dims: Vec<Dim> = [
        "kern",
        "municipality",
        "region",
        "domain",
        "need",
        "organisation",
        "phase",
        "month",
        "week",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    assert!("county".parse::<Dim>().is_err());
    let ev = evaluation::evaluate(
        &ing.log,
        &EvalOptions {
            group_by: dims,
            ..raw()
        },
    );
    let key: Vec<&str> = ev.summary.aggregates.rows[0]
        .key
        .iter()
        .map(|k| k.as_deref().unwrap())
        .collect();
    // 00:30 on 1 January in Amsterdam is still 31 December in UTC: the local day decides.
    assert_eq!(
        key,
        [
            "hoofddorp",
            "GM0394",
            "zuid-kennemerland",
            "zorg",
            "zorg.wmo.huishouden",
            "gemeente",
            "pilot",
            "2026-01",
            "2026-W01"
        ]
    );
}
