//! Validation of rule set data against a directory: every problem found at once, and the
//! compiled rules and overrides when there are none.
//!
//! [`validate`] runs one check per family, in a fixed order so the report reads the same on
//! every run: settings, steunpilaar and coordinator entries, ids, rules (compiled as they are
//! checked), overrides (replacements, then switch-offs), and last the pairwise analysis.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::areas::{AreaRef, Layer};
use crate::conditions::ConditionMask;
use crate::directory::{unknown_area_kind, Directory, ServiceRole};
use crate::ids::RuleId;
use crate::validation::{Location, ProblemKind, ValidationReport};
use crate::validity::Validity;

use super::analyse::analyse_pairs;
use super::data::policy_name;
use super::{CompiledOverride, CompiledRule, CompiledTarget, Rule, RuleSetData, Target};

/// Validates `data` against `dir`, reporting every problem, and returns the compiled rules
/// (in file order) and overrides.
pub(crate) fn validate(
    dir: &Directory,
    data: &RuleSetData,
    report: &mut ValidationReport,
) -> (Vec<CompiledRule>, Vec<CompiledOverride>) {
    let cx = Cx { dir, data };
    let n = data.rules.len() + data.switch_off.len();
    if n > crate::limits::MAX_RULES {
        report.error(
            ProblemKind::TooManyRules,
            Location::default(),
            format!(
                "the rule set has {n} rules and switch-offs: at most {} are accepted",
                crate::limits::MAX_RULES
            ),
        );
        return (Vec::new(), Vec::new());
    }
    check_capacity(data, report);
    check_area_services(&cx, report);
    let ids = check_ids(&cx, report);
    let compiled = compile_rules(&cx, report);
    let overrides = compile_overrides(&cx, &ids, &compiled, report);
    // the three analyses read the compiled rules only: run side by side, reported in this order
    let mut pairs = ValidationReport::default();
    let mut reach = ValidationReport::default();
    let mut taken = ValidationReport::default();
    rayon::join(
        || analyse_pairs(dir, data, &compiled, &overrides, &mut pairs),
        || {
            rayon::join(
                || super::reach::unreachable_targets(dir, data, &compiled, &mut reach),
                || {
                    super::taken::taken_by_more_specific(
                        dir, data, &compiled, &overrides, &mut taken,
                    )
                },
            )
        },
    );
    report.problems.extend(pairs.problems);
    report.problems.extend(reach.problems);
    report.problems.extend(taken.problems);
    (compiled, overrides)
}

/// What every check reads.
struct Cx<'a> {
    dir: &'a Directory,
    data: &'a RuleSetData,
}

impl Cx<'_> {
    /// The location of an item (`kind` as in the origins, with `_`) in its file.
    fn loc(&self, kind: &str, id: &str) -> Location {
        Location::item(
            self.data.origins.file(kind, id),
            kind.replace('_', "-").as_str(),
            id,
        )
    }
}

/// Files that set `capacity` must agree.
fn check_capacity(data: &RuleSetData, report: &mut ValidationReport) {
    let Some(first) = data.capacity else { return };
    let v0 = policy_name(first);
    let f0 = data.origins.file_of("capacity", v0).unwrap_or_default();
    for ((kind, v), f) in data.origins.entries() {
        if kind == "capacity" && v != v0 {
            report.error(
                ProblemKind::ConflictingSetting,
                Location {
                    file: Some(f.to_string()),
                    field: Some("capacity".into()),
                    ..Default::default()
                },
                format!("`capacity` is set to `{v}` here but to `{v0}` in `{f0}`"),
            );
        }
    }
}

/// Steunpilaar and coordinator entries: one per area, a known area, a known service of the
/// right role that serves all of the area.
fn check_area_services(cx: &Cx<'_>, report: &mut ValidationReport) {
    let (dir, data) = (cx.dir, cx.data);
    for (kind, list, role) in [
        ("steunpilaar", &data.steunpilaar, ServiceRole::Steunpilaar),
        ("coordinator", &data.coordinator, ServiceRole::Coordinator),
    ] {
        let mut areas_seen = HashMap::new();
        for e in list {
            let loc = cx.loc(kind, &e.area.to_string());
            if areas_seen.insert(e.area.clone(), ()).is_some() {
                report.error(
                    ProblemKind::DuplicateId,
                    loc.clone().field("area"),
                    format!("two {kind} entries for area `{}`", e.area),
                );
            }
            if !dir.areas().knows(&e.area) {
                report.error(
                    unknown_area_kind(&e.area),
                    loc.clone().field("area"),
                    format!("unknown area `{}`", e.area),
                );
                continue;
            }
            let Some(s) = dir.service_index(e.service.as_str()) else {
                report.error(
                    ProblemKind::UnknownService,
                    loc.field("service"),
                    format!("unknown service `{}`", e.service),
                );
                continue;
            };
            let actual = dir.services()[s].role;
            if actual != role {
                report.error(
                    ProblemKind::WrongRole,
                    loc.clone().field("service"),
                    format!("service `{}` has role `{actual}`, not `{role}`", e.service),
                );
            }
            if !dir.serves_area(s, &e.area) {
                report.error(
                    ProblemKind::TargetOutsideCoverage,
                    loc.field("service"),
                    format!("service `{}` does not serve all of `{}`", e.service, e.area),
                );
            }
        }
    }
}

/// Rule and switch-off ids are unique (they share one namespace). Returns each rule id's
/// index (the first, when an id is used twice).
fn check_ids<'a>(cx: &Cx<'a>, report: &mut ValidationReport) -> HashMap<&'a RuleId, usize> {
    let data = cx.data;
    let mut ids: HashMap<&RuleId, usize> = HashMap::new();
    for (i, r) in data.rules.iter().enumerate() {
        if ids.insert(&r.id, i).is_some() {
            report.error(
                ProblemKind::DuplicateId,
                cx.loc("rule", r.id.as_str()).field("id"),
                format!("rule id `{}` is used twice", r.id),
            );
        }
    }
    let mut switch_ids = HashMap::new();
    for s in &data.switch_off {
        if ids.contains_key(&s.id) || switch_ids.insert(&s.id, ()).is_some() {
            report.error(
                ProblemKind::DuplicateId,
                cx.loc("switch_off", s.id.as_str()).field("id"),
                format!("id `{}` is used twice", s.id),
            );
        }
    }
    ids
}

/// Checks and compiles every rule, in file order. The rules are checked in parallel, each
/// into a report of its own, and the reports joined in file order: the same problems in the
/// same order for any number of threads.
fn compile_rules(cx: &Cx<'_>, report: &mut ValidationReport) -> Vec<CompiledRule> {
    use rayon::prelude::*;
    // kernen with a steunpilaar, computed when the first rule targets the steunpilaar
    let steunpilaar_kernen: OnceLock<Vec<bool>> = OnceLock::new();
    let compiled: Vec<(CompiledRule, ValidationReport)> = cx
        .data
        .rules
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .map(|(i, r)| {
            let mut own = ValidationReport::default();
            (compile_rule(cx, i, r, &steunpilaar_kernen, &mut own), own)
        })
        .collect();
    let mut rules = Vec::with_capacity(compiled.len());
    for (rule, own) in compiled {
        report.problems.extend(own.problems);
        rules.push(rule);
    }
    rules
}

fn compile_rule(
    cx: &Cx<'_>,
    index: usize,
    r: &Rule,
    steunpilaar_kernen: &OnceLock<Vec<bool>>,
    report: &mut ValidationReport,
) -> CompiledRule {
    let (areas, tax) = (cx.dir.areas(), cx.dir.taxonomy());
    // made only for a problem: most rules have none
    let loc = || cx.loc("rule", r.id.as_str());
    if r.needs.is_empty() {
        report.error(
            ProblemKind::EmptyList,
            loc().field("needs"),
            "a rule needs at least one need",
        );
    }
    for m in &r.needs {
        if !tax.knows(m.code()) {
            report.error(
                ProblemKind::UnknownNeed,
                loc().field("needs"),
                format!("unknown need `{m}`"),
            );
        }
    }
    let mut area_known = !r.areas.is_empty();
    if r.areas.is_empty() {
        report.error(
            ProblemKind::EmptyList,
            loc().field("areas"),
            "a rule needs at least one area",
        );
    }
    // the field as a one-area rule is usually written
    let field = if r.areas.len() == 1 { "area" } else { "areas" };
    for a in &r.areas {
        if !areas.knows(a) {
            area_known = false;
            report.error(
                unknown_area_kind(a),
                loc().field(field),
                format!("unknown area `{a}`"),
            );
        }
    }
    if let Some(other) = r.areas.iter().find(|a| a.layer() != r.layer()) {
        report.error(
            ProblemKind::MixedLayers,
            loc().field("areas"),
            format!(
                "areas `{}` and `{other}` lie in different layers ({} and {}): a rule's areas share one layer",
                r.areas[0],
                r.layer(),
                other.layer()
            ),
        );
    }
    check_validity(r.valid, &loc, report);
    let when = ConditionMask::compile_in(&r.when, cx.dir.vocabulary()).unwrap_or_else(|errs| {
        for e in &errs {
            report.error(e.problem_kind(), loc().field("when"), e.to_string());
        }
        ConditionMask::ALL
    });
    let target = match &r.target {
        Target::NotCovered => CompiledTarget::NotCovered,
        Target::Steunpilaar => {
            if area_known {
                check_steunpilaar_target(cx, r, &loc, steunpilaar_kernen, report);
            }
            CompiledTarget::Steunpilaar
        }
        Target::Service(_) | Target::Escalation(_) => {
            compile_service_target(cx, r, area_known, &loc, report)
        }
    };
    CompiledRule {
        index,
        layer: r.layer(),
        areas: r.areas.clone(),
        needs: r.needs.clone(),
        when,
        target,
        priority: r.priority,
        valid: r.valid,
    }
}

fn check_validity(valid: Validity, loc: &dyn Fn() -> Location, report: &mut ValidationReport) {
    if valid.is_inverted() {
        report.error(
            ProblemKind::InvertedRange,
            loc().field("valid"),
            "validity starts after it ends",
        );
    }
}

/// A rule that targets the steunpilaar needs one named for every kern of its area.
fn check_steunpilaar_target(
    cx: &Cx<'_>,
    r: &Rule,
    loc: &dyn Fn() -> Location,
    steunpilaar_kernen: &OnceLock<Vec<bool>>,
    report: &mut ValidationReport,
) {
    let areas = cx.dir.areas();
    let covered = steunpilaar_kernen.get_or_init(|| {
        let mut v = vec![false; areas.kernen().len()];
        for e in &cx.data.steunpilaar {
            for k in areas.kernen_in(&e.area) {
                v[k] = true;
            }
        }
        v
    });
    for area in &r.areas {
        let uncovered = areas.kernen_in(area).into_iter().find(|&k| !covered[k]);
        if let Some(k) = uncovered {
            report.error(
                ProblemKind::TargetOutsideCoverage,
                loc().field("target"),
                format!(
                    "no steunpilaar is named for kern `{}` inside `{area}`",
                    areas.kernen()[k].id,
                ),
            );
        }
    }
}

/// A service or escalation target: a known service of the right role that serves all of the
/// rule's area and (for a service) offers each of its needs.
fn compile_service_target(
    cx: &Cx<'_>,
    r: &Rule,
    area_known: bool,
    loc: &dyn Fn() -> Location,
    report: &mut ValidationReport,
) -> CompiledTarget {
    let dir = cx.dir;
    let (Target::Service(id) | Target::Escalation(id)) = &r.target else {
        unreachable!("called for service and escalation targets only")
    };
    let Some(s) = dir.service_index(id.as_str()) else {
        report.error(
            ProblemKind::UnknownService,
            loc().field("target"),
            format!("unknown service `{id}`"),
        );
        return CompiledTarget::NotCovered;
    };
    let svc = &dir.services()[s];
    let escalation = matches!(r.target, Target::Escalation(_));
    if escalation != (svc.role == ServiceRole::Escalation) {
        report.error(
            ProblemKind::WrongRole,
            loc().field("target"),
            if escalation {
                format!("service `{id}` has role `{}`, not `escalation`", svc.role)
            } else {
                format!("service `{id}` is an escalation body: write `escalation:{id}`")
            },
        );
    }
    if area_known {
        for area in r.areas.iter().filter(|a| !dir.serves_area(s, a)) {
            report.error(
                ProblemKind::TargetOutsideCoverage,
                loc().field("target"),
                format!("service `{id}` does not serve all of `{area}`"),
            );
        }
    }
    if escalation {
        return CompiledTarget::Escalation(s);
    }
    for m in &r.needs {
        if !svc.needs.iter().any(|sm| m.within(sm)) {
            report.error(
                ProblemKind::TargetLacksNeed,
                loc().field("target"),
                format!("service `{id}` does not offer `{m}`"),
            );
        }
    }
    CompiledTarget::Service(s)
}

/// A rule's `replaces` or a switch-off's `rules`: who overrides which rules, where and when.
struct OverrideSource<'a> {
    by: &'a RuleId,
    kind: &'a str,
    layer: Layer,
    area: &'a AreaRef,
    valid: Validity,
    targets: &'a [RuleId],
    replaced: bool,
}

/// Replacements (in rule order), then switch-offs (in file order).
fn compile_overrides(
    cx: &Cx<'_>,
    ids: &HashMap<&RuleId, usize>,
    compiled: &[CompiledRule],
    report: &mut ValidationReport,
) -> Vec<CompiledOverride> {
    let mut overrides = Vec::new();
    for r in &cx.data.rules {
        // a rule with several areas replaces inside each of them
        for area in r.areas.iter().filter(|_| !r.replaces.is_empty()) {
            let source = OverrideSource {
                by: &r.id,
                kind: "rule",
                layer: r.layer(),
                area,
                valid: r.valid,
                targets: &r.replaces,
                replaced: true,
            };
            add_overrides(cx, ids, compiled, &source, &mut overrides, report);
        }
    }
    for s in &cx.data.switch_off {
        let loc = cx.loc("switch_off", s.id.as_str());
        if !cx.dir.areas().knows(&s.area) {
            report.error(
                unknown_area_kind(&s.area),
                loc.clone().field("area"),
                format!("unknown area `{}`", s.area),
            );
            continue;
        }
        check_validity(s.valid, &|| loc.clone(), report);
        if s.rules.is_empty() {
            report.error(
                ProblemKind::EmptyList,
                loc.field("rules"),
                "a switch-off names at least one rule",
            );
        }
        let source = OverrideSource {
            by: &s.id,
            kind: "switch_off",
            layer: s.area.layer(),
            area: &s.area,
            valid: s.valid,
            targets: &s.rules,
            replaced: false,
        };
        add_overrides(cx, ids, compiled, &source, &mut overrides, report);
    }
    overrides
}

/// Each target must be a known, less specific rule whose area holds the override's area.
fn add_overrides(
    cx: &Cx<'_>,
    ids: &HashMap<&RuleId, usize>,
    compiled: &[CompiledRule],
    o: &OverrideSource<'_>,
    overrides: &mut Vec<CompiledOverride>,
    report: &mut ValidationReport,
) {
    let (by, layer, area) = (o.by, o.layer, o.area);
    let loc = cx
        .loc(o.kind, by.as_str())
        .field(if o.replaced { "replaces" } else { "rules" });
    for t in o.targets {
        let Some(&ti) = ids.get(t) else {
            report.error(
                ProblemKind::UnknownRule,
                loc.clone(),
                format!("unknown rule `{t}`"),
            );
            continue;
        };
        let target = &compiled[ti];
        if t == by {
            report.error(
                ProblemKind::InvalidOverride,
                loc.clone(),
                "a rule cannot replace itself",
            );
        } else if target.layer >= layer {
            report.error(
                ProblemKind::InvalidOverride,
                loc.clone(),
                format!("rule `{t}` is in the {} layer: only a less specific rule can be overridden from the {layer} layer", target.layer),
            );
        } else if !cx
            .dir
            .areas()
            .areas_within(std::slice::from_ref(area), &target.areas)
        {
            let theirs: Vec<String> = target.areas.iter().map(|a| format!("`{a}`")).collect();
            report.error(
                ProblemKind::InvalidOverride,
                loc.clone(),
                format!("`{area}` is not inside the area {} of rule `{t}`: an override acts inside its own area only", theirs.join(", ")),
            );
        } else {
            overrides.push(CompiledOverride {
                rule: ti,
                area: area.clone(),
                valid: o.valid,
                by: by.clone(),
                replaced: o.replaced,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::analyse::{find, PairFindings};
    use super::super::compile::rule_order;
    use super::*;
    use crate::areas::Region;
    use crate::rng::SplitMix64;
    use crate::synthetic::Scale;

    /// The naive reference: every pair of rules of one layer, in routing order, with the
    /// pairwise definitions of shadowing and ties written out again.
    fn naive(
        dir: &Directory,
        data: &RuleSetData,
        rules: &[CompiledRule],
        overrides: &[CompiledOverride],
    ) -> PairFindings {
        let areas = dir.areas();
        let overridden: Vec<bool> = (0..rules.len())
            .map(|r| overrides.iter().any(|o| o.rule == r))
            .collect();
        let mut order: Vec<usize> = (0..rules.len()).collect();
        order.sort_by(|&a, &b| rule_order(data, rules, a, b));
        let mut shadowed = Vec::new();
        let mut ties = Vec::new();
        for (y, &b) in order.iter().enumerate() {
            let mut first = None;
            for &a in &order[..y] {
                let (ra, rb) = (&rules[a], &rules[b]);
                if ra.layer != rb.layer
                    || !ra
                        .needs
                        .iter()
                        .any(|m| rb.needs.iter().any(|n| m.overlaps(n)))
                    || !ra.valid.overlaps(&rb.valid)
                    || !ra.when.overlaps(&rb.when)
                    || !areas.areas_overlap(&ra.areas, &rb.areas)
                {
                    continue;
                }
                let covers = areas.areas_within(&rb.areas, &ra.areas)
                    && rb
                        .needs
                        .iter()
                        .all(|n| ra.needs.iter().any(|m| n.within(m)))
                    && rb.when.within(&ra.when)
                    && rb.valid.within(&ra.valid);
                if covers
                    && !overridden[a]
                    && (ra.target == CompiledTarget::NotCovered || ra.target == rb.target)
                {
                    first.get_or_insert(a);
                } else if ra.priority == rb.priority && ra.target != rb.target {
                    ties.push((a, b));
                }
            }
            if let Some(a) = first {
                shadowed.push((b, a));
            }
        }
        PairFindings {
            shadowed,
            ties_total: ties.len(),
            ties,
        }
    }

    fn pick<'a, T>(rng: &mut SplitMix64, xs: &'a [T]) -> &'a T {
        &xs[(rng.next_u64() % xs.len() as u64) as usize]
    }

    /// A random rule set over `dir`, as TOML: few needs, areas, targets, priorities,
    /// conditions and validities, so that pairs overlap, cover and tie often.
    fn random_rules(dir: &Directory, rng: &mut SplitMix64, n: usize) -> RuleSetData {
        let areas = dir.areas();
        let mut area_refs: Vec<String> = vec!["national".into()];
        area_refs.extend(areas.regions().iter().map(|r| format!("region:{}", r.id)));
        area_refs.extend(
            areas
                .municipalities()
                .iter()
                .take(3)
                .map(|m| m.code.to_string()),
        );
        let kernen: Vec<String> = areas
            .kernen()
            .iter()
            .take(4)
            .map(|k| format!("kern:{}", k.id))
            .collect();
        area_refs.extend(kernen.iter().cloned());
        // several areas of one layer: two and three kernen
        let quoted: Vec<String> = kernen.iter().map(|k| format!("\"{k}\"")).collect();
        let lists = [quoted[..2].join(", "), quoted[1..].join(", ")];
        let needs: Vec<String> = dir
            .taxonomy()
            .needs()
            .iter()
            .take(12)
            .map(|n| n.code.to_string())
            .collect();
        let mut targets: Vec<String> = dir
            .services()
            .iter()
            .take(2)
            .map(|s| format!("service:{}", s.id))
            .collect();
        targets.push("not_covered".into());
        let conditions = [
            "",
            "when = { urgency = { min = \"urgent\" } }\n",
            "when = { urgency = { in = [\"crisis\"] } }\n",
            "when = { income_pct = { max = 120 } }\n",
            "when = { income_pct = { min = 100, max = 150 } }\n",
            "when = { household = { in = [\"single\"] } }\n",
        ];
        let valid = [
            "",
            "valid = { from = \"2026-01-01\" }\n",
            "valid = { until = \"2025-12-31\" }\n",
        ];
        let mut text = String::new();
        for i in 0..n {
            let need = pick(rng, &needs);
            let matcher = if rng.next_u64() % 3 == 0 {
                format!("{need}.*")
            } else {
                need.clone()
            };
            let mut ms = vec![format!("\"{matcher}\"")];
            if rng.next_u64() % 5 == 0 {
                ms.push(format!("\"{}\"", pick(rng, &needs)));
            }
            text.push_str(&format!(
                "[[rule]]\nid = \"r{:03}\"\nneeds = [{}]\nareas = [{}]\ntarget = \"{}\"\npriority = {}\n{}{}",
                (rng.next_u64() % 1000) * 1000 + i as u64,
                ms.join(", "),
                if rng.next_u64() % 6 == 0 {
                    pick(rng, &lists).clone()
                } else {
                    format!("\"{}\"", pick(rng, &area_refs))
                },
                pick(rng, &targets),
                rng.next_u64() % 3,
                pick(rng, &conditions),
                pick(rng, &valid),
            ));
        }
        RuleSetData::parse(&text, crate::source::Format::Toml, "random.toml")
            .unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    /// On random small rule sets over a directory with overlapping regions, the indexed
    /// analysis finds exactly what the naive pairwise reference finds.
    #[test]
    fn indexed_analysis_equals_the_naive_reference() {
        let scale = Scale {
            municipalities: 5,
            min_kernen: 1,
            max_kernen: 3,
            regions: 2,
            capacity: crate::rules::CapacityPolicy::Ignore,
        };
        let (mut d, _) = crate::synthetic::data(&scale, 7);
        let munis: Vec<_> = d
            .municipalities
            .iter()
            .take(2)
            .map(|m| m.code.clone())
            .collect();
        d.regions.push(Region {
            id: "cross".parse().unwrap(),
            name: "Cross".into(),
            municipalities: munis,
        });
        let dir = Directory::new(d).unwrap().0;
        let mut rng = SplitMix64(42);
        let (mut shadowed, mut ties) = (0, 0);
        for _ in 0..1000 {
            let n = 2 + (rng.next_u64() % 40) as usize;
            let data = random_rules(&dir, &mut rng, n);
            let mut report = ValidationReport::default();
            let (rules, overrides) = validate(&dir, &data, &mut report);
            let want = naive(&dir, &data, &rules, &overrides);
            let mut got = find(&dir, &data, &rules, &overrides, usize::MAX);
            let mut want_ties = want.ties.clone();
            want_ties.sort_unstable();
            got.ties.sort_unstable();
            assert_eq!(got.shadowed, want.shadowed);
            assert_eq!(got.ties, want_ties);
            assert_eq!(got.ties_total, want.ties_total);
            shadowed += want.shadowed.len();
            ties += want.ties_total;
        }
        // the generator makes both kinds often
        assert!(
            shadowed > 200 && ties > 200,
            "{shadowed} shadowed, {ties} ties"
        );
    }
}
