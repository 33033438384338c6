//! Unit tests of the index against the pilot.

use super::index::NONE;
use super::*;
use crate::areas::AreaRef;
use crate::pilot;

#[test]
fn router_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Router>();
    let r = Router::new(&pilot::rules());
    let r2 = r.clone();
    assert!(Arc::ptr_eq(&r.0, &r2.0));
}

/// Each (municipality, need) bucket holds exactly the rules that cover the need and apply
/// somewhere in the municipality, in routing order — for every declared need, leaf or not.
#[test]
fn buckets_hold_exactly_the_applicable_rules_in_routing_order() {
    let several_regions = crate::synthetic::Scale {
        municipalities: 7,
        min_kernen: 1,
        max_kernen: 4,
        regions: 3,
        capacity: crate::rules::CapacityPolicy::PreferShorterWait,
    };
    // and a municipality in two regions, with region rules of both for one need
    let (mut d, mut r) = crate::synthetic::data(&several_regions, 5);
    d.regions.push(crate::areas::Region {
        id: "extra".parse().unwrap(),
        name: "Extra".into(),
        municipalities: vec!["GM0001".parse().unwrap(), "GM0006".parse().unwrap()],
    });
    let extra: crate::rules::RuleSetData = toml::from_str(
        r#"
        [[rule]]
        id = "extra-g08"
        needs = ["zorg.g08.*"]
        area = "region:extra"
        target = "service:nat-g08"
        priority = 5
        "#,
    )
    .unwrap();
    r.merge(extra);
    let dir = crate::directory::Directory::new(d).unwrap().0;
    let overlapping = crate::rules::RuleSet::new(&dir, r).unwrap_or_else(|e| panic!("{e}"));
    for rules in [
        pilot::rules(),
        crate::synthetic::pilot(3).1,
        crate::synthetic::generate(&several_regions, 5).1,
        overlapping,
    ] {
        let router = Router::new(&rules);
        let dir = rules.directory();
        let areas = dir.areas();
        for (m, muni) in areas.municipalities().iter().enumerate() {
            let kernen: Vec<usize> = (0..areas.kernen().len())
                .filter(|&k| areas.municipality_of_kern(k) == m)
                .collect();
            for (n, need) in dir.taxonomy().needs().iter().enumerate() {
                let (a, b, c) = router.buckets(m as u32, n as u32);
                let got: Vec<(usize, u32)> = a
                    .iter()
                    .chain(b)
                    .chain(c)
                    .map(|e| (e.rule as usize, e.kern))
                    .collect();
                let mut want: Vec<usize> = rules
                    .order()
                    .iter()
                    .copied()
                    .filter(|&r| {
                        let c = &rules.rules()[r];
                        c.needs.iter().any(|x| x.matches(&need.code))
                            && kernen.iter().any(|&k| areas.any_contains_kern(&c.areas, k))
                    })
                    .collect();
                if rules.capacity_policy() == crate::rules::CapacityPolicy::PreferShorterWait {
                    let wait = |r: usize| match rules.rules()[r].target {
                        crate::rules::CompiledTarget::Service(s)
                        | crate::rules::CompiledTarget::Escalation(s) => dir.services()[s]
                            .capacity
                            .and_then(|c| c.waiting_weeks)
                            .unwrap_or(u32::MAX),
                        _ => u32::MAX,
                    };
                    want.sort_by_key(|&r| {
                        let c = &rules.rules()[r];
                        (
                            std::cmp::Reverse(c.layer),
                            std::cmp::Reverse(c.priority),
                            wait(r),
                        )
                    });
                }
                // a kern rule has an entry for each of its kernen in this municipality
                let want: Vec<(usize, u32)> = want
                    .into_iter()
                    .flat_map(|r| {
                        let mut ks: Vec<u32> = rules.rules()[r]
                            .areas
                            .iter()
                            .map(|a| match a {
                                AreaRef::Kern(k) => areas.kern_index(k.as_str()).unwrap() as u32,
                                _ => NONE,
                            })
                            .filter(|&k| k == NONE || kernen.contains(&(k as usize)))
                            .collect();
                        ks.sort_unstable();
                        ks.dedup();
                        ks.into_iter().map(move |k| (r, k))
                    })
                    .collect();
                assert_eq!(got, want, "{} {}", muni.code, need.code);
            }
        }
    }
}

#[test]
fn the_router_indexes_every_kern() {
    let r = Router::new(&pilot::rules());
    assert_eq!(r.0.kern_lookup.len(), r.directory().areas().kernen().len());
    assert!(format!("{r:?}").starts_with("Router { rules: "));
}
