//! Services that route by their own coverage (a service with a `priority` is a candidate for its
//! needs in its areas without a rule): how they rank against explicit rules, what the trace
//! says, what analysis sees, `coverage_off`, and a differential test against a naive reference
//! written here (a plain loop over every service, sorted by layer, priority, id).

use chrono::NaiveDate;
use dls_core::areas::{AreaRef, Layer};
use dls_core::conditions::AgeCondition;
use dls_core::coverage::{self, CoverageOptions, CoverageStatus};
use dls_core::directory::{Organisation, OrganisationKind, Service, ServiceRole};
use dls_core::routing::{NeedDecision, RouteOptions, Router};
use dls_core::rows::CaseRow;
use dls_core::validation::ProblemKind;
use dls_core::validity::Validity;
use dls_core::{pilot, Directory, DirectoryData, Format, RuleSet, RuleSetData};

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// The pilot's areas and taxonomy with one organisation and `services`.
fn directory(services: Vec<Service>) -> Directory {
    let mut d: DirectoryData = pilot::directory_data();
    d.organisations = vec![Organisation {
        id: "org".parse().unwrap(),
        name: "Org".into(),
        kind: OrganisationKind::WELFARE,
    }];
    d.services = services;
    Directory::new(d).unwrap().0
}

fn service(id: &str, needs: &[&str], areas: &[&str], priority: Option<i32>) -> Service {
    Service {
        id: id.parse().unwrap(),
        organisation: "org".parse().unwrap(),
        name: id.into(),
        role: ServiceRole::Provider,
        needs: needs.iter().map(|n| n.parse().unwrap()).collect(),
        areas: areas.iter().map(|a| a.parse().unwrap()).collect(),
        eligibility: Default::default(),
        capacity: None,
        valid: Validity::ALWAYS,
        channels: Vec::new(),
        priority,
    }
}

fn rules(dir: &Directory, toml: &str) -> RuleSet {
    let data = if toml.is_empty() {
        RuleSetData::default()
    } else {
        RuleSetData::parse(toml, Format::Toml, "rules.toml").unwrap()
    };
    RuleSet::new(dir, data).unwrap()
}

fn route(rules: &RuleSet, kern: &str, need: &str, age: i64) -> NeedDecision {
    let case = CaseRow {
        id: "c1",
        kern,
        needs: vec![need],
        age: Some(age),
        ..CaseRow::default()
    }
    .to_case()
    .unwrap();
    Router::new(rules)
        .route_with(&case, date(), RouteOptions::TRACE)
        .unwrap()
        .needs
        .remove(0)
}

fn to(n: &NeedDecision) -> &str {
    n.outcome.service().map_or("-", |s| s.as_str())
}

const NEED: &str = "zorg.eenzaamheid";

#[test]
fn a_service_with_three_kernen_routes_without_any_rule() {
    let dir = directory(vec![service(
        "maatje",
        &[NEED],
        &["kern:hoofddorp", "kern:nieuw-vennep", "kern:badhoevedorp"],
        Some(0),
    )]);
    let r = rules(&dir, "");
    for kern in ["hoofddorp", "nieuw-vennep", "badhoevedorp"] {
        let d = route(&r, kern, NEED, 40);
        assert_eq!(to(&d), "maatje", "{kern}");
        assert_eq!(d.rule.as_ref().unwrap().as_str(), "coverage:maatje");
        assert_eq!(d.layer, Some(Layer::Kern));
        // The explanation names the service whose coverage matched.
        let why = d.summary();
        assert!(why.contains("coverage:maatje"), "{why}");
    }
    assert_eq!(to(&route(&r, "zwanenburg", NEED, 40)), "-");
    // The rule set as given stays empty; routing uses it with the coverage rule added.
    assert!(r.data().rules.is_empty());
    assert_eq!(r.with_coverage().rules.len(), 1);
}

#[test]
fn a_service_without_priority_routes_only_through_rules() {
    let dir = directory(vec![service("maatje", &[NEED], &["GM0394"], None)]);
    assert_eq!(to(&route(&rules(&dir, ""), "hoofddorp", NEED, 40)), "-");
}

#[test]
fn coverage_ranks_like_a_rule_of_its_layer_with_the_services_priority() {
    let dir = directory(vec![
        service("gemeente", &[NEED], &["GM0394"], Some(1)),
        service("dorp", &[NEED], &["kern:hoofddorp"], Some(0)),
        service("ander", &[NEED], &["GM0394"], None),
    ]);
    // No rules: the kern layer goes first even at a lower priority.
    let r = rules(&dir, "");
    assert_eq!(to(&route(&r, "hoofddorp", NEED, 40)), "dorp");
    assert_eq!(to(&route(&r, "nieuw-vennep", NEED, 40)), "gemeente");
    // An explicit rule of the same layer with a higher priority goes first; a lower one after.
    let rule = |p: i32| {
        format!("[[rule]]\nid = \"gm-ander\"\nneeds = [\"{NEED}\"]\narea = \"GM0394\"\ntarget = \"service:ander\"\npriority = {p}\n")
    };
    assert_eq!(
        to(&route(&rules(&dir, &rule(5)), "nieuw-vennep", NEED, 40)),
        "ander"
    );
    assert_eq!(
        to(&route(&rules(&dir, &rule(0)), "nieuw-vennep", NEED, 40)),
        "gemeente"
    );
    // A more specific layer replaces a service's coverage inside its own area only.
    let replaced = "[[rule]]\nid = \"k-ander\"\nneeds = [\"zorg.eenzaamheid\"]\narea = \"kern:nieuw-vennep\"\ntarget = \"service:ander\"\nreplaces = [\"coverage:gemeente\"]\n";
    let r = rules(&dir, replaced);
    assert_eq!(to(&route(&r, "nieuw-vennep", NEED, 40)), "ander");
    assert_eq!(to(&route(&r, "zwanenburg", NEED, 40)), "gemeente");
}

#[test]
fn an_equal_priority_tie_is_decided_by_id_with_a_warning_naming_both() {
    let dir = directory(vec![
        service("b-later", &[NEED], &["GM0394"], Some(2)),
        service("a-eerst", &[NEED], &["GM0394"], Some(2)),
    ]);
    let r = rules(&dir, "");
    assert_eq!(to(&route(&r, "hoofddorp", NEED, 40)), "a-eerst");
    let w: Vec<String> = r
        .warnings()
        .iter()
        .filter(|p| p.kind == ProblemKind::Ambiguous)
        .map(|p| p.to_string())
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("coverage:a-eerst") && w[0].contains("coverage:b-later"),
        "{w:?}"
    );
}

#[test]
fn coverage_off_leaves_an_area_to_explicit_rules() {
    let dir = directory(vec![
        service("gemeente", &[NEED], &["GM0394"], Some(1)),
        service(
            "dorp",
            &[NEED],
            &["kern:hoofddorp", "kern:nieuw-vennep"],
            Some(1),
        ),
    ]);
    let r = rules(&dir, "coverage_off = [\"kern:hoofddorp\"]\n");
    // Neither the kern service nor the municipality's coverage routes in hoofddorp.
    assert_eq!(to(&route(&r, "hoofddorp", NEED, 40)), "-");
    assert_eq!(to(&route(&r, "nieuw-vennep", NEED, 40)), "dorp");
    assert_eq!(to(&route(&r, "zwanenburg", NEED, 40)), "gemeente");
}

#[test]
fn analysis_sees_services_that_route_by_their_coverage() {
    let mut s = service("ouderen", &[NEED], &["GM0394"], Some(0));
    s.eligibility.age = Some(AgeCondition::from(65));
    let dir = directory(vec![s]);
    let r = rules(&dir, "");
    let report = coverage::analyse(&r, &CoverageOptions::on(date()));
    let old = report.row_at("hoofddorp", NEED, 70).unwrap();
    assert_ne!(old.status, CoverageStatus::Gap);
    assert_eq!(old.rule.as_ref().unwrap().as_str(), "coverage:ouderen");
    assert!(report
        .row_at("hoofddorp", NEED, 40)
        .unwrap()
        .status
        .is_gap());
}

#[test]
fn a_priority_on_a_steunpilaar_service_is_an_error() {
    let mut s = service("voordeur", &[NEED], &["GM0394"], Some(0));
    s.role = ServiceRole::Steunpilaar;
    let dir = directory(vec![s]);
    let e = RuleSet::new(&dir, RuleSetData::default()).unwrap_err();
    assert!(e.to_string().contains("field `priority`"), "{e}");
}

/// SplitMix64, for the generated directories and cases.
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
}

#[test]
fn routing_by_coverage_agrees_with_a_naive_reference() {
    let base = pilot::directory_data();
    let kernen: Vec<_> = base.kernen.clone();
    let leaves: Vec<String> = pilot::directory()
        .taxonomy()
        .leaves()
        .map(|n| n.code.to_string())
        .collect();
    let mut rng = Rng(20260101);
    let mut compared = 0;
    for round in 0..40 {
        let mut services = Vec::new();
        for i in 0..30 {
            let leaf = &leaves[rng.below(leaves.len())];
            let need = if rng.below(4) == 0 {
                format!("{}.*", leaf.rsplit_once('.').unwrap().0)
            } else {
                leaf.clone()
            };
            let areas: Vec<String> = match rng.below(4) {
                0 => vec!["national".into()],
                1 => vec![format!(
                    "region:{}",
                    base.regions[rng.below(base.regions.len())].id
                )],
                2 => {
                    let mut m: Vec<String> = (0..1 + rng.below(2))
                        .map(|_| {
                            base.municipalities[rng.below(base.municipalities.len())]
                                .code
                                .to_string()
                        })
                        .collect();
                    m.sort();
                    m.dedup();
                    m
                }
                _ => {
                    let mut k: Vec<String> = (0..1 + rng.below(3))
                        .map(|_| format!("kern:{}", kernen[rng.below(kernen.len())].id))
                        .collect();
                    k.sort();
                    k.dedup();
                    k
                }
            };
            let area_refs: Vec<&str> = areas.iter().map(String::as_str).collect();
            let mut s = service(
                &format!("s{round}-{i:02}"),
                &[&need],
                &area_refs,
                Some(rng.below(3) as i32),
            );
            let (lo, hi) = (rng.below(80) as i64, rng.below(131) as i64);
            s.eligibility.age = match rng.below(3) {
                0 => None,
                1 => Some(AgeCondition {
                    min: Some(lo.min(hi)),
                    max: None,
                }),
                _ => Some(AgeCondition {
                    min: Some(lo.min(hi)),
                    max: Some(lo.max(hi)),
                }),
            };
            if rng.below(5) == 0 {
                s.valid = Validity {
                    from: None,
                    until: Some(NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()),
                };
            }
            services.push(s);
        }
        let dir = directory(services.clone());
        let r = RuleSet::new(&dir, RuleSetData::default()).unwrap();
        let router = Router::new(&r);
        for _ in 0..2_500 {
            let kern = &kernen[rng.below(kernen.len())];
            let need: dls_core::NeedCode = leaves[rng.below(leaves.len())].parse().unwrap();
            let age = rng.below(131) as i64;
            // The reference: every (service, area) that holds the kern and offers the need, in
            // the order layer (most specific first), priority (higher first), coverage id.
            let mut candidates: Vec<(Layer, i32, String, &Service)> = Vec::new();
            for s in &services {
                if !s.offers(&need) {
                    continue;
                }
                for a in &s.areas {
                    let holds = match a {
                        AreaRef::National => true,
                        AreaRef::Region(rid) => base
                            .regions
                            .iter()
                            .any(|g| &g.id == rid && g.municipalities.contains(&kern.municipality)),
                        AreaRef::Municipality(m) => *m == kern.municipality,
                        AreaRef::Kern(k) => *k == kern.id,
                    };
                    if holds {
                        candidates.push((
                            a.layer(),
                            s.priority.unwrap(),
                            format!("coverage:{}", s.id),
                            s,
                        ));
                        break;
                    }
                }
            }
            candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
            let expected = candidates
                .iter()
                .find(|(_, _, _, s)| {
                    s.valid.contains(date())
                        && s.eligibility.age.is_none_or(|c| {
                            c.min.is_none_or(|m| age >= m) && c.max.is_none_or(|m| age <= m)
                        })
                })
                .map_or("-".to_string(), |c| c.3.id.to_string());
            let case = CaseRow {
                id: "c",
                kern: kern.id.as_str(),
                needs: vec![need.as_str()],
                age: Some(age),
                ..CaseRow::default()
            }
            .to_case()
            .unwrap();
            let got = router
                .route_with(&case, date(), RouteOptions::FAST)
                .unwrap();
            assert_eq!(
                to(&got.needs[0]),
                expected,
                "round {round}, {kern:?}, {need}, age {age}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 100_000);
}
