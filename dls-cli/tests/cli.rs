//! The `dls` binary, run as a user runs it, on the embedded pilot's folder: exit codes, every
//! problem of a broken rule set listed, routing and evaluation output checked against the core
//! and against a count made here from the raw files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use dls_core::pilot;
use dls_core::routing::{RouteOptions, Router};
use dls_core::rows::CaseRow;

fn pilot_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../dls-core/data/haarlemmermeer")
}

fn dls(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dls"))
        .args(args)
        .arg("--quiet")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh folder holding a copy of the pilot's TOML files.
fn copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dls-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(pilot_folder()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn validate_on_the_pilot_exits_0() {
    let out = dls(&["validate", s(&pilot_folder())]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("valid, 5 rules"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn validate_on_a_broken_rule_set_exits_1_and_lists_every_problem() {
    let dir = copy("broken");
    // three errors in three rules: an unknown service, an unknown kern, an unknown need
    std::fs::write(
        dir.join("rules-zz-broken.toml"),
        r#"
[[rule]]
id = "bad-service"
needs = ["zorg.wmo.huishouden"]
area = "GM0394"
target = "service:no-such-service"

[[rule]]
id = "bad-kern"
needs = ["zorg.wmo.huishouden"]
area = "kern:atlantis"
target = "service:wmo-loket"

[[rule]]
id = "bad-need"
needs = ["zorg.no_such_need"]
area = "GM0394"
target = "service:wmo-loket"
"#,
    )
    .unwrap();
    let out = dls(&["validate", s(&dir), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let problems = report["problems"].as_array().unwrap();
    let errors: Vec<&serde_json::Value> = problems
        .iter()
        .filter(|p| p["severity"] == "error")
        .collect();
    for (rule, kind) in [
        ("bad-service", "unknown_service"),
        ("bad-kern", "unknown_kern"),
        ("bad-need", "unknown_need"),
    ] {
        assert!(
            errors.iter().any(|p| p["kind"] == kind
                && p["item"].as_str().unwrap_or("").contains(rule)
                && p["file"]
                    .as_str()
                    .unwrap_or("")
                    .ends_with("rules-zz-broken.toml")),
            "no {kind} for {rule} in {problems:#?}"
        );
    }
    assert_eq!(report["errors"].as_u64().unwrap() as usize, errors.len());
    // the text form lists the same problems, one per line, and the summary
    let out = dls(&["validate", s(&dir)]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    let error_lines = stdout.lines().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(error_lines, errors.len(), "{stdout}");
    assert!(
        stdout.contains(&format!("{} error(s)", errors.len())),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn validate_names_a_missing_file() {
    let dir = copy("missing");
    std::fs::remove_file(dir.join("taxonomy.toml")).unwrap();
    let out = dls(&["validate", s(&dir), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &report["problems"][0];
    assert_eq!(p["kind"], "missing_file");
    assert!(
        p["file"].as_str().unwrap().ends_with("taxonomy.toml"),
        "{p}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn usage_errors_exit_2_and_help_documents_the_exit_codes() {
    assert_eq!(dls(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(dls(&["validate"]).status.code(), Some(2));
    assert_eq!(
        dls(&["evaluate", "x.csv", "--disclosure", "leaky"])
            .status
            .code(),
        Some(2)
    );
    let help = dls(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let h = text(&help.stdout);
    for line in ["Exit codes:", "0  done", "1  problems found", "2  usage"] {
        assert!(h.contains(line), "{h}");
    }
}

#[test]
fn coverage_writes_csv_and_an_unknown_municipality_exits_1() {
    let folder = pilot_folder();
    let out = dls(&[
        "coverage",
        s(&folder),
        "--date",
        "2026-06-01",
        "--municipality",
        "GM0394",
        "--only",
        "gaps",
        "--csv",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut rd = csv::Reader::from_reader(out.stdout.as_slice());
    let header = rd.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (municipality, gap) = (col("municipality"), col("gap"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .all(|r| &r[municipality] == "GM0394" && &r[gap] == "true"));
    let out = dls(&[
        "coverage",
        s(&folder),
        "--date",
        "2026-06-01",
        "--municipality",
        "GM9999",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("`GM9999`") && err.contains("`GM0394`"),
        "{err}"
    );
}

/// The pilot's sample cases as a CSV file (lists with `;`), plus one row that is not a case.
fn cases_csv(path: &Path) -> usize {
    let cases = pilot::cases();
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record([
        "id",
        "kern",
        "needs",
        "age",
        "household",
        "urgency",
        "framework",
        "signals",
        "income_pct",
        "opened",
        "tried",
        "share_with_organisations",
    ])
    .unwrap();
    for c in &cases {
        let r = CaseRow::from(c);
        let tried: Vec<String> = r.tried.iter().map(|t| t.to_string()).collect();
        w.write_record([
            r.id.to_string(),
            r.kern.to_string(),
            r.needs.join(";"),
            r.age.map(|v| v.to_string()).unwrap_or_default(),
            r.household.unwrap_or("").to_string(),
            r.urgency.unwrap_or("").to_string(),
            r.framework.unwrap_or("").to_string(),
            r.signals.join(";"),
            r.income_pct.map(|v| v.to_string()).unwrap_or_default(),
            r.opened.map(|d| d.to_string()).unwrap_or_default(),
            tried.join(";"),
            r.share_with_organisations.to_string(),
        ])
        .unwrap();
    }
    w.write_record([
        "broken",
        "hoofddorp",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "2026-03-01",
        "",
        "",
    ])
    .unwrap();
    w.flush().unwrap();
    cases.len()
}

#[test]
fn route_writes_the_cores_decisions_and_marks_a_bad_row() {
    let dir = std::env::temp_dir().join(format!("dls-cli-route-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("cases.csv");
    let n = cases_csv(&input);
    let output = dir.join("decisions.csv");
    let out = dls(&["route", s(&pilot_folder()), s(&input), "-o", s(&output)]);
    // one row could not be read: exit 1, the others routed
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("field `needs`"),
        "{}",
        text(&out.stderr)
    );
    let mut rd = csv::Reader::from_path(&output).unwrap();
    let header = rd.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    // the core, called directly on the same cases
    let router = Router::new(&pilot::rules());
    let mut expected = Vec::new();
    for c in pilot::cases() {
        let d = router
            .route_with(&c, c.opened().unwrap(), RouteOptions::FAST)
            .unwrap();
        for r in d.rows() {
            expected.push((
                r.case.to_string(),
                r.need.to_string(),
                r.outcome.to_string(),
                r.service.unwrap_or("").to_string(),
                r.coordinator.unwrap_or("").to_string(),
            ));
        }
    }
    let got: Vec<_> = rows
        .iter()
        .filter(|r| &r[col("outcome")] != "error")
        .map(|r| {
            (
                r[col("case")].to_string(),
                r[col("need")].to_string(),
                r[col("outcome")].to_string(),
                r[col("service")].to_string(),
                r[col("coordinator")].to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected);
    let cases: BTreeSet<&str> = rows.iter().map(|r| &r[col("case")]).collect();
    assert_eq!(cases.len(), n + 1);
    let bad = rows.last().unwrap();
    assert_eq!(
        (
            &bad[col("case")],
            &bad[col("outcome")],
            &bad[col("error_kind")]
        ),
        ("broken", "error", "bad_input")
    );
    // JSON Lines: the same rows
    let jsonl = dir.join("decisions.jsonl");
    let out = dls(&["route", s(&pilot_folder()), s(&input), "-o", s(&jsonl)]);
    assert_eq!(out.status.code(), Some(1));
    let lines = std::fs::read_to_string(&jsonl).unwrap();
    assert_eq!(lines.lines().count(), rows.len());
    let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(first["case"], rows[0][col("case")]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn evaluate_on_the_pilots_events_counts_cases_as_the_raw_file_does() {
    let events = pilot_folder().join("events.csv");
    let dir = std::env::temp_dir().join(format!("dls-cli-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let output = dir.join("by-phase.csv");
    let out = dls(&[
        "evaluate",
        s(&events),
        "--directory",
        s(&pilot_folder()),
        "--by",
        "phase",
        "--disclosure",
        "raw",
        "-o",
        s(&output),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // independent count: distinct case ids per phase of the `opened` rows, read here
    let mut rd = csv::Reader::from_path(&events).unwrap();
    let h = rd.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|x| x == n).unwrap();
    let mut per_phase: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in rd.records().map(Result::unwrap) {
        if &r[at("activity")] == "opened" {
            per_phase
                .entry(r[at("phase")].to_string())
                .or_default()
                .insert(r[at("case_id")].to_string());
        }
    }
    let mut rd = csv::Reader::from_path(&output).unwrap();
    let h = rd.headers().unwrap().clone();
    assert_eq!(&h[0], "phase");
    let cases = h.iter().position(|x| x == "cases").unwrap();
    // a raw table says so in every row, in its last column
    assert_eq!(h.iter().next_back(), Some("disclosure"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| r.iter().next_back() == Some("raw")));
    let got: BTreeMap<String, usize> = rows
        .iter()
        .map(|r| (r[0].to_string(), r[cases].parse().unwrap()))
        .collect();
    let want: BTreeMap<String, usize> = per_phase.into_iter().map(|(k, v)| (k, v.len())).collect();
    assert_eq!(got, want);
    // published by kern and month: small cells are suppressed, figures left empty
    let out = dls(&["evaluate", s(&events), "--by", "kern,month"]);
    assert_eq!(out.status.code(), Some(0));
    let mut rd = csv::Reader::from_reader(out.stdout.as_slice());
    let h = rd.headers().unwrap().clone();
    assert_eq!((&h[0], &h[1], &h[2]), ("kern", "month", "suppressed"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert!(rows.iter().any(|r| !r[2].is_empty() && r[3].is_empty()));
    assert_eq!(h.iter().next_back(), Some("disclosure"));
    assert!(rows.iter().all(|r| r.iter().next_back() == Some("publish")));
    std::fs::remove_dir_all(&dir).ok();
}
