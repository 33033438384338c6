//! Routing a batch of [`CaseRow`]s: one result per row, in the row's place.

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::cases::Case;
use crate::routing::{
    date_for, CapacityLedger, HouseholdDecision, RouteOptions, Router, RoutingError,
};

use super::{CaseRow, DecisionRow, RowError};

/// The outcome of the [`DecisionRow`] a host writes in the place of a row that has no decision,
/// when it returns a batch as one table ([`DecisionRow::failed`]).
pub const ERROR_OUTCOME: &str = "error";

/// The columns such a table adds after [`DECISION_COLUMNS`](super::DECISION_COLUMNS):
/// `error_kind` ([`BatchError::kind`]) and `error` (its message), empty on routed rows.
pub const ERROR_COLUMNS: &[&str] = &["error_kind", "error"];

/// Why one row of a batch has no decision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// The row does not describe a case.
    #[error(transparent)]
    Row(#[from] RowError),
    /// The case could not be routed (unknown kern or need, no date, …).
    #[error(transparent)]
    Routing(#[from] RoutingError),
}

impl BatchError {
    /// The kind as every binding reports it: `bad_input` for a row that does not describe a
    /// case, `routing` for a case that could not be routed.
    pub fn kind(&self) -> &'static str {
        match self {
            BatchError::Row(_) => "bad_input",
            BatchError::Routing(_) => "routing",
        }
    }

    /// The field of the row at fault, for a row error.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            BatchError::Row(e) => Some(e.field),
            BatchError::Routing(_) => None,
        }
    }
}

impl<'a> DecisionRow<'a> {
    /// The row in the place of case row `case` when it has no decision: outcome
    /// [`ERROR_OUTCOME`], every other field empty. The case id stays only when it is a valid
    /// case id (a malformed or BSN-shaped one is not repeated in the output).
    pub fn failed(case: &'a str) -> DecisionRow<'a> {
        let valid = case.parse::<crate::ids::CaseId>().is_ok();
        DecisionRow {
            case: if valid { case } else { "" },
            need: "",
            primary: false,
            outcome: ERROR_OUTCOME,
            service: None,
            organisation: None,
            rule: None,
            layer: None,
            gap_reason: None,
            cannot_get_through: false,
            coordinator: None,
            first_contact: None,
        }
    }
}

impl Router {
    /// Routes a batch of rows in parallel (rayon), each on `date`, or on its own `opened` date
    /// when `date` is `None`. Returns one result per row, in the order of `rows`, identical for
    /// any number of threads: a bad row or an unroutable case is an error in its place and
    /// never stops the others.
    pub fn route_rows(
        &self,
        rows: &[CaseRow<'_>],
        date: Option<NaiveDate>,
        options: RouteOptions,
    ) -> Vec<Result<HouseholdDecision, BatchError>> {
        self.route_rows_up_to(rows, date, options, crate::limits::MAX_BATCH_ROWS)
    }

    /// [`route_rows`](Self::route_rows) with `limit` in place of
    /// [`MAX_BATCH_ROWS`](crate::limits::MAX_BATCH_ROWS) (tested with a small one).
    fn route_rows_up_to(
        &self,
        rows: &[CaseRow<'_>],
        date: Option<NaiveDate>,
        options: RouteOptions,
        limit: usize,
    ) -> Vec<Result<HouseholdDecision, BatchError>> {
        rows.par_iter()
            .with_min_len(64)
            .enumerate()
            .map(|(i, r)| {
                if i >= limit {
                    return Err(RoutingError::BatchTooLarge { limit }.into());
                }
                self.route_row(r, date, options)
            })
            .collect()
    }

    /// [`Router::route_rows`] against the live capacity `ledger`: the rows read as
    /// [`Router::route_row`] reads them (in parallel), then routed as
    /// [`Router::route_batch_reserving`] routes cases (places in the order of routing date,
    /// then case id, whatever the order of the rows). One result per row, in its place; a row
    /// that cannot be read or routed takes no place.
    pub fn route_rows_reserving(
        &self,
        rows: &[CaseRow<'_>],
        date: Option<NaiveDate>,
        options: RouteOptions,
        ledger: &CapacityLedger,
    ) -> Vec<Result<HouseholdDecision, BatchError>> {
        let limit = crate::limits::MAX_BATCH_ROWS;
        let read: Vec<Result<Case, BatchError>> = rows
            .par_iter()
            .with_min_len(64)
            .enumerate()
            .map(|(i, r)| {
                if i >= limit {
                    return Err(RoutingError::BatchTooLarge { limit }.into());
                }
                Ok(r.to_case_in(self.directory().vocabulary())?)
            })
            .collect();
        let mut cases = Vec::with_capacity(read.len());
        let mut out: Vec<Result<HouseholdDecision, BatchError>> = Vec::with_capacity(read.len());
        let mut places = Vec::with_capacity(read.len());
        for (i, r) in read.into_iter().enumerate() {
            match r {
                Ok(c) => {
                    cases.push(c);
                    places.push(i);
                    out.push(Err(RoutingError::OtherLedger.into()));
                }
                Err(e) => out.push(Err(e)),
            }
        }
        let routed = self.route_batch_reserving(&cases, date, options, ledger);
        for (i, r) in places.into_iter().zip(routed) {
            out[i] = r.map_err(BatchError::from);
        }
        out
    }

    /// Routes one row on `date`, or on its own `opened` date when `date` is `None`: the
    /// decision for the case the row describes (its words read with the directory's
    /// vocabulary, [`CaseRow::to_case_in`]), or why there is none. A host that reads its
    /// rows itself in parallel calls this per row; [`Router::route_rows`] calls it for a slice.
    pub fn route_row(
        &self,
        row: &CaseRow<'_>,
        date: Option<NaiveDate>,
        options: RouteOptions,
    ) -> Result<HouseholdDecision, BatchError> {
        // most rows route straight from their fields; the others (and every bad one) as a case
        if let Some(d) = self.route_row_direct(row, date, options) {
            return Ok(d);
        }
        let case = row.to_case_in(self.directory().vocabulary())?;
        let d = date_for(&case, date)?;
        Ok(self.route_with(&case, d, options)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pilot;

    #[test]
    fn rows_past_the_batch_limit_are_errors_in_their_place() {
        let router = Router::new(&pilot::rules());
        let cases = pilot::cases();
        let rows: Vec<CaseRow<'_>> = cases.iter().map(CaseRow::from).collect();
        // at the limit: every row routed; one past it: the last row is an error
        let limit = rows.len() - 1;
        let at = router.route_rows_up_to(&rows[..limit], None, RouteOptions::FAST, limit);
        assert!(at.iter().all(|r| r.is_ok()));
        let past = router.route_rows_up_to(&rows, None, RouteOptions::FAST, limit);
        assert_eq!(past[..limit], at[..]);
        let e = past[limit].as_ref().unwrap_err();
        assert_eq!(e.kind(), "routing");
        assert_eq!(
            e.to_string(),
            format!("the batch has more than {limit} rows: this row was not routed")
        );
    }

    #[test]
    fn one_result_per_row_in_place() {
        let router = Router::new(&pilot::rules());
        let cases = pilot::cases();
        let mut rows: Vec<CaseRow<'_>> = cases.iter().map(CaseRow::from).collect();
        let n = rows.len();
        rows.insert(
            1,
            CaseRow {
                id: "bad",
                ..CaseRow::default()
            },
        );
        rows.push(CaseRow {
            kern: "atlantis",
            ..rows[0].clone()
        });
        let out = router.route_rows(&rows, None, RouteOptions::FAST);
        assert_eq!(out.len(), n + 2);
        let e = out[1].as_ref().unwrap_err();
        assert_eq!((e.kind(), e.field()), ("bad_input", Some("kern")));
        let e = out[n + 1].as_ref().unwrap_err();
        assert_eq!((e.kind(), e.field()), ("routing", None));
        let expected = router.route_batch(&cases, None, RouteOptions::FAST);
        let got: Vec<_> = out
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != 1 && *i != n + 1)
            .map(|(_, r)| r.clone().unwrap())
            .collect();
        let expected: Vec<_> = expected.into_iter().map(Result::unwrap).collect();
        assert_eq!(got, expected);
    }
}
