//! Extra dimensions: columns of a log that dls has no field for, named in its
//! [`LogMapping::dimensions`](super::LogMapping::dimensions) (a channel, a team, a district of
//! the log's own), kept per case so that aggregates can be grouped by them
//! ([`Dim::Extra`](crate::evaluation::Dim::Extra)).
//!
//! A case's value of an extra dimension is the value of its earliest event (by timestamp, to the
//! microsecond) that states one; when several events at that instant state different values,
//! the smallest in byte order. Neither the input order nor dls's tie-breaking of events at the
//! same instant changes it.

use std::cmp::Ordering;
use std::sync::Arc;

use super::{Interner, NONE};
use crate::evaluation::error::EvalError;
use crate::evaluation::table::Dim;

/// The extra dimensions of a log: their names, their values (interned), and each case's value.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extras {
    /// The dimensions' names, in the mapping's order.
    pub(crate) names: Vec<Arc<str>>,
    /// Every value met, interned.
    pub(crate) values: Interner,
    /// While reading: the values of each row used (`names.len()` per row, [`NONE`] for none).
    ev: Vec<u32>,
    /// Once built: the value of each case (`names.len()` per case, [`NONE`] for none).
    case: Vec<u32>,
}

impl Extras {
    /// No values yet, for the dimensions `names`.
    pub(crate) fn new(names: &[String]) -> Extras {
        Extras {
            names: names.iter().map(|n| Arc::from(n.trim())).collect(),
            ..Extras::default()
        }
    }

    /// The same dimensions, with no values (for a builder reading a chunk of the rows).
    pub(crate) fn empty_like(&self) -> Extras {
        Extras {
            names: self.names.clone(),
            ..Extras::default()
        }
    }

    /// Appends the rows another reader of the same dimensions recorded (a later chunk of the
    /// rows, see [`empty_like`](Self::empty_like)), its values interned here in its order, and
    /// empties `other` (keeping its memory).
    pub(crate) fn absorb(&mut self, other: &mut Extras) {
        debug_assert_eq!(self.names, other.names);
        let ids = self.values.absorb(&mut other.values);
        self.ev.extend(
            other
                .ev
                .drain(..)
                .map(|v| if v == NONE { NONE } else { ids[v as usize] }),
        );
    }

    /// Records the values of a row used (trimmed; empty or missing: none). `values` holds one
    /// value per dimension, in order; missing ones are none.
    pub(crate) fn push_row(&mut self, values: &[Option<&str>]) {
        for k in 0..self.names.len() {
            let v = match values.get(k).copied().flatten().map(str::trim) {
                None | Some("") => NONE,
                Some(v) => self.values.intern(v, |_| true).unwrap_or(NONE),
            };
            self.ev.push(v);
        }
    }

    /// Orders two rows (log indexes while reading) by their values, so that rows that differ
    /// only there are ordered by content, not by input position: a row that states a value
    /// first, then the smaller value. Of two otherwise equal events at one instant the first
    /// is kept (the other is a duplicate), so the value kept is the one the case takes.
    pub(crate) fn cmp_rows(&self, a: usize, b: usize) -> Ordering {
        let n = self.names.len();
        if n == 0 {
            return Ordering::Equal;
        }
        // A stated value before none (`false` < `true`), then the smaller value.
        let row = |e: usize| {
            self.ev[e * n..(e + 1) * n]
                .iter()
                .map(|&v| (v == NONE, self.values.value(v)))
        };
        row(a).cmp(row(b))
    }

    /// Sets each case's values from its rows, once the log is ordered: `perm` lists the rows
    /// kept (reading indexes) in (case, time) order, `case_start` where each case begins in it,
    /// `at` and `us` the instants of the kept rows in that order.
    pub(crate) fn finish(&mut self, perm: &[u32], case_start: &[u32], at: &[i64], us: &[u32]) {
        let n = self.names.len();
        self.case = Vec::new();
        if n == 0 {
            self.ev = Vec::new();
            return;
        }
        let cases = case_start.len().saturating_sub(1);
        self.case = vec![NONE; cases * n];
        for c in 0..cases {
            let range = case_start[c] as usize..case_start[c + 1] as usize;
            for k in 0..n {
                let mut best: Option<(i64, u32, u32)> = None;
                for j in range.clone() {
                    let v = self.ev[perm[j] as usize * n + k];
                    if v == NONE {
                        continue;
                    }
                    match best {
                        None => best = Some((at[j], us[j], v)),
                        Some((t, u, b)) if (t, u) == (at[j], us[j]) => {
                            if self.values.value(v) < self.values.value(b) {
                                best = Some((t, u, v));
                            }
                        }
                        // Events are in time order: nothing later can be earlier.
                        Some(_) => break,
                    }
                }
                self.case[c * n + k] = best.map_or(NONE, |(_, _, v)| v);
            }
        }
        self.ev = Vec::new();
    }

    /// The value id of the dimension `name` for case `c` ([`NONE`] when the case states none or
    /// the log has no such dimension).
    pub(crate) fn case_value(&self, name: &str, c: usize) -> u32 {
        let n = self.names.len();
        match self.names.iter().position(|d| &**d == name) {
            Some(k) => self.case.get(c * n + k).copied().unwrap_or(NONE),
            None => NONE,
        }
    }

    /// True when the log has the extra dimension `name`.
    pub(crate) fn has(&self, name: &str) -> bool {
        self.names.iter().any(|d| &**d == name)
    }
}

impl super::EventLog {
    /// The dimension `name` for this log: a built-in one, or one of the log's extra dimensions
    /// ([`LogMapping::dimensions`](super::LogMapping::dimensions)). Fails with
    /// [`EvalError::UnknownDimension`], listing [`EventLog::dimensions`](super::EventLog::dimensions).
    pub fn dimension(&self, name: &str) -> Result<Dim, EvalError> {
        let name = name.trim();
        match Dim::builtin(name) {
            Some(d) => Ok(d),
            None if self.extras.has(name) => Ok(Dim::Extra(name.to_string())),
            None => Err(EvalError::UnknownDimension {
                available: self.dimensions().iter().map(|d| d.to_string()).collect(),
            }),
        }
    }

    /// Every dimension this log can be grouped by: the built-in ones, then its extra ones.
    pub fn dimensions(&self) -> Vec<Dim> {
        Dim::ALL
            .iter()
            .cloned()
            .chain(self.extras.names.iter().map(|n| Dim::Extra(n.to_string())))
            .collect()
    }

    /// The dimensions named `names` for this log (see [`EventLog::dimension`](super::EventLog::dimension)).
    pub fn group_by<S: AsRef<str>>(&self, names: &[S]) -> Result<Vec<Dim>, EvalError> {
        names.iter().map(|n| self.dimension(n.as_ref())).collect()
    }

    /// The value of the extra dimension `name` for each case, in log order (`None`: not
    /// stated, or no such dimension).
    pub fn extra_values(&self, name: &str) -> Vec<Option<&str>> {
        (0..self.case_count())
            .map(|c| {
                self.extras
                    .values
                    .value(self.extras.case_value(name, c))
                    .map(|s| &**s)
            })
            .collect()
    }
}
