//! The compiled form of a rule set: targets resolved to directory entries, conditions to masks,
//! overrides to the rules they take out, and the routing order of rules.

use crate::areas::{AreaRef, Layer};
use crate::conditions::ConditionMask;
use crate::ids::RuleId;
use crate::taxonomy::NeedMatcher;
use crate::validity::Validity;

use super::RuleSetData;

/// A rule target resolved to directory indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum CompiledTarget {
    /// A service (index into `Directory::services`).
    Service(usize),
    /// The area's steunpilaar.
    Steunpilaar,
    /// An escalation body (service index).
    Escalation(usize),
    /// A deliberate gap.
    NotCovered,
}

/// A validated rule with resolved references.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompiledRule {
    /// Index into `RuleSet::data().rules`.
    pub(crate) index: usize,
    /// The layer.
    pub(crate) layer: Layer,
    /// The areas, all of the rule's layer.
    pub(crate) areas: Vec<AreaRef>,
    /// Need matchers.
    pub(crate) needs: Vec<NeedMatcher>,
    /// Compiled conditions.
    pub(crate) when: ConditionMask,
    /// Resolved target.
    pub(crate) target: CompiledTarget,
    /// Priority.
    pub(crate) priority: i32,
    /// Validity.
    pub(crate) valid: Validity,
}

/// An override of a less specific rule inside an area: by a replacing rule or a switch-off.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledOverride {
    /// The rule taken out (index into the rule list); see [`CompiledOverride::by`] for who.
    pub(crate) rule: usize,
    /// The area where it is taken out.
    pub area: AreaRef,
    /// When.
    pub valid: Validity,
    /// The id of the rule or switch-off doing it.
    pub by: RuleId,
    /// True for a replacement, false for a switch-off.
    pub replaced: bool,
}

pub(crate) fn rule_order(
    data: &RuleSetData,
    rules: &[CompiledRule],
    a: usize,
    b: usize,
) -> std::cmp::Ordering {
    let (ra, rb) = (&rules[a], &rules[b]);
    rb.layer
        .cmp(&ra.layer)
        .then(rb.priority.cmp(&ra.priority))
        .then_with(|| data.rules[a].id.cmp(&data.rules[b].id))
}
