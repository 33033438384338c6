//! Analysis of rules compared pairwise: ambiguity (an error) and shadowing (a warning).

use std::collections::{BTreeMap, HashSet};

use crate::areas::{AreaRef, Layer};
use crate::directory::Directory;
use crate::validation::{Location, ProblemKind, ValidationReport};

use super::compile::rule_order;
use super::{CompiledOverride, CompiledRule, CompiledTarget, RuleSetData};

/// Layer, area and domain of a group of rules compared pairwise.
type BucketKey = (Layer, String, String);

/// Ambiguity (error) and shadowing (warning), checked pairwise within buckets of equal layer
/// and priority whose areas can overlap.
pub(crate) fn analyse_pairs(
    dir: &Directory,
    data: &RuleSetData,
    rules: &[CompiledRule],
    overrides: &[CompiledOverride],
    report: &mut ValidationReport,
) {
    let areas = dir.areas();
    let overridden: Vec<bool> = {
        let mut v = vec![false; rules.len()];
        for o in overrides {
            v[o.rule] = true;
        }
        v
    };
    let pairs = candidate_pairs(dir, rules);
    let mut reported = HashSet::new();
    for (a, b) in pairs {
        let (ra, rb) = (&rules[a], &rules[b]);
        if !reported.insert((a.min(b), a.max(b))) {
            continue;
        }
        let needs_overlap = ra
            .needs
            .iter()
            .any(|m| rb.needs.iter().any(|n| m.overlaps(n)));
        if !needs_overlap
            || !ra.valid.overlaps(&rb.valid)
            || !ra.when.overlaps(&rb.when)
            || !areas.areas_overlap(&ra.areas, &rb.areas)
        {
            continue;
        }
        let (first, second) = if rule_order(data, rules, a, b).is_lt() {
            (a, b)
        } else {
            (b, a)
        };
        let (r1, r2) = (&rules[first], &rules[second]);
        let covers = areas.areas_within(&r2.areas, &r1.areas)
            && r2
                .needs
                .iter()
                .all(|n| r1.needs.iter().any(|m| n.within(m)))
            && r2.when.within(&r1.when)
            && r2.valid.within(&r1.valid);
        if covers
            && !overridden[first]
            && (r1.target == CompiledTarget::NotCovered || r1.target == r2.target)
        {
            let (id1, id2) = (&data.rules[first].id, &data.rules[second].id);
            report.warning(
                ProblemKind::Shadowed,
                Location::item(data.origins.file_of("rule", id2.as_str()).as_deref(), "rule", id2.as_str()),
                format!("rule `{id2}` can never decide: rule `{id1}` comes first and covers every case it covers"),
            );
        } else if r1.priority == r2.priority && r1.target != r2.target {
            let (id1, id2) = (&data.rules[first].id, &data.rules[second].id);
            report.error(
                ProblemKind::Ambiguous,
                Location::item(data.origins.file_of("rule", id2.as_str()).as_deref(), "rule", id2.as_str()).field("priority"),
                format!(
                    "rules `{id1}` and `{id2}` overlap in need, area, conditions and validity at equal priority {}: give one a higher priority",
                    r1.priority
                ),
            );
        }
    }
}

/// The pairs of rules (indexes) that could compete: same layer and domain, overlapping areas.
fn candidate_pairs(dir: &Directory, rules: &[CompiledRule]) -> Vec<(usize, usize)> {
    let areas = dir.areas();
    // Bucket by layer, area and domain: rules of one layer only compete where their areas
    // overlap, and within one layer two different kernen or municipalities never do. Regions
    // can share municipalities, so region buckets are also compared with those of every
    // overlapping region.
    let mut buckets: BTreeMap<BucketKey, Vec<usize>> = BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        let mut domains: Vec<&str> = r.needs.iter().map(|m| m.code().domain()).collect();
        domains.sort_unstable();
        domains.dedup();
        for d in domains {
            for area in &r.areas {
                buckets
                    .entry((r.layer, area.to_string(), d.to_string()))
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for members in buckets.values() {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                pairs.push((a, b));
            }
        }
    }
    let region_buckets: Vec<(&BucketKey, &Vec<usize>)> = buckets
        .iter()
        .filter(|((l, ..), _)| *l == Layer::Region)
        .collect();
    for (x, ((_, area_a, dom_a), ma)) in region_buckets.iter().enumerate() {
        for ((_, area_b, dom_b), mb) in &region_buckets[x + 1..] {
            if dom_a != dom_b || area_a == area_b {
                continue;
            }
            let (Ok(ra), Ok(rb)) = (area_a.parse::<AreaRef>(), area_b.parse::<AreaRef>()) else {
                continue;
            };
            if areas.overlap(&ra, &rb) {
                for &a in ma.iter() {
                    for &b in mb.iter() {
                        pairs.push((a, b));
                    }
                }
            }
        }
    }
    pairs
}
