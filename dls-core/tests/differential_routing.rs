//! Differential routing (issue 13): the indexed router against a naive reference router on
//! generated directories, rule sets and cases, with 0 differences allowed.
//!
//! The reference is written from DESIGN.md ("Routing one need") and shares nothing with the
//! router but the data types and the per-attribute checks (conditions, eligibility): for each
//! need it loops over every rule of the rule set's data, keeps those whose need matcher covers
//! the need, whose areas hold the case's kern (containment computed here from the kern's
//! municipality and the regions' member lists), that are valid on the date and that no
//! replacement or switch-off valid on the date takes out inside an area holding the kern; sorts
//! them by layer (most specific first), priority (higher first), the shorter waiting time under
//! `prefer_shorter_wait`, and rule id; and walks them as the ladder says. The steunpilaar of a
//! kern is found by a loop over the named areas (most specific holding the kern; between
//! regions, the first in the directory's order).
//!
//! The default run routes 50,000 cases over 24 generated worlds. The full run of the issue
//! (1,000,000 cases over 200 worlds) is a documented command, not part of the test command:
//!
//! ```text
//! DLS_DIFFERENTIAL_CASES=1000000 cargo test --release -p dls-core --test differential_routing
//! ```

use chrono::NaiveDate;
use dls_core::areas::AreaRef;
use dls_core::conditions::ConditionMask;
use dls_core::routing::{GapReason, HouseholdDecision, Outcome, RouteOptions, Router};
use dls_core::rules::{CapacityPolicy, Rule, Target};
use dls_core::synthetic::{self, Scale};
use dls_core::{Case, Directory, KernId, Layer, RuleSet, ServiceId};

/// What one need was decided: the outcome, the deciding rule, cannot-get-through.
type Decided = (Outcome, Option<String>, bool);

/// Does `area` hold `kern`? From the directory's lists, without its index.
fn holds(dir: &Directory, area: &AreaRef, kern: &KernId) -> bool {
    let areas = dir.areas();
    let Some(k) = areas.kernen().iter().find(|k| &k.id == kern) else {
        return false;
    };
    match area {
        AreaRef::National => true,
        AreaRef::Kern(id) => id == kern,
        AreaRef::Municipality(m) => *m == k.municipality,
        AreaRef::Region(r) => areas
            .regions()
            .iter()
            .any(|reg| &reg.id == r && reg.municipalities.contains(&k.municipality)),
    }
}

fn layer_rank(l: Layer) -> u8 {
    match l {
        Layer::National => 0,
        Layer::Region => 1,
        Layer::Municipality => 2,
        Layer::Kern => 3,
    }
}

/// The steunpilaar of `kern`: the named area holding it of the most specific layer; between
/// regions, the first in the directory's order.
fn steunpilaar(rules: &RuleSet, kern: &KernId) -> Option<ServiceId> {
    let dir = rules.directory();
    let region_pos = |a: &AreaRef| match a {
        AreaRef::Region(r) => dir
            .areas()
            .regions()
            .iter()
            .position(|x| &x.id == r)
            .unwrap_or(usize::MAX),
        _ => 0,
    };
    rules
        .data()
        .steunpilaar
        .iter()
        .filter(|s| holds(dir, &s.area, kern))
        .min_by_key(|s| {
            (
                std::cmp::Reverse(layer_rank(s.area.layer())),
                region_pos(&s.area),
            )
        })
        .map(|s| s.service.clone())
}

/// Is rule `r` taken out in `kern` on `date` by a replacement or a switch-off?
fn taken_out(rules: &RuleSet, r: &Rule, kern: &KernId, date: NaiveDate) -> bool {
    let dir = rules.directory();
    let data = rules.data();
    let by_rule = data.rules.iter().any(|q| {
        q.replaces.contains(&r.id)
            && q.valid.contains(date)
            && q.areas.iter().any(|a| holds(dir, a, kern))
    });
    let by_switch = data
        .switch_off
        .iter()
        .any(|s| s.rules.contains(&r.id) && s.valid.contains(date) && holds(dir, &s.area, kern));
    by_rule || by_switch
}

/// The naive reference router.
fn reference(rules: &RuleSet, case: &Case, date: NaiveDate) -> Vec<Decided> {
    let dir = rules.directory();
    let policy = rules.capacity_policy();
    let tried = case.situation().tried();
    let service = |id: &ServiceId| dir.services().iter().find(|s| &s.id == id).unwrap();
    // Ok, or Err(cannot get through)
    let usable = |id: &ServiceId| -> Result<(), bool> {
        let svc = service(id);
        let eligible = dir
            .eligibility_of(id)
            .unwrap()
            .admits(dir.vocabulary(), case.attributes())
            .unwrap();
        if !svc.valid.contains(date) || eligible.is_some() {
            return Err(false);
        }
        if policy != CapacityPolicy::Ignore && svc.capacity.is_some_and(|c| c.is_full()) {
            return Err(false);
        }
        if tried.iter().any(|t| &t.service == id) {
            return Err(true);
        }
        Ok(())
    };
    let front_door = steunpilaar(rules, case.kern());
    let contact = |id: &ServiceId| (id.clone(), service(id).organisation.clone());
    let mut out = Vec::new();
    for need in case.needs() {
        let mut candidates: Vec<&Rule> = rules
            .data()
            .rules
            .iter()
            .filter(|r| {
                r.needs.iter().any(|m| m.matches(&need.need))
                    && r.areas.iter().any(|a| holds(dir, a, case.kern()))
                    && r.valid.contains(date)
                    && !taken_out(rules, r, case.kern(), date)
            })
            .collect();
        let wait = |r: &Rule| match (&r.target, policy) {
            (Target::Service(s) | Target::Escalation(s), CapacityPolicy::PreferShorterWait) => {
                service(s)
                    .capacity
                    .and_then(|c| c.waiting_weeks)
                    .unwrap_or(u32::MAX)
            }
            // the steunpilaar and `not_covered` state no waiting time: after those that do
            _ => u32::MAX,
        };
        candidates.sort_by(|a, b| {
            layer_rank(b.layer())
                .cmp(&layer_rank(a.layer()))
                .then(b.priority.cmp(&a.priority))
                .then(wait(a).cmp(&wait(b)))
                .then(a.id.cmp(&b.id))
        });
        let mut cannot_get_through = false;
        let mut decided: Option<(Outcome, Option<String>)> = None;
        for r in &candidates {
            if ConditionMask::compile_in(&r.when, dir.vocabulary())
                .unwrap()
                .admits(dir.vocabulary(), case.attributes())
                .unwrap()
                .is_some()
            {
                continue;
            }
            let id = match &r.target {
                Target::NotCovered => {
                    decided = Some((
                        Outcome::Gap {
                            reason: GapReason::NotCovered,
                        },
                        Some(r.id.to_string()),
                    ));
                    break;
                }
                Target::Service(s) | Target::Escalation(s) => s.clone(),
                Target::Steunpilaar => match &front_door {
                    Some(s) => s.clone(),
                    None => continue,
                },
            };
            match usable(&id) {
                Ok(()) => {
                    let (service, organisation) = contact(&id);
                    let outcome = match &r.target {
                        Target::Escalation(_) => Outcome::Escalation {
                            service,
                            organisation,
                        },
                        Target::Steunpilaar => Outcome::Steunpilaar {
                            service,
                            organisation,
                            fallback: false,
                        },
                        _ => Outcome::Service {
                            service,
                            organisation,
                        },
                    };
                    decided = Some((outcome, Some(r.id.to_string())));
                    break;
                }
                Err(t) => cannot_get_through |= t,
            }
        }
        let (outcome, rule) = match decided {
            Some(d) => d,
            None => {
                let gap = Outcome::Gap {
                    reason: if candidates.is_empty() {
                        GapReason::NoRule
                    } else {
                        GapReason::AllSkipped
                    },
                };
                let outcome = match &front_door {
                    Some(s) => match usable(s) {
                        Ok(()) => {
                            let (service, organisation) = contact(s);
                            Outcome::Steunpilaar {
                                service,
                                organisation,
                                fallback: true,
                            }
                        }
                        Err(t) => {
                            cannot_get_through |= t;
                            gap
                        }
                    },
                    None => gap,
                };
                (outcome, None)
            }
        };
        out.push((outcome, rule, cannot_get_through));
    }
    out
}

fn compare(rules: &RuleSet, case: &Case, date: NaiveDate, got: &HouseholdDecision) -> bool {
    let ours: Vec<Decided> = got
        .needs
        .iter()
        .map(|n| {
            (
                n.outcome.clone(),
                n.rule.as_ref().map(|r| r.to_string()),
                n.cannot_get_through,
            )
        })
        .collect();
    let mut orgs: Vec<_> = got
        .needs
        .iter()
        .filter_map(|n| n.outcome.organisation())
        .collect();
    orgs.sort();
    orgs.dedup();
    ours == reference(rules, case, date) && got.coordinator.is_some() == (orgs.len() >= 2)
}

/// Routes `total` generated cases over generated worlds; returns (cases, needs, differences
/// with the first few described).
fn run(total: usize) -> (usize, usize, Vec<String>, [usize; 6]) {
    let worlds = (total / 5_000).max(24);
    let per_world = total.div_ceil(worlds);
    let policies = [
        CapacityPolicy::Ignore,
        CapacityPolicy::SkipFull,
        CapacityPolicy::PreferShorterWait,
    ];
    let (mut cases, mut needs, mut diffs) = (0, 0, Vec::new());
    // services, escalations, steunpilaar by rule, steunpilaar as fallback, gaps, cannot get
    // through: the ladder's every rung is exercised
    let mut kinds = [0usize; 6];
    let mut world_diffs = 0usize;
    for w in 0..worlds {
        let scale = Scale {
            municipalities: 1 + w % 5,
            min_kernen: 1 + w % 3,
            max_kernen: 1 + w % 3 + (w / 3) % 5,
            regions: 1 + w % 2,
            capacity: policies[w % 3],
        };
        let seed = 0xD1FF ^ (w as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let (dir, rules) = synthetic::generate(&scale, seed);
        let router = Router::new(&rules);
        let generated = synthetic::cases(&dir, per_world, seed ^ 0xCA5E);
        for (i, c) in generated.iter().enumerate() {
            // the case's own date, and dates before, inside and past the rules' validity
            let date = match i % 4 {
                0 => c.opened().unwrap_or_default(),
                k => NaiveDate::from_ymd_opt(2023 + k as i32 * 2, 1 + (i % 12) as u32, 1).unwrap(),
            };
            let got = router.route_with(c, date, RouteOptions::FAST).unwrap();
            cases += 1;
            needs += got.needs.len();
            for n in &got.needs {
                kinds[match &n.outcome {
                    Outcome::Service { .. } => 0,
                    Outcome::Escalation { .. } => 1,
                    Outcome::Steunpilaar {
                        fallback: false, ..
                    } => 2,
                    Outcome::Steunpilaar { .. } => 3,
                    Outcome::Gap { .. } => 4,
                }] += 1;
                kinds[5] += n.cannot_get_through as usize;
            }
            if !compare(&rules, c, date, &got) {
                world_diffs += 1;
                if diffs.len() < 5 {
                    diffs.push(format!(
                        "world {w}, case {} on {date}: router {:?}, reference {:?}",
                        c.id(),
                        got.needs.iter().map(|n| &n.outcome).collect::<Vec<_>>(),
                        reference(&rules, c, date)
                    ));
                }
            }
        }
    }
    if world_diffs > diffs.len() {
        diffs.push(format!("… {world_diffs} differences in all"));
    }
    (cases, needs, diffs, kinds)
}

#[test]
fn the_router_agrees_with_a_naive_reference_on_generated_worlds() {
    let total = std::env::var("DLS_DIFFERENTIAL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let (cases, needs, diffs, kinds) = run(total);
    eprintln!(
        "{cases} cases, {needs} needs routed: {} differences; services, escalations, \
         steunpilaar by rule, steunpilaar as fallback, gaps, cannot get through: {kinds:?}",
        diffs.len()
    );
    assert!(cases >= total);
    assert!(
        kinds.iter().all(|&k| k > 0),
        "a rung never reached: {kinds:?}"
    );
    assert!(diffs.is_empty(), "{diffs:#?}");
}
