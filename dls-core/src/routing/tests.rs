//! Unit tests of the index against the pilot.

use super::*;
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
    for rules in [pilot::rules(), crate::synthetic::pilot(3).1] {
        let router = Router::new(&rules);
        let inner = &*router.0;
        let dir = rules.directory();
        let areas = dir.areas();
        for (m, muni) in areas.municipalities().iter().enumerate() {
            let kernen: Vec<usize> = (0..areas.kernen().len())
                .filter(|&k| areas.municipality_of_kern(k) == m)
                .collect();
            for (n, need) in dir.taxonomy().needs().iter().enumerate() {
                let b = m * inner.n_needs + n;
                let got: Vec<(usize, u32)> = inner.entries
                    [inner.offsets[b] as usize..inner.offsets[b + 1] as usize]
                    .iter()
                    .map(|e| (e.rule as usize, e.kern))
                    .collect();
                let want: Vec<(usize, u32)> = rules
                    .order()
                    .iter()
                    .copied()
                    .filter(|&r| {
                        let c = &rules.rules()[r];
                        c.needs.iter().any(|x| x.matches(&need.code))
                            && kernen.iter().any(|&k| areas.contains_kern(&c.area, k))
                    })
                    .map(|r| {
                        let kern = match &rules.rules()[r].area {
                            AreaRef::Kern(k) => areas.kern_index(k.as_str()).unwrap() as u32,
                            _ => NONE,
                        };
                        (r, kern)
                    })
                    .collect();
                assert_eq!(got, want, "{} {}", muni.code, need.code);
            }
        }
    }
}

#[test]
fn the_fx_hasher_tells_keys_apart() {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let h = BuildHasherDefault::<Fx>::default();
    let a = h.hash_one("gm0001-k01");
    assert_eq!(a, h.hash_one("gm0001-k01"));
    assert_ne!(a, h.hash_one("gm0001-k02"));
    assert_ne!(h.hash_one("ab"), h.hash_one("ab\0"));
    let r = Router::new(&pilot::rules());
    assert_eq!(r.0.kern_lookup.len(), r.directory().areas().kernen().len());
    assert!(format!("{r:?}").starts_with("Router { rules: "));
}
