//! Rules no case can reach through their own target: the rule's conditions and the target
//! service's eligibility admit no case together (a `child` rule on an adult-only service), or
//! the rule is valid only outside the service's contract period. Each is a warning with the
//! reason. Exact: conditions and eligibility are bit sets and integer intervals over
//! independent attributes, so two of them admit a case together exactly when they overlap on
//! every attribute ([`ConditionMask::overlaps`](crate::conditions::ConditionMask::overlaps)).
//!
//! A rule every case of which is taken by earlier rules of its own layer is found by the
//! pairwise analysis (`Shadowed`, one earlier rule covering it; a rule covered only by several
//! earlier rules of its layer together is not looked for); one taken in every kern by more
//! specific layers, by `taken`.

use crate::directory::Directory;
use crate::validation::{Location, ProblemKind, ValidationReport};

use super::{CompiledRule, CompiledTarget, RuleSetData};

/// Reports every rule whose target no case can reach through it.
pub(crate) fn unreachable_targets(
    dir: &Directory,
    data: &RuleSetData,
    rules: &[CompiledRule],
    report: &mut ValidationReport,
) {
    for r in rules {
        let (CompiledTarget::Service(s) | CompiledTarget::Escalation(s)) = r.target else {
            continue;
        };
        let id = &data.rules[r.index].id;
        let service = &dir.services()[s];
        let file = data.origins.file_of("rule", id.as_str());
        let loc = Location::item(file.as_deref(), "rule", id.as_str());
        if !r.when.overlaps(dir.eligibility(s)) {
            report.warning(
                ProblemKind::Unreachable,
                loc.clone().field("when"),
                format!(
                    "rule `{id}` can never decide: no case meets both its conditions and the eligibility of `{}`",
                    service.id
                ),
            );
        }
        if !r.valid.overlaps(&service.valid) {
            report.warning(
                ProblemKind::Unreachable,
                loc.field("valid"),
                format!(
                    "rule `{id}` can never decide: it is valid only outside the contract period of `{}`",
                    service.id
                ),
            );
        }
    }
}
