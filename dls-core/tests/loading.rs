//! Loading: TOML and JSON agree, every public type round-trips through serde, and bad input
//! gives a typed error — never a panic.

use dls_core::cases::Case;
use dls_core::coverage::{self, CoverageOptions};
use dls_core::events::Event;
use dls_core::{
    pilot, Directory, DirectoryData, Format, LoadError, ParseError, RuleSet, RuleSetData,
};

const RULES_TOML: &str = r#"
capacity = "skip_full"

[[steunpilaar]]
area = "GM0394"
service = "slp-haarlemmermeer"

[[rule]]
id = "gm-schulden"
needs = ["sociale_zaken.schulden.*"]
area = "GM0394"
when = { age = { min = 18 }, income_pct = { max = 120 }, signals = { any = ["rent_arrears"] } }
target = "service:schuldhulp"
priority = 10
valid = { from = "2026-01-01", until = "2026-12-31" }

[[rule]]
id = "kern-bhd"
needs = ["sociale_zaken.schulden.hulp"]
area = "kern:badhoevedorp"
target = "not_covered"
replaces = ["gm-schulden"]

[[switch_off]]
id = "off-hfd"
rules = ["gm-schulden"]
area = "kern:hoofddorp"
valid = { from = "2026-06-01" }
"#;

const RULES_JSON: &str = r#"{
  "capacity": "skip_full",
  "steunpilaar": [{ "area": "GM0394", "service": "slp-haarlemmermeer" }],
  "rule": [
    {
      "id": "gm-schulden",
      "needs": ["sociale_zaken.schulden.*"],
      "area": "GM0394",
      "when": {
        "age": { "min": 18 },
        "income_pct": { "max": 120 },
        "signals": { "any": ["rent_arrears"] }
      },
      "target": "service:schuldhulp",
      "priority": 10,
      "valid": { "from": "2026-01-01", "until": "2026-12-31" }
    },
    {
      "id": "kern-bhd",
      "needs": ["sociale_zaken.schulden.hulp"],
      "area": "kern:badhoevedorp",
      "target": "not_covered",
      "replaces": ["gm-schulden"]
    }
  ],
  "switch_off": [
    { "id": "off-hfd", "rules": ["gm-schulden"], "area": "kern:hoofddorp", "valid": { "from": "2026-06-01" } }
  ]
}"#;

#[test]
fn toml_and_json_of_the_same_rule_set_load_to_equal_models() {
    let t = RuleSetData::parse(RULES_TOML, Format::Toml, "r.toml").unwrap();
    let j = RuleSetData::parse(RULES_JSON, Format::Json, "r.json").unwrap();
    assert_eq!(t, j);
    let dir = pilot::directory();
    let (rt, rj) = (
        RuleSet::new(&dir, t).unwrap(),
        RuleSet::new(&dir, j).unwrap(),
    );
    assert_eq!(
        rt.in_routing_order().collect::<Vec<_>>(),
        rj.in_routing_order().collect::<Vec<_>>()
    );
}

#[test]
fn the_pilot_round_trips_through_json() {
    let d = pilot::directory_data();
    let text = serde_json::to_string(&d).unwrap();
    assert_eq!(
        DirectoryData::parse(&text, Format::Json, "d.json").unwrap(),
        d
    );
    let r = pilot::rules_data();
    let text = serde_json::to_string(&r).unwrap();
    assert_eq!(
        RuleSetData::parse(&text, Format::Json, "r.json").unwrap(),
        r
    );
    // validated types serialise as their data
    let dir = pilot::directory();
    let back: Directory = serde_json::from_str(&serde_json::to_string(&dir).unwrap()).unwrap();
    assert_eq!(back, dir);
    let rules = pilot::rules();
    assert_eq!(
        serde_json::to_value(&rules).unwrap(),
        serde_json::to_value(rules.data()).unwrap()
    );
    // and through TOML too
    let toml_text = toml::to_string(&d).unwrap();
    assert_eq!(
        DirectoryData::parse(&toml_text, Format::Toml, "d.toml").unwrap(),
        d
    );
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug>(
    v: &T,
) {
    let text = serde_json::to_string(v).unwrap();
    let back: T = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, v, "{text}");
}

#[test]
fn public_types_round_trip_through_serde() {
    for c in pilot::cases() {
        round_trip(&c);
        round_trip(c.data());
    }
    let e: Event = serde_json::from_str(
        r#"{"case":"c1","at":"2026-03-02T09:00:00+01:00","activity":"rejected","organisation":"o","service":"s","kern":"hoofddorp","need":"zorg.wmo","reason":"not_eligible"}"#,
    )
    .unwrap();
    round_trip(&e);
    let report = coverage::analyse(
        &pilot::rules(),
        &CoverageOptions::on("2026-06-01".parse().unwrap()),
    );
    round_trip(&report);
    let problems = RuleSet::new(
        &pilot::directory(),
        RuleSetData::parse(
            RULES_TOML.replace("schuldhulp\"", "ghost\"").as_str(),
            Format::Toml,
            "x.toml",
        )
        .unwrap(),
    )
    .unwrap_err();
    round_trip(&problems);
    let d = pilot::directory_data();
    round_trip(&d.services[0]);
    round_trip(&d.kernen[0]);
    round_trip(&d.regions[0]);
    round_trip(&d.needs[1]);
    round_trip(&d.organisations[0]);
    let r = pilot::rules_data();
    round_trip(&r.rules[0]);
    round_trip(&r.steunpilaar[0]);
    round_trip(
        &RuleSetData::parse(RULES_TOML, Format::Toml, "r.toml")
            .unwrap()
            .switch_off[0],
    );
    for a in [
        "national",
        "region:zuid-kennemerland",
        "GM0394",
        "kern:hoofddorp",
    ] {
        round_trip(&a.parse::<dls_core::AreaRef>().unwrap());
    }
    for t in ["service:a", "steunpilaar", "escalation:b", "not_covered"] {
        round_trip(&t.parse::<dls_core::Target>().unwrap());
    }
}

fn parse_error(text: &str, format: Format) -> ParseError {
    match RuleSetData::parse(text, format, "input") {
        Err(e) => e,
        other => panic!("expected a parse error, got {other:?}"),
    }
}

#[test]
fn malformed_input_gives_typed_errors() {
    // malformed syntax
    assert!(matches!(
        parse_error("[[rule]\nid = ", Format::Toml),
        ParseError::Syntax { line: 1, .. }
    ));
    assert!(matches!(
        parse_error("{\"rule\": [", Format::Json),
        ParseError::Syntax { .. }
    ));
    // wrong types
    let e = parse_error(
        "[[rule]]\nid = 5\nneeds = []\narea = \"GM0394\"\ntarget = \"not_covered\"\n",
        Format::Toml,
    );
    assert!(matches!(e, ParseError::Syntax { line: 2, .. }), "{e:?}");
    let e = parse_error(
        r#"{"rule": [{"id": "x", "needs": "zorg", "area": "GM0394", "target": "not_covered"}]}"#,
        Format::Json,
    );
    assert!(e.to_string().contains("invalid type"), "{e}");
    // unknown fields
    let e = parse_error("[[rule]]\nid = \"x\"\nneeds = []\narea = \"GM0394\"\ntarget = \"not_covered\"\npriorty = 3\n", Format::Toml);
    assert!(e.to_string().contains("priorty"), "{e}");
    let e = parse_error(r#"{"rules": []}"#, Format::Json);
    assert!(e.to_string().contains("unknown field `rules`"), "{e}");
    // malformed ids and areas say which
    let e = parse_error(
        "[[rule]]\nid = \"x y\"\nneeds = []\narea = \"GM0394\"\ntarget = \"not_covered\"\n",
        Format::Toml,
    );
    assert!(e.to_string().contains("invalid rule id"), "{e}");
    let e = parse_error(
        "[[rule]]\nid = \"x\"\nneeds = []\narea = \"Haarlemmermeer\"\ntarget = \"not_covered\"\n",
        Format::Toml,
    );
    assert!(e.to_string().contains("invalid area"), "{e}");
    // empty
    assert!(matches!(
        parse_error("", Format::Toml),
        ParseError::Empty { .. }
    ));
    assert!(matches!(
        parse_error(" \n\t", Format::Json),
        ParseError::Empty { .. }
    ));
}

#[test]
fn garbage_and_deep_nesting_never_panic() {
    // 10 MB of pseudo-random bytes folded to text
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let garbage: String = (0..10 * 1024 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b' ' + (x % 95) as u8)
        })
        .collect();
    for f in [Format::Toml, Format::Json] {
        assert!(matches!(
            parse_error(&garbage, f),
            ParseError::Syntax { .. } | ParseError::TooDeep { .. }
        ));
        assert!(matches!(
            DirectoryData::parse(&garbage, f, "g"),
            Err(ParseError::Syntax { .. } | ParseError::TooDeep { .. })
        ));
    }
    let deep_json = format!("{{\"rule\": {}", "[".repeat(100_000));
    assert!(matches!(
        parse_error(&deep_json, Format::Json),
        ParseError::TooDeep { .. }
    ));
    let deep_toml = format!("x = {}", "[".repeat(100_000));
    assert!(matches!(
        parse_error(&deep_toml, Format::Toml),
        ParseError::Syntax { .. }
    ));
    let deep_inline = format!("x = {}", "{a = ".repeat(50_000));
    assert!(matches!(
        parse_error(&deep_inline, Format::Toml),
        ParseError::Syntax { .. }
    ));
    // cases too
    assert!(serde_json::from_str::<Vec<Case>>(&"[".repeat(100_000)).is_err());
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let big = " ".repeat(dls_core::source::MAX_INPUT_BYTES + 1);
    assert!(matches!(
        parse_error(&big, Format::Json),
        ParseError::TooLarge { .. }
    ));
}

#[test]
fn files_are_read_by_extension() {
    let dir = std::env::temp_dir().join(format!("dls-loading-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let t = dir.join("rules.toml");
    std::fs::write(&t, RULES_TOML).unwrap();
    let j = dir.join("rules.json");
    std::fs::write(&j, RULES_JSON).unwrap();
    let d = pilot::directory();
    let a = RuleSet::from_files(&d, &[&t]).unwrap();
    let b = RuleSet::from_files(&d, &[&j]).unwrap();
    assert_eq!(a.data().rules, b.data().rules);
    assert_eq!(
        a.in_routing_order().collect::<Vec<_>>(),
        b.in_routing_order().collect::<Vec<_>>()
    );
    let bad = dir.join("rules.yaml");
    std::fs::write(&bad, "x").unwrap();
    assert!(matches!(
        RuleSet::from_files(&d, &[&bad]),
        Err(LoadError::Parse(ParseError::UnknownFormat { .. }))
    ));
    assert!(matches!(
        RuleSet::from_files(&d, &[dir.join("missing.toml")]),
        Err(LoadError::Parse(ParseError::NotFound { .. }))
    ));
    std::fs::write(&t, [0xff, 0xfe, 0x00]).unwrap();
    assert!(matches!(
        RuleSet::from_files(&d, &[&t]),
        Err(LoadError::Parse(ParseError::Syntax { .. }))
    ));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_service_declared_in_two_files_names_both() {
    let mut data = pilot::directory_data();
    let again = DirectoryData::parse(
        "[[service]]\nid = \"wmo-loket\"\norganisation = \"gem-haarlemmermeer\"\nname = \"Tweede loket\"\nneeds = [\"zorg.wmo.huishouden\"]\nareas = [\"GM0394\"]\n",
        Format::Toml,
        "extra/directory.toml",
    )
    .unwrap();
    data.merge(again);
    let e = Directory::new(data).unwrap_err();
    let p = e
        .of_kind(dls_core::ProblemKind::DuplicateId)
        .next()
        .unwrap_or_else(|| panic!("{e}"));
    assert_eq!(
        p.to_string(),
        "error: `haarlemmermeer/directory.toml`, service `wmo-loket`, field `id`: service `wmo-loket` is declared twice, again in `extra/directory.toml`"
    );
    // twice in one file: that file, once
    let text = "[[organisation]]\nid = \"o\"\nname = \"O\"\nkind = \"welfare\"\n[[service]]\nid = \"s\"\norganisation = \"o\"\nname = \"S\"\nneeds = [\"zorg.wmo.huishouden\"]\nareas = [\"GM0394\"]\n";
    let mut data = pilot::directory_data();
    data.organisations.clear();
    data.services.clear();
    data.merge(
        DirectoryData::parse(
            &format!("{text}{}", &text[text.find("[[service]]").unwrap()..]),
            Format::Toml,
            "one.toml",
        )
        .unwrap(),
    );
    let e = Directory::new(data).unwrap_err();
    let p = e
        .of_kind(dls_core::ProblemKind::DuplicateId)
        .next()
        .unwrap();
    assert!(
        p.to_string().ends_with("service `s` is declared twice"),
        "{p}"
    );
    assert!(p.to_string().contains("`one.toml`"), "{p}");
}
