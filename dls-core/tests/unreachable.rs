//! Unreachable rules (issue 11): validation warns about a rule whose conditions and target's
//! eligibility admit no case together, exactly over integer ages and declared attributes.
//! Checked against a brute-force enumeration of every case over a small vocabulary (age 0–130
//! or unstated, four urgency levels, a three-word language or unstated, a boolean or unstated).

use dls_core::validation::ProblemKind;
use dls_core::{Directory, Format, RuleSet, RuleSetData};

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

#[derive(Default)]
struct Cond {
    age: Option<(i64, i64)>,
    urgency: Option<(usize, usize)>,
    lang: Option<Vec<usize>>,
    wlz: Option<bool>,
}

impl Cond {
    fn random(rng: &mut Rng) -> Cond {
        let mut c = Cond::default();
        if rng.chance(60) {
            let (a, b) = (rng.below(131) as i64, rng.below(131) as i64);
            c.age = Some((a.min(b), a.max(b)));
        }
        if rng.chance(40) {
            let (a, b) = (rng.below(4), rng.below(4));
            c.urgency = Some((a.min(b), a.max(b)));
        }
        if rng.chance(40) {
            let mut l: Vec<usize> = (0..3).filter(|_| rng.chance(40)).collect();
            if l.is_empty() {
                l.push(rng.below(3));
            }
            c.lang = Some(l);
        }
        if rng.chance(30) {
            c.wlz = Some(rng.chance(50));
        }
        c
    }

    fn toml(&self) -> String {
        let mut parts = Vec::new();
        if let Some((lo, hi)) = self.age {
            parts.push(format!("age = {{ min = {lo}, max = {hi} }}"));
        }
        if let Some((lo, hi)) = self.urgency {
            parts.push(format!(
                "urgency = {{ min = \"{}\", max = \"{}\" }}",
                URGENCY[lo], URGENCY[hi]
            ));
        }
        if let Some(l) = &self.lang {
            let w: Vec<String> = l.iter().map(|&i| format!("\"{}\"", LANGUAGES[i])).collect();
            parts.push(format!("language = {{ in = [{}] }}", w.join(", ")));
        }
        if let Some(w) = self.wlz {
            parts.push(format!("has_wlz_indication = {w}"));
        }
        format!("{{ {} }}", parts.join(", "))
    }

    /// Read literally: a condition on an unstated attribute does not hold.
    fn holds(
        &self,
        age: Option<i64>,
        urgency: usize,
        lang: Option<usize>,
        wlz: Option<bool>,
    ) -> bool {
        self.age
            .is_none_or(|(lo, hi)| age.is_some_and(|a| lo <= a && a <= hi))
            && self
                .urgency
                .is_none_or(|(lo, hi)| lo <= urgency && urgency <= hi)
            && self
                .lang
                .as_ref()
                .is_none_or(|l| lang.is_some_and(|x| l.contains(&x)))
            && self.wlz.is_none_or(|w| wlz == Some(w))
    }
}

/// True when some case meets both, by trying every case of the small vocabulary.
fn some_case_meets_both(a: &Cond, b: &Cond) -> bool {
    let ages = std::iter::once(None).chain((0..=130).map(Some));
    for age in ages {
        for u in 0..4 {
            for lang in [None, Some(0), Some(1), Some(2)] {
                for wlz in [None, Some(false), Some(true)] {
                    if a.holds(age, u, lang, wlz) && b.holds(age, u, lang, wlz) {
                        return true;
                    }
                }
            }
        }
    }
    false
}

const HEAD: &str = "[attribute.urgency]\nvalues = [\"acute\"]\n\n[attribute.has_wlz_indication]\nkind = \"boolean\"\n\n[attribute.language]\nkind = \"enum\"\nvalues = [\"nl\", \"en\", \"ar\"]\n\n[[municipality]]\ncode = \"GM0001\"\nname = \"M\"\n\n[[kern]]\nid = \"dorp\"\nname = \"Dorp\"\nmunicipality = \"GM0001\"\n\n[[domain]]\ncode = \"zorg\"\nlabel = \"Zorg\"\n\n[[need]]\ncode = \"zorg.advies\"\nlabel = \"Advies\"\n\n[[organisation]]\nid = \"o\"\nname = \"O\"\nkind = \"welfare\"\n\n";

#[test]
fn unreachable_rules_are_exactly_those_no_enumerated_case_reaches() {
    let mut rng = Rng(7);
    let (mut unreachable, mut reachable) = (0, 0);
    for world in 0..60 {
        let services: Vec<Cond> = (0..4).map(|_| Cond::random(&mut rng)).collect();
        let rules: Vec<(usize, Cond)> = (0..8)
            .map(|_| (rng.below(services.len()), Cond::random(&mut rng)))
            .collect();
        let mut dir = HEAD.to_string();
        for (i, s) in services.iter().enumerate() {
            dir += &format!(
                "[[service]]\nid = \"s{i}\"\norganisation = \"o\"\nname = \"S\"\nneeds = [\"zorg.advies\"]\nareas = [\"GM0001\"]\neligibility = {}\n\n",
                s.toml()
            );
        }
        let mut text = String::new();
        for (i, (t, c)) in rules.iter().enumerate() {
            text += &format!(
                "[[rule]]\nid = \"r{i}\"\nneeds = [\"zorg.advies\"]\narea = \"GM0001\"\npriority = {i}\nwhen = {}\ntarget = \"service:s{t}\"\n\n",
                c.toml()
            );
        }
        let dir = Directory::from_str(&dir, Format::Toml, "u/directory.toml")
            .unwrap_or_else(|e| panic!("{e}"));
        let data = RuleSetData::parse(&text, Format::Toml, "u/rules.toml").unwrap();
        let set = RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("{e}"));
        for (i, (t, c)) in rules.iter().enumerate() {
            let id = format!("`r{i}`");
            let warned = set.warnings().iter().any(|p| {
                p.kind == ProblemKind::Unreachable && p.message.contains(&format!("rule {id}"))
            });
            let reachable_here = some_case_meets_both(c, &services[*t]);
            assert_eq!(warned, !reachable_here, "world {world} rule r{i}");
            if warned {
                unreachable += 1;
            } else {
                reachable += 1;
            }
        }
    }
    // both kinds occur, so the comparison says something
    assert!(
        unreachable > 20 && reachable > 20,
        "{unreachable} / {reachable}"
    );
}

#[test]
fn a_child_rule_on_an_adult_service_and_a_rule_outside_the_contract_are_reported() {
    let dir = format!(
        "{HEAD}[[service]]\nid = \"volwassenen\"\norganisation = \"o\"\nname = \"S\"\nneeds = [\"zorg.advies\"]\nareas = [\"GM0001\"]\neligibility = {{ age = {{ min = 18 }} }}\nvalid = {{ from = \"2026-01-01\", until = \"2026-12-31\" }}\n"
    );
    let dir = Directory::from_str(&dir, Format::Toml, "u/directory.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let rules = "[[rule]]\nid = \"kind\"\nneeds = [\"zorg.advies\"]\narea = \"GM0001\"\nwhen = { age = { max = 11 } }\ntarget = \"service:volwassenen\"\n\n[[rule]]\nid = \"oud\"\nneeds = [\"zorg.advies\"]\narea = \"GM0001\"\nvalid = { from = \"2024-01-01\", until = \"2025-06-30\" }\ntarget = \"service:volwassenen\"\n";
    let data = RuleSetData::parse(rules, Format::Toml, "u/rules.toml").unwrap();
    let set = RuleSet::new(&dir, data).unwrap_or_else(|e| panic!("{e}"));
    let msgs: Vec<String> = set
        .warnings()
        .iter()
        .filter(|p| p.kind == ProblemKind::Unreachable)
        .map(|p| p.to_string())
        .collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].contains("u/rules.toml")
            && msgs[0]
                .contains("no case meets both its conditions and the eligibility of `volwassenen`"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].contains("valid only outside the contract period of `volwassenen`"),
        "{msgs:?}"
    );
}
