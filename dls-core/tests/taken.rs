//! Rules whose every case is taken by more specific layers (issue 11, the third unreachable
//! kind): warned about exactly when, in every kern of the rule's area, a switch-off, a
//! replacement, or a more specific rule that always decides (a deliberate gap, or the rule's
//! own target service) takes each case first. Checked on hand-made directories (each semantic
//! point routed to show what the warning claims), and on random small directories against a
//! naive reference router written here (a plain loop over every rule): a rule the analysis
//! calls unreachable is never picked on any generated case.

use chrono::NaiveDate;
use dls_core::areas::AreaRef;
use dls_core::conditions::ConditionMask;
use dls_core::routing::{RouteOptions, Router, RoutingError};
use dls_core::rules::{CapacityPolicy, Rule, Target};
use dls_core::validation::ProblemKind;
use dls_core::{Case, Directory, Format, KernId, Layer, RuleSet, RuleSetData, ServiceId};

// ------------------------------------------------------------------ hand-made directories

/// Two municipalities in one region: GM0001 with kernen `a1` and `a2`, GM0002 with `b1`.
/// `landelijk` serves the whole country by its own coverage.
const AREAS: &str = r#"
[[municipality]]
code = "GM0001"
name = "A"

[[municipality]]
code = "GM0002"
name = "B"

[[kern]]
id = "a1"
name = "A1"
municipality = "GM0001"

[[kern]]
id = "a2"
name = "A2"
municipality = "GM0001"

[[kern]]
id = "b1"
name = "B1"
municipality = "GM0002"

[[region]]
id = "r"
name = "R"
municipalities = ["GM0001", "GM0002"]

[[domain]]
code = "zorg"
label = "Zorg"

[[need]]
code = "zorg.a"
label = "A"

[[need]]
code = "zorg.a.x"
label = "AX"

[[need]]
code = "zorg.b"
label = "B"

[[organisation]]
id = "o"
name = "O"
kind = "welfare"

[[organisation]]
id = "p"
name = "P"
kind = "welfare"

[[service]]
id = "landelijk"
organisation = "o"
name = "Landelijk"
needs = ["zorg.a.*", "zorg.b"]
areas = ["national"]
priority = 0
"#;

fn directory(extra: &str) -> Directory {
    Directory::from_str(
        &format!("{AREAS}\n{extra}"),
        Format::Toml,
        "t/directory.toml",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn rules(dir: &Directory, text: &str) -> RuleSet {
    let data = if text.is_empty() {
        RuleSetData::default()
    } else {
        RuleSetData::parse(text, Format::Toml, "t/rules.toml").unwrap()
    };
    RuleSet::new(dir, data).unwrap_or_else(|e| panic!("{e}"))
}

/// The warnings of this kind that name `rule` as taken by more specific layers.
fn taken_warnings(set: &RuleSet, rule: &str) -> Vec<String> {
    set.warnings()
        .iter()
        .filter(|p| {
            p.kind == ProblemKind::Unreachable
                && p.message
                    .starts_with(&format!("rule `{rule}` can never decide: in every kern"))
        })
        .map(|p| p.to_string())
        .collect()
}

fn case(kern: &str, need: &str, attributes: &str, tried: &[&str]) -> Case {
    let situation = if tried.is_empty() {
        String::new()
    } else {
        let t: Vec<String> = tried
            .iter()
            .map(|s| format!(r#"{{"service":"{s}","outcome":"rejected"}}"#))
            .collect();
        format!(
            r#","situation":{{"kind":"cannot_get_through","tried":[{}]}}"#,
            t.join(",")
        )
    };
    let json = format!(
        r#"{{"id":"c","kern":"{kern}","needs":[{{"need":"{need}","primary":true}}],"attributes":{attributes}{situation}}}"#
    );
    Case::new(serde_json::from_str(&json).unwrap()).unwrap()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The rule that decided the (only) need of `c` on `d`.
fn decided_by(set: &RuleSet, c: &Case, d: NaiveDate) -> Option<String> {
    let r = Router::new(set);
    let dec = r.route_with(c, d, RouteOptions::FAST).unwrap();
    dec.needs[0].rule.as_ref().map(|r| r.to_string())
}

const SWITCH_A1: &str =
    "[[switch_off]]\nid = \"uit-a1\"\nrules = [\"coverage:landelijk\"]\narea = \"kern:a1\"\n\n";
const SWITCH_A2: &str =
    "[[switch_off]]\nid = \"uit-a2\"\nrules = [\"coverage:landelijk\"]\narea = \"kern:a2\"\n\n";
const SWITCH_B1: &str =
    "[[switch_off]]\nid = \"uit-b1\"\nrules = [\"coverage:landelijk\"]\narea = \"kern:b1\"\n\n";

#[test]
fn a_national_service_switched_off_in_every_kern_is_reported_with_a_kern_and_the_switch_off() {
    let dir = directory("");
    let set = rules(&dir, &format!("{SWITCH_A1}{SWITCH_A2}{SWITCH_B1}"));
    let w = taken_warnings(&set, "coverage:landelijk");
    assert_eq!(w.len(), 1, "{:?}", set.warnings());
    assert!(
        w[0].contains("in kern `a1`: switch-off `uit-a1`") && w[0].contains("t/directory.toml"),
        "{w:?}"
    );
    // and indeed: no case in any kern reaches it
    for k in ["a1", "a2", "b1"] {
        let c = case(k, "zorg.a.x", "{}", &[]);
        assert_eq!(decided_by(&set, &c, date("2026-05-01")), None);
    }
}

#[test]
fn an_explicit_national_rule_switched_off_at_the_municipality_and_kern_layers_is_reported() {
    let dir = directory("");
    let text = "[[rule]]\nid = \"nat\"\nneeds = [\"zorg.b\"]\narea = \"national\"\ntarget = \"service:landelijk\"\npriority = 5\n\n[[switch_off]]\nid = \"uit-gm1\"\nrules = [\"nat\"]\narea = \"GM0001\"\n\n[[switch_off]]\nid = \"uit-b1-nat\"\nrules = [\"nat\"]\narea = \"kern:b1\"\n";
    let set = rules(&dir, text);
    let w = taken_warnings(&set, "nat");
    assert_eq!(w.len(), 1, "{:?}", set.warnings());
    assert!(
        w[0].contains("t/rules.toml") && w[0].contains("switch-off `uit-gm1`"),
        "{w:?}"
    );
}

#[test]
fn one_kern_without_a_switch_off_keeps_the_national_service_reachable() {
    let dir = directory("");
    let set = rules(&dir, &format!("{SWITCH_A1}{SWITCH_B1}"));
    assert!(
        taken_warnings(&set, "coverage:landelijk").is_empty(),
        "{:?}",
        set.warnings()
    );
    let c = case("a2", "zorg.b", "{}", &[]);
    assert_eq!(
        decided_by(&set, &c, date("2026-05-01")).as_deref(),
        Some("coverage:landelijk")
    );
}

#[test]
fn a_switch_off_for_part_of_the_time_leaves_the_rest_and_two_periods_together_take_all() {
    let dir = directory("");
    let from = |id: &str, k: &str, valid: &str| {
        format!("[[switch_off]]\nid = \"{id}\"\nrules = [\"coverage:landelijk\"]\narea = \"kern:{k}\"\nvalid = {valid}\n\n")
    };
    let later = "{ from = \"2026-01-01\" }";
    let earlier = "{ until = \"2025-12-31\" }";
    let part = format!(
        "{}{}{}",
        from("x1", "a1", later),
        from("x2", "a2", later),
        from("x3", "b1", later)
    );
    let set = rules(&dir, &part);
    assert!(taken_warnings(&set, "coverage:landelijk").is_empty());
    let c = case("a1", "zorg.b", "{}", &[]);
    assert_eq!(
        decided_by(&set, &c, date("2025-06-01")).as_deref(),
        Some("coverage:landelijk")
    );
    let all = format!(
        "{part}{}{}{}",
        from("y1", "a1", earlier),
        from("y2", "a2", earlier),
        from("y3", "b1", earlier)
    );
    let set = rules(&dir, &all);
    assert_eq!(
        taken_warnings(&set, "coverage:landelijk").len(),
        1,
        "{:?}",
        set.warnings()
    );
}

#[test]
fn a_more_specific_service_with_an_age_limit_leaves_the_other_ages_to_the_national_one() {
    // youth services in every kern that do not even share the national service's target
    // cannot take its cases; deliberate gaps for ages 0-17 in every municipality leave 18+
    // and the unstated age
    let dir = directory(
        "[[service]]\nid = \"jeugd\"\norganisation = \"p\"\nname = \"J\"\nneeds = [\"zorg.b\"]\nareas = [\"GM0001\", \"GM0002\"]\npriority = 0\neligibility = { age = { max = 17 } }\n",
    );
    let gap = |id: &str, m: &str, when: &str| {
        format!("[[rule]]\nid = \"{id}\"\nneeds = [\"zorg.b\"]\narea = \"{m}\"\nwhen = {when}\ntarget = \"not_covered\"\n\n")
    };
    let young = format!(
        "{}{}",
        gap("g1", "GM0001", "{ age = { max = 17 } }"),
        gap("g2", "GM0002", "{ age = { max = 17 } }")
    );
    let nat = "[[rule]]\nid = \"nat\"\nneeds = [\"zorg.b\"]\narea = \"national\"\ntarget = \"service:landelijk\"\npriority = 5\n\n";
    let set = rules(&dir, &format!("{nat}{young}"));
    assert!(
        taken_warnings(&set, "nat").is_empty(),
        "{:?}",
        set.warnings()
    );
    let adult = case("b1", "zorg.b", r#"{"age":18}"#, &[]);
    assert_eq!(
        decided_by(&set, &adult, date("2026-05-01")).as_deref(),
        Some("nat")
    );
    // 18 and older too: only a case that states no age is left, and it reaches the rule
    let both = format!(
        "{nat}{young}{}{}",
        gap("h1", "GM0001", "{ age = { min = 18 } }"),
        gap("h2", "GM0002", "{ age = { min = 18 } }")
    );
    let set = rules(&dir, &both);
    assert!(
        taken_warnings(&set, "nat").is_empty(),
        "{:?}",
        set.warnings()
    );
    let unstated = case("a2", "zorg.b", "{}", &[]);
    assert_eq!(
        decided_by(&set, &unstated, date("2026-05-01")).as_deref(),
        Some("nat")
    );
    // a national rule for stated ages only is then taken everywhere, by the two gaps together
    let nat_aged = nat.replace("priority = 5", "priority = 5\nwhen = { age = { min = 0 } }");
    let set = rules(&dir, &both.replace(nat, &nat_aged));
    let w = taken_warnings(&set, "nat");
    assert_eq!(w.len(), 1, "{:?}", set.warnings());
    assert!(w[0].contains("kern `a1`: rule `g1`, rule `h1`"), "{w:?}");
}

#[test]
fn always_eligible_open_services_in_every_kern_leave_the_cases_that_tried_them() {
    // every kern has a service of its own for the need, open to everyone, unlimited: a case
    // that already tried it (and was turned away) still reaches the national service
    let dir = directory(
        "[[service]]\nid = \"lokaal\"\norganisation = \"p\"\nname = \"L\"\nneeds = [\"zorg.a.*\", \"zorg.b\"]\nareas = [\"kern:a1\", \"kern:a2\", \"kern:b1\"]\npriority = 0\n",
    );
    let set = rules(&dir, "");
    assert!(
        taken_warnings(&set, "coverage:landelijk").is_empty(),
        "{:?}",
        set.warnings()
    );
    let first = case("a1", "zorg.a", "{}", &[]);
    assert_eq!(
        decided_by(&set, &first, date("2026-05-01")).as_deref(),
        Some("coverage:lokaal")
    );
    let again = case("a1", "zorg.a", "{}", &["lokaal"]);
    assert_eq!(
        decided_by(&set, &again, date("2026-05-01")).as_deref(),
        Some("coverage:landelijk")
    );
}

#[test]
fn a_more_specific_rule_to_the_same_service_takes_every_case_unless_capacity_counts() {
    let rule = "[[rule]]\nid = \"regio\"\nneeds = [\"zorg.a.*\", \"zorg.b\"]\narea = \"region:r\"\ntarget = \"service:landelijk\"\npriority = 1\n\n";
    let dir = directory("");
    let set = rules(&dir, rule);
    let w = taken_warnings(&set, "coverage:landelijk");
    assert_eq!(w.len(), 1, "{:?}", set.warnings());
    assert!(w[0].contains("rule `regio`"), "{w:?}");
    // when the region's rule covers only part of the needs, the rest reaches the national one
    let set = rules(
        &dir,
        &rule.replace("[\"zorg.a.*\", \"zorg.b\"]", "[\"zorg.a.*\"]"),
    );
    assert!(taken_warnings(&set, "coverage:landelijk").is_empty());
    let c = case("b1", "zorg.b", "{}", &[]);
    assert_eq!(
        decided_by(&set, &c, date("2026-05-01")).as_deref(),
        Some("coverage:landelijk")
    );
    // with capacity counting, a place given back between the two checks of the service
    // (another case on another thread, against a live ledger where a host may set any
    // service's places) could let the national rule decide: no warning, limited or not
    let limited = AREAS.replace(
        "areas = [\"national\"]\npriority = 0",
        "areas = [\"national\"]\npriority = 0\ncapacity = { open_places = 3 }",
    );
    let dir = Directory::from_str(&limited, Format::Toml, "t/directory.toml").unwrap();
    let set = rules(&dir, &format!("capacity = \"skip_full\"\n{rule}"));
    assert!(
        taken_warnings(&set, "coverage:landelijk").is_empty(),
        "{:?}",
        set.warnings()
    );
    let set = rules(&directory(""), &format!("capacity = \"skip_full\"\n{rule}"));
    assert!(
        taken_warnings(&set, "coverage:landelijk").is_empty(),
        "{:?}",
        set.warnings()
    );
    // capacity ignored: the same limited service is taken again
    let set = rules(&dir, rule);
    assert_eq!(taken_warnings(&set, "coverage:landelijk").len(), 1);
}

#[test]
fn a_case_always_names_a_kern_of_the_directory_so_an_unknown_kern_reaches_no_rule() {
    // the national service is switched off in every kern the directory knows: a case from a
    // kern the directory does not know is refused, not routed to the national service
    let dir = directory("");
    let set = rules(&dir, &format!("{SWITCH_A1}{SWITCH_A2}{SWITCH_B1}"));
    assert_eq!(taken_warnings(&set, "coverage:landelijk").len(), 1);
    let elsewhere = case("elders", "zorg.b", "{}", &[]);
    let r = Router::new(&set);
    assert!(matches!(
        r.route_with(&elsewhere, date("2026-05-01"), RouteOptions::FAST),
        Err(RoutingError::UnknownKern { .. })
    ));
    // a case cannot be written without a kern at all
    let json = r#"{"id":"c","needs":[{"need":"zorg.b","primary":true}],"attributes":{}}"#;
    assert!(serde_json::from_str::<dls_core::cases::CaseData>(json).is_err());
}

#[test]
fn a_steunpilaar_rule_is_taken_where_a_more_specific_rule_sends_to_the_same_front_door() {
    let dir = directory(
        "[[service]]\nid = \"slp\"\norganisation = \"p\"\nname = \"S\"\nrole = \"steunpilaar\"\nareas = [\"region:r\"]\n",
    );
    let head = "[[steunpilaar]]\narea = \"region:r\"\nservice = \"slp\"\n\n[[rule]]\nid = \"nat\"\nneeds = [\"zorg.b\"]\narea = \"national\"\ntarget = \"steunpilaar\"\n\n";
    let muni = |m: &str| {
        format!("[[rule]]\nid = \"m{m}\"\nneeds = [\"zorg.b\"]\narea = \"{m}\"\ntarget = \"steunpilaar\"\n\n")
    };
    let set = rules(&dir, &format!("{head}{}{}", muni("GM0001"), muni("GM0002")));
    assert_eq!(taken_warnings(&set, "nat").len(), 1, "{:?}", set.warnings());
    let set = rules(&dir, &format!("{head}{}", muni("GM0001")));
    assert!(taken_warnings(&set, "nat").is_empty());
}

// ------------------------------------------------------------------ random directories

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const KERNEN: [&str; 3] = ["a1", "a2", "b1"];
const NEEDS: [&str; 3] = ["zorg.a", "zorg.a.x", "zorg.b"];
const MATCHERS: [&str; 4] = ["zorg.a.*", "zorg.a", "zorg.a.x", "zorg.b"];
const DATES: [&str; 5] = [
    "2025-06-01",
    "2025-12-31",
    "2026-01-01",
    "2026-06-30",
    "2027-03-01",
];

fn random_when(rng: &mut Rng) -> String {
    let mut parts = Vec::new();
    if rng.chance(40) {
        let (a, b) = (rng.below(40) as i64 * 3, rng.below(40) as i64 * 3);
        parts.push(match rng.below(3) {
            0 => format!("age = {{ min = {} }}", a.min(b)),
            1 => format!("age = {{ max = {} }}", a.max(b)),
            _ => format!("age = {{ min = {}, max = {} }}", a.min(b), a.max(b)),
        });
    }
    if rng.chance(25) {
        parts.push(
            rng.pick(&[
                "urgency = { min = \"urgent\" }",
                "urgency = { in = [\"normal\"] }",
                "urgency = { max = \"urgent\" }",
            ])
            .to_string(),
        );
    }
    if rng.chance(10) {
        parts.push("household = { in = [\"single\"] }".into());
    }
    format!("{{ {} }}", parts.join(", "))
}

const VALID: [&str; 6] = [
    "",
    "",
    "",
    "valid = { from = \"2026-01-01\" }\n",
    "valid = { until = \"2025-12-31\" }\n",
    "valid = { from = \"2026-01-01\", until = \"2026-06-30\" }\n",
];

fn random_valid(rng: &mut Rng) -> &'static str {
    VALID[rng.below(VALID.len())]
}

/// A random directory: `landelijk` (national), a regional, two municipal and a kern service,
/// some routing by their own coverage, random eligibility, capacity and contract periods.
fn random_directory(rng: &mut Rng) -> (String, CapacityPolicy) {
    let mut text = AREAS.replace(
        "areas = [\"national\"]\npriority = 0\n",
        &format!(
            "areas = [\"national\"]\npriority = 0\neligibility = {}\n",
            random_when(rng)
        ),
    );
    let services = [
        ("regionaal", "\"region:r\""),
        ("gm1", "\"GM0001\""),
        ("gm2", "\"GM0002\""),
        ("k", "\"kern:a1\", \"kern:a2\", \"kern:b1\""),
    ];
    for (id, areas) in services {
        let needs: Vec<String> = MATCHERS
            .iter()
            .filter(|_| rng.chance(60))
            .map(|m| format!("\"{m}\""))
            .collect();
        let needs = if needs.is_empty() {
            "\"zorg.a.*\", \"zorg.b\"".to_string()
        } else {
            needs.join(", ")
        };
        text += &format!(
            "\n[[service]]\nid = \"{id}\"\norganisation = \"p\"\nname = \"S\"\nneeds = [{needs}]\nareas = [{areas}]\n"
        );
        if rng.chance(50) {
            text += &format!("priority = {}\n", rng.below(3));
        }
        if rng.chance(40) {
            text += &format!("eligibility = {}\n", random_when(rng));
        }
        if rng.chance(20) {
            text += &format!("capacity = {{ open_places = {} }}\n", rng.below(2));
        }
        text += random_valid(rng);
    }
    text += "\n[[service]]\nid = \"slp\"\norganisation = \"p\"\nname = \"S\"\nrole = \"steunpilaar\"\nareas = [\"region:r\"]\n";
    let policy = *rng.pick(&[
        CapacityPolicy::Ignore,
        CapacityPolicy::SkipFull,
        CapacityPolicy::PreferShorterWait,
    ]);
    (text, policy)
}

/// A random rule set: rules at every layer (deliberate gaps, the steunpilaar, services that
/// serve the area), switch-offs of less specific rules, often of the national ones.
fn random_rules(rng: &mut Rng, policy: CapacityPolicy) -> String {
    let policy = match policy {
        CapacityPolicy::Ignore => "ignore",
        CapacityPolicy::SkipFull => "skip_full",
        CapacityPolicy::PreferShorterWait => "prefer_shorter_wait",
    };
    let mut text = format!(
        "capacity = \"{policy}\"\n\n[[steunpilaar]]\narea = \"region:r\"\nservice = \"slp\"\n\n"
    );
    // (id, area, layer rank)
    let mut made: Vec<(String, String, u8)> =
        vec![("coverage:landelijk".into(), "national".into(), 0)];
    let areas: [(&str, u8, &[&str]); 7] = [
        ("national", 0, &["landelijk"]),
        ("region:r", 1, &["landelijk", "regionaal"]),
        ("GM0001", 2, &["landelijk", "regionaal", "gm1"]),
        ("GM0002", 2, &["landelijk", "regionaal", "gm2"]),
        ("kern:a1", 3, &["landelijk", "regionaal", "gm1", "k"]),
        ("kern:a2", 3, &["landelijk", "regionaal", "gm1", "k"]),
        ("kern:b1", 3, &["landelijk", "regionaal", "gm2", "k"]),
    ];
    let n = 3 + rng.below(8);
    for i in 0..n {
        let (area, rank, services) = *rng.pick(&areas);
        let target = match rng.below(6) {
            0 | 1 => "not_covered".to_string(),
            2 => "steunpilaar".to_string(),
            _ => format!("service:{}", rng.pick(services)),
        };
        let needs = if rng.chance(30) {
            "\"zorg.a.*\", \"zorg.b\"".to_string()
        } else {
            format!("\"{}\"", rng.pick(&MATCHERS))
        };
        let when = if rng.chance(50) {
            format!("when = {}\n", random_when(rng))
        } else {
            String::new()
        };
        let id = format!("r{i}");
        text += &format!(
            "[[rule]]\nid = \"{id}\"\nneeds = [{needs}]\narea = \"{area}\"\ntarget = \"{target}\"\npriority = {}\n{when}{}\n",
            rng.below(3),
            random_valid(rng)
        );
        made.push((id, area.to_string(), rank));
    }
    // switch-offs: a more specific area inside the rule's own
    let inside = |outer: &str, inner: &str| -> bool {
        match outer {
            "national" | "region:r" => true,
            "GM0001" => matches!(inner, "kern:a1" | "kern:a2"),
            "GM0002" => inner == "kern:b1",
            _ => false,
        }
    };
    let s = rng.below(7);
    for j in 0..s {
        let (id, outer, rank) = rng.pick(&made).clone();
        let options: Vec<&str> = areas
            .iter()
            .filter(|(a, r, _)| *r > rank && inside(&outer, a))
            .map(|(a, _, _)| *a)
            .collect();
        if options.is_empty() {
            continue;
        }
        // sweep: one per kern (or per municipality) of the rule's area, often
        let sweep: Vec<&str> = if rng.chance(50) {
            options
                .iter()
                .copied()
                .filter(|a| a.starts_with(if rng.chance(50) { "kern:" } else { "GM" }))
                .collect()
        } else {
            vec![*rng.pick(&options)]
        };
        let valid = random_valid(rng);
        for (x, a) in sweep.iter().enumerate() {
            text += &format!(
                "[[switch_off]]\nid = \"s{j}-{x}\"\nrules = [\"{id}\"]\narea = \"{a}\"\n{valid}\n"
            );
        }
    }
    text
}

/// Does `area` hold `kern`? From the area lists, written out again.
fn holds(area: &AreaRef, kern: &str) -> bool {
    match area {
        AreaRef::National | AreaRef::Region(_) => true,
        AreaRef::Kern(k) => k.as_str() == kern,
        AreaRef::Municipality(m) => {
            (m.as_str() == "GM0001" && kern != "b1") || (m.as_str() == "GM0002" && kern == "b1")
        }
    }
}

fn rank(l: Layer) -> u8 {
    match l {
        Layer::National => 0,
        Layer::Region => 1,
        Layer::Municipality => 2,
        Layer::Kern => 3,
    }
}

/// The naive reference: the rule that decides a one-need case, by a plain loop over every
/// rule routing uses (explicit and coverage rules), as DESIGN.md's ladder says.
fn reference(set: &RuleSet, c: &Case, d: NaiveDate) -> Option<String> {
    let dir = set.directory();
    let data = set.with_coverage();
    let kern = c.kern().as_str();
    let need = &c.needs()[0].need;
    let policy = set.capacity_policy();
    let taken_out = |r: &Rule| {
        data.rules.iter().any(|q| {
            q.replaces.contains(&r.id)
                && q.valid.contains(d)
                && q.areas.iter().any(|a| holds(a, kern))
        }) || data
            .switch_off
            .iter()
            .any(|s| s.rules.contains(&r.id) && s.valid.contains(d) && holds(&s.area, kern))
    };
    let front_door = set.steunpilaar(&kern.parse::<KernId>().unwrap()).cloned();
    let usable = |id: &ServiceId| {
        let svc = dir.services().iter().find(|s| &s.id == id).unwrap();
        svc.valid.contains(d)
            && dir
                .eligibility_of(id)
                .unwrap()
                .admits(dir.vocabulary(), c.attributes())
                .unwrap()
                .is_none()
            && !(policy != CapacityPolicy::Ignore && svc.capacity.is_some_and(|c| c.is_full()))
            && !c.situation().tried().iter().any(|t| &t.service == id)
    };
    let mut candidates: Vec<&Rule> = data
        .rules
        .iter()
        .filter(|r| {
            r.needs.iter().any(|m| m.matches(need))
                && r.areas.iter().any(|a| holds(a, kern))
                && r.valid.contains(d)
                && !taken_out(r)
        })
        .collect();
    let wait = |r: &Rule| match (&r.target, policy) {
        (Target::Service(s) | Target::Escalation(s), CapacityPolicy::PreferShorterWait) => dir
            .services()
            .iter()
            .find(|x| &x.id == s)
            .unwrap()
            .capacity
            .and_then(|c| c.waiting_weeks)
            .unwrap_or(u32::MAX),
        // the steunpilaar and a deliberate gap have no waiting time of their own: unknown, last
        (_, CapacityPolicy::PreferShorterWait) => u32::MAX,
        _ => 0,
    };
    candidates.sort_by(|a, b| {
        rank(b.layer())
            .cmp(&rank(a.layer()))
            .then(b.priority.cmp(&a.priority))
            .then(wait(a).cmp(&wait(b)))
            .then(a.id.cmp(&b.id))
    });
    for r in candidates {
        let when = ConditionMask::compile_in(&r.when, dir.vocabulary()).unwrap();
        if when
            .admits(dir.vocabulary(), c.attributes())
            .unwrap()
            .is_some()
        {
            continue;
        }
        let ok = match &r.target {
            Target::NotCovered => true,
            Target::Service(s) | Target::Escalation(s) => usable(s),
            Target::Steunpilaar => front_door.as_ref().is_some_and(&usable),
        };
        if ok {
            return Some(r.id.to_string());
        }
    }
    None
}

fn random_case(rng: &mut Rng, kern: &str, need: &str) -> Case {
    let mut attrs = Vec::new();
    if rng.chance(85) {
        attrs.push(format!("\"age\":{}", rng.below(131)));
    }
    attrs.push(format!(
        "\"urgency\":\"{}\"",
        rng.pick(&["normal", "urgent", "crisis"])
    ));
    if rng.chance(70) {
        attrs.push(format!(
            "\"household\":\"{}\"",
            rng.pick(&["single", "couple", "family"])
        ));
    }
    let all = ["landelijk", "regionaal", "gm1", "gm2", "k", "slp"];
    let tried: Vec<&str> = all.iter().copied().filter(|_| rng.chance(15)).collect();
    case(kern, need, &format!("{{{}}}", attrs.join(",")), &tried)
}

/// On random small directories, every rule the analysis calls taken by more specific layers is
/// never picked by the naive reference on generated cases in every kern of the directory, for
/// every need it matches, on dates around every boundary (and the router agrees with the
/// reference on those cases).
#[test]
fn a_rule_called_taken_is_never_picked_on_any_generated_case() {
    let mut rng = Rng(0x7A4E);
    let (mut worlds, mut flagged, mut cases, mut rejected) = (0, 0, 0, 0);
    let mut never_picked_unflagged = 0;
    while worlds < 400 {
        let (dir_text, policy) = random_directory(&mut rng);
        let Ok(dir) = Directory::from_str(&dir_text, Format::Toml, "r/directory.toml") else {
            rejected += 1;
            continue;
        };
        let text = random_rules(&mut rng, policy);
        let data = RuleSetData::parse(&text, Format::Toml, "r/rules.toml").unwrap();
        let Ok(set) = RuleSet::new(&dir, data) else {
            rejected += 1;
            continue;
        };
        worlds += 1;
        let router = Router::new(&set);
        let mut picked: Vec<String> = Vec::new();
        let ids: Vec<String> = set
            .with_coverage()
            .rules
            .iter()
            .map(|r| r.id.to_string())
            .collect();
        let flagged_here: Vec<&String> = ids
            .iter()
            .filter(|id| !taken_warnings(&set, id).is_empty())
            .collect();
        flagged += flagged_here.len();
        for kern in KERNEN {
            for need in NEEDS {
                for d in DATES {
                    let d = date(d);
                    for _ in 0..3 {
                        let c = random_case(&mut rng, kern, need);
                        let want = reference(&set, &c, d);
                        let got = router.route_with(&c, d, RouteOptions::FAST).unwrap();
                        cases += 1;
                        assert_eq!(
                            got.needs[0].rule.as_ref().map(|r| r.to_string()),
                            want,
                            "router and reference differ\n{dir_text}\n{text}"
                        );
                        if let Some(w) = want {
                            assert!(
                                !flagged_here.contains(&&w),
                                "rule `{w}` was called taken but decided a case in {kern} on {d}\n{dir_text}\n{text}\n{:?}",
                                set.warnings()
                            );
                            picked.push(w);
                        }
                    }
                }
            }
        }
        never_picked_unflagged += ids
            .iter()
            .filter(|id| !picked.contains(id) && !flagged_here.contains(id))
            .count();
    }
    eprintln!(
        "{worlds} worlds ({rejected} rejected), {cases} cases, {flagged} rules called taken, {never_picked_unflagged} rules never picked but not called taken"
    );
    assert!(
        cases >= 10_000 && flagged >= 100,
        "{cases} cases, {flagged} flagged"
    );
}
