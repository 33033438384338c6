//! What-if: the decisions that change, and the load moved per service, when the same cases are
//! routed under two routers ([`dls_core::routing::what_if`]), as records.

use std::sync::Arc;

use dls_core::routing::{self, GapChange};

use crate::error::{guard, DlsError};
use crate::objects::Router;
use crate::records::CaseRecord;

/// A need whose outcome differs between A and B (the core's `ChangeRow`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChangeRecord {
    /// The case.
    pub case: String,
    /// The need.
    pub need: String,
    /// The outcome's kind under A: `service`, `steunpilaar`, `escalation` or `gap`.
    pub from_outcome: String,
    /// The service under A, if any.
    pub from_service: Option<String>,
    /// The rule that decided under A, if any.
    pub from_rule: Option<String>,
    /// The outcome's kind under B.
    pub to_outcome: String,
    /// The service under B, if any.
    pub to_service: Option<String>,
    /// The rule that decided under B, if any.
    pub to_rule: Option<String>,
}

/// A need that is a gap on one side only.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct GapChangeRecord {
    /// The case.
    pub case: String,
    /// The need.
    pub need: String,
    /// Why it is a gap: `no_rule`, `all_skipped` or `not_covered`.
    pub reason: String,
}

/// Needs routed to a service under A and under B, against its open places.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ServiceLoadRecord {
    /// The service.
    pub service: String,
    /// Needs routed to it under A.
    pub load_a: u32,
    /// Needs routed to it under B.
    pub load_b: u32,
    /// Its open places in A's directory, where known.
    pub open_places_a: Option<u32>,
    /// Its open places in B's directory, where known.
    pub open_places_b: Option<u32>,
    /// A sends more needs than A's directory has places for.
    pub over_capacity_a: bool,
    /// B sends more needs than B's directory has places for.
    pub over_capacity_b: bool,
}

/// A case that could not be routed under A, B or both: the messages.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WhatIfErrorRecord {
    /// The case.
    pub case: String,
    /// The error under A, if any.
    pub error_a: Option<String>,
    /// The error under B, if any.
    pub error_b: Option<String>,
}

/// What changes between routing the same cases under A and under B.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct WhatIfRecord {
    /// Cases routed under both.
    pub cases: u64,
    /// Needs compared.
    pub needs: u64,
    /// Needs whose outcome changed, in case order, then need order.
    pub changed: Vec<ChangeRecord>,
    /// Needs that are gaps under B but not under A.
    pub gaps_appeared: Vec<GapChangeRecord>,
    /// Needs that are gaps under A but not under B.
    pub gaps_disappeared: Vec<GapChangeRecord>,
    /// Load per service that receives any need under A or B, by service id.
    pub load: Vec<ServiceLoadRecord>,
    /// The services over capacity under B but not under A.
    pub newly_over_capacity: Vec<String>,
    /// Cases that failed under A or B (not compared).
    pub errors: Vec<WhatIfErrorRecord>,
    /// A readable summary.
    pub summary: String,
}

fn gaps(gs: &[GapChange]) -> Vec<GapChangeRecord> {
    gs.iter()
        .map(|g| GapChangeRecord {
            case: g.case.to_string(),
            need: g.need.to_string(),
            reason: g.reason.as_str().to_string(),
        })
        .collect()
}

impl From<&routing::WhatIf> for WhatIfRecord {
    fn from(w: &routing::WhatIf) -> Self {
        let own = |s: Option<&str>| s.map(str::to_string);
        WhatIfRecord {
            cases: w.cases as u64,
            needs: w.needs as u64,
            changed: w
                .changed
                .iter()
                .map(|c| {
                    let r = c.row();
                    ChangeRecord {
                        case: r.case.to_string(),
                        need: r.need.to_string(),
                        from_outcome: r.from_outcome.to_string(),
                        from_service: own(r.from_service),
                        from_rule: own(r.from_rule),
                        to_outcome: r.to_outcome.to_string(),
                        to_service: own(r.to_service),
                        to_rule: own(r.to_rule),
                    }
                })
                .collect(),
            gaps_appeared: gaps(&w.gaps_appeared),
            gaps_disappeared: gaps(&w.gaps_disappeared),
            load: w
                .load
                .iter()
                .map(|l| ServiceLoadRecord {
                    service: l.service.to_string(),
                    load_a: l.load_a,
                    load_b: l.load_b,
                    open_places_a: l.open_places_a,
                    open_places_b: l.open_places_b,
                    over_capacity_a: l.over_capacity_a(),
                    over_capacity_b: l.over_capacity_b(),
                })
                .collect(),
            newly_over_capacity: w
                .newly_over_capacity()
                .map(|l| l.service.to_string())
                .collect(),
            errors: w
                .errors
                .iter()
                .map(|e| WhatIfErrorRecord {
                    case: e.case.to_string(),
                    error_a: e.a.as_ref().map(ToString::to_string),
                    error_b: e.b.as_ref().map(ToString::to_string),
                })
                .collect(),
            summary: w.to_string(),
        }
    }
}

/// Routes `cases` under `a` and under `b` (in parallel, without traces) on `date`
/// (`YYYY-MM-DD`), or each case on its own `opened` date, and reports what changes. The
/// records are read with `a`'s vocabulary (its declared attributes); under `b` a case that
/// states what `b` does not declare is an error of that case.
#[uniffi::export(default(date = None))]
pub fn what_if(
    a: Arc<Router>,
    b: Arc<Router>,
    cases: Vec<CaseRecord>,
    date: Option<String>,
) -> Result<WhatIfRecord, DlsError> {
    guard(|| {
        let date = crate::objects::date_arg(date)?;
        let cases = cases
            .iter()
            .map(|c| Ok(c.row()?.to_case_in(a.core().directory().vocabulary())?))
            .collect::<Result<Vec<_>, DlsError>>()?;
        let w = routing::what_if(a.core(), b.core(), &cases, date);
        Ok(WhatIfRecord::from(&w))
    })
}
