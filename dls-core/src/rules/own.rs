//! Services that route by their own coverage: a service that states a `priority` is a routing
//! candidate for its needs in its areas, with no rule written for it.
//!
//! Each such service becomes one *coverage rule* per layer of its areas, with id
//! `coverage:<service id>` (`coverage:<service id>:<layer>` when its areas lie in several
//! layers), its needs, areas, priority and validity, no conditions (its eligibility is tested
//! as for any target), and the service as target. From there on a coverage rule is a rule like
//! any other: it sorts in its layer by priority and then id, shows in the trace under its id
//! (so an explanation says which service's coverage matched), takes part in the analysis
//! (ambiguous ties, shadowing, gaps and overlaps of [`coverage`](crate::coverage)), and a
//! more specific layer may `replaces = ["coverage:<id>"]` or switch it off.
//!
//! A rule set's `coverage_off = [areas]` takes coverage rules out of those areas: an area of
//! the service inside one of them is dropped from its coverage rule, and inside a service area
//! of a less specific layer a switch-off `coverage-off:<area>` is added, so only explicit rules
//! route there.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::areas::{AreaRef, Layer};
use crate::conditions::Conditions;
use crate::directory::{Directory, ServiceRole};
use crate::ids::RuleId;
use crate::validation::{Location, ProblemKind, ValidationReport};

use super::{Rule, RuleSetData, SwitchOff, Target};

/// The prefix of the ids of coverage rules.
pub const COVERAGE_PREFIX: &str = "coverage:";

/// `data` with the coverage rules of `dir`'s services (and the switch-offs of `coverage_off`)
/// appended after the explicit rules. Problems (a priority on a service that cannot be a
/// target, an id too long to prefix) go to `report`.
pub(crate) fn expand(
    dir: &Directory,
    data: &RuleSetData,
    report: &mut ValidationReport,
) -> RuleSetData {
    let mut out = data.clone();
    let areas = dir.areas();
    // the file of the last service, shared by its rules (most services share one file)
    let mut last_file: Option<Arc<str>> = None;
    for s in dir.services() {
        let Some(priority) = s.priority else { continue };
        let file = dir.origin("service", s.id.as_str());
        // made only for a problem
        let loc = || Location::item(file.as_deref(), "service", s.id.as_str()).field("priority");
        if !matches!(s.role, ServiceRole::Provider | ServiceRole::Coordinator) {
            report.error(
                ProblemKind::WrongRole,
                loc(),
                format!(
                    "a {} service cannot route by its own coverage: only provider and coordinator services",
                    s.role
                ),
            );
            continue;
        }
        let mut by_layer: BTreeMap<Layer, Vec<AreaRef>> = BTreeMap::new();
        for a in &s.areas {
            let off = data.coverage_off.iter().any(|o| areas.area_within(a, o));
            if !off {
                by_layer.entry(a.layer()).or_default().push(a.clone());
            }
        }
        let several = by_layer.len() > 1;
        for (layer, list) in by_layer {
            let id = if several {
                format!("{COVERAGE_PREFIX}{}:{layer}", s.id)
            } else {
                format!("{COVERAGE_PREFIX}{}", s.id)
            };
            let Ok(id) = id.parse::<RuleId>() else {
                report.error(
                    ProblemKind::OutOfRange,
                    loc(),
                    "the service id is too long to name its coverage rule (at most 55 characters)",
                );
                continue;
            };
            for o in &data.coverage_off {
                if o.layer() > layer && list.iter().any(|a| areas.area_within(o, a)) {
                    out.switch_off.push(SwitchOff {
                        id: format!("coverage-off:{o}")
                            .parse()
                            .unwrap_or_else(|_| id.clone()),
                        rules: vec![id.clone()],
                        area: o.clone(),
                        valid: crate::validity::Validity::ALWAYS,
                    });
                }
            }
            if let Some(f) = &file {
                if last_file.as_deref() != Some(f.as_str()) {
                    last_file = Some(f.as_str().into());
                }
                if let Some(f) = &last_file {
                    out.origins.record("rule", id.as_str(), f);
                }
            }
            out.rules.push(Rule {
                id,
                needs: s.needs.clone(),
                areas: list,
                when: Conditions::default(),
                target: Target::Service(s.id.clone()),
                priority,
                valid: s.valid,
                replaces: Vec::new(),
            });
        }
    }
    merge_switch_offs(&mut out);
    out
}

/// One switch-off per `coverage_off` area, naming every coverage rule it takes out there.
fn merge_switch_offs(out: &mut RuleSetData) {
    let mut merged: Vec<SwitchOff> = Vec::new();
    for s in std::mem::take(&mut out.switch_off) {
        let same = s.id.as_str().starts_with("coverage-off:");
        match merged.iter_mut().find(|m| same && m.id == s.id) {
            Some(m) => m.rules.extend(s.rules),
            None => merged.push(s),
        }
    }
    out.switch_off = merged;
}
