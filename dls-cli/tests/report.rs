//! `dls report` on the embedded pilot's folder, as a user runs it from a fresh checkout.

use std::path::{Path, PathBuf};
use std::process::Command;

use dls_core::evaluation::{self, Dim, EvalOptions};
use dls_core::pilot;

fn pilot_folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../dls-core/data/haarlemmermeer")
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("dls-cli-report-{name}-{}", std::process::id()))
}

#[test]
fn report_on_the_pilot_writes_one_page_with_the_published_figures() {
    let out = tmp("pilot.html");
    let folder = pilot_folder();
    let run = Command::new(env!("CARGO_BIN_EXE_dls"))
        .args(["report", "--quiet"])
        .arg(folder.join("events.csv"))
        .arg("--directory")
        .arg(&folder)
        .args(["--date", "2026-06-01", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    // the phases' published case counts, computed here through the core
    let log = evaluation::ingest_csv_str(pilot::EVENTS_CSV).unwrap().log;
    let ev = evaluation::evaluate(
        &log,
        &EvalOptions {
            directory: Some(pilot::directory()),
            group_by: vec![Dim::Phase],
            ..EvalOptions::default()
        },
    );
    for r in &ev.summary.aggregates.rows {
        let f = r.figures.as_ref().unwrap();
        let cell = format!(
            "<th scope=\"row\">{}</th><td class=\"num\">{}</td>",
            r.key[0].as_deref().unwrap(),
            f.cases
        );
        assert!(html.contains(&cell), "no {cell}");
    }
    assert!(
        html.contains("id=\"coverage-table\""),
        "no gaps and overlaps"
    );
    assert!(html.contains("id=\"compare-table\""), "no comparison");
    let _ = std::fs::remove_file(&out);
}

#[test]
fn report_with_a_date_but_no_folder_is_a_usage_problem() {
    let out = tmp("nofolder.html");
    let run = Command::new(env!("CARGO_BIN_EXE_dls"))
        .args(["report", "--quiet"])
        .arg(pilot_folder().join("events.csv"))
        .args(["--date", "2026-06-01", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("`--directory`"));
    assert!(!out.exists());
}
