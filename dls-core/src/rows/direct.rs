//! Routing a [`CaseRow`] straight from its fields, without building a [`Case`](crate::Case):
//! the ids looked up in the router's tables, the words turned into bits, nothing copied but
//! the case id. Only a row that [`CaseRow::to_case_in`] would read without a problem, and that
//! holds nothing this path leaves to it (tried services, declared extra attributes, a declared
//! signal, more than [`MAX_DIRECT_NEEDS`] needs), is routed here; any other row goes the long
//! way, which gives the same decision or names the problem. So both ways decide alike (tested
//! in `rows::batch`), and this one only saves the allocations of an owned case.

use std::str::FromStr;

use chrono::NaiveDate;

use crate::cases::CaseAttributes;
use crate::conditions::{Age, Attribute, HouseholdType, LegalFramework, Signal, Urgency};
use crate::ids::CaseId;
use crate::routing::{HouseholdDecision, RouteOptions, Router, Subject};
use crate::vocabulary::Vocabulary;

use super::CaseRow;

/// The most needs a row routed directly may have.
const MAX_DIRECT_NEEDS: usize = 16;

/// A word of a national enumeration: `Ok(None)` when not given, `Ok(Some(Ok(v)))` for a
/// national value, `Ok(Some(Err(i)))` for the `i`th word the vocabulary declares for `field`,
/// `Err(())` for a word that is neither.
#[allow(clippy::type_complexity)]
fn word<T: Attribute>(
    vocabulary: &Vocabulary,
    field: &str,
    text: Option<&str>,
) -> Result<Option<Result<T, u32>>, ()> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if let Some(&v) = T::ALL.iter().find(|v| v.name() == text) {
        return Ok(Some(Ok(v)));
    }
    let d = vocabulary.attribute(field).map_err(|_| ())?;
    match d.values().iter().position(|v| v == text) {
        Some(i) if i < 16 => Ok(Some(Err(i as u32))),
        _ => Err(()),
    }
}

/// The national value, or none (the declared word's bit is set after resolving).
fn national<T>(w: Option<Result<T, u32>>) -> Option<T> {
    w.and_then(Result::ok)
}

/// The bit of a declared word, if the word is one.
fn declared<T>(w: Option<Result<T, u32>>) -> Option<u16> {
    match w {
        Some(Err(i)) => Some(1 << i),
        _ => None,
    }
}

impl Router {
    /// The decision for `row` routed straight from its fields, or `None` when the row must go
    /// the long way (see the module docs).
    pub(super) fn route_row_direct(
        &self,
        row: &CaseRow<'_>,
        date: Option<NaiveDate>,
        options: RouteOptions,
    ) -> Option<HouseholdDecision> {
        if !row.tried.is_empty() || !row.extra.is_empty() || row.needs.len() > MAX_DIRECT_NEEDS {
            return None;
        }
        let date = date.or(row.opened)?;
        let vocabulary = self.directory().vocabulary();
        let household = word::<HouseholdType>(vocabulary, "household", row.household).ok()?;
        let urgency = word::<Urgency>(vocabulary, "urgency", row.urgency).ok()?;
        let framework = word::<LegalFramework>(vocabulary, "framework", row.framework).ok()?;
        let mut signals = Vec::new();
        for s in &row.signals {
            signals.push(*Signal::ALL.iter().find(|v| v.name() == *s)?);
        }
        let attributes = CaseAttributes {
            age: match row.age {
                Some(y) => Some(Age::new(y).ok()?),
                None => None,
            },
            household: national(household),
            urgency: national(urgency).unwrap_or(Urgency::Normal),
            framework: national(framework),
            signals,
            income_pct: match row.income_pct {
                Some(v) => Some(u16::try_from(v).ok()?),
                None => None,
            },
            extra: Default::default(),
        };
        let mut bits = vocabulary.resolve(&attributes).ok()?;
        // a declared word sets its bit as `Vocabulary::resolve` does for it
        if let Some(b) = declared(household) {
            bits.household = b;
        }
        if let Some(b) = declared(urgency) {
            bits.urgency = b;
        }
        if let Some(b) = declared(framework) {
            bits.framework = b;
        }
        let mut needs = [0u32; MAX_DIRECT_NEEDS];
        let n = row.needs.len();
        if n == 0 {
            return None;
        }
        for (k, code) in row.needs.iter().enumerate() {
            let i = self.need_index(code)?;
            if needs[..k].contains(&i) {
                return None;
            }
            needs[k] = i;
        }
        let kern = self.kern_index(row.kern)?;
        let id = CaseId::from_str(row.id).ok()?;
        let subject = Subject {
            id,
            kern,
            needs: &needs[..n],
            bits: &bits,
            tried: &[],
        };
        Some(self.route_read(subject, date, options))
    }
}
