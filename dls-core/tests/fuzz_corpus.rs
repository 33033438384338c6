//! Replays the fuzz corpus on stable (issue 13): every file of `fuzz/corpus/TARGET/` and of
//! `fuzz/regressions/TARGET/` (the reproducers of crashes found, each kept after its fix) goes
//! through the same entry function as the fuzz target `TARGET` (`fuzz/entries.rs`). None may
//! panic; a refused input is a typed error whose message reads like every other (one line,
//! lowercase start, no final period).
//!
//! The seed corpus is made from the fixtures and the embedded pilot:
//! `DLS_UPDATE_FUZZ_SEEDS=1 cargo test -p dls-core --test fuzz_corpus` rewrites it.

use std::fs;
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../../fuzz/entries.rs"]
mod entries;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| {
        p.is_file()
            && p.file_name()
                .is_some_and(|n| n != ".gitkeep" && n != "README.md")
    });
    out.sort();
    out
}

/// The seed inputs of each target, from the fixtures and the pilot.
fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    use dls_core::evaluation::{self, Dim, EvalOptions};
    let fixture = |p: &str| fs::read(root().join("tests/fixtures").join(p)).unwrap();
    let mut out: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    let mut add = |t: &'static str, name: &str, data: Vec<u8>| out.push((t, name.into(), data));
    for f in ["mini/mini-directory.toml", "edge/directory.toml"] {
        add("directory_toml", &f.replace('/', "-"), fixture(f));
    }
    for (name, text) in dls_core::pilot::DIRECTORY_SOURCES {
        add(
            "directory_toml",
            &name.replace('/', "-"),
            text.as_bytes().to_vec(),
        );
    }
    let pilot_dir = serde_json::to_vec(&dls_core::pilot::directory_data()).unwrap();
    add("directory_json", "pilot.json", pilot_dir);
    let mini = dls_core::Directory::from_str(
        std::str::from_utf8(&fixture("mini/mini-directory.toml")).unwrap(),
        dls_core::Format::Toml,
        "mini",
    )
    .unwrap();
    add(
        "directory_json",
        "mini.json",
        serde_json::to_vec(&mini.to_data()).unwrap(),
    );
    for f in [
        "mini/mini-rules.toml",
        "mini/bad-rules.toml",
        "edge/rules.toml",
    ] {
        add("rules_toml", &f.replace('/', "-"), fixture(f));
    }
    for (name, text) in dls_core::pilot::RULE_SOURCES {
        add(
            "rules_toml",
            &name.replace('/', "-"),
            text.as_bytes().to_vec(),
        );
    }
    let pilot_rules = serde_json::to_vec(&dls_core::pilot::rules_data()).unwrap();
    add("rules_json", "pilot.json", pilot_rules);
    let small = fixture("events/small.csv");
    add("events_csv", "small.csv", small.clone());
    let head: String = dls_core::pilot::EVENTS_CSV
        .lines()
        .take(80)
        .map(|l| format!("{l}\n"))
        .collect();
    add("events_csv", "pilot-head.csv", head.clone().into_bytes());
    add(
        "events_csv",
        "stray-quote.csv",
        head.replacen(",opened,", ",\"opened,", 1).into_bytes(),
    );
    // The same rows as JSON lines.
    let mut lines = head.lines();
    let columns: Vec<&str> = lines.next().unwrap().split(',').collect();
    let jsonl: String = lines
        .map(|l| {
            let obj: serde_json::Map<String, serde_json::Value> = columns
                .iter()
                .zip(l.split(','))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), serde_json::Value::from(v)))
                .collect();
            format!("{}\n", serde_json::Value::Object(obj))
        })
        .collect();
    add("events_jsonl", "pilot-head.jsonl", jsonl.into_bytes());
    let cases: Vec<serde_json::Value> = serde_json::from_str(dls_core::pilot::CASES_JSON).unwrap();
    for (i, c) in cases.iter().take(8).enumerate() {
        add(
            "case_json",
            &format!("pilot-{i}.json"),
            serde_json::to_vec_pretty(c).unwrap(),
        );
    }
    add(
        "case_row",
        "rows.txt",
        b"c1|hoofddorp|zorg.wmo.huishoudelijke_hulp|80|single|urgent|wmo|rent_arrears|120|2026-03-01|svc:rejected|y\n\
          c2|nieuw-vennep|zorg;zorg.jeugd|12|family|normal|jeugdwet||||\n\
          c3|atlantis|zorg.wmo|131|||||70000|2026-02-30|x:maybe|n\n"
            .to_vec(),
    );
    let state = |csv: &str, group_by: Vec<Dim>| {
        let ing = evaluation::ingest_csv_str(csv).unwrap();
        let opts = EvalOptions {
            group_by,
            ..EvalOptions::default()
        };
        evaluation::evaluate(&ing.log, &opts).state.to_json()
    };
    add(
        "state",
        "small-by-kern.json",
        state(std::str::from_utf8(&small).unwrap(), vec![Dim::Kern]),
    );
    add(
        "state",
        "pilot-head-by-phase-month.json",
        state(&head, vec![Dim::Phase, Dim::Month]),
    );
    add_later_parsers(&mut out);
    out
}

/// Seeds of the parsers that came after the first fuzz targets: HSDS (the specification's own
/// examples, `../shared/data/hsds-3.0/examples/`, and the pilot's export), the tabular
/// directory, XES, Parquet and the log mapping.
fn add_later_parsers(out: &mut Vec<(&'static str, String, Vec<u8>)>) {
    let mut add = |t: &'static str, name: &str, data: Vec<u8>| out.push((t, name.into(), data));
    let examples = root().join("../shared/data/hsds-3.0/examples");
    assert!(
        examples.is_dir(),
        "HSDS reference data missing at {}",
        examples.display()
    );
    for path in files(&examples) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        add("hsds", &format!("spec-{name}"), fs::read(&path).unwrap());
    }
    let pilot_export = dls_core::hsds::export_json(&dls_core::pilot::directory());
    add("hsds", "pilot-export.json", pilot_export.into_bytes());
    // The tabular package, every table of the specification's example as one section.
    let mut package = Vec::new();
    for path in files(&examples.join("csv")) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".csv") {
            package.extend(format!("== {name}\n").into_bytes());
            package.extend(fs::read(&path).unwrap());
        }
    }
    add("hsds_tables", "spec-csv.txt", package);
    let orgs =
        "id,name,kind\nwelzijn,Welzijn Haarlemmermeer,welfare\nggd,GGD Kennemerland,health\n";
    let services = "\
id,organisation,name,needs,areas,age_min,age_max,household,urgency,valid_from,valid_until,open_places,channels
ouderen,welzijn,Ouderenadviseur,zorg.wmo.*;zorg.eenzaamheid,kern:hoofddorp;kern:nieuw-vennep;kern:badhoevedorp,65,,,,,,,phone:023-1234567
jongeren,welzijn,Jongerenloket,zorg.ggz.basis,GM0394,18,27,single;single_parent,urgent;crisis,2026-01-01,2026-12-31,4,web:https://example.invalid/jong;email:jong@example.invalid
school,ggd,Schoolmaatschappelijk werk,jeugd.opvoedondersteuning,GM0394,4,11,,,,,,
";
    add(
        "tabular",
        "three-services.txt",
        format!("{services}== organisations.csv\n{orgs}").into_bytes(),
    );
    let logs = root().join("tests/fixtures/logs");
    add(
        "events_xes",
        "municipal-pm4py.xes",
        fs::read(logs.join("municipal-pm4py.xes")).unwrap(),
    );
    add(
        "log_mapping",
        "municipal-pm4py.toml",
        fs::read(logs.join("municipal-pm4py.toml")).unwrap(),
    );
    add(
        "log_mapping",
        "columns.toml",
        b"preset = \"dls\"\nunmapped_activities = \"reject\"\n[columns]\ncase_id = \"case:concept:name\"\ntimestamp = \"time:timestamp\"\nactivity = \"concept:name\"\n".to_vec(),
    );
    for (name, rows, compression) in [
        ("pilot-head-zstd.parquet", 7, true),
        ("pilot-head-plain.parquet", 1000, false),
    ] {
        add("events_parquet", name, pilot_parquet(rows, compression));
    }
}

/// The first 80 lines of the pilot's event log as Parquet, every column text, in row groups of
/// `rows` rows.
fn pilot_parquet(rows: usize, zstd: bool) -> Vec<u8> {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, RecordBatch, StringArray};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;

    let mut lines = dls_core::pilot::EVENTS_CSV.lines().take(80);
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let table: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let cols: Vec<(String, ArrayRef)> = header
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let a: ArrayRef = Arc::new(
                table
                    .iter()
                    .map(|r| r.get(k).copied().filter(|s| !s.is_empty()))
                    .collect::<StringArray>(),
            );
            (name.to_string(), a)
        })
        .collect();
    let batch = RecordBatch::try_from_iter(cols).unwrap();
    let compression = if zstd {
        Compression::ZSTD(ZstdLevel::default())
    } else {
        Compression::UNCOMPRESSED
    };
    let props = WriterProperties::builder()
        .set_compression(compression)
        .set_max_row_group_row_count(Some(rows))
        .build();
    let mut out = Vec::new();
    let mut w = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    out
}

#[test]
fn every_corpus_file_and_reproducer_replays_without_a_panic() {
    let fuzz = root().join("fuzz");
    if std::env::var_os("DLS_UPDATE_FUZZ_SEEDS").is_some() {
        for (target, name, data) in seeds() {
            let dir = fuzz.join("corpus").join(target);
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join(name), data).unwrap();
        }
    }
    let mut replayed = 0;
    for &(target, entry) in entries::TARGETS {
        let mut inputs = files(&fuzz.join("corpus").join(target));
        assert!(!inputs.is_empty(), "no seed corpus for `{target}`");
        let seeds = inputs.len();
        inputs.extend(files(&fuzz.join("regressions").join(target)));
        let mut accepted = 0;
        for (k, path) in inputs.into_iter().enumerate() {
            let data = fs::read(&path).unwrap();
            let name = path.display().to_string();
            let outcome = std::panic::catch_unwind(|| entry(&data));
            let message = outcome.unwrap_or_else(|_| panic!("{target}: `{name}` panics"));
            if message.is_none() && k < seeds {
                accepted += 1;
            }
            if let Some(m) = message {
                assert!(
                    !m.is_empty()
                        && !m.contains('\n')
                        && !m.ends_with('.')
                        && !m.starts_with(|c: char| c.is_uppercase()),
                    "{target}: `{name}` gives the message {m:?}"
                );
            }
            replayed += 1;
        }
        // The fuzzer starts past the parser: some seed goes on into what follows (the one
        // seed of `case_row` mixes good and bad rows, and a batch reports its first refusal).
        assert!(
            accepted > 0 || target == "case_row",
            "{target}: no seed is accepted"
        );
    }
    assert!(replayed >= 25, "{replayed} inputs replayed");
}
