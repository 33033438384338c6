//! What-if: route one batch of cases under two routers (rule set A and rule set B) and report
//! what changes — decisions per need, the load on each service against its capacity, and gaps
//! that appear or disappear.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{GapReason, Outcome, RouteOptions, Router, RoutingError};
use crate::cases::Case;
use crate::ids::{CaseId, NeedCode, RuleId, ServiceId};

/// A need whose outcome differs between A and B.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DecisionChange {
    /// The case.
    pub case: CaseId,
    /// The need.
    pub need: NeedCode,
    /// The outcome under A.
    pub from: Outcome,
    /// The outcome under B.
    pub to: Outcome,
    /// The rule that decided under A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_from: Option<RuleId>,
    /// The rule that decided under B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_to: Option<RuleId>,
}

/// A [`DecisionChange`] as flat text fields: the shape every binding returns a change in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeRow<'a> {
    /// The case.
    pub case: &'a str,
    /// The need.
    pub need: &'a str,
    /// The outcome's kind under A ([`Outcome::kind`]).
    pub from_outcome: &'static str,
    /// The service under A, if any.
    pub from_service: Option<&'a str>,
    /// The rule that decided under A, if any.
    pub from_rule: Option<&'a str>,
    /// The outcome's kind under B.
    pub to_outcome: &'static str,
    /// The service under B, if any.
    pub to_service: Option<&'a str>,
    /// The rule that decided under B, if any.
    pub to_rule: Option<&'a str>,
}

impl DecisionChange {
    /// The change as a [`ChangeRow`].
    pub fn row(&self) -> ChangeRow<'_> {
        ChangeRow {
            case: self.case.as_str(),
            need: self.need.as_str(),
            from_outcome: self.from.kind(),
            from_service: self.from.service().map(ServiceId::as_str),
            from_rule: self.rule_from.as_ref().map(RuleId::as_str),
            to_outcome: self.to.kind(),
            to_service: self.to.service().map(ServiceId::as_str),
            to_rule: self.rule_to.as_ref().map(RuleId::as_str),
        }
    }
}

/// A need that is a gap under one router and not under the other.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GapChange {
    /// The case.
    pub case: CaseId,
    /// The need.
    pub need: NeedCode,
    /// Why it is a gap on the side where it is one.
    pub reason: GapReason,
}

/// How many needs go to a service under A and under B, against its open places.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ServiceLoad {
    /// The service.
    pub service: ServiceId,
    /// Needs routed to it under A.
    pub load_a: u32,
    /// Needs routed to it under B.
    pub load_b: u32,
    /// Its open places in A's directory, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_places_a: Option<u32>,
    /// Its open places in B's directory, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_places_b: Option<u32>,
}

impl ServiceLoad {
    /// True when A sends more needs than A's directory says it has places for.
    pub fn over_capacity_a(&self) -> bool {
        self.open_places_a.is_some_and(|c| self.load_a > c)
    }

    /// True when B sends more needs than B's directory says it has places for.
    pub fn over_capacity_b(&self) -> bool {
        self.open_places_b.is_some_and(|c| self.load_b > c)
    }
}

/// A case that could not be routed under A, B or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatIfError {
    /// The case.
    pub case: CaseId,
    /// The error under A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<RoutingError>,
    /// The error under B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<RoutingError>,
}

/// The difference between routing a batch under A and under B. Lists are in case order, then
/// need order (primary first); loads are sorted by service id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatIf {
    /// Cases compared (routed under both).
    pub cases: usize,
    /// Needs compared.
    pub needs: usize,
    /// Needs whose outcome changed.
    pub changed: Vec<DecisionChange>,
    /// Needs that are gaps under B but not under A.
    pub gaps_appeared: Vec<GapChange>,
    /// Needs that are gaps under A but not under B.
    pub gaps_disappeared: Vec<GapChange>,
    /// Load per service that receives any need under A or B.
    pub load: Vec<ServiceLoad>,
    /// Cases that failed under A or B (not compared).
    pub errors: Vec<WhatIfError>,
}

impl WhatIf {
    /// The services over capacity under B but not under A.
    pub fn newly_over_capacity(&self) -> impl Iterator<Item = &ServiceLoad> {
        self.load
            .iter()
            .filter(|l| l.over_capacity_b() && !l.over_capacity_a())
    }
}

impl fmt::Display for WhatIf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = format!(
            "{} cases, {} needs: {} decisions changed, {} gaps appeared, {} disappeared, {} errors\n",
            self.cases,
            self.needs,
            self.changed.len(),
            self.gaps_appeared.len(),
            self.gaps_disappeared.len(),
            self.errors.len()
        );
        for c in &self.changed {
            let _ = writeln!(s, "  `{}` {}: {} -> {}", c.case, c.need, c.from, c.to);
        }
        for l in &self.load {
            if l.load_a != l.load_b {
                let cap = |c: Option<u32>| c.map_or_else(|| "?".to_string(), |c| c.to_string());
                let _ = writeln!(
                    s,
                    "  load `{}`: {}/{} -> {}/{}",
                    l.service,
                    l.load_a,
                    cap(l.open_places_a),
                    l.load_b,
                    cap(l.open_places_b)
                );
            }
        }
        f.write_str(&s)
    }
}

/// Routes `cases` under `a` and under `b` (in parallel, without traces) on `date`, or each on
/// its own `opened` date when `date` is `None`, and reports the differences.
pub fn what_if(a: &Router, b: &Router, cases: &[Case], date: Option<NaiveDate>) -> WhatIf {
    let ra = a.route_batch(cases, date, RouteOptions::FAST);
    let rb = b.route_batch(cases, date, RouteOptions::FAST);
    let mut report = WhatIf::default();
    let mut load: BTreeMap<ServiceId, (u32, u32)> = BTreeMap::new();
    for ((case, da), db) in cases.iter().zip(ra).zip(rb) {
        let (da, db) = match (da, db) {
            (Ok(da), Ok(db)) => (da, db),
            (da, db) => {
                report.errors.push(WhatIfError {
                    case: case.id().clone(),
                    a: da.err(),
                    b: db.err(),
                });
                continue;
            }
        };
        report.cases += 1;
        for (na, nb) in da.needs.into_iter().zip(db.needs) {
            report.needs += 1;
            if let Some(s) = na.outcome.service() {
                load.entry(s.clone()).or_default().0 += 1;
            }
            if let Some(s) = nb.outcome.service() {
                load.entry(s.clone()).or_default().1 += 1;
            }
            if na.outcome == nb.outcome {
                continue;
            }
            match (&na.outcome, &nb.outcome) {
                (Outcome::Gap { .. }, Outcome::Gap { .. }) => {}
                (Outcome::Gap { reason }, _) => report.gaps_disappeared.push(GapChange {
                    case: case.id().clone(),
                    need: na.need.clone(),
                    reason: *reason,
                }),
                (_, Outcome::Gap { reason }) => report.gaps_appeared.push(GapChange {
                    case: case.id().clone(),
                    need: na.need.clone(),
                    reason: *reason,
                }),
                _ => {}
            }
            report.changed.push(DecisionChange {
                case: case.id().clone(),
                need: na.need,
                from: na.outcome,
                to: nb.outcome,
                rule_from: na.rule,
                rule_to: nb.rule,
            });
        }
    }
    let places = |r: &Router, s: &ServiceId| {
        r.directory()
            .service(s.as_str())
            .and_then(|s| s.capacity)
            .and_then(|c| c.open_places)
    };
    report.load = load
        .into_iter()
        .map(|(service, (load_a, load_b))| ServiceLoad {
            open_places_a: places(a, &service),
            open_places_b: places(b, &service),
            service,
            load_a,
            load_b,
        })
        .collect();
    report
}
