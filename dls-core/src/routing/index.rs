//! Compiling a [`RuleSet`] into a [`Router`]: the lookup tables and the per-need buckets that
//! routing walks (see "Performance and determinism" in the module docs).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::areas::{AreaRef, Areas, Layer};
use crate::conditions::{DeclaredTests, HotMask};
use crate::directory::Directory;
use crate::ids::{OrganisationId, RuleId, ServiceId};
use crate::rules::{CapacityPolicy, CompiledTarget, RuleSet};
use crate::taxonomy::{NeedMatcher, Taxonomy};
use crate::validity::Validity;

use super::Router;

pub(super) const NONE: u32 = u32::MAX;

/// One rule in a (municipality, need) bucket, with everything routing tests inline, so a walk
/// over a bucket reads consecutive memory.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub(super) rule: u32,
    /// The only kern the rule applies in (kern layer), or `NONE`.
    pub(super) kern: u32,
    pub(super) hot: HotRule,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum HotTarget {
    Service(u32),
    Escalation(u32),
    Steunpilaar,
    NotCovered,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct HotRule {
    pub(super) layer: Layer,
    pub(super) valid: Validity,
    pub(super) when: HotMask,
    pub(super) target: HotTarget,
    /// Range into `overrides`.
    pub(super) overrides: (u32, u32),
}

#[derive(Debug, Clone)]
pub(super) struct RuleMeta {
    /// The rule's first area: its layer, and the area an out-of-area verdict names.
    pub(super) area: AreaRef,
    pub(super) target: crate::rules::Target,
    pub(super) priority: i32,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum HotArea {
    National,
    Region(u32),
    Municipality(u32),
    Kern(u32),
    Nowhere,
}

#[derive(Debug, Clone)]
pub(super) struct HotOverride {
    pub(super) area: HotArea,
    pub(super) valid: Validity,
    /// Index into [`RuleSet::overrides`].
    pub(super) index: u32,
}

#[derive(Debug, Clone)]
pub(super) struct HotService {
    pub(super) valid: Validity,
    pub(super) eligibility: HotMask,
    /// Full and the rule set says capacity counts.
    pub(super) full: bool,
    /// Waiting weeks in the directory, `u32::MAX` when not known (for the trace).
    pub(super) waiting_weeks: u32,
    pub(super) organisation: u32,
}

/// The router's lookup tables: keys come from the validated directory; callers only look up.
pub(super) type FxMap<V> = crate::hash::FxMap<Box<str>, V>;

pub(super) struct Inner {
    pub(super) rules: RuleSet,
    /// The rule set says capacity counts (its policy is not `ignore`).
    pub(super) capacity_counts: bool,
    pub(super) kern_lookup: FxMap<u32>,
    pub(super) need_lookup: FxMap<u32>,
    pub(super) n_needs: usize,
    pub(super) kern_municipality: Vec<u32>,
    pub(super) municipality_regions: Vec<Vec<u32>>,
    /// The region group of each municipality: municipalities in the same regions share one.
    pub(super) municipality_group: Vec<u32>,
    pub(super) n_municipalities: usize,
    pub(super) n_groups: usize,
    /// Bucket `b` is `entries[offsets[b]..offsets[b + 1]]`, in routing order. Per need `n`, three
    /// rows: the kern and municipality layers of municipality `m` at `m * n_needs + n`, the
    /// region layer of region group `g` at `(n_municipalities + g) * n_needs + n`, and the
    /// national layer at `(n_municipalities + n_groups) * n_needs + n`. Layers come first in
    /// routing order, so walking the three in turn walks the rules in routing order.
    pub(super) offsets: Vec<u32>,
    pub(super) entries: Vec<Entry>,
    /// Rule ids by rule index, and (service, organisation) ids by service index, compact.
    pub(super) rule_ids: Vec<RuleId>,
    pub(super) service_ids: Vec<(ServiceId, OrganisationId)>,
    /// What traces show of each rule, compact.
    pub(super) rule_meta: Vec<RuleMeta>,
    pub(super) overrides: Vec<HotOverride>,
    pub(super) services: Vec<HotService>,
    pub(super) steunpilaar: Vec<u32>,
    pub(super) coordinator: Vec<u32>,
    /// The tests on declared attributes of the rules' and services' masks.
    pub(super) declared_tests: DeclaredTests,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("rules", &self.0.rule_ids.len())
            .field("services", &self.0.services.len())
            .field("kernen", &self.0.kern_municipality.len())
            .field("needs", &self.0.n_needs)
            .field("index_entries", &self.0.entries.len())
            .finish()
    }
}

/// Where the kernen, municipalities and regions sit, as indexes, and the region groups:
/// municipalities that lie in the same regions share their region-layer buckets.
struct Geography {
    kern_municipality: Vec<u32>,
    municipality_regions: Vec<Vec<u32>>,
    municipality_group: Vec<u32>,
    groups_of_region: Vec<Vec<u32>>,
    n_groups: usize,
}

impl Geography {
    fn new(areas: &Areas) -> Geography {
        let kern_municipality: Vec<u32> = (0..areas.kernen().len())
            .map(|k| areas.municipality_of_kern(k) as u32)
            .collect();
        let municipality_regions: Vec<Vec<u32>> = (0..areas.municipalities().len())
            .map(|m| {
                areas
                    .regions_of_municipality(m)
                    .iter()
                    .map(|&r| r as u32)
                    .collect()
            })
            .collect();
        let mut group_of_set: BTreeMap<&[u32], u32> = BTreeMap::new();
        let municipality_group: Vec<u32> = municipality_regions
            .iter()
            .map(|set| {
                let next = group_of_set.len() as u32;
                *group_of_set.entry(set.as_slice()).or_insert(next)
            })
            .collect();
        let n_groups = group_of_set.len();
        let mut groups_of_region: Vec<Vec<u32>> = vec![Vec::new(); areas.regions().len()];
        for (set, &g) in &group_of_set {
            for &r in set.iter() {
                groups_of_region[r as usize].push(g);
            }
        }
        Geography {
            kern_municipality,
            municipality_regions,
            municipality_group,
            groups_of_region,
            n_groups,
        }
    }
}

/// An area as indexes.
fn hot_area(areas: &Areas, a: &AreaRef) -> HotArea {
    let idx = match a {
        AreaRef::National => return HotArea::National,
        AreaRef::Region(r) => areas
            .region_index(r.as_str())
            .map(|i| HotArea::Region(i as u32)),
        AreaRef::Municipality(m) => areas
            .municipality_index(m.as_str())
            .map(|i| HotArea::Municipality(i as u32)),
        AreaRef::Kern(k) => areas
            .kern_index(k.as_str())
            .map(|i| HotArea::Kern(i as u32)),
    };
    idx.unwrap_or(HotArea::Nowhere)
}

/// The needs of the taxonomy by code, to expand need matchers into taxonomy indexes.
struct NeedCodes<'a>(BTreeMap<&'a str, u32>);

impl<'a> NeedCodes<'a> {
    fn new(tax: &'a Taxonomy) -> NeedCodes<'a> {
        let mut codes = BTreeMap::new();
        for (i, n) in tax.needs().iter().enumerate() {
            codes.insert(n.code.as_str(), i as u32);
        }
        NeedCodes(codes)
    }

    /// The needs (taxonomy indexes) some matcher covers, sorted and without repeats.
    fn covered_by(&self, matchers: &[NeedMatcher]) -> Vec<u32> {
        let mut out = Vec::new();
        for m in matchers {
            let c = m.code().as_str();
            if let Some(&i) = self.0.get(c) {
                out.push(i);
            }
            if matches!(m, NeedMatcher::Subtree(_)) {
                let lo = format!("{c}.");
                let hi = format!("{c}/");
                out.extend(self.0.range(lo.as_str()..hi.as_str()).map(|(_, &i)| i));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The routing rank of each rule: [`RuleSet::order`], and under
/// [`CapacityPolicy::PreferShorterWait`] the shorter waiting time first among rules of equal
/// layer and priority.
fn routing_rank(rules: &RuleSet) -> Vec<u32> {
    let (dir, compiled) = (rules.directory(), rules.rules());
    let mut order: Vec<usize> = rules.order().to_vec();
    if rules.capacity_policy() == CapacityPolicy::PreferShorterWait {
        let wait = |r: usize| match compiled[r].target {
            CompiledTarget::Service(s) | CompiledTarget::Escalation(s) => dir.services()[s]
                .capacity
                .and_then(|c| c.waiting_weeks)
                .unwrap_or(u32::MAX),
            _ => u32::MAX,
        };
        // stable: ties keep the rule-id order of `RuleSet::order`
        order.sort_by_key(|&r| {
            (
                std::cmp::Reverse(compiled[r].layer),
                std::cmp::Reverse(compiled[r].priority),
                wait(r),
            )
        });
    }
    let mut rank = vec![0u32; compiled.len()];
    for (pos, &r) in order.iter().enumerate() {
        rank[r] = pos as u32;
    }
    rank
}

/// Each rule's hot part, and the overrides of all rules: per rule, most specific layer first,
/// then by id, so the order is deterministic.
fn hot_rules(rules: &RuleSet, tests: &mut DeclaredTests) -> (Vec<HotRule>, Vec<HotOverride>) {
    let areas = rules.directory().areas();
    let (compiled, all_overrides) = (rules.rules(), rules.overrides());
    let mut by_rule: Vec<Vec<usize>> = vec![Vec::new(); compiled.len()];
    for (i, o) in all_overrides.iter().enumerate() {
        by_rule[o.rule].push(i);
    }
    let mut overrides = Vec::new();
    let mut hot = Vec::with_capacity(compiled.len());
    for (rule, list) in compiled.iter().zip(&mut by_rule) {
        list.sort_by(|&a, &b| {
            let (oa, ob) = (&all_overrides[a], &all_overrides[b]);
            ob.area
                .layer()
                .cmp(&oa.area.layer())
                .then_with(|| oa.by.cmp(&ob.by))
        });
        let start = overrides.len() as u32;
        for &i in list.iter() {
            let o = &all_overrides[i];
            overrides.push(HotOverride {
                area: hot_area(areas, &o.area),
                valid: o.valid,
                index: i as u32,
            });
        }
        hot.push(HotRule {
            layer: rule.layer,
            valid: rule.valid,
            when: rule.when.hot(tests),
            target: match rule.target {
                CompiledTarget::Service(s) => HotTarget::Service(s as u32),
                CompiledTarget::Escalation(s) => HotTarget::Escalation(s as u32),
                CompiledTarget::Steunpilaar => HotTarget::Steunpilaar,
                CompiledTarget::NotCovered => HotTarget::NotCovered,
            },
            overrides: (start, overrides.len() as u32),
        });
    }
    (hot, overrides)
}

/// The buckets, as `(offsets, entries)`: see [`Inner::offsets`].
fn buckets(rules: &RuleSet, geo: &Geography, hot: &[HotRule]) -> (Vec<u32>, Vec<Entry>) {
    let dir = rules.directory();
    let areas = dir.areas();
    let n_needs = dir.taxonomy().needs().len();
    let n_munis = areas.municipalities().len();
    let codes = NeedCodes::new(dir.taxonomy());
    let rank = routing_rank(rules);
    // (bucket, rank, rule, kern)
    let mut all: Vec<(u32, u32, u32, u32)> = Vec::new();
    for (r, rule) in rules.rules().iter().enumerate() {
        let needs = codes.covered_by(&rule.needs);
        if needs.is_empty() {
            continue;
        }
        // `level` is the bucket row: a municipality, a region group, or the nation
        let mut push = |level: usize, kern: u32| {
            for &n in &needs {
                let b = (level * n_needs + n as usize) as u32;
                all.push((b, rank[r], r as u32, kern));
            }
        };
        for area in &rule.areas {
            match hot_area(areas, area) {
                HotArea::National => push(n_munis + geo.n_groups, NONE),
                HotArea::Region(ri) => {
                    for &g in &geo.groups_of_region[ri as usize] {
                        push(n_munis + g as usize, NONE);
                    }
                }
                HotArea::Municipality(mi) => push(mi as usize, NONE),
                HotArea::Kern(k) => push(geo.kern_municipality[k as usize] as usize, k),
                HotArea::Nowhere => {}
            }
        }
    }
    // (bucket, rank) first, as routing walks them; a rule whose areas meet in one bucket
    // (two regions sharing a municipality) is entered there once
    all.sort_unstable();
    all.dedup();
    let n_buckets = (n_munis + geo.n_groups + 1) * n_needs;
    let mut offsets = vec![0u32; n_buckets + 1];
    for &(b, _, _, _) in &all {
        offsets[b as usize + 1] += 1;
    }
    for i in 0..n_buckets {
        offsets[i + 1] += offsets[i];
    }
    let entries = all
        .into_iter()
        .map(|(_, _, rule, kern)| Entry {
            rule,
            kern,
            hot: hot[rule as usize],
        })
        .collect();
    (offsets, entries)
}

/// What routing checks of each service.
fn hot_services(
    dir: &Directory,
    policy: CapacityPolicy,
    tests: &mut DeclaredTests,
) -> Vec<HotService> {
    let counts = policy != CapacityPolicy::Ignore;
    dir.services()
        .iter()
        .enumerate()
        .map(|(i, s)| HotService {
            valid: s.valid,
            eligibility: dir.eligibility(i).hot(tests),
            full: counts && s.capacity.is_some_and(|c| c.is_full()),
            waiting_weeks: s.capacity.and_then(|c| c.waiting_weeks).unwrap_or(u32::MAX),
            organisation: dir.organisation_of(i) as u32,
        })
        .collect()
}

/// A service index per kern (`NONE` for none).
fn per_kern(n_kernen: usize, f: impl Fn(usize) -> Option<usize>) -> Vec<u32> {
    (0..n_kernen)
        .map(|k| f(k).map_or(NONE, |s| s as u32))
        .collect()
}

/// Ids (as boxed strings) to their index.
fn lookup<'a>(ids: impl Iterator<Item = &'a str>) -> FxMap<u32> {
    ids.enumerate()
        .map(|(i, id)| (Box::from(id), i as u32))
        .collect()
}

impl Router {
    /// Compiles a validated rule set (and the directory it was validated against) into an
    /// indexed router.
    pub fn new(rules: &RuleSet) -> Router {
        let dir = rules.directory();
        let areas = dir.areas();
        let tax = dir.taxonomy();
        let n_kernen = areas.kernen().len();
        let geo = Geography::new(areas);
        let mut tests = DeclaredTests::default();
        let (hot, overrides) = hot_rules(rules, &mut tests);
        let services = hot_services(dir, rules.capacity_policy(), &mut tests);
        let (offsets, entries) = buckets(rules, &geo, &hot);
        Router(Arc::new(Inner {
            rules: rules.clone(),
            capacity_counts: rules.capacity_policy() != CapacityPolicy::Ignore,
            kern_lookup: lookup(areas.kernen().iter().map(|k| k.id.as_str())),
            need_lookup: lookup(tax.needs().iter().map(|n| n.code.as_str())),
            n_needs: tax.needs().len(),
            kern_municipality: geo.kern_municipality,
            municipality_regions: geo.municipality_regions,
            municipality_group: geo.municipality_group,
            n_municipalities: areas.municipalities().len(),
            n_groups: geo.n_groups,
            offsets,
            entries,
            rule_ids: rules
                .with_coverage()
                .rules
                .iter()
                .map(|r| r.id.clone())
                .collect(),
            service_ids: dir
                .services()
                .iter()
                .map(|s| (s.id.clone(), s.organisation.clone()))
                .collect(),
            rule_meta: rules
                .with_coverage()
                .rules
                .iter()
                .map(|r| RuleMeta {
                    area: r.areas.first().cloned().unwrap_or(AreaRef::National),
                    target: r.target.clone(),
                    priority: r.priority,
                })
                .collect(),
            overrides,
            services,
            declared_tests: tests,
            steunpilaar: per_kern(n_kernen, |k| rules.steunpilaar_for(k)),
            coordinator: per_kern(n_kernen, |k| rules.coordinator_for(k)),
        }))
    }
}
