//! The `dls` binary reads what the Python and JVM bindings read (issues 11 and 12): a CSV of
//! cases with one column per attribute the directory declares (the shared vocabulary world of
//! tests/fixtures/vocabulary/, routed as its expected.json says), an undeclared column refused
//! with the closest name, bad cells refused in their own row with its line; and
//! `dls evaluate --by` with the extra dimensions a mapping keeps, counted here independently
//! from the raw rows.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dls-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn world() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/vocabulary")
}

/// A folder with the vocabulary world's directory and rules, as `dls route` reads a folder.
fn world_folder(name: &str) -> PathBuf {
    let dir = fresh(name);
    std::fs::copy(world().join("directory.toml"), dir.join("directory.toml")).unwrap();
    std::fs::copy(
        world().join("rules.toml"),
        dir.join("rules-municipality.toml"),
    )
    .unwrap();
    dir
}

/// The declared attribute columns of the CSV, in order, with the national `urgency`.
const ATTRIBUTES: &[&str] = &[
    "urgency",
    "has_wlz_indication",
    "language",
    "debts",
    "needs_help_with",
];

/// One CSV cell for a JSON attribute value: a word, true/false, a number, flags `;`-joined.
fn cell(v: Option<&serde_json::Value>) -> String {
    match v {
        None => String::new(),
        Some(serde_json::Value::String(w)) => w.clone(),
        Some(serde_json::Value::Array(ws)) => ws
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(";"),
        Some(other) => other.to_string(),
    }
}

/// Decisions by case: `(outcome, service, error)` of the primary need.
fn decisions(path: &Path) -> BTreeMap<String, (String, String, String)> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    let h = rd.headers().unwrap().clone();
    let at = |n: &str| h.iter().position(|x| x == n).unwrap();
    rd.records()
        .map(Result::unwrap)
        .filter(|r| &r[at("primary")] != "false" || &r[at("outcome")] == "error")
        .map(|r| {
            (
                r[at("case")].to_string(),
                (
                    r[at("outcome")].to_string(),
                    r[at("service")].to_string(),
                    r[at("error")].to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn route_reads_declared_attribute_columns_as_the_shared_world_says() {
    let dir = world_folder("declared-route");
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(world().join("expected.json")).unwrap())
            .unwrap();
    let date = expected["date"].as_str().unwrap();
    let routes = expected["routes"].as_array().unwrap();
    let mut csv = String::from("id,kern,needs,opened");
    for a in ATTRIBUTES {
        csv += &format!(",{a}");
    }
    csv.push('\n');
    for (i, r) in routes.iter().enumerate() {
        csv += &format!("c-{i},dorp,zorg.advies,{date}");
        for a in ATTRIBUTES {
            let v = cell(r["attributes"].get(*a));
            // a cell with `;` is quoted as a CSV writer would
            csv += &format!(",\"{v}\"");
        }
        csv.push('\n');
    }
    // bad rows, each refused in its own row with its line; the value never repeated
    let bad = [
        (
            "bad-bool",
            "has_wlz_indication",
            "maybe",
            "`has_wlz_indication` takes",
        ),
        ("bad-int", "debts", "12x", "`debts` takes"),
        (
            "bad-range",
            "debts",
            "51",
            "`debts`: a value lies outside 0 to 50",
        ),
        (
            "bad-word",
            "language",
            "klingon",
            "`language`: unknown value",
        ),
        (
            "bad-flag",
            "needs_help_with",
            "forms;fax",
            "`needs_help_with`: unknown value",
        ),
        ("bad-urgency", "urgency", "acuute", "did you mean `acute`"),
    ];
    for (id, column, value, _) in &bad {
        csv += &format!("{id},dorp,zorg.advies,{date}");
        for a in ATTRIBUTES {
            csv += &format!(",\"{}\"", if a == column { value } else { &"" });
        }
        csv.push('\n');
    }
    let input = dir.join("cases.csv");
    std::fs::write(&input, &csv).unwrap();
    let output = dir.join("decisions.csv");
    let out = dls(&["route", s(&dir), s(&input), "-o", s(&output)]);
    // bad rows: exit 1, the good ones routed all the same
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let got = decisions(&output);
    for (i, r) in routes.iter().enumerate() {
        let (outcome, service, error) = &got[&format!("c-{i}")];
        assert_eq!(
            (outcome.as_str(), service.as_str(), error.as_str()),
            ("service", r["service"].as_str().unwrap(), ""),
            "{r}"
        );
    }
    let stderr = text(&out.stderr);
    for (k, (id, _, value, message)) in bad.iter().enumerate() {
        let (outcome, _, error) = &got[*id];
        assert_eq!(outcome, "error");
        // header line 1, the good rows, then the bad ones in order
        let line = routes.len() + 2 + k;
        assert!(error.starts_with(&format!("line {line}: ")), "{error}");
        assert!(error.contains(message), "{error}");
        assert!(!error.contains(value), "{error}");
        assert!(!stderr.contains(value), "{stderr}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn route_refuses_an_undeclared_column_with_the_closest_name() {
    let dir = world_folder("declared-unknown");
    let input = dir.join("cases.csv");
    std::fs::write(&input, "id,kern,needs,langauge\nc-1,dorp,zorg.advies,ar\n").unwrap();
    let output = dir.join("decisions.csv");
    let out = dls(&["route", s(&dir), s(&input), "-o", s(&output)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "column `langauge` is neither a case column nor a declared attribute; did you mean `language`"
        ),
        "{stderr}"
    );
    assert!(!output.exists(), "nothing routed with a column left out");
    // a column the national vocabulary lacks is refused by the pilot's folder too
    let pilot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../dls-core/data/haarlemmermeer");
    std::fs::write(
        &input,
        "id,kern,needs,language\nc-1,hoofddorp,zorg.wmo.huishouden,nl\n",
    )
    .unwrap();
    let out = dls(&["route", s(&pilot), s(&input), "-o", s(&output)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("column `language` is neither a case column"),
        "{}",
        text(&out.stderr)
    );
    // a missing required column is named
    std::fs::write(&input, "id,needs\nc-1,zorg.advies\n").unwrap();
    let out = dls(&["route", s(&dir), s(&input), "-o", s(&output)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the column `kern` is missing"),
        "{}",
        text(&out.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A small deterministic generator (xorshift), so the log is not one we shaped by hand.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn evaluate_groups_by_an_extra_dimension_the_mapping_keeps() {
    let dir = fresh("declared-by");
    let channels = ["telefoon", "loket", "web"];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    // (case, second, channel) of every row, in a shuffled order
    let mut rows: Vec<(usize, u64, &str, Option<&str>)> = Vec::new();
    for c in 0..120 {
        let start = 1_000 + c as u64 * 10_000;
        let acts = ["opened", "first_contact", "referred", "accepted"];
        for (k, act) in acts.iter().enumerate() {
            let channel = (rng.below(3) == 0).then(|| channels[rng.below(3) as usize]);
            rows.push((c, start + k as u64 * 3_600, act, channel));
        }
    }
    for i in (1..rows.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        rows.swap(i, j);
    }
    // independently: a case's channel is the one of its earliest event that states one
    let mut first: BTreeMap<usize, (u64, &str)> = BTreeMap::new();
    for &(c, t, _, ch) in &rows {
        if let Some(ch) = ch {
            let e = first.entry(c).or_insert((t, ch));
            if (t, ch) < *e {
                *e = (t, ch);
            }
        }
    }
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for c in 0..120 {
        let key = first.get(&c).map_or("", |(_, ch)| ch).to_string();
        *want.entry(key).or_default() += 1;
    }
    assert!(want.len() == 4, "every channel and none: {want:?}");
    let mut csv = String::from("case_id,timestamp,activity,organisation,kern,need,channel\n");
    for (c, t, act, ch) in &rows {
        let ts = chrono::DateTime::from_timestamp(1_767_225_600 + *t as i64, 0).unwrap();
        let org = if *act == "opened" { "" } else { "wijkteam" };
        let (kern, need) = if *act == "opened" {
            ("hoofddorp", "zorg.wmo")
        } else {
            ("", "")
        };
        csv += &format!(
            "case-{c:03},{},{act},{org},{kern},{need},{}\n",
            ts.to_rfc3339(),
            ch.unwrap_or("")
        );
    }
    let events = dir.join("events.csv");
    std::fs::write(&events, csv).unwrap();
    let mapping = dir.join("mapping.toml");
    std::fs::write(&mapping, "dimensions = [\"channel\"]\n").unwrap();
    let output = dir.join("by-channel.csv");
    let out = dls(&[
        "evaluate",
        s(&events),
        "--mapping",
        s(&mapping),
        "--by",
        "channel",
        "--disclosure",
        "raw",
        "-o",
        s(&output),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut rd = csv::Reader::from_path(&output).unwrap();
    let h = rd.headers().unwrap().clone();
    assert_eq!(&h[0], "channel");
    let cases = h.iter().position(|x| x == "cases").unwrap();
    let got: BTreeMap<String, u64> = rd
        .records()
        .map(Result::unwrap)
        .map(|r| (r[0].to_string(), r[cases].parse().unwrap()))
        .collect();
    assert_eq!(got, want);
    // with a built-in one beside it
    let out = dls(&[
        "evaluate",
        s(&events),
        "--mapping",
        s(&mapping),
        "--by",
        "kern,channel",
        "--disclosure",
        "raw",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut rd = csv::Reader::from_reader(out.stdout.as_slice());
    let h = rd.headers().unwrap().clone();
    assert_eq!((&h[0], &h[1]), ("kern", "channel"));
    assert_eq!(rd.records().count(), want.len());
    // an unknown name: exit 1, the dimensions there are listed (the mapping's extra included)
    let out = dls(&[
        "evaluate",
        s(&events),
        "--mapping",
        s(&mapping),
        "--by",
        "chanel",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("kern") && stderr.contains("channel"),
        "{stderr}"
    );
    // without the mapping the column is not a dimension
    let out = dls(&["evaluate", s(&events), "--by", "channel"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    std::fs::remove_dir_all(&dir).ok();
}
