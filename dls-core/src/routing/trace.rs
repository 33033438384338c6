//! Trace building: what each candidate rule came to, in routing order, turned from the
//! walk's indexes into ids only when a trace is asked for.

use super::index::Entry;
use super::walk::{Ctx, Skip};
use super::{CandidateTrace, NeedTrace, Router, Verdict};
use crate::areas::AreaRef;
use crate::ids::ServiceId;

impl Router {
    /// The trace of a need that `winner` decided: `before` (the candidates skipped so far),
    /// the winner, and what each later candidate in `rest` came to.
    pub(super) fn decided_trace<'e>(
        &self,
        mut before: Vec<CandidateTrace>,
        winner: &Entry,
        rest: impl Iterator<Item = &'e Entry>,
        ctx: &Ctx<'_>,
    ) -> NeedTrace {
        before.push(self.candidate_trace(winner.rule, Verdict::Decided));
        let id = &self.0.rule_ids[winner.rule as usize];
        for later in rest {
            match self.candidate(later, ctx) {
                Err(skip) => self.push_skipped(&mut before, later.rule, skip),
                Ok(_) => before
                    .push(self.candidate_trace(later.rule, Verdict::LostTo { winner: id.clone() })),
            }
        }
        NeedTrace {
            candidates: before,
            fallback: None,
        }
    }

    /// Adds a skipped candidate to a trace, unless it does not apply to the case's area at all
    /// (a kern rule of another kern in the same municipality): a trace lists only candidates
    /// whose area contains the case's kern.
    pub(super) fn push_skipped(&self, trace: &mut Vec<CandidateTrace>, rule: u32, skip: Skip) {
        if matches!(skip, Skip::OutOfArea) {
            return;
        }
        trace.push(self.candidate_trace(rule, self.verdict(rule, skip)));
    }

    pub(super) fn service_id(&self, s: u32) -> ServiceId {
        self.0.service_ids[s as usize].0.clone()
    }

    fn candidate_trace(&self, rule: u32, verdict: Verdict) -> CandidateTrace {
        let r = rule as usize;
        let meta = &self.0.rule_meta[r];
        CandidateTrace {
            rule: self.0.rule_ids[r].clone(),
            layer: meta.area.layer(),
            priority: meta.priority,
            target: meta.target.clone(),
            verdict,
        }
    }

    /// The name of the attribute at `position` in the directory's vocabulary.
    fn attribute_name(&self, position: u16) -> crate::conditions::AttributeName {
        self.directory().vocabulary().attributes()[position as usize]
            .name()
            .clone()
    }

    pub(super) fn verdict(&self, rule: u32, skip: Skip) -> Verdict {
        let rules = &self.0.rules;
        match skip {
            Skip::OutOfArea => Verdict::OutOfArea {
                area: self
                    .0
                    .rule_meta
                    .get(rule as usize)
                    .map_or(AreaRef::National, |m| m.area.clone()),
            },
            Skip::Overridden(o) => {
                let o = &rules.overrides()[o as usize];
                Verdict::Overridden {
                    by: o.by.clone(),
                    by_layer: o.area.layer(),
                    replaced: o.replaced,
                }
            }
            Skip::NotValid => Verdict::NotValidOnDate,
            Skip::Condition(attribute) => Verdict::ConditionFailed {
                attribute: self.attribute_name(attribute),
            },
            Skip::ServiceNotValid(s) => Verdict::ServiceNotValid {
                service: self.service_id(s),
            },
            Skip::Ineligible(s, attribute) => Verdict::Ineligible {
                service: self.service_id(s),
                attribute: self.attribute_name(attribute),
            },
            Skip::Full(s, weeks) => Verdict::Full {
                service: self.service_id(s),
                waiting_weeks: (weeks != u32::MAX).then_some(weeks),
            },
            Skip::Tried(s, outcome) => Verdict::TriedAlready {
                service: self.service_id(s),
                outcome,
            },
            Skip::NoSteunpilaar => Verdict::NoSteunpilaar,
        }
    }
}
