//! Differential test (issue 11): on generated worlds with integer age limits, rules over
//! several areas, equal priorities (ties) and declared attributes (a fourth urgency level, an
//! enumeration, a boolean), the router agrees with a naive reference written here from the
//! rules as DESIGN.md states them — every rule looked at, sorted by layer (most specific
//! first), priority (highest first) and id, the first whose conditions hold and whose target
//! the case is eligible for decides — without the crate's masks, index or vocabulary.
//!
//! `cargo test -p dls-core --test differential` checks `WORLDS` × `CASES` cases. The longer run
//! recorded in BENCHMARKS.md sets `DLS_DIFF_WORLDS` and `DLS_DIFF_CASES`:
//!
//! ```text
//! DLS_DIFF_WORLDS=2000 DLS_DIFF_CASES=500 cargo test --release -p dls-core --test differential -- --nocapture
//! ```

use chrono::NaiveDate;
use dls_core::routing::{Outcome, Router};
use dls_core::{Case, Directory, Format, RuleSet, RuleSetData};

const WORLDS: usize = 400;
const CASES: usize = 250;

/// SplitMix64: a small generator of our own, so the worlds do not come from the crate's.
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
}

const URGENCY: [&str; 4] = ["normal", "urgent", "crisis", "acute"];
const LANGUAGES: [&str; 3] = ["nl", "en", "ar"];

/// Conditions as the reference reads them: `None` is no condition.
#[derive(Clone, Default)]
struct Cond {
    age: Option<(i64, i64)>,
    urgency_min: Option<usize>,
    lang: Option<Vec<usize>>,
    wlz: Option<bool>,
}

impl Cond {
    fn random(rng: &mut Rng, pct: u64) -> Cond {
        let mut c = Cond::default();
        if rng.chance(pct) {
            let a = rng.below(100) as i64;
            let b = rng.below(100) as i64;
            c.age = Some(match rng.below(3) {
                0 => (a.min(b), a.max(b)),
                1 => (a, 130),
                _ => (0, a),
            });
        }
        if rng.chance(pct / 2) {
            c.urgency_min = Some(1 + rng.below(3));
        }
        if rng.chance(pct / 2) {
            let mut l: Vec<usize> = (0..3).filter(|_| rng.chance(50)).collect();
            if l.is_empty() {
                l.push(rng.below(3));
            }
            c.lang = Some(l);
        }
        if rng.chance(pct / 3) {
            c.wlz = Some(rng.chance(50));
        }
        c
    }

    fn toml(&self) -> String {
        let mut parts = Vec::new();
        if let Some((lo, hi)) = self.age {
            parts.push(format!("age = {{ min = {lo}, max = {hi} }}"));
        }
        if let Some(u) = self.urgency_min {
            parts.push(format!("urgency = {{ min = \"{}\" }}", URGENCY[u]));
        }
        if let Some(l) = &self.lang {
            let words: Vec<String> = l.iter().map(|&i| format!("\"{}\"", LANGUAGES[i])).collect();
            parts.push(format!("language = {{ in = [{}] }}", words.join(", ")));
        }
        if let Some(w) = self.wlz {
            parts.push(format!("has_wlz_indication = {w}"));
        }
        format!("{{ {} }}", parts.join(", "))
    }

    fn holds(&self, p: &Person) -> bool {
        self.age
            .is_none_or(|(lo, hi)| p.age.is_some_and(|a| lo <= a && a <= hi))
            && self.urgency_min.is_none_or(|m| p.urgency >= m)
            && self
                .lang
                .as_ref()
                .is_none_or(|l| p.lang.is_some_and(|x| l.contains(&x)))
            && self.wlz.is_none_or(|w| p.wlz == Some(w))
    }
}

struct Person {
    age: Option<i64>,
    urgency: usize,
    lang: Option<usize>,
    wlz: Option<bool>,
}

/// An area: `None` national, `Some((m, None))` municipality `m`, `Some((m, Some(k)))` kern `k`
/// of municipality `m`.
type Area = Option<(usize, Option<usize>)>;

fn area_text(a: Area) -> String {
    match a {
        None => "national".into(),
        Some((m, None)) => format!("GM{:04}", m + 1),
        Some((m, Some(k))) => format!("kern:k{m}-{k}"),
    }
}

fn contains(a: Area, m: usize, k: usize) -> bool {
    match a {
        None => true,
        Some((am, None)) => am == m,
        Some((am, Some(ak))) => am == m && ak == k,
    }
}

/// Layer rank: kern 2, municipality 1, national 0.
fn rank(a: Area) -> u8 {
    match a {
        None => 0,
        Some((_, None)) => 1,
        Some((_, Some(_))) => 2,
    }
}

struct Service {
    needs: Vec<usize>,
    /// Municipalities served; empty: national.
    municipalities: Vec<usize>,
    eligibility: Cond,
}

struct Rule {
    id: String,
    needs: Vec<usize>,
    areas: Vec<Area>,
    priority: i32,
    when: Cond,
    /// `None`: not covered.
    target: Option<usize>,
}

struct World {
    kernen: Vec<usize>,
    needs: usize,
    services: Vec<Service>,
    rules: Vec<Rule>,
}

fn world(rng: &mut Rng) -> World {
    let municipalities = 1 + rng.below(3);
    let kernen: Vec<usize> = (0..municipalities).map(|_| 1 + rng.below(3)).collect();
    let needs = 1 + rng.below(3);
    let services: Vec<Service> = (0..2 + rng.below(6))
        .map(|_| {
            let mut sn: Vec<usize> = (0..needs).filter(|_| rng.chance(60)).collect();
            if sn.is_empty() {
                sn.push(rng.below(needs));
            }
            let ms = if rng.chance(30) {
                vec![]
            } else {
                let mut ms: Vec<usize> = (0..municipalities).filter(|_| rng.chance(50)).collect();
                if ms.is_empty() {
                    ms.push(rng.below(municipalities));
                }
                ms
            };
            Service {
                needs: sn,
                municipalities: ms,
                eligibility: Cond::random(rng, 30),
            }
        })
        .collect();
    let mut rules = Vec::new();
    for i in 0..3 + rng.below(12) {
        let not_covered = rng.chance(8);
        let t = rng.below(services.len());
        let s = &services[t];
        // areas inside the target's coverage, all of one layer
        let pool: Vec<usize> = if s.municipalities.is_empty() {
            (0..municipalities).collect()
        } else {
            s.municipalities.clone()
        };
        let layer = if s.municipalities.is_empty() && rng.chance(25) {
            0
        } else {
            1 + rng.below(2)
        };
        let mut areas: Vec<Area> = Vec::new();
        for _ in 0..1 + rng.below(3) {
            let m = pool[rng.below(pool.len())];
            let a = match layer {
                0 => None,
                1 => Some((m, None)),
                _ => Some((m, Some(rng.below(kernen[m])))),
            };
            if !areas.contains(&a) {
                areas.push(a);
            }
        }
        let mut rn: Vec<usize> = s.needs.iter().copied().filter(|_| rng.chance(70)).collect();
        if rn.is_empty() {
            rn.push(s.needs[rng.below(s.needs.len())]);
        }
        rules.push(Rule {
            // ids in no particular order, so ties are broken by id and not by position
            id: format!("r{:03}-{i}", rng.below(1000)),
            needs: rn,
            areas,
            priority: rng.below(3) as i32,
            when: Cond::random(rng, 40),
            target: (!not_covered).then_some(t),
        });
    }
    World {
        kernen,
        needs,
        services,
        rules,
    }
}

impl World {
    fn directory_toml(&self) -> String {
        let mut t = String::from(
            "[attribute.urgency]\nvalues = [\"acute\"]\n\n[attribute.has_wlz_indication]\nkind = \"boolean\"\n\n[attribute.language]\nkind = \"enum\"\nvalues = [\"nl\", \"en\", \"ar\"]\n\n[[domain]]\ncode = \"zorg\"\nlabel = \"Zorg\"\n\n[[organisation]]\nid = \"o\"\nname = \"O\"\nkind = \"welfare\"\n\n",
        );
        for n in 0..self.needs {
            t += &format!("[[need]]\ncode = \"zorg.n{n}\"\nlabel = \"N{n}\"\n\n");
        }
        for (m, &k) in self.kernen.iter().enumerate() {
            t += &format!(
                "[[municipality]]\ncode = \"GM{:04}\"\nname = \"M{m}\"\n\n",
                m + 1
            );
            for j in 0..k {
                t += &format!(
                    "[[kern]]\nid = \"k{m}-{j}\"\nname = \"K\"\nmunicipality = \"GM{:04}\"\n\n",
                    m + 1
                );
            }
        }
        for (i, s) in self.services.iter().enumerate() {
            let needs: Vec<String> = s.needs.iter().map(|n| format!("\"zorg.n{n}\"")).collect();
            let areas: Vec<String> = if s.municipalities.is_empty() {
                vec!["\"national\"".into()]
            } else {
                s.municipalities
                    .iter()
                    .map(|&m| format!("\"{}\"", area_text(Some((m, None)))))
                    .collect()
            };
            t += &format!(
                "[[service]]\nid = \"s{i}\"\norganisation = \"o\"\nname = \"S\"\nneeds = [{}]\nareas = [{}]\neligibility = {}\n\n",
                needs.join(", "),
                areas.join(", "),
                s.eligibility.toml()
            );
        }
        t
    }

    fn rules_toml(&self) -> String {
        let mut t = String::new();
        for r in &self.rules {
            let needs: Vec<String> = r.needs.iter().map(|n| format!("\"zorg.n{n}\"")).collect();
            let areas: Vec<String> = r
                .areas
                .iter()
                .map(|&a| format!("\"{}\"", area_text(a)))
                .collect();
            let target = match r.target {
                Some(s) => format!("service:s{s}"),
                None => "not_covered".into(),
            };
            t += &format!(
                "[[rule]]\nid = \"{}\"\nneeds = [{}]\nareas = [{}]\npriority = {}\nwhen = {}\ntarget = \"{target}\"\n\n",
                r.id,
                needs.join(", "),
                areas.join(", "),
                r.priority,
                r.when.toml()
            );
        }
        t
    }

    /// The reference: the outcome (`service:sN` or `gap:REASON`) and the deciding rule.
    fn reference(&self, m: usize, k: usize, need: usize, p: &Person) -> (String, Option<&str>) {
        let mut cands: Vec<(u8, i32, &Rule)> = self
            .rules
            .iter()
            .filter(|r| r.needs.contains(&need))
            .filter_map(|r| {
                let here: Vec<Area> = r
                    .areas
                    .iter()
                    .copied()
                    .filter(|&a| contains(a, m, k))
                    .collect();
                here.first().map(|&a| (rank(a), r.priority, r))
            })
            .collect();
        cands.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(b.1.cmp(&a.1))
                .then_with(|| a.2.id.cmp(&b.2.id))
        });
        let gap = if cands.is_empty() {
            "gap:no_rule"
        } else {
            "gap:all_skipped"
        };
        for (_, _, r) in cands {
            if !r.when.holds(p) {
                continue;
            }
            match r.target {
                None => return ("gap:not_covered".into(), Some(&r.id)),
                Some(s) if self.services[s].eligibility.holds(p) => {
                    return (format!("service:s{s}"), Some(&r.id))
                }
                Some(_) => {}
            }
        }
        (gap.into(), None)
    }
}

fn case_json(id: usize, m: usize, k: usize, needs: &[usize], p: &Person) -> String {
    let needs: Vec<String> = needs
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{{\"need\": \"zorg.n{n}\", \"primary\": {}}}", i == 0))
        .collect();
    let mut attrs = vec![format!("\"urgency\": \"{}\"", URGENCY[p.urgency])];
    if let Some(a) = p.age {
        attrs.push(format!("\"age\": {a}"));
    }
    if let Some(l) = p.lang {
        attrs.push(format!("\"language\": \"{}\"", LANGUAGES[l]));
    }
    if let Some(w) = p.wlz {
        attrs.push(format!("\"has_wlz_indication\": {w}"));
    }
    format!(
        "{{\"id\": \"c{id}\", \"kern\": \"k{m}-{k}\", \"needs\": [{}], \"attributes\": {{{}}}}}",
        needs.join(", "),
        attrs.join(", ")
    )
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn the_router_agrees_with_a_naive_reference_on_generated_worlds() {
    let (worlds, cases) = (env("DLS_DIFF_WORLDS", WORLDS), env("DLS_DIFF_CASES", CASES));
    let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let mut rng = Rng(0x11_2026);
    let (mut checked, mut needs_checked, mut ties, mut differences) = (0usize, 0usize, 0usize, 0);
    for w in 0..worlds {
        let world = world(&mut rng);
        let dir = Directory::from_str(&world.directory_toml(), Format::Toml, "diff/directory.toml")
            .unwrap_or_else(|e| panic!("world {w}: {e}"));
        let data = RuleSetData::parse(&world.rules_toml(), Format::Toml, "diff/rules.toml")
            .unwrap_or_else(|e| panic!("world {w}: {e}"));
        let rules = RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("world {w}: {e}"));
        let router = Router::new(&rules);
        for r in &world.rules {
            ties += world
                .rules
                .iter()
                .filter(|o| o.id > r.id && o.priority == r.priority)
                .count();
        }
        for c in 0..cases {
            let m = rng.below(world.kernen.len());
            let k = rng.below(world.kernen[m]);
            let mut needs = vec![rng.below(world.needs)];
            if world.needs > 1 && rng.chance(30) {
                let other = (needs[0] + 1 + rng.below(world.needs - 1)) % world.needs;
                needs.push(other);
            }
            let p = Person {
                age: (!rng.chance(10)).then(|| rng.below(101) as i64),
                urgency: [0, 0, 0, 1, 1, 2, 3][rng.below(7)],
                lang: (!rng.chance(20)).then(|| rng.below(3)),
                wlz: (!rng.chance(30)).then(|| rng.chance(40)),
            };
            let case: Case = dls_core::source::parse(
                &case_json(c, m, k, &needs, &p),
                Format::Json,
                "diff/case.json",
            )
            .unwrap();
            let decision = router.route(&case, date).unwrap();
            for &n in &needs {
                let got = decision
                    .needs
                    .iter()
                    .find(|d| d.need.as_str() == format!("zorg.n{n}"))
                    .unwrap();
                let got = (
                    match &got.outcome {
                        Outcome::Service { service, .. } => format!("service:{service}"),
                        Outcome::Gap { reason, .. } => {
                            format!(
                                "gap:{}",
                                serde_json::to_value(reason).unwrap().as_str().unwrap()
                            )
                        }
                        other => panic!("world {w}: {other:?}"),
                    },
                    got.rule.as_ref().map(|r| r.to_string()),
                );
                let (outcome, rule) = world.reference(m, k, n, &p);
                let want = (outcome, rule.map(str::to_string));
                if got != want {
                    differences += 1;
                    if differences <= 5 {
                        eprintln!(
                            "world {w} case {c} need {n}: router {got:?}, reference {want:?}\n{}\n{}",
                            world.directory_toml(),
                            world.rules_toml()
                        );
                    }
                }
                needs_checked += 1;
            }
            checked += 1;
        }
    }
    eprintln!(
        "differential: {worlds} worlds, {checked} cases, {needs_checked} needs, {ties} pairs of rules at equal priority, {differences} differences"
    );
    assert_eq!(differences, 0);
    assert_eq!(checked, worlds * cases);
}
