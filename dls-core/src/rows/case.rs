//! [`CaseRow`]: one case as a row of borrowed fields, and its conversion to and from [`Case`].

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::cases::{Case, CaseAttributes, CaseData, CaseNeed, Consent, Situation, TriedService};
use std::collections::BTreeMap;

use crate::conditions::{
    Age, Attribute, AttributeValue, HouseholdType, LegalFramework, Signal, Urgency,
};
use crate::ids::IdError;
use crate::vocabulary::Vocabulary;

use super::names::{attribute, try_outcome};
use super::{RowError, RowErrorKind};

/// One case as a host holds it: a row of plain fields borrowed from the host's own storage
/// (an Arrow table, a JVM record, a CSV line). Optional words are `None` or empty when not
/// given. Build one with `..CaseRow::default()` for the fields you do not have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseRow<'a> {
    /// Pseudonymous case id (required).
    pub id: &'a str,
    /// The kern the household lives in (required).
    pub kern: &'a str,
    /// Need codes, at least one; the first is the primary need (prio-vraag).
    pub needs: Vec<&'a str>,
    /// Age of the person the needs concern, in whole years (0 to 130).
    pub age: Option<i64>,
    /// `single`, `couple`, `single_parent`, `family` or `other`.
    pub household: Option<&'a str>,
    /// `normal` (when not given), `urgent` or `crisis`.
    pub urgency: Option<&'a str>,
    /// The legal framework, e.g. `wmo`.
    pub framework: Option<&'a str>,
    /// Early signals, e.g. `rent_arrears`.
    pub signals: Vec<&'a str>,
    /// Household income as a percentage of the social minimum (0 to 65535).
    pub income_pct: Option<i64>,
    /// Attributes the directory declares beyond the national ones, by name
    /// ([`vocabulary`](crate::vocabulary)); checked by [`CaseRow::to_case_in`].
    pub extra: Vec<(&'a str, AttributeValue)>,
    /// The date the case was opened; routing uses it when no date is given.
    pub opened: Option<NaiveDate>,
    /// Services the citizen already tried without success; any makes the citizen one who
    /// "cannot get through".
    pub tried: Vec<TriedRow<'a>>,
    /// The citizen agreed to share the case with the organisations it is routed to.
    pub share_with_organisations: bool,
}

/// A service the citizen tried, written `service` or `service:outcome`; the outcome is
/// `rejected` when left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriedRow<'a> {
    /// The service id.
    pub service: &'a str,
    /// `rejected` (when `None` or empty), `no_response` or `waited_too_long`.
    pub outcome: Option<&'a str>,
}

impl<'a> TriedRow<'a> {
    /// Reads `service` or `service:outcome`.
    pub fn parse(text: &'a str) -> TriedRow<'a> {
        match text.split_once(':') {
            Some((service, outcome)) => TriedRow {
                service,
                outcome: Some(outcome),
            },
            None => TriedRow {
                service: text,
                outcome: None,
            },
        }
    }
}

impl fmt::Display for TriedRow<'_> {
    /// `service:outcome`, the outcome written out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = given(self.outcome).unwrap_or("rejected");
        write!(f, "{}:{outcome}", self.service)
    }
}

/// `None` for a missing or empty word.
fn given(text: Option<&str>) -> Option<&str> {
    text.filter(|s| !s.is_empty())
}

/// An id of type `T` from `text`, the error naming `field`.
fn id<T: FromStr<Err = IdError>>(field: &'static str, text: &str) -> Result<T, RowError> {
    if text.is_empty() {
        return Err(RowError {
            field,
            kind: RowErrorKind::Missing,
        });
    }
    text.parse().map_err(|e: IdError| RowError {
        field,
        kind: RowErrorKind::Invalid {
            expected: e.kind,
            reason: e.reason,
        },
    })
}

/// An optional attribute word.
fn word<T: Attribute>(field: &'static str, text: Option<&str>) -> Result<Option<T>, RowError> {
    given(text).map(|t| attribute(field, t)).transpose()
}

/// How many national values the enumeration `field` has.
fn national_len(field: &str) -> usize {
    match field {
        "household" => HouseholdType::ALL.len(),
        "urgency" => Urgency::ALL.len(),
        "framework" => LegalFramework::ALL.len(),
        _ => Signal::ALL.len(),
    }
}

/// A date written `YYYY-MM-DD`, the error naming `field`.
pub fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate, RowError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| RowError {
        field,
        kind: RowErrorKind::Invalid {
            expected: "date",
            reason: "use `YYYY-MM-DD`",
        },
    })
}

impl CaseRow<'_> {
    /// The case this row describes: the first need primary, `normal` urgency and a `rejected`
    /// outcome when not given, the citizen "cannot get through" when any service was tried;
    /// then the case invariants ([`Case::new`]). The error names the first bad field. Words
    /// and attributes are those of the national vocabulary ([`CaseRow::to_case_in`] for a
    /// directory's own).
    pub fn to_case(&self) -> Result<Case, RowError> {
        self.to_case_in(&Vocabulary::national())
    }

    /// [`CaseRow::to_case`] with the words and attributes `vocabulary` declares: a declared
    /// word of a national attribute (a fourth urgency level, say) and the `extra` attributes
    /// are checked against it, an unknown one named with the closest declared one.
    pub fn to_case_in(&self, vocabulary: &Vocabulary) -> Result<Case, RowError> {
        let mut extra: BTreeMap<String, AttributeValue> = BTreeMap::new();
        let mut declared_word =
            |field: &'static str, text: Option<&str>, e: RowError| -> Result<(), RowError> {
                let d = vocabulary
                    .attribute(field)
                    .expect("the national attributes are always declared");
                let text = given(text).unwrap_or_default();
                match d.value_index(text, false) {
                    Ok(_) if !text.is_empty() => {
                        match extra
                            .entry(field.into())
                            .or_insert(AttributeValue::Words(vec![]))
                        {
                            AttributeValue::Words(ws) => ws.push(text.into()),
                            v => *v = AttributeValue::Word(text.into()),
                        }
                        Ok(())
                    }
                    _ if d.values().len() == national_len(field) => Err(e),
                    Ok(_) => Err(e),
                    Err(v) => Err(RowError {
                        field,
                        kind: RowErrorKind::Vocabulary(v),
                    }),
                }
            };
        let mut lenient = |field: &'static str, text: Option<&str>| {
            match field {
                "household" => word::<HouseholdType>(field, text).map(|v| v.is_some()),
                "urgency" => word::<Urgency>(field, text).map(|v| v.is_some()),
                _ => word::<LegalFramework>(field, text).map(|v| v.is_some()),
            }
            .or_else(|e| declared_word(field, text, e).map(|_| false))
        };
        lenient("household", self.household)?;
        lenient("urgency", self.urgency)?;
        lenient("framework", self.framework)?;
        let mut signals = Vec::new();
        for s in &self.signals {
            match attribute::<Signal>("signals", s) {
                Ok(v) => signals.push(v),
                Err(e) => declared_word("signals", Some(s), e)?,
            }
        }
        // one word for a national enumeration, a list for signals
        for f in ["household", "urgency", "framework"] {
            if let Some(AttributeValue::Words(ws)) = extra.get(f) {
                let w = ws[0].clone();
                extra.insert(f.into(), AttributeValue::Word(w));
            }
        }
        for (name, value) in &self.extra {
            extra.insert(name.to_string(), value.clone());
        }
        let case = self.to_case_with(signals, extra)?;
        vocabulary
            .resolve(case.attributes())
            .map_err(|v| RowError {
                field: "attributes",
                kind: RowErrorKind::Vocabulary(v),
            })?;
        Ok(case)
    }

    fn to_case_with(
        &self,
        signals: Vec<Signal>,
        extra: BTreeMap<String, AttributeValue>,
    ) -> Result<Case, RowError> {
        let needs = self
            .needs
            .iter()
            .enumerate()
            .map(|(k, n)| {
                Ok(CaseNeed {
                    need: id("needs", n)?,
                    primary: k == 0,
                })
            })
            .collect::<Result<Vec<_>, RowError>>()?;
        let income_pct = self
            .income_pct
            .map(|v| {
                u16::try_from(v).map_err(|_| RowError {
                    field: "income_pct",
                    kind: RowErrorKind::OutOfRange {
                        min: 0,
                        max: u16::MAX.into(),
                    },
                })
            })
            .transpose()?;
        let tried = self
            .tried
            .iter()
            .map(|t| {
                Ok(TriedService {
                    service: id("tried", t.service)?,
                    outcome: match given(t.outcome) {
                        Some(o) => try_outcome(o)?,
                        None => crate::cases::TryOutcome::Rejected,
                    },
                })
            })
            .collect::<Result<Vec<_>, RowError>>()?;
        let data = CaseData {
            id: id("id", self.id)?,
            kern: id("kern", self.kern)?,
            needs,
            attributes: CaseAttributes {
                age: self
                    .age
                    .map(|y| {
                        Age::new(y).map_err(|e| RowError {
                            field: "age",
                            kind: RowErrorKind::Age(e),
                        })
                    })
                    .transpose()?,
                household: word("household", self.household).ok().flatten(),
                urgency: word::<Urgency>("urgency", self.urgency)
                    .ok()
                    .flatten()
                    .unwrap_or(Urgency::Normal),
                framework: word("framework", self.framework).ok().flatten(),
                signals,
                income_pct,
                extra,
            },
            situation: if tried.is_empty() {
                Situation::DoesNotKnowWhere
            } else {
                Situation::CannotGetThrough { tried }
            },
            consent: Consent {
                share_with_organisations: self.share_with_organisations,
            },
            opened: self.opened,
        };
        Case::new(data).map_err(|e| RowError {
            field: "needs",
            kind: RowErrorKind::Case(e),
        })
    }
}

impl<'a> From<&'a Case> for CaseRow<'a> {
    /// The row of a case: needs primary first, every word written out (urgency included).
    fn from(c: &'a Case) -> CaseRow<'a> {
        let a = c.attributes();
        let declared = |field: &str| match a.extra.get(field) {
            Some(AttributeValue::Word(w)) => Some(w.as_str()),
            _ => None,
        };
        let national = ["household", "urgency", "framework", "signals"];
        let mut signals: Vec<&str> = a.signals.iter().map(|s| s.name()).collect();
        match a.extra.get("signals") {
            Some(AttributeValue::Words(ws)) => signals.extend(ws.iter().map(String::as_str)),
            Some(AttributeValue::Word(w)) => signals.push(w),
            _ => {}
        }
        CaseRow {
            id: c.id().as_str(),
            kern: c.kern().as_str(),
            needs: c.needs().iter().map(|n| n.need.as_str()).collect(),
            age: a.age.map(|y| i64::from(y.years())),
            household: declared("household").or(a.household.map(Attribute::name)),
            urgency: declared("urgency").or(Some(a.urgency.name())),
            framework: declared("framework").or(a.framework.map(Attribute::name)),
            signals,
            income_pct: a.income_pct.map(i64::from),
            extra: a
                .extra
                .iter()
                .filter(|(k, _)| !national.contains(&k.as_str()))
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect(),
            opened: c.opened(),
            tried: c
                .situation()
                .tried()
                .iter()
                .map(|t| TriedRow {
                    service: t.service.as_str(),
                    outcome: Some(t.outcome.as_str()),
                })
                .collect(),
            share_with_organisations: c.consent().share_with_organisations,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::TryOutcome;
    use crate::conditions::{Age, Signal};

    fn row() -> CaseRow<'static> {
        CaseRow {
            id: "c1",
            kern: "hoofddorp",
            needs: vec!["zorg.b", "zorg.a"],
            ..CaseRow::default()
        }
    }

    #[test]
    fn first_need_is_primary_and_defaults_apply() {
        let c = row().to_case().unwrap();
        assert_eq!(c.primary().as_str(), "zorg.b");
        assert_eq!(c.needs()[1].need.as_str(), "zorg.a");
        assert!(!c.needs()[1].primary);
        assert_eq!(c.attributes().urgency, Urgency::Normal);
        assert_eq!(c.situation(), &Situation::DoesNotKnowWhere);
        assert!(!c.consent().share_with_organisations);
        let tried = CaseRow {
            tried: vec![TriedRow::parse("svc"), TriedRow::parse("other:no_response")],
            household: Some(""),
            ..row()
        }
        .to_case()
        .unwrap();
        assert_eq!(tried.attributes().household, None);
        assert_eq!(tried.attributes().age, None);
        let t = tried.situation().tried();
        assert_eq!(t[0].outcome, TryOutcome::Rejected);
        assert_eq!(t[1].outcome, TryOutcome::NoResponse);
        assert_eq!(t[1].service.as_str(), "other");
    }

    #[test]
    fn a_bad_field_is_named_without_echoing_it() {
        let err = |r: CaseRow<'_>| r.to_case().unwrap_err();
        let e = err(CaseRow { id: "", ..row() });
        assert_eq!((e.field, e.kind.as_str()), ("id", "missing"));
        let e = err(CaseRow {
            needs: vec!["zorg.a", "Not A Need"],
            ..row()
        });
        assert_eq!((e.field, e.kind.as_str()), ("needs", "invalid"));
        let long = "x".repeat(200);
        let e = err(CaseRow {
            household: Some(&long),
            ..row()
        });
        assert_eq!((e.field, e.kind.as_str()), ("household", "unknown"));
        let msg = e.to_string();
        assert!(msg.starts_with("field `household`: unknown value"), "{msg}");
        assert!(msg.contains("single, couple"), "{msg}");
        assert!(!msg.contains('x'), "{msg}");
        for (years, message) in [
            (-1, "age below 0"),
            (131, "age above 130 years"),
            (1000, "age above 130 years"),
        ] {
            let e = err(CaseRow {
                age: Some(years),
                ..row()
            });
            assert_eq!((e.field, e.kind.as_str()), ("age", "out_of_range"));
            // the field and the kind of problem, never the age itself
            assert_eq!(e.to_string(), format!("field `age`: {message}"));
        }
        for years in [0, 65, 130] {
            let c = CaseRow {
                age: Some(years),
                ..row()
            }
            .to_case()
            .unwrap();
            assert_eq!(
                c.attributes().age.map(|a| i64::from(a.years())),
                Some(years)
            );
        }
        let e = err(CaseRow {
            income_pct: Some(-1),
            ..row()
        });
        assert_eq!((e.field, e.kind.as_str()), ("income_pct", "out_of_range"));
        let e = err(CaseRow {
            tried: vec![TriedRow::parse("svc:maybe")],
            ..row()
        });
        assert_eq!((e.field, e.kind.as_str()), ("tried", "unknown"));
        let e = err(CaseRow {
            needs: vec!["zorg.a", "zorg.a"],
            ..row()
        });
        assert_eq!((e.field, e.kind.as_str()), ("needs", "case"));
        let e = err(CaseRow {
            needs: vec![],
            ..row()
        });
        assert_eq!((e.field, e.kind.as_str()), ("needs", "case"));
        let e = parse_date("opened", "2026-13-01").unwrap_err();
        assert_eq!(
            e.to_string(),
            "field `opened`: invalid date: use `YYYY-MM-DD`"
        );
    }

    #[test]
    fn a_case_gives_its_row_back() {
        let full = CaseRow {
            age: Some(67),
            urgency: Some("urgent"),
            signals: vec!["rent_arrears"],
            income_pct: Some(105),
            opened: NaiveDate::from_ymd_opt(2026, 3, 2),
            tried: vec![TriedRow::parse("svc:waited_too_long")],
            share_with_organisations: true,
            ..row()
        };
        let case = full.to_case().unwrap();
        assert_eq!(case.attributes().age, Age::new(67).ok());
        assert_eq!(case.attributes().signals, [Signal::RentArrears]);
        let back = CaseRow::from(&case);
        assert_eq!(back, full);
        assert_eq!(back.tried[0].to_string(), "svc:waited_too_long");
        assert_eq!(back.to_case().unwrap(), case);
    }
}
