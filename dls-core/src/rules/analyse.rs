//! Analysis of rules compared pairwise: shadowing (a warning) and ties (two rules at equal
//! priority that overlap and send a need to different places: a warning, an error under
//! `strict`).
//!
//! The analysis is exact (every pair that could compete is looked at) but does not go over
//! every pair of the rule set: rules are bucketed by layer, area and domain (two kernen or two
//! municipalities of one layer never overlap; a rule naming several areas is in the bucket of
//! each; regions of one domain share a bucket and are compared by their areas), and within a bucket indexed by need code, so a rule is only
//! compared with the earlier rules (in routing order) whose needs overlap its own. Nothing is
//! allocated per pair: a shadowed rule is reported once, with the first rule (in routing order)
//! that shadows it, and ties are counted, the first [`MAX_LISTED`] listed and the rest summed
//! up in one line.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use rayon::prelude::*;

use crate::areas::{AreaRef, Layer};
use crate::directory::Directory;
use crate::taxonomy::NeedMatcher;
use crate::validation::{Location, ProblemKind, ValidationReport};

use super::compile::rule_order;
use super::{CompiledOverride, CompiledRule, CompiledTarget, RuleSetData};

use crate::limits::MAX_LISTED;

/// What the pairwise analysis found, as rule indexes (into the rule list).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PairFindings {
    /// `(shadowed, first shadowing rule)` for each shadowed rule, in routing order of the
    /// shadowed rule.
    pub(crate) shadowed: Vec<(usize, usize)>,
    /// Ties `(first, second)` in routing order, at most the cap asked for.
    pub(crate) ties: Vec<(usize, usize)>,
    /// The number of ties, listed or not.
    pub(crate) ties_total: usize,
}

/// Bucket key: layer, area (empty for the region layer, whose areas are compared pairwise)
/// and domain.
type BucketKey<'a> = (Layer, String, &'a str);

/// Shadowing (warning) and ties (warning, or error when the rule set is strict), reported
/// into `report`.
pub(crate) fn analyse_pairs(
    dir: &Directory,
    data: &RuleSetData,
    rules: &[CompiledRule],
    overrides: &[CompiledOverride],
    report: &mut ValidationReport,
) {
    let found = find(dir, data, rules, overrides, MAX_LISTED);
    let file = |id: &str| data.origins.file_of("rule", id);
    for &(second, first) in found.shadowed.iter().take(MAX_LISTED) {
        let (id1, id2) = (&data.rules[first].id, &data.rules[second].id);
        report.warning(
            ProblemKind::Shadowed,
            Location::item(file(id2.as_str()).as_deref(), "rule", id2.as_str()),
            format!("rule `{id2}` can never decide: rule `{id1}` comes first and covers every case it covers"),
        );
    }
    if found.shadowed.len() > MAX_LISTED {
        report.warning(
            ProblemKind::Shadowed,
            Location::default().field("rule"),
            format!(
                "and {} more rules that can never decide (only the first {MAX_LISTED} are listed)",
                found.shadowed.len() - MAX_LISTED
            ),
        );
    }
    let mut tie = |loc: Location, message: String| {
        if data.strict {
            report.error(ProblemKind::Ambiguous, loc, message);
        } else {
            report.warning(ProblemKind::Ambiguous, loc, message);
        }
    };
    for &(first, second) in &found.ties {
        let (id1, id2) = (&data.rules[first].id, &data.rules[second].id);
        tie(
            Location::item(file(id2.as_str()).as_deref(), "rule", id2.as_str()).field("priority"),
            format!(
                "rules `{id1}` and `{id2}` overlap in need, area, conditions and validity at equal priority {}: `{id1}` goes first by id; give one a higher priority to say which",
                rules[first].priority
            ),
        );
    }
    if found.ties_total > found.ties.len() {
        tie(
            Location::default().field("priority"),
            format!(
                "and {} more pairs of rules that overlap at equal priority (only the first {} are listed)",
                found.ties_total - found.ties.len(),
                found.ties.len()
            ),
        );
    }
}

/// The areas of two rules: whether they overlap, and whether the second's lie within the
/// first's, remembered per pair of distinct area lists (there are few), so that no pair of
/// rules costs an allocation.
struct AreaRelations<'a> {
    dir: &'a Directory,
    /// The id of each rule's area list.
    list: &'a [u32],
    cache: HashMap<(u32, u32), (bool, bool)>,
}

impl AreaRelations<'_> {
    /// `(overlap, areas of b within areas of a)`.
    fn get(&mut self, rules: &[CompiledRule], a: usize, b: usize) -> (bool, bool) {
        let (la, lb) = (self.list[a], self.list[b]);
        if la == lb {
            return (true, true);
        }
        let areas = self.dir.areas();
        *self.cache.entry((la, lb)).or_insert_with(|| {
            (
                areas.areas_overlap(&rules[a].areas, &rules[b].areas),
                areas.areas_within(&rules[b].areas, &rules[a].areas),
            )
        })
    }
}

/// What one bucket finds: `(rule, first rule in the bucket that shadows it)`, and its ties (at
/// most the cap asked for) and their count.
#[derive(Default)]
struct BucketFindings {
    shadows: Vec<(usize, usize)>,
    ties: Vec<(usize, usize)>,
    ties_total: usize,
}

/// What a worker reuses from bucket to bucket: never one allocation per pair.
struct Worker<'a> {
    relations: AreaRelations<'a>,
    seen: Vec<u32>,
    candidates: Vec<u32>,
    scratch: String,
}

/// The pairwise findings; at most `max_ties` ties are listed (all are counted).
pub(crate) fn find(
    dir: &Directory,
    data: &RuleSetData,
    rules: &[CompiledRule],
    overrides: &[CompiledOverride],
    max_ties: usize,
) -> PairFindings {
    let mut overridden = vec![false; rules.len()];
    for o in overrides {
        overridden[o.rule] = true;
    }
    // the (area, domain) buckets of each rule, sorted: a pair is looked at in the first
    // bucket the two rules share (a rule may name several areas and needs of several domains)
    let keys: Vec<Vec<(String, &str)>> = rules
        .iter()
        .map(|r| {
            let mut d: Vec<&str> = r.needs.iter().map(|m| m.code().domain()).collect();
            d.sort_unstable();
            d.dedup();
            let areas: Vec<String> = match r.layer {
                Layer::Region => vec![String::new()],
                _ => r.areas.iter().map(ToString::to_string).collect(),
            };
            let mut k: Vec<(String, &str)> = areas
                .iter()
                .flat_map(|a| d.iter().map(move |&d| (a.clone(), d)))
                .collect();
            k.sort_unstable();
            k.dedup();
            k
        })
        .collect();
    let mut buckets: BTreeMap<BucketKey<'_>, Vec<usize>> = BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        for (area, d) in &keys[i] {
            buckets
                .entry((r.layer, area.clone(), d))
                .or_default()
                .push(i);
        }
    }
    let order = |a: &usize, b: &usize| rule_order(data, rules, *a, *b);
    let mut lists: HashMap<&[AreaRef], u32> = HashMap::new();
    let list: Vec<u32> = rules
        .iter()
        .map(|r| {
            let n = lists.len() as u32;
            *lists.entry(r.areas.as_slice()).or_insert(n)
        })
        .collect();
    // Each bucket is looked at on its own, in parallel; each worker keeps its own buffers and
    // area cache (a pure memo). What a bucket finds is joined in bucket order below, so the
    // findings are the same for any number of threads.
    let mut buckets: Vec<(BucketKey<'_>, Vec<usize>)> = buckets.into_iter().collect();
    let per_bucket: Vec<BucketFindings> = buckets
        .par_iter_mut()
        .map_init(
            || Worker {
                relations: AreaRelations {
                    dir,
                    list: &list,
                    cache: HashMap::new(),
                },
                seen: Vec::new(),
                candidates: Vec::new(),
                scratch: String::new(),
            },
            |w, ((_, area, domain), members)| {
                let mut out = BucketFindings::default();
                members.sort_by(order);
                // need code -> (position in `members`, matcher is a subtree) of the rules with a
                // matcher on that code, filled as the walk goes, so it only holds earlier rules
                let mut by_code: BTreeMap<&str, Vec<(u32, bool)>> = BTreeMap::new();
                w.seen.clear();
                w.seen.resize(members.len(), u32::MAX);
                for (j, &b) in members.iter().enumerate() {
                    let rb = &rules[b];
                    w.candidates.clear();
                    let seen = &mut w.seen;
                    let mut add = |i: u32, candidates: &mut Vec<u32>| {
                        if seen[i as usize] != j as u32 {
                            seen[i as usize] = j as u32;
                            candidates.push(i);
                        }
                    };
                    // every candidate found here has a matcher that overlaps one of `rb`'s
                    for n in &rb.needs {
                        let code = n.code().as_str();
                        // any matcher on the code itself; subtrees on its ancestors
                        if let Some(list) = by_code.get(code) {
                            list.iter().for_each(|&(i, _)| add(i, &mut w.candidates));
                        }
                        let mut end = code.len();
                        while let Some(dot) = code[..end].rfind('.') {
                            end = dot;
                            if let Some(list) = by_code.get(&code[..end]) {
                                for &(i, subtree) in list {
                                    if subtree {
                                        add(i, &mut w.candidates);
                                    }
                                }
                            }
                        }
                        // a subtree also overlaps every matcher below it
                        if let NeedMatcher::Subtree(_) = n {
                            w.scratch.clear();
                            w.scratch.push_str(code);
                            w.scratch.push('.');
                            let from = (Bound::Included(w.scratch.as_str()), Bound::Unbounded);
                            for (k, list) in by_code.range::<&str, _>(from) {
                                if !k.starts_with(w.scratch.as_str()) {
                                    break;
                                }
                                list.iter().for_each(|&(i, _)| add(i, &mut w.candidates));
                            }
                        }
                    }
                    w.candidates.sort_unstable();
                    // candidates come in routing order: once one shadows `rb`, later ones can only
                    // matter as ties, which need equal priority
                    let mut shadow_found = false;
                    for &i in &w.candidates {
                        let a = members[i as usize];
                        let ra = &rules[a];
                        let same_priority = ra.priority == rb.priority;
                        if shadow_found && !same_priority {
                            continue;
                        }
                        if !ra.when.overlaps(&rb.when) || !ra.valid.overlaps(&rb.valid) {
                            continue;
                        }
                        let (areas_overlap, b_within_a) = w.relations.get(rules, a, b);
                        if !areas_overlap {
                            continue;
                        }
                        // `a` comes first in routing order
                        let covers = b_within_a
                            && rb.when.within(&ra.when)
                            && rb.valid.within(&ra.valid)
                            && rb
                                .needs
                                .iter()
                                .all(|n| ra.needs.iter().any(|m| n.within(m)));
                        if covers
                            && !overridden[a]
                            && (ra.target == CompiledTarget::NotCovered || ra.target == rb.target)
                        {
                            if !shadow_found {
                                shadow_found = true;
                                out.shadows.push((b, a));
                            }
                        } else if same_priority
                            && ra.target != rb.target
                            && first_shared(&keys[a], &keys[b]) == Some((area.as_str(), *domain))
                        {
                            out.ties_total += 1;
                            if out.ties.len() < max_ties {
                                out.ties.push((a, b));
                            }
                        }
                    }
                    for n in &rb.needs {
                        let subtree = matches!(n, NeedMatcher::Subtree(_));
                        by_code
                            .entry(n.code().as_str())
                            .or_default()
                            .push((j as u32, subtree));
                    }
                }
                out
            },
        )
        .collect();
    // the first shadowing rule of each rule (in routing order) over all its buckets
    let mut shadow_of: Vec<Option<usize>> = vec![None; rules.len()];
    let mut found = PairFindings::default();
    for bucket in per_bucket {
        for (b, a) in bucket.shadows {
            let earlier = match shadow_of[b] {
                Some(s) => order(&a, &s).is_lt(),
                None => true,
            };
            if earlier {
                shadow_of[b] = Some(a);
            }
        }
        found.ties_total += bucket.ties_total;
        let room = max_ties.saturating_sub(found.ties.len());
        found.ties.extend(bucket.ties.into_iter().take(room));
    }
    let mut shadowed: Vec<usize> = (0..rules.len())
        .filter(|&r| shadow_of[r].is_some())
        .collect();
    shadowed.sort_by(order);
    found.shadowed = shadowed
        .into_iter()
        .filter_map(|r| shadow_of[r].map(|s| (r, s)))
        .collect();
    found
}

/// The first (area, domain) bucket in both sorted lists.
fn first_shared<'a>(
    a: &'a [(String, &'a str)],
    b: &[(String, &str)],
) -> Option<(&'a str, &'a str)> {
    a.iter()
        .find(|k| b.contains(k))
        .map(|(area, d)| (area.as_str(), *d))
}
